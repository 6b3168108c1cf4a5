using Microsoft.EntityFrameworkCore;
using Prospector.Data;
using Prospector.Features.Access;
using Prospector.Features.Common;

namespace Prospector.Features.NextActions;

public sealed record NextActionDto(long Id, NextActionType Type, DateOnly DueDate, TimeOnly? DueTime, DateTime DueAtUtc, string? Note,
    long? AssigneeId, string? AssigneeName, long? ContactId, string? ContactName, long? OpportunityId, string? OpportunityTitle,
    NextActionStatus Status, string? Outcome, DateTime? CompletedAt, bool OnStandby, int Version)
{
    /// <summary>
    /// The actions as <paramref name="viewer"/> may read them: the contact of an action on a deal is named (and linked) only when
    /// the viewer may see that contact too (docs/decisions/0009-access-between-teams.md).
    /// </summary>
    public static async Task<List<NextActionDto>> QueryAsync(ProspectorDb db, AccessScope viewer, IQueryable<NextAction> query, CancellationToken ct)
    {
        var contacts = viewer.Filter(db.Contacts);
        var rows = await query.Select(a => new
        {
            a,
            Assignee = db.Users.Where(u => u.Id == a.AssigneeId).Select(u => u.DisplayName).FirstOrDefault(),
            SeesContact = a.ContactId == null || contacts.Any(c => c.Id == a.ContactId),
            ContactName = a.Contact == null ? null : Contact.NameOf(a.Contact.FirstName, a.Contact.NamePrefix, a.Contact.LastName),
            OpportunityTitle = a.Opportunity == null ? null : a.Opportunity.Title,
        }).ToListAsync(ct);
        var ids = rows.Select(r => r.a.Id).ToList();
        // "On standby" is Definitions.Waiting, the same rule as the Standby bucket.
        var waiting = (await db.NextActions.Where(a => ids.Contains(a.Id)).Where(Definitions.Waiting).Select(a => a.Id).ToListAsync(ct)).ToHashSet();
        return rows.Select(r => new NextActionDto(r.a.Id, r.a.Type, r.a.DueDate, r.a.DueTime, r.a.DueAtUtc, r.a.Note, r.a.AssigneeId, r.Assignee,
            r.SeesContact ? r.a.ContactId : null, r.SeesContact ? r.ContactName?.Trim() : null, r.a.OpportunityId, r.OpportunityTitle, r.a.Status, r.a.Outcome, r.a.CompletedAt, waiting.Contains(r.a.Id),
            r.a.Version)).ToList();
    }
}

/// <summary>
/// To-do buckets in the user's day. Standby: items waiting for a date (an opportunity on standby, a contact "not ready yet" or
/// kept for a later recontact); they come back to Today on that date.
/// </summary>
public enum Bucket { Overdue, Today, Upcoming, Standby }

/// <summary>An open contact or opportunity that has no next action: it would fall through the cracks.</summary>
public sealed record UnplannedItem(string Kind, long Id, string Name, long? OwnerId, string? OwnerName);

/// <summary>The to-do buckets and the "without next action" list, shared by the API, the To do page and the navigation badge.</summary>
public static class NextActionQueries
{
    /// <summary>Actions on items the user can see (contacts and opportunities alike).</summary>
    public static IQueryable<NextAction> Visible(ProspectorDb db, AccessScope scope) =>
        db.NextActions.Where(a =>
            (a.OpportunityId != null && scope.Filter(db.Opportunities).Any(o => o.Id == a.OpportunityId))
            || (a.OpportunityId == null && scope.Filter(db.Contacts).Any(c => c.Id == a.ContactId)));

    /// <summary>The next actions of a user's To do (and of the dashboard's "My next actions"): visible and assigned to the user.</summary>
    public static IQueryable<NextAction> Mine(ProspectorDb db, AccessScope scope) => Visible(db, scope).Where(a => a.AssigneeId == scope.UserId);

    /// <summary>The to-do buckets: Overdue and Today by due day; later ones are Upcoming, or Standby while they wait for a date.</summary>
    public static IQueryable<NextAction> InBucket(IQueryable<NextAction> open, Bucket bucket, DateOnly today)
    {
        open = open.Where(a => a.Status == NextActionStatus.Open);
        return bucket switch
        {
            Bucket.Overdue => open.Where(a => a.DueDate < today).OrderBy(a => a.DueAtUtc),
            Bucket.Today => open.Where(a => a.DueDate == today).OrderBy(a => a.DueAtUtc),
            Bucket.Standby => open.Where(Definitions.Waiting).Where(a => a.DueDate > today).OrderBy(a => a.DueAtUtc),
            _ => open.Where(a => a.DueDate > today).Where(Definitions.Not(Definitions.Waiting)).OrderBy(a => a.DueAtUtc),
        };
    }

    /// <summary>How many actions each bucket holds (capped like every count), as the To do tabs, the dashboard and the API show it.</summary>
    public static async Task<Dictionary<Bucket, int>> CountsAsync(IQueryable<NextAction> actions, DateOnly today, CancellationToken ct = default)
    {
        var counts = new Dictionary<Bucket, int>();
        foreach (var b in Enum.GetValues<Bucket>()) counts[b] = await InBucket(actions, b, today).Take(Api.CountCap).CountAsync(ct);
        return counts;
    }

    /// <summary>Today in the user's zone (<see cref="CurrentAction.TodayAsync"/>).</summary>
    public static Task<DateOnly> TodayAsync(ProspectorDb db, long userId, TimeProvider time, CancellationToken ct = default) =>
        CurrentAction.TodayAsync(db, userId, time, ct);

    /// <summary>Open Leads and Prospects (not disqualified, without an open opportunity) that have no open action of their own.</summary>
    public static IQueryable<Contact> ContactsWithout(ProspectorDb db, AccessScope scope, long? ownerId) =>
        CurrentAction.NeedingAction(db, scope.Filter(db.Contacts))
            .Where(c => ownerId == null || c.OwnerId == ownerId)
            .Where(c => !db.NextActions.Any(a => a.ContactId == c.Id && a.OpportunityId == null && a.Status == NextActionStatus.Open));

    public static IQueryable<Opportunity> OpportunitiesWithout(ProspectorDb db, AccessScope scope, long? ownerId) =>
        scope.Filter(db.Opportunities).Where(Definitions.OpenDeal)
            .Where(o => ownerId == null || o.OwnerId == ownerId)
            .Where(o => !db.NextActions.Any(a => a.OpportunityId == o.Id && a.Status == NextActionStatus.Open));

    /// <summary>
    /// How many items the user may see lack a next action (of one owner, or all): from the kept <see cref="UnplannedTally"/>
    /// rows, the same definition as <see cref="ContactsWithout"/> and <see cref="OpportunitiesWithout"/> (UnplannedTalliesTests),
    /// without checking every open item for an action. Each kind counts up to <see cref="Api.CountCap"/>, as a list's total.
    /// </summary>
    public static async Task<int> CountWithoutAsync(ProspectorDb db, AccessScope scope, long? ownerId, CancellationToken ct = default) =>
        (await scope.Filter(db.UnplannedTallies).Where(t => ownerId == null || t.OwnerId == ownerId)
            .GroupBy(t => t.Kind).Select(g => g.Sum(t => t.Count)).ToListAsync(ct))
        .Sum(n => Math.Min(n, Api.CountCap));

    public static async Task<List<UnplannedItem>> WithoutAsync(ProspectorDb db, AccessScope scope, long? ownerId, int limit, CancellationToken ct = default)
    {
        var contacts = await ContactsWithout(db, scope, ownerId).OrderBy(c => c.Id).Take(limit)
            .Select(c => new { c.Id, Name = Contact.NameOf(c.FirstName, c.NamePrefix, c.LastName), c.OwnerId, Owner = db.Users.Where(u => u.Id == c.OwnerId).Select(u => u.DisplayName).FirstOrDefault() })
            .ToListAsync(ct);
        var opportunities = await OpportunitiesWithout(db, scope, ownerId).OrderBy(o => o.Id).Take(limit)
            .Select(o => new { o.Id, Name = o.Title, o.OwnerId, Owner = db.Users.Where(u => u.Id == o.OwnerId).Select(u => u.DisplayName).FirstOrDefault() })
            .ToListAsync(ct);
        return [.. contacts.Select(c => new UnplannedItem("contact", c.Id, c.Name.Trim(), c.OwnerId, c.Owner)),
            .. opportunities.Select(o => new UnplannedItem("opportunity", o.Id, o.Name, o.OwnerId, o.Owner))];
    }
}
