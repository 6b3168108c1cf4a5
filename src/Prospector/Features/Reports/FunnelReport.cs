using System.Linq.Expressions;
using Microsoft.EntityFrameworkCore;
using Prospector.Data;

namespace Prospector.Features.Reports;

public enum DropOutKind { Disqualified, Lost, Cancelled }

/// <summary>How many of the cohort reached a stage (by now), and the share of those at the stage before.</summary>
public sealed record CohortStep(Stage Stage, int Reached, double? Conversion);

/// <summary>What happened at a stage within the period: distinct contacts that entered it, moved on (up), moved back (down), and of those that entered, how many are still there.</summary>
public sealed record PeriodStep(Stage Stage, int Entered, int MovedOn, int MovedBack, int StillThere);

public sealed record DropOut(DropOutKind Kind, string Reason, int Count)
{
    /// <summary>Deals lost or cancelled with one close reason (none: "").</summary>
    public static DropOut OfDeals(OpportunityState state, string? reason, int count) =>
        new(state == OpportunityState.Lost ? DropOutKind.Lost : DropOutKind.Cancelled, reason ?? "", count);
}

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
        // One pass over the cohort's index (Contacts.FirstLeadAt, kept by the database): each contact's current stage and the
        // highest stage any of its stage changes reached; Reached(stage) is then summed up in memory from these few groups.
        var groups = await cohort.GroupBy(c => new { c.Stage, c.HighestStage }).Select(g => new { g.Key.Stage, g.Key.HighestStage, N = g.Count() })
            .ToListAsync(ct);
        var steps = new List<CohortStep>();
        foreach (var s in CohortStages)
        {
            var n = groups.Where(g => g.Stage >= s || g.HighestStage >= s).Sum(g => g.N);
            steps.Add(new CohortStep(s, n, steps.Count == 0 ? null : Rate(n, steps[^1].Reached)));
        }
        var size = steps[0].Reached;
        var overall = Rate(steps.First(s => s.Stage == Stage.Customer).Reached, size);

        var disqualified = await cohort.Where(c => c.LeadStatus == LeadStatus.Unqualified).GroupBy(c => c.UnqualifiedReason)
            .Select(g => new { g.Key, N = g.Count() }).ToListAsync(ct);
        var cohortIds = cohort.Select(c => (long?)c.Id);
        var cohortDeals = b.Opportunities().Where(o => cohortIds.Contains(o.ContactId));
        var cohortDrops = disqualified.Select(d => new DropOut(DropOutKind.Disqualified, d.Key ?? "", d.N))
            .Concat(await DealDropsAsync(cohortDeals, ct)).OrderBy(d => d.Kind).ThenByDescending(d => d.Count).ThenBy(d => d.Reason, StringComparer.Ordinal).ToList();

        return new FunnelReport(new PeriodDto(b.Period.From, b.Period.To, b.Period.TimeZone), size, steps, overall, cohortDrops,
            await PeriodStepsAsync(b, ct), await PeriodDropsAsync(b, ct));
    }

    /// <summary>Contacts whose first stage change to Lead or higher lies in the period (<see cref="Contact.FirstLeadAt"/>).</summary>
    public static IQueryable<Contact> CohortOf(ReportBasis b)
    {
        var (start, end) = (b.Period.StartUtc, b.Period.EndUtc);
        return b.Contacts().Where(c => c.FirstLeadAt >= start && c.FirstLeadAt < end);
    }

    /// <summary>
    /// Of <paramref name="contacts"/>, those that ever reached <paramref name="stage"/> or a later one: where they are now,
    /// or the highest stage a stage change took them to (<see cref="Contact.HighestStage"/>).
    /// </summary>
    public static IQueryable<Contact> Reached(IQueryable<Contact> contacts, Stage stage)
    {
        var up = StageOrder.AtLeast(stage);
        var now = StageOrder.All.Where(x => x >= stage).ToList();
        return contacts.Where(c => now.Contains(c.Stage) || up.Contains(c.HighestStage));
    }

    /// <summary>Contacts with an upward move into <paramref name="stage"/> within the period.</summary>
    public static IQueryable<Contact> EnteredInPeriod(ReportBasis b, Stage stage)
    {
        var ids = b.Db.LifecycleEvents.Where(e => e.Kind == LifecycleEventKind.StageChanged && e.ToStage == stage).Where(b.InPeriod).Where(StageOrder.Upward)
            .Select(e => e.ContactId);
        return b.Contacts().Where(c => ids.Contains(c.Id));
    }

    /// <summary>
    /// Each contact counts once per stage entered (left): with its first entry (leave) of the period, the one whose previous
    /// entry into the same stage (leave of it in the same direction) lies before the period — kept on each stage change by
    /// the database (<see cref="LifecycleEvent.PreviousEntryAt"/>, <see cref="LifecycleEvent.PreviousLeaveAt"/>), so the
    /// counts are plain counts over the period's events, not distinct contacts sorted out of them.
    /// </summary>
    private static async Task<List<PeriodStep>> PeriodStepsAsync(ReportBasis b, CancellationToken ct)
    {
        var start = b.Period.StartUtc;
        var moves = b.StageEvents().Where(b.InPeriod);
        // Entered and still there, by the stage entered (one pass); moved on and back, by the stage left (one pass).
        var entered = await moves.Where(StageOrder.Upward).Where(e => e.ToStage != null && (e.PreviousEntryAt == null || e.PreviousEntryAt < start))
            .Join(b.Db.Contacts, e => e.ContactId, c => c.Id, (e, c) => new { e.ToStage, Now = c.Stage })
            .GroupBy(x => x.ToStage).Select(g => new { g.Key, N = g.Count(), Still = g.Count(x => x.Now == x.ToStage) })
            .ToListAsync(ct);
        var left = await moves.Where(e => e.FromStage != null && e.ToStage != e.FromStage && (e.PreviousLeaveAt == null || e.PreviousLeaveAt < start))
            .Select(UpwardFlag).GroupBy(x => new { x.FromStage, x.Up }).Select(g => new { g.Key.FromStage, g.Key.Up, N = g.Count() })
            .ToListAsync(ct);
        return [.. StageOrder.All.Select(s => new PeriodStep(s, entered.FirstOrDefault(x => x.Key == s)?.N ?? 0,
            left.FirstOrDefault(x => x.FromStage == s && x.Up)?.N ?? 0, left.FirstOrDefault(x => x.FromStage == s && !x.Up)?.N ?? 0,
            entered.FirstOrDefault(x => x.Key == s)?.Still ?? 0))];
    }

    private sealed class Move
    {
        public Stage? FromStage { get; init; }
        public bool Up { get; init; }
    }

    /// <summary>A stage change as (stage left, whether it went up: <see cref="StageOrder.Upward"/>, inlined).</summary>
    private static readonly Expression<Func<LifecycleEvent, Move>> UpwardFlag = BuildUpwardFlag();

    private static Expression<Func<LifecycleEvent, Move>> BuildUpwardFlag()
    {
        var up = StageOrder.Upward;
        var e = up.Parameters[0];
        var body = Expression.MemberInit(Expression.New(typeof(Move)),
            Expression.Bind(typeof(Move).GetProperty(nameof(Move.FromStage))!, Expression.Property(e, nameof(LifecycleEvent.FromStage))),
            Expression.Bind(typeof(Move).GetProperty(nameof(Move.Up))!, up.Body));
        return Expression.Lambda<Func<LifecycleEvent, Move>>(body, e);
    }

    private static async Task<List<DropOut>> PeriodDropsAsync(ReportBasis b, CancellationToken ct)
    {
        var disqualified = await b.EventsOfContacts()
            .Where(e => e.Kind == LifecycleEventKind.StatusChanged && e.ToStatus == LeadStatus.Unqualified)
            .Where(b.InPeriod).GroupBy(e => e.Reason).Select(g => new { g.Key, N = g.Count() }).ToListAsync(ct);
        return disqualified.Select(d => new DropOut(DropOutKind.Disqualified, d.Key ?? "", d.N))
            .Concat(await DealDropsAsync(b.Opportunities().Where(b.ClosedInPeriod), ct))
            .OrderBy(d => d.Kind).ThenByDescending(d => d.Count).ThenBy(d => d.Reason, StringComparer.Ordinal).ToList();
    }

    /// <summary>Deals lost or cancelled (as they stand now: a reopened deal is no longer a drop-out), by reason.</summary>
    public static async Task<List<DropOut>> DealDropsAsync(IQueryable<Opportunity> deals, CancellationToken ct) =>
        (await deals.Where(o => o.State == OpportunityState.Lost || o.State == OpportunityState.Cancelled)
            .GroupBy(o => new { o.State, o.CloseReason }).Select(g => new { g.Key.State, g.Key.CloseReason, N = g.Count() }).ToListAsync(ct))
        .Select(d => DropOut.OfDeals(d.State, d.CloseReason, d.N)).ToList();

    public static double? Rate(int part, int whole) => whole == 0 ? null : Math.Round((double)part / whole, 4);
}
