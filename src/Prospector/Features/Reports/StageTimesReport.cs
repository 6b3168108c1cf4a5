using System.Linq.Expressions;
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
/// won; the first and last month clipped to the period).
/// </summary>
public sealed record StageTimesReport(PeriodDto Period, IReadOnlyList<DurationRow> Stages, DurationRow LeadToWon, DurationRow DealToWon,
    DurationRow OpenDealAge, IReadOnlyList<StepDurationRow> Steps, IReadOnlyList<DurationTrendRow> Trend)
{
    public static async Task<StageTimesReport> ComputeAsync(ReportBasis b, TimeProvider time, CancellationToken ct)
    {
        // A stay ends at a stage change within the period and began at the contact's stage change just before it (by time,
        // then id), which the database keeps on the change itself (LifecycleEvent.StayStartedAt and StayStage): one read of
        // the period's stage changes from their index. Counted as before: the stay's stage is the earlier change's ToStage;
        // a change in the period without FromStage ends a stay only for a contact that also has a change with FromStage in
        // the period.
        var (start, end) = (b.Period.StartUtc, b.Period.EndUtc);
        var ends = b.StageEvents().Where(b.InPeriod).Where(e => e.StayStage != null && e.StayStartedAt != null);
        var pairs = await ends.Where(e => e.FromStage != null).Select(StayEnded).ToListAsync(ct);
        // Rare (an imported history): the other changes, each looking up its contact's changes of the period.
        pairs.AddRange(await ends.Where(e => e.FromStage == null && b.Db.LifecycleEvents.Any(t => t.ContactId == e.ContactId
                && t.Kind == LifecycleEventKind.StageChanged && t.FromStage != null && t.At >= start && t.At < end))
            .Select(StayEnded).ToListAsync(ct));
        var inDays = SqlTime.InDays(b.Db);
        var months = b.Period.Months().ToList();
        var monthOf = MonthIndex(months, UserTime.Zone(b.Period.TimeZone));
        var stays = StageOrder.All.ToDictionary(s => s, _ => new List<double>());
        var byMonth = StageOrder.All.ToDictionary(s => s, _ => months.Select(_ => new List<double>()).ToArray());
        foreach (var x in pairs)
        {
            var days = SqlTime.Days(x.Length, inDays);
            stays[x.Stage!.Value].Add(days);
            byMonth[x.Stage!.Value][monthOf(x.End)].Add(days);
        }

        // The contact's first day as a Lead, kept on the contact (Contact.FirstLeadAt), also while it is in the recycle bin.
        var contacts = b.Db.Contacts.IgnoreQueryFilters();
        var won = await b.Opportunities().Where(o => o.State == OpportunityState.Won).Where(b.ClosedInPeriod)
            .Select(o => new { o.ClosedAt, o.CreatedAt, LeadAt = contacts.Where(c => c.Id == o.ContactId).Select(c => c.FirstLeadAt).FirstOrDefault() })
            .ToListAsync(ct);
        var leadToWon = won.Where(w => w.LeadAt is not null && w.LeadAt < w.ClosedAt).Select(w => (Month: monthOf(w.ClosedAt!.Value), Days: (w.ClosedAt!.Value - w.LeadAt!.Value).TotalDays)).ToList();
        var now = time.GetUtcNow().UtcDateTime;
        var open = await b.Opportunities().Where(Definitions.OpenDeal).Select(o => SqlTime.Between(o.CreatedAt, now)).ToListAsync(ct);

        return new StageTimesReport(new PeriodDto(b.Period.From, b.Period.To, b.Period.TimeZone),
            [.. StageOrder.All.Where(s => s < Stage.RepeatCustomer).Select(s => Row(s.ToString(), stays[s]))],
            // Only contacts that were a Lead (or later) before the win: one that became a customer by the win itself has no lead
            // phase (its stage change is stamped in the same save as the win, a moment after the closed time or at it).
            Row("LeadToWon", [.. leadToWon.Select(w => w.Days)]),
            Row("DealToWon", won.Select(w => (w.ClosedAt!.Value - w.CreatedAt).TotalDays).ToList()),
            Row("OpenDealAge", open.Select(x => SqlTime.Days(x, inDays)).ToList()),
            await StepTimes.ComputeAsync(b, ct),
            [.. months.SelectMany((m, i) => StageOrder.All.Where(s => s < Stage.RepeatCustomer).Select(s => TrendRow(m, s.ToString(), byMonth[s][i]))
                .Append(TrendRow(m, "LeadToWon", [.. leadToWon.Where(w => w.Month == i).Select(w => w.Days)])))]);
    }

    /// <summary>
    /// Which month of the period (its index) a UTC instant falls in, in the zone: each later month's first midnight in UTC is a
    /// boundary (an instant on a boundary belongs to the month it starts); a binary search, as a million stays a year are sorted in.
    /// </summary>
    private static Func<DateTime, int> MonthIndex(List<DateOnly> months, TimeZoneInfo zone)
    {
        var bounds = ReportPeriod.MonthBoundsUtc(months, zone).ToArray();
        return t => Array.BinarySearch(bounds, t) switch { >= 0 and var i => i + 1, var i => ~i };
    }

    /// <summary>The trend's series in the order each month lists them: the stages, then Lead → Won.</summary>
    public static IEnumerable<string> TrendNames(StageTimesReport r) => r.Trend.Select(x => x.Name).Distinct();

    private static DurationTrendRow TrendRow(DateOnly month, string name, List<double> days)
    {
        var d = Row(name, days);
        return new(month, d.Name, d.Count, d.MedianDays, d.P75Days);
    }

    private sealed class Stay
    {
        public Stage? Stage { get; init; }
        public double Length { get; init; }
        public DateTime End { get; init; }
    }

    /// <summary>
    /// The stay a stage change ends: its stage (kept on the change) and its length, from when it began (kept on the change)
    /// to the change, computed by the database (<see cref="SqlTime"/>: a million stays a year at full size).
    /// </summary>
    private static readonly Expression<Func<LifecycleEvent, Stay>> StayEnded =
        e => new Stay { Stage = e.StayStage, Length = SqlTime.Between(e.StayStartedAt!.Value, e.At), End = e.At };

    public static DurationRow Row(string name, List<double> days) =>
        new(name, days.Count, Percentile(days, 0.5), Percentile(days, 0.75));

    /// <summary>The p-th percentile by linear interpolation between the closest ranks (as a spreadsheet's PERCENTILE.INC), to 0.1 day.</summary>
    public static double? Percentile(IReadOnlyCollection<double> values, double p)
    {
        if (values.Count == 0) return null;
        var sorted = values.ToArray();
        Array.Sort(sorted); // not LINQ's Order: a million values sort in a tenth of the time
        var rank = p * (sorted.Length - 1);
        var lo = (int)Math.Floor(rank);
        var hi = Math.Min(lo + 1, sorted.Length - 1);
        return Math.Round(sorted[lo] + (sorted[hi] - sorted[lo]) * (rank - lo), 1, MidpointRounding.AwayFromZero);
    }
}
