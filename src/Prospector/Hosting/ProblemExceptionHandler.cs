using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

namespace Prospector.Hosting;

/// <summary>
/// Maps exceptions that reach the pipeline to ProblemDetails: a malformed request is the client's
/// mistake (400, naming what was wrong), a write that lost a race is 412, the rest is a plain 500.
/// </summary>
internal sealed class ProblemExceptionHandler(IProblemDetailsService problems) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext http, Exception exception, CancellationToken ct)
    {
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
}
