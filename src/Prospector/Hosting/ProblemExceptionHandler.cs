using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;
using Prospector.Features.Common;

namespace Prospector.Hosting;

/// <summary>
/// Maps exceptions that reach the pipeline to ProblemDetails: a malformed request is the client's
/// mistake (400, naming what was wrong), a write that lost a race is 412, the rest is a plain 500.
/// </summary>
internal sealed class ProblemExceptionHandler(IProblemDetailsService problems, IStringLocalizer<SharedResource> l) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext http, Exception exception, CancellationToken ct)
    {
        // The language is taken from the request again: the handler runs after the request's culture scope has unwound.
        if (http.Features.Get<Microsoft.AspNetCore.Localization.IRequestCultureFeature>() is { } culture)
            System.Globalization.CultureInfo.CurrentUICulture = culture.RequestCulture.UICulture;
        Dictionary<string, string[]>? errors = exception switch
        {
            // A body Body<T> could not read: it already names the fields.
            BodyProblem body => body.Errors,
            // Any other typed binding that does not fit (a query value, say): name the field too.
            BadHttpRequestException { InnerException: JsonException json } => Named(BodyProblem.Explain(json, l)),
            _ => null,
        };
        if (errors is not null)
        {
            var code = exception is BodyProblem p ? p.Status : StatusCodes.Status400BadRequest;
            http.Response.StatusCode = code;
            ProblemDetails problem = code == StatusCodes.Status400BadRequest
                ? new HttpValidationProblemDetails(errors) { Status = code }
                : new ProblemDetails { Status = code, Title = l["Unsupported body"], Detail = string.Join(" ", errors.Values.SelectMany(v => v)) };
            return await problems.TryWriteAsync(new ProblemDetailsContext { HttpContext = http, Exception = exception, ProblemDetails = problem });
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

    private static Dictionary<string, string[]> Named((string Field, string Message) e) => new() { [e.Field] = [e.Message] };
}
