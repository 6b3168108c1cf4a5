using System.Globalization;
using Prospector.Data;
using Prospector.Features.Audit;

namespace Prospector.Features.Operations;

/// <summary>The daily backup inside the server: <c>Backup:Directory</c> turns it on, <c>Backup:Keep</c> backups are kept (default 7).</summary>
public sealed class BackupOptions
{
    public string? Directory { get; set; }
    public int Keep { get; set; } = 7;
}

/// <summary>
/// Writes one backup a day (UTC) into <see cref="BackupOptions.Directory"/> with <see cref="Backups.BackupAsync"/> and keeps
/// the newest <see cref="BackupOptions.Keep"/> of its own files (<c>prospector-YYYYMMDD-HHMMSS-mmm.db</c> / <c>.dump</c>); other
/// files in the folder are left alone. Claimed through the audit trail (<see cref="RunClaims"/>), so with several instances
/// one of them writes the day's backup; the entry names the file, or the error.
/// </summary>
public sealed class ScheduledBackups(ProspectorDb db, SecurityLog log, IConfiguration config, Microsoft.Extensions.Options.IOptions<BackupOptions> options,
    TimeProvider time, ILogger<ScheduledBackups> logger)
{
    public const string Job = "ScheduledBackup";
    public const string Prefix = "prospector-";

    public bool Enabled => !string.IsNullOrWhiteSpace(options.Value.Directory);

    /// <summary>The day's backup, unless one was written today already (here or on another instance); the file written, or null.</summary>
    public async Task<string?> RunAsync(CancellationToken ct)
    {
        if (!Enabled) return null;
        var o = options.Value;
        var now = time.GetUtcNow().UtcDateTime;
        var entry = log.Entry(AuditAction.BackedUp, Job, 0, userName: "Scheduled (server)");
        if (await RunClaims.ClaimAsync(db, entry, now, now.Date, ct) is not { } id) return null;
        var dir = Path.GetFullPath(o.Directory!);
        try
        {
            var (file, removed) = await WriteIntoAsync(config, dir, o.Keep, now, ct);
            await RunClaims.CompleteAsync(db, id, ok: true, [new("File", null, file), new("Removed", null, removed.Count == 0 ? null : string.Join(", ", removed))], ct);
            logger.LogInformation("Scheduled backup written to {File}; {Removed} old backup(s) removed.", file, removed.Count);
            return file;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or System.Data.Common.DbException)
        {
            logger.LogError(e, "The scheduled backup into {Directory} failed.", dir);
            await RunClaims.CompleteAsync(db, id, ok: false, [new("Directory", null, dir), new("Error", null, e.Message)], CancellationToken.None);
            return null;
        }
    }

    /// <summary>A backup named by its time into <paramref name="dir"/> (created if need be), then the rotation; the file and the names removed.</summary>
    public static async Task<(string File, List<string> Removed)> WriteIntoAsync(IConfiguration config, string dir, int keep, DateTime now, CancellationToken ct)
    {
        var ext = Hosting.DatabaseSetup.Provider(config) == Hosting.DatabaseProvider.Postgres ? ".dump" : ".db";
        var file = Path.Combine(dir, $"{Prefix}{now.ToString("yyyyMMdd-HHmmss-fff", CultureInfo.InvariantCulture)}{ext}");
        Directory.CreateDirectory(dir);
        await Backups.BackupAsync(config, file, force: false, ct);
        return (file, Rotate(dir, Math.Max(1, keep)));
    }

    /// <summary>Removes the oldest of the scheduler's own backups beyond <paramref name="keep"/>; the names removed.</summary>
    public static List<string> Rotate(string dir, int keep)
    {
        var ours = Directory.EnumerateFiles(dir, Prefix + "*")
            .Where(f => Path.GetExtension(f) is ".db" or ".dump" && !f.EndsWith(".partial", StringComparison.Ordinal))
            .OrderByDescending(f => Path.GetFileName(f), StringComparer.Ordinal).ToList();
        var removed = new List<string>();
        foreach (var old in ours.Skip(keep))
        {
            File.Delete(old);
            removed.Add(Path.GetFileName(old));
        }
        return removed;
    }
}

/// <summary>
/// The server's daily operations: the retention run and, when configured, the backup. Checks hourly (the first time ten
/// minutes after start); each job runs once a day across instances. Each check also refreshes SQLite's planner statistics
/// (<see cref="Hosting.PlannerStatistics"/>).
/// </summary>
public sealed class OperationsScheduler(IServiceScopeFactory scopes, TimeProvider time, ILogger<OperationsScheduler> log) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await Task.Delay(TimeSpan.FromMinutes(10), time, stoppingToken);
            using var timer = new PeriodicTimer(TimeSpan.FromHours(1), time);
            do
            {
                await RunOnceAsync(stoppingToken);
            }
            while (await timer.WaitForNextTickAsync(stoppingToken));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>One check: each job that has not run today runs now.</summary>
    public async Task RunOnceAsync(CancellationToken ct)
    {
        try
        {
            await using (var scope = scopes.CreateAsyncScope())
            {
                var run = await scope.ServiceProvider.GetRequiredService<RetentionService>()
                    .RunAsync(new Access.AccessScope(0, Roles.Admin, [], [], SeesAll: true), "schedule", scheduled: true, ct);
                if (run.Value is { Ran: true } r)
                    log.LogInformation("Retention run: {Disqualified} disqualified contact(s) erased, {Total} record(s) purged from the recycle bin.",
                        r.DisqualifiedContacts, r.Contacts + r.Companies + r.Deals + r.Conversations + r.NextActions);
            }
        }
        catch (Exception e) when (e is Microsoft.EntityFrameworkCore.DbUpdateException or InvalidOperationException or System.Data.Common.DbException)
        {
            log.LogWarning(e, "The retention run failed; trying again in an hour.");
        }
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            await scope.ServiceProvider.GetRequiredService<ScheduledBackups>().RunAsync(ct);
        }
        catch (Exception e) when (e is Microsoft.EntityFrameworkCore.DbUpdateException or InvalidOperationException or System.Data.Common.DbException)
        {
            log.LogWarning(e, "The scheduled backup could not be claimed; trying again in an hour.");
        }
        await using (var scope = scopes.CreateAsyncScope())
            await Hosting.PlannerStatistics.RefreshAsync(scope.ServiceProvider.GetRequiredService<ProspectorDb>(), ct);
    }
}
