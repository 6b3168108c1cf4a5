using Microsoft.EntityFrameworkCore;
using Prospector.Data;
using Prospector.Tests.Infrastructure;

namespace Prospector.Tests.Http;

/// <summary>
/// Builds a recorded history straight in the database (the API cannot back-date): contacts with their stage and status
/// events at given instants, deals closed at given instants. Every contact carries one source so a test's figures are its own.
/// </summary>
internal sealed class ReportHistory(ProspectorFactory app, string source)
{
    public string Source { get; } = source;

    public static DateTime Utc(string s) => DateTime.SpecifyKind(DateTime.Parse(s, System.Globalization.CultureInfo.InvariantCulture,
        System.Globalization.DateTimeStyles.AdjustToUniversal | System.Globalization.DateTimeStyles.AssumeUniversal), DateTimeKind.Utc);

    /// <summary>A contact whose stage changes are (instant, stage) in order; the first is its creation.</summary>
    public Task<long> ContactAsync(TestUser owner, params (string At, Stage Stage)[] moves) => ContactAsync(owner, null, moves);

    public async Task<long> ContactAsync(TestUser owner, (string At, string Reason)? disqualified, params (string At, Stage Stage)[] moves) =>
        await app.WithDbAsync(async (db, _) =>
        {
            var c = new Contact
            {
                LastName = "Report " + Guid.NewGuid().ToString("N")[..6], LeadSourceId = await TestSources.IdAsync(db, Source), OwnerId = owner.Id, TeamId = owner.TeamId,
                Stage = moves[^1].Stage, LeadStatus = disqualified is null ? LeadStatus.Working : LeadStatus.Unqualified,
                UnqualifiedReason = disqualified?.Reason,
            };
            db.Contacts.Add(c);
            await db.SaveChangesAsync();
            Stage? from = null;
            foreach (var (at, stage) in moves)
            {
                db.LifecycleEvents.Add(new LifecycleEvent { ContactId = c.Id, Kind = LifecycleEventKind.StageChanged, FromStage = from, ToStage = stage, At = Utc(at) });
                from = stage;
            }
            if (disqualified is { } d)
                db.LifecycleEvents.Add(new LifecycleEvent
                {
                    ContactId = c.Id, Kind = LifecycleEventKind.StatusChanged, FromStatus = LeadStatus.Working, ToStatus = LeadStatus.Unqualified,
                    Reason = d.Reason, At = Utc(d.At),
                });
            await db.SaveChangesAsync();
            return c.Id;
        });

    public async Task<long> DealAsync(TestUser owner, long? contactId, OpportunityState state, decimal amount, string currency = "EUR",
        string? closedAt = null, string? reason = null, string? createdAt = null, string? expectedClose = null, int probability = 50) =>
        await app.WithDbAsync(async (db, _) =>
        {
            var pipeline = await db.Pipelines.OrderByDescending(p => p.IsDefault).ThenBy(p => p.Id).FirstAsync();
            var step = await db.PipelineSteps.Where(s => s.PipelineId == pipeline.Id).OrderBy(s => s.SortOrder).FirstAsync();
            var o = new Opportunity
            {
                Title = "Deal " + Source, ContactId = contactId, PipelineId = pipeline.Id, StepId = step.Id, Amount = amount, Currency = currency,
                Probability = probability, State = state, CloseReason = reason, ClosedAt = closedAt is null ? null : Utc(closedAt),
                ExpectedCloseDate = expectedClose is null ? null : DateOnly.Parse(expectedClose, System.Globalization.CultureInfo.InvariantCulture),
                OwnerId = owner.Id, TeamId = owner.TeamId,
            };
            db.Opportunities.Add(o);
            await db.SaveChangesAsync();
            if (createdAt is not null)
            {
                o.CreatedAt = Utc(createdAt);
                await db.SaveChangesAsync();
            }
            return o.Id;
        });
}
