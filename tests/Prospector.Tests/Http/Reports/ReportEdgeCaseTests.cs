using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Prospector.Data;
using Prospector.Tests.Infrastructure;

namespace Prospector.Tests.Http.Reports;

/// <summary>The named edge cases of the report definitions, each with its figures spelled out (histories made through the API on the test clock).</summary>
public abstract partial class ReportOracleTests
{
    private static DateTime Utc(int month, int day, int hour, int minute = 0) => new(2031, month, day, hour, minute, 0, DateTimeKind.Utc);

    private async Task<(TestUser Admin, TestUser RepA, TestUser RepB, RecordedHistory H)> ArrangeAsync()
    {
        var admin = await App.UserAsync("Admin");
        var repA = await App.UserAsync("Rep", TestHttp.Unique("EA"));
        var repB = await App.UserAsync("Rep", TestHttp.Unique("EB"));
        App.Clock.Offset = Epoch - DateTime.UtcNow;
        return (admin, repA, repB, await RecordedHistory.StartAsync(app, admin));
    }

    private static string March(RecordedHistory h, string extra = "") => $"from=2031-03-01&to=2031-03-31&source={h.Source}{extra}";

    private static int[] Reached(JsonElement funnel) => [.. funnel.GetProperty("cohortSteps").EnumerateArray().Select(s => s.GetProperty("reached").GetInt32())];

    private static JsonElement Step(JsonElement funnel, Stage s) =>
        funnel.GetProperty("periodSteps").EnumerateArray().Single(x => x.GetProperty("stage").GetString() == s.ToString());

    [Fact]
    public async Task A_contact_going_Lead_Prospect_Lead_Prospect_counts_once_per_step_in_the_cohort_and_each_move_in_the_period()
    {
        var (admin, repA, _, h) = await ArrangeAsync();
        try
        {
            h.At(Utc(3, 2, 9));
            var c = await h.NewContactAsync(repA, Stage.Lead);
            h.At(Utc(3, 4, 9));
            await h.MoveAsync(c, Stage.Prospect);
            h.At(Utc(3, 6, 9));
            await h.MoveAsync(c, Stage.Lead);
            h.At(Utc(3, 9, 9));
            await h.MoveAsync(c, Stage.Prospect);
            h.At(Utc(4, 1, 9));

            var f = await GetAsync(admin, "funnel", March(h));
            Assert.Equal(1, f.GetProperty("cohort").GetInt32());
            Assert.Equal([1, 1, 0, 0], Reached(f)); // Lead, Prospect once each, never a customer
            Assert.Equal([0, 1, 0, 0], [.. f.GetProperty("cohortSteps").EnumerateArray().Select(s => s.GetProperty("stillThere").GetInt32())]); // a Prospect now
            // The period view counts moves: into Prospect twice, on from Lead twice, back from Prospect once.
            var prospect = Step(f, Stage.Prospect);
            Assert.Equal("2/0/1", $"{prospect.GetProperty("entered")}/{prospect.GetProperty("movedOn")}/{prospect.GetProperty("movedBack")}");
            var lead = Step(f, Stage.Lead);
            Assert.Equal("1/2/0", $"{lead.GetProperty("entered")}/{lead.GetProperty("movedOn")}/{lead.GetProperty("movedBack")}");
            // Each stay counts in stage times: two stays as a Lead (2 and 3 days), one as a Prospect (2 days).
            var st = await GetAsync(admin, "stage-times", March(h));
            var rows = st.GetProperty("stages").EnumerateArray().ToDictionary(r => r.GetProperty("name").GetString()!, r => r);
            Assert.Equal("2 2.5", $"{rows["Lead"].GetProperty("count")} {rows["Lead"].GetProperty("medianDays").GetDouble():0.#}");
            Assert.Equal("1 2", $"{rows["Prospect"].GetProperty("count")} {rows["Prospect"].GetProperty("medianDays").GetDouble():0.#}");
        }
        finally { App.Clock.Offset = TimeSpan.Zero; }
    }

    [Fact]
    public async Task A_reopened_deal_is_neither_lost_nor_a_drop_out_and_its_step_stays_restart()
    {
        var (admin, repA, _, h) = await ArrangeAsync();
        try
        {
            h.At(Utc(3, 2, 9));
            var c = await h.NewContactAsync(repA, Stage.Lead);
            var d = await h.NewDealAsync(c, 1000m, "EUR", 40, new DateOnly(2031, 3, 20), new DateOnly(2031, 3, 3));
            h.At(Utc(3, 5, 9));
            await h.CloseDealAsync(d, OpportunityState.Lost, "Too expensive");
            var lost = await GetAsync(admin, "win-loss", March(h));
            Assert.Equal(1, lost.GetProperty("lost").GetInt32());
            h.At(Utc(3, 10, 9));
            await h.ReopenAsync(d, new DateOnly(2031, 3, 11));
            h.At(Utc(3, 12, 9));

            var w = await GetAsync(admin, "win-loss", March(h));
            Assert.Equal("0/0/0", $"{w.GetProperty("won")}/{w.GetProperty("lost")}/{w.GetProperty("cancelled")}");
            Assert.Empty(w.GetProperty("reasons").EnumerateArray());
            var f = await GetAsync(admin, "funnel", March(h));
            Assert.DoesNotContain(f.GetProperty("periodDropOuts").EnumerateArray(), x => x.GetProperty("kind").GetString() == "Lost");
            // Open again, in the forecast with the probability it kept (0 after a loss).
            var fc = await GetAsync(admin, "forecast", March(h));
            var month = fc.GetProperty("months").EnumerateArray().Single(m => m.GetProperty("openCount").GetInt32() > 0);
            Assert.Equal("1 1000 0", $"{month.GetProperty("openCount")} {month.GetProperty("open").GetDecimal():0} {month.GetProperty("weighted").GetDecimal():0}");
            // The stay in the first step ended when the deal was lost (3 days); the closed days count nowhere.
            var st = await GetAsync(admin, "stage-times", March(h));
            var first = st.GetProperty("steps").EnumerateArray().First(x => x.GetProperty("pipelineId").GetInt64() == h.PipelineId);
            Assert.Equal("1 3", $"{first.GetProperty("count")} {first.GetProperty("medianDays").GetDouble():0.#}");
        }
        finally { App.Clock.Offset = TimeSpan.Zero; }
    }

    [Fact]
    public async Task A_contact_moved_to_another_team_counts_for_its_new_team_and_its_deal_stays_with_its_team()
    {
        var (admin, repA, repB, h) = await ArrangeAsync();
        try
        {
            h.At(Utc(3, 2, 9));
            var c = await h.NewContactAsync(repA, Stage.Lead);
            var d = await h.NewDealAsync(c, 500m, "CHF", 50, null, new DateOnly(2031, 3, 3));
            h.At(Utc(3, 3, 9));
            await h.CloseDealAsync(d, OpportunityState.Won, null);
            h.At(Utc(3, 4, 9));
            await h.HandOverAsync(c, repB);
            h.At(Utc(3, 5, 9));

            Assert.Equal(0, (await GetAsync(admin, "funnel", March(h, $"&teamId={repA.TeamId}"))).GetProperty("cohort").GetInt32());
            Assert.Equal(1, (await GetAsync(admin, "funnel", March(h, $"&teamId={repB.TeamId}"))).GetProperty("cohort").GetInt32());
            // The rep of the old team no longer sees the contact, so neither the funnel nor its deal count for them.
            Assert.Equal(0, (await GetAsync(repA, "funnel", March(h))).GetProperty("cohort").GetInt32());
            Assert.Equal(0, (await GetAsync(repA, "win-loss", March(h))).GetProperty("won").GetInt32());
            Assert.Equal(1, (await GetAsync(repB, "funnel", March(h))).GetProperty("cohort").GetInt32());
            // The deal itself stayed with team A (its own team), seen by the admin.
            Assert.Equal(1, (await GetAsync(admin, "win-loss", March(h, $"&teamId={repA.TeamId}"))).GetProperty("won").GetInt32());
            Assert.Equal(0, (await GetAsync(admin, "win-loss", March(h, $"&teamId={repB.TeamId}"))).GetProperty("won").GetInt32());
        }
        finally { App.Clock.Offset = TimeSpan.Zero; }
    }

    [Fact]
    public async Task A_deleted_contact_drops_out_of_every_report_and_counts_again_when_restored()
    {
        var (admin, repA, _, h) = await ArrangeAsync();
        try
        {
            h.At(Utc(3, 2, 9));
            var c = await h.NewContactAsync(repA, Stage.Lead);
            await h.NewDealAsync(c, 700m, "EUR", 50, new DateOnly(2031, 3, 25), new DateOnly(2031, 3, 3));
            h.At(Utc(3, 3, 9));
            await h.LogAsync(c, repA, Channel.Phone);
            h.At(Utc(3, 4, 9));
            await h.DeleteAsync(c);
            h.At(Utc(3, 5, 9));
            Assert.Equal(0, (await GetAsync(admin, "funnel", March(h))).GetProperty("cohort").GetInt32());
            Assert.DoesNotContain((await GetAsync(admin, "forecast", March(h))).GetProperty("months").EnumerateArray(), m => m.GetProperty("openCount").GetInt32() > 0);
            Assert.Empty((await GetAsync(admin, "activity", March(h))).GetProperty("conversations").EnumerateArray());

            h.At(Utc(3, 6, 9));
            await h.RestoreAsync(c);
            Assert.Equal(1, (await GetAsync(admin, "funnel", March(h))).GetProperty("cohort").GetInt32());
            Assert.Single((await GetAsync(admin, "forecast", March(h))).GetProperty("months").EnumerateArray(), m => m.GetProperty("openCount").GetInt32() > 0);
            Assert.Single((await GetAsync(admin, "activity", March(h))).GetProperty("conversations").EnumerateArray());
        }
        finally { App.Clock.Offset = TimeSpan.Zero; }
    }

    [Fact]
    public async Task A_day_is_the_viewers_own_midnight_to_midnight()
    {
        var (admin, repA, _, h) = await ArrangeAsync();
        try
        {
            // 16:30 UTC on 9 March is 01:30 on 10 March in Tokyo.
            h.At(Utc(3, 9, 16, 30));
            var c = await h.NewContactAsync(repA, Stage.Lead);
            h.At(Utc(3, 9, 17, 0));
            await h.LogAsync(c, repA, Channel.Email);
            h.At(Utc(3, 12, 9));

            await RecordedHistory.SetZoneAsync(app, admin, "Asia/Tokyo");
            Assert.Equal(1, (await GetAsync(admin, "funnel", $"from=2031-03-10&to=2031-03-10&source={h.Source}")).GetProperty("cohort").GetInt32());
            Assert.Equal(0, (await GetAsync(admin, "funnel", $"from=2031-03-09&to=2031-03-09&source={h.Source}")).GetProperty("cohort").GetInt32());
            var week = (await GetAsync(admin, "activity", $"from=2031-03-03&to=2031-03-16&source={h.Source}")).GetProperty("conversations").EnumerateArray().Single();
            Assert.Equal("2031-03-10", week.GetProperty("start").GetString()); // Monday 10 March in Tokyo

            await RecordedHistory.SetZoneAsync(app, admin, "UTC");
            Assert.Equal(0, (await GetAsync(admin, "funnel", $"from=2031-03-10&to=2031-03-10&source={h.Source}")).GetProperty("cohort").GetInt32());
            Assert.Equal(1, (await GetAsync(admin, "funnel", $"from=2031-03-09&to=2031-03-09&source={h.Source}")).GetProperty("cohort").GetInt32());
            week = (await GetAsync(admin, "activity", $"from=2031-03-03&to=2031-03-16&source={h.Source}")).GetProperty("conversations").EnumerateArray().Single();
            Assert.Equal("2031-03-03", week.GetProperty("start").GetString()); // still Sunday 9 March in UTC: the week of Monday 3 March
        }
        finally { App.Clock.Offset = TimeSpan.Zero; }
    }

    /// <summary>
    /// Regression: deals go to the recycle bin with their company while their contact stays. The stage times' won deals and
    /// the cohort's lost deals (for an admin without filters) were read in a query that also called IgnoreQueryFilters, which
    /// EF Core applies to the whole query, so those deals still counted. Checked as an admin with and without a filter.
    /// </summary>
    [Fact]
    public async Task Deals_in_the_recycle_bin_with_their_company_count_nowhere_though_their_contact_stays()
    {
        var (admin, repA, _, h) = await ArrangeAsync();
        try
        {
            // 2033: a year no other history of this class writes into, so the admin's unfiltered figures are this test's own.
            DateTime At(int day) => new(2033, 3, day, 9, 0, 0, DateTimeKind.Utc);
            h.At(At(2));
            var c = await h.NewContactAsync(repA, Stage.Lead);
            var company = (await admin.Client.CreateAsync("/api/v1/companies", new { name = TestHttp.Unique("Binned Co") })).GetProperty("id").GetInt64();
            async Task<long> DealAsync() => (await admin.Client.CreateAsync(RecordedHistory.Deals, new
            {
                title = "With company", contactId = c.Id, companyId = company, pipelineId = h.PipelineId, amount = 500m, currency = "EUR",
                nextAction = new { type = "Call", dueDate = new DateOnly(2033, 3, 3) },
            })).GetProperty("id").GetInt64();
            var won = await DealAsync();
            var lost = await DealAsync();
            h.At(At(6));
            Assert.True((await admin.Client.PostAsJsonAsync($"{RecordedHistory.Deals}/{won}/win", new { reason = (string?)null })).IsSuccessStatusCode);
            Assert.True((await admin.Client.PostAsJsonAsync($"{RecordedHistory.Deals}/{lost}/lose", new { reason = "Too expensive" })).IsSuccessStatusCode);
            h.At(At(7));
            string[] queries = ["from=2033-03-01&to=2033-03-31", $"from=2033-03-01&to=2033-03-31&source={h.Source}"];

            async Task<string> FiguresAsync(string q)
            {
                var st = await GetAsync(admin, "stage-times", q);
                var f = await GetAsync(admin, "funnel", q);
                var w = await GetAsync(admin, "win-loss", q);
                return $"cohort {f.GetProperty("cohort")}, lead-to-won {st.GetProperty("leadToWon").GetProperty("count")}, "
                    + $"deal-to-won {st.GetProperty("dealToWon").GetProperty("count")}, cohort drop-outs [{string.Join("; ", Drops(f.GetProperty("cohortDropOuts")))}], "
                    + $"period drop-outs [{string.Join("; ", Drops(f.GetProperty("periodDropOuts")))}], won {w.GetProperty("won")}, lost {w.GetProperty("lost")}";
            }
            foreach (var q in queries)
                Assert.Equal("cohort 1, lead-to-won 1, deal-to-won 1, cohort drop-outs [Lost Too expensive 1], period drop-outs [Lost Too expensive 1], won 1, lost 1",
                    await FiguresAsync(q));

            Assert.Equal(HttpStatusCode.NoContent, (await admin.Client.DeleteAsync($"/api/v1/companies/{company}")).StatusCode);
            foreach (var q in queries)
                Assert.Equal("cohort 1, lead-to-won 0, deal-to-won 0, cohort drop-outs [], period drop-outs [], won 0, lost 0", await FiguresAsync(q));
        }
        finally { App.Clock.Offset = TimeSpan.Zero; }
    }

    /// <summary>
    /// Regression (found by the random histories, seeds 1, 2, 4 and 5 at 160 steps): a suspect whose deal is won becomes a customer
    /// by the win itself, and had no lead phase. The report counted it or not depending on which of the two instants written in the
    /// same save came first; now only contacts that were a Lead before the win have a Lead-to-won time.
    /// </summary>
    [Fact]
    public async Task Lead_to_won_counts_only_contacts_that_were_a_lead_before_the_win()
    {
        var (admin, repA, _, h) = await ArrangeAsync();
        try
        {
            h.At(Utc(3, 2, 9));
            var lead = await h.NewContactAsync(repA, Stage.Lead);
            var suspect = await h.NewContactAsync(repA, Stage.Suspect);
            var a = await h.NewDealAsync(lead, 100m, "EUR", 50, null, new DateOnly(2031, 3, 3));
            var b = await h.NewDealAsync(suspect, 100m, "EUR", 50, null, new DateOnly(2031, 3, 3));
            h.At(Utc(3, 6, 9));
            await h.CloseDealAsync(a, OpportunityState.Won, null);
            await h.CloseDealAsync(b, OpportunityState.Won, null);
            h.At(Utc(3, 7, 9));

            var st = await GetAsync(admin, "stage-times", March(h));
            Assert.Equal("1 4", $"{st.GetProperty("leadToWon").GetProperty("count")} {st.GetProperty("leadToWon").GetProperty("medianDays").GetDouble():0.#}");
            Assert.Equal(2, st.GetProperty("dealToWon").GetProperty("count").GetInt32());
        }
        finally { App.Clock.Offset = TimeSpan.Zero; }
    }
}
