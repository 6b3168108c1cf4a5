namespace Prospector.Features.Reports;

/// <summary>
/// Lengths counted in whole days (completed days: 23 hours is 0, 25 hours is 1), kept as a histogram: how many lengths of
/// each number of days. The stage times read their stays this way from the kept <c>StayTally</c> rows, and count every other
/// length (steps, sales cycle, deal age) the same way so that every figure on the page follows one rule.
/// </summary>
public sealed class DayCounts
{
    private readonly SortedDictionary<int, long> _counts = [];

    /// <summary>How many lengths of each number of days, shortest first.</summary>
    public IReadOnlyDictionary<int, long> ByDays => _counts;

    /// <summary>How many lengths.</summary>
    public long Count { get; private set; }

    /// <summary>The whole days of a span: its completed days (truncated towards zero, as integer division of its ticks).</summary>
    public static int WholeDays(TimeSpan span) => (int)(span.Ticks / TimeSpan.TicksPerDay);

    public static DayCounts Of(IEnumerable<TimeSpan> spans)
    {
        var d = new DayCounts();
        foreach (var s in spans) d.Add(WholeDays(s), 1);
        return d;
    }

    /// <summary>Adds <paramref name="n"/> lengths of <paramref name="days"/> (takes them out when negative).</summary>
    public void Add(int days, long n)
    {
        if (n == 0) return;
        var now = _counts.GetValueOrDefault(days) + n;
        if (now == 0) _counts.Remove(days);
        else _counts[days] = now;
        Count += n;
    }

    public void Add(DayCounts other)
    {
        foreach (var (days, n) in other._counts) Add(days, n);
    }

    /// <summary>
    /// The p-th percentile of the lengths by linear interpolation between the closest ranks (as a spreadsheet's PERCENTILE.INC
    /// over the whole days), to 0.1 day; read from the cumulative counts.
    /// </summary>
    public double? Percentile(double p)
    {
        if (Count <= 0) return null;
        var rank = p * (Count - 1);
        var lo = (long)Math.Floor(rank);
        var hi = Math.Min(lo + 1, Count - 1);
        var (atLo, atHi) = (At(lo), At(hi));
        return Math.Round(atLo + (atHi - atLo) * (rank - lo), 1, MidpointRounding.AwayFromZero);
    }

    /// <summary>The length at a 0-based rank in ascending order.</summary>
    private int At(long rank)
    {
        long seen = 0;
        foreach (var (days, n) in _counts)
        {
            seen += n;
            if (rank < seen) return days;
        }
        return _counts.Keys.Last();
    }
}
