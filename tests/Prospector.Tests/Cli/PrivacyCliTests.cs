using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Microsoft.Data.Sqlite;
using Prospector.Tests.Browser;
using Prospector.Tests.Infrastructure;

namespace Prospector.Tests.Cli;

/// <summary>
/// GDPR requests and backups from the command line, next to a running server: export a person's data to a ZIP, erase
/// them (only with --yes), back up — each recorded in the audit trail as done from the command line.
/// </summary>
public sealed class PrivacyCliTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("prospector-privacy-").FullName;

    [Fact]
    public async Task Export_erase_and_backup_from_the_command_line_are_done_and_recorded()
    {
        var data = Path.Combine(_dir, "data");
        Assert.Equal(0, (await ProspectorExe.RunAsync(["user", "add", "admin@example.de", "--role", "admin", "--data-dir", data], stdin: "ein-langes-passwort\n")).ExitCode);
        var secret = (await ProspectorExe.RunAsync(["token", "create", "admin@example.de", "--data-dir", data])).StdOut.Trim();
        long id;
        await using (var server = await ServerProcess.StartAsync(data))
        {
            using var http = new HttpClient { BaseAddress = new Uri(server.BaseUrl) };
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", secret);
            var res = await http.PostAsJsonAsync("/api/v1/contacts", new { firstName = "Zqcli", lastName = "Personfromcli", email = "zqcli@example.org" });
            Assert.Equal(HttpStatusCode.Created, res.StatusCode);
            id = (await res.ReadJsonAsync()).GetProperty("id").GetInt64();

            var zip = Path.Combine(_dir, "person.zip");
            var export = await ProspectorExe.RunAsync(["contact", "export-personal-data", id.ToString(System.Globalization.CultureInfo.InvariantCulture), "-o", zip, "--data-dir", data]);
            Assert.True(export.ExitCode == 0, export.StdErr);
            using (var archive = ZipFile.OpenRead(zip))
            {
                var json = new StreamReader(archive.GetEntry("personal-data.json")!.Open()).ReadToEnd();
                Assert.Contains("Personfromcli", json, StringComparison.Ordinal);
                Assert.Contains("zqcli@example.org", json, StringComparison.Ordinal);
            }
            var again = await ProspectorExe.RunAsync(["contact", "export-personal-data", id.ToString(System.Globalization.CultureInfo.InvariantCulture), "-o", zip, "--data-dir", data]);
            Assert.Equal(1, again.ExitCode);
            Assert.Contains("--force", again.StdErr, StringComparison.Ordinal);

            var unconfirmed = await ProspectorExe.RunAsync(["contact", "erase", id.ToString(System.Globalization.CultureInfo.InvariantCulture), "--data-dir", data]);
            Assert.Equal(1, unconfirmed.ExitCode);
            Assert.Contains("--yes", unconfirmed.StdErr, StringComparison.Ordinal);
            Assert.Equal("Personfromcli", (await http.GetFromJsonAsync<System.Text.Json.JsonElement>($"/api/v1/contacts/{id}")).GetProperty("lastName").GetString());

            var missing = await ProspectorExe.RunAsync(["contact", "erase", "987654321", "--yes", "--data-dir", data]);
            Assert.Equal(1, missing.ExitCode);
            Assert.StartsWith("error: There is no contact 987654321.", missing.StdErr, StringComparison.Ordinal);

            var erase = await ProspectorExe.RunAsync(["contact", "erase", id.ToString(System.Globalization.CultureInfo.InvariantCulture), "--yes", "--data-dir", data]);
            Assert.True(erase.ExitCode == 0, erase.StdErr);
            var tombstone = await http.GetFromJsonAsync<System.Text.Json.JsonElement>($"/api/v1/contacts/{id}");
            Assert.Equal("Erased contact", tombstone.GetProperty("lastName").GetString());
            Assert.Equal(System.Text.Json.JsonValueKind.Null, tombstone.GetProperty("email").ValueKind);

            var backup = await ProspectorExe.RunAsync(["backup", "-o", Path.Combine(_dir, "backup.db"), "--data-dir", data]);
            Assert.True(backup.ExitCode == 0, backup.StdErr);
            Assert.Equal("", backup.StdErr.Trim());
        }

        await using var db = new SqliteConnection($"Data Source={Path.Combine(data, "prospector.db")};Pooling=False");
        await db.OpenAsync();
        await using var cmd = db.CreateCommand();
        cmd.CommandText = "SELECT Action, EntityId, UserName, RemoteIp, Changes FROM AuditEntries WHERE Action IN ('TokenCreated', 'PersonalDataExported', 'Erased', 'BackedUp') ORDER BY Id";
        var rows = new List<(string Action, long EntityId, string? User, string? Ip, string Changes)>();
        await using (var r = await cmd.ExecuteReaderAsync())
            while (await r.ReadAsync()) rows.Add((r.GetString(0), r.GetInt64(1), r.IsDBNull(2) ? null : r.GetString(2), r.IsDBNull(3) ? null : r.GetString(3), r.GetString(4)));
        Assert.Equal(["TokenCreated", "PersonalDataExported", "Erased", "BackedUp"], rows.Select(x => x.Action));
        Assert.All(rows, x => Assert.Equal("cli", x.Ip));
        Assert.All(rows, x => Assert.StartsWith("CLI (", x.User, StringComparison.Ordinal));
        Assert.Equal(id, rows[1].EntityId);
        Assert.Equal(id, rows[2].EntityId);
        Assert.Equal("[]", rows[2].Changes);
        Assert.Contains("backup.db", rows[3].Changes, StringComparison.Ordinal);
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        try { Directory.Delete(_dir, recursive: true); } catch (IOException) { }
    }
}
