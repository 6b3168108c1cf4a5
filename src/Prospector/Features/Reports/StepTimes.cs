using Microsoft.EntityFrameworkCore;
using Prospector.Data;

namespace Prospector.Features.Reports;

/// <summary>Days deals spent in one pipeline step: stays that ended in the period, their median and 75th percentile.</summary>
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
        var changes = b.Db.OpportunityStepChanges.Where(c => deals.Contains(c.OpportunityId));
        // Only deals whose stay ended in the period; their whole history is read and the stays paired up in memory.
        var touched = changes.Where(c => c.At >= start && c.At < end && c.FromStepId != null).Select(c => c.OpportunityId);
        var history = await changes.Where(c => touched.Contains(c.OpportunityId))
            .OrderBy(c => c.OpportunityId).ThenBy(c => c.At).ThenBy(c => c.Id)
            .Select(c => new { c.OpportunityId, c.At, c.FromStepId, c.ToStepId }).ToListAsync(ct);
        var stays = new Dictionary<long, List<double>>();
        for (var i = 0; i + 1 < history.Count; i++)
        {
            var (a, next) = (history[i], history[i + 1]);
            if (a.OpportunityId != next.OpportunityId || a.ToStepId is not { } step || next.FromStepId != step || next.At < start || next.At >= end) continue;
            (stays.TryGetValue(step, out var list) ? list : stays[step] = []).Add((next.At - a.At).TotalDays);
        }

        var pipelines = await b.Db.Pipelines.IgnoreQueryFilters().Select(p => new { p.Id, p.Name, p.SortOrder, p.DeletedAt }).ToListAsync(ct);
        var steps = await b.Db.PipelineSteps.Select(s => new { s.Id, s.PipelineId, s.Name, s.SortOrder }).ToListAsync(ct);
        return steps.Where(s => stays.ContainsKey(s.Id) || pipelines.Any(p => p.Id == s.PipelineId && p.DeletedAt is null))
            .Select(s => (Step: s, Pipeline: pipelines.FirstOrDefault(p => p.Id == s.PipelineId)))
            .OrderBy(x => x.Pipeline?.SortOrder).ThenBy(x => x.Pipeline?.Id).ThenBy(x => x.Step.SortOrder).ThenBy(x => x.Step.Id)
            .Select(x =>
            {
                var days = stays.GetValueOrDefault(x.Step.Id) ?? [];
                return new StepDurationRow(x.Step.PipelineId, x.Pipeline?.Name ?? "", x.Step.Id, x.Step.Name, days.Count,
                    StageTimesReport.Percentile(days, 0.5), StageTimesReport.Percentile(days, 0.75));
            }).ToList();
    }
}
