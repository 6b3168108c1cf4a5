using System.Globalization;
using System.Text;
using Prospector.Data;
using Prospector.Features.Common;

namespace Prospector.Features.Reports;

/// <summary>A report as plain tables (a name, a header, rows of text): what the CSV export and the CLI print.</summary>
public sealed record ReportTable(string Name, IReadOnlyList<string> Header, IReadOnlyList<IReadOnlyList<string>> Rows)
{
    /// <summary>How to read the table's figures, shown beneath its name on the page (none: nothing to explain).</summary>
    public string? Note { get; init; }

    /// <summary>
    /// CSV with the culture's list separator (";" where the decimal mark is a comma); a cell that a spreadsheet would read as a
    /// formula is prefixed with an apostrophe (<see cref="CellText.Escape"/>); numbers are written by the caller in the same culture.
    /// </summary>
    public string ToCsv(CultureInfo culture)
    {
        var sep = culture.NumberFormat.NumberDecimalSeparator == "," ? ';' : ',';
        var sb = new StringBuilder();
        foreach (var row in Rows.Prepend(Header))
            sb.Append(string.Join(sep, row.Select(c => Cell(c, sep)))).Append("\r\n");
        return sb.ToString();
    }

    private static string Cell(string c, char sep)
    {
        c = CellText.Escape(c); // the one rule of every export: a formula gets a leading apostrophe
        return c.IndexOfAny([sep, '"', '\n', '\r']) >= 0 ? "\"" + c.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : c;
    }
}

/// <summary>
/// Turns each report into its tables. <c>t</c> translates the English texts (the page's localizer; the CLI keeps
/// English), <c>stage</c> names a stage in the workspace's words; numbers are written in the culture <c>c</c>.
/// </summary>
public static class ReportTables
{
    private static string N(int n, CultureInfo c) => n.ToString("#,##0", c);
    private static string D(double? d, CultureInfo c) => d is { } v ? v.ToString("0.#", c) : "";
    private static string P(double? r, CultureInfo c) => r is { } v ? (v * 100).ToString("0.#", c) : "";
    private static string M(decimal m, CultureInfo c) => m.ToString("#,##0.00", c);

    public static List<ReportTable> Funnel(FunnelReport r, Func<string, string> t, Func<Stage, string> stage, CultureInfo c) =>
    [
        new(t("Cohort"), [t("Stage"), t("Reached"), t("Conversion %"), t("Still there")],
            [.. r.CohortSteps.Select(s => (IReadOnlyList<string>)[stage(s.Stage), N(s.Reached, c), P(s.Conversion, c), N(s.StillThere, c)])])
        { Note = t("Still there: at that stage now and not disqualified.") },
        new(t("Moves in the period"), [t("Stage"), t("Entered"), t("Moved on"), t("Moved back")],
            [.. r.PeriodSteps.Select(s => (IReadOnlyList<string>)[stage(s.Stage), N(s.Entered, c), N(s.MovedOn, c), N(s.MovedBack, c)])])
        { Note = t("Every move counts: a contact that moved back and forth counts each time, so the months add up to the quarter.") },
        new(t("Drop-outs of the cohort"), [t("Why"), t("Reason"), t("Count")], [.. r.CohortDropOuts.Select(d => Drop(d, t, c))]),
        new(t("Drop-outs in the period"), [t("Why"), t("Reason"), t("Count")], [.. r.PeriodDropOuts.Select(d => Drop(d, t, c))]),
    ];

    private static IReadOnlyList<string> Drop(DropOut d, Func<string, string> t, CultureInfo c) => [t(d.Kind.ToString()), d.Reason, N(d.Count, c)];

    public static List<ReportTable> WinLoss(WinLossReport r, Func<string, string> t, CultureInfo c) =>
    [
        new(t("Win rate"), [t("By"), t("Name"), t("Won"), t("Lost"), t("Cancelled"), t("Win rate %")],
            [.. r.Rows.Select(x => (IReadOnlyList<string>)[t(x.Dimension.ToString()), ReportSheets.NameOf(x, t), N(x.Won, c), N(x.Lost, c), N(x.Cancelled, c), P(x.WinRate, c)])]),
        new(t("Reasons"), [t("Why"), t("Reason"), t("Count")], [.. r.Reasons.Select(d => Drop(d, t, c))]),
        new(t("Won amounts"), [t("Currency"), t("Won"), t("Total"), t("Average")],
            [.. r.WonAmounts.Select(a => (IReadOnlyList<string>)[a.Currency, N(a.Count, c), M(a.Total, c), M(a.Average, c)])]),
        new(t("Questions and concerns by category"), [t("Category"), t("Raised in the period"), t("Still open"), t("On lost deals")],
            [.. r.Concerns.Select(x => (IReadOnlyList<string>)[t(x.Category?.ToString() ?? "Uncategorised"), N(x.Raised, c), N(x.StillOpen, c), N(x.OnLostDeals, c)])]),
    ];

    public static List<ReportTable> Forecast(ForecastReport r, Func<string, string> t, CultureInfo c) =>
    [
        new(t("Forecast"), [t("Month"), t("Currency"), t("Open deals"), t("Open"), t("Weighted"), t("Won deals"), t("Won")],
            [.. r.Months.Select(m => (IReadOnlyList<string>)[Month(m.Month, c), m.Currency,
                N(m.OpenCount, c), M(m.Open, c), M(m.Weighted, c), N(m.WonCount, c), M(m.Won, c)])]),
        new(t("Overdue"), [t("Currency"), t("Open deals"), t("Open")],
            [.. r.Overdue.Select(a => (IReadOnlyList<string>)[a.Currency, N(a.Count, c), M(a.Total, c)])]),
    ];

    public static List<ReportTable> StageTimes(StageTimesReport r, Func<string, string> t, Func<Stage, string> stage, CultureInfo c) =>
    [
        new(t("Stage times"), [t("Stage"), t("Measured"), t("Median days"), t("75th percentile days")],
            [.. r.Stages.Select(s => Duration(Enum.TryParse<Stage>(s.Name, out var st) ? stage(st) : s.Name, s, c)),
             Duration(t("Lead to won"), r.LeadToWon, c), Duration(t("Deal created to won"), r.DealToWon, c), Duration(t("Age of open deals"), r.OpenDealAge, c)])
        { Note = t("Days are completed days: 23 hours count as 0, 2 days and 14 hours as 2.") },
        new(t("Days in each pipeline step"), [t("Pipeline"), t("Step"), t("Measured"), t("Median days"), t("75th percentile days")],
            [.. r.Steps.Select(s => (IReadOnlyList<string>)[t(s.Pipeline), t(s.Step), N(s.Count, c), D(s.MedianDays, c), D(s.P75Days, c)])]),
        new(t("Median days by month"), [t("Month"), .. StageTimesReport.TrendNames(r).Select(n => TrendName(n, t, stage))],
            [.. r.Trend.GroupBy(x => x.Month).Select(g => (IReadOnlyList<string>)[Month(g.Key, c), .. g.Select(x => D(x.MedianDays, c))])]),
    ];

    /// <summary>A trend series' name in the reader's words: a stage, or the sales cycle.</summary>
    public static string TrendName(string name, Func<string, string> t, Func<Stage, string> stage) =>
        Enum.TryParse<Stage>(name, out var s) ? stage(s) : name == "LeadToWon" ? t("Lead to won") : name;

    /// <summary>A month as its reader says it ("Mär 2026"); in the invariant culture (scripts) 2026-03.</summary>
    public static string Month(DateOnly m, CultureInfo c) =>
        m.ToString(c.Equals(CultureInfo.InvariantCulture) ? "yyyy-MM" : "MMM yyyy", c);

    /// <summary>Conversations per rep and bucket with a column per channel; the reps' hygiene; the gates overridden.</summary>
    public static List<ReportTable> Activity(ActivityReport r, Func<string, string> t, Func<Stage, string> stage, Func<Channel, string> channel, CultureInfo c)
    {
        var channels = ActivityReport.Conversational;
        var byRep = r.Conversations.GroupBy(x => (x.Start, x.UserId, x.Rep)).Select(g => (IReadOnlyList<string>)
            [Day(g.Key.Start, c), g.Key.Rep, .. channels.Select(ch => N(g.Where(x => x.Channel == ch).Sum(x => x.Count), c)),
             N(g.Sum(x => x.Count), c)]);
        return
        [
            new(t("Conversations"), [t(r.Bucket == "week" ? "Week" : "Month"), t("Rep"), .. channels.Select(channel), t("Total")], [.. byRep]),
            new(t("Reps"), [t("Rep"), t("Conversations"), t("Next actions done"), t("Overdue"), t("Without next action"), t("Gates overridden")],
                [.. r.Reps.Select(x => (IReadOnlyList<string>)[x.Rep, N(x.Conversations, c), N(x.ActionsDone, c), N(x.ActionsOverdue, c), N(x.WithoutNextAction, c), N(x.GateOverrides, c)])]),
            new(t("Gates overridden"), [t("When"), t("Contact"), t("To stage"), t("By"), t("Reason")],
                [.. r.Overrides.Select(x => (IReadOnlyList<string>)[Common.UserTime.ToLocal(x.At, r.Period.TimeZone).ToString(c.Equals(CultureInfo.InvariantCulture) ? "yyyy-MM-dd HH:mm" : "g", c), x.Contact,
                    x.ToStage is { } s ? stage(s) : "", x.By, x.Reason ?? ""])]),
        ];
    }

    /// <summary>
    /// A list row's cancel reason in words (the list grid's: Lists' CancelReason names), or the text as given. Matched by
    /// name so that Reports does not depend on the Lists folder (which depends on Contacts, which links here).
    /// </summary>
    public static string CancelReasonText(string reason, Func<string, string> t) => reason switch
    {
        "NotInterested" => t("Not interested"),
        "WrongTargetMarket" => t("Wrong target market"),
        "NoBudget" => t("No budget"),
        "NoAuthority" => t("No authority to decide"),
        "Duplicate" => t("Duplicate"),
        "Unreachable" => t("Unreachable"),
        "Other" => t("Other"),
        _ => reason,
    };

    /// <summary>Days as the culture writes them; yyyy-MM-dd for scripts (the invariant culture).</summary>
    private static string Day(DateOnly d, CultureInfo c) =>
        d.ToString(c.Equals(CultureInfo.InvariantCulture) ? "yyyy-MM-dd" : "d", c);

    /// <summary>Per list its rows by state and what its contacts became; cancel reasons per list.</summary>
    public static List<ReportTable> Lists(ListsReport r, Func<string, string> t, CultureInfo c) =>
    [
        new(t("Prospecting lists"), [t("List"), t("Rows"), t("Open"), t("Converted"), t("Cancelled"), t("Duplicates"), t("Suspects"), t("Leads"), t("Prospects"),
            t("Customers"), t("Disqualified"), t("Customers %"), t("Won")],
            [.. r.Lists.Select(x => (IReadOnlyList<string>)[x.Name, N(x.Rows, c), N(x.Open, c), N(x.Converted, c), N(x.Cancelled, c), N(x.Duplicates, c),
                N(x.Suspects, c), N(x.Leads, c), N(x.Prospects, c), N(x.Customers, c), N(x.Disqualified, c), P(x.CustomerRate, c),
                string.Join(" · ", x.Won.Select(w => w.Currency + " " + M(w.Total, c)))])]),
        new(t("Cancelled rows by reason"), [t("List"), t("Reason"), t("Count")],
            [.. r.Lists.SelectMany(x => x.CancelReasons.Select(cr => (IReadOnlyList<string>)[x.Name, CancelReasonText(cr.Reason, t), N(cr.Count, c)]))]),
    ];

    private static IReadOnlyList<string> Duration(string name, DurationRow d, CultureInfo c) => [name, N(d.Count, c), D(d.MedianDays, c), D(d.P75Days, c)];
}
