using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;
using Prospector.Data;
using Prospector.Features.Access;
using Prospector.Features.Common;
using Prospector.Features.CreditChecks;
using Prospector.Features.Qualification;

namespace Prospector.Features.Pipelines;

/// <summary>
/// The rules of an opportunity's life: moving between steps, standby, won (which makes the contact a Customer, a later win a
/// RepeatCustomer), lost and cancelled (each with a reason). Next actions are the caller's part. Callers save the context:
/// <see cref="OpportunityService"/> (API and pages) and completing a next action with "close the item" (NextActions).
/// </summary>
public sealed class Opportunities(ProspectorDb db, TimeProvider time, IStringLocalizer<SharedResource> l, Lifecycle lifecycle)
{
    public const int MaxReason = 500;

    private DateTime Now => time.GetUtcNow().UtcDateTime;

    private static readonly Func<Opportunity, bool> OpenDeal = Definitions.OpenDeal.Compile();

    /// <summary>Still in play (<see cref="Definitions.OpenDeal"/>, the one definition the queries use too).</summary>
    public static bool IsOpen(Opportunity o) => OpenDeal(o);

    /// <summary>A deal in this state is still in play (<see cref="Definitions.OpenDeal"/>), for a page that holds only the state.</summary>
    public static bool IsOpen(OpportunityState s) => OpenDeal(new Opportunity { State = s });

    public async Task<Dictionary<string, string[]>?> MoveAsync(Opportunity o, long stepId, CancellationToken ct = default)
    {
        if (!IsOpen(o)) return Invalid("stepId", l["A closed opportunity cannot move; reopen it first."]);
        var step = await db.PipelineSteps.FirstOrDefaultAsync(s => s.Id == stepId && s.PipelineId == o.PipelineId, ct);
        if (step is null) return Invalid("stepId", l["Step {0} is not a step of this pipeline.", stepId]);
        if (step.Id == o.StepId) return null;
        if (await CreditGate.StopsAsync(db, o, step.Id, ct)) return Invalid("stepId", l[CreditGate.Message]);
        o.StepId = step.Id;
        o.Probability = step.DefaultProbability;
        return null;
    }

    /// <summary>
    /// Won: the forecast becomes revenue, so a won deal needs an amount above 0, unless the user confirms a free deal
    /// (<paramref name="freeDeal"/>; a pilot, a goodwill order).
    /// </summary>
    public async Task<Dictionary<string, string[]>?> WinAsync(Opportunity o, string? reason, bool freeDeal, AccessScope scope, CancellationToken ct = default)
    {
        if (!IsOpen(o)) return Invalid("state", l["This opportunity is already closed."]);
        if (await CreditGate.StopsAsync(db, o, null, ct)) return Invalid("state", l[CreditGate.Message]);
        if (o.Amount <= 0 && !freeDeal)
            return Invalid("amount", l["A won deal needs an amount above 0. Enter the amount, or confirm that it is a free deal (freeDeal: true)."]);
        if (reason is { Length: > MaxReason }) return Invalid("reason", l["{0} is longer than {1} characters.", "reason", MaxReason]);
        (o.State, o.CloseReason, o.ClosedAt, o.Probability, o.StandbyUntil) = (OpportunityState.Won, Clean(reason), Now, 100, null);
        await EndOpenActionAsync(o, ct);
        if (o.ContactId is { } cid && await db.Contacts.FirstOrDefaultAsync(c => c.Id == cid, ct) is { } contact)
        {
            var wonBefore = await db.Opportunities.AnyAsync(x => x.ContactId == cid && x.Id != o.Id && x.State == OpportunityState.Won, ct);
            var target = wonBefore || contact.Stage >= Stage.Customer ? Stage.RepeatCustomer : Stage.Customer;
            if (contact.Stage != target)
                lifecycle.SetStage(contact, target, l["Won: {0}", o.Title], overridden: false, scope.UserId);
        }
        return null;
    }

    /// <summary>Lost or cancelled: a reason is required, so the reports can say why deals do not close.</summary>
    public async Task<Dictionary<string, string[]>?> CloseAsync(Opportunity o, OpportunityState state, string? reason, AccessScope scope, CancellationToken ct = default)
    {
        if (!IsOpen(o)) return Invalid("state", l["This opportunity is already closed."]);
        if (string.IsNullOrWhiteSpace(reason)) return Invalid("reason", l["Say why the opportunity is lost or cancelled."]);
        if (reason.Length > MaxReason) return Invalid("reason", l["{0} is longer than {1} characters.", "reason", MaxReason]);
        (o.State, o.CloseReason, o.ClosedAt, o.StandbyUntil) = (state, reason.Trim(), Now, null);
        if (state == OpportunityState.Lost) o.Probability = 0;
        await EndOpenActionAsync(o, ct);
        return null;
    }

    /// <summary>On hold until a date; the caller schedules the next action for that day.</summary>
    public Dictionary<string, string[]>? Standby(Opportunity o, DateOnly? until, DateOnly today)
    {
        if (!IsOpen(o)) return Invalid("state", l["This opportunity is already closed."]);
        if (until is not { } date || date <= today) return Invalid("until", l["Choose a follow-up date in the future."]);
        (o.State, o.StandbyUntil) = (OpportunityState.Standby, date);
        return null;
    }

    /// <summary>Back to Open from standby, or from lost/cancelled when the customer comes back after all.</summary>
    public Dictionary<string, string[]>? Reopen(Opportunity o)
    {
        if (o.State is OpportunityState.Open) return null;
        if (o.State is OpportunityState.Won) return Invalid("state", l["A won opportunity cannot be reopened; create a new one."]);
        (o.State, o.StandbyUntil, o.ClosedAt, o.CloseReason) = (OpportunityState.Open, null, null, null);
        return null;
    }

    /// <summary>Opportunities whose standby date has come are open again (their next action is due that day).</summary>
    public async Task<int> ReturnDueAsync(DateOnly today, CancellationToken ct = default)
    {
        var due = await db.Opportunities.Where(o => o.State == OpportunityState.Standby && o.StandbyUntil != null && o.StandbyUntil <= today)
            .OrderBy(o => o.Id).Take(1000).ToListAsync(ct);
        foreach (var o in due) (o.State, o.StandbyUntil) = (OpportunityState.Open, null);
        return due.Count;
    }

    private Task EndOpenActionAsync(Opportunity o, CancellationToken ct) => new NextActions.CurrentAction(db, time, l).CancelOpenAsync(null, o.Id, ct);

    private static string? Clean(string? s) => string.IsNullOrWhiteSpace(s) ? null : s.Trim();

    private static Dictionary<string, string[]> Invalid(string field, string message) => new() { [field] = [message] };
}
