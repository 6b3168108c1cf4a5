using Microsoft.EntityFrameworkCore;
using Prospector.Data;
using Prospector.Features.Access;

namespace Prospector.Features.Companies;

/// <summary>Reading one company as the API and the pages show it, through the caller's visibility.</summary>
public static class CompanyQueries
{
    /// <summary>The company with its owner and tags; null when it is not there for this user.</summary>
    public static async Task<Company?> LoadAsync(ProspectorDb db, long id, AccessScope scope, CancellationToken ct, bool includeDeleted = false)
    {
        var set = includeDeleted ? db.Companies.IgnoreQueryFilters() : db.Companies;
        return await scope.Filter(set).Where(c => c.Id == id)
            .Include(c => c.Owner).Include(c => c.LeadSource).Include(c => c.Tags).FirstOrDefaultAsync(ct);
    }
}
