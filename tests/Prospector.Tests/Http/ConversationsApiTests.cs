using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Prospector.Tests.Infrastructure;

namespace Prospector.Tests.Http;

/// <summary>
/// Logging and listing activities, open questions, timelines and the global search over HTTP, on both databases:
/// what the caller may not see does not exist for them (404, absent from lists and search results).
/// </summary>
public abstract class ConversationsApiTests(ProspectorFactory app)
{
    private static long Id(JsonElement e) => e.GetProperty("id").GetInt64();

    private async Task<(HttpClient Rep, long ContactId, string Name)> ContactOfAsync(string team, string? lastName = null)
    {
        var rep = (await app.UserAsync("Rep", team)).Client;
        var name = lastName ?? TestHttp.Unique("Kunde");
        var contact = await rep.CreateAsync("/api/v1/contacts", new { firstName = "Anna", lastName = name });
        return (rep, Id(contact), name);
    }

    [Fact]
    public async Task A_logged_call_with_a_concern_is_listed_filtered_and_the_concern_answered_once()
    {
        var (rep, contactId, _) = await ContactOfAsync("Nord");
        var call = await rep.CreateAsync("/api/v1/activities", new
        {
            contactId, channel = "Phone", direction = "Outbound", outcome = "Reached", occurredAt = "2026-11-20T10:15:00+01:00",
            durationMinutes = 12, notes = "Asked about **DATEV**.",
            questions = new object[] { new { kind = "Concern", text = "Price too high" }, new { kind = "Question", text = "Does it integrate with DATEV?" } },
        });
        Assert.Equal("reached", call.GetProperty("outcome").GetString());
        Assert.Equal(new DateTime(2026, 11, 20, 9, 15, 0, DateTimeKind.Utc), call.GetProperty("occurredAt").GetDateTime().ToUniversalTime());
        Assert.Equal(2, call.GetProperty("questions").GetArrayLength());
        await rep.CreateAsync("/api/v1/activities", new { contactId, channel = "Email", direction = "Inbound", outcome = "replied", notes = "Sent the offer." });

        var all = await rep.GetJsonAsync($"/api/v1/activities?contactId={contactId}");
        Assert.Equal(2, all.GetProperty("total").GetInt32());
        var phone = await rep.GetJsonAsync($"/api/v1/activities?contactId={contactId}&channel=Phone");
        Assert.Equal([Id(call)], phone.Ids());

        var open = (await rep.GetJsonAsync($"/api/v1/questions?contactId={contactId}&open=true")).GetProperty("items").EnumerateArray().ToList();
        Assert.Equal(2, open.Count);
        var concern = open.Single(q => q.GetProperty("kind").GetString() == "Concern");
        var answered = await rep.PostAsJsonAsync($"/api/v1/questions/{Id(concern)}/answer", new { answer = "15 % off the annual plan" });
        Assert.Equal(HttpStatusCode.OK, answered.StatusCode);
        var body = await answered.ReadJsonAsync();
        Assert.False(body.GetProperty("open").GetBoolean());
        Assert.Equal("15 % off the annual plan", body.GetProperty("answer").GetString());
        Assert.NotNull(body.GetProperty("answeredBy").GetString());
        Assert.Equal(HttpStatusCode.Conflict, (await rep.PostAsJsonAsync($"/api/v1/questions/{Id(concern)}/answer", new { answer = "again" })).StatusCode);
        Assert.Single((await rep.GetJsonAsync($"/api/v1/questions?contactId={contactId}&open=true")).GetProperty("items").EnumerateArray());

        // The timeline has both conversations and the answer, newest first; filtered to phone calls only the call.
        var timeline = await rep.GetJsonAsync($"/api/v1/timeline?contactId={contactId}&type=Activity,Question");
        var kinds = timeline.GetProperty("items").EnumerateArray().Select(e => e.GetProperty("kind").GetString()).ToList();
        Assert.Equal(2, kinds.Count(k => k == "Activity"));
        Assert.Contains("Question", kinds);
        var calls = await rep.GetJsonAsync($"/api/v1/timeline?contactId={contactId}&channel=Phone");
        Assert.Equal(1, calls.GetProperty("total").GetInt32());
        // Created and stage events are in the full timeline too.
        var full = await rep.GetJsonAsync($"/api/v1/timeline?contactId={contactId}&pageSize=2");
        Assert.True(full.GetProperty("total").GetInt32() > 3);
        Assert.Equal(2, full.GetProperty("items").GetArrayLength());
    }

    [Fact]
    public async Task Bad_input_names_the_field_and_writes_nothing()
    {
        var (rep, contactId, _) = await ContactOfAsync("Nord");
        await TestHttp.AssertValidationProblemAsync(await rep.PostAsJsonAsync("/api/v1/activities", new { contactId, notes = "x" }), "channel");
        await TestHttp.AssertValidationProblemAsync(await rep.PostAsJsonAsync("/api/v1/activities", new { channel = "Phone" }), "contactId");
        await TestHttp.AssertValidationProblemAsync(await rep.PostAsJsonAsync("/api/v1/activities", new { contactId, channel = "Pigeon" }), "channel");
        await TestHttp.AssertValidationProblemAsync(await rep.PostAsJsonAsync("/api/v1/activities", new { contactId, channel = "Phone", occurredAt = "yesterday" }), "occurredAt");
        await TestHttp.AssertValidationProblemAsync(await rep.PostAsJsonAsync("/api/v1/activities", new { contactId, channel = "Phone", durationMinutes = -5 }), "durationMinutes");
        await TestHttp.AssertValidationProblemAsync(await rep.PostAsJsonAsync("/api/v1/activities",
            new { contactId, channel = "Phone", questions = new object[] { new { kind = "Concern", text = "" } } }), "questions[0].text");
        await TestHttp.AssertValidationProblemAsync(await rep.PostAsJsonAsync("/api/v1/activities", new { contactId, channel = "Phone", mood = "good" }), "mood");
        await TestHttp.AssertValidationProblemAsync(await rep.GetAsync("/api/v1/search?q="), "q");
        await TestHttp.AssertValidationProblemAsync(await rep.GetAsync($"/api/v1/timeline?contactId={contactId}&type=Gossip"), "type");
        Assert.Equal(0, (await rep.GetJsonAsync($"/api/v1/activities?contactId={contactId}")).GetProperty("total").GetInt32());
        Assert.Empty((await rep.GetJsonAsync($"/api/v1/questions?contactId={contactId}")).GetProperty("items").EnumerateArray());
    }

    [Fact]
    public async Task Another_teams_conversations_cannot_be_logged_read_answered_or_found()
    {
        var secret = TestHttp.Unique("Geheimnis");
        var (sued, contactId, name) = await ContactOfAsync("Süd");
        var call = await sued.CreateAsync("/api/v1/activities", new
        {
            contactId, channel = "Phone", notes = $"Talked about {secret}", questions = new[] { new { kind = "Concern", text = secret } },
        });
        var questionId = Id(call.GetProperty("questions")[0]);
        var nord = (await app.UserAsync("Rep", "Nord")).Client;

        foreach (var res in new[]
        {
            await nord.GetAsync($"/api/v1/activities/{Id(call)}"),
            await nord.DeleteAsync($"/api/v1/activities/{Id(call)}"),
            await nord.PostAsJsonAsync($"/api/v1/questions/{questionId}/answer", new { answer = "mine" }),
            await nord.GetAsync($"/api/v1/timeline?contactId={contactId}"),
        })
        {
            Assert.Equal(HttpStatusCode.NotFound, res.StatusCode);
            Assert.DoesNotContain(secret, await res.Content.ReadAsStringAsync(), StringComparison.OrdinalIgnoreCase);
        }
        await TestHttp.AssertValidationProblemAsync(await nord.PostAsJsonAsync("/api/v1/activities", new { contactId, channel = "Phone" }), "contactId");
        Assert.DoesNotContain(Id(call), (await nord.GetJsonAsync($"/api/v1/activities?contactId={contactId}")).Ids());
        Assert.DoesNotContain(Id(call), (await nord.GetJsonAsync("/api/v1/activities?pageSize=200")).Ids());
        Assert.Empty((await nord.GetJsonAsync($"/api/v1/questions?contactId={contactId}")).GetProperty("items").EnumerateArray());
        var found = await nord.GetJsonAsync($"/api/v1/search?q={secret}");
        Assert.Empty(found.GetProperty("items").EnumerateArray());
        Assert.Empty((await nord.GetJsonAsync($"/api/v1/search?q={name}")).GetProperty("items").EnumerateArray());

        // The owner's team finds both the person and the note; the question is still open.
        var own = (await sued.GetJsonAsync($"/api/v1/search?q={secret}")).GetProperty("items").EnumerateArray().ToList();
        Assert.Contains(own, h => h.GetProperty("kind").GetString() == "Note" && h.GetProperty("id").GetInt64() == Id(call));
        Assert.True((await sued.GetJsonAsync($"/api/v1/questions?contactId={contactId}")).GetProperty("items").EnumerateArray().Single().GetProperty("open").GetBoolean());
    }

    [Fact]
    public async Task Search_matches_prefixes_umlauts_and_ranks_names_before_notes()
    {
        var tag = TestHttp.Unique("Q");
        var admin = (await app.UserAsync("Admin")).Client;
        var mueller = Id(await admin.CreateAsync("/api/v1/contacts", new { firstName = tag, lastName = "Müller" }));
        var other = Id(await admin.CreateAsync("/api/v1/contacts", new { firstName = "Zora", lastName = tag + "Schmidt" }));
        // A note that mentions the word: found, but after the person whose name it is.
        var note = Id(await admin.CreateAsync("/api/v1/activities", new { contactId = other, channel = "Note", notes = $"Meet {tag} at the fair, bring the Straßenkarte." }));

        List<JsonElement> Search(JsonElement r) => r.GetProperty("items").EnumerateArray().ToList();
        var byPrefix = Search(await admin.GetJsonAsync($"/api/v1/search?q={tag[..^2]}"));
        Assert.Contains(byPrefix, h => h.GetProperty("id").GetInt64() == mueller && h.GetProperty("kind").GetString() == "Contact");
        var full = Search(await admin.GetJsonAsync($"/api/v1/search?q={tag}"));
        var ranked = full.Select(h => (h.GetProperty("kind").GetString(), h.GetProperty("id").GetInt64())).ToList();
        Assert.True(ranked.IndexOf(("Contact", mueller)) < ranked.IndexOf(("Note", note)), string.Join(", ", ranked));
        Assert.Contains(("Contact", other), ranked);

        foreach (var spelling in new[] { "Müller", "muller", "MUELLER", "müll" })
        {
            var hits = Search(await admin.GetJsonAsync($"/api/v1/search?limit=50&q={Uri.EscapeDataString(spelling + " " + tag)}"));
            Assert.True(hits.Any(h => h.GetProperty("id").GetInt64() == mueller && h.GetProperty("kind").GetString() == "Contact"), $"'{spelling}' should find Müller");
        }
        // What was typed ranks above what only the transliteration finds: "mue" shows Mueller before Mubarak, though M-u-b sorts first.
        var twins = TestHttp.Unique("T");
        var mubarak = Id(await admin.CreateAsync("/api/v1/contacts", new { firstName = twins, lastName = "Mubarak" }));
        var muellerTyped = Id(await admin.CreateAsync("/api/v1/contacts", new { firstName = twins, lastName = "Mueller" }));
        var order = Search(await admin.GetJsonAsync($"/api/v1/search?limit=50&q={Uri.EscapeDataString("mue " + twins)}"))
            .Where(h => h.GetProperty("kind").GetString() == "Contact").Select(h => h.GetProperty("id").GetInt64()).ToList();
        Assert.True(order.IndexOf(muellerTyped) >= 0 && order.IndexOf(muellerTyped) < order.IndexOf(mubarak), string.Join(", ", order));
        // Note text: word prefixes, accents and ß folded.
        foreach (var word in new[] { "strassenk", "Straßenkarte", "STRASSENKARTE" })
        {
            var hits = Search(await admin.GetJsonAsync($"/api/v1/search?limit=50&q={Uri.EscapeDataString(word)}"));
            Assert.True(hits.Any(h => h.GetProperty("kind").GetString() == "Note" && h.GetProperty("id").GetInt64() == note), $"'{word}' should find the note");
        }
    }

    [Fact]
    public async Task The_timeline_names_the_list_a_contact_was_imported_from_only_to_those_who_may_open_it()
    {
        var owner = await app.UserAsync("Rep", TestHttp.Unique("Süd"));
        var other = await app.UserAsync("Rep", TestHttp.Unique("Nord"));
        var admin = await app.UserAsync("Admin");
        var contactId = await app.WithDbAsync(async (db, _) =>
        {
            var list = new Prospector.Data.ProspectingList { Name = "Süd geheim: Übernahmeziele", OwnerId = owner.Id, TeamId = owner.TeamId };
            db.ProspectingLists.Add(list);
            await db.SaveChangesAsync();
            var import = new Prospector.Data.Import { ListId = list.Id, FileName = "ziele.csv", CreatedById = admin.Id, CreatedAt = DateTime.UtcNow, FinishedAt = DateTime.UtcNow };
            // Converted from that list, then handed to a rep of another team.
            var contact = new Prospector.Data.Contact { LastName = "Handed over", OwnerId = other.Id, TeamId = other.TeamId, SourceListId = list.Id };
            db.Imports.Add(import);
            db.Contacts.Add(contact);
            await db.SaveChangesAsync();
            db.ListRows.Add(new Prospector.Data.ListRow { ListId = list.Id, RowNumber = 1, ImportId = import.Id, ContactId = contact.Id, State = Prospector.Data.ListRowState.Converted });
            await db.SaveChangesAsync();
            return contact.Id;
        });
        async Task<System.Text.Json.JsonElement> ImportEntry(TestUser u) => Assert.Single(
            (await u.Client.GetJsonAsync($"/api/v1/timeline?contactId={contactId}&type=Import")).GetProperty("items").EnumerateArray());

        var seen = await ImportEntry(other);
        static bool Absent(System.Text.Json.JsonElement e, string name) => !e.TryGetProperty(name, out var v) || v.ValueKind == System.Text.Json.JsonValueKind.Null;
        Assert.True(Absent(seen, "text") && Absent(seen, "reason"), seen.ToString());
        var named = await ImportEntry(admin);
        Assert.Equal(("Süd geheim: Übernahmeziele", "ziele.csv"), (named.GetProperty("text").GetString(), named.GetProperty("reason").GetString()));
    }
}

public sealed class ConversationsApiTestsSqlite(SqliteApp f) : ConversationsApiTests(f.Factory), IClassFixture<SqliteApp>;
public sealed class ConversationsApiTestsPostgres(PostgresApp f) : ConversationsApiTests(f.Factory), IClassFixture<PostgresApp>;
