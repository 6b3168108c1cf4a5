using Microsoft.EntityFrameworkCore;
using Prospector.Data;
using Prospector.Features.Access;
using Prospector.Features.Common;

namespace Prospector.Features.Contacts;

public enum ContactSort { Name, NameDesc, Created, CreatedDesc, Updated, UpdatedDesc }

/// <summary>The one contact list query behind the API and the UI grid: visibility first, then filters, sort, page.</summary>
public sealed record ContactQuery(
    string? Q = null, Stage? Stage = null, LeadStatus? Status = null, long? OwnerId = null, string? Tag = null,
    long? CompanyId = null, ContactSort Sort = ContactSort.Name, bool Deleted = false)
{
    /// <summary>Visible contacts matching the filters, unordered (for counting).</summary>
    public IQueryable<Contact> Filter(ProspectorDb db, AccessScope scope)
    {
        var q = scope.Filter(Deleted ? db.Contacts.IgnoreQueryFilters().Where(c => c.DeletedAt != null) : db.Contacts);
        if (Stage is { } s) q = q.Where(c => c.Stage == s);
        if (Status is { } st) q = q.Where(c => c.LeadStatus == st);
        if (OwnerId is { } o) q = q.Where(c => c.OwnerId == o);
        if (CompanyId is { } co) q = q.Where(c => c.CompanyId == co);
        if (!string.IsNullOrWhiteSpace(Tag)) q = q.Where(c => c.Tags.Any(t => t.Name == Tag));
        var words = TextKeys.Fold(Q).Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (words.Length > 0)
        {
            // Each branch is a prefix range on its own index, so typing stays fast at a million rows.
            var w = words[0];
            var upper = TextKeys.Upper(w);
            q = w.Contains('@')
                ? q.Where(c => string.Compare(c.EmailKey, w) >= 0 && string.Compare(c.EmailKey, upper) < 0)
                : q.Where(c => (string.Compare(c.NameKey, w) >= 0 && string.Compare(c.NameKey, upper) < 0)
                    || (string.Compare(c.FirstNameKey, w) >= 0 && string.Compare(c.FirstNameKey, upper) < 0)
                    || (string.Compare(c.EmailKey, w) >= 0 && string.Compare(c.EmailKey, upper) < 0));
            foreach (var more in words.Skip(1))
                q = q.Where(c => c.NameKey.Contains(more));
        }
        return q;
    }

    public IQueryable<Contact> Order(IQueryable<Contact> q) => Sort switch
    {
        ContactSort.NameDesc => q.OrderByDescending(c => c.NameKey).ThenByDescending(c => c.Id),
        ContactSort.Created => q.OrderBy(c => c.CreatedAt).ThenBy(c => c.Id),
        ContactSort.CreatedDesc => q.OrderByDescending(c => c.CreatedAt).ThenByDescending(c => c.Id),
        ContactSort.Updated => q.OrderBy(c => c.UpdatedAt).ThenBy(c => c.Id),
        ContactSort.UpdatedDesc => q.OrderByDescending(c => c.UpdatedAt).ThenByDescending(c => c.Id),
        _ => q.OrderBy(c => c.NameKey).ThenBy(c => c.Id),
    };

    public async Task<Paged<ContactListItem>> PageAsync(ProspectorDb db, AccessScope scope, int page, int pageSize, CancellationToken ct)
    {
        var filtered = Filter(db, scope);
        var (total, capped) = await Api.CappedCountAsync(filtered, ct);
        var items = await Order(filtered).Skip((page - 1) * pageSize).Take(pageSize)
            .Select(c => new ContactListItem(c.Id,
                (c.FirstName + " " + (c.NamePrefix == null ? "" : c.NamePrefix + " ") + c.LastName).Trim(),
                c.Email, c.Phone ?? c.Mobile, c.CompanyId, c.Company!.Name, c.Stage, c.LeadStatus,
                c.OwnerId, c.Owner!.DisplayName, c.City, c.UpdatedAt, c.Version))
            .ToListAsync(ct);
        return new Paged<ContactListItem>(items, total, page, pageSize, capped);
    }
}
