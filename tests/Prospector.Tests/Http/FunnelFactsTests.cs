using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Prospector.Data;
using Prospector.Features.Access;
using Prospector.Features.Reports;
using Prospector.Tests.Infrastructure;

namespace Prospector.Tests.Http;

/// <summary>
/// The funnel's cohort reads Contacts.FirstLeadAt and Contacts.HighestStage, and the stage times report the stay each stage
/// change ends (LifecycleEvents.StayStartedAt and StayStage), the period funnel the previous entry and leave like each stage
/// change (PreviousEntryAt, PreviousLeaveAt), which database triggers keep from the contacts' stage changes. A random history of stage changes — in and out of time order (backdated events), status changes among
/// them, several contacts at once, events deleted and changed behind the app's back, contacts deleted for good — and after
/// each write every contact's kept facts and every event's stay must equal a recomputation from the events in memory; at the end the migration's
/// fill (the same SQL run again) must give the same facts. The same history hands contacts to other owners and teams and
/// puts them into the recycle bin and back, and after each write the kept stage-move tallies (the funnel's period view)
/// must equal a recount of the stage changes of the live contacts per UTC day and hour, owner and team. The contacts come
/// from prospecting lists and change list, and the lists report's kept counts (contacts per list, stage, out, owner and team;
/// each deal's contact's list) must equal a recount too. A missing trigger (a migration that rebuilt LifecycleEvents on
/// SQLite drops it) fails here. Replay with PROSPECTOR_FACTS_SEED=n.
/// </summary>
public abstract class FunnelFactsTests(ProspectorFactory app)
{
    private static readonly DateTime Base = new(2032, 3, 1, 0, 0, 0, DateTimeKind.Utc);
    private static readonly Stage?[] Stages = [Stage.Suspect, Stage.Lead, Stage.Prospect, Stage.Customer, Stage.RepeatCustomer, null];

    [Fact]
    public async Task Kept_funnel_facts_equal_a_recomputation_after_every_kind_of_write()
    {
        var seed = int.TryParse(Environment.GetEnvironmentVariable("PROSPECTOR_FACTS_SEED"), out var s) ? s : 5;
        var r = new Random(seed);
        var name = TestHttp.Unique("Facts");
        var repA = await app.UserAsync("Rep", TestHttp.Unique("FA"));
        var repB = await app.UserAsync("Rep", TestHttp.Unique("FB"));
        var admin = await app.UserAsync("Admin");
        long?[] owners = [null, repA.Id, repB.Id];
        long?[] teams = [null, repA.TeamId, repB.TeamId];
        await app.WithDbAsync(async (db, sp) =>
        {
            // The stage times are looked at from Berlin (the admin), New York and Kolkata (UTC+5:30).
            await db.Users.Where(u => u.Id == admin.Id).ExecuteUpdateAsync(u => u.SetProperty(x => x.TimeZone, "Europe/Berlin"));
            await db.Users.Where(u => u.Id == repA.Id).ExecuteUpdateAsync(u => u.SetProperty(x => x.TimeZone, "America/New_York"));
            await db.Users.Where(u => u.Id == repB.Id).ExecuteUpdateAsync(u => u.SetProperty(x => x.TimeZone, "Asia/Kolkata"));
            var access = sp.GetRequiredService<RecordAccess>();
            var scopes = new[] { await access.ScopeOfUserAsync(admin.Id), await access.ScopeOfUserAsync(repA.Id), await access.ScopeOfUserAsync(repB.Id) };
            var reports = sp.GetRequiredService<ReportService>();
            // Deals of the contacts, lost, cancelled or open: the cohort's lost deals are found by the first day as a Lead each
            // deal keeps of its contact.
            var pipeline = new Pipeline { Name = TestHttp.Unique("Facts"), SortOrder = 9, Steps = [new() { Name = "One", SortOrder = 1 }] };
            db.Pipelines.Add(pipeline);
            // Prospecting lists the contacts come from (the lists report's kept counts), one of them a rep's.
            var lists = new[] { new ProspectingList { Name = name + " A" }, new ProspectingList { Name = name + " B", OwnerId = repA.Id, TeamId = repA.TeamId } };
            db.ProspectingLists.AddRange(lists);
            await db.SaveChangesAsync();
            var listIds = lists.Select(l => l.Id).ToList();
            long? AList() => r.Next(3) == 0 ? null : listIds[r.Next(listIds.Count)];
            Opportunity NewDeal(long? contact) => new()
            {
                Title = name, ContactId = contact, PipelineId = pipeline.Id, StepId = pipeline.Steps[0].Id, OwnerId = owners[r.Next(owners.Length)],
                TeamId = teams[r.Next(teams.Length)], State = (OpportunityState)r.Next(4), CloseReason = Reasons[r.Next(Reasons.Length)],
                Amount = r.Next(1, 100) * 10m,
            };
            // A history to start from: a few contacts with many stage changes over the months (stays to count at every edge).
            for (var i = 0; i < 10; i++)
            {
                var c = new Contact { LastName = name, Stage = Stage.Suspect, OwnerId = owners[r.Next(owners.Length)], TeamId = teams[r.Next(teams.Length)], SourceListId = AList() };
                db.Contacts.Add(c);
                await db.SaveChangesAsync();
                for (var j = 0; j < 20; j++)
                    db.LifecycleEvents.Add(new LifecycleEvent
                    {
                        ContactId = c.Id, At = Base.AddMinutes(r.Next(0, 60 * 24 * 120)), Kind = LifecycleEventKind.StageChanged,
                        FromStage = Stages[r.Next(Stages.Length - 1)], ToStage = Stages[r.Next(Stages.Length - 1)],
                    });
                var lost = NewDeal(c.Id);
                lost.State = i % 2 == 0 ? OpportunityState.Lost : OpportunityState.Cancelled;
                db.Opportunities.Add(lost);
                // And a won one (the lists report's won deals per list).
                var won = NewDeal(c.Id);
                won.State = OpportunityState.Won;
                db.Opportunities.Add(won);
                await db.SaveChangesAsync();
            }
            for (var op = 0; op < 90; op++)
            {
                // In id order: the random picks below must not depend on the order rows come back in (PostgreSQL moves a
                // row each time a trigger updates it), or a seed would not replay the same history.
                var contacts = await db.Contacts.IgnoreQueryFilters().Where(c => c.LastName == name).OrderBy(c => c.Id).Select(c => c.Id).ToListAsync();
                var events = await db.LifecycleEvents.Where(e => contacts.Contains(e.ContactId)).OrderBy(e => e.Id).Select(e => e.Id).ToListAsync();
                var times = await db.LifecycleEvents.Where(e => contacts.Contains(e.ContactId)).OrderBy(e => e.Id).Select(e => e.At).ToListAsync();
                var kind = contacts.Count < 4 ? 0 : events.Count < 6 ? 1 : r.Next(19);
                var what = $"op {op} (seed {seed}): kind {kind}";
                switch (kind)
                {
                    case 0: db.Contacts.Add(new Contact { LastName = name, Stage = Stage.Suspect, SourceListId = AList() }); await db.SaveChangesAsync(); break;
                    case <= 6:
                        // One to three events at once, over random contacts, at random times (backdated before others, too).
                        for (var i = r.Next(1, 4); i > 0; i--)
                        {
                            var stage = Stages[r.Next(Stages.Length)];
                            db.LifecycleEvents.Add(new LifecycleEvent
                            {
                                // Now and then at the very time of another event: the stays then go by id.
                                ContactId = contacts[r.Next(contacts.Count)],
                                // Or whole days after one: a stay of exactly so many days.
                                At = times.Count > 0 && r.Next(4) == 0 ? times[r.Next(times.Count)]
                                    : times.Count > 0 && r.Next(4) == 0 ? times[r.Next(times.Count)].AddDays(r.Next(1, 40))
                                    : Base.AddMinutes(r.Next(0, 60 * 24 * 90)),
                                Kind = stage is null ? LifecycleEventKind.StatusChanged : LifecycleEventKind.StageChanged,
                                FromStage = stage is null ? null : Stages[r.Next(Stages.Length)], ToStage = stage, // null: the first stage
                                ToStatus = stage is null ? LeadStatus.Unqualified : null, Reason = stage is null ? Reasons[(op + i) % Reasons.Length] : null,
                            });
                        }
                        await db.SaveChangesAsync();
                        break;
                    case 7 or 8:
                        var gone = events[r.Next(events.Count)];
                        await db.LifecycleEvents.Where(e => e.Id == gone).ExecuteDeleteAsync();
                        break;
                    case 9:
                        var changed = events[r.Next(events.Count)];
                        var to = Stages[r.Next(Stages.Length - 1)];
                        var at = Base.AddMinutes(r.Next(0, 60 * 24 * 90));
                        var outs = await db.LifecycleEvents.Where(e => contacts.Contains(e.ContactId) && e.ToStatus == LeadStatus.Unqualified).OrderBy(e => e.Id).Select(e => e.Id).ToListAsync();
                        if (outs.Count > 0) // only a disqualification's reason (it moves in the tallies)
                            await db.LifecycleEvents.Where(e => e.Id == outs[op % outs.Count]).ExecuteUpdateAsync(x => x.SetProperty(e => e.Reason, $"Reason {op}"));
                        await db.LifecycleEvents.Where(e => e.Id == changed).ExecuteUpdateAsync(x => x.SetProperty(e => e.ToStage, to).SetProperty(e => e.At, at).SetProperty(e => e.Reason, Reasons[op % Reasons.Length]));
                        break;
                    case 10:
                        var moved = events[r.Next(events.Count)];
                        var other = contacts[r.Next(contacts.Count)];
                        await db.LifecycleEvents.Where(e => e.Id == moved).ExecuteUpdateAsync(x => x.SetProperty(e => e.ContactId, other));
                        break;
                    case 12 or 13:
                        // Handed to another owner or team: its stage changes move to them in the tallies.
                        var handed = contacts[r.Next(contacts.Count)];
                        var (owner, team) = (owners[r.Next(owners.Length)], teams[r.Next(teams.Length)]);
                        await db.Contacts.IgnoreQueryFilters().Where(c => c.Id == handed)
                            .ExecuteUpdateAsync(x => x.SetProperty(c => c.OwnerId, owner).SetProperty(c => c.TeamId, team));
                        break;
                    case 14:
                        // Into the recycle bin, or back out of it.
                        var binned = contacts[r.Next(contacts.Count)];
                        var isIn = await db.Contacts.IgnoreQueryFilters().Where(c => c.Id == binned).Select(c => c.DeletedAt != null).SingleAsync();
                        DateTime? deletedAt = isIn ? null : Base;
                        await db.Contacts.IgnoreQueryFilters().Where(c => c.Id == binned).ExecuteUpdateAsync(x => x.SetProperty(c => c.DeletedAt, deletedAt));
                        break;
                    case 15:
                        // Its stage, status or reason changed behind the app's back (the cohort tallies follow).
                        var edited = contacts[r.Next(contacts.Count)];
                        var (st, status, reason) = (Stages[r.Next(Stages.Length - 1)]!.Value, (LeadStatus)r.Next(4), Reasons[r.Next(Reasons.Length)]);
                        if (r.Next(3) == 0)
                        {
                            // Or only the list it came from (its deals follow).
                            var list = AList();
                            await db.Contacts.IgnoreQueryFilters().Where(c => c.Id == edited).ExecuteUpdateAsync(x => x.SetProperty(c => c.SourceListId, list));
                            break;
                        }
                        await db.Contacts.IgnoreQueryFilters().Where(c => c.Id == edited).ExecuteUpdateAsync(x => x.SetProperty(c => c.Stage, st)
                            .SetProperty(c => c.LeadStatus, status).SetProperty(c => c.UnqualifiedReason, reason));
                        break;
                    case 16:
                        // Several contacts in one statement: an owner's contacts disqualified with one reason, or all requalified.
                        var who = owners[r.Next(owners.Length)];
                        var (outNow, why) = (r.Next(2) == 0, Reasons[r.Next(Reasons.Length)]);
                        await db.Contacts.IgnoreQueryFilters().Where(c => c.LastName == name && c.OwnerId == who)
                            .ExecuteUpdateAsync(x => x.SetProperty(c => c.LeadStatus, outNow ? LeadStatus.Unqualified : LeadStatus.Working).SetProperty(c => c.UnqualifiedReason, why));
                        break;
                    case 17:
                        // A deal for a contact (or none).
                        db.Opportunities.Add(NewDeal(r.Next(5) == 0 ? null : contacts[r.Next(contacts.Count)]));
                        await db.SaveChangesAsync();
                        break;
                    case 18:
                        // A deal moved to another contact (or none) behind the app's back.
                        var deals = await db.Opportunities.IgnoreQueryFilters().Where(o => o.PipelineId == pipeline.Id).OrderBy(o => o.Id).Select(o => o.Id).ToListAsync();
                        var (deal, contact) = (deals[r.Next(deals.Count)], r.Next(5) == 0 ? null : (long?)contacts[r.Next(contacts.Count)]);
                        await db.Opportunities.IgnoreQueryFilters().Where(o => o.Id == deal).ExecuteUpdateAsync(x => x.SetProperty(o => o.ContactId, contact));
                        break;
                    default:
                        var erased = contacts[r.Next(contacts.Count)];
                        await db.Contacts.IgnoreQueryFilters().Where(c => c.Id == erased).ExecuteDeleteAsync(); // its events go along
                        break;
                }
                await AssertFactsAsync(db, name, what);
                await AssertTalliesAsync(db, what);
                await AssertStaysAsync(db, what);
                await AssertCohortAsync(db, what);
                await AssertDisqualificationsAsync(db, what);
                await AssertDealsAsync(db, pipeline.Id, what);
                await AssertListsAsync(db, listIds, what);
                if (op % 15 == 14) await AssertListCountsAsync(reports, scopes, listIds, what);
                if (op % 15 == 14 && op > 40) await AssertStayCountsAsync(reports, scopes, (repA.Id, repB.TeamId), what);
                if (op % 15 == 14) await AssertFunnelCountsAsync(reports, scopes, (repA.Id, repB.TeamId), what);
            }
            // The migration's fill gives the same facts.
            var isSqlite = db.Database.ProviderName!.Contains("Sqlite", StringComparison.Ordinal);
            foreach (var sql in isSqlite ? Prospector.Migrations.Sqlite.FunnelFactsSql.Up : Prospector.Migrations.Postgres.FunnelFactsSql.Up)
                await db.Database.ExecuteSqlRawAsync(sql);
            await AssertFactsAsync(db, name, "after the fill");
            // Migration FunnelPeriodFacts fills only the period facts (the others were kept already): wrong ones are mended.
            var mine = db.Contacts.IgnoreQueryFilters().Where(c => c.LastName == name).Select(c => c.Id);
            await db.LifecycleEvents.Where(e => mine.Contains(e.ContactId)).ExecuteUpdateAsync(x => x.SetProperty(e => e.PreviousEntryAt, Base).SetProperty(e => e.PreviousLeaveAt, Base));
            foreach (var sql in isSqlite ? Prospector.Migrations.Sqlite.FunnelFactsSql.PeriodUp : Prospector.Migrations.Postgres.FunnelFactsSql.PeriodUp)
                await db.Database.ExecuteSqlRawAsync(sql);
            await AssertFactsAsync(db, name, "after the period facts' fill");
            // The tallies' fill (migration StageMoveTallies) gives the same tallies.
            foreach (var sql in isSqlite ? Prospector.Migrations.Sqlite.StageMoveTalliesSql.Up : Prospector.Migrations.Postgres.StageMoveTalliesSql.Up)
                await db.Database.ExecuteSqlRawAsync(sql);
            await AssertTalliesAsync(db, "after the tallies' fill");
            // And the stays' fill (migration StayTallies).
            foreach (var sql in isSqlite ? Prospector.Migrations.Sqlite.StayTalliesSql.Up : Prospector.Migrations.Postgres.StayTalliesSql.Up)
                await db.Database.ExecuteSqlRawAsync(sql);
            await AssertStaysAsync(db, "after the stays' fill");
            // And the cohort's fill (migration CohortTallies); a kept count below zero makes the contacts answer.
            foreach (var sql in isSqlite ? Prospector.Migrations.Sqlite.CohortTalliesSql.Up : Prospector.Migrations.Postgres.CohortTalliesSql.Up)
                await db.Database.ExecuteSqlRawAsync(sql);
            await AssertCohortAsync(db, "after the cohort's fill");
            foreach (var sql in isSqlite ? Prospector.Migrations.Sqlite.DisqualificationTalliesSql.Up : Prospector.Migrations.Postgres.DisqualificationTalliesSql.Up)
                await db.Database.ExecuteSqlRawAsync(sql);
            await AssertDisqualificationsAsync(db, "after the disqualifications' fill");
            await db.Opportunities.IgnoreQueryFilters().Where(o => o.PipelineId == pipeline.Id).ExecuteUpdateAsync(x => x.SetProperty(o => o.ContactFirstLeadAt, Base));
            foreach (var sql in isSqlite ? Prospector.Migrations.Sqlite.CohortDealsSql.Up : Prospector.Migrations.Postgres.CohortDealsSql.Up)
                await db.Database.ExecuteSqlRawAsync(sql);
            await AssertDealsAsync(db, pipeline.Id, "after the deals' fill");
            // The lists' fill (migration ListTallies): the counts and every deal's list again, a wrong kept list mended.
            await db.Opportunities.IgnoreQueryFilters().Where(o => o.PipelineId == pipeline.Id).ExecuteUpdateAsync(x => x.SetProperty(o => o.ContactSourceListId, (long?)-1));
            foreach (var sql in isSqlite ? Prospector.Migrations.Sqlite.ListTalliesSql.Up : Prospector.Migrations.Postgres.ListTalliesSql.Up)
                await db.Database.ExecuteSqlRawAsync(sql);
            await AssertDealsAsync(db, pipeline.Id, "after the lists' fill");
            await AssertListsAsync(db, listIds, "after the lists' fill");
            await AssertListCountsAsync(reports, scopes, listIds, "after the lists' fill");
            var everything = (await reports.BasisAsync(new ReportFilter(new DateOnly(2032, 3, 1), new DateOnly(2032, 5, 31)), scopes[0])).Value!;
            var listRow = await db.ListContactTallies.Where(t => listIds.Contains(t.SourceListId) && t.Count > 0).OrderBy(t => t.Id).Select(t => t.Id).FirstAsync();
            await db.ListContactTallies.Where(t => t.Id == listRow).ExecuteUpdateAsync(x => x.SetProperty(t => t.Count, t => t.Count - 1000));
            Assert.Null(await ListsReport.ContactGroupsFromTalliesAsync(everything, listIds, CancellationToken.None));
            foreach (var sql in isSqlite ? Prospector.Migrations.Sqlite.ListTalliesSql.Up : Prospector.Migrations.Postgres.ListTalliesSql.Up)
                await db.Database.ExecuteSqlRawAsync(sql);
            Assert.NotNull(await ListsReport.ContactGroupsFromTalliesAsync(everything, listIds, CancellationToken.None));
            await AssertFunnelCountsAsync(reports, scopes, (repA.Id, repB.TeamId), "after the cohort's fill");
            var spring = (await reports.BasisAsync(new ReportFilter(new DateOnly(2032, 3, 1), new DateOnly(2032, 5, 31)), scopes[0])).Value!;
            var cohortRow = await db.CohortTallies.Where(t => t.Day >= Base && t.Day < Base.AddMonths(3) && t.Count > 0).OrderBy(t => t.Id).Select(t => t.Id).FirstAsync();
            await db.CohortTallies.Where(t => t.Id == cohortRow).ExecuteUpdateAsync(x => x.SetProperty(t => t.Count, t => t.Count - 1000));
            Assert.Null(await FunnelReport.CohortFromTalliesAsync(spring, CancellationToken.None));
            foreach (var sql in isSqlite ? Prospector.Migrations.Sqlite.CohortTalliesSql.Up : Prospector.Migrations.Postgres.CohortTalliesSql.Up)
                await db.Database.ExecuteSqlRawAsync(sql);
            Assert.NotNull(await FunnelReport.CohortFromTalliesAsync(spring, CancellationToken.None));
            // A kept row that missed writes so far that a count comes out below zero gives no percentile: the events answer.
            var row = await db.StayTallies.Where(t => t.Month >= Base && t.Month < Base.AddMonths(3) && t.Count > 0).OrderBy(t => t.Id).Select(t => t.Id).FirstAsync();
            await db.StayTallies.Where(t => t.Id == row).ExecuteUpdateAsync(x => x.SetProperty(t => t.Count, t => t.Count - 1000));
            var quarter = (await reports.BasisAsync(new ReportFilter(new DateOnly(2032, 3, 1), new DateOnly(2032, 5, 31)), scopes[0])).Value!;
            var edges = quarter.Period.MonthEdgesUtc();
            Assert.Null(await StayCounting.FromTalliesAsync(quarter, edges, CancellationToken.None));
            foreach (var sql in isSqlite ? Prospector.Migrations.Sqlite.StayTalliesSql.Up : Prospector.Migrations.Postgres.StayTalliesSql.Up)
                await db.Database.ExecuteSqlRawAsync(sql);
            Assert.NotNull(await StayCounting.FromTalliesAsync(quarter, edges, CancellationToken.None));
            return 0;
        });
    }

    private static async Task AssertFactsAsync(ProspectorDb db, string name, string what)
    {
        var kept = await db.Contacts.IgnoreQueryFilters().AsNoTracking().Where(c => c.LastName == name)
            .Select(c => new { c.Id, c.FirstLeadAt, c.HighestStage }).OrderBy(c => c.Id).ToListAsync();
        var ids = kept.Select(c => c.Id).ToList();
        var all = await db.LifecycleEvents.AsNoTracking().Where(e => ids.Contains(e.ContactId)).ToListAsync();
        var events = all.Where(e => e.Kind == LifecycleEventKind.StageChanged).ToList();
        Assert.True(kept.Count > 0, what);
        foreach (var e in all)
        {
            // The stay a stage change ends: the contact's stage change just before it, by time, then id.
            var before = e.Kind != LifecycleEventKind.StageChanged ? null : events.Where(p => p.ContactId == e.ContactId && (p.At < e.At || (p.At == e.At && p.Id < e.Id)))
                .OrderByDescending(p => p.At).ThenByDescending(p => p.Id).FirstOrDefault();
            Assert.True(e.StayStartedAt == before?.At && e.StayStage == before?.ToStage,
                $"{what}: event {e.Id} ({e.Kind}, contact {e.ContactId}, {e.At:O}) keeps the stay {e.StayStartedAt:O}/{e.StayStage}, expected {before?.At:O}/{before?.ToStage}");
            // The period funnel: the contact's last entry into the same stage going up, and its last leave of the same stage in
            // the same direction, before this change (by time, then id).
            var earlier = events.Where(p => p.ContactId == e.ContactId && (p.At < e.At || (p.At == e.At && p.Id < e.Id))).ToList();
            var entry = e.Kind == LifecycleEventKind.StageChanged && Enters(e)
                ? earlier.Where(p => Enters(p) && p.ToStage == e.ToStage).Select(p => (DateTime?)p.At).Max() : null;
            var leave = e.Kind == LifecycleEventKind.StageChanged && Leaves(e)
                ? earlier.Where(p => Leaves(p) && p.FromStage == e.FromStage && Up(p) == Up(e)).Select(p => (DateTime?)p.At).Max() : null;
            Assert.True(e.PreviousEntryAt == entry && e.PreviousLeaveAt == leave,
                $"{what}: event {e.Id} ({e.FromStage}→{e.ToStage}, contact {e.ContactId}, {e.At:O}) keeps the previous entry/leave {e.PreviousEntryAt:O}/{e.PreviousLeaveAt:O}, expected {entry:O}/{leave:O}");
        }
        foreach (var c in kept)
        {
            var mine = events.Where(e => e.ContactId == c.Id && e.ToStage is not null).ToList();
            var first = mine.Where(e => e.ToStage >= Stage.Lead).Select(e => (DateTime?)e.At).Min();
            var highest = mine.Count == 0 ? null : mine.Max(e => e.ToStage);
            Assert.True(first == c.FirstLeadAt && highest == c.HighestStage,
                $"{what}: contact {c.Id} keeps {c.FirstLeadAt:O}/{c.HighestStage}, its events say {first:O}/{highest}");
        }
    }

    /// <summary>
    /// The kept stage-move tallies of this test's months (no other test writes events in 2032) against a recount: every
    /// stage change that changes the stage, of a contact outside the recycle bin, per UTC day and per UTC hour, stage left and
    /// entered, and the contact's owner and team now.
    /// </summary>
    private static async Task AssertTalliesAsync(ProspectorDb db, string what)
    {
        var (from, to) = (Base.AddDays(-1), Base.AddDays(200));
        var kept = (await db.StageMoveTallies.AsNoTracking().Where(t => t.Slot >= from && t.Slot < to && t.Count != 0).ToListAsync())
            .Select(t => $"{t.Hourly} {t.Slot:O} {t.FromStage}>{t.ToStage} {t.OwnerId}/{t.TeamId}: {t.Count}").Order(StringComparer.Ordinal).ToList();
        var moves = await db.LifecycleEvents.AsNoTracking().Where(e => e.Kind == LifecycleEventKind.StageChanged && e.At >= from && e.At < to)
            .Join(db.Contacts, e => e.ContactId, c => c.Id, (e, c) => new { e.At, e.FromStage, e.ToStage, c.OwnerId, c.TeamId })
            .ToListAsync();
        var recount = moves.Where(m => m.FromStage != m.ToStage)
            .SelectMany(m => DayAndHour(m.At), (m, s) => (s.Hourly, s.Slot, m.FromStage, m.ToStage, m.OwnerId, m.TeamId))
            .GroupBy(x => x).Select(g => $"{g.Key.Hourly} {DateTime.SpecifyKind(g.Key.Slot, DateTimeKind.Utc):O} {g.Key.FromStage}>{g.Key.ToStage} {g.Key.OwnerId}/{g.Key.TeamId}: {g.Count()}")
            .Order(StringComparer.Ordinal).ToList();
        Assert.True(recount.SequenceEqual(kept), $"{what}: the kept stage-move tallies differ from a recount:\nkept:    {string.Join("; ", kept.Except(recount))}\nrecount: {string.Join("; ", recount.Except(kept))}");
    }

    /// <summary>
    /// The kept stay histogram of this test's months against a recount: every stage change that ends a stay (its stay checked
    /// by <see cref="AssertFactsAsync"/>), of a contact outside the recycle bin, per UTC month of the change, stage stayed in,
    /// length in completed days, and the contact's owner and team now.
    /// </summary>
    private static async Task AssertStaysAsync(ProspectorDb db, string what)
    {
        var (from, to) = (Base.AddMonths(-1), Base.AddMonths(4));
        var kept = (await db.StayTallies.AsNoTracking().Where(t => t.Month >= from && t.Month < to && t.Count != 0).ToListAsync())
            .Select(t => $"{t.Month:yyyy-MM} {t.Stage} {t.Days}d {t.OwnerId}/{t.TeamId}: {t.Count}").Order(StringComparer.Ordinal).ToList();
        var stays = await db.LifecycleEvents.AsNoTracking()
            .Where(e => e.Kind == LifecycleEventKind.StageChanged && e.At >= from && e.At < to && e.StayStage != null && e.StayStartedAt != null)
            .Join(db.Contacts, e => e.ContactId, c => c.Id, (e, c) => new { e.At, e.StayStartedAt, e.StayStage, c.OwnerId, c.TeamId })
            .ToListAsync();
        var recount = stays.GroupBy(x => (Month: x.At.ToString("yyyy-MM", CultureInfo.InvariantCulture), x.StayStage, Days: (x.At - x.StayStartedAt!.Value).Ticks / TimeSpan.TicksPerDay, x.OwnerId, x.TeamId))
            .Select(g => $"{g.Key.Month} {g.Key.StayStage} {g.Key.Days}d {g.Key.OwnerId}/{g.Key.TeamId}: {g.Count()}")
            .Order(StringComparer.Ordinal).ToList();
        Assert.True(recount.SequenceEqual(kept), $"{what}: the kept stays differ from a recount:\nkept:    {string.Join("; ", kept.Except(recount))}\nrecount: {string.Join("; ", recount.Except(kept))}");
    }

    /// <summary>
    /// The stage times' stays per stage and month of the period from the kept histograms (corrected at the period's and months'
    /// edges from the events) equal those counted from the events themselves: for each viewer, over a quarter, periods with
    /// edges in mid-month (nearer the month's start and nearer its end), and ten days (too short: the events are read), with owner and team filters.
    /// </summary>
    private static async Task AssertStayCountsAsync(ReportService reports, AccessScope[] scopes, (long Owner, long? Team) filter, string what)
    {
        foreach (var scope in scopes)
            foreach (var (from, to) in new[] { (new DateOnly(2032, 3, 1), new DateOnly(2032, 5, 31)), (new DateOnly(2032, 3, 20), new DateOnly(2032, 5, 12)), (new DateOnly(2032, 3, 10), new DateOnly(2032, 6, 20)), (new DateOnly(2032, 4, 12), new DateOnly(2032, 4, 21)) })
                foreach (var (owner, team) in new (long? Owner, long? Team)[] { (null, null), (filter.Owner, null), (null, filter.Team) })
                {
                    var b = (await reports.BasisAsync(new ReportFilter(from, to, team, owner), scope)).Value!;
                    var bounds = b.Period.MonthEdgesUtc();
                    var tallies = await StayCounting.FromTalliesAsync(b, bounds, CancellationToken.None);
                    var events = await StayCounting.FromEventsAsync(b, bounds, CancellationToken.None);
                    var where = $"{what}; viewer {scope.UserId} ({b.Period.TimeZone}), {from}..{to}, owner {owner}, team {team}";
                    if (to.DayNumber - from.DayNumber < 20)
                    {
                        Assert.True(tallies is null, $"{where}: ten days are read from the events");
                        continue;
                    }
                    Assert.True(tallies is not null, $"{where}: the tallies answer");
                    var (t, e) = (Sorted(tallies!), Sorted(events));
                    if (owner is null && team is null && scope == scopes[0] && from.Day == 1) Assert.True(events.Values.Sum(m => m.Sum(d => d.Count)) > 20, $"{where}: too few stays to tell ({events.Values.Sum(m => m.Sum(d => d.Count))})");
                    Assert.True(t.SequenceEqual(e), $"{where}:\n tallies {string.Join(", ", t)}\n events  {string.Join(", ", e)}");
                }
    }

    /// <summary>
    /// The kept cohort tallies of this test's days (no other test has contacts that became a Lead in 2032) against a recount
    /// of the contacts outside the recycle bin: per UTC day of the first day as a Lead, stage, highest stage, out, reason of
    /// the disqualified ones, owner and team.
    /// </summary>
    private static async Task AssertCohortAsync(ProspectorDb db, string what)
    {
        var (from, to) = (Base.AddDays(-1), Base.AddDays(200));
        var kept = (await db.CohortTallies.AsNoTracking().Where(t => t.Day >= from && t.Day < to && t.Count != 0).ToListAsync())
            .Select(t => $"{t.Day:O} {t.Stage}/{t.HighestStage} {t.Out}:{t.Reason} {t.OwnerId}/{t.TeamId}: {t.Count}").Order(StringComparer.Ordinal).ToList();
        var contacts = await db.Contacts.AsNoTracking().Where(c => c.FirstLeadAt >= from && c.FirstLeadAt < to)
            .Select(c => new { c.FirstLeadAt, c.Stage, c.HighestStage, c.LeadStatus, c.UnqualifiedReason, c.OwnerId, c.TeamId }).ToListAsync();
        var recount = contacts.GroupBy(c => (Day: c.FirstLeadAt!.Value.Date, c.Stage, c.HighestStage, Out: c.LeadStatus == LeadStatus.Unqualified,
                Reason: c.LeadStatus == LeadStatus.Unqualified ? c.UnqualifiedReason ?? "" : null, c.OwnerId, c.TeamId))
            .Select(g => $"{DateTime.SpecifyKind(g.Key.Day, DateTimeKind.Utc):O} {g.Key.Stage}/{g.Key.HighestStage} {g.Key.Out}:{g.Key.Reason} {g.Key.OwnerId}/{g.Key.TeamId}: {g.Count()}")
            .Order(StringComparer.Ordinal).ToList();
        Assert.True(recount.SequenceEqual(kept), $"{what}: the kept cohort tallies differ from a recount:\nkept:    {string.Join("; ", kept.Except(recount))}\nrecount: {string.Join("; ", recount.Except(kept))}");
    }

    /// <summary>
    /// The kept disqualification tallies of this test's months against a recount: every status change to Unqualified of a
    /// contact outside the recycle bin, per UTC day and hour, reason ("" for none), and the contact's owner and team now.
    /// </summary>
    private static async Task AssertDisqualificationsAsync(ProspectorDb db, string what)
    {
        var (from, to) = (Base.AddDays(-1), Base.AddDays(200));
        var kept = (await db.DisqualificationTallies.AsNoTracking().Where(t => t.Slot >= from && t.Slot < to && t.Count != 0).ToListAsync())
            .Select(t => $"{t.Hourly} {t.Slot:O} {t.Reason} {t.OwnerId}/{t.TeamId}: {t.Count}").Order(StringComparer.Ordinal).ToList();
        var outs = await db.LifecycleEvents.AsNoTracking().Where(e => e.Kind == LifecycleEventKind.StatusChanged && e.ToStatus == LeadStatus.Unqualified && e.At >= from && e.At < to)
            .Join(db.Contacts, e => e.ContactId, c => c.Id, (e, c) => new { e.At, e.Reason, c.OwnerId, c.TeamId })
            .ToListAsync();
        var recount = outs.SelectMany(m => DayAndHour(m.At), (m, s) => (s.Hourly, s.Slot, Reason: m.Reason ?? "", m.OwnerId, m.TeamId))
            .GroupBy(x => x).Select(g => $"{g.Key.Hourly} {DateTime.SpecifyKind(g.Key.Slot, DateTimeKind.Utc):O} {g.Key.Reason} {g.Key.OwnerId}/{g.Key.TeamId}: {g.Count()}")
            .Order(StringComparer.Ordinal).ToList();
        Assert.True(recount.Count > 0 || what.StartsWith("op ", StringComparison.Ordinal), $"{what}: no disqualification to tell");
        Assert.True(recount.SequenceEqual(kept), $"{what}: the kept disqualification tallies differ from a recount:\nkept:    {string.Join("; ", kept.Except(recount))}\nrecount: {string.Join("; ", recount.Except(kept))}");
    }

    /// <summary>Every deal of this test keeps the first day as a Lead and the list of its contact (none without one).</summary>
    private static async Task AssertDealsAsync(ProspectorDb db, long pipelineId, string what)
    {
        var deals = await db.Opportunities.IgnoreQueryFilters().AsNoTracking().Where(o => o.PipelineId == pipelineId)
            .Select(o => new
            {
                o.Id, o.ContactFirstLeadAt, o.ContactSourceListId,
                Contact = db.Contacts.IgnoreQueryFilters().Where(c => c.Id == o.ContactId).Select(c => c.FirstLeadAt).FirstOrDefault(),
                List = db.Contacts.IgnoreQueryFilters().Where(c => c.Id == o.ContactId).Select(c => c.SourceListId).FirstOrDefault(),
            })
            .ToListAsync();
        Assert.True(deals.Count > 0, what);
        foreach (var d in deals)
            Assert.True(d.ContactFirstLeadAt == d.Contact && d.ContactSourceListId == d.List,
                $"{what}: deal {d.Id} keeps {d.ContactFirstLeadAt:O} and list {d.ContactSourceListId}, its contact says {d.Contact:O} and list {d.List}");
    }

    /// <summary>
    /// The kept contact counts of this test's lists against a recount of the contacts outside the recycle bin made from them:
    /// per list, stage, out, owner and team.
    /// </summary>
    private static async Task AssertListsAsync(ProspectorDb db, List<long> lists, string what)
    {
        var kept = (await db.ListContactTallies.AsNoTracking().Where(t => lists.Contains(t.SourceListId) && t.Count != 0).ToListAsync())
            .Select(t => $"{t.SourceListId} {t.Stage} {t.Out} {t.OwnerId}/{t.TeamId}: {t.Count}").Order(StringComparer.Ordinal).ToList();
        var contacts = await db.Contacts.AsNoTracking().Where(c => c.SourceListId != null && lists.Contains(c.SourceListId.Value))
            .Select(c => new { c.SourceListId, c.Stage, Out = c.LeadStatus == LeadStatus.Unqualified, c.OwnerId, c.TeamId }).ToListAsync();
        var recount = contacts.GroupBy(c => c).Select(g => $"{g.Key.SourceListId} {g.Key.Stage} {g.Key.Out} {g.Key.OwnerId}/{g.Key.TeamId}: {g.Count()}")
            .Order(StringComparer.Ordinal).ToList();
        Assert.True(recount.Count > 0, $"{what}: no contact from a list to tell");
        Assert.True(recount.SequenceEqual(kept), $"{what}: the kept list counts differ from a recount:\nkept:    {string.Join("; ", kept.Except(recount))}\nrecount: {string.Join("; ", recount.Except(kept))}");
    }

    /// <summary>
    /// What the lists report reads from kept rows equals what it counts from the records, for each viewer: the lists'
    /// contacts per list, stage and out (kept counts against the contacts), and each list's won deals (by the list each
    /// deal keeps, against a join of the won deals to the contacts made from the lists).
    /// </summary>
    private static async Task AssertListCountsAsync(ReportService reports, AccessScope[] scopes, List<long> lists, string what)
    {
        foreach (var scope in scopes)
        {
            var b = (await reports.BasisAsync(new ReportFilter(new DateOnly(2032, 3, 1), new DateOnly(2032, 5, 31)), scope)).Value!;
            var where = $"{what}; viewer {scope.UserId}";
            var kept = await ListsReport.ContactGroupsFromTalliesAsync(b, lists, CancellationToken.None);
            Assert.True(kept is not null, $"{where}: the kept counts answer");
            var counted = await ListsReport.ContactGroupsFromContactsAsync(b, lists, CancellationToken.None);
            var (k, c) = (kept!.Select(g => g.ToString()).Order(StringComparer.Ordinal).ToList(), counted.Select(g => g.ToString()).Order(StringComparer.Ordinal).ToList());
            Assert.True(k.SequenceEqual(c), $"{where}: the lists' contacts\n kept      {string.Join(", ", k)}\n contacts  {string.Join(", ", c)}");
            var contacts = ListsReport.ContactsOf(b).Where(x => x.SourceListId != null && lists.Contains(x.SourceListId.Value));
            var joined = (await b.Scope.Filter(b.Db.Opportunities).Where(x => x.State == OpportunityState.Won)
                    .Join(contacts, x => x.ContactId, x => x.Id, (x, y) => new { y.SourceListId, x.Currency, x.Amount }).ToListAsync())
                .GroupBy(x => (x.SourceListId, x.Currency)).Select(g => $"{g.Key.SourceListId} {g.Key.Currency} {g.Count()} {g.Sum(x => x.Amount):0.##}").Order(StringComparer.Ordinal).ToList();
            var won = (await ListsReport.WonDealsAsync(b, lists, CancellationToken.None)).Select(w => $"{w.SourceListId} {w.Currency} {w.N} {w.Sum:0.##}").Order(StringComparer.Ordinal).ToList();
            if (scope == scopes[0]) Assert.True(joined.Count > 0 || what.StartsWith("op ", StringComparison.Ordinal), $"{where}: no won deal from a list to tell");
            Assert.True(won.SequenceEqual(joined), $"{where}: the lists' won deals\n kept   {string.Join(", ", won)}\n joined {string.Join(", ", joined)}");
        }
    }

    /// <summary>
    /// What the funnel reads from kept rows equals what it counts from the records themselves, for each viewer, over a
    /// quarter, a period with edges in mid-month, ten days and one day, with owner and team filters: the period's
    /// disqualifications (tallies against the events; Kolkata's half-hour midnight reads the events), the cohort (tallies,
    /// its ends read from the contacts, against the contacts; one day holds no whole UTC day, so the contacts answer), and
    /// the cohort's lost and cancelled deals (by the first day as a Lead each deal keeps, against those of the cohort's contacts).
    /// </summary>
    private static async Task AssertFunnelCountsAsync(ReportService reports, AccessScope[] scopes, (long Owner, long? Team) filter, string what)
    {
        foreach (var scope in scopes)
            foreach (var (from, to) in new[] { (new DateOnly(2032, 3, 1), new DateOnly(2032, 5, 31)), (new DateOnly(2032, 3, 20), new DateOnly(2032, 5, 12)), (new DateOnly(2032, 4, 12), new DateOnly(2032, 4, 21)), (new DateOnly(2032, 4, 12), new DateOnly(2032, 4, 12)) })
                foreach (var (owner, team) in new (long? Owner, long? Team)[] { (null, null), (filter.Owner, null), (null, filter.Team) })
                {
                    var b = (await reports.BasisAsync(new ReportFilter(from, to, team, owner), scope)).Value!;
                    var tallies = await FunnelReport.CohortFromTalliesAsync(b, CancellationToken.None);
                    var contacts = await FunnelReport.CohortFromContactsAsync(b, b.Period.StartUtc, b.Period.EndUtc, CancellationToken.None);
                    var where = $"{what}; viewer {scope.UserId} ({b.Period.TimeZone}), {from}..{to}, owner {owner}, team {team}";
                    // The period's disqualifications from the kept tallies (by the day, and by the hour at the ends) equal those
                    // counted from the events; a viewer whose midnight is on the half hour (Kolkata) is answered from the events.
                    var (outKept, outEvents) = (await FunnelReport.DisqualifiedFromTalliesAsync(b, CancellationToken.None), await FunnelReport.DisqualifiedFromEventsAsync(b, CancellationToken.None));
                    Assert.True(outKept is null == (b.Period.TimeZone == "Asia/Kolkata"), $"{where}: the disqualification tallies answer unless the edges are on the half hour");
                    if (outKept is not null)
                    {
                        var (ko, eo) = (outKept.Select(d => d.ToString()).Order(StringComparer.Ordinal).ToList(), outEvents.Select(d => d.ToString()).Order(StringComparer.Ordinal).ToList());
                        Assert.True(ko.SequenceEqual(eo), $"{where}: the period's disqualifications\n kept   {string.Join(", ", ko)}\n events {string.Join(", ", eo)}");
                    }
                    if (from == to)
                    {
                        Assert.True(tallies is null, $"{where}: one day holds no whole UTC day, the contacts answer");
                        continue;
                    }
                    Assert.True(tallies is not null, $"{where}: the tallies answer");
                    static List<string> Text(IEnumerable<FunnelReport.CohortGroup> g) => [.. g.Select(x => x.ToString()).Order(StringComparer.Ordinal)];
                    if (owner is null && team is null && scope == scopes[0] && from.Day == 1) Assert.True(contacts.Sum(g => g.Count) > 0, $"{where}: too few contacts to tell ({contacts.Sum(g => g.Count)})");
                    // The cohort's lost and cancelled deals, found by the first day as a Lead they keep, are those of the cohort's contacts.
                    var cohort = FunnelReport.CohortOf(b).Select(c => (long?)c.Id);
                    var (kept, probed) = (await FunnelReport.DealDropsAsync(FunnelReport.CohortDeals(b), CancellationToken.None),
                        await FunnelReport.DealDropsAsync(b.Opportunities().Where(o => cohort.Contains(o.ContactId)), CancellationToken.None));
                    var (k, p) = (kept.Select(d => d.ToString()).Order(StringComparer.Ordinal).ToList(), probed.Select(d => d.ToString()).Order(StringComparer.Ordinal).ToList());
                    if (owner is null && team is null && scope == scopes[0] && from.Day == 1) Assert.True(probed.Sum(d => d.Count) > 0, $"{where}: no lost deal of the cohort to tell");
                    Assert.True(k.SequenceEqual(p), $"{where}: the cohort's deals\n kept   {string.Join(", ", k)}\n probed {string.Join(", ", p)}");
                    Assert.True(Text(tallies!).SequenceEqual(Text(contacts)), $"{where}:\n tallies  {string.Join(", ", Text(tallies!))}\n contacts {string.Join(", ", Text(contacts))}");
                }
    }

    private static readonly string?[] Reasons = [null, "", "No budget", "Wrong contact"];

    /// <summary>The two slots a kept tally counts an event in: its UTC day and its UTC hour.</summary>
    private static (bool Hourly, DateTime Slot)[] DayAndHour(DateTime at) => [(false, at.Date), (true, at.Date.AddHours(at.Hour))];

    private static List<string> Sorted(Dictionary<Stage, DayCounts[]> stays) =>
        [.. stays.SelectMany(x => x.Value.Select((d, i) => $"{x.Key} m{i}: {string.Join(" ", d.ByDays.Select(n => $"{n.Key}d×{n.Value}"))}"))];

    private static bool Up(LifecycleEvent e) => e.FromStage is null || (e.ToStage is { } to && to > e.FromStage);
    private static bool Enters(LifecycleEvent e) => e.ToStage is not null && Up(e);
    private static bool Leaves(LifecycleEvent e) => e.FromStage is not null && e.ToStage != e.FromStage;
}

public sealed class FunnelFactsTestsSqlite(SqliteApp f) : FunnelFactsTests(f.Factory), IClassFixture<SqliteApp>;
public sealed class FunnelFactsTestsPostgres(PostgresApp f) : FunnelFactsTests(f.Factory), IClassFixture<PostgresApp>;
