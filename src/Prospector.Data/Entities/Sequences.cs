namespace Prospector.Data;

/// <summary>What a nurturing sequence step does (docs/sequences.md).</summary>
public enum SequenceStepKind
{
    /// <summary>Sends an e-mail template (<see cref="SequenceStep.TemplateId"/>) to the contact, logged as an outbound e-mail.</summary>
    SendEmail,
    /// <summary>Waits <see cref="SequenceStep.WaitDays"/> days before the next step.</summary>
    Wait,
    /// <summary>Gives the contact's owner a next action (<see cref="SequenceStep.TaskType"/>: call, SMS, visit…) with <see cref="SequenceStep.Text"/>.</summary>
    Task,
}

public enum EnrolmentStatus
{
    /// <summary>Waiting for its next step at <see cref="SequenceEnrolment.NextRunAt"/>.</summary>
    Active,
    /// <summary>An instance is running its next step now.</summary>
    Running,
    /// <summary>Every step ran.</summary>
    Completed,
    /// <summary>Ended early: <see cref="SequenceEnrolment.StopReason"/> says why.</summary>
    Stopped,
}

public enum EnrolmentStopReason { Replied, Disqualified, LeftNurturing, ConsentWithdrawn, Deleted, StoppedByHand, StepFailed, Interrupted }

/// <summary>A named, ordered series of steps a contact on Nurturing can be enrolled in.</summary>
public sealed class Sequence
{
    public long Id { get; set; }
    public string Name { get; set; } = "";
    public string? Description { get; set; }
    public DateTime CreatedAt { get; set; }
    public long? CreatedById { get; set; }
    public DateTime UpdatedAt { get; set; }
    public List<SequenceStep> Steps { get; set; } = [];
}

/// <summary>One step of a <see cref="Sequence"/>, at <see cref="Position"/> (0, 1, 2…).</summary>
public sealed class SequenceStep
{
    public long Id { get; set; }
    public long SequenceId { get; set; }
    public int Position { get; set; }
    public SequenceStepKind Kind { get; set; }
    /// <summary>The e-mail template of a SendEmail step (a plain id: templates live in the e-mail feature).</summary>
    public long? TemplateId { get; set; }
    public int? WaitDays { get; set; }
    /// <summary>The kind of next action a Task step gives (Call, Sms, Email, Visit, Social, Task).</summary>
    public NextActionType? TaskType { get; set; }
    /// <summary>The task's note.</summary>
    public string? Text { get; set; }
}

/// <summary>
/// A contact's way through a sequence. The runner claims an enrolment whose <see cref="NextRunAt"/> has come with one conditional
/// UPDATE (Active → Running), so of several instances exactly one runs each step.
/// </summary>
public sealed class SequenceEnrolment
{
    public long Id { get; set; }
    public long SequenceId { get; set; }
    public Sequence? Sequence { get; set; }
    public long ContactId { get; set; }
    public Contact? Contact { get; set; }
    public EnrolmentStatus Status { get; set; }
    /// <summary>The position of the step that runs next.</summary>
    public int NextPosition { get; set; }
    /// <summary>When the next step runs (UTC; already moved into the owner's working hours).</summary>
    public DateTime? NextRunAt { get; set; }
    public DateTime EnrolledAt { get; set; }
    public long? EnrolledById { get; set; }
    public DateTime? EndedAt { get; set; }
    public EnrolmentStopReason? StopReason { get; set; }
    /// <summary>Detail of the stop or of the last step (an e-mail skipped, an error).</summary>
    public string? Note { get; set; }
    public string? ClaimedBy { get; set; }
    public DateTime? ClaimedAt { get; set; }
    /// <summary>Failed tries of the current step (a transient e-mail error is retried).</summary>
    public int Attempts { get; set; }
    public int StepsRun { get; set; }
}
