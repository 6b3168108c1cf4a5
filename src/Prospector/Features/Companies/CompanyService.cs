using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;
using Prospector.Data;
using Prospector.Features.Access;
using Prospector.Features.Common;
using Prospector.Features.Contacts;
using Prospector.Features.Records;

namespace Prospector.Features.Companies;

/// <summary>
/// A whole company form, typed, for callers inside the process (the edit page). Every field is written as given
/// (null clears it); the team and custom fields are left as they are. The property names are the API's field names.
/// </summary>
public sealed record CompanyChange(
    string? Name, string? Website, string? Email, string? Phone, string? Street, string? PostalCode, string? City,
    string? Country, string? Industry, long? SourceId, string? SourceDetail, string? Notes, long? OwnerId, IReadOnlyList<string> Tags,
    string? LinkedInUrl = null, string? XingUrl = null);

/// <summary>
/// Every write to a company, for the API and the pages alike (<see cref="RecordService{T}"/>): the changes are applied
/// through <see cref="CompanyFields"/>. Deleting a company leaves its contacts and deals as they are.
/// </summary>
public sealed class CompanyService(ProspectorDb db, TimeProvider time, IStringLocalizer<SharedResource> l) : RecordService<Company>(db, time)
{
    public Task<Outcome<Company>> CreateAsync(AccessScope scope, CompanyChange change, CancellationToken ct = default) =>
        CreateAsync(scope, Fields(change), ct);

    public Task<Outcome<Company>> UpdateAsync(AccessScope scope, long id, int expectedVersion, CompanyChange change, CancellationToken ct = default) =>
        UpdateAsync(scope, id, expectedVersion, Fields(change), ct);

    protected override Task<Company?> LoadAsync(AccessScope scope, long id, bool includeDeleted, CancellationToken ct) =>
        CompanyQueries.LoadAsync(Db, id, scope, ct, includeDeleted);

    protected override Task<Dictionary<string, string[]>?> ApplyAsync(AccessScope scope, Company record, JsonFields change, bool isNew, CancellationToken ct) =>
        CompanyFields.ApplyAsync(Db, scope, record, change, Now, isNew, ct);

    /// <summary>The company's deals (with their next actions) and the conversations logged on the company alone go to the recycle bin with it.</summary>
    protected override async Task CascadeAsync(Company record, DateTime? from, DateTime? to, CancellationToken ct)
    {
        var id = record.Id;
        var deals = Db.Opportunities.IgnoreQueryFilters().Where(o => o.CompanyId == id && o.DeletedAt == from).Select(o => o.Id);
        await Db.NextActions.IgnoreQueryFilters().Where(a => a.DeletedAt == from && a.OpportunityId != null && deals.Contains(a.OpportunityId.Value))
            .ExecuteUpdateAsync(s => s.SetProperty(a => a.DeletedAt, to), ct);
        await Db.Activities.IgnoreQueryFilters().Where(a => a.CompanyId == id && a.ContactId == null && a.DeletedAt == from)
            .ExecuteUpdateAsync(s => s.SetProperty(a => a.DeletedAt, to), ct);
        await Db.Opportunities.IgnoreQueryFilters().Where(o => o.CompanyId == id && o.DeletedAt == from)
            .ExecuteUpdateAsync(s => s.SetProperty(o => o.DeletedAt, to), ct);
    }

    protected override Outcome<Company> NotFound(long id) =>
        Outcome<Company>.NotFound("Company not found", l["There is no company {0} that you can see.", id]);

    private JsonFields Fields(CompanyChange change) => JsonFields.From((JsonObject)ContactFields.ToNode(change)!, l);
}
