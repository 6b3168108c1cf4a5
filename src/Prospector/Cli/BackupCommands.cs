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
        var output = new Option<string>("--output", "-o") { Description = "The backup file to write", Required = true };
        var cmd = new Command("backup", "Write a consistent backup of the database, also while the server runs (SQLite: VACUUM INTO; PostgreSQL: pg_dump).")
        {
            output, Force,
        };
        cmd.SetAction(async (parse, ct) => await Guarded(async () =>
        {
            await using var app = ProspectorHost.Build(HostArgs(parse));
            Console.WriteLine(await Backups.BackupAsync(app.Configuration, parse.GetValue(output)!, parse.GetValue(Force), ct));
            return 0;
        }));
        return cmd;
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
