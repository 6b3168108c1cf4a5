using Microsoft.EntityFrameworkCore;
using Prospector.Data;
using Prospector.Features.Common;

namespace Prospector.Features.Reports;

/// <summary>Days spent in a stage (or a sales cycle): how many stays were measured, their median and 75th percentile.</summary>
public sealed record DurationRow(string Name, int Count, double? MedianDays, double? P75Days);

/// <summary>
/// Stage times. A stay in a stage runs from the stage change into it to the next stage change of the same contact; the stays
/// counted are those that ended within the period. Sales cycle: won deals closed in the period, from the contact's first
/// day as a Lead (Lead → Won) and from the deal's creation (deal created → won). Deal age: open deals today.
/// </summary>
public sealed record StageTimesReport(PeriodDto Period, IReadOnlyList<DurationRow> Stages, DurationRow LeadToWon, DurationRow DealToWon,
    DurationRow OpenDealAge, IReadOnlyList<StepDurationRow> Steps)
{
    public static async Task<StageTimesReport> ComputeAsync(ReportBasis b, TimeProvider time, CancellationToken ct)
    {
        var (start, end) = (b.Period.StartUtc, b.Period.EndUtc);
        // Only the contacts with a stage change in the period can have a stay that ended in it; their whole history is read
        // as (contact, time, stage) triples and the stays measured in memory.
        var events = b.StageEvents();
        var touched = events.Where(b.InPeriod).Where(e => e.FromStage != null).Select(e => e.ContactId);
        var history = await events.Where(e => touched.Contains(e.ContactId)).OrderBy(e => e.ContactId).ThenBy(e => e.At).ThenBy(e => e.Id)
            .Select(e => new { e.ContactId, e.At, e.ToStage }).ToListAsync(ct);
        var stays = StageOrder.All.ToDictionary(s => s, _ => new List<double>());
        for (var i = 0; i + 1 < history.Count; i++)
        {
            var (a, next) = (history[i], history[i + 1]);
            if (a.ContactId != next.ContactId || a.ToStage is not { } s || next.At < start || next.At >= end) continue;
            stays[s].Add((next.At - a.At).TotalDays);
        }

        var up = StageOrder.AtLeast(Stage.Lead);
        var leadEvents = b.Db.LifecycleEvents.Where(e => e.Kind == LifecycleEventKind.StageChanged && up.Contains(e.ToStage));
        var won = await b.Opportunities().Where(o => o.State == OpportunityState.Won).Where(b.ClosedInPeriod)
            .Select(o => new { o.ClosedAt, o.CreatedAt, LeadAt = leadEvents.Where(e => e.ContactId == o.ContactId).Min(e => (DateTime?)e.At) })
            .ToListAsync(ct);
        var now = time.GetUtcNow().UtcDateTime;
        var open = await b.Opportunities().Where(Definitions.OpenDeal).Select(o => o.CreatedAt).ToListAsync(ct);

        return new StageTimesReport(new PeriodDto(b.Period.From, b.Period.To, b.Period.TimeZone),
            [.. StageOrder.All.Where(s => s < Stage.RepeatCustomer).Select(s => Row(s.ToString(), stays[s]))],
            // Only contacts that were a Lead (or later) before the win: one that became a customer by the win itself has no lead
            // phase (its stage change is stamped in the same save as the win, a moment after the closed time or at it).
            Row("LeadToWon", won.Where(w => w.LeadAt is not null && w.LeadAt < w.ClosedAt).Select(w => (w.ClosedAt!.Value - w.LeadAt!.Value).TotalDays).ToList()),
            Row("DealToWon", won.Select(w => (w.ClosedAt!.Value - w.CreatedAt).TotalDays).ToList()),
            Row("OpenDealAge", open.Select(c => (now - c).TotalDays).ToList()),
            await StepTimes.ComputeAsync(b, ct));
    }

    public static DurationRow Row(string name, List<double> days) =>
        new(name, days.Count, Percentile(days, 0.5), Percentile(days, 0.75));

    /// <summary>The p-th percentile by linear interpolation between the closest ranks (as a spreadsheet's PERCENTILE.INC), to 0.1 day.</summary>
    public static double? Percentile(IReadOnlyCollection<double> values, double p)
    {
        if (values.Count == 0) return null;
        var sorted = values.Order().ToArray();
        var rank = p * (sorted.Length - 1);
        var lo = (int)Math.Floor(rank);
        var hi = Math.Min(lo + 1, sorted.Length - 1);
        return Math.Round(sorted[lo] + (sorted[hi] - sorted[lo]) * (rank - lo), 1, MidpointRounding.AwayFromZero);
    }
}
