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
        var rows = new List<WinLossRow>();

        var byOwner = await closed.GroupBy(o => o.OwnerId).Select(g => new
        {
            g.Key, W = g.Count(o => o.State == OpportunityState.Won),
            L = g.Count(o => o.State == OpportunityState.Lost), C = g.Count(o => o.State == OpportunityState.Cancelled)
        }).ToListAsync(ct);
        var ownerIds = byOwner.Where(x => x.Key != null).Select(x => x.Key!.Value).ToList();
        var owners = await b.Db.Users.Where(u => ownerIds.Contains(u.Id)).ToDictionaryAsync(u => u.Id, u => u.DisplayName, ct);
        rows.AddRange(byOwner.Select(x => Row(WinLossDimension.Owner, x.Key?.ToString(), x.Key is { } id ? owners.GetValueOrDefault(id, "") : "", x.W, x.L, x.C)));

        var byTeam = await closed.GroupBy(o => o.TeamId).Select(g => new
        {
            g.Key, W = g.Count(o => o.State == OpportunityState.Won),
            L = g.Count(o => o.State == OpportunityState.Lost), C = g.Count(o => o.State == OpportunityState.Cancelled)
        }).ToListAsync(ct);
        var teams = await b.Db.Teams.ToDictionaryAsync(t => t.Id, t => t.Name, ct);
        rows.AddRange(byTeam.Select(x => Row(WinLossDimension.Team, x.Key?.ToString(), x.Key is { } id ? teams.GetValueOrDefault(id, "") : "", x.W, x.L, x.C)));

        var bySource = await closed.GroupBy(o => o.Contact!.LeadSourceId).Select(g => new
        {
            g.Key, W = g.Count(o => o.State == OpportunityState.Won),
            L = g.Count(o => o.State == OpportunityState.Lost), C = g.Count(o => o.State == OpportunityState.Cancelled)
        }).ToListAsync(ct);
        var sources = await b.Db.LeadSources.ToDictionaryAsync(s => s.Id, s => (s.Key, s.Name), ct);
        rows.AddRange(bySource.Select(x => x.Key is { } id && sources.TryGetValue(id, out var s)
            ? Row(WinLossDimension.Source, s.Key, s.Name, x.W, x.L, x.C) : Row(WinLossDimension.Source, null, "", x.W, x.L, x.C)));

        var byPipeline = await closed.GroupBy(o => o.PipelineId).Select(g => new
        {
            g.Key, W = g.Count(o => o.State == OpportunityState.Won),
            L = g.Count(o => o.State == OpportunityState.Lost), C = g.Count(o => o.State == OpportunityState.Cancelled)
        }).ToListAsync(ct);
        var pipelines = await b.Db.Pipelines.IgnoreQueryFilters().ToDictionaryAsync(p => p.Id, p => p.Name, ct);
        rows.AddRange(byPipeline.Select(x => Row(WinLossDimension.Pipeline, x.Key.ToString(), pipelines.GetValueOrDefault(x.Key, ""), x.W, x.L, x.C)));

        var byStep = await closed.GroupBy(o => o.StepId).Select(g => new
        {
            g.Key, W = g.Count(o => o.State == OpportunityState.Won),
            L = g.Count(o => o.State == OpportunityState.Lost), C = g.Count(o => o.State == OpportunityState.Cancelled)
        }).ToListAsync(ct);
        var steps = await b.Db.PipelineSteps.Select(s => new { s.Id, s.Name, s.PipelineId, s.SortOrder }).ToDictionaryAsync(s => s.Id, ct);
        rows.AddRange(byStep.OrderBy(x => steps.GetValueOrDefault(x.Key)?.PipelineId).ThenBy(x => steps.GetValueOrDefault(x.Key)?.SortOrder)
            .Select(x => Row(WinLossDimension.Step, x.Key.ToString(), steps.GetValueOrDefault(x.Key) is { } s
                ? (pipelines.Count > 1 ? $"{pipelines.GetValueOrDefault(s.PipelineId, "")}: {s.Name}" : s.Name) : "", x.W, x.L, x.C)));

        var won = byOwner.Sum(x => x.W);
        var lost = byOwner.Sum(x => x.L);
        var cancelled = byOwner.Sum(x => x.C);
        var amounts = (await closed.Where(o => o.State == OpportunityState.Won).GroupBy(o => o.Currency)
                .Select(g => new { g.Key, N = g.Count(), Sum = g.Sum(o => (double)o.Amount) }).ToListAsync(ct))
            .Select(a => CurrencyAmount.FromSum(a.Key, a.N, a.Sum))
            .OrderByDescending(a => a.Count).ThenBy(a => a.Currency, StringComparer.Ordinal).ToList();
        var reasons = (await FunnelReport.DealDropsAsync(closed, ct)).OrderByDescending(d => d.Count).ThenBy(d => d.Kind)
            .ThenBy(d => d.Reason, StringComparer.Ordinal).ToList();
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

    private static WinLossRow Row(WinLossDimension d, string? key, string name, int won, int lost, int cancelled) =>
        new(d, key, name, won, lost, cancelled, FunnelReport.Rate(won, won + lost));
}
