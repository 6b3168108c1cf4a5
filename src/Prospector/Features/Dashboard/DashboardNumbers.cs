using Microsoft.EntityFrameworkCore;
using Prospector.Data;
using Prospector.Features.Access;
using Prospector.Features.Contacts;
using Prospector.Features.NextActions;
using Prospector.Features.Pipelines;

namespace Prospector.Features.Dashboard;

/// <summary>The value of one pipeline's open deals, for a dashboard line that links to that pipeline's board.</summary>
public sealed record PipelineLine(long PipelineId, string Name, PipelineValue Value);

/// <summary>
/// What the dashboard counts, each number from the same query as the page its tile links to (docs/numbers.md): contacts by stage
/// (the contacts list filtered by stage), the pipeline value (the board), the user's next actions by bucket (To do).
/// </summary>
public sealed record DashboardNumbers(IReadOnlyDictionary<Stage, int> Stages, PipelineValue Pipeline, IReadOnlyList<PipelineLine> Pipelines,
    IReadOnlyDictionary<Bucket, int> Actions)
{
    public static async Task<DashboardNumbers> LoadAsync(ProspectorDb db, AccessScope scope, DateOnly today, CancellationToken ct = default)
    {
        // The contacts list's own query (visibility and filters) without a stage, grouped by stage.
        var contacts = new ContactQuery().Branches(db, scope)[0];
        var byStage = await contacts.GroupBy(c => c.Stage).Select(g => new { g.Key, N = g.Count() }).ToDictionaryAsync(g => g.Key, g => g.N, ct);
        var stages = Enum.GetValues<Stage>().ToDictionary(s => s, s => byStage.GetValueOrDefault(s));

        var rows = await PipelineNumbers.RowsAsync(db, scope, null, null, null, ct);
        var names = await db.Pipelines.OrderByDescending(p => p.IsDefault).ThenBy(p => p.SortOrder).ThenBy(p => p.Id)
            .Select(p => new { p.Id, p.Name }).ToListAsync(ct);
        var lines = names.Select(p => new PipelineLine(p.Id, p.Name, PipelineNumbers.Summarise(rows.Where(r => r.PipelineId == p.Id)))).ToList();

        var actions = await NextActionQueries.CountsAsync(NextActionQueries.Mine(db, scope), today, ct);
        return new DashboardNumbers(stages, PipelineNumbers.Summarise(rows), lines, actions);
    }
}
