using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;
using Prospector.Data;
using Prospector.Features.Auth;
using Prospector.Features.Common;

namespace Prospector.Features.Sources;

/// <summary>A managed lead source. <c>Name</c> is as stored (the defaults' English names are resource keys, shown translated).</summary>
public sealed record LeadSourceDto(long Id, string Key, string Name, bool Retired, int Contacts);

/// <summary>The body of <c>POST /sources</c> and <c>PATCH /sources/{id}</c>: the source's name (up to 100 characters, unique).</summary>
public sealed record LeadSourceInput(string? Name);

/// <summary>
/// The workspace's managed list of lead sources (admins add, rename, retire; everyone picks). A retired source stays on the
/// records that have it and can still be filtered on, but is not offered for new records. Keys never change, so API filters
/// (<c>source=trade-fair</c>) keep working after a rename. Every change is in the audit trail.
/// </summary>
public sealed partial class SourceAdmin(ProspectorDb db, IAuditActor actor, TimeProvider time, IStringLocalizer<SharedResource> l)
{
    public const int MaxName = 100;
    private DateTime Now => time.GetUtcNow().UtcDateTime;

    /// <summary>All sources in the list's order, retired ones last, with how many live contacts have each.</summary>
    public Task<List<LeadSourceDto>> ListAsync(CancellationToken ct = default) =>
        db.LeadSources.OrderBy(s => s.RetiredAt != null).ThenBy(s => s.SortOrder).ThenBy(s => s.Id)
            .Select(s => new LeadSourceDto(s.Id, s.Key, s.Name, s.RetiredAt != null, db.Contacts.Count(c => c.LeadSourceId == s.Id)))
            .ToListAsync(ct);

    public Task<Outcome<LeadSourceDto>> AddAsync(string? name, CancellationToken ct = default) => UnitOfWork.RunAsync(db, async () =>
    {
        if (await CheckNameAsync(name, null, ct) is { } invalid) return invalid;
        var n = name!.Trim();
        var source = db.LeadSources.Add(new LeadSource
        {
            Name = n,
            Key = await FreeKeyAsync(n, ct),
            SortOrder = (await db.LeadSources.MaxAsync(s => (int?)s.SortOrder, ct) ?? 0) + 1,
        }).Entity;
        await db.SaveChangesAsync(ct);
        AdminAudit.Add(db, actor, Now, nameof(LeadSource), source.Id, AuditAction.Created, new FieldChange("Name", null, n));
        return new LeadSourceDto(source.Id, source.Key, source.Name, false, 0);
    }, ct);

    public Task<Outcome<LeadSourceDto>> RenameAsync(long id, string? name, CancellationToken ct = default) => UnitOfWork.RunAsync(db, async () =>
    {
        if (await db.LeadSources.FirstOrDefaultAsync(s => s.Id == id, ct) is not { } source) return NotFound(id);
        if (await CheckNameAsync(name, id, ct) is { } invalid) return invalid;
        var before = source.Name;
        source.Name = name!.Trim();
        if (before != source.Name)
            AdminAudit.Add(db, actor, Now, nameof(LeadSource), id, AuditAction.Updated, new FieldChange("Name", before, source.Name));
        return await DtoAsync(source, ct);
    }, ct);

    /// <summary>Retires a source (or brings it back): records keep it; pickers stop offering it for new ones.</summary>
    public Task<Outcome<LeadSourceDto>> RetireAsync(long id, bool retired, CancellationToken ct = default) => UnitOfWork.RunAsync(db, async () =>
    {
        if (await db.LeadSources.FirstOrDefaultAsync(s => s.Id == id, ct) is not { } source) return NotFound(id);
        if ((source.RetiredAt != null) != retired)
        {
            source.RetiredAt = retired ? Now : null;
            AdminAudit.Add(db, actor, Now, nameof(LeadSource), id, AuditAction.Updated, new FieldChange("Retired", (!retired).ToString(), retired.ToString()));
        }
        return await DtoAsync(source, ct);
    }, ct);

    private async Task<LeadSourceDto> DtoAsync(LeadSource s, CancellationToken ct) =>
        new(s.Id, s.Key, s.Name, s.RetiredAt != null, await db.Contacts.CountAsync(c => c.LeadSourceId == s.Id, ct));

    private async Task<Outcome<LeadSourceDto>?> CheckNameAsync(string? name, long? self, CancellationToken ct)
    {
        var n = name?.Trim();
        if (string.IsNullOrEmpty(n)) return Outcome<LeadSourceDto>.Invalid("name", l["Enter the source's name."]);
        if (n.Length > MaxName) return Outcome<LeadSourceDto>.Invalid("name", l["{0} is longer than {1} characters.", "name", MaxName]);
        var lower = n.ToLowerInvariant();
        if (await db.LeadSources.AnyAsync(s => s.Id != self && s.Name.ToLower() == lower, ct))
            return Outcome<LeadSourceDto>.Invalid("name", l["There is already a source {0}.", n]);
        return null;
    }

    private Outcome<LeadSourceDto> NotFound(long id) => Outcome<LeadSourceDto>.NotFound("Source not found", l["There is no source {0}.", id]);

    private async Task<string> FreeKeyAsync(string name, CancellationToken ct)
    {
        var stem = KeyOf(name);
        var key = stem;
        for (var i = 2; await db.LeadSources.AnyAsync(s => s.Key == key, ct); i++) key = $"{stem}-{i}";
        return key;
    }

    /// <summary>"Hannover Messe" → "hannover-messe": lower case, accents folded, other characters as dashes.</summary>
    public static string KeyOf(string name)
    {
        var key = NonKey().Replace(TextKeys.Fold(name), "-").Trim('-');
        if (key.Length > 50) key = key[..50].TrimEnd('-');
        return key.Length == 0 ? "source" : key;
    }

    [GeneratedRegex("[^a-z0-9]+")]
    private static partial Regex NonKey();
}
