using Microsoft.EntityFrameworkCore;
using Prospector.Data;
using Prospector.Features.Access;
using Prospector.Features.NextActions;

namespace Prospector.Features.Reminders;

/// <summary>
/// Reminders and the digest name an action's item only to an assignee who may see it: an admin may hand work across teams,
/// and a record may change hands after its action was planned (docs/decisions/0009-access-between-teams.md).
/// </summary>
public static class AssigneeView
{
    /// <summary>Of these actions, the ids whose item their assignee may see.</summary>
    public static async Task<HashSet<long>> VisibleAsync(ProspectorDb db, IEnumerable<(long ActionId, long AssigneeId)> actions, CancellationToken ct)
    {
        var access = new RecordAccess(db);
        var seen = new HashSet<long>();
        foreach (var group in actions.GroupBy(a => a.AssigneeId))
        {
            var scope = await access.ScopeOfUserAsync(group.Key, ct);
            var ids = group.Select(a => a.ActionId).ToList();
            seen.UnionWith(await NextActionQueries.Visible(db, scope).Where(a => ids.Contains(a.Id)).Select(a => a.Id).ToListAsync(ct));
        }
        return seen;
    }
}
