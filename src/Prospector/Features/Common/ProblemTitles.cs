using Microsoft.Extensions.Localization;

namespace Prospector.Features.Common;

/// <summary>
/// ProblemDetails titles in the request's language. Handlers write the English title (the resource key, as in the UI);
/// every problem the app writes passes through here, so a German script or browser reads "Kontakt nicht gefunden".
/// The machine-readable parts (status, type, errors' field names, extensions) stay as they are.
/// </summary>
public static class ProblemTitles
{
    /// <summary>Titles ASP.NET Core fills in itself (ProblemDetails defaults, validation problems).</summary>
    public static readonly string[] Framework =
    [
        "Bad Request", "Unauthorized", "Forbidden", "Not Found", "Method Not Allowed", "Not Acceptable", "Request Timeout",
        "Conflict", "Gone", "Precondition Failed", "Unsupported Media Type", "Unprocessable Entity", "Upgrade Required",
        "Too Many Requests", "An error occurred while processing your request.", "One or more validation errors occurred.",
    ];

    public static void Localize(ProblemDetailsContext context)
    {
        if (context.ProblemDetails.Title is not { Length: > 0 } title) return;
        // Problems written by status-code pages and the exception handler (401, 415, 500) are written after the request's
        // culture scope has unwound: take the language from the request again.
        if (context.HttpContext.Features.Get<Microsoft.AspNetCore.Localization.IRequestCultureFeature>() is { } culture)
            System.Globalization.CultureInfo.CurrentUICulture = culture.RequestCulture.UICulture;
        var l = context.HttpContext.RequestServices.GetRequiredService<IStringLocalizer<SharedResource>>();
        var localized = l[title];
        if (!localized.ResourceNotFound) context.ProblemDetails.Title = localized.Value;
    }
}
