using System.Diagnostics;
using System.Globalization;
using Microsoft.Data.Sqlite;
using Npgsql;
using Prospector.Hosting;

namespace Prospector.Features.Operations;

/// <summary>
/// Consistent backups and restores of the database, while the server runs. SQLite: <c>VACUUM INTO</c> reads one
/// snapshot of the database (WAL mode lets the server keep writing) into a new, compact file, which is then checked with
/// <c>PRAGMA integrity_check</c> before it gets its final name. PostgreSQL: <c>pg_dump --format=custom</c> (and
/// <c>pg_restore</c>), when the PostgreSQL client tools are installed.
/// </summary>
public static class Backups
{
    /// <summary>Writes a backup of the configured database to <paramref name="target"/>; returns what was written.</summary>
    public static async Task<string> BackupAsync(IConfiguration config, string target, bool force, CancellationToken ct)
    {
        target = Path.GetFullPath(target);
        if (File.Exists(target) && !force)
            throw new IOException($"{target} already exists; choose another file or add --force to replace it.");
        if (Path.GetDirectoryName(target) is { } dir && !Directory.Exists(dir))
            throw new IOException($"The folder {dir} does not exist.");
        if (DatabaseSetup.Provider(config) == DatabaseProvider.Postgres)
        {
            await RunToolAsync("pg_dump", ["--format=custom", "--no-owner", $"--file={target}"], DatabaseSetup.ConnectionString(config), ct);
            return $"Backed up PostgreSQL to {target} ({Size(target)}); restore it with `prospector restore`.";
        }
        var source = new SqliteConnectionStringBuilder(DatabaseSetup.ConnectionString(config)).DataSource;
        if (!File.Exists(source)) throw new IOException($"There is no database at {source} to back up.");
        var partial = target + ".partial";
        File.Delete(partial);
        await using (var db = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = source, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString()))
        {
            await db.OpenAsync(ct);
            await using var vacuum = db.CreateCommand();
            vacuum.CommandText = "VACUUM INTO $target";
            vacuum.Parameters.AddWithValue("$target", partial);
            await vacuum.ExecuteNonQueryAsync(ct);
        }
        await CheckSqliteAsync(partial, ct);
        File.Move(partial, target, overwrite: true);
        return $"Backed up {source} to {target} ({Size(target)}, integrity ok).";
    }

    /// <summary>
    /// Restores <paramref name="backup"/> as the configured database. Refuses a database that is there already unless
    /// <paramref name="force"/>; then the old one is kept beside it (<c>prospector.db.before-restore-…</c>). Stop the
    /// server first: it must not have the database open.
    /// </summary>
    public static async Task<string> RestoreAsync(IConfiguration config, string backup, bool force, TimeProvider time, CancellationToken ct)
    {
        backup = Path.GetFullPath(backup);
        if (!File.Exists(backup)) throw new IOException($"There is no backup file {backup}.");
        if (DatabaseSetup.Provider(config) == DatabaseProvider.Postgres)
        {
            var args = new List<string> { "--no-owner", "--exit-on-error" };
            if (force) args.AddRange(["--clean", "--if-exists"]);
            else if (await PostgresHasTablesAsync(DatabaseSetup.ConnectionString(config), ct))
                throw new IOException("The PostgreSQL database already has tables; add --force to replace them with the backup.");
            args.Add(backup);
            await RunToolAsync("pg_restore", args, DatabaseSetup.ConnectionString(config), ct);
            return $"Restored {backup} into PostgreSQL.";
        }
        await CheckSqliteAsync(backup, ct);
        var target = new SqliteConnectionStringBuilder(DatabaseSetup.ConnectionString(config)).DataSource;
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(target))!);
        string? kept = null;
        if (File.Exists(target))
        {
            if (!force) throw new IOException($"{target} already exists; add --force to replace it (the old one is kept beside it).");
            kept = $"{target}.before-restore-{time.GetUtcNow().UtcDateTime.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture)}";
            SqliteConnection.ClearAllPools();
            File.Move(target, kept);
            foreach (var side in new[] { "-wal", "-shm" })
                if (File.Exists(target + side)) File.Move(target + side, kept + side);
        }
        var partial = target + ".partial";
        File.Copy(backup, partial, overwrite: true);
        File.Move(partial, target);
        return kept is null ? $"Restored {backup} to {target}." : $"Restored {backup} to {target}; the previous database is kept as {kept}.";
    }

    private static async Task CheckSqliteAsync(string file, CancellationToken ct)
    {
        try
        {
            await using var db = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = file, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString());
            await db.OpenAsync(ct);
            await using var check = db.CreateCommand();
            check.CommandText = "PRAGMA integrity_check";
            var result = (string?)await check.ExecuteScalarAsync(ct);
            if (result != "ok") throw new IOException($"{file} fails the integrity check: {result}");
            check.CommandText = "SELECT count(*) FROM sqlite_master WHERE name = '__EFMigrationsHistory'";
            if (Convert.ToInt64(await check.ExecuteScalarAsync(ct), CultureInfo.InvariantCulture) == 0)
                throw new IOException($"{file} is not a Prospector database.");
        }
        catch (SqliteException e)
        {
            throw new IOException($"{file} is not a readable SQLite database ({e.Message.TrimEnd('.')}).");
        }
    }

    private static async Task<bool> PostgresHasTablesAsync(string cs, CancellationToken ct)
    {
        await using var db = new NpgsqlConnection(cs);
        await db.OpenAsync(ct);
        await using var cmd = new NpgsqlCommand("SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public'", db);
        return Convert.ToInt64(await cmd.ExecuteScalarAsync(ct), CultureInfo.InvariantCulture) > 0;
    }

    /// <summary>Runs pg_dump/pg_restore with the connection from the configuration (the password through PGPASSWORD, never on the command line).</summary>
    private static async Task RunToolAsync(string tool, IEnumerable<string> args, string cs, CancellationToken ct)
    {
        var c = new NpgsqlConnectionStringBuilder(cs);
        var psi = new ProcessStartInfo(tool) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        psi.ArgumentList.Add($"--host={c.Host}");
        psi.ArgumentList.Add($"--port={c.Port}");
        if (c.Username is { } user) psi.ArgumentList.Add($"--username={user}");
        psi.ArgumentList.Add($"--dbname={c.Database}");
        foreach (var a in args) psi.ArgumentList.Add(a);
        if (c.Password is { } password) psi.Environment["PGPASSWORD"] = password;
        Process process;
        try
        {
            process = Process.Start(psi) ?? throw new IOException($"{tool} could not be started.");
        }
        catch (System.ComponentModel.Win32Exception)
        {
            throw new IOException($"{tool} is not installed (Debian: apt-get install postgresql-client); see README \"Backups\".");
        }
        using (process)
        {
            var stderr = process.StandardError.ReadToEndAsync(ct);
            await process.WaitForExitAsync(ct);
            if (process.ExitCode != 0)
                throw new IOException($"{tool} failed: {(await stderr).Trim().Split('\n').FirstOrDefault()}");
        }
    }

    private static string Size(string file) =>
        string.Create(CultureInfo.InvariantCulture, $"{new FileInfo(file).Length / 1024.0 / 1024.0:0.0} MB");
}
