using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;
using Prospector.Data;
using Prospector.Features.Access;
using Prospector.Features.Common;
using Prospector.Features.Records;

namespace Prospector.Features.Contacts;

/// <summary>
/// A whole contact form, typed, for callers inside the process (the edit page). Every field is written as given
/// (null clears it); the team and custom fields are left as they are; <see cref="Consents"/> are appended (null: none).
/// The property names are the API's field names: the same rules (<see cref="ContactFields"/>) check both.
/// </summary>
public sealed record ContactChange(
    string? Salutation, string? FirstName, string? NamePrefix, string? LastName, string? JobTitle,
    string? Email, string? Phone, string? Mobile, long? CompanyId, string? Street, string? PostalCode, string? City,
    string? Country, Stage Stage, LeadStatus LeadStatus, long? SourceId, string? SourceDetail, long? ReferredById, long? OwnerId, IReadOnlyList<string> Tags,
    string? Notes, IReadOnlyList<PersonalDateDto> PersonalDates, IReadOnlyList<ConsentDto>? Consents = null,
    string? LinkedInUrl = null, string? XingUrl = null, string? Website = null);

/// <summary>
/// Every write to a contact, for the API and the pages alike (<see cref="RecordService{T}"/>): the changes are applied
/// through <see cref="ContactWrites"/>. Pages call it with a typed <see cref="ContactChange"/>.
/// </summary>
public sealed class ContactService(ProspectorDb db, TimeProvider time, IStringLocalizer<SharedResource> l) : RecordService<Contact>(db, time)
{
    public Task<Outcome<Contact>> CreateAsync(AccessScope scope, ContactChange change, CancellationToken ct = default) =>
        CreateAsync(scope, Fields(change), ct);

    public Task<Outcome<Contact>> UpdateAsync(AccessScope scope, long id, int expectedVersion, ContactChange change, CancellationToken ct = default) =>
        UpdateAsync(scope, id, expectedVersion, Fields(change), ct);

    protected override Task<Contact?> LoadAsync(AccessScope scope, long id, bool includeDeleted, CancellationToken ct) =>
        ContactQueries.LoadAsync(Db, id, scope, ct, includeDeleted);

    protected override Task<Dictionary<string, string[]>?> ApplyAsync(AccessScope scope, Contact record, JsonFields change, bool isNew, CancellationToken ct) =>
        ContactWrites.ApplyAsync(Db, scope, record, change, Now, isNew, ct);

    /// <summary>An erased contact is a tombstone without personal data: it is never changed again, nor restored into a person.</summary>
    protected override Outcome<Contact>? Refuse(Contact record) => Tombstone.Refuse<Contact>(record, l);

    /// <summary>The contact's conversations, next actions and deals (with the deals' next actions) go to the recycle bin with it.</summary>
    protected override async Task CascadeAsync(Contact record, DateTime? from, DateTime? to, CancellationToken ct)
    {
        var id = record.Id;
        var deals = Db.Opportunities.IgnoreQueryFilters().Where(o => o.ContactId == id && o.DeletedAt == from).Select(o => o.Id);
        await Db.NextActions.IgnoreQueryFilters().Where(a => a.DeletedAt == from && (a.ContactId == id || (a.OpportunityId != null && deals.Contains(a.OpportunityId.Value))))
            .ExecuteUpdateAsync(s => s.SetProperty(a => a.DeletedAt, to), ct);
        await Db.Activities.IgnoreQueryFilters().Where(a => a.ContactId == id && a.DeletedAt == from)
            .ExecuteUpdateAsync(s => s.SetProperty(a => a.DeletedAt, to), ct);
        await Db.Opportunities.IgnoreQueryFilters().Where(o => o.ContactId == id && o.DeletedAt == from)
            .ExecuteUpdateAsync(s => s.SetProperty(o => o.DeletedAt, to), ct);
    }

    protected override Outcome<Contact> NotFound(long id) =>
        Outcome<Contact>.NotFound("Contact not found", l["There is no contact {0} that you can see.", id]);

    private JsonFields Fields(ContactChange change)
    {
        var body = (JsonObject)ContactFields.ToNode(change)!;
        if (change.Consents is null) body.Remove("consents");
        return JsonFields.From(body, l);
    }
}
