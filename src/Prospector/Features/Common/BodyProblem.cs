using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Localization;

namespace Prospector.Features.Common;

/// <summary>
/// A request body that cannot be read (raised by <see cref="Body{T}"/> before the handler runs): the exception handler
/// answers it as a ValidationProblem naming each field, or 415 for a body that is not JSON.
/// </summary>
public sealed partial class BodyProblem(Dictionary<string, string[]> errors, int status = StatusCodes.Status400BadRequest)
    : Exception("The request body cannot be read.")
{
    public Dictionary<string, string[]> Errors { get; } = errors;
    public int Status { get; } = status;

    public static BodyProblem UnsupportedMediaType(string message) =>
        new(new() { ["body"] = [message] }, StatusCodes.Status415UnsupportedMediaType);

    /// <summary>Names the field a <see cref="JsonException"/> from reading a typed record is about, in the caller's language.</summary>
    public static (string Field, string Message) Explain(JsonException e, IStringLocalizer l)
    {
        if (Unmapped().Match(e.Message) is { Success: true } u) return (u.Groups[1].Value, l["Unknown field '{0}'.", u.Groups[1].Value]);
        if (Duplicate().Match(e.Message) is { Success: true } d) return (d.Groups[1].Value, l["The field '{0}' appears more than once.", d.Groups[1].Value]);
        var field = e.Path is { Length: > 2 } path ? path.TrimStart('$', '.') : null;
        return field is null
            ? ("body", l["The body is not valid JSON: {0}", e.Message])
            : e.Message.StartsWith(Dates.DayConverter.Expected, StringComparison.Ordinal) ? (field, l[Dates.NotADay, field])
            : (field, l["{0} has a value of the wrong type.", field]);
    }

    [GeneratedRegex("property '([^']+)' could not be mapped")]
    private static partial Regex Unmapped();

    [GeneratedRegex("[Dd]uplicate (?:JSON )?property (?:name )?'?([^'\\s]+)'?")]
    private static partial Regex Duplicate();
}
