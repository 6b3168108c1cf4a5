using System.Net;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Prospector.Tests.Infrastructure;
using static Prospector.Tests.Http.QualificationSteps;

namespace Prospector.Tests.Http;

/// <summary>The secret ICS feed, parsed back with Ical.Net and read field by field.</summary>
public abstract class CalendarFeedTests(ProspectorFactory app)
{
    private static string PathOf(string url) => new Uri(url).PathAndQuery;

    [Fact]
    public async Task The_feed_holds_the_users_visible_actions_and_birthdays_as_valid_private_events()
    {
        var rep = await app.UserAsync("Rep", "Nord");
        const string awkward = "Dr. Müller, Hans; \"The Boss\"";
        var contact = (await rep.Client.CreateAsync(Contacts, new
        {
            firstName = "Hans", lastName = awkward, stage = "Lead", email = "hans@example.com",
            personalDates = new[] { new { kind = "Birthday", month = 2, day = 29, year = 1976, remindDaysBefore = 7 } },
        })).GetProperty("id").GetInt64();
        var longNote = "Line one, with commas; and semicolons\nLine two " + new string('x', 120);
        var timed = (await rep.Client.CreateAsync("/api/v1/tasks",
            new { contactId = contact, type = "Meeting", dueDate = Today.AddDays(2), dueTime = "14:30", note = longNote })).GetProperty("id").GetInt64();
        var other = await rep.Client.NewLeadAsync("AllDay");
        var allDay = (await rep.Client.CreateAsync("/api/v1/tasks", new { contactId = other, type = "Call", dueDate = Today.AddDays(3) })).GetProperty("id").GetInt64();
        // Someone else's action in another team must not appear.
        var stranger = await app.UserAsync("Rep", "Süd");
        var theirs = await stranger.Client.NewLeadAsync("Secret");
        await stranger.Client.CreateAsync("/api/v1/tasks", new { contactId = theirs, type = "Call", dueDate = Today.AddDays(1) });

        var url = (await rep.Client.CreateAsync("/api/v1/calendar-feed", new { })).GetProperty("url").GetString()!;
        var anonymous = app.CreateClient();
        var res = await anonymous.GetAsync(PathOf(url));
        Assert.Equal(HttpStatusCode.OK, res.StatusCode);
        Assert.Equal("text/calendar", res.Content.Headers.ContentType?.MediaType);
        var text = await res.Content.ReadAsStringAsync();

        // RFC 5545 framing: CRLF line ends, no line longer than 75 octets (long ones are folded).
        Assert.DoesNotContain(text.Replace("\r\n", ""), c => c == '\n');
        Assert.All(text.Split("\r\n"), line => Assert.True(Encoding.UTF8.GetByteCount(line) <= 75, $"unfolded line: {line}"));
        Assert.DoesNotContain("ATTENDEE", text);
        Assert.DoesNotContain("ORGANIZER", text);
        Assert.DoesNotContain("Secret", text);

        var calendar = Ical.Net.Calendar.Load(text)!;
        var meeting = calendar.Events.Single(e => e.Uid == $"nextaction-{timed}@prospector");
        Assert.Equal($"Meeting: Hans {awkward}", meeting.Summary);
        Assert.Equal(longNote, meeting.Description);
        Assert.Equal("PRIVATE", meeting.Class);
        Assert.Equal("Europe/Berlin", meeting.Start!.TzId);
        Assert.Equal((Today.AddDays(2), new TimeOnly(14, 30)), (DateOnly.FromDateTime(meeting.Start.Value), TimeOnly.FromDateTime(meeting.Start.Value)));
        Assert.True(meeting.Start.HasTime);
        Assert.NotNull(meeting.DtStamp);
        Assert.Contains(calendar.TimeZones, z => z.TzId == "Europe/Berlin");

        var call = calendar.Events.Single(e => e.Uid == $"nextaction-{allDay}@prospector");
        Assert.False(call.Start!.HasTime);
        Assert.Equal(Today.AddDays(3), DateOnly.FromDateTime(call.Start.Value));

        var birthday = calendar.Events.Single(e => e.Uid!.StartsWith("personaldate-", StringComparison.Ordinal));
        Assert.Equal($"Birthday: Hans {awkward}", birthday.Summary);
        Assert.Equal(Ical.Net.FrequencyType.Yearly, birthday.RecurrenceRule!.Frequency);
        Assert.Equal((1976, 2, 29), (birthday.Start!.Year, birthday.Start.Month, birthday.Start.Day));
        Assert.False(birthday.Start.HasTime);
        Assert.Equal(3, calendar.Events.Count);

        // The same UID on every fetch, so calendar apps update instead of duplicating.
        var again = Ical.Net.Calendar.Load(await anonymous.GetStringAsync(PathOf(url)))!;
        Assert.Equal(calendar.Events.Select(e => e.Uid).Order(), again.Events.Select(e => e.Uid).Order());
    }

    [Fact]
    public async Task Unknown_regenerated_and_revoked_feeds_answer_404()
    {
        var rep = await app.UserAsync("Rep", "Nord");
        var anonymous = app.CreateClient();
        Assert.Equal(HttpStatusCode.NotFound, (await anonymous.GetAsync("/calendar/not-a-token.ics")).StatusCode);
        var first = (await rep.Client.CreateAsync("/api/v1/calendar-feed", new { })).GetProperty("url").GetString()!;
        Assert.True(first.Length - first.LastIndexOf('/') > 40); // 256 bits, base64url
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync(PathOf(first))).StatusCode);
        var second = (await rep.Client.CreateAsync("/api/v1/calendar-feed", new { })).GetProperty("url").GetString()!;
        Assert.Equal(HttpStatusCode.NotFound, (await anonymous.GetAsync(PathOf(first))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync(PathOf(second))).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await rep.Client.DeleteAsync("/api/v1/calendar-feed")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await anonymous.GetAsync(PathOf(second))).StatusCode);
        Assert.False((await rep.Client.GetJsonAsync("/api/v1/calendar-feed")).GetProperty("active").GetBoolean());
    }

    private const int LeadMinutes = 25; // set for this class's app (not the default 15), see the fixtures below

    private async Task<IcsReader> FeedAsync(TestUser user)
    {
        var url = (await user.Client.CreateAsync("/api/v1/calendar-feed", new { })).GetProperty("url").GetString()!;
        var res = await app.CreateClient().GetAsync(PathOf(url));
        Assert.Equal(HttpStatusCode.OK, res.StatusCode);
        return new IcsReader(await res.Content.ReadAsByteArrayAsync());
    }

    private async Task<long> CallAsync(TestUser user, DateOnly day, string time, string lastName = "Call")
    {
        var contact = await user.Client.NewLeadAsync(lastName);
        return (await user.Client.CreateAsync("/api/v1/tasks", new { contactId = contact, type = "Call", dueDate = day, dueTime = time }))
            .GetProperty("id").GetInt64();
    }

    private static IcsReader.Component Event(IcsReader ics, long action) => ics.Events.Single(e => e.Value("UID") == $"nextaction-{action}@prospector");

    [Theory]
    [InlineData("Europe/Berlin", 1, "04:13", 7, "03:13")]   // CET +01:00 in winter, CEST +02:00 in summer
    [InlineData("Australia/Sydney", 7, "19:13", 1, "18:13")] // AEST +10:00 in July, AEDT +11:00 in January (the day before in UTC)
    public async Task Every_zone_the_feed_uses_is_defined_by_rules_that_put_a_05_13_call_at_the_right_instant(
        string zone, int standardMonth, string standardUtc, int daylightMonth, string daylightUtc)
    {
        var rep = await app.UserAsync("Rep", "Nord");
        await app.WithDbAsync((db, _) => db.Users.Where(u => u.Id == rep.Id).ExecuteUpdateAsync(u => u.SetProperty(x => x.TimeZone, zone)));
        var year = Today.Year + 1;
        var standard = await CallAsync(rep, new DateOnly(year, standardMonth, 15), "05:13");
        var daylight = await CallAsync(rep, new DateOnly(year, daylightMonth, 15), "05:13");
        var ics = await FeedAsync(rep);

        // Every TZID used is defined, and this zone with both kinds of observance.
        var used = ics.TzIdsUsed();
        Assert.Equal([zone], used);
        foreach (var tzid in used)
        {
            var tz = ics.TimeZone(tzid);
            Assert.Contains(tz.Children, c => c.Name == "STANDARD");
            Assert.Contains(tz.Children, c => c.Name == "DAYLIGHT");
            // The observances chain: each onset starts from the offset the previous one went to.
            var onsets = ics.Onsets(tzid, year + 2);
            Assert.True(onsets.Count >= 4, $"{onsets.Count} onsets");
            Assert.All(onsets.Zip(onsets.Skip(1)), pair => Assert.Equal(pair.First.To, pair.Second.From));
        }

        foreach (var (action, month, utc) in new[] { (standard, standardMonth, standardUtc), (daylight, daylightMonth, daylightUtc) })
        {
            var start = Event(ics, action).Get("DTSTART")!;
            Assert.Equal(zone, start.Params["TZID"]);
            Assert.Equal($"{year}{month:00}15T051300", start.Value);
            var at = ics.ToUtc(zone, IcsReader.Local(start.Value));
            var expectedDay = utc.CompareTo("05:13") > 0 ? 14 : 15;
            Assert.Equal(new DateTime(year, month, expectedDay, 0, 0, 0, DateTimeKind.Utc) + TimeSpan.Parse(utc, System.Globalization.CultureInfo.InvariantCulture), at);
        }

        // And the rules agree with the time zone database at noon on every day of the events' year and the next.
        var tzinfo = TimeZoneInfo.FindSystemTimeZoneById(zone);
        for (var day = new DateTime(year, 1, 1); day.Year <= year + 1; day = day.AddDays(1))
        {
            var noon = day.AddHours(12);
            Assert.Equal(TimeZoneInfo.ConvertTimeToUtc(noon, tzinfo), ics.ToUtc(zone, noon));
        }
    }

    [Fact]
    public async Task Folding_keeps_every_line_within_75_octets_and_never_cuts_an_emoji_in_half()
    {
        var rep = await app.UserAsync("Rep", "Nord");
        const string name = "Jürgen 😀 🎉";
        // "SUMMARY:Call: " is 14 octets; 38 to 60 letters of padding walk the emoji (4 octets each) across the 75-octet boundary.
        var actions = new Dictionary<long, (string Summary, string Note)>();
        for (var pad = 38; pad <= 60; pad++)
        {
            var contact = (await rep.Client.CreateAsync(Contacts, new { firstName = new string('a', pad), lastName = name, stage = "Lead" }))
                .GetProperty("id").GetInt64();
            var note = string.Concat(Enumerable.Repeat("😀🎉ü", pad)); // a long description folded many times, at every alignment
            var id = (await rep.Client.CreateAsync("/api/v1/tasks", new { contactId = contact, type = "Call", dueDate = Today.AddDays(1), note }))
                .GetProperty("id").GetInt64();
            actions[id] = ($"Call: {new string('a', pad)} {name}", note);
        }

        var ics = await FeedAsync(rep); // the reader fails on a line over 75 octets or a line that is not valid UTF-8 by itself
        foreach (var (id, (summary, note)) in actions)
        {
            var e = Event(ics, id);
            Assert.Equal(summary, IcsReader.Text(e.Value("SUMMARY")!));
            Assert.Equal(note, IcsReader.Text(e.Value("DESCRIPTION")!));
            Assert.DoesNotContain('\uFFFD', e.Value("SUMMARY")!);
        }
    }

    [Fact]
    public async Task Each_event_alarms_when_the_app_reminds()
    {
        var rep = await app.UserAsync("Rep", "Nord");
        var timed = await CallAsync(rep, Today.AddDays(2), "09:30");
        var allDay = (await rep.Client.CreateAsync("/api/v1/tasks", new { contactId = await rep.Client.NewLeadAsync("AllDay"), type = "Email", dueDate = Today.AddDays(3) }))
            .GetProperty("id").GetInt64();
        await rep.Client.CreateAsync(Contacts, new
        {
            firstName = "Bea", lastName = "Birthday", stage = "Lead",
            personalDates = new[] { new { kind = "Birthday", month = 5, day = 4, year = 1980, remindDaysBefore = 7 } },
        });
        var ics = await FeedAsync(rep);

        List<TimeSpan> Triggers(IcsReader.Component e)
        {
            var alarms = e.Children.Where(c => c.Name == "VALARM").ToList();
            Assert.All(alarms, a =>
            {
                Assert.Equal("DISPLAY", a.Value("ACTION"));
                Assert.False(string.IsNullOrWhiteSpace(a.Value("DESCRIPTION"))); // required for DISPLAY
                Assert.False(a.Get("TRIGGER")!.Params.ContainsKey("RELATED")); // relative to the start
            });
            return [.. alarms.Select(a => IcsReader.Duration(a.Value("TRIGGER")!)).Order()];
        }
        // A timed action: the reminder lead time before it, as the in-app and e-mail reminder.
        Assert.Equal([TimeSpan.FromMinutes(-LeadMinutes)], Triggers(Event(ics, timed)));
        // An all-day action: 08:00 of its day.
        Assert.Equal([TimeSpan.FromHours(8)], Triggers(Event(ics, allDay)));
        // A birthday: 08:00 seven days before, and 08:00 on the day.
        var birthday = ics.Events.Single(e => e.Value("UID")!.StartsWith("personaldate-", StringComparison.Ordinal));
        Assert.Equal([TimeSpan.FromHours(8) - TimeSpan.FromDays(7), TimeSpan.FromHours(8)], Triggers(birthday));
    }
}

public sealed class CalendarSqliteApp : IAsyncLifetime
{
    public ProspectorFactory Factory { get; } = new(Provider.Sqlite, new Dictionary<string, string?> { ["Reminders:LeadMinutes"] = "25" });
    public Task InitializeAsync() => Task.CompletedTask;
    public async Task DisposeAsync() => await Factory.DisposeAsync();
}

public sealed class CalendarPostgresApp : IAsyncLifetime
{
    public ProspectorFactory Factory { get; } = new(Provider.Postgres, new Dictionary<string, string?> { ["Reminders:LeadMinutes"] = "25" });
    public Task InitializeAsync() => Task.CompletedTask;
    public async Task DisposeAsync() => await Factory.DisposeAsync();
}

public sealed class CalendarFeedTestsSqlite(CalendarSqliteApp f) : CalendarFeedTests(f.Factory), IClassFixture<CalendarSqliteApp>;
public sealed class CalendarFeedTestsPostgres(CalendarPostgresApp f) : CalendarFeedTests(f.Factory), IClassFixture<CalendarPostgresApp>;
