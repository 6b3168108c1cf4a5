using Microsoft.AspNetCore.Http.HttpResults;
using Prospector.Data;
using Prospector.Features.Access;
using Prospector.Features.Audit;
using Prospector.Features.Common;

namespace Prospector.Features.Contacts;

/// <summary>Contacts over HTTP: every write goes through <see cref="ContactService"/>, as the pages' writes do.</summary>
public static class ContactsApi
{
    public static RouteGroupBuilder MapContactsApi(this IEndpointRouteBuilder app)
    {
        var g = app.MapGroup("/contacts").WithTags("Contacts");
        g.MapGet("/", List);
        g.MapGet("/{id:long}", Get);
        g.MapPost("/", Create).Accepts<ContactInput>("application/json");
        g.MapPatch("/{id:long}", Update).Accepts<ContactInput>("application/json", "application/merge-patch+json").WithIfMatch();
        g.MapDelete("/{id:long}", Delete).WithIfMatch(required: false);
        g.MapPost("/{id:long}/restore", Restore).WithIfMatch(required: false);
        g.MapGet("/{id:long}/history", GetHistory);
        return g;
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

    private static async Task<Results<Ok<ContactDto>, ValidationProblem, ProblemHttpResult>> Get(
        long id, ContactService contacts, AccessScope scope, HttpResponse response, CancellationToken ct) =>
        WithETag(await contacts.FindAsync(scope, id, ct: ct), response).ToOk(ContactDto.From);

    private static async Task<Results<Created<ContactDto>, ValidationProblem, ProblemHttpResult>> Create(
        HttpRequest request, ContactService contacts, AccessScope scope, CancellationToken ct)
    {
        var (f, errors) = await JsonFields.ReadAsync(request, ContactFields.Allowed, ct);
        if (f is null) return TypedResults.ValidationProblem(errors!);
        return WithETag(await contacts.CreateAsync(scope, f, ct), request.HttpContext.Response)
            .ToCreated(c => $"/api/v1/contacts/{c.Id}", ContactDto.From);
    }

    private static async Task<Results<Ok<ContactDto>, ValidationProblem, ProblemHttpResult>> Update(
        long id, HttpRequest request, ContactService contacts, AccessScope scope, CancellationToken ct)
    {
        if (Api.IfMatchVersion(request) is not { } expected) return Api.PreconditionRequired();
        var (f, errors) = await JsonFields.ReadAsync(request, ContactFields.Allowed, ct);
        if (f is null) return TypedResults.ValidationProblem(errors!);
        return WithETag(await contacts.UpdateAsync(scope, id, expected, f, ct), request.HttpContext.Response).ToOk(ContactDto.From);
    }

    /// <summary>To the recycle bin; If-Match is optional here, and when sent a newer version answers 412.</summary>
    private static async Task<Results<NoContent, ValidationProblem, ProblemHttpResult>> Delete(
        long id, HttpRequest request, ContactService contacts, AccessScope scope, CancellationToken ct) =>
        (await contacts.DeleteAsync(scope, id, Api.IfMatchVersion(request), ct)).ToNoContent();

    private static async Task<Results<Ok<ContactDto>, ValidationProblem, ProblemHttpResult>> Restore(
        long id, HttpRequest request, ContactService contacts, AccessScope scope, CancellationToken ct) =>
        WithETag(await contacts.RestoreAsync(scope, id, Api.IfMatchVersion(request), ct), request.HttpContext.Response).ToOk(ContactDto.From);

    private static async Task<Results<Ok<List<HistoryEntry>>, ValidationProblem, ProblemHttpResult>> GetHistory(
        long id, ProspectorDb db, ContactService contacts, AccessScope scope, CancellationToken ct)
    {
        var found = await contacts.FindAsync(scope, id, includeDeleted: true, ct);
        return found.IsOk ? TypedResults.Ok(await History.ForAsync(db, nameof(Contact), id, ct)) : OutcomeResults.ProblemOf(found);
    }

    /// <summary>Kept for callers in other areas until they read through <see cref="ContactQueries.LoadAsync"/>.</summary>
    public static Task<Contact?> LoadAsync(ProspectorDb db, long id, AccessScope scope, CancellationToken ct, bool includeDeleted = false) =>
        ContactQueries.LoadAsync(db, id, scope, ct, includeDeleted);

    private static Outcome<Contact> WithETag(Outcome<Contact> o, HttpResponse response)
    {
        if (o.IsOk) response.Headers.ETag = Api.ETag(o.Value!.Version);
        return o;
    }
}
