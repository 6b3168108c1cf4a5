using System.Globalization;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;

namespace Prospector.Data;

public sealed record FieldChange(string Field, string? From, string? To);

/// <summary>Turns tracked changes of <see cref="IAudited"/> records into audit entries.</summary>
internal static class AuditTrail
{
    // Bookkeeping fields that change on every write and would only be noise in the history.
    private static readonly HashSet<string> Ignored =
        [nameof(TrackedRecord.Version), nameof(TrackedRecord.UpdatedAt), nameof(TrackedRecord.CreatedAt),
         nameof(Contact.NameKey), nameof(Contact.FirstNameKey), nameof(Contact.EmailKey), nameof(TrackedRecord.DeletedAt),
         // Derived from Phone: the history shows the number as entered.
         nameof(Contact.PhoneE164),
         // Stamped with every step change, which the history already shows.
         nameof(Opportunity.StepEnteredAt)];

    internal sealed class Pending(EntityEntry entry, AuditAction action, List<FieldChange> changes, DateTime at, IAuditActor? actor)
    {
        public AuditEntry ToEntry() => new()
        {
            // A new record's references to other new records (a contact with a company created in the same save) held
            // temporary keys such as -9223372036854774806 when collected; after the save they have their real ids.
            Changes = JsonSerializer.Serialize(action == AuditAction.Created ? Created(entry) : changes, JsonSerializerOptions.Web),
            EntityType = entry.Metadata.ClrType.Name,
            // Read after the first save so a new record's generated id is known.
            EntityId = ((IAudited)entry.Entity).Id,
            Action = action,
            UserId = actor?.UserId,
            UserName = actor?.UserName,
            At = at,
        };
    }

    public static List<Pending> Collect(ChangeTracker tracker, DateTime now, IAuditActor? actor)
    {
        var result = new List<Pending>();
        foreach (var e in tracker.Entries().Where(e => e.Entity is IAudited).ToList())
        {
            switch (e.State)
            {
                case EntityState.Added:
                    result.Add(new(e, AuditAction.Created, Created(e), now, actor));
                    break;
                case EntityState.Modified:
                    // Only soft-deletable records have DeletedAt; other audited records (templates, settings) are simply updated.
                    var deleted = e.Entity is ISoftDeletable ? e.Property(nameof(ISoftDeletable.DeletedAt)) : null;
                    var action = deleted is { IsModified: true, OriginalValue: null, CurrentValue: not null } ? AuditAction.Deleted
                        : deleted is { IsModified: true, OriginalValue: not null, CurrentValue: null } ? AuditAction.Restored
                        : AuditAction.Updated;
                    var changes = e.Properties
                        .Where(p => p.IsModified && !Ignored.Contains(p.Metadata.Name) && !Equals(p.OriginalValue, p.CurrentValue))
                        .Select(p => new FieldChange(p.Metadata.Name, Format(p.OriginalValue), Format(p.CurrentValue))).ToList();
                    if (changes.Count > 0 || action != AuditAction.Updated)
                        result.Add(new(e, action, changes, now, actor));
                    break;
                case EntityState.Deleted:
                    result.Add(new(e, AuditAction.Deleted, [], now, actor));
                    break;
            }
        }
        return result;
    }

    private static List<FieldChange> Created(EntityEntry e) => e.Properties
        .Where(p => !p.Metadata.IsPrimaryKey() && !Ignored.Contains(p.Metadata.Name) && p.CurrentValue is not null)
        .Select(p => new FieldChange(p.Metadata.Name, null, Format(p.CurrentValue))).ToList();

    private static string? Format(object? v) => v switch
    {
        null => null,
        DateTime d => d.ToString("O", CultureInfo.InvariantCulture),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => v.ToString(),
    };
}
