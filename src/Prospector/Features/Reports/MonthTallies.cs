namespace Prospector.Features.Reports;

/// <summary>
/// Whole-day histograms (<see cref="DayCounts"/>) of the stays that ended in each segment of a period, from tallies the
/// database keeps per UTC month (stays in a stage: <c>StayTally</c>; in a pipeline step: <c>StepStayTally</c>). Each segment
/// [x, y) is the UTC months from x's nearest month start p(x) to y's, p(y), corrected by the stays between each bound and its
/// month start, read from the records themselves: those in [p(x), x) taken out, those in [x, p(x)) added (and the other way
/// round at y). At most half a month of stays is read at each bound, whatever the period's length.
/// </summary>
public static class MonthTallies
{
    /// <summary>Counted stays: <paramref name="N"/> of them in <paramref name="Key"/> (stage or step) lasting <paramref name="Days"/>.</summary>
    public sealed record Stays<TKey>(TKey Key, int Days, long N);

    /// <summary>Kept tally rows: <paramref name="N"/> stays in <paramref name="Key"/> lasting <paramref name="Days"/> that ended in the UTC month <paramref name="Month"/>.</summary>
    public sealed record Tally<TKey>(DateTime Month, TKey Key, int Days, long N);

    /// <summary>
    /// The histograms per key and segment of <paramref name="bounds"/> (a period's start, month edges and end): from
    /// <paramref name="tallies"/> (the kept rows of the UTC months [first, last)) and <paramref name="stays"/> (the stays
    /// that ended in [from, to), read from the records). Null when the corrections would read more than the period itself
    /// or a count comes out below zero (the kept rows missed a write the records have): the caller reads the records instead.
    /// </summary>
    public static async Task<Dictionary<TKey, DayCounts[]>?> CountAsync<TKey>(IReadOnlyList<DateTime> bounds,
        Func<DateTime, DateTime, Task<List<Tally<TKey>>>> tallies, Func<DateTime, DateTime, Task<List<Stays<TKey>>>> stays)
        where TKey : notnull
    {
        var anchors = bounds.Select(NearestMonthStart).ToArray();
        var edges = bounds.Select((x, i) => x < anchors[i] ? (From: x, To: anchors[i], Sign: -1) : (From: anchors[i], To: x, Sign: 1)).ToArray();
        if (edges.Sum(e => (e.To - e.From).Ticks) >= (bounds[^1] - bounds[0]).Ticks) return null;

        var result = new Dictionary<TKey, DayCounts[]>();
        var segments = bounds.Count - 1;
        DayCounts[] of(TKey k) => result.TryGetValue(k, out var d) ? d : result[k] = [.. Enumerable.Range(0, segments).Select(_ => new DayCounts())];
        foreach (var r in await tallies(anchors[0], anchors[^1])) of(r.Key)[Segment(anchors, r.Month)].Add(r.Days, r.N);

        // The bound i ends segment i - 1 and starts segment i: what lies between it and its month start is added to one and
        // taken out of the other.
        for (var i = 0; i < edges.Length; i++)
        {
            var e = edges[i];
            if (e.From == e.To) continue;
            foreach (var s in await stays(e.From, e.To))
            {
                if (i > 0) of(s.Key)[i - 1].Add(s.Days, e.Sign * s.N);
                if (i < segments) of(s.Key)[i].Add(s.Days, -e.Sign * s.N);
            }
        }
        // A count below zero means the kept rows miss a write the records have (see ADR 0030's known gap): no percentile can
        // come from that.
        if (result.Values.Any(months => months.Any(d => d.ByDays.Values.Any(n => n < 0)))) return null;
        // Kept rows that came to 0 (a deal handed to another owner leaves one) or corrections that cancel out leave a key
        // without a stay: drop it, as counting the records would never name it.
        return result.Where(x => x.Value.Any(d => d.Count != 0)).ToDictionary(x => x.Key, x => x.Value);
    }

    /// <summary>The UTC month start nearest to a time (the earlier one when halfway).</summary>
    internal static DateTime NearestMonthStart(DateTime t)
    {
        var m = new DateTime(t.Year, t.Month, 1, 0, 0, 0, DateTimeKind.Utc);
        var next = m.AddMonths(1);
        return t.Ticks - m.Ticks <= next.Ticks - t.Ticks ? m : next;
    }

    /// <summary>
    /// The segment [bounds[k], bounds[k + 1]) a time falls in (the last such k where bounds repeat): with a period's
    /// <see cref="ReportPeriod.MonthEdgesUtc"/>, the month of the period (an instant on an edge belongs to the month it starts).
    /// </summary>
    internal static int Segment(IReadOnlyList<DateTime> bounds, DateTime t)
    {
        var k = 0;
        while (k + 2 < bounds.Count && bounds[k + 1].Ticks <= t.Ticks) k++;
        return k;
    }
}
