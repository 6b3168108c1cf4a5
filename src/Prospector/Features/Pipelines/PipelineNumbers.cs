using Microsoft.EntityFrameworkCore;
using Prospector.Data;
using Prospector.Features.Access;
using Prospector.Features.Common;

namespace Prospector.Features.Pipelines;

/// <summary>
/// A set of deals summed the one way the board, the dashboard and the API all use (docs/numbers.md): the pipeline value and the
/// weighted forecast count open deals only; deals on standby are counted and summed apart. Amounts are per currency.
/// </summary>
public sealed record PipelineValue(int OpenCount, IReadOnlyList<AmountTotal> Value, IReadOnlyList<AmountTotal> Weighted,
    int StandbyCount, IReadOnlyList<AmountTotal> StandbyValue)
{
    public static readonly PipelineValue Empty = new(0, [], [], 0, []);
}

public static class PipelineNumbers
{
    /// <summary>One grouped row: the deals of a step in one currency, open or on standby.</summary>
    public sealed record Row(long PipelineId, long StepId, string Currency, bool Standby, int Count, decimal Sum, decimal Weighted);

    /// <summary>
    /// The deals in play (<see cref="Definitions.OpenDeal"/>) of <paramref name="deals"/>, grouped in SQL over every deal: for
    /// filters <see cref="RowsAsync(ProspectorDb, AccessScope, long?, long?, long?, CancellationToken)"/> cannot answer (a search,
    /// a source, rotting only). Amounts are added in whole cents like the <see cref="DealTotal"/> triggers, so both give the
    /// same figures to the cent.
    /// </summary>
    public static async Task<List<Row>> RowsAsync(IQueryable<Opportunity> deals, CancellationToken ct = default)
    {
        // SQLite has no decimal arithmetic: the amount goes through a double on its way to whole cents (exact for two decimals).
        var rows = await deals.Where(Definitions.OpenDeal)
            .GroupBy(o => new { o.PipelineId, o.StepId, o.Currency, Standby = o.State == OpportunityState.Standby })
            .Select(g => new
            {
                g.Key.PipelineId, g.Key.StepId, g.Key.Currency, g.Key.Standby, Count = g.Count(),
                Cents = g.Sum(o => (long)Math.Round((double)o.Amount * 100)),
                CentPercent = g.Sum(o => (long)Math.Round((double)o.Amount * 100) * o.Probability),
            }).ToListAsync(ct);
        return rows.Select(r => ToRow(r.PipelineId, r.StepId, r.Currency, r.Standby, r.Count, r.Cents, r.CentPercent)).ToList();
    }

    /// <summary>
    /// The deals in play the user may see, of a pipeline, an owner and a team when given, read from <see cref="DealTotal"/>
    /// (a few rows per step and rep, kept by database triggers) instead of adding up every deal: the board's column totals and
    /// the dashboard's pipeline value at any number of deals.
    /// </summary>
    public static async Task<List<Row>> RowsAsync(ProspectorDb db, AccessScope scope, long? pipelineId, long? ownerId, long? teamId,
        CancellationToken ct = default)
    {
        var q = scope.Filter(db.DealTotals).Where(t => t.Count != 0);
        if (pipelineId is { } pid) q = q.Where(t => t.PipelineId == pid);
        if (ownerId is { } owner) q = q.Where(t => t.OwnerId == owner);
        if (teamId is { } team) q = q.Where(t => t.TeamId == team);
        var rows = await q.GroupBy(t => new { t.PipelineId, t.StepId, t.Currency, t.Standby })
            .Select(g => new
            {
                g.Key.PipelineId, g.Key.StepId, g.Key.Currency, g.Key.Standby, Count = g.Sum(t => t.Count), Cents = g.Sum(t => t.AmountCents),
                CentPercent = g.Sum(t => t.WeightedCentPercent),
            }).ToListAsync(ct);
        return rows.Select(r => ToRow(r.PipelineId, r.StepId, r.Currency, r.Standby, r.Count, r.Cents, r.CentPercent)).ToList();
    }

    private static Row ToRow(long pipelineId, long stepId, string currency, bool standby, int count, long cents, long centPercent) =>
        new(pipelineId, stepId, currency, standby, count, cents / 100m, Math.Round(centPercent / 10_000m, 2, MidpointRounding.AwayFromZero));

    public static PipelineValue Summarise(IEnumerable<Row> rows)
    {
        var list = rows.ToList();
        var open = list.Where(r => !r.Standby).ToList();
        var standby = list.Where(r => r.Standby).ToList();
        return new PipelineValue(open.Sum(r => r.Count), Totals(open, r => r.Sum), Totals(open, r => r.Weighted),
            standby.Sum(r => r.Count), Totals(standby, r => r.Sum));
    }

    public static async Task<PipelineValue> ValueAsync(IQueryable<Opportunity> deals, CancellationToken ct = default) =>
        Summarise(await RowsAsync(deals, ct));

    public static List<AmountTotal> Totals(IEnumerable<Row> rows, Func<Row, decimal> amount) =>
        rows.GroupBy(r => r.Currency).Select(g => new AmountTotal(g.Key, g.Sum(amount))).OrderByDescending(t => t.Amount).ToList();

    public static string Format(IReadOnlyList<AmountTotal> totals, string currency) =>
        totals.Count == 0 ? Money.Format(0, currency) : string.Join(" + ", totals.Select(t => Money.Format(t.Amount, t.Currency)));
}
