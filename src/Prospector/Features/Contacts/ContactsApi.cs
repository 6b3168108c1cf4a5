using Microsoft.AspNetCore.Http.HttpResults;
using Prospector.Data;
using Prospector.Features.Access;
using Prospector.Features.Common;
using Prospector.Features.Records;

namespace Prospector.Features.Contacts;

/// <summary>Contacts over HTTP: every write goes through <see cref="ContactService"/>, as the pages' writes do.</summary>
public static class ContactsApi
{
    public static RouteGroupBuilder MapContactsApi(this IEndpointRouteBuilder app)
    {
        var g = app.MapGroup("/contacts").WithTags("Contacts");
        g.MapGet("/", List);
        g.MapUpcomingDates();
        return g.MapRecordEndpoints<Contact, ContactInput, ContactDto, ContactService>();
    }

    private static async Task<Results<Ok<Paged<ContactListItem>>, ValidationProblem>> List(
        ProspectorDb db, AccessScope scope, CancellationToken ct,
        string? q = null, Stage? stage = null, LeadStatus? status = null, long? ownerId = null, string? tag = null,
        long? companyId = null, ContactSort sort = ContactSort.Name, bool deleted = false, int? page = null, int? pageSize = null)
    {
        var (p, size, errors) = Api.Paging(page, pageSize);
        if (errors is not null) return TypedResults.ValidationProblem(errors);
        return TypedResults.Ok(await new ContactQuery(q, stage, status, ownerId, tag, companyId, sort, deleted).PageAsync(db, scope, p, size, ct));
    }
}
