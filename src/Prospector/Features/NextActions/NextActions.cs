using System.ComponentModel;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;
using Prospector.Data;
using Prospector.Features.Access;
using Prospector.Features.Common;

namespace Prospector.Features.NextActions;

/// <summary>How an item ends when its last action is done: an opportunity won, lost or cancelled; a contact disqualified.</summary>
public enum CloseAs { Won, Lost, Cancelled, Disqualified }

/// <summary>How to close; <see cref="FreeDeal"/> confirms winning a deal at 0.</summary>
public sealed record CloseInput(CloseAs? As, string? Reason,
    [property: Description("Closing as Won a deal whose amount is 0: confirms it is a free deal (otherwise refused on \"close.amount\").")] bool? FreeDeal = null);

/// <summary>Completing a next action: the outcome (logged as an activity), then the next action or the end of the item.</summary>
public sealed record Completion(string? Outcome, string? Notes, NextActionInput? Next, CloseInput? Close);

/// <summary>The action just completed and, unless the item was closed, its next one.</summary>
public sealed record Completed(NextAction Done, NextAction? Next);

/// <summary>A field of a merge-patch: left out (<see cref="IsSet"/> false) keeps the value; set to null clears it.</summary>
public readonly record struct Patch<T>(bool IsSet, T Value)
{
    public static Patch<T> To(T value) => new(true, value);
    public T Or(T current) => IsSet ? Value : current;
}

/// <summary>A change of the current action: only the fields that are set change (merge-patch, as the API's PATCH).</summary>
public sealed record NextActionChange(Patch<NextActionType?> Type = default, Patch<DateOnly?> DueDate = default, Patch<TimeOnly?> DueTime = default,
    Patch<string?> Note = default, Patch<long?> AssigneeId = default);

/// <summary>
/// How an item is closed when its last action is done. Each feature that owns an item kind registers one (Qualification for
/// contacts, Pipelines for opportunities), so next actions need not know those features.
/// </summary>
public interface IItemCloser
{
    bool ClosesOpportunities { get; }

    /// <summary>Closes the item of <paramref name="action"/> as <paramref name="close"/> says; errors name the fields of <see cref="CloseInput"/>.</summary>
    Task<Outcome<Done>> CloseAsync(NextAction action, CloseInput close, AccessScope scope, CancellationToken ct);
}

/// <summary>
/// The To do's writes, for the API (<c>/api/v1/tasks</c>) and the pages alike: plan an action, change it, complete it with its
/// outcome and then the next action or closing the item. Each method loads the visible action, checks, changes, saves and
/// commits; <see cref="CurrentAction"/> keeps the "exactly one current next action" promise.
/// </summary>
public sealed partial class NextActions(ProspectorDb db, TimeProvider time, IStringLocalizer<SharedResource> l, CurrentAction current,
    IEnumerable<IItemCloser> closers)
{
    public const int MaxNote = CurrentAction.MaxNote;
    public const int MaxOutcome = 50;
    public const int MaxNotes = 4000;

    /// <summary>The outcomes offered in the UI: stored as written (like a code), shown translated. The API takes any short text.</summary>
    public static readonly string[] Outcomes = ["Reached", "No answer", "Voicemail", "Replied", "Meeting held", "Done"];

    private DateTime Now => time.GetUtcNow().UtcDateTime;

    private Outcome<NextAction> NotFound(long id) => Outcome<NextAction>.NotFound("Next action not found", l["There is no next action {0} that you can see.", id]);

    /// <summary>Whether an item is open, i.e. must always have a next action.</summary>
    public Task<bool> IsOpenAsync(long? contactId, long? opportunityId, CancellationToken ct = default) => current.IsOpenAsync(contactId, opportunityId, ct);

    /// <summary>The checks of a new action (see <see cref="CurrentAction.Validate"/>).</summary>
    public Dictionary<string, string[]>? Validate(NextActionInput? input, string prefix, bool allowPast = false) => current.Validate(input, prefix, allowPast);

    /// <summary>
    /// Makes <paramref name="input"/> the item's current next action (an open one is cancelled first). For services of other
    /// features that schedule inside their own change (reopen, standby, list conversion).
    /// </summary>
    public async Task<(NextAction? Action, Dictionary<string, string[]>? Errors)> ScheduleAsync(
        long? contactId, long? opportunityId, NextActionInput input, AccessScope scope, CancellationToken ct = default, string prefix = "next")
    {
        var o = await current.ScheduleAsync(contactId, opportunityId, input, scope, prefix, ct);
        return o.IsOk ? (o.Value, null) : (null, o.Errors.ToDictionary(kv => kv.Key, kv => kv.Value));
    }

    /// <summary>Plans the first action of an item that has none (a contact, or an opportunity the user can see).</summary>
    public Task<Outcome<NextAction>> PlanAsync(long? contactId, long? opportunityId, NextActionInput input, AccessScope scope,
        string prefix = "task", CancellationToken ct = default) => UnitOfWork.RunAsync(db, async () =>
    {
        if ((contactId is null) == (opportunityId is null))
            return Outcome<NextAction>.Invalid("contactId", l["Give either a contactId or an opportunityId."]);
        var visible = opportunityId is { } oid
            ? await scope.Filter(db.Opportunities).AnyAsync(o => o.Id == oid, ct)
            : await scope.Filter(db.Contacts).AnyAsync(c => c.Id == contactId, ct);
        if (!visible) return Outcome<NextAction>.Invalid(opportunityId is null ? "contactId" : "opportunityId", l["There is no such record that you can see."]);
        if (contactId is { } erasedId && await db.Contacts.AnyAsync(c => c.Id == erasedId && c.ErasedAt != null, ct))
            return Outcome<NextAction>.Invalid("contactId", l["Contact {0} was erased; nothing is added to its tombstone.", erasedId]);
        if (await current.HasOpenAsync(contactId, opportunityId, ct))
            return Outcome<NextAction>.Conflict("This item already has a next action.", l["Complete or reschedule the current next action instead."]);
        return await current.ScheduleAsync(opportunityId is null ? contactId : null, opportunityId, input, scope, prefix, ct);
    }, ct);

    /// <summary>
    /// Reschedules or reassigns the current action in place. <paramref name="expectedVersion"/> is the version the user saw
    /// (stale when someone changed it since); fields left out of <paramref name="change"/> stay as they are.
    /// </summary>
    public async Task<Outcome<NextAction>> RescheduleAsync(long id, int? expectedVersion, NextActionChange change, AccessScope scope, CancellationToken ct = default)
    {
        var a = await NextActionQueries.Visible(db, scope).FirstOrDefaultAsync(x => x.Id == id, ct);
        if (a is null) return NotFound(id);
        if (expectedVersion is { } v && v != a.Version) return Outcome<NextAction>.Stale(a.Version);
        if (a.Status != NextActionStatus.Open) return Outcome<NextAction>.Invalid("action", l["This next action is already done."]);
        db.Entry(a).Property(x => x.Version).OriginalValue = a.Version;
        var merged = new NextActionInput(change.Type.Or(a.Type), change.DueDate.Or(a.DueDate), change.DueTime.Or(a.DueTime), change.Note.Or(a.Note),
            change.AssigneeId.Or(a.AssigneeId));
        var result = await current.ReplaceDetailsAsync(a, merged, scope, "action", ct);
        if (!result.IsOk) return result;
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateConcurrencyException)
        {
            return Outcome<NextAction>.Stale(await db.NextActions.Where(x => x.Id == id).Select(x => x.Version).FirstAsync(ct));
        }
        return result;
    }

    /// <summary>
    /// Completes the action: the outcome becomes an activity; an open item then needs either the next action or to be closed.
    /// All of it in one transaction: nothing is kept when a part is refused.
    /// </summary>
    public Task<Outcome<Completed>> CompleteAsync(long id, Completion c, AccessScope scope, CancellationToken ct = default) => UnitOfWork.RunAsync(db, async () =>
    {
        var a = await NextActionQueries.Visible(db, scope).FirstOrDefaultAsync(x => x.Id == id, ct);
        if (a is null) return NotFound(id).As<Completed>();
        if (a.Status != NextActionStatus.Open) return Outcome<Completed>.Invalid("action", l["This next action is already done."]);
        var outcome = c.Outcome?.Trim();
        if (string.IsNullOrEmpty(outcome)) return Outcome<Completed>.Invalid("outcome", l["Say what came of it (the outcome)."]);
        if (outcome.Length > MaxOutcome) return Outcome<Completed>.Invalid("outcome", l["{0} is longer than {1} characters.", "outcome", MaxOutcome]);
        if (c.Notes is { Length: > MaxNotes }) return Outcome<Completed>.Invalid("notes", l["{0} is longer than {1} characters.", "notes", MaxNotes]);
        if (c.Next is not null && c.Close is not null)
            return Outcome<Completed>.Invalid("close", l["Either name the next action or close the item, not both."]);
        if (c.Next is not null && current.Validate(c.Next, "next") is { } invalid) return Outcome<Completed>.Invalid(invalid);
        if (c.Close is { As: null }) return Outcome<Completed>.Invalid("close.as", l["{0} must be one of: {1}.", "as", string.Join(", ", Enum.GetNames<CloseAs>())]);
        var item = (Contact: a.OpportunityId is null ? a.ContactId : null, a.OpportunityId);
        if (await current.IsOpenAsync(item.Contact, item.OpportunityId, ct) && c.Next is null && c.Close is null)
            return Outcome<Completed>.Invalid("next", l["This item is still open: name the next action or close it."]);

        (a.Status, a.Outcome, a.CompletedAt) = (NextActionStatus.Done, outcome, Now);
        // The company too, so the conversation shows on the company's timeline (as one logged by hand does).
        var companyId = a.ContactId is null ? null : await db.Contacts.Where(x => x.Id == a.ContactId).Select(x => x.CompanyId).FirstOrDefaultAsync(ct);
        db.Activities.Add(new Activity
        {
            ContactId = a.ContactId, CompanyId = companyId, OpportunityId = a.OpportunityId, Channel = ChannelOf(a.Type), Direction = Direction.Outbound,
            // Stored as a logged activity stores it (lower case), so the outcome filter and its label find it.
            Outcome = outcome.ToLowerInvariant(), OccurredAt = Now, Subject = UnicodeText.Prefix(a.Note, 200), Notes = CurrentAction.Clean(c.Notes),
            UserId = scope.UserId, CreatedAt = Now,
        });
        // Free the "one open action" slot before the next one is inserted.
        await db.SaveChangesAsync(ct);

        if (c.Close is { } close)
        {
            var closed = await CloseAsync(a, close, scope, ct);
            return closed.IsOk ? new Completed(a, null) : closed.As<Completed>();
        }
        if (c.Next is { } next)
        {
            var scheduled = await current.ScheduleAsync(item.Contact, item.OpportunityId, next, scope, "next", ct);
            return scheduled.IsOk ? new Completed(a, scheduled.Value) : scheduled.As<Completed>();
        }
        return new Completed(a, null);
    }, ct);

    private async Task<Outcome<Done>> CloseAsync(NextAction a, CloseInput close, AccessScope scope, CancellationToken ct)
    {
        var isOpportunity = a.OpportunityId is not null;
        if (isOpportunity && close.As == CloseAs.Disqualified)
            return Outcome<Done>.Invalid("close.as", l["An opportunity is closed as won, lost or cancelled."]);
        if (!isOpportunity && close.As != CloseAs.Disqualified) return Outcome<Done>.Invalid("close.as", l["A contact is closed by disqualifying it."]);
        var closer = closers.First(c => c.ClosesOpportunities == isOpportunity);
        var closed = await closer.CloseAsync(a, close, scope, ct);
        return closed.Kind == OutcomeKind.Invalid
            ? Outcome<Done>.Invalid(closed.Errors.ToDictionary(kv => "close." + kv.Key, kv => kv.Value))
            : closed;
    }

    public static Channel ChannelOf(NextActionType type) => type switch
    {
        NextActionType.Call => Channel.Phone,
        NextActionType.Email => Channel.Email,
        NextActionType.Sms => Channel.Sms,
        NextActionType.Social => Channel.Social,
        NextActionType.Meeting or NextActionType.Visit => Channel.InPerson,
        _ => Channel.Note,
    };
}
