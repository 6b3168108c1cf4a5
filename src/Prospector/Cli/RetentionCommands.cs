using System.CommandLine;
using System.Globalization;
using Prospector.Features.Operations;
using Prospector.Hosting;

namespace Prospector.Cli;

/// <summary>
/// <c>prospector retention preview</c> and <c>prospector retention run --yes</c>: the workspace's retention period from the
/// command line (the server also applies it once a day). The run is recorded in the audit trail.
/// </summary>
public static partial class ProspectorCli
{
    private static Command RetentionCommand()
    {
        var preview = new Command("preview", "List what a retention run would purge now (counts, then the records).");
        preview.SetAction(async (parse, ct) => await Guarded(async () =>
        {
            await using var sp = await OpenAsync(parse, ct);
            var p = (await sp.ServiceProvider.GetRequiredService<RetentionService>().PreviewAsync(Operator, ct)).Value!;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"Retention period: {p.RetentionDays} days (everything before {p.Cutoff:yyyy-MM-dd HH:mm} UTC)."));
            Console.WriteLine(Counts(p.DisqualifiedContacts, p.Contacts, p.Companies, p.Deals, p.Conversations, p.NextActions));
            foreach (var i in p.Items)
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{i.Kind,-12} {i.Id,8}  {i.Since:yyyy-MM-dd}  {i.Reason}  {i.Name}"));
            return 0;
        }));
        var yes = new Option<bool>("--yes") { Description = "Confirm: purged records cannot be brought back" };
        var run = new Command("run", "Purge now what the preview lists; recorded in the audit trail.") { yes };
        run.SetAction(async (parse, ct) => await Guarded(async () =>
        {
            if (!parse.GetValue(yes)) throw new StartupException("Purged records cannot be brought back; look at `prospector retention preview`, then add --yes.");
            await using var sp = await OpenAsync(parse, ct);
            var done = await sp.ServiceProvider.GetRequiredService<RetentionService>().RunAsync(Operator, "cli", ct: ct);
            if (done.Value is not { } r) throw new StartupException($"{done.Title} {done.Detail}".Trim());
            Console.WriteLine("Purged. " + Counts(r.DisqualifiedContacts, r.Contacts, r.Companies, r.Deals, r.Conversations, r.NextActions));
            return 0;
        }));
        return new Command("retention", "Apply the workspace's retention period (the server does it daily).") { preview, run };
    }

    private static string Counts(int disqualified, int contacts, int companies, int deals, int conversations, int actions) =>
        $"Disqualified contacts to erase: {disqualified}; from the recycle bin: {contacts} contact(s), {companies} compan(y/ies), " +
        $"{deals} deal(s), {conversations} conversation(s), {actions} next action(s).";
}
