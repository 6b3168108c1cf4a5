using Prospector.Data;

namespace Prospector.Features.Common;

/// <summary>
/// Who owns the transaction: the feature service that makes the change. <see cref="RunAsync{T}"/> runs its work in a transaction
/// of its own, saves and commits when the outcome is Ok and rolls back otherwise; when its caller (another feature service)
/// already opened one, the work joins it and the caller commits. Callers (API handlers, pages) never open one themselves.
/// </summary>
public static class UnitOfWork
{
    public static async Task<Outcome<T>> RunAsync<T>(ProspectorDb db, Func<Task<Outcome<T>>> work, CancellationToken ct = default)
    {
        if (db.Database.CurrentTransaction is not null)
        {
            var joined = await work();
            if (joined.IsOk) await db.SaveChangesAsync(ct);
            return joined;
        }
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var outcome = await work();
        if (!outcome.IsOk)
        {
            await tx.RollbackAsync(ct);
            return outcome;
        }
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return outcome;
    }
}
