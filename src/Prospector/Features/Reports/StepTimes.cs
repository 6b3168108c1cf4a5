using Microsoft.EntityFrameworkCore;
using Prospector.Data;

namespace Prospector.Features.Reports;

/// <summary>Days deals spent in one pipeline step (whole days, <see cref="DayCounts"/>): stays that ended in the period, their median and 75th percentile.</summary>
public sealed record StepDurationRow(long PipelineId, string Pipeline, long StepId, string Step, int Count, double? MedianDays, double? P75Days);

/// <summary>
/// Time per pipeline step, from the deal step history (<see cref="OpportunityStepChange"/>). A stay runs from the entry that
/// put a deal into a step to the deal's next entry (moved to another step or pipeline, won, lost or cancelled); it is counted
/// in the period it ended in, under the pipeline the step belongs to. A deal moved back and forth counts each stay; a
/// reopened deal starts a new stay. Deals are those the report counts (<see cref="ReportBasis.Opportunities"/>). The database
/// keeps each entry's stay (<see cref="OpportunityStepChange.StayStartedAt"/>) and a histogram of them per UTC month
/// (<see cref="StepStayTally"/>), read through <see cref="MonthTallies"/> when no contact filter is set.
/// </summary>
public static class StepTimes
{
    public static async Task<List<StepDurationRow>> ComputeAsync(ReportBasis b, CancellationToken ct)
    {
        var stays = await FromTalliesAsync(b, ct) ?? await FromChangesAsync(b, ct);
        var pipelines = await b.Db.Pipelines.IgnoreQueryFilters().Select(p => new { p.Id, p.Name, p.SortOrder, p.DeletedAt }).ToListAsync(ct);
        var steps = await b.Db.PipelineSteps.Select(s => new { s.Id, s.PipelineId, s.Name, s.SortOrder }).ToListAsync(ct);
        return steps.Where(s => stays.ContainsKey(s.Id) || pipelines.Any(p => p.Id == s.PipelineId && p.DeletedAt is null))
            .Select(s => (Step: s, Pipeline: pipelines.FirstOrDefault(p => p.Id == s.PipelineId)))
            .OrderBy(x => x.Pipeline?.SortOrder).ThenBy(x => x.Pipeline?.Id).ThenBy(x => x.Step.SortOrder).ThenBy(x => x.Step.Id)
            .Select(x =>
            {
                var days = stays.GetValueOrDefault(x.Step.Id) ?? new();
                return new StepDurationRow(x.Step.PipelineId, x.Pipeline?.Name ?? "", x.Step.Id, x.Step.Name, (int)days.Count,
                    days.Percentile(0.5), days.Percentile(0.75));
            }).ToList();
    }

    /// <summary>
    /// The stays per step that ended in the period, from the deal step entries of the period (each with the start of the
    /// stay it ends, <see cref="OpportunityStepChange.StayStartedAt"/>, which the database keeps).
    /// </summary>
    public static async Task<Dictionary<long, DayCounts>> FromChangesAsync(ReportBasis b, CancellationToken ct)
    {
        var result = new Dictionary<long, DayCounts>();
        foreach (var s in await StaysAsync(b, b.Period.StartUtc, b.Period.EndUtc, ct))
            (result.TryGetValue(s.Key, out var d) ? d : result[s.Key] = new()).Add(s.Days, s.N);
        return result;
    }

    /// <summary>
    /// The same from the kept <see cref="StepStayTally"/> rows (<see cref="MonthTallies"/>); null when a contact filter is set
    /// (the tallies know only owner and team), the period is too short to gain, or a kept count came out below zero.
    /// </summary>
    public static async Task<Dictionary<long, DayCounts>?> FromTalliesAsync(ReportBasis b, CancellationToken ct)
    {
        if (b.HasContactFilter) return null;
        var counts = await MonthTallies.CountAsync([b.Period.StartUtc, b.Period.EndUtc],
            async (first, last) => await b.Owned(b.Db.StepStayTallies).Where(t => t.Month >= first && t.Month < last)
                .GroupBy(t => new { t.Month, t.StepId, t.Days })
                .Select(g => new MonthTallies.Tally<long>(g.Key.Month, g.Key.StepId, g.Key.Days, g.Sum(t => t.Count))).ToListAsync(ct),
            (from, to) => StaysAsync(b, from, to, ct));
        return counts?.ToDictionary(x => x.Key, x => x.Value[0]);
    }

    /// <summary>The stays that ended in [from, to), counted per step and whole day by the database.</summary>
    private static async Task<List<MonthTallies.Stays<long>>> StaysAsync(ReportBasis b, DateTime from, DateTime to, CancellationToken ct)
    {
        // A join, not IN (deals): SQLite would first list every deal the user may see (200,000 at full size) for an hour's entries.
        var rows = await b.Db.OpportunityStepChanges
            .Where(c => c.At >= from && c.At < to && c.StayStartedAt != null && c.FromStepId != null)
            .Join(b.Opportunities(), c => c.OpportunityId, o => o.Id, (c, o) => c)
            .Select(c => new { Step = c.FromStepId!.Value, Days = SqlTime.WholeDays(c.StayStartedAt!.Value, c.At) })
            .GroupBy(x => new { x.Step, x.Days }).Select(g => new { g.Key.Step, g.Key.Days, N = g.Count() })
            .ToListAsync(ct);
        return [.. rows.Select(r => new MonthTallies.Stays<long>(r.Step, (int)r.Days, r.N))];
    }
}
