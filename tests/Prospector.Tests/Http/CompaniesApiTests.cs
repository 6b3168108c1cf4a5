using System.Net;
using System.Net.Http.Json;
using Prospector.Tests.Infrastructure;

namespace Prospector.Tests.Http;

/// <summary>The companies API: CRUD with ETags, the recycle bin, history, search, validation.</summary>
public abstract class CompaniesApiTests(ProspectorFactory app)
{
    private const string Url = "/api/v1/companies";

    [Fact]
    public async Task Create_read_update_delete_restore_and_history()
    {
        var rep = (await app.UserAsync("Rep", "Nord")).Client;
        var name = TestHttp.Unique("Werft");
        var created = await rep.PostAsJsonAsync(Url, new { name, website = "https://www.Nordwerft.example/kontakt", city = "Kiel" });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal("\"1\"", created.ETag());
        var body = await created.ReadJsonAsync();
        var id = body.GetProperty("id").GetInt64();
        Assert.EndsWith($"{Url}/{id}", created.Headers.Location?.ToString());
        Assert.Equal("nordwerft.example", body.GetProperty("domain").GetString());

        var get = await rep.GetAsync($"{Url}/{id}");
        Assert.Equal(HttpStatusCode.OK, get.StatusCode);
        Assert.Equal("\"1\"", get.ETag());

        var patched = await rep.PatchAsync($"{Url}/{id}", new { city = "Flensburg" }, get.ETag());
        Assert.Equal(HttpStatusCode.OK, patched.StatusCode);
        Assert.Equal("\"2\"", patched.ETag());
        Assert.Equal(2, (await patched.ReadJsonAsync()).GetProperty("version").GetInt32());
        Assert.Equal("Flensburg", (await rep.GetJsonAsync($"{Url}/{id}")).GetProperty("city").GetString());

        Assert.Equal(HttpStatusCode.NoContent, (await rep.DeleteAsync($"{Url}/{id}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await rep.GetAsync($"{Url}/{id}")).StatusCode);
        Assert.DoesNotContain(id, (await rep.GetJsonAsync($"{Url}?q={name}")).Ids());
        Assert.Contains(id, (await rep.GetJsonAsync($"{Url}?deleted=true&q={name}")).Ids());

        Assert.Equal(HttpStatusCode.OK, (await rep.PostAsync($"{Url}/{id}/restore", null)).StatusCode);
        Assert.Equal([id], (await rep.GetJsonAsync($"{Url}?q={name}")).Ids());
        Assert.Empty((await rep.GetJsonAsync($"{Url}?deleted=true&q={name}")).Ids());

        var history = (await rep.GetJsonAsync($"{Url}/{id}/history")).EnumerateArray().ToList();
        Assert.Equal(["Restored", "Deleted", "Updated", "Created"], history.Select(h => h.GetProperty("action").GetString()));
        var cityChange = history[2].GetProperty("changes").EnumerateArray().Single(c => c.GetProperty("field").GetString() == "City");
        Assert.Equal("Kiel", cityChange.GetProperty("from").GetString());
        Assert.Equal("Flensburg", cityChange.GetProperty("to").GetString());
    }

    [Theory]
    [InlineData("mull")]
    [InlineData("MÜLL")]
    public async Task Search_ignores_case_and_umlauts_and_sorts_by_name(string q)
    {
        var rep = (await app.UserAsync("Rep", "Nord")).Client;
        var marker = TestHttp.Unique("");
        var a = (await rep.CreateAsync(Url, new { name = $"Müller {marker} Anlagenbau" })).GetProperty("id").GetInt64();
        var b = (await rep.CreateAsync(Url, new { name = $"Müller {marker} Bau" })).GetProperty("id").GetInt64();
        await rep.CreateAsync(Url, new { name = $"Kramüller {marker}" });

        var search = Uri.EscapeDataString($"{q}er {marker}");
        Assert.Equal([a, b], (await rep.GetJsonAsync($"{Url}?q={search}")).Ids());
        Assert.Equal([b, a], (await rep.GetJsonAsync($"{Url}?q={search}&sort=NameDesc")).Ids());
        var page = await rep.GetJsonAsync($"{Url}?q={search}&pageSize=1&page=2");
        Assert.Equal(2, page.GetProperty("total").GetInt32());
        Assert.Equal([b], page.Ids());
    }

    [Fact]
    public async Task Search_by_name_prefix_finds_umlauts_from_plain_letters()
    {
        var rep = (await app.UserAsync("Rep", "Nord")).Client;
        var marker = TestHttp.Unique("");
        var id = (await rep.CreateAsync(Url, new { name = $"Öztürk {marker}" })).GetProperty("id").GetInt64();
        Assert.Equal([id], (await rep.GetJsonAsync($"{Url}?q={Uri.EscapeDataString($"ozturk {marker}")}")).Ids());
        Assert.Equal([id], (await rep.GetJsonAsync($"{Url}?q={Uri.EscapeDataString($"ÖZTÜRK {marker}")}")).Ids());
    }

    [Fact]
    public async Task A_page_size_over_the_limit_is_rejected_naming_pageSize()
    {
        var rep = (await app.UserAsync("Rep", "Nord")).Client;
        await TestHttp.AssertValidationProblemAsync(await rep.GetAsync($"{Url}?pageSize=201"), "pageSize");
    }

    [Theory]
    [InlineData("{ \"name\": ", "body")]
    [InlineData("{ \"name\": \"Acme\", \"employees\": 12 }", "employees")]
    [InlineData("{ \"city\": \"Kiel\" }", "name")]
    [InlineData("{ \"name\": \"   \" }", "name")]
    [InlineData("{ \"name\": \"Acme\", \"email\": \"info@@acme.example\" }", "email")]
    [InlineData("{ \"name\": \"Acme\", \"country\": \"Germany\" }", "country")]
    [InlineData("{ \"name\": \"Acme\", \"tags\": \"vip\" }", "tags")]
    public async Task An_invalid_body_is_a_validation_problem_naming_the_field(string body, string field)
    {
        var rep = (await app.UserAsync("Rep", "Nord")).Client;
        await TestHttp.AssertValidationProblemAsync(await rep.PostAsync(Url, TestHttp.Json(body)), field);
    }

    [Fact]
    public async Task An_over_long_name_is_rejected_on_create_and_on_patch()
    {
        var rep = (await app.UserAsync("Rep", "Nord")).Client;
        var tooLong = new string('x', 201);
        await TestHttp.AssertValidationProblemAsync(await rep.PostAsJsonAsync(Url, new { name = tooLong }), "name");
        var id = (await rep.CreateAsync(Url, new { name = "Kurz GmbH" })).GetProperty("id").GetInt64();
        await TestHttp.AssertValidationProblemAsync(await rep.PatchAsync($"{Url}/{id}", new { name = tooLong }, "\"1\""), "name");
        await TestHttp.AssertValidationProblemAsync(await rep.PatchAsync($"{Url}/{id}", new { name = (string?)null }, "\"1\""), "name");
        var after = await rep.GetJsonAsync($"{Url}/{id}");
        Assert.Equal("Kurz GmbH", after.GetProperty("name").GetString());
        Assert.Equal(1, after.GetProperty("version").GetInt32());
    }

    [Fact]
    public async Task A_patch_without_If_Match_is_428_and_with_a_stale_one_412_leaving_the_record_unchanged()
    {
        var rep = (await app.UserAsync("Rep", "Nord")).Client;
        var id = (await rep.CreateAsync(Url, new { name = "Stale AG", city = "Kiel" })).GetProperty("id").GetInt64();

        Assert.Equal(HttpStatusCode.PreconditionRequired, (await rep.PatchAsync($"{Url}/{id}", new { city = "Lübeck" }, null)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await rep.PatchAsync($"{Url}/{id}", new { city = "Husum" }, "W/\"1\"")).StatusCode);
        var stale = await rep.PatchAsync($"{Url}/{id}", new { city = "Lübeck" }, "\"1\"");
        Assert.Equal(HttpStatusCode.PreconditionFailed, stale.StatusCode);

        var current = await rep.GetJsonAsync($"{Url}/{id}");
        Assert.Equal("Husum", current.GetProperty("city").GetString());
        Assert.Equal(2, current.GetProperty("version").GetInt32());
    }

    [Fact]
    public async Task Requests_without_credentials_get_401()
    {
        var anonymous = app.CreateClient(new() { AllowAutoRedirect = false });
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync(Url)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync($"{Url}/1")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.PostAsJsonAsync(Url, new { name = "X" })).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.DeleteAsync($"{Url}/1")).StatusCode);
    }
}

public sealed class CompaniesApiTestsSqlite(SqliteApp f) : CompaniesApiTests(f.Factory), IClassFixture<SqliteApp>;
public sealed class CompaniesApiTestsPostgres(PostgresApp f) : CompaniesApiTests(f.Factory), IClassFixture<PostgresApp>;
