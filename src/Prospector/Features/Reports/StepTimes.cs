using Microsoft.EntityFrameworkCore;
using Prospector.Data;

namespace Prospector.Features.Reports;

/// <summary>Days deals spent in one pipeline step (whole days, <see cref="DayCounts"/>): stays that ended in the period, their median and 75th percentile.</summary>
public sealed record StepDurationRow(long PipelineId, string Pipeline, long StepId, string Step, int Count, double? MedianDays, double? P75Days);

/// <summary>
/// Time per pipeline step, from the deal step history (<see cref="OpportunityStepChange"/>). A stay runs from the entry that
/// put a deal into a step to the deal's next entry (moved to another step or pipeline, won, lost or cancelled); it is counted
/// in the period it ended in, under the pipeline the step belongs to. A deal moved back and forth counts each stay; a
/// reopened deal starts a new stay. Deals are those the report counts (<see cref="ReportBasis.Opportunities"/>).
/// </summary>
public static class StepTimes
{
    public static async Task<List<StepDurationRow>> ComputeAsync(ReportBasis b, CancellationToken ct)
    {
        var (start, end) = (b.Period.StartUtc, b.Period.EndUtc);
        var deals = b.Opportunities().Select(o => o.Id);
        // A stay ends at a change within the period that leaves the step the deal's change just before it (by time, then id)
        // entered: one index probe per change of the period instead of reading the touched deals' whole histories.
        var all = b.Db.OpportunityStepChanges;
        var pairs = await all.Where(c => c.At >= start && c.At < end && c.FromStepId != null && deals.Contains(c.OpportunityId))
            .Select(c => new
            {
                End = c.At,
                c.FromStepId,
                PrevId = all.Where(p => p.OpportunityId == c.OpportunityId && (p.At < c.At || (p.At == c.At && p.Id < c.Id)))
                    .OrderByDescending(p => p.At).ThenByDescending(p => p.Id).Select(p => (long?)p.Id).FirstOrDefault(),
            })
            .Where(x => x.PrevId != null)
            .Join(all, x => x.PrevId, p => (long?)p.Id, (x, p) => new { p.ToStepId, x.FromStepId, Start = p.At, x.End })
            .Where(x => x.ToStepId != null && x.ToStepId == x.FromStepId)
            .Select(x => new { Step = x.ToStepId!.Value, Days = SqlTime.WholeDays(x.Start, x.End) })
            .GroupBy(x => new { x.Step, x.Days }).Select(g => new { g.Key.Step, g.Key.Days, N = g.Count() }) // counted per step and day by the database
            .ToListAsync(ct);
        var stays = new Dictionary<long, DayCounts>();
        foreach (var x in pairs) (stays.TryGetValue(x.Step, out var d) ? d : stays[x.Step] = new()).Add((int)x.Days, x.N);

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
}
