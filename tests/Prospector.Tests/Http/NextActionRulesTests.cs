using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Prospector.Data;
using Prospector.Tests.Infrastructure;
using static Prospector.Tests.Http.QualificationSteps;

namespace Prospector.Tests.Http;

/// <summary>
/// One owner of "every open item has exactly one current next action": however an action is made (the To do, the API, the
/// qualification lifecycle) it passes the same checks and reaches someone; a task's PATCH changes only what it names.
/// </summary>
public abstract class NextActionRulesTests(ProspectorFactory app)
{
    private const string Tasks = "/api/v1/tasks";

    private Task<List<NextAction>> OpenActionsAsync(long contactId) =>
        app.WithDbAsync((db, _) => db.NextActions.Where(a => a.ContactId == contactId && a.Status == NextActionStatus.Open).ToListAsync());

    [Fact]
    public async Task A_task_patch_changes_only_the_fields_it_names_and_null_clears_one()
    {
        var rep = (await app.UserAsync("Rep", "Nord")).Client;
        var lead = await rep.NewLeadAsync("Patched");
        var created = await rep.CreateAsync(Tasks, new { contactId = lead, type = "Meeting", dueDate = Today.AddDays(2), dueTime = "10:30", note = "Bring the offer" });
        var id = created.GetProperty("id").GetInt64();

        // Only the day moves: the time and the note stay as they were.
        var moved = await rep.PatchAsync($"{Tasks}/{id}", new { dueDate = Today.AddDays(4) }, (await rep.GetAsync($"{Tasks}/{id}")).ETag());
        Assert.Equal(HttpStatusCode.OK, moved.StatusCode);
        var task = await moved.ReadJsonAsync();
        Assert.Equal((Today.AddDays(4).ToString("yyyy-MM-dd"), "10:30:00", "Bring the offer", "Meeting"),
            (task.Str("dueDate"), task.Str("dueTime"), task.Str("note"), task.Str("type")));

        // null clears: the note goes, the time stays; then the time goes (an all-day action), the note stays gone.
        var noNote = await (await rep.PatchAsync($"{Tasks}/{id}", new Dictionary<string, object?> { ["note"] = null }, moved.ETag())).ReadJsonAsync();
        Assert.Equal((null, "10:30:00"), (noNote.Str("note"), noNote.Str("dueTime")));
        var etag = (await rep.GetAsync($"{Tasks}/{id}")).ETag();
        var allDay = await (await rep.PatchAsync($"{Tasks}/{id}", new Dictionary<string, object?> { ["dueTime"] = null }, etag)).ReadJsonAsync();
        Assert.Equal((null, null, Today.AddDays(4).ToString("yyyy-MM-dd")), (allDay.Str("dueTime"), allDay.Str("note"), allDay.Str("dueDate")));

        // A field it does not know, or a kind that cannot be cleared, is refused by name and changes nothing.
        etag = (await rep.GetAsync($"{Tasks}/{id}")).ETag();
        await TestHttp.AssertValidationProblemAsync(await rep.PatchAsync($"{Tasks}/{id}", new { colour = "red" }, etag), "colour");
        await TestHttp.AssertValidationProblemAsync(await rep.PatchAsync($"{Tasks}/{id}", new Dictionary<string, object?> { ["type"] = null }, etag), "type");
        Assert.Equal("Meeting", (await rep.GetJsonAsync($"{Tasks}/{id}")).Str("type"));
    }

    [Fact]
    public async Task A_follow_up_the_lifecycle_schedules_is_checked_like_any_next_action_and_nothing_is_kept_when_refused()
    {
        var rep = (await app.UserAsync("Rep", "Nord")).Client;
        var id = await rep.NewLeadAsync("TooLong");
        var url = $"{Contacts}/{id}/outcome";

        // The reason becomes the follow-up's note: over 1,000 characters it is refused (it used to be cut off silently).
        var res = await rep.PostAsJsonAsync(url, new { outcome = "NotReady", followUpOn = Today.AddDays(10), reason = new string('x', 1001) });
        await TestHttp.AssertValidationProblemAsync(res, "reason");
        var q = await rep.QualificationAsync(id);
        Assert.Equal(("New", null), (q.Str("leadStatus"), q.Str("recontactOn")));
        Assert.Empty(await OpenActionsAsync(id));

        var ok = await rep.PostAsJsonAsync(url, new { outcome = "NotReady", followUpOn = Today.AddDays(10), reason = new string('x', 1000) });
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        Assert.Equal(1000, Assert.Single(await OpenActionsAsync(id)).Note!.Length);
    }

    [Fact]
    public async Task A_recontact_the_lifecycle_schedules_for_a_contact_whose_owner_left_reaches_whoever_disqualified_it()
    {
        var admin = await app.UserAsync("Admin");
        var leaver = await app.UserAsync("Rep", "Nord");
        var manager = await app.UserAsync("Manager", "Nord");
        var id = await leaver.Client.NewLeadAsync("Orphan");
        Assert.Equal(HttpStatusCode.NoContent, (await admin.Client.PostAsync($"/api/v1/users/{leaver.Id}/deactivate", null)).StatusCode);

        var on = Today.AddDays(30);
        var res = await manager.Client.PostAsJsonAsync($"{Contacts}/{id}/disqualify", new { reason = "No budget this year", keepForLater = Keep(on) });
        Assert.Equal(HttpStatusCode.OK, res.StatusCode);

        // Not the deactivated owner (nobody would see it): the manager who acted, in their To do on that day.
        var action = Assert.Single(await OpenActionsAsync(id));
        Assert.Equal((manager.Id, on), (action.AssigneeId, action.DueDate));
        var standby = await manager.Client.GetJsonAsync($"{Tasks}?bucket=Standby");
        Assert.Contains(standby.GetProperty("items").EnumerateArray(), t => t.GetProperty("id").GetInt64() == action.Id && t.GetProperty("onStandby").GetBoolean());
    }

    [Fact]
    public async Task Completing_an_action_with_a_refused_close_keeps_the_action_open_and_logs_nothing()
    {
        var rep = (await app.UserAsync("Rep", "Nord")).Client;
        var lead = await rep.NewLeadAsync("Kept");
        var id = (await rep.CreateAsync(Tasks, new { contactId = lead, type = "Call", dueDate = Today.AddDays(1) })).GetProperty("id").GetInt64();

        // Disqualifying needs a reason: refused, so the outcome is not logged and the action stays the current one.
        var res = await rep.PostAsJsonAsync($"{Tasks}/{id}/complete", new { outcome = "Reached", close = new { @as = "Disqualified" } });
        await TestHttp.AssertValidationProblemAsync(res, "close.reason");
        Assert.Equal("Open", (await rep.GetJsonAsync($"{Tasks}/{id}")).Str("status"));
        Assert.Equal(0, await app.WithDbAsync((db, _) => db.Activities.CountAsync(a => a.ContactId == lead)));

        var done = await rep.PostAsJsonAsync($"{Tasks}/{id}/complete", new { outcome = "Reached", close = new { @as = "Disqualified", reason = "Not a fit" } });
        Assert.Equal(HttpStatusCode.OK, done.StatusCode);
        Assert.Equal(JsonValueKind.Null, (await done.ReadJsonAsync()).GetProperty("next").ValueKind);
        Assert.Empty(await OpenActionsAsync(lead));
        Assert.Equal("Unqualified", (await rep.QualificationAsync(lead)).Str("leadStatus"));
    }
}

public sealed class NextActionRulesTestsSqlite(SqliteApp f) : NextActionRulesTests(f.Factory), IClassFixture<SqliteApp>;
public sealed class NextActionRulesTestsPostgres(PostgresApp f) : NextActionRulesTests(f.Factory), IClassFixture<PostgresApp>;
