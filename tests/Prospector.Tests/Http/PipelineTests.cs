using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Prospector.Features.Qualification;
using Prospector.Tests.Infrastructure;
using static Prospector.Tests.Http.QualificationSteps;

namespace Prospector.Tests.Http;

/// <summary>Opportunities through the pipeline, and the rule that every open item always has exactly one next action.</summary>
public abstract class PipelineTests(ProspectorFactory app)
{
    private const string Tasks = "/api/v1/tasks";
    private const string Opportunities = "/api/v1/opportunities";

    private static object Next(int inDays, string type = "Call", string? time = null, string? note = null) =>
        new { type, dueDate = Today.AddDays(inDays), dueTime = time, note };

    private static async Task<JsonElement> NewOpportunityAsync(HttpClient client, long contactId, decimal amount = 1000, long? pipelineId = null) =>
        await client.CreateAsync(Opportunities, new { contactId, amount, pipelineId, title = $"Deal {amount}", nextAction = Next(2) });

    [Fact]
    public async Task The_current_action_of_an_open_item_cannot_be_completed_without_the_next_one_or_closing_the_item()
    {
        var rep = (await app.UserAsync("Rep", "Nord")).Client;
        var lead = await rep.NewLeadAsync("Open");
        var task = await rep.CreateAsync(Tasks, new { contactId = lead, type = "Call", dueDate = Today.AddDays(1), note = "First call" });
        var id = task.GetProperty("id").GetInt64();

        var twin = await rep.PostAsJsonAsync(Tasks, new { contactId = lead, type = "Email", dueDate = Today.AddDays(2) });
        Assert.Equal(HttpStatusCode.Conflict, twin.StatusCode);
        await TestHttp.AssertValidationProblemAsync(await rep.PostAsJsonAsync($"{Tasks}/{id}/complete", new { outcome = "Reached" }), "next");
        await TestHttp.AssertValidationProblemAsync(await rep.PostAsJsonAsync($"{Tasks}/{id}/complete", new { next = Next(3) }), "outcome");
        await TestHttp.AssertValidationProblemAsync(
            await rep.PostAsJsonAsync($"{Tasks}/{id}/complete", new { outcome = "Reached", next = new { type = "Call", dueDate = Today.AddDays(-5) } }), "next.dueDate");
        Assert.Equal("Open", (await rep.GetJsonAsync($"{Tasks}/{id}")).Str("status")); // nothing half-done

        var done = await rep.PostAsJsonAsync($"{Tasks}/{id}/complete",
            new { outcome = "Reached", notes = "Wants a demo", next = Next(3, "Meeting", "10:30", "Demo") });
        Assert.Equal(HttpStatusCode.OK, done.StatusCode);
        var result = await done.ReadJsonAsync();
        Assert.Equal(("Done", "Reached"), (result.GetProperty("completed").Str("status"), result.GetProperty("completed").Str("outcome")));
        var next = result.GetProperty("next");
        Assert.Equal(("Meeting", Today.AddDays(3).ToString("yyyy-MM-dd"), "10:30:00"), (next.Str("type"), next.Str("dueDate"), next.Str("dueTime")));
        var logged = await app.WithDbAsync((db, _) => db.Activities.Where(a => a.ContactId == lead).Select(a => new { a.Outcome, a.Notes, a.Channel }).ToListAsync());
        // The logged activity carries the outcome as the activity code ("reached"), the same as one logged by hand, so one filter finds both.
        Assert.Equal(("reached", "Wants a demo", Data.Channel.Phone), (logged.Single().Outcome, logged.Single().Notes, logged.Single().Channel));

        // Closing the item is the other way out: a disqualified contact needs no next action.
        var closed = await rep.PostAsJsonAsync($"{Tasks}/{next.GetProperty("id").GetInt64()}/complete",
            new { outcome = "Meeting held", close = new { @as = "Disqualified", reason = "No budget this year" } });
        Assert.Equal(HttpStatusCode.OK, closed.StatusCode);
        Assert.Equal("Unqualified", (await rep.QualificationAsync(lead)).Str("leadStatus"));
        var without = await rep.GetJsonAsync($"{Tasks}/without-next-action");
        Assert.DoesNotContain(without.GetProperty("items").EnumerateArray(), i => i.GetProperty("id").GetInt64() == lead);
    }

    [Fact]
    public async Task Open_items_without_a_next_action_are_listed_until_they_get_one()
    {
        var rep = (await app.UserAsync("Rep", "Nord")).Client;
        var lead = await rep.NewLeadAsync("Forgotten");
        var suspect = (await rep.CreateAsync(Contacts, new { lastName = "JustSuspect", stage = "Suspect" })).GetProperty("id").GetInt64();
        var without = await rep.GetJsonAsync($"{Tasks}/without-next-action");
        var ids = without.GetProperty("items").EnumerateArray().Select(i => (i.Str("kind"), i.GetProperty("id").GetInt64())).ToList();
        Assert.Contains(("contact", lead), ids);
        Assert.DoesNotContain(("contact", suspect), ids); // suspects are worked in their list, not here
        Assert.True(without.GetProperty("total").GetInt32() >= 1);

        await rep.CreateAsync(Tasks, new { contactId = lead, type = "Call", dueDate = Today });
        without = await rep.GetJsonAsync($"{Tasks}/without-next-action");
        Assert.DoesNotContain(without.GetProperty("items").EnumerateArray(), i => i.GetProperty("id").GetInt64() == lead);
        var today = await rep.GetJsonAsync($"{Tasks}?bucket=Today");
        Assert.Contains(today.GetProperty("items").EnumerateArray(), a => a.GetProperty("contactId").GetInt64() == lead);
    }

    [Fact]
    public async Task The_first_won_opportunity_makes_a_Customer_a_later_one_a_RepeatCustomer()
    {
        var rep = (await app.UserAsync("Rep", "Nord")).Client;
        var contact = await rep.NewLeadAsync("Buyer");
        var first = await NewOpportunityAsync(rep, contact, 12_500);
        Assert.Equal(("Open", "EUR"), (first.Str("state"), first.Str("currency")));
        var action = first.GetProperty("nextAction").GetProperty("id").GetInt64();

        await TestHttp.AssertValidationProblemAsync(
            await rep.PostAsJsonAsync($"{Opportunities}/{first.GetProperty("id").GetInt64()}/lose", new { }), "reason");
        var won = await rep.PostAsJsonAsync($"{Tasks}/{action}/complete", new { outcome = "Signed", close = new { @as = "Won" } });
        Assert.Equal(HttpStatusCode.OK, won.StatusCode);
        var opportunity = await rep.GetJsonAsync($"{Opportunities}/{first.GetProperty("id").GetInt64()}");
        Assert.Equal(("Won", "100"), (opportunity.Str("state"), opportunity.Str("probability")));
        Assert.Equal("Customer", (await rep.GetJsonAsync($"{Contacts}/{contact}")).Str("stage"));

        var second = await NewOpportunityAsync(rep, contact, 3_000);
        var res = await rep.PostAsJsonAsync($"{Opportunities}/{second.GetProperty("id").GetInt64()}/win", new { reason = "Upsell" });
        Assert.Equal(HttpStatusCode.OK, res.StatusCode);
        Assert.Equal("RepeatCustomer", (await rep.GetJsonAsync($"{Contacts}/{contact}")).Str("stage"));
        var stages = (await rep.LifecycleAsync(contact)).Where(e => e.Str("kind") == "StageChanged").Select(e => e.Str("toStage")).ToList();
        Assert.Contains("Customer", stages);
        Assert.Contains("RepeatCustomer", stages);
        // A won opportunity has no open action left, and is not "without next action".
        Assert.Null((await rep.GetJsonAsync($"{Opportunities}/{second.GetProperty("id").GetInt64()}")).Str("nextAction"));
    }

    [Fact]
    public async Task Promoting_a_Prospect_creates_its_first_opportunity_carrying_the_current_next_action()
    {
        var rep = (await app.UserAsync("Rep", "Nord")).Client;
        var lead = await rep.NewLeadAsync("Promoted");
        var task = (await rep.CreateAsync(Tasks, new { contactId = lead, type = "Call", dueDate = Today.AddDays(1) })).GetProperty("id").GetInt64();
        await rep.QualifyAsync(lead);
        var res = await rep.PostAsJsonAsync($"{Contacts}/{lead}/outcome", new { outcome = "Yes", amount = 5000 });
        Assert.Equal(HttpStatusCode.OK, res.StatusCode);
        var opportunityId = (await res.ReadJsonAsync()).GetProperty("opportunityId").GetInt64();
        var opportunity = await rep.GetJsonAsync($"{Opportunities}/{opportunityId}");
        Assert.Equal(task, opportunity.GetProperty("nextAction").GetProperty("id").GetInt64());
        Assert.Equal("Qualification", (await rep.GetJsonAsync("/api/v1/pipelines")).EnumerateArray().First()
            .GetProperty("steps").EnumerateArray().Single(s => s.GetProperty("id").GetInt64() == opportunity.GetProperty("stepId").GetInt64()).Str("name"));
    }

    [Fact]
    public async Task A_standby_opportunity_waits_in_Standby_and_comes_back_to_To_do_on_its_date()
    {
        var rep = (await app.UserAsync("Rep", "Nord")).Client;
        var opportunity = await NewOpportunityAsync(rep, await rep.NewLeadAsync("Later"));
        var id = opportunity.GetProperty("id").GetInt64();
        await TestHttp.AssertValidationProblemAsync(await rep.PostAsJsonAsync($"{Opportunities}/{id}/standby", new { until = Today }), "until");
        var res = await rep.PostAsJsonAsync($"{Opportunities}/{id}/standby", new { until = Today.AddDays(4), note = "After the budget round" });
        Assert.Equal(HttpStatusCode.OK, res.StatusCode);
        var on = await res.ReadJsonAsync();
        Assert.Equal(("Standby", Today.AddDays(4).ToString("yyyy-MM-dd"), "After the budget round"),
            (on.Str("state"), on.GetProperty("nextAction").Str("dueDate"), on.GetProperty("nextAction").Str("note")));
        static bool Has(JsonElement page, long id) => page.GetProperty("items").EnumerateArray().Any(a => a.Str("opportunityId") == id.ToString());
        Assert.True(Has(await rep.GetJsonAsync($"{Tasks}?bucket=Standby"), id));
        Assert.False(Has(await rep.GetJsonAsync($"{Tasks}?bucket=Upcoming"), id));

        app.Clock.Offset = TimeSpan.FromDays(4);
        try
        {
            await app.Services.GetRequiredService<RecontactService>().RunOnceAsync(CancellationToken.None);
            Assert.Equal("Open", (await rep.GetJsonAsync($"{Opportunities}/{id}")).Str("state"));
            Assert.True(Has(await rep.GetJsonAsync($"{Tasks}?bucket=Today"), id));
        }
        finally
        {
            app.Clock.Offset = TimeSpan.Zero;
        }
    }

    [Fact]
    public async Task The_board_counts_and_sums_each_step_moves_cards_and_shows_only_what_the_user_may_see()
    {
        var admin = (await app.UserAsync("Admin")).Client;
        var pipeline = await admin.CreateAsync("/api/v1/pipelines",
            new { name = TestHttp.Unique("Board"), steps = new[] { new { name = "Talk", defaultProbability = 10 }, new { name = "Offer", defaultProbability = 60 } } });
        var pid = pipeline.GetProperty("id").GetInt64();
        var (talk, offer) = (pipeline.GetProperty("steps")[0].GetProperty("id").GetInt64(), pipeline.GetProperty("steps")[1].GetProperty("id").GetInt64());
        var rep = (await app.UserAsync("Rep", "Nord")).Client;
        var a = await NewOpportunityAsync(rep, await rep.NewLeadAsync("A"), 1000.50m, pid);
        await NewOpportunityAsync(rep, await rep.NewLeadAsync("B"), 2000.25m, pid);

        var board = await rep.GetJsonAsync($"/api/v1/pipelines/{pid}/board");
        var column = board.GetProperty("columns")[0];
        Assert.Equal((2, 3000.75m), (column.GetProperty("count").GetInt32(), column.GetProperty("totals")[0].GetProperty("amount").GetDecimal()));

        var moved = await rep.PostAsJsonAsync($"{Opportunities}/{a.GetProperty("id").GetInt64()}/move", new { stepId = offer });
        Assert.Equal(HttpStatusCode.OK, moved.StatusCode);
        Assert.Equal(60, (await moved.ReadJsonAsync()).GetProperty("probability").GetInt32());
        board = await rep.GetJsonAsync($"/api/v1/pipelines/{pid}/board");
        Assert.Equal([1, 1], board.GetProperty("columns").EnumerateArray().Select(c => c.GetProperty("count").GetInt32()).ToArray());
        await TestHttp.AssertValidationProblemAsync(await rep.PostAsJsonAsync($"{Opportunities}/{a.GetProperty("id").GetInt64()}/move", new { stepId = 999_999 }), "stepId");

        var stranger = (await app.UserAsync("Rep", "Süd")).Client;
        var theirs = await stranger.GetJsonAsync($"/api/v1/pipelines/{pid}/board");
        Assert.All(theirs.GetProperty("columns").EnumerateArray(), c => Assert.Equal(0, c.GetProperty("count").GetInt32()));
        Assert.Equal(HttpStatusCode.NotFound, (await stranger.GetAsync($"{Opportunities}/{a.GetProperty("id").GetInt64()}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await stranger.PostAsJsonAsync($"{Opportunities}/{a.GetProperty("id").GetInt64()}/win", new { })).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await stranger.GetAsync($"{Tasks}/{a.GetProperty("nextAction").GetProperty("id").GetInt64()}")).StatusCode);

        // A step with deals on it cannot be removed; the pipeline with deals cannot be deleted.
        var res = await admin.PutAsJsonAsync($"/api/v1/pipelines/{pid}", new { name = "Board", steps = new[] { new { id = (long?)talk, name = "Talk", defaultProbability = 10 } } });
        Assert.Equal(HttpStatusCode.Conflict, res.StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, (await admin.DeleteAsync($"/api/v1/pipelines/{pid}")).StatusCode);
    }

    [Fact]
    public async Task Reopening_a_lost_deal_needs_its_next_action_an_edit_names_every_wrong_field_and_a_missing_deal_is_a_404_in_the_callers_language()
    {
        var rep = (await app.UserAsync("Rep", "Nord")).Client;
        var id = (await NewOpportunityAsync(rep, await rep.NewLeadAsync("Back"), 2_500)).GetProperty("id").GetInt64();
        Assert.Equal(HttpStatusCode.OK, (await rep.PostAsJsonAsync($"{Opportunities}/{id}/lose", new { reason = "Went quiet" })).StatusCode);

        // Reopened, the deal is in play again: it needs its next action at once, and nothing changes without one.
        await TestHttp.AssertValidationProblemAsync(await rep.PostAsJsonAsync($"{Opportunities}/{id}/reopen", new { }), "nextAction");
        await TestHttp.AssertValidationProblemAsync(
            await rep.PostAsJsonAsync($"{Opportunities}/{id}/reopen", new { nextAction = new { type = "Call" } }), "nextAction.dueDate");
        Assert.Equal("Lost", (await rep.GetJsonAsync($"{Opportunities}/{id}")).Str("state"));
        var reopened = await (await rep.PostAsJsonAsync($"{Opportunities}/{id}/reopen", new { nextAction = Next(4, "Email", note: "New budget?") })).ReadJsonAsync();
        Assert.Equal(("Open", "Email", "New budget?"), (reopened.Str("state"), reopened.GetProperty("nextAction").Str("type"), reopened.GetProperty("nextAction").Str("note")));
        Assert.Equal(Today.AddDays(4).ToString("yyyy-MM-dd"), reopened.GetProperty("nextAction").Str("dueDate"));

        // One edit check, each mistake on its own field; nothing is stored.
        var get = await rep.GetAsync($"{Opportunities}/{id}");
        var wrong = await rep.PatchAsync($"{Opportunities}/{id}", new { title = " ", amount = -1, probability = 101, currency = "EURO" }, get.ETag());
        Assert.Equal(HttpStatusCode.BadRequest, wrong.StatusCode);
        var fields = (await wrong.ReadJsonAsync()).GetProperty("errors").EnumerateObject().Select(e => e.Name).Order().ToList();
        Assert.Equal(["amount", "currency", "probability", "title"], fields);
        Assert.Equal(2_500m, (await rep.GetJsonAsync($"{Opportunities}/{id}")).GetProperty("amount").GetDecimal());
        var edited = await rep.PatchAsync($"{Opportunities}/{id}", new { title = "Back again", amount = 3_000, currency = "chf" }, get.ETag());
        Assert.Equal(HttpStatusCode.OK, edited.StatusCode);
        var after = await edited.ReadJsonAsync();
        Assert.Equal(("Back again", "CHF"), (after.Str("title"), after.Str("currency")));

        using var german = new HttpRequestMessage(HttpMethod.Get, $"{Opportunities}/{id + 100_000}");
        german.Headers.AcceptLanguage.ParseAdd("de-DE");
        var missing = await rep.SendAsync(german);
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Equal("Verkaufschance nicht gefunden", (await missing.ReadJsonAsync()).Str("title"));
    }

    [Fact]
    public async Task Rescheduling_needs_the_current_version_and_keeps_one_action()
    {
        var rep = (await app.UserAsync("Rep", "Nord")).Client;
        var lead = await rep.NewLeadAsync("Moved");
        var created = await rep.PostAsJsonAsync(Tasks, new { contactId = lead, type = "Call", dueDate = Today.AddDays(1) });
        var id = (await created.ReadJsonAsync()).GetProperty("id").GetInt64();
        var get = await rep.GetAsync($"{Tasks}/{id}");
        Assert.Equal(HttpStatusCode.PreconditionRequired, (await rep.PatchAsync($"{Tasks}/{id}", new { dueDate = Today.AddDays(5) }, null)).StatusCode);
        var ok = await rep.PatchAsync($"{Tasks}/{id}", new { dueDate = Today.AddDays(5), dueTime = "15:00" }, get.ETag());
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        Assert.Equal(HttpStatusCode.PreconditionFailed, (await rep.PatchAsync($"{Tasks}/{id}", new { note = "stale" }, get.ETag())).StatusCode);
        var upcoming = await rep.GetJsonAsync($"{Tasks}?bucket=Upcoming");
        var mine = upcoming.GetProperty("items").EnumerateArray().Single(a => a.GetProperty("id").GetInt64() == id);
        Assert.Equal((Today.AddDays(5).ToString("yyyy-MM-dd"), "15:00:00"), (mine.Str("dueDate"), mine.Str("dueTime")));
    }
}

public sealed class PipelineTestsSqlite(SqliteApp f) : PipelineTests(f.Factory), IClassFixture<SqliteApp>;
public sealed class PipelineTestsPostgres(PostgresApp f) : PipelineTests(f.Factory), IClassFixture<PostgresApp>;
