using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Prospector.Data.Configurations;

internal sealed class EmailTemplateConfiguration : IEntityTypeConfiguration<EmailTemplate>
{
    public void Configure(EntityTypeBuilder<EmailTemplate> b)
    {
        b.Property(t => t.Name).HasMaxLength(200);
        b.Property(t => t.Language).HasMaxLength(5);
        b.Property(t => t.Subject).HasMaxLength(500);
        b.Property(t => t.Body).HasMaxLength(50_000);
        b.HasIndex(t => t.Name);
        b.HasOne<User>().WithMany().HasForeignKey(t => t.CreatedById).OnDelete(DeleteBehavior.SetNull);
    }
}

internal sealed class SuppressedAddressConfiguration : IEntityTypeConfiguration<SuppressedAddress>
{
    public void Configure(EntityTypeBuilder<SuppressedAddress> b)
    {
        b.Property(s => s.Email).HasMaxLength(320);
        b.HasIndex(s => s.Email).IsUnique();
        b.Property(s => s.Reason).HasMaxLength(20);
        b.HasOne<User>().WithMany().HasForeignKey(s => s.CreatedById).OnDelete(DeleteBehavior.SetNull);
    }
}
