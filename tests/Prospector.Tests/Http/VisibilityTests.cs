using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Prospector.Tests.Infrastructure;

namespace Prospector.Tests.Http;

/// <summary>
/// Record-level access between two teams (Nord, Süd): a record you may not see does not exist for you (404, no data),
/// lists hide it, managers see their teams, admins everything; credentials stop working the moment they are withdrawn.
/// </summary>
public abstract class VisibilityTests(ProspectorFactory app)
{
    private sealed record SuedRecords(long ContactId, long CompanyId, string Secret);

    private async Task<SuedRecords> SuedRepRecordsAsync()
    {
        var sued = (await app.UserAsync("Rep", "Süd")).Client;
        var secret = TestHttp.Unique("Geheim");
        var company = await sued.CreateAsync("/api/v1/companies", new { name = secret + " AG", notes = secret });
        var contact = await sued.CreateAsync("/api/v1/contacts", new
        {
            lastName = secret,
            email = $"{secret.ToLowerInvariant()}@sued.example",
            notes = secret,
            companyId = company.GetProperty("id").GetInt64(),
        });
        return new(contact.GetProperty("id").GetInt64(), company.GetProperty("id").GetInt64(), secret);
    }

    [Theory]
    [InlineData("contacts")]
    [InlineData("companies")]
    public async Task A_rep_of_another_team_gets_404_with_no_data_for_every_operation(string kind)
    {
        var sued = await SuedRepRecordsAsync();
        var id = kind == "contacts" ? sued.ContactId : sued.CompanyId;
        var url = $"/api/v1/{kind}/{id}";
        var nord = (await app.UserAsync("Rep", "Nord")).Client;

        var attempts = new (string What, Func<Task<HttpResponseMessage>> Send)[]
        {
            ("GET", () => nord.GetAsync(url)),
            ("PATCH", () => nord.PatchAsync(url, new { notes = "mine now" }, "\"1\"")),
            ("DELETE", () => nord.DeleteAsync(url)),
            ("history", () => nord.GetAsync($"{url}/history")),
            ("restore", () => nord.PostAsync($"{url}/restore", null)),
        };
        foreach (var (what, send) in attempts)
        {
            var res = await send();
            var body = await res.Content.ReadAsStringAsync();
            Assert.True(res.StatusCode == HttpStatusCode.NotFound, $"{what} {url}: expected 404, got {(int)res.StatusCode}");
            Assert.DoesNotContain(sued.Secret, body, StringComparison.OrdinalIgnoreCase);
            Assert.Null(res.Headers.ETag);
        }

        Assert.DoesNotContain(id, (await nord.GetJsonAsync($"/api/v1/{kind}?q={sued.Secret}")).Ids());
        Assert.DoesNotContain(id, (await nord.GetJsonAsync($"/api/v1/{kind}?pageSize=200")).Ids());

        // Untouched for its owner.
        var admin = (await app.UserAsync("Admin")).Client;
        var stored = await admin.GetJsonAsync(url);
        Assert.Equal(1, stored.GetProperty("version").GetInt32());
        Assert.Equal(sued.Secret, stored.GetProperty("notes").GetString());
    }

    [Fact]
    public async Task A_manager_sees_their_team_not_the_other_and_an_admin_sees_all()
    {
        var sued = await SuedRepRecordsAsync();
        var nordRep = (await app.UserAsync("Rep", "Nord")).Client;
        var marker = TestHttp.Unique("Nordkunde");
        var nordContact = (await nordRep.CreateAsync("/api/v1/contacts", new { lastName = marker })).GetProperty("id").GetInt64();

        var manager = (await app.UserAsync("Manager", "Nord")).Client;
        Assert.Equal(HttpStatusCode.OK, (await manager.GetAsync($"/api/v1/contacts/{nordContact}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await manager.GetAsync($"/api/v1/contacts/{sued.ContactId}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await manager.GetAsync($"/api/v1/companies/{sued.CompanyId}")).StatusCode);
        var managerList = (await manager.GetJsonAsync("/api/v1/contacts?pageSize=200")).Ids().ToList();
        Assert.Contains(nordContact, managerList);
        Assert.DoesNotContain(sued.ContactId, managerList);

        var admin = (await app.UserAsync("Admin")).Client;
        Assert.Equal(HttpStatusCode.OK, (await admin.GetAsync($"/api/v1/contacts/{sued.ContactId}")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await admin.GetAsync($"/api/v1/companies/{sued.CompanyId}")).StatusCode);
        Assert.Equal([nordContact], (await admin.GetJsonAsync($"/api/v1/contacts?q={marker}")).Ids());
        Assert.Equal([sued.ContactId], (await admin.GetJsonAsync($"/api/v1/contacts?q={sued.Secret}")).Ids());
    }

    [Fact]
    public async Task With_reps_see_all_a_rep_sees_the_other_teams_records()
    {
        var sued = await SuedRepRecordsAsync();
        var nord = (await app.UserAsync("Rep", "Nord")).Client;
        var admin = (await app.UserAsync("Admin")).Client;
        Assert.Equal(HttpStatusCode.NotFound, (await nord.GetAsync($"/api/v1/contacts/{sued.ContactId}")).StatusCode);

        var workspace = await admin.GetJsonAsync("/api/v1/workspace");
        Assert.False(workspace.GetProperty("repsSeeAll").GetBoolean());
        try
        {
            Assert.Equal(HttpStatusCode.OK, (await PutWorkspaceAsync(admin, true)).StatusCode);
            Assert.True((await nord.GetJsonAsync("/api/v1/workspace")).GetProperty("repsSeeAll").GetBoolean());
            Assert.Equal(HttpStatusCode.OK, (await nord.GetAsync($"/api/v1/contacts/{sued.ContactId}")).StatusCode);
            Assert.Equal(HttpStatusCode.OK, (await nord.GetAsync($"/api/v1/companies/{sued.CompanyId}")).StatusCode);
            Assert.Equal([sued.ContactId], (await nord.GetJsonAsync($"/api/v1/contacts?q={sued.Secret}")).Ids());
        }
        finally
        {
            Assert.Equal(HttpStatusCode.OK, (await PutWorkspaceAsync(admin, false)).StatusCode);
        }
        Assert.Equal(HttpStatusCode.NotFound, (await nord.GetAsync($"/api/v1/contacts/{sued.ContactId}")).StatusCode);
    }

    /// <summary>Sends back what GET gave, with "reps see all" changed, and the version in If-Match.</summary>
    private static async Task<HttpResponseMessage> PutWorkspaceAsync(HttpClient client, bool repsSeeAll)
    {
        var workspace = await client.GetJsonAsync("/api/v1/workspace");
        return await client.SendAsync(TestHttp.Request(HttpMethod.Put, "/api/v1/workspace", JsonContent.Create(WithRepsSeeAll(workspace, repsSeeAll)),
            $"\"{workspace.GetProperty("version").GetInt32()}\""));
    }

    private static Dictionary<string, object?> WithRepsSeeAll(JsonElement workspace, bool value)
    {
        var body = workspace.Deserialize<Dictionary<string, object?>>()!;
        body["repsSeeAll"] = value;
        return body;
    }

    [Fact]
    public async Task A_workspace_change_needs_an_admin()
    {
        var rep = (await app.UserAsync("Rep", "Nord")).Client;
        var manager = (await app.UserAsync("Manager", "Nord")).Client;
        var workspace = await rep.GetJsonAsync("/api/v1/workspace");
        Assert.Equal(HttpStatusCode.Forbidden, (await PutWorkspaceAsync(rep, true)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await PutWorkspaceAsync(manager, true)).StatusCode);
        Assert.False((await rep.GetJsonAsync("/api/v1/workspace")).GetProperty("repsSeeAll").GetBoolean());
    }

    [Theory]
    [InlineData("contacts", "lastName")]
    [InlineData("companies", "name")]
    public async Task A_rep_cannot_give_a_record_to_another_team(string kind, string nameField)
    {
        var url = $"/api/v1/{kind}";
        var nordRep = await app.UserAsync("Rep", "Nord");
        var colleague = await app.UserAsync("Rep", "Nord");
        var suedRep = await app.UserAsync("Rep", "Süd");
        var rep = nordRep.Client;

        await TestHttp.AssertValidationProblemAsync(
            await rep.PostAsJsonAsync(url, new Dictionary<string, object> { [nameField] = "Weg", ["ownerId"] = suedRep.Id }), "ownerId");

        var id = (await rep.CreateAsync(url, new Dictionary<string, object> { [nameField] = "Bleibt" })).GetProperty("id").GetInt64();
        await TestHttp.AssertValidationProblemAsync(
            await rep.PatchAsync($"{url}/{id}", new { ownerId = suedRep.Id }, "\"1\""), "ownerId");
        await TestHttp.AssertValidationProblemAsync(
            await rep.PatchAsync($"{url}/{id}", new { teamId = suedRep.TeamId, ownerId = suedRep.Id }, "\"1\""), "ownerId");
        // Keeping the record but moving it into another team is refused just the same.
        await TestHttp.AssertValidationProblemAsync(
            await rep.PatchAsync($"{url}/{id}", new { teamId = suedRep.TeamId }, "\"1\""), "teamId");
        var unchanged = await rep.GetJsonAsync($"{url}/{id}");
        Assert.Equal(nordRep.Id, unchanged.GetProperty("ownerId").GetInt64());
        Assert.Equal(1, unchanged.GetProperty("version").GetInt32());
        Assert.Equal(HttpStatusCode.NotFound, (await suedRep.Client.GetAsync($"{url}/{id}")).StatusCode);

        // Handing it to a colleague of the own team is fine.
        var handed = await rep.PatchAsync($"{url}/{id}", new { ownerId = colleague.Id }, "\"1\"");
        Assert.Equal(HttpStatusCode.OK, handed.StatusCode);
        var stored = await colleague.Client.GetJsonAsync($"{url}/{id}");
        Assert.Equal(colleague.Id, stored.GetProperty("ownerId").GetInt64());
        // The answer to the PATCH shows the new owner as a GET does.
        Assert.NotNull(stored.GetProperty("ownerName").GetString());
        Assert.Equal(stored.GetProperty("ownerName").GetString(), (await handed.ReadJsonAsync()).GetProperty("ownerName").GetString());
    }

    [Fact]
    public async Task A_revoked_token_is_refused_on_the_very_next_request()
    {
        var rep = await app.UserAsync("Rep", "Nord");
        var created = await rep.Client.CreateAsync("/api/v1/tokens", new { name = "script" });
        var second = app.CreateClient(new() { AllowAutoRedirect = false });
        second.DefaultRequestHeaders.Authorization = TestHttp.Bearer(created.GetProperty("token").GetString()!);
        Assert.Equal(HttpStatusCode.OK, (await second.GetAsync("/api/v1/me")).StatusCode);

        // Someone else cannot revoke it.
        var other = (await app.UserAsync("Admin")).Client;
        var tokenId = created.GetProperty("id").GetInt64();
        Assert.Equal(HttpStatusCode.NotFound, (await other.DeleteAsync($"/api/v1/tokens/{tokenId}")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await second.GetAsync("/api/v1/me")).StatusCode);

        Assert.Equal(HttpStatusCode.NoContent, (await rep.Client.DeleteAsync($"/api/v1/tokens/{tokenId}")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await second.GetAsync("/api/v1/me")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await second.GetAsync("/api/v1/contacts")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await rep.Client.GetAsync("/api/v1/me")).StatusCode);
        var listed = (await rep.Client.GetJsonAsync("/api/v1/tokens")).EnumerateArray().Single(t => t.GetProperty("id").GetInt64() == tokenId);
        Assert.NotEqual(JsonValueKind.Null, listed.GetProperty("revokedAt").ValueKind);
    }

    [Fact]
    public async Task A_deactivated_users_token_is_refused_on_the_next_request()
    {
        var rep = await app.UserAsync("Rep", "Nord");
        var admin = (await app.UserAsync("Admin")).Client;
        Assert.Equal(HttpStatusCode.OK, (await rep.Client.GetAsync("/api/v1/me")).StatusCode);

        Assert.Equal(HttpStatusCode.NoContent, (await admin.PostAsync($"/api/v1/users/{rep.Id}/deactivate", null)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await rep.Client.GetAsync("/api/v1/me")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await rep.Client.GetAsync("/api/v1/contacts")).StatusCode);
        var listed = (await admin.GetJsonAsync("/api/v1/users")).EnumerateArray().Single(u => u.GetProperty("id").GetInt64() == rep.Id);
        Assert.False(listed.GetProperty("active").GetBoolean());
    }

    [Fact]
    public async Task User_administration_is_for_admins_only()
    {
        var rep = (await app.UserAsync("Rep", "Nord")).Client;
        var manager = (await app.UserAsync("Manager", "Nord")).Client;
        var admin = (await app.UserAsync("Admin")).Client;
        var newUser = new { email = $"{TestHttp.Unique("u")}@test.example", password = "correct horse battery", role = "Rep" };

        foreach (var client in new[] { rep, manager })
        {
            var list = await client.GetAsync("/api/v1/users");
            Assert.Equal(HttpStatusCode.Forbidden, list.StatusCode);
            Assert.DoesNotContain("@test.example", await list.Content.ReadAsStringAsync());
            Assert.Equal(HttpStatusCode.Forbidden, (await client.PostAsJsonAsync("/api/v1/users", newUser)).StatusCode);
        }
        Assert.Equal(HttpStatusCode.OK, (await admin.GetAsync("/api/v1/users")).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await admin.PostAsJsonAsync("/api/v1/users", newUser)).StatusCode);
    }
}

public sealed class VisibilityTestsSqlite(SqliteApp f) : VisibilityTests(f.Factory), IClassFixture<SqliteApp>;
public sealed class VisibilityTestsPostgres(PostgresApp f) : VisibilityTests(f.Factory), IClassFixture<PostgresApp>;
