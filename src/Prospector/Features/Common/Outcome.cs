using Microsoft.AspNetCore.Http.HttpResults;

namespace Prospector.Features.Common;

public enum OutcomeKind { Ok, Invalid, NotFound, Conflict, Stale, Forbidden }

/// <summary>Nothing to hand back: the outcome of a write that only succeeds or fails.</summary>
public readonly record struct Done;

/// <summary>
/// What a feature service hands back, whoever called it (an API handler, a page, the CLI): the value, or why there is none.
/// Titles and messages are English resource keys; the HTTP edge (<see cref="OutcomeResults"/>) localises them through the
/// ProblemDetails pipeline, the UI (<c>AppPage.Show</c>) through its localizer. Services never throw for a user's mistake.
/// </summary>
public sealed record Outcome<T>
{
    public OutcomeKind Kind { get; private init; }
    public T? Value { get; private init; }
    /// <summary>Field → messages, for <see cref="OutcomeKind.Invalid"/>.</summary>
    public IReadOnlyDictionary<string, string[]> Errors { get; private init; } = Empty;
    public string? Title { get; private init; }
    public string? Detail { get; private init; }
    /// <summary>The record's version now, for <see cref="OutcomeKind.Stale"/>.</summary>
    public int? CurrentVersion { get; private init; }
    /// <summary>Machine-readable details of a <see cref="OutcomeKind.Conflict"/> (e.g. the unmet gates), sent as ProblemDetails extensions.</summary>
    public IReadOnlyDictionary<string, object?>? Extensions { get; private init; }

    private static readonly Dictionary<string, string[]> Empty = [];

    public bool IsOk => Kind == OutcomeKind.Ok;

    public static Outcome<T> Ok(T value) => new() { Kind = OutcomeKind.Ok, Value = value };
    public static Outcome<T> Invalid(IReadOnlyDictionary<string, string[]> errors) => new() { Kind = OutcomeKind.Invalid, Errors = errors };
    public static Outcome<T> Invalid(string field, string message) => Invalid(new Dictionary<string, string[]> { [field] = [message] });
    /// <summary>The record does not exist or the user may not see it: the two are never told apart.</summary>
    public static Outcome<T> NotFound(string title, string? detail = null) => new() { Kind = OutcomeKind.NotFound, Title = title, Detail = detail };
    public static Outcome<T> Conflict(string title, string? detail = null, IReadOnlyDictionary<string, object?>? extensions = null) =>
        new() { Kind = OutcomeKind.Conflict, Title = title, Detail = detail, Extensions = extensions };
    public static Outcome<T> Stale(int currentVersion) => new() { Kind = OutcomeKind.Stale, CurrentVersion = currentVersion };
    public static Outcome<T> Forbidden(string title = "Forbidden", string? detail = null) => new() { Kind = OutcomeKind.Forbidden, Title = title, Detail = detail };

    /// <summary>The same failure, for a caller that returns another value type. Only for failures.</summary>
    public Outcome<TOther> As<TOther>() => IsOk
        ? throw new InvalidOperationException("Only a failed outcome can change its value type.")
        : new Outcome<TOther> { Kind = Kind, Errors = Errors, Title = Title, Detail = Detail, CurrentVersion = CurrentVersion, Extensions = Extensions };

    public static implicit operator Outcome<T>(T value) => Ok(value);
}

/// <summary>The HTTP edge: an outcome becomes a typed result once, here, for every endpoint.</summary>
public static class OutcomeResults
{
    public static Results<Ok<TDto>, ValidationProblem, ProblemHttpResult> ToOk<T, TDto>(this Outcome<T> o, Func<T, TDto> map)
    {
        if (o.IsOk) return TypedResults.Ok(map(o.Value!));
        if (o.Kind == OutcomeKind.Invalid) return TypedResults.ValidationProblem(o.Errors);
        return ProblemOf(o);
    }

    public static Results<Ok<T>, ValidationProblem, ProblemHttpResult> ToOk<T>(this Outcome<T> o) => o.ToOk(v => v);

    public static Results<Created<TDto>, ValidationProblem, ProblemHttpResult> ToCreated<T, TDto>(this Outcome<T> o, Func<T, string> location, Func<T, TDto> map)
    {
        if (o.IsOk) return TypedResults.Created(location(o.Value!), map(o.Value!));
        if (o.Kind == OutcomeKind.Invalid) return TypedResults.ValidationProblem(o.Errors);
        return ProblemOf(o);
    }

    public static Results<NoContent, ValidationProblem, ProblemHttpResult> ToNoContent<T>(this Outcome<T> o)
    {
        if (o.IsOk) return TypedResults.NoContent();
        if (o.Kind == OutcomeKind.Invalid) return TypedResults.ValidationProblem(o.Errors);
        return ProblemOf(o);
    }

    /// <summary>A failure other than Invalid as a problem with status 404, 409, 412 or 403.</summary>
    public static ProblemHttpResult ProblemOf<T>(Outcome<T> o) => o.Kind switch
    {
        OutcomeKind.Stale => Api.Stale(o.CurrentVersion ?? 0),
        OutcomeKind.NotFound => TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: o.Title ?? "Not Found", detail: o.Detail),
        OutcomeKind.Conflict => TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: o.Title ?? "Conflict", detail: o.Detail,
            extensions: o.Extensions),
        OutcomeKind.Forbidden => TypedResults.Problem(statusCode: StatusCodes.Status403Forbidden, title: o.Title ?? "Forbidden", detail: o.Detail),
        OutcomeKind.Invalid => TypedResults.Problem(statusCode: StatusCodes.Status400BadRequest, title: "One or more validation errors occurred.",
            extensions: new Dictionary<string, object?> { ["errors"] = o.Errors }),
        _ => throw new InvalidOperationException("An outcome that succeeded is not a problem."),
    };
}
