using System.Text.Json.Nodes;
using Microsoft.Extensions.Localization;
using Prospector.Data;
using Prospector.Features.Access;
using Prospector.Features.Common;

namespace Prospector.Features.Contacts;

/// <summary>
/// A whole contact form, typed, for callers inside the process (the edit page). Every field is written as given
/// (null clears it); the team and custom fields are left as they are; <see cref="Consents"/> are appended (null: none).
/// The property names are the API's field names: the same rules (<see cref="ContactFields"/>) check both.
/// </summary>
public sealed record ContactChange(
    string? Salutation, string? FirstName, string? NamePrefix, string? LastName, string? JobTitle,
    string? Email, string? Phone, string? Mobile, long? CompanyId, string? Street, string? PostalCode, string? City,
    string? Country, Stage Stage, LeadStatus LeadStatus, string? Source, long? OwnerId, IReadOnlyList<string> Tags,
    string? Notes, IReadOnlyList<PersonalDateDto> PersonalDates, IReadOnlyList<ConsentDto>? Consents = null);

/// <summary>
/// Every write to a contact, for the API and the pages alike: load the record the user may see, check the version the
/// change is based on, apply the change through <see cref="ContactWrites"/>, save. Returns an outcome, never throws for
/// a user's mistake.
/// </summary>
public sealed class ContactService(ProspectorDb db, TimeProvider time, IStringLocalizer<SharedResource> l)
{
    private DateTime Now => time.GetUtcNow().UtcDateTime;

    public async Task<Outcome<Contact>> FindAsync(AccessScope scope, long id, bool includeDeleted = false, CancellationToken ct = default) =>
        await ContactQueries.LoadAsync(db, id, scope, ct, includeDeleted) is { } c ? c : NotFound(id);

    public Task<Outcome<Contact>> CreateAsync(AccessScope scope, ContactChange change, CancellationToken ct = default) =>
        CreateAsync(scope, Fields(change), ct);

    /// <summary>A new contact from a body's fields (the API's POST).</summary>
    public async Task<Outcome<Contact>> CreateAsync(AccessScope scope, JsonFields change, CancellationToken ct = default)
    {
        var c = new Contact();
        var invalid = await ContactWrites.ApplyAsync(db, scope, c, change, Now, isNew: true, ct);
        if (invalid is not null) return Outcome<Contact>.Invalid(invalid);
        db.Contacts.Add(c);
        await db.SaveChangesAsync(ct);
        return await ReloadAsync(scope, c, ct);
    }

    public Task<Outcome<Contact>> UpdateAsync(AccessScope scope, long id, int expectedVersion, ContactChange change, CancellationToken ct = default) =>
        UpdateAsync(scope, id, expectedVersion, Fields(change), ct);

    /// <summary>A change based on <paramref name="expectedVersion"/>: a newer version (someone else saved in between) is a stale outcome.</summary>
    public async Task<Outcome<Contact>> UpdateAsync(AccessScope scope, long id, int expectedVersion, JsonFields change, CancellationToken ct = default)
    {
        var c = await ContactQueries.LoadAsync(db, id, scope, ct);
        if (c is null) return NotFound(id);
        if (VersionedWrite.Expect(db, c, expectedVersion) is { } stale) return stale;
        var invalid = await ContactWrites.ApplyAsync(db, scope, c, change, Now, isNew: false, ct);
        if (invalid is not null) return Outcome<Contact>.Invalid(invalid);
        var saved = await VersionedWrite.SaveAsync(db, c, ct);
        return saved.IsOk ? await ReloadAsync(scope, c, ct) : saved;
    }

    /// <summary>Moves the contact to the recycle bin; with a version, only if nobody changed it since.</summary>
    public async Task<Outcome<Contact>> DeleteAsync(AccessScope scope, long id, int? expectedVersion, CancellationToken ct = default)
    {
        var c = await ContactQueries.LoadAsync(db, id, scope, ct);
        if (c is null) return NotFound(id);
        if (VersionedWrite.Expect(db, c, expectedVersion) is { } stale) return stale;
        c.DeletedAt = Now;
        return await VersionedWrite.SaveAsync(db, c, ct);
    }

    /// <summary>Takes the contact out of the recycle bin; with a version, only if nobody changed it since.</summary>
    public async Task<Outcome<Contact>> RestoreAsync(AccessScope scope, long id, int? expectedVersion, CancellationToken ct = default)
    {
        var c = await ContactQueries.LoadAsync(db, id, scope, ct, includeDeleted: true);
        if (c is null) return NotFound(id);
        if (VersionedWrite.Expect(db, c, expectedVersion) is { } stale) return stale;
        c.DeletedAt = null;
        return await VersionedWrite.SaveAsync(db, c, ct);
    }

    /// <summary>Reload the references so the answer names a new owner (or company) as a read would.</summary>
    private async Task<Outcome<Contact>> ReloadAsync(AccessScope scope, Contact c, CancellationToken ct)
    {
        return await ContactQueries.LoadAsync(db, c.Id, scope, ct) ?? c;
    }

    private Outcome<Contact> NotFound(long id) =>
        Outcome<Contact>.NotFound("Contact not found", l["There is no contact {0} that you can see.", id]);

    private JsonFields Fields(ContactChange change)
    {
        var body = (JsonObject)ContactFields.ToNode(change)!;
        if (change.Consents is null) body.Remove("consents");
        return JsonFields.From(body, l);
    }
}
