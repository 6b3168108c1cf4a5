using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Localization;
using Microsoft.Extensions.Options;
using Prospector.Features.Common;
using Prospector.Hosting;

namespace Prospector.Features.Forms;

/// <summary>
/// The deliberately public web-form addresses: <c>GET /f/{slug}</c> shows the form, <c>POST /f/{slug}</c> takes a
/// submission as an HTML form posts it (form-urlencoded, from this site or from the page it is embedded in: the
/// cross-origin guard lets exactly this through, see <see cref="BrowserSecurity.IsPublicFormPost"/>). Plain HTML, no
/// Blazor; the language from <c>?lang=</c>, else the browser's. Submissions are rate-limited per client address.
/// </summary>
public static class PublicFormEndpoints
{
    public const string RateLimitPolicy = "web-form";

    public static IServiceCollection AddWebForms(this IServiceCollection s, IConfiguration config)
    {
        s.Configure<WebFormOptions>(config.GetSection("Forms"));
        s.AddSingleton<FormTokens>();
        s.AddScoped<LeadIntake>();
        s.AddScoped<FormService>();
        s.AddScoped<PublicSubmissions>();
        s.AddRateLimiter(o =>
        {
            o.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            o.AddPolicy(RateLimitPolicy, http =>
            {
                var perMinute = http.RequestServices.GetRequiredService<IOptions<WebFormOptions>>().Value.SubmissionsPerMinute;
                return RateLimitPartition.GetFixedWindowLimiter(http.Connection.RemoteIpAddress?.ToString() ?? "unknown",
                    _ => new FixedWindowRateLimiterOptions { PermitLimit = Math.Max(1, perMinute), Window = TimeSpan.FromMinutes(1), QueueLimit = 0 });
            });
            o.OnRejected = async (context, ct) =>
            {
                var l = context.HttpContext.RequestServices.GetRequiredService<IStringLocalizer<SharedResource>>();
                var lang = PublicHtml.Language(null, context.HttpContext);
                await Html(context.HttpContext, StatusCodes.Status429TooManyRequests,
                    PublicHtml.Message(lang, l["Too Many Requests"], l["Too many forms were sent from your address. Please try again in a minute."]), ct);
            };
        });
        return s;
    }

    public static IEndpointRouteBuilder MapWebForms(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/f").AllowAnonymous().ExcludeFromDescription().DisableAntiforgery();
        group.MapGet("/{slug}", Show);
        group.MapPost("/{slug}", Submit).RequireRateLimiting(RateLimitPolicy);
        return app;
    }

    private static async Task Show(string slug, HttpContext http, PublicSubmissions forms, FormTokens tokens, IStringLocalizer<SharedResource> l, CancellationToken ct)
    {
        var lang = PublicHtml.Language(http.Request.Query["lang"], http);
        var form = await forms.FindActiveAsync(slug, ct);
        if (form is null)
        {
            await NotFound(http, lang, l, ct);
            return;
        }
        AllowRedirect(http, form.RedirectUrl);
        await Html(http, StatusCodes.Status200OK, FormHtml.FormPage(form, ActionOf(http, slug), lang, tokens.ForPage(form.Id), l), ct);
    }

    private static async Task Submit(string slug, HttpContext http, PublicSubmissions forms, IOptions<WebFormOptions> options,
        IStringLocalizer<SharedResource> l, CancellationToken ct)
    {
        // Anonymous whatever cookie the browser sends along: nothing here acts as, or is recorded as, a signed-in user.
        http.User = new System.Security.Claims.ClaimsPrincipal(new System.Security.Claims.ClaimsIdentity());
        var request = http.Request;
        var max = options.Value.MaxBodyBytes;
        var lang = PublicHtml.Language(null, http);
        if (request.ContentLength > max)
        {
            await TooLarge(http, lang, l, ct);
            return;
        }
        if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } size) size.MaxRequestBodySize = max;
        if (!request.HasFormContentType)
        {
            await Html(http, StatusCodes.Status415UnsupportedMediaType,
                PublicHtml.Message(lang, l["Not a form"], l["Send the form from its page (an HTML form, form-urlencoded)."]), ct);
            return;
        }
        IFormCollection posted;
        try
        {
            posted = await request.ReadFormAsync(new FormOptions
            {
                ValueCountLimit = 40, KeyLengthLimit = 100, ValueLengthLimit = 8 * 1024, MultipartBodyLengthLimit = max, BufferBodyLengthLimit = max,
            }, ct);
        }
        catch (Exception e) when (e is InvalidDataException or BadHttpRequestException)
        {
            await TooLarge(http, lang, l, ct);
            return;
        }
        lang = PublicHtml.Language(posted[FormHtml.LanguageField], http);
        var values = FormFields.All.Where(k => posted.ContainsKey(k.Key)).ToDictionary(k => k.Key, k => posted[k.Key].ToString());
        var sent = new SentForm(values, posted[FormHtml.ConsentField] == "yes", lang, posted[FormHtml.TokenField], posted[FormHtml.Honeypot]);
        var result = await forms.SubmitAsync(slug, sent, ct);
        switch (result.Kind)
        {
            case SubmitKind.NotFound:
                await NotFound(http, lang, l, ct);
                return;
            case SubmitKind.Invalid:
                AllowRedirect(http, result.Form!.RedirectUrl);
                // The visitor's values come back (encoded) so nothing typed is lost; the same token keeps the original time.
                await Html(http, StatusCodes.Status400BadRequest,
                    FormHtml.FormPage(result.Form!, ActionOf(http, slug), lang, sent.Token ?? "", l, values, result.Errors, sent.Consent), ct);
                return;
            default:
                // Held for review looks the same as accepted: a robot learns nothing.
                if (result.Form!.RedirectUrl is { } target)
                {
                    http.Response.StatusCode = StatusCodes.Status303SeeOther;
                    http.Response.Headers.Location = target;
                    return;
                }
                await Html(http, StatusCodes.Status200OK, FormHtml.ThankYou(result.Form, lang, l), ct);
                return;
        }
    }

    private static void AllowRedirect(HttpContext http, string? redirect)
    {
        if (FormRedirect.Origin(redirect) is { } origin) BrowserSecurity.AllowFormTarget(http, origin);
    }

    /// <summary>The form posts to the address it was served from (relative: right behind a proxy too).</summary>
    private static string ActionOf(HttpContext http, string slug) => $"{http.Request.PathBase}/f/{Uri.EscapeDataString(slug)}";

    private static Task NotFound(HttpContext http, string lang, IStringLocalizer l, CancellationToken ct) =>
        Html(http, StatusCodes.Status404NotFound, PublicHtml.Message(lang, l["Form not found"], l["This form does not exist or is no longer open."]), ct);

    private static Task TooLarge(HttpContext http, string lang, IStringLocalizer l, CancellationToken ct) =>
        Html(http, StatusCodes.Status413PayloadTooLarge, PublicHtml.Message(lang, l["Too much text"], l["The form was too large to send. Please shorten your message."]), ct);

    private static async Task Html(HttpContext http, int status, string html, CancellationToken ct)
    {
        http.Response.StatusCode = status;
        http.Response.ContentType = "text/html; charset=utf-8";
        await http.Response.WriteAsync(html, ct);
    }
}
