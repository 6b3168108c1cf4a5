using System.Net;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Prospector.Data;
using Prospector.Tests.Infrastructure;

namespace Prospector.Tests.Http;

/// <summary>
/// The reports over HTTP on a hand-built history with exact figures: the cohort and period funnel (a contact that went
/// Lead → Prospect → Lead → Prospect counts once per step), drop-outs by reason, win/loss (a reopened deal is not counted),
/// the forecast by the user's months (Europe/Berlin: 23:30 UTC on 28 February is already 1 March), stage times; and
/// who sees what: a rep their team, a rep of another team theirs, a manager their team, an admin everything.
/// </summary>
public abstract class ReportsTests(ProspectorFactory app)
{
    private const string March = "from=2026-03-01&to=2026-03-31";

    private sealed record World(ReportHistory H, TestUser Rep, TestUser OtherRep, TestUser Manager, TestUser Admin);

    private async Task<World> BuildAsync()
    {
        var team = TestHttp.Unique("Team");
        var other = TestHttp.Unique("Other");
        var rep = await app.UserAsync("Rep", team);
        var w = new World(new ReportHistory(app, TestHttp.Unique("Messe")), rep, await app.UserAsync("Rep", other),
            await app.UserAsync("Manager", team), await app.UserAsync("Admin"));
        var h = w.H;
        var a = await h.ContactAsync(rep, ("2026-03-02T09:00Z", Stage.Lead), ("2026-03-05T09:00Z", Stage.Prospect), ("2026-03-06T09:00Z", Stage.Lead),
            ("2026-03-08T09:00Z", Stage.Prospect), ("2026-03-20T09:00Z", Stage.Customer));
        var b = await h.ContactAsync(rep, ("2026-03-10T09:00Z", "No budget"), ("2026-02-10T09:00Z", Stage.Suspect), ("2026-02-28T23:30Z", Stage.Lead));
        var c = await h.ContactAsync(rep, ("2026-02-20T09:00Z", Stage.Lead), ("2026-03-03T09:00Z", Stage.Prospect));
        var d = await h.ContactAsync(rep, ("2026-03-31T21:00Z", Stage.Lead), ("2026-04-02T09:00Z", Stage.Prospect));
        await h.ContactAsync(rep, ("2026-03-31T22:30Z", Stage.Lead)); // 1 April in Berlin
        var deleted = await h.ContactAsync(rep, ("2026-03-04T09:00Z", Stage.Lead), ("2026-03-09T09:00Z", Stage.Prospect));
        await app.WithDbAsync(async (db, _) => { var x = await db.Contacts.FindAsync(deleted); x!.DeletedAt = DateTime.UtcNow; return await db.SaveChangesAsync(); });
        await h.ContactAsync(w.OtherRep, ("2026-03-12T09:00Z", Stage.Lead)); // another team

        await h.DealAsync(rep, a, OpportunityState.Won, 1000, closedAt: "2026-03-20T09:00Z", createdAt: "2026-03-10T09:00Z");
        await h.DealAsync(rep, c, OpportunityState.Cancelled, 700, closedAt: "2026-03-15T09:00Z", reason: "Project stopped");
        await h.DealAsync(rep, d, OpportunityState.Lost, 300, closedAt: "2026-04-05T09:00Z", reason: "Too expensive");
        await h.DealAsync(rep, b, OpportunityState.Lost, 200, closedAt: "2026-03-12T09:00Z", reason: "Too expensive");
        await h.DealAsync(rep, c, OpportunityState.Won, 3000, "CHF", closedAt: "2026-03-28T09:00Z", createdAt: "2026-03-01T09:00Z");
        // Won on 29 March, then reopened: open again, expected to close on 30 March.
        await h.DealAsync(rep, c, OpportunityState.Open, 400, expectedClose: "2026-03-30", probability: 50);
        await h.DealAsync(rep, c, OpportunityState.Open, 1000, expectedClose: "2026-04-15", probability: 20);
        await h.DealAsync(rep, c, OpportunityState.Standby, 5000, expectedClose: "2026-04-20", probability: 90);
        await h.DealAsync(rep, a, OpportunityState.Won, 250, closedAt: "2026-03-31T22:30Z"); // 1 April in Berlin
        return w;
    }

    private static async Task<JsonElement> ReportAsync(TestUser u, string report, string query)
    {
        var res = await u.Client.GetAsync($"/api/v1/reports/{report}?{query}");
        var text = await res.Content.ReadAsStringAsync();
        Assert.True(res.StatusCode == HttpStatusCode.OK, $"{report}: {(int)res.StatusCode} {text}");
        return JsonDocument.Parse(text).RootElement;
    }

    private static Dictionary<string, int> Steps(JsonElement funnel) =>
        funnel.GetProperty("cohortSteps").EnumerateArray().ToDictionary(s => s.GetProperty("stage").GetString()!, s => s.GetProperty("reached").GetInt32());

    private static List<string> Drops(JsonElement list) =>
        [.. list.EnumerateArray().Select(d => $"{d.GetProperty("kind").GetString()} {d.GetProperty("reason").GetString()} {d.GetProperty("count").GetInt32()}")];

    [Fact]
    public async Task The_funnel_counts_a_cohort_once_per_step_and_what_moved_in_the_period_by_the_users_midnight()
    {
        var w = await BuildAsync();
        var f = await ReportAsync(w.Admin, "funnel", $"{March}&source={w.H.Source}&teamId={w.Rep.TeamId}");

        Assert.Equal(3, f.GetProperty("cohort").GetInt32());
        Assert.Equal(new Dictionary<string, int> { ["Lead"] = 3, ["Prospect"] = 2, ["Customer"] = 1, ["RepeatCustomer"] = 0 }, Steps(f));
        var conv = f.GetProperty("cohortSteps").EnumerateArray().Select(s => s.GetProperty("conversion")).ToList();
        Assert.Equal(JsonValueKind.Null, conv[0].ValueKind);
        Assert.Equal([0.6667, 0.5, 0.0], conv.Skip(1).Select(c => c.GetDouble()));
        Assert.Equal(0.3333, f.GetProperty("overallConversion").GetDouble());
        Assert.Equal(["Disqualified No budget 1", "Lost Too expensive 2"], Drops(f.GetProperty("cohortDropOuts")));

        // Still there: at that stage now and not disqualified (b is a Lead, but disqualified; d moved on to Prospect in April).
        Assert.Equal(new Dictionary<string, int> { ["Lead"] = 0, ["Prospect"] = 1, ["Customer"] = 1, ["RepeatCustomer"] = 0 },
            f.GetProperty("cohortSteps").EnumerateArray().ToDictionary(s => s.GetProperty("stage").GetString()!, s => s.GetProperty("stillThere").GetInt32()));

        // The period counts moves: a went Lead → Prospect → Lead → Prospect → Customer in March, so it entered Prospect twice
        // and moved on from Lead twice.
        var period = f.GetProperty("periodSteps").EnumerateArray().ToDictionary(s => s.GetProperty("stage").GetString()!,
            s => $"{s.GetProperty("entered").GetInt32()}/{s.GetProperty("movedOn").GetInt32()}/{s.GetProperty("movedBack").GetInt32()}");
        Assert.Equal("0/1/0", period["Suspect"]);
        Assert.Equal("3/3/0", period["Lead"]);
        Assert.Equal("3/1/1", period["Prospect"]);
        Assert.Equal("1/0/0", period["Customer"]);
        Assert.Equal("0/0/0", period["RepeatCustomer"]);
        Assert.Equal(["Disqualified No budget 1", "Lost Too expensive 1", "Cancelled Project stopped 1"], Drops(f.GetProperty("periodDropOuts")));
    }

    [Fact]
    public async Task Win_loss_counts_deals_closed_in_the_period_as_they_stand_with_amounts_per_currency()
    {
        var w = await BuildAsync();
        var r = await ReportAsync(w.Admin, "win-loss", $"{March}&source={w.H.Source}");
        Assert.Equal((2, 1, 1), (r.GetProperty("won").GetInt32(), r.GetProperty("lost").GetInt32(), r.GetProperty("cancelled").GetInt32()));
        Assert.Equal(0.6667, r.GetProperty("winRate").GetDouble());
        var amounts = r.GetProperty("wonAmounts").EnumerateArray()
            .Select(a => $"{a.GetProperty("currency").GetString()} {a.GetProperty("count").GetInt32()} {a.GetProperty("average").GetDouble()}").Order().ToList();
        Assert.Equal(["CHF 1 3000", "EUR 1 1000"], amounts);
        Assert.Equal(["Lost Too expensive 1", "Cancelled Project stopped 1"], Drops(r.GetProperty("reasons")));
        var owner = r.GetProperty("rows").EnumerateArray().Single(x => x.GetProperty("dimension").GetString() == "Owner");
        Assert.Equal(w.Rep.Id.ToString(System.Globalization.CultureInfo.InvariantCulture), owner.GetProperty("key").GetString());
        Assert.Equal(2, owner.GetProperty("won").GetInt32());
    }

    [Fact]
    public async Task The_forecast_sums_open_deals_by_close_month_against_won_deals_by_the_users_month()
    {
        var w = await BuildAsync();
        var r = await ReportAsync(w.Admin, "forecast", $"from=2026-03-01&to=2026-04-30&source={w.H.Source}");
        var rows = r.GetProperty("months").EnumerateArray().Select(m =>
            $"{m.GetProperty("month").GetString()} {m.GetProperty("currency").GetString()} {m.GetProperty("openCount").GetInt32()} " +
            $"{m.GetProperty("open").GetDouble()} {m.GetProperty("weighted").GetDouble()} {m.GetProperty("wonCount").GetInt32()} {m.GetProperty("won").GetDouble()}").ToList();
        Assert.Equal([
            "2026-03-01 CHF 0 0 0 1 3000",
            "2026-03-01 EUR 1 400 200 1 1000",
            "2026-04-01 CHF 0 0 0 0 0",
            "2026-04-01 EUR 1 1000 200 1 250"], rows);
        Assert.Equal(2, r.GetProperty("overdueCount").GetInt32());
    }

    [Fact]
    public async Task Stage_times_are_the_median_and_75th_percentile_of_stays_that_ended_in_the_period()
    {
        var w = await BuildAsync();
        var r = await ReportAsync(w.Admin, "stage-times", $"{March}&source={w.H.Source}");
        var stages = r.GetProperty("stages").EnumerateArray().ToDictionary(s => s.GetProperty("name").GetString()!,
            s => $"{s.GetProperty("count").GetInt32()} {s.GetProperty("medianDays")} {s.GetProperty("p75Days")}");
        Assert.Equal("3 3 7", stages["Lead"]);
        Assert.Equal("2 6.5 9.3", stages["Prospect"]);
        Assert.Equal("1 18 18", stages["Suspect"]); // 10 Feb 09:00 to 28 Feb 23:30: 18 completed days (and 14.5 hours)
        var cycle = r.GetProperty("leadToWon");
        Assert.Equal("2 27 31.5", $"{cycle.GetProperty("count").GetInt32()} {cycle.GetProperty("medianDays")} {cycle.GetProperty("p75Days")}");
        var deal = r.GetProperty("dealToWon");
        Assert.Equal("2 18.5 22.8", $"{deal.GetProperty("count").GetInt32()} {deal.GetProperty("medianDays")} {deal.GetProperty("p75Days")}");
    }

    [Fact]
    public async Task The_stage_times_trend_gives_each_month_what_the_report_for_that_month_alone_gives()
    {
        var w = await BuildAsync();
        static string Figures(JsonElement x) => $"{x.GetProperty("name").GetString()} {x.GetProperty("count")} {x.GetProperty("medianDays")} {x.GetProperty("p75Days")}";
        var trend = (await ReportAsync(w.Admin, "stage-times", $"from=2026-02-01&to=2026-03-31&source={w.H.Source}")).GetProperty("trend").EnumerateArray().ToList();
        foreach (var (month, to) in new[] { ("2026-02-01", "2026-02-28"), ("2026-03-01", "2026-03-31") })
        {
            var alone = await ReportAsync(w.Admin, "stage-times", $"from={month}&to={to}&source={w.H.Source}");
            Assert.Equal([.. alone.GetProperty("stages").EnumerateArray().Select(Figures), Figures(alone.GetProperty("leadToWon"))],
                trend.Where(x => x.GetProperty("month").GetString() == month).Select(Figures));
        }
        // March has stays and a won deal (the month the report above counts); the trend is not a list of zeros.
        Assert.Contains(trend, x => x.GetProperty("month").GetString() == "2026-03-01" && x.GetProperty("name").GetString() == "Lead" && x.GetProperty("count").GetInt32() == 3);
    }

    [Fact]
    public async Task A_report_counts_only_what_the_caller_may_see()
    {
        var w = await BuildAsync();
        async Task<int> Cohort(TestUser u) => (await ReportAsync(u, "funnel", $"{March}&source={w.H.Source}")).GetProperty("cohort").GetInt32();
        Assert.Equal(3, await Cohort(w.Rep));
        Assert.Equal(1, await Cohort(w.OtherRep));
        Assert.Equal(3, await Cohort(w.Manager));
        Assert.Equal(4, await Cohort(w.Admin));
        var lost = (await ReportAsync(w.OtherRep, "win-loss", $"{March}&source={w.H.Source}")).GetProperty("lost").GetInt32();
        Assert.Equal(0, lost);
    }

    [Theory]
    [InlineData("from=2026-04-01&to=2026-03-01", "from")]
    [InlineData("from=2016-01-01&to=2026-12-31", "to")]
    [InlineData("country=Germany", "country")]
    [InlineData("country=D1", "country")]
    // Days only as yyyy-MM-dd: a German 1 March is not read as 3 January, a time is not dropped, 29 February 2025 does not exist.
    [InlineData("from=01.03.2026", "from")]
    [InlineData("from=3/1/2026", "from")]
    [InlineData("from=2026-03-01T10:00:00", "from")]
    [InlineData("from=2025-02-29", "from")]
    [InlineData("to=2026-12-31%20", "to")]
    // Far out: refused by name instead of overflowing the date arithmetic (a 500 before).
    [InlineData("from=9999-12-31", "from")]
    [InlineData("from=2999-12-01&to=9999-12-31", "to")]
    [InlineData("from=0001-01-01&to=0001-12-31", "from")]
    // A team, owner or list that does not exist, a number that is not one, a filter given twice.
    [InlineData("teamId=999999999", "teamId")]
    [InlineData("ownerId=-5", "ownerId")]
    [InlineData("listId=0", "listId")]
    [InlineData("teamId=abc", "teamId")]
    [InlineData("teamId=1&teamId=2", "teamId")]
    public async Task A_bad_filter_is_a_validation_problem_naming_the_field(string query, string field)
    {
        var admin = await app.UserAsync("Admin");
        foreach (var report in new[] { "funnel", "forecast", "activity", "team" })
            await TestHttp.AssertValidationProblemAsync(await admin.Client.GetAsync($"/api/v1/reports/{report}?{query}"), field);
        await TestHttp.AssertValidationProblemAsync(await admin.Client.GetAsync($"/api/v1/reports/funnel/export?format=xlsx&{query}"), field);
    }

    [Fact]
    public async Task A_country_is_read_like_a_contacts_country_and_a_date_problem_speaks_the_callers_language()
    {
        var w = await BuildAsync();
        await app.WithDbAsync(async (db, _) =>
        {
            var source = await TestSources.IdAsync(db, w.H.Source);
            await db.Contacts.Where(c => c.LeadSourceId == source).ForEachAsync(c => c.Country = "DE");
            return await db.SaveChangesAsync();
        });
        async Task<int> Cohort(string country) =>
            (await ReportAsync(w.Admin, "funnel", $"{March}&source={w.H.Source}{country}")).GetProperty("cohort").GetInt32();
        // " de " is DE, as a contact's country is read: trimmed before it is checked (it was "too long" before).
        Assert.Equal(4, await Cohort(""));
        Assert.Equal(4, await Cohort("&country=%20de%20"));
        Assert.Equal(0, await Cohort("&country=NL"));
        var req = new HttpRequestMessage(HttpMethod.Get, "/api/v1/reports/funnel?from=01.03.2026");
        req.Headers.AcceptLanguage.ParseAdd("de");
        var res = await w.Admin.Client.SendAsync(req);
        await TestHttp.AssertValidationProblemAsync(res, "from");
        var message = JsonDocument.Parse(await res.Content.ReadAsStringAsync()).RootElement.GetProperty("errors").GetProperty("from")[0].GetString();
        Assert.Equal("from muss ein Tag in der Form JJJJ-MM-TT sein, etwa 2026-03-01.", message);
    }
}

public sealed class ReportsTestsSqlite(SqliteApp f) : ReportsTests(f.Factory), IClassFixture<SqliteApp>;
public sealed class ReportsTestsPostgres(PostgresApp f) : ReportsTests(f.Factory), IClassFixture<PostgresApp>;
