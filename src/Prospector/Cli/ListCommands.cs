using System.CommandLine;
using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Prospector.Data;
using Prospector.Features.Access;
using Prospector.Features.Common;
using Prospector.Features.Lists;
using Prospector.Hosting;
using Spectre.Console;

namespace Prospector.Cli;

/// <summary>`prospector import` and `prospector export`: the list engine from a terminal.</summary>
public static partial class ProspectorCli
{
    private static Command ImportCommand()
    {
        var file = new Argument<FileInfo>("FILE") { Description = "CSV, TSV or XLSX file" };
        var list = new Option<string>("--list") { Description = "List to import into (created if it does not exist)", Required = true };
        var sheet = new Option<string?>("--sheet") { Description = "Sheet of an Excel workbook (default: the first)" };
        var country = new Option<string?>("--country") { Description = "Default country for phone numbers, e.g. DE or NL" };
        var owner = new Option<string?>("--owner") { Description = "E-mail of the user who owns the list (default: no owner, visible to all)" };
        var map = new Option<string[]>("--map") { Description = "Column=field, to correct the guessed mapping (repeatable)", AllowMultipleArgumentsPerToken = false };
        var dryRun = new Option<bool>("--dry-run") { Description = "Read, check and count everything, save nothing" };
        var source = new Option<string?>("--source") { Description = "Lead source (key or id, e.g. bought-list) the list's contacts get" };
        var cmd = new Command("import", "Import a CSV/TSV/XLSX file as a prospecting list.") { file, list, sheet, country, owner, map, dryRun, source };
        cmd.SetAction(async (parse, ct) => await Guarded(async () =>
        {
            await using var sp = await OpenAsync(parse, ct);
            var db = sp.ServiceProvider.GetRequiredService<ProspectorDb>();
            var ownerId = await UserIdAsync(db, parse.GetValue(owner), ct);
            var path = parse.GetValue(file)!;
            if (!path.Exists) throw new StartupException($"There is no file {path.FullName}.");
            var request = new ImportRequest(path.FullName, path.Name, parse.GetValue(list)!, parse.GetValue(sheet), parse.GetValue(country), ownerId,
                MapPairs: parse.GetValue(map) ?? [], DryRun: parse.GetValue(dryRun), Source: parse.GetValue(source));
            var scope = new AccessScope(ownerId ?? 0, Roles.Admin, [], [], SeesAll: true);
            var engine = sp.ServiceProvider.GetRequiredService<ImportEngine>();
            var run = await RunWithProgressAsync((progress, c) => engine.RunAsync(request, scope, progress, c), ct);
            if (run.Value is not { } s) throw new StartupException(string.Join(" ", run.Errors.SelectMany(e => e.Value)));
            var n = (int x) => x.ToString("N0", CultureInfo.InvariantCulture);
            Console.WriteLine($"{(s.DryRun ? "Dry run: would import" : "Imported")} {n(s.RowsImported)} of {n(s.RowsRead)} rows into list '{s.ListName}'" +
                $"{(s.DryRun ? "" : $" (list {s.ListId}, import {s.ImportId})")}: {n(s.RowsInvalid)} with invalid values, {n(s.RowsDuplicate)} duplicates, " +
                $"{n(s.RowsEmpty)} empty rows skipped. [{s.Format}]");
            return 0;
        }));
        return cmd;
    }

    /// <summary>A progress bar on a terminal; plain lines (every 100,000 rows) when the output is redirected.</summary>
    private static async Task<Outcome<ImportSummary>> RunWithProgressAsync(Func<IProgress<ImportProgress>, CancellationToken, Task<Outcome<ImportSummary>>> run, CancellationToken ct)
    {
        if (Console.IsOutputRedirected)
        {
            var next = 100_000;
            return await run(new SyncProgress(p =>
            {
                if (p.RowsRead < next) return;
                Console.WriteLine($"{p.RowsRead.ToString("N0", CultureInfo.InvariantCulture)} rows read");
                next += 100_000;
            }), ct);
        }
        Outcome<ImportSummary>? summary = null;
        await AnsiConsole.Progress().AutoClear(true).Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn())
            .StartAsync(async ctx =>
            {
                var task = ctx.AddTask("Importing", maxValue: 1000);
                summary = await run(new SyncProgress(p =>
                {
                    if (p.Fraction is { } f) task.Value = f * 1000;
                    else task.IsIndeterminate = true;
                    task.Description = $"Importing ({p.RowsRead.ToString("N0", CultureInfo.InvariantCulture)} rows)";
                }), ct);
                task.Value = 1000;
            });
        return summary!;
    }

    /// <summary>Reports on the importing thread (Progress&lt;T&gt; would post to the thread pool and lag behind).</summary>
    private sealed class SyncProgress(Action<ImportProgress> report) : IProgress<ImportProgress>
    {
        public void Report(ImportProgress value) => report(value);
    }

    private static Command ExportCommand()
    {
        var format = new Option<string>("--format") { Description = "csv or xlsx", DefaultValueFactory = _ => "csv" };
        format.AcceptOnlyFromAmong("csv", "xlsx");
        var output = new Option<FileInfo>("-o", "--output") { Description = "File to write", Required = true };
        var delimiter = new Option<string>("--delimiter")
        {
            Description = "CSV between cells: comma or semicolon (default: what Excel expects in this system's culture, semicolon for de/nl)",
            DefaultValueFactory = _ => Exporter.DelimiterFor(CultureInfo.CurrentCulture) == ';' ? "semicolon" : "comma",
        };
        delimiter.AcceptOnlyFromAmong("comma", "semicolon", ",", ";");
        var contacts = new Command("contacts", "Export all contacts.") { format, output, delimiter };
        contacts.SetAction(async (parse, ct) => await Guarded(async () =>
        {
            await using var sp = await OpenAsync(parse, ct);
            var db = sp.ServiceProvider.GetRequiredService<ProspectorDb>();
            var n = await WriteFileAsync(parse.GetValue(output)!, parse.GetValue(format)!, parse.GetValue(delimiter)!, Exporter.ContactHeader,
                Exporter.ContactRows(db.Contacts), ct);
            Console.WriteLine($"Exported {n.ToString("N0", CultureInfo.InvariantCulture)} contacts to {parse.GetValue(output)!.FullName}.");
            return 0;
        }));
        var name = new Argument<string>("NAME") { Description = "Name of the list" };
        var listCmd = new Command("list", "Export a prospecting list: every original column, plus each row's state.") { name, format, output, delimiter };
        listCmd.SetAction(async (parse, ct) => await Guarded(async () =>
        {
            await using var sp = await OpenAsync(parse, ct);
            var db = sp.ServiceProvider.GetRequiredService<ProspectorDb>();
            var listName = parse.GetValue(name)!;
            var list = await db.ProspectingLists.FirstOrDefaultAsync(l => l.Name == listName, ct)
                ?? throw new StartupException($"There is no list '{listName}'.");
            var (header, rows) = Exporter.ListTable(db, list);
            var n = await WriteFileAsync(parse.GetValue(output)!, parse.GetValue(format)!, parse.GetValue(delimiter)!, header, rows, ct);
            Console.WriteLine($"Exported {n.ToString("N0", CultureInfo.InvariantCulture)} rows of '{list.Name}' to {parse.GetValue(output)!.FullName}.");
            return 0;
        }));
        return new Command("export", "Export contacts or a list to CSV or XLSX.") { contacts, listCmd };
    }

    /// <summary>Writes next to the target and renames at the end: a failed export leaves no half-written file.</summary>
    private static async Task<int> WriteFileAsync(FileInfo target, string format, string delimiter, IReadOnlyList<string> header,
        IAsyncEnumerable<string?[]> rows, CancellationToken ct)
    {
        var count = 0;
        async IAsyncEnumerable<string?[]> Counted()
        {
            await foreach (var r in rows.WithCancellation(ct)) { count++; yield return r; }
        }
        var temp = target.FullName + ".partial";
        try
        {
            await using (var f = File.Create(temp))
                await Exporter.WriteAsync(f, Exporter.ParseFormat(format)!.Value, header, Counted(), ct, Exporter.ParseDelimiter(delimiter)!.Value);
            File.Move(temp, target.FullName, overwrite: true);
        }
        finally
        {
            if (File.Exists(temp)) File.Delete(temp);
        }
        return count;
    }

    private static async Task<long?> UserIdAsync(ProspectorDb db, string? email, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(email)) return null;
        var normalized = Prospector.Features.Auth.Identities.Key(email);
        return await db.Users.Where(u => u.NormalizedEmail == normalized).Select(u => (long?)u.Id).FirstOrDefaultAsync(ct)
            ?? throw new StartupException($"There is no user {email}.");
    }
}
