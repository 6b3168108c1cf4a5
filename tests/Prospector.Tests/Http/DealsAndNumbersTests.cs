using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Security.Claims;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Prospector.Data;
using Prospector.Features.Access;
using Prospector.Features.Dashboard;
using Prospector.Features.NextActions;
using Prospector.Tests.Infrastructure;
using static Prospector.Tests.Http.QualificationSteps;

namespace Prospector.Tests.Http;

/// <summary>
/// Issue 12, points 6, 7 and 11: a "yes" opens a deal that carries the forecast, a won deal at 0 needs confirming, the dashboard,
/// To do, board and API count the same things, and every next action has an assignee.
/// </summary>
public abstract class DealsAndNumbersTests(ProspectorFactory app)
{
    private const string Contacts = "/api/v1/contacts";
    private const string Opportunities = "/api/v1/opportunities";
    private const string Tasks = "/api/v1/tasks";

    private static async Task<long> YesAsync(HttpClient client, long contactId, object deal)
    {
        await client.QualifyAsync(contactId);
        var res = await client.PostAsJsonAsync($"{Contacts}/{contactId}/outcome", deal);
        Assert.True(res.StatusCode == HttpStatusCode.OK, await res.Content.ReadAsStringAsync());
        return (await res.ReadJsonAsync()).GetProperty("opportunityId").GetInt64();
    }

    [Fact]
    public async Task Yes_makes_a_prospect_whose_deal_carries_the_title_amount_and_expected_close_given()
    {
        var rep = (await app.UserAsync("Rep", "Nord")).Client;
        var lead = await rep.NewLeadAsync("Yesmann");
        var close = Today.AddDays(45);
        var id = await YesAsync(rep, lead, new { outcome = "Yes", opportunityTitle = "Yesmann – 20 seats", amount = 12_000m, expectedCloseDate = close });

        var deal = await rep.GetJsonAsync($"{Opportunities}/{id}");
        Assert.Equal(("Yesmann – 20 seats", 12_000m, close.ToString("yyyy-MM-dd"), "Open"),
            (deal.Str("title"), deal.GetProperty("amount").GetDecimal(), deal.Str("expectedCloseDate"), deal.Str("state")));
        Assert.Equal("Prospect", (await rep.GetJsonAsync($"{Contacts}/{lead}")).Str("stage"));
        // The new deal is a card on the first page of its column, not the 42nd behind "Load more".
        var board = await rep.GetJsonAsync($"/api/v1/pipelines/{deal.GetProperty("pipelineId").GetInt64()}/board?perColumn=1");
        var column = board.GetProperty("columns").EnumerateArray().Single(c => c.GetProperty("stepId").GetInt64() == deal.GetProperty("stepId").GetInt64());
        Assert.Equal(id, column.GetProperty("items")[0].GetProperty("id").GetInt64());
    }

    [Fact]
    public async Task Yes_without_deal_details_names_the_deal_company_and_person_and_expects_it_to_close_in_30_days()
    {
        var rep = (await app.UserAsync("Rep", "Nord")).Client;
        var company = (await rep.CreateAsync("/api/v1/companies", new { name = "Brauerei Kölsch" })).GetProperty("id").GetInt64();
        var lead = (await rep.CreateAsync(Contacts, new { firstName = "Jan", lastName = "Mertens", stage = "Lead", companyId = company })).GetProperty("id").GetInt64();
        var id = await YesAsync(rep, lead, new { outcome = "Yes" });
        var deal = await rep.GetJsonAsync($"{Opportunities}/{id}");
        Assert.Equal(("Brauerei Kölsch – Jan Mertens", Today.AddDays(30).ToString("yyyy-MM-dd")), (deal.Str("title"), deal.Str("expectedCloseDate")));

        var other = await rep.NewLeadAsync("Late");
        await rep.QualifyAsync(other);
        await TestHttp.AssertValidationProblemAsync(
            await rep.PostAsJsonAsync($"{Contacts}/{other}/outcome", new { outcome = "Yes", expectedCloseDate = Today.AddDays(-3) }), "expectedCloseDate");
        await TestHttp.AssertValidationProblemAsync(await rep.PostAsJsonAsync($"{Contacts}/{other}/outcome", new { outcome = "Yes", amount = -1 }), "amount");
        Assert.Equal("Lead", (await rep.GetJsonAsync($"{Contacts}/{other}")).Str("stage"));
    }

    [Fact]
    public async Task A_deal_at_0_is_won_only_when_the_free_deal_is_confirmed_through_win_and_through_completing_its_action()
    {
        var rep = (await app.UserAsync("Rep", "Nord")).Client;
        var lead = await rep.NewLeadAsync("Gratis");
        var id = await YesAsync(rep, lead, new { outcome = "Yes", amount = 0 });

        await TestHttp.AssertValidationProblemAsync(await rep.PostAsJsonAsync($"{Opportunities}/{id}/win", new { reason = "Signed" }), "amount");
        var action = (await rep.GetJsonAsync($"{Opportunities}/{id}")).GetProperty("nextAction").GetProperty("id").GetInt64();
        await TestHttp.AssertValidationProblemAsync(
            await rep.PostAsJsonAsync($"{Tasks}/{action}/complete", new { outcome = "Signed", close = new { @as = "Won" } }), "close.amount");
        var unchanged = await rep.GetJsonAsync($"{Opportunities}/{id}");
        Assert.Equal(("Open", "Open"), (unchanged.Str("state"), unchanged.GetProperty("nextAction").Str("status")));

        var won = await rep.PostAsJsonAsync($"{Tasks}/{action}/complete", new { outcome = "Signed", close = new { @as = "Won", freeDeal = true } });
        Assert.Equal(HttpStatusCode.OK, won.StatusCode);
        Assert.Equal("Won", (await rep.GetJsonAsync($"{Opportunities}/{id}")).Str("state"));

        var paid = await YesAsync(rep, await rep.NewLeadAsync("Paid"), new { outcome = "Yes", amount = 0 });
        var patch = await rep.GetAsync($"{Opportunities}/{paid}");
        Assert.Equal(HttpStatusCode.OK, (await rep.PatchAsync($"{Opportunities}/{paid}", new { amount = 900 }, patch.ETag())).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await rep.PostAsJsonAsync($"{Opportunities}/{paid}/win", new { })).StatusCode);
    }

    [Fact]
    public async Task The_win_endpoint_documents_the_free_deal_confirmation_in_OpenAPI()
    {
        var doc = await (await app.CreateClient().GetAsync("/openapi/v1.json")).Content.ReadAsStringAsync();
        var win = JsonDocument.Parse(doc).RootElement.GetProperty("paths").GetProperty("/api/v1/opportunities/{id}/win").GetProperty("post");
        Assert.Contains("freeDeal", win.Str("description"));
        Assert.Contains("freeDeal", doc[doc.IndexOf("\"WinBody\"", StringComparison.Ordinal)..]);
    }

    [Fact]
    public async Task Dashboard_To_do_board_and_API_give_the_same_numbers_and_each_tile_lists_exactly_what_it_counts()
    {
        var user = await app.UserAsync("Rep", "Süd");
        var rep = user.Client;
        var open = await YesAsync(rep, await rep.NewLeadAsync("Open"), new { outcome = "Yes", amount = 4_000m });
        await YesAsync(rep, await rep.NewLeadAsync("Second"), new { outcome = "Yes", amount = 1_500m });
        var paused = await YesAsync(rep, await rep.NewLeadAsync("Paused"), new { outcome = "Yes", amount = 700m });
        Assert.Equal(HttpStatusCode.OK, (await rep.PostAsJsonAsync($"{Opportunities}/{paused}/standby", new { until = Today.AddDays(20) })).StatusCode);
        // A contact "not ready yet": its follow-up waits on standby, it is not Upcoming.
        var later = await rep.NewLeadAsync("Later");
        Assert.Equal(HttpStatusCode.OK, (await rep.PostAsJsonAsync($"{Contacts}/{later}/outcome", new { outcome = "NotReady", followUpOn = Today.AddDays(9) })).StatusCode);
        await rep.CreateAsync(Tasks, new { contactId = await rep.NewLeadAsync("Soon"), type = "Call", dueDate = Today.AddDays(3) });

        var numbers = await app.WithDbAsync(async (db, sp) =>
        {
            var principal = new ClaimsPrincipal(new ClaimsIdentity(
                [new Claim(ClaimTypes.NameIdentifier, user.Id.ToString(CultureInfo.InvariantCulture)), new Claim(ClaimTypes.Role, "Rep")], "test"));
            var scope = await new RecordAccess(db).ScopeAsync(principal);
            return await DashboardNumbers.LoadAsync(db, scope, await NextActionQueries.TodayAsync(db, user.Id, app.Clock));
        });

        // To do: each bucket as the tasks API (and the To do page) counts it; standby apart from Upcoming.
        foreach (var bucket in Enum.GetValues<Bucket>())
            Assert.True(numbers.Actions[bucket] == (await rep.GetJsonAsync($"{Tasks}?bucket={bucket}")).GetProperty("total").GetInt32(), $"bucket {bucket}");
        Assert.True(numbers.Actions[Bucket.Standby] >= 2, "the standby deal's and the not-ready contact's follow-ups");
        var upcoming = (await rep.GetJsonAsync($"{Tasks}?bucket=Upcoming&pageSize=100")).GetProperty("items").EnumerateArray().ToList();
        Assert.DoesNotContain(upcoming, a => a.GetProperty("onStandby").GetBoolean());

        // Pipeline value: open deals only, as on the board; the standby deal is counted apart.
        var pipeline = (await rep.GetJsonAsync($"{Opportunities}/{open}")).GetProperty("pipelineId").GetInt64();
        var board = (await rep.GetJsonAsync($"/api/v1/pipelines/{pipeline}/board")).GetProperty("numbers");
        Assert.Equal(numbers.Pipeline.OpenCount, board.GetProperty("openCount").GetInt32());
        Assert.Equal(numbers.Pipeline.Value.Single(v => v.Currency == "EUR").Amount, Eur(board.GetProperty("value")));
        Assert.Equal(numbers.Pipeline.StandbyCount, board.GetProperty("standbyCount").GetInt32());
        var openDeals = (await rep.GetJsonAsync($"{Opportunities}?state=Open&pageSize=100")).GetProperty("items").EnumerateArray().ToList();
        Assert.Equal(openDeals.Count, numbers.Pipeline.OpenCount);
        Assert.Equal(openDeals.Sum(o => o.GetProperty("amount").GetDecimal()), numbers.Pipeline.Value.Single().Amount);
        Assert.Equal(700m, numbers.Pipeline.StandbyValue.Single().Amount);

        // Stage tiles: /contacts?stage=X lists exactly the contacts the tile counts (the same query, by the API).
        foreach (var (stage, count) in numbers.Stages)
            Assert.True(count == (await rep.GetJsonAsync($"{Contacts}?stage={stage}")).GetProperty("total").GetInt32(), $"stage {stage}");
        Assert.True(numbers.Stages[Stage.Prospect] >= 3);
    }

    [Fact]
    public async Task A_lifecycle_next_action_on_a_contact_without_owner_goes_to_the_acting_user_and_shows_in_their_To_do()
    {
        var user = await app.UserAsync("Rep", "Nord");
        var rep = user.Client;
        var lead = await rep.NewLeadAsync("Niemand");
        await app.WithDbAsync((db, _) => db.Contacts.Where(c => c.Id == lead).ExecuteUpdateAsync(u => u.SetProperty(c => c.OwnerId, (long?)null).SetProperty(c => c.TeamId, (long?)null)));

        Assert.Equal(HttpStatusCode.OK, (await rep.PostAsJsonAsync($"{Contacts}/{lead}/outcome", new { outcome = "NotReady", followUpOn = Today.AddDays(5) })).StatusCode);
        var standby = (await rep.GetJsonAsync($"{Tasks}?bucket=Standby&pageSize=100")).GetProperty("items").EnumerateArray()
            .Single(a => a.GetProperty("contactId").GetInt64() == lead);
        Assert.Equal(user.Id, standby.GetProperty("assigneeId").GetInt64());
        Assert.False(string.IsNullOrEmpty(standby.Str("assigneeName")));

        // Disqualified but kept for later: the recontact also reaches someone.
        var kept = await rep.NewLeadAsync("Spaeter");
        await app.WithDbAsync((db, _) => db.Contacts.Where(c => c.Id == kept).ExecuteUpdateAsync(u => u.SetProperty(c => c.OwnerId, (long?)null).SetProperty(c => c.TeamId, (long?)null)));
        Assert.Equal(HttpStatusCode.OK, (await rep.PostAsJsonAsync($"{Contacts}/{kept}/disqualify", new { reason = "No budget", keepForLater = Keep(Today.AddDays(60)) })).StatusCode);
        var assignees = await app.WithDbAsync((db, _) => db.NextActions.Where(a => a.ContactId == lead || a.ContactId == kept).Select(a => a.AssigneeId).ToListAsync());
        Assert.All(assignees, a => Assert.Equal(user.Id, a));
        Assert.Equal(2, assignees.Count);
    }

    private static decimal Eur(JsonElement totals) =>
        totals.EnumerateArray().Where(t => t.Str("currency") == "EUR").Sum(t => t.GetProperty("amount").GetDecimal());
}

public sealed class DealsAndNumbersTestsSqlite(SqliteApp f) : DealsAndNumbersTests(f.Factory), IClassFixture<SqliteApp>;
public sealed class DealsAndNumbersTestsPostgres(PostgresApp f) : DealsAndNumbersTests(f.Factory), IClassFixture<PostgresApp>;
