using Microsoft.EntityFrameworkCore;
using Prospector.Data;
using Prospector.Features.Reports;
using Prospector.Tests.Infrastructure;

namespace Prospector.Tests.Http;

/// <summary>
/// The stage times read each stay's length as a number the database computes (<see cref="SqlTime"/>) instead of two
/// instants .NET parses. That number, turned into days, must be the very double the stored instants give — to the
/// millisecond on SQLite (julianday's resolution), to the microsecond on PostgreSQL (its own) — for spans of a
/// millisecond up to two centuries, between columns and against a parameter (a deal's age today), or a median could round
/// the other way. The whole days it computes (<see cref="SqlTime.WholeDays"/>, for counts per day in a GROUP BY) must be
/// those <see cref="DayCounts.WholeDays"/> gives, also a millisecond or a microsecond short of a whole day.
/// </summary>
public abstract class SqlTimeTests(ProspectorFactory app)
{
    [Fact]
    public async Task Days_between_instants_computed_by_the_database_equal_those_of_the_stored_instants()
    {
        var name = TestHttp.Unique("SqlTime");
        DateTime[] instants =
        [
            new(2025, 3, 30, 1, 0, 0, DateTimeKind.Utc), new(2025, 3, 30, 1, 0, 0, 1, DateTimeKind.Utc),
            new(2025, 12, 31, 23, 59, 59, 999, DateTimeKind.Utc), new(1900, 1, 1, 0, 0, 0, DateTimeKind.Utc),
            new(2099, 12, 31, 12, 30, 15, 250, DateTimeKind.Utc), new(2026, 6, 1, 8, 0, 0, 0, 1, DateTimeKind.Utc),
            new DateTime(2024, 2, 29, 13, 14, 15, DateTimeKind.Utc).AddTicks(1_234_567), new(2031, 1, 1, 0, 0, 0, DateTimeKind.Utc),
            // Exactly two days after the first, a millisecond short of it, a microsecond short of it (whole days).
            new(2025, 4, 1, 1, 0, 0, DateTimeKind.Utc), new(2025, 4, 1, 0, 59, 59, 999, DateTimeKind.Utc),
            new DateTime(2025, 4, 1, 1, 0, 0, DateTimeKind.Utc).AddTicks(-10),
        ];
        var now = new DateTime(2026, 12, 2, 19, 58, 3, DateTimeKind.Utc).AddTicks(4_567_891);
        await app.WithDbAsync(async (db, _) =>
        {
            var contact = new Contact { LastName = name };
            db.Contacts.Add(contact);
            await db.SaveChangesAsync();
            foreach (var at in instants)
                db.LifecycleEvents.Add(new LifecycleEvent { ContactId = contact.Id, Kind = LifecycleEventKind.StatusChanged, ToStatus = LeadStatus.Working, At = at });
            await db.SaveChangesAsync();
            db.ChangeTracker.Clear();

            var inDays = SqlTime.InDays(db);
            Assert.Equal(db.Database.ProviderName!.Contains("Sqlite", StringComparison.Ordinal), inDays);
            // SQLite reads a time to the nearest millisecond, except that a fraction of a second above .999 is read as .999
            // (it never rounds up into the next second: 00:59:59.999999 is 00:59:59.999); PostgreSQL stores microseconds
            // (the instants read back here).
            DateTime Resolved(DateTime at)
            {
                if (!inDays) return at;
                var second = at.Ticks - at.Ticks % TimeSpan.TicksPerSecond;
                var ms = Math.Min((at.Ticks - second + TimeSpan.TicksPerMillisecond / 2) / TimeSpan.TicksPerMillisecond, 999);
                return new DateTime(second + ms * TimeSpan.TicksPerMillisecond, DateTimeKind.Utc);
            }
            var events = db.LifecycleEvents.Where(e => e.ContactId == contact.Id);
            var pairs = await events.SelectMany(e => events.Where(f => f.Id != e.Id), (e, f) => new { Start = e.At, End = f.At, N = SqlTime.Between(e.At, f.At), D = SqlTime.WholeDays(e.At, f.At) })
                .ToListAsync();
            Assert.Equal(instants.Length * (instants.Length - 1), pairs.Count);
            foreach (var p in pairs)
            {
                Assert.Equal((Resolved(p.End) - Resolved(p.Start)).TotalDays, SqlTime.Span(p.N, inDays).TotalDays);
                // Whole days, truncated towards zero (also backwards), as DayCounts counts them in memory.
                Assert.Equal(DayCounts.WholeDays(Resolved(p.End) - Resolved(p.Start)), p.D);
            }
            Assert.Contains(pairs, p => p.D == 2 && p.Start == instants[0]);
            Assert.Contains(pairs, p => p.D == 1 && p.End == instants[^1] && p.Start == instants[0]); // a microsecond short

            var ages = await events.Select(e => new { e.At, N = SqlTime.Between(e.At, now), D = SqlTime.WholeDays(e.At, now) }).ToListAsync();
            Assert.Equal(instants.Length, ages.Count);
            foreach (var a in ages)
            {
                var span = Resolved(inDays ? now : TruncatedToMicroseconds(now)) - Resolved(a.At);
                Assert.Equal(span.TotalDays, SqlTime.Span(a.N, inDays).TotalDays);
                Assert.Equal(DayCounts.WholeDays(span), a.D);
            }
            return 0;
        });
    }

    private static DateTime TruncatedToMicroseconds(DateTime at) => new(at.Ticks - at.Ticks % 10, DateTimeKind.Utc);
}

public sealed class SqlTimeTestsSqlite(SqliteApp f) : SqlTimeTests(f.Factory), IClassFixture<SqliteApp>;
public sealed class SqlTimeTestsPostgres(PostgresApp f) : SqlTimeTests(f.Factory), IClassFixture<PostgresApp>;
