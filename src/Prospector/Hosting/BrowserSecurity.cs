using System.Security.Cryptography;

namespace Prospector.Hosting;

/// <summary>
/// What the server asks of browsers (docs/decisions/0010): response headers on every answer, and the one rule that a
/// state-changing request sent by a browser must come from a page of this app (cross-site request forgery).
/// </summary>
public static partial class BrowserSecurity
{
    private const string NonceKey = "prospector.csp-nonce";
    private const string FormActionKey = "prospector.csp-form-action";

    /// <summary>The per-response nonce that lets the app's own inline &lt;script&gt; (the import map) run, and nothing else.</summary>
    public static string Nonce(HttpContext http) =>
        http.Items[NonceKey] as string ?? throw new InvalidOperationException("BrowserSecurity.Headers did not run.");

    /// <summary>The Content-Security-Policy of every answer. MudBlazor sets inline styles, so styles may be inline; scripts may not.</summary>
    public static string Policy(string nonce, string? formTarget = null) =>
        "default-src 'self'; " +
        $"script-src 'self' 'nonce-{nonce}'; " +
        "style-src 'self' 'unsafe-inline'; " +
        "img-src 'self' data:; " +
        "font-src 'self' data:; " +
        "connect-src 'self'; " + // the Blazor circuit's WebSocket to the same host ('self' covers ws:/wss: there)
        "object-src 'none'; base-uri 'self'; " +
        $"form-action 'self'{(formTarget is null ? "" : " " + formTarget)}; frame-ancestors 'self'";

    /// <summary>
    /// Lets this page's form lead to <paramref name="origin"/> as well (browsers apply form-action to the redirect after a
    /// post): a public web form whose thank-you is a page of the company's website. Only an https origin is taken.
    /// </summary>
    public static void AllowFormTarget(HttpContext http, string origin)
    {
        if (Uri.TryCreate(origin, UriKind.Absolute, out var o) && o.Scheme == Uri.UriSchemeHttps && o.AbsolutePath == "/")
            http.Items[FormActionKey] = o.GetLeftPart(UriPartial.Authority);
    }

    /// <summary>Security headers on every answer; <c>Cache-Control: no-store</c> unless the endpoint chose its own (static files do).</summary>
    public static IApplicationBuilder UseSecurityHeaders(this IApplicationBuilder app) => app.Use((http, next) =>
    {
        var nonce = Convert.ToBase64String(RandomNumberGenerator.GetBytes(16));
        http.Items[NonceKey] = nonce;
        http.Response.OnStarting(() =>
        {
            var h = http.Response.Headers;
            h.ContentSecurityPolicy = Policy(nonce, http.Items[FormActionKey] as string);
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

    /// <summary>
    /// The one exemption: <c>POST /f/{slug}</c>, the public web-to-lead form, is meant to be posted from the company's own
    /// website (the embed snippet). It signs in nobody and reads no cookie: the visitor is anonymous, so another origin
    /// cannot make it act for a user. Exactly that path and method: <c>/f/x/y</c>, <c>/f/</c> or a PUT stay guarded.
    /// </summary>
    public static bool IsPublicFormPost(HttpRequest request) =>
        HttpMethods.IsPost(request.Method) && PublicFormPath().IsMatch(request.Path.Value ?? "");

    [System.Text.RegularExpressions.GeneratedRegex("^/f/[a-z0-9-]{1,80}$", System.Text.RegularExpressions.RegexOptions.CultureInvariant)]
    private static partial System.Text.RegularExpressions.Regex PublicFormPath();

    /// <summary>
    /// The unsubscribe link of a bulk mail: <c>POST /u/{token}</c>, sent by a mail program's one-click unsubscribe (RFC 8058)
    /// from wherever the mail is read. It signs in nobody; the signed token alone says which address leaves. Exactly that
    /// path and method.
    /// </summary>
    public static bool IsPublicUnsubscribePost(HttpRequest request) =>
        HttpMethods.IsPost(request.Method) && PublicUnsubscribePath().IsMatch(request.Path.Value ?? "");

    [System.Text.RegularExpressions.GeneratedRegex("^/u/[A-Za-z0-9_-]{20,1000}$", System.Text.RegularExpressions.RegexOptions.CultureInvariant)]
    private static partial System.Text.RegularExpressions.Regex PublicUnsubscribePath();

    /// <summary>True for a state-changing browser request that another origin started.</summary>
    public static bool IsCrossOrigin(HttpRequest request)
    {
        if (HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method) || HttpMethods.IsOptions(request.Method)
            || HttpMethods.IsTrace(request.Method))
            return false;
        if (IsPublicFormPost(request) || IsPublicUnsubscribePost(request)) return false;
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
