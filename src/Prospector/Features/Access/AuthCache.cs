using System.Collections.Concurrent;
using System.Data.Common;
using System.Runtime.CompilerServices;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Prospector.Features.Access;

/// <summary>
/// What every authenticated request needs to know about its caller — the API token's or the sign-in session's user, stamp and
/// role, the user's access scope inputs (teams, team members, "reps see all"), whether two-factor must be set up first —
/// resolved once and kept in memory, so a request costs no database query for it (docs/decisions/0015).
/// <para>
/// Correctness on this instance: every write to a table those answers come from (users, roles, teams, team members, API
/// tokens, sessions, workspace settings) made through this instance's <see cref="Data.ProspectorDb"/> — tracked changes,
/// ExecuteUpdate/ExecuteDelete and raw SQL alike — is seen by <see cref="Invalidator"/> and drops every entry, after the
/// statement ran and again when its transaction commits. An answer loaded while such a write was under way is not stored
/// (generation check), so a revoked token, ended session, deactivated user, changed role or team is refused or applied at
/// the very next request. Other instances and CLI commands run in another process cannot tell this one: entries expire
/// after <see cref="Ttl"/> (<c>Auth:CacheSeconds</c>, default 5; 0 turns the cache off and every request reads the database).
/// </para>
/// </summary>
public sealed class AuthCache
{
    /// <summary>More entries than this (e.g. a flood of distinct tokens) and the cache starts over rather than grow.</summary>
    private const int MaxEntries = 20_000;

    private readonly ConcurrentDictionary<string, Entry> entries = new(StringComparer.Ordinal);
    private readonly TimeProvider time;
    private long generation;

    public AuthCache(TimeProvider time, IConfiguration config)
    {
        this.time = time;
        Ttl = TimeSpan.FromSeconds(Math.Max(0, config.GetValue("Auth:CacheSeconds", 5.0)));
        Invalidator = new Interceptor(this);
        CommitWatcher = new TransactionWatcher(this);
    }

    /// <summary>How long an answer may be used without hearing of a change (the delay for changes made elsewhere).</summary>
    public TimeSpan Ttl { get; }

    /// <summary>Drops every entry when a statement writes to a table the cached answers come from.</summary>
    public IInterceptor Invalidator { get; }

    /// <summary>Drops every entry again when a transaction with such a write commits.</summary>
    public IInterceptor CommitWatcher { get; }

    private sealed record Entry(object? Value, long Generation, DateTimeOffset ExpiresAt);

    /// <summary>The cached answer for <paramref name="key"/>, or the loaded one (stored unless a change came in meanwhile). Null answers are not stored.</summary>
    public async ValueTask<T?> GetOrLoadAsync<T>(string key, Func<Task<T?>> load)
    {
        var now = time.GetUtcNow();
        var current = Volatile.Read(ref generation);
        if (entries.TryGetValue(key, out var hit) && hit.Generation == current && hit.ExpiresAt > now)
            return (T?)hit.Value;
        var value = await load();
        if (value is not null && Ttl > TimeSpan.Zero && Volatile.Read(ref generation) == current)
        {
            if (entries.Count >= MaxEntries) entries.Clear();
            entries[key] = new Entry(value, current, now + Ttl);
        }
        return value;
    }

    /// <summary>
    /// Changes the cached answer for <paramref name="key"/> in place (e.g. a "last used" time just written), if there is a
    /// current one; a drop that came in meanwhile wins.
    /// </summary>
    public void Update<T>(string key, Func<T, T> change)
    {
        var current = Volatile.Read(ref generation);
        if (entries.TryGetValue(key, out var hit) && hit.Generation == current && hit.Value is T value)
            entries.TryUpdate(key, hit with { Value = change(value) }, hit);
    }

    private static readonly AsyncLocal<bool> stampOnly = new();

    /// <summary>
    /// Marks the writes made until the result is disposed (on this async flow) as changing no cached answer — only a "last
    /// used"/"last seen" time, which the writer then puts into its cached answer with <see cref="Update{T}"/>. Such writes
    /// drop nothing, so the stamps written every few minutes per token and per session do not empty the cache for everyone.
    /// (A query tag would say this in the SQL, but EF Core does not put tags on ExecuteUpdate.)
    /// </summary>
    public static StampScope StampOnly()
    {
        stampOnly.Value = true;
        return default;
    }

    /// <summary>Ends <see cref="StampOnly"/>.</summary>
    public readonly struct StampScope : IDisposable
    {
        public void Dispose() => stampOnly.Value = false;
    }

    /// <summary>Forgets every answer: the next request of every user reads the database.</summary>
    public void Invalidate()
    {
        Interlocked.Increment(ref generation);
        entries.Clear();
    }

    /// <summary>The tables (as the SQL of both providers quotes them) whose rows decide who a caller is and what they may see.</summary>
    private static readonly string[] Tables =
        ["\"Users\"", "\"AspNetUserRoles\"", "\"AspNetRoles\"", "\"Teams\"", "\"TeamMembers\"", "\"ApiTokens\"", "\"UserSessions\"", "\"WorkspaceSettings\""];

    /// <summary>Statement keywords as EF Core and this code write them (upper case, so a column such as "UpdatedAt" is no write).</summary>
    private static readonly string[] Writes = ["INSERT ", "UPDATE ", "DELETE ", "REPLACE ", "TRUNCATE ", "ALTER ", "DROP "];

    internal static bool Touches(string sql)
    {
        var writes = false;
        foreach (var w in Writes)
            if (sql.Contains(w, StringComparison.Ordinal)) { writes = true; break; }
        if (!writes) return false;
        foreach (var t in Tables)
            if (sql.Contains(t, StringComparison.Ordinal)) return true;
        return false;
    }

    private readonly ConditionalWeakTable<DbTransaction, object> dirty = new();

    private void Written(DbCommand command)
    {
        if (stampOnly.Value || !Touches(command.CommandText)) return;
        if (command.Transaction is { } tx) dirty.AddOrUpdate(tx, this);
        Invalidate();
    }

    private void Committed(DbTransaction tx)
    {
        if (!dirty.TryGetValue(tx, out _)) return;
        dirty.Remove(tx);
        Invalidate();
    }

    private sealed class Interceptor(AuthCache cache) : DbCommandInterceptor
    {
        public override int NonQueryExecuted(DbCommand command, CommandExecutedEventData eventData, int result)
        {
            cache.Written(command);
            return result;
        }

        public override ValueTask<int> NonQueryExecutedAsync(DbCommand command, CommandExecutedEventData eventData, int result, CancellationToken ct = default)
        {
            cache.Written(command);
            return ValueTask.FromResult(result);
        }

        public override DbDataReader ReaderExecuted(DbCommand command, CommandExecutedEventData eventData, DbDataReader result)
        {
            cache.Written(command);
            return result;
        }

        public override ValueTask<DbDataReader> ReaderExecutedAsync(DbCommand command, CommandExecutedEventData eventData, DbDataReader result, CancellationToken ct = default)
        {
            cache.Written(command);
            return ValueTask.FromResult(result);
        }

        public override object? ScalarExecuted(DbCommand command, CommandExecutedEventData eventData, object? result)
        {
            cache.Written(command);
            return result;
        }

        public override ValueTask<object?> ScalarExecutedAsync(DbCommand command, CommandExecutedEventData eventData, object? result, CancellationToken ct = default)
        {
            cache.Written(command);
            return ValueTask.FromResult(result);
        }
    }

    private sealed class TransactionWatcher(AuthCache cache) : DbTransactionInterceptor
    {
        public override void TransactionCommitted(DbTransaction transaction, TransactionEndEventData eventData) => cache.Committed(transaction);

        public override Task TransactionCommittedAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken ct = default)
        {
            cache.Committed(transaction);
            return Task.CompletedTask;
        }
    }
}
