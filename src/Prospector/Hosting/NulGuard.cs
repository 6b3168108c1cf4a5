using Microsoft.Extensions.Localization;

namespace Prospector.Hosting;

/// <summary>
/// A NUL character (<c>%00</c>) in a query string is never meant and cannot be stored or searched for (PostgreSQL refuses
/// it in text): the request is a 400 naming the parameter, before any handler sees it. Bodies are checked by
/// <c>Body&lt;T&gt;</c>.
/// </summary>
internal static class NulGuard
{
    public static IApplicationBuilder UseNulGuard(this IApplicationBuilder app) => app.Use(async (http, next) =>
    {
        var bad = http.Request.Query.FirstOrDefault(q => q.Key.Contains('\0', StringComparison.Ordinal)
            || q.Value.Any(v => v?.Contains('\0', StringComparison.Ordinal) == true));
        if (bad.Key is null)
        {
            await next(http);
            return;
        }
        var l = http.RequestServices.GetRequiredService<IStringLocalizer<SharedResource>>();
        var name = bad.Key.Replace("\0", "", StringComparison.Ordinal);
        http.Response.StatusCode = StatusCodes.Status400BadRequest;
        await http.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
        {
            HttpContext = http,
            ProblemDetails = new HttpValidationProblemDetails(new Dictionary<string, string[]>
            {
                [name] = [l["{0} contains a character that cannot be stored (NUL).", name]],
            })
            { Status = StatusCodes.Status400BadRequest },
        });
    });
}
