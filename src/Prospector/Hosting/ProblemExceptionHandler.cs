using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;
using Prospector.Features.Common;

namespace Prospector.Hosting;

/// <summary>
/// Maps exceptions that reach the pipeline to ProblemDetails: a malformed request is the client's
/// mistake (400, naming what was wrong), a write that lost a race is 412, a database busy with another writer for longer
/// than the busy timeout (a large import publishing its rows on SQLite) or briefly unreachable is 503 with Retry-After,
/// the rest is a plain 500. Every 503 and 500 is logged with its exception: since .NET 10 the exception-handler
/// middleware no longer logs what an <see cref="IExceptionHandler"/> handled, and an operator must see them.
/// </summary>
internal sealed partial class ProblemExceptionHandler(IProblemDetailsService problems, IStringLocalizer<SharedResource> l,
    ILogger<ProblemExceptionHandler> log) : IExceptionHandler
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
            // A query or route value the binder could not read (QueryGuard catches most before): named, in the user's words.
            BadHttpRequestException b when Unbound(b.Message, l) is { } named => Named(named),
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
            // A read saves nothing, so it is not told that nothing was saved.
            _ when IsBusy(exception) => (StatusCodes.Status503ServiceUnavailable, "The database is busy",
                (HttpMethods.IsGet(http.Request.Method) || HttpMethods.IsHead(http.Request.Method)
                    ? l["Another change (an import, say) is being written. Try again in a moment."]
                    : l["Nothing was saved: another change (an import, say) is being written. Try again in a moment."]).Value),
            _ => (StatusCodes.Status500InternalServerError, "Unexpected error", null as string),
        };
        if (status == StatusCodes.Status503ServiceUnavailable)
        {
            log.LogWarning(exception, "{Method} {Path} answered 503: the database is busy or unreachable.", http.Request.Method, http.Request.Path);
            http.Response.Headers.RetryAfter = "5";
        }
        else if (status >= StatusCodes.Status500InternalServerError)
            log.LogError(exception, "{Method} {Path} failed with an unexpected error.", http.Request.Method, http.Request.Path);
        http.Response.StatusCode = status;
        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = http,
            Exception = exception,
            ProblemDetails = new ProblemDetails { Status = status, Title = title, Detail = detail },
        });
    }

    /// <summary>SQLite busy or locked past the busy timeout (error 5, 6), or a PostgreSQL error Npgsql calls transient
    /// (connection lost, too many connections, serialization failure, deadlock): nothing was written, the same request can
    /// succeed a moment later. Looked for also inside EF Core's DbUpdateException.</summary>
    internal static bool IsBusy(Exception? e)
    {
        for (; e is not null; e = e.InnerException)
            if (e is Microsoft.Data.Sqlite.SqliteException { SqliteErrorCode: 5 or 6 } or Npgsql.NpgsqlException { IsTransient: true }) return true;
        return false;
    }

    private static Dictionary<string, string[]> Named((string Field, string Message) e) => new() { [e.Field] = [e.Message] };

    public const string Unreadable = "{0} has a value that cannot be read.";
    public const string Missing = "{0} is missing.";

    /// <summary>
    /// The parameter ASP.NET Core's binder names in its message ("Failed to bind parameter "Nullable&lt;DateOnly&gt; from" from
    /// "x"." or "Required parameter "Int64 id" was not provided from query string."), with what its value must be.
    /// </summary>
    internal static (string Field, string Message)? Unbound(string message, IStringLocalizer l)
    {
        var m = BindFailure().Match(message);
        if (!m.Success) return null;
        var (type, name) = (m.Groups["type"].Value, m.Groups["name"].Value);
        if (m.Groups["missing"].Success) return (name, l[Missing, name]);
        var text = type switch
        {
            _ when type.Contains("DateOnly", StringComparison.Ordinal) => QueryGuard.NotADay,
            _ when type.Contains("DateTime", StringComparison.Ordinal) => QueryGuard.NotAMoment,
            _ when type.Contains("Int64", StringComparison.Ordinal) || type.Contains("Int32", StringComparison.Ordinal) => QueryGuard.NotAWholeNumber,
            _ when type.Contains("Boolean", StringComparison.Ordinal) => QueryGuard.NotTrueOrFalse,
            _ => Unreadable,
        };
        return (name, l[text, name]);
    }

    [System.Text.RegularExpressions.GeneratedRegex("^(?:Failed to bind parameter|(?<missing>Required parameter)) \"(?<type>[^\"]*) (?<name>[^\" ]+)\"")]
    private static partial System.Text.RegularExpressions.Regex BindFailure();
}
