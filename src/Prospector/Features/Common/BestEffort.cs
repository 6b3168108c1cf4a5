using Microsoft.EntityFrameworkCore;
using Prospector.Data;
using Prospector.Hosting;

namespace Prospector.Features.Common;

/// <summary>
/// Bookkeeping writes a read must not wait for: "last used" and "last seen" times stamped while answering a GET. Such a
/// write gets one second; when the database is busy with another writer for longer (a large import on SQLite, a locked row
/// on PostgreSQL) it is skipped and the request goes on, instead of waiting out the busy timeout and answering 503.
/// </summary>
public static class BestEffort
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(1);

    /// <summary>Runs <paramref name="write"/> on <paramref name="db"/> with a one-second timeout; true when it was written.</summary>
    public static async Task<bool> WriteAsync(ProspectorDb db, Func<Task> write, ILogger log, string what)
    {
        var before = db.Database.GetCommandTimeout();
        db.Database.SetCommandTimeout(Patience);
        try
        {
            await write();
            return true;
        }
        catch (Exception e) when (ProblemExceptionHandler.IsBusy(e))
        {
            log.LogWarning("Skipped writing {What}: the database was busy for more than {Seconds} s.", what, Patience.TotalSeconds);
            return false;
        }
        finally
        {
            db.Database.SetCommandTimeout(before);
        }
    }
}
