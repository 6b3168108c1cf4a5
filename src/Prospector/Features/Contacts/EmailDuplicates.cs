using Microsoft.EntityFrameworkCore;
using Prospector.Data;
using Prospector.Features.Access;

namespace Prospector.Features.Contacts;

public sealed record ExistingContact(long Id, string Name);

/// <summary>
/// "New contact" with an e-mail that is already there: the contacts with that address the user may see, to link to.
/// Contacts of other teams are not mentioned at all: the API does not reveal that an address exists elsewhere either,
/// and a hint "in use" would let anyone probe which addresses another team works with.
/// </summary>
public static class EmailDuplicates
{
    public static async Task<List<ExistingContact>> VisibleAsync(ProspectorDb db, AccessScope scope, string? email, long? exceptId, CancellationToken ct = default)
    {
        var key = email?.Trim().ToLowerInvariant();
        if (string.IsNullOrEmpty(key) || !key.Contains('@')) return [];
        var found = await scope.Filter(db.Contacts).Where(c => c.EmailKey == key && c.Id != (exceptId ?? 0))
            .OrderBy(c => c.Id).Take(5).ToListAsync(ct);
        return found.Select(c => new ExistingContact(c.Id, c.DisplayName)).ToList();
    }
}
