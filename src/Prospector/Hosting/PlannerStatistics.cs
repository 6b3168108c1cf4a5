using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Prospector.Data;

namespace Prospector.Hosting;

/// <summary>
/// Keeps SQLite's query-planner statistics (<c>sqlite_stat1</c>) current. Without them SQLite guesses how selective each
/// index is, and on a grown workspace it picks slower plans (at 100,000 contacts the activity report took twice as long,
/// forecast and win/loss up to twice: docs/decisions/0025-sqlite-planner-statistics.md). <c>PRAGMA optimize=0x10002</c>
/// analyzes only tables never analyzed or whose size changed a lot since, each within SQLite's own analysis limit, so it is
/// cheap when nothing changed. Run at start-up and <c>prospector migrate</c>, hourly by the server's operations scheduler,
/// and after each import. PostgreSQL's autovacuum keeps its statistics itself.
/// </summary>
public static class PlannerStatistics
{
    /// <summary>A failure is logged (through the context's logger factory, the app's) and never thrown.</summary>
    public static async Task RefreshAsync(ProspectorDb db, CancellationToken ct)
    {
        if (!db.Database.IsSqlite()) return;
        try
        {
            await db.Database.ExecuteSqlRawAsync("PRAGMA optimize=0x10002;", ct);
        }
        catch (DbException e)
        {
            // Statistics are a speed-up only: a busy database is no reason to fail what ran before.
            db.GetService<ILoggerFactory>().CreateLogger(typeof(PlannerStatistics)).LogWarning(e, "Refreshing SQLite's planner statistics failed; trying again later.");
        }
    }
}
