using System.Net;
using Microsoft.Extensions.Localization;
using Prospector.Features.Common;
using Prospector.Hosting;

namespace Prospector.Features.Mail;

/// <summary>
/// The unsubscribe link in every bulk mail, public and signed: <c>GET /u/{token}</c> shows a page with one button (a link
/// checker or a preview must not unsubscribe anybody), <c>POST /u/{token}</c> unsubscribes — from that button, or from a
/// mail program's one-click unsubscribe (RFC 8058, the <c>List-Unsubscribe-Post</c> header), which is why this exact path is
/// exempt from the cross-origin guard (<see cref="BrowserSecurity.IsPublicUnsubscribePost"/>) and needs no antiforgery token.
/// Nobody is signed in here. The POST is idempotent: again, or twice at once, it answers the same page and changes nothing more.
/// The page's form posts under the app's path base (behind a proxy at /crm: /crm/u/…).
/// </summary>
public static class PublicUnsubscribe
{
    public static IServiceCollection AddMail(this IServiceCollection s)
    {
        s.AddSingleton<UnsubscribeTokens>();
        s.AddScoped<TemplateService>();
        s.AddScoped<MailService>();
        s.AddScoped<Suppressions>();
        return s;
    }

    public static IEndpointRouteBuilder MapUnsubscribe(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/u").AllowAnonymous().ExcludeFromDescription().DisableAntiforgery();
        group.MapGet("/{token}", Show);
        group.MapPost("/{token}", Confirm);
        return app;
    }

    private static async Task Show(string token, HttpContext http, UnsubscribeTokens tokens, IStringLocalizer<SharedResource> l, CancellationToken ct)
    {
        var lang = PublicHtml.Language(http.Request.Query["lang"], http);
        if (!tokens.TryRead(token, out _, out var email))
        {
            await Html(http, StatusCodes.Status404NotFound, PublicHtml.Message(lang, l["Link not valid"], l["This unsubscribe link is not valid. Please use the link from the e-mail."]), ct);
            return;
        }
        var body = $"""
            <h1>{WebUtility.HtmlEncode(l["Unsubscribe"])}</h1>
            <p>{WebUtility.HtmlEncode(l["Stop e-mails from us to {0}?", email])}</p>
            <form method="post" action="{WebUtility.HtmlEncode(http.Request.PathBase + "/u/" + token)}"><button type="submit">{WebUtility.HtmlEncode(l["Unsubscribe"])}</button></form>
            """;
        await Html(http, StatusCodes.Status200OK, PublicHtml.Page(lang, l["Unsubscribe"], body), ct);
    }

    private static async Task Confirm(string token, HttpContext http, UnsubscribeTokens tokens, Suppressions suppressions,
        IStringLocalizer<SharedResource> l, CancellationToken ct)
    {
        http.User = new System.Security.Claims.ClaimsPrincipal(new System.Security.Claims.ClaimsIdentity());
        var lang = PublicHtml.Language(null, http);
        if (!tokens.TryRead(token, out var contactId, out var email))
        {
            await Html(http, StatusCodes.Status404NotFound, PublicHtml.Message(lang, l["Link not valid"], l["This unsubscribe link is not valid. Please use the link from the e-mail."]), ct);
            return;
        }
        await suppressions.UnsubscribeAsync(contactId, email, ct);
        await Html(http, StatusCodes.Status200OK, PublicHtml.Message(lang, l["Unsubscribed"], l["{0} will get no more e-mails from us.", email]), ct);
    }

    private static async Task Html(HttpContext http, int status, string html, CancellationToken ct)
    {
        http.Response.StatusCode = status;
        http.Response.ContentType = "text/html; charset=utf-8";
        await http.Response.WriteAsync(html, ct);
    }
}
