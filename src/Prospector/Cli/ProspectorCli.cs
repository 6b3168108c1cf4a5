using System.CommandLine;
using Microsoft.EntityFrameworkCore;
using Prospector.Data;
using Prospector.Features.Auth;
using Prospector.Features.Demo;
using Prospector.Features.Lists;
using Prospector.Hosting;
using Spectre.Console;

namespace Prospector.Cli;

/// <summary>The `prospector` command line: the server and the administration verbs, on the same configuration.</summary>
public static partial class ProspectorCli
{
    private static readonly Option<string?> DataDir = new("--data-dir")
    {
        Description = "Directory of the SQLite database (default: ./data)",
        Recursive = true,
    };

    public static RootCommand Build()
    {
        var root = new RootCommand("Prospector — a self-hosted sales CRM built around prospecting.");
        root.Options.Add(DataDir);
        var serve = ServeCommand();
        root.Subcommands.Add(serve);
        // `prospector` alone means `prospector serve`; ASP.NET options such as --environment pass through.
        foreach (var o in serve.Options) root.Options.Add(o);
        root.TreatUnmatchedTokensAsErrors = false;
        root.Action = serve.Action;
        root.Subcommands.Add(MigrateCommand());
        root.Subcommands.Add(UserCommand());
        root.Subcommands.Add(TokenCommand());
        root.Subcommands.Add(ImportCommand());
        root.Subcommands.Add(ExportCommand());
        root.Subcommands.Add(ReportCommand());
        root.Subcommands.Add(BackupCommand());
        root.Subcommands.Add(RestoreCommand());
        root.Subcommands.Add(ContactCommand());
        root.Subcommands.Add(RetentionCommand());
        return root;
    }

    private static readonly Option<string?> Urls = new("--urls") { Description = "Addresses to listen on (default: http://localhost:5000)" };
    private static readonly Option<bool> Demo = new("--demo") { Description = "Fill a fresh database with demo data and print a demo login" };

    private static Command ServeCommand()
    {
        var cmd = new Command("serve", "Run the web server (UI and API). The default verb.") { Urls, Demo };
        cmd.TreatUnmatchedTokensAsErrors = false;
        cmd.SetAction(async (parse, ct) => await Guarded(async () =>
        {
            var app = ProspectorHost.Build(HostArgs(parse), b =>
            {
                var urls = parse.GetValue(Urls) ?? b.Configuration["urls"];
                b.WebHost.UseUrls(string.IsNullOrWhiteSpace(urls) ? "http://localhost:5000" : urls);
            });
            await app.StartAsync(ct);
            var baseUrl = PublicBaseUrl(app);
            await using (var scope = app.Services.CreateAsyncScope())
            {
                var sp = scope.ServiceProvider;
                if (parse.GetValue(Demo))
                    await DemoData.SeedAsync(sp, Console.Out, ct);
                if (await sp.GetRequiredService<UserAdmin>().CreateSetupTokenAsync() is { } setup)
                {
                    Console.WriteLine();
                    Console.WriteLine("No users yet. Open this one-time link to create the administrator:");
                    Console.WriteLine($"  {baseUrl}/setup/{setup}");
                    Console.WriteLine();
                }
            }
            Console.WriteLine($"Prospector is running at {baseUrl} (Ctrl+C to stop).");
            await app.WaitForShutdownAsync(ct);
            return 0;
        }));
        return cmd;
    }

    private static Command MigrateCommand()
    {
        var cmd = new Command("migrate", "Apply database migrations and exit.");
        cmd.SetAction(async (parse, ct) => await Guarded(async () =>
        {
            await using var app = ProspectorHost.Build(HostArgs(parse));
            await using var scope = app.Services.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<ProspectorDb>();
            var pending = (await db.Database.GetPendingMigrationsAsync(ct)).ToList();
            await DatabaseSetup.MigrateAsync(db, ct);
            Console.WriteLine(pending.Count == 0 ? "The database is up to date." : $"Applied {pending.Count} migration(s): {string.Join(", ", pending)}");
            return 0;
        }));
        return cmd;
    }

    private static Command UserCommand()
    {
        var email = new Argument<string>("EMAIL") { Description = "E-mail address, also the sign-in name" };
        var role = new Option<string>("--role") { Description = "admin, manager or rep", Required = true };
        role.AcceptOnlyFromAmong("admin", "manager", "rep");
        var name = new Option<string?>("--name") { Description = "Display name" };
        var team = new Option<string?>("--team") { Description = "Team to put the user in (created if missing)" };
        var add = new Command("add", "Create a user. The password is read from standard input when piped, asked for on a terminal, or generated and printed.")
            { email, role, name, team };
        add.SetAction(async (parse, ct) => await Guarded(async () =>
        {
            await using var sp = await OpenAsync(parse, ct);
            var (password, generated) = ReadPassword();
            var (user, errors) = await sp.ServiceProvider.GetRequiredService<UserAdmin>()
                .CreateAsync(parse.GetValue(email)!, password, parse.GetValue(role)!, parse.GetValue(name), parse.GetValue(team));
            if (user is null) throw new StartupException(string.Join(" ", errors));
            Console.WriteLine($"Created {parse.GetValue(role)} {user.Email}.");
            if (generated) Console.WriteLine($"Password: {password}");
            return 0;
        }));
        return new Command("user", "Manage users.") { add, UserSetCommand(), UserReassignCommand() };
    }

    private static Command TokenCommand()
    {
        var email = new Argument<string>("EMAIL") { Description = "The user the token acts as" };
        var name = new Option<string?>("--name") { Description = "What the token is for" };
        var create = new Command("create", "Create a personal API token and print it (use it as `Authorization: Bearer <token>`).") { email, name };
        create.SetAction(async (parse, ct) => await Guarded(async () =>
        {
            await using var sp = await OpenAsync(parse, ct);
            var db = sp.ServiceProvider.GetRequiredService<ProspectorDb>();
            var address = Prospector.Features.Auth.Identities.Key(parse.GetValue(email));
            var user = await db.Users.FirstOrDefaultAsync(u => u.NormalizedEmail == address, ct)
                ?? throw new StartupException($"There is no user {parse.GetValue(email)}.");
            var (_, secret) = await sp.ServiceProvider.GetRequiredService<UserAdmin>()
                .CreateTokenAsync(user.Id, parse.GetValue(name) ?? "CLI");
            Console.WriteLine(secret);
            return 0;
        }));
        return new Command("token", "Manage API tokens.") { create };
    }

    /// <summary>Builds the app (without serving) on a migrated database and opens a service scope.</summary>
    private static async Task<AsyncServiceScope> OpenAsync(ParseResult parse, CancellationToken ct)
    {
        var app = ProspectorHost.Build(HostArgs(parse));
        var scope = app.Services.CreateAsyncScope();
        await DatabaseSetup.MigrateAsync(scope.ServiceProvider.GetRequiredService<ProspectorDb>(), ct);
        await scope.ServiceProvider.GetRequiredService<UserAdmin>().EnsureRolesAsync();
        return scope;
    }

    private static (string Password, bool Generated) ReadPassword()
    {
        string? password;
        if (Console.IsInputRedirected)
            password = Console.In.ReadLine()?.TrimEnd('\r', '\n');
        else
            password = AnsiConsole.Prompt(new TextPrompt<string>("Password (empty to generate one):").Secret().AllowEmpty());
        return string.IsNullOrEmpty(password) ? (Secrets.New()[..20], true) : (password, false);
    }

    /// <summary>Configuration the ASP.NET way, plus our options turned into configuration keys.</summary>
    private static string[] HostArgs(ParseResult parse)
    {
        var args = new List<string>(parse.UnmatchedTokens);
        if (parse.GetValue(DataDir) is { Length: > 0 } dir) args.Add($"--DataDir={dir}");
        return [.. args];
    }

    private static string PublicBaseUrl(WebApplication app)
    {
        var url = app.Urls.FirstOrDefault() ?? "http://localhost:5000";
        return url.Replace("://0.0.0.0", "://localhost").Replace("://[::]", "://localhost").Replace("://+", "://localhost")
            .Replace("://*", "://localhost").TrimEnd('/');
    }

    /// <summary>Operator mistakes become one line on standard error and a non-zero exit code.</summary>
    private static async Task<int> Guarded(Func<Task<int>> action)
    {
        try
        {
            return await action();
        }
        catch (Exception e) when (Unwrap(e) is StartupException or ImportFileException or IOException or ArgumentException or Npgsql.NpgsqlException
                                   or Microsoft.Data.Sqlite.SqliteException)
        {
            await Console.Error.WriteLineAsync($"error: {Unwrap(e).Message}");
            return 1;
        }
        catch (OperationCanceledException)
        {
            return 130;
        }
    }

    private static Exception Unwrap(Exception e) => e is AggregateException { InnerException: { } i } ? Unwrap(i) : e;
}
