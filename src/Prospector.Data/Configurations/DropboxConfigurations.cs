using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Prospector.Data.Configurations;

internal sealed class DropboxMessageConfiguration : IEntityTypeConfiguration<DropboxMessage>
{
    public void Configure(EntityTypeBuilder<DropboxMessage> b)
    {
        b.Property(m => m.MessageKey).HasMaxLength(300);
        b.HasIndex(m => m.MessageKey).IsUnique(); // the claim: a second insert of the same message fails
        b.Property(m => m.FromAddress).HasMaxLength(320);
        b.Property(m => m.FromName).HasMaxLength(200);
        b.Property(m => m.Recipients).HasMaxLength(4000);
        b.Property(m => m.Subject).HasMaxLength(200);
        b.Property(m => m.Body).HasMaxLength(20_000);
        b.Property(m => m.Problem).HasMaxLength(500);
        b.HasIndex(m => new { m.Status, m.Id });
        b.HasOne<User>().WithMany().HasForeignKey(m => m.OwnerId).OnDelete(DeleteBehavior.SetNull);
        b.HasOne<Contact>().WithMany().HasForeignKey(m => m.ContactId).OnDelete(DeleteBehavior.SetNull);
        b.HasOne<User>().WithMany().HasForeignKey(m => m.HandledById).OnDelete(DeleteBehavior.SetNull);
    }
}
