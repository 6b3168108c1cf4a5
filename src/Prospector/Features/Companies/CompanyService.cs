using System.Text.Json.Nodes;
using Microsoft.Extensions.Localization;
using Prospector.Data;
using Prospector.Features.Access;
using Prospector.Features.Common;
using Prospector.Features.Contacts;

namespace Prospector.Features.Companies;

/// <summary>
/// A whole company form, typed, for callers inside the process (the edit page). Every field is written as given
/// (null clears it); the team and custom fields are left as they are. The property names are the API's field names.
/// </summary>
public sealed record CompanyChange(
    string? Name, string? Website, string? Email, string? Phone, string? Street, string? PostalCode, string? City,
    string? Country, string? Industry, string? Source, string? Notes, long? OwnerId, IReadOnlyList<string> Tags);

/// <summary>
/// Every write to a company, for the API and the pages alike: load the record the user may see, check the version the
/// change is based on, apply the change through <see cref="CompanyFields"/>, save. Returns an outcome.
/// </summary>
public sealed class CompanyService(ProspectorDb db, TimeProvider time, IStringLocalizer<SharedResource> l)
{
    private DateTime Now => time.GetUtcNow().UtcDateTime;

    public async Task<Outcome<Company>> FindAsync(AccessScope scope, long id, bool includeDeleted = false, CancellationToken ct = default) =>
        await CompanyQueries.LoadAsync(db, id, scope, ct, includeDeleted) is { } c ? c : NotFound(id);

    public Task<Outcome<Company>> CreateAsync(AccessScope scope, CompanyChange change, CancellationToken ct = default) =>
        CreateAsync(scope, Fields(change), ct);

    /// <summary>A new company from a body's fields (the API's POST).</summary>
    public async Task<Outcome<Company>> CreateAsync(AccessScope scope, JsonFields change, CancellationToken ct = default)
    {
        var c = new Company();
        var invalid = await CompanyFields.ApplyAsync(db, scope, c, change, Now, isNew: true, ct);
        if (invalid is not null) return Outcome<Company>.Invalid(invalid);
        db.Companies.Add(c);
        await db.SaveChangesAsync(ct);
        return await ReloadAsync(scope, c, ct);
    }

    public Task<Outcome<Company>> UpdateAsync(AccessScope scope, long id, int expectedVersion, CompanyChange change, CancellationToken ct = default) =>
        UpdateAsync(scope, id, expectedVersion, Fields(change), ct);

    /// <summary>A change based on <paramref name="expectedVersion"/>: a newer version (someone else saved in between) is a stale outcome.</summary>
    public async Task<Outcome<Company>> UpdateAsync(AccessScope scope, long id, int expectedVersion, JsonFields change, CancellationToken ct = default)
    {
        var c = await CompanyQueries.LoadAsync(db, id, scope, ct);
        if (c is null) return NotFound(id);
        if (VersionedWrite.Expect(db, c, expectedVersion) is { } stale) return stale;
        var invalid = await CompanyFields.ApplyAsync(db, scope, c, change, Now, isNew: false, ct);
        if (invalid is not null) return Outcome<Company>.Invalid(invalid);
        var saved = await VersionedWrite.SaveAsync(db, c, ct);
        return saved.IsOk ? await ReloadAsync(scope, c, ct) : saved;
    }

    /// <summary>Moves the company to the recycle bin (its contacts and deals stay); with a version, only if nobody changed it since.</summary>
    public async Task<Outcome<Company>> DeleteAsync(AccessScope scope, long id, int? expectedVersion, CancellationToken ct = default)
    {
        var c = await CompanyQueries.LoadAsync(db, id, scope, ct);
        if (c is null) return NotFound(id);
        if (VersionedWrite.Expect(db, c, expectedVersion) is { } stale) return stale;
        c.DeletedAt = Now;
        return await VersionedWrite.SaveAsync(db, c, ct);
    }

    /// <summary>Takes the company out of the recycle bin; with a version, only if nobody changed it since.</summary>
    public async Task<Outcome<Company>> RestoreAsync(AccessScope scope, long id, int? expectedVersion, CancellationToken ct = default)
    {
        var c = await CompanyQueries.LoadAsync(db, id, scope, ct, includeDeleted: true);
        if (c is null) return NotFound(id);
        if (VersionedWrite.Expect(db, c, expectedVersion) is { } stale) return stale;
        c.DeletedAt = null;
        return await VersionedWrite.SaveAsync(db, c, ct);
    }

    private async Task<Outcome<Company>> ReloadAsync(AccessScope scope, Company c, CancellationToken ct)
    {
        return await CompanyQueries.LoadAsync(db, c.Id, scope, ct) ?? c;
    }

    private Outcome<Company> NotFound(long id) =>
        Outcome<Company>.NotFound("Company not found", l["There is no company {0} that you can see.", id]);

    private JsonFields Fields(CompanyChange change) => JsonFields.From((JsonObject)ContactFields.ToNode(change)!, l);
}
