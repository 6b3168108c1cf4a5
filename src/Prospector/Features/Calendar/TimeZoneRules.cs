using System.Globalization;
using Ical.Net;
using Ical.Net.CalendarComponents;
using Ical.Net.DataTypes;

namespace Prospector.Features.Calendar;

/// <summary>
/// A complete VTIMEZONE (RFC 5545 §3.6.5) for a zone, built from the same <see cref="TimeZoneInfo"/> the app converts with:
/// every UTC offset change between a year before <c>from</c> and two years after <c>to</c> becomes a STANDARD or DAYLIGHT
/// observance. Changes that recur on the same rule every year (Berlin: last Sunday of March and of October) become one
/// observance with a yearly RRULE, the way Outlook writes them; the last rule stays open-ended. A zone without changes gets
/// a single STANDARD observance.
/// </summary>
public static class TimeZoneRules
{
    private sealed record Change(DateTime Utc, TimeSpan From, TimeSpan To, bool Daylight)
    {
        /// <summary>The onset as local time in the offset before it, as DTSTART in an observance is written.</summary>
        public DateTime Local => Utc + From;
    }

    public static VTimeZone Build(string tzid, TimeZoneInfo zone, DateOnly from, DateOnly to)
    {
        var tz = new VTimeZone(tzid);
        var start = new DateTime(from.Year - 1, 1, 1, 0, 0, 0, DateTimeKind.Utc);
        var end = new DateTime(to.Year + 3, 1, 1, 0, 0, 0, DateTimeKind.Utc);
        var changes = Changes(zone, start, end);
        if (changes.Count == 0)
        {
            var offset = zone.GetUtcOffset(start);
            tz.AddChild(Observance(false, offset, offset, new DateTime(1970, 1, 1)));
            return tz;
        }
        foreach (var kind in changes.GroupBy(c => (c.Daylight, c.From, c.To)))
        {
            var list = kind.OrderBy(c => c.Utc).ToList();
            for (var i = 0; i < list.Count;)
            {
                var (length, byDay) = Run(list, i);
                var first = list[i];
                var o = Observance(first.Daylight, first.From, first.To, first.Local);
                if (length > 1)
                {
                    var last = list[i + length - 1];
                    // The rule of the latest years stays open-ended; an older rule ends with its last change.
                    var until = last.Utc.Year >= end.Year - 2 ? "" : $";UNTIL={last.Utc:yyyyMMdd'T'HHmmss'Z'}";
                    o.RecurrenceRule = new RecurrencePattern($"FREQ=YEARLY;BYMONTH={first.Local.Month};BYDAY={byDay}{until}");
                }
                tz.AddChild(o);
                i += length;
            }
        }
        return tz;
    }

    private static VTimeZoneInfo Observance(bool daylight, TimeSpan from, TimeSpan to, DateTime local) =>
        new(daylight ? Ical.Net.Components.Daylight : Ical.Net.Components.Standard)
        {
            OffsetFrom = new UtcOffset(from), OffsetTo = new UtcOffset(to),
            Start = new CalDateTime(local.Year, local.Month, local.Day, local.Hour, local.Minute, local.Second),
        };

    /// <summary>How many changes from <paramref name="i"/> on follow one yearly rule, and that rule's BYDAY.</summary>
    private static (int Length, string ByDay) Run(List<Change> list, int i)
    {
        var first = list[i].Local;
        string[] Rules(DateTime d) =>
        [
            ((d.Day - 1) / 7 + 1).ToString(CultureInfo.InvariantCulture) + Day(d.DayOfWeek),
            .. d.Day + 7 > DateTime.DaysInMonth(d.Year, d.Month) ? ["-1" + Day(d.DayOfWeek)] : Array.Empty<string>(),
        ];
        var rules = Rules(first).ToHashSet();
        var length = 1;
        while (i + length < list.Count)
        {
            var next = list[i + length].Local;
            var previous = list[i + length - 1].Local;
            var common = rules.Intersect(Rules(next)).ToHashSet();
            if (next.Year != previous.Year + 1 || next.Month != first.Month || next.TimeOfDay != first.TimeOfDay || common.Count == 0) break;
            rules = common;
            length++;
        }
        // "Last Sunday" is the sturdier rule when both fit (a 5th Sunday in another year).
        return (length, rules.OrderBy(r => r.StartsWith('-') ? 0 : 1).First());
    }

    private static string Day(DayOfWeek d) => d.ToString()[..2].ToUpperInvariant();

    /// <summary>Every instant in [start, end) at which the zone's UTC offset changes, to the minute.</summary>
    private static List<Change> Changes(TimeZoneInfo zone, DateTime start, DateTime end)
    {
        var changes = new List<Change>();
        var before = zone.GetUtcOffset(start);
        for (var day = start.AddDays(1); day <= end; day = day.AddDays(1))
        {
            var after = zone.GetUtcOffset(day);
            if (after == before) continue;
            // The offset changed within the last day: find the first minute with the new offset.
            DateTime lo = day.AddDays(-1), hi = day;
            while ((hi - lo).TotalMinutes > 1)
            {
                var mid = lo.AddMinutes(Math.Floor((hi - lo).TotalMinutes / 2));
                if (zone.GetUtcOffset(mid) == before) lo = mid; else hi = mid;
            }
            changes.Add(new Change(hi, before, after, zone.IsDaylightSavingTime(new DateTimeOffset(hi))));
            before = after;
        }
        return changes;
    }
}
