using System.Net;
using System.Net.Http.Headers;
using Prospector.Tests.Browser;
using Prospector.Tests.Infrastructure;

namespace Prospector.Tests.Cli;

/// <summary>The administration verbs, run as the real executable on a real data directory.</summary>
public sealed class CliTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("prospector-cli-").FullName;

    [Fact]
    public async Task User_add_reads_a_piped_password_and_token_create_prints_a_working_token()
    {
        var add = await ProspectorExe.RunAsync(["user", "add", "anna@example.de", "--role", "manager", "--team", "Nord", "--data-dir", _dir],
            stdin: "ein-langes-passwort\n");
        Assert.Equal(0, add.ExitCode);
        Assert.Contains("Created Manager anna@example.de", add.StdOut, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("Password:", add.StdOut, StringComparison.Ordinal); // it was given, not generated

        var token = await ProspectorExe.RunAsync(["token", "create", "anna@example.de", "--data-dir", _dir]);
        Assert.Equal(0, token.ExitCode);
        var secret = token.StdOut.Trim();
        Assert.StartsWith("psk_", secret, StringComparison.Ordinal);

        // The printed token works against a server on the same data directory.
        await using var server = await ServerProcess.StartAsync(_dir);
        Assert.Null(server.SetupLink); // a user exists: no setup link
        using var http = new HttpClient { BaseAddress = new Uri(server.BaseUrl) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", secret);
        var me = await http.GetAsync("/api/v1/me");
        Assert.Equal(HttpStatusCode.OK, me.StatusCode);
        Assert.Contains("anna@example.de", await me.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task User_add_generates_and_prints_a_password_when_none_is_piped()
    {
        var add = await ProspectorExe.RunAsync(["user", "add", "rep@example.nl", "--role", "rep", "--data-dir", _dir], stdin: "");
        Assert.Equal(0, add.ExitCode);
        var line = add.StdOut.Split('\n').Single(l => l.StartsWith("Password: ", StringComparison.Ordinal));
        Assert.True(line.Trim().Length >= "Password: ".Length + 16, line);
    }

    [Fact]
    public async Task Bad_input_gives_one_clear_line_and_a_non_zero_exit()
    {
        var badRole = await ProspectorExe.RunAsync(["user", "add", "x@example.de", "--role", "boss", "--data-dir", _dir], stdin: "irrelevant-password\n");
        Assert.NotEqual(0, badRole.ExitCode);
        Assert.Contains("boss", badRole.StdErr, StringComparison.Ordinal);

        var shortPassword = await ProspectorExe.RunAsync(["user", "add", "x@example.de", "--role", "rep", "--data-dir", _dir], stdin: "short\n");
        Assert.Equal(1, shortPassword.ExitCode);
        Assert.StartsWith("error: ", shortPassword.StdErr, StringComparison.Ordinal);
        Assert.Single(shortPassword.StdErr.Trim().Split('\n'));

        var noUser = await ProspectorExe.RunAsync(["token", "create", "nobody@example.de", "--data-dir", _dir]);
        Assert.Equal(1, noUser.ExitCode);
        Assert.Equal("error: There is no user nobody@example.de.", noUser.StdErr.Trim());
    }

    [Fact]
    public async Task A_data_directory_that_cannot_be_written_stops_the_server_with_one_line()
    {
        var file = Path.Combine(_dir, "not-a-directory");
        await File.WriteAllTextAsync(file, "");
        var run = await ProspectorExe.RunAsync(["serve", "--urls", "http://127.0.0.1:0", "--data-dir", Path.Combine(file, "data")]);
        Assert.Equal(1, run.ExitCode);
        var line = Assert.Single(run.StdErr.Trim().Split('\n'));
        Assert.StartsWith("error: The data directory ", line, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", run.StdOut + run.StdErr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unreachable_postgresql_stops_the_server_with_one_line()
    {
        var run = await ProspectorExe.RunAsync(["serve", "--urls", "http://127.0.0.1:0"], env: new Dictionary<string, string>
        {
            ["Database__Provider"] = "Postgres",
            ["ConnectionStrings__Prospector"] = "Host=127.0.0.1;Port=1;Username=nobody;Database=prospector;Timeout=3",
        });
        Assert.Equal(1, run.ExitCode);
        var line = Assert.Single(run.StdErr.Trim().Split('\n'));
        Assert.StartsWith("error: Cannot open the database PostgreSQL at 127.0.0.1:1/prospector", line, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", run.StdOut + run.StdErr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Migrate_reports_what_it_applied_and_is_idempotent()
    {
        var first = await ProspectorExe.RunAsync(["migrate", "--data-dir", _dir]);
        Assert.Equal(0, first.ExitCode);
        Assert.StartsWith("Applied ", first.StdOut, StringComparison.Ordinal);
        var second = await ProspectorExe.RunAsync(["migrate", "--data-dir", _dir]);
        Assert.Equal(0, second.ExitCode);
        Assert.Equal("The database is up to date.", second.StdOut.Trim());
    }

    [Fact]
    public async Task Migrate_gives_a_grown_database_planner_statistics()
    {
        // SQLite plans by sqlite_stat1 (without it, the activity report at 100,000 contacts took twice as long); the app
        // refreshes it at start-up, hourly and after imports, here through `migrate` on a workspace that grew without it.
        Assert.Equal(0, (await ProspectorExe.RunAsync(["migrate", "--data-dir", _dir])).ExitCode);
        var cs = new Microsoft.Data.Sqlite.SqliteConnectionStringBuilder { DataSource = Path.Combine(_dir, "prospector.db"), Pooling = false }.ToString();
        await using (var db = new Microsoft.Data.Sqlite.SqliteConnection(cs))
        {
            await db.OpenAsync();
            await using var fill = db.CreateCommand();
            fill.CommandText = """
                DROP TABLE IF EXISTS sqlite_stat1;
                WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 20000) INSERT INTO Tags (Name) SELECT 'tag ' || i FROM n;
                """;
            await fill.ExecuteNonQueryAsync();
        }
        Assert.Equal(0, (await ProspectorExe.RunAsync(["migrate", "--data-dir", _dir])).ExitCode);
        await using (var db = new Microsoft.Data.Sqlite.SqliteConnection(cs))
        {
            await db.OpenAsync();
            await using var read = db.CreateCommand();
            read.CommandText = "SELECT count(*) FROM sqlite_master WHERE name = 'sqlite_stat1'";
            Assert.Equal(1L, await read.ExecuteScalarAsync());
            read.CommandText = "SELECT stat FROM sqlite_stat1 WHERE tbl = 'Tags' AND idx = 'IX_Tags_Name'";
            var stat = Assert.IsType<string>(await read.ExecuteScalarAsync());
            Assert.True(long.Parse(stat.Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture) > 1000, $"Tags' statistics: {stat}");
        }
    }

    public void Dispose()
    {
        try { Directory.Delete(_dir, recursive: true); } catch (IOException) { }
    }
}
