using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Prospector.Data;

namespace Prospector.Features.Common;

/// <summary>Times are stored in UTC and shown in the user's own time zone and culture.</summary>
public static class UserTime
{
    /// <summary>The zone of an IANA id; UTC when it is unknown or missing.</summary>
    public static TimeZoneInfo Zone(string? timeZone) =>
        TimeZoneInfo.TryFindSystemTimeZoneById(timeZone ?? "", out var z) ? z : TimeZoneInfo.Utc;

    /// <summary>A user's time zone id as stored in their profile.</summary>
    public static Task<string?> ZoneOfAsync(ProspectorDb db, long? userId, CancellationToken ct = default) =>
        db.Users.Where(u => u.Id == userId).Select(u => u.TimeZone).FirstOrDefaultAsync(ct);

    public static DateTime ToLocal(DateTime utc, string? timeZone) =>
        TimeZoneInfo.ConvertTimeFromUtc(DateTime.SpecifyKind(utc, DateTimeKind.Utc), Zone(timeZone));

    public static string Format(DateTime utc, string? timeZone) =>
        ToLocal(utc, timeZone).ToString("g", CultureInfo.CurrentCulture);

    /// <summary>The day in the user's zone, in their culture's short date format.</summary>
    public static string FormatDate(DateTime utc, string? timeZone) =>
        ToLocal(utc, timeZone).ToString("d", CultureInfo.CurrentCulture);
}
