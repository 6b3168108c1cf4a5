using System.ComponentModel;
using Prospector.Data;

namespace Prospector.Features.Sequences;

/// <summary>One step of a sequence to save.</summary>
public sealed record SequenceStepInput(
    [property: Description("SendEmail (needs templateId), Wait (needs waitDays) or Task (needs taskType; text is the task's note).")] SequenceStepKind? Kind = null,
    [property: Description("The e-mail template to send (SendEmail).")] long? TemplateId = null,
    [property: Description("Days to wait, 1–365 (Wait); the next step runs at the same local time that many days later, in working hours.")] int? WaitDays = null,
    [property: Description("The next action the contact's owner gets (Task): Call, Email, Sms, Social, Visit or Task.")] NextActionType? TaskType = null,
    [property: Description("The task's note (Task), up to 1000 characters.")] string? Text = null);

/// <summary>A sequence to create or replace: its name, description and all its steps in order.</summary>
public sealed record SequenceInput(string? Name = null, string? Description = null, List<SequenceStepInput>? Steps = null);

public sealed record SequenceStepDto(int Position, SequenceStepKind Kind, long? TemplateId, int? WaitDays, NextActionType? TaskType, string? Text)
{
    public static SequenceStepDto From(SequenceStep s) => new(s.Position, s.Kind, s.TemplateId, s.WaitDays, s.TaskType, s.Text);
}

public sealed record SequenceDto(long Id, string Name, string? Description, List<SequenceStepDto> Steps, int ActiveEnrolments, DateTime CreatedAt, DateTime UpdatedAt);

/// <summary>Enrols one contact (it must be on lead status Nurturing).</summary>
public sealed record EnrolInput([property: Description("The contact to enrol.")] long? ContactId = null);

/// <summary>Enrols several contacts; those that cannot be enrolled are listed with the reason.</summary>
public sealed record BulkEnrolInput([property: Description("The contacts to enrol (at most 1000).")] List<long>? ContactIds = null);

/// <summary>Stops an enrolment by hand.</summary>
public sealed record StopInput([property: Description("Why (optional, up to 1000 characters).")] string? Note = null);

public sealed record EnrolmentDto(long Id, long SequenceId, string SequenceName, long ContactId, EnrolmentStatus Status, int NextPosition,
    SequenceStepKind? NextStepKind, DateTime? NextRunAt, DateTime EnrolledAt, DateTime? EndedAt, EnrolmentStopReason? StopReason, string? Note,
    int StepsRun, int StepCount);

/// <summary>Why a contact was not enrolled: NotNurturing, AlreadyEnrolled or NotFound (no such contact you can see).</summary>
public sealed record SkippedContact(long ContactId,
    [property: Description("Why it was skipped: NotFound (no contact of that id you can see), NotYours (you may not act in its owner's name), NotNurturing, NoEmailConsent (withdrew e-mail consent and the sequence sends e-mail), AlreadyEnrolled.")] string Reason,
    [property: Description("The reason in the caller's language.")] string Message);

public sealed record BulkEnrolResult(
    [property: Description("The enrolments made, one per enrolled contact.")] List<EnrolmentDto> Enrolled,
    [property: Description("The contacts not enrolled, each with the reason.")] List<SkippedContact> Skipped);
