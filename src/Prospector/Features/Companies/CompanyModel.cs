using Microsoft.EntityFrameworkCore;
using Prospector.Data;
using Prospector.Features.Access;
using Prospector.Features.Common;
using Prospector.Features.Records;

namespace Prospector.Features.Companies;

public sealed record CompanyListItem(long Id, string Name, string? Domain, string? City, string? Country,
    int ContactCount, long? OwnerId, string? OwnerName, DateTime UpdatedAt, int Version,
    DateTime? LastContactedAt = null, int Touches = 0);

public sealed record CompanyDto(
    long Id, int Version, string Name, string? Domain, string? Website, string? LinkedInUrl, string? XingUrl, string? Email, string? Phone,
    string? Street, string? PostalCode, string? City, string? Country, string? Industry,
    long? SourceId, string? SourceKey, string? SourceName, string? SourceDetail, string? Notes,
    long? OwnerId, string? OwnerName, long? TeamId, IReadOnlyList<string> Tags, string? CustomFields,
    DateTime CreatedAt, DateTime UpdatedAt, DateTime? DeletedAt) : IRecordDto<Company, CompanyDto>
{
    public static CompanyDto From(Company c) => new(
        c.Id, c.Version, c.Name, c.Domain, c.Website, c.LinkedInUrl, c.XingUrl, c.Email, c.Phone, c.Street, c.PostalCode, c.City, c.Country,
        c.Industry, c.LeadSourceId, c.LeadSource?.Key, c.LeadSource?.Name, c.Source, c.Notes, c.OwnerId, c.Owner?.DisplayName, c.TeamId,
        c.Tags.Select(t => t.Name).Order().ToList(), c.CustomFields, c.CreatedAt, c.UpdatedAt, c.DeletedAt);
}

/// <summary>
/// The writable fields of a company (documentation of POST and PATCH bodies). <c>sourceId</c> is one of the managed lead
/// sources (GET /sources; a retired one only if the company has it already); <c>sourceDetail</c> is free text beside it
/// ("Hannover Messe 2026"). <c>linkedInUrl</c> and <c>xingUrl</c> are the company's pages on linkedin.com / xing.com (stored
/// as https; "https://" is added when left out); anything but an http(s) address is refused.
/// </summary>
public sealed record CompanyInput(
    string? Name, string? Website, string? LinkedInUrl, string? XingUrl, string? Email, string? Phone, string? Street, string? PostalCode, string? City,
    string? Country, string? Industry, long? SourceId, string? SourceDetail, string? Notes, long? OwnerId, long? TeamId,
    IReadOnlyList<string>? Tags, Dictionary<string, object>? CustomFields) : IReadFieldByField;

public enum CompanySort { Name, NameDesc, Updated, UpdatedDesc, LastContacted, LastContactedDesc }

public static class CompanyFields
{
    public static async Task<Dictionary<string, string[]>?> ApplyAsync(
        ProspectorDb db, AccessScope scope, Company c, JsonFields f, DateTime now, bool isNew, CancellationToken ct)
    {
        (long? OwnerId, long? TeamId)? holderBefore = isNew ? null : (c.OwnerId, c.TeamId);
        var sourceBefore = c.LeadSourceId;
        f.String("name", 200, v => c.Name = v ?? "", required: isNew || f.Has("name"));
        if (isNew && !f.Has("name")) f.Fail("name", f.T("{0} is required.", "name"));
        f.String("website", 300, v => c.Website = v);
        ProfileLinks.Read(f, "linkedInUrl", ProfileSite.LinkedIn, v => c.LinkedInUrl = v);
        ProfileLinks.Read(f, "xingUrl", ProfileSite.Xing, v => c.XingUrl = v);
        f.Email("email", v => c.Email = v);
        f.String("phone", 50, v => c.Phone = v);
        AddressFields.Read(f, v => c.Street = v, v => c.PostalCode = v, v => c.City = v, v => c.Country = v);
        f.String("industry", 100, v => c.Industry = v);
        f.Id("sourceId", v => c.LeadSourceId = v);
        f.String("sourceDetail", 100, v => c.Source = v);
        f.String("notes", 10_000, v => c.Notes = v);
        f.Id("ownerId", v => c.OwnerId = v);
        f.Id("teamId", v => c.TeamId = v);
        f.Object("customFields", v => c.CustomFields = v);
        List<string>? tags = null;
        f.Tags("tags", v => tags = v);
        c.NameKey = TextKeys.Fold(c.Name);
        c.Domain = DomainOf(c.Website) ?? DomainOf(c.Email?.Split('@').LastOrDefault());
        if (isNew)
        {
            c.OwnerId ??= scope.UserId;
            c.TeamId ??= await References.DefaultTeamAsync(db, c.OwnerId, ct);
        }
        else c.UpdatedAt = now;
        if (f.Errors.Count == 0) await References.CheckAsync(db, scope, f, null, c, holderBefore, ct);
        if (f.Errors.Count == 0 && f.Has("sourceId") && c.LeadSourceId is { } s
            && await Sources.SourceLookup.ProblemAsync(db, s, sourceBefore, ct) is { } problem)
            f.Fail("sourceId", f.T(problem.Key, problem.Arg));
        if (f.Errors.Count == 0 && !scope.CanSee(c)) f.Fail("ownerId", f.T("You can only give records to yourself or to your teams."));
        if (f.Errors.Count > 0) return f.Errors;
        if (tags is not null) await References.SetTagsAsync(db, c.Tags, tags, ct);
        return null;
    }

    /// <summary>"https://www.Example.de/contact" → "example.de": the key for company duplicates.</summary>
    public static string? DomainOf(string? website)
    {
        if (string.IsNullOrWhiteSpace(website)) return null;
        var s = website.Trim();
        if (!s.Contains("://", StringComparison.Ordinal)) s = "http://" + s;
        if (!Uri.TryCreate(s, UriKind.Absolute, out var uri) || !uri.Host.Contains('.', StringComparison.Ordinal)) return null;
        var host = uri.Host.ToLowerInvariant();
        return host.StartsWith("www.", StringComparison.Ordinal) ? host[4..] : host;
    }

    /// <summary>Visible companies whose name or domain starts with <paramref name="q"/>, unordered.</summary>
    public static IQueryable<Company> Filter(ProspectorDb db, AccessScope scope, string? q, bool deleted)
    {
        var query = scope.Filter(deleted ? db.Companies.IgnoreQueryFilters().Where(c => c.DeletedAt != null) : db.Companies);
        var key = TextKeys.Fold(q);
        if (key.Length > 0)
        {
            var upper = TextKeys.Upper(key);
            query = query.Where(c => (string.Compare(c.NameKey, key) >= 0 && string.Compare(c.NameKey, upper) < 0)
                || (string.Compare(c.Domain, key) >= 0 && string.Compare(c.Domain, upper) < 0));
        }
        return query;
    }

    public static IQueryable<Company> Order(IQueryable<Company> query, CompanySort sort) => sort switch
    {
        CompanySort.NameDesc => query.OrderByDescending(c => c.NameKey).ThenByDescending(c => c.Id),
        CompanySort.Updated => query.OrderBy(c => c.UpdatedAt).ThenBy(c => c.Id),
        CompanySort.UpdatedDesc => query.OrderByDescending(c => c.UpdatedAt).ThenByDescending(c => c.Id),
        _ => query.OrderBy(c => c.NameKey).ThenBy(c => c.Id),
    };

    /// <summary>Longest silence first (never contacted on top), or the latest contact first (Common/Engagement).</summary>
    private static IQueryable<Company> OrderByLastContact(ProspectorDb db, IQueryable<Company> query, bool latestFirst, bool deleted)
    {
        var last = Engagement.Conversations(db, db.Clock.GetUtcNow().UtcDateTime, deleted);
        return latestFirst
            ? query.OrderByDescending(c => last.Where(a => a.CompanyId == c.Id).Max(a => (DateTime?)a.OccurredAt) ?? DateTime.MinValue).ThenByDescending(c => c.Id)
            : query.OrderBy(c => last.Where(a => a.CompanyId == c.Id).Max(a => (DateTime?)a.OccurredAt) ?? DateTime.MinValue).ThenBy(c => c.Id);
    }

    public static async Task<Paged<CompanyListItem>> PageAsync(
        ProspectorDb db, AccessScope scope, string? q, CompanySort sort, bool deleted, int page, int pageSize, CancellationToken ct,
        DateTime? quietSinceUtc = null, DateTime? contactedSinceUtc = null, long? sourceId = null)
    {
        var filtered = Filter(db, scope, q, deleted);
        if (sourceId is { } src) filtered = filtered.Where(c => c.LeadSourceId == src);
        if (quietSinceUtc is { } quiet) filtered = filtered.Where(Engagement.CompanyQuietSince(db, quiet, deleted));
        if (contactedSinceUtc is { } since) filtered = filtered.Where(Definitions.Not(Engagement.CompanyQuietSince(db, since, deleted)));
        var (total, capped) = await Api.CappedCountAsync(filtered, ct);
        var ordered = sort is CompanySort.LastContacted or CompanySort.LastContactedDesc
            ? OrderByLastContact(db, filtered, sort == CompanySort.LastContactedDesc, deleted) : Order(filtered, sort);
        var items = await ordered.Skip((page - 1) * pageSize).Take(pageSize)
            .Select(c => new CompanyListItem(c.Id, c.Name, c.Domain, c.City, c.Country, c.Contacts.Count,
                c.OwnerId, c.Owner!.DisplayName, c.UpdatedAt, c.Version, null, 0))
            .ToListAsync(ct);
        var engagement = await Engagement.OfCompaniesAsync(db, items.Select(i => i.Id).ToList(), db.Clock.GetUtcNow().UtcDateTime, ct);
        items = items.Select(i => engagement.TryGetValue(i.Id, out var e) ? i with { LastContactedAt = e.LastContactedAt, Touches = e.Touches } : i).ToList();
        return new Paged<CompanyListItem>(items, total, page, pageSize, capped);
    }
}
