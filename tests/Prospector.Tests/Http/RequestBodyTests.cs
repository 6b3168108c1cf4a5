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
    /// <summary>The JSON bodies of /api/v1, as (method, route template), each read through Body&lt;T&gt; (ADR 0008).</summary>
    private List<(string Method, string Route)> JsonBodyEndpoints() =>
        app.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.Metadata.GetMetadata<Prospector.Features.Common.ReadsBody>() is not null)
            .SelectMany(e => (e.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? []).Select(m => (m, e.RoutePattern.RawText!)))
            .ToList();

    [Fact]
    public async Task Every_JSON_body_is_read_one_way_and_a_body_that_is_not_JSON_is_refused_before_anything_changes()
    {
        // One reader: every endpoint that documents a JSON body reads it through Body<T>.
        var documented = app.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.Metadata.GetMetadata<Microsoft.AspNetCore.Http.Metadata.IAcceptsMetadata>() is { } a
                && a.ContentTypes.Any(t => t.Contains("json", StringComparison.Ordinal)))
            .Where(e => e.Metadata.GetMetadata<Prospector.Features.Common.ReadsBody>() is null)
            .Select(e => e.DisplayName).ToList();
        Assert.Empty(documented);

        // A cross-site form can send text/plain, urlencoded or multipart bodies, never JSON: each is a 415, on every endpoint.
        var admin = (await app.UserAsync("Admin")).Client;
        var contact = await admin.CreateAsync("/api/v1/contacts", new { lastName = "Formless" });
        var id = contact.GetProperty("id").GetInt64().ToString(System.Globalization.CultureInfo.InvariantCulture);
        var endpoints = JsonBodyEndpoints();
        Assert.True(endpoints.Count >= 25, $"only {endpoints.Count} JSON endpoints found");
        var wrong = new List<string>();
        foreach (var (method, raw) in endpoints)
        {
            var url = System.Text.RegularExpressions.Regex.Replace(raw, @"\{[^}]+\}", id);
            HttpContent[] forms =
            [
                new StringContent("""{"lastName":"Changed","name":"Changed"}""", System.Text.Encoding.UTF8, "text/plain"),
                new FormUrlEncodedContent([new("lastName", "Changed")]),
                new MultipartFormDataContent { { new StringContent("Changed"), "lastName" } },
            ];
            foreach (var form in forms)
            {
                using var req = TestHttp.Request(new HttpMethod(method), url, form, "\"1\"");
                var res = await admin.SendAsync(req);
                if (res.StatusCode != HttpStatusCode.UnsupportedMediaType)
                    wrong.Add($"{method} {url} {form.Headers.ContentType?.MediaType} → {(int)res.StatusCode}");
            }
        }
        Assert.Empty(wrong);
        Assert.Equal("Formless", (await admin.GetJsonAsync($"/api/v1/contacts/{id}")).GetProperty("lastName").GetString());

        // The problem is in the caller's language (routing refuses it before the endpoint runs).
        using var german = TestHttp.Request(HttpMethod.Post, "/api/v1/contacts", new StringContent("{}", System.Text.Encoding.UTF8, "text/plain"));
        german.Headers.AcceptLanguage.ParseAdd("de");
        var problem = await (await admin.SendAsync(german)).ReadJsonAsync();
        Assert.Equal("Nicht unterstütztes Format", problem.GetProperty("title").GetString());
        using var anonymous = TestHttp.Request(HttpMethod.Get, "/api/v1/contacts");
        anonymous.Headers.AcceptLanguage.ParseAdd("de");
        Assert.Equal("Nicht angemeldet", (await (await app.CreateClient().SendAsync(anonymous)).ReadJsonAsync()).GetProperty("title").GetString());
    }

    [Fact]
    public async Task A_required_body_left_out_is_named_and_an_optional_one_may_be_left_out()
    {
        var rep = (await app.UserAsync("Rep", "Nord")).Client;
        var missing = await rep.PostAsync("/api/v1/contacts", null);
        await TestHttp.AssertValidationProblemAsync(missing, "body");
        var s = await ListSteps.ImportAsync(rep, TestHttp.Unique("Bodyless"));
        var listId = s.GetProperty("listId").GetInt64();
        var row = (await rep.GetJsonAsync($"/api/v1/lists/{listId}/rows")).GetProperty("items")[0].GetProperty("id").GetInt64();
        // Cancel's body is optional: without one the service is asked, and it wants the reason (not "a body").
        await TestHttp.AssertValidationProblemAsync(await rep.PostAsync($"/api/v1/lists/{listId}/rows/{row}/cancel", null), "reason");
        var cancelled = await rep.PostAsync($"/api/v1/lists/{listId}/rows/{row}/cancel", TestHttp.Json("""{"reason":"NotInterested"}"""));
        Assert.Equal(HttpStatusCode.OK, cancelled.StatusCode);
    }

    [Fact]
    public async Task A_next_action_inside_a_body_names_its_unreadable_time_and_unknown_fields_instead_of_dropping_them()
    {
        var rep = (await app.UserAsync("Rep", "Nord")).Client;
        var s = await ListSteps.ImportAsync(rep, TestHttp.Unique("Nested"));
        var listId = s.GetProperty("listId").GetInt64();
        var row = (await rep.GetJsonAsync($"/api/v1/lists/{listId}/rows")).GetProperty("items")[0].GetProperty("id").GetInt64();
        var badTime = await rep.PostAsync($"/api/v1/lists/{listId}/rows/{row}/convert",
            TestHttp.Json("""{"nextAction":{"type":"Call","dueDate":"2030-01-07","dueTime":"25:99"}}"""));
        await TestHttp.AssertValidationProblemAsync(badTime, "nextAction.dueTime");
        var unknown = await rep.PostAsync($"/api/v1/lists/{listId}/rows/{row}/convert",
            TestHttp.Json("""{"nextAction":{"type":"Call","dueDate":"2030-01-07","dueDay":"Monday"}}"""));
        await TestHttp.AssertValidationProblemAsync(unknown, "nextAction.dueDay");
        // The row is still open: nothing was converted by either.
        var rows = await rep.GetJsonAsync($"/api/v1/lists/{listId}/rows");
        Assert.Equal("Open", rows.GetProperty("items")[0].GetProperty("state").GetString());
    }

    [Fact]
    public async Task Editing_a_deal_is_a_merge_patch_null_clears_the_close_date_and_fields_that_cannot_be_empty_say_so()
    {
        var rep = (await app.UserAsync("Rep", "Nord")).Client;
        var lead = await rep.NewLeadAsync("Patchy");
        var deal = await rep.CreateAsync("/api/v1/opportunities",
            new { contactId = lead, amount = 1000, expectedCloseDate = "2030-03-31", nextAction = new { type = "Call", dueDate = "2030-01-07" } });
        var url = $"/api/v1/opportunities/{deal.GetProperty("id").GetInt64()}";
        var version = "\"" + deal.GetProperty("version").GetInt32() + "\"";

        var leftOut = await rep.PatchRawAsync(url, """{"amount":1200}""", version);
        Assert.Equal(HttpStatusCode.OK, leftOut.StatusCode);
        var kept = await leftOut.ReadJsonAsync();
        Assert.Equal("2030-03-31", kept.GetProperty("expectedCloseDate").GetString());

        var notEmpty = await rep.PatchRawAsync(url, """{"title":null}""", leftOut.ETag());
        await TestHttp.AssertValidationProblemAsync(notEmpty, "title");

        var cleared = await rep.PatchRawAsync(url, """{"expectedCloseDate":null}""", leftOut.ETag());
        Assert.Equal(HttpStatusCode.OK, cleared.StatusCode);
        var after = await cleared.ReadJsonAsync();
        Assert.Equal(System.Text.Json.JsonValueKind.Null, after.GetProperty("expectedCloseDate").ValueKind);
        Assert.Equal("Patchy", (await rep.GetJsonAsync($"/api/v1/contacts/{lead}")).GetProperty("lastName").GetString());
        Assert.Equal(1200m, after.GetProperty("amount").GetDecimal());
    }

    [Fact]
    public async Task A_NUL_character_in_a_body_or_a_query_is_a_400_naming_the_field_on_both_databases()
    {
        var rep = (await app.UserAsync("Rep", "Nord")).Client;
        var body = await rep.PostAsync("/api/v1/contacts", TestHttp.Json("""{"lastName":"Nul\u0000Byte"}"""));
        await TestHttp.AssertValidationProblemAsync(body, "lastName");
        var nested = await rep.PostAsync("/api/v1/contacts", TestHttp.Json("""{"lastName":"Ok","customFields":{"size":"a\u0000"}}"""));
        await TestHttp.AssertValidationProblemAsync(nested, "customFields.size");
        var query = await rep.GetAsync("/api/v1/contacts?q=M%00ller");
        await TestHttp.AssertValidationProblemAsync(query, "q");
        Assert.Equal(HttpStatusCode.BadRequest, (await rep.GetAsync("/api/v1/search?q=%00")).StatusCode);
        Assert.Equal(0, (await rep.GetJsonAsync("/api/v1/contacts?q=Nul")).GetProperty("total").GetInt32());
        // Also outside the API: a redirect target with NUL is refused, never followed.
        var redirect = await rep.GetAsync("/account/culture?culture=de&redirect=/%00/evil.example");
        Assert.Equal(HttpStatusCode.BadRequest, redirect.StatusCode);
        Assert.Null(redirect.Headers.Location);
    }

    [Fact]
    public async Task Half_an_emoji_a_noncharacter_a_far_date_or_a_local_date_format_is_named_and_a_pasted_noncharacter_breaks_no_search()
    {
        var rep = (await app.UserAsync("Rep", "Nord")).Client;
        // Half of an emoji and U+FFFE made the search key's Unicode normalisation throw: 500 on create (and on PostgreSQL's encoder).
        await TestHttp.AssertValidationProblemAsync(await rep.PostAsync("/api/v1/contacts", TestHttp.Json("""{"lastName":"Half\ud83d"}""")), "lastName");
        await TestHttp.AssertValidationProblemAsync(await rep.PostAsync("/api/v1/contacts", TestHttp.Json("""{"lastName":"Ok","firstName":"T\uFFFEx"}""")), "firstName");
        Assert.Equal(HttpStatusCode.Created, (await rep.PostAsync("/api/v1/contacts", TestHttp.Json("""{"lastName":"Whole \ud83d\ude00"}"""))).StatusCode);

        // A due date in the year 9999 took the assignee's calendar feed down; a moment written the German way was read as 3 January.
        var lead = await rep.NewLeadAsync("Dates");
        var far = await rep.PostAsync("/api/v1/tasks", TestHttp.Json($$"""{"contactId":{{lead}},"type":"Call","dueDate":"9999-12-31"}"""));
        await TestHttp.AssertValidationProblemAsync(far, "dueDate");
        Assert.Contains("1900", await far.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        var german = await rep.PostAsync("/api/v1/activities",
            TestHttp.Json($$"""{"contactId":{{lead}},"channel":"Phone","outcome":"Reached","occurredAt":"01.03.2026"}"""));
        await TestHttp.AssertValidationProblemAsync(german, "occurredAt");

        // A search term (or a stored text) with a noncharacter or half an emoji is searched, not a 500.
        foreach (var q in new[] { "a%EF%BF%BE", "Whole%20%F0%9F%98%80", "%ED%A0%BD" })
        {
            Assert.Equal(HttpStatusCode.OK, (await rep.GetAsync($"/api/v1/search?q={q}")).StatusCode);
            Assert.Equal(HttpStatusCode.OK, (await rep.GetAsync($"/api/v1/contacts?q={q}")).StatusCode);
        }
    }
}

public sealed class RequestBodyTestsSqlite(SqliteApp f) : RequestBodyTests(f.Factory), IClassFixture<SqliteApp>;
public sealed class RequestBodyTestsPostgres(PostgresApp f) : RequestBodyTests(f.Factory), IClassFixture<PostgresApp>;
