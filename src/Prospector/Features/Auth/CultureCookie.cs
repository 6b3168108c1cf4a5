using Microsoft.AspNetCore.Localization;
using Prospector.Hosting;

namespace Prospector.Features.Auth;

/// <summary>The user's language choice, kept in a cookie for a year; and where a sign-in or language switch may send back to.</summary>
public static class CultureCookie
{
    public static void Append(HttpResponse response, string language) =>
        response.Cookies.Append(CookieRequestCultureProvider.DefaultCookieName,
            CookieRequestCultureProvider.MakeCookieValue(new RequestCulture(ProspectorHost.FormatCulture(language), language)),
            new CookieOptions
            {
                Expires = response.HttpContext.RequestServices.GetRequiredService<TimeProvider>().GetUtcNow().AddYears(1),
                HttpOnly = true, SameSite = SameSiteMode.Lax, IsEssential = true,
            });

    /// <summary>A path on this site, never another host ("//evil.example" is not local), else "/".</summary>
    public static string LocalPath(string? url) =>
        url is { Length: > 0 } u && u.StartsWith('/') && !u.StartsWith("//", StringComparison.Ordinal) && !u.StartsWith("/\\", StringComparison.Ordinal) ? u : "/";
}
