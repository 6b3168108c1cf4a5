using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Prospector.Data.Configurations;

internal sealed class WebFormConfiguration : IEntityTypeConfiguration<WebForm>
{
    public void Configure(EntityTypeBuilder<WebForm> b)
    {
        b.Property(f => f.Name).HasMaxLength(200);
        b.Property(f => f.Slug).HasMaxLength(80);
        b.HasIndex(f => f.Slug).IsUnique();
        b.HasOne<LeadSource>().WithMany().HasForeignKey(f => f.LeadSourceId).OnDelete(DeleteBehavior.Restrict);
        b.Property(f => f.Fields).HasMaxLength(2000);
        b.Property(f => f.ConsentTextEn).HasMaxLength(2000);
        b.Property(f => f.ConsentTextDe).HasMaxLength(2000);
        b.Property(f => f.ConsentTextNl).HasMaxLength(2000);
        b.Property(f => f.ThankYouEn).HasMaxLength(2000);
        b.Property(f => f.ThankYouDe).HasMaxLength(2000);
        b.Property(f => f.ThankYouNl).HasMaxLength(2000);
        b.Property(f => f.RedirectUrl).HasMaxLength(2048);
        b.Property(f => f.Source).HasMaxLength(100);
        b.HasOne<User>().WithMany().HasForeignKey(f => f.OwnerId).OnDelete(DeleteBehavior.Restrict);
        b.HasOne<Team>().WithMany().HasForeignKey(f => f.TeamId).OnDelete(DeleteBehavior.Restrict);
    }
}

internal sealed class FormSubmissionConfiguration : IEntityTypeConfiguration<FormSubmission>
{
    public void Configure(EntityTypeBuilder<FormSubmission> b)
    {
        b.HasOne(s => s.Form).WithMany().HasForeignKey(s => s.FormId).OnDelete(DeleteBehavior.Cascade);
        b.HasIndex(s => new { s.FormId, s.Status, s.ReceivedAt });
        b.Property(s => s.ReviewReason).HasMaxLength(20);
        b.Property(s => s.Values).HasMaxLength(20000);
        b.Property(s => s.Language).HasMaxLength(5);
        b.HasOne<Contact>().WithMany().HasForeignKey(s => s.ContactId).OnDelete(DeleteBehavior.SetNull);
    }
}
