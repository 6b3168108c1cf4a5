using Microsoft.EntityFrameworkCore;
using Prospector.Data;
using Prospector.Features.Common;

namespace Prospector.Features.Qualification;

/// <summary>
/// Brings contacts back when their recontact date arrives (standby / kept for later → Working) and opportunities on standby back to Open. Runs at start-up and
/// hourly (the retention period is applied by the Operations feature's daily retention run). Idempotent, so several instances running them at once do no harm.
/// </summary>
public sealed class RecontactService(IServiceScopeFactory scopes, TimeProvider time, ILogger<RecontactService> log) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // Off the start-up path: the host starts the server only once each service's ExecuteAsync yields, and SQLite's
        // "async" calls complete synchronously, so the first run would otherwise delay /health/ready.
        await Task.Yield();
        using var timer = new PeriodicTimer(TimeSpan.FromHours(1), time);
        do
        {
            try
            {
                await RunOnceAsync(stoppingToken);
            }
            catch (Exception e) when (e is DbUpdateException or System.Data.Common.DbException or InvalidOperationException)
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
        await db.SaveChangesAsync(ct);
        if (back > 0) log.LogInformation("{Back} contact(s) back to Working.", back);
    }
}
