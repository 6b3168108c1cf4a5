using Microsoft.EntityFrameworkCore;
using Prospector.Data;
using Prospector.Features.Common;

namespace Prospector.Features.Qualification;

/// <summary>
/// Brings contacts back when their recontact date arrives (standby / kept for later → Working) and opportunities on standby back to Open, and removes
/// disqualified contacts without consent once the workspace's retention period is over. Runs at start-up and hourly.
/// Both steps are idempotent, so several instances running them at once do no harm.
/// </summary>
public sealed class RecontactService(IServiceScopeFactory scopes, TimeProvider time, ILogger<RecontactService> log) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromHours(1), time);
        do
        {
            try
            {
                await RunOnceAsync(stoppingToken);
            }
            catch (Exception e) when (e is DbUpdateException or InvalidOperationException)
            {
                log.LogWarning(e, "Recontact run failed; trying again in an hour.");
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    public async Task RunOnceAsync(CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ProspectorDb>();
        var lifecycle = scope.ServiceProvider.GetRequiredService<Lifecycle>();
        var now = time.GetUtcNow().UtcDateTime;
        // "On its date" in the users' zones: the date where the day has begun furthest east among them (one zone in
        // most workspaces; with several, a western user's item comes back a few hours before their morning).
        var zones = await db.Users.Select(u => u.TimeZone).Distinct().ToListAsync(ct);
        var today = zones.Select(z => DateOnly.FromDateTime(UserTime.ToLocal(now, z))).DefaultIfEmpty(DateOnly.FromDateTime(now)).Max();
        var back = await lifecycle.ReturnDueAsync(today, ct)
            + await scope.ServiceProvider.GetRequiredService<Pipelines.Opportunities>().ReturnDueAsync(today, ct);
        var purged = await Retention.PurgeAsync(db, now, ct);
        await db.SaveChangesAsync(ct);
        if (back + purged > 0) log.LogInformation("{Back} contact(s) back to Working, {Purged} past retention moved to the recycle bin.", back, purged);
    }
}

/// <summary>Disqualified contacts without granted consent are kept only for the workspace's retention period.</summary>
public static class Retention
{
    public static async Task<int> PurgeAsync(ProspectorDb db, DateTime now, CancellationToken ct)
    {
        var days = await db.WorkspaceSettings.Select(s => s.RetentionDays).FirstAsync(ct);
        var cutoff = now.AddDays(-days);
        var expired = await db.Contacts
            .Where(c => c.LeadStatus == LeadStatus.Unqualified && c.RecontactOn == null
                && c.Stage != Stage.Customer && c.Stage != Stage.RepeatCustomer) // stages are stored as names: no < in SQL
            .Where(c => !db.ConsentRecords.Any(r => r.ContactId == c.Id && r.Status == ConsentStatus.Granted
                && !db.ConsentRecords.Any(w => w.ContactId == c.Id && w.Channel == r.Channel && w.GivenAt > r.GivenAt)))
            .Where(c => db.LifecycleEvents.Where(e => e.ContactId == c.Id && e.Kind == LifecycleEventKind.StatusChanged)
                .OrderByDescending(e => e.At).Select(e => (DateTime?)e.At).FirstOrDefault() < cutoff) // no event: never purged
            .Take(1000).ToListAsync(ct);
        foreach (var c in expired) c.DeletedAt = now;
        return expired.Count;
    }
}
