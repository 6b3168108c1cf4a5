using System.CommandLine;
using Prospector.Features.Operations;
using Prospector.Hosting;

namespace Prospector.Cli;

/// <summary><c>prospector backup</c> and <c>prospector restore</c>: a consistent copy while the server runs, and its way back.</summary>
public static partial class ProspectorCli
{
    private static readonly Option<bool> Force = new("--force") { Description = "Replace what is there (a restored-over SQLite database is kept beside it)" };

    private static Command BackupCommand()
    {
        var output = new Option<string>("--output", "-o") { Description = "The backup file to write" };
        var directory = new Option<string>("--directory") { Description = "Write a backup named by its time into this folder and keep the newest --keep of them (for cron)" };
        var keep = new Option<int>("--keep") { Description = "With --directory: how many backups to keep (default 7)", DefaultValueFactory = _ => 7 };
        var cmd = new Command("backup", "Write a consistent backup of the database, also while the server runs (SQLite: VACUUM INTO; PostgreSQL: pg_dump).")
        {
            output, Force, directory, keep,
        };
        cmd.SetAction(async (parse, ct) => await Guarded(async () =>
        {
            if ((parse.GetValue(output) is null) == (parse.GetValue(directory) is null))
                throw new StartupException("Give either --output FILE or --directory DIR.");
            if (parse.GetValue(keep) < 1) throw new StartupException("--keep must be 1 or more.");
            await using var app = ProspectorHost.Build(HostArgs(parse));
            if (parse.GetValue(directory) is { } dir)
            {
                var (file, removed) = await ScheduledBackups.WriteIntoAsync(app.Configuration, Path.GetFullPath(dir), parse.GetValue(keep),
                    app.Services.GetRequiredService<TimeProvider>().GetUtcNow().UtcDateTime, ct);
                Console.WriteLine($"Backed up to {file}." + (removed.Count > 0 ? $" Removed the older {string.Join(", ", removed)}." : ""));
                await RecordBackupAsync(app, file, ct);
                return 0;
            }
            var target = Path.GetFullPath(parse.GetValue(output)!);
            Console.WriteLine(await Backups.BackupAsync(app.Configuration, target, parse.GetValue(Force), ct));
            await RecordBackupAsync(app, target, ct);
            return 0;
        }));
        return cmd;
    }

    /// <summary>The backup in the audit trail (who, when, which file). A database too old to take the entry only gets a warning.</summary>
    private static async Task RecordBackupAsync(WebApplication app, string target, CancellationToken ct)
    {
        try
        {
            await using var scope = app.Services.CreateAsyncScope();
            await scope.ServiceProvider.GetRequiredService<Prospector.Features.Audit.SecurityLog>().RecordAsync(Prospector.Data.AuditAction.BackedUp,
                "Database", 0, details: [new Prospector.Data.FieldChange("File", null, target)], ct: ct);
        }
        catch (Exception e) when (e is System.Data.Common.DbException or InvalidOperationException or Microsoft.EntityFrameworkCore.DbUpdateException)
        {
            await Console.Error.WriteLineAsync($"warning: the backup was written but could not be recorded in the audit trail: {e.Message}");
        }
    }

    private static Command RestoreCommand()
    {
        var file = new Argument<string>("FILE") { Description = "A backup made by `prospector backup`" };
        var cmd = new Command("restore", "Restore a backup into the data directory (or the configured PostgreSQL database). Stop the server first.")
        {
            file, Force,
        };
        cmd.SetAction(async (parse, ct) => await Guarded(async () =>
        {
            await using var app = ProspectorHost.Build(HostArgs(parse));
            Console.WriteLine(await Backups.RestoreAsync(app.Configuration, parse.GetValue(file)!, parse.GetValue(Force), app.Services.GetRequiredService<TimeProvider>(), ct));
            return 0;
        }));
        return cmd;
    }
}
