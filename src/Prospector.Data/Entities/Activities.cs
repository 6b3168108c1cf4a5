namespace Prospector.Data;

public enum Channel { Phone, Email, Sms, Social, InPerson, Video, Letter, Note }

public enum Direction { None, Inbound, Outbound }

public enum NextActionType { Call, Email, Meeting, Sms, Social, Visit, Task }

public enum NextActionStatus { Open, Done, Cancelled }

public enum OpenQuestionKind { Question, Concern }

/// <summary>What a question or concern is about, so they can be counted (the questions page, the win/loss report).</summary>
public enum ConcernCategory { Price, Timing, Competitor, Integration, Authority, Other }

/// <summary>Something that belongs to a contact, company or opportunity and is seen through that record.</summary>
public interface IAboutRecord
{
    long? ContactId { get; }
    long? CompanyId { get; }
    long? OpportunityId { get; }
}

/// <summary>A logged conversation or note.</summary>
public sealed class Activity : IVersioned, ISoftDeletable, IAboutRecord
{
    public long Id { get; set; }
    public long? ContactId { get; set; }
    public long? CompanyId { get; set; }
    public long? OpportunityId { get; set; }
    public Channel Channel { get; set; }
    public Direction Direction { get; set; }
    /// <summary>reached, no answer, voicemail, replied, meeting held…</summary>
    public string? Outcome { get; set; }
    public DateTime OccurredAt { get; set; }
    public int? DurationMinutes { get; set; }
    public string? Subject { get; set; }
    /// <summary>Markdown; rendered sanitised.</summary>
    public string? Notes { get; set; }
    public long? UserId { get; set; }
    public int Version { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime? DeletedAt { get; set; }
}

/// <summary>
/// A question or concern the contact raised; open until answered. It belongs to the record the conversation
/// was about: a contact, or — for a conversation logged on a company or opportunity only — that record.
/// </summary>
public sealed class OpenQuestion : IAboutRecord
{
    public long Id { get; set; }
    public long? ContactId { get; set; }
    public long? CompanyId { get; set; }
    public long? OpportunityId { get; set; }
    public long? ActivityId { get; set; }
    public long? NextActionId { get; set; }
    public OpenQuestionKind Kind { get; set; }
    /// <summary>Null: not categorised (questions raised before categories existed).</summary>
    public ConcernCategory? Category { get; set; }
    public string Text { get; set; } = "";
    public DateTime RaisedAt { get; set; }
    public DateTime? AnsweredAt { get; set; }
    public string? Answer { get; set; }
    public long? AnsweredById { get; set; }
    public long? RaisedById { get; set; }
}

/// <summary>The one current next step of an open record or opportunity.</summary>
public sealed class NextAction : IVersioned, ISoftDeletable
{
    public long Id { get; set; }
    public long? ContactId { get; set; }
    public Contact? Contact { get; set; }
    public long? OpportunityId { get; set; }
    public Opportunity? Opportunity { get; set; }
    public NextActionType Type { get; set; }
    public DateOnly DueDate { get; set; }
    public TimeOnly? DueTime { get; set; }
    /// <summary>Due moment in UTC (start of the day in the assignee's zone when no time): sorting and reminders.</summary>
    public DateTime DueAtUtc { get; set; }
    public string? Note { get; set; }
    public long? AssigneeId { get; set; }
    public NextActionStatus Status { get; set; }
    public string? Outcome { get; set; }
    public DateTime? CompletedAt { get; set; }
    public int Version { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime? DeletedAt { get; set; }
}

public enum ReminderKind { NextAction, PersonalDate, Digest }

public enum ReminderChannel { InApp, Email }

/// <summary>Skipped: nothing to say when it came due (an empty digest, an action already done).</summary>
public enum ReminderStatus { Pending, Claimed, Sent, Failed, Skipped }

/// <summary>One delivery of one reminder; claimed atomically so it is sent once across instances.</summary>
public sealed class Reminder
{
    public long Id { get; set; }
    public long UserId { get; set; }
    public ReminderKind Kind { get; set; }
    public ReminderChannel Channel { get; set; }
    /// <summary>Id of the next action or personal date this reminder is about.</summary>
    public long? SourceId { get; set; }
    public DateTime DueAtUtc { get; set; }
    public ReminderStatus Status { get; set; }
    public string? ClaimedBy { get; set; }
    public DateTime? ClaimedAt { get; set; }
    public DateTime? SentAt { get; set; }
    public int Attempts { get; set; }
    public string? Error { get; set; }
    /// <summary>What the reminder said, in the user's language, as shown in the notification and the delivery log.</summary>
    public string? Title { get; set; }
    /// <summary>Where the notification leads, e.g. /contacts/42.</summary>
    public string? Link { get; set; }
    /// <summary>The address an e-mail reminder went to.</summary>
    public string? Recipient { get; set; }
    /// <summary>In-app notifications: when the user opened or dismissed it.</summary>
    public DateTime? ReadAt { get; set; }
    public DateTime CreatedAt { get; set; }
}

/// <summary>
/// Conversations (activities on a channel other than <see cref="Channel.Note"/>) counted per UTC day and per UTC hour
/// (<see cref="Hourly"/>), rep who logged them, channel, and the owner and team of the record they are about (the contact,
/// else the company, else the deal): what the activity report reads instead of visiting every conversation of a year.
/// A conversation counts while neither it nor its record is in the recycle bin. Written only by database triggers on
/// Activities, Contacts, Companies and Opportunities, in the transaction of every write however it is made; the app never
/// writes it (ConversationTalliesSql in each migrations project, docs/reports.md).
/// </summary>
public sealed class ConversationTally : IOwned
{
    public long Id { get; set; }
    /// <summary>False: <see cref="Slot"/> is a UTC day (midnight); true: a UTC hour.</summary>
    public bool Hourly { get; set; }
    /// <summary>Start of the day or hour, UTC.</summary>
    public DateTime Slot { get; set; }
    /// <summary>The rep who logged the conversations.</summary>
    public long? UserId { get; set; }
    public Channel Channel { get; set; }
    /// <summary>Owner of the record the conversations are about.</summary>
    public long? OwnerId { get; set; }
    /// <summary>Team of the record the conversations are about.</summary>
    public long? TeamId { get; set; }
    /// <summary>How many; 0 once the last one left (the row stays).</summary>
    public int Count { get; set; }
}

/// <summary>Which kind of item a <see cref="UnplannedTally"/> counts.</summary>
public enum UnplannedKind { Contact, Opportunity }

/// <summary>
/// How many open items lack a next action, per kind, owner and team: contacts in play (Lead or Prospect, customers too when
/// the workspace asks for it; not disqualified, no open deal) and open deals, outside the recycle bin, without an open next
/// action of their own. What the "without next action" badge, the to-do page and the activity report read instead of
/// checking every open item for an action. Written only by database triggers on Contacts, Opportunities, NextActions and
/// WorkspaceSettings, in the transaction of every write however it is made; the app never writes it (UnplannedTalliesSql
/// in each migrations project, docs/decisions/0026).
/// </summary>
public sealed class UnplannedTally : IOwned
{
    public long Id { get; set; }
    public UnplannedKind Kind { get; set; }
    public long? OwnerId { get; set; }
    public long? TeamId { get; set; }
    /// <summary>How many; 0 once the last one left (the row stays).</summary>
    public int Count { get; set; }
}
