using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Prospector.Data;

namespace Prospector.Features.Pipelines;

/// <summary>
/// One change of a deal's course: created in a step, moved to another step, or its state changed (won, lost, cancelled,
/// standby, reopened). <see cref="StepId"/> is the step it is in after the change; <see cref="StepName"/> is null when that
/// step was deleted since. <see cref="State"/> is set when the state changed, with the <see cref="Reason"/> given.
/// </summary>
public sealed record StepChange(DateTime At, bool Created, long StepId, string? StepName, OpportunityState? State, string? Reason, string? By);

/// <summary>
/// The history of a deal's steps, read from the audit trail: every write of an opportunity is recorded there with its fields
/// from → to (<c>AuditTrail</c> in Prospector.Data), so the steps and states need no table of their own
/// (docs/decisions/0011-deal-steps-from-the-audit-trail.md).
/// </summary>
public static class StepHistory
{
    private sealed record FieldChangeRow(string Field, string? From, string? To);

    public static async Task<List<StepChange>> OfAsync(ProspectorDb db, long opportunityId, CancellationToken ct = default)
    {
        var entries = await db.AuditEntries.AsNoTracking()
            .Where(a => a.EntityType == nameof(Opportunity) && a.EntityId == opportunityId
                && (a.Action == AuditAction.Created || a.Action == AuditAction.Updated))
            .OrderBy(a => a.At).ThenBy(a => a.Id).Select(a => new { a.At, a.Action, a.Changes, a.UserName }).ToListAsync(ct);
        var steps = await db.PipelineSteps.AsNoTracking()
            .Where(s => db.Opportunities.IgnoreQueryFilters().Any(o => o.Id == opportunityId && o.PipelineId == s.PipelineId))
            .ToDictionaryAsync(s => s.Id, s => s.Name, ct);
        var result = new List<StepChange>();
        long step = 0;
        foreach (var e in entries)
        {
            var fields = JsonSerializer.Deserialize<List<FieldChangeRow>>(e.Changes, JsonSerializerOptions.Web) ?? [];
            string? To(string name) => fields.FirstOrDefault(f => f.Field == name)?.To;
            var created = e.Action == AuditAction.Created;
            var newStep = long.TryParse(To(nameof(Opportunity.StepId)), out var s) ? s : (long?)null;
            var newState = Enum.TryParse<OpportunityState>(To(nameof(Opportunity.State)), out var st) ? st : (OpportunityState?)null;
            if (newStep is { } moved) step = moved;
            if (!created && newStep is null && newState is null) continue;
            result.Add(new StepChange(e.At, created, step, steps.GetValueOrDefault(step), newState, To(nameof(Opportunity.CloseReason)), e.UserName));
        }
        return result;
    }
}
