using Prospector.Data;

namespace Prospector.Features.Common;

/// <summary>
/// The one writer of a contact's stage and status history. Stage and status changes are history, not just current
/// values: the funnel and the stage times are computed from these events, whichever path made the change (a new
/// contact, an edit between New/Working/Nurturing, qualification, disqualification, a recontact date).
/// </summary>
public static class LifecycleLog
{
    /// <summary>A stage change; <paramref name="from"/> is null for a new contact.</summary>
    public static void Stage(ProspectorDb db, Contact c, Stage? from, Stage to, string? reason, bool overridden, long? actorId, DateTime at) =>
        db.LifecycleEvents.Add(new LifecycleEvent
        {
            Contact = c, Kind = LifecycleEventKind.StageChanged, FromStage = from, ToStage = to,
            Reason = reason, Override = overridden, ById = actorId, At = at,
        });

    /// <summary>A lead status change; <paramref name="from"/> is null for a new contact.</summary>
    public static void Status(ProspectorDb db, Contact c, LeadStatus? from, LeadStatus to, string? reason, long? actorId, DateTime at) =>
        db.LifecycleEvents.Add(new LifecycleEvent
        {
            Contact = c, Kind = LifecycleEventKind.StatusChanged, FromStatus = from, ToStatus = to,
            Reason = reason, ById = actorId, At = at,
        });
}
