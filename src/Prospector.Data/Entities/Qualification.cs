namespace Prospector.Data;

/// <summary>A stage transition guarded by criteria.</summary>
public enum Gate { SuspectToLead, LeadToProspect }

public enum GateRuleKind { All, AtLeast, WeightedScore }

public enum CriterionAnswer { Unknown, Met, NotMet }

public enum LifecycleEventKind { StageChanged, StatusChanged, CriterionAnswered }

public sealed class QualificationCriterion : IVersioned
{
    public long Id { get; set; }
    public Gate Gate { get; set; }
    public string Label { get; set; } = "";
    public string? Description { get; set; }
    public int Weight { get; set; } = 1;
    /// <summary>Must be met whatever the rule says (e.g. "fits the target market").</summary>
    public bool Required { get; set; }
    public int SortOrder { get; set; }
    public DateTime? RetiredAt { get; set; }
    public int Version { get; set; }
}

/// <summary>The rule of one gate: all criteria, at least N of the optional ones, or a weighted score.</summary>
public sealed class GateRule
{
    public Gate Gate { get; set; }
    public GateRuleKind Kind { get; set; }
    public int MinCount { get; set; }
    public int MinScore { get; set; }
}

public sealed class QualificationAnswer
{
    public long Id { get; set; }
    public long ContactId { get; set; }
    public long CriterionId { get; set; }
    public CriterionAnswer Answer { get; set; }
    public string? Note { get; set; }
    public long? AnsweredById { get; set; }
    public DateTime AnsweredAt { get; set; }
}

/// <summary>Append-only history of a contact's lifecycle: the funnel reports are computed from it.</summary>
public sealed class LifecycleEvent
{
    public long Id { get; set; }
    public long ContactId { get; set; }
    public Contact? Contact { get; set; }
    public LifecycleEventKind Kind { get; set; }
    public Stage? FromStage { get; set; }
    public Stage? ToStage { get; set; }
    public LeadStatus? FromStatus { get; set; }
    public LeadStatus? ToStatus { get; set; }
    public long? CriterionId { get; set; }
    public CriterionAnswer? Answer { get; set; }
    public string? Reason { get; set; }
    public bool Override { get; set; }
    public long? ById { get; set; }
    public DateTime At { get; set; }
    /// <summary>
    /// Kept by the database, never written by the app (triggers on LifecycleEvents, FunnelFactsSql): for a stage change, the
    /// stay in a stage it ends — the time of the contact's stage change just before it (by time, then id) and the stage
    /// that change led to; null for the contact's first one. The stage times report reads them.
    /// </summary>
    public DateTime? StayStartedAt { get; private set; }
    public Stage? StayStage { get; private set; }
    /// <summary>
    /// Kept by the database like <see cref="StayStartedAt"/>: for a stage change that enters its stage going up, the time of the
    /// contact's last such entry into the same stage before it (null for its first). A contact entered a stage in a period
    /// once for each entry in the period whose previous one lies before the period (ADR 0024). No report reads it since the
    /// period funnel counts moves from <see cref="StageMoveTally"/> (ADR 0029); still kept, a later migration may drop it.
    /// </summary>
    public DateTime? PreviousEntryAt { get; private set; }
    /// <summary>
    /// Kept by the database: for a stage change that leaves a stage, the time of the contact's last change that left the
    /// same stage in the same direction (up or back) before it; null for its first. See <see cref="PreviousEntryAt"/>.
    /// </summary>
    public DateTime? PreviousLeaveAt { get; private set; }
}

/// <summary>
/// Stage changes counted per UTC day and per UTC hour (<see cref="Hourly"/>), stage left and stage entered, and the owner
/// and team of the contact: what the funnel's period view reads instead of visiting every stage change of a year (the moves
/// into, on from and back from each stage). A stage change counts while its contact exists and is not in the recycle bin.
/// Written only by database triggers on LifecycleEvents and Contacts, in the transaction of every write however it is made;
/// the app never writes it (StageMoveTalliesSql in each migrations project, docs/reports.md).
/// </summary>
public sealed class StageMoveTally : IOwned
{
    public long Id { get; set; }
    /// <summary>False: <see cref="Slot"/> is a UTC day (midnight); true: a UTC hour.</summary>
    public bool Hourly { get; set; }
    /// <summary>Start of the day or hour, UTC.</summary>
    public DateTime Slot { get; set; }
    /// <summary>The stage left; none for a contact's first stage.</summary>
    public Stage? FromStage { get; set; }
    public Stage? ToStage { get; set; }
    /// <summary>Owner of the contact.</summary>
    public long? OwnerId { get; set; }
    /// <summary>Team of the contact.</summary>
    public long? TeamId { get; set; }
    /// <summary>How many; 0 once the last one left (the row stays).</summary>
    public int Count { get; set; }
}

/// <summary>
/// Disqualifications (lifecycle events of kind StatusChanged to Unqualified) counted per UTC day and per UTC hour
/// (<see cref="Hourly"/>), reason, and the owner and team of the contact: what the funnel's period view reads for its
/// drop-outs instead of visiting every disqualification of a year. Counted while the contact is not in the recycle bin.
/// Written only by database triggers on LifecycleEvents and Contacts, in the transaction of every write however it is made;
/// the app never writes it (DisqualificationTalliesSql in each migrations project, docs/reports.md).
/// </summary>
public sealed class DisqualificationTally : IOwned
{
    public long Id { get; set; }
    /// <summary>False: <see cref="Slot"/> is a UTC day (midnight); true: a UTC hour.</summary>
    public bool Hourly { get; set; }
    /// <summary>Start of the day or hour, UTC.</summary>
    public DateTime Slot { get; set; }
    /// <summary>The event's reason; "" when none was given.</summary>
    public string Reason { get; set; } = "";
    /// <summary>Owner of the contact.</summary>
    public long? OwnerId { get; set; }
    /// <summary>Team of the contact.</summary>
    public long? TeamId { get; set; }
    /// <summary>How many; 0 once the last one left (the row stays).</summary>
    public int Count { get; set; }
}

/// <summary>
/// The funnel's cohort counted per UTC day of <see cref="Contact.FirstLeadAt"/>: how many contacts that first became a Lead
/// that day are now at a stage, reached a highest stage, are disqualified (and why), per owner and team. What the cohort view
/// reads instead of visiting every contact that became a Lead in the period (300,000 a year at the benchmark's full size).
/// A contact counts while it is not in the recycle bin. Written only by database triggers on Contacts, in the transaction of
/// every write however it is made; the app never writes it (CohortTalliesSql in each migrations project, docs/reports.md).
/// </summary>
public sealed class CohortTally : IOwned
{
    public long Id { get; set; }
    /// <summary>The UTC day (midnight) of the contacts' <see cref="Contact.FirstLeadAt"/>.</summary>
    public DateTime Day { get; set; }
    public Stage Stage { get; set; }
    public Stage? HighestStage { get; set; }
    /// <summary>Disqualified: <see cref="Contact.LeadStatus"/> is Unqualified.</summary>
    public bool Out { get; set; }
    /// <summary>The <see cref="Contact.UnqualifiedReason"/> of a disqualified contact ("" when none was given); none for the others.</summary>
    public string? Reason { get; set; }
    /// <summary>Owner of the contact.</summary>
    public long? OwnerId { get; set; }
    /// <summary>Team of the contact.</summary>
    public long? TeamId { get; set; }
    /// <summary>How many; 0 once the last one left (the row stays).</summary>
    public int Count { get; set; }
}

/// <summary>
/// The contacts made from a prospecting list (<see cref="Contact.SourceListId"/>) counted per current stage, disqualified or
/// not, owner and team: what the lists report reads instead of visiting every contact made from the lists (300,000 at the
/// benchmark's full size). A contact counts while it is not in the recycle bin. Written only by database triggers on
/// Contacts, in the transaction of every write however it is made; the app never writes it (ListTalliesSql in each
/// migrations project, docs/reports.md).
/// </summary>
public sealed class ListContactTally : IOwned
{
    public long Id { get; set; }
    public long SourceListId { get; set; }
    public Stage Stage { get; set; }
    /// <summary>Disqualified: <see cref="Contact.LeadStatus"/> is Unqualified.</summary>
    public bool Out { get; set; }
    /// <summary>Owner of the contact.</summary>
    public long? OwnerId { get; set; }
    /// <summary>Team of the contact.</summary>
    public long? TeamId { get; set; }
    /// <summary>How many; 0 once the last one left (the row stays).</summary>
    public int Count { get; set; }
}

/// <summary>
/// How many stays in a stage ended in one UTC month after lasting a number of whole days, for one owner and team: the stage
/// times' histogram. A stay is a stage change's <see cref="LifecycleEvent.StayStage"/> from its
/// <see cref="LifecycleEvent.StayStartedAt"/> to the change; counted while the contact is not in the recycle bin, under the
/// contact's owner and team. Written only by database triggers on LifecycleEvents and Contacts, in the transaction of every
/// write however it is made; the app never writes it (StayTalliesSql in each migrations project, docs/reports.md).
/// </summary>
public sealed class StayTally : IOwned
{
    public long Id { get; set; }
    /// <summary>Start of the UTC month the stay ended in.</summary>
    public DateTime Month { get; set; }
    /// <summary>The stage stayed in.</summary>
    public Stage Stage { get; set; }
    /// <summary>The stay's length in whole days (completed days: 23 hours is 0).</summary>
    public int Days { get; set; }
    /// <summary>Owner of the contact.</summary>
    public long? OwnerId { get; set; }
    /// <summary>Team of the contact.</summary>
    public long? TeamId { get; set; }
    /// <summary>How many; 0 once the last one left (the row stays).</summary>
    public int Count { get; set; }
}
