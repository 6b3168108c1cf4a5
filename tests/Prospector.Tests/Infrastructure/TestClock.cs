namespace Prospector.Tests.Infrastructure;

/// <summary>
/// Real time shifted by <see cref="Offset"/>. Timers keep running on real time, so moving the clock does not fire
/// the app's periodic background work behind a test's back (which a fake clock's Advance would).
/// </summary>
public sealed class TestClock : TimeProvider
{
    private long _offsetTicks;

    public TimeSpan Offset
    {
        get => TimeSpan.FromTicks(Interlocked.Read(ref _offsetTicks));
        set => Interlocked.Exchange(ref _offsetTicks, value.Ticks);
    }

    public override DateTimeOffset GetUtcNow() => System.GetUtcNow() + Offset;
}
