using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.RegularExpressions;

namespace Prospector.Features.Common;

/// <summary>
/// The days any date of the product may lie on, and how a date is written where a client gives one (API query, JSON body,
/// report filter): ISO 8601 only, so "01.03.2026" is never read as 3 January. The range is wide enough for any imported
/// history and far from where date arithmetic overflows: a due date on 31 December 9999 took the assignee's whole calendar
/// feed down, a report up to it failed with 500.
/// </summary>
public static partial class Dates
{
    public static readonly DateOnly Earliest = new(1900, 1, 1), Latest = new(2999, 12, 31);

    public static bool InRange(DateOnly day) => day >= Earliest && day <= Latest;

    public static bool InRange(DateTime utc) => utc >= Earliest.ToDateTime(TimeOnly.MinValue) && utc < Latest.AddDays(1).ToDateTime(TimeOnly.MinValue);

    /// <summary>A day written yyyy-MM-dd (any other form is not one), whatever its year.</summary>
    public static bool TryParseDay(string? text, out DateOnly day) =>
        DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out day);

    /// <summary>A day or a moment in ISO 8601 (without an offset: UTC), as the UTC instant; any other form is not one.</summary>
    public static bool TryParseMoment(string? text, out DateTime utc)
    {
        utc = default;
        if (text is null || !IsoMoment().IsMatch(text)
            || !DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at)) return false;
        utc = at.UtcDateTime;
        return true;
    }

    /// <summary>2026-03-01, 2026-03-01T09:30, 2026-03-01T09:30:00.5Z, 2026-03-01T09:30:00+01:00.</summary>
    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,7})?)?(Z|[+-]\d{2}:\d{2})?)?$")]
    private static partial Regex IsoMoment();

    public const string OutOfRange = "{0} must lie between the years 1900 and 2999.";
    public const string NotADay = "{0} must be a day written as YYYY-MM-DD between the years 1900 and 2999.";

    /// <summary>
    /// A day in a JSON body: written yyyy-MM-dd (as System.Text.Json reads it) and within <see cref="Earliest"/> …
    /// <see cref="Latest"/>; otherwise the body's field is named (ProblemExceptionHandler, BodyProblem.Explain).
    /// </summary>
    public sealed class DayConverter : JsonConverter<DateOnly>
    {
        public const string Expected = "A day yyyy-MM-dd between the years 1900 and 2999 was expected.";

        public override DateOnly Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
        {
            if (reader.TokenType == JsonTokenType.String && TryParseDay(reader.GetString(), out var day) && InRange(day))
                return day;
            throw new JsonException(Expected);
        }

        public override void Write(Utf8JsonWriter writer, DateOnly value, JsonSerializerOptions options) =>
            writer.WriteStringValue(value.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
    }
}
