using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;
using Prospector.Data;
using Prospector.Features.Access;
using Prospector.Features.Auth;
using Prospector.Features.Common;
using Prospector.Features.NextActions;

namespace Prospector.Features.Settings;

/// <summary>The body of <c>POST /users/{id}/reassign</c>: who receives the book.</summary>
public sealed record ReassignInput(long? ToUserId);

/// <summary>What moved: counts per kind.</summary>
public sealed record Reassigned(long FromUserId, long ToUserId, int Contacts, int Companies, int Deals, int ListRows, int NextActions, int Lists);

/// <summary>
/// Hands the open book of a leaving user to someone else in one step and one transaction: their contacts and companies, their
/// open deals (closed ones keep their owner: they are the record of who won or lost them), the prospecting lists they own,
/// the list rows assigned to them that are still to be worked, and every open next action assigned to them (due times moved to the receiver's time zone;
/// reminders not yet sent are planned again for the receiver). Nothing else changes: records of others, closed deals, done
/// actions stay as they are.
/// <para>
/// The receiver must pass the hand-over rule (<see cref="AccessScope.HandOverProblemAsync"/>): an admin hands to any active user,
/// a manager only within their teams, and only the book of a member of their teams, and only what they can see. A moved record
/// keeps its team when the receiver is in it, otherwise it goes to the receiver's first (not archived) team.
/// </para>
/// </summary>
public sealed class BookHandOver(ProspectorDb db, IAuditActor actor, TimeProvider time, IStringLocalizer<SharedResource> l)
{
    public Task<Outcome<Reassigned>> ReassignAsync(long fromId, long? toId, AccessScope scope, CancellationToken ct = default) =>
        UnitOfWork.RunAsync(db, async () =>
        {
            var from = await db.Users.Where(u => u.Id == fromId).Select(u => new { u.Id, u.Email }).FirstOrDefaultAsync(ct);
            if (from is null || (!scope.IsAdmin && !scope.TeamMemberIds.Contains(fromId)))
                return Outcome<Reassigned>.NotFound("User not found", l["There is no user {0} in your teams.", fromId]);
            if (toId is not { } to) return Outcome<Reassigned>.Invalid("toUserId", l["Choose who receives the records."]);
            if (to == fromId) return Outcome<Reassigned>.Invalid("toUserId", l["Choose someone else: the records already belong to this user."]);
            if (await scope.HandOverProblemAsync(db, to, ct) is { } problem) return Outcome<Reassigned>.Invalid("toUserId", l[problem, to]);
            var receiverTeams = await db.TeamMembers.Where(m => m.UserId == to).Select(m => m.TeamId).ToListAsync(ct);
            var defaultTeam = await References.DefaultTeamAsync(db, to, ct);
            var now = time.GetUtcNow().UtcDateTime;

            // An erased contact's tombstone is never changed again (Tombstone): it stays where it is.
            var contacts = await scope.Filter(db.Contacts).Where(c => c.OwnerId == fromId && c.DeletedAt == null && c.ErasedAt == null).ToListAsync(ct);
            var companies = await scope.Filter(db.Companies).Where(c => c.OwnerId == fromId && c.DeletedAt == null).ToListAsync(ct);
            var deals = await scope.Filter(db.Opportunities)
                .Where(o => o.OwnerId == fromId && o.DeletedAt == null && (o.State == OpportunityState.Open || o.State == OpportunityState.Standby))
                .ToListAsync(ct);
            var ownedLists = await scope.Filter(db.ProspectingLists).Where(x => x.OwnerId == fromId && x.DeletedAt == null).ToListAsync(ct);
            foreach (var r in contacts.Cast<IOwned>().Concat(companies).Concat(deals).Concat(ownedLists))
            {
                r.OwnerId = to;
                if (r.TeamId is not { } team || !receiverTeams.Contains(team)) r.TeamId = defaultTeam;
            }

            var lists = scope.Filter(db.ProspectingLists).Select(x => x.Id);
            var rows = await db.ListRows.Where(r => r.AssignedToId == fromId && r.State == ListRowState.Open && lists.Contains(r.ListId)).ToListAsync(ct);
            foreach (var r in rows) (r.AssignedToId, r.UpdatedAt) = (to, now);

            var actions = await NextActionQueries.Visible(db, scope)
                .Where(a => a.AssigneeId == fromId && a.Status == NextActionStatus.Open && a.DeletedAt == null).ToListAsync(ct);
            var zone = await UserTime.ZoneOfAsync(db, to, ct);
            foreach (var a in actions) (a.AssigneeId, a.DueAtUtc) = (to, CurrentAction.DueAtUtc(a.DueDate, a.DueTime, zone));

            // Reminders not yet sent to the leaving user about what moved: the planner plans them again for the receiver.
            var actionIds = actions.Select(a => a.Id).ToList();
            var contactIds = contacts.Select(c => c.Id).ToList();
            var dateIds = db.PersonalDates.Where(d => contactIds.Contains(d.ContactId)).Select(d => d.Id);
            await db.Reminders.Where(r => r.UserId == fromId && r.Status == ReminderStatus.Pending
                    && ((r.Kind == ReminderKind.NextAction && actionIds.Contains(r.SourceId!.Value))
                        || (r.Kind == ReminderKind.PersonalDate && dateIds.Contains(r.SourceId!.Value))))
                .ExecuteDeleteAsync(ct);

            var receiver = await db.Users.Where(u => u.Id == to).Select(u => u.Email).FirstAsync(ct);
            var moved = new Reassigned(fromId, to, contacts.Count, companies.Count, deals.Count, rows.Count, actions.Count, ownedLists.Count);
            AdminAudit.Add(db, actor, now, nameof(User), fromId, AuditAction.Updated,
                new FieldChange("Book", from.Email, receiver),
                new FieldChange("Moved", null,
                    $"contacts {moved.Contacts}, companies {moved.Companies}, deals {moved.Deals}, lists {moved.Lists}, list rows {moved.ListRows}, next actions {moved.NextActions}"));
            return moved;
        }, ct);

    /// <summary>What a hand-over would move now (for the confirmation), counted as <see cref="ReassignAsync"/> moves it.</summary>
    public async Task<Reassigned> PreviewAsync(long fromId, long toId, AccessScope scope, CancellationToken ct = default)
    {
        var lists = scope.Filter(db.ProspectingLists).Select(x => x.Id);
        return new Reassigned(fromId, toId,
            await scope.Filter(db.Contacts).CountAsync(c => c.OwnerId == fromId && c.DeletedAt == null && c.ErasedAt == null, ct),
            await scope.Filter(db.Companies).CountAsync(c => c.OwnerId == fromId && c.DeletedAt == null, ct),
            await scope.Filter(db.Opportunities).CountAsync(o => o.OwnerId == fromId && o.DeletedAt == null
                && (o.State == OpportunityState.Open || o.State == OpportunityState.Standby), ct),
            await db.ListRows.CountAsync(r => r.AssignedToId == fromId && r.State == ListRowState.Open && lists.Contains(r.ListId), ct),
            await NextActionQueries.Visible(db, scope).CountAsync(a => a.AssigneeId == fromId && a.Status == NextActionStatus.Open && a.DeletedAt == null, ct),
            await scope.Filter(db.ProspectingLists).CountAsync(x => x.OwnerId == fromId && x.DeletedAt == null, ct));
    }

    /// <summary>Whose book this user may hand over: everyone for an admin, the members of their teams for a manager.</summary>
    public async Task<List<(long Id, string Name, bool Active)>> HoldersAsync(AccessScope scope, CancellationToken ct = default)
    {
        var members = scope.TeamMemberIds;
        var admin = scope.IsAdmin;
        return (await db.Users.Where(u => admin || members.Contains(u.Id)).OrderBy(u => u.DisplayName)
            .Select(u => new { u.Id, u.DisplayName, Active = u.DeactivatedAt == null }).ToListAsync(ct))
            .Select(u => (u.Id, u.DisplayName, u.Active)).ToList();
    }
}
