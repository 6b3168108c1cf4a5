using Microsoft.EntityFrameworkCore;
using Prospector.Data;
using Prospector.Features.Access;

namespace Prospector.Features.Contacts;

/// <summary>Reading one contact as the API and the pages show it, through the caller's visibility.</summary>
public static class ContactQueries
{
    /// <summary>The contact with its company, owner, tags, consents and personal dates; null when it is not there for this user.</summary>
    public static async Task<Contact?> LoadAsync(ProspectorDb db, long id, AccessScope scope, CancellationToken ct, bool includeDeleted = false)
    {
        var set = includeDeleted ? db.Contacts.IgnoreQueryFilters() : db.Contacts;
        return await scope.Filter(set).Where(c => c.Id == id)
            .Include(c => c.Company).Include(c => c.Owner).Include(c => c.LeadSource).Include(c => c.Tags)
            .Include(c => c.Consents).Include(c => c.PersonalDates)
            .AsSplitQuery().FirstOrDefaultAsync(ct);
    }
}
