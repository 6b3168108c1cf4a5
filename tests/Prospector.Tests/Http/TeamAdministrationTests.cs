using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Prospector.Data;
using Prospector.Tests.Infrastructure;

namespace Prospector.Tests.Http;

/// <summary>
/// Team administration over HTTP: a user's role and teams, archived teams, and handing a leaving user's open book to a
/// colleague (what moves, what stays), with the audit trail of each change.
/// </summary>
public abstract class TeamAdministrationTests(ProspectorFactory app)
{
    private static async Task<JsonElementAssert> PatchUserAsync(HttpClient admin, long id, object body)
    {
        var res = await admin.PatchAsync($"/api/v1/users/{id}", body, null);
        return new JsonElementAssert(res, await res.Content.ReadAsStringAsync());
    }

    private sealed record JsonElementAssert(HttpResponseMessage Response, string Text);

    private async Task<long> TeamAsync(HttpClient admin, string? name = null) =>
        (await admin.CreateAsync("/api/v1/teams", new { name = name ?? TestHttp.Unique("Team") })).GetProperty("id").GetInt64();

    [Fact]
    public async Task A_team_change_counts_from_the_next_request()
    {
        var admin = await app.UserAsync("Admin");
        var (east, west) = (await TeamAsync(admin.Client), await TeamAsync(admin.Client));
        var seller = await app.UserAsync("Rep");
        Assert.Equal(HttpStatusCode.OK, (await PatchUserAsync(admin.Client, seller.Id, new { teamIds = new[] { east } })).Response.StatusCode);
        var contact = (await seller.Client.CreateAsync("/api/v1/contacts", new { lastName = TestHttp.Unique("East") })).GetProperty("id").GetInt64();
        var colleague = await app.UserAsync("Rep");
        Assert.Equal(HttpStatusCode.OK, (await PatchUserAsync(admin.Client, colleague.Id, new { teamIds = new[] { west } })).Response.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await colleague.Client.GetAsync($"/api/v1/contacts/{contact}")).StatusCode);

        // Moved from West to East: East's contact is theirs to see at the very next request, and back again.
        var moved = await PatchUserAsync(admin.Client, colleague.Id, new { teamIds = new[] { east } });
        Assert.True(moved.Response.StatusCode == HttpStatusCode.OK, moved.Text);
        Assert.Equal(HttpStatusCode.OK, (await colleague.Client.GetAsync($"/api/v1/contacts/{contact}")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await PatchUserAsync(admin.Client, colleague.Id, new { teamIds = new[] { west } })).Response.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await colleague.Client.GetAsync($"/api/v1/contacts/{contact}")).StatusCode);

        var audit = await app.WithDbAsync((db, _) => db.AuditEntries.Where(a => a.EntityType == "User" && a.EntityId == colleague.Id).OrderBy(a => a.Id).ToListAsync());
        Assert.Equal(3, audit.Count(a => a.Changes.Contains("\"Teams\"", StringComparison.Ordinal)));
        Assert.All(audit, a => Assert.Equal(admin.Id, a.UserId));
    }

    [Fact]
    public async Task A_role_change_counts_from_the_next_request_for_an_API_token()
    {
        var admin = await app.UserAsync("Admin");
        var rep = await app.UserAsync("Rep", "Nord");
        Assert.Equal(HttpStatusCode.Forbidden, (await rep.Client.GetAsync("/api/v1/users")).StatusCode);
        var promoted = await PatchUserAsync(admin.Client, rep.Id, new { role = "admin" });
        Assert.True(promoted.Response.StatusCode == HttpStatusCode.OK, promoted.Text);
        Assert.Contains("\"role\":\"Admin\"", promoted.Text, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, (await rep.Client.GetAsync("/api/v1/users")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await PatchUserAsync(admin.Client, rep.Id, new { role = "Rep" })).Response.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await rep.Client.GetAsync("/api/v1/users")).StatusCode);

        var audit = await app.WithDbAsync((db, _) => db.AuditEntries.Where(a => a.EntityType == "User" && a.EntityId == rep.Id).OrderBy(a => a.Id).Select(a => a.Changes).ToListAsync());
        Assert.Contains(audit, c => c.Contains("\"from\":\"Rep\",\"to\":\"Admin\"", StringComparison.Ordinal));
        Assert.Contains(audit, c => c.Contains("\"from\":\"Admin\",\"to\":\"Rep\"", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Bad_changes_are_named_and_change_nothing()
    {
        var admin = await app.UserAsync("Admin");
        var rep = await app.UserAsync("Rep", "Nord");
        await TestHttp.AssertValidationProblemAsync(await admin.Client.PatchAsync($"/api/v1/users/{rep.Id}", new { role = "Boss" }, null), "role");
        await TestHttp.AssertValidationProblemAsync(await admin.Client.PatchAsync($"/api/v1/users/{rep.Id}", new { teamIds = new[] { 987654321L } }, null), "teamIds");
        Assert.Equal(HttpStatusCode.NotFound, (await admin.Client.PatchAsync("/api/v1/users/987654321", new { role = "Rep" }, null)).StatusCode);
        var me = await rep.Client.GetJsonAsync("/api/v1/me");
        Assert.Equal("Rep", me.GetProperty("role").GetString());
        Assert.Equal(["Nord"], me.GetProperty("teams").EnumerateArray().Select(t => t.GetString()));

        await TestHttp.AssertValidationProblemAsync(await admin.Client.PostAsJsonAsync("/api/v1/teams", new { name = "nord" }), "name");
        await TestHttp.AssertValidationProblemAsync(await admin.Client.PostAsJsonAsync("/api/v1/teams", new { name = " " }), "name");
    }

    [Fact]
    public async Task An_archived_team_takes_no_new_members_or_records_and_its_records_stay_visible()
    {
        var admin = await app.UserAsync("Admin");
        var name = TestHttp.Unique("Old");
        var team = await TeamAsync(admin.Client, name);
        var member = await app.UserAsync("Rep");
        Assert.Equal(HttpStatusCode.OK, (await PatchUserAsync(admin.Client, member.Id, new { teamIds = new[] { team } })).Response.StatusCode);
        var before = (await member.Client.CreateAsync("/api/v1/contacts", new { lastName = TestHttp.Unique("Kept") }));
        Assert.Equal(team, before.GetProperty("teamId").GetInt64());

        var archived = await admin.Client.PostAsync($"/api/v1/teams/{team}/archive", null);
        Assert.Equal(HttpStatusCode.OK, archived.StatusCode);
        Assert.True((await archived.ReadJsonAsync()).GetProperty("archived").GetBoolean());

        var newcomer = await app.UserAsync("Rep");
        await TestHttp.AssertValidationProblemAsync(await admin.Client.PatchAsync($"/api/v1/users/{newcomer.Id}", new { teamIds = new[] { team } }, null), "teamIds");
        await TestHttp.AssertValidationProblemAsync(await admin.Client.PostAsJsonAsync("/api/v1/users",
            new { email = $"{TestHttp.Unique("n")}@test.example", password = "correct horse battery", role = "Rep", team = name }), "team");
        await TestHttp.AssertValidationProblemAsync(await admin.Client.PostAsJsonAsync("/api/v1/contacts", new { lastName = "Neu", teamId = team }), "teamId");

        // The member stays, sees what they saw, and their new records no longer land in the archived team.
        Assert.Equal(HttpStatusCode.OK, (await member.Client.GetAsync($"/api/v1/contacts/{before.GetProperty("id").GetInt64()}")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await PatchUserAsync(admin.Client, member.Id, new { teamIds = new[] { team } })).Response.StatusCode);
        var after = await member.Client.CreateAsync("/api/v1/contacts", new { lastName = TestHttp.Unique("After") });
        Assert.Equal(System.Text.Json.JsonValueKind.Null, after.GetProperty("teamId").ValueKind);

        Assert.Equal(HttpStatusCode.OK, (await admin.Client.PostAsync($"/api/v1/teams/{team}/unarchive", null)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await PatchUserAsync(admin.Client, newcomer.Id, new { teamIds = new[] { team } })).Response.StatusCode);
        var audit = await app.WithDbAsync((db, _) => db.AuditEntries.CountAsync(a => a.EntityType == "Team" && a.EntityId == team));
        Assert.Equal(3, audit); // created, archived, brought back
    }

    [Fact]
    public async Task Reassign_hands_over_the_leavers_prospecting_lists_and_their_open_rows_but_not_others_lists_or_worked_rows()
    {
        var admin = await app.UserAsync("Admin");
        var team = TestHttp.Unique("Lists");
        var leaver = await app.UserAsync("Rep", team);
        var receiver = await app.UserAsync("Rep", team);
        var other = await app.UserAsync("Rep", team);
        var own = (await ListSteps.ImportAsync(leaver.Client, TestHttp.Unique("Own"))).GetProperty("listId").GetInt64();
        var others = (await ListSteps.ImportAsync(other.Client, TestHttp.Unique("Others"))).GetProperty("listId").GetInt64();
        // Two rows of the other rep's list are the leaver's to work; one of them is already cancelled (worked).
        var rows = (await other.Client.GetJsonAsync($"/api/v1/lists/{others}/rows")).Ids().ToList();
        var assigned = await admin.Client.PostAsJsonAsync($"/api/v1/lists/{others}/rows/bulk", new { action = "assign", rowIds = rows.Take(2), assigneeId = leaver.Id });
        Assert.Equal(HttpStatusCode.OK, assigned.StatusCode);
        var cancelled = await admin.Client.PostAsJsonAsync($"/api/v1/lists/{others}/rows/bulk", new { action = "cancel", rowIds = rows.Skip(1).Take(1), reason = "WrongTargetMarket" });
        Assert.Equal(HttpStatusCode.OK, cancelled.StatusCode);

        var res = await admin.Client.PostAsJsonAsync($"/api/v1/users/{leaver.Id}/reassign", new { toUserId = receiver.Id });
        var moved = await res.ReadJsonAsync();
        Assert.True(res.StatusCode == HttpStatusCode.OK, moved.ToString());
        Assert.Equal((1, 1), (moved.GetProperty("lists").GetInt32(), moved.GetProperty("listRows").GetInt32()));

        var owners = await app.WithDbAsync((db, _) => db.ProspectingLists.Where(l => l.Id == own || l.Id == others).ToDictionaryAsync(l => l.Id, l => l.OwnerId));
        Assert.Equal(receiver.Id, owners[own]);
        Assert.Equal(other.Id, owners[others]);
        var assignees = (await other.Client.GetJsonAsync($"/api/v1/lists/{others}/rows")).GetProperty("items").EnumerateArray()
            .ToDictionary(r => r.GetProperty("id").GetInt64(), r => r.TryGetProperty("assignedToId", out var a) && a.ValueKind == JsonValueKind.Number ? a.GetInt64() : (long?)null);
        Assert.Equal(receiver.Id, assignees[rows[0]]); // open: handed over
        Assert.Equal(leaver.Id, assignees[rows[1]]);   // cancelled: stays the record of who worked it
    }

    [Fact]
    public async Task Reassign_moves_the_open_book_with_its_next_actions_and_nothing_else()
    {
        var admin = await app.UserAsync("Admin");
        var team = TestHttp.Unique("Book");
        var leaver = await app.UserAsync("Rep", team);
        var receiver = await app.UserAsync("Rep", team);
        var other = await app.UserAsync("Rep", team);

        var contact = (await leaver.Client.CreateAsync("/api/v1/contacts", new { lastName = TestHttp.Unique("Lead"), stage = "Lead" })).GetProperty("id").GetInt64();
        var company = (await leaver.Client.CreateAsync("/api/v1/companies", new { name = TestHttp.Unique("Firma") })).GetProperty("id").GetInt64();
        var open = await leaver.Client.CreateAsync("/api/v1/opportunities", new { contactId = contact, amount = 1000, nextAction = new { type = "Call", dueDate = "2030-01-01" } });
        var closed = await leaver.Client.CreateAsync("/api/v1/opportunities", new { contactId = contact, amount = 500, nextAction = new { type = "Call", dueDate = "2030-01-02" } });
        var closedId = closed.GetProperty("id").GetInt64();
        var closedAction = closed.GetProperty("nextAction").GetProperty("id").GetInt64();
        await app.WithDbAsync(async (db, _) =>
        {
            await db.NextActions.Where(a => a.Id == closedAction).ExecuteUpdateAsync(s => s.SetProperty(a => a.Status, NextActionStatus.Done));
            return await db.Opportunities.Where(o => o.Id == closedId)
                .ExecuteUpdateAsync(s => s.SetProperty(o => o.State, OpportunityState.Won).SetProperty(o => o.ClosedAt, DateTime.UtcNow));
        });
        var othersContact = (await other.Client.CreateAsync("/api/v1/contacts", new { lastName = TestHttp.Unique("Other") })).GetProperty("id").GetInt64();
        var othersDeal = await other.Client.CreateAsync("/api/v1/opportunities", new { contactId = othersContact, amount = 700, nextAction = new { type = "Email", dueDate = "2030-01-03" } });

        var res = await admin.Client.PostAsJsonAsync($"/api/v1/users/{leaver.Id}/reassign", new { toUserId = receiver.Id });
        var moved = await res.ReadJsonAsync();
        Assert.True(res.StatusCode == HttpStatusCode.OK, moved.ToString());
        Assert.Equal(1, moved.GetProperty("contacts").GetInt32());
        Assert.Equal(1, moved.GetProperty("companies").GetInt32());
        Assert.Equal(1, moved.GetProperty("deals").GetInt32());
        Assert.Equal(1, moved.GetProperty("nextActions").GetInt32()); // the open deal's; the won deal's is done

        var c = await admin.Client.GetJsonAsync($"/api/v1/contacts/{contact}");
        Assert.Equal(receiver.Id, c.GetProperty("ownerId").GetInt64());
        Assert.Equal(receiver.Id, (await admin.Client.GetJsonAsync($"/api/v1/companies/{company}")).GetProperty("ownerId").GetInt64());
        Assert.Equal(receiver.Id, (await admin.Client.GetJsonAsync($"/api/v1/opportunities/{open.GetProperty("id").GetInt64()}")).GetProperty("ownerId").GetInt64());
        Assert.Equal(receiver.Id, (await admin.Client.GetJsonAsync($"/api/v1/tasks/{open.GetProperty("nextAction").GetProperty("id").GetInt64()}")).GetProperty("assigneeId").GetInt64());
        // Closed deals keep who won them; records of others stay theirs.
        Assert.Equal(leaver.Id, (await admin.Client.GetJsonAsync($"/api/v1/opportunities/{closedId}")).GetProperty("ownerId").GetInt64());
        Assert.Equal(other.Id, (await admin.Client.GetJsonAsync($"/api/v1/contacts/{othersContact}")).GetProperty("ownerId").GetInt64());
        Assert.Equal(leaver.Id, (await admin.Client.GetJsonAsync($"/api/v1/tasks/{closedAction}")).GetProperty("assigneeId").GetInt64());
        Assert.Equal(other.Id, (await admin.Client.GetJsonAsync($"/api/v1/tasks/{othersDeal.GetProperty("nextAction").GetProperty("id").GetInt64()}")).GetProperty("assigneeId").GetInt64());

        // The hand-over is in the trail, as each record's owner change and as one entry on the leaving user.
        var history = await admin.Client.GetJsonAsync($"/api/v1/contacts/{contact}/history");
        Assert.Contains("OwnerId", history.ToString(), StringComparison.Ordinal);
        var trail = await app.WithDbAsync((db, _) => db.AuditEntries.Where(a => a.EntityType == "User" && a.EntityId == leaver.Id).Select(a => a.Changes).ToListAsync());
        Assert.Contains(trail, t => t.Contains("\"Book\"", StringComparison.Ordinal) && t.Contains(receiver.Email, StringComparison.Ordinal));

        // Nothing left to move: a second hand-over moves nothing.
        var again = await (await admin.Client.PostAsJsonAsync($"/api/v1/users/{leaver.Id}/reassign", new { toUserId = receiver.Id })).ReadJsonAsync();
        Assert.Equal(0, again.GetProperty("contacts").GetInt32() + again.GetProperty("deals").GetInt32() + again.GetProperty("nextActions").GetInt32());
    }

    [Fact]
    public async Task A_manager_hands_over_within_their_teams_only_and_a_rep_not_at_all()
    {
        var team = TestHttp.Unique("Mgr");
        var manager = await app.UserAsync("Manager", team);
        var leaver = await app.UserAsync("Rep", team);
        var receiver = await app.UserAsync("Rep", team);
        var outsider = await app.UserAsync("Rep", TestHttp.Unique("Far"));
        var contact = (await leaver.Client.CreateAsync("/api/v1/contacts", new { lastName = TestHttp.Unique("Mine") })).GetProperty("id").GetInt64();

        // Not to someone outside the manager's teams (the hand-over rule), and not the book of someone outside them.
        await TestHttp.AssertValidationProblemAsync(
            await manager.Client.PostAsJsonAsync($"/api/v1/users/{leaver.Id}/reassign", new { toUserId = outsider.Id }), "toUserId");
        Assert.Equal(HttpStatusCode.NotFound, (await manager.Client.PostAsJsonAsync($"/api/v1/users/{outsider.Id}/reassign", new { toUserId = receiver.Id })).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await receiver.Client.PostAsJsonAsync($"/api/v1/users/{leaver.Id}/reassign", new { toUserId = receiver.Id })).StatusCode);
        Assert.Equal(leaver.Id, (await leaver.Client.GetJsonAsync($"/api/v1/contacts/{contact}")).GetProperty("ownerId").GetInt64());

        var ok = await manager.Client.PostAsJsonAsync($"/api/v1/users/{leaver.Id}/reassign", new { toUserId = receiver.Id });
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        Assert.Equal(receiver.Id, (await receiver.Client.GetJsonAsync($"/api/v1/contacts/{contact}")).GetProperty("ownerId").GetInt64());
    }

    [Fact]
    public async Task An_admins_reset_link_sets_a_new_password_once_and_ends_the_users_sessions()
    {
        var admin = await app.UserAsync("Admin");
        var rep = await app.UserAsync("Rep", "Nord");
        var res = await admin.Client.PostAsync($"/api/v1/users/{rep.Id}/reset-password", null);
        var link = await res.ReadJsonAsync();
        Assert.True(res.StatusCode == HttpStatusCode.OK, link.ToString());
        var path = link.GetProperty("path").GetString()!;
        Assert.StartsWith("/account/reset/", path, StringComparison.Ordinal);

        var anonymous = app.CreateClient(new() { AllowAutoRedirect = false });
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync(path)).StatusCode);
        var secret = path["/account/reset/".Length..];
        var done = await app.WithDbAsync((_, sp) => sp.GetRequiredService<Prospector.Features.Auth.PasswordReset>().CompleteAsync(secret, "a brand new password"));
        Assert.True(done.IsOk);
        Assert.Equal(HttpStatusCode.NotFound, (await anonymous.GetAsync(path)).StatusCode); // used up
        var again = await app.WithDbAsync((_, sp) => sp.GetRequiredService<Prospector.Features.Auth.PasswordReset>().CompleteAsync(secret, "another new password"));
        Assert.False(again.IsOk);
        var (works, old) = await app.WithDbAsync(async (db, sp) =>
        {
            var users = sp.GetRequiredService<Microsoft.AspNetCore.Identity.UserManager<User>>();
            var u = await users.FindByIdAsync(rep.Id.ToString(System.Globalization.CultureInfo.InvariantCulture));
            return (await users.CheckPasswordAsync(u!, "a brand new password"), await users.CheckPasswordAsync(u!, "correct horse battery"));
        });
        Assert.True(works);
        Assert.False(old);
        Assert.Equal(HttpStatusCode.NotFound, (await admin.Client.PostAsync("/api/v1/users/987654321/reset-password", null)).StatusCode);
    }
}

public sealed class TeamAdministrationTestsSqlite(SqliteApp f) : TeamAdministrationTests(f.Factory), IClassFixture<SqliteApp>;
public sealed class TeamAdministrationTestsPostgres(PostgresApp f) : TeamAdministrationTests(f.Factory), IClassFixture<PostgresApp>;
