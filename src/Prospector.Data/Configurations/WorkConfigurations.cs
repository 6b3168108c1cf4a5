using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Prospector.Data.Configurations;

internal sealed class ProspectingListConfiguration : IEntityTypeConfiguration<ProspectingList>
{
    public void Configure(EntityTypeBuilder<ProspectingList> b)
    {
        b.Property(l => l.Name).HasMaxLength(200);
        b.Property(l => l.DefaultCountry).HasMaxLength(2);
        b.HasIndex(l => l.OwnerId);
        b.HasIndex(l => l.TeamId);
        b.HasOne<LeadSource>().WithMany().HasForeignKey(l => l.LeadSourceId).OnDelete(DeleteBehavior.Restrict);
    }
}

internal sealed class ListRowConfiguration : IEntityTypeConfiguration<ListRow>
{
    public void Configure(EntityTypeBuilder<ListRow> b)
    {
        b.HasIndex(r => new { r.ListId, r.RowNumber });
        // The lists report's rows by state and cancelled rows by reason, from the index alone (400,000 rows at full size).
        b.HasIndex(r => new { r.ListId, r.State, r.CancelReason });
        b.HasIndex(r => r.ImportId);
        b.Property(r => r.CancelReason).HasMaxLength(32);
        b.Property(r => r.CancelNote).HasMaxLength(1000);
        b.Property(r => r.DuplicateReason).HasMaxLength(16);
        b.HasIndex(r => new { r.ListId, r.NameKey });
    }
}

internal sealed class ImportConfiguration : IEntityTypeConfiguration<Import>
{
    public void Configure(EntityTypeBuilder<Import> b)
    {
        b.Property(i => i.FileName).HasMaxLength(260);
        b.Property(i => i.Sheet).HasMaxLength(100);
        b.Property(i => i.Format).HasMaxLength(100);
        b.Property(i => i.Error).HasMaxLength(1000);
        b.HasIndex(i => i.ListId);
    }
}

internal sealed class QualificationCriterionConfiguration : IEntityTypeConfiguration<QualificationCriterion>
{
    public void Configure(EntityTypeBuilder<QualificationCriterion> b)
    {
        b.Property(c => c.Label).HasMaxLength(200);
        b.Property(c => c.Description).HasMaxLength(1000);
        b.HasIndex(c => new { c.Gate, c.SortOrder });
    }
}

internal sealed class GateRuleConfiguration : IEntityTypeConfiguration<GateRule>
{
    public void Configure(EntityTypeBuilder<GateRule> b) => b.HasKey(r => r.Gate);
}

internal sealed class QualificationAnswerConfiguration : IEntityTypeConfiguration<QualificationAnswer>
{
    public void Configure(EntityTypeBuilder<QualificationAnswer> b)
    {
        b.Property(a => a.Note).HasMaxLength(1000);
        b.HasIndex(a => new { a.ContactId, a.CriterionId }).IsUnique();
        b.HasOne<Contact>().WithMany().HasForeignKey(a => a.ContactId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne<QualificationCriterion>().WithMany().HasForeignKey(a => a.CriterionId).OnDelete(DeleteBehavior.Restrict);
    }
}

internal sealed class LifecycleEventConfiguration : IEntityTypeConfiguration<LifecycleEvent>
{
    public void Configure(EntityTypeBuilder<LifecycleEvent> b)
    {
        b.Property(e => e.Reason).HasMaxLength(1000);
        b.HasOne(e => e.Contact).WithMany().HasForeignKey(e => e.ContactId).OnDelete(DeleteBehavior.Cascade);
        b.HasIndex(e => new { e.ContactId, e.At });
        // The reports: a period's events read from the index alone, with the stay each stage change ends (stage times) and
        // the previous entry and leave like it (the period funnel), and per contact its stage changes by stage.
        b.HasIndex(e => new { e.Kind, e.At, e.ContactId, e.FromStage, e.ToStage, e.StayStage, e.StayStartedAt, e.PreviousEntryAt, e.PreviousLeaveAt });
        b.HasIndex(e => new { e.ContactId, e.Kind, e.ToStage, e.At });
        // The activity report's gates overridden: only the overriding changes (~1 %), by period, with the contact and who did
        // it. Without it the count read every stage change of the period from the table (526 ms at 100,000 contacts).
        // The filter is the same SQL on both databases (a boolean column; SQLite stores it as 0/1).
        b.HasIndex(e => new { e.Kind, e.At, e.ContactId, e.ById }).HasFilter("\"Override\"");
        // The funnel's disqualified in the period, by reason: only the disqualifications, from the index alone.
        b.HasIndex(e => new { e.Kind, e.At, e.ContactId, e.Reason }).HasFilter("\"ToStatus\" = 'Unqualified'");
    }
}

internal sealed class PipelineConfiguration : IEntityTypeConfiguration<Pipeline>
{
    public void Configure(EntityTypeBuilder<Pipeline> b)
    {
        b.Property(p => p.Name).HasMaxLength(100);
        b.HasMany(p => p.Steps).WithOne().HasForeignKey(s => s.PipelineId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class PipelineStepConfiguration : IEntityTypeConfiguration<PipelineStep>
{
    public void Configure(EntityTypeBuilder<PipelineStep> b)
    {
        b.Property(s => s.Name).HasMaxLength(100);
        b.HasIndex(s => new { s.PipelineId, s.SortOrder });
    }
}

internal sealed class OpportunityConfiguration : IEntityTypeConfiguration<Opportunity>
{
    public void Configure(EntityTypeBuilder<Opportunity> b)
    {
        b.Property(o => o.Title).HasMaxLength(200);
        b.Property(o => o.Currency).HasMaxLength(3);
        b.Property(o => o.CloseReason).HasMaxLength(500);
        b.HasIndex(o => new { o.PipelineId, o.StepId, o.State });
        b.HasIndex(o => o.ContactId);
        b.HasIndex(o => o.CompanyId);
        b.HasIndex(o => o.OwnerId);
        b.HasIndex(o => o.TeamId);
        b.HasOne(o => o.Contact).WithMany().HasForeignKey(o => o.ContactId).OnDelete(DeleteBehavior.SetNull);
        b.HasOne(o => o.Company).WithMany().HasForeignKey(o => o.CompanyId).OnDelete(DeleteBehavior.SetNull);
        b.HasOne<Pipeline>().WithMany().HasForeignKey(o => o.PipelineId).OnDelete(DeleteBehavior.Restrict);
        b.HasOne<PipelineStep>().WithMany().HasForeignKey(o => o.StepId).OnDelete(DeleteBehavior.Restrict);
        b.HasIndex(o => new { o.StepId, o.StepEnteredAt });
        b.HasIndex(o => o.ClosedAt); // the reports: deals closed in a period
        // The lists report: won deals and their amounts per currency, from the index alone.
        b.HasIndex(o => new { o.State, o.ContactId, o.Currency, o.Amount, o.DeletedAt, o.OwnerId, o.TeamId });
        // ... and each list's won deals by the list their contact came from, kept on the deal (ListTalliesSql).
        b.HasIndex(o => new { o.State, o.ContactSourceListId, o.DeletedAt, o.Currency, o.Amount, o.OwnerId, o.TeamId, o.ContactId });
        // The stage times: open deals' age per whole day from the index alone (StageTimesReport; 120,000 open deals at full size).
        b.HasIndex(o => new { o.State, o.DeletedAt, o.CreatedAt, o.OwnerId, o.TeamId });
        // The funnel: the cohort's lost and cancelled deals, and those closed in the period, from the index alone.
        b.HasIndex(o => new { o.State, o.DeletedAt, o.ContactFirstLeadAt, o.CloseReason, o.OwnerId, o.TeamId, o.ContactId });
        b.HasIndex(o => new { o.State, o.DeletedAt, o.ClosedAt, o.CloseReason, o.OwnerId, o.TeamId });
        // The board's first cards of a column without sorting all of them (OpportunityQueries.FirstOfEachStepAsync).
        b.HasIndex(o => new { o.StepId, o.UpdatedAt });
        b.HasIndex(o => new { o.StepId, o.ExpectedCloseDate, o.Id });
        // Global search matches word starts in the folded title (SearchService.OpportunitiesAsync): this index holds all it
        // reads (the key, the recycle bin and the access columns), so the scan does not read the table.
        b.HasIndex(o => new { o.TitleKey, o.DeletedAt, o.OwnerId, o.TeamId });
    }
}

/// <summary>
/// Its unique key (pipeline, step, owner or none, team or none, currency, standby) and the triggers that keep it are
/// hand-written SQL in each migrations project (<c>DealTotalsSql</c>): EF Core models neither expression indexes nor triggers.
/// </summary>
internal sealed class DealTotalConfiguration : IEntityTypeConfiguration<DealTotal>
{
    public void Configure(EntityTypeBuilder<DealTotal> b) => b.Property(t => t.Currency).HasMaxLength(3);
}

internal sealed class OpportunityStepChangeConfiguration : IEntityTypeConfiguration<OpportunityStepChange>
{
    public void Configure(EntityTypeBuilder<OpportunityStepChange> b)
    {
        b.HasOne<Opportunity>().WithMany().HasForeignKey(c => c.OpportunityId).OnDelete(DeleteBehavior.Cascade);
        b.HasIndex(c => new { c.OpportunityId, c.At });
        b.HasIndex(c => c.At);
    }
}

/// <summary>
/// The step times' kept histogram, read per UTC month, step and whole days (covering: the report reads no table row). The
/// unique key and the triggers that keep the table are hand-written SQL in each migrations project (<c>StepStaysSql</c>).
/// </summary>
internal sealed class StepStayTallyConfiguration : IEntityTypeConfiguration<StepStayTally>
{
    public void Configure(EntityTypeBuilder<StepStayTally> b) =>
        b.HasIndex(t => new { t.Month, t.StepId, t.Days, t.OwnerId, t.TeamId, t.Count });
}

internal sealed class ActivityConfiguration : IEntityTypeConfiguration<Activity>
{
    public void Configure(EntityTypeBuilder<Activity> b)
    {
        b.Property(a => a.Outcome).HasMaxLength(50);
        b.Property(a => a.Subject).HasMaxLength(200);
        b.HasIndex(a => new { a.ContactId, a.OccurredAt });
        b.HasIndex(a => new { a.CompanyId, a.OccurredAt });
        b.HasIndex(a => new { a.OpportunityId, a.OccurredAt });
        b.HasIndex(a => new { a.UserId, a.OccurredAt });
        // The activity report: a period's conversations by rep and channel, with what visibility needs, from the index alone.
        // DeletedAt too (every query has the recycle-bin filter): without it each activity of the period was a lookup into
        // the table (19 s for the report at 100,000 contacts under load). A partial index would not do: SQLite then still
        // reads DeletedAt from the table.
        b.HasIndex(a => new { a.OccurredAt, a.Channel, a.UserId, a.ContactId, a.CompanyId, a.OpportunityId, a.DeletedAt });
    }
}

/// <summary>
/// The activity report reads a period's rows with what visibility needs from this index alone. The unique key (day or hour,
/// slot, rep or none, channel, owner or none, team or none) and the triggers that keep the table are hand-written SQL in
/// each migrations project (<c>ConversationTalliesSql</c>).
/// </summary>
internal sealed class ConversationTallyConfiguration : IEntityTypeConfiguration<ConversationTally>
{
    public void Configure(EntityTypeBuilder<ConversationTally> b) =>
        b.HasIndex(t => new { t.Hourly, t.Slot, t.UserId, t.Channel, t.OwnerId, t.TeamId, t.Count });
}

/// <summary>
/// The funnel's period view reads a period's rows with what visibility needs from this index alone. The unique key and the
/// triggers that keep the table are hand-written SQL in each migrations project (<c>StageMoveTalliesSql</c>).
/// </summary>
internal sealed class StageMoveTallyConfiguration : IEntityTypeConfiguration<StageMoveTally>
{
    public void Configure(EntityTypeBuilder<StageMoveTally> b) =>
        b.HasIndex(t => new { t.Hourly, t.Slot, t.FromStage, t.ToStage, t.OwnerId, t.TeamId, t.Count });
}

/// <summary>
/// The funnel's period drop-outs read a period's days and edge hours (the reason from the row: a reason of up to 1,000
/// characters does not fit a PostgreSQL index entry, so the unique key holds its md5 there). The unique key and the
/// triggers that keep the table are hand-written SQL in each migrations project (<c>DisqualificationTalliesSql</c>).
/// </summary>
internal sealed class DisqualificationTallyConfiguration : IEntityTypeConfiguration<DisqualificationTally>
{
    public void Configure(EntityTypeBuilder<DisqualificationTally> b)
    {
        b.Property(t => t.Reason).HasMaxLength(1000);
        b.HasIndex(t => new { t.Hourly, t.Slot, t.OwnerId, t.TeamId, t.Count });
    }
}

/// <summary>
/// The funnel's cohort reads a period's days by day, then stage, highest stage, out and reason (covering). The unique key
/// and the triggers that keep the table are hand-written SQL in each migrations project (<c>CohortTalliesSql</c>).
/// </summary>
internal sealed class CohortTallyConfiguration : IEntityTypeConfiguration<CohortTally>
{
    public void Configure(EntityTypeBuilder<CohortTally> b)
    {
        b.Property(t => t.Reason).HasMaxLength(500);
        b.HasIndex(t => new { t.Day, t.Stage, t.HighestStage, t.Out, t.Reason, t.OwnerId, t.TeamId, t.Count });
    }
}

/// <summary>Contacts in the recycle bin: a query, not a table (no migration creates anything for it).</summary>
internal sealed class BinnedContactConfiguration : IEntityTypeConfiguration<BinnedContact>
{
    public void Configure(EntityTypeBuilder<BinnedContact> b) =>
        b.HasNoKey().ToTable((string?)null).ToSqlQuery("""SELECT "Id" FROM "Contacts" WHERE "DeletedAt" IS NOT NULL""");
}

/// <summary>
/// The lists report reads its lists' rows by list, then stage and out (covering). The unique key and the triggers that keep
/// the table are hand-written SQL in each migrations project (<c>ListTalliesSql</c>).
/// </summary>
internal sealed class ListContactTallyConfiguration : IEntityTypeConfiguration<ListContactTally>
{
    public void Configure(EntityTypeBuilder<ListContactTally> b) =>
        b.HasIndex(t => new { t.SourceListId, t.Stage, t.Out, t.OwnerId, t.TeamId, t.Count });
}

/// <summary>
/// The stage times read a period's months of stays by month, then stage and length (covering). The unique key and the
/// triggers that keep the table are hand-written SQL in each migrations project (<c>StayTalliesSql</c>).
/// </summary>
internal sealed class StayTallyConfiguration : IEntityTypeConfiguration<StayTally>
{
    public void Configure(EntityTypeBuilder<StayTally> b) =>
        b.HasIndex(t => new { t.Month, t.Stage, t.Days, t.OwnerId, t.TeamId, t.Count });
}

internal sealed class OpenQuestionConfiguration : IEntityTypeConfiguration<OpenQuestion>
{
    public void Configure(EntityTypeBuilder<OpenQuestion> b)
    {
        b.Property(q => q.Text).HasMaxLength(1000);
        b.Property(q => q.Answer).HasMaxLength(2000);
        b.HasIndex(q => new { q.ContactId, q.AnsweredAt });
        b.HasIndex(q => new { q.CompanyId, q.AnsweredAt });
        b.HasIndex(q => new { q.OpportunityId, q.AnsweredAt });
        b.HasIndex(q => q.ActivityId);
        b.HasIndex(q => q.NextActionId);
    }
}

internal sealed class CreditCheckConfiguration : IEntityTypeConfiguration<CreditCheck>
{
    public void Configure(EntityTypeBuilder<CreditCheck> b)
    {
        b.Property(c => c.Currency).HasMaxLength(3);
        b.Property(c => c.Source).HasMaxLength(200);
        b.Property(c => c.Note).HasMaxLength(1000);
        b.Property(c => c.OverrideReason).HasMaxLength(500);
        b.HasIndex(c => new { c.OpportunityId, c.RecordedAt });
    }
}

/// <summary>Its unique key (kind, owner or none, team or none) and the triggers that keep it are hand-written SQL (<c>UnplannedTalliesSql</c>).</summary>
internal sealed class UnplannedTallyConfiguration : IEntityTypeConfiguration<UnplannedTally>
{
    public void Configure(EntityTypeBuilder<UnplannedTally> b) => b.Property(t => t.Kind).HasMaxLength(16);
}

internal sealed class NextActionConfiguration : IEntityTypeConfiguration<NextAction>
{
    public void Configure(EntityTypeBuilder<NextAction> b)
    {
        b.Property(a => a.Note).HasMaxLength(1000);
        b.Property(a => a.Outcome).HasMaxLength(200);
        b.HasOne(a => a.Contact).WithMany().HasForeignKey(a => a.ContactId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne(a => a.Opportunity).WithMany().HasForeignKey(a => a.OpportunityId).OnDelete(DeleteBehavior.Cascade);
        b.HasIndex(a => new { a.AssigneeId, a.Status, a.DueAtUtc });
        // "Exactly one current next action" per open item, enforced by the database itself.
        b.HasIndex(a => a.ContactId).IsUnique()
            .HasFilter("\"Status\" = 'Open' AND \"OpportunityId\" IS NULL AND \"DeletedAt\" IS NULL")
            .HasDatabaseName("IX_NextActions_OneOpenPerContact");
        b.HasIndex(a => a.OpportunityId).IsUnique()
            .HasFilter("\"Status\" = 'Open' AND \"OpportunityId\" IS NOT NULL AND \"DeletedAt\" IS NULL")
            .HasDatabaseName("IX_NextActions_OneOpenPerOpportunity");
    }
}

internal sealed class ReminderConfiguration : IEntityTypeConfiguration<Reminder>
{
    public void Configure(EntityTypeBuilder<Reminder> b)
    {
        b.Property(r => r.ClaimedBy).HasMaxLength(100);
        b.Property(r => r.Error).HasMaxLength(1000);
        b.Property(r => r.Title).HasMaxLength(300);
        b.Property(r => r.Link).HasMaxLength(200);
        b.Property(r => r.Recipient).HasMaxLength(256);
        b.HasIndex(r => new { r.Status, r.DueAtUtc });
        // The notification bell: a user's unread in-app notifications.
        b.HasIndex(r => new { r.UserId, r.Channel, r.ReadAt });
        // One delivery per source, moment and channel: a second dispatcher cannot create a twin.
        b.HasIndex(r => new { r.UserId, r.Kind, r.SourceId, r.DueAtUtc, r.Channel }).IsUnique();
    }
}
