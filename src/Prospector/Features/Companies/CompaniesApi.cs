using Microsoft.AspNetCore.Http.HttpResults;
using Prospector.Data;
using Prospector.Features.Access;
using Prospector.Features.Audit;
using Prospector.Features.Common;

namespace Prospector.Features.Companies;

/// <summary>Companies over HTTP: every write goes through <see cref="CompanyService"/>, as the pages' writes do.</summary>
public static class CompaniesApi
{
    public static RouteGroupBuilder MapCompaniesApi(this IEndpointRouteBuilder app)
    {
        var g = app.MapGroup("/companies").WithTags("Companies");
        g.MapGet("/", List);
        g.MapGet("/{id:long}", Get);
        g.MapPost("/", Create).Accepts<CompanyInput>("application/json");
        g.MapPatch("/{id:long}", Update).Accepts<CompanyInput>("application/json", "application/merge-patch+json").WithIfMatch();
        g.MapDelete("/{id:long}", Delete).WithIfMatch(required: false);
        g.MapPost("/{id:long}/restore", Restore).WithIfMatch(required: false);
        g.MapGet("/{id:long}/history", GetHistory);
        return g;
    }

    private static async Task<Results<Ok<Paged<CompanyListItem>>, ValidationProblem>> List(
        ProspectorDb db, AccessScope scope, CancellationToken ct,
        string? q = null, CompanySort sort = CompanySort.Name, bool deleted = false, int? page = null, int? pageSize = null)
    {
        var (p, size, errors) = Api.Paging(page, pageSize);
        if (errors is not null) return TypedResults.ValidationProblem(errors);
        return TypedResults.Ok(await CompanyFields.PageAsync(db, scope, q, sort, deleted, p, size, ct));
    }

    private static async Task<Results<Ok<CompanyDto>, ValidationProblem, ProblemHttpResult>> Get(
        long id, CompanyService companies, AccessScope scope, HttpResponse response, CancellationToken ct) =>
        WithETag(await companies.FindAsync(scope, id, ct: ct), response).ToOk(CompanyDto.From);

    private static async Task<Results<Created<CompanyDto>, ValidationProblem, ProblemHttpResult>> Create(
        HttpRequest request, CompanyService companies, AccessScope scope, CancellationToken ct)
    {
        var (f, errors) = await JsonFields.ReadAsync(request, CompanyFields.Allowed, ct);
        if (f is null) return TypedResults.ValidationProblem(errors!);
        return WithETag(await companies.CreateAsync(scope, f, ct), request.HttpContext.Response)
            .ToCreated(c => $"/api/v1/companies/{c.Id}", CompanyDto.From);
    }

    private static async Task<Results<Ok<CompanyDto>, ValidationProblem, ProblemHttpResult>> Update(
        long id, HttpRequest request, CompanyService companies, AccessScope scope, CancellationToken ct)
    {
        if (Api.IfMatchVersion(request) is not { } expected) return Api.PreconditionRequired();
        var (f, errors) = await JsonFields.ReadAsync(request, CompanyFields.Allowed, ct);
        if (f is null) return TypedResults.ValidationProblem(errors!);
        return WithETag(await companies.UpdateAsync(scope, id, expected, f, ct), request.HttpContext.Response).ToOk(CompanyDto.From);
    }

    /// <summary>To the recycle bin; If-Match is optional here, and when sent a newer version answers 412.</summary>
    private static async Task<Results<NoContent, ValidationProblem, ProblemHttpResult>> Delete(
        long id, HttpRequest request, CompanyService companies, AccessScope scope, CancellationToken ct) =>
        (await companies.DeleteAsync(scope, id, Api.IfMatchVersion(request), ct)).ToNoContent();

    private static async Task<Results<Ok<CompanyDto>, ValidationProblem, ProblemHttpResult>> Restore(
        long id, HttpRequest request, CompanyService companies, AccessScope scope, CancellationToken ct) =>
        WithETag(await companies.RestoreAsync(scope, id, Api.IfMatchVersion(request), ct), request.HttpContext.Response).ToOk(CompanyDto.From);

    private static async Task<Results<Ok<List<HistoryEntry>>, ValidationProblem, ProblemHttpResult>> GetHistory(
        long id, ProspectorDb db, CompanyService companies, AccessScope scope, CancellationToken ct)
    {
        var found = await companies.FindAsync(scope, id, includeDeleted: true, ct);
        return found.IsOk ? TypedResults.Ok(await History.ForAsync(db, nameof(Company), id, ct)) : OutcomeResults.ProblemOf(found);
    }

    private static Outcome<Company> WithETag(Outcome<Company> o, HttpResponse response)
    {
        if (o.IsOk) response.Headers.ETag = Api.ETag(o.Value!.Version);
        return o;
    }
}
