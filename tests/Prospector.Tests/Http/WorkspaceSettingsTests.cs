using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Prospector.Tests.Infrastructure;

namespace Prospector.Tests.Http;

/// <summary>
/// The workspace settings over HTTP: the same checks as the settings page (one <c>WorkspaceService</c>), in the caller's
/// language, and the same version rule as every other change to a versioned record (If-Match, 428 without it, 412 when stale).
/// </summary>
public abstract class WorkspaceSettingsTests(ProspectorFactory app)
{
    private static HttpRequestMessage Put(object body, string? ifMatch, string? language = null)
    {
        var request = TestHttp.Request(HttpMethod.Put, "/api/v1/workspace", JsonContent.Create(body), ifMatch);
        if (language is not null) request.Headers.AcceptLanguage.Add(new StringWithQualityHeaderValue(language));
        return request;
    }

    [Fact]
    public async Task A_change_needs_the_version_in_If_Match_and_one_based_on_an_older_version_is_refused()
    {
        var admin = (await app.UserAsync("Admin")).Client;
        var get = await admin.GetAsync("/api/v1/workspace");
        var etag = get.ETag();
        var before = await get.ReadJsonAsync();
        Assert.Equal($"\"{before.GetProperty("version").GetInt32()}\"", etag);
        var name = before.GetProperty("name").GetString()!;

        var without = await admin.SendAsync(Put(new { name = "Ohne Version" }, ifMatch: null));
        Assert.Equal(HttpStatusCode.PreconditionRequired, without.StatusCode);

        var saved = await admin.SendAsync(Put(new { name = "Vertrieb Nord" }, etag));
        Assert.Equal(HttpStatusCode.OK, saved.StatusCode);
        Assert.Equal("Vertrieb Nord", (await saved.ReadJsonAsync()).GetProperty("name").GetString());
        Assert.NotEqual(etag, saved.ETag());

        // Another admin's tab still holds the first version: its change would overwrite the one just made.
        var stale = await admin.SendAsync(Put(new { name = "Alter Stand" }, etag));
        Assert.Equal(HttpStatusCode.PreconditionFailed, stale.StatusCode);
        Assert.Equal(before.GetProperty("version").GetInt32() + 1, (await stale.ReadJsonAsync()).GetProperty("currentVersion").GetInt32());
        var now = await admin.GetJsonAsync("/api/v1/workspace");
        Assert.Equal("Vertrieb Nord", now.GetProperty("name").GetString());

        var restored = await admin.SendAsync(Put(new { name }, $"\"{now.GetProperty("version").GetInt32()}\""));
        Assert.Equal(HttpStatusCode.OK, restored.StatusCode);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(3651)]
    public async Task A_retention_out_of_range_is_refused_in_the_callers_language_and_nothing_changes(int days)
    {
        var admin = (await app.UserAsync("Admin")).Client;
        var get = await admin.GetAsync("/api/v1/workspace");
        var before = await get.ReadJsonAsync();

        var res = await admin.SendAsync(Put(new { retentionDays = days }, get.ETag(), language: "de"));
        await TestHttp.AssertValidationProblemAsync(res, "retentionDays");
        Assert.Contains("Zwischen 1 und 3650 Tagen aufbewahren.", await res.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        var after = await admin.GetJsonAsync("/api/v1/workspace");
        Assert.Equal(before.GetProperty("retentionDays").GetInt32(), after.GetProperty("retentionDays").GetInt32());
        Assert.Equal(before.GetProperty("version").GetInt32(), after.GetProperty("version").GetInt32());
    }

    [Fact]
    public async Task Country_and_currency_are_checked_and_a_field_left_out_stays()
    {
        var admin = (await app.UserAsync("Admin")).Client;
        var get = await admin.GetAsync("/api/v1/workspace");
        var before = await get.ReadJsonAsync();
        await TestHttp.AssertValidationProblemAsync(await admin.SendAsync(Put(new { defaultCountry = "DEU" }, get.ETag())), "defaultCountry");
        await TestHttp.AssertValidationProblemAsync(await admin.SendAsync(Put(new { defaultCurrency = "€" }, get.ETag())), "defaultCurrency");

        var saved = await (await admin.SendAsync(Put(new { retentionDays = 730 }, get.ETag()))).ReadJsonAsync();
        Assert.Equal(730, saved.GetProperty("retentionDays").GetInt32());
        Assert.Equal(before.GetProperty("name").GetString(), saved.GetProperty("name").GetString());
        Assert.Equal(before.GetProperty("defaultCountry").GetString(), saved.GetProperty("defaultCountry").GetString());
    }
}

public sealed class WorkspaceSettingsTestsSqlite(SqliteApp f) : WorkspaceSettingsTests(f.Factory), IClassFixture<SqliteApp>;
public sealed class WorkspaceSettingsTestsPostgres(PostgresApp f) : WorkspaceSettingsTests(f.Factory), IClassFixture<PostgresApp>;
