using Microsoft.EntityFrameworkCore;
using Prospector.Data;
using Prospector.Features.Access;
using Prospector.Features.Common;

namespace Prospector.Features.Contacts;

public enum ContactSort { Name, NameDesc, Created, CreatedDesc, Updated, UpdatedDesc, LastContacted, LastContactedDesc }

/// <summary>The one contact list query behind the API and the UI grid: visibility first, then filters, sort, page.</summary>
public sealed record ContactQuery(
    string? Q = null, Stage? Stage = null, LeadStatus? Status = null, long? OwnerId = null, string? Tag = null,
    long? CompanyId = null, ContactSort Sort = ContactSort.Name, bool Deleted = false, IQueryable<long>? Within = null,
    DateTime? QuietSinceUtc = null, DateTime? ContactedSinceUtc = null, long? SourceId = null)
{
    /// <summary>
    /// Visible contacts matching the filters, unordered, as one query per search branch. A search word is a
    /// prefix of the last name, the first name or the e-mail address; each branch is a range on its own index.
    /// One query with the three ranges OR-ed would be answered by a full scan (1 s at a million rows), the
    /// branches by three index range scans (milliseconds).
    /// </summary>
    public IReadOnlyList<IQueryable<Contact>> Branches(ProspectorDb db, AccessScope scope)
    {
        var q = scope.Filter(Deleted ? db.Contacts.IgnoreQueryFilters().Where(c => c.DeletedAt != null) : db.Contacts);
        if (Stage is { } s) q = q.Where(c => c.Stage == s);
        if (Status is { } st) q = q.Where(c => c.LeadStatus == st);
        if (OwnerId is { } o) q = q.Where(c => c.OwnerId == o);
        if (CompanyId is { } co) q = q.Where(c => c.CompanyId == co);
        if (SourceId is { } src) q = q.Where(c => c.LeadSourceId == src);
        // The contacts behind a report's number (a subquery of ids, from Reports' ContactSlices).
        // A report never counts a contact in the recycle bin, so the recycle bin has none behind a report's number.
        if (Within is { } within) q = Deleted ? q.Where(_ => false) : q.Where(c => within.Contains(c.Id));
        if (!string.IsNullOrWhiteSpace(Tag)) q = q.Where(c => c.Tags.Any(t => t.Name == Tag));
        // Engagement (lastContactedBefore=, stale=): no conversation since, or one since (Common/Engagement).
        if (QuietSinceUtc is { } quiet) q = q.Where(Engagement.ContactQuietSince(db, quiet, Deleted));
        if (ContactedSinceUtc is { } since) q = q.Where(Definitions.Not(Engagement.ContactQuietSince(db, since, Deleted)));
        var words = TextKeys.Fold(Q).Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (words.Length == 0) return [q];
        foreach (var more in words.Skip(1))
            q = q.Where(c => c.NameKey.Contains(more));
        var w = words[0];
        var upper = TextKeys.Upper(w);
        var byEmail = q.Where(c => string.Compare(c.EmailKey, w) >= 0 && string.Compare(c.EmailKey, upper) < 0);
        if (w.Contains('@')) return [byEmail];
        return
        [
            q.Where(c => string.Compare(c.NameKey, w) >= 0 && string.Compare(c.NameKey, upper) < 0),
            q.Where(c => string.Compare(c.FirstNameKey, w) >= 0 && string.Compare(c.FirstNameKey, upper) < 0),
            byEmail,
        ];
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

    private sealed record SortKey(long Id, string NameKey, DateTime CreatedAt, DateTime UpdatedAt);

    private IOrderedEnumerable<SortKey> Order(IEnumerable<SortKey> keys) => Sort switch
    {
        ContactSort.NameDesc => keys.OrderByDescending(k => k.NameKey, StringComparer.Ordinal).ThenByDescending(k => k.Id),
        ContactSort.Created => keys.OrderBy(k => k.CreatedAt).ThenBy(k => k.Id),
        ContactSort.CreatedDesc => keys.OrderByDescending(k => k.CreatedAt).ThenByDescending(k => k.Id),
        ContactSort.Updated => keys.OrderBy(k => k.UpdatedAt).ThenBy(k => k.Id),
        ContactSort.UpdatedDesc => keys.OrderByDescending(k => k.UpdatedAt).ThenByDescending(k => k.Id),
        _ => keys.OrderBy(k => k.NameKey, StringComparer.Ordinal).ThenBy(k => k.Id),
    };

    private bool ByLastContact => Sort is ContactSort.LastContacted or ContactSort.LastContactedDesc;

    /// <summary>Longest silence first (never contacted on top), or the latest contact first.</summary>
    private IQueryable<Contact> OrderByLastContact(ProspectorDb db, IQueryable<Contact> q)
    {
        var last = Engagement.Conversations(db, db.Clock.GetUtcNow().UtcDateTime, Deleted);
        return Sort == ContactSort.LastContacted
            ? q.OrderBy(c => last.Where(a => a.ContactId == c.Id).Max(a => (DateTime?)a.OccurredAt) ?? DateTime.MinValue).ThenBy(c => c.Id)
            : q.OrderByDescending(c => last.Where(a => a.ContactId == c.Id).Max(a => (DateTime?)a.OccurredAt) ?? DateTime.MinValue).ThenByDescending(c => c.Id);
    }

    public async Task<Paged<ContactListItem>> PageAsync(ProspectorDb db, AccessScope scope, int page, int pageSize, CancellationToken ct)
    {
        var result = await PageOfAsync(db, scope, page, pageSize, ct);
        var ids = result.Items.Select(i => i.Id).ToList();
        var engagement = await Engagement.OfContactsAsync(db, ids, db.Clock.GetUtcNow().UtcDateTime, ct);
        // In its stage since the last stage change, or since it was created: one query for the page's rows only.
        var inStage = await db.Contacts.IgnoreQueryFilters().Where(c => ids.Contains(c.Id))
            .Select(c => new
            {
                c.Id,
                At = db.LifecycleEvents.Where(e => e.ContactId == c.Id && e.Kind == LifecycleEventKind.StageChanged).Max(e => (DateTime?)e.At) ?? c.CreatedAt,
            })
            .ToDictionaryAsync(x => x.Id, x => x.At, ct);
        return result with
        {
            Items = result.Items.Select(i => i with
            {
                LastContactedAt = engagement.GetValueOrDefault(i.Id)?.LastContactedAt,
                Touches = engagement.GetValueOrDefault(i.Id)?.Touches ?? 0,
                InStageSince = inStage.TryGetValue(i.Id, out var at) ? at : null,
            }).ToList(),
        };
    }

    private async Task<Paged<ContactListItem>> PageOfAsync(ProspectorDb db, AccessScope scope, int page, int pageSize, CancellationToken ct)
    {
        var branches = Branches(db, scope);
        if (branches.Count > 1 && ByLastContact)
        {
            // A search sorted by last contact: the union of the branches, ordered as one.
            var found = branches.Select(b => b.Select(c => c.Id)).Aggregate((a, b) => a.Union(b));
            // Filtered unless the list is the recycle bin's: IgnoreQueryFilters here would switch the filter off in the
            // branches too (EF Core applies it to the whole query) and bring contacts in the recycle bin into the search.
            branches = [(Deleted ? db.Contacts.IgnoreQueryFilters() : db.Contacts).Where(c => found.Contains(c.Id))];
        }
        if (branches.Count == 1)
        {
            // Counted in name order whatever the list's sort: the capped count then walks a narrow (…, NameKey, Id, OwnerId,
            // TeamId) index that also answers a rep's visibility, instead of whatever the planner picks (SQLite chose a table
            // scan: 4x the CPU at 100,000 contacts; stage + status without its index: 40x; by "updated" as a rep: a row
            // lookup per candidate, 9x). With an engagement filter the count is a probe into the activities per contact, cheaper
            // in id order (neighbouring ids probe neighbouring index pages) than in name order or in whichever index's order
            // the planner picks (6x at 100,000 contacts).
            var toCount = QuietSinceUtc is null && ContactedSinceUtc is null
                ? branches[0].OrderBy(c => c.NameKey).ThenBy(c => c.Id)
                : branches[0].OrderBy(c => c.Id);
            var (count, isCapped) = await Api.CappedCountAsync(toCount, ct);
            var ordered = ByLastContact ? OrderByLastContact(db, branches[0]) : Order(branches[0]);
            // The page's ids first, then its rows: the skipped rows of a deep page are walked on the (name, owner, team) index
            // alone instead of being read from the table (page 2,000 of 50: 45 ms of CPU instead of 340 ms at 100,000 contacts).
            var pageIds = await ordered.Skip((page - 1) * pageSize).Take(pageSize).Select(c => c.Id).ToListAsync(ct);
            var rows = await Project(db.Contacts.IgnoreQueryFilters().Where(c => pageIds.Contains(c.Id))).ToListAsync(ct);
            return new Paged<ContactListItem>(rows.OrderBy(i => pageIds.IndexOf(i.Id)).ToList(), count, page, pageSize, isCapped);
        }

        // Search: count the union of the branches, take the first page*size of each branch in the list's order,
        // merge them, and load just the page.
        var (total, capped) = await Api.CappedCountAsync(branches.Select(b => b.Select(c => c.Id)).Aggregate((a, b) => a.Union(b)), ct);
        var need = page * pageSize;
        var keys = new Dictionary<long, SortKey>();
        var byName = Sort is ContactSort.Name or ContactSort.NameDesc;
        foreach (var branch in branches)
        {
            var top = Order(branch).Take(need);
            // Sorting by name needs only what the search indexes hold; dates would cost a row lookup each.
            var found = byName
                ? await top.Select(c => new SortKey(c.Id, c.NameKey, default, default)).ToListAsync(ct)
                : await top.Select(c => new SortKey(c.Id, c.NameKey, c.CreatedAt, c.UpdatedAt)).ToListAsync(ct);
            foreach (var k in found) keys.TryAdd(k.Id, k);
        }
        var ids = Order(keys.Values).Skip((page - 1) * pageSize).Take(pageSize).Select(k => k.Id).ToList();
        var items = await Project(db.Contacts.IgnoreQueryFilters().Where(c => ids.Contains(c.Id))).ToListAsync(ct);
        return new Paged<ContactListItem>(items.OrderBy(i => ids.IndexOf(i.Id)).ToList(), total, page, pageSize, capped);
    }

    /// <summary>
    /// The rows of a page, read by id without the recycle-bin filter (the ids were checked): EF Core then reads the company
    /// unfiltered too, so one in the recycle bin is left unnamed by hand, as everywhere else a contact's company is shown.
    /// </summary>
    private static IQueryable<ContactListItem> Project(IQueryable<Contact> q) =>
        q.Select(c => new ContactListItem(c.Id,
            Contact.NameOf(c.FirstName, c.NamePrefix, c.LastName),
            c.Email, c.Phone ?? c.Mobile, c.CompanyId, c.Company != null && c.Company.DeletedAt == null ? c.Company.Name : null, c.Stage, c.LeadStatus,
            c.OwnerId, c.Owner!.DisplayName, c.City, c.UpdatedAt, c.Version, null, 0, null, c.PhoneE164, c.Country));
}
