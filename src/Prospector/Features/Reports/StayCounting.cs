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
            result[s.Stage][MonthTallies.Segment(bounds, s.End)].Add(s.Days, 1);
        return result;
    }

    /// <summary>
    /// From the kept tallies (<see cref="MonthTallies"/>): null when a contact filter is set (the tallies know only owner and
    /// team), the corrections would read more than the period, or a count comes out below zero (the kept rows missed a write).
    /// </summary>
    public static async Task<Dictionary<Stage, DayCounts[]>?> FromTalliesAsync(ReportBasis b, IReadOnlyList<DateTime> bounds, CancellationToken ct)
    {
        if (b.HasContactFilter) return null;
        var counts = await MonthTallies.CountAsync(bounds,
            async (first, last) => await b.Owned(b.Db.StayTallies).Where(t => t.Month >= first && t.Month < last)
                .GroupBy(t => new { t.Month, t.Stage, t.Days })
                .Select(g => new MonthTallies.Tally<Stage>(g.Key.Month, g.Key.Stage, g.Key.Days, g.Sum(t => t.Count))).ToListAsync(ct),
            async (from, to) => [.. (await StaysAsync(b, from, to, ct)).Select(s => new MonthTallies.Stays<Stage>(s.Stage, s.Days, 1))]);
        if (counts is null) return null;
        var result = Empty(bounds.Count - 1);
        foreach (var (stage, months) in counts) result[stage] = months;
        return result;
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
