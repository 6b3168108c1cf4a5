using Microsoft.EntityFrameworkCore;
using Prospector.Data;
using Prospector.Features.Common;

namespace Prospector.Features.NextActions;

/// <summary>A next action to make current: on a contact (no opportunity) or on an opportunity.</summary>
public sealed record PlannedAction(long? ContactId, long? OpportunityId, NextActionType Type, DateOnly DueDate, TimeOnly? DueTime, string? Note,
    long? AssigneeId = null);

/// <summary>
/// The one place that writes a new current next action, whoever asks (the To do and next-action panel, the API, the lifecycle,
/// converting a list row). It guarantees what every next action needs: exactly one open action per item (the previous one is
/// cancelled first), an assignee (asked for, else the item's owner if active, else the acting user) so it reaches someone's
/// To do and reminders, and a due time in the assignee's time zone. Validation of user input stays with the callers.
/// It depends only on the context and the clock, so every feature can use it without a cycle.
/// </summary>
public sealed class CurrentAction(ProspectorDb db, TimeProvider time)
{
    public const int MaxNote = 1000;

    private DateTime Now => time.GetUtcNow().UtcDateTime;

    /// <summary>Who does an action when nobody is named: the item's owner while active, else the acting user.</summary>
    public async Task<long?> DefaultAssigneeAsync(long? contactId, long? opportunityId, long? actorId, CancellationToken ct = default)
    {
        var ownerId = opportunityId is { } oid
            ? await db.Opportunities.Where(o => o.Id == oid).Select(o => o.OwnerId).FirstOrDefaultAsync(ct)
            : await db.Contacts.Where(c => c.Id == contactId).Select(c => c.OwnerId).FirstOrDefaultAsync(ct);
        var activeOwner = ownerId is { } owner && await db.Users.AnyAsync(u => u.Id == owner && u.DeactivatedAt == null, ct) ? ownerId : null;
        return Pick(null, activeOwner, actorId);
    }

    /// <summary>The assignee rule itself: the one asked for, else the item's active owner, else the acting user.</summary>
    public static long? Pick(long? asked, long? activeOwner, long? actorId) => asked ?? activeOwner ?? actorId;

    /// <summary>
    /// Makes <paramref name="planned"/> the item's current next action. <paramref name="actorId"/> is the user who acts (the
    /// fallback assignee). Throws when no assignee can be found: an action that reaches nobody must not be written.
    /// Saves once to free the one-open-action slot: run it inside the caller's transaction.
    /// </summary>
    public async Task<NextAction> ScheduleAsync(PlannedAction planned, long? actorId, CancellationToken ct = default)
    {
        var assignee = planned.AssigneeId ?? await DefaultAssigneeAsync(planned.ContactId, planned.OpportunityId, actorId, ct)
            ?? throw new InvalidOperationException("A next action needs an assignee: name one, or act as a user.");
        await CancelOpenAsync(planned.ContactId, planned.OpportunityId, ct);
        var zone = await UserTime.ZoneOfAsync(db, assignee, ct);
        var contactId = planned.ContactId
            ?? await db.Opportunities.Where(o => o.Id == planned.OpportunityId).Select(o => o.ContactId).FirstOrDefaultAsync(ct);
        var note = string.IsNullOrWhiteSpace(planned.Note) ? null : planned.Note.Trim();
        var action = new NextAction
        {
            ContactId = contactId, OpportunityId = planned.OpportunityId, Type = planned.Type, DueDate = planned.DueDate, DueTime = planned.DueTime,
            DueAtUtc = NextActions.DueAtUtc(planned.DueDate, planned.DueTime, zone), Note = note is { Length: > MaxNote } ? note[..MaxNote] : note,
            AssigneeId = assignee, CreatedAt = Now,
        };
        db.NextActions.Add(action);
        return action;
    }

    /// <summary>Ends the item's open action without an outcome: the item was closed another way, or a new action replaces it.</summary>
    public async Task CancelOpenAsync(long? contactId, long? opportunityId, CancellationToken ct = default)
    {
        var open = await db.NextActions.Where(a => a.Status == NextActionStatus.Open
            && (opportunityId != null ? a.OpportunityId == opportunityId : a.ContactId == contactId && a.OpportunityId == null)).ToListAsync(ct);
        foreach (var a in open) (a.Status, a.CompletedAt) = (NextActionStatus.Cancelled, Now);
        // The partial unique index allows one open action per item: free the slot before the new one is inserted.
        if (open.Count > 0) await db.SaveChangesAsync(ct);
    }
}
