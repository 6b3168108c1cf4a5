using Microsoft.EntityFrameworkCore;
using Prospector.Data;
using Prospector.Features.Access;
using Prospector.Features.Common;

namespace Prospector.Features.Contacts;

/// <summary>Validates and applies a change to a contact, including its references; shared by API and UI.</summary>
public static class ContactWrites
{
    public static async Task<Dictionary<string, string[]>?> ApplyAsync(
        ProspectorDb db, AccessScope scope, Contact c, JsonFields f, DateTime now, bool isNew, CancellationToken ct)
    {
        var (stageBefore, statusBefore, sourceBefore) = (c.Stage, c.LeadStatus, c.LeadSourceId);
        (long? OwnerId, long? TeamId)? holderBefore = isNew ? null : (c.OwnerId, c.TeamId);
        var tags = ContactFields.Apply(f, c, scope.UserId, now);
        LifecycleRules(f, c, scope, isNew, stageBefore, statusBefore, now);
        if (!isNew)
            c.UpdatedAt = now; // also tag- or consent-only changes bump the version and are checked against If-Match
        if (isNew)
        {
            c.OwnerId ??= scope.UserId;
            c.TeamId ??= await References.DefaultTeamAsync(db, c.OwnerId, ct);
        }
        if (f.Errors.Count == 0)
            await References.CheckAsync(db, scope, f, c.CompanyId, c, holderBefore, ct);
        if (f.Errors.Count == 0)
            await CheckSourceAsync(db, scope, f, c, sourceBefore, ct);
        if (f.Errors.Count == 0 && !scope.CanSee(c))
            f.Fail("ownerId", f.T("You can only give records to yourself or to your teams."));
        if (f.Errors.Count > 0) return f.Errors;
        if (tags is not null) await References.SetTagsAsync(db, c.Tags, tags, ct);
        AddLifecycleEvents(db, c, scope, isNew, stageBefore, statusBefore, now);
        return null;
    }

    /// <summary>
    /// The source must be a managed one (a retired one only if the contact has it already); "referred by" must be another
    /// contact the user can see (the link would otherwise tell who is in someone else's book).
    /// </summary>
    private static async Task CheckSourceAsync(ProspectorDb db, AccessScope scope, JsonFields f, Contact c, long? sourceBefore, CancellationToken ct)
    {
        if (f.Has("sourceId") && c.LeadSourceId is { } s && await Sources.SourceLookup.ProblemAsync(db, s, sourceBefore, ct) is { } problem)
            f.Fail("sourceId", f.T(problem.Key, problem.Arg));
        if (f.Has("referredById") && c.ReferredById is { } r
            && (r == c.Id || !await scope.Filter(db.Contacts).AnyAsync(x => x.Id == r, ct)))
            f.Fail("referredById", r == c.Id ? f.T("A contact cannot refer itself.") : f.T("There is no contact {0} that you can see.", r));
    }

    /// <summary>
    /// Stage moves go through the qualification gates (POST …/stage), disqualification needs a reason (POST …/disqualify);
    /// a plain edit may only move between New, Working and Nurturing. A new contact starts as Suspect or Lead unless a
    /// manager or admin enters existing customers.
    /// </summary>
    private static void LifecycleRules(JsonFields f, Contact c, AccessScope scope, bool isNew, Stage stageBefore, LeadStatus statusBefore, DateTime now)
    {
        if (isNew)
        {
            if (c.Stage > Stage.Lead && !scope.IsManagerOrAdmin)
                f.Fail("stage", f.T("A new contact starts as Suspect or Lead; qualify it to move it further."));
            if (c.LeadStatus == LeadStatus.Unqualified)
                f.Fail("leadStatus", f.T("Create the contact first, then disqualify it with a reason."));
            return;
        }
        if (c.Stage != stageBefore)
            f.Fail("stage", f.T("Change the stage through qualification (POST /api/v1/contacts/{0}/stage).", c.Id));
        if (c.LeadStatus != statusBefore && (c.LeadStatus == LeadStatus.Unqualified || statusBefore == LeadStatus.Unqualified))
            f.Fail("leadStatus", f.T("Disqualify with a reason (POST /api/v1/contacts/{0}/disqualify); a disqualified contact comes back through its recontact date or a stage move.", c.Id));
    }

    /// <summary>Stage and status changes are history, not just current values: the funnel is computed from these events.</summary>
    private static void AddLifecycleEvents(ProspectorDb db, Contact c, AccessScope scope, bool isNew, Stage stageBefore, LeadStatus statusBefore, DateTime now)
    {
        if (isNew) LifecycleLog.Stage(db, c, null, c.Stage, null, false, scope.UserId, now);
        if (isNew || c.LeadStatus != statusBefore)
            LifecycleLog.Status(db, c, isNew ? null : statusBefore, c.LeadStatus, null, scope.UserId, now);
    }
}
