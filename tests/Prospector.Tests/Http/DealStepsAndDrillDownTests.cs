using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Prospector.Data;
using Prospector.Tests.Infrastructure;

namespace Prospector.Tests.Http;

/// <summary>
/// The deal step history (written in the same save as a move, a close, a reopen or a move to another pipeline), the
/// stage-times report's days per pipeline step, and the drill-down: the deals list behind a win/loss or forecast figure
/// (GET /api/v1/opportunities with the report's filters, the query the /deals page and the report links use) has exactly
/// as many deals as the figure says.
/// </summary>
public abstract class DealStepsAndDrillDownTests(ProspectorFactory app)
{
    private const string Opportunities = "/api/v1/opportunities";
    // Where the test users live (Europe/Berlin): from 23:00 UTC (22:00 in summer) it is already the next day there.
    private static DateOnly Today => QualificationSteps.Today;

    [Fact]
    public async Task Moves_closes_reopens_and_pipeline_changes_are_written_to_the_step_history_in_the_same_save()
    {
        var admin = (await app.UserAsync("Admin")).Client;
        var pipeline = await admin.CreateAsync("/api/v1/pipelines", new
        {
            name = TestHttp.Unique("Steps"), steps = new[] { new { name = "Talk", defaultProbability = 10 }, new { name = "Offer", defaultProbability = 60 } },
        });
        var pid = pipeline.GetProperty("id").GetInt64();
        var (talk, offer) = (pipeline.GetProperty("steps")[0].GetProperty("id").GetInt64(), pipeline.GetProperty("steps")[1].GetProperty("id").GetInt64());
        var rep = (await app.UserAsync("Rep", "Nord")).Client;
        var deal = await rep.CreateAsync(Opportunities, new
        {
            contactId = await rep.NewLeadAsync("Steps"), amount = 100m, pipelineId = pid, title = "Step deal", nextAction = new { type = "Call", dueDate = Today.AddDays(2) },
        });
        var id = deal.GetProperty("id").GetInt64();
        Assert.Equal(HttpStatusCode.OK, (await rep.PostAsJsonAsync($"{Opportunities}/{id}/move", new { stepId = offer })).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await rep.PostAsJsonAsync($"{Opportunities}/{id}/move", new { stepId = talk })).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await rep.PostAsJsonAsync($"{Opportunities}/{id}/lose", new { reason = "Too expensive" })).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await rep.PostAsJsonAsync($"{Opportunities}/{id}/reopen",
            new { nextAction = new { type = "Call", dueDate = Today.AddDays(1) } })).StatusCode);
        // Moved to another pipeline (its first step), through the context as any service would.
        var other = await app.WithDbAsync(async (db, _) =>
        {
            var p = await db.Pipelines.OrderByDescending(x => x.IsDefault).ThenBy(x => x.Id).FirstAsync();
            var first = await db.PipelineSteps.Where(s => s.PipelineId == p.Id).OrderBy(s => s.SortOrder).FirstAsync();
            var o = await db.Opportunities.FindAsync(id);
            (o!.PipelineId, o.StepId) = (p.Id, first.Id);
            await db.SaveChangesAsync();
            return (p.Id, first.Id);
        });

        var history = await app.WithDbAsync((db, _) => db.OpportunityStepChanges.Where(c => c.OpportunityId == id).OrderBy(c => c.At).ThenBy(c => c.Id)
            .Select(c => new { c.PipelineId, c.FromStepId, c.ToStepId }).ToListAsync());
        Assert.Equal([$"{pid}: - → {talk}", $"{pid}: {talk} → {offer}", $"{pid}: {offer} → {talk}", $"{pid}: {talk} → -", $"{pid}: - → {talk}",
            $"{other.Item1}: {talk} → {other.Item2}"],
            history.Select(h => $"{h.PipelineId}: {(object?)h.FromStepId ?? "-"} → {(object?)h.ToStepId ?? "-"}"));
    }

    [Fact]
    public async Task Stage_times_give_the_stays_per_pipeline_step_that_ended_in_the_period_counting_each_stay_of_a_deal_moved_back_and_forth()
    {
        var rep = await app.UserAsync("Rep", TestHttp.Unique("T"));
        var h = new ReportHistory(app, TestHttp.Unique("Steps"));
        var contact = await h.ContactAsync(rep, ("2026-03-01T09:00Z", Stage.Prospect));
        var (a, b) = (await h.DealAsync(rep, contact, OpportunityState.Open, 100), await h.DealAsync(rep, contact, OpportunityState.Won, 100, closedAt: "2026-03-20T09:00Z"));
        var (s1, s2, pid) = await app.WithDbAsync(async (db, _) =>
        {
            var o = await db.Opportunities.FindAsync(a);
            var steps = await db.PipelineSteps.Where(s => s.PipelineId == o!.PipelineId).OrderBy(s => s.SortOrder).Select(s => s.Id).Take(2).ToListAsync();
            await db.OpportunityStepChanges.Where(c => c.OpportunityId == a || c.OpportunityId == b).ExecuteDeleteAsync();
            void Add(long deal, long? from, long? to, string at) =>
                db.OpportunityStepChanges.Add(new OpportunityStepChange { OpportunityId = deal, PipelineId = o!.PipelineId, FromStepId = from, ToStepId = to, At = ReportHistory.Utc(at) });
            // a: step 1 for 2 days, step 2 for 3 days, back to step 1 for 4 days (ended in March), step 2 since 10 March (still there).
            Add(a, null, steps[0], "2026-03-01T00:00Z");
            Add(a, steps[0], steps[1], "2026-03-03T00:00Z");
            Add(a, steps[1], steps[0], "2026-03-06T00:00Z");
            Add(a, steps[0], steps[1], "2026-03-10T00:00Z");
            // b: step 1 from 20 February to 2 March (10 days, ended in March), won after 18 days in step 2.
            Add(b, null, steps[0], "2026-02-20T00:00Z");
            Add(b, steps[0], steps[1], "2026-03-02T00:00Z");
            Add(b, steps[1], null, "2026-03-20T00:00Z");
            await db.SaveChangesAsync();
            return (steps[0], steps[1], o!.PipelineId);
        });

        var res = await rep.Client.GetAsync($"/api/v1/reports/stage-times?from=2026-03-01&to=2026-03-31&source={h.Source}");
        var text = await res.Content.ReadAsStringAsync();
        Assert.True(res.StatusCode == HttpStatusCode.OK, text);
        var steps = JsonDocument.Parse(text).RootElement.GetProperty("steps").EnumerateArray().ToList();
        string Of(long step) => steps.Where(s => s.GetProperty("stepId").GetInt64() == step)
            .Select(s => $"{s.GetProperty("pipelineId").GetInt64()} {s.GetProperty("count")} {s.GetProperty("medianDays")} {s.GetProperty("p75Days")}").Single();
        // Step 1: stays of 2, 4 and 10 days; step 2: 3 and 18 days.
        Assert.Equal($"{pid} 3 4 7", Of(s1));
        Assert.Equal($"{pid} 2 10.5 14.3", Of(s2));

        // Only March 1–5: a's first stay (2 days) ended on 3 March, b's on 2 March; the stays in step 2 ended later.
        var early = JsonDocument.Parse(await rep.Client.GetStringAsync($"/api/v1/reports/stage-times?from=2026-03-01&to=2026-03-05&source={h.Source}")).RootElement;
        Assert.Equal([2, 0], early.GetProperty("steps").EnumerateArray().Where(s => s.GetProperty("pipelineId").GetInt64() == pid)
            .Take(2).Select(s => s.GetProperty("count").GetInt32()));
    }

    [Fact]
    public async Task Every_win_loss_and_forecast_figure_checked_has_exactly_as_many_deals_behind_it()
    {
        var team = TestHttp.Unique("Drill");
        var rep = await app.UserAsync("Rep", team);
        var other = await app.UserAsync("Rep", TestHttp.Unique("Other"));
        var h = new ReportHistory(app, TestHttp.Unique("Drill"));
        var c1 = await h.ContactAsync(rep, ("2026-03-01T09:00Z", Stage.Prospect));
        var c2 = await h.ContactAsync(other, ("2026-03-01T09:00Z", Stage.Prospect));
        await h.DealAsync(rep, c1, OpportunityState.Won, 1000, closedAt: "2026-03-10T09:00Z");
        await h.DealAsync(rep, c1, OpportunityState.Won, 500, "CHF", closedAt: "2026-03-31T22:30Z"); // 1 April in Berlin
        await h.DealAsync(other, c2, OpportunityState.Won, 700, closedAt: "2026-03-15T09:00Z");
        await h.DealAsync(rep, c1, OpportunityState.Lost, 300, closedAt: "2026-03-12T09:00Z", reason: "Too expensive");
        await h.DealAsync(other, c2, OpportunityState.Lost, 300, closedAt: "2026-03-13T09:00Z", reason: "Too expensive");
        await h.DealAsync(other, c2, OpportunityState.Lost, 300, closedAt: "2026-03-14T09:00Z");
        await h.DealAsync(rep, c1, OpportunityState.Cancelled, 300, closedAt: "2026-02-14T09:00Z", reason: "Stopped");
        await h.DealAsync(rep, c1, OpportunityState.Open, 400, expectedClose: "2026-04-10");
        await h.DealAsync(other, c2, OpportunityState.Open, 400, expectedClose: "2026-04-20");
        await h.DealAsync(other, c2, OpportunityState.Standby, 400, expectedClose: "2026-04-20");
        await h.DealAsync(rep, c1, OpportunityState.Open, 400, expectedClose: "2020-01-10"); // overdue
        var admin = await app.UserAsync("Admin");
        await app.WithDbAsync(async (db, _) =>
        {
            (await db.Users.FindAsync(admin.Id))!.TimeZone = "Europe/Berlin";
            (await db.Users.FindAsync(rep.Id))!.TimeZone = "UTC";
            return await db.SaveChangesAsync();
        });
        var f = $"source={h.Source}";

        var wl = await GetAsync(admin, $"/api/v1/reports/win-loss?from=2026-03-01&to=2026-03-31&{f}");
        var closed = $"closedFrom=2026-03-01&closedTo=2026-03-31&{f}";
        foreach (var row in wl.GetProperty("rows").EnumerateArray())
        {
            var (dim, key) = (row.GetProperty("dimension").GetString(), row.GetProperty("key").GetString());
            var by = dim switch
            {
                "Owner" => $"ownerId={key}",
                "Team" => $"teamId={key}",
                "Source" => $"source={key}",
                "Pipeline" => $"pipelineId={key}",
                _ => $"stepId={key}",
            };
            var query = dim == "Source" ? $"closedFrom=2026-03-01&closedTo=2026-03-31&{by}" : $"{closed}&{by}";
            foreach (var state in new[] { "Won", "Lost", "Cancelled" })
                Assert.True(row.GetProperty(state.ToLowerInvariant()).GetInt32() == await TotalAsync(admin, $"state={state}&{query}"), $"{dim} {key} {state}");
        }
        Assert.Equal(2, wl.GetProperty("won").GetInt32());
        foreach (var r in wl.GetProperty("reasons").EnumerateArray())
        {
            var reason = r.GetProperty("reason").GetString();
            var q = $"state={r.GetProperty("kind").GetString()}&{closed}&" + (reason == "" ? "without=reason" : $"reason={Uri.EscapeDataString(reason!)}");
            Assert.Equal(r.GetProperty("count").GetInt32(), await TotalAsync(admin, q));
        }
        Assert.Equal(2, wl.GetProperty("reasons").GetArrayLength());

        var fc = await GetAsync(admin, $"/api/v1/reports/forecast?from=2026-03-01&to=2026-04-30&{f}");
        foreach (var m in fc.GetProperty("months").EnumerateArray())
        {
            var (month, cur) = (DateOnly.Parse(m.GetProperty("month").GetString()!, System.Globalization.CultureInfo.InvariantCulture), m.GetProperty("currency").GetString());
            Assert.Equal(m.GetProperty("openCount").GetInt32(), await TotalAsync(admin, $"state=Open&currency={cur}&expectedClose={month:yyyy-MM}&{f}"));
            Assert.Equal(m.GetProperty("wonCount").GetInt32(),
                await TotalAsync(admin, $"state=Won&currency={cur}&closedFrom={month:yyyy-MM-dd}&closedTo={month.AddMonths(1).AddDays(-1):yyyy-MM-dd}&{f}"));
        }
        // Overdue whatever the period: the 2020 deal and (today being after April 2026) the two open April deals; not the one on standby.
        Assert.Equal(3, fc.GetProperty("overdueCount").GetInt32());
        Assert.Equal(3, await TotalAsync(admin, $"overdue=true&{f}"));

        // The rep sees their own team's deals only (their zone is UTC: the CHF deal was won on 31 March).
        Assert.Equal(2, await TotalAsync(rep, $"state=Won&{closed}"));
        await TestHttp.AssertValidationProblemAsync(await admin.Client.GetAsync($"{Opportunities}?expectedClose=April"), "expectedClose");
        await TestHttp.AssertValidationProblemAsync(await admin.Client.GetAsync($"{Opportunities}?without=boss"), "without");
    }

    private static async Task<JsonElement> GetAsync(TestUser u, string url)
    {
        var res = await u.Client.GetAsync(url);
        var text = await res.Content.ReadAsStringAsync();
        Assert.True(res.StatusCode == HttpStatusCode.OK, $"{url}: {(int)res.StatusCode} {text}");
        return JsonDocument.Parse(text).RootElement;
    }

    private static async Task<int> TotalAsync(TestUser u, string query) =>
        (await GetAsync(u, $"{Opportunities}?pageSize=1&{query}")).GetProperty("total").GetInt32();
}

public sealed class DealStepsAndDrillDownTestsSqlite(SqliteApp f) : DealStepsAndDrillDownTests(f.Factory), IClassFixture<SqliteApp>;
public sealed class DealStepsAndDrillDownTestsPostgres(PostgresApp f) : DealStepsAndDrillDownTests(f.Factory), IClassFixture<PostgresApp>;
