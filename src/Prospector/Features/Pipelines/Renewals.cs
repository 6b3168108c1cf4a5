using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;
using Prospector.Data;
using Prospector.Features.Access;
using Prospector.Features.NextActions;

namespace Prospector.Features.Pipelines;

/// <summary>
/// A won deal's renewal or re-order date and its account-care next action: setting the date plans a call on that day for the
/// deal's owner (the deal's one open action, so there is exactly one); changing the date moves that same action; clearing the
/// date cancels it. Runs inside the caller's change (<see cref="OpportunityService"/>), which saves and commits.
/// </summary>
public sealed class Renewals(ProspectorDb db, CurrentAction current, TimeProvider time, IStringLocalizer<SharedResource> l)
{
    public async Task<Dictionary<string, string[]>?> SetAsync(Opportunity o, DateOnly? date, AccessScope scope, CancellationToken ct = default)
    {
        if (date == o.RenewalDate) return null;
        if (o.State != OpportunityState.Won) return Invalid(l["A renewal or re-order date belongs to a won deal."]);
        if (date is not { } day)
        {
            o.RenewalDate = null;
            await current.CancelOpenAsync(null, o.Id, ct);
            return null;
        }
        var today = await CurrentAction.TodayAsync(db, scope.UserId, time, ct);
        if (day <= today) return Invalid(l["Choose a renewal or re-order date in the future."]);
        o.RenewalDate = day;
        var open = await db.NextActions.FirstOrDefaultAsync(a => a.OpportunityId == o.Id && a.Status == NextActionStatus.Open, ct);
        if (open is not null)
        {
            var moved = await current.ReplaceDetailsAsync(open, new NextActionInput(open.Type, day, open.DueTime, open.Note, open.AssigneeId), scope, "renewalDate", ct);
            return moved.IsOk ? null : moved.Errors.ToDictionary(kv => kv.Key, kv => kv.Value);
        }
        var note = l["Renewal / re-order: {0}", o.Title].Value;
        var planned = await current.ScheduleAsync(null, o.Id,
            new NextActionInput(NextActionType.Call, day, null, note.Length > CurrentAction.MaxNote ? note[..CurrentAction.MaxNote] : note, null), scope, "renewalDate", ct);
        return planned.IsOk ? null : planned.Errors.ToDictionary(kv => kv.Key, kv => kv.Value);
    }

    private static Dictionary<string, string[]> Invalid(string message) => new() { ["renewalDate"] = [message] };
}
