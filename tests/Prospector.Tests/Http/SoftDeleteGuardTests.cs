using Microsoft.EntityFrameworkCore;
using Prospector.Tests.Infrastructure;

namespace Prospector.Tests.Http;

/// <summary>
/// SoftDeleteGuard: EF Core applies IgnoreQueryFilters to the whole query it is composed into, so a query that reads a set
/// through its recycle-bin filter and also calls IgnoreQueryFilters on another set is refused before it runs, instead of
/// silently counting records in the recycle bin.
/// </summary>
public abstract class SoftDeleteGuardTests(ProspectorFactory app)
{
    [Fact]
    public async Task A_query_that_would_drop_another_sets_recycle_bin_filter_is_refused_and_wholly_unfiltered_ones_run()
    {
        var refused = await Assert.ThrowsAsync<InvalidOperationException>(() => app.WithDbAsync((db, _) =>
        {
            var binned = db.Contacts.IgnoreQueryFilters().Where(c => c.DeletedAt != null).Select(c => c.Id);
            return db.Opportunities.CountAsync(o => o.ContactId == null || !binned.Contains(o.ContactId.Value));
        }));
        Assert.Contains("Opportunity", refused.Message);
        Assert.Contains("IgnoreQueryFilters", refused.Message);

        // The same through a navigation-free projection, as the stage times once read a won deal's contact.
        var projected = await Assert.ThrowsAsync<InvalidOperationException>(() => app.WithDbAsync((db, _) =>
        {
            var contacts = db.Contacts.IgnoreQueryFilters();
            return db.Opportunities.Select(o => contacts.Where(c => c.Id == o.ContactId).Select(c => c.FirstLeadAt).FirstOrDefault()).ToListAsync();
        }));
        Assert.Contains("reads Opportunity through the recycle-bin filter", projected.Message);
        // And when the unfiltered set is narrowed before IgnoreQueryFilters is called on it.
        await Assert.ThrowsAsync<InvalidOperationException>(() => app.WithDbAsync((db, _) =>
        {
            var binned = db.Contacts.AsNoTracking().Where(c => c.DeletedAt != null).IgnoreQueryFilters().Select(c => c.Id);
            return db.Opportunities.CountAsync(o => o.ContactId != null && binned.Contains(o.ContactId.Value));
        }));

        // Every soft-deletable set unfiltered, on purpose: allowed. Filtered sets alone, or unfiltered ones alone: allowed.
        await app.WithDbAsync(async (db, _) =>
        {
            var binned = db.Contacts.IgnoreQueryFilters().Where(c => c.DeletedAt != null).Select(c => c.Id);
            await db.Opportunities.IgnoreQueryFilters().CountAsync(o => o.ContactId != null && binned.Contains(o.ContactId.Value));
            await db.Opportunities.CountAsync(o => db.Contacts.Any(c => c.Id == o.ContactId));
            await db.Contacts.IgnoreQueryFilters().Where(c => c.DeletedAt != null).Select(c => c.Id).ToListAsync();
            // IgnoreQueryFilters after other operators on the same one set.
            await db.Contacts.AsNoTracking().Where(c => c.DeletedAt != null).IgnoreQueryFilters().Select(c => c.Id).ToListAsync();
            // Sets without a recycle bin may sit beside an unfiltered one.
            await db.LifecycleEvents.CountAsync(e => db.Contacts.IgnoreQueryFilters().Any(c => c.Id == e.ContactId && c.DeletedAt == null));
            return 0;
        });
    }
}

public sealed class SoftDeleteGuardTestsSqlite(SqliteApp f) : SoftDeleteGuardTests(f.Factory), IClassFixture<SqliteApp>;
public sealed class SoftDeleteGuardTestsPostgres(PostgresApp f) : SoftDeleteGuardTests(f.Factory), IClassFixture<PostgresApp>;
