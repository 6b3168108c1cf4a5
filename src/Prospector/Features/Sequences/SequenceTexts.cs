using Microsoft.Extensions.Localization;
using Prospector.Data;

namespace Prospector.Features.Sequences;

/// <summary>Localised labels of the sequence code names.</summary>
public static class SequenceTexts
{
    public static string Kind(IStringLocalizer l, SequenceStepKind k) => k switch
    {
        SequenceStepKind.SendEmail => l["Send e-mail template"],
        SequenceStepKind.Wait => l["Wait"],
        _ => l["Create a task"],
    };

    public static string Status(IStringLocalizer l, EnrolmentStatus s) => s switch
    {
        EnrolmentStatus.Active => l["Active"],
        EnrolmentStatus.Running => l["Running"],
        EnrolmentStatus.Completed => l["Completed"],
        _ => l["Stopped"],
    };

    public static string Reason(IStringLocalizer l, EnrolmentStopReason r) => r switch
    {
        EnrolmentStopReason.Replied => l["The contact replied"],
        EnrolmentStopReason.Disqualified => l["Disqualified"],
        EnrolmentStopReason.LeftNurturing => l["No longer on Nurturing"],
        EnrolmentStopReason.ConsentWithdrawn => l["E-mail consent withdrawn"],
        EnrolmentStopReason.Deleted => l["Contact deleted"],
        EnrolmentStopReason.StoppedByHand => l["Stopped by hand"],
        EnrolmentStopReason.StepFailed => l["A step failed"],
        _ => l["Interrupted"],
    };

    public static string TaskType(IStringLocalizer l, NextActionType t) => t switch
    {
        NextActionType.Call => l["Call"],
        NextActionType.Email => l["E-mail"],
        NextActionType.Sms => l["SMS"],
        NextActionType.Social => l["Social"],
        NextActionType.Visit => l["Visit"],
        NextActionType.Meeting => l["Meeting"],
        _ => l["Task"],
    };
}
