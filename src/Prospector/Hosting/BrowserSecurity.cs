using System.Security.Cryptography;

namespace Prospector.Hosting;

/// <summary>
/// What the server asks of browsers (docs/decisions/0010): response headers on every answer, and the one rule that a
/// state-changing request sent by a browser must come from a page of this app (cross-site request forgery).
/// </summary>
public static class BrowserSecurity
{
    private const string NonceKey = "prospector.csp-nonce";

    /// <summary>The per-response nonce that lets the app's own inline &lt;script&gt; (the import map) run, and nothing else.</summary>
    public static string Nonce(HttpContext http) =>
        http.Items[NonceKey] as string ?? throw new InvalidOperationException("BrowserSecurity.Headers did not run.");

    /// <summary>The Content-Security-Policy of every answer. MudBlazor sets inline styles, so styles may be inline; scripts may not.</summary>
    public static string Policy(string nonce) =>
        "default-src 'self'; " +
        $"script-src 'self' 'nonce-{nonce}'; " +
        "style-src 'self' 'unsafe-inline'; " +
        "img-src 'self' data:; " +
        "font-src 'self' data:; " +
        "connect-src 'self'; " + // the Blazor circuit's WebSocket to the same host ('self' covers ws:/wss: there)
        "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'self'";

    /// <summary>Security headers on every answer; <c>Cache-Control: no-store</c> unless the endpoint chose its own (static files do).</summary>
    public static IApplicationBuilder UseSecurityHeaders(this IApplicationBuilder app) => app.Use((http, next) =>
    {
        var nonce = Convert.ToBase64String(RandomNumberGenerator.GetBytes(16));
        http.Items[NonceKey] = nonce;
        http.Response.OnStarting(() =>
        {
            var h = http.Response.Headers;
            h.ContentSecurityPolicy = Policy(nonce);
            h.XContentTypeOptions = "nosniff";
            h["Referrer-Policy"] = "same-origin";
            h.XFrameOptions = "SAMEORIGIN";
            // Pages, API answers, exports and the calendar feed carry personal data: no copy in browser or proxy caches.
            if (string.IsNullOrEmpty(h.CacheControl)) h.CacheControl = "no-store";
            return Task.CompletedTask;
        });
        return next(http);
    });

    /// <summary>
    /// A request that changes state (anything but GET, HEAD, OPTIONS, TRACE) and is not authenticated by an API token
    /// must come from this app's own pages. Browsers say where a request comes from: <c>Sec-Fetch-Site</c>
    /// (same-origin / none = typed by the user) and <c>Origin</c>; a page of another origin — another port or
    /// subdomain of the same site included, which SameSite=Lax cookies do not stop — is refused with 403.
    /// A client that sends neither header is not a browser (curl, scripts): it cannot carry a victim's cookie by accident.
    /// The same check as Go's net/http CrossOriginProtection.
    /// </summary>
    public static IApplicationBuilder UseCrossOriginGuard(this IApplicationBuilder app) => app.Use(async (http, next) =>
    {
        if (IsCrossOrigin(http.Request))
        {
            var l = http.RequestServices.GetRequiredService<Microsoft.Extensions.Localization.IStringLocalizer<SharedResource>>();
            await Results.Problem(statusCode: StatusCodes.Status403Forbidden, title: "Cross-origin request refused",
                detail: l["This request did not come from a page of this app. Reload the app and try again."]).ExecuteAsync(http);
            return;
        }
        await next(http);
    });

    /// <summary>True for a state-changing browser request that another origin started.</summary>
    public static bool IsCrossOrigin(HttpRequest request)
    {
        if (HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method) || HttpMethods.IsOptions(request.Method)
            || HttpMethods.IsTrace(request.Method))
            return false;
        // API tokens are sent by scripts on purpose; a form or a page elsewhere cannot add an Authorization header.
        if (request.Headers.Authorization.ToString().StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)) return false;
        var site = request.Headers["Sec-Fetch-Site"].ToString();
        if (site.Length > 0) return site is not ("same-origin" or "none");
        var origin = request.Headers.Origin.ToString();
        if (origin.Length == 0) return false;
        return !Uri.TryCreate(origin, UriKind.Absolute, out var o)
            || !string.Equals(o.Authority, request.Host.Value, StringComparison.OrdinalIgnoreCase);
    }
}
