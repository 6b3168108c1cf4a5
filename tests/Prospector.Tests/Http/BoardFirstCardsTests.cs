using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Prospector.Data;
using Prospector.Features.Access;
using Prospector.Features.Pipelines;
using Prospector.Tests.Infrastructure;

namespace Prospector.Tests.Http;

/// <summary>
/// The board reads each column's first cards through indexes (recent deals, then by expected close date, then without one)
/// instead of sorting the whole column. It must pick exactly the cards the plain board order picks: columns with more recent
/// deals than fit, none, ties on the close date, no close date, and a rep who sees only part of the deals.
/// </summary>
public abstract class BoardFirstCardsTests(ProspectorFactory app)
{
    [Fact]
    public async Task The_first_cards_of_each_column_are_those_of_the_plain_board_order()
    {
        var r = new Random(11);
        var admin = await app.UserAsync("Admin");
        var rep = await app.UserAsync("Rep", TestHttp.Unique("T"));
        await app.WithDbAsync(async (db, sp) =>
        {
            var pipeline = new Pipeline
            {
                Name = TestHttp.Unique("Cards"), SortOrder = 5,
                Steps = [new() { Name = "Busy", SortOrder = 1 }, new() { Name = "Quiet", SortOrder = 2 }, new() { Name = "Mixed", SortOrder = 3 }],
            };
            db.Pipelines.Add(pipeline);
            await db.SaveChangesAsync();
            var steps = pipeline.Steps.Select(s => s.Id).ToList();
            var now = db.Clock.GetUtcNow().UtcDateTime;
            for (var i = 0; i < 240; i++)
                db.Opportunities.Add(new Opportunity
                {
                    Title = $"Deal {i}", PipelineId = pipeline.Id, StepId = steps[i % 3], Amount = 100, Probability = 50,
                    State = r.Next(8) == 0 ? OpportunityState.Standby : OpportunityState.Open,
                    ExpectedCloseDate = r.Next(4) == 0 ? null : DateOnly.FromDateTime(now).AddDays(r.Next(0, 12)),
                    OwnerId = r.Next(2) == 0 ? rep.Id : admin.Id,
                });
            await db.SaveChangesAsync();
            // Changed at random times: the first column mostly in the last day (more than a column shows), the second never,
            // the third a few; one deal exactly a day ago (it ties with the old ones).
            var deals = await db.Opportunities.Where(o => o.PipelineId == pipeline.Id).Select(o => new { o.Id, o.StepId }).ToListAsync();
            foreach (var d in deals)
            {
                var recentShare = d.StepId == steps[0] ? 0.8 : d.StepId == steps[1] ? 0 : 0.1;
                var at = r.NextDouble() < recentShare ? now.AddMinutes(-r.Next(1, 23 * 60)) : now.AddDays(-r.Next(2, 90));
                await db.Opportunities.Where(o => o.Id == d.Id).ExecuteUpdateAsync(u => u.SetProperty(o => o.UpdatedAt, at));
            }
            var tie = deals.First(d => d.StepId == steps[2]).Id;
            await db.Opportunities.Where(o => o.Id == tie).ExecuteUpdateAsync(u => u.SetProperty(o => o.UpdatedAt, now - OpportunityQueries.Recent));
            var access = sp.GetRequiredService<RecordAccess>();
            foreach (var viewer in new[] { admin.Id, rep.Id })
            {
                var scope = await access.ScopeOfUserAsync(viewer);
                var inPlay = PipelineQueries.InPlay(db, scope, pipeline.Id, null, null);
                foreach (var perColumn in new[] { 1, 5, 25, 100 })
                {
                    var expected = new HashSet<long>();
                    foreach (var step in steps)
                        expected.UnionWith(await OpportunityQueries.BoardOrder(inPlay.Where(o => o.StepId == step), now).Take(perColumn).Select(o => o.Id).ToListAsync());
                    var actual = await OpportunityQueries.FirstOfEachStepAsync(inPlay, steps, perColumn, now);
                    Assert.True(expected.SetEquals(actual),
                        $"viewer {viewer}, {perColumn} a column: only expected {string.Join(",", expected.Except(actual))}; only picked {string.Join(",", actual.Except(expected))}");
                }
            }
            return 0;
        });
    }
}

public sealed class BoardFirstCardsTestsSqlite(SqliteApp f) : BoardFirstCardsTests(f.Factory), IClassFixture<SqliteApp>;
public sealed class BoardFirstCardsTestsPostgres(PostgresApp f) : BoardFirstCardsTests(f.Factory), IClassFixture<PostgresApp>;
