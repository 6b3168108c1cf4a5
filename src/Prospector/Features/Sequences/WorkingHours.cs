using Microsoft.EntityFrameworkCore;
using Prospector.Data;
using Prospector.Features.Common;

namespace Prospector.Features.Sequences;

/// <summary>
/// A user's working hours in their time zone (default 09:00–17:00, Monday to Friday). Sequence steps run only inside them:
/// a moment outside moves to the start of the next working day.
/// </summary>
public sealed record WorkingHours(string TimeZone, TimeOnly Start, TimeOnly End, int Days)
{
    public static readonly TimeOnly DefaultStart = new(9, 0);
    public static readonly TimeOnly DefaultEnd = new(17, 0);
    public const int MondayToFriday = (1 << (int)DayOfWeek.Monday) | (1 << (int)DayOfWeek.Tuesday) | (1 << (int)DayOfWeek.Wednesday)
        | (1 << (int)DayOfWeek.Thursday) | (1 << (int)DayOfWeek.Friday);

    public static readonly WorkingHours Default = new("UTC", DefaultStart, DefaultEnd, MondayToFriday);

    public static WorkingHours Of(string? zone, TimeOnly? start, TimeOnly? end, int? days)
    {
        var (s, e) = (start ?? DefaultStart, end ?? DefaultEnd);
        if (e <= s) (s, e) = (DefaultStart, DefaultEnd);
        var d = days is > 0 and < 128 ? days.Value : MondayToFriday;
        return new(zone ?? "UTC", s, e, d);
    }

    public static async Task<WorkingHours> OfUserAsync(ProspectorDb db, long? userId, CancellationToken ct) =>
        await db.Users.Where(u => u.Id == userId).Select(u => Of(u.TimeZone, u.WorkStart, u.WorkEnd, u.WorkDays)).FirstOrDefaultAsync(ct) ?? Default;

    public bool IsWorkingDay(DayOfWeek d) => (Days & (1 << (int)d)) != 0;

    /// <summary><paramref name="utc"/> itself when it falls in working hours, else the start of the next working day (UTC).</summary>
    public DateTime NextWorkingMoment(DateTime utc)
    {
        var zone = UserTime.Zone(TimeZone);
        var local = UserTime.ToLocal(utc, TimeZone);
        var time = TimeOnly.FromDateTime(local);
        if (IsWorkingDay(local.DayOfWeek) && time >= Start && time < End) return DateTime.SpecifyKind(utc, DateTimeKind.Utc);
        var day = DateOnly.FromDateTime(local);
        if (!(IsWorkingDay(local.DayOfWeek) && time < Start)) day = day.AddDays(1);
        for (var i = 0; i < 7 && !IsWorkingDay(day.DayOfWeek); i++) day = day.AddDays(1);
        return ToUtc(day.ToDateTime(Start), zone);
    }

    /// <summary>The same wall-clock time <paramref name="days"/> days later in the zone (10:00 stays 10:00 across a DST change).</summary>
    public DateTime AddLocalDays(DateTime utc, int days)
    {
        var zone = UserTime.Zone(TimeZone);
        return ToUtc(UserTime.ToLocal(utc, TimeZone).AddDays(days), zone);
    }

    private static DateTime ToUtc(DateTime local, TimeZoneInfo zone)
    {
        local = DateTime.SpecifyKind(local, DateTimeKind.Unspecified);
        // A wall-clock time skipped by a DST change (02:30 on the spring night) does not exist: take the hour after.
        while (zone.IsInvalidTime(local)) local = local.AddMinutes(30);
        return TimeZoneInfo.ConvertTimeToUtc(local, zone);
    }
}
