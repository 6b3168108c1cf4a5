using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Prospector.Data;

namespace Prospector.Features.Operations;

/// <summary>
/// "Exactly once, whichever instance gets there first" for the server's own jobs (retention, scheduled backups), without a
/// table of its own (ADR 0012): a run is claimed by writing its audit entry, state "running", in a transaction that holds
/// the database's write lock — SQLite's <c>BEGIN IMMEDIATE</c> (the one writer), PostgreSQL's transaction-scoped
/// advisory lock for the job. Under the lock the claim first looks for a run that blocks it (one under way, or — for
/// a daily job — one already done today); a second instance waits for the lock, sees the first one's entry and gives up.
/// The entry is then completed with what the run did, so the audit trail and the lock are one and the same row.
/// </summary>
public static class RunClaims
{
    public const string Running = "running";
    public const string Failed = "failed";
    /// <summary>A run "under way" for longer than this died with its instance; it no longer blocks.</summary>
    public static readonly TimeSpan StaleAfter = TimeSpan.FromHours(1);

    /// <summary>
    /// Claims a run of the job named by the entry's entity type; null when another run blocks it: one under way,
    /// or, with <paramref name="doneSince"/>, one that completed (not failed) since then.
    /// </summary>
    public static async Task<long?> ClaimAsync(ProspectorDb db, AuditEntry entry, DateTime now, DateTime? doneSince, CancellationToken ct)
    {
        var job = entry.EntityType;
        await db.Database.OpenConnectionAsync(ct);
        try
        {
            await using var tx = await db.Database.BeginTransactionAsync(ct);
            if (db.Database.IsNpgsql())
                await db.Database.ExecuteSqlRawAsync("SELECT pg_advisory_xact_lock(hashtext({0}))", [$"prospector:{job}"], ct);
            else // a write takes SQLite's one write lock now, not at the insert below
                await db.Database.ExecuteSqlRawAsync("UPDATE \"WorkspaceSettings\" SET \"Id\" = \"Id\" WHERE \"Id\" = 1", ct);
            var staleBefore = now - StaleAfter;
            var from = doneSince is { } d && d < staleBefore ? d : staleBefore;
            var recent = await db.AuditEntries.AsNoTracking()
                .Where(a => a.EntityType == job && a.At >= from)
                .Select(a => new { a.At, a.Changes }).ToListAsync(ct);
            var blocked = recent.Any(a => StateOf(a.Changes) == Running ? a.At >= staleBefore
                : StateOf(a.Changes) != Failed && doneSince is { } since && a.At >= since);
            if (blocked) return null;
            entry.Changes = JsonSerializer.Serialize(new[] { new FieldChange("State", null, Running) }, JsonSerializerOptions.Web);
            db.AuditEntries.Add(entry);
            await db.SaveChangesAsync(ct);
            await tx.CommitAsync(ct);
            db.ChangeTracker.Clear();
            return entry.Id;
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }

    /// <summary>The run's entry gets what it did (or why it failed) in place of "running".</summary>
    public static Task CompleteAsync(ProspectorDb db, long entryId, bool ok, IEnumerable<FieldChange> details, CancellationToken ct)
    {
        var changes = JsonSerializer.Serialize(new[] { new FieldChange("State", Running, ok ? "done" : Failed) }.Concat(details), JsonSerializerOptions.Web);
        return db.AuditEntries.Where(a => a.Id == entryId).ExecuteUpdateAsync(s => s.SetProperty(a => a.Changes, changes), ct);
    }

    private static string? StateOf(string changes)
    {
        try
        {
            return JsonSerializer.Deserialize<List<FieldChange>>(changes, JsonSerializerOptions.Web)?.FirstOrDefault(c => c.Field == "State")?.To;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
