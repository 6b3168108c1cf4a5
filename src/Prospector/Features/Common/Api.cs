using System.Globalization;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Net.Http.Headers;

namespace Prospector.Features.Common;

/// <summary>
/// One page of a list. <see cref="Total"/> is exact up to <see cref="Api.CountCap"/>; beyond that it is the cap and
/// <see cref="TotalCapped"/> is true — counting a million rows on every keystroke would make lists slow.
/// </summary>
public sealed record Paged<T>(IReadOnlyList<T> Items, int Total, int Page, int PageSize, bool TotalCapped = false);

/// <summary>Marks a write that takes the record's version in If-Match (documented in OpenAPI with 412 and 428).</summary>
public sealed record IfMatchMetadata(bool Required);

/// <summary>Small pieces every API group uses: ETags, preconditions, paging, problems.</summary>
public static class Api
{
    public const int MaxPageSize = 200;
    public const int CountCap = 10_000;

    /// <summary>Counts at most <see cref="CountCap"/> + 1 rows of an unordered query (SQL: COUNT over a LIMIT subquery).</summary>
    public static async Task<(int Total, bool Capped)> CappedCountAsync<T>(IQueryable<T> filtered, CancellationToken ct)
    {
        var n = await Microsoft.EntityFrameworkCore.EntityFrameworkQueryableExtensions.CountAsync(filtered.Take(CountCap + 1), ct);
        return n > CountCap ? (CountCap, true) : (n, false);
    }

    /// <summary>Documents that the endpoint takes (or requires) If-Match; the handler still checks it.</summary>
    public static TBuilder WithIfMatch<TBuilder>(this TBuilder builder, bool required = true) where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new IfMatchMetadata(required));

    public static string ETag(int version) => $"\"{version.ToString(CultureInfo.InvariantCulture)}\"";

    /// <summary>Reads the version from If-Match ("3" or W/"3"); null when absent or unreadable.</summary>
    public static int? IfMatchVersion(HttpRequest request)
    {
        var raw = request.Headers[HeaderNames.IfMatch].ToString().Trim();
        if (raw.StartsWith("W/", StringComparison.Ordinal)) raw = raw[2..];
        raw = raw.Trim('"');
        return int.TryParse(raw, NumberStyles.None, CultureInfo.InvariantCulture, out var v) ? v : null;
    }

    public static (int Page, int PageSize, Dictionary<string, string[]>? Errors) Paging(int? page, int? pageSize)
    {
        var errors = new Dictionary<string, string[]>();
        if (page is < 1) errors["page"] = ["page starts at 1."];
        if (pageSize is < 1 or > MaxPageSize) errors["pageSize"] = [$"pageSize must be between 1 and {MaxPageSize}."];
        return (page ?? 1, pageSize ?? 50, errors.Count > 0 ? errors : null);
    }

    public static ProblemHttpResult PreconditionRequired() => TypedResults.Problem(
        statusCode: StatusCodes.Status428PreconditionRequired, title: "If-Match required",
        detail: "Send the record's ETag in If-Match so a change based on an old version cannot overwrite a newer one.");

    public static ProblemHttpResult Stale(int current) => TypedResults.Problem(
        statusCode: StatusCodes.Status412PreconditionFailed, title: "The record was changed by someone else",
        detail: $"Your change was based on an older version; the current version is {current}. Load it again and reapply your change.",
        extensions: new Dictionary<string, object?> { ["currentVersion"] = current });

    public static ValidationProblem Invalid(string field, string message) =>
        TypedResults.ValidationProblem(new Dictionary<string, string[]> { [field] = [message] });
}
