using System.Net;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Prospector.Tests.Infrastructure;

namespace Prospector.Tests.Http;

/// <summary>
/// Bodies a strict or hostile client sends: a field named twice (also in another case) is a 400 that names the field,
/// never a 500 and never "the last one wins" — on every endpoint that takes a body.
/// </summary>
public abstract class RequestBodyTests(ProspectorFactory app)
{
    [Fact]
    public async Task A_field_named_twice_is_a_validation_problem_naming_it()
    {
        var rep = (await app.UserAsync("Rep", "Nord")).Client;
        var sameCase = await rep.PostAsync("/api/v1/contacts", TestHttp.Json("""{"lastName":"Alt","lastName":"Neu"}"""));
        await TestHttp.AssertValidationProblemAsync(sameCase, "lastName");
        Assert.Contains("more than once", await sameCase.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        var otherCase = await rep.PostAsync("/api/v1/contacts", TestHttp.Json("""{"lastName":"Alt","ownerId":1,"OwnerId":2}"""));
        await TestHttp.AssertValidationProblemAsync(otherCase, "OwnerId");

        var nested = await rep.PostAsync("/api/v1/contacts",
            TestHttp.Json("""{"lastName":"Alt","customFields":{"size":"1","Size":"2"}}"""));
        Assert.Equal(HttpStatusCode.BadRequest, nested.StatusCode);

        // Nothing was written by any of them.
        Assert.Equal(0, (await rep.GetJsonAsync("/api/v1/contacts?q=Alt")).GetProperty("total").GetInt32());
    }

    [Fact]
    public async Task A_typed_body_names_the_field_of_the_wrong_type_and_the_field_it_does_not_know()
    {
        var rep = (await app.UserAsync("Rep", "Nord")).Client;
        var lead = await rep.NewLeadAsync("Typed");
        var wrongType = await rep.PostAsync("/api/v1/tasks",
            TestHttp.Json($$"""{"contactId":"abc","type":"Call","dueDate":"2027-01-04"}"""));
        await TestHttp.AssertValidationProblemAsync(wrongType, "contactId");

        var unknown = await rep.PostAsync("/api/v1/tasks",
            TestHttp.Json($$"""{"contactId":{{lead}},"type":"Call","dueDate":"2027-01-04","dueDay":"Monday"}"""));
        await TestHttp.AssertValidationProblemAsync(unknown, "dueDay");

        var twice = await rep.PostAsync("/api/v1/tasks",
            TestHttp.Json($$"""{"contactId":{{lead}},"type":"Call","type":"Email","dueDate":"2027-01-04"}"""));
        Assert.Equal(System.Net.HttpStatusCode.BadRequest, twice.StatusCode);

        // In German too, and nothing was planned by any of them.
        using var german = TestHttp.Request(HttpMethod.Post, "/api/v1/tasks", TestHttp.Json("""{"contactId":"abc","type":"Call","dueDate":"2027-01-04"}"""));
        german.Headers.AcceptLanguage.ParseAdd("de");
        Assert.Contains("falschen Typs", await (await rep.SendAsync(german)).Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(0, (await rep.GetJsonAsync("/api/v1/tasks?bucket=Upcoming&pageSize=200")).GetProperty("items").EnumerateArray()
            .Count(t => t.GetProperty("contactId").GetInt64() == lead));
    }

    [Fact]
    public async Task No_endpoint_that_takes_a_body_answers_500_to_duplicate_or_broken_fields()
    {
        var admin = (await app.UserAsync("Admin")).Client;
        var contact = await admin.CreateAsync("/api/v1/contacts", new { lastName = "Probe" });
        var id = contact.GetProperty("id").GetInt64().ToString(System.Globalization.CultureInfo.InvariantCulture);
        var endpoints = app.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.RoutePattern.RawText?.StartsWith("/api/v1/", StringComparison.Ordinal) == true)
            .SelectMany(e => (e.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? []).Select(m => (Method: m, e.RoutePattern.RawText!)))
            .Where(x => x.Method is "POST" or "PUT" or "PATCH")
            .ToList();
        Assert.True(endpoints.Count >= 15, $"only {endpoints.Count} endpoints with a body found");
        var bodies = new[]
        {
            """{"ownerId":1,"ownerId":2}""", """{"ownerId":1,"OwnerId":2}""", """{"note":"a","Note":"b","type":"Call"}""",
            """{"title":{"a":1,"A":2}}""", """[{"x":1,"x":2}]""", """{"a":""", "\"just a string\"", "null",
        };
        var failures = new List<string>();
        foreach (var (method, raw) in endpoints)
        {
            var url = System.Text.RegularExpressions.Regex.Replace(raw, @"\{[^}]+\}", id);
            foreach (var body in bodies)
            {
                using var req = TestHttp.Request(new HttpMethod(method), url, TestHttp.Json(body), "\"1\"");
                var res = await admin.SendAsync(req);
                if ((int)res.StatusCode >= 500) failures.Add($"{method} {url} {body} → {(int)res.StatusCode}");
            }
        }
        Assert.Empty(failures);
    }
}

public sealed class RequestBodyTestsSqlite(SqliteApp f) : RequestBodyTests(f.Factory), IClassFixture<SqliteApp>;
public sealed class RequestBodyTestsPostgres(PostgresApp f) : RequestBodyTests(f.Factory), IClassFixture<PostgresApp>;
