using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Localization;
using Prospector.Data;
using Prospector.Features.Access;
using Prospector.Features.Conversations;
using Prospector.Tests.Infrastructure;
using static Prospector.Tests.Http.QualificationSteps;

namespace Prospector.Tests.Http;

/// <summary>
/// A To do a rep can work through: several next actions rescheduled or handed over at once (all or nothing, each one
/// access-checked, a hand-over outside the team refused), long buckets a page at a time; upcoming birthdays and
/// anniversaries by the user's day with the address for a card; birthdays in the contacts export; a deal's timeline that
/// names steps and owners instead of ids.
/// </summary>
public abstract class TodoWorkTests(ProspectorFactory app)
{
    private const string Tasks = "/api/v1/tasks";

    private static async Task<long> TaskAsync(HttpClient client, DateOnly due, string? time = null)
    {
        var lead = await client.NewLeadAsync(TestHttp.Unique("Todo"));
        return (await client.CreateAsync(Tasks, new { contactId = lead, type = "Call", dueDate = due, dueTime = time })).GetProperty("id").GetInt64();
    }

    private Task<NextAction> ActionAsync(long id) => app.WithDbAsync((db, _) => db.NextActions.AsNoTracking().SingleAsync(a => a.Id == id));

    [Fact]
    public async Task Bulk_reschedule_moves_every_selected_action_or_none()
    {
        var rep = await app.UserAsync("Rep", "Nord");
        var stranger = await app.UserAsync("Rep", "Süd");
        var (a, b, c) = (await TaskAsync(rep.Client, Today.AddDays(1), "10:30"), await TaskAsync(rep.Client, Today.AddDays(2)), await TaskAsync(rep.Client, Today.AddDays(3)));
        var theirs = await TaskAsync(stranger.Client, Today.AddDays(1));

        var res = await rep.Client.PostAsJsonAsync($"{Tasks}/bulk", new { ids = new[] { a, b }, action = "Reschedule", dueDate = Today.AddDays(7) });
        Assert.Equal(HttpStatusCode.OK, res.StatusCode);
        var body = await res.ReadJsonAsync();
        Assert.Equal(2, body.GetProperty("changed").GetInt32());
        Assert.Equal((Today.AddDays(7), new TimeOnly(10, 30)), ((await ActionAsync(a)).DueDate, (await ActionAsync(a)).DueTime!.Value)); // the time of day stays
        Assert.Equal(Today.AddDays(7), (await ActionAsync(b)).DueDate);
        Assert.Equal(Today.AddDays(3), (await ActionAsync(c)).DueDate); // not selected

        // One id the rep cannot see (another team's) refuses the lot, by its place in the list; nothing moves.
        res = await rep.Client.PostAsJsonAsync($"{Tasks}/bulk", new { ids = new[] { a, c, theirs }, action = "Reschedule", dueDate = Today.AddDays(9) });
        await TestHttp.AssertValidationProblemAsync(res, "ids[2]");
        Assert.Equal((Today.AddDays(7), Today.AddDays(3), Today.AddDays(1)),
            ((await ActionAsync(a)).DueDate, (await ActionAsync(c)).DueDate, (await ActionAsync(theirs)).DueDate));

        // A day in the past is refused for each id, again keeping everything.
        res = await rep.Client.PostAsJsonAsync($"{Tasks}/bulk", new { ids = new[] { b, c }, action = "Reschedule", dueDate = Today.AddDays(-10) });
        await TestHttp.AssertValidationProblemAsync(res, "ids[0]");
        Assert.Equal(Today.AddDays(3), (await ActionAsync(c)).DueDate);

        await TestHttp.AssertValidationProblemAsync(await rep.Client.PostAsJsonAsync($"{Tasks}/bulk", new { ids = new[] { a }, action = "Reschedule" }), "dueDate");
        await TestHttp.AssertValidationProblemAsync(await rep.Client.PostAsJsonAsync($"{Tasks}/bulk", new { ids = Array.Empty<long>(), action = "Reschedule", dueDate = Today }), "ids");
        await TestHttp.AssertValidationProblemAsync(await rep.Client.PostAsJsonAsync($"{Tasks}/bulk", new { ids = new[] { a, a }, action = "Reschedule", dueDate = Today }), "ids");
        await TestHttp.AssertValidationProblemAsync(await rep.Client.PostAsJsonAsync($"{Tasks}/bulk", new { ids = new[] { a } }), "action");
    }

    [Fact]
    public async Task Bulk_reassign_hands_over_inside_the_team_and_refuses_another_team()
    {
        var rep = await app.UserAsync("Rep", "Nord");
        var mate = await app.UserAsync("Rep", "Nord");
        var stranger = await app.UserAsync("Rep", "Süd");
        // An overdue action can be handed over as it stands (its old date is no new date in the past).
        var overdue = await app.WithDbAsync(async (db, _) =>
        {
            var contact = new Contact { FirstName = "Olga", LastName = "Overdue", OwnerId = rep.Id, TeamId = rep.TeamId };
            db.Contacts.Add(contact);
            await db.SaveChangesAsync();
            var action = new NextAction
            {
                ContactId = contact.Id, Type = NextActionType.Call, DueDate = Today.AddDays(-5), DueAtUtc = DateTime.UtcNow.AddDays(-5),
                AssigneeId = rep.Id, Status = NextActionStatus.Open,
            };
            db.NextActions.Add(action);
            await db.SaveChangesAsync();
            return action.Id;
        });
        var (a, b) = (await TaskAsync(rep.Client, Today.AddDays(1)), await TaskAsync(rep.Client, Today.AddDays(2)));

        var refused = await rep.Client.PostAsJsonAsync($"{Tasks}/bulk", new { ids = new[] { a, b }, action = "Reassign", assigneeId = stranger.Id });
        await TestHttp.AssertValidationProblemAsync(refused, "assigneeId");
        Assert.Equal((rep.Id, rep.Id), ((await ActionAsync(a)).AssigneeId!.Value, (await ActionAsync(b)).AssigneeId!.Value));

        // The stranger cannot take them either: they cannot see them.
        var grab = await stranger.Client.PostAsJsonAsync($"{Tasks}/bulk", new { ids = new[] { a }, action = "Reassign", assigneeId = stranger.Id });
        await TestHttp.AssertValidationProblemAsync(grab, "ids[0]");

        var res = await rep.Client.PostAsJsonAsync($"{Tasks}/bulk", new { ids = new[] { a, b, overdue }, action = "Reassign", assigneeId = mate.Id });
        Assert.Equal(HttpStatusCode.OK, res.StatusCode);
        foreach (var id in new[] { a, b, overdue }) Assert.Equal(mate.Id, (await ActionAsync(id)).AssigneeId);
        Assert.Equal(Today.AddDays(-5), (await ActionAsync(overdue)).DueDate);
        // They are now in the mate's To do, and out of the rep's.
        var matesUpcoming = (await mate.Client.GetJsonAsync($"{Tasks}?bucket=Upcoming")).Ids().ToList();
        Assert.Contains(a, matesUpcoming);
        Assert.Contains(b, matesUpcoming);
        Assert.Contains(overdue, (await mate.Client.GetJsonAsync($"{Tasks}?bucket=Overdue")).Ids());
        Assert.DoesNotContain(a, (await rep.Client.GetJsonAsync($"{Tasks}?bucket=Upcoming")).Ids());
    }

    [Fact]
    public async Task A_long_bucket_comes_a_page_at_a_time_and_every_action_once()
    {
        var rep = await app.UserAsync("Rep", "Nord");
        var ids = new List<long>();
        for (var i = 0; i < 5; i++) ids.Add(await TaskAsync(rep.Client, Today.AddDays(2 + i)));

        var first = await rep.Client.GetJsonAsync($"{Tasks}?bucket=Upcoming&pageSize=2");
        var second = await rep.Client.GetJsonAsync($"{Tasks}?bucket=Upcoming&pageSize=2&page=2");
        var third = await rep.Client.GetJsonAsync($"{Tasks}?bucket=Upcoming&pageSize=2&page=3");
        Assert.Equal(5, first.GetProperty("total").GetInt32());
        Assert.Equal([2, 2, 1], new[] { first, second, third }.Select(p => p.Ids().Count()));
        Assert.Equal(ids, first.Ids().Concat(second.Ids()).Concat(third.Ids()).ToList()); // soonest first, none twice
        // Without paging parameters the contract is unchanged: the first page of the default size.
        Assert.Equal(ids, (await rep.Client.GetJsonAsync($"{Tasks}?bucket=Upcoming")).Ids().ToList());
        await TestHttp.AssertValidationProblemAsync(await rep.Client.GetAsync($"{Tasks}?bucket=Upcoming&pageSize=0"), "pageSize");
    }

    private Task SetZoneAsync(long userId, string zone) =>
        app.WithDbAsync(async (db, _) => { (await db.Users.SingleAsync(u => u.Id == userId)).TimeZone = zone; return await db.SaveChangesAsync(); });

    private static object Birthday(int month, int day, int? year = null, string kind = "Birthday") => new { kind, month, day, year, remindDaysBefore = 7 };

    [Fact]
    public async Task Upcoming_dates_follow_the_users_day_and_hold_the_address_for_a_card()
    {
        var rep = await app.UserAsync("Rep", "Nord");
        var stranger = await app.UserAsync("Rep", "Süd");
        var company = (await rep.Client.CreateAsync("/api/v1/companies", new { name = "Bäckerei Schmitz GmbH", street = "Hauptstr. 1", postalCode = "50667", city = "Köln", country = "DE" }))
            .GetProperty("id").GetInt64();
        var yesterday = (await rep.Client.CreateAsync(Contacts, new { firstName = "Ines", lastName = "Ninth", street = "Rosenweg 3", postalCode = "10115", city = "Berlin", personalDates = new[] { Birthday(3, 9, 1980) } })).GetProperty("id").GetInt64();
        var today = (await rep.Client.CreateAsync(Contacts, new { firstName = "Till", lastName = "Tenth", companyId = company, personalDates = new[] { Birthday(3, 10, null, "Anniversary") } })).GetProperty("id").GetInt64();
        var later = (await rep.Client.CreateAsync(Contacts, new { firstName = "Leo", lastName = "Later", personalDates = new[] { Birthday(4, 20, 1990) } })).GetProperty("id").GetInt64();
        try
        {
            // 23:30 UTC on 9 March: already the 10th in Berlin, still the 9th in New York.
            app.Clock.Offset = new DateTime(2027, 3, 9, 23, 30, 0, DateTimeKind.Utc) - DateTime.UtcNow;
            await SetZoneAsync(rep.Id, "Europe/Berlin");
            var berlin = await rep.Client.GetJsonAsync("/api/v1/contacts/upcoming-dates?days=30");
            Assert.Equal(("2027-03-10", "2027-04-09"), (berlin.Str("from"), berlin.Str("to")));
            var items = Items(berlin, [yesterday, today, later]);
            Assert.Equal([today], items.Select(i => i.GetProperty("contactId").GetInt64()));
            Assert.Equal(("2027-03-10", 0, "Anniversary"), (items[0].Str("date"), items[0].GetProperty("inDays").GetInt32(), items[0].Str("kind")));
            // Till has no address of his own: the card goes to his company, and says so.
            var address = items[0].GetProperty("address");
            Assert.Equal(("Hauptstr. 1", "50667", "Köln", "True"), (address.Str("street"), address.Str("postalCode"), address.Str("city"), address.Str("ofCompany")));
            Assert.Equal("Bäckerei Schmitz GmbH", items[0].Str("companyName"));
            // Ines's birthday of the 9th has passed in Berlin: next year's, a year away; Leo's is 41 days away.
            var year = Items(await rep.Client.GetJsonAsync("/api/v1/contacts/upcoming-dates?days=366"), [yesterday, today, later]);
            Assert.Equal([(today, "2027-03-10", 0), (later, "2027-04-20", 41), (yesterday, "2028-03-09", 365)],
                year.Select(i => (i.GetProperty("contactId").GetInt64(), i.Str("date")!, i.GetProperty("inDays").GetInt32())));

            await SetZoneAsync(rep.Id, "America/New_York");
            var newYork = Items(await rep.Client.GetJsonAsync("/api/v1/contacts/upcoming-dates?days=30"), [yesterday, today, later]);
            Assert.Equal([yesterday, today], newYork.Select(i => i.GetProperty("contactId").GetInt64()));
            Assert.Equal(("2027-03-09", 0, "47"), (newYork[0].Str("date"), newYork[0].GetProperty("inDays").GetInt32(), newYork[0].Str("years")));
            Assert.Equal(("Rosenweg 3", "False"), (newYork[0].GetProperty("address").Str("street"), newYork[0].GetProperty("address").Str("ofCompany")));

            // Another team does not see these contacts, nor their dates.
            Assert.Empty(Items(await stranger.Client.GetJsonAsync("/api/v1/contacts/upcoming-dates?days=366"), [yesterday, today, later]));
            await TestHttp.AssertValidationProblemAsync(await rep.Client.GetAsync("/api/v1/contacts/upcoming-dates?days=400"), "days");
        }
        finally
        {
            app.Clock.Offset = TimeSpan.Zero;
            await SetZoneAsync(rep.Id, "Europe/Berlin");
        }
    }

    /// <summary>The entries of these contacts (other tests' contacts share the database).</summary>
    private static List<JsonElement> Items(JsonElement view, long[] contacts) =>
        [.. view.GetProperty("items").EnumerateArray().Where(i => contacts.Contains(i.GetProperty("contactId").GetInt64()))];

    [Fact]
    public async Task A_29_February_birthday_falls_on_28_February_in_other_years()
    {
        var rep = await app.UserAsync("Rep", "Nord");
        var leap = (await rep.Client.CreateAsync(Contacts, new { firstName = "Lea", lastName = "Leap", personalDates = new[] { Birthday(2, 29, 1976) } })).GetProperty("id").GetInt64();
        var march = (await rep.Client.CreateAsync(Contacts, new { firstName = "Max", lastName = "March", personalDates = new[] { Birthday(3, 1, 1976) } })).GetProperty("id").GetInt64();
        try
        {
            app.Clock.Offset = new DateTime(2027, 2, 20, 12, 0, 0, DateTimeKind.Utc) - DateTime.UtcNow;
            var in2027 = Items(await rep.Client.GetJsonAsync("/api/v1/contacts/upcoming-dates?days=30"), [leap, march]);
            Assert.Equal([("2027-02-28", "51"), ("2027-03-01", "51")], in2027.Select(i => (i.Str("date")!, i.Str("years")!)));

            app.Clock.Offset = new DateTime(2028, 2, 20, 12, 0, 0, DateTimeKind.Utc) - DateTime.UtcNow;
            var in2028 = Items(await rep.Client.GetJsonAsync("/api/v1/contacts/upcoming-dates?days=30"), [leap, march]);
            Assert.Equal([("2028-02-29", "52"), ("2028-03-01", "52")], in2028.Select(i => (i.Str("date")!, i.Str("years")!)));

            // On 28 February of a year without a 29th it is today, not missed.
            app.Clock.Offset = new DateTime(2027, 2, 28, 12, 0, 0, DateTimeKind.Utc) - DateTime.UtcNow;
            var onThe28th = Items(await rep.Client.GetJsonAsync("/api/v1/contacts/upcoming-dates?days=0"), [leap, march]);
            Assert.Equal(("2027-02-28", 0), (Assert.Single(onThe28th).Str("date"), onThe28th[0].GetProperty("inDays").GetInt32()));
        }
        finally
        {
            app.Clock.Offset = TimeSpan.Zero;
        }
    }

    [Fact]
    public async Task The_contacts_export_has_a_birthday_column_the_importer_reads_back()
    {
        var rep = await app.UserAsync("Rep", "Nord");
        var name = TestHttp.Unique("Geburtstag");
        await rep.Client.CreateAsync(Contacts, new { firstName = "Mit", lastName = name, personalDates = new[] { Birthday(2, 29, 1976), Birthday(6, 1, 2001, "Anniversary") } });
        await rep.Client.CreateAsync(Contacts, new { firstName = "Ohne", lastName = name, personalDates = new[] { Birthday(12, 24) } });
        await rep.Client.CreateAsync(Contacts, new { firstName = "Keiner", lastName = name });

        var csv = Encoding.UTF8.GetString(await rep.Client.GetByteArrayAsync("/api/v1/contacts/export?format=csv&delimiter=comma")).TrimStart('\uFEFF');
        var lines = csv.Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        var header = lines[0].Split(',');
        var column = Array.IndexOf(header, "Birthday");
        Assert.True(column >= 0, lines[0]);
        string BirthdayOf(string first) => lines.Single(l => l.Contains(name, StringComparison.Ordinal) && l.Contains("," + first + ",", StringComparison.Ordinal)).Split(',')[column];
        Assert.Equal("1976-02-29", BirthdayOf("Mit")); // the birthday, not the anniversary
        Assert.Equal("--12-24", BirthdayOf("Ohne")); // year unknown, as Google Contacts writes it
        Assert.Equal("", BirthdayOf("Keiner"));
        Assert.Equal((12, 24, (int?)null), Prospector.Features.Lists.Normaliser.BirthdayOf("--12-24", "DE"));
        Assert.Equal((2, 29, (int?)1976), Prospector.Features.Lists.Normaliser.BirthdayOf("1976-02-29", "DE"));
    }

    [Fact]
    public async Task A_deals_timeline_names_the_step_the_owner_and_the_team_instead_of_ids()
    {
        var rep = await app.UserAsync("Rep", "Nord");
        var mate = await app.UserAsync("Rep", "Nord");
        var contact = await rep.Client.NewLeadAsync("Timeline");
        var deal = (await rep.Client.CreateAsync("/api/v1/opportunities",
            new { contactId = contact, amount = 1000, nextAction = new { type = "Call", dueDate = Today.AddDays(1) } })).GetProperty("id").GetInt64();
        var (from, to) = await app.WithDbAsync(async (db, _) =>
        {
            var o = await db.Opportunities.SingleAsync(x => x.Id == deal);
            var steps = await db.PipelineSteps.Where(s => s.PipelineId == o.PipelineId).OrderBy(s => s.SortOrder).ToListAsync();
            var next = steps.First(s => s.SortOrder > steps.Single(x => x.Id == o.StepId).SortOrder);
            var was = steps.Single(x => x.Id == o.StepId).Name;
            (o.StepId, o.OwnerId) = (next.Id, mate.Id);
            await db.SaveChangesAsync();
            return (was, next.Name);
        });

        var text = await app.WithDbAsync(async (db, sp) =>
        {
            var previous = CultureInfo.CurrentUICulture;
            CultureInfo.CurrentUICulture = CultureInfo.GetCultureInfo("en");
            try
            {
                var scope = await sp.GetRequiredService<RecordAccess>().ScopeAsync(new System.Security.Claims.ClaimsPrincipal(new System.Security.Claims.ClaimsIdentity(
                    [new(System.Security.Claims.ClaimTypes.NameIdentifier, rep.Id.ToString(CultureInfo.InvariantCulture)), new(System.Security.Claims.ClaimTypes.Role, "Rep")], "test")));
                var page = await new TimelineQuery(null, null, deal).PageAsync(db, scope, 1, 25, CancellationToken.None);
                var lines = await TimelineChanges.ReadableAsync(db, scope, page.Items, sp.GetRequiredService<IStringLocalizer<SharedResource>>(), "Europe/Berlin", Terminology.Default);
                return string.Join("\n", page.Items.Zip(lines).Where(p => p.First.Kind == TimelineKind.Change).SelectMany(p => p.Second).Select(l => $"{l.Field}: {l.From} → {l.To}"));
            }
            finally
            {
                CultureInfo.CurrentUICulture = previous;
            }
        });
        Assert.Contains($"Step: {from} → {to}", text);
        Assert.Contains($"→ Rep ", text); // the new owner by name
        Assert.DoesNotContain($"→ {mate.Id}", text);
        Assert.DoesNotMatch(@": \d+ → \d+", text);
    }
}

public sealed class TodoWorkTestsSqlite(SqliteApp f) : TodoWorkTests(f.Factory), IClassFixture<SqliteApp>;
public sealed class TodoWorkTestsPostgres(PostgresApp f) : TodoWorkTests(f.Factory), IClassFixture<PostgresApp>;
