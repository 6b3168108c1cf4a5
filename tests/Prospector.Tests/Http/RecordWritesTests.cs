using System.Net;
using System.Net.Http.Json;
using Prospector.Tests.Infrastructure;

namespace Prospector.Tests.Http;

/// <summary>
/// What the contact and company pages now share with the API through one service: delete and restore honour the version
/// the caller saw (the pages send the one they showed), and a record that is not there is reported in the caller's language.
/// </summary>
public abstract class RecordWritesTests(ProspectorFactory app)
{
    public static TheoryData<string> Kinds => new() { "contacts", "companies" };

    private static object NewBody(string kind) => kind == "contacts"
        ? new { firstName = "Anna", lastName = TestHttp.Unique("Visser") }
        : new { name = TestHttp.Unique("Werft") };

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task Delete_and_restore_based_on_an_old_version_answer_412_and_change_nothing(string kind)
    {
        var rep = (await app.UserAsync("Rep", "Nord")).Client;
        var url = $"/api/v1/{kind}";
        var id = (await rep.CreateAsync(url, NewBody(kind))).GetProperty("id").GetInt64();
        // Someone else changes the record after the caller loaded version 1.
        Assert.Equal(HttpStatusCode.OK, (await rep.PatchAsync($"{url}/{id}", new { notes = "changed meanwhile" }, "\"1\"")).StatusCode);

        var staleDelete = await rep.SendAsync(TestHttp.Request(HttpMethod.Delete, $"{url}/{id}", ifMatch: "\"1\""));
        Assert.Equal(HttpStatusCode.PreconditionFailed, staleDelete.StatusCode);
        Assert.Equal(2, (await staleDelete.ReadJsonAsync()).GetProperty("currentVersion").GetInt32());
        Assert.Equal("changed meanwhile", (await rep.GetJsonAsync($"{url}/{id}")).GetProperty("notes").GetString());

        Assert.Equal(HttpStatusCode.NoContent, (await rep.SendAsync(TestHttp.Request(HttpMethod.Delete, $"{url}/{id}", ifMatch: "\"2\""))).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await rep.GetAsync($"{url}/{id}")).StatusCode);

        // The delete made version 3: a restore based on version 2 is refused and the record stays in the recycle bin.
        var staleRestore = await rep.SendAsync(TestHttp.Request(HttpMethod.Post, $"{url}/{id}/restore", ifMatch: "\"2\""));
        Assert.Equal(HttpStatusCode.PreconditionFailed, staleRestore.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await rep.GetAsync($"{url}/{id}")).StatusCode);

        var restored = await rep.SendAsync(TestHttp.Request(HttpMethod.Post, $"{url}/{id}/restore", ifMatch: "\"3\""));
        Assert.Equal(HttpStatusCode.OK, restored.StatusCode);
        Assert.Equal("\"4\"", restored.ETag());
        Assert.Equal(HttpStatusCode.OK, (await rep.GetAsync($"{url}/{id}")).StatusCode);
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task Another_teams_record_cannot_be_deleted_or_restored_and_is_reported_as_not_found(string kind)
    {
        var nord = (await app.UserAsync("Rep", "Nord")).Client;
        var sued = (await app.UserAsync("Rep", "Süd")).Client;
        var url = $"/api/v1/{kind}";
        var id = (await nord.CreateAsync(url, NewBody(kind))).GetProperty("id").GetInt64();
        Assert.Equal(HttpStatusCode.NotFound, (await sued.DeleteAsync($"{url}/{id}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await sued.PostAsync($"{url}/{id}/restore", null)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await nord.GetAsync($"{url}/{id}")).StatusCode);
    }

    [Theory]
    [InlineData("/api/v1/contacts/987654321", "Kontakt nicht gefunden")]
    [InlineData("/api/v1/companies/987654321", "Unternehmen nicht gefunden")]
    [InlineData("/api/v1/activities/987654321", "Aktivität nicht gefunden")]
    [InlineData("/api/v1/timeline?contactId=987654321", "Datensatz nicht gefunden")]
    public async Task A_record_that_is_not_there_is_reported_in_the_callers_language(string url, string title)
    {
        var rep = (await app.UserAsync("Rep", "Nord")).Client;
        var req = new HttpRequestMessage(HttpMethod.Get, url);
        req.Headers.AcceptLanguage.ParseAdd("de-DE");
        var res = await rep.SendAsync(req);
        Assert.Equal(HttpStatusCode.NotFound, res.StatusCode);
        Assert.Equal(title, (await res.ReadJsonAsync()).GetProperty("title").GetString());
    }

    [Fact]
    public async Task Answering_a_question_that_is_not_there_is_reported_in_the_callers_language()
    {
        var rep = (await app.UserAsync("Rep", "Nord")).Client;
        var req = new HttpRequestMessage(HttpMethod.Post, "/api/v1/questions/987654321/answer") { Content = JsonContent.Create(new { answer = "Ja" }) };
        req.Headers.AcceptLanguage.ParseAdd("nl-NL");
        var res = await rep.SendAsync(req);
        Assert.Equal(HttpStatusCode.NotFound, res.StatusCode);
        var body = await res.ReadJsonAsync();
        Assert.Equal("Vraag niet gevonden", body.GetProperty("title").GetString());
        Assert.Equal("Er is geen vraag 987654321 die u mag zien.", body.GetProperty("detail").GetString());
    }
}

public sealed class RecordWritesTestsSqlite(SqliteApp f) : RecordWritesTests(f.Factory), IClassFixture<SqliteApp>;
public sealed class RecordWritesTestsPostgres(PostgresApp f) : RecordWritesTests(f.Factory), IClassFixture<PostgresApp>;
