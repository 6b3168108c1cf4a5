using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Microsoft.Data.Sqlite;
using Prospector.Tests.Browser;
using Prospector.Tests.Infrastructure;

namespace Prospector.Tests.Cli;

/// <summary>
/// Backup and restore as an admin runs them: the real executable, on a real data directory, while the server keeps
/// taking writes. Every write acknowledged before the backup started is in the restored database, which passes the
/// integrity check and serves again.
/// </summary>
public sealed class BackupCliTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("prospector-backup-").FullName;

    [Fact]
    public async Task A_backup_taken_under_write_load_restores_every_acknowledged_write_and_refuses_to_overwrite()
    {
        var data = Path.Combine(_dir, "data");
        Assert.Equal(0, (await ProspectorExe.RunAsync(["user", "add", "admin@example.de", "--role", "admin", "--data-dir", data], stdin: "ein-langes-passwort\n")).ExitCode);
        var secret = (await ProspectorExe.RunAsync(["token", "create", "admin@example.de", "--data-dir", data])).StdOut.Trim();
        var backup = Path.Combine(_dir, "prospector-backup.db");

        var acknowledgedBeforeBackup = new List<long>();
        await using (var server = await ServerProcess.StartAsync(data))
        {
            using var http = new HttpClient { BaseAddress = new Uri(server.BaseUrl) };
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", secret);
            using var stop = new CancellationTokenSource();
            var acknowledged = new List<long>();
            var thirtyWritten = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var writer = Task.Run(async () =>
            {
                for (var i = 0; !stop.IsCancellationRequested; i++)
                {
                    var res = await http.PostAsJsonAsync("/api/v1/contacts", new { lastName = $"Last{i}", firstName = "Load" });
                    Assert.Equal(HttpStatusCode.Created, res.StatusCode);
                    var id = (await res.ReadJsonAsync()).GetProperty("id").GetInt64();
                    lock (acknowledged)
                    {
                        acknowledged.Add(id);
                        if (acknowledged.Count == 30) thirtyWritten.SetResult();
                    }
                }
            });
            // Wait for the writer (or its failure), never a fixed time.
            await Task.WhenAny(thirtyWritten.Task, writer);
            if (!thirtyWritten.Task.IsCompleted) await writer; // surfaces the failed write
            Assert.True(thirtyWritten.Task.IsCompleted, "the writer stopped before 30 writes");
            lock (acknowledged) acknowledgedBeforeBackup.AddRange(acknowledged);
            var made = await ProspectorExe.RunAsync(["backup", "-o", backup, "--data-dir", data]);
            Assert.True(made.ExitCode == 0, made.StdErr);
            Assert.Contains("integrity ok", made.StdOut, StringComparison.Ordinal);
            lock (acknowledged) Assert.True(acknowledged.Count > acknowledgedBeforeBackup.Count || !writer.IsCompleted);
            stop.Cancel();
            await writer;

            // A second backup to the same file is refused with one line, unless --force.
            var again = await ProspectorExe.RunAsync(["backup", "-o", backup, "--data-dir", data]);
            Assert.Equal(1, again.ExitCode);
            Assert.StartsWith("error: ", again.StdErr, StringComparison.Ordinal);
            Assert.Contains("--force", again.StdErr, StringComparison.Ordinal);
        }

        // Restore into an empty data directory.
        var restored = Path.Combine(_dir, "restored");
        var restore = await ProspectorExe.RunAsync(["restore", backup, "--data-dir", restored]);
        Assert.True(restore.ExitCode == 0, restore.StdErr);
        await using (var db = new SqliteConnection($"Data Source={Path.Combine(restored, "prospector.db")};Pooling=False"))
        {
            await db.OpenAsync();
            await using var cmd = db.CreateCommand();
            cmd.CommandText = "PRAGMA integrity_check";
            Assert.Equal("ok", (string?)await cmd.ExecuteScalarAsync());
            cmd.CommandText = "SELECT Id FROM Contacts";
            var ids = new HashSet<long>();
            await using (var r = await cmd.ExecuteReaderAsync()) while (await r.ReadAsync()) ids.Add(r.GetInt64(0));
            Assert.All(acknowledgedBeforeBackup, id => Assert.Contains(id, ids));
        }

        // Restoring over a database is refused without --force; with it, the old one is kept beside it.
        var over = await ProspectorExe.RunAsync(["restore", backup, "--data-dir", restored]);
        Assert.Equal(1, over.ExitCode);
        Assert.Contains("--force", over.StdErr, StringComparison.Ordinal);
        var forced = await ProspectorExe.RunAsync(["restore", backup, "--data-dir", restored, "--force"]);
        Assert.True(forced.ExitCode == 0, forced.StdErr);
        Assert.Single(Directory.GetFiles(restored, "prospector.db.before-restore-*"), f => !f.EndsWith("-wal", StringComparison.Ordinal) && !f.EndsWith("-shm", StringComparison.Ordinal));

        // The restored database serves: the token and the contacts are there.
        await using (var server = await ServerProcess.StartAsync(restored))
        {
            using var http = new HttpClient { BaseAddress = new Uri(server.BaseUrl) };
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", secret);
            var first = await http.GetAsync($"/api/v1/contacts/{acknowledgedBeforeBackup[0]}");
            Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        }
    }

    [Fact]
    public async Task A_file_that_is_not_a_backup_is_refused_and_nothing_is_written()
    {
        var junk = Path.Combine(_dir, "junk.db");
        await File.WriteAllTextAsync(junk, "this is not a database");
        var target = Path.Combine(_dir, "target");
        var restore = await ProspectorExe.RunAsync(["restore", junk, "--data-dir", target]);
        Assert.Equal(1, restore.ExitCode);
        Assert.StartsWith("error: ", restore.StdErr, StringComparison.Ordinal);
        Assert.Single(restore.StdErr.Trim().Split('\n'));
        Assert.False(File.Exists(Path.Combine(target, "prospector.db")));
        var missing = await ProspectorExe.RunAsync(["restore", Path.Combine(_dir, "nope.db"), "--data-dir", target]);
        Assert.Equal(1, missing.ExitCode);
        Assert.Contains("no backup file", missing.StdErr, StringComparison.Ordinal);
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        try { Directory.Delete(_dir, recursive: true); } catch (IOException) { }
    }
}
