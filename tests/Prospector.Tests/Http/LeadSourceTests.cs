using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Prospector.Tests.Infrastructure;

namespace Prospector.Tests.Http;

/// <summary>Lead sources as a managed list: admins keep it, everyone picks and filters by it; "referred by" counts on the referrer.</summary>
public abstract class LeadSourceTests(ProspectorFactory app)
{
    private static readonly string Tomorrow = DateTime.UtcNow.AddDays(1).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);

    private static async Task<JsonElement> SourceAsync(HttpClient admin, string name)
    {
        var res = await admin.PostAsJsonAsync("/api/v1/sources", new { name });
        Assert.True(res.StatusCode == HttpStatusCode.Created, $"{(int)res.StatusCode} {await res.Content.ReadAsStringAsync()}");
        return await res.ReadJsonAsync();
    }

    [Fact]
    public async Task The_defaults_are_there_an_admin_adds_renames_and_retires_and_a_rep_may_only_read()
    {
        var admin = (await app.UserAsync("Admin")).Client;
        var rep = (await app.UserAsync("Rep", "Nord")).Client;
        var keys = (await rep.GetJsonAsync("/api/v1/sources")).EnumerateArray().Select(s => s.GetProperty("key").GetString()).ToList();
        Assert.Subset(keys.ToHashSet(), new HashSet<string?> { "bought-list", "trade-fair", "website", "referral", "newsletter", "webinar", "campaign", "social", "cold-call", "existing-customer" });

        var name = TestHttp.Unique("Partner event");
        var added = await SourceAsync(admin, name);
        var id = added.GetProperty("id").GetInt64();
        var key = added.GetProperty("key").GetString()!;
        Assert.StartsWith("partner-event", key, StringComparison.Ordinal);

        Assert.Equal(HttpStatusCode.Forbidden, (await rep.PostAsJsonAsync("/api/v1/sources", new { name = TestHttp.Unique("Rep") })).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await rep.PatchAsJsonAsync($"/api/v1/sources/{id}", new { name = "x" })).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await rep.PostAsync($"/api/v1/sources/{id}/retire", null)).StatusCode);
        await TestHttp.AssertValidationProblemAsync(await admin.PostAsJsonAsync("/api/v1/sources", new { name = name.ToUpperInvariant() }), "name");

        var renamed = await (await admin.PatchAsJsonAsync($"/api/v1/sources/{id}", new { name = name + " 2" })).ReadJsonAsync();
        Assert.Equal((name + " 2", key), (renamed.GetProperty("name").GetString(), renamed.GetProperty("key").GetString()));

        // A contact gets the source; once retired, no new contact may, but the old one keeps it and is still found by it.
        var kept = await rep.CreateAsync("/api/v1/contacts", new { lastName = TestHttp.Unique("Kept"), sourceId = id, sourceDetail = "Stand B12" });
        Assert.Equal((id, "Stand B12"), (kept.GetProperty("sourceId").GetInt64(), kept.GetProperty("sourceDetail").GetString()));
        Assert.True((await admin.PostAsync($"/api/v1/sources/{id}/retire", null)).IsSuccessStatusCode);
        var source = (await rep.GetJsonAsync("/api/v1/sources")).EnumerateArray().Single(s => s.GetProperty("id").GetInt64() == id);
        Assert.True(source.GetProperty("retired").GetBoolean());
        await TestHttp.AssertValidationProblemAsync(
            await rep.PostAsJsonAsync("/api/v1/contacts", new { lastName = TestHttp.Unique("New"), sourceId = id }), "sourceId");
        var keptId = kept.GetProperty("id").GetInt64();
        var edit = await rep.GetAsync($"/api/v1/contacts/{keptId}");
        var patched = await rep.PatchAsync($"/api/v1/contacts/{keptId}", new { notes = "still from the event", sourceId = id }, edit.ETag());
        Assert.Equal(HttpStatusCode.OK, patched.StatusCode);
        Assert.Equal([keptId], (await rep.GetJsonAsync($"/api/v1/contacts?source={key}")).Ids());
    }

    [Fact]
    public async Task Contacts_and_deals_filter_by_source_id_or_key_and_an_unknown_source_is_a_400_naming_the_parameter()
    {
        var admin = (await app.UserAsync("Admin")).Client;
        var rep = (await app.UserAsync("Rep", "Nord")).Client;
        var fair = await SourceAsync(admin, TestHttp.Unique("Fair"));
        var (fairId, fairKey) = (fair.GetProperty("id").GetInt64(), fair.GetProperty("key").GetString()!);
        var tag = TestHttp.Unique("src");
        var atFair = await rep.CreateAsync("/api/v1/contacts", new { lastName = "Messe " + tag, sourceId = fairId, tags = new[] { tag } });
        await rep.CreateAsync("/api/v1/contacts", new { lastName = "Cold " + tag, tags = new[] { tag } });

        Assert.Equal([atFair.GetProperty("id").GetInt64()], (await rep.GetJsonAsync($"/api/v1/contacts?tag={tag}&source={fairKey}")).Ids());
        Assert.Equal([atFair.GetProperty("id").GetInt64()], (await rep.GetJsonAsync($"/api/v1/contacts?tag={tag}&source={fairId}")).Ids());
        Assert.Equal(2, (await rep.GetJsonAsync($"/api/v1/contacts?tag={tag}")).Ids().Count());

        var deal = await rep.CreateAsync("/api/v1/opportunities", new
        {
            title = "Deal " + tag, contactId = atFair.GetProperty("id").GetInt64(), amount = 1000,
            nextAction = new { type = "Call", dueDate = Tomorrow },
        });
        Assert.Equal([deal.GetProperty("id").GetInt64()], (await rep.GetJsonAsync($"/api/v1/opportunities?source={fairKey}")).Ids());
        Assert.Empty((await rep.GetJsonAsync($"/api/v1/opportunities?source=webinar&q={tag}")).Ids());

        await TestHttp.AssertValidationProblemAsync(await rep.GetAsync("/api/v1/contacts?source=no-such-source"), "source");
        await TestHttp.AssertValidationProblemAsync(await rep.GetAsync("/api/v1/opportunities?source=no-such-source"), "source");
        await TestHttp.AssertValidationProblemAsync(await rep.GetAsync("/api/v1/reports/funnel?source=no-such-source"), "source");
    }

    [Fact]
    public async Task A_company_gets_a_source_and_detail_keeps_a_retired_one_refuses_it_for_new_ones_and_is_filtered_by_it()
    {
        var admin = (await app.UserAsync("Admin")).Client;
        var rep = (await app.UserAsync("Rep", "Nord")).Client;
        var fair = await SourceAsync(admin, TestHttp.Unique("Company fair"));
        var (fairId, fairKey) = (fair.GetProperty("id").GetInt64(), fair.GetProperty("key").GetString()!);
        var tag = TestHttp.Unique("cs");
        var atFair = await rep.CreateAsync("/api/v1/companies", new { name = "Messe GmbH " + tag, sourceId = fairId, sourceDetail = "Halle 4", tags = new[] { tag } });
        await rep.CreateAsync("/api/v1/companies", new { name = "Kalt GmbH " + tag, tags = new[] { tag } });
        var id = atFair.GetProperty("id").GetInt64();
        var read = await rep.GetJsonAsync($"/api/v1/companies/{id}");
        Assert.Equal((fairId, fairKey, "Halle 4"),
            (read.GetProperty("sourceId").GetInt64(), read.GetProperty("sourceKey").GetString(), read.GetProperty("sourceDetail").GetString()));

        Assert.Equal([id], (await rep.GetJsonAsync($"/api/v1/companies?q={Uri.EscapeDataString("Messe GmbH " + tag)}&source={fairKey}")).Ids());
        Assert.Equal([id], (await rep.GetJsonAsync($"/api/v1/companies?q={Uri.EscapeDataString("Messe GmbH " + tag)}&source={fairId}")).Ids());
        Assert.Empty((await rep.GetJsonAsync($"/api/v1/companies?q={Uri.EscapeDataString("Kalt GmbH " + tag)}&source={fairKey}")).Ids());
        Assert.Single((await rep.GetJsonAsync($"/api/v1/companies?q={Uri.EscapeDataString("Kalt GmbH " + tag)}")).Ids());
        await TestHttp.AssertValidationProblemAsync(await rep.GetAsync("/api/v1/companies?source=no-such-source"), "source");

        // Retired: no new company may get it, the one that has it keeps it through an edit.
        Assert.True((await admin.PostAsync($"/api/v1/sources/{fairId}/retire", null)).IsSuccessStatusCode);
        await TestHttp.AssertValidationProblemAsync(
            await rep.PostAsJsonAsync("/api/v1/companies", new { name = TestHttp.Unique("Neu GmbH"), sourceId = fairId }), "sourceId");
        var edit = await rep.GetAsync($"/api/v1/companies/{id}");
        var patched = await rep.PatchAsync($"/api/v1/companies/{id}", new { notes = "met at the fair", sourceId = fairId }, edit.ETag());
        Assert.Equal(HttpStatusCode.OK, patched.StatusCode);
        Assert.Equal([id], (await rep.GetJsonAsync($"/api/v1/companies?q={Uri.EscapeDataString("Messe GmbH " + tag)}&source={fairKey}")).Ids());
    }

    [Fact]
    public async Task The_contacts_list_says_since_when_each_contact_is_in_its_stage()
    {
        var rep = (await app.UserAsync("Rep", "Nord")).Client;
        var tag = TestHttp.Unique("stg");
        var created = await rep.CreateAsync("/api/v1/contacts", new { lastName = "Since " + tag, tags = new[] { tag } });
        var row = (await rep.GetJsonAsync($"/api/v1/contacts?tag={tag}")).GetProperty("items")[0];
        Assert.Equal(created.GetProperty("id").GetInt64(), row.GetProperty("id").GetInt64());
        // Never moved: in its stage since it was created (the creation event is stamped a moment before the record).
        Assert.Equal(created.GetProperty("createdAt").GetDateTime(), row.GetProperty("inStageSince").GetDateTime(), TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task Referred_by_links_a_visible_contact_and_the_referrer_counts_leads_and_customers()
    {
        var rep = await app.UserAsync("Rep", "Nord");
        var manager = await app.UserAsync("Manager", "Nord");
        var stranger = await app.UserAsync("Rep", TestHttp.Unique("Süd"));
        var referrer = (await rep.Client.CreateAsync("/api/v1/contacts", new { lastName = TestHttp.Unique("Referrer") })).GetProperty("id").GetInt64();
        for (var i = 0; i < 2; i++)
            await rep.Client.CreateAsync("/api/v1/contacts", new { lastName = TestHttp.Unique("Lead"), referredById = referrer });
        // A manager enters an existing customer who came by the same referral.
        await manager.Client.CreateAsync("/api/v1/contacts", new { lastName = TestHttp.Unique("Customer"), stage = "Customer", referredById = referrer });

        var referrals = await rep.Client.GetJsonAsync($"/api/v1/contacts/{referrer}/referrals");
        Assert.Equal((3, 1, 3), (referrals.GetProperty("leads").GetInt32(), referrals.GetProperty("customers").GetInt32(),
            referrals.GetProperty("contacts").GetArrayLength()));

        // A rep of another team cannot link (or learn about) a contact they cannot see.
        await TestHttp.AssertValidationProblemAsync(
            await stranger.Client.PostAsJsonAsync("/api/v1/contacts", new { lastName = TestHttp.Unique("X"), referredById = referrer }), "referredById");
        Assert.Equal(HttpStatusCode.NotFound, (await stranger.Client.GetAsync($"/api/v1/contacts/{referrer}/referrals")).StatusCode);
    }

    [Fact]
    public async Task Importing_a_list_with_a_source_gives_it_to_the_contacts_made_from_the_list()
    {
        var rep = (await app.UserAsync("Rep", "Nord")).Client;
        var tag = TestHttp.Unique("Imp");
        var csv = Encoding.UTF8.GetBytes($"Name;E-mail\nAnna {tag};anna.{tag.ToLowerInvariant()}@example.org\n");
        var listName = TestHttp.Unique("Bought");
        var res = await rep.PostAsync("/api/v1/imports", ListSteps.Form(csv, "list.csv", ("list", listName), ("source", "bought-list")));
        Assert.True(res.StatusCode == HttpStatusCode.Created, await res.Content.ReadAsStringAsync());
        var listId = (await res.ReadJsonAsync()).GetProperty("listId").GetInt64();
        var row = (await rep.GetJsonAsync($"/api/v1/lists/{listId}/rows")).GetProperty("items")[0].GetProperty("id").GetInt64();
        var converted = await rep.PostAsJsonAsync($"/api/v1/lists/{listId}/rows/{row}/convert", new { nextAction = new { type = "Call", dueDate = Tomorrow } });
        Assert.True(converted.IsSuccessStatusCode, await converted.Content.ReadAsStringAsync());
        var contact = await rep.GetJsonAsync($"/api/v1/contacts/{(await converted.ReadJsonAsync()).GetProperty("contactId").GetInt64()}");
        Assert.Equal(("bought-list", listName), (contact.GetProperty("sourceKey").GetString(), contact.GetProperty("sourceDetail").GetString()));

        var unknown = await rep.PostAsync("/api/v1/imports", ListSteps.Form(csv, "list.csv", ("list", TestHttp.Unique("L")), ("source", "no-such-source")));
        await TestHttp.AssertValidationProblemAsync(unknown, "source");
    }
}

public sealed class LeadSourceTestsSqlite(SqliteApp f) : LeadSourceTests(f.Factory), IClassFixture<SqliteApp>;
public sealed class LeadSourceTestsPostgres(PostgresApp f) : LeadSourceTests(f.Factory), IClassFixture<PostgresApp>;
