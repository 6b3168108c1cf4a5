using System.Globalization;

namespace Prospector.Features.Common;

/// <summary>Times are stored in UTC and shown in the user's own time zone and culture.</summary>
public static class UserTime
{
    public static DateTime ToLocal(DateTime utc, string? timeZone)
    {
        var tz = TimeZoneInfo.TryFindSystemTimeZoneById(timeZone ?? "", out var z) ? z : TimeZoneInfo.Utc;
        return TimeZoneInfo.ConvertTimeFromUtc(DateTime.SpecifyKind(utc, DateTimeKind.Utc), tz);
    }

    public static string Format(DateTime utc, string? timeZone) =>
        ToLocal(utc, timeZone).ToString("g", CultureInfo.CurrentCulture);
}
