using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Prospector.Data;
using Prospector.Features.Access;
using Prospector.Features.Pipelines;
using Prospector.Tests.Infrastructure;

namespace Prospector.Tests.Http;

/// <summary>
/// The board's column totals and the dashboard's pipeline value are read from DealTotals, which database triggers keep.
/// A random history of deal writes of every kind — created, amount, probability, currency, step and pipeline, owner and
/// team, state (open, standby, won, lost, cancelled, reopened), recycle bin and back, deleted for good, bulk updates and
/// bulk deletes that bypass the app — and after each write the kept totals must equal the live sum over the deals to the
/// cent, for an admin and two reps of different teams, for every pipeline and owner and team filter. A missing trigger (a
/// migration that rebuilt the Opportunities table on SQLite drops them) fails here. Replay with PROSPECTOR_TOTALS_SEED=n.
/// </summary>
public abstract class DealTotalsTests(ProspectorFactory app)
{
    private static readonly string[] Currencies = ["EUR", "CHF", "USD"];
    private static readonly OpportunityState[] States =
        [OpportunityState.Open, OpportunityState.Open, OpportunityState.Standby, OpportunityState.Won, OpportunityState.Lost, OpportunityState.Cancelled];

    [Fact]
    public async Task Kept_totals_equal_the_live_sum_after_every_kind_of_deal_write()
    {
        var seed = int.TryParse(Environment.GetEnvironmentVariable("PROSPECTOR_TOTALS_SEED"), out var s) ? s : 7;
        var r = new Random(seed);
        var admin = await app.UserAsync("Admin");
        var repA = await app.UserAsync("Rep", TestHttp.Unique("TA"));
        var repB = await app.UserAsync("Rep", TestHttp.Unique("TB"));
        long?[] owners = [null, admin.Id, repA.Id, repB.Id];
        long?[] teams = [null, repA.TeamId, repB.TeamId];
        await app.WithDbAsync(async (db, sp) =>
        {
            db.Pipelines.Add(new Pipeline
            {
                Name = TestHttp.Unique("Second"), SortOrder = 9,
                Steps = [new() { Name = "One", SortOrder = 1 }, new() { Name = "Two", SortOrder = 2 }],
            });
            await db.SaveChangesAsync();
            var steps = await db.PipelineSteps.Select(x => new { x.Id, x.PipelineId }).ToListAsync();
            var access = sp.GetRequiredService<RecordAccess>();
            var scopes = new[] { await access.ScopeOfUserAsync(admin.Id), await access.ScopeOfUserAsync(repA.Id), await access.ScopeOfUserAsync(repB.Id) };
            decimal Amount() => r.Next(0, 4) == 0 ? 0m : Math.Round((decimal)(r.NextDouble() * 250_000), 2);
            var checks = 0;
            for (var op = 0; op < 120; op++)
            {
                var all = await db.Opportunities.IgnoreQueryFilters().OrderBy(o => o.Id).ToListAsync();
                var deal = all.Count == 0 ? null : all[r.Next(all.Count)];
                var kind = deal is null || all.Count < 12 ? 0 : r.Next(12);
                var what = $"op {op} (seed {seed}): kind {kind}";
                switch (kind)
                {
                    case 0:
                        var step = steps[r.Next(steps.Count)];
                        db.Opportunities.Add(new Opportunity
                        {
                            Title = $"Deal {op}", PipelineId = step.PipelineId, StepId = step.Id, Amount = Amount(), Currency = Currencies[r.Next(3)],
                            Probability = r.Next(0, 101), State = States[r.Next(States.Length)], OwnerId = owners[r.Next(owners.Length)],
                            TeamId = teams[r.Next(teams.Length)],
                        });
                        break;
                    case 1: deal!.Amount = Amount(); break;
                    case 2: deal!.Probability = r.Next(0, 101); break;
                    case 3: deal!.Currency = Currencies[r.Next(3)]; break;
                    case 4:
                        var to = steps[r.Next(steps.Count)];
                        (deal!.PipelineId, deal.StepId) = (to.PipelineId, to.Id);
                        break;
                    case 5: (deal!.OwnerId, deal.TeamId) = (owners[r.Next(owners.Length)], teams[r.Next(teams.Length)]); break;
                    case 6: deal!.State = States[r.Next(States.Length)]; break;
                    case 7: deal!.DeletedAt = deal.DeletedAt is null ? DateTime.UtcNow : null; break;
                    case 8: db.Opportunities.Remove(deal!); break;
                    case 9:
                        // Several fields at once, as an edit form saves them.
                        (deal!.Amount, deal.Probability, deal.State) = (Amount(), r.Next(0, 101), States[r.Next(States.Length)]);
                        break;
                    case 10:
                        var from = owners[r.Next(1, owners.Length)];
                        var newOwner = owners[r.Next(owners.Length)];
                        await db.Opportunities.IgnoreQueryFilters().Where(o => o.OwnerId == from)
                            .ExecuteUpdateAsync(u => u.SetProperty(o => o.OwnerId, newOwner).SetProperty(o => o.Probability, o => o.Probability / 2));
                        break;
                    default:
                        if (r.Next(3) == 0)
                            await db.Opportunities.IgnoreQueryFilters().Where(o => o.Id % 7 == op % 7).ExecuteDeleteAsync();
                        else
                            deal!.Title = $"Renamed {op}"; // no figure changes
                        break;
                }
                await db.SaveChangesAsync();
                db.ChangeTracker.Clear();
                // Every write is checked for the whole workspace; every fifth for every viewer and filter (a wrong delta stays
                // in the kept totals, so it is still there to be found).
                if (op % 5 != 4)
                {
                    if (!Sorted(await PipelineNumbers.RowsAsync(db.Opportunities)).SequenceEqual(Sorted(await PipelineNumbers.RowsAsync(db, scopes[0], null, null, null))))
                        Assert.Fail($"{what}: the workspace's totals differ");
                    checks++;
                    continue;
                }
                foreach (var scope in scopes)
                    foreach (var pipelineId in new long?[] { null }.Concat(steps.Select(x => (long?)x.PipelineId).Distinct()))
                        foreach (var (owner, team) in new (long? Owner, long? Team)[] { (null, null), (repA.Id, null), (null, repA.TeamId), (repB.Id, repB.TeamId) })
                        {
                            var kept = await PipelineNumbers.RowsAsync(db, scope, pipelineId, owner, team);
                            var live = await PipelineNumbers.RowsAsync(PipelineQueries.OpportunityFilter(db, scope, pipelineId, owner, team));
                            if (!Sorted(live).SequenceEqual(Sorted(kept)))
                                Assert.Fail($"{what}; viewer {scope.UserId}, pipeline {pipelineId}, owner {owner}, team {team}:\n live {string.Join(", ", Sorted(live))}\n kept {string.Join(", ", Sorted(kept))}");
                            checks++;
                        }
            }
            // The history reached every corner it is meant to: deals in play left in several currencies, on standby, in the bin.
            var left = await db.Opportunities.IgnoreQueryFilters().ToListAsync();
            Assert.Contains(left, o => o.DeletedAt is not null);
            Assert.Contains(left, o => o.State == OpportunityState.Standby && o.DeletedAt is null);
            Assert.True(left.Where(o => o.State is OpportunityState.Open).Select(o => o.Currency).Distinct().Count() > 1);
            Assert.True(checks > 800, $"{checks} checks");
            return 0;
        });
    }

    private static List<PipelineNumbers.Row> Sorted(IEnumerable<PipelineNumbers.Row> rows) =>
        rows.OrderBy(x => x.PipelineId).ThenBy(x => x.StepId).ThenBy(x => x.Currency).ThenBy(x => x.Standby).ToList();
}

public sealed class DealTotalsTestsSqlite(SqliteApp f) : DealTotalsTests(f.Factory), IClassFixture<SqliteApp>;
public sealed class DealTotalsTestsPostgres(PostgresApp f) : DealTotalsTests(f.Factory), IClassFixture<PostgresApp>;
