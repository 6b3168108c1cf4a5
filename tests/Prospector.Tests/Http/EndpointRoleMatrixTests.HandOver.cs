using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Prospector.Tests.Infrastructure;
using static Prospector.Tests.Http.Expect;

namespace Prospector.Tests.Http;

/// <summary>
/// The matrix's second dimension: every field that hands work to someone (a record's owner or team, a next action's assignee,
/// a deal's owner, a list's owner, a list row's assignee), on every endpoint that takes it, by every role, to yourself, a
/// teammate and another team's user. The rule (docs/decisions/0009-access-between-teams.md): records are handed only to
/// yourself or your teams; an admin hands to anyone; reps import lists and assign rows only to themselves.
/// </summary>
public sealed partial class EndpointRoleMatrixTests
{
    private enum Target { Self, Teammate, OtherTeam }

    /// <summary>A hand-over field on an endpoint. {target} is a user id, {targetTeam} a team id; see <see cref="RequestAsync"/> for the rest.</summary>
    private sealed record HandOverRow(string Key, string Field, string Body, bool RepsOnlyToThemselves = false);

    private const string NextAction = """{"type":"Call","dueDate":"2030-01-01"}""";

    private static readonly HandOverRow[] HandOvers =
    [
        new("POST /api/v1/contacts/", "ownerId", """{"lastName":"Matrix","ownerId":{target}}"""),
        new("POST /api/v1/contacts/", "teamId", """{"lastName":"Matrix","teamId":{targetTeam}}"""),
        new("PATCH /api/v1/contacts/{id:long}", "ownerId", """{"ownerId":{target}}"""),
        new("PATCH /api/v1/contacts/{id:long}", "teamId", """{"teamId":{targetTeam}}"""),
        new("POST /api/v1/companies/", "ownerId", """{"name":"Matrix GmbH","ownerId":{target}}"""),
        new("POST /api/v1/companies/", "teamId", """{"name":"Matrix GmbH","teamId":{targetTeam}}"""),
        new("PATCH /api/v1/companies/{id:long}", "ownerId", """{"ownerId":{target}}"""),
        new("PATCH /api/v1/companies/{id:long}", "teamId", """{"teamId":{targetTeam}}"""),
        new("POST /api/v1/opportunities/", "ownerId", """{"contactId":{contact},"amount":1,"ownerId":{target},"nextAction":""" + NextAction + "}"),
        new("POST /api/v1/opportunities/", "nextAction.assigneeId",
            """{"contactId":{contact},"amount":1,"nextAction":{"type":"Call","dueDate":"2030-01-01","assigneeId":{target}}}"""),
        new("PATCH /api/v1/opportunities/{id:long}", "ownerId", """{"ownerId":{target}}"""),
        new("POST /api/v1/opportunities/{id:long}/reopen", "nextAction.assigneeId",
            """{"nextAction":{"type":"Call","dueDate":"2030-01-01","assigneeId":{target}}}"""),
        new("POST /api/v1/tasks/", "task.assigneeId", """{"contactId":{contact},"type":"Call","dueDate":"2030-01-01","assigneeId":{target}}"""),
        new("PATCH /api/v1/tasks/{id:long}", "action.assigneeId", """{"assigneeId":{target}}"""),
        new("POST /api/v1/tasks/{id:long}/complete", "next.assigneeId",
            """{"outcome":"Reached","next":{"type":"Call","dueDate":"2030-01-01","assigneeId":{target}}}"""),
        new("POST /api/v1/lists/{id:long}/rows/bulk", "assigneeId", """{"action":"assign","rowIds":[{row}],"assigneeId":{target}}""",
            RepsOnlyToThemselves: true),
        new("POST /api/v1/imports/", "ownerId", "ownerId={target}", RepsOnlyToThemselves: true),
    ];

    [Fact]
    public async Task Every_hand_over_field_gives_only_to_yourself_or_your_teams_and_an_admin_to_anyone()
    {
        var app = fixture.Factory;
        var callers = new Dictionary<string, TestUser>
        {
            ["Rep"] = await app.UserAsync("Rep", "Nord"),
            ["Manager"] = await app.UserAsync("Manager", "Nord"),
            ["Admin"] = await app.UserAsync("Admin"),
        };
        var mate = await app.UserAsync("Rep", "Nord");
        var other = await app.UserAsync("Rep", "Süd");
        var endpoints = Endpoints().Select(x => x.Key).ToHashSet();
        var failures = new List<string>();

        foreach (var row in HandOvers)
        {
            Assert.True(endpoints.Contains(row.Key), $"{row.Key} is not an endpoint of the app");
            foreach (var (role, caller) in callers)
                foreach (var target in Enum.GetValues<Target>())
                {
                    var (user, team) = target switch
                    {
                        Target.Self => (caller.Id, mate.TeamId!.Value),
                        Target.Teammate => (mate.Id, mate.TeamId!.Value),
                        _ => (other.Id, other.TeamId!.Value),
                    };
                    var allowed = role == "Admin" || target == Target.Self || (target == Target.Teammate && !(row.RepsOnlyToThemselves && role == "Rep"));
                    var res = await caller.Client.SendAsync(await HandOverRequestAsync(row, caller, user, team));
                    var text = await res.Content.ReadAsStringAsync();
                    var refusedOnField = res.StatusCode == HttpStatusCode.BadRequest
                        && JsonDocument.Parse(text).RootElement.TryGetProperty("errors", out var errors) && errors.TryGetProperty(row.Field, out _);
                    if (allowed ? !res.IsSuccessStatusCode : !refusedOnField)
                        failures.Add($"{row.Key} {row.Field} by {role} to {target}: expected {(allowed ? "2xx" : $"400 naming {row.Field}")}, got {(int)res.StatusCode} {text}");
                }
        }
        Assert.True(failures.Count == 0, string.Join(Environment.NewLine, failures));
    }

    private async Task<HttpRequestMessage> HandOverRequestAsync(HandOverRow row, TestUser caller, long user, long team)
    {
        var body = row.Body.Replace("{target}", user.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal)
            .Replace("{targetTeam}", team.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal);
        if (row.Key == "POST /api/v1/imports/")
        {
            var form = ListSteps.Form(Encoding.UTF8.GetBytes("Nachname\r\nMatrix\r\n"), "matrix.csv",
                ("list", TestHttp.Unique("Matrix")), ("country", "DE"), ("ownerId", body["ownerId=".Length..]));
            return new HttpRequestMessage(HttpMethod.Post, "/api/v1/imports") { Content = form };
        }
        if (row.Key.StartsWith("POST /api/v1/lists/", StringComparison.Ordinal))
        {
            var import = await ListSteps.ImportAsync(caller.Client, TestHttp.Unique("Matrix"));
            var listId = import.GetProperty("listId").GetInt64();
            var rowId = (await caller.Client.GetJsonAsync($"/api/v1/lists/{listId}/rows")).Ids().First();
            return TestHttp.Request(HttpMethod.Post, $"/api/v1/lists/{listId}/rows/bulk",
                TestHttp.Json(body.Replace("{row}", rowId.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal)));
        }
        if (row.Key.EndsWith("/reopen", StringComparison.Ordinal))
        {
            // Only a closed deal reopens: lose one first.
            var contact = (await caller.Client.CreateAsync("/api/v1/contacts", new { lastName = "Matrix", stage = "Lead" })).GetProperty("id").GetInt64();
            var deal = (await caller.Client.CreateAsync("/api/v1/opportunities",
                new { contactId = contact, amount = 1, nextAction = new { type = "Call", dueDate = "2030-01-01" } })).GetProperty("id").GetInt64();
            Assert.Equal(HttpStatusCode.OK, (await caller.Client.PostAsJsonAsync($"/api/v1/opportunities/{deal}/lose", new { reason = "matrix" })).StatusCode);
            return TestHttp.Request(HttpMethod.Post, $"/api/v1/opportunities/{deal}/reopen", TestHttp.Json(body));
        }
        return await RequestAsync(new Row(row.Key, U, A, A, A, body), caller);
    }
}
