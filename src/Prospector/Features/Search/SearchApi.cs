using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Localization;
using Prospector.Data;
using Prospector.Features.Access;
using Prospector.Features.Common;

namespace Prospector.Features.Search;

public sealed record SearchResult(string Query, IReadOnlyList<SearchHit> Items);

/// <summary>The global search over HTTP: the same <see cref="SearchService"/> the search box and the search page use.</summary>
public static class SearchApi
{
    public static IEndpointRouteBuilder MapSearchApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/search", Search).WithTags("Search");
        return app;
    }

    private static async Task<Results<Ok<SearchResult>, ValidationProblem>> Search(
        ProspectorDb db, AccessScope scope, IStringLocalizer<SharedResource> l, CancellationToken ct,
        string? q = null, int? limit = null)
    {
        if (string.IsNullOrWhiteSpace(q) || q.Length > 200)
            return Api.Invalid("q", l["Give a search text of 1 to {0} characters in q.", 200]);
        if (limit is < 1 or > SearchService.MaxLimit)
            return Api.Invalid("limit", l["{0} must be a whole number from {1} to {2}.", "limit", 1, SearchService.MaxLimit]);
        return TypedResults.Ok(new SearchResult(q, await SearchService.SearchAsync(db, scope, q, limit ?? 10, ct)));
    }
}
