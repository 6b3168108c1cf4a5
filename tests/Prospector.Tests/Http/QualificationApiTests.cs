using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Prospector.Data;
using Prospector.Tests.Infrastructure;
using static Prospector.Tests.Http.QualificationSteps;

namespace Prospector.Tests.Http;

/// <summary>Gates, overrides, disqualification and conversation outcomes as an API client meets them.</summary>
public abstract class QualificationApiTests(ProspectorFactory app)
{
    private Task<string> NameOfAsync(TestUser u) =>
        app.WithDbAsync((db, _) => db.Users.Where(x => x.Id == u.Id).Select(x => x.DisplayName).SingleAsync());

    private Task<List<NextAction>> OpenActionsAsync(long contactId) =>
        app.WithDbAsync((db, _) => db.NextActions.Where(a => a.ContactId == contactId && a.Status == NextActionStatus.Open).ToListAsync());

    [Fact]
    public async Task An_unmet_gate_is_409_naming_the_missing_criteria_and_the_stage_stays()
    {
        var rep = (await app.UserAsync("Rep", "Nord")).Client;
        var id = await rep.NewLeadAsync();

        var res = await rep.MoveAsync(id, "Prospect");
        Assert.Equal(HttpStatusCode.Conflict, res.StatusCode);
        Assert.Equal("application/problem+json", res.Content.Headers.ContentType?.MediaType);
        var gate = (await res.ReadJsonAsync()).GetProperty("gates").EnumerateArray().Single();
        Assert.Equal("LeadToProspect", gate.Str("gate"));
        Assert.Equal(RequiredDefaults, gate.GetProperty("missing").EnumerateArray().Select(m => m.Str("label")));
        Assert.Equal(2, gate.GetProperty("optionalShort").GetInt32());
        Assert.Equal("Lead", (await rep.QualificationAsync(id)).Str("stage"));

        // With the required ones met, only "two more of the others" is left.
        var criteria = await rep.CriteriaAsync(id);
        Assert.Equal(HttpStatusCode.OK, (await rep.AnswerAsync(id, RequiredDefaults.Select(l => criteria[l]))).StatusCode);
        var again = (await (await rep.MoveAsync(id, "Prospect")).ReadJsonAsync()).GetProperty("gates")[0];
        Assert.Empty(again.GetProperty("missing").EnumerateArray());
        Assert.Equal(2, again.GetProperty("optionalShort").GetInt32());
    }

    [Fact]
    public async Task Skipping_a_stage_must_pass_both_gates()
    {
        var rep = (await app.UserAsync("Rep", "Nord")).Client;
        var id = (await rep.CreateAsync(Contacts, new { lastName = "Suspect", stage = "Suspect" })).GetProperty("id").GetInt64();
        var res = await rep.MoveAsync(id, "Prospect");
        Assert.Equal(HttpStatusCode.Conflict, res.StatusCode);
        Assert.Equal(["SuspectToLead", "LeadToProspect"], (await res.ReadJsonAsync()).GetProperty("gates").EnumerateArray().Select(g => g.Str("gate")));

        // One sign of interest is enough for the default Suspect → Lead gate.
        var signs = await rep.CriteriaAsync(id, "SuspectToLead");
        Assert.Equal(HttpStatusCode.OK, (await rep.AnswerAsync(id, [signs["Knows the brand"]])).StatusCode);
        var lead = await rep.MoveAsync(id, "Lead");
        Assert.Equal(HttpStatusCode.OK, lead.StatusCode);
        Assert.Equal(("Lead", "LeadToProspect"), ((await lead.ReadJsonAsync()).Str("stage"), (await rep.QualificationAsync(id)).Str("nextGate")));
    }

    [Fact]
    public async Task Answered_criteria_let_the_lead_through_and_the_lifecycle_says_who_did_what()
    {
        var rep = await app.UserAsync("Rep", "Nord");
        var id = await rep.Client.NewLeadAsync();
        var before = (await rep.Client.QualificationAsync(id)).Gate();
        Assert.Equal((false, 0), (before.GetProperty("met").GetBoolean(), before.GetProperty("score").GetInt32()));

        await rep.Client.QualifyAsync(id);
        var gate = (await rep.Client.QualificationAsync(id)).Gate();
        Assert.Equal(80, gate.GetProperty("score").GetInt32()); // 3 × 2 + 2 × 1 of 10 weight points
        var name = await NameOfAsync(rep);
        var met = gate.GetProperty("criteria").EnumerateArray().Where(c => c.Str("answer") == "Met").ToList();
        Assert.Equal(Qualifying.Order(), met.Select(c => c.Str("label")).Order());
        Assert.All(met, c => Assert.Equal(name, c.Str("answeredBy")));

        var moved = await rep.Client.MoveAsync(id, "Prospect");
        Assert.Equal(HttpStatusCode.OK, moved.StatusCode);
        var view = await moved.ReadJsonAsync();
        Assert.Equal(("Prospect", "Working"), (view.Str("stage"), view.Str("leadStatus")));
        Assert.Equal("Prospect", (await rep.Client.GetJsonAsync($"{Contacts}/{id}")).Str("stage"));

        var events = await rep.Client.LifecycleAsync(id); // newest first
        var stage = events.First(e => e.Str("kind") == "StageChanged");
        Assert.Equal(("Lead", "Prospect", name, false), (stage.Str("fromStage"), stage.Str("toStage"), stage.Str("by"), stage.GetProperty("override").GetBoolean()));
        var answered = events.Where(e => e.Str("kind") == "CriterionAnswered").ToList();
        Assert.Equal(Qualifying.Order(), answered.Select(e => e.Str("criterion")).Order());
        Assert.All(answered, e => Assert.Equal(("Met", name), (e.Str("answer"), e.Str("by"))));
    }

    [Fact]
    public async Task Only_managers_and_admins_may_override_a_gate_and_only_with_a_reason()
    {
        var rep = (await app.UserAsync("Rep", "Nord")).Client;
        var manager = await app.UserAsync("Manager", "Nord");
        var repsLead = await rep.NewLeadAsync();
        Assert.Equal(HttpStatusCode.Forbidden, (await rep.MoveAsync(repsLead, "Prospect", "trust me", @override: true)).StatusCode);
        Assert.Equal("Lead", (await rep.QualificationAsync(repsLead)).Str("stage"));

        var id = await manager.Client.NewLeadAsync();
        await TestHttp.AssertValidationProblemAsync(await manager.Client.MoveAsync(id, "Prospect", @override: true), "reason");
        await TestHttp.AssertValidationProblemAsync(await manager.Client.MoveAsync(id, "Prospect", "  ", @override: true), "reason");
        Assert.Equal("Lead", (await manager.Client.QualificationAsync(id)).Str("stage"));

        var ok = await manager.Client.MoveAsync(id, "Prospect", "Met the CEO at the fair", @override: true);
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        Assert.Equal("Prospect", (await ok.ReadJsonAsync()).Str("stage"));
        var stage = (await manager.Client.LifecycleAsync(id)).First(e => e.Str("kind") == "StageChanged");
        Assert.True(stage.GetProperty("override").GetBoolean());
        Assert.Equal(("Met the CEO at the fair", await NameOfAsync(manager)), (stage.Str("reason"), stage.Str("by")));

        var admin = (await app.UserAsync("Admin")).Client;
        var adminsLead = await admin.NewLeadAsync();
        Assert.Equal(HttpStatusCode.OK, (await admin.MoveAsync(adminsLead, "Prospect", "Known customer elsewhere", @override: true)).StatusCode);

        // Going back needs no gate but a reason (issue 17), and a rep cannot make a customer by hand.
        await TestHttp.AssertValidationProblemAsync(await rep.MoveAsync(repsLead, "Suspect"), "reason");
        var back = await rep.MoveAsync(repsLead, "Suspect", "Wrong contact person");
        Assert.Equal(HttpStatusCode.OK, back.StatusCode);
        Assert.Equal("Suspect", (await back.ReadJsonAsync()).Str("stage"));
        await TestHttp.AssertValidationProblemAsync(await rep.MoveAsync(repsLead, "Customer", "won", @override: true), "stage");
    }

    [Fact]
    public async Task Disqualifying_needs_a_reason_and_keeping_for_later_needs_the_consent()
    {
        var rep = (await app.UserAsync("Rep", "Nord")).Client;
        var id = await rep.NewLeadAsync();
        var url = $"{Contacts}/{id}/disqualify";
        await TestHttp.AssertValidationProblemAsync(await rep.PostAsJsonAsync(url, new { }), "reason");
        await TestHttp.AssertValidationProblemAsync(await rep.PostAsJsonAsync(url, new { reason = " " }), "reason");

        var noConsent = await rep.PostAsJsonAsync(url, new { reason = "No budget", keepForLater = new { } });
        foreach (var field in (string[])["keepForLater.channel", "keepForLater.givenAt", "keepForLater.method", "keepForLater.recontactOn"])
            await TestHttp.AssertValidationProblemAsync(noConsent, field);
        var past = new { channel = "Email", givenAt = DateTime.UtcNow.AddDays(-1), method = "web form", recontactOn = Today };
        await TestHttp.AssertValidationProblemAsync(await rep.PostAsJsonAsync(url, new { reason = "No budget", keepForLater = past }), "keepForLater.recontactOn");
        var future = new { channel = "Email", givenAt = DateTime.UtcNow.AddDays(1), method = "web form", recontactOn = Today.AddDays(30) };
        await TestHttp.AssertValidationProblemAsync(await rep.PostAsJsonAsync(url, new { reason = "No budget", keepForLater = future }), "keepForLater.givenAt");

        var q = await rep.QualificationAsync(id);
        Assert.Equal("New", q.Str("leadStatus"));
        Assert.Empty((await rep.GetJsonAsync($"{Contacts}/{id}")).GetProperty("consents").EnumerateArray());
    }

    [Fact]
    public async Task Keeping_for_later_records_the_consent_and_schedules_a_recontact_for_the_owner()
    {
        var rep = await app.UserAsync("Rep", "Nord");
        var id = await rep.Client.NewLeadAsync();
        var on = Today.AddDays(14);

        var res = await rep.Client.PostAsJsonAsync($"{Contacts}/{id}/disqualify", new { reason = "No budget this year", keepForLater = Keep(on) });
        Assert.Equal(HttpStatusCode.OK, res.StatusCode);
        var q = await res.ReadJsonAsync();
        Assert.Equal(("Unqualified", "No budget this year", on.ToString("yyyy-MM-dd")), (q.Str("leadStatus"), q.Str("unqualifiedReason"), q.Str("recontactOn")));

        var action = Assert.Single(await OpenActionsAsync(id));
        Assert.Equal((on, rep.Id, NextActionType.Call), (action.DueDate, action.AssigneeId, action.Type));
        Assert.Contains("No budget this year", action.Note);

        var consent = Assert.Single((await rep.Client.GetJsonAsync($"{Contacts}/{id}")).GetProperty("consents").EnumerateArray());
        Assert.Equal(("Phone", "Granted", "phone call"), (consent.Str("channel"), consent.Str("status"), consent.Str("method")));

        // Disqualifying again without consent drops the recontact: nothing stays in anyone's to-do list.
        Assert.Equal(HttpStatusCode.OK, (await rep.Client.PostAsJsonAsync($"{Contacts}/{id}/disqualify", new { reason = "Asked us to stop" })).StatusCode);
        Assert.Empty(await OpenActionsAsync(id));
        Assert.Null((await rep.Client.QualificationAsync(id)).Str("recontactOn"));
    }

    [Fact]
    public async Task Not_ready_puts_the_contact_on_standby_with_a_follow_up_on_that_day()
    {
        var rep = await app.UserAsync("Rep", "Nord");
        var id = await rep.Client.NewLeadAsync();
        var url = $"{Contacts}/{id}/outcome";
        await TestHttp.AssertValidationProblemAsync(await rep.Client.PostAsJsonAsync(url, new { outcome = "NotReady" }), "followUpOn");
        await TestHttp.AssertValidationProblemAsync(await rep.Client.PostAsJsonAsync(url, new { }), "outcome");

        var on = Today.AddDays(10);
        var res = await rep.Client.PostAsJsonAsync(url, new { outcome = "NotReady", followUpOn = on, reason = "Call after the budget round" });
        Assert.Equal(HttpStatusCode.OK, res.StatusCode);
        var body = await res.ReadJsonAsync();
        Assert.Equal(("Nurturing", on.ToString("yyyy-MM-dd")), (body.GetProperty("qualification").Str("leadStatus"), body.GetProperty("qualification").Str("recontactOn")));
        Assert.Equal(JsonValueKind.Null, body.GetProperty("opportunityId").ValueKind);
        var action = Assert.Single(await OpenActionsAsync(id));
        Assert.Equal((on, rep.Id, "Call after the budget round"), (action.DueDate, action.AssigneeId, action.Note));
    }

    [Fact]
    public async Task Yes_makes_a_qualified_lead_a_prospect_with_an_opportunity_in_the_first_step()
    {
        var rep = await app.UserAsync("Rep", "Nord");
        var id = await rep.Client.NewLeadAsync("Yes");
        var url = $"{Contacts}/{id}/outcome";
        var yes = new { outcome = "Yes", opportunityTitle = "500 licences", amount = 12_500m };

        Assert.Equal(HttpStatusCode.Conflict, (await rep.Client.PostAsJsonAsync(url, yes)).StatusCode);
        Assert.Equal(0, await app.WithDbAsync((db, _) => db.Opportunities.CountAsync(o => o.ContactId == id)));

        await rep.Client.QualifyAsync(id);
        var res = await rep.Client.PostAsJsonAsync(url, yes);
        Assert.Equal(HttpStatusCode.OK, res.StatusCode);
        var body = await res.ReadJsonAsync();
        Assert.Equal("Prospect", body.GetProperty("qualification").Str("stage"));
        var opportunityId = body.GetProperty("opportunityId").GetInt64();

        var (opportunity, pipeline) = await app.WithDbAsync(async (db, _) =>
        {
            var o = await db.Opportunities.SingleAsync(x => x.Id == opportunityId);
            return (o, await db.Pipelines.Include(p => p.Steps).SingleAsync(p => p.IsDefault));
        });
        Assert.Equal((id, "500 licences", 12_500m, rep.Id, OpportunityState.Open), (opportunity.ContactId, opportunity.Title, opportunity.Amount, opportunity.OwnerId, opportunity.State));
        Assert.Equal(pipeline.Id, opportunity.PipelineId);
        Assert.Equal(pipeline.Steps.OrderBy(s => s.SortOrder).First().Id, opportunity.StepId);

        // A second "yes" while that sale is open would make a duplicate: refused, naming the outcome.
        await TestHttp.AssertValidationProblemAsync(await rep.Client.PostAsJsonAsync(url, yes), "outcome");
        Assert.Equal(1, await app.WithDbAsync((db, _) => db.Opportunities.CountAsync(o => o.ContactId == id)));
    }

    [Fact]
    public async Task Promoting_a_disqualified_contact_puts_it_back_to_work()
    {
        var manager = await app.UserAsync("Manager", "Nord");
        var id = await manager.Client.NewLeadAsync("Comeback");
        var no = await manager.Client.PostAsJsonAsync($"{Contacts}/{id}/disqualify", new { reason = "No budget" });
        Assert.Equal(HttpStatusCode.OK, no.StatusCode);
        Assert.Equal("Unqualified", (await no.ReadJsonAsync()).Str("leadStatus"));

        var res = await manager.Client.MoveAsync(id, "Prospect", reason: "New budget after the merger", @override: true);
        Assert.Equal(HttpStatusCode.OK, res.StatusCode);
        var q = await res.ReadJsonAsync();
        Assert.Equal(("Prospect", "Working", null), (q.Str("stage"), q.Str("leadStatus"), q.Str("unqualifiedReason")));
    }

    [Fact]
    public async Task The_stage_changes_only_through_qualification_and_only_managers_enter_customers()
    {
        var rep = (await app.UserAsync("Rep", "Nord")).Client;
        var manager = (await app.UserAsync("Manager", "Nord")).Client;
        var created = await rep.PostAsJsonAsync(Contacts, new { lastName = "Lead" });
        var contact = await created.ReadJsonAsync();
        Assert.Equal("Lead", contact.Str("stage"));
        var id = contact.GetProperty("id").GetInt64();

        await TestHttp.AssertValidationProblemAsync(await rep.PatchAsync($"{Contacts}/{id}", new { stage = "Prospect" }, created.ETag()), "stage");
        await TestHttp.AssertValidationProblemAsync(await rep.PatchAsync($"{Contacts}/{id}", new { leadStatus = "Unqualified" }, created.ETag()), "leadStatus");
        Assert.Equal(HttpStatusCode.OK, (await rep.PatchAsync($"{Contacts}/{id}", new { leadStatus = "Working" }, created.ETag())).StatusCode);
        Assert.Equal("Lead", (await rep.GetJsonAsync($"{Contacts}/{id}")).Str("stage"));

        foreach (var stage in (string[])["Prospect", "Customer"])
            await TestHttp.AssertValidationProblemAsync(await rep.PostAsJsonAsync(Contacts, new { lastName = "Shortcut", stage }), "stage");
        Assert.Equal("Customer", (await manager.CreateAsync(Contacts, new { lastName = "Migrated", stage = "Customer" })).Str("stage"));
    }
}

public sealed class QualificationApiTestsSqlite(SqliteApp f) : QualificationApiTests(f.Factory), IClassFixture<SqliteApp>;
public sealed class QualificationApiTestsPostgres(PostgresApp f) : QualificationApiTests(f.Factory), IClassFixture<PostgresApp>;
