using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Prospector.Data.Configurations;

internal sealed class WebhookEndpointConfiguration : IEntityTypeConfiguration<WebhookEndpoint>
{
    public void Configure(EntityTypeBuilder<WebhookEndpoint> b)
    {
        b.Property(e => e.Url).HasMaxLength(2048);
        b.Property(e => e.Events).HasMaxLength(1000);
        b.Property(e => e.Description).HasMaxLength(500);
        b.Property(e => e.PausedReason).HasMaxLength(500);
        b.Property(e => e.Secret).HasMaxLength(2000);
        b.HasOne<User>().WithMany().HasForeignKey(e => e.CreatedById).OnDelete(DeleteBehavior.SetNull);
    }
}

internal sealed class WebhookEventConfiguration : IEntityTypeConfiguration<WebhookEvent>
{
    public void Configure(EntityTypeBuilder<WebhookEvent> b)
    {
        b.Property(e => e.Type).HasMaxLength(40);
        b.Property(e => e.EntityType).HasMaxLength(40);
        b.HasIndex(e => new { e.Dispatched, e.Id });
    }
}

internal sealed class WebhookDeliveryConfiguration : IEntityTypeConfiguration<WebhookDelivery>
{
    public void Configure(EntityTypeBuilder<WebhookDelivery> b)
    {
        b.HasOne<WebhookEndpoint>().WithMany().HasForeignKey(d => d.EndpointId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne(d => d.Event).WithMany().HasForeignKey(d => d.EventId).OnDelete(DeleteBehavior.Cascade);
        b.Property(d => d.EventType).HasMaxLength(40);
        b.Property(d => d.ClaimedBy).HasMaxLength(200);
        b.Property(d => d.ResponseExcerpt).HasMaxLength(600);
        b.HasIndex(d => new { d.Status, d.NextAttemptAt });
        b.HasIndex(d => new { d.EndpointId, d.Id });
    }
}
