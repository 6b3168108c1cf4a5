using System.Security.Claims;
using Ical.Net.CalendarComponents;
using Ical.Net.DataTypes;
using Ical.Net.Serialization;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;
using Microsoft.Extensions.Options;
using Prospector.Data;
using Prospector.Features.Access;
using Prospector.Features.Auth;
using Prospector.Features.Common;
using Prospector.Features.NextActions;
using Prospector.Features.Reminders;

namespace Prospector.Features.Calendar;

public sealed record FeedStatus(bool Active);
public sealed record FeedCreated(string Url);

/// <summary>
/// Each user's secret calendar feed, /calendar/{token}.ics (RFC 5545, built with Ical.Net): open next actions (with a time as
/// events, without as all-day events), birthdays and anniversaries of the contacts they own (yearly, all-day). Events are
/// PRIVATE and carry no attendees or organizer, so subscribing never sends an invitation to a contact. The token is 256-bit
/// and stored only as a hash; an unknown or revoked token answers 404.
/// Timed events name the user's zone (TZID), defined by a complete VTIMEZONE (<see cref="TimeZoneRules"/>). Each event carries
/// the same reminders the app sends (VALARM): a timed action <see cref="ReminderOptions.LeadMinutes"/> before, an all-day one
/// at 08:00 of its day, a personal date at 08:00 its set days before and on the day. Lines are folded by <see cref="IcsLines"/>.
/// </summary>
public static class CalendarFeed
{
    /// <summary>The feed itself, at the address calendar apps subscribe to (<c>/calendar/{token}.ics</c>, outside <c>/api/v1</c>).</summary>
    public static IEndpointRouteBuilder MapCalendarFile(this IEndpointRouteBuilder app)
    {
        app.MapGet("/calendar/{token}.ics", Feed).AllowAnonymous().WithTags("Calendar");
        return app;
    }

    /// <summary>The user's own feed address (<c>/api/v1/calendar-feed</c>): whether there is one, a new one, turn it off.</summary>
    public static IEndpointRouteBuilder MapCalendarFeed(this IEndpointRouteBuilder app)
    {
        var g = app.MapGroup("/calendar-feed").WithTags("Calendar");
        g.MapGet("/", async (AccessScope scope, ProspectorDb db, CancellationToken ct) =>
            TypedResults.Ok(new FeedStatus(await db.Users.AnyAsync(u => u.Id == scope.UserId && u.CalendarTokenHash != null, ct))));
        g.MapPost("/", Create);
        g.MapDelete("/", async (AccessScope scope, ProspectorDb db, CancellationToken ct) =>
        {
            await SetHashAsync(db, scope.UserId, null, ct);
            return TypedResults.NoContent();
        });
        return app;
    }

    /// <summary>Creates (or replaces: the old URL stops working) the user's feed and returns its URL once.</summary>
    public static async Task<string> NewFeedAsync(ProspectorDb db, long userId, string baseUrl, CancellationToken ct)
    {
        var token = Secrets.New();
        await SetHashAsync(db, userId, Secrets.Hash(token), ct);
        return $"{baseUrl.TrimEnd('/')}/calendar/{token}.ics";
    }

    public static Task SetHashAsync(ProspectorDb db, long userId, string? hash, CancellationToken ct) =>
        db.Users.Where(u => u.Id == userId).ExecuteUpdateAsync(u => u.SetProperty(x => x.CalendarTokenHash, hash), ct);

    private static async Task<Created<FeedCreated>> Create(AccessScope scope, ProspectorDb db, HttpContext http, CancellationToken ct)
    {
        var url = await NewFeedAsync(db, scope.UserId, $"{http.Request.Scheme}://{http.Request.Host}{http.Request.PathBase}", ct);
        return TypedResults.Created("/api/v1/calendar-feed", new FeedCreated(url));
    }

    private static async Task<Results<ContentHttpResult, ProblemHttpResult>> Feed(string token, ProspectorDb db, RecordAccess access,
        IStringLocalizer<SharedResource> l, IOptions<ReminderOptions> reminders, TimeProvider time, CancellationToken ct)
    {
        var hash = Secrets.Hash(token);
        var user = await db.Users.FirstOrDefaultAsync(u => u.CalendarTokenHash == hash && u.DeactivatedAt == null, ct);
        if (user is null)
            return TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Calendar not found",
                detail: l["This calendar address is unknown or was revoked."]);
        var roles = await db.UserRoles.Where(r => r.UserId == user.Id).Join(db.Roles, r => r.RoleId, r => r.Id, (_, r) => r.Name!).ToListAsync(ct);
        var principal = new ClaimsPrincipal(new ClaimsIdentity(
            [new Claim(ClaimTypes.NameIdentifier, user.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)), .. roles.Select(r => new Claim(ClaimTypes.Role, r))], "feed"));
        var scope = await access.ScopeAsync(principal, ct);
        var ics = await BuildAsync(db, scope, user, l, reminders.Value.LeadMinutes, time.GetUtcNow().UtcDateTime, ct);
        return TypedResults.Content(ics, "text/calendar; charset=utf-8");
    }

    public static async Task<string> BuildAsync(ProspectorDb db, AccessScope scope, User user, IStringLocalizer l, int leadMinutes,
        DateTime now, CancellationToken ct)
    {
        var actions = await NextActionQueries.Visible(db, scope)
            .Where(a => a.AssigneeId == user.Id && a.Status == NextActionStatus.Open).OrderBy(a => a.DueAtUtc).Take(2000)
            .Select(a => new
            {
                a.Id, a.Type, a.DueDate, a.DueTime, a.Note, a.ContactId, a.OpportunityId, a.Version,
                Name = a.Opportunity != null ? a.Opportunity.Title : a.Contact != null ? Contact.NameOf(a.Contact.FirstName, a.Contact.NamePrefix, a.Contact.LastName) : ""
            })
            .ToListAsync(ct);
        // A day outside the product's years (stored before they were enforced) would overflow the feed's date arithmetic and
        // take the whole feed down: such an action is left out of the feed, not the feed out of the calendar.
        actions = [.. actions.Where(a => Dates.InRange(a.DueDate))];
        var dates = await scope.Filter(db.Contacts).Where(c => c.OwnerId == user.Id)
            .SelectMany(c => db.PersonalDates.Where(d => d.ContactId == c.Id),
                (c, d) => new { d.Id, d.Kind, d.Label, d.Month, d.Day, d.Year, d.RemindDaysBefore, c.FirstName, c.NamePrefix, c.LastName, ContactId = c.Id })
            .Take(5000).ToListAsync(ct);

        var zone = UserTime.Zone(user.TimeZone);
        var tzid = zone.Id;
        var calendar = new Ical.Net.Calendar { ProductId = "-//Prospector//Prospector CRM//EN" };
        calendar.AddProperty("X-WR-CALNAME", "Prospector");
        var timed = actions.Where(a => a.DueTime != null).Select(a => a.DueDate).ToList();
        var today = CurrentAction.Today(now, user.TimeZone);
        calendar.AddTimeZone(TimeZoneRules.Build(tzid, zone, timed.Count == 0 ? today : timed.Min(), timed.Count == 0 ? today : timed.Max()));
        var allDayAt = CurrentAction.AllDayAt.ToTimeSpan();
        var stamp = new CalDateTime(now.Year, now.Month, now.Day, now.Hour, now.Minute, now.Second, "UTC");
        ReminderTexts.In(new ReminderUser(user.Id, user.DisplayName, user.Email, user.Culture, user.TimeZone, 0, false, false), () =>
        {
            foreach (var a in actions)
            {
                var e = new CalendarEvent
                {
                    Uid = $"nextaction-{a.Id}@prospector", Summary = XmlText.Clean($"{Labels.ActionType(l, a.Type)}: {a.Name.Trim()}"),
                    Description = a.Note is null ? null : XmlText.Clean(a.Note),
                    Class = "PRIVATE", DtStamp = stamp, Sequence = a.Version,
                };
                if (a.DueTime is { } t)
                {
                    e.Start = new CalDateTime(a.DueDate.Year, a.DueDate.Month, a.DueDate.Day, t.Hour, t.Minute, 0, tzid);
                    e.Duration = Duration.FromMinutes(a.Type is NextActionType.Meeting or NextActionType.Visit ? 60 : 30);
                    e.Alarms.Add(Alarm(e.Summary, TimeSpan.FromMinutes(-leadMinutes)));
                }
                else
                {
                    e.Start = new CalDateTime(a.DueDate.Year, a.DueDate.Month, a.DueDate.Day);
                    e.End = e.Start.AddDays(1);
                    e.Alarms.Add(Alarm(e.Summary, allDayAt));
                }
                calendar.Events.Add(e);
            }
            foreach (var d in dates)
            {
                // A yearly event from the birth year when known (so calendars can count the years), else from 2000; 29 Feb from a leap year.
                var year = d.Year ?? 2000;
                var day = Math.Min(d.Day, DateTime.DaysInMonth(year, d.Month));
                var start = new CalDateTime(year, d.Month, day);
                var e = new CalendarEvent
                {
                    Uid = $"personaldate-{d.Id}@prospector", Class = "PRIVATE", DtStamp = stamp, Start = start, End = start.AddDays(1),
                    // RFC 5545 text holds no control characters (pasted ones are dropped, as in every file we write).
                    Summary = XmlText.Clean($"{Labels.DateKind(l, d.Kind)}{(d.Label is null ? "" : $" ({d.Label})")}: {Contact.NameOf(d.FirstName, d.NamePrefix, d.LastName)}"),
                    Transparency = "TRANSPARENT",
                };
                e.RecurrenceRule = new RecurrencePattern(Ical.Net.FrequencyType.Yearly, 1);
                foreach (var daysBefore in new[] { d.RemindDaysBefore, 0 }.Distinct())
                    e.Alarms.Add(Alarm(e.Summary, allDayAt - TimeSpan.FromDays(daysBefore)));
                calendar.Events.Add(e);
            }
            return true;
        });
        return IcsLines.Refold(new CalendarSerializer().SerializeToString(calendar) ?? "");
    }

    /// <summary>A display alarm at <paramref name="offset"/> from the event's start (negative: before).</summary>
    private static Alarm Alarm(string summary, TimeSpan offset) =>
        new() { Action = "DISPLAY", Description = summary, Trigger = new Trigger(DurationText(offset)) };

    /// <summary>An RFC 5545 dur-value, e.g. -PT15M, PT8H, -P6DT16H.</summary>
    public static string DurationText(TimeSpan t)
    {
        var sign = t < TimeSpan.Zero ? "-" : "";
        t = t.Duration();
        var time = (t.Hours > 0 ? $"{t.Hours}H" : "") + (t.Minutes > 0 ? $"{t.Minutes}M" : "");
        return t == TimeSpan.Zero ? "PT0S" : $"{sign}P{(t.Days > 0 ? $"{t.Days}D" : "")}{(time.Length > 0 ? "T" + time : "")}";
    }

}
