using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Prospector.Data;
using Prospector.Tests.Infrastructure;

namespace Prospector.Tests.Http;

/// <summary>
/// The caller's identity, role, access scope and two-factor duty are kept in memory between requests (AuthCache,
/// docs/decisions/0015). Every test app keeps them for an hour (ProspectorFactory sets Auth:CacheSeconds), so each test
/// below warms the cache with a request first and passes only because the change itself drops the cached answer.
/// </summary>
public abstract class AuthCacheTests(ProspectorFactory app)
{
    private static Task<HttpResponseMessage> PatchUserAsync(HttpClient admin, long id, object body) =>
        admin.PatchAsync($"/api/v1/users/{id}", JsonContent.Create(body));

    [Fact]
    public async Task A_token_used_a_moment_ago_is_refused_at_the_next_request_after_it_is_revoked()
    {
        var rep = await app.UserAsync("Rep", "Nord");
        Assert.Equal(HttpStatusCode.OK, (await rep.Client.GetAsync("/api/v1/me")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await rep.Client.GetAsync("/api/v1/contacts")).StatusCode);

        Assert.Equal(HttpStatusCode.NoContent, (await rep.Client.DeleteAsync($"/api/v1/tokens/{rep.TokenId}")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await rep.Client.GetAsync("/api/v1/me")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await rep.Client.GetAsync("/api/v1/contacts")).StatusCode);
    }

    [Fact]
    public async Task A_deactivated_users_token_is_refused_at_the_next_request()
    {
        var admin = await app.UserAsync("Admin");
        var rep = await app.UserAsync("Rep", "Nord");
        Assert.Equal(HttpStatusCode.OK, (await rep.Client.GetAsync("/api/v1/me")).StatusCode);

        Assert.Equal(HttpStatusCode.NoContent, (await admin.Client.PostAsync($"/api/v1/users/{rep.Id}/deactivate", null)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await rep.Client.GetAsync("/api/v1/me")).StatusCode);
    }

    [Fact]
    public async Task A_role_change_shows_in_me_and_in_what_the_token_may_do_at_the_next_request()
    {
        var admin = await app.UserAsync("Admin");
        var rep = await app.UserAsync("Rep", "Nord");
        Assert.Equal("Rep", (await rep.Client.GetJsonAsync("/api/v1/me")).GetProperty("role").GetString());
        Assert.Equal(HttpStatusCode.Forbidden, (await rep.Client.GetAsync("/api/v1/users")).StatusCode);

        Assert.Equal(HttpStatusCode.OK, (await PatchUserAsync(admin.Client, rep.Id, new { role = "admin" })).StatusCode);
        Assert.Equal("Admin", (await rep.Client.GetJsonAsync("/api/v1/me")).GetProperty("role").GetString());
        Assert.Equal(HttpStatusCode.OK, (await rep.Client.GetAsync("/api/v1/users")).StatusCode);

        Assert.Equal(HttpStatusCode.OK, (await PatchUserAsync(admin.Client, rep.Id, new { role = "rep" })).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await rep.Client.GetAsync("/api/v1/users")).StatusCode);
    }

    /// <summary>A change to another user (joining the manager's team) changes what the manager sees: not only the changed user's answers go.</summary>
    [Fact]
    public async Task A_manager_sees_a_new_team_members_contact_at_the_next_request()
    {
        var admin = await app.UserAsync("Admin");
        var team = (await admin.Client.CreateAsync("/api/v1/teams", new { name = TestHttp.Unique("Team") })).GetProperty("id").GetInt64();
        var manager = await app.UserAsync("Manager");
        Assert.Equal(HttpStatusCode.OK, (await PatchUserAsync(admin.Client, manager.Id, new { teamIds = new[] { team } })).StatusCode);
        var newcomer = await app.UserAsync("Rep");
        var contact = (await newcomer.Client.CreateAsync("/api/v1/contacts", new { lastName = TestHttp.Unique("Newcomer") })).GetProperty("id").GetInt64();
        Assert.Equal(HttpStatusCode.NotFound, (await manager.Client.GetAsync($"/api/v1/contacts/{contact}")).StatusCode);

        Assert.Equal(HttpStatusCode.OK, (await PatchUserAsync(admin.Client, newcomer.Id, new { teamIds = new[] { team } })).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await manager.Client.GetAsync($"/api/v1/contacts/{contact}")).StatusCode);

        Assert.Equal(HttpStatusCode.OK, (await PatchUserAsync(admin.Client, newcomer.Id, new { teamIds = Array.Empty<long>() })).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await manager.Client.GetAsync($"/api/v1/contacts/{contact}")).StatusCode);
    }

    [Fact]
    public async Task Reps_see_all_counts_from_the_next_request_when_the_admin_turns_it_on_and_off()
    {
        await using var own = new ProspectorFactory(app.Provider); // a workspace setting: not shared with other tests' users
        var admin = await own.UserAsync("Admin");
        var owner = await own.UserAsync("Rep", "Nord");
        var other = await own.UserAsync("Rep", "Süd");
        var contact = (await owner.Client.CreateAsync("/api/v1/contacts", new { lastName = TestHttp.Unique("Nord") })).GetProperty("id").GetInt64();
        Assert.Equal(HttpStatusCode.NotFound, (await other.Client.GetAsync($"/api/v1/contacts/{contact}")).StatusCode);

        await SetWorkspaceAsync(admin.Client, new { repsSeeAll = true });
        Assert.Equal(HttpStatusCode.OK, (await other.Client.GetAsync($"/api/v1/contacts/{contact}")).StatusCode);
        await SetWorkspaceAsync(admin.Client, new { repsSeeAll = false });
        Assert.Equal(HttpStatusCode.NotFound, (await other.Client.GetAsync($"/api/v1/contacts/{contact}")).StatusCode);
    }

    /// <summary>Writes that bypass change tracking (ExecuteUpdate, as scripts and background jobs use) drop cached answers too.</summary>
    [Fact]
    public async Task A_token_revoked_by_a_bulk_update_inside_a_transaction_is_refused_once_it_commits()
    {
        var rep = await app.UserAsync("Rep", "Nord");
        Assert.Equal(HttpStatusCode.OK, (await rep.Client.GetAsync("/api/v1/me")).StatusCode);

        await app.WithDbAsync(async (db, _) =>
        {
            await using var tx = await db.Database.BeginTransactionAsync();
            await db.ApiTokens.Where(t => t.Id == rep.TokenId).ExecuteUpdateAsync(s => s.SetProperty(t => t.RevokedAt, DateTime.UtcNow));
            await tx.CommitAsync();
            return 0;
        });
        Assert.Equal(HttpStatusCode.Unauthorized, (await rep.Client.GetAsync("/api/v1/me")).StatusCode);
    }

    /// <summary>
    /// What another instance (or a CLI command in another process) changes, this one cannot hear of: it counts once the
    /// cached answer is older than Auth:CacheSeconds. This app keeps answers for ten minutes.
    /// </summary>
    [Fact]
    public async Task A_change_made_by_another_process_counts_once_the_cached_answer_expires()
    {
        await using var own = new ProspectorFactory(app.Provider, new Dictionary<string, string?> { ["Auth:CacheSeconds"] = "600" });
        var rep = await own.UserAsync("Rep", "Nord");
        // The token's first use writes its "last used" time, which drops the answer; the second request keeps it.
        Assert.Equal(HttpStatusCode.OK, (await rep.Client.GetAsync("/api/v1/me")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await rep.Client.GetAsync("/api/v1/me")).StatusCode);

        // Another process: its own connection, not this app's DbContext.
        var cs = await own.WithDbAsync((db, _) => Task.FromResult(db.Database.GetConnectionString()!));
        var options = new DbContextOptionsBuilder<ProspectorDb>();
        if (app.Provider == Provider.Sqlite) options.UseSqlite(cs); else options.UseNpgsql(cs);
        await using (var elsewhere = new ProspectorDb(options.Options))
            await elsewhere.ApiTokens.Where(t => t.Id == rep.TokenId).ExecuteUpdateAsync(s => s.SetProperty(t => t.RevokedAt, DateTime.UtcNow));

        Assert.Equal(HttpStatusCode.OK, (await rep.Client.GetAsync("/api/v1/me")).StatusCode); // still the cached answer
        own.Clock.Offset = TimeSpan.FromSeconds(601);
        try
        {
            Assert.Equal(HttpStatusCode.Unauthorized, (await rep.Client.GetAsync("/api/v1/me")).StatusCode);
        }
        finally
        {
            own.Clock.Offset = TimeSpan.Zero;
        }
    }

    /// <summary>
    /// A token's "last used" time is written at most every five minutes, and that write changes no one's cached answer: the
    /// time goes into the cached answer itself. Were it left stale there, every request after five minutes would write again.
    /// A revocation right after such a write still counts at the next request.
    /// </summary>
    [Fact]
    public async Task A_tokens_last_used_time_is_written_every_five_minutes_not_every_request_and_revocation_still_counts()
    {
        await using var own = new ProspectorFactory(app.Provider);
        var rep = await own.UserAsync("Rep", "Nord");
        async Task<DateTime> LastUsedAsync()
        {
            var tokens = await rep.Client.GetJsonAsync("/api/v1/tokens");
            return tokens.EnumerateArray().Single(t => t.GetProperty("id").GetInt64() == rep.TokenId).GetProperty("lastUsedAt").GetDateTime();
        }
        var first = await LastUsedAsync();

        own.Clock.Offset = TimeSpan.FromMinutes(6);
        var sixMinutesOn = await LastUsedAsync();
        Assert.True(sixMinutesOn - first >= TimeSpan.FromMinutes(6) - TimeSpan.FromSeconds(1), $"{first:O} then {sixMinutesOn:O}");

        own.Clock.Offset = TimeSpan.FromMinutes(8);
        Assert.Equal(sixMinutesOn, await LastUsedAsync()); // written two minutes ago: not again

        Assert.Equal(HttpStatusCode.NoContent, (await rep.Client.DeleteAsync($"/api/v1/tokens/{rep.TokenId}")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await rep.Client.GetAsync("/api/v1/me")).StatusCode);
    }

    /// <summary>
    /// Another user's "last used" write drops nobody's cached answer: a revocation made behind this app's back (which it
    /// cannot hear of) is still unseen after it, where before every such write emptied the cache for everyone.
    /// </summary>
    [Fact]
    public async Task Another_tokens_last_used_write_leaves_the_other_cached_answers_in_place()
    {
        await using var own = new ProspectorFactory(app.Provider);
        var first = await own.UserAsync("Rep", "Nord");
        var second = await own.UserAsync("Rep", "Süd");
        Assert.Equal(HttpStatusCode.OK, (await first.Client.GetAsync("/api/v1/me")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await second.Client.GetAsync("/api/v1/me")).StatusCode);

        var cs = await own.WithDbAsync((db, _) => Task.FromResult(db.Database.GetConnectionString()!));
        var options = new DbContextOptionsBuilder<ProspectorDb>();
        if (app.Provider == Provider.Sqlite) options.UseSqlite(cs); else options.UseNpgsql(cs);
        await using (var elsewhere = new ProspectorDb(options.Options))
            await elsewhere.ApiTokens.Where(t => t.Id == first.TokenId).ExecuteUpdateAsync(s => s.SetProperty(t => t.RevokedAt, DateTime.UtcNow));

        own.Clock.Offset = TimeSpan.FromMinutes(6); // the second token's use now writes its "last used" time
        Assert.Equal(HttpStatusCode.OK, (await second.Client.GetAsync("/api/v1/me")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await first.Client.GetAsync("/api/v1/me")).StatusCode); // still the cached answer
        // A write the cache must hear of (a team renamed through the app) drops it: the revocation counts.
        var admin = await own.UserAsync("Admin");
        await admin.Client.CreateAsync("/api/v1/teams", new { name = TestHttp.Unique("Team") });
        Assert.Equal(HttpStatusCode.Unauthorized, (await first.Client.GetAsync("/api/v1/me")).StatusCode);
    }

    /// <summary>/me answers from the same cache: a new team shows at the next request.</summary>
    [Fact]
    public async Task Me_shows_a_team_change_at_the_next_request()
    {
        var admin = await app.UserAsync("Admin");
        var rep = await app.UserAsync("Rep", "Nord");
        Assert.Equal(["Nord"], (await rep.Client.GetJsonAsync("/api/v1/me")).GetProperty("teams").EnumerateArray().Select(t => t.GetString()));
        var name = TestHttp.Unique("Team");
        var team = (await admin.Client.CreateAsync("/api/v1/teams", new { name })).GetProperty("id").GetInt64();

        Assert.Equal(HttpStatusCode.OK, (await PatchUserAsync(admin.Client, rep.Id, new { teamIds = new[] { team } })).StatusCode);
        Assert.Equal([name], (await rep.Client.GetJsonAsync("/api/v1/me")).GetProperty("teams").EnumerateArray().Select(t => t.GetString()));
    }

    /// <summary>
    /// Two instances on one database, as behind a load balancer. On PostgreSQL a token revoked and a user deactivated
    /// through instance A are refused by instance B as soon as A's notification arrives (NOTIFY/LISTEN; it travels in
    /// milliseconds, so B is asked until it refuses, for at most five seconds — the answers themselves are kept for an hour
    /// here, so only the notification can make B refuse). On SQLite there is no such signal: B keeps its answer until it
    /// expires (Auth:CacheSeconds), as documented; one SQLite file is not meant for several servers.
    /// </summary>
    [Fact]
    public async Task A_token_revoked_and_a_user_deactivated_through_one_instance_are_refused_by_the_other()
    {
        await using var a = new ProspectorFactory(app.Provider);
        await using var b = new ProspectorFactory(a);
        var admin = await a.UserAsync("Admin");
        var rep = await a.UserAsync("Rep", "Nord");
        var other = await a.UserAsync("Rep", "Süd");
        HttpClient OnB(TestUser u)
        {
            var client = b.CreateClient(new() { AllowAutoRedirect = false });
            client.DefaultRequestHeaders.Authorization = new("Bearer", u.Token);
            return client;
        }
        var (repOnB, otherOnB) = (OnB(rep), OnB(other));
        // The first use writes the token's "last used" time; the second is answered from B's cache.
        foreach (var client in new[] { repOnB, repOnB, otherOnB, otherOnB })
            Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/v1/me")).StatusCode);

        Assert.Equal(HttpStatusCode.NoContent, (await rep.Client.DeleteAsync($"/api/v1/tokens/{rep.TokenId}")).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await admin.Client.PostAsync($"/api/v1/users/{other.Id}/deactivate", null)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await rep.Client.GetAsync("/api/v1/me")).StatusCode);

        if (app.Provider == Provider.Sqlite)
        {
            Assert.Equal(HttpStatusCode.OK, (await repOnB.GetAsync("/api/v1/me")).StatusCode); // B's cached answer, until it expires
            return;
        }
        Assert.Equal(HttpStatusCode.Unauthorized, await RefusedSoonAsync(repOnB));
        Assert.Equal(HttpStatusCode.Unauthorized, await RefusedSoonAsync(otherOnB));
    }

    /// <summary>The status of GET /api/v1/me once it is no longer 200, or 200 if it still is after five seconds.</summary>
    private static async Task<HttpStatusCode> RefusedSoonAsync(HttpClient client)
    {
        var until = DateTime.UtcNow.AddSeconds(5);
        while (true)
        {
            var status = (await client.GetAsync("/api/v1/me")).StatusCode;
            if (status != HttpStatusCode.OK || DateTime.UtcNow > until) return status;
            await Task.Delay(20);
        }
    }

    private static async Task SetWorkspaceAsync(HttpClient admin, object change)
    {
        var ws = await admin.GetAsync("/api/v1/workspace");
        var res = await admin.SendAsync(TestHttp.Request(HttpMethod.Put, "/api/v1/workspace", JsonContent.Create(change), ws.ETag()));
        Assert.True(res.StatusCode == HttpStatusCode.OK, await res.Content.ReadAsStringAsync());
    }
}

public sealed class AuthCacheTestsSqlite(SqliteApp f) : AuthCacheTests(f.Factory), IClassFixture<SqliteApp>;
public sealed class AuthCacheTestsPostgres(PostgresApp f) : AuthCacheTests(f.Factory), IClassFixture<PostgresApp>;
