using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Prospector.Data;
using Prospector.Features.Access;
using Prospector.Features.Reports;
using Prospector.Tests.Infrastructure;

namespace Prospector.Tests.Http;

/// <summary>
/// The stage times' pipeline steps read the stay each deal step entry ends (OpportunityStepChanges.StayStartedAt) and a
/// histogram of those stays per UTC month, step, whole days, owner and team (StepStayTallies), which database triggers keep.
/// A random history of deal step entries on a pipeline of this test's own — in and out of time order, at the very instant
/// of another entry and whole days after one, entries deleted, changed and moved to another deal behind the app's back,
/// deals moved and closed through the app, handed to other owners and teams, put into the recycle bin and back and deleted
/// for good — and after each write every entry's stay must equal a recomputation from the entries in memory, and the kept
/// histogram a recount. Every 15 writes the report's histograms per step from the kept rows (corrected at the period's
/// edges) must equal those counted from the entries, for viewers in three time zones, several periods and filters. At the
/// end the migration's fill (the same SQL run again) must give the same. A missing trigger (a migration that rebuilt
/// OpportunityStepChanges or Opportunities on SQLite drops them) fails here. Replay with PROSPECTOR_STEPS_SEED=n.
/// </summary>
public abstract class StepStaysTests(ProspectorFactory app)
{
    private static readonly DateTime Base = new(2032, 3, 1, 0, 0, 0, DateTimeKind.Utc);

    [Fact]
    public async Task Kept_step_stays_equal_a_recomputation_after_every_kind_of_write()
    {
        var seed = int.TryParse(Environment.GetEnvironmentVariable("PROSPECTOR_STEPS_SEED"), out var s) ? s : 11;
        var r = new Random(seed);
        var repA = await app.UserAsync("Rep", TestHttp.Unique("SA"));
        var repB = await app.UserAsync("Rep", TestHttp.Unique("SB"));
        var admin = await app.UserAsync("Admin");
        long?[] owners = [null, repA.Id, repB.Id];
        long?[] teams = [null, repA.TeamId, repB.TeamId];
        await app.WithDbAsync(async (db, sp) =>
        {
            await db.Users.Where(u => u.Id == admin.Id).ExecuteUpdateAsync(u => u.SetProperty(x => x.TimeZone, "Europe/Berlin"));
            await db.Users.Where(u => u.Id == repA.Id).ExecuteUpdateAsync(u => u.SetProperty(x => x.TimeZone, "America/New_York"));
            await db.Users.Where(u => u.Id == repB.Id).ExecuteUpdateAsync(u => u.SetProperty(x => x.TimeZone, "Asia/Kolkata"));
            var access = sp.GetRequiredService<RecordAccess>();
            var scopes = new[] { await access.ScopeOfUserAsync(admin.Id), await access.ScopeOfUserAsync(repA.Id), await access.ScopeOfUserAsync(repB.Id) };
            var reports = sp.GetRequiredService<ReportService>();
            var pipeline = new Pipeline
            {
                Name = TestHttp.Unique("Steps"), SortOrder = 9,
                Steps = [new() { Name = "One", SortOrder = 1 }, new() { Name = "Two", SortOrder = 2 }, new() { Name = "Three", SortOrder = 3 }],
            };
            db.Pipelines.Add(pipeline);
            await db.SaveChangesAsync();
            var steps = pipeline.Steps.Select(x => x.Id).ToArray();
            long? AnyStep() => r.Next(5) == 0 ? null : steps[r.Next(steps.Length)];
            Opportunity NewDeal(int i) => new()
            {
                Title = $"Steps {i}", PipelineId = pipeline.Id, StepId = steps[r.Next(steps.Length)], OwnerId = owners[r.Next(owners.Length)],
                TeamId = teams[r.Next(teams.Length)], State = r.Next(3) == 0 ? OpportunityState.Open : OpportunityState.Won, // open ones enter their step now
            };
            // A history to start from: a few deals with many entries over the months (stays to count at every edge).
            for (var i = 0; i < 12; i++)
            {
                var d = NewDeal(i);
                db.Opportunities.Add(d);
                await db.SaveChangesAsync();
                // A walk through the steps (now and then closed and reopened, or an entry that does not follow on).
                var (at, step) = (Base.AddDays(-20), (long?)null);
                for (var j = 0; j < 20; j++)
                {
                    at = at.AddMinutes(r.Next(60, 60 * 24 * 12));
                    var (from, next) = (r.Next(6) == 0 ? AnyStep() : step, AnyStep());
                    db.OpportunityStepChanges.Add(new OpportunityStepChange { OpportunityId = d.Id, PipelineId = pipeline.Id, FromStepId = from, ToStepId = next, At = at });
                    step = next;
                }
                await db.SaveChangesAsync();
            }
            for (var op = 0; op < 90; op++)
            {
                // In id order, so that a seed replays the same history (PostgreSQL moves a row each time a trigger updates it).
                var deals = await db.Opportunities.IgnoreQueryFilters().Where(o => o.PipelineId == pipeline.Id).OrderBy(o => o.Id).Select(o => o.Id).ToListAsync();
                var entries = await db.OpportunityStepChanges.Where(c => deals.Contains(c.OpportunityId)).OrderBy(c => c.Id).Select(c => new { c.Id, c.At }).ToListAsync();
                var kind = deals.Count < 4 ? 0 : entries.Count < 6 ? 1 : r.Next(19);
                var what = $"op {op} (seed {seed}): kind {kind}";
                switch (kind)
                {
                    case 0: db.Opportunities.Add(NewDeal(op)); await db.SaveChangesAsync(); break;
                    case <= 6:
                        // One to three entries at once, over random deals: at random times, at the very time of another entry
                        // (the stays then go by id) or whole days after one (a stay of exactly so many days).
                        for (var i = r.Next(1, 4); i > 0; i--)
                            db.OpportunityStepChanges.Add(new OpportunityStepChange
                            {
                                OpportunityId = deals[r.Next(deals.Count)], PipelineId = pipeline.Id, FromStepId = AnyStep(), ToStepId = AnyStep(),
                                At = r.Next(4) == 0 ? entries[r.Next(entries.Count)].At
                                    : r.Next(4) == 0 ? entries[r.Next(entries.Count)].At.AddDays(r.Next(1, 40))
                                    : Base.AddMinutes(r.Next(0, 60 * 24 * 90)),
                            });
                        await db.SaveChangesAsync();
                        break;
                    case 7 or 8:
                        var gone = entries[r.Next(entries.Count)].Id;
                        await db.OpportunityStepChanges.Where(c => c.Id == gone).ExecuteDeleteAsync();
                        break;
                    case 9:
                        var changed = entries[r.Next(entries.Count)].Id;
                        var (to, at) = (AnyStep(), Base.AddMinutes(r.Next(0, 60 * 24 * 90)));
                        if (r.Next(2) == 0) // the step it left, alone
                            await db.OpportunityStepChanges.Where(c => c.Id == changed).ExecuteUpdateAsync(x => x.SetProperty(c => c.FromStepId, to));
                        else
                            await db.OpportunityStepChanges.Where(c => c.Id == changed).ExecuteUpdateAsync(x => x.SetProperty(c => c.ToStepId, to).SetProperty(c => c.At, at));
                        break;
                    case 10:
                        var (moved, other) = (entries[r.Next(entries.Count)].Id, deals[r.Next(deals.Count)]);
                        await db.OpportunityStepChanges.Where(c => c.Id == moved).ExecuteUpdateAsync(x => x.SetProperty(c => c.OpportunityId, other));
                        break;
                    case 11:
                        // Moved or closed through the app: it writes the entries itself (now).
                        var dealId = deals[r.Next(deals.Count)];
                        var deal = await db.Opportunities.IgnoreQueryFilters().SingleAsync(o => o.Id == dealId);
                        if (r.Next(2) == 0) deal.StepId = steps[r.Next(steps.Length)];
                        else deal.State = deal.State == OpportunityState.Open ? OpportunityState.Lost : OpportunityState.Open;
                        await db.SaveChangesAsync();
                        break;
                    case 12 or 13:
                        var handed = deals[r.Next(deals.Count)];
                        var (owner, team) = (owners[r.Next(owners.Length)], teams[r.Next(teams.Length)]);
                        await db.Opportunities.IgnoreQueryFilters().Where(o => o.Id == handed)
                            .ExecuteUpdateAsync(x => x.SetProperty(o => o.OwnerId, owner).SetProperty(o => o.TeamId, team));
                        break;
                    case 14:
                        // Into the recycle bin, or (as often) one back out of it.
                        var binned = await db.Opportunities.IgnoreQueryFilters().Where(o => deals.Contains(o.Id) && o.DeletedAt != null).OrderBy(o => o.Id).Select(o => o.Id).ToListAsync();
                        var (toggled, deletedAt) = binned.Count > 0 && r.Next(2) == 0 ? (binned[r.Next(binned.Count)], (DateTime?)null) : (deals[r.Next(deals.Count)], Base);
                        await db.Opportunities.IgnoreQueryFilters().Where(o => o.Id == toggled).ExecuteUpdateAsync(x => x.SetProperty(o => o.DeletedAt, deletedAt));
                        break;
                    case 16:
                        // Several rows in one statement, behind the app's back: two entries of one deal at the same instant and one
                        // a day before them, the first with a stay start of its own that the triggers must correct.
                        var (one, t) = (deals[r.Next(deals.Count)], entries[r.Next(entries.Count)].At);
                        long Step() => steps[r.Next(steps.Length)];
                        await db.Database.ExecuteSqlRawAsync(
                            "INSERT INTO \"OpportunityStepChanges\" (\"OpportunityId\", \"PipelineId\", \"FromStepId\", \"ToStepId\", \"At\", \"StayStartedAt\") " +
                            "VALUES ({0}, {1}, {2}, {3}, {4}, {5}), ({0}, {1}, {3}, {6}, {4}, NULL), ({0}, {1}, {7}, {2}, {8}, NULL)",
                            one, pipeline.Id, Step(), Step(), t, Base.AddYears(-1), Step(), Step(), t.AddDays(-1));
                        break;
                    case 17:
                        // Every entry of one deal at once, shifted by whole days.
                        var (shifted, by) = (deals[r.Next(deals.Count)], r.Next(-3, 4));
                        await db.OpportunityStepChanges.Where(c => c.OpportunityId == shifted).ExecuteUpdateAsync(x => x.SetProperty(c => c.At, c => c.At.AddDays(by)));
                        break;
                    case 18:
                        // The earlier half of one deal's entries in one statement.
                        var (cut, middle) = (deals[r.Next(deals.Count)], Base.AddDays(r.Next(0, 90)));
                        await db.OpportunityStepChanges.Where(c => c.OpportunityId == cut && c.At < middle).ExecuteDeleteAsync();
                        break;
                    default:
                        var erased = deals[r.Next(deals.Count)];
                        await db.Opportunities.IgnoreQueryFilters().Where(o => o.Id == erased).ExecuteDeleteAsync(); // its entries go along
                        break;
                }
                db.ChangeTracker.Clear();
                await AssertStayStartsAsync(db, pipeline.Id, what);
                await AssertTalliesAsync(db, steps, what);
                if (op % 15 == 14 && op > 40) await AssertStepCountsAsync(reports, scopes, steps, (repA.Id, repB.TeamId), what);
            }
            // The migration's fill gives the same stays and histogram.
            var isSqlite = db.Database.ProviderName!.Contains("Sqlite", StringComparison.Ordinal);
            var fill = isSqlite ? Prospector.Migrations.Sqlite.StepStaysSql.Up : Prospector.Migrations.Postgres.StepStaysSql.Up;
            foreach (var sql in fill) await db.Database.ExecuteSqlRawAsync(sql);
            await AssertStayStartsAsync(db, pipeline.Id, "after the fill");
            await AssertTalliesAsync(db, steps, "after the fill");
            // A kept row that missed writes so far that a count comes out below zero gives no percentile: the entries answer.
            var row = await db.StepStayTallies.Where(t => steps.Contains(t.StepId) && t.Month >= Base && t.Month < Base.AddMonths(3) && t.Count > 0)
                .OrderBy(t => t.Id).Select(t => t.Id).FirstAsync();
            await db.StepStayTallies.Where(t => t.Id == row).ExecuteUpdateAsync(x => x.SetProperty(t => t.Count, t => t.Count - 1000));
            var quarter = (await reports.BasisAsync(new ReportFilter(new DateOnly(2032, 3, 1), new DateOnly(2032, 5, 31)), scopes[0])).Value!;
            Assert.Null(await StepTimes.FromTalliesAsync(quarter, CancellationToken.None));
            foreach (var sql in fill) await db.Database.ExecuteSqlRawAsync(sql);
            Assert.NotNull(await StepTimes.FromTalliesAsync(quarter, CancellationToken.None));
            return 0;
        });
    }

    /// <summary>Every entry of the test's deals keeps the stay it ends: the deal's entry just before it (by time, then id), when that one entered the step this one leaves.</summary>
    private static async Task AssertStayStartsAsync(ProspectorDb db, long pipelineId, string what)
    {
        var deals = db.Opportunities.IgnoreQueryFilters().Where(o => o.PipelineId == pipelineId).Select(o => o.Id);
        var all = await db.OpportunityStepChanges.AsNoTracking().Where(c => deals.Contains(c.OpportunityId)).ToListAsync();
        Assert.True(all.Count > 0, what);
        foreach (var e in all)
        {
            var before = all.Where(p => p.OpportunityId == e.OpportunityId && (p.At < e.At || (p.At == e.At && p.Id < e.Id)))
                .OrderByDescending(p => p.At).ThenByDescending(p => p.Id).FirstOrDefault();
            var expected = before is not null && before.ToStepId is not null && before.ToStepId == e.FromStepId ? before.At : (DateTime?)null;
            Assert.True(e.StayStartedAt == expected,
                $"{what}: entry {e.Id} ({e.FromStepId}→{e.ToStepId}, deal {e.OpportunityId}, {e.At:O}) keeps the stay start {e.StayStartedAt:O}, expected {expected:O}");
        }
    }

    /// <summary>
    /// The kept histogram of the test's steps against a recount: every entry that ends a stay (its stay checked by
    /// <see cref="AssertStayStartsAsync"/>), of a deal outside the recycle bin, per UTC month of the entry, step stayed in,
    /// length in completed days, and the deal's owner and team now.
    /// </summary>
    private static async Task AssertTalliesAsync(ProspectorDb db, long[] steps, string what)
    {
        var kept = (await db.StepStayTallies.AsNoTracking().Where(t => steps.Contains(t.StepId) && t.Count != 0).ToListAsync())
            .Select(t => $"{t.Month:yyyy-MM} {t.StepId} {t.Days}d {t.OwnerId}/{t.TeamId}: {t.Count}").Order(StringComparer.Ordinal).ToList();
        var stays = await db.OpportunityStepChanges.AsNoTracking()
            .Where(c => c.FromStepId != null && steps.Contains(c.FromStepId.Value) && c.StayStartedAt != null)
            .Join(db.Opportunities, c => c.OpportunityId, o => o.Id, (c, o) => new { c.At, c.StayStartedAt, c.FromStepId, o.OwnerId, o.TeamId })
            .ToListAsync();
        var recount = stays.GroupBy(x => (Month: x.At.ToString("yyyy-MM", CultureInfo.InvariantCulture), x.FromStepId, Days: (x.At - x.StayStartedAt!.Value).Ticks / TimeSpan.TicksPerDay, x.OwnerId, x.TeamId))
            .Select(g => $"{g.Key.Month} {g.Key.FromStepId} {g.Key.Days}d {g.Key.OwnerId}/{g.Key.TeamId}: {g.Count()}")
            .Order(StringComparer.Ordinal).ToList();
        Assert.True(recount.SequenceEqual(kept), $"{what}: the kept step stays differ from a recount:\nkept:    {string.Join("; ", kept.Except(recount))}\nrecount: {string.Join("; ", recount.Except(kept))}");
    }

    /// <summary>
    /// The step histograms of the period from the kept rows (corrected at the period's edges from the entries) equal those
    /// counted from the entries themselves: for each viewer, over a quarter, periods with edges in mid-month (nearer the month's
    /// start and nearer its end), and ten days (too short: the entries are read), with owner and team filters.
    /// </summary>
    private static async Task AssertStepCountsAsync(ReportService reports, AccessScope[] scopes, long[] steps, (long Owner, long? Team) filter, string what)
    {
        foreach (var scope in scopes)
            foreach (var (from, to) in new[] { (new DateOnly(2032, 3, 1), new DateOnly(2032, 5, 31)), (new DateOnly(2032, 3, 20), new DateOnly(2032, 5, 12)), (new DateOnly(2032, 3, 10), new DateOnly(2032, 6, 20)), (new DateOnly(2032, 4, 12), new DateOnly(2032, 4, 21)) })
                foreach (var (owner, team) in new (long? Owner, long? Team)[] { (null, null), (filter.Owner, null), (null, filter.Team) })
                {
                    var b = (await reports.BasisAsync(new ReportFilter(from, to, team, owner), scope)).Value!;
                    var tallies = await StepTimes.FromTalliesAsync(b, CancellationToken.None);
                    var changes = await StepTimes.FromChangesAsync(b, CancellationToken.None);
                    var where = $"{what}; viewer {scope.UserId} ({b.Period.TimeZone}), {from}..{to}, owner {owner}, team {team}";
                    if (to.DayNumber - from.DayNumber < 20)
                    {
                        Assert.True(tallies is null, $"{where}: ten days are read from the entries");
                        continue;
                    }
                    Assert.True(tallies is not null, $"{where}: the tallies answer");
                    var (t, c) = (Sorted(tallies!, steps), Sorted(changes, steps));
                    var n = changes.Where(x => steps.Contains(x.Key)).Sum(x => x.Value.Count);
                    if (owner is null && team is null && scope == scopes[0]) Assert.True(n > 20, $"{where}: too few stays to tell ({n})");
                    Assert.True(t.SequenceEqual(c), $"{where}:\n tallies {string.Join(", ", t)}\n entries {string.Join(", ", c)}");
                    // No step is named without a stay (a kept row that came to 0 would list a deleted pipeline's step).
                    Assert.Equal(changes.Keys.Where(steps.Contains).Order(), tallies!.Keys.Where(steps.Contains).Order());
                }
    }

    private static List<string> Sorted(Dictionary<long, DayCounts> stays, long[] steps) =>
        [.. stays.Where(x => steps.Contains(x.Key)).OrderBy(x => x.Key).SelectMany(x => x.Value.ByDays.Select(n => $"{x.Key}: {n.Key}d×{n.Value}"))];
}

public sealed class StepStaysTestsSqlite(SqliteApp f) : StepStaysTests(f.Factory), IClassFixture<SqliteApp>;
public sealed class StepStaysTestsPostgres(PostgresApp f) : StepStaysTests(f.Factory), IClassFixture<PostgresApp>;
