using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;
using Prospector.Data;
using Prospector.Features.Auth;
using Prospector.Features.Common;

namespace Prospector.Features.Settings;

public sealed record TeamDto(long Id, string Name, bool Archived, int Members);

/// <summary>The body of <c>POST /teams</c> and <c>PATCH /teams/{id}</c>: the team's name (up to 100 characters, unique).</summary>
public sealed record TeamInput(string? Name);

/// <summary>
/// The body of <c>PATCH /users/{id}</c>: a field left out stays as it is. <c>role</c> is Admin, Manager or Rep;
/// <c>teamIds</c> is the whole list of the user's teams (moving a user between teams is one change: the new list).
/// </summary>
public sealed record UserChange(string? Role, IReadOnlyList<long>? TeamIds);

/// <summary>
/// Team administration (admins only): a user's role and teams, and teams themselves (add, rename, archive). Every change is
/// written to the audit trail in the same transaction. A role or team change counts from the user's next request: the
/// scope is read per request (<see cref="Access.RecordAccess"/>) and the sign-in cookie is reissued with the new role
/// (<see cref="Sessions.RoleIfOpenAsync"/>); API tokens read the role on every request anyway.
/// </summary>
public sealed class TeamAdmin(ProspectorDb db, IAuditActor actor, TimeProvider time, IStringLocalizer<SharedResource> l)
{
    public const int MaxTeamName = 100;

    private DateTime Now => time.GetUtcNow().UtcDateTime;

    /// <summary>All teams, archived ones last, with their member counts.</summary>
    public Task<List<TeamDto>> TeamsAsync(CancellationToken ct = default) =>
        db.Teams.OrderBy(t => t.ArchivedAt != null).ThenBy(t => t.Name)
            .Select(t => new TeamDto(t.Id, t.Name, t.ArchivedAt != null, t.Members.Count)).ToListAsync(ct);

    public Task<Outcome<TeamDto>> AddTeamAsync(string? name, CancellationToken ct = default) => UnitOfWork.RunAsync(db, async () =>
    {
        if (await CheckNameAsync(name, null, ct) is { } invalid) return invalid;
        var team = db.Teams.Add(new Team { Name = name!.Trim() }).Entity;
        await db.SaveChangesAsync(ct);
        AdminAudit.Add(db, actor, Now, nameof(Team), team.Id, AuditAction.Created, new FieldChange("Name", null, team.Name));
        return new TeamDto(team.Id, team.Name, false, 0);
    }, ct);

    public Task<Outcome<TeamDto>> RenameTeamAsync(long id, string? name, CancellationToken ct = default) => UnitOfWork.RunAsync(db, async () =>
    {
        if (await db.Teams.Include(t => t.Members).FirstOrDefaultAsync(t => t.Id == id, ct) is not { } team) return TeamNotFound<TeamDto>(id);
        if (await CheckNameAsync(name, id, ct) is { } invalid) return invalid;
        var before = team.Name;
        team.Name = name!.Trim();
        AdminAudit.Add(db, actor, Now, nameof(Team), id, AuditAction.Updated, Changed("Name", before, team.Name));
        return new TeamDto(team.Id, team.Name, team.ArchivedAt != null, team.Members.Count);
    }, ct);

    /// <summary>
    /// Archives a team (or brings it back): an archived team takes no new members and no new records; its members and records
    /// stay where they are and are seen as before.
    /// </summary>
    public Task<Outcome<TeamDto>> ArchiveTeamAsync(long id, bool archived, CancellationToken ct = default) => UnitOfWork.RunAsync(db, async () =>
    {
        if (await db.Teams.Include(t => t.Members).FirstOrDefaultAsync(t => t.Id == id, ct) is not { } team) return TeamNotFound<TeamDto>(id);
        if ((team.ArchivedAt != null) != archived)
        {
            team.ArchivedAt = archived ? Now : null;
            AdminAudit.Add(db, actor, Now, nameof(Team), id, AuditAction.Updated, new FieldChange("Archived", (!archived).ToString(), archived.ToString()));
        }
        return new TeamDto(team.Id, team.Name, archived, team.Members.Count);
    }, ct);

    /// <summary>
    /// Changes a user's role and/or teams. A new team must not be archived (staying in one is fine); the last active admin
    /// cannot stop being one. Not found when there is no such user.
    /// </summary>
    public Task<Outcome<UserDto>> SetUserAsync(long id, UserChange change, CancellationToken ct = default) => UnitOfWork.RunAsync(db, async () =>
    {
        if (await db.Users.Include(u => u.Teams).ThenInclude(m => m.Team).FirstOrDefaultAsync(u => u.Id == id, ct) is not { } user)
            return Outcome<UserDto>.NotFound("User not found", l["There is no user {0}.", id]);
        var roleBefore = await RoleOfAsync(id, ct);
        var role = roleBefore;
        if (change.Role is not null)
        {
            role = Roles.All.FirstOrDefault(r => r.Equals(change.Role.Trim(), StringComparison.OrdinalIgnoreCase)) ?? "";
            if (role == "") return Outcome<UserDto>.Invalid("role", l["{0} must be one of: {1}.", "role", string.Join(", ", Roles.All)]);
            if (roleBefore == Roles.Admin && role != Roles.Admin && user.DeactivatedAt is null && !await OtherActiveAdminAsync(id, ct))
                return Outcome<UserDto>.Invalid("role", l["The workspace needs at least one active admin: make someone else admin first."]);
        }
        var teamsBefore = user.Teams.Select(m => m.Team!).OrderBy(t => t.Name).ToList();
        var teams = teamsBefore;
        if (change.TeamIds is { } wanted)
        {
            var ids = wanted.Distinct().ToList();
            teams = await db.Teams.Where(t => ids.Contains(t.Id)).OrderBy(t => t.Name).ToListAsync(ct);
            if (ids.FirstOrDefault(t => teams.All(x => x.Id != t)) is var missing and > 0)
                return Outcome<UserDto>.Invalid("teamIds", l["There is no team {0}.", missing]);
            if (teams.FirstOrDefault(t => t.ArchivedAt != null && teamsBefore.All(b => b.Id != t.Id)) is { } archived)
                return Outcome<UserDto>.Invalid("teamIds", l[References.ArchivedTeam, archived.Name]);
            user.Teams.RemoveAll(m => !ids.Contains(m.TeamId));
            foreach (var t in teams.Where(t => teamsBefore.All(b => b.Id != t.Id))) user.Teams.Add(new TeamMember { TeamId = t.Id, UserId = id });
        }
        if (role != roleBefore)
        {
            await db.UserRoles.Where(r => r.UserId == id).ExecuteDeleteAsync(ct);
            var roleId = await db.Roles.Where(r => r.Name == role).Select(r => r.Id).FirstAsync(ct);
            db.UserRoles.Add(new IdentityUserRole<long> { UserId = id, RoleId = roleId });
        }
        AdminAudit.Add(db, actor, Now, nameof(User), id, AuditAction.Updated,
            [.. Changed("Role", roleBefore, role), .. Changed("Teams", Names(teamsBefore), Names(teams))]);
        return new UserDto(user.Id, user.Email ?? "", user.DisplayName, role, teams.Select(t => t.Name).ToList(), user.DeactivatedAt is null);
    }, ct);

    private static string Names(List<Team> teams) => string.Join(", ", teams.Select(t => t.Name));

    private static FieldChange[] Changed(string field, string before, string after) => before == after ? [] : [new FieldChange(field, before, after)];

    private async Task<string> RoleOfAsync(long userId, CancellationToken ct) =>
        await db.UserRoles.Where(r => r.UserId == userId).Join(db.Roles, ur => ur.RoleId, r => r.Id, (_, r) => r.Name).FirstOrDefaultAsync(ct) ?? "";

    private Task<bool> OtherActiveAdminAsync(long userId, CancellationToken ct) =>
        db.UserRoles.Where(r => r.UserId != userId).Join(db.Roles.Where(r => r.Name == Roles.Admin), ur => ur.RoleId, r => r.Id, (ur, _) => ur.UserId)
            .AnyAsync(u => db.Users.Any(x => x.Id == u && x.DeactivatedAt == null), ct);

    private async Task<Outcome<TeamDto>?> CheckNameAsync(string? name, long? self, CancellationToken ct)
    {
        var n = name?.Trim();
        if (string.IsNullOrEmpty(n)) return Outcome<TeamDto>.Invalid("name", l["Enter the team's name."]);
        if (n.Length > MaxTeamName) return Outcome<TeamDto>.Invalid("name", l["{0} is longer than {1} characters.", "name", MaxTeamName]);
        var lower = n.ToLower(System.Globalization.CultureInfo.InvariantCulture);
        if (await db.Teams.AnyAsync(t => t.Id != self && t.Name.ToLower() == lower, ct))
            return Outcome<TeamDto>.Invalid("name", l["There is already a team {0}.", n]);
        return null;
    }

    private Outcome<T> TeamNotFound<T>(long id) => Outcome<T>.NotFound("Team not found", l["There is no team {0}.", id]);
}
