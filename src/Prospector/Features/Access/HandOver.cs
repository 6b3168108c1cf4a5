using Microsoft.EntityFrameworkCore;
using Prospector.Data;

namespace Prospector.Features.Access;

/// <summary>
/// The one rule for handing work to someone, whatever the field: a record's owner or team, a next action's assignee, a
/// list's owner, a list row's assignee, a deal's owner. Records are handed only to yourself or to your teams (a member of a
/// team you belong to, or that team itself); an admin hands to anyone. Every service that sets such a field asks here
/// (<see cref="HandOverProblemAsync"/>, <see cref="HandOverTeamProblem"/>), and every picker offers only
/// <see cref="HandOverTargets"/>. Taking a record out of every team (no owner and no team: the shared pool everyone sees)
/// is a deliberate act of a manager or admin (<see cref="MayPool"/>), see docs/decisions/0009-access-between-teams.md.
/// </summary>
public sealed partial record AccessScope
{
    /// <summary>The problem (a resource key) when the target is outside the user's teams.</summary>
    public const string HandOverRefused = "You can only give records to yourself or to your teams.";

    /// <summary>The problem (a resource key) when someone who may not puts a record into the shared pool.</summary>
    public const string PoolRefused = "Only managers and admins put records into the shared pool (no owner and no team).";

    /// <summary>Why <paramref name="userId"/> cannot be handed a record by this user (a resource key with {0} = the id), or null.</summary>
    public async Task<string?> HandOverProblemAsync(ProspectorDb db, long userId, CancellationToken ct = default)
    {
        if (!await db.Users.AnyAsync(u => u.Id == userId && u.DeactivatedAt == null, ct)) return "There is no active user {0}.";
        return IsAdmin || userId == UserId || await SharesTeamAsync(db, userId, ct) ? null : HandOverRefused;
    }

    /// <summary>Why a record cannot move into <paramref name="teamId"/> (a resource key), or null: only into the user's own teams.</summary>
    public string? HandOverTeamProblem(long teamId) => IsAdmin || TeamIds.Contains(teamId) ? null : HandOverRefused;

    /// <summary>The people this user may hand records to, for pickers: active users, all of them for an admin.</summary>
    public IQueryable<User> HandOverTargets(ProspectorDb db)
    {
        var active = db.Users.Where(u => u.DeactivatedAt == null);
        if (IsAdmin) return active;
        var me = UserId;
        var teams = TeamIds;
        return active.Where(u => u.Id == me || db.TeamMembers.Any(m => m.UserId == u.Id && teams.Contains(m.TeamId)));
    }

    /// <summary>The teams this user may move records into, for pickers: not archived ones.</summary>
    public IQueryable<Team> HandOverTeams(ProspectorDb db)
    {
        var open = db.Teams.Where(t => t.ArchivedAt == null);
        if (IsAdmin) return open;
        var teams = TeamIds;
        return open.Where(t => teams.Contains(t.Id));
    }

    /// <summary>Whether this user may put a record into the shared pool (no owner, no team) that every team sees.</summary>
    public bool MayPool => IsManagerOrAdmin;

    private Task<bool> SharesTeamAsync(ProspectorDb db, long userId, CancellationToken ct)
    {
        var teams = TeamIds;
        return db.TeamMembers.AnyAsync(m => m.UserId == userId && teams.Contains(m.TeamId), ct);
    }
}
