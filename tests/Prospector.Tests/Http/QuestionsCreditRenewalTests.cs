using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Prospector.Data;
using Prospector.Tests.Infrastructure;
using static Prospector.Tests.Http.QualificationSteps;

namespace Prospector.Tests.Http;

/// <summary>
/// Issue 17, points 6 and 9 and the renewal date of point 1: questions and concerns across records (access, filters, the count per
/// category in the win/loss report), the credit check as data (a failed one stops the deal until a manager overrides it with a
/// reason, audited), and a won deal's renewal date with exactly one account-care next action that moves with the date.
/// </summary>
public abstract class QuestionsCreditRenewalTests(ProspectorFactory app)
{
    private const string Opportunities = "/api/v1/opportunities";

    private static long Id(JsonElement e) => e.GetProperty("id").GetInt64();

    private static List<JsonElement> Items(JsonElement page) => [.. page.GetProperty("items").EnumerateArray()];

    private static object Next(int inDays) => new { type = "Call", dueDate = Today.AddDays(inDays) };

    [Fact]
    public async Task Questions_across_records_are_listed_by_access_filtered_and_counted_per_category_in_win_loss()
    {
        var tag = TestHttp.Unique("Q");
        var nord = await app.UserAsync("Rep", "Nord");
        var sued = await app.UserAsync("Rep", "Süd");
        var contact = Id(await nord.Client.CreateAsync("/api/v1/contacts", new { firstName = "Jan", lastName = $"Vries {tag}" }));
        var raisedEarlier = DateTimeOffset.UtcNow.AddDays(-3);
        await nord.Client.CreateAsync("/api/v1/activities", new
        {
            contactId = contact, channel = "Phone", occurredAt = raisedEarlier,
            questions = new object[]
            {
                new { kind = "Concern", text = $"{tag} too expensive", category = "Price" },
                new { kind = "Concern", text = $"{tag} uses Pipedrive", category = "Competitor" },
            },
        });
        await nord.Client.CreateAsync("/api/v1/activities", new
        {
            contactId = contact, channel = "Email",
            questions = new object[] { new { kind = "Question", text = $"{tag} DATEV export?", category = "Integration" }, new { kind = "Question", text = $"{tag} plain" } },
        });
        var theirs = Id(await sued.Client.CreateAsync("/api/v1/contacts", new { firstName = "Eva", lastName = $"Süd {tag}" }));
        await sued.Client.CreateAsync("/api/v1/activities", new
        {
            contactId = theirs, channel = "Phone", questions = new[] { new { kind = "Concern", text = $"{tag} secret price", category = "Price" } },
        });

        async Task<List<string>> TextsAsync(HttpClient c, string query) =>
            [.. Items(await c.GetJsonAsync($"/api/v1/questions?open=true&pageSize=200&{query}")).Select(q => q.Str("text")!).Where(t => t.StartsWith(tag, StringComparison.Ordinal))];

        // Everything the rep may see, nothing of the other team; each with its record and that record's owner.
        var mine = Items(await nord.Client.GetJsonAsync($"/api/v1/questions?open=true&owner={nord.Id}&pageSize=200"));
        Assert.Equal(4, mine.Count(q => q.Str("text")!.StartsWith(tag, StringComparison.Ordinal)));
        Assert.All(mine, q => Assert.Equal(nord.Id, q.GetProperty("ownerId").GetInt64()));
        Assert.Contains(mine, q => q.Str("about") == $"Jan Vries {tag}" && q.Str("category") == "Price");
        Assert.DoesNotContain($"{tag} secret price", await TextsAsync(nord.Client, ""));
        Assert.Equal([$"{tag} secret price"], await TextsAsync(sued.Client, ""));
        Assert.Empty(await TextsAsync(nord.Client, $"owner={sued.Id}"));

        // Filters: category, uncategorised, kind, age.
        Assert.Equal([$"{tag} too expensive"], await TextsAsync(nord.Client, "category=Price"));
        Assert.Equal([$"{tag} plain"], await TextsAsync(nord.Client, "category=none"));
        Assert.Equal([$"{tag} DATEV export?", $"{tag} plain"], (await TextsAsync(nord.Client, "kind=Question")).Order().ToList());
        Assert.Equal([$"{tag} too expensive", $"{tag} uses Pipedrive"], (await TextsAsync(nord.Client, "olderThanDays=2")).Order().ToList());
        await TestHttp.AssertValidationProblemAsync(await nord.Client.GetAsync("/api/v1/questions?category=Weather"), "category");
        await TestHttp.AssertValidationProblemAsync(await nord.Client.GetAsync("/api/v1/questions?olderThanDays=-1"), "olderThanDays");

        // Answered in place: gone from the open list.
        var competitor = mine.Single(q => q.Str("text") == $"{tag} uses Pipedrive");
        Assert.Equal(HttpStatusCode.OK, (await nord.Client.PostAsJsonAsync($"/api/v1/questions/{Id(competitor)}/answer", new { answer = "Import included" })).StatusCode);
        Assert.DoesNotContain($"{tag} uses Pipedrive", await TextsAsync(nord.Client, ""));

        // The deal with this contact is lost: its concerns count per category in the win/loss report (the rep's own deals).
        var deal = Id(await nord.Client.CreateAsync(Opportunities, new { contactId = contact, amount = 900, nextAction = Next(2) }));
        Assert.Equal(HttpStatusCode.OK, (await nord.Client.PostAsJsonAsync($"{Opportunities}/{deal}/lose", new { reason = "Too expensive" })).StatusCode);
        var report = await nord.Client.GetJsonAsync($"/api/v1/reports/win-loss?ownerId={nord.Id}");
        var concerns = report.GetProperty("concerns").EnumerateArray().ToDictionary(c => c.Str("category") ?? "none");
        Assert.Equal((1, 1, 1), Counts(concerns["Price"]));
        Assert.Equal((1, 0, 1), Counts(concerns["Competitor"]));
        Assert.Equal((1, 1, 1), Counts(concerns["Integration"]));
        Assert.Equal((1, 1, 1), Counts(concerns["none"]));
        // The other team's price concern is not theirs to count.
        Assert.Equal(1, concerns["Price"].GetProperty("raised").GetInt32());
    }

    private static (int Raised, int Open, int OnLost) Counts(JsonElement c) =>
        (c.GetProperty("raised").GetInt32(), c.GetProperty("stillOpen").GetInt32(), c.GetProperty("onLostDeals").GetInt32());

    [Fact]
    public async Task A_bad_question_category_names_the_field_and_logs_nothing()
    {
        var rep = (await app.UserAsync("Rep", "Nord")).Client;
        var contact = Id(await rep.CreateAsync("/api/v1/contacts", new { lastName = TestHttp.Unique("Cat") }));
        await TestHttp.AssertValidationProblemAsync(await rep.PostAsJsonAsync("/api/v1/activities",
            new { contactId = contact, channel = "Phone", questions = new[] { new { kind = "Concern", text = "x", category = "Mood" } } }), "questions[0].category");
        Assert.Equal(0, (await rep.GetJsonAsync($"/api/v1/activities?contactId={contact}")).GetProperty("total").GetInt32());
    }

    private async Task<(long Pipeline, long Talk, long Credit, long Offer)> CreditPipelineAsync()
    {
        var admin = (await app.UserAsync("Admin")).Client;
        var pipeline = await admin.CreateAsync("/api/v1/pipelines", new
        {
            name = TestHttp.Unique("Credit"),
            steps = new object[]
            {
                new { name = "Talk", defaultProbability = 10 }, new { name = "Credit check", defaultProbability = 40, isCreditCheck = true },
                new { name = "Offer", defaultProbability = 60 },
            },
        });
        var steps = pipeline.GetProperty("steps").EnumerateArray().ToList();
        Assert.True(steps[1].GetProperty("isCreditCheck").GetBoolean());
        return (Id(pipeline), Id(steps[0]), Id(steps[1]), Id(steps[2]));
    }

    [Fact]
    public async Task A_failed_credit_check_stops_the_deal_for_a_rep_until_a_manager_overrides_with_a_reason_which_is_audited()
    {
        var (pipeline, talk, credit, offer) = await CreditPipelineAsync();
        var rep = (await app.UserAsync("Rep", "Nord")).Client;
        var manager = (await app.UserAsync("Manager", "Nord")).Client;
        var contact = await rep.NewLeadAsync("Kredit");
        var deal = Id(await rep.CreateAsync(Opportunities, new { contactId = contact, pipelineId = pipeline, amount = 5000, nextAction = Next(2) }));
        var checks = $"{Opportunities}/{deal}/credit-checks";
        Task<HttpResponseMessage> MoveAsync(HttpClient c, long step) => c.PostAsJsonAsync($"{Opportunities}/{deal}/move", new { stepId = step });

        Assert.Equal(HttpStatusCode.OK, (await MoveAsync(rep, credit)).StatusCode);
        // Bad input names its field and records nothing.
        await TestHttp.AssertValidationProblemAsync(await rep.PostAsJsonAsync(checks, new { result = "Limited" }), "limitAmount");
        await TestHttp.AssertValidationProblemAsync(await rep.PostAsJsonAsync(checks, new { result = "Passed", checkedOn = Today.AddDays(5) }), "checkedOn");
        await TestHttp.AssertValidationProblemAsync(await rep.PostAsJsonAsync(checks, new { result = "Maybe" }), "result");
        Assert.Empty((await rep.GetJsonAsync(checks)).EnumerateArray());

        var failed = await rep.CreateAsync(checks, new { result = "Failed", source = "Creditreform", note = "Zahlungsverzug 2025" });
        Assert.Equal(("Failed", "Creditreform", Today.ToString("yyyy-MM-dd")), (failed.Str("result"), failed.Str("source"), failed.Str("checkedOn")));

        // The rep cannot go past the step, neither to a later step nor to Won; the answer says why.
        var stopped = await MoveAsync(rep, offer);
        Assert.Equal(HttpStatusCode.BadRequest, stopped.StatusCode);
        var problem = await stopped.ReadJsonAsync();
        Assert.Contains("credit check failed", problem.GetProperty("errors").GetProperty("stepId")[0].GetString(), StringComparison.OrdinalIgnoreCase);
        await TestHttp.AssertValidationProblemAsync(await rep.PostAsJsonAsync($"{Opportunities}/{deal}/win", new { }), "state");
        Assert.Equal(credit, (await rep.GetJsonAsync($"{Opportunities}/{deal}")).GetProperty("stepId").GetInt64());
        // Going back is free; the rep may not override.
        Assert.Equal(HttpStatusCode.OK, (await MoveAsync(rep, talk)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await rep.PostAsJsonAsync($"{checks}/override", new { reason = "I know them" })).StatusCode);
        // Nor can a manager without the reason.
        await TestHttp.AssertValidationProblemAsync(await manager.PostAsJsonAsync($"{checks}/override", new { reason = " " }), "reason");

        var overridden = await manager.PostAsJsonAsync($"{checks}/override", new { reason = "Prepayment agreed" });
        Assert.Equal(HttpStatusCode.OK, overridden.StatusCode);
        var check = await overridden.ReadJsonAsync();
        Assert.Equal("Prepayment agreed", check.Str("overrideReason"));
        Assert.NotNull(check.Str("overriddenBy"));
        Assert.Equal(HttpStatusCode.Conflict, (await manager.PostAsJsonAsync($"{checks}/override", new { reason = "again" })).StatusCode);
        var audited = await app.WithDbAsync((db, _) => db.AuditEntries.Where(a => a.EntityType == nameof(CreditCheck) && a.EntityId == Id(failed)
            && a.Action == AuditAction.Updated).Select(a => a.Changes).ToListAsync());
        Assert.Contains(audited, c => c.Contains("Prepayment agreed", StringComparison.Ordinal));

        Assert.Equal(HttpStatusCode.OK, (await MoveAsync(rep, offer)).StatusCode);
        // A new failed check stops it again, even from beyond the step; a passed one lets it through.
        await rep.CreateAsync(checks, new { result = "Failed", source = "SCHUFA" });
        await TestHttp.AssertValidationProblemAsync(await rep.PostAsJsonAsync($"{Opportunities}/{deal}/win", new { }), "state");
        var limited = await rep.CreateAsync(checks, new { result = "Limited", limitAmount = 8000, currency = "eur", source = "Graydon" });
        Assert.Equal((8000m, "EUR"), (limited.GetProperty("limitAmount").GetDecimal(), limited.Str("currency")));
        Assert.Equal(HttpStatusCode.OK, (await rep.PostAsJsonAsync($"{Opportunities}/{deal}/win", new { })).StatusCode);
        Assert.Equal(3, (await rep.GetJsonAsync(checks)).GetArrayLength());

        // Another team's rep does not see the deal's checks.
        var stranger = (await app.UserAsync("Rep", "Süd")).Client;
        Assert.Equal(HttpStatusCode.NotFound, (await stranger.GetAsync(checks)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await stranger.PostAsJsonAsync(checks, new { result = "Passed" })).StatusCode);
    }

    [Fact]
    public async Task A_renewal_date_on_a_won_deal_plans_exactly_one_account_care_action_that_moves_with_the_date()
    {
        var rep = await app.UserAsync("Rep", "Nord");
        var contact = await rep.Client.NewLeadAsync("Renew");
        var deal = Id(await rep.Client.CreateAsync(Opportunities, new { contactId = contact, amount = 1200, title = "Wartungsvertrag", nextAction = Next(1) }));
        Task<int> OpenActionsAsync() => app.WithDbAsync((db, _) => db.NextActions.CountAsync(a => a.OpportunityId == deal && a.Status == NextActionStatus.Open));

        // Open deals have no renewal date yet.
        var open = await rep.Client.GetAsync($"{Opportunities}/{deal}");
        await TestHttp.AssertValidationProblemAsync(await rep.Client.PatchAsync($"{Opportunities}/{deal}", new { renewalDate = Today.AddDays(300) }, open.ETag()), "renewalDate");

        var won = await rep.Client.PostAsJsonAsync($"{Opportunities}/{deal}/win", new { renewalDate = Today.AddDays(200) });
        Assert.Equal(HttpStatusCode.OK, won.StatusCode);
        var body = await won.ReadJsonAsync();
        Assert.Equal(Today.AddDays(200).ToString("yyyy-MM-dd"), body.Str("renewalDate"));
        var action = body.GetProperty("nextAction");
        Assert.Equal((Today.AddDays(200).ToString("yyyy-MM-dd"), rep.Id), (action.Str("dueDate"), action.GetProperty("assigneeId").GetInt64()));
        Assert.Contains("Wartungsvertrag", action.Str("note"));
        Assert.Equal(1, await OpenActionsAsync());

        // A later date moves the same action; still exactly one.
        var moved = await rep.Client.PatchAsync($"{Opportunities}/{deal}", new { renewalDate = Today.AddDays(365) }, won.ETag());
        Assert.Equal(HttpStatusCode.OK, moved.StatusCode);
        var after = (await moved.ReadJsonAsync()).GetProperty("nextAction");
        Assert.Equal((Id(action), Today.AddDays(365).ToString("yyyy-MM-dd")), (Id(after), after.Str("dueDate")));
        Assert.Equal(1, await OpenActionsAsync());
        var today = await rep.Client.GetJsonAsync("/api/v1/tasks?bucket=Upcoming&pageSize=200");
        Assert.Single(Items(today), a => a.TryGetProperty("opportunityId", out var o) && o.ValueKind == JsonValueKind.Number && o.GetInt64() == deal);

        // A day in the past is refused; clearing the date cancels the action.
        await TestHttp.AssertValidationProblemAsync(await rep.Client.PatchAsync($"{Opportunities}/{deal}", new { renewalDate = Today.AddDays(-3) }, moved.ETag()), "renewalDate");
        var cleared = await rep.Client.PatchRawAsync($"{Opportunities}/{deal}", """{"renewalDate":null}""", moved.ETag());
        Assert.Equal(HttpStatusCode.OK, cleared.StatusCode);
        Assert.Equal(JsonValueKind.Null, (await cleared.ReadJsonAsync()).GetProperty("renewalDate").ValueKind);
        Assert.Equal(0, await OpenActionsAsync());
    }
}

public sealed class QuestionsCreditRenewalTestsSqlite(SqliteApp f) : QuestionsCreditRenewalTests(f.Factory), IClassFixture<SqliteApp>;
public sealed class QuestionsCreditRenewalTestsPostgres(PostgresApp f) : QuestionsCreditRenewalTests(f.Factory), IClassFixture<PostgresApp>;
