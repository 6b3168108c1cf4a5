using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.EntityFrameworkCore;
using Prospector.Data;
using Prospector.Features.Access;
using Prospector.Features.Common;
using Prospector.Features.Reports;
using Prospector.Hosting;
using Spectre.Console;

namespace Prospector.Cli;

/// <summary>`prospector report NAME`: the Reports page for scripts, as a table, CSV or the API's JSON.</summary>
public static partial class ProspectorCli
{
    private static readonly JsonSerializerOptions ReportJson = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        Converters = { new JsonStringEnumConverter() },
    };

    private static Command ReportCommand()
    {
        var name = new Argument<string>("NAME") { Description = "funnel, win-loss, forecast, stage-times, activity, lists or team" };
        name.AcceptOnlyFromAmong("funnel", "win-loss", "forecast", "stage-times", "activity", "lists", "team");
        var from = new Option<string?>("--from") { Description = "First day of the period, yyyy-MM-dd (default: 1 January this year)" };
        var to = new Option<string?>("--to") { Description = "Last day of the period, yyyy-MM-dd (default: today)" };
        var team = new Option<string?>("--team") { Description = "Team name or id" };
        var owner = new Option<string?>("--owner") { Description = "E-mail of the owner" };
        var source = new Option<string?>("--source") { Description = "Contact source, e.g. 'Messe Hannover'" };
        var list = new Option<string?>("--list") { Description = "Prospecting list name or id" };
        var country = new Option<string?>("--country") { Description = "Country code, e.g. DE" };
        var asUser = new Option<string?>("--as") { Description = "Count only what this user (e-mail) may see, in their time zone (default: everything, UTC)" };
        var format = new Option<string>("--format")
        {
            Description = "table, csv or json; xlsx (a workbook, one sheet per table), svg or png (the chart)",
            DefaultValueFactory = _ => "table",
        };
        format.AcceptOnlyFromAmong("table", "csv", "json", "xlsx", "svg", "png");
        var output = new Option<string?>("--output", "-o") { Description = "Write to this file instead of the standard output (needed for xlsx and png on a terminal)" };
        var cmd = new Command("report", "Print a report: funnel, win-loss, forecast, stage-times, activity, lists or team.") { name, from, to, team, owner, source, list, country, asUser, format, output };
        cmd.SetAction(async (parse, ct) => await Guarded(async () =>
        {
            await using var sp = await OpenAsync(parse, ct);
            var db = sp.ServiceProvider.GetRequiredService<ProspectorDb>();
            var scope = AccessScope.Nobody;
            if (parse.GetValue(asUser) is { } email)
            {
                var userId = await UserIdAsync(db, email, ct);
                var user = await db.Users.FirstAsync(u => u.Id == userId, ct);
                var roles = await db.UserRoles.Where(r => r.UserId == user.Id).Join(db.Roles, ur => ur.RoleId, r => r.Id, (_, r) => r.Name!).ToListAsync(ct);
                var principal = new System.Security.Claims.ClaimsPrincipal(new System.Security.Claims.ClaimsIdentity(
                    roles.Select(r => new System.Security.Claims.Claim(System.Security.Claims.ClaimTypes.Role, r))
                        .Append(new System.Security.Claims.Claim(System.Security.Claims.ClaimTypes.NameIdentifier, user.Id.ToString(CultureInfo.InvariantCulture))), "cli"));
                scope = await sp.ServiceProvider.GetRequiredService<RecordAccess>().ScopeAsync(principal, ct);
            }
            else scope = new AccessScope(0, Roles.Admin, [], [], SeesAll: true);

            var filter = new ReportFilter(Day(parse.GetValue(from), "--from"), Day(parse.GetValue(to), "--to"),
                await TeamIdAsync(db, parse.GetValue(team), ct), await UserIdAsync(db, parse.GetValue(owner), ct), parse.GetValue(source),
                await ListIdAsync(db, parse.GetValue(list), ct), parse.GetValue(country));
            if (parse.GetValue(format) is "xlsx" or "svg" or "png")
                return await WriteReportFileAsync(sp.ServiceProvider.GetRequiredService<ReportExporter>(), parse.GetValue(name)!, filter, scope,
                    parse.GetValue(format)!, parse.GetValue(output), ct);
            var reports = sp.ServiceProvider.GetRequiredService<ReportService>();
            var c = CultureInfo.InvariantCulture;
            string English(string s) => s;
            string StageName(Stage s) => s.ToString();
            var (value, tables) = parse.GetValue(name) switch
            {
                "win-loss" => ReportOf(await reports.WinLossAsync(filter, scope, ct), r => ReportTables.WinLoss(r, English, c)),
                "forecast" => ReportOf(await reports.ForecastAsync(filter, scope, ct), r => ReportTables.Forecast(r, English, c)),
                "stage-times" => ReportOf(await reports.StageTimesAsync(filter, scope, ct), r => ReportTables.StageTimes(r, English, StageName, c)),
                "activity" => ReportOf(await reports.ActivityAsync(filter, scope, ct), r => ReportTables.Activity(r, English, StageName, ch => ch.ToString(), c)),
                "lists" => ReportOf(await reports.ListsAsync(filter, scope, ct), r => ReportTables.Lists(r, English, c)),
                "team" => ReportOf(await reports.TeamAsync(filter, scope, ct), r => TeamTables.Tables(r, English, c)),
                _ => ReportOf(await reports.FunnelAsync(filter, scope, ct), r => ReportTables.Funnel(r, English, StageName, c)),
            };
            switch (parse.GetValue(format))
            {
                case "json":
                    Console.WriteLine(JsonSerializer.Serialize(value, value.GetType(), ReportJson));
                    break;
                case "csv":
                    // The API's CSV in English (without its byte-order mark): one table after the other, each headed by a line naming it.
                    CultureInfo.CurrentUICulture = CultureInfo.InvariantCulture;
                    var export = await sp.ServiceProvider.GetRequiredService<ReportExporter>().BuildAsync(parse.GetValue(name)!, filter, scope, ct);
                    Console.Write(ReportCsv.Write(export.Value!, c));
                    break;
                default:
                    foreach (var t in tables)
                    {
                        var table = new Table { Title = new TableTitle(Markup.Escape(t.Name)) };
                        if (t.Note is { } note) table.Caption = new TableTitle(Markup.Escape(note));
                        foreach (var h in t.Header) table.AddColumn(Markup.Escape(h));
                        foreach (var row in t.Rows) table.AddRow(row.Select(Markup.Escape).ToArray());
                        AnsiConsole.Write(table);
                    }
                    break;
            }
            return 0;
        }));
        return cmd;
    }

    /// <summary>
    /// The report as a workbook or its chart as an image, to --output or to a redirected standard output; never binary bytes
    /// onto a terminal.
    /// </summary>
    private static async Task<int> WriteReportFileAsync(ReportExporter exporter, string name, ReportFilter filter, AccessScope scope, string format,
        string? output, CancellationToken ct)
    {
        if (output is null && format != "svg" && !Console.IsOutputRedirected)
            throw new StartupException($"--format {format} writes a binary file: give --output FILE or redirect the output to a file.");
        var built = await exporter.BuildAsync(name, filter, scope, ct);
        if (built.Value is not { } r) throw new StartupException(string.Join(" ", built.Errors.SelectMany(e => e.Value).DefaultIfEmpty(built.Detail ?? built.Title ?? "")));
        var svg = format == "xlsx" ? "" : ReportSvg.Render(r.Chart);
        var bytes = format switch
        {
            "xlsx" => ReportXlsx.Write(r, s => s),
            "png" => ReportPng.Render(svg),
            _ => System.Text.Encoding.UTF8.GetBytes(svg),
        };
        if (output is null)
        {
            await using var stdout = Console.OpenStandardOutput();
            await stdout.WriteAsync(bytes, ct);
        }
        else
        {
            try { await File.WriteAllBytesAsync(output, bytes, ct); }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new StartupException($"Cannot write {output}: {e.Message}");
            }
            Console.Error.WriteLine($"Wrote {output} ({bytes.Length:N0} bytes).");
        }
        return 0;
    }

    private static (object Value, List<ReportTable> Tables) ReportOf<T>(Outcome<T> o, Func<T, List<ReportTable>> tables) where T : class =>
        o.Value is { } v ? (v, tables(v)) : throw new StartupException(string.Join(" ", o.Errors.SelectMany(e => e.Value)));

    private static DateOnly? Day(string? s, string option) =>
        s is null ? null
        : DateOnly.TryParseExact(s, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d) ? d
        : throw new StartupException($"{option} must be a day as yyyy-MM-dd, not '{s}'.");

    private static async Task<long?> TeamIdAsync(ProspectorDb db, string? team, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(team)) return null;
        var id = long.TryParse(team, out var n) ? n : (long?)null;
        return await db.Teams.Where(t => t.Name == team.Trim() || t.Id == id).Select(t => (long?)t.Id).FirstOrDefaultAsync(ct)
            ?? throw new StartupException($"There is no team {team}.");
    }

    private static async Task<long?> ListIdAsync(ProspectorDb db, string? list, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(list)) return null;
        var id = long.TryParse(list, out var n) ? n : (long?)null;
        return await db.ProspectingLists.Where(l => l.Name == list.Trim() || l.Id == id).Select(l => (long?)l.Id).FirstOrDefaultAsync(ct)
            ?? throw new StartupException($"There is no prospecting list {list}.");
    }
}
