using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Prospector.Data.Configurations;

/// <summary>
/// List indexes cover live records only: every query carries the soft-delete filter, so a partial index answers
/// it (and counts) without touching the table; the recycle bin has its own small index.
/// </summary>
internal static class Live
{
    public const string Filter = "\"DeletedAt\" IS NULL";
    public const string Deleted = "\"DeletedAt\" IS NOT NULL";
}

internal sealed class CompanyConfiguration : IEntityTypeConfiguration<Company>
{
    public void Configure(EntityTypeBuilder<Company> b)
    {
        b.Property(c => c.Name).HasMaxLength(200);
        b.Property(c => c.NameKey).HasMaxLength(200);
        b.Property(c => c.Domain).HasMaxLength(200);
        b.Property(c => c.Website).HasMaxLength(300);
        b.Property(c => c.LinkedInUrl).HasMaxLength(300);
        b.Property(c => c.XingUrl).HasMaxLength(300);
        b.Property(c => c.Email).HasMaxLength(254);
        b.Property(c => c.Phone).HasMaxLength(50);
        b.Property(c => c.Street).HasMaxLength(200);
        b.Property(c => c.PostalCode).HasMaxLength(20);
        b.Property(c => c.City).HasMaxLength(100);
        b.Property(c => c.Country).HasMaxLength(2);
        b.Property(c => c.Industry).HasMaxLength(100);
        b.Property(c => c.Source).HasMaxLength(100);
        b.HasIndex(c => c.NameKey).HasFilter(Live.Filter);
        b.HasIndex(c => c.Domain).HasFilter(Live.Filter);
        b.HasIndex(c => new { c.OwnerId, c.NameKey }).HasFilter(Live.Filter);
        b.HasIndex(c => new { c.TeamId, c.NameKey }).HasFilter(Live.Filter);
        b.HasIndex(c => c.UpdatedAt).HasFilter(Live.Filter);
        b.HasIndex(c => c.DeletedAt).HasFilter(Live.Deleted);
        b.HasOne(c => c.Owner).WithMany().HasForeignKey(c => c.OwnerId).OnDelete(DeleteBehavior.SetNull);
        b.HasOne(c => c.Team).WithMany().HasForeignKey(c => c.TeamId).OnDelete(DeleteBehavior.SetNull);
        b.HasOne(c => c.LeadSource).WithMany().HasForeignKey(c => c.LeadSourceId).OnDelete(DeleteBehavior.Restrict);
        b.HasIndex(c => c.LeadSourceId).HasFilter(Live.Filter);
        b.HasMany(c => c.Tags).WithMany(t => t.Companies).UsingEntity("CompanyTags");
    }
}

internal sealed class ContactConfiguration : IEntityTypeConfiguration<Contact>
{
    public void Configure(EntityTypeBuilder<Contact> b)
    {
        b.Ignore(c => c.DisplayName);
        b.Property(c => c.Salutation).HasMaxLength(50);
        b.Property(c => c.FirstName).HasMaxLength(100);
        b.Property(c => c.NamePrefix).HasMaxLength(30);
        b.Property(c => c.LastName).HasMaxLength(100);
        b.Property(c => c.NameKey).HasMaxLength(240);
        b.Property(c => c.FirstNameKey).HasMaxLength(100);
        b.Property(c => c.JobTitle).HasMaxLength(100);
        b.Property(c => c.Email).HasMaxLength(254);
        b.Property(c => c.EmailKey).HasMaxLength(254);
        b.Property(c => c.Phone).HasMaxLength(50);
        b.Property(c => c.PhoneE164).HasMaxLength(20);
        b.Property(c => c.Mobile).HasMaxLength(50);
        b.Property(c => c.LinkedInUrl).HasMaxLength(300);
        b.Property(c => c.XingUrl).HasMaxLength(300);
        b.Property(c => c.Website).HasMaxLength(300);
        b.Property(c => c.Street).HasMaxLength(200);
        b.Property(c => c.PostalCode).HasMaxLength(20);
        b.Property(c => c.City).HasMaxLength(100);
        b.Property(c => c.Country).HasMaxLength(2);
        b.Property(c => c.Source).HasMaxLength(100);
        b.Property(c => c.UnqualifiedReason).HasMaxLength(500);
        // Every list filter and sort has an index, so a page never scans a million rows.
        // Search indexes carry the sort key and the visibility columns, so a search branch, its sort and its
        // count are answered from the index alone (no table lookups per candidate row).
        // The list's default order is (NameKey, Id): with Id right after NameKey the index is in exactly that order, so a
        // page (and the capped count) walks the index without a sort step; OwnerId and TeamId answer a rep's visibility.
        b.HasIndex(c => new { c.NameKey, c.Id, c.OwnerId, c.TeamId }).HasFilter(Live.Filter);
        b.HasIndex(c => new { c.FirstNameKey, c.NameKey, c.OwnerId, c.TeamId }).HasFilter(Live.Filter);
        b.HasIndex(c => new { c.EmailKey, c.NameKey, c.OwnerId, c.TeamId }).HasFilter(Live.Filter);
        b.HasIndex(c => c.PhoneE164).HasFilter(Live.Filter);
        b.HasIndex(c => new { c.CompanyId, c.NameKey }).HasFilter(Live.Filter);
        b.HasIndex(c => new { c.OwnerId, c.NameKey }).HasFilter(Live.Filter);
        b.HasIndex(c => new { c.TeamId, c.NameKey }).HasFilter(Live.Filter);
        b.HasIndex(c => new { c.Stage, c.NameKey, c.Id, c.OwnerId, c.TeamId }).HasFilter(Live.Filter);
        // "Leads I am working on" (stage and status together) is the rep's most used filter.
        b.HasIndex(c => new { c.Stage, c.LeadStatus, c.NameKey, c.Id, c.OwnerId, c.TeamId }).HasFilter(Live.Filter);
        b.HasIndex(c => new { c.LeadStatus, c.NameKey }).HasFilter(Live.Filter);
        b.HasIndex(c => c.CreatedAt).HasFilter(Live.Filter);
        b.HasIndex(c => c.UpdatedAt).HasFilter(Live.Filter);
        // The lists report: each list's contacts by stage and status, from the index alone (the contacts' rows, read one by one,
        // were most of its time). Without a filter: it is also the index of the foreign key, binned contacts included.
        b.HasIndex(c => new { c.SourceListId, c.Stage, c.LeadStatus, c.DeletedAt, c.OwnerId, c.TeamId });
        b.HasIndex(c => new { c.LeadSourceId, c.NameKey }).HasFilter(Live.Filter);
        b.HasIndex(c => c.ReferredById).HasFilter(Live.Filter);
        b.HasOne(c => c.LeadSource).WithMany().HasForeignKey(c => c.LeadSourceId).OnDelete(DeleteBehavior.Restrict);
        b.HasOne<Contact>().WithMany().HasForeignKey(c => c.ReferredById).OnDelete(DeleteBehavior.SetNull);
        b.HasIndex(c => c.DeletedAt).HasFilter(Live.Deleted);
        // The funnel's cohort (contacts that first became a Lead in the period) and how far each got, from the index alone.
        b.HasIndex(c => new { c.FirstLeadAt, c.Stage, c.HighestStage, c.LeadStatus, c.OwnerId, c.TeamId }).HasFilter(Live.Filter);
        // "Without next action" per owner (activity report, To do): the contacts that need one, by owner, from the index
        // alone; with only (OwnerId, NameKey) SQLite looked up every contact in the table in owner order (10-18 s at a
        // million). DeletedAt is in the columns although the index holds only live contacts: SQLite 3.53 does not count an
        // index as covering for a DeletedAt IS NULL term that its filter implies.
        b.HasIndex(c => new { c.OwnerId, c.Stage, c.LeadStatus, c.TeamId, c.DeletedAt }).HasFilter(Live.Filter);
        b.HasOne(c => c.Company).WithMany(c => c.Contacts).HasForeignKey(c => c.CompanyId).OnDelete(DeleteBehavior.SetNull);
        b.HasOne(c => c.Owner).WithMany().HasForeignKey(c => c.OwnerId).OnDelete(DeleteBehavior.SetNull);
        b.HasOne(c => c.Team).WithMany().HasForeignKey(c => c.TeamId).OnDelete(DeleteBehavior.SetNull);
        b.HasMany(c => c.Tags).WithMany(t => t.Contacts).UsingEntity("ContactTags");
        b.HasMany(c => c.Consents).WithOne().HasForeignKey(c => c.ContactId).OnDelete(DeleteBehavior.Cascade);
        b.HasMany(c => c.PersonalDates).WithOne(d => d.Contact).HasForeignKey(d => d.ContactId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class LeadSourceConfiguration : IEntityTypeConfiguration<LeadSource>
{
    public void Configure(EntityTypeBuilder<LeadSource> b)
    {
        b.Property(s => s.Key).HasMaxLength(60);
        b.Property(s => s.Name).HasMaxLength(100);
        b.HasIndex(s => s.Key).IsUnique();
    }
}

internal sealed class TagConfiguration : IEntityTypeConfiguration<Tag>
{
    public void Configure(EntityTypeBuilder<Tag> b)
    {
        b.Property(t => t.Name).HasMaxLength(50);
        b.HasIndex(t => t.Name).IsUnique();
    }
}

internal sealed class ConsentRecordConfiguration : IEntityTypeConfiguration<ConsentRecord>
{
    public void Configure(EntityTypeBuilder<ConsentRecord> b)
    {
        b.Property(c => c.Method).HasMaxLength(200);
        b.Property(c => c.Note).HasMaxLength(1000);
        b.HasIndex(c => new { c.ContactId, c.Channel, c.GivenAt });
    }
}

internal sealed class PersonalDateConfiguration : IEntityTypeConfiguration<PersonalDate>
{
    public void Configure(EntityTypeBuilder<PersonalDate> b)
    {
        b.Property(d => d.Label).HasMaxLength(100);
        b.HasIndex(d => new { d.Month, d.Day });
    }
}

internal sealed class CustomFieldDefinitionConfiguration : IEntityTypeConfiguration<CustomFieldDefinition>
{
    public void Configure(EntityTypeBuilder<CustomFieldDefinition> b)
    {
        b.Property(d => d.EntityType).HasMaxLength(32);
        b.Property(d => d.Key).HasMaxLength(64);
        b.Property(d => d.Label).HasMaxLength(100);
        b.Property(d => d.Type).HasMaxLength(16);
        b.HasIndex(d => new { d.EntityType, d.Key }).IsUnique();
    }
}
