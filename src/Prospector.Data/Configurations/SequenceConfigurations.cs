using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Prospector.Data.Configurations;

internal sealed class SequenceConfiguration : IEntityTypeConfiguration<Sequence>
{
    public void Configure(EntityTypeBuilder<Sequence> b)
    {
        b.Property(s => s.Name).HasMaxLength(200);
        b.Property(s => s.Description).HasMaxLength(1000);
        b.HasOne<User>().WithMany().HasForeignKey(s => s.CreatedById).OnDelete(DeleteBehavior.SetNull);
        b.HasMany(s => s.Steps).WithOne().HasForeignKey(s => s.SequenceId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class SequenceStepConfiguration : IEntityTypeConfiguration<SequenceStep>
{
    public void Configure(EntityTypeBuilder<SequenceStep> b)
    {
        b.Property(s => s.Text).HasMaxLength(1000);
        b.HasIndex(s => new { s.SequenceId, s.Position }).IsUnique();
    }
}

internal sealed class SequenceEnrolmentConfiguration : IEntityTypeConfiguration<SequenceEnrolment>
{
    public void Configure(EntityTypeBuilder<SequenceEnrolment> b)
    {
        b.HasOne(e => e.Sequence).WithMany().HasForeignKey(e => e.SequenceId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne(e => e.Contact).WithMany().HasForeignKey(e => e.ContactId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne<User>().WithMany().HasForeignKey(e => e.EnrolledById).OnDelete(DeleteBehavior.SetNull);
        b.Property(e => e.Note).HasMaxLength(1000);
        b.Property(e => e.ClaimedBy).HasMaxLength(200);
        b.HasIndex(e => new { e.Status, e.NextRunAt });
        b.HasIndex(e => new { e.ContactId, e.Status });
    }
}
