using System.Collections.Frozen;
using Microsoft.AspNetCore.Mvc.ApiExplorer;
using Microsoft.AspNetCore.Mvc.ModelBinding;
using Microsoft.Extensions.Localization;
using Prospector.Features.Common;

namespace Prospector.Hosting;

/// <summary>
/// A query parameter the endpoint does not take, or a value its binder would misread, is a mistake to name (400), not
/// something to ignore or guess at: a script asking for
/// <c>GET /api/v1/contacts?source=Referral</c> must not get every contact as if filtered. The parameters an endpoint takes
/// are the ones the API explorer finds in its handler (plain parameters, <c>[AsParameters]</c> records, <c>[FromQuery]</c>
/// names) — the very list <c>/openapi/v1.json</c> documents, so the check and the document cannot drift. Names compare
/// case-insensitively, as the binder reads them. Runs after authorization: an unknown caller still gets 401 first.
/// </summary>
internal static partial class QueryGuard
{
    public const string Unknown = "{0} is not a parameter of this request. It takes: {1}.";
    public const string UnknownNone = "{0} is not a parameter of this request. It takes no query parameters.";

    public const string Repeated = "{0} is given more than once.";
    public const string NotADay = "{0} must be a day written as YYYY-MM-DD, such as 2026-03-01.";
    public const string NotAMoment = "{0} must be a day or a moment in ISO 8601, such as 2026-03-01 or 2026-03-01T09:30:00Z.";
    public const string NotAWholeNumber = "{0} must be a whole number.";
    public const string NotTrueOrFalse = "{0} must be true or false.";

    /// <summary>A query parameter an endpoint binds, by its name and type (nullable unwrapped).</summary>
    private sealed record Parameter(string Name, Type Type);

    public static IApplicationBuilder UseQueryGuard(this IApplicationBuilder app)
    {
        FrozenDictionary<string, Parameter[]>? known = null;
        return app.Use(async (http, next) =>
        {
            if (http.Request.QueryString.HasValue && http.GetEndpoint() is RouteEndpoint endpoint
                && endpoint.RoutePattern.RawText?.StartsWith("/api/v1", StringComparison.Ordinal) == true)
            {
                known ??= Build(http.RequestServices.GetRequiredService<IApiDescriptionGroupCollectionProvider>());
                var key = Key(endpoint.DisplayName, http.Request.Method);
                if (known.TryGetValue(key, out var accepted))
                {
                    var l = http.RequestServices.GetRequiredService<IStringLocalizer<SharedResource>>();
                    if (http.Request.Query.Keys.FirstOrDefault(k => !accepted.Any(p => string.Equals(p.Name, k, StringComparison.OrdinalIgnoreCase))) is { } bad)
                    {
                        var names = accepted.Select(p => p.Name).ToArray();
                        await RefuseAsync(http, bad, names.Length == 0 ? l[UnknownNone, bad] : l[Unknown, bad, string.Join(", ", names)]);
                        return;
                    }
                    foreach (var p in accepted)
                        if (http.Request.Query.TryGetValue(p.Name, out var values) && Unreadable(p, values) is { } problem)
                        {
                            await RefuseAsync(http, p.Name, l[problem, p.Name]);
                            return;
                        }
                }
            }
            await next(http);
        });
    }

    /// <summary>
    /// Why a value the binder would read leniently or not at all is refused (null: it is fine). The binder reads a day with
    /// the invariant culture's every form ("01.03.2026" as 3 January, "2026-03-01T10:00" dropping the time), a number with
    /// spaces around it, and a repeated parameter as one value joined by commas; a day far out overflows date arithmetic.
    /// </summary>
    private static string? Unreadable(Parameter p, Microsoft.Extensions.Primitives.StringValues values)
    {
        var many = p.Type.IsArray || (p.Type != typeof(string) && typeof(System.Collections.IEnumerable).IsAssignableFrom(p.Type));
        if (many) return null;
        if (values.Count > 1) return Repeated;
        var v = values[0] ?? "";
        if (v.Length == 0) return null; // "?teamId=": not given, as the binder reads it
        var inv = System.Globalization.CultureInfo.InvariantCulture;
        if (p.Type == typeof(DateOnly))
            return !Dates.TryParseDay(v, out var day) ? NotADay : Dates.InRange(day) ? null : Dates.OutOfRange;
        if (p.Type == typeof(DateTime) || p.Type == typeof(DateTimeOffset))
            return !Dates.TryParseMoment(v, out var at) ? NotAMoment : Dates.InRange(at) ? null : Dates.OutOfRange;
        if (p.Type == typeof(long) || p.Type == typeof(int))
            return WholeNumber().IsMatch(v) && long.TryParse(v, System.Globalization.NumberStyles.AllowLeadingSign, inv, out var n)
                && (p.Type == typeof(long) || n is >= int.MinValue and <= int.MaxValue) ? null : NotAWholeNumber;
        if (p.Type == typeof(bool)) return bool.TryParse(v, out _) ? null : NotTrueOrFalse;
        return null;
    }

    [System.Text.RegularExpressions.GeneratedRegex(@"^-?[0-9]{1,19}$")]
    private static partial System.Text.RegularExpressions.Regex WholeNumber();

    /// <summary>For each documented API operation (by endpoint and method): the query parameters it binds.</summary>
    private static FrozenDictionary<string, Parameter[]> Build(IApiDescriptionGroupCollectionProvider explorer)
    {
        var map = new Dictionary<string, Parameter[]>(StringComparer.Ordinal);
        foreach (var d in explorer.ApiDescriptionGroups.Items.SelectMany(g => g.Items))
        {
            if (d.RelativePath?.StartsWith("api/v1/", StringComparison.Ordinal) != true || d.HttpMethod is null) continue;
            map[Key(d.ActionDescriptor.DisplayName, d.HttpMethod)] = d.ParameterDescriptions
                .Where(p => p.Source == BindingSource.Query).DistinctBy(p => p.Name, StringComparer.OrdinalIgnoreCase)
                .Select(p => new Parameter(p.Name, Nullable.GetUnderlyingType(p.Type) ?? p.Type)).ToArray();
        }
        return map.ToFrozenDictionary(StringComparer.Ordinal);
    }

    private static string Key(string? displayName, string method) => $"{method.ToUpperInvariant()} {displayName}";

    private static async Task RefuseAsync(HttpContext http, string name, LocalizedString message)
    {
        http.Response.StatusCode = StatusCodes.Status400BadRequest;
        await http.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
        {
            HttpContext = http,
            ProblemDetails = new HttpValidationProblemDetails(new Dictionary<string, string[]> { [name] = [message.Value] })
            {
                Status = StatusCodes.Status400BadRequest,
            },
        });
    }
}
