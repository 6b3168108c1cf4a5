using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;

namespace Prospector.Data;

/// <summary>The event types an endpoint can subscribe to (docs/webhooks.md).</summary>
public static class WebhookEventTypes
{
    public static readonly IReadOnlyList<string> All =
    [
        "contact.created", "contact.updated", "contact.stage_changed", "deal.created", "deal.moved", "deal.won", "deal.lost",
        "activity.logged", "form.submitted", "list.imported",
    ];
}

/// <summary>
/// Turns tracked changes into webhook events (the outbox, ADR 0014): read before the save, written after it (a new record's id
/// is known then) in the same transaction, and only for event types an active endpoint subscribes to. Every write path —
/// API, pages, imports, forms, the command line — saves through <see cref="ProspectorDb.SaveChangesAsync(bool, CancellationToken)"/>,
/// so none can change a record without its event.
/// </summary>
internal static class WebhookOutbox
{

    internal sealed record Pending(EntityEntry Entry, string Type, string EntityType)
    {
        public WebhookEvent ToEvent(DateTime now) => new()
        {
            Type = Type,
            EntityType = EntityType,
            EntityId = (long)Entry.Property("Id").CurrentValue!,
            OccurredAt = now,
        };
    }

    public static List<Pending> Collect(ChangeTracker tracker)
    {
        var result = new List<Pending>();
        foreach (var e in tracker.Entries())
        {
            if (e.State is not (EntityState.Added or EntityState.Modified)) continue;
            var added = e.State == EntityState.Added;
            switch (e.Entity)
            {
                case Contact c when c.DeletedAt is null:
                    if (added) result.Add(new(e, "contact.created", "Contact"));
                    else if (!Changed(e, nameof(Contact.DeletedAt)) && RealChange(e))
                    {
                        result.Add(new(e, "contact.updated", "Contact"));
                        if (Changed(e, nameof(Contact.Stage))) result.Add(new(e, "contact.stage_changed", "Contact"));
                    }
                    break;
                case Opportunity o when o.DeletedAt is null:
                    if (added) result.Add(new(e, "deal.created", "Opportunity"));
                    else
                    {
                        if (Changed(e, nameof(Opportunity.StepId))) result.Add(new(e, "deal.moved", "Opportunity"));
                        if (Changed(e, nameof(Opportunity.State)) && o.State is OpportunityState.Won or OpportunityState.Lost)
                            result.Add(new(e, o.State == OpportunityState.Won ? "deal.won" : "deal.lost", "Opportunity"));
                    }
                    break;
                case Activity a when added && a.DeletedAt is null:
                    result.Add(new(e, "activity.logged", "Activity"));
                    break;
                case FormSubmission s when s.Status == SubmissionStatus.Accepted && (added || Changed(e, nameof(FormSubmission.Status))):
                    result.Add(new(e, "form.submitted", "FormSubmission"));
                    break;
                case Import i when i.Status == ImportStatus.Completed && (added || Changed(e, nameof(Import.Status))):
                    result.Add(new(e, "list.imported", "Import"));
                    break;
            }
        }
        return result;
    }

    private static bool Changed(EntityEntry e, string property)
    {
        var p = e.Property(property);
        return p.IsModified && !Equals(p.OriginalValue, p.CurrentValue);
    }

    // Bookkeeping alone (version, key columns) is no update anyone waits for.
    private static readonly HashSet<string> Bookkeeping =
        [nameof(TrackedRecord.Version), nameof(TrackedRecord.UpdatedAt), nameof(Contact.NameKey), nameof(Contact.FirstNameKey), nameof(Contact.EmailKey)];

    private static bool RealChange(EntityEntry e) =>
        e.Properties.Any(p => p.IsModified && !Bookkeeping.Contains(p.Metadata.Name) && !Equals(p.OriginalValue, p.CurrentValue));

    /// <summary>The pending events some active endpoint subscribes to (one small query, only when there are events at all).</summary>
    public static async Task<List<Pending>> SubscribedAsync(ProspectorDb db, List<Pending> pending, CancellationToken ct)
    {
        if (pending.Count == 0) return pending;
        var lists = await db.WebhookEndpoints.AsNoTracking().Where(w => w.Status == WebhookEndpointStatus.Active).Select(w => w.Events).ToListAsync(ct);
        var wanted = lists.SelectMany(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries)).ToHashSet();
        return pending.Where(p => wanted.Contains(p.Type)).ToList();
    }
}
