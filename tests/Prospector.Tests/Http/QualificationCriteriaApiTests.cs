using System.Net;
using System.Text.Json.Nodes;
using Prospector.Tests.Infrastructure;

namespace Prospector.Tests.Http;

/// <summary>
/// The admin's criteria and rules. They are workspace-wide, so these tests have their own database (class fixture)
/// and each one starts from whatever the configuration is and states what it changes.
/// </summary>
public abstract class QualificationCriteriaApiTests(ProspectorFactory app)
{
    private const string Url = "/api/v1/qualification/criteria";

    private static async Task<JsonObject> ConfigAsync(HttpClient client) =>
        JsonNode.Parse((await client.GetJsonAsync(Url)).GetRawText())!.AsObject();

    private static JsonObject GateOf(JsonObject config, string gate) =>
        config["gates"]!.AsArray().Select(g => g!.AsObject()).Single(g => (string?)g["gate"] == gate);

    /// <summary>A body with only the Lead → Prospect gate, as the admin changed it.</summary>
    private static JsonObject Only(JsonObject gate) => new() { ["gates"] = new JsonArray(gate.DeepClone()) };

    private static Task<HttpResponseMessage> PutAsync(HttpClient client, JsonNode body) =>
        client.PutAsync(Url, TestHttp.Json(body.ToJsonString()));

    [Fact]
    public async Task An_admin_can_relax_a_gate_so_a_lead_passes_without_answers()
    {
        var admin = (await app.UserAsync("Admin")).Client;
        var rep = (await app.UserAsync("Rep", "Nord")).Client;
        var strict = await rep.NewLeadAsync();
        Assert.Equal(HttpStatusCode.Conflict, (await rep.MoveAsync(strict, "Prospect")).StatusCode);

        var gate = GateOf(await ConfigAsync(admin), "LeadToProspect");
        gate["rule"] = "AtLeast";
        gate["minCount"] = 0;
        foreach (var c in gate["criteria"]!.AsArray()) c!["required"] = false;
        var res = await PutAsync(admin, Only(gate));
        Assert.Equal(HttpStatusCode.OK, res.StatusCode);

        // Everyone reads the new rule; a lead with no answers now meets the gate.
        var seen = GateOf(await ConfigAsync(rep), "LeadToProspect");
        Assert.Equal(("AtLeast", 0), ((string?)seen["rule"], (int)seen["minCount"]!));
        Assert.DoesNotContain(seen["criteria"]!.AsArray(), c => (bool)c!["required"]!);
        var lead = await rep.NewLeadAsync();
        var q = (await rep.QualificationAsync(lead)).Gate();
        Assert.True(q.GetProperty("met").GetBoolean());
        Assert.Empty(q.GetProperty("missingRequired").EnumerateArray());
        Assert.Equal(HttpStatusCode.OK, (await rep.MoveAsync(lead, "Prospect")).StatusCode);
    }

    [Fact]
    public async Task Retired_criteria_leave_the_qualification_view_and_new_ones_appear()
    {
        var admin = (await app.UserAsync("Admin")).Client;
        var rep = (await app.UserAsync("Rep", "Nord")).Client;
        var lead = await rep.NewLeadAsync();
        var before = await rep.CriteriaAsync(lead);
        Assert.Contains("Creditworthiness checked", before.Keys);

        var gate = GateOf(await ConfigAsync(admin), "LeadToProspect");
        var criteria = gate["criteria"]!.AsArray();
        criteria.Single(c => (string?)c!["label"] == "Creditworthiness checked")!["retired"] = true;
        // Leaving a criterion out retires it as well (answers still refer to it, so it is never deleted).
        criteria.Remove(criteria.Single(c => (string?)c!["label"] == "Agreed to a follow-up"));
        criteria.Add(new JsonObject { ["label"] = "Signed a letter of intent", ["weight"] = 3, ["required"] = false, ["retired"] = false });
        var res = await PutAsync(admin, Only(gate));
        Assert.Equal(HttpStatusCode.OK, res.StatusCode);

        var saved = GateOf(JsonNode.Parse(await res.Content.ReadAsStringAsync())!.AsObject(), "LeadToProspect")["criteria"]!.AsArray();
        bool Retired(string label) => (bool)saved.Single(c => (string?)c!["label"] == label)!["retired"]!;
        Assert.True(Retired("Creditworthiness checked"));
        Assert.True(Retired("Agreed to a follow-up"));
        Assert.False(Retired("Signed a letter of intent"));

        var after = await rep.CriteriaAsync(lead);
        Assert.DoesNotContain("Creditworthiness checked", after.Keys);
        Assert.DoesNotContain("Agreed to a follow-up", after.Keys);
        Assert.Contains("Signed a letter of intent", after.Keys);
        await TestHttp.AssertValidationProblemAsync(await rep.AnswerAsync(lead, [before["Creditworthiness checked"]]), "answers");
    }

    [Fact]
    public async Task Only_admins_may_change_the_criteria()
    {
        var admin = (await app.UserAsync("Admin")).Client;
        var before = await ConfigAsync(admin);
        var gate = GateOf(before, "LeadToProspect").DeepClone().AsObject();
        gate["rule"] = "All";
        foreach (var role in (string[])["Rep", "Manager"])
        {
            var client = (await app.UserAsync(role, "Nord")).Client;
            Assert.Equal(HttpStatusCode.Forbidden, (await PutAsync(client, Only(gate))).StatusCode);
        }
        Assert.Equal(before.ToJsonString(), (await ConfigAsync(admin)).ToJsonString());
    }

    public static TheoryData<string, string> InvalidBodies() => new()
    {
        { """{}""", "gates" },
        { """{"gates":[]}""", "gates" },
        { """{"gates":[{"gate":"LeadToProspect","rule":"All","criteria":[]},{"gate":"LeadToProspect","rule":"All","criteria":[]}]}""", "gates" },
        { """{"gates":[{"gate":7,"rule":"All","criteria":[]}]}""", "gates[0].gate" },
        { """{"gates":[{"gate":"LeadToProspect","rule":9,"criteria":[]}]}""", "gates[0].rule" },
        { """{"gates":[{"gate":"LeadToProspect","rule":"AtLeast","minCount":-1,"criteria":[]}]}""", "gates[0].minCount" },
        { """{"gates":[{"gate":"LeadToProspect","rule":"WeightedScore","minScore":10001,"criteria":[]}]}""", "gates[0].minScore" },
        { """{"gates":[{"gate":"LeadToProspect","rule":"All","criteria":[{"label":" ","weight":1}]}]}""", "gates[0].criteria[0].label" },
        { """{"gates":[{"gate":"LeadToProspect","rule":"All","criteria":[{"label":"Big","weight":101}]}]}""", "gates[0].criteria[0].weight" },
        { $$"""{"gates":[{"gate":"LeadToProspect","rule":"All","criteria":[{"label":"Long","description":"{{new string('d', 1001)}}"}]}]}""", "gates[0].criteria[0].description" },
        { """{"gates":[{"gate":"LeadToProspect","rule":"All","criteria":[{"id":999999,"label":"Ghost","weight":1}]}]}""", "gates[0].criteria[0].id" },
    };

    [Theory]
    [MemberData(nameof(InvalidBodies))]
    public async Task An_invalid_configuration_is_400_naming_the_field_and_changes_nothing(string body, string field)
    {
        var admin = (await app.UserAsync("Admin")).Client;
        var before = await ConfigAsync(admin);
        await TestHttp.AssertValidationProblemAsync(await admin.PutAsync(Url, TestHttp.Json(body)), field);
        Assert.Equal(before.ToJsonString(), (await ConfigAsync(admin)).ToJsonString());
    }

    [Fact]
    public async Task A_criterion_of_the_other_gate_cannot_be_moved_into_this_one()
    {
        var admin = (await app.UserAsync("Admin")).Client;
        var before = await ConfigAsync(admin);
        var suspectCriterion = GateOf(before, "SuspectToLead")["criteria"]!.AsArray()[0]!.DeepClone();
        var gate = GateOf(before, "LeadToProspect").DeepClone().AsObject();
        gate["criteria"]!.AsArray().Add(suspectCriterion);
        await TestHttp.AssertValidationProblemAsync(await PutAsync(admin, Only(gate)), $"gates[0].criteria[{gate["criteria"]!.AsArray().Count - 1}].id");
        Assert.Equal(before.ToJsonString(), (await ConfigAsync(admin)).ToJsonString());
    }
}

public sealed class QualificationCriteriaApiTestsSqlite(SqliteApp f) : QualificationCriteriaApiTests(f.Factory), IClassFixture<SqliteApp>;
public sealed class QualificationCriteriaApiTestsPostgres(PostgresApp f) : QualificationCriteriaApiTests(f.Factory), IClassFixture<PostgresApp>;
