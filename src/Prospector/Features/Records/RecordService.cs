using Prospector.Data;
using Prospector.Features.Access;
using Prospector.Features.Common;

namespace Prospector.Features.Records;

/// <summary>
/// The writes every tracked record (contact, company) goes through, for the API and the pages alike: load the record the
/// user may see, check the version the change is based on, apply the change with the record's own field rules, save.
/// Returns an outcome, never throws for a user's mistake. A record type says only how it is loaded, how a change is
/// applied and what "not found" says.
/// </summary>
public abstract class RecordService<T>(ProspectorDb db, TimeProvider time) where T : TrackedRecord, new()
{
    protected DateTime Now => time.GetUtcNow().UtcDateTime;

    protected ProspectorDb Db => db;

    /// <summary>The record as its page and the API show it, through the caller's visibility; null when not there for this user.</summary>
    protected abstract Task<T?> LoadAsync(AccessScope scope, long id, bool includeDeleted, CancellationToken ct);

    /// <summary>Applies the fields given (merge-patch: absent stays, null clears); the errors by field, or null.</summary>
    protected abstract Task<Dictionary<string, string[]>?> ApplyAsync(AccessScope scope, T record, JsonFields change, bool isNew, CancellationToken ct);

    protected abstract Outcome<T> NotFound(long id);

    public async Task<Outcome<T>> FindAsync(AccessScope scope, long id, bool includeDeleted = false, CancellationToken ct = default) =>
        await LoadAsync(scope, id, includeDeleted, ct) is { } r ? r : NotFound(id);

    /// <summary>A new record from a body's fields (the API's POST, or a page's typed change turned into fields).</summary>
    public async Task<Outcome<T>> CreateAsync(AccessScope scope, JsonFields change, CancellationToken ct = default)
    {
        var r = new T();
        var invalid = await ApplyAsync(scope, r, change, isNew: true, ct);
        if (invalid is not null) return Outcome<T>.Invalid(invalid);
        db.Add(r);
        await db.SaveChangesAsync(ct);
        return await ReloadAsync(scope, r, ct);
    }

    /// <summary>A change based on <paramref name="expectedVersion"/>: a newer version (someone else saved in between) is a stale outcome.</summary>
    public async Task<Outcome<T>> UpdateAsync(AccessScope scope, long id, int expectedVersion, JsonFields change, CancellationToken ct = default)
    {
        var r = await LoadAsync(scope, id, includeDeleted: false, ct);
        if (r is null) return NotFound(id);
        if (Refuse(r) is { } refused) return refused;
        if (VersionedWrite.Expect(db, r, expectedVersion) is { } stale) return stale;
        var invalid = await ApplyAsync(scope, r, change, isNew: false, ct);
        if (invalid is not null) return Outcome<T>.Invalid(invalid);
        var saved = await VersionedWrite.SaveAsync(db, r, ct);
        return saved.IsOk ? await ReloadAsync(scope, r, ct) : saved;
    }

    /// <summary>
    /// Moves the record to the recycle bin with what hangs on it (<see cref="CascadeAsync"/>); with a version, only if nobody
    /// changed it since.
    /// </summary>
    public Task<Outcome<T>> DeleteAsync(AccessScope scope, long id, int? expectedVersion, CancellationToken ct = default) =>
        SetDeletedAsync(scope, id, expectedVersion, Now, ct);

    /// <summary>Takes the record out of the recycle bin, with what went there with it; with a version, only if nobody changed it since.</summary>
    public Task<Outcome<T>> RestoreAsync(AccessScope scope, long id, int? expectedVersion, CancellationToken ct = default) =>
        SetDeletedAsync(scope, id, expectedVersion, null, ct);

    private async Task<Outcome<T>> SetDeletedAsync(AccessScope scope, long id, int? expectedVersion, DateTime? deletedAt, CancellationToken ct)
    {
        var r = await LoadAsync(scope, id, includeDeleted: deletedAt is null, ct);
        if (r is null) return NotFound(id);
        if (Refuse(r) is { } refused) return refused;
        if (VersionedWrite.Expect(db, r, expectedVersion) is { } stale) return stale;
        var was = r.DeletedAt;
        // Whole milliseconds: the moment is what ties the related rows to the record, and it must read back as written.
        r.DeletedAt = deletedAt is { } at ? new DateTime(at.Ticks - at.Ticks % TimeSpan.TicksPerMillisecond, DateTimeKind.Utc) : null;
        await using var tx = db.Database.CurrentTransaction is null ? await db.Database.BeginTransactionAsync(ct) : null;
        var saved = await VersionedWrite.SaveAsync(db, r, ct);
        if (!saved.IsOk) return saved;
        if (was != r.DeletedAt) await CascadeAsync(r, was, r.DeletedAt, ct);
        if (tx is not null) await tx.CommitAsync(ct);
        return saved;
    }

    /// <summary>
    /// Why this record may not be changed, deleted or restored at all (an erased contact's tombstone), or null. Checked before
    /// the version: no retry makes it writable.
    /// </summary>
    protected virtual Outcome<T>? Refuse(T record) => null;

    /// <summary>
    /// The rows that go to the recycle bin with the record and come back with it. Deleting stamps the record's own moment on
    /// those not deleted yet (<paramref name="from"/> null → <paramref name="to"/>); restoring takes back exactly those
    /// stamped with the record's moment (<paramref name="from"/> → null), not what had been deleted on its own before.
    /// </summary>
    protected virtual Task CascadeAsync(T record, DateTime? from, DateTime? to, CancellationToken ct) => Task.CompletedTask;

    /// <summary>Reload the references so the answer names a new owner (or company) as a read would.</summary>
    private async Task<Outcome<T>> ReloadAsync(AccessScope scope, T r, CancellationToken ct) =>
        await LoadAsync(scope, r.Id, includeDeleted: false, ct) ?? r;
}
