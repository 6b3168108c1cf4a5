using System.Linq.Expressions;
using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;
using Microsoft.AspNetCore.Identity.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace Prospector.Data;

/// <summary>Who is making the change, for the audit trail. The host supplies it from the signed-in user.</summary>
public interface IAuditActor
{
    long? UserId { get; }
    string? UserName { get; }
}

/// <summary>The one DbContext of Prospector.</summary>
public class ProspectorDb(DbContextOptions<ProspectorDb> options, TimeProvider? time = null, IAuditActor? actor = null)
    : IdentityDbContext<User, Role, long>(options), IDataProtectionKeyContext
{
    private readonly TimeProvider _time = time ?? TimeProvider.System;

    /// <summary>The clock this context stamps writes with; reads that count days (days in a step, rotting) use the same.</summary>
    public TimeProvider Clock => _time;

    public DbSet<Company> Companies => Set<Company>();
    public DbSet<Contact> Contacts => Set<Contact>();
    public DbSet<Tag> Tags => Set<Tag>();
    public DbSet<LeadSource> LeadSources => Set<LeadSource>();
    public DbSet<ConsentRecord> ConsentRecords => Set<ConsentRecord>();
    public DbSet<PersonalDate> PersonalDates => Set<PersonalDate>();
    public DbSet<CustomFieldDefinition> CustomFieldDefinitions => Set<CustomFieldDefinition>();
    public DbSet<ProspectingList> ProspectingLists => Set<ProspectingList>();
    public DbSet<ListRow> ListRows => Set<ListRow>();
    public DbSet<Import> Imports => Set<Import>();
    public DbSet<QualificationCriterion> QualificationCriteria => Set<QualificationCriterion>();
    public DbSet<GateRule> GateRules => Set<GateRule>();
    public DbSet<QualificationAnswer> QualificationAnswers => Set<QualificationAnswer>();
    public DbSet<LifecycleEvent> LifecycleEvents => Set<LifecycleEvent>();
    public DbSet<Pipeline> Pipelines => Set<Pipeline>();
    public DbSet<PipelineStep> PipelineSteps => Set<PipelineStep>();
    public DbSet<Opportunity> Opportunities => Set<Opportunity>();
    /// <summary>The deals in play summed per pipeline, step, owner, team, currency and standby: kept by database triggers, read-only to the app.</summary>
    public DbSet<DealTotal> DealTotals => Set<DealTotal>();
    public DbSet<OpportunityStepChange> OpportunityStepChanges => Set<OpportunityStepChange>();
    public DbSet<Activity> Activities => Set<Activity>();
    /// <summary>Conversations counted per day and hour, rep, channel and record owner and team: kept by database triggers, read-only to the app.</summary>
    public DbSet<ConversationTally> ConversationTallies => Set<ConversationTally>();
    public DbSet<StageMoveTally> StageMoveTallies => Set<StageMoveTally>();
    public DbSet<CohortTally> CohortTallies => Set<CohortTally>();
    public DbSet<ListContactTally> ListContactTallies => Set<ListContactTally>();
    public DbSet<BinnedContact> BinnedContacts => Set<BinnedContact>();
    public DbSet<DisqualificationTally> DisqualificationTallies => Set<DisqualificationTally>();
    public DbSet<StayTally> StayTallies => Set<StayTally>();
    public DbSet<StepStayTally> StepStayTallies => Set<StepStayTally>();
    /// <summary>Open items without a next action counted per kind, owner and team: kept by database triggers, read-only to the app.</summary>
    public DbSet<UnplannedTally> UnplannedTallies => Set<UnplannedTally>();
    public DbSet<OpenQuestion> OpenQuestions => Set<OpenQuestion>();
    public DbSet<NextAction> NextActions => Set<NextAction>();
    public DbSet<Reminder> Reminders => Set<Reminder>();
    public DbSet<Team> Teams => Set<Team>();
    public DbSet<TeamMember> TeamMembers => Set<TeamMember>();
    public DbSet<ApiToken> ApiTokens => Set<ApiToken>();
    public DbSet<OneTimeToken> OneTimeTokens => Set<OneTimeToken>();
    public DbSet<UserSession> UserSessions => Set<UserSession>();
    public DbSet<WorkspaceSettings> WorkspaceSettings => Set<WorkspaceSettings>();
    public DbSet<AuditEntry> AuditEntries => Set<AuditEntry>();
    public DbSet<WebForm> WebForms => Set<WebForm>();
    public DbSet<FormSubmission> FormSubmissions => Set<FormSubmission>();
    public DbSet<DataProtectionKey> DataProtectionKeys => Set<DataProtectionKey>();
    public DbSet<CreditCheck> CreditChecks => Set<CreditCheck>();
    public DbSet<WebhookEndpoint> WebhookEndpoints => Set<WebhookEndpoint>();
    public DbSet<WebhookEvent> WebhookEvents => Set<WebhookEvent>();
    public DbSet<WebhookDelivery> WebhookDeliveries => Set<WebhookDelivery>();
    public DbSet<DropboxMessage> DropboxMessages => Set<DropboxMessage>();
    public DbSet<Sequence> Sequences => Set<Sequence>();
    public DbSet<SequenceStep> SequenceSteps => Set<SequenceStep>();
    public DbSet<SequenceEnrolment> SequenceEnrolments => Set<SequenceEnrolment>();
    public DbSet<EmailTemplate> EmailTemplates => Set<EmailTemplate>();
    public DbSet<SuppressedAddress> SuppressedAddresses => Set<SuppressedAddress>();

    protected override void ConfigureConventions(ModelConfigurationBuilder builder)
    {
        // Code names in the database, never numbers or display labels (DESIGN.md §2).
        builder.Properties<Enum>().HaveConversion<string>().HaveMaxLength(32);
        // Store UTC, read back as UTC on every provider.
        builder.Properties<DateTime>().HaveConversion<UtcConverter>();
        builder.Properties<DateTime?>().HaveConversion<NullableUtcConverter>();
        builder.Properties<decimal>().HavePrecision(18, 2);
    }

    /// <summary>EF Core's name of the PostgreSQL provider (<c>Database.ProviderName</c>); any other is SQLite.</summary>
    public const string PostgresProvider = "Npgsql.EntityFrameworkCore.PostgreSQL";

    protected override void OnModelCreating(ModelBuilder builder)
    {
        base.OnModelCreating(builder);
        builder.ApplyConfigurationsFromAssembly(typeof(ProspectorDb).Assembly);
        var postgres = Database.ProviderName == PostgresProvider;
        SqlTime.Map(builder, postgres);
        if (postgres)
        {
            // Search keys compare byte-wise, as on SQLite: prefix ranges (key >= 'mul' AND key < 'mul' + U+FFFF)
            // and the merge of search branches depend on it, whatever the database's default collation is.
            builder.Entity<Contact>(e =>
            {
                e.Property(c => c.NameKey).UseCollation("C");
                e.Property(c => c.FirstNameKey).UseCollation("C");
                e.Property(c => c.EmailKey).UseCollation("C");
            });
            builder.Entity<Company>(e =>
            {
                e.Property(c => c.NameKey).UseCollation("C");
                e.Property(c => c.Domain).UseCollation("C");
            });
        }
        foreach (var type in builder.Model.GetEntityTypes())
        {
            if (typeof(IVersioned).IsAssignableFrom(type.ClrType))
                builder.Entity(type.ClrType).Property(nameof(IVersioned.Version)).IsConcurrencyToken();
            if (typeof(ISoftDeletable).IsAssignableFrom(type.ClrType))
            {
                var p = Expression.Parameter(type.ClrType, "e");
                var filter = Expression.Lambda(
                    Expression.Equal(Expression.Property(p, nameof(ISoftDeletable.DeletedAt)),
                        Expression.Constant(null, typeof(DateTime?))), p);
                builder.Entity(type.ClrType).HasQueryFilter(filter);
            }
        }
    }

    public override int SaveChanges(bool acceptAllChangesOnSuccess) =>
        SaveChangesAsync(acceptAllChangesOnSuccess).GetAwaiter().GetResult();

    public override async Task<int> SaveChangesAsync(bool acceptAllChangesOnSuccess, CancellationToken ct = default)
    {
        var now = _time.GetUtcNow().UtcDateTime;
        StampVersions(now);
        var steps = StepHistory(now);
        var pending = AuditTrail.Collect(ChangeTracker, now, actor);
        // Webhook events (the outbox) are written with the change and its trail, in the same transaction.
        var events = await WebhookOutbox.SubscribedAsync(this, WebhookOutbox.Collect(ChangeTracker), ct);
        if (pending.Count == 0 && events.Count == 0 && steps.Count == 0)
            return await base.SaveChangesAsync(acceptAllChangesOnSuccess, ct);

        // Records and their audit entries are written in one transaction: no change without its trail.
        var own = Database.CurrentTransaction is null ? await Database.BeginTransactionAsync(ct) : null;
        try
        {
            var n = await base.SaveChangesAsync(acceptAllChangesOnSuccess, ct);
            AuditEntries.AddRange(pending.Select(p => p.ToEntry()));
            WebhookEvents.AddRange(events.Select(e => e.ToEvent(now)));
            // Read after the first save so a new deal's generated id is known.
            OpportunityStepChanges.AddRange(steps.Select(s => s()));
            await base.SaveChangesAsync(acceptAllChangesOnSuccess, ct);
            if (own is not null) await own.CommitAsync(ct);
            return n;
        }
        finally
        {
            if (own is not null) await own.DisposeAsync();
        }
    }

    /// <summary>
    /// The deal step history entries of this save (<see cref="OpportunityStepChange"/>), built after the first save: a deal
    /// created open enters its step; a move between steps (or pipelines) leaves one and enters the other; closing (won, lost,
    /// cancelled) leaves the step; reopening enters it again. Standby counts as time in the step.
    /// </summary>
    private List<Func<OpportunityStepChange>> StepHistory(DateTime now)
    {
        static bool Open(object? s) => s is OpportunityState.Open or OpportunityState.Standby;
        var result = new List<Func<OpportunityStepChange>>();
        foreach (var e in ChangeTracker.Entries<Opportunity>())
        {
            var o = e.Entity;
            if (e.State == EntityState.Added)
            {
                if (Open(o.State)) result.Add(() => new() { OpportunityId = o.Id, PipelineId = o.PipelineId, ToStepId = o.StepId, At = now });
                continue;
            }
            if (e.State != EntityState.Modified) continue;
            var step = e.Property(nameof(Opportunity.StepId));
            var state = e.Property(nameof(Opportunity.State));
            var (fromStep, toStep) = ((long)step.OriginalValue!, o.StepId);
            var (wasOpen, isOpen) = (Open(state.OriginalValue), Open(o.State));
            var (id, pipeline) = (o.Id, o.PipelineId);
            if (wasOpen && fromStep != toStep)
                result.Add(() => new() { OpportunityId = id, PipelineId = pipeline, FromStepId = fromStep, ToStepId = toStep, At = now });
            if (wasOpen && !isOpen)
                result.Add(() => new() { OpportunityId = id, PipelineId = pipeline, FromStepId = toStep, At = now });
            if (!wasOpen && isOpen)
                result.Add(() => new() { OpportunityId = id, PipelineId = pipeline, ToStepId = toStep, At = now });
        }
        return result;
    }

    private void StampVersions(DateTime now)
    {
        foreach (var e in ChangeTracker.Entries())
        {
            if (e.State == EntityState.Added)
            {
                if (e.Entity is TrackedRecord r)
                {
                    r.CreatedAt = now;
                    r.UpdatedAt = now;
                }
                if (e.Entity is IVersioned v) v.Version = 1;
                if (e.Entity is Opportunity o)
                {
                    o.StepEnteredAt = now;
                    o.TitleKey = Opportunity.KeyOf(o.Title);
                }
            }
            else if (e.State == EntityState.Modified)
            {
                if (e.Entity is TrackedRecord r) r.UpdatedAt = now;
                // Days in the current step count from here: every path that moves a deal saves through this.
                if (e.Entity is Opportunity o && e.Property(nameof(Opportunity.StepId)) is { IsModified: true } step
                    && !Equals(step.OriginalValue, step.CurrentValue))
                    o.StepEnteredAt = now;
                if (e.Entity is Opportunity titled)
                    titled.TitleKey = Opportunity.KeyOf(titled.Title);
                // SQLite has no rowversion: the version is ours. The original value stays in the WHERE clause.
                if (e.Entity is IVersioned)
                {
                    var prop = e.Property(nameof(IVersioned.Version));
                    prop.CurrentValue = (int)prop.OriginalValue! + 1;
                }
            }
        }
    }

    private sealed class UtcConverter() : ValueConverter<DateTime, DateTime>(
        v => v.Kind == DateTimeKind.Utc ? v : DateTime.SpecifyKind(v.ToUniversalTime(), DateTimeKind.Utc),
        v => DateTime.SpecifyKind(v, DateTimeKind.Utc));

    private sealed class NullableUtcConverter() : ValueConverter<DateTime?, DateTime?>(
        v => v == null ? v : v.Value.Kind == DateTimeKind.Utc ? v : DateTime.SpecifyKind(v.Value.ToUniversalTime(), DateTimeKind.Utc),
        v => v == null ? v : DateTime.SpecifyKind(v.Value, DateTimeKind.Utc));
}
