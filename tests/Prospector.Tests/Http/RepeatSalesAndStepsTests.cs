using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Prospector.Tests.Infrastructure;
using static Prospector.Tests.Http.QualificationSteps;

namespace Prospector.Tests.Http;

/// <summary>
/// After the first sale and steering a deal (issue 17, points 1 and 2): the next sale proposed from the last won deal, account care
/// next actions for customers (optional, or required by the workspace setting), a deal's step history, the board's search, sort
/// and closed deals, and moving a contact back a stage with a reason.
/// </summary>
public abstract class RepeatSalesAndStepsTests(ProspectorFactory app)
{
    private const string Tasks = "/api/v1/tasks";
    private const string Opportunities = "/api/v1/opportunities";
    private const string Contacts = "/api/v1/contacts";

    private static object Next(int inDays) => new { type = "Call", dueDate = Today.AddDays(inDays) };

    private static async Task<long> CustomerAsync(HttpClient rep, string company, decimal amount)
    {
        var companyId = (await rep.CreateAsync("/api/v1/companies", new { name = company })).GetProperty("id").GetInt64();
        var contact = (await rep.CreateAsync(Contacts, new { firstName = "Ute", lastName = "Kauf", stage = "Lead", companyId })).GetProperty("id").GetInt64();
        var deal = await rep.CreateAsync(Opportunities, new { contactId = contact, amount, currency = "CHF", title = "First order", nextAction = Next(2) });
        Assert.Equal(HttpStatusCode.OK, (await rep.PostAsJsonAsync($"{Opportunities}/{deal.GetProperty("id").GetInt64()}/win", new { })).StatusCode);
        Assert.Equal("Customer", (await rep.GetJsonAsync($"{Contacts}/{contact}")).Str("stage"));
        return contact;
    }

    [Fact]
    public async Task A_customers_next_sale_is_filled_from_the_last_won_deal_and_winning_it_makes_a_RepeatCustomer()
    {
        var rep = (await app.UserAsync("Rep", "Nord")).Client;
        var company = $"Bäckerei {Guid.NewGuid():N}"[..20];
        var customer = await CustomerAsync(rep, company, 12_500);

        var suggestion = await rep.GetJsonAsync($"{Opportunities}/suggestion?contactId={customer}");
        Assert.Equal($"Re-order – {company}", suggestion.Str("title"));
        Assert.Equal((12_500m, "CHF"), (suggestion.GetProperty("amount").GetDecimal(), suggestion.Str("currency")));
        Assert.Equal(Today.AddDays(1).ToString("yyyy-MM-dd"), suggestion.GetProperty("nextAction").Str("dueDate"));
        var inGerman = TestHttp.Request(HttpMethod.Get, $"{Opportunities}/suggestion?contactId={customer}");
        inGerman.Headers.AcceptLanguage.ParseAdd("de");
        var german = await rep.SendAsync(inGerman);
        Assert.Equal($"Nachbestellung – {company}", (await german.ReadJsonAsync()).Str("title"));

        // The suggestion, posted as it is, is the next deal; winning it makes the customer a repeat customer.
        var next = await rep.CreateAsync(Opportunities, suggestion);
        Assert.Equal(("Open", 12_500m), (next.Str("state"), next.GetProperty("amount").GetDecimal()));
        Assert.Equal(HttpStatusCode.OK, (await rep.PostAsJsonAsync($"{Opportunities}/{next.GetProperty("id").GetInt64()}/win", new { })).StatusCode);
        Assert.Equal("RepeatCustomer", (await rep.GetJsonAsync($"{Contacts}/{customer}")).Str("stage"));

        // A lead is proposed a first deal: no amount to copy, "Company – person".
        var lead = await rep.NewLeadAsync("Neu");
        var first = await rep.GetJsonAsync($"{Opportunities}/suggestion?contactId={lead}");
        Assert.Equal(JsonValueKind.Null, first.GetProperty("amount").ValueKind);
        Assert.DoesNotContain("Re-order", first.Str("title"));

        await TestHttp.AssertValidationProblemAsync(await rep.GetAsync($"{Opportunities}/suggestion"), "contactId");
        var other = (await app.UserAsync("Rep", "Süd")).Client;
        Assert.Equal(HttpStatusCode.NotFound, (await other.GetAsync($"{Opportunities}/suggestion?contactId={customer}")).StatusCode);
    }

    [Fact]
    public async Task A_customers_check_in_appears_in_To_do_optional_unless_the_workspace_requires_it()
    {
        var rep = (await app.UserAsync("Rep", "Nord")).Client;
        var customer = await CustomerAsync(rep, $"Pflege {Guid.NewGuid():N}"[..16], 900);
        async Task<bool> WithoutAsync() => (await rep.GetJsonAsync($"{Tasks}/without-next-action")).GetProperty("items").EnumerateArray()
            .Any(i => i.Str("kind") == "contact" && i.GetProperty("id").GetInt64() == customer);
        Assert.False(await WithoutAsync()); // a customer needs no next action by default

        var checkIn = await rep.CreateAsync(Tasks, new { contactId = customer, type = "Call", dueDate = Today, note = "Check-in" });
        var today = await rep.GetJsonAsync($"{Tasks}?bucket=Today");
        Assert.Contains(today.GetProperty("items").EnumerateArray(), a => a.GetProperty("id").GetInt64() == checkIn.GetProperty("id").GetInt64()
            && a.GetProperty("contactId").GetInt64() == customer && a.Str("note") == "Check-in");
        // Done, and nothing planned after it: allowed for a customer.
        var done = await rep.PostAsJsonAsync($"{Tasks}/{checkIn.GetProperty("id").GetInt64()}/complete", new { outcome = "Reached" });
        Assert.Equal(HttpStatusCode.OK, done.StatusCode);

        var admin = (await app.UserAsync("Admin")).Client;
        var get = await admin.GetAsync("/api/v1/workspace");
        Assert.False((await get.ReadJsonAsync()).GetProperty("customersNeedNextAction").GetBoolean());
        var on = await admin.SendAsync(TestHttp.Request(HttpMethod.Put, "/api/v1/workspace", JsonContent.Create(new { customersNeedNextAction = true }), get.ETag()));
        Assert.Equal(HttpStatusCode.OK, on.StatusCode);
        try
        {
            Assert.True((await on.ReadJsonAsync()).GetProperty("customersNeedNextAction").GetBoolean());
            Assert.True(await WithoutAsync()); // now it falls through the cracks without one
            var renewal = await rep.CreateAsync(Tasks, new { contactId = customer, type = "Meeting", dueDate = Today.AddDays(3), note = "Renewal" });
            Assert.False(await WithoutAsync());
            await TestHttp.AssertValidationProblemAsync(
                await rep.PostAsJsonAsync($"{Tasks}/{renewal.GetProperty("id").GetInt64()}/complete", new { outcome = "Reached" }), "next");
        }
        finally
        {
            var again = await admin.GetAsync("/api/v1/workspace");
            await admin.SendAsync(TestHttp.Request(HttpMethod.Put, "/api/v1/workspace", JsonContent.Create(new { customersNeedNextAction = false }), again.ETag()));
        }
        Assert.False(await WithoutAsync());
    }

    [Fact]
    public async Task A_deals_step_history_lists_each_move_and_how_it_closed_with_dates()
    {
        var rep = (await app.UserAsync("Rep", "Nord")).Client;
        var lead = await rep.NewLeadAsync("Steps");
        var deal = await rep.CreateAsync(Opportunities, new { contactId = lead, amount = 500, nextAction = Next(1) });
        var id = deal.GetProperty("id").GetInt64();
        var steps = (await rep.GetJsonAsync("/api/v1/pipelines")).EnumerateArray()
            .Single(p => p.GetProperty("id").GetInt64() == deal.GetProperty("pipelineId").GetInt64()).GetProperty("steps").EnumerateArray()
            .Select(s => (Id: s.GetProperty("id").GetInt64(), Name: s.Str("name"))).ToList();
        Assert.Equal(HttpStatusCode.OK, (await rep.PostAsJsonAsync($"{Opportunities}/{id}/move", new { stepId = steps[2].Id })).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await rep.PostAsJsonAsync($"{Opportunities}/{id}/move", new { stepId = steps[1].Id })).StatusCode);
        await TestHttp.AssertValidationProblemAsync(await rep.PostAsJsonAsync($"{Opportunities}/{id}/lose", new { reason = " " }), "reason");
        Assert.Equal(HttpStatusCode.OK, (await rep.PostAsJsonAsync($"{Opportunities}/{id}/lose", new { reason = "Price too high" })).StatusCode);

        var history = (await rep.GetJsonAsync($"{Opportunities}/{id}/steps")).EnumerateArray().ToList();
        Assert.Equal(4, history.Count);
        Assert.True(history[0].GetProperty("created").GetBoolean());
        Assert.Equal(new[] { steps[0].Name, steps[2].Name, steps[1].Name, steps[1].Name }, history.Select(h => h.Str("stepName")));
        Assert.Equal(("Lost", "Price too high"), (history[3].Str("state"), history[3].Str("reason")));
        var at = history.Select(h => h.GetProperty("at").GetDateTime()).ToList();
        Assert.Equal(at.Order(), at);
        Assert.True(at[^1] > DateTime.UtcNow.AddMinutes(-5));

        var other = (await app.UserAsync("Rep", "Süd")).Client;
        Assert.Equal(HttpStatusCode.NotFound, (await other.GetAsync($"{Opportunities}/{id}/steps")).StatusCode);
    }

    [Fact]
    public async Task The_board_searches_sorts_within_a_column_and_shows_closed_deals_on_request()
    {
        var rep = (await app.UserAsync("Rep", "Nord")).Client;
        var word = $"Zebra{Guid.NewGuid():N}"[..12];
        var lead = await rep.NewLeadAsync("Board");
        var small = await rep.CreateAsync(Opportunities, new { contactId = lead, amount = 100, title = $"{word} small", nextAction = Next(5) });
        var large = await rep.CreateAsync(Opportunities, new { contactId = lead, amount = 9_000, title = $"{word} large", nextAction = Next(9) });
        var won = await rep.CreateAsync(Opportunities, new { contactId = lead, amount = 300, title = $"{word} won", nextAction = Next(1) });
        await rep.CreateAsync(Opportunities, new { contactId = lead, amount = 50, title = "Unrelated", nextAction = Next(1) });
        Assert.Equal(HttpStatusCode.OK, (await rep.PostAsJsonAsync($"{Opportunities}/{won.GetProperty("id").GetInt64()}/win", new { })).StatusCode);
        var board = $"/api/v1/pipelines/{small.GetProperty("pipelineId").GetInt64()}/board";

        static List<string> Titles(JsonElement b) => b.GetProperty("columns").EnumerateArray()
            .SelectMany(c => c.GetProperty("items").EnumerateArray()).Select(i => i.Str("title")!).ToList();
        var byAmount = await rep.GetJsonAsync($"{board}?q={word.ToUpperInvariant()}&sort=Amount");
        Assert.Equal([$"{word} large", $"{word} small"], Titles(byAmount));
        var byDue = await rep.GetJsonAsync($"{board}?q={word}&sort=NextActionDue");
        Assert.Equal([$"{word} small", $"{word} large"], Titles(byDue));
        Assert.Equal(JsonValueKind.Null, byDue.GetProperty("closed").ValueKind);

        var withClosed = await rep.GetJsonAsync($"{board}?q={word}&closed=true&closedSince={Today.AddDays(-30):yyyy-MM-dd}");
        var wonColumn = withClosed.GetProperty("closed").EnumerateArray().Single(c => c.Str("state") == "Won");
        Assert.Equal(1, wonColumn.GetProperty("count").GetInt32());
        Assert.Equal($"{word} won", wonColumn.GetProperty("items")[0].Str("title"));
        Assert.DoesNotContain($"{word} won", Titles(withClosed));
        var later = await rep.GetJsonAsync($"{board}?q={word}&closed=true&closedSince={Today.AddDays(1):yyyy-MM-dd}");
        Assert.Equal(0, later.GetProperty("closed").EnumerateArray().Single(c => c.Str("state") == "Won").GetProperty("count").GetInt32());

        await TestHttp.AssertValidationProblemAsync(await rep.GetAsync($"{board}?closedSince=2026-01-01"), "closedSince");
        Assert.Equal(HttpStatusCode.BadRequest, (await rep.GetAsync($"{board}?sort=Loudest")).StatusCode);
        var list = await rep.GetJsonAsync($"{Opportunities}?q={word}&state=Open");
        Assert.Equal(2, list.GetProperty("total").GetInt32());
    }

    [Fact]
    public async Task Moving_a_contact_back_a_stage_needs_a_reason_and_is_a_lifecycle_event()
    {
        var rep = (await app.UserAsync("Rep", "Nord")).Client;
        var prospect = await rep.NewLeadAsync("Zurück");
        await rep.QualifyAsync(prospect);
        Assert.Equal(HttpStatusCode.OK, (await rep.PostAsJsonAsync($"{Contacts}/{prospect}/outcome", new { outcome = "Yes", amount = 800m })).StatusCode);
        await TestHttp.AssertValidationProblemAsync(await rep.MoveAsync(prospect, "Lead"), "reason");
        Assert.Equal("Prospect", (await rep.GetJsonAsync($"{Contacts}/{prospect}")).Str("stage"));

        Assert.Equal(HttpStatusCode.OK, (await rep.MoveAsync(prospect, "Lead", "No budget before next year")).StatusCode);
        Assert.Equal("Lead", (await rep.GetJsonAsync($"{Contacts}/{prospect}")).Str("stage"));
        var back = (await rep.LifecycleAsync(prospect)).Single(e => e.Str("kind") == "StageChanged" && e.Str("toStage") == "Lead" && e.Str("fromStage") is not null);
        Assert.Equal(("Prospect", "Lead", "No budget before next year"), (back.Str("fromStage"), back.Str("toStage"), back.Str("reason")));
    }
}

public sealed class RepeatSalesAndStepsTestsSqlite(SqliteApp f) : RepeatSalesAndStepsTests(f.Factory), IClassFixture<SqliteApp>;
public sealed class RepeatSalesAndStepsTestsPostgres(PostgresApp f) : RepeatSalesAndStepsTests(f.Factory), IClassFixture<PostgresApp>;
