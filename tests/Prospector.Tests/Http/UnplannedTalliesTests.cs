using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Prospector.Data;
using Prospector.Features.Access;
using Prospector.Features.NextActions;
using Prospector.Tests.Infrastructure;

namespace Prospector.Tests.Http;

/// <summary>
/// The "without next action" counts (the badge, the to-do page, the activity and team reports) come from UnplannedTallies,
/// which database triggers keep through counters on contacts and deals. A random history of every kind of write that moves
/// an item in or out of the count — contacts added, moved between stages, disqualified, handed over, into the recycle bin
/// and back, deleted for good; deals added, moved to another contact, won, lost, reopened, binned, deleted; next actions
/// planned, done, cancelled, reopened, moved, binned, deleted; bulk statements that bypass the app and change many rows of
/// one item at once; the workspace's "every customer has a next action" switched — and after each write the kept tallies
/// must equal the items that <see cref="NextActionQueries.ContactsWithout"/> and <see cref="NextActionQueries.OpportunitiesWithout"/>
/// list, per kind, owner and team, and each user's count must equal the length of their list. A missing trigger (a
/// migration that rebuilt one of the tables on SQLite drops them) fails here. Replay with PROSPECTOR_UNPLANNED_SEED=n.
/// </summary>
public abstract class UnplannedTalliesTests(ProspectorFactory app)
{
    private static readonly Stage[] Stages = Enum.GetValues<Stage>();
    private static readonly LeadStatus[] Statuses = Enum.GetValues<LeadStatus>();
    private static readonly OpportunityState[] States = Enum.GetValues<OpportunityState>();

    [Fact]
    public async Task Kept_counts_equal_the_items_listed_after_every_kind_of_write()
    {
        var seed = int.TryParse(Environment.GetEnvironmentVariable("PROSPECTOR_UNPLANNED_SEED"), out var s) ? s : 7;
        var r = new Random(seed);
        var admin = await app.UserAsync("Admin");
        var repA = await app.UserAsync("Rep", TestHttp.Unique("UA"));
        var repB = await app.UserAsync("Rep", TestHttp.Unique("UB"));
        long?[] users = [null, admin.Id, repA.Id, repB.Id];
        long?[] teams = [null, repA.TeamId, repB.TeamId];
        await app.WithDbAsync(async (db, sp) =>
        {
            var step = await db.PipelineSteps.OrderBy(x => x.Id).FirstAsync();
            var access = sp.GetRequiredService<RecordAccess>();
            var scopes = new[] { await access.ScopeOfUserAsync(admin.Id), await access.ScopeOfUserAsync(repA.Id), await access.ScopeOfUserAsync(repB.Id) };
            var customersBefore = await db.WorkspaceSettings.Select(w => w.CustomersNeedNextAction).FirstAsync();
            long? Owner() => users[r.Next(users.Length)];
            long? Team() => teams[r.Next(teams.Length)];
            var (checks, counted) = (0, 0);
            for (var op = 0; op < 150; op++)
            {
                var contacts = await db.Contacts.IgnoreQueryFilters().Where(c => c.FirstName == "Unplanned").OrderBy(c => c.Id).ToListAsync();
                var deals = await db.Opportunities.IgnoreQueryFilters().Where(o => o.Title.StartsWith("Unplanned")).OrderBy(o => o.Id).ToListAsync();
                var actions = await db.NextActions.IgnoreQueryFilters().Where(a => a.Note == "Unplanned").OrderBy(a => a.Id).ToListAsync();
                T Pick<T>(List<T> xs) => xs[r.Next(xs.Count)];
                var kind = op < 8 ? op % 2 : actions.Count < 4 ? 2 : r.Next(16);
                var what = $"op {op} (seed {seed}): kind {kind}";
                switch (kind)
                {
                    case 0:
                        db.Contacts.Add(new Contact
                        {
                            FirstName = "Unplanned", LastName = $"C{op}", Stage = Stages[r.Next(Stages.Length)],
                            LeadStatus = r.Next(5) == 0 ? LeadStatus.Unqualified : LeadStatus.Working, OwnerId = Owner(), TeamId = Team(),
                        });
                        break;
                    case 1:
                        db.Opportunities.Add(new Opportunity
                        {
                            Title = $"Unplanned {op}", PipelineId = step.PipelineId, StepId = step.Id, Currency = "EUR", OwnerId = Owner(), TeamId = Team(),
                            ContactId = r.Next(4) == 0 || contacts.Count == 0 ? null : Pick(contacts).Id, State = r.Next(4) == 0 ? OpportunityState.Standby : OpportunityState.Open,
                        });
                        break;
                    case 2 or 3:
                        // Planned on a contact or a deal that has no open action (the database allows one per item).
                        var onDeal = r.Next(3) == 0 && deals.Count > 0;
                        var busy = actions.Where(a => a.Status == NextActionStatus.Open && a.DeletedAt == null).Select(a => onDeal ? a.OpportunityId : a.OpportunityId == null ? a.ContactId : null).ToHashSet();
                        var free = onDeal ? deals.Select(d => (long?)d.Id).Where(id => !busy.Contains(id)).ToList() : contacts.Select(c => (long?)c.Id).Where(id => !busy.Contains(id)).ToList();
                        if (free.Count == 0) break;
                        var target = Pick(free);
                        db.NextActions.Add(new NextAction
                        {
                            Note = "Unplanned", Type = NextActionType.Call, DueDate = new DateOnly(2031, 3, 1), DueAtUtc = new DateTime(2031, 3, 1, 8, 0, 0, DateTimeKind.Utc),
                            AssigneeId = Owner(), CreatedAt = DateTime.UtcNow, Status = NextActionStatus.Open,
                            OpportunityId = onDeal ? target : null, ContactId = onDeal ? deals.First(d => d.Id == target).ContactId : target,
                        });
                        break;
                    case 4:
                        var c = Pick(contacts);
                        switch (r.Next(4))
                        {
                            case 0: c.Stage = Stages[r.Next(Stages.Length)]; break;
                            case 1: c.LeadStatus = Statuses[r.Next(Statuses.Length)]; break;
                            case 2: (c.OwnerId, c.TeamId) = (Owner(), Team()); break;
                            default: c.DeletedAt = c.DeletedAt is null ? DateTime.UtcNow : null; break;
                        }
                        break;
                    case 5:
                        if (deals.Count == 0) break;
                        var d = Pick(deals);
                        switch (r.Next(4))
                        {
                            case 0: d.State = States[r.Next(States.Length)]; break; // won, lost, cancelled, reopened
                            case 1: d.ContactId = r.Next(4) == 0 ? null : Pick(contacts).Id; break;
                            case 2: (d.OwnerId, d.TeamId) = (Owner(), Team()); break;
                            default: d.DeletedAt = d.DeletedAt is null ? DateTime.UtcNow : null; break;
                        }
                        break;
                    case 6 or 7:
                        var a = Pick(actions);
                        switch (r.Next(5))
                        {
                            case 0: (a.Status, a.CompletedAt) = (NextActionStatus.Done, DateTime.UtcNow); break;
                            case 1: a.Status = NextActionStatus.Cancelled; break;
                            case 2:
                                // Out of the recycle bin only where no other action is open on the item (one per item).
                                var taken = actions.Any(x => x.Id != a.Id && x.Status == NextActionStatus.Open && x.DeletedAt == null
                                    && (a.OpportunityId != null ? x.OpportunityId == a.OpportunityId : x.OpportunityId == null && x.ContactId == a.ContactId));
                                if (a.DeletedAt is null) a.DeletedAt = DateTime.UtcNow;
                                else if (!taken || a.Status != NextActionStatus.Open) a.DeletedAt = null;
                                break;
                            case 3: a.DueDate = a.DueDate.AddDays(1); break; // changes nothing counted
                            default: db.NextActions.Remove(a); break;
                        }
                        break;
                    case 8:
                        // Reopened or moved to another contact: only where that leaves one open action per item.
                        var closed = actions.Where(x => x.Status != NextActionStatus.Open && x.OpportunityId == null).ToList();
                        var openOn = actions.Where(x => x.Status == NextActionStatus.Open && x.OpportunityId == null).Select(x => x.ContactId).ToHashSet();
                        if (closed.Count == 0) break;
                        var back = Pick(closed);
                        var to = contacts.Select(x => (long?)x.Id).Where(id => !openOn.Contains(id)).ToList();
                        if (to.Count == 0) break;
                        (back.Status, back.ContactId, back.DeletedAt) = (NextActionStatus.Open, Pick(to), null);
                        break;
                    case 9:
                        // A contact deleted for good: its actions go with it, its deals lose it.
                        if (contacts.Count > 6) { var gone = Pick(contacts).Id; await db.Contacts.IgnoreQueryFilters().Where(x => x.Id == gone).ExecuteDeleteAsync(); }
                        break;
                    case 10:
                        if (deals.Count > 3) { var gone = Pick(deals).Id; await db.Opportunities.IgnoreQueryFilters().Where(x => x.Id == gone).ExecuteDeleteAsync(); }
                        break;
                    case 11:
                        // Many actions closed in one statement, past the app.
                        await db.NextActions.IgnoreQueryFilters().Where(x => x.Note == "Unplanned" && x.Id % 3 == op % 3)
                            .ExecuteUpdateAsync(u => u.SetProperty(x => x.Status, NextActionStatus.Done));
                        break;
                    case 12:
                        // Every deal of one owner closed in one statement; a book handed over.
                        var from = users[r.Next(1, users.Length)];
                        if (r.Next(2) == 0)
                            await db.Opportunities.IgnoreQueryFilters().Where(x => x.Title.StartsWith("Unplanned") && x.OwnerId == from)
                                .ExecuteUpdateAsync(u => u.SetProperty(x => x.State, r.Next(2) == 0 ? OpportunityState.Won : OpportunityState.Open));
                        else
                            await db.Contacts.IgnoreQueryFilters().Where(x => x.FirstName == "Unplanned" && x.OwnerId == from)
                                .ExecuteUpdateAsync(u => u.SetProperty(x => x.OwnerId, Owner()).SetProperty(x => x.Stage, Stages[r.Next(Stages.Length)]));
                        break;
                    case 13:
                        var customers = await db.WorkspaceSettings.Select(w => w.CustomersNeedNextAction).FirstAsync();
                        await db.WorkspaceSettings.ExecuteUpdateAsync(u => u.SetProperty(w => w.CustomersNeedNextAction, !customers));
                        break;
                    default:
                        // All deals of a few contacts moved onto one contact (a merge of duplicates).
                        var into = Pick(contacts).Id;
                        await db.Opportunities.IgnoreQueryFilters().Where(x => x.Title.StartsWith("Unplanned") && x.ContactId != null && x.ContactId % 2 == op % 2)
                            .ExecuteUpdateAsync(u => u.SetProperty(x => x.ContactId, into));
                        break;
                }
                await db.SaveChangesAsync();
                db.ChangeTracker.Clear();

                var (kept, listed) = (await KeptAsync(db), await ListedAsync(db, scopes[0]));
                if (!kept.SequenceEqual(listed))
                    Assert.Fail($"{what}: the kept tallies differ from the items listed\n kept   {string.Join(", ", kept.Except(listed))}\n listed {string.Join(", ", listed.Except(kept))}");
                counted = Math.Max(counted, kept.Count);
                checks++;
                foreach (var scope in scopes)
                    foreach (var owner in new long?[] { null, scope.UserId })
                    {
                        var count = await NextActionQueries.CountWithoutAsync(db, scope, owner);
                        var list = (await NextActionQueries.WithoutAsync(db, scope, owner, 10_000)).Count;
                        Assert.True(count == list, $"{what}: user {scope.UserId}, owner {owner}: counted {count}, listed {list}");
                        checks++;
                    }
            }
            await db.WorkspaceSettings.ExecuteUpdateAsync(u => u.SetProperty(w => w.CustomersNeedNextAction, customersBefore));
            Assert.True(counted >= 6, $"the history left at most {counted} tally rows");
            Assert.True(checks > 900, $"{checks} checks");
            return 0;
        });
    }

    private static async Task<List<string>> KeptAsync(ProspectorDb db) =>
        [.. (await db.UnplannedTallies.Where(t => t.Count != 0).ToListAsync())
            .Select(t => Key(t.Kind, t.OwnerId, t.TeamId, t.Count)).Order(StringComparer.Ordinal)];

    /// <summary>The items the app lists as without a next action (an admin sees all), counted per kind, owner and team.</summary>
    private static async Task<List<string>> ListedAsync(ProspectorDb db, AccessScope admin)
    {
        var contacts = await NextActionQueries.ContactsWithout(db, admin, null).Select(c => new { c.OwnerId, c.TeamId }).ToListAsync();
        var deals = await NextActionQueries.OpportunitiesWithout(db, admin, null).Select(o => new { o.OwnerId, o.TeamId }).ToListAsync();
        return [.. contacts.GroupBy(x => x).Select(g => Key(UnplannedKind.Contact, g.Key.OwnerId, g.Key.TeamId, g.Count()))
            .Concat(deals.GroupBy(x => x).Select(g => Key(UnplannedKind.Opportunity, g.Key.OwnerId, g.Key.TeamId, g.Count())))
            .Order(StringComparer.Ordinal)];
    }

    private static string Key(UnplannedKind kind, long? owner, long? team, int n) => $"{kind} o{owner} t{team} = {n}";
}

public sealed class UnplannedTalliesTestsSqlite(SqliteApp f) : UnplannedTalliesTests(f.Factory), IClassFixture<SqliteApp>;
public sealed class UnplannedTalliesTestsPostgres(PostgresApp f) : UnplannedTalliesTests(f.Factory), IClassFixture<PostgresApp>;
