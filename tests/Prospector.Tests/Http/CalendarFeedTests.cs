using System.Net;
using System.Text;
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
}

public sealed class CalendarFeedTestsSqlite(SqliteApp f) : CalendarFeedTests(f.Factory), IClassFixture<SqliteApp>;
public sealed class CalendarFeedTestsPostgres(PostgresApp f) : CalendarFeedTests(f.Factory), IClassFixture<PostgresApp>;
