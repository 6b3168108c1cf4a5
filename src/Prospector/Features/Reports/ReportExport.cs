using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;
using Prospector.Data;
using Prospector.Features.Access;
using Prospector.Features.Common;

namespace Prospector.Features.Reports;

/// <summary>How a cell of an exported sheet is written: text, a whole number, days with one decimal, a share (0.25 = 25 %),
/// an amount (its currency in the row's <see cref="ExportColumn.CurrencyColumn"/>), a day, or a moment in the user's time zone.</summary>
public enum CellKind { Text, Count, Days, Share, Amount, Day, Moment }

/// <summary>A column of an exported sheet; an amount column names the column that holds each row's currency.</summary>
public sealed record ExportColumn(string Header, CellKind Kind, int? CurrencyColumn = null);

/// <summary>One table of a report with typed cells (string, int, double, decimal, DateOnly, DateTime or null).</summary>
public sealed record ExportSheet(string Name, IReadOnlyList<ExportColumn> Columns, IReadOnlyList<IReadOnlyList<object?>> Rows);

/// <summary>
/// A report ready to export: its title, what it covers (period, time zone, filters, when it was made), its tables and its chart.
/// </summary>
public sealed record ReportExport(string Name, string Title, DateOnly From, DateOnly To, string TimeZone, IReadOnlyList<(string Label, string Value)> Filters,
    DateTime CreatedLocal, IReadOnlyList<ExportSheet> Sheets, ChartSpec Chart)
{
    /// <summary>"funnel-2026-01-01-2026-03-31": the file name without its extension.</summary>
    public string FileStem => $"{Name}-{From:yyyy-MM-dd}-{To:yyyy-MM-dd}";
}

/// <summary>
/// Builds the export of a report (XLSX, CSV, chart SVG and PNG) in the current UI language: the Reports page links to the API's
/// export routes, the CLI calls this directly. Counts come from <see cref="ReportService"/>, so an export shows exactly the
/// figures of the JSON report for the same filter.
/// </summary>
public sealed class ReportExporter(ReportService reports, ProspectorDb db, TimeProvider time, IStringLocalizer<SharedResource> l)
{
    public static readonly string[] Names = ["funnel", "win-loss", "forecast", "stage-times", "activity", "lists", "team"];

    public async Task<Outcome<ReportExport>> BuildAsync(string name, ReportFilter filter, AccessScope scope, CancellationToken ct = default)
    {
        if (!Names.Contains(name))
            return Outcome<ReportExport>.NotFound(ReportNotFound, l["There is no report {0}. The reports are: {1}.", name, string.Join(", ", Names)]);
        var basis = await reports.BasisAsync(filter, scope, ct);
        if (basis.Value is not { } b) return Outcome<ReportExport>.Invalid(basis.Errors);
        var terms = Labels.TerminologyOf(db);
        var c = CultureInfo.CurrentCulture;
        string T(string s) => l[s];
        string StageName(Stage s) => Labels.Stage(l, s, terms);
        (string Title, List<ExportSheet> Sheets, ChartSpec Chart) built;
        switch (name)
        {
            case "win-loss":
                var w = (await reports.WinLossAsync(filter, scope, ct)).Value!;
                built = (T("Win/loss"), ReportSheets.WinLoss(w, T), ReportCharts.WinLoss(w, T, c));
                break;
            case "forecast":
                var fc = (await reports.ForecastAsync(filter, scope, ct)).Value!;
                built = (T("Forecast"), ReportSheets.Forecast(fc, T), ReportCharts.Forecast(fc, T, c));
                break;
            case "stage-times":
                var st = (await reports.StageTimesAsync(filter, scope, ct)).Value!;
                built = (T("Stage times"), ReportSheets.StageTimes(st, T, StageName), ReportCharts.StageTimes(st, T, StageName, c));
                break;
            case "activity":
                var a = (await reports.ActivityAsync(filter, scope, ct)).Value!;
                built = (T("Activity"), ReportSheets.Activity(a, T, StageName, ch => Conversations.ConversationLabels.Channel(l, ch)),
                    ReportCharts.Activity(a, T, ch => Conversations.ConversationLabels.Channel(l, ch), c));
                break;
            case "lists":
                var ls = (await reports.ListsAsync(filter, scope, ct)).Value!;
                built = (T("Prospecting lists"), ReportSheets.Lists(ls, T), ReportCharts.Lists(ls, T, c));
                break;
            case "team":
                var tm = (await reports.TeamAsync(filter, scope, ct)).Value!;
                built = (T("Team"), TeamTables.Sheets(tm, T), TeamTables.Chart(tm, T, c));
                break;
            default:
                var f = (await reports.FunnelAsync(filter, scope, ct)).Value!;
                built = (T("Funnel"), ReportSheets.Funnel(f, T, StageName), ReportCharts.Funnel(f, T, StageName, c));
                break;
        }
        var p = b.Period;
        var filters = await FilterNamesAsync(b, scope, ct);
        var created = UserTime.ToLocal(time.GetUtcNow().UtcDateTime, p.TimeZone);
        var subtitle = $"{p.From.ToString("d", c)} – {p.To.ToString("d", c)}" + string.Concat(filters.Select(x => $" · {x.Label}: {x.Value}"));
        return new ReportExport(name, built.Title, p.From, p.To, p.TimeZone, filters, created, built.Sheets,
            built.Chart with { Title = $"{built.Title}: {built.Chart.Title}", Subtitle = subtitle });
    }

    public const string ReportNotFound = "Report not found";

    /// <summary>The filters applied, in words: names of the team, owner and list the user may see (an id otherwise), source, country.</summary>
    private async Task<List<(string Label, string Value)>> FilterNamesAsync(ReportBasis b, AccessScope scope, CancellationToken ct)
    {
        var f = b.Filter;
        var result = new List<(string, string)>();
        if (f.TeamId is { } t)
            result.Add((l["Team"], (scope.IsAdmin || scope.SeesAll || scope.TeamIds.Contains(t)
                ? await db.Teams.Where(x => x.Id == t).Select(x => x.Name).FirstOrDefaultAsync(ct) : null) ?? "#" + t.ToString(CultureInfo.InvariantCulture)));
        if (f.OwnerId is { } o)
            result.Add((l["Owner"], await db.Users.Where(u => u.Id == o).Select(u => u.DisplayName).FirstOrDefaultAsync(ct) ?? "#" + o.ToString(CultureInfo.InvariantCulture)));
        if (f.ListId is { } li)
            result.Add((l["Prospecting list"], await scope.Filter(db.ProspectingLists).Where(x => x.Id == li).Select(x => x.Name).FirstOrDefaultAsync(ct)
                ?? "#" + li.ToString(CultureInfo.InvariantCulture)));
        if (b.SourceId is { } s)
            result.Add((l["Source"], await db.LeadSources.Where(x => x.Id == s).Select(x => x.Name).FirstOrDefaultAsync(ct) is { } sn ? l[sn] : f.Source!));
        if (!string.IsNullOrWhiteSpace(f.Country)) result.Add((l["Country"], f.Country.Trim().ToUpperInvariant()));
        return result;
    }
}

/// <summary>The tables of each report with typed cells: the same figures and headers as <see cref="ReportTables"/>.</summary>
public static class ReportSheets
{
    private static ExportColumn Text(string h) => new(h, CellKind.Text);
    private static ExportColumn Count(string h) => new(h, CellKind.Count);

    public static List<ExportSheet> Funnel(FunnelReport r, Func<string, string> t, Func<Stage, string> stage) =>
    [
        new(t("Cohort"), [Text(t("Stage")), Count(t("Reached")), new(t("Conversion %"), CellKind.Share), Count(t("Still there"))],
            [.. r.CohortSteps.Select(s => Row(stage(s.Stage), s.Reached, s.Conversion, s.StillThere))]),
        new(t("Moves in the period"), [Text(t("Stage")), Count(t("Entered")), Count(t("Moved on")), Count(t("Moved back"))],
            [.. r.PeriodSteps.Select(s => Row(stage(s.Stage), s.Entered, s.MovedOn, s.MovedBack))]),
        Drops(t("Drop-outs of the cohort"), r.CohortDropOuts, t),
        Drops(t("Drop-outs in the period"), r.PeriodDropOuts, t),
    ];

    private static ExportSheet Drops(string name, IEnumerable<DropOut> drops, Func<string, string> t) =>
        new(name, [Text(t("Why")), Text(t("Reason")), Count(t("Count"))], [.. drops.Select(d => Row(t(d.Kind.ToString()), d.Reason, d.Count))]);

    public static List<ExportSheet> WinLoss(WinLossReport r, Func<string, string> t) =>
    [
        new(t("Win rate"), [Text(t("By")), Text(t("Name")), Count(t("Won")), Count(t("Lost")), Count(t("Cancelled")), new(t("Win rate %"), CellKind.Share)],
            [.. r.Rows.Select(x => Row(t(x.Dimension.ToString()), NameOf(x, t),
                x.Won, x.Lost, x.Cancelled, x.WinRate))]),
        new(t("Reasons"), [Text(t("Why")), Text(t("Reason")), Count(t("Count"))], [.. r.Reasons.Select(d => Row(t(d.Kind.ToString()), d.Reason, d.Count))]),
        new(t("Won amounts"), [Text(t("Currency")), Count(t("Won")), new(t("Total"), CellKind.Amount, 0), new(t("Average"), CellKind.Amount, 0)],
            [.. r.WonAmounts.Select(a => Row(a.Currency, a.Count, a.Total, a.Average))]),
        new(t("Questions and concerns by category"), [Text(t("Category")), Count(t("Raised in the period")), Count(t("Still open")), Count(t("On lost deals"))],
            [.. r.Concerns.Select(x => Row(t(x.Category?.ToString() ?? "Uncategorised"), x.Raised, x.StillOpen, x.OnLostDeals))]),
    ];

    public static List<ExportSheet> Forecast(ForecastReport r, Func<string, string> t) =>
    [
        new(t("Forecast"), [new(t("Month"), CellKind.Day), Text(t("Currency")), Count(t("Open deals")), new(t("Open"), CellKind.Amount, 1),
                new(t("Weighted"), CellKind.Amount, 1), Count(t("Won deals")), new(t("Won"), CellKind.Amount, 1)],
            [.. r.Months.Select(m => Row(m.Month, m.Currency, m.OpenCount, m.Open, m.Weighted, m.WonCount, m.Won))]),
        new(t("Overdue"), [Text(t("Currency")), Count(t("Open deals")), new(t("Open"), CellKind.Amount, 0)],
            [.. r.Overdue.Select(a => Row(a.Currency, a.Count, a.Total))]),
    ];

    public static List<ExportSheet> StageTimes(StageTimesReport r, Func<string, string> t, Func<Stage, string> stage)
    {
        IReadOnlyList<object?> D(string name, DurationRow d) => Row(name, d.Count, d.MedianDays, d.P75Days);
        return
        [
            new(t("Stage times"), [Text(t("Stage")), Count(t("Measured")), new(t("Median days"), CellKind.Days), new(t("75th percentile days"), CellKind.Days)],
                [.. r.Stages.Select(s => D(Enum.TryParse<Stage>(s.Name, out var st) ? stage(st) : s.Name, s)),
                 D(t("Lead to won"), r.LeadToWon), D(t("Deal created to won"), r.DealToWon), D(t("Age of open deals"), r.OpenDealAge)]),
            new(t("Days in each pipeline step"), [Text(t("Pipeline")), Text(t("Step")), Count(t("Measured")), new(t("Median days"), CellKind.Days),
                    new(t("75th percentile days"), CellKind.Days)],
                [.. r.Steps.Select(s => Row(t(s.Pipeline), t(s.Step), s.Count, s.MedianDays, s.P75Days))]),
            new(t("Median days by month"), [new(t("Month"), CellKind.Day), .. StageTimesReport.TrendNames(r).Select(n => new ExportColumn(ReportTables.TrendName(n, t, stage), CellKind.Days))],
                [.. r.Trend.GroupBy(x => x.Month).Select(g => (IReadOnlyList<object?>)[g.Key, .. g.Select(x => (object?)x.MedianDays)])]),
        ];
    }

    public static List<ExportSheet> Activity(ActivityReport r, Func<string, string> t, Func<Stage, string> stage, Func<Channel, string> channel)
    {
        var channels = ActivityReport.Conversational;
        var byRep = r.Conversations.GroupBy(x => (x.Start, x.UserId, x.Rep)).Select(g => (IReadOnlyList<object?>)
            [g.Key.Start, g.Key.Rep, .. channels.Select(ch => (object?)g.Where(x => x.Channel == ch).Sum(x => x.Count)), g.Sum(x => x.Count)]);
        return
        [
            new(t("Conversations"), [new(t(r.Bucket == "week" ? "Week" : "Month"), CellKind.Day), Text(t("Rep")), .. channels.Select(ch => Count(channel(ch))), Count(t("Total"))],
                [.. byRep]),
            new(t("Reps"), [Text(t("Rep")), Count(t("Conversations")), Count(t("Next actions done")), Count(t("Overdue")), Count(t("Without next action")), Count(t("Gates overridden"))],
                [.. r.Reps.Select(x => Row(x.Rep, x.Conversations, x.ActionsDone, x.ActionsOverdue, x.WithoutNextAction, x.GateOverrides))]),
            new(t("Gates overridden"), [new(t("When"), CellKind.Moment), Text(t("Contact")), Text(t("To stage")), Text(t("By")), Text(t("Reason"))],
                [.. r.Overrides.Select(x => Row(UserTime.ToLocal(x.At, r.Period.TimeZone), x.Contact, x.ToStage is { } s ? stage(s) : "", x.By, x.Reason ?? ""))]),
        ];
    }

    /// <summary>Per list its rows and contacts; won amounts in a sheet of their own, one row per list and currency.</summary>
    public static List<ExportSheet> Lists(ListsReport r, Func<string, string> t) =>
    [
        new(t("Prospecting lists"), [Text(t("List")), Count(t("Rows")), Count(t("Open")), Count(t("Converted")), Count(t("Cancelled")), Count(t("Duplicates")),
                Count(t("Suspects")), Count(t("Leads")), Count(t("Prospects")), Count(t("Customers")), Count(t("Disqualified")), new(t("Customers %"), CellKind.Share)],
            [.. r.Lists.Select(x => Row(x.Name, x.Rows, x.Open, x.Converted, x.Cancelled, x.Duplicates, x.Suspects, x.Leads, x.Prospects, x.Customers,
                x.Disqualified, x.CustomerRate))]),
        new(t("Won"), [Text(t("List")), Text(t("Currency")), new(t("Won"), CellKind.Amount, 1)],
            [.. r.Lists.SelectMany(x => x.Won.Select(w => Row(x.Name, w.Currency, w.Total)))]),
        new(t("Cancelled rows by reason"), [Text(t("List")), Text(t("Reason")), Count(t("Count"))],
            [.. r.Lists.SelectMany(x => x.CancelReasons.Select(cr => Row(x.Name, ReportTables.CancelReasonText(cr.Reason, t), cr.Count)))]),
    ];

    private static IReadOnlyList<object?> Row(params object?[] cells) => cells;

    /// <summary>A win/loss row's name: sources, pipelines and steps are shown in the reader's language when they are the defaults.</summary>
    public static string NameOf(WinLossRow x, Func<string, string> t) =>
        x.Name != "" && x.Dimension is WinLossDimension.Source or WinLossDimension.Pipeline or WinLossDimension.Step ? t(x.Name) : x.Name;
}
