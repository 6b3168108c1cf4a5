using System.Linq.Expressions;
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
            p.Steps.OrderBy(s => s.SortOrder).Select(s => new StepDto(s.Id, s.Name, s.SortOrder, s.DefaultProbability, s.RottingAfterDays, s.IsCreditCheck)).ToList(), p.Version))
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

    /// <summary>
    /// The deals the user can see, narrowed to a pipeline, an owner and a team when given, and to a <paramref name="search"/>:
    /// every word must be part of the title, the company's name or the contact's name (only names the user may see count).
    /// </summary>
    public static IQueryable<Opportunity> OpportunityFilter(ProspectorDb db, AccessScope scope, long? pipelineId, long? ownerId, long? teamId,
        string? search = null, long? sourceId = null)
    {
        var q = scope.Filter(db.Opportunities);
        // A deal's source is its contact's (a deal without a contact: its company's).
        if (sourceId is { } src) q = q.Where(o => o.Contact!.LeadSourceId == src || (o.ContactId == null && o.Company!.LeadSourceId == src));
        if (pipelineId is { } pid) q = q.Where(o => o.PipelineId == pid);
        if (ownerId is { } owner) q = q.Where(o => o.OwnerId == owner);
        if (teamId is { } team) q = q.Where(o => o.TeamId == team);
        var contacts = scope.Filter(db.Contacts);
        var companies = scope.Filter(db.Companies);
        foreach (var word in (search ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Take(5))
        {
            var lower = word.ToLowerInvariant();
            var folded = TextKeys.Fold(word);
            q = q.Where(o => o.Title.ToLower().Contains(lower)
                || companies.Any(c => c.Id == o.CompanyId && c.Name.ToLower().Contains(lower))
                || contacts.Any(c => c.Id == o.ContactId && c.NameKey.Contains(folded)));
        }
        return q;
    }

    /// <summary>The deals in play (<see cref="Definitions.OpenDeal"/>) of the filter: the board's cards and the list view's rows.</summary>
    public static IQueryable<Opportunity> InPlay(ProspectorDb db, AccessScope scope, long pipelineId, long? ownerId, long? teamId, string? search = null,
        long? sourceId = null) =>
        OpportunityFilter(db, scope, pipelineId, ownerId, teamId, search, sourceId).Where(Definitions.OpenDeal);

    /// <summary>Closed deals as the board shows them when asked: won, lost or cancelled, closed on or after <paramref name="sinceUtc"/>.</summary>
    public static IQueryable<Opportunity> Closed(ProspectorDb db, AccessScope scope, long pipelineId, BoardOptions options, long? ownerId, long? teamId,
        DateTime? sinceUtc) =>
        OpportunityFilter(db, scope, pipelineId, ownerId, teamId, options.Search, options.SourceId)
            .Where(o => o.State == OpportunityState.Won || o.State == OpportunityState.Lost || o.State == OpportunityState.Cancelled)
            .Where(o => sinceUtc == null || o.ClosedAt >= sinceUtc);

    /// <summary>
    /// The deals in play of a pipeline by step: counts and values per column from one grouped query (<see cref="PipelineNumbers"/>),
    /// then the first <paramref name="perColumn"/> cards of each column in <see cref="OpportunityQueries.BoardOrder"/> (more are
    /// loaded a page at a time through <see cref="MoreAsync"/> or the list endpoint). A <paramref name="focus"/> deal (just created,
    /// just moved) is always among its column's cards, first.
    /// </summary>
    public static async Task<BoardView?> BoardAsync(ProspectorDb db, AccessScope scope, long pipelineId, long? ownerId, long? teamId, int perColumn,
        DateTime nowUtc, long? focus, CancellationToken ct = default, BoardOptions? options = null)
    {
        options ??= BoardOptions.Default;
        var pipeline = await db.Pipelines.Include(p => p.Steps).FirstOrDefaultAsync(p => p.Id == pipelineId, ct);
        if (pipeline is null) return null;
        var inPlay = await StaleOnlyAsync(db, scope, InPlay(db, scope, pipelineId, ownerId, teamId, options.Search, options.SourceId), options, ct);
        // The column totals: from the kept totals unless a filter they do not hold (a search, a source, rotting only) is on.
        var rows = string.IsNullOrWhiteSpace(options.Search) && options.SourceId is null && !options.StaleOnly
            ? await PipelineNumbers.RowsAsync(db, scope, pipelineId, ownerId, teamId, ct)
            : await PipelineNumbers.RowsAsync(inPlay, ct);
        var steps = pipeline.Steps.OrderBy(s => s.SortOrder).ToList();
        // The first cards of every column in one query (through indexes in the default order, else one LIMIT-ed branch per
        // column), then all of them with their names, next actions and signals in one batch, in the column order: the number
        // of queries does not grow with the columns (it was six per column).
        var shown = options.Sort == BoardSort.Default
            ? await OpportunityQueries.FirstOfEachStepAsync(inPlay, steps.Select(s => s.Id), perColumn, nowUtc, ct)
            : await FirstCardsAsync(db, inPlay, steps, options.Sort, perColumn, nowUtc, ct);
        List<long> wanted = focus is { } f ? [.. shown, f] : [.. shown];
        // One order for all cards: a column's order is the same order restricted to its step.
        List<OpportunityDto> cards = wanted.Count == 0 ? []
            : await OpportunityQueries.ToDtosAsync(db, scope, OpportunityQueries.Order(db, inPlay.Where(o => wanted.Contains(o.Id)), options.Sort, nowUtc), ct);
        var focused = focus is { } id ? cards.FirstOrDefault(c => c.Id == id) : null;
        var columns = new List<BoardColumn>();
        foreach (var step in steps)
        {
            var mine = rows.Where(t => t.StepId == step.Id).ToList();
            var items = cards.Where(c => c.StepId == step.Id && shown.Contains(c.Id)).ToList();
            if (focused?.StepId == step.Id) items = [focused, .. items.Where(i => i.Id != focused.Id)];
            columns.Add(new BoardColumn(step.Id, step.Name, step.DefaultProbability, mine.Sum(t => t.Count),
                PipelineNumbers.Totals(mine.Where(t => !t.Standby), t => t.Sum), items, mine.Where(t => t.Standby).Sum(t => t.Count)));
        }
        var numbers = PipelineNumbers.Summarise(rows);
        List<ClosedColumn>? closed = null;
        if (options.ShowClosed)
        {
            closed = [];
            var since = options.ClosedSince is { } day ? await SinceUtcAsync(db, scope, day, ct) : (DateTime?)null;
            var all = Closed(db, scope, pipelineId, options, ownerId, teamId, since);
            foreach (var state in new[] { OpportunityState.Won, OpportunityState.Lost, OpportunityState.Cancelled })
            {
                var these = all.Where(o => o.State == state);
                var sums = await these.GroupBy(o => o.Currency).Select(g => new { g.Key, Count = g.Count(), Sum = g.Sum(o => (double)o.Amount) }).ToListAsync(ct);
                var items = await OpportunityQueries.ToDtosAsync(db, scope,
                    (options.Sort == BoardSort.Default ? these.OrderByDescending(o => o.ClosedAt).ThenByDescending(o => o.Id)
                        : OpportunityQueries.Order(db, these, options.Sort, nowUtc)).Take(perColumn), ct);
                closed.Add(new ClosedColumn(state, sums.Sum(x => x.Count), sums.Select(x => new AmountTotal(x.Key, Math.Round((decimal)x.Sum, 2))).OrderByDescending(t => t.Amount).ToList(), items));
            }
        }
        return new BoardView(pipeline.Id, pipeline.Name, columns, numbers.Weighted, numbers, closed);
    }

    /// <summary>The start of a day in the user's zone, in UTC: "closed since" is the user's day, like every date they pick.</summary>
    private static async Task<DateTime> SinceUtcAsync(ProspectorDb db, AccessScope scope, DateOnly day, CancellationToken ct) =>
        TimeZoneInfo.ConvertTimeToUtc(day.ToDateTime(TimeOnly.MinValue), UserTime.Zone(await UserTime.ZoneOfAsync(db, scope.UserId, ct)));

    /// <summary>A column's next cards in board order, leaving out those already shown (a focused card may be shown out of order).</summary>
    public static async Task<List<OpportunityDto>> MoreAsync(ProspectorDb db, AccessScope scope, long pipelineId, long? ownerId, long? teamId, long stepId,
        IReadOnlyCollection<long> shown, int count, DateTime nowUtc, CancellationToken ct = default, BoardOptions? options = null)
    {
        options ??= BoardOptions.Default;
        var q = (await StaleOnlyAsync(db, scope, InPlay(db, scope, pipelineId, ownerId, teamId, options.Search, options.SourceId), options, ct))
            .Where(o => o.StepId == stepId && !shown.Contains(o.Id));
        return await OpportunityQueries.ToDtosAsync(db, scope, OpportunityQueries.Order(db, q, options.Sort, nowUtc).Take(count), ct);
    }

    /// <summary>One page of the list view: the deals in play in board order, with the (capped) total.</summary>
    public static async Task<(List<OpportunityDto> Items, int Total)> ListPageAsync(ProspectorDb db, AccessScope scope, long pipelineId, long? ownerId,
        long? teamId, int skip, int take, DateTime nowUtc, CancellationToken ct = default, BoardOptions? options = null)
    {
        options ??= BoardOptions.Default;
        var q = await StaleOnlyAsync(db, scope, InPlay(db, scope, pipelineId, ownerId, teamId, options.Search, options.SourceId), options, ct);
        var (total, _) = await Api.CappedCountAsync(q, ct);
        return (await OpportunityQueries.ToDtosAsync(db, scope, OpportunityQueries.Order(db, q, options.Sort, nowUtc).Skip(skip).Take(take), ct), total);
    }

    /// <summary>The deals rotting today in the viewer's zone (<see cref="Rotting"/>).</summary>
    public static async Task<Expression<Func<Opportunity, bool>>> RottingFilterAsync(ProspectorDb db, AccessScope scope, CancellationToken ct = default)
    {
        var zone = UserTime.Zone(await UserTime.ZoneOfAsync(db, scope.UserId, ct));
        return Rotting.Filter(await Rotting.StepsAsync(db, ct), Engagement.Today(db.Clock.GetUtcNow().UtcDateTime, zone), zone);
    }

    private static async Task<IQueryable<Opportunity>> StaleOnlyAsync(ProspectorDb db, AccessScope scope, IQueryable<Opportunity> q, BoardOptions options,
        CancellationToken ct) => options.StaleOnly ? q.Where(await RottingFilterAsync(db, scope, ct)) : q;

    /// <summary>The first cards of every column in a sort other than the default: one LIMIT-ed branch per column, UNION ALL.</summary>
    private static async Task<HashSet<long>> FirstCardsAsync(ProspectorDb db, IQueryable<Opportunity> inPlay, IEnumerable<PipelineStep> steps,
        BoardSort sort, int perColumn, DateTime nowUtc, CancellationToken ct)
    {
        IQueryable<long>? firstCards = null;
        foreach (var step in steps)
        {
            var column = OpportunityQueries.Order(db, inPlay.Where(o => o.StepId == step.Id), sort, nowUtc).Take(perColumn).Select(o => o.Id);
            firstCards = firstCards is null ? column : firstCards.Concat(column);
        }
        return firstCards is null ? [] : (await firstCards.ToListAsync(ct)).ToHashSet();
    }
}
