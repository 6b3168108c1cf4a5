using System.Globalization;

namespace Prospector.Features.Reports;

public enum PeriodPreset { ThisWeek, LastWeek, ThisMonth, LastMonth, ThisQuarter, LastQuarter, ThisYear, LastYear, NextQuarter, Next12Months, Custom }

/// <summary>The period presets of the Reports page, counted from today in the user's time zone; weeks start on the culture's first day.</summary>
public static class ReportPeriods
{
    public static (DateOnly From, DateOnly To) Of(PeriodPreset p, DateOnly today, CultureInfo culture)
    {
        var weekStart = today.AddDays(-(((int)today.DayOfWeek - (int)culture.DateTimeFormat.FirstDayOfWeek + 7) % 7));
        var month = new DateOnly(today.Year, today.Month, 1);
        var quarter = new DateOnly(today.Year, (today.Month - 1) / 3 * 3 + 1, 1);
        var year = new DateOnly(today.Year, 1, 1);
        return p switch
        {
            PeriodPreset.ThisWeek => (weekStart, weekStart.AddDays(6)),
            PeriodPreset.LastWeek => (weekStart.AddDays(-7), weekStart.AddDays(-1)),
            PeriodPreset.ThisMonth => (month, month.AddMonths(1).AddDays(-1)),
            PeriodPreset.LastMonth => (month.AddMonths(-1), month.AddDays(-1)),
            PeriodPreset.ThisQuarter => (quarter, quarter.AddMonths(3).AddDays(-1)),
            PeriodPreset.LastQuarter => (quarter.AddMonths(-3), quarter.AddDays(-1)),
            PeriodPreset.LastYear => (year.AddYears(-1), year.AddDays(-1)),
            // Looking ahead, for the forecast: in December "this year" holds one month of the pipeline.
            PeriodPreset.NextQuarter => (quarter.AddMonths(3), quarter.AddMonths(6).AddDays(-1)),
            PeriodPreset.Next12Months => (month, month.AddMonths(12).AddDays(-1)),
            _ => (year, year.AddYears(1).AddDays(-1)),
        };
    }

    /// <summary>The preset a period is, if any (for showing the choice when the page opens on a link).</summary>
    public static PeriodPreset Match(DateOnly from, DateOnly to, DateOnly today, CultureInfo culture) =>
        Enum.GetValues<PeriodPreset>().Where(p => p != PeriodPreset.Custom).FirstOrDefault(p => Of(p, today, culture) == (from, to), PeriodPreset.Custom);
}
