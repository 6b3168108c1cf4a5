using Microsoft.EntityFrameworkCore;
using Prospector.Data;
using Prospector.Features.Common;

namespace Prospector.Features.Reports;

public enum DropOutKind { Disqualified, Lost, Cancelled }

/// <summary>How many of the cohort reached a stage (by now), and the share of those at the stage before.</summary>
public sealed record CohortStep(Stage Stage, int Reached, double? Conversion);

/// <summary>What happened at a stage within the period: distinct contacts that entered it, moved on (up), moved back (down), and of those that entered, how many are still there.</summary>
public sealed record PeriodStep(Stage Stage, int Entered, int MovedOn, int MovedBack, int StillThere);

public sealed record DropOut(DropOutKind Kind, string Reason, int Count);

public sealed record PeriodDto(DateOnly From, DateOnly To, string TimeZone);

/// <summary>
/// The funnel. Cohort: the contacts that first became a Lead (or higher) within the period, and how many of them reached each
/// later stage by now; a contact counts once per stage however often it went back and forth. Period: what moved within it.
/// </summary>
public sealed record FunnelReport(PeriodDto Period, int Cohort, IReadOnlyList<CohortStep> CohortSteps, double? OverallConversion,
    IReadOnlyList<DropOut> CohortDropOuts, IReadOnlyList<PeriodStep> PeriodSteps, IReadOnlyList<DropOut> PeriodDropOuts)
{
    public static readonly Stage[] CohortStages = [Stage.Lead, Stage.Prospect, Stage.Customer, Stage.RepeatCustomer];

    public static async Task<FunnelReport> ComputeAsync(ReportBasis b, CancellationToken ct)
    {
        var cohort = CohortOf(b);
        var steps = new List<CohortStep>();
        foreach (var s in CohortStages)
        {
            var n = await Reached(b, cohort, s).CountAsync(ct);
            steps.Add(new CohortStep(s, n, steps.Count == 0 ? null : Rate(n, steps[^1].Reached)));
        }
        var size = steps[0].Reached;
        var overall = Rate(steps.First(s => s.Stage == Stage.Customer).Reached, size);

        var disqualified = await cohort.Where(c => c.LeadStatus == LeadStatus.Unqualified)
            .GroupBy(c => c.UnqualifiedReason).Select(g => new { g.Key, N = g.Count() }).ToListAsync(ct);
        var cohortIds = cohort.Select(c => (long?)c.Id);
        var cohortDeals = b.Opportunities().Where(o => cohortIds.Contains(o.ContactId));
        var cohortDrops = disqualified.Select(d => new DropOut(DropOutKind.Disqualified, d.Key ?? "", d.N))
            .Concat(await DealDropsAsync(cohortDeals, ct)).OrderBy(d => d.Kind).ThenByDescending(d => d.Count).ThenBy(d => d.Reason, StringComparer.Ordinal).ToList();

        return new FunnelReport(new PeriodDto(b.Period.From, b.Period.To, b.Period.TimeZone), size, steps, overall, cohortDrops,
            await PeriodStepsAsync(b, ct), await PeriodDropsAsync(b, ct));
    }

    /// <summary>Contacts whose first stage change to Lead or higher lies in the period.</summary>
    public static IQueryable<Contact> CohortOf(ReportBasis b)
    {
        var up = StageOrder.AtLeast(Stage.Lead);
        var (start, end) = (b.Period.StartUtc, b.Period.EndUtc);
        // Each contact's first such change, grouped once over the events (not a correlated MIN per contact).
        var firsts = b.Db.LifecycleEvents.Where(e => e.Kind == LifecycleEventKind.StageChanged && up.Contains(e.ToStage))
            .GroupBy(e => e.ContactId).Select(g => new { Id = g.Key, First = g.Min(e => e.At) })
            .Where(x => x.First >= start && x.First < end).Select(x => x.Id);
        return b.Contacts().Where(c => firsts.Contains(c.Id));
    }

    /// <summary>Of <paramref name="contacts"/>, those that ever reached <paramref name="stage"/> or a later one (by an event or where they are now).</summary>
    public static IQueryable<Contact> Reached(ReportBasis b, IQueryable<Contact> contacts, Stage stage)
    {
        var up = StageOrder.AtLeast(stage);
        var now = StageOrder.All.Where(x => x >= stage).ToList();
        var ids = b.Db.LifecycleEvents.Where(e => e.Kind == LifecycleEventKind.StageChanged && up.Contains(e.ToStage)).Select(e => e.ContactId);
        return contacts.Where(c => now.Contains(c.Stage) || ids.Contains(c.Id));
    }

    /// <summary>Contacts with an upward move into <paramref name="stage"/> within the period.</summary>
    public static IQueryable<Contact> EnteredInPeriod(ReportBasis b, Stage stage)
    {
        var ids = b.Db.LifecycleEvents.Where(e => e.Kind == LifecycleEventKind.StageChanged && e.ToStage == stage).Where(b.InPeriod).Where(StageOrder.Upward)
            .Select(e => e.ContactId);
        return b.Contacts().Where(c => ids.Contains(c.Id));
    }

    private static async Task<List<PeriodStep>> PeriodStepsAsync(ReportBasis b, CancellationToken ct)
    {
        var moves = b.StageEvents().Where(b.InPeriod);
        var entered = await moves.Where(StageOrder.Upward).GroupBy(e => e.ToStage)
            .Select(g => new { g.Key, N = g.Select(e => e.ContactId).Distinct().Count() }).ToListAsync(ct);
        var still = new List<(Stage Key, int N)>();
        foreach (var s in StageOrder.All)
            still.Add((s, await EnteredInPeriod(b, s).CountAsync(c => c.Stage == s, ct)));
        var result = new List<PeriodStep>();
        foreach (var s in StageOrder.All)
        {
            var from = moves.Where(e => e.FromStage == s && e.ToStage != s);
            var on = await from.Where(StageOrder.Upward).Select(e => e.ContactId).Distinct().CountAsync(ct);
            var back = await from.Where(Definitions.Not(StageOrder.Upward)).Select(e => e.ContactId).Distinct().CountAsync(ct);
            result.Add(new PeriodStep(s, entered.FirstOrDefault(x => x.Key == s)?.N ?? 0, on, back, still.First(x => x.Key == s).N));
        }
        return result;
    }

    private static async Task<List<DropOut>> PeriodDropsAsync(ReportBasis b, CancellationToken ct)
    {
        var ids = b.Contacts().Select(c => c.Id);
        var disqualified = await b.Db.LifecycleEvents
            .Where(e => e.Kind == LifecycleEventKind.StatusChanged && e.ToStatus == LeadStatus.Unqualified && ids.Contains(e.ContactId))
            .Where(b.InPeriod).GroupBy(e => e.Reason).Select(g => new { g.Key, N = g.Count() }).ToListAsync(ct);
        return disqualified.Select(d => new DropOut(DropOutKind.Disqualified, d.Key ?? "", d.N))
            .Concat(await DealDropsAsync(b.Opportunities().Where(b.ClosedInPeriod), ct))
            .OrderBy(d => d.Kind).ThenByDescending(d => d.Count).ThenBy(d => d.Reason, StringComparer.Ordinal).ToList();
    }

    /// <summary>Deals lost or cancelled (as they stand now: a reopened deal is no longer a drop-out), by reason.</summary>
    public static async Task<List<DropOut>> DealDropsAsync(IQueryable<Opportunity> deals, CancellationToken ct) =>
        (await deals.Where(o => o.State == OpportunityState.Lost || o.State == OpportunityState.Cancelled)
            .GroupBy(o => new { o.State, o.CloseReason }).Select(g => new { g.Key.State, g.Key.CloseReason, N = g.Count() }).ToListAsync(ct))
        .Select(d => new DropOut(d.State == OpportunityState.Lost ? DropOutKind.Lost : DropOutKind.Cancelled, d.CloseReason ?? "", d.N)).ToList();

    public static double? Rate(int part, int whole) => whole == 0 ? null : Math.Round((double)part / whole, 4);
}
