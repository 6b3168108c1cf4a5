using Microsoft.EntityFrameworkCore;
using Prospector.Data;
using Prospector.Features.Common;

namespace Prospector.Features.Reports;

/// <summary>Days spent in a stage (or a sales cycle): how many stays were measured, their median and 75th percentile.</summary>
public sealed record DurationRow(string Name, int Count, double? MedianDays, double? P75Days);

/// <summary>The same figures for the stays (or won deals) that ended in one month of the period, in the user's time zone.</summary>
public sealed record DurationTrendRow(DateOnly Month, string Name, int Count, double? MedianDays, double? P75Days);

/// <summary>
/// Stage times. A stay in a stage runs from the stage change into it to the next stage change of the same contact; the stays
/// counted are those that ended within the period. Sales cycle: won deals closed in the period, from the contact's first
/// day as a Lead (Lead → Won) and from the deal's creation (deal created → won). Deal age: open deals today. Trend: the stage
/// times and Lead → Won again per month of the period (by the month, in the user's zone, in which the stay ended or the deal was
/// won; the first and last month clipped to the period). Every length is counted in whole days (<see cref="DayCounts"/>).
/// </summary>
public sealed record StageTimesReport(PeriodDto Period, IReadOnlyList<DurationRow> Stages, DurationRow LeadToWon, DurationRow DealToWon,
    DurationRow OpenDealAge, IReadOnlyList<StepDurationRow> Steps, IReadOnlyList<DurationTrendRow> Trend)
{
    public static async Task<StageTimesReport> ComputeAsync(ReportBasis b, TimeProvider time, CancellationToken ct)
    {
        var months = b.Period.Months().ToList();
        var edges = b.Period.MonthEdgesUtc();
        // The stays per stage and month of the period (StayCounting: from the kept histograms per UTC month).
        var byMonth = await StayCounting.CountAsync(b, edges, ct);
        var stays = byMonth.ToDictionary(x => x.Key, x => x.Value.Aggregate(new DayCounts(), (all, m) => { all.Add(m); return all; }));
        int monthOf(DateTime t) => MonthTallies.Segment(edges, t);

        // The contact's first day as a Lead, kept on the deal by the database (Opportunity.ContactFirstLeadAt, also while the
        // contact is in the recycle bin): no probe into the contacts per won deal (13,000 a year at full size: 200 ms on SQLite).
        var won = await b.Opportunities().Where(o => o.State == OpportunityState.Won).Where(b.ClosedInPeriod)
            .Select(o => new { o.ClosedAt, o.CreatedAt, LeadAt = o.ContactFirstLeadAt })
            .ToListAsync(ct);
        var leadToWon = won.Where(w => w.LeadAt is not null && w.LeadAt < w.ClosedAt).Select(w => (Month: monthOf(w.ClosedAt!.Value), Span: w.ClosedAt!.Value - w.LeadAt!.Value)).ToList();
        var now = time.GetUtcNow().UtcDateTime;
        // Open deals' age counted per whole day by the database (a year's open deals are 100,000s at full size).
        var openAge = new DayCounts();
        foreach (var x in await b.Opportunities().Where(Definitions.OpenDeal).GroupBy(o => SqlTime.WholeDays(o.CreatedAt, now))
                     .Select(g => new { Days = g.Key, N = g.Count() }).ToListAsync(ct))
            openAge.Add((int)x.Days, x.N);

        return new StageTimesReport(new PeriodDto(b.Period.From, b.Period.To, b.Period.TimeZone),
            [.. StageOrder.All.Where(s => s < Stage.RepeatCustomer).Select(s => Row(s.ToString(), stays[s]))],
            // Only contacts that were a Lead (or later) before the win: one that became a customer by the win itself has no lead
            // phase (its stage change is stamped in the same save as the win, a moment after the closed time or at it).
            Row("LeadToWon", DayCounts.Of(leadToWon.Select(w => w.Span))),
            Row("DealToWon", DayCounts.Of(won.Select(w => w.ClosedAt!.Value - w.CreatedAt))),
            Row("OpenDealAge", openAge),
            await StepTimes.ComputeAsync(b, ct),
            [.. months.SelectMany((m, i) => StageOrder.All.Where(s => s < Stage.RepeatCustomer).Select(s => TrendRow(m, s.ToString(), byMonth[s][i]))
                .Append(TrendRow(m, "LeadToWon", DayCounts.Of(leadToWon.Where(w => w.Month == i).Select(w => w.Span)))))]);
    }

    /// <summary>The trend's series in the order each month lists them: the stages, then Lead → Won.</summary>
    public static IEnumerable<string> TrendNames(StageTimesReport r) => r.Trend.Select(x => x.Name).Distinct();

    private static DurationTrendRow TrendRow(DateOnly month, string name, DayCounts days)
    {
        var d = Row(name, days);
        return new(month, d.Name, d.Count, d.MedianDays, d.P75Days);
    }

    public static DurationRow Row(string name, DayCounts days) =>
        new(name, (int)days.Count, days.Percentile(0.5), days.Percentile(0.75));
}
