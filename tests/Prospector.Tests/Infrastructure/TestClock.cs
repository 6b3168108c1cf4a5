namespace Prospector.Tests.Infrastructure;

/// <summary>
/// Real time shifted by <see cref="Offset"/>, or held at one instant (<see cref="Pin"/>). Timers keep running on real time, so
/// moving the clock does not fire the app's periodic background work behind a test's back (which a fake clock's Advance would).
/// </summary>
public sealed class TestClock : TimeProvider
{
    private long _offsetTicks;
    private long _pinnedTicks; // 0: not pinned

    /// <summary>Shifts real time; setting it lets go of a pinned instant.</summary>
    public TimeSpan Offset
    {
        get => TimeSpan.FromTicks(Interlocked.Read(ref _offsetTicks));
        set
        {
            Interlocked.Exchange(ref _pinnedTicks, 0);
            Interlocked.Exchange(ref _offsetTicks, value.Ticks);
        }
    }

    /// <summary>
    /// Holds the clock at exactly <paramref name="utc"/> until the next <see cref="Pin"/> or <see cref="Offset"/>: every write
    /// is stamped with that very instant (a test that logs it knows the stamps, to the tick; a stay of two days is not two days
    /// minus the milliseconds between two requests).
    /// </summary>
    public void Pin(DateTime utc)
    {
        Interlocked.Exchange(ref _offsetTicks, (utc - DateTime.UtcNow).Ticks);
        Interlocked.Exchange(ref _pinnedTicks, utc.Ticks);
    }

    public override DateTimeOffset GetUtcNow() => Interlocked.Read(ref _pinnedTicks) is var p and not 0
        ? new DateTimeOffset(p, TimeSpan.Zero)
        : System.GetUtcNow() + Offset;
}
