using Microsoft.EntityFrameworkCore;
using Prospector.Data;
using Prospector.Features.Access;

namespace Prospector.Features.Common;

/// <summary>Checks that ids in a body point at records the user may use.</summary>
public static class References
{
    /// <summary>
    /// Checks the references of a contact or company after the body was applied: the company must be visible, a new owner or
    /// team must pass the hand-over rule (<see cref="AccessScope.HandOverProblemAsync"/>), and taking the record out of every
    /// team (no owner and no team: the shared pool) needs <see cref="AccessScope.MayPool"/>. <paramref name="before"/> is the
    /// record's owner and team before the change (null for a new record): an unchanged value is not handed over again.
    /// </summary>
    public static async Task CheckAsync(ProspectorDb db, AccessScope scope, JsonFields f, long? companyId, IOwned record,
        (long? OwnerId, long? TeamId)? before, CancellationToken ct)
    {
        if (f.Has("companyId") && companyId is { } co && !await scope.Filter(db.Companies).AnyAsync(x => x.Id == co, ct))
            f.Fail("companyId", f.T("There is no company {0} that you can see.", co));
        if (f.Has("ownerId") && record.OwnerId is { } o && o != before?.OwnerId && await scope.HandOverProblemAsync(db, o, ct) is { } problem)
            f.Fail("ownerId", f.T(problem, o));
        if (f.Has("teamId") && record.TeamId is { } t && t != before?.TeamId)
        {
            if (await db.Teams.Where(x => x.Id == t).Select(x => new { x.ArchivedAt }).FirstOrDefaultAsync(ct) is not { } team)
                f.Fail("teamId", f.T("There is no team {0}.", t));
            else if (team.ArchivedAt is not null) f.Fail("teamId", f.T(ArchivedTeam, t));
            else if (scope.HandOverTeamProblem(t) is { } refused) f.Fail("teamId", f.T(refused));
        }
        // Into the shared pool only on purpose, by a manager or admin: the field that emptied it is named.
        if (record is { OwnerId: null, TeamId: null } && before is not { OwnerId: null, TeamId: null } && !scope.MayPool)
            foreach (var field in new[] { "ownerId", "teamId" }.Where(f.Has))
                f.Fail(field, f.T(AccessScope.PoolRefused));
    }

    /// <summary>The people the user may hand records to (owner and assignee pickers), by name.</summary>
    /// <remarks>The record's present holder (<paramref name="current"/>) stays in the list, so the form shows who it is.</remarks>
    public static async Task<List<(long Id, string Name)>> HandOverUsersAsync(ProspectorDb db, AccessScope scope, long? current = null,
        CancellationToken ct = default) =>
        (await scope.HandOverTargets(db).Union(db.Users.Where(u => u.Id == current)).OrderBy(u => u.DisplayName)
            .Select(u => new { u.Id, u.DisplayName }).ToListAsync(ct)).Select(u => (u.Id, u.DisplayName)).ToList();

    /// <summary>The problem (a resource key, {0} = the team) when a record or member is moved into an archived team.</summary>
    public const string ArchivedTeam = "Team {0} is archived: it takes no new records or members.";

    /// <summary>The team a new record of this owner belongs to when none is given: the owner's first team that is not archived.</summary>
    public static Task<long?> DefaultTeamAsync(ProspectorDb db, long? ownerId, CancellationToken ct) =>
        db.TeamMembers.Where(m => m.UserId == ownerId && m.Team!.ArchivedAt == null).OrderBy(m => m.TeamId).Select(m => (long?)m.TeamId).FirstOrDefaultAsync(ct);

    /// <summary>Active users by name, for owner pickers and filters.</summary>
    public static async Task<List<(long Id, string Name)>> ActiveUsersAsync(ProspectorDb db, CancellationToken ct = default) =>
        (await db.Users.Where(u => u.DeactivatedAt == null).OrderBy(u => u.DisplayName)
            .Select(u => new { u.Id, u.DisplayName }).ToListAsync(ct)).Select(u => (u.Id, u.DisplayName)).ToList();

    /// <summary>
    /// The owners a filter offers: everyone to an admin or when the workspace lets reps see everything, else the viewer and
    /// the members of the viewer's teams (whose records they see), from <paramref name="active"/>.
    /// </summary>
    public static async Task<List<(long Id, string Name)>> OwnerChoicesAsync(ProspectorDb db, AccessScope scope, List<(long Id, string Name)> active, CancellationToken ct = default)
    {
        if (scope.IsAdmin || scope.SeesAll) return active;
        var mates = await db.TeamMembers.Where(m => scope.TeamIds.Contains(m.TeamId)).Select(m => m.UserId).Distinct().ToListAsync(ct);
        return [.. active.Where(u => u.Id == scope.UserId || mates.Contains(u.Id))];
    }

    /// <summary>Replaces a record's tags, creating tags that do not exist yet.</summary>
    public static async Task SetTagsAsync(ProspectorDb db, List<Tag> current, List<string> names, CancellationToken ct)
    {
        var existing = await db.Tags.Where(t => names.Contains(t.Name)).ToListAsync(ct);
        current.Clear();
        foreach (var name in names)
            current.Add(existing.FirstOrDefault(t => string.Equals(t.Name, name, StringComparison.OrdinalIgnoreCase))
                ?? db.Tags.Add(new Tag { Name = name }).Entity);
    }
}
