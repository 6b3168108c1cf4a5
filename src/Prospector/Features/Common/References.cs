using Microsoft.EntityFrameworkCore;
using Prospector.Data;
using Prospector.Features.Access;

namespace Prospector.Features.Common;

/// <summary>Checks that ids in a body point at records the user may use.</summary>
public static class References
{
    public static async Task CheckAsync(ProspectorDb db, AccessScope scope, JsonFields f,
        long? companyId, long? ownerId, long? teamId, CancellationToken ct)
    {
        if (f.Has("companyId") && companyId is { } co && !await scope.Filter(db.Companies).AnyAsync(x => x.Id == co, ct))
            f.Fail("companyId", f.T("There is no company {0} that you can see.", co));
        if (f.Has("ownerId") && ownerId is { } o && await OwnerProblemAsync(db, scope, o, ct) is { } problem)
            f.Fail("ownerId", f.T(problem, o));
        if (f.Has("teamId") && teamId is { } t && !await db.Teams.AnyAsync(x => x.Id == t, ct))
            f.Fail("teamId", f.T("There is no team {0}.", t));
        // Likewise a record moves only into a team the user belongs to (an admin: any team).
        else if (f.Has("teamId") && teamId is { } team && !scope.IsAdmin && !scope.TeamIds.Contains(team))
            f.Fail("teamId", f.T("You can only give records to yourself or to your teams."));
    }

    /// <summary>Why <paramref name="owner"/> cannot own a record the user hands over (a resource key with {0} = the id), or null.</summary>
    public static async Task<string?> OwnerProblemAsync(ProspectorDb db, AccessScope scope, long owner, CancellationToken ct)
    {
        if (!await db.Users.AnyAsync(u => u.Id == owner && u.DeactivatedAt == null, ct)) return "There is no active user {0}.";
        // Only an admin hands records to anyone; others to themselves or to members of their own teams.
        if (!scope.IsAdmin && owner != scope.UserId && !await db.TeamMembers.AnyAsync(m => m.UserId == owner && scope.TeamIds.Contains(m.TeamId), ct))
            return "You can only give records to yourself or to your teams.";
        return null;
    }

    /// <summary>The team a new record of this owner belongs to when none is given: the owner's first team.</summary>
    public static Task<long?> DefaultTeamAsync(ProspectorDb db, long? ownerId, CancellationToken ct) =>
        db.TeamMembers.Where(m => m.UserId == ownerId).OrderBy(m => m.TeamId).Select(m => (long?)m.TeamId).FirstOrDefaultAsync(ct);

    /// <summary>Active users by name, for owner pickers and filters.</summary>
    public static async Task<List<(long Id, string Name)>> ActiveUsersAsync(ProspectorDb db, CancellationToken ct = default) =>
        (await db.Users.Where(u => u.DeactivatedAt == null).OrderBy(u => u.DisplayName)
            .Select(u => new { u.Id, u.DisplayName }).ToListAsync(ct)).Select(u => (u.Id, u.DisplayName)).ToList();

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
