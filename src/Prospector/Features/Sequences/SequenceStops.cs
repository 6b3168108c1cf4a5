using Microsoft.EntityFrameworkCore;
using Prospector.Data;

namespace Prospector.Features.Sequences;

/// <summary>
/// Why an enrolment must end, found by query (so it holds whichever path changed the contact: the contact page, the API, an
/// import, the e-mail dropbox, a web form): the contact was deleted or erased, disqualified (Unqualified), left Nurturing,
/// replied (an inbound activity that happened after enrolment), or withdrew e-mail consent while e-mail steps lie ahead.
/// </summary>
public static class SequenceStops
{
    public sealed record Found(long EnrolmentId, EnrolmentStopReason Reason);

    /// <summary>The active enrolments (of <paramref name="onlyId"/>, when given) that must stop, with the first reason that applies.</summary>
    public static async Task<List<Found>> FindAsync(ProspectorDb db, long? onlyId, CancellationToken ct)
    {
        var q = db.SequenceEnrolments.IgnoreQueryFilters().Where(e => e.Status == EnrolmentStatus.Active || e.Status == EnrolmentStatus.Running);
        if (onlyId is { } id) q = q.Where(e => e.Id == id);
        var rows = await q.Select(e => new
        {
            e.Id,
            Gone = e.Contact!.DeletedAt != null || e.Contact.ErasedAt != null,
            e.Contact.LeadStatus,
            // Unfiltered like the whole query (SoftDeleteGuard), the recycle bin left out by hand.
            Replied = db.Activities.IgnoreQueryFilters().Any(a => a.ContactId == e.ContactId && a.Direction == Direction.Inbound && a.DeletedAt == null
                && a.OccurredAt >= e.EnrolledAt),
            Consent = db.ConsentRecords.Where(r => r.ContactId == e.ContactId && r.Channel == ConsentChannel.Email)
                .OrderByDescending(r => r.GivenAt).ThenByDescending(r => r.Id).Select(r => (ConsentStatus?)r.Status).FirstOrDefault(),
            EmailAhead = db.SequenceSteps.Any(s => s.SequenceId == e.SequenceId && s.Position >= e.NextPosition && s.Kind == SequenceStepKind.SendEmail),
        }).Where(x => x.Gone || x.LeadStatus != LeadStatus.Nurturing || x.Replied || (x.Consent == ConsentStatus.Withdrawn && x.EmailAhead))
            .Take(1000).ToListAsync(ct);
        return rows.Select(x => new Found(x.Id,
            x.Gone ? EnrolmentStopReason.Deleted
            : x.LeadStatus == LeadStatus.Unqualified ? EnrolmentStopReason.Disqualified
            : x.Replied ? EnrolmentStopReason.Replied
            : x.LeadStatus != LeadStatus.Nurturing ? EnrolmentStopReason.LeftNurturing
            : EnrolmentStopReason.ConsentWithdrawn)).ToList();
    }

    /// <summary>Ends the enrolment if it is still in <paramref name="from"/> (a conditional update: safe against a concurrent runner).</summary>
    public static Task<int> StopAsync(ProspectorDb db, long id, EnrolmentStatus from, EnrolmentStopReason reason, string? note, DateTime now, CancellationToken ct) =>
        db.SequenceEnrolments.Where(e => e.Id == id && e.Status == from).ExecuteUpdateAsync(u => u
            .SetProperty(e => e.Status, EnrolmentStatus.Stopped).SetProperty(e => e.StopReason, reason).SetProperty(e => e.EndedAt, now)
            .SetProperty(e => e.NextRunAt, (DateTime?)null).SetProperty(e => e.Note, note), ct);
}
