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

    /// <summary>Where a sign-in or language switch sends back to: a path on this site (<see cref="Common.SafeUrl.Local"/>), else "/".</summary>
    public static string LocalPath(string? url) => Common.SafeUrl.Local(url);
}
