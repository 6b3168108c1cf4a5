using System.Net;
using Prospector.Tests.Infrastructure;

namespace Prospector.Tests.Http;

/// <summary>
/// Optimistic concurrency under a real race: two users PATCH the same version at the same moment. Exactly one wins,
/// the other is told (412) instead of silently overwriting, and after reloading its change goes through too.
/// </summary>
public abstract class ConcurrencyTests(ProspectorFactory app)
{
    private const int Rounds = 6;

    [Theory]
    [InlineData("/api/v1/contacts", "lastName", "city", "jobTitle")]
    [InlineData("/api/v1/companies", "name", "city", "industry")]
    public async Task Two_patches_of_the_same_version_one_wins_one_gets_412_and_nothing_is_lost(
        string url, string nameField, string fieldA, string fieldB)
    {
        var alice = (await app.UserAsync("Rep", "Nord")).Client;
        var bob = (await app.UserAsync("Rep", "Nord")).Client;
        var id = (await alice.CreateAsync(url, new Dictionary<string, object> { [nameField] = "Race" })).GetProperty("id").GetInt64();
        var record = $"{url}/{id}";

        for (var round = 1; round <= Rounds; round++)
        {
            var before = await alice.GetAsync(record);
            var etag = before.ETag()!;
            var version = (await before.ReadJsonAsync()).GetProperty("version").GetInt32();
            var valueA = $"A{round}";
            var valueB = $"B{round}";

            var results = await Task.WhenAll(
                alice.PatchAsync(record, new Dictionary<string, object> { [fieldA] = valueA }, etag),
                bob.PatchAsync(record, new Dictionary<string, object> { [fieldB] = valueB }, etag));

            var codes = results.Select(r => r.StatusCode).ToList();
            Assert.True(codes.Count(c => c == HttpStatusCode.OK) == 1 && codes.Count(c => c == HttpStatusCode.PreconditionFailed) == 1,
                $"round {round}: expected one 200 and one 412, got {string.Join(", ", codes.Select(c => (int)c))}: "
                + string.Join(" | ", await Task.WhenAll(results.Select(r => r.Content.ReadAsStringAsync()))));
            var aliceWon = results[0].StatusCode == HttpStatusCode.OK;
            var (winnerField, winnerValue) = aliceWon ? (fieldA, valueA) : (fieldB, valueB);
            var (loserField, loserValue) = aliceWon ? (fieldB, valueB) : (fieldA, valueA);
            var loser = aliceWon ? bob : alice;

            // The stored record is the winner's, the version went up exactly once.
            var afterRace = await alice.GetAsync(record);
            var stored = await afterRace.ReadJsonAsync();
            Assert.Equal(version + 1, stored.GetProperty("version").GetInt32());
            Assert.Equal(winnerValue, stored.GetProperty(winnerField).GetString());
            Assert.NotEqual(loserValue, stored.GetProperty(loserField).GetString());

            // The loser reloads and reapplies: both changes are there.
            var retry = await loser.PatchAsync(record, new Dictionary<string, object> { [loserField] = loserValue }, afterRace.ETag());
            Assert.Equal(HttpStatusCode.OK, retry.StatusCode);
            var final = await alice.GetJsonAsync(record);
            Assert.Equal(version + 2, final.GetProperty("version").GetInt32());
            Assert.Equal(winnerValue, final.GetProperty(winnerField).GetString());
            Assert.Equal(loserValue, final.GetProperty(loserField).GetString());
        }

        // Every successful write left exactly one entry in the history; the rejected ones left none.
        var history = await alice.GetJsonAsync($"{record}/history");
        Assert.Equal(2 * Rounds, history.EnumerateArray().Count(h => h.GetProperty("action").GetString() == "Updated"));
    }
}

public sealed class ConcurrencyTestsSqlite(SqliteApp f) : ConcurrencyTests(f.Factory), IClassFixture<SqliteApp>;
public sealed class ConcurrencyTestsPostgres(PostgresApp f) : ConcurrencyTests(f.Factory), IClassFixture<PostgresApp>;
