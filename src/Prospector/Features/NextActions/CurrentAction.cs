using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;
using Prospector.Data;
using Prospector.Features.Access;
using Prospector.Features.Common;

namespace Prospector.Features.NextActions;

/// <summary>What a next action is: kind, due day (and optional time), note, who does it.</summary>
public sealed record NextActionInput(NextActionType? Type, DateOnly? DueDate, TimeOnly? DueTime, string? Note, long? AssigneeId);

/// <summary>
/// The one owner of the promise "every open item has exactly one current next action", whoever asks (the To do and the
/// next-action panel, the API, the lifecycle, the board, converting a list row). It validates every new action the same way,
/// guarantees exactly one open action per item (the previous one is cancelled first), an assignee (asked for, else the item's
/// owner if active, else the acting user) so it reaches someone's To do and reminders, and a due time in the assignee's zone
/// (<see cref="DueAtUtc"/>, all-day actions at <see cref="AllDayAt"/>). It also holds "today in the user's zone" and which
/// contacts need an action. It depends only on the context, the clock and the texts, so every feature can use it without a cycle.
/// </summary>
public sealed class CurrentAction(ProspectorDb db, TimeProvider time, IStringLocalizer<SharedResource> l)
{
    public const int MaxNote = 1000;

    /// <summary>All-day actions are due at this hour of the assignee's day: reminders, the calendar feed and sorting use it.</summary>
    public static readonly TimeOnly AllDayAt = new(8, 0);

    private DateTime Now => time.GetUtcNow().UtcDateTime;

    /// <summary>The due moment in UTC of a day (and optional time) in a time zone.</summary>
    public static DateTime DueAtUtc(DateOnly date, TimeOnly? at, string? timeZone) =>
        TimeZoneInfo.ConvertTimeToUtc(date.ToDateTime(at ?? AllDayAt), UserTime.Zone(timeZone));

    /// <summary>The day it is in a time zone at <paramref name="utcNow"/>.</summary>
    public static DateOnly Today(DateTime utcNow, string? timeZone) => DateOnly.FromDateTime(UserTime.ToLocal(utcNow, timeZone));

    /// <summary>Today in a user's time zone: "overdue", "today" and "in the future" are all measured against it.</summary>
    public static async Task<DateOnly> TodayAsync(ProspectorDb db, long? userId, TimeProvider time, CancellationToken ct = default) =>
        Today(time.GetUtcNow().UtcDateTime, await UserTime.ZoneOfAsync(db, userId, ct));

    /// <summary>
    /// Of <paramref name="contacts"/>, those that are items of their own (in play, no open deal): they need an action. Customers
    /// (<see cref="Definitions.CustomerInCare"/>) need one too when the workspace says "every customer has a next action".
    /// </summary>
    public static IQueryable<Contact> NeedingAction(ProspectorDb db, IQueryable<Contact> contacts)
    {
        var openDeals = db.Opportunities.Where(Definitions.OpenDeal);
        var settings = db.WorkspaceSettings;
        // Definitions.ContactInPlay, or Definitions.CustomerInCare when the setting is on, as one condition.
        return contacts.Where(c => c.LeadStatus != LeadStatus.Unqualified
                && (c.Stage == Stage.Lead || c.Stage == Stage.Prospect
                    || ((c.Stage == Stage.Customer || c.Stage == Stage.RepeatCustomer) && settings.Any(s => s.CustomersNeedNextAction))))
            .Where(c => !openDeals.Any(o => o.ContactId == c.Id));
    }

    /// <summary>Whether a contact may have a next action without needing one: a customer looked after ("account care").</summary>
    public Task<bool> IsInCareAsync(long? contactId, CancellationToken ct = default) =>
        db.Contacts.Where(Definitions.CustomerInCare).AnyAsync(c => c.Id == contactId, ct);

    /// <summary>Whether an item (a contact, or an opportunity) is open, i.e. must always have a next action.</summary>
    public Task<bool> IsOpenAsync(long? contactId, long? opportunityId, CancellationToken ct = default) =>
        opportunityId is { } oid
            ? db.Opportunities.Where(Definitions.OpenDeal).AnyAsync(o => o.Id == oid, ct)
            : NeedingAction(db, db.Contacts).AnyAsync(c => c.Id == contactId, ct);

    /// <summary>Whether the item has its open action already.</summary>
    public Task<bool> HasOpenAsync(long? contactId, long? opportunityId, CancellationToken ct = default) =>
        OpenOf(contactId, opportunityId).AnyAsync(ct);

    private IQueryable<NextAction> OpenOf(long? contactId, long? opportunityId) =>
        db.NextActions.Where(a => a.Status == NextActionStatus.Open
            && (opportunityId != null ? a.OpportunityId == opportunityId : a.ContactId == contactId && a.OpportunityId == null));

    /// <summary>The checks every new or changed next action passes, with the fields named under <paramref name="prefix"/>.</summary>
    public Dictionary<string, string[]>? Validate(NextActionInput? input, string prefix, bool allowPast = false)
    {
        var errors = new Dictionary<string, string[]>();
        if (input is null) return new() { [prefix] = [l["{0} is required.", prefix]] };
        if (input.Type is null) errors[$"{prefix}.type"] = [l["{0} must be one of: {1}.", "type", string.Join(", ", Enum.GetNames<NextActionType>())]];
        if (input.DueDate is not { } due) errors[$"{prefix}.dueDate"] = [l["{0} is required.", "dueDate"]];
        else if (!allowPast && due < DateOnly.FromDateTime(Now.AddDays(-1))) errors[$"{prefix}.dueDate"] = [l["A next action cannot be due in the past."]];
        if (input.Note?.Trim() is { Length: > MaxNote }) errors[$"{prefix}.note"] = [l["{0} is longer than {1} characters.", "note", MaxNote]];
        return errors.Count > 0 ? errors : null;
    }

    /// <summary>Who does an action when nobody is named: the item's owner while active, else the acting user.</summary>
    public async Task<long?> DefaultAssigneeAsync(long? contactId, long? opportunityId, long? actorId, CancellationToken ct = default)
    {
        var ownerId = opportunityId is { } oid
            ? await db.Opportunities.Where(o => o.Id == oid).Select(o => o.OwnerId).FirstOrDefaultAsync(ct)
            : await db.Contacts.Where(c => c.Id == contactId).Select(c => c.OwnerId).FirstOrDefaultAsync(ct);
        var activeOwner = ownerId is { } owner && await IsActiveAsync(owner, ct) ? ownerId : null;
        return Pick(null, activeOwner, actorId);
    }

    /// <summary>The assignee rule itself: the one asked for, else the item's active owner, else the acting user.</summary>
    public static long? Pick(long? asked, long? activeOwner, long? actorId) => asked ?? activeOwner ?? actorId;

    private Task<bool> IsActiveAsync(long userId, CancellationToken ct) => db.Users.AnyAsync(u => u.Id == userId && u.DeactivatedAt == null, ct);

    /// <summary>
    /// Makes <paramref name="input"/> the current next action of a contact (no opportunity) or of an opportunity, after the checks
    /// of <see cref="Validate"/> and the assignee rule. <paramref name="actor"/> is the user who acts (the fallback assignee; a named assignee passes the hand-over rule).
    /// The open action it replaces is cancelled. Runs in the caller's transaction, or in one of its own.
    /// </summary>
    public Task<Outcome<NextAction>> ScheduleAsync(long? contactId, long? opportunityId, NextActionInput input, AccessScope actor,
        string prefix = "next", CancellationToken ct = default) => UnitOfWork.RunAsync(db, async () =>
    {
        if (Validate(input, prefix) is { } errors) return Outcome<NextAction>.Invalid(errors);
        if (input.AssigneeId is { } asked && await actor.HandOverProblemAsync(db, asked, ct) is { } problem)
            return Outcome<NextAction>.Invalid($"{prefix}.assigneeId", l[problem, asked]);
        var assignee = input.AssigneeId ?? await DefaultAssigneeAsync(contactId, opportunityId, actor.UserId, ct);
        // An action that reaches nobody must not be written.
        if (assignee is null) return Outcome<NextAction>.Invalid($"{prefix}.assigneeId", l["{0} is required.", "assigneeId"]);
        await CancelOpenAsync(opportunityId is null ? contactId : null, opportunityId, ct);
        var zone = await UserTime.ZoneOfAsync(db, assignee, ct);
        var itemContactId = opportunityId is { } oid
            ? await db.Opportunities.Where(o => o.Id == oid).Select(o => o.ContactId).FirstOrDefaultAsync(ct) ?? contactId
            : contactId;
        var action = new NextAction
        {
            ContactId = itemContactId, OpportunityId = opportunityId, Type = input.Type!.Value, DueDate = input.DueDate!.Value, DueTime = input.DueTime,
            DueAtUtc = DueAtUtc(input.DueDate.Value, input.DueTime, zone), Note = Clean(input.Note), AssigneeId = assignee, CreatedAt = Now,
        };
        db.NextActions.Add(action);
        return Outcome<NextAction>.Ok(action);
    }, ct);

    /// <summary>
    /// Changes the current action in place (same action; new kind, day, time, note or assignee), with the same checks and the
    /// due time again in the (new) assignee's zone. The caller saves.
    /// </summary>
    public async Task<Outcome<NextAction>> ReplaceDetailsAsync(NextAction a, NextActionInput merged, AccessScope actor, string prefix, CancellationToken ct)
    {
        // An action without an assignee (written before every action got one) gets one now: the owner, else whoever edits it.
        var assignee = merged.AssigneeId ?? await DefaultAssigneeAsync(a.OpportunityId is null ? a.ContactId : null, a.OpportunityId, actor.UserId, ct);
        // A date left as it was is no new date in the past: an overdue action can be handed over or retyped as it stands.
        if (Validate(merged with { AssigneeId = assignee }, prefix, allowPast: merged.DueDate == a.DueDate) is { } errors) return Outcome<NextAction>.Invalid(errors);
        // Handing the action to someone else passes the hand-over rule; keeping its assignee does not hand it over again.
        if (merged.AssigneeId is { } who && who != a.AssigneeId && await actor.HandOverProblemAsync(db, who, ct) is { } problem)
            return Outcome<NextAction>.Invalid($"{prefix}.assigneeId", l[problem, who]);
        (a.Type, a.DueDate, a.DueTime, a.Note, a.AssigneeId) = (merged.Type!.Value, merged.DueDate!.Value, merged.DueTime, Clean(merged.Note), assignee);
        a.DueAtUtc = DueAtUtc(a.DueDate, a.DueTime, await UserTime.ZoneOfAsync(db, a.AssigneeId, ct));
        return Outcome<NextAction>.Ok(a);
    }

    /// <summary>
    /// Ends the item's open action without an outcome: the item was closed another way, or a new action replaces it.
    /// Saves, to free the one-open-action slot (a partial unique index) before a new action is inserted.
    /// </summary>
    public async Task CancelOpenAsync(long? contactId, long? opportunityId, CancellationToken ct = default)
    {
        var open = await OpenOf(contactId, opportunityId).ToListAsync(ct);
        foreach (var a in open) (a.Status, a.CompletedAt) = (NextActionStatus.Cancelled, Now);
        if (open.Count > 0) await db.SaveChangesAsync(ct);
    }

    /// <summary>A contact's open action carries on as its new opportunity's: the work does not change, the item does.</summary>
    public async Task<bool> CarryOverAsync(long contactId, Opportunity to, CancellationToken ct = default)
    {
        var current = await OpenOf(contactId, null).FirstOrDefaultAsync(ct);
        if (current is null) return false;
        current.Opportunity = to;
        return true;
    }

    public static string? Clean(string? s) => string.IsNullOrWhiteSpace(s) ? null : s.Trim();
}
