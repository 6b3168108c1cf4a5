using Microsoft.EntityFrameworkCore;
using Prospector.Data;

namespace Prospector.Features.Qualification;

/// <summary>One step of a contact's lifecycle history, with names resolved.</summary>
public sealed record LifecycleEventView(DateTime At, LifecycleEventKind Kind, Stage? FromStage, Stage? ToStage, LeadStatus? FromStatus,
    LeadStatus? ToStatus, string? Criterion, CriterionAnswer? Answer, string? Reason, bool Override, string? By)
{
    public static async Task<List<LifecycleEventView>> ForAsync(ProspectorDb db, long contactId, CancellationToken ct = default) =>
        await db.LifecycleEvents.Where(e => e.ContactId == contactId).OrderByDescending(e => e.At).ThenByDescending(e => e.Id).Take(500)
            .Select(e => new LifecycleEventView(e.At, e.Kind, e.FromStage, e.ToStage, e.FromStatus, e.ToStatus,
                db.QualificationCriteria.Where(q => q.Id == e.CriterionId).Select(q => q.Label).FirstOrDefault(), e.Answer, e.Reason, e.Override,
                db.Users.Where(u => u.Id == e.ById).Select(u => u.DisplayName).FirstOrDefault()))
            .ToListAsync(ct);
}
