using System.ComponentModel;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Localization;
using Prospector.Data;
using Prospector.Features.Access;
using Prospector.Features.Common;
using Prospector.Features.Records;
using Prospector.Features.Sources;

namespace Prospector.Features.Contacts;

/// <summary>Contacts over HTTP: every write goes through <see cref="ContactService"/>, as the pages' writes do.</summary>
public static class ContactsApi
{
    public static RouteGroupBuilder MapContactsApi(this IEndpointRouteBuilder app)
    {
        var g = app.MapGroup("/contacts").WithTags("Contacts");
        g.MapGet("/", List);
        g.MapGet("/not-contacted", NotContacted.ListAsync)
            .WithSummary("Customers not contacted for the workspace's N months, with a check-in already planned if any.");
        g.MapUpcomingDates();
        return g.MapRecordEndpoints<Contact, ContactInput, ContactDto, ContactService>();
    }

    private static async Task<Results<Ok<Paged<ContactListItem>>, ValidationProblem>> List(
        ProspectorDb db, AccessScope scope, IStringLocalizer<SharedResource> l, CancellationToken ct,
        string? q = null, Stage? stage = null, LeadStatus? status = null, long? ownerId = null, string? tag = null,
        long? companyId = null, ContactSort sort = ContactSort.Name, bool deleted = false, int? page = null, int? pageSize = null,
        DateOnly? lastContactedBefore = null, bool? stale = null,
        [Description("A lead source by id or key (GET /api/v1/sources), retired ones too.")] string? source = null)
    {
        var (p, size, errors) = Api.Paging(page, pageSize);
        if (errors is not null) return TypedResults.ValidationProblem(errors);
        var (sourceId, sourceError) = await SourceFilter.ReadAsync(db, source, ct, l);
        if (sourceError is not null) return TypedResults.ValidationProblem(sourceError);
        var (quiet, contacted) = await QuietSince.OfAsync(db, scope, lastContactedBefore, stale, ct);
        return TypedResults.Ok(await new ContactQuery(q, stage, status, ownerId, tag, companyId, sort, deleted,
            QuietSinceUtc: quiet, ContactedSinceUtc: contacted, SourceId: sourceId).PageAsync(db, scope, p, size, ct));
    }
}
