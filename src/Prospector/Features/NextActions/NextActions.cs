using System.ComponentModel;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;
using Prospector.Data;
using Prospector.Features.Access;
using Prospector.Features.Common;
using Prospector.Features.Pipelines;
using Prospector.Features.Qualification;

namespace Prospector.Features.NextActions;

/// <summary>What a next action is: kind, due day (and optional time), note, who does it.</summary>
public sealed record NextActionInput(NextActionType? Type, DateOnly? DueDate, TimeOnly? DueTime, string? Note, long? AssigneeId);

/// <summary>How an item ends when its last action is done: an opportunity won, lost or cancelled; a contact disqualified.</summary>
public enum CloseAs { Won, Lost, Cancelled, Disqualified }

/// <summary>How to close; <see cref="FreeDeal"/> confirms winning a deal at 0 (see <see cref="Opportunities.WinAsync"/>).</summary>
public sealed record CloseInput(CloseAs? As, string? Reason,
    [property: Description("Closing as Won a deal whose amount is 0: confirms it is a free deal (otherwise refused on \"close.amount\").")] bool? FreeDeal = null);

/// <summary>Completing a next action: the outcome (logged as an activity), then the next action or the end of the item.</summary>
public sealed record Completion(string? Outcome, string? Notes, NextActionInput? Next, CloseInput? Close);

/// <summary>
/// The promise "nothing falls through the cracks": every open Lead or Prospect without an open opportunity, and every open
/// opportunity, has exactly one current next action (the database enforces "at most one" with partial unique indexes;
/// this class makes sure the current one is only ever replaced, never just ended). Callers save the context.
/// </summary>
public sealed class NextActions(ProspectorDb db, TimeProvider time, IStringLocalizer<SharedResource> l, Lifecycle lifecycle, Opportunities opportunities)
{
    public const int MaxNote = 1000;
    public const int MaxOutcome = 50;
    public const int MaxNotes = 4000;

    /// <summary>The outcomes offered in the UI: stored as written (like a code), shown translated. The API takes any short text.</summary>
    public static readonly string[] Outcomes = ["Reached", "No answer", "Voicemail", "Replied", "Meeting held", "Done"];

    /// <summary>All-day actions are due at this hour of the assignee's day: reminders and sorting use it.</summary>
    public static readonly TimeOnly AllDayAt = new(8, 0);

    private DateTime Now => time.GetUtcNow().UtcDateTime;

    private readonly CurrentAction Current = new(db, time);

    public static DateTime DueAtUtc(DateOnly date, TimeOnly? at, string? timeZone) =>
        TimeZoneInfo.ConvertTimeToUtc(date.ToDateTime(at ?? AllDayAt), UserTime.Zone(timeZone));

    /// <summary>Whether an item is open, i.e. must always have a next action.</summary>
    public async Task<bool> IsOpenAsync(long? contactId, long? opportunityId, CancellationToken ct = default)
    {
        if (opportunityId is { } oid)
            return await db.Opportunities.AnyAsync(o => o.Id == oid && (o.State == OpportunityState.Open || o.State == OpportunityState.Standby), ct);
        return await db.Contacts.AnyAsync(c => c.Id == contactId && (c.Stage == Stage.Lead || c.Stage == Stage.Prospect)
            && c.LeadStatus != LeadStatus.Unqualified
            && !db.Opportunities.Any(o => o.ContactId == c.Id && (o.State == OpportunityState.Open || o.State == OpportunityState.Standby)), ct);
    }

    public Dictionary<string, string[]>? Validate(NextActionInput? input, string prefix, bool allowPast = false)
    {
        var errors = new Dictionary<string, string[]>();
        if (input is null) return new() { [prefix] = [l["{0} is required.", prefix]] };
        if (input.Type is null) errors[$"{prefix}.type"] = [l["{0} must be one of: {1}.", "type", string.Join(", ", Enum.GetNames<NextActionType>())]];
        if (input.DueDate is not { } due) errors[$"{prefix}.dueDate"] = [l["{0} is required.", "dueDate"]];
        else if (!allowPast && due < DateOnly.FromDateTime(Now.AddDays(-1))) errors[$"{prefix}.dueDate"] = [l["A next action cannot be due in the past."]];
        if (input.Note is { Length: > MaxNote }) errors[$"{prefix}.note"] = [l["{0} is longer than {1} characters.", "note", MaxNote]];
        return errors.Count > 0 ? errors : null;
    }

    /// <summary>Makes <paramref name="input"/> the item's current next action; an open one is cancelled first (one at a time).</summary>
    public async Task<(NextAction? Action, Dictionary<string, string[]>? Errors)> ScheduleAsync(
        long? contactId, long? opportunityId, NextActionInput input, AccessScope scope, CancellationToken ct = default, string prefix = "next")
    {
        if (Validate(input, prefix) is { } errors) return (null, errors);
        if (input.AssigneeId is { } asked && !await db.Users.AnyAsync(u => u.Id == asked && u.DeactivatedAt == null, ct))
            return (null, new() { [$"{prefix}.assigneeId"] = [l["There is no active user {0}.", asked]] });
        var action = await Current.ScheduleAsync(new PlannedAction(opportunityId is null ? contactId : null, opportunityId, input.Type!.Value,
            input.DueDate!.Value, input.DueTime, input.Note, input.AssigneeId), scope.UserId, ct);
        return (action, null);
    }

    /// <summary>Reschedules or reassigns the current action in place (same action, new date, time, note or assignee).</summary>
    public async Task<Dictionary<string, string[]>?> UpdateAsync(NextAction a, NextActionInput input, AccessScope scope, CancellationToken ct = default)
    {
        // An action without an assignee (written before every action got one) gets one now: the owner, else whoever edits it.
        var assignee = input.AssigneeId ?? a.AssigneeId
            ?? await Current.DefaultAssigneeAsync(a.OpportunityId is null ? a.ContactId : null, a.OpportunityId, scope.UserId, ct);
        var merged = new NextActionInput(input.Type ?? a.Type, input.DueDate ?? a.DueDate, input.DueTime, input.Note, assignee);
        if (Validate(merged, "action") is { } errors) return errors;
        if (merged.AssigneeId is { } who && !await db.Users.AnyAsync(u => u.Id == who && u.DeactivatedAt == null, ct))
            return new() { ["action.assigneeId"] = [l["There is no active user {0}.", who]] };
        (a.Type, a.DueDate, a.DueTime, a.Note, a.AssigneeId) = (merged.Type!.Value, merged.DueDate!.Value, merged.DueTime, Clean(merged.Note), merged.AssigneeId);
        a.DueAtUtc = DueAtUtc(a.DueDate, a.DueTime, await UserTime.ZoneOfAsync(db, a.AssigneeId, ct));
        return null;
    }

    /// <summary>
    /// Completes the action: the outcome becomes an activity; an open item then needs either the next action or to be closed.
    /// Saves along the way (to free the one-open-action slot): run it inside a transaction and roll back on errors.
    /// </summary>
    public async Task<(NextAction? Next, Dictionary<string, string[]>? Errors)> CompleteAsync(
        NextAction a, Completion c, AccessScope scope, CancellationToken ct = default)
    {
        if (a.Status != NextActionStatus.Open) return (null, new() { ["action"] = [l["This next action is already done."]] });
        var outcome = c.Outcome?.Trim();
        if (string.IsNullOrEmpty(outcome)) return (null, new() { ["outcome"] = [l["Say what came of it (the outcome)."]] });
        if (outcome.Length > MaxOutcome) return (null, new() { ["outcome"] = [l["{0} is longer than {1} characters.", "outcome", MaxOutcome]] });
        if (c.Notes is { Length: > MaxNotes }) return (null, new() { ["notes"] = [l["{0} is longer than {1} characters.", "notes", MaxNotes]] });
        if (c.Next is not null && c.Close is not null)
            return (null, new() { ["close"] = [l["Either name the next action or close the item, not both."]] });
        if (c.Next is not null && Validate(c.Next, "next") is { } invalid) return (null, invalid);
        if (c.Close is { As: null }) return (null, new() { ["close.as"] = [l["{0} must be one of: {1}.", "as", string.Join(", ", Enum.GetNames<CloseAs>())]] });
        var open = await IsOpenAsync(a.OpportunityId is null ? a.ContactId : null, a.OpportunityId, ct);
        if (open && c.Next is null && c.Close is null)
            return (null, new() { ["next"] = [l["This item is still open: name the next action or close it."]] });

        (a.Status, a.Outcome, a.CompletedAt) = (NextActionStatus.Done, outcome, Now);
        // The company too, so the conversation shows on the company's timeline (as one logged by hand does).
        var companyId = a.ContactId is null ? null : await db.Contacts.Where(x => x.Id == a.ContactId).Select(x => x.CompanyId).FirstOrDefaultAsync(ct);
        db.Activities.Add(new Activity
        {
            ContactId = a.ContactId, CompanyId = companyId, OpportunityId = a.OpportunityId, Channel = ChannelOf(a.Type), Direction = Direction.Outbound,
            // Stored as a logged activity stores it (lower case), so the outcome filter and its label find it.
            Outcome = outcome.ToLowerInvariant(), OccurredAt = Now, Subject = a.Note is { Length: > 200 } n ? n[..200] : a.Note, Notes = Clean(c.Notes),
            UserId = scope.UserId, CreatedAt = Now,
        });
        // Free the "one open action" slot before the next one is inserted.
        await db.SaveChangesAsync(ct);

        if (c.Close is { } close)
        {
            if (await CloseAsync(a, close, scope, ct) is { } errors) return (null, errors);
            return (null, null);
        }
        if (c.Next is { } next)
        {
            var (created, errors) = await ScheduleAsync(a.OpportunityId is null ? a.ContactId : null, a.OpportunityId, next, scope, ct);
            return errors is null ? (created, null) : (null, errors);
        }
        return (null, null);
    }

    private async Task<Dictionary<string, string[]>?> CloseAsync(NextAction a, CloseInput close, AccessScope scope, CancellationToken ct)
    {
        var how = close.As!.Value;
        if (a.OpportunityId is { } oid)
        {
            var o = await db.Opportunities.FirstAsync(x => x.Id == oid, ct);
            return how switch
            {
                CloseAs.Won => Prefix(await opportunities.WinAsync(o, close.Reason, close.FreeDeal == true, scope, ct)),
                CloseAs.Lost => Prefix(await opportunities.CloseAsync(o, OpportunityState.Lost, close.Reason, scope, ct)),
                CloseAs.Cancelled => Prefix(await opportunities.CloseAsync(o, OpportunityState.Cancelled, close.Reason, scope, ct)),
                _ => new() { ["close.as"] = [l["An opportunity is closed as won, lost or cancelled."]] },
            };
        }
        if (how != CloseAs.Disqualified) return new() { ["close.as"] = [l["A contact is closed by disqualifying it."]] };
        var contact = await db.Contacts.Include(x => x.Consents).FirstAsync(x => x.Id == a.ContactId, ct);
        var result = await lifecycle.DisqualifyAsync(contact, close.Reason, null, scope, ct);
        return result.Errors is { } e ? e.ToDictionary(kv => "close." + kv.Key, kv => kv.Value) : null;
    }

    /// <summary>Ends the item's open action without an outcome: the item was closed another way, or a new action replaces it.</summary>
    public Task CancelOpenAsync(long? contactId, long? opportunityId, CancellationToken ct = default) =>
        Current.CancelOpenAsync(contactId, opportunityId, ct);

    private static Dictionary<string, string[]>? Prefix(Dictionary<string, string[]>? errors) =>
        errors?.ToDictionary(kv => "close." + kv.Key, kv => kv.Value);

    public static Channel ChannelOf(NextActionType type) => type switch
    {
        NextActionType.Call => Channel.Phone,
        NextActionType.Email => Channel.Email,
        NextActionType.Sms => Channel.Sms,
        NextActionType.Social => Channel.Social,
        NextActionType.Meeting or NextActionType.Visit => Channel.InPerson,
        _ => Channel.Note,
    };

    private static string? Clean(string? s) => string.IsNullOrWhiteSpace(s) ? null : s.Trim();
}
