using System.Globalization;
using Prospector.Data;

namespace Prospector.Features.Reports;

public sealed record ChartSeriesSpec(string Name, IReadOnlyList<double> Values);

/// <summary>
/// A bar chart to draw as an image (<see cref="ReportSvg"/>): the same bars as the Reports page shows for the report.
/// <c>Format</c> writes a value in the user's culture; <c>Empty</c> is said when there is nothing to draw.
/// </summary>
public sealed record ChartSpec(string Title, string Subtitle, string ValueAxis, IReadOnlyList<string> Categories, IReadOnlyList<ChartSeriesSpec> Series,
    bool Stacked, IReadOnlyList<string> Palette, Func<double, string> Format, string Empty, bool WholeNumbers = true, Func<double, string>? Short = null);

/// <summary>Each report's chart, as on the Reports page (at most twelve bars: the biggest).</summary>
public static class ReportCharts
{
    private const int MaxBars = 12;

    private static Func<double, string> Counts(CultureInfo c) => v => v.ToString("N0", c);

    public static ChartSpec Funnel(FunnelReport r, Func<string, string> t, Func<Stage, string> stage, CultureInfo c) =>
        new(t("Of the new leads in the period, how many got how far by now"), "", t("Count"),
            [.. r.CohortSteps.Select(s => stage(s.Stage))],
            [
                new(t("Cohort: reached"), [.. r.CohortSteps.Select(s => (double)s.Reached)]),
                new(t("Moves into the stage in the period"), [.. r.CohortSteps.Select(s => (double)(r.PeriodSteps.FirstOrDefault(p => p.Stage == s.Stage)?.Entered ?? 0))]),
            ], false, ReportColors.Palette, Counts(c), t("Nothing in this period."));

    public static ChartSpec WinLoss(WinLossReport r, Func<string, string> t, CultureInfo c)
    {
        var rows = r.Rows.Where(x => x.Dimension == WinLossDimension.Owner).OrderByDescending(x => x.Won + x.Lost + x.Cancelled).Take(MaxBars).ToList();
        return new(t("Deals closed in the period") + " · " + string.Format(c, t("Win rate {0}"), r.WinRate?.ToString("P1", c) ?? "–"), "", t("Deals"),
            [.. rows.Select(x => x.Name == "" ? t("(none)") : ReportSheets.NameOf(x, t))],
            [
                new(t("Won"), [.. rows.Select(x => (double)x.Won)]),
                new(t("Lost"), [.. rows.Select(x => (double)x.Lost)]),
                new(t("Cancelled"), [.. rows.Select(x => (double)x.Cancelled)]),
            ], true, ReportColors.Outcomes, Counts(c), t("Nothing in this period."));
    }

    /// <summary>The currency with the most money in it (amounts are never added across currencies), month by month.</summary>
    public static ChartSpec Forecast(ForecastReport r, Func<string, string> t, CultureInfo c)
    {
        var currency = r.Months.GroupBy(m => m.Currency).OrderByDescending(g => g.Sum(m => m.Open + m.Won)).Select(g => g.Key).FirstOrDefault() ?? "";
        var months = r.Months.Where(m => m.Currency == currency).OrderBy(m => m.Month).ToList();
        return new(t("Open pipeline by expected close month, against won deals") + (currency == "" ? "" : $" ({currency})"), "",
            currency == "" ? t("Amount") : $"{t("Amount")} ({currency})",
            [.. months.Select(m => m.Month.ToString("MMM yy", c))],
            [
                new(t("Open"), [.. months.Select(m => (double)m.Open)]),
                new(t("Weighted"), [.. months.Select(m => (double)m.Weighted)]),
                new(t("Won"), [.. months.Select(m => (double)m.Won)]),
            ], false, ReportColors.Palette, Counts(c), t("Nothing in this period."), Short: v => Short(v, t, c));
    }

    /// <summary>Large amounts for the axis and narrow bars: 2.5 M, 480 k (in the user's words and digits).</summary>
    public static string Short(double v, Func<string, string> t, CultureInfo c) =>
        Math.Abs(v) >= 1_000_000 ? string.Format(c, t("{0} M"), (v / 1_000_000).ToString("0.#", c))
        : Math.Abs(v) >= 10_000 ? string.Format(c, t("{0} k"), (v / 1_000).ToString("0.#", c))
        : v.ToString("N0", c);

    public static ChartSpec StageTimes(StageTimesReport r, Func<string, string> t, Func<Stage, string> stage, CultureInfo c) =>
        new(t("Days in each stage (stays that ended in the period)"), "", t("Days"),
            [.. r.Stages.Select(s => Enum.TryParse<Stage>(s.Name, out var st) ? stage(st) : s.Name)],
            [
                new(t("Median days"), [.. r.Stages.Select(s => s.MedianDays ?? 0)]),
                new(t("75th percentile days"), [.. r.Stages.Select(s => s.P75Days ?? 0)]),
            ], false, ReportColors.Palette, v => v.ToString("0.#", c), t("Nothing in this period."), WholeNumbers: false);

    public static ChartSpec Activity(ActivityReport r, Func<string, string> t, Func<Channel, string> channel, CultureInfo c)
    {
        var reps = r.Conversations.GroupBy(x => (x.UserId, x.Rep)).OrderByDescending(g => g.Sum(x => x.Count)).Take(MaxBars).ToList();
        return new(t("Conversations per rep and channel"), "", t("Conversations"),
            [.. reps.Select(g => g.Key.Rep == "" ? t("(none)") : g.Key.Rep)],
            [.. ActivityReport.Conversational.Where(ch => r.Conversations.Any(x => x.Channel == ch))
                .Select(ch => new ChartSeriesSpec(channel(ch), [.. reps.Select(g => (double)g.Where(x => x.Channel == ch).Sum(x => x.Count))]))],
            true, ReportColors.Palette, Counts(c), t("Nothing in this period."));
    }

    public static ChartSpec Lists(ListsReport r, Func<string, string> t, CultureInfo c)
    {
        var lists = r.Lists.Take(MaxBars).ToList();
        return new(t("Rows of each list"), "", t("Rows"),
            [.. lists.Select(x => x.Name)],
            [
                new(t("Converted"), [.. lists.Select(x => (double)x.Converted)]),
                new(t("Open"), [.. lists.Select(x => (double)x.Open)]),
                new(t("Cancelled"), [.. lists.Select(x => (double)x.Cancelled)]),
                new(t("Duplicates"), [.. lists.Select(x => (double)x.Duplicates)]),
            ], true, ReportColors.Palette, Counts(c), t("Nothing in this period."));
    }
}
