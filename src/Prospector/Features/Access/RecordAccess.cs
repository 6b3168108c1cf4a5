using System.Security.Claims;
using Microsoft.EntityFrameworkCore;
using Prospector.Data;

namespace Prospector.Features.Access;

/// <summary>
/// Record-level authorization, in one place. Every query for owned records goes through
/// <see cref="AccessScope.Filter{T}"/>, every single-record check through <see cref="AccessScope.CanSee"/>:
///  - Admin sees everything;
///  - Manager sees records of the teams they belong to, their own, and those owned by their teams' members;
///  - Rep sees their own records and their teams' records (or everything when the workspace says "reps see all");
///  - unassigned records (no owner, no team) are the shared pool everyone sees.
/// A record you may not see is reported as not found, never as forbidden, so ids cannot be probed.
/// Acting in the owner's name (enrolling in a sequence) needs more than seeing: <see cref="AccessScope.FilterEditable{T}"/>,
/// <see cref="AccessScope.CanEdit"/> (admin: all; manager: their teams' records; rep: their own).
/// </summary>
public sealed class RecordAccess(ProspectorDb db, AuthCache? cache = null)
{
    /// <summary>
    /// The caller's scope. Cached (<see cref="AuthCache"/>) until a team, team membership, role, user or the workspace's
    /// "reps see all" is written: a hand-over between teams or a new member counts at the very next request.
    /// </summary>
    public async Task<AccessScope> ScopeAsync(ClaimsPrincipal user, CancellationToken ct = default)
    {
        if (!long.TryParse(user.FindFirstValue(ClaimTypes.NameIdentifier), out var userId))
            return AccessScope.Nobody;
        var role = user.IsInRole(Roles.Admin) ? Roles.Admin : user.IsInRole(Roles.Manager) ? Roles.Manager : Roles.Rep;
        if (cache is null) return await ScopeForAsync(userId, role, ct);
        return await cache.GetOrLoadAsync<AccessScope>($"scope:{userId}:{role}", async () => await ScopeForAsync(userId, role, ct)) ?? AccessScope.Nobody;
    }

    /// <summary>
    /// What another user may see (not the caller: e.g. the assignee a reminder goes to), with their role from the database.
    /// A user without a role sees nothing.
    /// </summary>
    public async Task<AccessScope> ScopeOfUserAsync(long userId, CancellationToken ct = default)
    {
        var roles = await db.UserRoles.Where(r => r.UserId == userId).Join(db.Roles, ur => ur.RoleId, r => r.Id, (_, r) => r.Name).ToListAsync(ct);
        var role = Roles.All.FirstOrDefault(roles.Contains); // Roles.All is ordered Admin, Manager, Rep: the strongest wins
        return role is null ? AccessScope.Nobody : await ScopeForAsync(userId, role, ct);
    }

    private async Task<AccessScope> ScopeForAsync(long userId, string role, CancellationToken ct)
    {
        if (role == Roles.Admin)
            return new AccessScope(userId, Roles.Admin, [], [], SeesAll: true);
        var teams = await db.TeamMembers.Where(m => m.UserId == userId).Select(m => m.TeamId).ToListAsync(ct);
        if (role == Roles.Manager)
        {
            var members = await db.TeamMembers.Where(m => teams.Contains(m.TeamId)).Select(m => m.UserId).Distinct().ToListAsync(ct);
            return new AccessScope(userId, Roles.Manager, teams, members, SeesAll: false);
        }
        var repsSeeAll = await db.WorkspaceSettings.Select(s => s.RepsSeeAll).FirstOrDefaultAsync(ct);
        return new AccessScope(userId, Roles.Rep, teams, [], SeesAll: repsSeeAll);
    }
}

public sealed partial record AccessScope(long UserId, string Role, List<long> TeamIds, List<long> TeamMemberIds, bool SeesAll)
{
    public static readonly AccessScope Nobody = new(0, "", [], [], false);

    /// <summary>
    /// Lets an endpoint take the caller's scope as a parameter (<c>AccessScope scope</c>) instead of resolving it itself.
    /// </summary>
    public static async ValueTask<AccessScope?> BindAsync(HttpContext context) =>
        await context.RequestServices.GetRequiredService<RecordAccess>().ScopeAsync(context.User, context.RequestAborted);

    public bool IsAdmin => Role == Roles.Admin;
    public bool IsManagerOrAdmin => Role is Roles.Admin or Roles.Manager;

    public IQueryable<T> Filter<T>(IQueryable<T> query) where T : class, IOwned
    {
        if (SeesAll) return query;
        if (Role == "") return query.Where(_ => false);
        var me = UserId;
        var teams = TeamIds;
        var members = TeamMemberIds;
        return query.Where(r =>
            r.OwnerId == me
            || (r.OwnerId == null && r.TeamId == null)
            || (r.TeamId != null && teams.Contains(r.TeamId.Value))
            || (r.OwnerId != null && members.Contains(r.OwnerId.Value)));
    }

    /// <summary>
    /// Activities and open questions are seen through the record they belong to: the contact when there is one,
    /// else the company, else the opportunity. A record in the recycle bin hides what belongs to it.
    /// </summary>
    public IQueryable<T> FilterAbout<T>(IQueryable<T> query, ProspectorDb db) where T : class, IAboutRecord
    {
        var contacts = Filter(db.Contacts);
        var companies = Filter(db.Companies);
        var opportunities = Filter(db.Opportunities);
        return query.Where(a =>
            (a.ContactId != null && contacts.Any(c => c.Id == a.ContactId))
            || (a.ContactId == null && a.CompanyId != null && companies.Any(c => c.Id == a.CompanyId))
            || (a.ContactId == null && a.CompanyId == null && a.OpportunityId != null && opportunities.Any(o => o.Id == a.OpportunityId)));
    }

    /// <summary>
    /// The records this user may act on in the owner's name (e.g. enrol in a sequence, whose e-mails go out as the owner) —
    /// narrower than what they see: an admin all; a manager their own, their teams' and their team members' records; a rep
    /// only their own (not the shared pool, not a team-mate's, not what "reps see all" shows them).
    /// </summary>
    public IQueryable<T> FilterEditable<T>(IQueryable<T> query) where T : class, IOwned
    {
        if (IsAdmin) return query;
        if (Role == "") return query.Where(_ => false);
        var me = UserId;
        if (Role != Roles.Manager) return query.Where(r => r.OwnerId == me);
        var teams = TeamIds;
        var members = TeamMemberIds;
        return query.Where(r =>
            r.OwnerId == me
            || (r.TeamId != null && teams.Contains(r.TeamId.Value))
            || (r.OwnerId != null && members.Contains(r.OwnerId.Value)));
    }

    /// <summary>Single-record form of <see cref="FilterEditable{T}"/>.</summary>
    public bool CanEdit(IOwned r) =>
        IsAdmin
        || (Role == Roles.Rep && r.OwnerId == UserId)
        || (Role == Roles.Manager && (r.OwnerId == UserId
            || (r.TeamId is { } t && TeamIds.Contains(t))
            || (r.OwnerId is { } o && TeamMemberIds.Contains(o))));

    public bool CanSee(IOwned r) =>
        SeesAll
        || (Role != "" && (r.OwnerId == UserId
            || (r.OwnerId is null && r.TeamId is null)
            || (r.TeamId is { } t && TeamIds.Contains(t))
            || (r.OwnerId is { } o && TeamMemberIds.Contains(o))));
}
