using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;

namespace Prospector.Hosting;

/// <summary>
/// Maps exceptions that reach the pipeline to ProblemDetails: a malformed request is the client's
/// mistake (400, naming what was wrong), a write that lost a race is 412, the rest is a plain 500.
/// </summary>
internal sealed partial class ProblemExceptionHandler(IProblemDetailsService problems, IStringLocalizer<SharedResource> l) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext http, Exception exception, CancellationToken ct)
    {
        if (exception is BadHttpRequestException { InnerException: JsonException json })
        {
            // A typed body that does not fit its record: name the field, as JsonFields does for the bodies it reads.
            // The handler runs after the request's culture scope has unwound: take the language from the request again.
            if (http.Features.Get<Microsoft.AspNetCore.Localization.IRequestCultureFeature>() is { } culture)
                System.Globalization.CultureInfo.CurrentUICulture = culture.RequestCulture.UICulture;
            var (field, message) = Explain(json);
            http.Response.StatusCode = StatusCodes.Status400BadRequest;
            return await problems.TryWriteAsync(new ProblemDetailsContext
            {
                HttpContext = http,
                Exception = exception,
                ProblemDetails = new HttpValidationProblemDetails(new Dictionary<string, string[]> { [field] = [message] })
                {
                    Status = StatusCodes.Status400BadRequest,
                },
            });
        }
        var (status, title, detail) = exception switch
        {
            BadHttpRequestException b => (b.StatusCode, "Bad request", b.InnerException?.Message ?? b.Message),
            DbUpdateConcurrencyException => (StatusCodes.Status412PreconditionFailed, "The record was changed by someone else",
                "Load it again and reapply your change."),
            _ => (StatusCodes.Status500InternalServerError, "Unexpected error", null as string),
        };
        http.Response.StatusCode = status;
        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = http,
            Exception = exception,
            ProblemDetails = new ProblemDetails { Status = status, Title = title, Detail = detail },
        });
    }

    private (string Field, string Message) Explain(JsonException e)
    {
        if (Unmapped().Match(e.Message) is { Success: true } u) return (u.Groups[1].Value, l["Unknown field '{0}'.", u.Groups[1].Value]);
        if (Duplicate().Match(e.Message) is { Success: true } d) return (d.Groups[1].Value, l["The field '{0}' appears more than once.", d.Groups[1].Value]);
        var field = e.Path is { Length: > 2 } path ? path.TrimStart('$', '.') : null;
        return field is null
            ? ("body", l["The body is not valid JSON: {0}", e.Message])
            : (field, l["{0} has a value of the wrong type.", field]);
    }

    [GeneratedRegex("property '([^']+)' could not be mapped")]
    private static partial Regex Unmapped();

    [GeneratedRegex("[Dd]uplicate (?:JSON )?property (?:name )?'?([^'\\s]+)'?")]
    private static partial Regex Duplicate();
}
