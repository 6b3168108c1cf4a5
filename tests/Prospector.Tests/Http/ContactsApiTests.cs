using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Prospector.Tests.Infrastructure;

namespace Prospector.Tests.Http;

/// <summary>The contacts API as a client uses it: CRUD with ETags, the recycle bin, history, list queries, validation.</summary>
public abstract class ContactsApiTests(ProspectorFactory app)
{
    private const string Url = "/api/v1/contacts";

    [Fact]
    public async Task Create_read_update_delete_restore_and_history()
    {
        var rep = (await app.UserAsync("Rep", "Nord")).Client;
        var created = await rep.PostAsJsonAsync(Url, new { firstName = "Anna", lastName = "Alt", city = "Kiel" });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal("\"1\"", created.ETag());
        var id = (await created.ReadJsonAsync()).GetProperty("id").GetInt64();
        Assert.EndsWith($"{Url}/{id}", created.Headers.Location?.ToString());

        var get = await rep.GetAsync($"{Url}/{id}");
        Assert.Equal(HttpStatusCode.OK, get.StatusCode);
        Assert.Equal("\"1\"", get.ETag());
        Assert.Equal("Kiel", (await get.ReadJsonAsync()).GetProperty("city").GetString());

        var patched = await rep.PatchAsync($"{Url}/{id}", new { city = "Husum" }, get.ETag());
        Assert.Equal(HttpStatusCode.OK, patched.StatusCode);
        Assert.Equal("\"2\"", patched.ETag());
        var body = await patched.ReadJsonAsync();
        Assert.Equal(2, body.GetProperty("version").GetInt32());
        Assert.Equal("Husum", body.GetProperty("city").GetString());
        Assert.Equal("Husum", (await rep.GetJsonAsync($"{Url}/{id}")).GetProperty("city").GetString());

        Assert.Equal(HttpStatusCode.NoContent, (await rep.DeleteAsync($"{Url}/{id}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await rep.GetAsync($"{Url}/{id}")).StatusCode);
        Assert.DoesNotContain(id, (await rep.GetJsonAsync($"{Url}?q=alt&pageSize=200")).Ids());
        Assert.Contains(id, (await rep.GetJsonAsync($"{Url}?deleted=true&pageSize=200")).Ids());

        var restored = await rep.PostAsync($"{Url}/{id}/restore", null);
        Assert.Equal(HttpStatusCode.OK, restored.StatusCode);
        Assert.Equal("Husum", (await rep.GetJsonAsync($"{Url}/{id}")).GetProperty("city").GetString());
        Assert.DoesNotContain(id, (await rep.GetJsonAsync($"{Url}?deleted=true&pageSize=200")).Ids());

        var history = (await rep.GetJsonAsync($"{Url}/{id}/history")).EnumerateArray().ToList();
        // Newest first.
        Assert.Equal(["Restored", "Deleted", "Updated", "Created"], history.Select(h => h.GetProperty("action").GetString()));
        var cityChange = history[2].GetProperty("changes").EnumerateArray().Single(c => c.GetProperty("field").GetString() == "City");
        Assert.Equal("Kiel", cityChange.GetProperty("from").GetString());
        Assert.Equal("Husum", cityChange.GetProperty("to").GetString());
    }

    [Fact]
    public async Task List_filters_by_stage_and_tag_sorts_and_pages()
    {
        var rep = (await app.UserAsync("Rep", "Nord")).Client;
        // Only managers (and admins) enter contacts directly as customers, e.g. when moving from another CRM.
        var manager = (await app.UserAsync("Manager", "Nord")).Client;
        var tag = TestHttp.Unique("tag");
        var adler = await manager.CreateAsync(Url, new { lastName = "Adler", stage = "Customer", tags = new[] { tag } });
        var becker = await rep.CreateAsync(Url, new { lastName = "Becker", stage = "Lead", tags = new[] { tag, "other" } });
        var zander = await manager.CreateAsync(Url, new { lastName = "Zander", stage = "Customer", tags = new[] { tag } });
        await manager.CreateAsync(Url, new { lastName = "Adler", stage = "Customer" }); // same name, no tag
        long Id(JsonElement c) => c.GetProperty("id").GetInt64();

        var tagged = await rep.GetJsonAsync($"{Url}?tag={tag}");
        Assert.Equal(3, tagged.GetProperty("total").GetInt32());
        Assert.Equal([Id(adler), Id(becker), Id(zander)], tagged.Ids());

        var customers = await rep.GetJsonAsync($"{Url}?tag={tag}&stage=Customer");
        Assert.Equal([Id(adler), Id(zander)], customers.Ids());

        var desc = await rep.GetJsonAsync($"{Url}?tag={tag}&sort=NameDesc");
        Assert.Equal([Id(zander), Id(becker), Id(adler)], desc.Ids());

        var page2 = await rep.GetJsonAsync($"{Url}?tag={tag}&sort=NameDesc&pageSize=2&page=2");
        Assert.Equal(3, page2.GetProperty("total").GetInt32());
        Assert.Equal(2, page2.GetProperty("page").GetInt32());
        Assert.Equal([Id(adler)], page2.Ids());
    }

    [Theory]
    [InlineData("mull")]
    [InlineData("MÜLL")]
    [InlineData("Müller")]
    public async Task Search_is_a_prefix_search_that_ignores_case_and_umlauts(string q)
    {
        var rep = (await app.UserAsync("Rep", "Nord")).Client;
        var tag = TestHttp.Unique("tag");
        var mueller = await rep.CreateAsync(Url, new { firstName = "Jörg", lastName = "Müller", tags = new[] { tag } });
        await rep.CreateAsync(Url, new { firstName = "Jörg", lastName = "Kramüller", tags = new[] { tag } });

        var found = await rep.GetJsonAsync($"{Url}?tag={tag}&q={Uri.EscapeDataString(q)}");
        Assert.Equal([mueller.GetProperty("id").GetInt64()], found.Ids());
    }

    [Fact]
    public async Task Search_finds_last_names_first_names_and_e_mails_in_one_list_ordered_by_name()
    {
        var rep = (await app.UserAsync("Rep", "Nord")).Client;
        var word = TestHttp.Unique("q");
        // One match per search branch, plus one that matches two branches and must appear once.
        await rep.CreateAsync(Url, new { firstName = "Zoe", lastName = word + "berg" });            // last name
        await rep.CreateAsync(Url, new { firstName = word, lastName = "Abel" });                     // first name
        await rep.CreateAsync(Url, new { firstName = "Carl", lastName = "Xu", email = word + "@example.de" }); // e-mail
        await rep.CreateAsync(Url, new { firstName = word, lastName = word + "mann" });              // two branches
        await rep.CreateAsync(Url, new { firstName = "Not", lastName = "Matching", email = "other@example.de" });

        var all = await rep.GetJsonAsync($"{Url}?q={word}&pageSize=50");
        Assert.Equal(4, all.GetProperty("total").GetInt32());
        Assert.False(all.GetProperty("totalCapped").GetBoolean());
        var names = all.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("displayName").GetString()).ToList();
        Assert.Equal([$"{word} Abel", $"Zoe {word}berg", $"{word} {word}mann", "Carl Xu"], names);

        // Pages of the merged list are consecutive slices of the same order.
        var second = await rep.GetJsonAsync($"{Url}?q={word}&pageSize=2&page=2");
        Assert.Equal([$"{word} {word}mann", "Carl Xu"],
            second.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("displayName").GetString()).ToList());
        var newest = await rep.GetJsonAsync($"{Url}?q={word}&pageSize=1&sort=CreatedDesc");
        Assert.Equal($"{word} {word}mann", newest.GetProperty("items")[0].GetProperty("displayName").GetString());
    }

    [Fact]
    public async Task Totals_above_ten_thousand_are_reported_as_capped()
    {
        var rep = await app.UserAsync("Rep", "Nord");
        var tag = TestHttp.Unique("bulk");
        await app.WithDbAsync(async (db, _) =>
        {
            var t = new Prospector.Data.Tag { Name = tag };
            db.Contacts.AddRange(Enumerable.Range(0, 10_001).Select(i => new Prospector.Data.Contact
            {
                FirstName = "Bulk", LastName = $"{tag}{i:D5}", NameKey = $"{tag}{i:D5} bulk", FirstNameKey = "bulk",
                OwnerId = rep.Id, TeamId = rep.TeamId, Tags = [t],
            }));
            return await db.SaveChangesAsync();
        });
        var page = await rep.Client.GetJsonAsync($"{Url}?tag={tag}&pageSize=10");
        Assert.Equal(10_000, page.GetProperty("total").GetInt32());
        Assert.True(page.GetProperty("totalCapped").GetBoolean());
        var search = await rep.Client.GetJsonAsync($"{Url}?q={tag}&pageSize=10");
        Assert.True(search.GetProperty("totalCapped").GetBoolean());
        Assert.Equal($"Bulk {tag}00000", search.GetProperty("items")[0].GetProperty("displayName").GetString());
    }

    [Fact]
    public async Task A_page_size_over_the_limit_is_rejected_naming_pageSize()
    {
        var rep = (await app.UserAsync("Rep", "Nord")).Client;
        await TestHttp.AssertValidationProblemAsync(await rep.GetAsync($"{Url}?pageSize=201"), "pageSize");
        Assert.Equal(HttpStatusCode.OK, (await rep.GetAsync($"{Url}?pageSize=200")).StatusCode);
    }

    [Theory]
    [InlineData("{ \"lastName\": ", "body")]
    [InlineData("[1, 2]", "body")]
    [InlineData("{ \"lastName\": \"Kurz\", \"shoeSize\": 42 }", "shoeSize")]
    [InlineData("{ \"lastName\": \"" + LongName + "\" }", "lastName")]
    [InlineData("{ \"lastName\": \"Kurz\", \"email\": \"kurz at example.de\" }", "email")]
    [InlineData("{ \"lastName\": \"Kurz\", \"stage\": \"Emperor\" }", "stage")]
    [InlineData("{ \"lastName\": \"Kurz\", \"stage\": 2 }", "stage")]
    public async Task An_invalid_body_is_a_validation_problem_naming_the_field(string body, string field)
    {
        var rep = (await app.UserAsync("Rep", "Nord")).Client;
        var tag = TestHttp.Unique("tag");
        await TestHttp.AssertValidationProblemAsync(await rep.PostAsync(Url, TestHttp.Json(body)), field);

        // The same rules apply to a PATCH, and a rejected PATCH changes nothing.
        var c = await rep.CreateAsync(Url, new { lastName = "Kurz", tags = new[] { tag } });
        var id = c.GetProperty("id").GetInt64();
        await TestHttp.AssertValidationProblemAsync(await rep.PatchRawAsync($"{Url}/{id}", body, "\"1\""), field);
        var after = await rep.GetJsonAsync($"{Url}/{id}");
        Assert.Equal(1, after.GetProperty("version").GetInt32());
        Assert.Equal("Kurz", after.GetProperty("lastName").GetString());
    }

    private const string LongName = // 101 characters: one more than lastName allows
        "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";

    [Fact]
    public async Task A_company_the_user_cannot_see_is_rejected_naming_companyId()
    {
        var sued = (await app.UserAsync("Rep", "Süd")).Client;
        var hidden = (await sued.CreateAsync("/api/v1/companies", new { name = "Südfrucht AG" })).GetProperty("id").GetInt64();
        var rep = (await app.UserAsync("Rep", "Nord")).Client;
        await TestHttp.AssertValidationProblemAsync(
            await rep.PostAsJsonAsync(Url, new { lastName = "Kunde", companyId = hidden }), "companyId");
        await TestHttp.AssertValidationProblemAsync(
            await rep.PostAsJsonAsync(Url, new { lastName = "Kunde", companyId = long.MaxValue }), "companyId");

        var own = (await rep.CreateAsync("/api/v1/companies", new { name = "Nordlicht GmbH" })).GetProperty("id").GetInt64();
        var ok = await rep.CreateAsync(Url, new { lastName = "Kunde", companyId = own });
        Assert.Equal("Nordlicht GmbH", ok.GetProperty("companyName").GetString());

        var other = (await rep.CreateAsync("/api/v1/companies", new { name = "Nordwind KG" })).GetProperty("id").GetInt64();
        var moved = await rep.PatchAsync($"{Url}/{ok.GetProperty("id").GetInt64()}", new { companyId = other }, "\"1\"");
        Assert.Equal(HttpStatusCode.OK, moved.StatusCode);
        Assert.Equal("Nordwind KG", (await moved.ReadJsonAsync()).GetProperty("companyName").GetString());
    }

    [Fact]
    public async Task A_patch_without_If_Match_is_428_and_with_a_stale_one_412_leaving_the_record_unchanged()
    {
        var rep = (await app.UserAsync("Rep", "Nord")).Client;
        var id = (await rep.CreateAsync(Url, new { lastName = "Stale", city = "Kiel" })).GetProperty("id").GetInt64();

        var noIfMatch = await rep.PatchAsync($"{Url}/{id}", new { city = "Lübeck" }, ifMatch: null);
        Assert.Equal(HttpStatusCode.PreconditionRequired, noIfMatch.StatusCode);

        Assert.Equal(HttpStatusCode.OK, (await rep.PatchAsync($"{Url}/{id}", new { city = "Husum" }, "\"1\"")).StatusCode);
        var stale = await rep.PatchAsync($"{Url}/{id}", new { city = "Lübeck" }, "\"1\"");
        Assert.Equal(HttpStatusCode.PreconditionFailed, stale.StatusCode);
        Assert.Equal(2, (await stale.ReadJsonAsync()).GetProperty("currentVersion").GetInt32());

        var current = await rep.GetJsonAsync($"{Url}/{id}");
        Assert.Equal("Husum", current.GetProperty("city").GetString());
        Assert.Equal(2, current.GetProperty("version").GetInt32());
    }

    [Fact]
    public async Task Requests_without_credentials_get_401()
    {
        var rep = (await app.UserAsync("Rep", "Nord")).Client;
        var id = (await rep.CreateAsync(Url, new { lastName = "Secret" })).GetProperty("id").GetInt64();
        var anonymous = app.CreateClient(new() { AllowAutoRedirect = false });
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync(Url)).StatusCode);
        var get = await anonymous.GetAsync($"{Url}/{id}");
        Assert.Equal(HttpStatusCode.Unauthorized, get.StatusCode);
        Assert.DoesNotContain("Secret", await get.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.PostAsJsonAsync(Url, new { lastName = "X" })).StatusCode);
        anonymous.DefaultRequestHeaders.Authorization = TestHttp.Bearer("psk_not-a-real-token");
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync(Url)).StatusCode);
    }

    [Fact]
    public async Task Consents_are_appended_and_the_latest_per_channel_is_current()
    {
        var rep = (await app.UserAsync("Rep", "Nord")).Client;
        var id = (await rep.CreateAsync(Url, new
        {
            lastName = "Consent",
            consents = new[] { new { channel = "Email", status = "Granted", givenAt = "2025-01-10T10:00:00Z", method = "web form" } },
        })).GetProperty("id").GetInt64();

        var first = await rep.PatchAsync($"{Url}/{id}", new
        {
            consents = new[] { new { channel = "Phone", status = "Granted", givenAt = "2025-02-01T09:00:00Z", method = "trade fair" } },
        }, "\"1\"");
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        var second = await rep.PatchAsync($"{Url}/{id}", new
        {
            consents = new[] { new { channel = "Email", status = "Withdrawn", givenAt = "2025-03-01T08:30:00Z", method = "phone call" } },
        }, first.ETag());
        Assert.Equal(HttpStatusCode.OK, second.StatusCode);

        var consents = (await rep.GetJsonAsync($"{Url}/{id}")).GetProperty("consents").EnumerateArray()
            .ToDictionary(c => c.GetProperty("channel").GetString()!);
        Assert.Equal(2, consents.Count);
        Assert.Equal("Withdrawn", consents["Email"].GetProperty("status").GetString());
        Assert.Equal("phone call", consents["Email"].GetProperty("method").GetString());
        Assert.Equal(new DateTime(2025, 3, 1, 8, 30, 0, DateTimeKind.Utc), consents["Email"].GetProperty("givenAt").GetDateTime().ToUniversalTime());
        Assert.Equal("Granted", consents["Phone"].GetProperty("status").GetString());

        // Nothing was overwritten: every statement is kept.
        var kept = await app.WithDbAsync((db, _) => db.ConsentRecords.Where(c => c.ContactId == id).CountAsync());
        Assert.Equal(3, kept);

        var future = await rep.PatchAsync($"{Url}/{id}", new
        {
            consents = new[] { new { channel = "Sms", status = "Granted", givenAt = DateTime.UtcNow.AddDays(2), method = "web form" } },
        }, second.ETag());
        await TestHttp.AssertValidationProblemAsync(future, "consents");
    }

    [Fact]
    public async Task Personal_dates_round_trip_and_an_impossible_date_is_rejected()
    {
        var rep = (await app.UserAsync("Rep", "Nord")).Client;
        var id = (await rep.CreateAsync(Url, new { lastName = "Dates" })).GetProperty("id").GetInt64();
        var dates = new object[]
        {
            new { kind = "Birthday", month = 2, day = 29, remindDaysBefore = 3 },
            new { kind = "Anniversary", label = "Firmenjubiläum", month = 11, day = 5, year = 2001, remindDaysBefore = 7 },
        };
        var ok = await rep.PatchAsync($"{Url}/{id}", new { personalDates = dates }, "\"1\"");
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);

        var saved = (await rep.GetJsonAsync($"{Url}/{id}")).GetProperty("personalDates").EnumerateArray().ToList();
        Assert.Equal(2, saved.Count);
        Assert.Equal(("Birthday", 2, 29, JsonValueKind.Null, 3),
            (saved[0].GetProperty("kind").GetString(), saved[0].GetProperty("month").GetInt32(), saved[0].GetProperty("day").GetInt32(),
             saved[0].GetProperty("year").ValueKind, saved[0].GetProperty("remindDaysBefore").GetInt32()));
        Assert.Equal(("Anniversary", "Firmenjubiläum", 11, 5, 2001),
            (saved[1].GetProperty("kind").GetString(), saved[1].GetProperty("label").GetString(), saved[1].GetProperty("month").GetInt32(),
             saved[1].GetProperty("day").GetInt32(), saved[1].GetProperty("year").GetInt32()));

        var feb30 = await rep.PatchAsync($"{Url}/{id}", new { personalDates = new[] { new { kind = "Birthday", month = 2, day = 30 } } }, ok.ETag());
        await TestHttp.AssertValidationProblemAsync(feb30, "personalDates");
        var feb29In2023 = await rep.PostAsJsonAsync(Url, new { lastName = "Dates", personalDates = new[] { new { kind = "Birthday", month = 2, day = 29, year = 2023 } } });
        await TestHttp.AssertValidationProblemAsync(feb29In2023, "personalDates");
        Assert.Equal(2, (await rep.GetJsonAsync($"{Url}/{id}")).GetProperty("personalDates").GetArrayLength());
    }
}

public sealed class ContactsApiTestsSqlite(SqliteApp f) : ContactsApiTests(f.Factory), IClassFixture<SqliteApp>;
public sealed class ContactsApiTestsPostgres(PostgresApp f) : ContactsApiTests(f.Factory), IClassFixture<PostgresApp>;
