using Microsoft.Data.Sqlite;
using Npgsql;
using Prospector.Tests.Infrastructure;

namespace Prospector.Tests.Cli;

/// <summary>
/// The operations an admin runs from cron or a shell: backups into a folder with rotation, the retention period, and a
/// PostgreSQL backup restored into an empty database (pg_dump/pg_restore must be installed: test.sh makes sure; a missing
/// tool fails the test, it never skips).
/// </summary>
public sealed class OperationsCliTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("prospector-ops-").FullName;

    [Fact]
    public async Task Backups_into_a_folder_keep_the_newest_and_leave_other_files_alone()
    {
        var data = Path.Combine(_dir, "data");
        Assert.Equal(0, (await ProspectorExe.RunAsync(["user", "add", "admin@example.de", "--role", "admin", "--data-dir", data], stdin: "ein-langes-passwort\n")).ExitCode);
        var folder = Path.Combine(_dir, "backups");
        Directory.CreateDirectory(folder);
        await File.WriteAllTextAsync(Path.Combine(folder, "notes.txt"), "mine");
        await File.WriteAllTextAsync(Path.Combine(folder, "prospector-by-hand.txt"), "mine too");
        var written = new List<string>();
        for (var i = 0; i < 4; i++)
        {
            var run = await ProspectorExe.RunAsync(["backup", "--directory", folder, "--keep", "2", "--data-dir", data]);
            Assert.True(run.ExitCode == 0, run.StdErr);
            written.Add(Directory.GetFiles(folder, "prospector-*.db").Except(written).Single());
        }
        var left = Directory.GetFiles(folder).Select(Path.GetFileName).Order(StringComparer.Ordinal).ToList();
        string?[] expected = [.. written.Skip(2).Select(Path.GetFileName), "notes.txt", "prospector-by-hand.txt"];
        Assert.Equal(expected.Order(StringComparer.Ordinal), left);
        foreach (var kept in written.Skip(2))
        {
            await using var db = new SqliteConnection($"Data Source={kept};Mode=ReadOnly;Pooling=False");
            await db.OpenAsync();
            await using var cmd = db.CreateCommand();
            cmd.CommandText = "SELECT count(*) FROM Users";
            Assert.Equal(1L, (long)(await cmd.ExecuteScalarAsync())!);
        }

        var wrong = await ProspectorExe.RunAsync(["backup", "--directory", folder, "--keep", "0", "--data-dir", data]);
        Assert.Equal((1, "error: --keep must be 1 or more."), (wrong.ExitCode, wrong.StdErr.Trim()));
        var both = await ProspectorExe.RunAsync(["backup", "--directory", folder, "-o", Path.Combine(_dir, "x.db"), "--data-dir", data]);
        Assert.Equal(1, both.ExitCode);
        Assert.Equal(2, Directory.GetFiles(folder, "prospector-*.db").Length);
    }

    [Fact]
    public async Task Retention_preview_lists_nothing_on_a_fresh_workspace_and_run_wants_a_confirmation()
    {
        var data = Path.Combine(_dir, "data");
        var preview = await ProspectorExe.RunAsync(["retention", "preview", "--data-dir", data]);
        Assert.True(preview.ExitCode == 0, preview.StdErr);
        Assert.Contains("Retention period: 365 days", preview.StdOut, StringComparison.Ordinal);
        Assert.Contains("Disqualified contacts to erase: 0; from the recycle bin: 0 contact(s)", preview.StdOut, StringComparison.Ordinal);

        var unconfirmed = await ProspectorExe.RunAsync(["retention", "run", "--data-dir", data]);
        Assert.Equal(1, unconfirmed.ExitCode);
        Assert.Contains("--yes", unconfirmed.StdErr, StringComparison.Ordinal);

        var run = await ProspectorExe.RunAsync(["retention", "run", "--yes", "--data-dir", data]);
        Assert.True(run.ExitCode == 0, run.StdErr);
        Assert.StartsWith("Purged. Disqualified contacts to erase: 0", run.StdOut, StringComparison.Ordinal);
        await using var db = new SqliteConnection($"Data Source={Path.Combine(data, "prospector.db")};Pooling=False");
        await db.OpenAsync();
        await using var cmd = db.CreateCommand();
        cmd.CommandText = "SELECT Changes FROM AuditEntries WHERE Action = 'RetentionRun'";
        var changes = (string)(await cmd.ExecuteScalarAsync())!;
        Assert.Contains("\"to\":\"cli\"", changes, StringComparison.Ordinal);
        Assert.Contains("\"to\":\"done\"", changes, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_PostgreSQL_backup_restores_into_an_empty_database_and_refuses_a_full_one_without_force()
    {
        var admin = Environment.GetEnvironmentVariable("PROSPECTOR_TEST_POSTGRES")
            ?? throw new InvalidOperationException("PROSPECTOR_TEST_POSTGRES is not set: run the tests with ./test.sh, which starts a throw-away PostgreSQL.");
        var (source, target) = ($"prospector_bk_{Guid.NewGuid():N}", $"prospector_rs_{Guid.NewGuid():N}");
        await using (var conn = new NpgsqlConnection(admin))
        {
            await conn.OpenAsync();
            foreach (var name in (string[])[source, target])
                await using (var create = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", conn)) await create.ExecuteNonQueryAsync();
        }
        try
        {
            Dictionary<string, string> Env(string db) => new()
            {
                ["Database__Provider"] = "Postgres",
                ["ConnectionStrings__Prospector"] = new NpgsqlConnectionStringBuilder(admin) { Database = db }.ToString(),
            };
            Assert.Equal(0, (await ProspectorExe.RunAsync(["user", "add", "pg@example.de", "--role", "admin"], stdin: "ein-langes-passwort\n", env: Env(source))).ExitCode);
            var file = Path.Combine(_dir, "pg.dump");
            var backup = await ProspectorExe.RunAsync(["backup", "-o", file], env: Env(source));
            Assert.True(backup.ExitCode == 0, backup.StdErr); // fails when pg_dump is missing: never a silent skip
            Assert.Contains("Backed up PostgreSQL", backup.StdOut, StringComparison.Ordinal);

            var restore = await ProspectorExe.RunAsync(["restore", file], env: Env(target));
            Assert.True(restore.ExitCode == 0, restore.StdErr);
            await using (var conn = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(admin) { Database = target }.ToString()))
            {
                await conn.OpenAsync();
                await using var users = new NpgsqlCommand("SELECT \"Email\" FROM \"Users\"", conn);
                Assert.Equal("pg@example.de", (string?)await users.ExecuteScalarAsync());
            }
            var again = await ProspectorExe.RunAsync(["restore", file], env: Env(target));
            Assert.Equal(1, again.ExitCode);
            Assert.Contains("--force", again.StdErr, StringComparison.Ordinal);
            var forced = await ProspectorExe.RunAsync(["restore", file, "--force"], env: Env(target));
            Assert.True(forced.ExitCode == 0, forced.StdErr);
        }
        finally
        {
            NpgsqlConnection.ClearAllPools();
            await using var conn = new NpgsqlConnection(admin);
            await conn.OpenAsync();
            foreach (var name in (string[])[source, target])
                await using (var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)", conn)) await drop.ExecuteNonQueryAsync();
        }
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        try { Directory.Delete(_dir, recursive: true); } catch (IOException) { }
    }
}
