using System.Linq.Expressions;
using Microsoft.EntityFrameworkCore;
using Prospector.Data;
using Prospector.Features.Common;

namespace Prospector.Features.Reports;

/// <summary>One month of the period in one currency: open deals expected to close in it, and deals won in it.</summary>
public sealed record ForecastMonth(DateOnly Month, string Currency, int OpenCount, decimal Open, decimal Weighted, int WonCount, decimal Won);

/// <summary>
/// Forecast: deals in the pipeline value (open, not on standby) by expected close month, unweighted and weighted by their
/// probability, against deals won in each month of the period (the user's months); open deals whose close date has passed.
/// </summary>
public sealed record ForecastReport(PeriodDto Period, IReadOnlyList<ForecastMonth> Months, IReadOnlyList<CurrencyAmount> Overdue, int OverdueCount)
{
    public static async Task<ForecastReport> ComputeAsync(ReportBasis b, CancellationToken ct)
    {
        var deals = b.Opportunities();
        var months = b.Period.Months().ToList();
        var (first, last) = (months[0], months[^1].AddMonths(1));
        var open = await deals.Where(Definitions.InPipelineValue)
            .Where(o => o.ExpectedCloseDate != null && o.ExpectedCloseDate >= first && o.ExpectedCloseDate < last)
            .GroupBy(o => new { o.ExpectedCloseDate!.Value.Year, o.ExpectedCloseDate!.Value.Month, o.Currency })
            .Select(g => new
            {
                g.Key.Year, g.Key.Month, g.Key.Currency, N = g.Count(), Sum = g.Sum(o => (double)o.Amount),
                Weighted = g.Sum(o => (double)o.Amount * o.Probability / 100.0)
            }).ToListAsync(ct);

        // Won deals by the user's month: each month's start in UTC is a boundary, compared in SQL.
        var zone = UserTime.Zone(b.Period.TimeZone);
        var bounds = ReportPeriod.MonthBoundsUtc(months, zone).ToList();
        var (start, end) = (ReportPeriod.MidnightUtc(first, zone), ReportPeriod.MidnightUtc(last, zone));
        var won = await deals.Where(o => o.State == OpportunityState.Won && o.ClosedAt >= start && o.ClosedAt < end)
            .GroupBy(MonthIndex(bounds)).Select(g => new { g.Key.Index, g.Key.Currency, N = g.Count(), Sum = g.Sum(o => (double)o.Amount) }).ToListAsync(ct);

        var currencies = open.Select(o => o.Currency).Concat(won.Select(w => w.Currency)).Distinct().Order(StringComparer.Ordinal).ToList();
        var rows = new List<ForecastMonth>();
        foreach (var (m, i) in months.Select((m, i) => (m, i)))
            foreach (var cur in currencies)
            {
                var o = open.FirstOrDefault(x => x.Year == m.Year && x.Month == m.Month && x.Currency == cur);
                var w = won.FirstOrDefault(x => x.Index == i && x.Currency == cur);
                rows.Add(new ForecastMonth(m, cur, o?.N ?? 0, Math.Round((decimal)(o?.Sum ?? 0), 2), Math.Round((decimal)(o?.Weighted ?? 0), 2),
                    w?.N ?? 0, Math.Round((decimal)(w?.Sum ?? 0), 2)));
            }

        var today = b.Period.Today;
        var overdue = (await deals.Where(Definitions.InPipelineValue).Where(o => o.ExpectedCloseDate != null && o.ExpectedCloseDate < today)
                .GroupBy(o => o.Currency).Select(g => new { g.Key, N = g.Count(), Sum = g.Sum(o => (double)o.Amount) }).ToListAsync(ct))
            .Select(a => CurrencyAmount.FromSum(a.Key, a.N, a.Sum))
            .OrderByDescending(a => a.Count).ThenBy(a => a.Currency, StringComparer.Ordinal).ToList();
        return new ForecastReport(new PeriodDto(b.Period.From, b.Period.To, b.Period.TimeZone), rows, overdue, overdue.Sum(a => a.Count));
    }

    /// <summary>Key of a won deal: the index of its month (ClosedAt against the month boundaries, a CASE in SQL) and its currency.</summary>
    private static Expression<Func<Opportunity, MonthKey>> MonthIndex(List<DateTime> bounds)
    {
        var o = Expression.Parameter(typeof(Opportunity), "o");
        var closed = Expression.Property(o, nameof(Opportunity.ClosedAt));
        Expression index = Expression.Constant(bounds.Count);
        for (var i = bounds.Count - 1; i >= 0; i--)
            index = Expression.Condition(Expression.LessThan(closed, Expression.Constant(bounds[i], typeof(DateTime?))), Expression.Constant(i), index);
        var body = Expression.MemberInit(Expression.New(typeof(MonthKey)),
            Expression.Bind(typeof(MonthKey).GetProperty(nameof(MonthKey.Index))!, index),
            Expression.Bind(typeof(MonthKey).GetProperty(nameof(MonthKey.Currency))!, Expression.Property(o, nameof(Opportunity.Currency))));
        return Expression.Lambda<Func<Opportunity, MonthKey>>(body, o);
    }

    private sealed class MonthKey
    {
        public int Index { get; init; }
        public string Currency { get; init; } = "";
    }
}
