using Microsoft.EntityFrameworkCore;
using Prospector.Data;
using Prospector.Features.Access;

namespace Prospector.Features.Common;

/// <summary>How to reach a contact: name, phone (with its E.164 form), mobile, e-mail and the country that places the numbers.</summary>
public sealed record ContactReach(string Name, string? Phone, string? PhoneE164, string? Mobile, string? Email, string? Country);

/// <summary>The reach of many contacts at once, for the lists that show call, text and mail icons (To do, search, board).</summary>
public static class ContactReaches
{
    /// <summary>The contacts among <paramref name="contactIds"/> that the user may see, by id.</summary>
    public static async Task<Dictionary<long, ContactReach>> ForAsync(ProspectorDb db, AccessScope scope, IEnumerable<long> contactIds, CancellationToken ct = default)
    {
        var ids = contactIds.Distinct().ToList();
        if (ids.Count == 0) return [];
        return await scope.Filter(db.Contacts).Where(c => ids.Contains(c.Id) && c.ErasedAt == null)
            .Select(c => new { c.Id, c.FirstName, c.NamePrefix, c.LastName, c.Phone, c.PhoneE164, c.Mobile, c.Email, c.Country })
            .ToDictionaryAsync(c => c.Id, c => new ContactReach(
                string.Join(' ', new[] { c.FirstName, c.NamePrefix, c.LastName }.Where(s => !string.IsNullOrWhiteSpace(s))),
                c.Phone, c.PhoneE164, c.Mobile, c.Email, c.Country), ct);
    }
}
