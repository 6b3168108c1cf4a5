using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Prospector.Data;
using Prospector.Features.Access;
using Prospector.Features.Audit;
using Prospector.Features.Common;

namespace Prospector.Features.Contacts;

public static class ContactsApi
{
    public static RouteGroupBuilder MapContactsApi(this IEndpointRouteBuilder app)
    {
        var g = app.MapGroup("/contacts").WithTags("Contacts");
        g.MapGet("/", List);
        g.MapGet("/{id:long}", Get);
        g.MapPost("/", Create).Accepts<ContactInput>("application/json");
        g.MapPatch("/{id:long}", Update).Accepts<ContactInput>("application/json", "application/merge-patch+json");
        g.MapDelete("/{id:long}", Delete);
        g.MapPost("/{id:long}/restore", Restore);
        g.MapGet("/{id:long}/history", GetHistory);
        return g;
    }

    private static async Task<Results<Ok<Paged<ContactListItem>>, ValidationProblem>> List(
        ProspectorDb db, RecordAccess access, ClaimsPrincipal user, CancellationToken ct,
        string? q = null, Stage? stage = null, LeadStatus? status = null, long? ownerId = null, string? tag = null,
        long? companyId = null, ContactSort sort = ContactSort.Name, bool deleted = false, int? page = null, int? pageSize = null)
    {
        var (p, size, errors) = Api.Paging(page, pageSize);
        if (errors is not null) return TypedResults.ValidationProblem(errors);
        var scope = await access.ScopeAsync(user, ct);
        return TypedResults.Ok(await new ContactQuery(q, stage, status, ownerId, tag, companyId, sort, deleted).PageAsync(db, scope, p, size, ct));
    }

    private static async Task<Results<Ok<ContactDto>, ProblemHttpResult>> Get(
        long id, ProspectorDb db, RecordAccess access, ClaimsPrincipal user, HttpResponse response, CancellationToken ct)
    {
        var c = await LoadAsync(db, id, await access.ScopeAsync(user, ct), ct);
        if (c is null) return NotFound(id);
        response.Headers.ETag = Api.ETag(c.Version);
        return TypedResults.Ok(ContactDto.From(c));
    }

    private static async Task<Results<Created<ContactDto>, ValidationProblem>> Create(
        HttpRequest request, ProspectorDb db, RecordAccess access, ClaimsPrincipal user, TimeProvider time, CancellationToken ct)
    {
        var (f, errors) = await JsonFields.ReadAsync(request, ContactFields.Allowed, ct);
        if (f is null) return TypedResults.ValidationProblem(errors!);
        var scope = await access.ScopeAsync(user, ct);
        var c = new Contact();
        var invalid = await ContactWrites.ApplyAsync(db, scope, c, f, time.GetUtcNow().UtcDateTime, isNew: true, ct);
        if (invalid is not null) return TypedResults.ValidationProblem(invalid);
        db.Contacts.Add(c);
        await db.SaveChangesAsync(ct);
        request.HttpContext.Response.Headers.ETag = Api.ETag(c.Version);
        var saved = await LoadAsync(db, c.Id, scope, ct);
        return TypedResults.Created($"/api/v1/contacts/{c.Id}", ContactDto.From(saved!));
    }

    private static async Task<Results<Ok<ContactDto>, ValidationProblem, ProblemHttpResult>> Update(
        long id, HttpRequest request, ProspectorDb db, RecordAccess access, ClaimsPrincipal user, TimeProvider time, CancellationToken ct)
    {
        if (Api.IfMatchVersion(request) is not { } expected) return Api.PreconditionRequired();
        var scope = await access.ScopeAsync(user, ct);
        var c = await LoadAsync(db, id, scope, ct);
        if (c is null) return NotFound(id);
        if (c.Version != expected) return Api.Stale(c.Version);
        var (f, errors) = await JsonFields.ReadAsync(request, ContactFields.Allowed, ct);
        if (f is null) return TypedResults.ValidationProblem(errors!);
        // The version the client saw goes into the UPDATE's WHERE clause: a write in between makes it fail.
        db.Entry(c).Property(x => x.Version).OriginalValue = expected;
        var invalid = await ContactWrites.ApplyAsync(db, scope, c, f, time.GetUtcNow().UtcDateTime, isNew: false, ct);
        if (invalid is not null) return TypedResults.ValidationProblem(invalid);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateConcurrencyException)
        {
            var current = await db.Contacts.AsNoTracking().Where(x => x.Id == id).Select(x => x.Version).FirstAsync(ct);
            return Api.Stale(current);
        }
        request.HttpContext.Response.Headers.ETag = Api.ETag(c.Version);
        // Reload the references so the answer names a new owner (or company) as a GET would.
        var saved = await LoadAsync(db, c.Id, scope, ct);
        return TypedResults.Ok(ContactDto.From(saved ?? c));
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> Delete(
        long id, HttpRequest request, ProspectorDb db, RecordAccess access, ClaimsPrincipal user, TimeProvider time, CancellationToken ct)
    {
        var c = await LoadAsync(db, id, await access.ScopeAsync(user, ct), ct);
        if (c is null) return NotFound(id);
        if (Api.IfMatchVersion(request) is { } expected && expected != c.Version) return Api.Stale(c.Version);
        c.DeletedAt = time.GetUtcNow().UtcDateTime;
        try { await db.SaveChangesAsync(ct); }
        catch (DbUpdateConcurrencyException) { return Api.Stale(c.Version); }
        return TypedResults.NoContent();
    }

    private static async Task<Results<Ok<ContactDto>, ProblemHttpResult>> Restore(
        long id, ProspectorDb db, RecordAccess access, ClaimsPrincipal user, CancellationToken ct)
    {
        var c = await LoadAsync(db, id, await access.ScopeAsync(user, ct), ct, includeDeleted: true);
        if (c is null) return NotFound(id);
        c.DeletedAt = null;
        await db.SaveChangesAsync(ct);
        return TypedResults.Ok(ContactDto.From(c));
    }

    private static async Task<Results<Ok<List<HistoryEntry>>, ProblemHttpResult>> GetHistory(
        long id, ProspectorDb db, RecordAccess access, ClaimsPrincipal user, CancellationToken ct)
    {
        var scope = await access.ScopeAsync(user, ct);
        var visible = await scope.Filter(db.Contacts.IgnoreQueryFilters()).AnyAsync(c => c.Id == id, ct);
        return visible ? TypedResults.Ok(await History.ForAsync(db, nameof(Contact), id, ct)) : NotFound(id);
    }

    public static async Task<Contact?> LoadAsync(ProspectorDb db, long id, AccessScope scope, CancellationToken ct, bool includeDeleted = false)
    {
        var set = includeDeleted ? db.Contacts.IgnoreQueryFilters() : db.Contacts;
        return await scope.Filter(set).Where(c => c.Id == id)
            .Include(c => c.Company).Include(c => c.Owner).Include(c => c.Tags)
            .Include(c => c.Consents).Include(c => c.PersonalDates)
            .AsSplitQuery().FirstOrDefaultAsync(ct);
    }

    private static ProblemHttpResult NotFound(long id) => TypedResults.Problem(
        statusCode: StatusCodes.Status404NotFound, title: "Contact not found", detail: $"There is no contact {id} that you can see.");
}
