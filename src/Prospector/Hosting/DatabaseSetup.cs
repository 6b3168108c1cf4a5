using System.Data.Common;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Prospector.Data;

namespace Prospector.Hosting;

public enum DatabaseProvider { Sqlite, Postgres }

/// <summary>Chooses SQLite (embedded default) or PostgreSQL from configuration.</summary>
public static class DatabaseSetup
{
    public static DatabaseProvider Provider(IConfiguration config) =>
        Enum.TryParse<DatabaseProvider>(config["Database:Provider"], ignoreCase: true, out var p) ? p : DatabaseProvider.Sqlite;

    public static string DataDir(IConfiguration config) =>
        Path.GetFullPath(config["DataDir"] is { Length: > 0 } d ? d : Path.Combine(Directory.GetCurrentDirectory(), "data"));

    public static string ConnectionString(IConfiguration config) =>
        config.GetConnectionString("Prospector") is { Length: > 0 } cs && Provider(config) == DatabaseProvider.Postgres ? cs
        : Provider(config) == DatabaseProvider.Postgres
            ? throw new StartupException("Database:Provider is Postgres but ConnectionStrings:Prospector is not set.")
            : config.GetConnectionString("Prospector") is { Length: > 0 } sqlite ? sqlite
            : new SqliteConnectionStringBuilder
            {
                DataSource = Path.Combine(DataDir(config), "prospector.db"),
                // Also the busy timeout: Microsoft.Data.Sqlite retries a locked database for this long.
                DefaultTimeout = 30,
                Pooling = true,
            }.ToString();

    /// <summary>
    /// The app's PostgreSQL sessions run without JIT compilation (<c>-c jit=off</c> in the connection's Options), unless the
    /// connection string's Options set <c>jit</c> themselves. PostgreSQL compiles a query to machine code when its estimated
    /// cost is high; the reports' queries cross that line at full size but run in tens to hundreds of milliseconds, and the
    /// compiling took longer than the query (424 of 673 ms for the activity report's overdue next actions at 1,000,000
    /// contacts; docs/decisions/0033-postgres-without-jit.md).
    /// </summary>
    public static string WithoutJit(string cs)
    {
        var b = new Npgsql.NpgsqlConnectionStringBuilder(cs);
        if (b.Options is { } given && given.Contains("jit", StringComparison.OrdinalIgnoreCase)) return cs;
        b.Options = string.IsNullOrWhiteSpace(b.Options) ? "-c jit=off" : $"{b.Options} -c jit=off";
        return b.ConnectionString;
    }

    public static DbContextOptionsBuilder Configure(DbContextOptionsBuilder options, IConfiguration config)
    {
        // Consents and personal dates are only ever read through their contact, whose filter already applies.
        // WorkspaceSettings is one row, read with a bare FirstAsync: nothing to order.
        // Take without OrderBy is deliberate where it stays: capped counts ("10,000+": Take(cap).Count()) and existence probes,
        // where any rows will do and a sort would only cost. Batches that work through rows order them.
        options.ConfigureWarnings(w => w.Ignore(CoreEventId.PossibleIncorrectRequiredNavigationWithQueryFilterInteractionWarning,
            CoreEventId.FirstWithoutOrderByAndFilterWarning, CoreEventId.RowLimitingOperationWithoutOrderByWarning));
        // IgnoreQueryFilters composed into a query that also reads a filtered set would drop that set's recycle-bin filter.
        options.AddInterceptors(SoftDeleteGuard.Instance);
        var cs = ConnectionString(config);
        if (Provider(config) == DatabaseProvider.Postgres)
            options.UseNpgsql(WithoutJit(cs), o => o.MigrationsAssembly("Prospector.Migrations.Postgres"));
        else
            options.UseSqlite(cs, o => o.MigrationsAssembly("Prospector.Migrations.Sqlite"))
                .AddInterceptors(new SqlitePragmas());
        return options;
    }

    /// <summary>Fails early, with one clear line, when the SQLite data directory cannot be written.</summary>
    public static void EnsureDataDirWritable(IConfiguration config)
    {
        if (Provider(config) != DatabaseProvider.Sqlite || config.GetConnectionString("Prospector") is { Length: > 0 }) return;
        var dir = DataDir(config);
        try
        {
            Directory.CreateDirectory(dir);
            var probe = Path.Combine(dir, $".write-test-{Environment.ProcessId}");
            File.WriteAllText(probe, "");
            File.Delete(probe);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new StartupException($"The data directory {dir} cannot be written: {e.Message}");
        }
    }

    public static async Task MigrateAsync(ProspectorDb db, CancellationToken ct)
    {
        try
        {
            // On a migrated database (every start but the first after an upgrade) MigrateAsync would still build the
            // migrations' model and compare it with the app's (about a second at start-up): list the pending ones first.
            if ((await db.Database.GetPendingMigrationsAsync(ct)).Any())
                await db.Database.MigrateAsync(ct);
            if (db.Database.IsSqlite())
            {
                await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;", ct);
                await PlannerStatistics.RefreshAsync(db, ct);
            }
            await FillTitleKeysAsync(db, ct);
        }
        catch (Exception e) when (e is DbException or InvalidOperationException or TimeoutException && e is not StartupException)
        {
            var where = db.Database.IsNpgsql() ? $"PostgreSQL at {PostgresTarget(db.Database.GetConnectionString())}" : "SQLite";
            throw new StartupException($"Cannot open the database {where}: {(e.InnerException ?? e).Message}");
        }
    }

    /// <summary>
    /// Deals saved before their titles had a search key (<see cref="Opportunity.TitleKey"/>, migration OpportunityTitleKey)
    /// get it here, in batches; a key is never empty once set, so an interrupted fill goes on at the next start, and on a
    /// filled database this is one index lookup.
    /// </summary>
    private static async Task FillTitleKeysAsync(ProspectorDb db, CancellationToken ct)
    {
        // Plain SQL for the check: a LINQ query here is compiled at every start (measured: ~0.6 s of start-up).
        var check = db.Database.IsNpgsql() ? """SELECT 1 FROM "Opportunities" WHERE "TitleKey" = '' LIMIT 1"""
            : "SELECT 1 FROM Opportunities WHERE TitleKey = '' LIMIT 1";
        await db.Database.OpenConnectionAsync(ct);
        try
        {
            await using var command = db.Database.GetDbConnection().CreateCommand();
            command.CommandText = check;
            if (await command.ExecuteScalarAsync(ct) is null) return;
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
        while (true)
        {
            var batch = await db.Opportunities.IgnoreQueryFilters().Where(o => o.TitleKey == "").OrderBy(o => o.Id).Take(2000)
                .Select(o => new { o.Id, o.Title }).ToListAsync(ct);
            if (batch.Count == 0) return;
            var ids = batch.Select(o => o.Id).ToArray();
            var keys = batch.Select(o => Opportunity.KeyOf(o.Title)).ToArray();
            if (db.Database.IsNpgsql())
                await db.Database.ExecuteSqlRawAsync(
                    """UPDATE "Opportunities" AS o SET "TitleKey" = v.k FROM unnest({0}, {1}) AS v(i, k) WHERE o."Id" = v.i""", [ids, keys], ct);
            else
                await db.Database.ExecuteSqlRawAsync(
                    """
                    UPDATE Opportunities SET TitleKey = json_extract(j.value, '$[1]')
                    FROM json_each({0}) AS j WHERE Opportunities.Id = json_extract(j.value, '$[0]')
                    """, [System.Text.Json.JsonSerializer.Serialize(batch.Select((o, n) => new object[] { o.Id, keys[n] }))], ct);
        }
    }

    private static string PostgresTarget(string? cs)
    {
        var b = new Npgsql.NpgsqlConnectionStringBuilder(cs);
        return $"{b.Host}:{b.Port}/{b.Database}";
    }

    /// <summary>
    /// Durability and concurrency settings that SQLite keeps per connection. Pooled connections keep them too, so they are
    /// set once per underlying connection (the native handle), not at every open: most requests open a pooled one.
    /// </summary>
    private sealed class SqlitePragmas : DbConnectionInterceptor
    {
        // secure_delete: freed space is overwritten with zeros, so an erased person's text does not linger in free pages.
        private const string Sql = "PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON; PRAGMA secure_delete=ON;";
        private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<object, object> Configured = new();

        private static bool IsConfigured(DbConnection connection) =>
            connection is SqliteConnection { Handle: { } handle } && Configured.TryGetValue(handle, out _);

        private static void MarkConfigured(DbConnection connection)
        {
            if (connection is SqliteConnection { Handle: { } handle }) Configured.AddOrUpdate(handle, Sql);
        }

        public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData)
        {
            if (IsConfigured(connection)) return;
            using var cmd = connection.CreateCommand();
            cmd.CommandText = Sql;
            cmd.ExecuteNonQuery();
            MarkConfigured(connection);
        }

        public override async Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData, CancellationToken ct = default)
        {
            if (IsConfigured(connection)) return;
            await using var cmd = connection.CreateCommand();
            cmd.CommandText = Sql;
            await cmd.ExecuteNonQueryAsync(ct);
            MarkConfigured(connection);
        }
    }
}

/// <summary>A start-up problem the operator must fix; printed as one line, never as a stack trace.</summary>
public sealed class StartupException(string message) : Exception(message);
