using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;
using Prospector.Data;
using Prospector.Features.Access;
using Prospector.Features.Common;

namespace Prospector.Features.Sequences;

/// <summary>
/// Enrolling contacts on Nurturing in a sequence (one, or many with the skipped ones and why), stopping by hand, and the list of
/// enrolments a user may see (those of contacts they can see). Enrolling needs edit rights on the contact
/// (<see cref="AccessScope.FilterEditable{T}"/>): the sequence's e-mails go out in the owner's name.
/// </summary>
public sealed class Enrolments(ProspectorDb db, TimeProvider time, IStringLocalizer<SharedResource> l)
{
    public const int MaxBulk = 1000;
    private DateTime Now => time.GetUtcNow().UtcDateTime;

    /// <summary>Whether this user may enrol the contact (edit rights on it: the mails go out in its owner's name).</summary>
    public Task<bool> MayEnrolAsync(AccessScope scope, long contactId, CancellationToken ct = default) =>
        scope.FilterEditable(db.Contacts).AnyAsync(c => c.Id == contactId, ct);

    public async Task<Outcome<EnrolmentDto>> EnrolAsync(AccessScope scope, long sequenceId, long? contactId, CancellationToken ct = default)
    {
        if (contactId is null) return Outcome<EnrolmentDto>.Invalid("contactId", l["{0} is required.", "contactId"]);
        var bulk = await EnrolManyAsync(scope, sequenceId, [contactId.Value], ct);
        if (!bulk.IsOk) return bulk.As<EnrolmentDto>();
        if (bulk.Value!.Enrolled is [var one]) return one;
        var skip = bulk.Value.Skipped[0];
        return skip.Reason switch
        {
            "NotFound" => Outcome<EnrolmentDto>.NotFound("Contact not found", skip.Message),
            "NotYours" => Outcome<EnrolmentDto>.Forbidden("Only the contact's owner, their manager or an admin can enrol it.", skip.Message),
            "AlreadyEnrolled" => Outcome<EnrolmentDto>.Conflict("The contact is already in a sequence.", skip.Message),
            "NoEmailConsent" => Outcome<EnrolmentDto>.Conflict("The contact withdrew consent to e-mail.", skip.Message),
            _ => Outcome<EnrolmentDto>.Conflict("Only contacts on Nurturing can be enrolled.", skip.Message),
        };
    }

    public Task<Outcome<BulkEnrolResult>> EnrolManyAsync(AccessScope scope, long sequenceId, IReadOnlyList<long>? contactIds, CancellationToken ct = default) =>
        UnitOfWork.RunAsync(db, async () =>
        {
            var ids = (contactIds ?? []).Distinct().ToList();
            if (ids.Count == 0) return Outcome<BulkEnrolResult>.Invalid("contactIds", l["Choose at least one contact."]);
            if (ids.Count > MaxBulk) return Outcome<BulkEnrolResult>.Invalid("contactIds", l["At most {0} contacts at once.", MaxBulk]);
            var sequence = await db.Sequences.Include(s => s.Steps).FirstOrDefaultAsync(s => s.Id == sequenceId, ct);
            if (sequence is null) return Outcome<BulkEnrolResult>.NotFound("Sequence not found", l["There is no sequence {0}.", sequenceId]);
            var editable = scope.FilterEditable(db.Contacts).Select(c => c.Id);
            var mails = sequence.Steps.Any(s => s.Kind == SequenceStepKind.SendEmail);
            var contacts = await scope.Filter(db.Contacts).Where(c => ids.Contains(c.Id) && c.ErasedAt == null)
                .Select(c => new
                {
                    c.Id, c.LeadStatus, c.OwnerId, Mine = editable.Contains(c.Id),
                    Withdrawn = db.ConsentRecords.Where(r => r.ContactId == c.Id && r.Channel == ConsentChannel.Email)
                        .OrderByDescending(r => r.GivenAt).ThenByDescending(r => r.Id).Select(r => (ConsentStatus?)r.Status).FirstOrDefault() == ConsentStatus.Withdrawn,
                }).ToDictionaryAsync(c => c.Id, ct);
            var busy = (await db.SequenceEnrolments.Where(e => ids.Contains(e.ContactId) && (e.Status == EnrolmentStatus.Active || e.Status == EnrolmentStatus.Running))
                .Select(e => e.ContactId).ToListAsync(ct)).ToHashSet();
            var skipped = new List<SkippedContact>();
            var added = new List<SequenceEnrolment>();
            var steps = sequence.Steps.OrderBy(s => s.Position).ToList();
            foreach (var id in ids)
            {
                if (!contacts.TryGetValue(id, out var c)) skipped.Add(new(id, "NotFound", l["There is no contact {0} that you can see.", id]));
                else if (!c.Mine) skipped.Add(new(id, "NotYours", l["Contact {0} is not yours: its sequence would write in another person's name.", id]));
                else if (c.LeadStatus != LeadStatus.Nurturing) skipped.Add(new(id, "NotNurturing", l["Contact {0} is not on Nurturing.", id]));
                else if (mails && c.Withdrawn) skipped.Add(new(id, "NoEmailConsent", l["Contact {0} withdrew consent to e-mail.", id]));
                else if (busy.Contains(id)) skipped.Add(new(id, "AlreadyEnrolled", l["Contact {0} is already in a sequence.", id]));
                else
                {
                    var e = new SequenceEnrolment
                    {
                        SequenceId = sequenceId, ContactId = id, EnrolledAt = Now, EnrolledById = scope.UserId == 0 ? null : scope.UserId, Status = EnrolmentStatus.Active,
                    };
                    var hours = await WorkingHours.OfUserAsync(db, c.OwnerId ?? e.EnrolledById, ct);
                    SequencePlan.MoveTo(e, steps, 0, Now, hours);
                    db.SequenceEnrolments.Add(e);
                    added.Add(e);
                }
            }
            await db.SaveChangesAsync(ct);
            var addedIds = added.Select(a => a.Id).ToList();
            var dtos = added.Count == 0 ? [] : await ListQuery(db.SequenceEnrolments.Where(e => addedIds.Contains(e.Id)).OrderBy(e => e.Id)).ToListAsync(ct);
            return new BulkEnrolResult(dtos, skipped);
        }, ct);

    /// <summary>Stops a running enrolment by hand (anyone who can see the contact).</summary>
    public Task<Outcome<EnrolmentDto>> StopAsync(AccessScope scope, long enrolmentId, string? note, CancellationToken ct = default) => UnitOfWork.RunAsync(db, async () =>
    {
        var visible = scope.Filter(db.Contacts).Select(c => c.Id);
        var e = await db.SequenceEnrolments.FirstOrDefaultAsync(x => x.Id == enrolmentId && visible.Contains(x.ContactId), ct);
        if (e is null) return Outcome<EnrolmentDto>.NotFound("Enrolment not found", l["There is no enrolment {0} that you can see.", enrolmentId]);
        if (note?.Trim().Length > 1000) return Outcome<EnrolmentDto>.Invalid("note", l["At most {0} characters.", 1000]);
        // Conditional: a step that is running right now finishes first (the runner then sees the stop).
        var stopped = await db.SequenceEnrolments.Where(x => x.Id == enrolmentId && x.Status == EnrolmentStatus.Active)
            .ExecuteUpdateAsync(u => u.SetProperty(x => x.Status, EnrolmentStatus.Stopped).SetProperty(x => x.StopReason, EnrolmentStopReason.StoppedByHand)
                .SetProperty(x => x.EndedAt, Now).SetProperty(x => x.NextRunAt, (DateTime?)null)
                .SetProperty(x => x.Note, string.IsNullOrWhiteSpace(note) ? null : note.Trim()), ct);
        if (stopped == 0)
            return Outcome<EnrolmentDto>.Conflict("This enrolment is not active.", l["It has ended or a step is running right now; try again in a moment."]);
        return await ListQuery(db.SequenceEnrolments.Where(x => x.Id == enrolmentId)).FirstAsync(ct);
    }, ct);

    /// <summary>Enrolments of contacts the user can see, newest first; by contact and/or sequence.</summary>
    public Task<List<EnrolmentDto>> ListAsync(AccessScope scope, long? contactId, long? sequenceId, bool activeOnly, CancellationToken ct = default)
    {
        var visible = scope.Filter(db.Contacts).Select(c => c.Id);
        var q = db.SequenceEnrolments.Where(e => visible.Contains(e.ContactId));
        if (contactId is { } c) q = q.Where(e => e.ContactId == c);
        if (sequenceId is { } s) q = q.Where(e => e.SequenceId == s);
        if (activeOnly) q = q.Where(e => e.Status == EnrolmentStatus.Active || e.Status == EnrolmentStatus.Running);
        return ListQuery(q.OrderByDescending(e => e.Id).Take(500)).ToListAsync(ct);
    }

    private IQueryable<EnrolmentDto> ListQuery(IQueryable<SequenceEnrolment> q) => q.Select(e => new EnrolmentDto(e.Id, e.SequenceId, e.Sequence!.Name, e.ContactId,
        e.Status, e.NextPosition,
        db.SequenceSteps.Where(s => s.SequenceId == e.SequenceId && s.Position == e.NextPosition).Select(s => (SequenceStepKind?)s.Kind).FirstOrDefault(),
        e.NextRunAt, e.EnrolledAt, e.EndedAt, e.StopReason, e.Note, e.StepsRun, db.SequenceSteps.Count(s => s.SequenceId == e.SequenceId)));
}

/// <summary>Where an enrolment goes next: wait steps are folded into the time of the step after them.</summary>
public static class SequencePlan
{
    /// <summary>
    /// Points <paramref name="e"/> at the first non-wait step from <paramref name="position"/> on, due at <paramref name="baseUtc"/>
    /// plus the waits passed (same local time, DST-safe), moved into working hours; Completed when no step is left.
    /// </summary>
    public static void MoveTo(SequenceEnrolment e, IReadOnlyList<SequenceStep> steps, int position, DateTime baseUtc, WorkingHours hours)
    {
        var due = baseUtc;
        var byPosition = steps.ToDictionary(s => s.Position);
        while (byPosition.TryGetValue(position, out var s) && s.Kind == SequenceStepKind.Wait)
        {
            due = hours.AddLocalDays(due, s.WaitDays ?? 0);
            position++;
        }
        e.NextPosition = position;
        e.Attempts = 0;
        if (!byPosition.ContainsKey(position))
        {
            (e.Status, e.NextRunAt, e.EndedAt) = (EnrolmentStatus.Completed, null, baseUtc);
            return;
        }
        (e.Status, e.NextRunAt) = (EnrolmentStatus.Active, hours.NextWorkingMoment(due));
    }
}
