using System.Security.Claims;
using Microsoft.AspNetCore.Identity;
using Prospector.Data;
using Prospector.Hosting;

namespace Prospector.Features.Auth;

/// <summary>Form posts around the sign-in: sign out and the language switch. Sign-in and setup are pages.</summary>
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
        // Anyone may pick a language, also on the sign-in page; a signed-in user keeps it in their profile.
        g.MapGet("/culture", async (string culture, string? redirect, HttpContext http, ProspectorDb db) =>
        {
            if (!ProspectorHost.Cultures.Contains(culture))
                return Results.Problem(statusCode: 400, title: "Unknown language", detail: $"Use one of {string.Join(", ", ProspectorHost.Cultures)}.");
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
}
