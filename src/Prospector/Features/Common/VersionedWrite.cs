using Microsoft.EntityFrameworkCore;
using Prospector.Data;

namespace Prospector.Features.Common;

/// <summary>
/// The generic half of a write to a versioned record (contacts, companies…): the version the caller saw goes into the
/// UPDATE's WHERE clause, so a write in between makes the save fail and the caller hears <see cref="OutcomeKind.Stale"/>
/// with the version now stored. The feature service does the rest (load visible, check, change).
/// </summary>
public static class VersionedWrite
{
    /// <summary>
    /// Pins the version the change is based on; a stale outcome when the loaded record already differs from it.
    /// No version (null): the change applies to whatever was loaded (the API's If-Match is optional for some writes).
    /// </summary>
    public static Outcome<T>? Expect<T>(ProspectorDb db, T record, int? expectedVersion) where T : TrackedRecord
    {
        if (expectedVersion is not { } expected) return null;
        if (record.Version != expected) return Outcome<T>.Stale(record.Version);
        db.Entry(record).Property(x => x.Version).OriginalValue = expected;
        return null;
    }

    /// <summary>Saves; a concurrent write since the record was loaded (or since the pinned version) is a stale outcome.</summary>
    public static async Task<Outcome<T>> SaveAsync<T>(ProspectorDb db, T record, CancellationToken ct) where T : TrackedRecord
    {
        try
        {
            await db.SaveChangesAsync(ct);
            return record;
        }
        catch (DbUpdateConcurrencyException)
        {
            var id = record.Id;
            var current = await db.Set<T>().IgnoreQueryFilters().AsNoTracking().Where(x => x.Id == id).Select(x => x.Version).FirstOrDefaultAsync(ct);
            return Outcome<T>.Stale(current);
        }
    }
}
