using System.ComponentModel;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Localization;
using Prospector.Data;
using Prospector.Features.Access;
using Prospector.Features.Common;
using Prospector.Features.Records;
using Prospector.Features.Sources;

namespace Prospector.Features.Companies;

/// <summary>Companies over HTTP: every write goes through <see cref="CompanyService"/>, as the pages' writes do.</summary>
public static class CompaniesApi
{
    public static RouteGroupBuilder MapCompaniesApi(this IEndpointRouteBuilder app)
    {
        var g = app.MapGroup("/companies").WithTags("Companies");
        g.MapGet("/", List);
        return g.MapRecordEndpoints<Company, CompanyInput, CompanyDto, CompanyService>();
    }

    private static async Task<Results<Ok<Paged<CompanyListItem>>, ValidationProblem>> List(
        ProspectorDb db, AccessScope scope, IStringLocalizer<SharedResource> l, CancellationToken ct,
        string? q = null, CompanySort sort = CompanySort.Name, bool deleted = false, int? page = null, int? pageSize = null,
        DateOnly? lastContactedBefore = null, bool? stale = null,
        [Description("A lead source by id or key (GET /api/v1/sources), retired ones too.")] string? source = null)
    {
        var (p, size, errors) = Api.Paging(page, pageSize);
        if (errors is not null) return TypedResults.ValidationProblem(errors);
        var (sourceId, sourceError) = await SourceFilter.ReadAsync(db, source, ct, l);
        if (sourceError is not null) return TypedResults.ValidationProblem(sourceError);
        var (quiet, contacted) = await QuietSince.OfAsync(db, scope, lastContactedBefore, stale, ct);
        return TypedResults.Ok(await CompanyFields.PageAsync(db, scope, q, sort, deleted, p, size, ct, quiet, contacted, sourceId));
    }
}
