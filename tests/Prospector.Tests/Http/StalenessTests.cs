using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Prospector.Tests.Infrastructure;
using static Prospector.Tests.Http.QualificationSteps;

namespace Prospector.Tests.Http;

/// <summary>
/// Engagement and staleness (issue 17, point 3, and the "customers not contacted" list of point 1): rotting deals judged by the
/// day in the viewer's zone, the first conversation making a New lead Working, the lastContactedBefore / stale filters and the
/// last-contacted sort, and a customer's one-click check-in. Its own app: some tests set the clock.
/// </summary>
public abstract class StalenessTests : IAsyncLifetime
{
    private const string Opportunities = "/api/v1/opportunities";
    private const string Activities = "/api/v1/activities";
    private readonly ProspectorFactory _app;

    protected StalenessTests(Provider provider) => _app = new ProspectorFactory(provider);

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _app.DisposeAsync();

    private Task SetZoneAsync(TestUser user, string zone) =>
        _app.WithDbAsync((db, _) => db.Users.Where(u => u.Id == user.Id).ExecuteUpdateAsync(u => u.SetProperty(x => x.TimeZone, zone)));

    private static async Task<long> LogAsync(HttpClient client, object body)
    {
        var res = await client.PostAsJsonAsync(Activities, body);
        Assert.Equal(HttpStatusCode.Created, res.StatusCode);
        return (await res.ReadJsonAsync()).GetProperty("id").GetInt64();
    }

    private static async Task<(long PipelineId, JsonElement Steps)> DefaultPipelineAsync(HttpClient client)
    {
        var p = (await client.GetJsonAsync("/api/v1/pipelines")).EnumerateArray().First(x => x.GetProperty("isDefault").GetBoolean());
        return (p.GetProperty("id").GetInt64(), p.GetProperty("steps"));
    }

    /// <summary>The default pipeline with "rotting after" set on its second step (and nothing else changed).</summary>
    private static async Task<HttpResponseMessage> SetRottingAsync(HttpClient admin, int days)
    {
        var (id, steps) = await DefaultPipelineAsync(admin);
        var list = steps.EnumerateArray().Select((s, i) => new
        {
            id = s.GetProperty("id").GetInt64(), name = s.Str("name"), defaultProbability = s.GetProperty("defaultProbability").GetInt32(),
            rottingAfterDays = i == 1 ? days : (int?)null,
        }).ToArray();
        return await admin.PutAsJsonAsync($"/api/v1/pipelines/{id}", new { name = "Sales", steps = list });
    }

    private static JsonElement Signals(JsonElement deal) => deal.GetProperty("signals");

    [Fact]
    public async Task A_deal_rots_after_the_steps_days_counted_in_the_viewers_own_days_and_a_move_starts_the_count_again()
    {
        var admin = (await _app.UserAsync("Admin")).Client;
        var rep = await _app.UserAsync("Rep", "Nord");
        await TestHttp.AssertValidationProblemAsync(await SetRottingAsync(admin, -1), "steps[1].rottingAfterDays");
        var saved = await SetRottingAsync(admin, 3);
        Assert.Equal(HttpStatusCode.OK, saved.StatusCode);
        var steps = (await saved.ReadJsonAsync()).GetProperty("steps");
        Assert.Equal(3, steps[1].GetProperty("rottingAfterDays").GetInt32());
        Assert.Equal(JsonValueKind.Null, steps[0].GetProperty("rottingAfterDays").ValueKind);
        var (pipelineId, _) = await DefaultPipelineAsync(admin);
        var stepId = steps[1].GetProperty("id").GetInt64();

        // The deal enters the step on 7 March at 14:00 UTC: 15:00 in Berlin, 23:00 in Tokyo.
        _app.Clock.Offset = new DateTime(2027, 3, 7, 14, 0, 0, DateTimeKind.Utc) - DateTime.UtcNow;
        long deal;
        try
        {
            var contact = await rep.Client.NewLeadAsync("Faul");
            deal = (await rep.Client.CreateAsync(Opportunities, new
            {
                contactId = contact, title = "Slow deal", amount = 1000, stepId, nextAction = new { type = "Call", dueDate = "2027-03-20" },
            })).GetProperty("id").GetInt64();

            // 10 March, 20:00 UTC: still the 10th in Berlin (3 days in the step: not past 3), already the 11th in Tokyo (4 days: rotting).
            _app.Clock.Offset = new DateTime(2027, 3, 10, 20, 0, 0, DateTimeKind.Utc) - DateTime.UtcNow;
            await SetZoneAsync(rep, "Europe/Berlin");
            var berlin = Signals(await rep.Client.GetJsonAsync($"{Opportunities}/{deal}"));
            Assert.Equal((3, false, 3), (berlin.GetProperty("daysInStep").GetInt32(), berlin.GetProperty("rotting").GetBoolean(),
                berlin.GetProperty("ageDays").GetInt32()));
            Assert.DoesNotContain(deal, (await rep.Client.GetJsonAsync($"{Opportunities}?stale=true")).Ids());
            Assert.Contains(deal, (await rep.Client.GetJsonAsync($"{Opportunities}?stale=false")).Ids());

            await SetZoneAsync(rep, "Asia/Tokyo");
            var tokyo = Signals(await rep.Client.GetJsonAsync($"{Opportunities}/{deal}"));
            Assert.Equal((4, true, 3), (tokyo.GetProperty("daysInStep").GetInt32(), tokyo.GetProperty("rotting").GetBoolean(),
                tokyo.GetProperty("rottingAfterDays").GetInt32()));
            Assert.Contains(deal, (await rep.Client.GetJsonAsync($"{Opportunities}?stale=true")).Ids());
            Assert.DoesNotContain(deal, (await rep.Client.GetJsonAsync($"{Opportunities}?stale=false")).Ids());
            var board = await rep.Client.GetJsonAsync($"/api/v1/pipelines/{pipelineId}/board?stale=true");
            var cards = board.GetProperty("columns").EnumerateArray().SelectMany(c => c.GetProperty("items").EnumerateArray()).ToList();
            Assert.Equal([deal], cards.Select(c => c.GetProperty("id").GetInt64()));
            Assert.True(Signals(cards[0]).GetProperty("rotting").GetBoolean());

            // On standby the deal waits on purpose: not rotting.
            Assert.Equal(HttpStatusCode.OK, (await rep.Client.PostAsJsonAsync($"{Opportunities}/{deal}/standby", new { until = "2027-03-25" })).StatusCode);
            Assert.False(Signals(await rep.Client.GetJsonAsync($"{Opportunities}/{deal}")).GetProperty("rotting").GetBoolean());
            Assert.Equal(HttpStatusCode.OK, (await rep.Client.PostAsJsonAsync($"{Opportunities}/{deal}/reopen", new { })).StatusCode);
            Assert.True(Signals(await rep.Client.GetJsonAsync($"{Opportunities}/{deal}")).GetProperty("rotting").GetBoolean());

            // Moved on to the next step (no limit there): the count starts again and nothing rots.
            var next = steps[2].GetProperty("id").GetInt64();
            Assert.Equal(HttpStatusCode.OK, (await rep.Client.PostAsJsonAsync($"{Opportunities}/{deal}/move", new { stepId = next })).StatusCode);
            var moved = Signals(await rep.Client.GetJsonAsync($"{Opportunities}/{deal}"));
            Assert.Equal((0, false), (moved.GetProperty("daysInStep").GetInt32(), moved.GetProperty("rotting").GetBoolean()));
            Assert.DoesNotContain(deal, (await rep.Client.GetJsonAsync($"{Opportunities}?stale=true")).Ids());
        }
        finally
        {
            _app.Clock.Offset = TimeSpan.Zero;
        }
    }

    [Fact]
    public async Task The_first_conversation_with_a_New_lead_makes_it_Working_with_a_lifecycle_event_a_note_does_not()
    {
        var rep = (await _app.UserAsync("Rep", "Nord")).Client;
        var noted = await rep.NewLeadAsync("Notiz");
        await LogAsync(rep, new { contactId = noted, channel = "Note", notes = "Found on the trade fair list" });
        Assert.Equal("New", (await rep.GetJsonAsync($"{Contacts}/{noted}")).Str("leadStatus"));

        var called = await rep.NewLeadAsync("Anruf");
        await LogAsync(rep, new { contactId = called, channel = "Phone", direction = "Outbound", outcome = "reached" });
        Assert.Equal("Working", (await rep.GetJsonAsync($"{Contacts}/{called}")).Str("leadStatus"));
        var working = (await rep.LifecycleAsync(called)).Single(e => e.Str("kind") == "StatusChanged" && e.Str("toStatus") == "Working");
        Assert.Equal("New", working.Str("fromStatus"));
        Assert.Equal("First conversation logged", working.Str("reason"));

        // Nurturing stays Nurturing: only New moves.
        var nurtured = (await rep.CreateAsync(Contacts, new { lastName = "Später", stage = "Lead", leadStatus = "Nurturing" })).GetProperty("id").GetInt64();
        await LogAsync(rep, new { contactId = nurtured, channel = "Email", direction = "Inbound" });
        Assert.Equal("Nurturing", (await rep.GetJsonAsync($"{Contacts}/{nurtured}")).Str("leadStatus"));
    }

    [Fact]
    public async Task Contacts_companies_and_deals_filter_by_last_contact_and_sort_by_it()
    {
        var rep = (await _app.UserAsync("Rep", "Nord")).Client;
        var now = DateTime.UtcNow;
        long Company(JsonElement e) => e.GetProperty("id").GetInt64();
        var quietCo = Company(await rep.CreateAsync("/api/v1/companies", new { name = TestHttp.Unique("Still") }));
        var busyCo = Company(await rep.CreateAsync("/api/v1/companies", new { name = TestHttp.Unique("Busy") }));
        var old = (await rep.CreateAsync(Contacts, new { lastName = "Alt", stage = "Lead", companyId = quietCo })).GetProperty("id").GetInt64();
        var never = (await rep.CreateAsync(Contacts, new { lastName = "Nie", stage = "Lead", companyId = quietCo })).GetProperty("id").GetInt64();
        var recent = (await rep.CreateAsync(Contacts, new { lastName = "Neu", stage = "Lead", companyId = busyCo })).GetProperty("id").GetInt64();
        await LogAsync(rep, new { contactId = old, channel = "Phone", direction = "Outbound", occurredAt = now.AddDays(-200) });
        await LogAsync(rep, new { contactId = recent, channel = "Phone", direction = "Inbound", occurredAt = now.AddDays(-200) });
        await LogAsync(rep, new { contactId = recent, channel = "Email", direction = "Outbound", occurredAt = now.AddDays(-10) });
        // A note is no contact.
        await LogAsync(rep, new { contactId = never, channel = "Note", notes = "call next week", occurredAt = now.AddDays(-1) });

        var mine = new[] { old, never, recent };
        async Task<List<long>> ContactsAsync(string query) =>
            (await rep.GetJsonAsync($"{Contacts}?pageSize=200&{query}")).Ids().Where(mine.Contains).ToList();
        var before = Today.AddDays(-30).ToString("yyyy-MM-dd");
        Assert.Equal([never, old], (await ContactsAsync($"lastContactedBefore={before}&sort=LastContacted")));
        Assert.Equal([never, old], (await ContactsAsync("stale=true&sort=LastContacted"))); // no conversation for the default 6 months
        Assert.Equal([recent], (await ContactsAsync("stale=false")));
        Assert.Equal([recent, old, never], (await ContactsAsync("sort=LastContactedDesc")));

        var item = (await rep.GetJsonAsync($"{Contacts}?companyId={busyCo}")).GetProperty("items")[0];
        Assert.Equal(1, item.GetProperty("touches").GetInt32()); // one conversation in the last 90 days
        Assert.Equal(now.AddDays(-10), item.GetProperty("lastContactedAt").GetDateTime().ToUniversalTime(), TimeSpan.FromSeconds(1));

        var companies = await rep.GetJsonAsync($"/api/v1/companies?pageSize=200&lastContactedBefore={before}");
        Assert.Contains(quietCo, companies.Ids());
        Assert.DoesNotContain(busyCo, companies.Ids());
        var sorted = (await rep.GetJsonAsync("/api/v1/companies?pageSize=200&sort=LastContactedDesc")).Ids().Where(id => id == quietCo || id == busyCo);
        Assert.Equal([busyCo, quietCo], sorted);

        // A deal counts the conversations with its contact.
        var deal = (await rep.CreateAsync(Opportunities, new { contactId = old, title = "Quiet", amount = 10, nextAction = new { type = "Call", dueDate = Today.AddDays(3) } }))
            .GetProperty("id").GetInt64();
        Assert.Contains(deal, (await rep.GetJsonAsync($"{Opportunities}?lastContactedBefore={before}&pageSize=200")).Ids());
        await LogAsync(rep, new { opportunityId = deal, channel = "Video", direction = "Outbound" });
        Assert.DoesNotContain(deal, (await rep.GetJsonAsync($"{Opportunities}?lastContactedBefore={before}&pageSize=200")).Ids());
        Assert.Equal(1, Signals(await rep.GetJsonAsync($"{Opportunities}/{deal}")).GetProperty("touches").GetInt32());

        Assert.Equal(HttpStatusCode.BadRequest, (await rep.GetAsync($"{Contacts}?lastContactedBefore=soon")).StatusCode);
        await TestHttp.AssertValidationProblemAsync(await rep.GetAsync($"{Contacts}?staleness=true"), "staleness");
    }

    /// <summary>
    /// Regression: a search sorted by last contact took the union of its branches through IgnoreQueryFilters, which EF Core
    /// applies to the whole query, so contacts in the recycle bin came back into the search.
    /// </summary>
    [Fact]
    public async Task A_search_sorted_by_last_contact_leaves_the_recycle_bin_out_and_the_recycle_bin_sorts_by_it_too()
    {
        var rep = (await _app.UserAsync("Rep", "Nord")).Client;
        var word = TestHttp.Unique("Binsearch").ToLowerInvariant();
        var kept = (await rep.CreateAsync(Contacts, new { lastName = word + "kept", stage = "Lead" })).GetProperty("id").GetInt64();
        var binned = (await rep.CreateAsync(Contacts, new { lastName = word + "binned", stage = "Lead" })).GetProperty("id").GetInt64();
        var quiet = (await rep.CreateAsync(Contacts, new { lastName = word + "quiet", stage = "Lead" })).GetProperty("id").GetInt64();
        await LogAsync(rep, new { contactId = binned, channel = "Phone", direction = "Outbound", occurredAt = DateTime.UtcNow.AddDays(-3) });
        await LogAsync(rep, new { contactId = kept, channel = "Phone", direction = "Outbound", occurredAt = DateTime.UtcNow.AddDays(-2) });
        Assert.Equal(HttpStatusCode.NoContent, (await rep.DeleteAsync($"{Contacts}/{binned}")).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await rep.DeleteAsync($"{Contacts}/{quiet}")).StatusCode);

        async Task<List<long>> IdsAsync(string query) => [.. (await rep.GetJsonAsync($"{Contacts}?pageSize=200&q={word}&{query}")).Ids()];
        Assert.Equal([kept], await IdsAsync("sort=LastContactedDesc"));
        Assert.Equal([kept], await IdsAsync("sort=LastContacted"));
        // The recycle bin's list: its contacts' conversations went there with them and still sort and filter them.
        Assert.Equal([binned, quiet], await IdsAsync("deleted=true&sort=LastContactedDesc"));
        Assert.Equal([quiet], await IdsAsync($"deleted=true&lastContactedBefore={Today.AddDays(-5):yyyy-MM-dd}"));
        Assert.Equal([binned], await IdsAsync("deleted=true&stale=false"));

        // The list reads its page's rows by id without the recycle-bin filter: a company in the recycle bin stays unnamed.
        var company = (await rep.CreateAsync("/api/v1/companies", new { name = TestHttp.Unique("Binned Co") })).GetProperty("id").GetInt64();
        var version = (await rep.GetJsonAsync($"{Contacts}/{kept}")).GetProperty("version").GetInt32();
        Assert.True((await rep.PatchAsync($"{Contacts}/{kept}", new { companyId = company }, $"\"{version}\"")).IsSuccessStatusCode);
        string? CompanyName(JsonElement page) => page.GetProperty("items").EnumerateArray().Single(i => i.GetProperty("id").GetInt64() == kept).GetProperty("companyName").GetString();
        Assert.NotNull(CompanyName(await rep.GetJsonAsync($"{Contacts}?pageSize=200&q={word}")));
        Assert.Equal(HttpStatusCode.NoContent, (await rep.DeleteAsync($"/api/v1/companies/{company}")).StatusCode);
        Assert.Null(CompanyName(await rep.GetJsonAsync($"{Contacts}?pageSize=200&q={word}")));
        Assert.Null(CompanyName(await rep.GetJsonAsync($"{Contacts}?pageSize=200&q={word}&sort=LastContactedDesc")));
    }

    [Fact]
    public async Task A_customer_not_contacted_for_the_workspaces_months_gets_a_one_click_check_in_that_appears_in_To_do()
    {
        var admin = (await _app.UserAsync("Admin")).Client;
        var rep = (await _app.UserAsync("Rep", "Nord")).Client;
        var customer = await rep.NewLeadAsync("Stammkunde");
        var deal = (await rep.CreateAsync(Opportunities, new { contactId = customer, title = "First order", amount = 500, nextAction = new { type = "Call", dueDate = Today.AddDays(2) } }))
            .GetProperty("id").GetInt64();
        Assert.Equal(HttpStatusCode.OK, (await rep.PostAsJsonAsync($"{Opportunities}/{deal}/win", new { })).StatusCode);
        // The sale's conversation was 4 months ago: not yet "not contacted" under the default 6 months, but under 3.
        await LogAsync(rep, new { contactId = customer, channel = "InPerson", occurredAt = DateTime.UtcNow.AddDays(-122) });
        async Task<JsonElement?> RowAsync() => (await rep.GetJsonAsync("/api/v1/contacts/not-contacted?pageSize=200")).GetProperty("customers")
            .GetProperty("items").EnumerateArray().Where(i => i.GetProperty("id").GetInt64() == customer).Select(i => (JsonElement?)i).FirstOrDefault();
        Assert.Null(await RowAsync());

        var ws = await admin.GetAsync("/api/v1/workspace");
        Assert.Equal(6, (await ws.ReadJsonAsync()).GetProperty("customersNotContactedMonths").GetInt32());
        await TestHttp.AssertValidationProblemAsync(await admin.SendAsync(TestHttp.Request(HttpMethod.Put, "/api/v1/workspace",
            JsonContent.Create(new { customersNotContactedMonths = 0 }), ws.ETag())), "customersNotContactedMonths");
        Assert.Equal(HttpStatusCode.OK, (await admin.SendAsync(TestHttp.Request(HttpMethod.Put, "/api/v1/workspace",
            JsonContent.Create(new { customersNotContactedMonths = 3 }), ws.ETag()))).StatusCode);
        Assert.Equal(3, (await rep.GetJsonAsync("/api/v1/contacts/not-contacted")).GetProperty("months").GetInt32());
        var row = await RowAsync();
        Assert.NotNull(row);
        Assert.Equal(JsonValueKind.Null, row.Value.GetProperty("nextActionDue").ValueKind);

        // A lead is no customer; the customer gets the check-in, due today, in To do.
        await TestHttp.AssertValidationProblemAsync(await rep.PostAsJsonAsync("/api/v1/tasks/check-in", new { contactId = await rep.NewLeadAsync() }), "contactId");
        var planned = await rep.PostAsJsonAsync("/api/v1/tasks/check-in", new { contactId = customer });
        Assert.Equal(HttpStatusCode.Created, planned.StatusCode);
        var task = await planned.ReadJsonAsync();
        Assert.Equal(("Call", "Check-in", Today.ToString("yyyy-MM-dd")), (task.Str("type"), task.Str("note"), task.Str("dueDate")));
        Assert.Contains(task.GetProperty("id").GetInt64(), (await rep.GetJsonAsync("/api/v1/tasks?bucket=Today&pageSize=200")).Ids());
        Assert.Equal(Today.ToString("yyyy-MM-dd"), (await RowAsync())!.Value.Str("nextActionDue"));
        Assert.Equal(HttpStatusCode.Conflict, (await rep.PostAsJsonAsync("/api/v1/tasks/check-in", new { contactId = customer })).StatusCode);

        // Another team's rep cannot see the customer: not in their list, no check-in for them.
        var other = (await _app.UserAsync("Rep", "Süd")).Client;
        Assert.DoesNotContain(customer, (await other.GetJsonAsync("/api/v1/contacts/not-contacted?pageSize=200")).GetProperty("customers").Ids());
        await TestHttp.AssertValidationProblemAsync(await other.PostAsJsonAsync("/api/v1/tasks/check-in", new { contactId = customer }), "contactId");
    }
}

public sealed class StalenessTestsSqlite() : StalenessTests(Provider.Sqlite);
public sealed class StalenessTestsPostgres() : StalenessTests(Provider.Postgres);
