using System.CommandLine;
using Prospector.Features.Common;
using Prospector.Features.Privacy;
using Prospector.Hosting;

namespace Prospector.Cli;

/// <summary>
/// <c>prospector contact export-personal-data ID -o FILE</c> and <c>prospector contact erase ID --yes</c>: GDPR requests
/// from the command line. The operator acts as an admin who sees every record; both are recorded in the audit trail.
/// </summary>
public static partial class ProspectorCli
{
    private static Command ContactCommand()
    {
        var id = new Argument<long>("ID") { Description = "The contact's id (as in /contacts/ID)" };
        var output = new Option<string>("--output", "-o") { Description = "The ZIP file to write", Required = true };
        var force = new Option<bool>("--force") { Description = "Replace the file if it exists" };
        var export = new Command("export-personal-data", "Write everything stored about one person (GDPR Art. 15/20) to a ZIP of JSON and CSV.")
        {
            id, output, force,
        };
        export.SetAction(async (parse, ct) => await Guarded(async () =>
        {
            var target = Path.GetFullPath(parse.GetValue(output)!);
            if (File.Exists(target) && !parse.GetValue(force))
                throw new StartupException($"{target} already exists; choose another file or add --force to replace it.");
            await using var sp = await OpenAsync(parse, ct);
            var found = await sp.ServiceProvider.GetRequiredService<PersonalDataExport>().ExportAsync(Operator, parse.GetValue(id), ct);
            if (found.Value is not { } file) throw new StartupException(Problem(found, parse.GetValue(id)));
            await File.WriteAllBytesAsync(target, file.Content, ct);
            Console.WriteLine($"Wrote the personal data of contact {parse.GetValue(id)} to {target} ({file.Content.Length:N0} bytes).");
            return 0;
        }));

        var eraseId = new Argument<long>("ID") { Description = "The contact's id (as in /contacts/ID)" };
        var yes = new Option<bool>("--yes") { Description = "Confirm: the erasure cannot be undone" };
        var erase = new Command("erase", "Erase one person's data everywhere it is stored (GDPR Art. 17), leaving a tombstone reports still count.")
        {
            eraseId, yes,
        };
        erase.SetAction(async (parse, ct) => await Guarded(async () =>
        {
            if (!parse.GetValue(yes))
                throw new StartupException($"Erasing contact {parse.GetValue(eraseId)} cannot be undone; add --yes to confirm.");
            await using var sp = await OpenAsync(parse, ct);
            var done = await sp.ServiceProvider.GetRequiredService<Erasure>().EraseAsync(Operator, parse.GetValue(eraseId), ct);
            if (!done.IsOk) throw new StartupException(Problem(done, parse.GetValue(eraseId)));
            Console.WriteLine($"Erased the personal data of contact {parse.GetValue(eraseId)}; a tombstone without personal data remains.");
            return 0;
        }));
        return new Command("contact", "GDPR requests about one contact.") { export, erase };
    }

    private static string Problem<T>(Outcome<T> o, long id) =>
        o.Kind == OutcomeKind.NotFound ? $"There is no contact {id}." : $"{o.Title} {o.Detail}".Trim();
}
