using Microsoft.EntityFrameworkCore;
using Prospector.Data;
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

    /// <summary>The deals in play (<see cref="Definitions.OpenDeal"/>) of <paramref name="deals"/>, grouped in SQL.</summary>
    public static async Task<List<Row>> RowsAsync(IQueryable<Opportunity> deals, CancellationToken ct = default)
    {
        // Amounts are summed as double: SQLite has no decimal arithmetic; cents are rounded back afterwards.
        var rows = await deals.Where(Definitions.OpenDeal)
            .GroupBy(o => new { o.PipelineId, o.StepId, o.Currency, Standby = o.State == OpportunityState.Standby })
            .Select(g => new
            {
                g.Key.PipelineId, g.Key.StepId, g.Key.Currency, g.Key.Standby, Count = g.Count(), Sum = g.Sum(o => (double)o.Amount),
                Weighted = g.Sum(o => (double)o.Amount * o.Probability / 100.0),
            }).ToListAsync(ct);
        return rows.Select(r => new Row(r.PipelineId, r.StepId, r.Currency, r.Standby, r.Count, Math.Round((decimal)r.Sum, 2),
            Math.Round((decimal)r.Weighted, 2))).ToList();
    }

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
