using Microsoft.EntityFrameworkCore;
using Prospector.Data;

namespace Prospector.Features.Reports;

/// <summary>
/// The stays in each stage that ended in each segment of the period (the trend's months, clipped to the period), as whole-day
/// histograms (<see cref="DayCounts"/>). A stay ends at a stage change that has a stage change of the same contact before it
/// (<see cref="LifecycleEvent.StayStage"/>, <see cref="LifecycleEvent.StayStartedAt"/>, kept by the database).
/// From the kept <see cref="StayTally"/> rows per UTC month when they can answer, else from the stage changes themselves;
/// both give the same histograms (FunnelFactsTests, AssertStayCountsAsync).
/// </summary>
public static class StayCounting
{
    public static async Task<Dictionary<Stage, DayCounts[]>> CountAsync(ReportBasis b, IReadOnlyList<DateTime> bounds, CancellationToken ct) =>
        await FromTalliesAsync(b, bounds, ct) ?? await FromEventsAsync(b, bounds, ct);

    /// <summary>From the stage changes themselves: every stay that ended in the period, of contacts the user may see.</summary>
    public static async Task<Dictionary<Stage, DayCounts[]>> FromEventsAsync(ReportBasis b, IReadOnlyList<DateTime> bounds, CancellationToken ct)
    {
        var result = Empty(bounds.Count - 1);
        foreach (var s in await StaysAsync(b, bounds[0], bounds[^1], ct))
            result[s.Stage][Segment(bounds, s.End)].Add(s.Days, 1);
        return result;
    }

    /// <summary>
    /// From the kept tallies: each segment [x, y) is the UTC months from x's nearest month start p(x) to y's, p(y), corrected by
    /// the stays between each bound and its month start, read from the stage changes: those in [p(x), x) taken out, those in
    /// [x, p(x)) added (and the other way round at y). At most half a month of stays is read at each bound. Null when a
    /// contact filter is set (the tallies know only owner and team), the corrections would read more than the period, or a
    /// count comes out below zero (the kept rows missed a write).
    /// </summary>
    public static async Task<Dictionary<Stage, DayCounts[]>?> FromTalliesAsync(ReportBasis b, IReadOnlyList<DateTime> bounds, CancellationToken ct)
    {
        if (b.HasContactFilter) return null;
        var anchors = bounds.Select(NearestMonthStart).ToArray();
        var edges = bounds.Select((x, i) => x < anchors[i] ? (From: x, To: anchors[i], Sign: -1) : (From: anchors[i], To: x, Sign: 1)).ToArray();
        if (edges.Sum(e => (e.To - e.From).Ticks) >= (bounds[^1] - bounds[0]).Ticks) return null;

        var result = Empty(bounds.Count - 1);
        var (first, last) = (anchors[0], anchors[^1]);
        var rows = await b.Owned(b.Db.StayTallies).Where(t => t.Month >= first && t.Month < last)
            .GroupBy(t => new { t.Month, t.Stage, t.Days }).Select(g => new { g.Key.Month, g.Key.Stage, g.Key.Days, N = g.Sum(t => t.Count) })
            .ToListAsync(ct);
        foreach (var r in rows) result[r.Stage][Segment(anchors, r.Month)].Add(r.Days, r.N);

        // The bound i ends segment i - 1 and starts segment i: what lies between it and its month start is added to one and
        // taken out of the other.
        for (var i = 0; i < edges.Length; i++)
        {
            var e = edges[i];
            if (e.From == e.To) continue;
            foreach (var s in await StaysAsync(b, e.From, e.To, ct))
            {
                if (i > 0) result[s.Stage][i - 1].Add(s.Days, e.Sign);
                if (i < bounds.Count - 1) result[s.Stage][i].Add(s.Days, -e.Sign);
            }
        }
        // A count below zero means the kept rows miss a write the events have (see ADR 0030's known gap): no percentile can
        // come from that, so the events answer instead.
        return result.Values.Any(months => months.Any(d => d.ByDays.Values.Any(n => n < 0))) ? null : result;
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

    private static Dictionary<Stage, DayCounts[]> Empty(int segments) =>
        StageOrder.All.ToDictionary(s => s, _ => Enumerable.Range(0, segments).Select(_ => new DayCounts()).ToArray());

    private sealed record Stay(Stage Stage, int Days, DateTime End);

    /// <summary>The stays that ended in [from, to), each one number computed by the database (<see cref="SqlTime"/>).</summary>
    private static async Task<List<Stay>> StaysAsync(ReportBasis b, DateTime from, DateTime to, CancellationToken ct)
    {
        var inDays = SqlTime.InDays(b.Db);
        var rows = await b.StageEvents().Where(e => e.At >= from && e.At < to && e.StayStage != null && e.StayStartedAt != null)
            .Select(e => new { Stage = e.StayStage!.Value, Length = SqlTime.Between(e.StayStartedAt!.Value, e.At), End = e.At })
            .ToListAsync(ct);
        return [.. rows.Select(r => new Stay(r.Stage, DayCounts.WholeDays(SqlTime.Span(r.Length, inDays)), r.End))];
    }
}
