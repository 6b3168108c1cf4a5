using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Prospector.Features.Reminders;
using Prospector.Tests.Infrastructure;

namespace Prospector.Tests.Http;

/// <summary>
/// Access between two teams (Nord, Süd) where records and work change hands (docs/decisions/0009-access-between-teams.md):
/// work is handed only to yourself or your teams; the shared pool is entered on purpose, by a manager or admin; a deal or
/// next action another team may see does not tell them the name of a contact (or company) they may not see.
/// </summary>
public abstract class AccessBetweenTeamsTests(ProspectorFactory app)
{
    private const string Due = "2030-01-01";

    [Fact]
    public async Task A_rep_or_manager_cannot_hand_a_next_action_to_another_team_and_that_user_gets_nothing()
    {
        var rep = await app.UserAsync("Rep", "Nord");
        var manager = await app.UserAsync("Manager", "Nord");
        var sued = await app.UserAsync("Rep", "Süd");
        var secret = TestHttp.Unique("Geheim");
        var contact = (await rep.Client.CreateAsync("/api/v1/contacts", new { lastName = secret, stage = "Lead" })).GetProperty("id").GetInt64();

        foreach (var caller in new[] { rep, manager })
        {
            await TestHttp.AssertValidationProblemAsync(await caller.Client.PostAsJsonAsync("/api/v1/tasks",
                new { contactId = contact, type = "Call", dueDate = Due, assigneeId = sued.Id }), "task.assigneeId");
            await TestHttp.AssertValidationProblemAsync(await caller.Client.PostAsJsonAsync("/api/v1/opportunities",
                new { contactId = contact, amount = 1, nextAction = new { type = "Call", dueDate = Due, assigneeId = sued.Id } }), "nextAction.assigneeId");
        }
        var task = await rep.Client.CreateAsync("/api/v1/tasks", new { contactId = contact, type = "Call", dueDate = Due });
        var url = $"/api/v1/tasks/{task.GetProperty("id").GetInt64()}";
        foreach (var caller in new[] { rep, manager })
            await TestHttp.AssertValidationProblemAsync(await caller.Client.PatchAsync(url, new { assigneeId = sued.Id }, $"\"{task.GetProperty("version").GetInt32()}\""),
                "action.assigneeId");

        // Nothing reached the other team: no action in their To do, nothing under their name.
        Assert.Equal(rep.Id, (await rep.Client.GetJsonAsync(url)).GetProperty("assigneeId").GetInt64());
        var theirs = await app.WithDbAsync((db, _) => Task.FromResult(db.NextActions.Count(a => a.AssigneeId == sued.Id)));
        Assert.Equal(0, theirs);

        // A teammate may be given the work; an admin may give it to anyone.
        var mate = await app.UserAsync("Rep", "Nord");
        var given = await rep.Client.PatchAsync(url, new { assigneeId = mate.Id }, $"\"{task.GetProperty("version").GetInt32()}\"");
        Assert.Equal(HttpStatusCode.OK, given.StatusCode);
        var admin = await app.UserAsync("Admin");
        var now = await given.ReadJsonAsync();
        Assert.Equal(HttpStatusCode.OK, (await admin.Client.PatchAsync(url, new { assigneeId = sued.Id }, $"\"{now.GetProperty("version").GetInt32()}\"")).StatusCode);
    }

    [Fact]
    public async Task A_manager_cannot_import_a_list_for_or_assign_its_rows_to_another_team()
    {
        var manager = await app.UserAsync("Manager", "Nord");
        var sued = await app.UserAsync("Rep", "Süd");
        var name = TestHttp.Unique("Fremdliste");
        var refused = await manager.Client.PostAsync("/api/v1/imports",
            ListSteps.Form(ListSteps.Windows1252(ListSteps.GermanCsv), "messe.csv", ("list", name), ("country", "DE"), ("ownerId", sued.Id.ToString(System.Globalization.CultureInfo.InvariantCulture))));
        await TestHttp.AssertValidationProblemAsync(refused, "ownerId");
        Assert.DoesNotContain(name, await (await app.UserAsync("Admin")).Client.GetStringAsync("/api/v1/lists"), StringComparison.Ordinal);

        var import = await ListSteps.ImportAsync(manager.Client, TestHttp.Unique("Messe"));
        var listId = import.GetProperty("listId").GetInt64();
        var rows = (await manager.Client.GetJsonAsync($"/api/v1/lists/{listId}/rows")).Ids().Take(2).ToList();
        await TestHttp.AssertValidationProblemAsync(await manager.Client.PostAsJsonAsync($"/api/v1/lists/{listId}/rows/bulk",
            new { action = "assign", rowIds = rows, assigneeId = sued.Id }), "assigneeId");
        var stored = await app.WithDbAsync((db, _) => Task.FromResult(db.ListRows.Count(r => r.ListId == listId && r.AssignedToId != null)));
        Assert.Equal(0, stored);
    }

    [Theory]
    [InlineData("contacts")]
    [InlineData("companies")]
    public async Task A_rep_cannot_move_a_team_record_into_the_shared_pool_but_a_manager_can_and_it_is_in_the_history(string kind)
    {
        var rep = await app.UserAsync("Rep", "Nord");
        var sued = (await app.UserAsync("Rep", "Süd")).Client;
        var secret = TestHttp.Unique("Pool");
        var created = await rep.Client.CreateAsync($"/api/v1/{kind}", kind == "contacts" ? new { lastName = secret } : (object)new { name = secret });
        var url = $"/api/v1/{kind}/{created.GetProperty("id").GetInt64()}";

        var refused = await rep.Client.PatchRawAsync(url, """{"ownerId":null,"teamId":null}""", "\"1\"");
        await TestHttp.AssertValidationProblemAsync(refused, "ownerId");
        Assert.Contains("shared pool", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, (await sued.GetAsync(url)).StatusCode);
        var unchanged = await rep.Client.GetJsonAsync(url);
        Assert.Equal(rep.Id, unchanged.GetProperty("ownerId").GetInt64());
        Assert.Equal(1, unchanged.GetProperty("version").GetInt32());

        // Emptying only one of the two keeps the record in its team: allowed.
        Assert.Equal(HttpStatusCode.OK, (await rep.Client.PatchRawAsync(url, """{"ownerId":null}""", "\"1\"")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await sued.GetAsync(url)).StatusCode);

        // A manager of the team does it on purpose; every team sees the record then, and the history says who did it.
        var manager = await app.UserAsync("Manager", "Nord");
        var version = (await manager.Client.GetJsonAsync(url)).GetProperty("version").GetInt32();
        Assert.Equal(HttpStatusCode.OK, (await manager.Client.PatchRawAsync(url, """{"teamId":null}""", $"\"{version}\"")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await sued.GetAsync(url)).StatusCode);
        var history = await manager.Client.GetStringAsync($"{url}/history");
        Assert.Contains("teamId", history, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("manager", history, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task A_deal_and_its_next_action_do_not_name_a_contact_or_company_the_viewer_may_not_see()
    {
        var nord = await app.UserAsync("Rep", "Nord");
        var sued = await app.UserAsync("Rep", "Süd");
        var admin = await app.UserAsync("Admin");
        var secret = TestHttp.Unique("Vertraulich");
        var company = (await nord.Client.CreateAsync("/api/v1/companies", new { name = secret + " AG" })).GetProperty("id").GetInt64();
        var contact = (await nord.Client.CreateAsync("/api/v1/contacts", new { lastName = secret, stage = "Lead", companyId = company }))
            .GetProperty("id").GetInt64();
        // An admin may link across teams: a Süd deal (and its action) on a Nord contact.
        var title = TestHttp.Unique("Rahmenvertrag");
        var deal = await admin.Client.CreateAsync("/api/v1/opportunities", new
        {
            contactId = contact, title, amount = 5000, ownerId = sued.Id,
            nextAction = new { type = "Call", dueDate = Due, assigneeId = sued.Id },
        });
        var dealId = deal.GetProperty("id").GetInt64();
        var pipeline = deal.GetProperty("pipelineId").GetInt64();
        var actionId = deal.GetProperty("nextAction").GetProperty("id").GetInt64();

        // The Süd rep sees their deal and their action, without the Nord contact's or company's name or id.
        foreach (var url in new[]
        {
            "/api/v1/opportunities?pageSize=200", $"/api/v1/opportunities/{dealId}", $"/api/v1/pipelines/{pipeline}/board",
            "/api/v1/tasks?bucket=Upcoming", "/api/v1/tasks?all=true&bucket=Upcoming", $"/api/v1/tasks/{actionId}", $"/api/v1/search?q={title}",
        })
        {
            var res = await sued.Client.GetAsync(url);
            var body = await res.Content.ReadAsStringAsync();
            Assert.True(res.StatusCode == HttpStatusCode.OK, $"{url}: {(int)res.StatusCode} {body}");
            Assert.Contains(url.Contains("search", StringComparison.Ordinal) ? title : dealId.ToString(System.Globalization.CultureInfo.InvariantCulture), body, StringComparison.Ordinal);
            Assert.DoesNotContain(secret, body, StringComparison.Ordinal);
        }
        var seen = await sued.Client.GetJsonAsync($"/api/v1/opportunities/{dealId}");
        Assert.Equal(System.Text.Json.JsonValueKind.Null, seen.GetProperty("contactId").ValueKind);
        Assert.Equal(System.Text.Json.JsonValueKind.Null, seen.GetProperty("companyId").ValueKind);
        Assert.Equal(System.Text.Json.JsonValueKind.Null, (await sued.Client.GetJsonAsync($"/api/v1/tasks/{actionId}")).GetProperty("contactName").ValueKind);

        // Who may see the contact still reads its name on the deal.
        var forAdmin = await admin.Client.GetJsonAsync($"/api/v1/opportunities/{dealId}");
        Assert.Equal(contact, forAdmin.GetProperty("contactId").GetInt64());
        Assert.Contains(secret, forAdmin.GetProperty("contactName").GetString(), StringComparison.Ordinal);
        Assert.Contains(secret, (await admin.Client.GetJsonAsync($"/api/v1/tasks/{actionId}")).GetProperty("contactName").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_reminder_does_not_name_a_contact_its_assignee_may_not_see()
    {
        var nord = await app.UserAsync("Rep", "Nord");
        var sued = await app.UserAsync("Rep", "Süd");
        var admin = await app.UserAsync("Admin");
        var secret = TestHttp.Unique("Diskret");
        var contact = (await nord.Client.CreateAsync("/api/v1/contacts", new { lastName = secret, stage = "Lead" })).GetProperty("id").GetInt64();
        // An admin hands the Süd rep a call about a Nord contact, at 09:00 Berlin time (08:00 UTC).
        var day = new DateOnly(2031, 2, 3);
        var action = await admin.Client.CreateAsync("/api/v1/tasks", new { contactId = contact, type = "Call", dueDate = day, dueTime = "09:00", assigneeId = sued.Id });
        Assert.Equal(sued.Id, action.GetProperty("assigneeId").GetInt64());

        app.Clock.Offset = new DateTime(2031, 2, 3, 7, 50, 0, DateTimeKind.Utc) - DateTime.UtcNow;
        try
        {
            await app.Services.GetRequiredService<ReminderDispatcher>().RunOnceAsync(CancellationToken.None);
        }
        finally
        {
            app.Clock.Offset = TimeSpan.Zero;
        }
        var reminder = Assert.Single(await app.WithDbAsync((db, _) =>
            db.Reminders.Where(r => r.UserId == sued.Id && r.SourceId == action.GetProperty("id").GetInt64()).ToListAsync()));
        Assert.DoesNotContain(secret, reminder.Title, StringComparison.Ordinal);
        Assert.Contains("a record you cannot see", reminder.Title, StringComparison.Ordinal);
        Assert.DoesNotContain(secret, await sued.Client.GetStringAsync("/api/v1/reminders"), StringComparison.Ordinal);
    }
}

public sealed class AccessBetweenTeamsTestsSqlite(SqliteApp f) : AccessBetweenTeamsTests(f.Factory), IClassFixture<SqliteApp>;
public sealed class AccessBetweenTeamsTestsPostgres(PostgresApp f) : AccessBetweenTeamsTests(f.Factory), IClassFixture<PostgresApp>;
