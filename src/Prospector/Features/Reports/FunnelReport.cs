using Microsoft.EntityFrameworkCore;
using Prospector.Data;

namespace Prospector.Features.Reports;

public enum DropOutKind { Disqualified, Lost, Cancelled }

/// <summary>
/// How many of the cohort reached a stage (by now), the share of those at the stage before, and how many are still there:
/// at that stage now and not disqualified.
/// </summary>
public sealed record CohortStep(Stage Stage, int Reached, double? Conversion, int StillThere);

/// <summary>What moved at a stage within the period, counted as moves: into it (up), on from it (up), back from it (down).</summary>
public sealed record PeriodStep(Stage Stage, int Entered, int MovedOn, int MovedBack);

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
        var groups = await CohortFromTalliesAsync(b, ct) ?? await CohortFromContactsAsync(b, b.Period.StartUtc, b.Period.EndUtc, ct);
        var steps = new List<CohortStep>();
        foreach (var s in CohortStages)
        {
            var n = groups.Where(g => g.Stage >= s || g.HighestStage >= s).Sum(g => g.Count);
            steps.Add(new CohortStep(s, n, steps.Count == 0 ? null : Rate(n, steps[^1].Reached), groups.Where(g => g.Stage == s && !g.Out).Sum(g => g.Count)));
        }
        var size = steps[0].Reached;
        var overall = Rate(steps.First(s => s.Stage == Stage.Customer).Reached, size);

        var cohortDrops = groups.Where(g => g.Out).GroupBy(g => g.Reason ?? "").Select(g => new DropOut(DropOutKind.Disqualified, g.Key, g.Sum(x => x.Count)))
            .Concat(await DealDropsAsync(CohortDeals(b), ct)).OrderBy(d => d.Kind).ThenByDescending(d => d.Count).ThenBy(d => d.Reason, StringComparer.Ordinal).ToList();

        return new FunnelReport(new PeriodDto(b.Period.From, b.Period.To, b.Period.TimeZone), size, steps, overall, cohortDrops,
            await PeriodStepsAsync(b, ct), await PeriodDropsAsync(b, ct));
    }

    /// <summary>
    /// Contacts of the cohort alike in where they stand now: current stage, highest stage reached, disqualified or not, and
    /// the reason of the disqualified ones ("" when none was given; none for the others).
    /// </summary>
    public sealed record CohortGroup(Stage Stage, Stage? HighestStage, bool Out, string? Reason, int Count);

    /// <summary>The cohort's groups of contacts whose first day as a Lead lies in [start, end), read from the contacts.</summary>
    public static async Task<List<CohortGroup>> CohortFromContactsAsync(ReportBasis b, DateTime start, DateTime end, CancellationToken ct) =>
        [.. (await b.Contacts().Where(c => c.FirstLeadAt >= start && c.FirstLeadAt < end)
            .GroupBy(c => new { c.Stage, c.HighestStage, Out = c.LeadStatus == LeadStatus.Unqualified, Reason = c.LeadStatus == LeadStatus.Unqualified ? c.UnqualifiedReason ?? "" : null })
            .Select(g => new { g.Key.Stage, g.Key.HighestStage, g.Key.Out, g.Key.Reason, N = g.Count() }).ToListAsync(ct))
            .Select(g => new CohortGroup(g.Stage, g.HighestStage, g.Out, g.Reason, g.N))];

    /// <summary>
    /// The same from the kept <see cref="CohortTally"/> rows (per UTC day of the first day as a Lead, kept by database
    /// triggers) for the whole UTC days of the period; the hours before its first and after its last whole UTC day (the
    /// user's midnight is rarely UTC's) are read from the contacts. Null when they cannot answer exactly: a contact filter
    /// (source, list, country) is set, the period holds no whole UTC day, or a kept count came out below zero.
    /// </summary>
    public static async Task<List<CohortGroup>?> CohortFromTalliesAsync(ReportBasis b, CancellationToken ct)
    {
        var (start, end) = (b.Period.StartUtc, b.Period.EndUtc);
        var (first, last) = (start == start.Date ? start : start.Date.AddDays(1), end.Date);
        if (b.HasContactFilter || first >= last) return null;
        var kept = await b.Owned(b.Db.CohortTallies).Where(t => t.Day >= first && t.Day < last)
            .GroupBy(t => new { t.Stage, t.HighestStage, t.Out, t.Reason })
            .Select(g => new { g.Key.Stage, g.Key.HighestStage, g.Key.Out, g.Key.Reason, N = g.Sum(t => t.Count) }).ToListAsync(ct);
        var rows = kept.Select(g => new CohortGroup(g.Stage, g.HighestStage, g.Out, g.Reason, g.N)).ToList();
        if (start < first) rows.AddRange(await CohortFromContactsAsync(b, start, first, ct));
        if (last < end) rows.AddRange(await CohortFromContactsAsync(b, last, end, ct));
        var groups = rows.GroupBy(g => (g.Stage, g.HighestStage, g.Out, g.Reason))
            .Select(g => new CohortGroup(g.Key.Stage, g.Key.HighestStage, g.Key.Out, g.Key.Reason, g.Sum(x => x.Count))).ToList();
        return groups.Any(g => g.Count < 0) ? null : [.. groups.Where(g => g.Count != 0)];
    }

    /// <summary>Contacts whose first stage change to Lead or higher lies in the period (<see cref="Contact.FirstLeadAt"/>).</summary>
    public static IQueryable<Contact> CohortOf(ReportBasis b)
    {
        var (start, end) = (b.Period.StartUtc, b.Period.EndUtc);
        return b.Contacts().Where(c => c.FirstLeadAt >= start && c.FirstLeadAt < end);
    }

    /// <summary>
    /// The deals of the cohort's contacts: found by the first day as a Lead each deal keeps of its contact
    /// (<see cref="Opportunity.ContactFirstLeadAt"/>, kept by the database) rather than from the cohort's contacts (hundreds of
    /// thousands a year at full size), then those whose contact the report counts: for a user who sees every contact and no
    /// filter, any contact outside the recycle bin (a small set); else a probe of each deal's contact.
    /// </summary>
    public static IQueryable<Opportunity> CohortDeals(ReportBasis b)
    {
        var (start, end) = (b.Period.StartUtc, b.Period.EndUtc);
        var deals = b.Opportunities().Where(o => o.ContactFirstLeadAt >= start && o.ContactFirstLeadAt < end);
        if (b.CountsEveryContact)
        {
            var binned = b.BinnedContactIds().Select(id => (long?)id);
            return deals.Where(o => !binned.Contains(o.ContactId));
        }
        var contacts = b.Contacts();
        return deals.Where(o => contacts.Any(c => c.Id == o.ContactId));
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

    /// <summary>Of the cohort, those still at <paramref name="stage"/>: there now and not disqualified.</summary>
    public static IQueryable<Contact> StillThere(ReportBasis b, Stage stage) =>
        CohortOf(b).Where(c => c.Stage == stage && c.LeadStatus != LeadStatus.Unqualified);

    /// <summary>Contacts with an upward move into <paramref name="stage"/> within the period.</summary>
    public static IQueryable<Contact> EnteredInPeriod(ReportBasis b, Stage stage)
    {
        var ids = b.Db.LifecycleEvents.Where(e => e.Kind == LifecycleEventKind.StageChanged && e.ToStage == stage).Where(b.InPeriod).Where(StageOrder.Upward)
            .Select(e => e.ContactId);
        return b.Contacts().Where(c => ids.Contains(c.Id));
    }

    /// <summary>
    /// The period's moves, counted as moves (a contact that went Lead → Prospect → Lead → Prospect within it is two entries
    /// into Prospect): per stage, the upward changes into it (or a contact's first stage), and the changes out of it upward
    /// and downward. Moves add up: the months' figures sum to the quarter's.
    /// </summary>
    private static async Task<List<PeriodStep>> PeriodStepsAsync(ReportBasis b, CancellationToken ct)
    {
        var moves = await MovesFromTalliesAsync(b, ct) ?? await MovesFromEventsAsync(b, ct);
        int Sum(Func<StageMove, bool> which) => moves.Where(which).Sum(m => m.Count);
        return [.. StageOrder.All.Select(s => new PeriodStep(s,
            Sum(m => m.To == s && StageOrder.IsUpward(m.From, m.To)),
            Sum(m => m.From == s && m.To is not null && StageOrder.IsUpward(m.From, m.To)),
            Sum(m => m.From == s && m.To is not null && m.To != s && !StageOrder.IsUpward(m.From, m.To))))];
    }

    /// <summary>The number of the period's stage changes from one stage to another.</summary>
    public sealed record StageMove(Stage? From, Stage? To, int Count);

    /// <summary>The period's stage changes of the reported contacts, counted from the events themselves.</summary>
    public static async Task<List<StageMove>> MovesFromEventsAsync(ReportBasis b, CancellationToken ct) =>
        [.. (await b.StageEvents().Where(b.InPeriod).Where(e => e.FromStage != e.ToStage)
            .GroupBy(e => new { e.FromStage, e.ToStage }).Select(g => new { g.Key.FromStage, g.Key.ToStage, N = g.Count() })
            .ToListAsync(ct)).Select(x => new StageMove(x.FromStage, x.ToStage, x.N))];

    /// <summary>
    /// The same from the kept <see cref="StageMoveTally"/> rows (per UTC day and hour, stage pair, owner and team of the
    /// contact, kept by database triggers), or null when they cannot answer exactly: a contact filter (source, list, country)
    /// is set, or the period does not start and end on a whole UTC hour (the user's midnight in a zone such as India's).
    /// The UTC days the period's ends cut are read by the hour (<see cref="ConversationCounting.Ranges"/>).
    /// </summary>
    public static async Task<List<StageMove>?> MovesFromTalliesAsync(ReportBasis b, CancellationToken ct)
    {
        var (start, end) = (b.Period.StartUtc, b.Period.EndUtc);
        if (!ConversationCounting.TalliesAnswer(b, [start, end])) return null;
        var rows = await b.Owned(b.Db.StageMoveTallies).Where(ConversationCounting.InSlots<StageMoveTally>(start, end, [start, end]))
            .GroupBy(t => new { t.FromStage, t.ToStage }).Select(g => new { g.Key.FromStage, g.Key.ToStage, N = g.Sum(t => t.Count) })
            .ToListAsync(ct);
        return [.. rows.Where(x => x.N != 0).Select(x => new StageMove(x.FromStage, x.ToStage, x.N))];
    }

    private static async Task<List<DropOut>> PeriodDropsAsync(ReportBasis b, CancellationToken ct) =>
        [.. (await DisqualifiedFromTalliesAsync(b, ct) ?? await DisqualifiedFromEventsAsync(b, ct))
            .Concat(await DealDropsAsync(b.Opportunities().Where(b.ClosedInPeriod), ct))
            .OrderBy(d => d.Kind).ThenByDescending(d => d.Count).ThenBy(d => d.Reason, StringComparer.Ordinal)];

    /// <summary>The period's disqualifications of the reported contacts by reason ("" when none was given), from the events.</summary>
    public static async Task<List<DropOut>> DisqualifiedFromEventsAsync(ReportBasis b, CancellationToken ct) =>
        [.. (await b.EventsOfContacts().Where(e => e.Kind == LifecycleEventKind.StatusChanged && e.ToStatus == LeadStatus.Unqualified)
            .Where(b.InPeriod).GroupBy(e => e.Reason).Select(g => new { g.Key, N = g.Count() }).ToListAsync(ct))
            .GroupBy(d => d.Key ?? "").Select(g => new DropOut(DropOutKind.Disqualified, g.Key, g.Sum(d => d.N)))];

    /// <summary>
    /// The same from the kept <see cref="DisqualificationTally"/> rows (per UTC day and hour, reason, owner and team of the
    /// contact, kept by database triggers), or null when they cannot answer exactly: as <see cref="MovesFromTalliesAsync"/>,
    /// and when a kept count came out below zero.
    /// </summary>
    public static async Task<List<DropOut>?> DisqualifiedFromTalliesAsync(ReportBasis b, CancellationToken ct)
    {
        var (start, end) = (b.Period.StartUtc, b.Period.EndUtc);
        if (!ConversationCounting.TalliesAnswer(b, [start, end])) return null;
        var rows = await b.Owned(b.Db.DisqualificationTallies).Where(ConversationCounting.InSlots<DisqualificationTally>(start, end, [start, end]))
            .GroupBy(t => t.Reason).Select(g => new { g.Key, N = g.Sum(t => t.Count) }).ToListAsync(ct);
        return rows.Any(x => x.N < 0) ? null : [.. rows.Where(x => x.N != 0).Select(x => new DropOut(DropOutKind.Disqualified, x.Key, x.N))];
    }

    /// <summary>Deals lost or cancelled (as they stand now: a reopened deal is no longer a drop-out), by reason.</summary>
    public static async Task<List<DropOut>> DealDropsAsync(IQueryable<Opportunity> deals, CancellationToken ct) =>
        (await deals.Where(o => o.State == OpportunityState.Lost || o.State == OpportunityState.Cancelled)
            .GroupBy(o => new { o.State, o.CloseReason }).Select(g => new { g.Key.State, g.Key.CloseReason, N = g.Count() }).ToListAsync(ct))
        .Select(d => DropOut.OfDeals(d.State, d.CloseReason, d.N)).ToList();

    public static double? Rate(int part, int whole) => whole == 0 ? null : Math.Round((double)part / whole, 4);
}
