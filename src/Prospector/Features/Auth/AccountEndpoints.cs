using System.Security.Claims;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Prospector.Data;
using Prospector.Hosting;

namespace Prospector.Features.Auth;

/// <summary>
/// Form posts around the sign-in: sign out and the language switch. Sign-in and setup are pages. Both posts are
/// cross-origin guarded (BrowserSecurity); the language form also carries an antiforgery token. A GET never changes
/// stored data (docs/decisions/0010).
/// </summary>
public static class AccountEndpoints
{
    public static IEndpointRouteBuilder MapAccountEndpoints(this IEndpointRouteBuilder app)
    {
        var g = app.MapGroup("/account").ExcludeFromDescription();
        g.MapPost("/logout", async (SignInManager<User> signIn) =>
        {
            await signIn.SignOutAsync();
            return TypedResults.LocalRedirect("/account/login");
        });
        // A link, which any page may make a browser follow, so it changes nothing a user chose: for a signed-in user it
        // re-applies the language saved in the profile (after saving the settings); ?culture= only sets the cookie of an
        // anonymous visitor (the sign-in page's language links).
        g.MapGet("/culture", async (string? culture, string? redirect, HttpContext http, ProspectorDb db) =>
        {
            if (long.TryParse(http.User.FindFirstValue(ClaimTypes.NameIdentifier), out var id))
                culture = (await db.Users.FindAsync(id))?.Culture;
            culture ??= "en";
            if (!ProspectorHost.Cultures.Contains(culture)) return UnknownLanguage();
            CultureCookie.Append(http.Response, culture);
            return Results.LocalRedirect(CultureCookie.LocalPath(redirect));
        }).AllowAnonymous();
        // The language menu: a form post (antiforgery token, same origin) that also keeps the choice in the profile.
        g.MapPost("/culture", async ([FromForm] string culture, [FromForm] string? redirect, HttpContext http, ProspectorDb db) =>
        {
            if (!ProspectorHost.Cultures.Contains(culture)) return UnknownLanguage();
            CultureCookie.Append(http.Response, culture);
            if (long.TryParse(http.User.FindFirstValue(ClaimTypes.NameIdentifier), out var id) && await db.Users.FindAsync(id) is { } user)
            {
                user.Culture = culture;
                await db.SaveChangesAsync();
            }
            return Results.LocalRedirect(CultureCookie.LocalPath(redirect));
        }).AllowAnonymous();
        return app;
    }

    private static IResult UnknownLanguage() =>
        Results.Problem(statusCode: 400, title: "Unknown language", detail: $"Use one of {string.Join(", ", ProspectorHost.Cultures)}.");
}
