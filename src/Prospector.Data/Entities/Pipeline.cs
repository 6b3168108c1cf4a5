namespace Prospector.Data;

public enum OpportunityState { Open, Standby, Won, Lost, Cancelled }

public sealed class Pipeline : IVersioned, ISoftDeletable
{
    public long Id { get; set; }
    public string Name { get; set; } = "";
    public bool IsDefault { get; set; }
    public int SortOrder { get; set; }
    public int Version { get; set; }
    public DateTime? DeletedAt { get; set; }
    public List<PipelineStep> Steps { get; set; } = [];
}

public sealed class PipelineStep
{
    public long Id { get; set; }
    public long PipelineId { get; set; }
    public string Name { get; set; } = "";
    public int SortOrder { get; set; }
    public int DefaultProbability { get; set; }
    /// <summary>A deal that stays longer than this many days in the step is rotting (marked on the board, in To do, in the digest); null: never.</summary>
    public int? RottingAfterDays { get; set; }
    /// <summary>The credit check step: a deal with a failed credit check cannot go past it unless a manager overrides.</summary>
    public bool IsCreditCheck { get; set; }
}

/// <summary>One sale in progress.</summary>
public sealed class Opportunity : TrackedRecord, IOwned
{
    public string Title { get; set; } = "";
    /// <summary>The title folded for search (<see cref="TextKeys.Fold"/>), with a leading space so that a word start is
    /// " " + word: stamped by <c>ProspectorDb</c> on every save that creates the deal or changes its title.</summary>
    public string TitleKey { get; set; } = "";
    public long? ContactId { get; set; }
    public Contact? Contact { get; set; }
    public long? CompanyId { get; set; }
    public Company? Company { get; set; }
    public long PipelineId { get; set; }
    public long StepId { get; set; }
    /// <summary>When the deal entered its current step: stamped by <c>ProspectorDb</c> on every save that creates it or changes <see cref="StepId"/>.</summary>
    public DateTime StepEnteredAt { get; set; }
    public decimal Amount { get; set; }
    /// <summary>ISO 4217.</summary>
    public string Currency { get; set; } = "EUR";
    public int Probability { get; set; }
    public DateOnly? ExpectedCloseDate { get; set; }
    public OpportunityState State { get; set; }
    public DateOnly? StandbyUntil { get; set; }
    public string? CloseReason { get; set; }
    public DateTime? ClosedAt { get; set; }
    /// <summary>
    /// Kept by the database, never written by the app: the <see cref="Contact.FirstLeadAt"/> of the deal's contact, so the
    /// funnel's cohort finds its lost and cancelled deals from the deals' own index (CohortDealsSql in each migrations project).
    /// </summary>
    public DateTime? ContactFirstLeadAt { get; private set; }
    /// <summary>
    /// Kept by the database, never written by the app: the <see cref="Contact.SourceListId"/> of the deal's contact, so the
    /// lists report finds each list's won deals from the deals' own index (ListTalliesSql in each migrations project).
    /// </summary>
    public long? ContactSourceListId { get; private set; }
    /// <summary>A won deal's renewal or re-order day: the deal's next action (account care) is due then.</summary>
    public DateOnly? RenewalDate { get; set; }
    public long? OwnerId { get; set; }
    public long? TeamId { get; set; }
    /// <summary>
    /// Kept by the database, never written by the app: how many open next actions (not in the recycle bin) the deal has, by
    /// triggers on NextActions (UnplannedTalliesSql); what <see cref="UnplannedTally"/> reads.
    /// </summary>
    public int OpenActionCount { get; private set; }

    /// <summary>The search key of a title: " " + the folded title, so containing " angebot" is a word start anywhere in it.</summary>
    public static string KeyOf(string? title) => " " + TextKeys.Fold(title);
}

/// <summary>
/// The deals in play (open or on standby, not in the recycle bin) summed per pipeline, step, owner, team, currency and
/// standby: what the board's column totals and the dashboard read instead of adding up every deal on each request. Written
/// only by database triggers on <c>Opportunities</c>, in the transaction of every write however it is made (the API, a bulk
/// update, a user's deletion); the app never writes it. Sums are whole cents, so adding and subtracting never drifts
/// (docs/numbers.md).
/// </summary>
public sealed class DealTotal : IOwned
{
    public long Id { get; set; }
    public long PipelineId { get; set; }
    public long StepId { get; set; }
    public long? OwnerId { get; set; }
    public long? TeamId { get; set; }
    /// <summary>ISO 4217.</summary>
    public string Currency { get; set; } = "EUR";
    public bool Standby { get; set; }
    /// <summary>How many deals; 0 once the last one left (the row stays).</summary>
    public int Count { get; set; }
    /// <summary>The sum of the amounts, in cents.</summary>
    public long AmountCents { get; set; }
    /// <summary>The sum of amount in cents × probability in percent: the weighted value × 10,000.</summary>
    public long WeightedCentPercent { get; set; }
}

public enum CreditCheckResult { Passed, Limited, Failed }

/// <summary>
/// One credit check of a deal's customer: passed, passed up to a limit, or failed; when, by which agency or source. The newest
/// counts. A failed one stops the deal at the credit check step until a manager overrides it with a reason (kept here; the
/// service writes both to the audit trail).
/// </summary>
public sealed class CreditCheck
{
    public long Id { get; set; }
    public long OpportunityId { get; set; }
    public CreditCheckResult Result { get; set; }
    public decimal? LimitAmount { get; set; }
    /// <summary>ISO 4217, with <see cref="LimitAmount"/>.</summary>
    public string? Currency { get; set; }
    public DateOnly CheckedOn { get; set; }
    public string? Source { get; set; }
    public string? Note { get; set; }
    public long? RecordedById { get; set; }
    public DateTime RecordedAt { get; set; }
    public string? OverrideReason { get; set; }
    public long? OverriddenById { get; set; }
    public DateTime? OverriddenAt { get; set; }
}

/// <summary>
/// One entry in a deal's step history (append-only; written by <c>ProspectorDb</c> in the same save as the change): the deal
/// entered <see cref="ToStepId"/> having left <see cref="FromStepId"/>. Null from: the deal was created or reopened; null to:
/// it was won, lost or cancelled (its stay in <see cref="FromStepId"/> ended). <see cref="PipelineId"/> is the deal's pipeline
/// after the change. A stay in a step runs from the entry that entered it to the next entry of the same deal.
/// </summary>
public sealed class OpportunityStepChange
{
    public long Id { get; set; }
    public long OpportunityId { get; set; }
    public long PipelineId { get; set; }
    public long? FromStepId { get; set; }
    public long? ToStepId { get; set; }
    public DateTime At { get; set; }
    /// <summary>
    /// When the stay this entry ends began: the time of the deal's entry just before it (by time, then id) when that entry
    /// entered <see cref="FromStepId"/>; else null (no stay ends here). Kept by the database (StepStaysSql in each migrations
    /// project), however the entries are written; the app never sets it.
    /// </summary>
    public DateTime? StayStartedAt { get; set; }
}

/// <summary>
/// How many stays in a pipeline step ended in one UTC month after lasting a number of whole days, for one owner and team:
/// the step times' histogram. A stay is an <see cref="OpportunityStepChange"/>'s <see cref="OpportunityStepChange.FromStepId"/>
/// from its <see cref="OpportunityStepChange.StayStartedAt"/> to the change; counted while the deal is not in the recycle bin,
/// under the deal's owner and team. Written only by database triggers on OpportunityStepChanges and Opportunities, in the
/// transaction of every write however it is made; the app never writes it (StepStaysSql in each migrations project).
/// </summary>
public sealed class StepStayTally : IOwned
{
    public long Id { get; set; }
    /// <summary>Start of the UTC month the stay ended in.</summary>
    public DateTime Month { get; set; }
    /// <summary>The step stayed in.</summary>
    public long StepId { get; set; }
    /// <summary>The stay's length in whole days (completed days: 23 hours is 0).</summary>
    public int Days { get; set; }
    /// <summary>Owner of the deal.</summary>
    public long? OwnerId { get; set; }
    /// <summary>Team of the deal.</summary>
    public long? TeamId { get; set; }
    /// <summary>How many; 0 once the last one left (the row stays).</summary>
    public int Count { get; set; }
}
