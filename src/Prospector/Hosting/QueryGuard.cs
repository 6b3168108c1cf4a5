using System.Collections.Frozen;
using Microsoft.AspNetCore.Mvc.ApiExplorer;
using Microsoft.AspNetCore.Mvc.ModelBinding;
using Microsoft.Extensions.Localization;

namespace Prospector.Hosting;

/// <summary>
/// A query parameter the endpoint does not take is a mistake to name (400), not something to ignore: a script asking for
/// <c>GET /api/v1/contacts?source=Referral</c> must not get every contact as if filtered. The parameters an endpoint takes
/// are the ones the API explorer finds in its handler (plain parameters, <c>[AsParameters]</c> records, <c>[FromQuery]</c>
/// names) — the very list <c>/openapi/v1.json</c> documents, so the check and the document cannot drift. Names compare
/// case-insensitively, as the binder reads them. Runs after authorization: an unknown caller still gets 401 first.
/// </summary>
internal static class QueryGuard
{
    public const string Unknown = "{0} is not a parameter of this request. It takes: {1}.";
    public const string UnknownNone = "{0} is not a parameter of this request. It takes no query parameters.";

    public static IApplicationBuilder UseQueryGuard(this IApplicationBuilder app)
    {
        FrozenDictionary<string, string[]>? known = null;
        return app.Use(async (http, next) =>
        {
            if (http.Request.QueryString.HasValue && http.GetEndpoint() is RouteEndpoint endpoint
                && endpoint.RoutePattern.RawText?.StartsWith("/api/v1", StringComparison.Ordinal) == true)
            {
                known ??= Build(http.RequestServices.GetRequiredService<IApiDescriptionGroupCollectionProvider>());
                var key = Key(endpoint.DisplayName, http.Request.Method);
                if (known.TryGetValue(key, out var accepted)
                    && http.Request.Query.Keys.FirstOrDefault(k => !accepted.Contains(k, StringComparer.OrdinalIgnoreCase)) is { } bad)
                {
                    await RefuseAsync(http, bad, accepted);
                    return;
                }
            }
            await next(http);
        });
    }

    /// <summary>For each documented API operation (by endpoint and method): the query parameters it binds.</summary>
    private static FrozenDictionary<string, string[]> Build(IApiDescriptionGroupCollectionProvider explorer)
    {
        var map = new Dictionary<string, string[]>(StringComparer.Ordinal);
        foreach (var d in explorer.ApiDescriptionGroups.Items.SelectMany(g => g.Items))
        {
            if (d.RelativePath?.StartsWith("api/v1/", StringComparison.Ordinal) != true || d.HttpMethod is null) continue;
            map[Key(d.ActionDescriptor.DisplayName, d.HttpMethod)] = d.ParameterDescriptions
                .Where(p => p.Source == BindingSource.Query).Select(p => p.Name).Distinct(StringComparer.OrdinalIgnoreCase).ToArray();
        }
        return map.ToFrozenDictionary(StringComparer.Ordinal);
    }

    private static string Key(string? displayName, string method) => $"{method.ToUpperInvariant()} {displayName}";

    private static async Task RefuseAsync(HttpContext http, string name, string[] accepted)
    {
        var l = http.RequestServices.GetRequiredService<IStringLocalizer<SharedResource>>();
        var message = accepted.Length == 0 ? l[UnknownNone, name] : l[Unknown, name, string.Join(", ", accepted)];
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
