using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Prospector.Data.Configurations;

internal sealed class UserConfiguration : IEntityTypeConfiguration<User>
{
    public void Configure(EntityTypeBuilder<User> b)
    {
        b.ToTable("Users");
        b.Property(u => u.DisplayName).HasMaxLength(100);
        b.Property(u => u.Culture).HasMaxLength(10);
        b.Property(u => u.TimeZone).HasMaxLength(64);
        b.Property(u => u.CalendarTokenHash).HasMaxLength(64);
        b.Property(u => u.SenderName).HasMaxLength(100);
        b.Property(u => u.Signature).HasMaxLength(2000);
        b.HasIndex(u => u.CalendarTokenHash).IsUnique();
    }
}

internal sealed class TeamConfiguration : IEntityTypeConfiguration<Team>
{
    public void Configure(EntityTypeBuilder<Team> b)
    {
        b.Property(t => t.Name).HasMaxLength(100);
        b.HasIndex(t => t.Name).IsUnique();
    }
}

internal sealed class TeamMemberConfiguration : IEntityTypeConfiguration<TeamMember>
{
    public void Configure(EntityTypeBuilder<TeamMember> b)
    {
        b.HasKey(m => new { m.TeamId, m.UserId });
        b.HasOne(m => m.Team).WithMany(t => t.Members).HasForeignKey(m => m.TeamId);
        b.HasOne(m => m.User).WithMany(u => u.Teams).HasForeignKey(m => m.UserId);
        b.HasIndex(m => m.UserId);
    }
}

internal sealed class ApiTokenConfiguration : IEntityTypeConfiguration<ApiToken>
{
    public void Configure(EntityTypeBuilder<ApiToken> b)
    {
        b.Property(t => t.Name).HasMaxLength(100);
        b.Property(t => t.Prefix).HasMaxLength(16);
        b.Property(t => t.Hash).HasMaxLength(64);
        b.HasIndex(t => t.Hash).IsUnique();
        b.HasOne(t => t.User).WithMany().HasForeignKey(t => t.UserId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class UserSessionConfiguration : IEntityTypeConfiguration<UserSession>
{
    public void Configure(EntityTypeBuilder<UserSession> b)
    {
        b.Property(t => t.KeyHash).HasMaxLength(64);
        b.Property(t => t.UserAgent).HasMaxLength(200);
        b.HasIndex(t => t.KeyHash).IsUnique();
        b.HasIndex(t => t.UserId);
        b.HasOne(t => t.User).WithMany().HasForeignKey(t => t.UserId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class OneTimeTokenConfiguration : IEntityTypeConfiguration<OneTimeToken>
{
    public void Configure(EntityTypeBuilder<OneTimeToken> b)
    {
        b.Property(t => t.Purpose).HasMaxLength(32);
        b.Property(t => t.Hash).HasMaxLength(64);
        b.HasIndex(t => t.Hash).IsUnique();
    }
}

internal sealed class WorkspaceSettingsConfiguration : IEntityTypeConfiguration<WorkspaceSettings>
{
    public void Configure(EntityTypeBuilder<WorkspaceSettings> b)
    {
        b.Property(s => s.Id).ValueGeneratedNever();
        b.Property(s => s.Name).HasMaxLength(100);
        b.Property(s => s.DefaultCountry).HasMaxLength(2);
        b.Property(s => s.DefaultCurrency).HasMaxLength(3);
        b.Property(s => s.DropboxToken).HasMaxLength(64);
        b.HasData(new WorkspaceSettings { Id = 1, Version = 1 });
    }
}

internal sealed class AuditEntryConfiguration : IEntityTypeConfiguration<AuditEntry>
{
    public void Configure(EntityTypeBuilder<AuditEntry> b)
    {
        b.Property(a => a.EntityType).HasMaxLength(64);
        b.Property(a => a.UserName).HasMaxLength(256);
        b.Property(a => a.RemoteIp).HasMaxLength(64);
        b.HasIndex(a => new { a.EntityType, a.EntityId, a.At });
    }
}
