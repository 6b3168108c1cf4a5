using Microsoft.EntityFrameworkCore;
using Prospector.Data;

namespace Prospector.Features.Reports;

public enum WinLossDimension { Owner, Team, Source, Pipeline, Step }

/// <summary>Deals closed in the period for one owner, team, source, pipeline or step; the win rate is won / (won + lost).</summary>
public sealed record WinLossRow(WinLossDimension Dimension, string? Key, string Name, int Won, int Lost, int Cancelled, double? WinRate);

/// <summary>
/// Questions and concerns of one category (null: uncategorised) about the reported contacts and deals: raised in the period,
/// of those still open now, and raised about the deals lost in the period (on the deal or its contact, whenever raised).
/// </summary>
public sealed record ConcernCount(ConcernCategory? Category, int Raised, int StillOpen, int OnLostDeals);

public sealed record CurrencyAmount(string Currency, int Count, decimal Total, decimal Average)
{
    /// <summary>From a count and a sum taken as double in SQL (SQLite has no decimal arithmetic), rounded back to cents.</summary>
    public static CurrencyAmount FromSum(string currency, int count, double sum) =>
        new(currency, count, Math.Round((decimal)sum, 2), Math.Round((decimal)sum / count, 2));
}

/// <summary>
/// Deals closed (won, lost, cancelled) within the period, as they stand now: a deal reopened since is not counted.
/// Amounts are per currency, never added across currencies.
/// </summary>
public sealed record WinLossReport(PeriodDto Period, int Won, int Lost, int Cancelled, double? WinRate, IReadOnlyList<WinLossRow> Rows,
    IReadOnlyList<DropOut> Reasons, IReadOnlyList<CurrencyAmount> WonAmounts, IReadOnlyList<ConcernCount> Concerns)
{
    public static async Task<WinLossReport> ComputeAsync(ReportBasis b, CancellationToken ct)
    {
        var closed = b.Opportunities().Where(b.ClosedInPeriod)
            .Where(o => o.State == OpportunityState.Won || o.State == OpportunityState.Lost || o.State == OpportunityState.Cancelled);
        // One pass over the period's closed deals (a few 10,000s at the benchmark's full size): a group per combination of the
        // dimensions, state, currency and reason, summed up per dimension in memory (seven passes, one per figure, cost 0.7-0.9 s).
        var groups = await closed.GroupBy(o => new { o.OwnerId, o.TeamId, Source = o.Contact!.LeadSourceId, o.PipelineId, o.StepId, o.State, o.Currency, o.CloseReason })
            .Select(g => new Closed(g.Key.OwnerId, g.Key.TeamId, g.Key.Source, g.Key.PipelineId, g.Key.StepId, g.Key.State, g.Key.Currency,
                g.Key.CloseReason, g.Count(), g.Sum(o => (double)o.Amount)))
            .ToListAsync(ct);
        var rows = new List<WinLossRow>();

        var ownerIds = groups.Where(x => x.OwnerId != null).Select(x => x.OwnerId!.Value).Distinct().ToList();
        var owners = await b.Db.Users.Where(u => ownerIds.Contains(u.Id)).ToDictionaryAsync(u => u.Id, u => u.DisplayName, ct);
        rows.AddRange(Tally(groups, x => x.OwnerId, (id, w, l, c) =>
            Row(WinLossDimension.Owner, id?.ToString(), id is { } i ? owners.GetValueOrDefault(i, "") : "", w, l, c)));

        var teams = await b.Db.Teams.ToDictionaryAsync(t => t.Id, t => t.Name, ct);
        rows.AddRange(Tally(groups, x => x.TeamId, (id, w, l, c) =>
            Row(WinLossDimension.Team, id?.ToString(), id is { } i ? teams.GetValueOrDefault(i, "") : "", w, l, c)));

        var sources = await b.Db.LeadSources.ToDictionaryAsync(s => s.Id, s => (s.Key, s.Name), ct);
        rows.AddRange(Tally(groups, x => x.SourceId, (id, w, l, c) => id is { } i && sources.TryGetValue(i, out var s)
            ? Row(WinLossDimension.Source, s.Key, s.Name, w, l, c) : Row(WinLossDimension.Source, null, "", w, l, c)));

        var pipelines = await b.Db.Pipelines.IgnoreQueryFilters().ToDictionaryAsync(p => p.Id, p => p.Name, ct);
        rows.AddRange(Tally(groups, x => (long?)x.PipelineId, (id, w, l, c) =>
            Row(WinLossDimension.Pipeline, id.ToString(), pipelines.GetValueOrDefault(id!.Value, ""), w, l, c)));

        var steps = await b.Db.PipelineSteps.Select(s => new { s.Id, s.Name, s.PipelineId, s.SortOrder }).ToDictionaryAsync(s => s.Id, ct);
        rows.AddRange(Tally(groups, x => (long?)x.StepId, (id, w, l, c) => (Id: id!.Value, Row: Row(WinLossDimension.Step, id.ToString(),
                steps.GetValueOrDefault(id.Value) is { } s ? (pipelines.Count > 1 ? $"{pipelines.GetValueOrDefault(s.PipelineId, "")}: {s.Name}" : s.Name) : "", w, l, c)))
            .OrderBy(x => steps.GetValueOrDefault(x.Id)?.PipelineId).ThenBy(x => steps.GetValueOrDefault(x.Id)?.SortOrder).Select(x => x.Row));

        var (won, lost, cancelled) = (Count(groups, OpportunityState.Won), Count(groups, OpportunityState.Lost), Count(groups, OpportunityState.Cancelled));
        var amounts = groups.Where(x => x.State == OpportunityState.Won).GroupBy(x => x.Currency)
            .Select(g => CurrencyAmount.FromSum(g.Key, g.Sum(x => x.N), g.Sum(x => x.Sum)))
            .OrderByDescending(a => a.Count).ThenBy(a => a.Currency, StringComparer.Ordinal).ToList();
        var reasons = groups.Where(x => x.State != OpportunityState.Won).GroupBy(x => (x.State, Reason: x.CloseReason ?? ""))
            .Select(g => DropOut.OfDeals(g.Key.State, g.Key.Reason, g.Sum(x => x.N)))
            .OrderByDescending(d => d.Count).ThenBy(d => d.Kind).ThenBy(d => d.Reason, StringComparer.Ordinal).ToList();
        var ordered = rows.Where(r => r.Dimension != WinLossDimension.Step)
            .OrderBy(r => r.Dimension).ThenByDescending(r => r.Won + r.Lost + r.Cancelled).ThenBy(r => r.Name, StringComparer.Ordinal)
            .Concat(rows.Where(r => r.Dimension == WinLossDimension.Step)).ToList();
        return new WinLossReport(new PeriodDto(b.Period.From, b.Period.To, b.Period.TimeZone), won, lost, cancelled,
            FunnelReport.Rate(won, won + lost), ordered, reasons, amounts, await ConcernsAsync(b, closed, ct));
    }

    /// <summary>The count per category of questions and concerns (<see cref="ConcernCount"/>), through the caller's visibility.</summary>
    private static async Task<List<ConcernCount>> ConcernsAsync(ReportBasis b, IQueryable<Opportunity> closed, CancellationToken ct)
    {
        // Correlated EXISTS (a primary-key probe per question), not IN over every reported contact's and deal's id: SQLite
        // builds those IN lists (100,000s of ids) before it reads a single question.
        var contacts = b.Contacts();
        var deals = b.Opportunities();
        var visible = b.Scope.FilterAbout(b.Db.OpenQuestions, b.Db);
        var (start, end) = (b.Period.StartUtc, b.Period.EndUtc);
        var raised = await visible.Where(q => q.RaisedAt >= start && q.RaisedAt < end
                && (contacts.Any(c => c.Id == q.ContactId) || deals.Any(o => o.Id == q.OpportunityId)))
            .GroupBy(q => q.Category).Select(g => new { g.Key, N = g.Count(), Open = g.Count(q => q.AnsweredAt == null) }).ToListAsync(ct);
        var lost = closed.Where(o => o.State == OpportunityState.Lost);
        var onLost = await visible.Where(q => lost.Any(o => o.Id == q.OpportunityId) || (q.ContactId != null && lost.Any(o => o.ContactId == q.ContactId)))
            .GroupBy(q => q.Category).Select(g => new { g.Key, N = g.Count() }).ToListAsync(ct);
        return raised.Select(x => x.Key).Union(onLost.Select(x => x.Key))
            .Select(k => new ConcernCount(k, raised.FirstOrDefault(x => x.Key == k)?.N ?? 0, raised.FirstOrDefault(x => x.Key == k)?.Open ?? 0,
                onLost.FirstOrDefault(x => x.Key == k)?.N ?? 0))
            .OrderBy(c => c.Category is null).ThenBy(c => c.Category).ToList();
    }

    /// <summary>Closed deals of one combination of owner, team, source, pipeline, step, state, currency and reason.</summary>
    private sealed record Closed(long? OwnerId, long? TeamId, long? SourceId, long PipelineId, long StepId, OpportunityState State,
        string Currency, string? CloseReason, int N, double Sum);

    /// <summary>Won, lost and cancelled per key of one dimension.</summary>
    private static IEnumerable<T> Tally<T>(List<Closed> groups, Func<Closed, long?> key, Func<long?, int, int, int, T> row) =>
        groups.GroupBy(key).Select(g => row(g.Key, Count(g, OpportunityState.Won), Count(g, OpportunityState.Lost), Count(g, OpportunityState.Cancelled)));

    private static int Count(IEnumerable<Closed> groups, OpportunityState state) => groups.Where(x => x.State == state).Sum(x => x.N);

    private static WinLossRow Row(WinLossDimension d, string? key, string name, int won, int lost, int cancelled) =>
        new(d, key, name, won, lost, cancelled, FunnelReport.Rate(won, won + lost));
}
