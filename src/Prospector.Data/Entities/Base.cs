namespace Prospector.Data;

/// <summary>A record that can be changed concurrently: updates carry the version they were based on.</summary>
public interface IVersioned
{
    int Version { get; set; }
}

/// <summary>A record that goes to the recycle bin instead of disappearing.</summary>
public interface ISoftDeletable
{
    DateTime? DeletedAt { get; set; }
}

/// <summary>A record whose field changes are written to the audit trail.</summary>
public interface IAudited
{
    long Id { get; }
}

/// <summary>A record that belongs to a rep and a team: the unit of record-level authorization.</summary>
public interface IOwned
{
    long? OwnerId { get; set; }
    long? TeamId { get; set; }
}

/// <summary>Common shape of the tracked records (contacts, companies, opportunities…).</summary>
public abstract class TrackedRecord : IVersioned, ISoftDeletable, IAudited
{
    public long Id { get; set; }
    public int Version { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime UpdatedAt { get; set; }
    public DateTime? DeletedAt { get; set; }
}

/// <summary>
/// The ids of the contacts in the recycle bin, as a set of its own (a SQL query, no table): what a query over other records
/// leaves out with NOT IN while their own recycle-bin filters stay on. <c>db.Contacts.IgnoreQueryFilters()</c> in such a
/// query would switch every filter off for the whole query (EF Core; <see cref="SoftDeleteGuard"/>, ADR 0034).
/// </summary>
public sealed class BinnedContact
{
    public long Id { get; set; }
}
