using Microsoft.EntityFrameworkCore;
using Prospector.Data;

namespace Prospector.Features.CreditChecks;

/// <summary>
/// The credit check rule, one place for every way a deal moves (the API, the deal page, the board, closing from the To do):
/// a deal whose newest credit check failed, and was not overridden by a manager, cannot go past its pipeline's credit check
/// step — to a later step or to Won. Going back, or a pipeline without a credit check step, is never stopped.
/// </summary>
public static class CreditGate
{
    public const string Message =
        "The credit check failed: this deal cannot go past the credit check step until a manager overrides the result with a reason.";

    /// <summary>Whether moving the deal to <paramref name="targetStepId"/> (null: closing it as won) is stopped by a failed credit check.</summary>
    public static async Task<bool> StopsAsync(ProspectorDb db, Opportunity o, long? targetStepId, CancellationToken ct = default)
    {
        var creditStep = await db.PipelineSteps.Where(s => s.PipelineId == o.PipelineId && s.IsCreditCheck)
            .OrderBy(s => s.SortOrder).Select(s => (int?)s.SortOrder).FirstOrDefaultAsync(ct);
        if (creditStep is null) return false;
        if (targetStepId is { } target
            && await db.PipelineSteps.Where(s => s.Id == target).Select(s => s.SortOrder).FirstOrDefaultAsync(ct) <= creditStep) return false;
        return await FailedAsync(db, o.Id, ct);
    }

    /// <summary>The newest credit check of the deal failed and was not overridden.</summary>
    public static async Task<bool> FailedAsync(ProspectorDb db, long opportunityId, CancellationToken ct = default) =>
        await db.CreditChecks.Where(c => c.OpportunityId == opportunityId).OrderByDescending(c => c.RecordedAt).ThenByDescending(c => c.Id)
            .Select(c => new { c.Result, c.OverriddenAt }).FirstOrDefaultAsync(ct) is { Result: CreditCheckResult.Failed, OverriddenAt: null };
}
