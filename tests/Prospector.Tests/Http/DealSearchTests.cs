using Microsoft.EntityFrameworkCore;
using Prospector.Hosting;
using Prospector.Tests.Infrastructure;

namespace Prospector.Tests.Http;

/// <summary>
/// The global search finds a deal by the start of any word of its title, case- and accent-blind, in SQL over every deal
/// (it read the newest 5,000 titles and matched them in C# before); a renamed deal is found by its new title only, and a
/// deal saved before titles had a search key gets one when the server starts.
/// </summary>
public abstract class DealSearchTests(ProspectorFactory app)
{
    private static async Task<List<string>> DealTitlesAsync(HttpClient client, string q) =>
        (await client.GetJsonAsync($"/api/v1/search?q={Uri.EscapeDataString(q)}&limit=50")).GetProperty("items").EnumerateArray()
            .Where(h => h.GetProperty("kind").GetString() == "Opportunity").Select(h => h.GetProperty("title").GetString()!).ToList();

    private static async Task<long> DealAsync(HttpClient rep, string title)
    {
        var contact = (await rep.CreateAsync("/api/v1/contacts", new { lastName = TestHttp.Unique("Buyer"), stage = "Lead" })).GetProperty("id").GetInt64();
        return (await rep.CreateAsync("/api/v1/opportunities", new { contactId = contact, title, amount = 500, nextAction = new { type = "Call", dueDate = QualificationSteps.Today.AddDays(5) } })).GetProperty("id").GetInt64();
    }

    [Fact]
    public async Task A_deal_is_found_by_the_start_of_any_word_of_its_title_whatever_the_case_and_accents()
    {
        var rep = (await app.UserAsync("Rep", "Nord")).Client;
        var u = TestHttp.Unique("Zq").ToLowerInvariant();
        var title = $"Großauftrag Möbelhaus Köln {u}";
        await DealAsync(rep, title);

        foreach (var q in new[] { $"{u} grossauftrag", $"{u} Möbel", $"{u} MOBELHAUS", $"KÖLN {u}", u[..6] + " köl" })
            Assert.True((await DealTitlesAsync(rep, q)).Contains(title), $"'{q}' should find the deal");
        // Every word must start a word of the title: "auftrag" is inside one, "Berlin" is not in it.
        foreach (var q in new[] { $"{u} auftrag", $"{u} berlin" })
            Assert.DoesNotContain(title, await DealTitlesAsync(rep, q));
    }

    [Fact]
    public async Task A_renamed_deal_is_found_by_its_new_title_and_no_longer_by_the_old_one()
    {
        var rep = (await app.UserAsync("Rep", "Nord")).Client;
        var u = TestHttp.Unique("Zq").ToLowerInvariant();
        var id = await DealAsync(rep, $"Wartungsvertrag {u}");
        var renamed = await rep.PatchAsync($"/api/v1/opportunities/{id}", new { title = $"Rahmenvertrag Übersee {u}" }, "\"1\"");
        Assert.True(renamed.IsSuccessStatusCode, await renamed.Content.ReadAsStringAsync());

        Assert.Empty(await DealTitlesAsync(rep, $"{u} wartung"));
        Assert.Equal([$"Rahmenvertrag Übersee {u}"], await DealTitlesAsync(rep, $"{u} uber"));
    }

    [Fact]
    public async Task A_deal_saved_before_titles_had_a_search_key_gets_one_at_the_next_start()
    {
        var rep = (await app.UserAsync("Rep", "Nord")).Client;
        var u = TestHttp.Unique("Zq").ToLowerInvariant();
        var id = await DealAsync(rep, $"Altvertrag Düsseldorf {u}");
        // As the upgrade leaves a deal saved by an earlier version: no key (written around the app, as the migration does).
        await app.WithDbAsync((db, _) => db.Opportunities.Where(o => o.Id == id).ExecuteUpdateAsync(s => s.SetProperty(o => o.TitleKey, "")));
        Assert.Empty(await DealTitlesAsync(rep, $"{u} dusseldorf"));

        await app.WithDbAsync(async (db, _) =>
        {
            await DatabaseSetup.MigrateAsync(db, CancellationToken.None);
            return 0;
        });

        Assert.Equal([$"Altvertrag Düsseldorf {u}"], await DealTitlesAsync(rep, $"{u} dusseldorf"));
        Assert.Equal(0, await app.WithDbAsync((db, _) => db.Opportunities.IgnoreQueryFilters().CountAsync(o => o.TitleKey == "")));
    }
}

public sealed class DealSearchTestsSqlite(SqliteApp f) : DealSearchTests(f.Factory), IClassFixture<SqliteApp>;
public sealed class DealSearchTestsPostgres(PostgresApp f) : DealSearchTests(f.Factory), IClassFixture<PostgresApp>;
