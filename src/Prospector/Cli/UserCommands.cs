using System.CommandLine;
using Microsoft.EntityFrameworkCore;
using Prospector.Data;
using Prospector.Features.Access;
using Prospector.Features.Common;
using Prospector.Features.Settings;
using Prospector.Hosting;

namespace Prospector.Cli;

/// <summary><c>prospector user set</c> and <c>prospector user reassign</c>: team administration from the shell, as the admin.</summary>
public static partial class ProspectorCli
{
    /// <summary>The command line acts as an admin: it runs on the server's own machine with its configuration.</summary>
    /// <summary>The command line acts as an admin who sees everything (whoever runs it has the data directory anyway).</summary>
    private static readonly AccessScope Operator = new(0, Roles.Admin, [], [], SeesAll: true);

    private static Command UserSetCommand()
    {
        var email = new Argument<string>("EMAIL") { Description = "The user to change" };
        var role = new Option<string?>("--role") { Description = "admin, manager or rep" };
        role.AcceptOnlyFromAmong("admin", "manager", "rep");
        var teams = new Option<string[]>("--team")
        {
            Description = "The user's teams, all of them (repeat --team for several; --team \"\" for none); left out: unchanged",
            AllowMultipleArgumentsPerToken = false,
        };
        var cmd = new Command("set", "Change a user's role and/or teams; it counts from their next request.") { email, role, teams };
        cmd.SetAction(async (parse, ct) => await Guarded(async () =>
        {
            await using var sp = await OpenAsync(parse, ct);
            var db = sp.ServiceProvider.GetRequiredService<ProspectorDb>();
            var user = await UserByEmailAsync(db, parse.GetValue(email)!, ct);
            List<long>? teamIds = null;
            if (parse.GetResult(teams) is not null)
            {
                var names = (parse.GetValue(teams) ?? []).Select(n => n.Trim()).Where(n => n.Length > 0).Distinct().ToList();
                var found = await db.Teams.Where(t => names.Contains(t.Name)).ToListAsync(ct);
                if (names.FirstOrDefault(n => found.All(t => t.Name != n)) is { } unknown)
                    throw new StartupException($"There is no team {unknown}. Teams: {string.Join(", ", await db.Teams.OrderBy(t => t.Name).Select(t => t.Name).ToListAsync(ct))}.");
                teamIds = found.Select(t => t.Id).ToList();
            }
            if (parse.GetValue(role) is null && teamIds is null) throw new StartupException("Say what to change: --role and/or --team.");
            var changed = await sp.ServiceProvider.GetRequiredService<TeamAdmin>().SetUserAsync(user.Id, new UserChange(parse.GetValue(role), teamIds), ct);
            var dto = OrFail(changed);
            Console.WriteLine($"{dto.Email}: {dto.Role}, teams: {(dto.Teams.Count == 0 ? "none" : string.Join(", ", dto.Teams))}.");
            return 0;
        }));
        return cmd;
    }

    private static Command UserReassignCommand()
    {
        var from = new Argument<string>("FROM") { Description = "E-mail of the user whose open records move (e.g. someone leaving)" };
        var to = new Argument<string>("TO") { Description = "E-mail of the user who receives them" };
        var cmd = new Command("reassign",
            "Give all open records of FROM to TO in one step: contacts, companies, open deals, open list rows and open next actions.") { from, to };
        cmd.SetAction(async (parse, ct) => await Guarded(async () =>
        {
            await using var sp = await OpenAsync(parse, ct);
            var db = sp.ServiceProvider.GetRequiredService<ProspectorDb>();
            var giver = await UserByEmailAsync(db, parse.GetValue(from)!, ct);
            var receiver = await UserByEmailAsync(db, parse.GetValue(to)!, ct);
            var moved = OrFail(await sp.ServiceProvider.GetRequiredService<BookHandOver>().ReassignAsync(giver.Id, receiver.Id, Operator, ct));
            Console.WriteLine($"Moved to {receiver.Email}: {moved.Contacts} contacts, {moved.Companies} companies, {moved.Deals} open deals, "
                + $"{moved.Lists} prospecting lists, {moved.ListRows} list rows, {moved.NextActions} next actions.");
            return 0;
        }));
        return cmd;
    }

    private static async Task<User> UserByEmailAsync(ProspectorDb db, string email, CancellationToken ct)
    {
        var key = Prospector.Features.Auth.Identities.Key(email);
        return await db.Users.FirstOrDefaultAsync(u => u.NormalizedEmail == key, ct) ?? throw new StartupException($"There is no user {email}.");
    }

    /// <summary>The value, or the outcome's problem as the one line the operator reads.</summary>
    private static T OrFail<T>(Outcome<T> o) =>
        o.IsOk ? o.Value! : throw new StartupException(o.Errors.Count > 0 ? string.Join(" ", o.Errors.SelectMany(e => e.Value)) : o.Detail ?? o.Title ?? "Refused.");
}
