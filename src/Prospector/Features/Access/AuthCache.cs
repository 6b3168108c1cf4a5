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
/// the very next request. Other processes on the same PostgreSQL (instances, CLI commands) hear of such a committed write
/// through <see cref="IAuthChangeSignal"/> (NOTIFY/LISTEN) and drop their entries too, milliseconds later. A write that no
/// instance made (psql, SQLite shared by processes) is not heard: entries expire after <see cref="Ttl"/>
/// (<c>Auth:CacheSeconds</c>, default 5; 0 turns the cache off and every request reads the database).
/// </para>
/// </summary>
public sealed class AuthCache
{
    /// <summary>More entries than this (e.g. a flood of distinct tokens) and the cache starts over rather than grow.</summary>
    private const int MaxEntries = 20_000;

    private readonly ConcurrentDictionary<string, Entry> entries = new(StringComparer.Ordinal);
    private readonly TimeProvider time;
    private long generation;

    private readonly IAuthChangeSignal? signal;

    public AuthCache(TimeProvider time, IConfiguration config, IAuthChangeSignal? signal = null)
    {
        this.time = time;
        this.signal = signal;
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

    /// <summary>Drops this instance's answers after a write they depend on; true when other processes must be told now (no transaction: it is committed).</summary>
    private bool Written(DbCommand command)
    {
        if (stampOnly.Value || !Touches(command.CommandText)) return false;
        Invalidate();
        if (command.Transaction is not { } tx) return signal is { Active: true };
        dirty.AddOrUpdate(tx, this);
        return false;
    }

    /// <summary>Drops this instance's answers when a transaction with such a write commits; true when other processes must be told.</summary>
    private bool Committed(DbTransaction tx)
    {
        if (!dirty.TryGetValue(tx, out _)) return false;
        dirty.Remove(tx);
        Invalidate();
        return signal is { Active: true };
    }

    private void Tell()
    {
        if (signal is not null) signal.Send();
    }

    private async ValueTask TellAsync(CancellationToken ct)
    {
        if (signal is not null) await signal.SendAsync(ct);
    }

    private sealed class Interceptor(AuthCache cache) : DbCommandInterceptor
    {
        public override int NonQueryExecuted(DbCommand command, CommandExecutedEventData eventData, int result)
        {
            if (cache.Written(command)) cache.Tell();
            return result;
        }

        public override async ValueTask<int> NonQueryExecutedAsync(DbCommand command, CommandExecutedEventData eventData, int result, CancellationToken ct = default)
        {
            if (cache.Written(command)) await cache.TellAsync(ct);
            return result;
        }

        public override DbDataReader ReaderExecuted(DbCommand command, CommandExecutedEventData eventData, DbDataReader result)
        {
            if (cache.Written(command)) cache.Tell();
            return result;
        }

        public override async ValueTask<DbDataReader> ReaderExecutedAsync(DbCommand command, CommandExecutedEventData eventData, DbDataReader result, CancellationToken ct = default)
        {
            if (cache.Written(command)) await cache.TellAsync(ct);
            return result;
        }

        public override object? ScalarExecuted(DbCommand command, CommandExecutedEventData eventData, object? result)
        {
            if (cache.Written(command)) cache.Tell();
            return result;
        }

        public override async ValueTask<object?> ScalarExecutedAsync(DbCommand command, CommandExecutedEventData eventData, object? result, CancellationToken ct = default)
        {
            if (cache.Written(command)) await cache.TellAsync(ct);
            return result;
        }
    }

    private sealed class TransactionWatcher(AuthCache cache) : DbTransactionInterceptor
    {
        public override void TransactionCommitted(DbTransaction transaction, TransactionEndEventData eventData)
        {
            if (cache.Committed(transaction)) cache.Tell();
        }

        public override async Task TransactionCommittedAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken ct = default)
        {
            if (cache.Committed(transaction)) await cache.TellAsync(ct);
        }
    }
}

/// <summary>
/// Carries "the answers <see cref="AuthCache"/> keeps changed" to the other processes on the same database, and back
/// (PostgreSQL NOTIFY/LISTEN, in Hosting); inactive on SQLite.
/// </summary>
public interface IAuthChangeSignal
{
    /// <summary>False when there is no one to tell (SQLite): then nothing is sent.</summary>
    bool Active { get; }

    /// <summary>Tells the others, after the write committed. Never throws: a failure is logged, and the answers elsewhere expire.</summary>
    void Send();

    /// <inheritdoc cref="Send"/>
    Task SendAsync(CancellationToken ct);
}
