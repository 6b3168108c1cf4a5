using Microsoft.EntityFrameworkCore;
using Prospector.Data;
using Prospector.Features.Access;
using Prospector.Features.Common;

namespace Prospector.Features.Pipelines;

/// <summary>Reads of pipelines and boards shared by the API and the pages: the pipelines, the filtered deals, a board, a column's next page.</summary>
public static class PipelineQueries
{
    public static async Task<List<PipelineDto>> AllAsync(ProspectorDb db, CancellationToken ct = default) =>
        (await db.Pipelines.Include(p => p.Steps).OrderByDescending(p => p.IsDefault).ThenBy(p => p.SortOrder).ThenBy(p => p.Id).ToListAsync(ct))
        .Select(p => new PipelineDto(p.Id, p.Name, p.IsDefault, p.SortOrder,
            p.Steps.OrderBy(s => s.SortOrder).Select(s => new StepDto(s.Id, s.Name, s.SortOrder, s.DefaultProbability)).ToList(), p.Version))
        .ToList();

    /// <summary>The steps of a pipeline in order, as (id, name).</summary>
    public static async Task<List<(long Id, string Name)>> StepsAsync(ProspectorDb db, long pipelineId, CancellationToken ct = default) =>
        (await db.PipelineSteps.Where(s => s.PipelineId == pipelineId).OrderBy(s => s.SortOrder).Select(s => new { s.Id, s.Name }).ToListAsync(ct))
        .Select(s => (s.Id, s.Name)).ToList();

    /// <summary>The teams to filter the board by, by name.</summary>
    public static async Task<List<(long Id, string Name)>> TeamsAsync(ProspectorDb db, CancellationToken ct = default) =>
        (await db.Teams.OrderBy(t => t.Name).Select(t => new { t.Id, t.Name }).ToListAsync(ct)).Select(t => (t.Id, t.Name)).ToList();

    /// <summary>The workspace's currency: how a sum of no deals is shown.</summary>
    public static Task<string> DefaultCurrencyAsync(ProspectorDb db, CancellationToken ct = default) =>
        db.WorkspaceSettings.Select(s => s.DefaultCurrency).FirstAsync(ct);

    /// <summary>The deals the user can see, narrowed to a pipeline, an owner and a team when given.</summary>
    public static IQueryable<Opportunity> OpportunityFilter(ProspectorDb db, AccessScope scope, long? pipelineId, long? ownerId, long? teamId)
    {
        var q = scope.Filter(db.Opportunities);
        if (pipelineId is { } pid) q = q.Where(o => o.PipelineId == pid);
        if (ownerId is { } owner) q = q.Where(o => o.OwnerId == owner);
        if (teamId is { } team) q = q.Where(o => o.TeamId == team);
        return q;
    }

    /// <summary>The deals in play (<see cref="Definitions.OpenDeal"/>) of the filter: the board's cards and the list view's rows.</summary>
    public static IQueryable<Opportunity> InPlay(ProspectorDb db, AccessScope scope, long pipelineId, long? ownerId, long? teamId) =>
        OpportunityFilter(db, scope, pipelineId, ownerId, teamId).Where(Definitions.OpenDeal);

    /// <summary>
    /// The deals in play of a pipeline by step: counts and values per column from one grouped query (<see cref="PipelineNumbers"/>),
    /// then the first <paramref name="perColumn"/> cards of each column in <see cref="OpportunityQueries.BoardOrder"/> (more are
    /// loaded a page at a time through <see cref="MoreAsync"/> or the list endpoint). A <paramref name="focus"/> deal (just created,
    /// just moved) is always among its column's cards, first.
    /// </summary>
    public static async Task<BoardView?> BoardAsync(ProspectorDb db, AccessScope scope, long pipelineId, long? ownerId, long? teamId, int perColumn,
        DateTime nowUtc, long? focus, CancellationToken ct = default)
    {
        var pipeline = await db.Pipelines.Include(p => p.Steps).FirstOrDefaultAsync(p => p.Id == pipelineId, ct);
        if (pipeline is null) return null;
        var inPlay = InPlay(db, scope, pipelineId, ownerId, teamId);
        var rows = await PipelineNumbers.RowsAsync(inPlay, ct);
        var focused = focus is { } f ? (await OpportunityQueries.ToDtosAsync(db, scope, inPlay.Where(o => o.Id == f), ct)).FirstOrDefault() : null;
        var columns = new List<BoardColumn>();
        foreach (var step in pipeline.Steps.OrderBy(s => s.SortOrder))
        {
            var mine = rows.Where(t => t.StepId == step.Id).ToList();
            var items = await OpportunityQueries.ToDtosAsync(db, scope, OpportunityQueries.BoardOrder(inPlay.Where(o => o.StepId == step.Id), nowUtc).Take(perColumn), ct);
            if (focused?.StepId == step.Id) items = [focused, .. items.Where(i => i.Id != focused.Id)];
            columns.Add(new BoardColumn(step.Id, step.Name, step.DefaultProbability, mine.Sum(t => t.Count),
                PipelineNumbers.Totals(mine.Where(t => !t.Standby), t => t.Sum), items, mine.Where(t => t.Standby).Sum(t => t.Count)));
        }
        var numbers = PipelineNumbers.Summarise(rows);
        return new BoardView(pipeline.Id, pipeline.Name, columns, numbers.Weighted, numbers);
    }

    /// <summary>A column's next cards in board order, leaving out those already shown (a focused card may be shown out of order).</summary>
    public static Task<List<OpportunityDto>> MoreAsync(ProspectorDb db, AccessScope scope, long pipelineId, long? ownerId, long? teamId, long stepId,
        IReadOnlyCollection<long> shown, int count, DateTime nowUtc, CancellationToken ct = default)
    {
        var q = InPlay(db, scope, pipelineId, ownerId, teamId).Where(o => o.StepId == stepId && !shown.Contains(o.Id));
        return OpportunityQueries.ToDtosAsync(db, scope, OpportunityQueries.BoardOrder(q, nowUtc).Take(count), ct);
    }

    /// <summary>One page of the list view: the deals in play in board order, with the (capped) total.</summary>
    public static async Task<(List<OpportunityDto> Items, int Total)> ListPageAsync(ProspectorDb db, AccessScope scope, long pipelineId, long? ownerId,
        long? teamId, int skip, int take, DateTime nowUtc, CancellationToken ct = default)
    {
        var q = InPlay(db, scope, pipelineId, ownerId, teamId);
        var (total, _) = await Api.CappedCountAsync(q, ct);
        return (await OpportunityQueries.ToDtosAsync(db, scope, OpportunityQueries.BoardOrder(q, nowUtc).Skip(skip).Take(take), ct), total);
    }
}
