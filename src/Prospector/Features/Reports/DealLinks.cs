using System.Globalization;
using Prospector.Data;

namespace Prospector.Features.Reports;

/// <summary>
/// The deals behind a number of the win/loss and forecast tables (<see cref="ReportTables"/>): a /deals link with the
/// report's filter and exactly what the figure counts, or null for a cell that is not a count of deals.
/// </summary>
public static class DealLinks
{
    public static string? WinLoss(WinLossReport r, ReportFilter f, Func<string, string> t, ReportTable table, IReadOnlyList<string> row, int column)
    {
        var closed = DealFilter.Of(f) with { ClosedFrom = f.From, ClosedTo = f.To };
        var i = IndexOf(table, row);
        if (table.Name == t("Win rate") && i >= 0 && i < r.Rows.Count && column is 2 or 3 or 4)
        {
            var x = r.Rows[i];
            var state = column == 2 ? OpportunityState.Won : column == 3 ? OpportunityState.Lost : OpportunityState.Cancelled;
            var of = closed with { State = state };
            of = x.Dimension switch
            {
                WinLossDimension.Owner => x.Key is { } o ? of with { OwnerId = long.Parse(o, CultureInfo.InvariantCulture) } : of with { Without = "owner" },
                WinLossDimension.Team => x.Key is { } tm ? of with { TeamId = long.Parse(tm, CultureInfo.InvariantCulture) } : of with { Without = "team" },
                WinLossDimension.Source => x.Key is { } s ? of with { Source = s } : of with { Without = "source" },
                WinLossDimension.Pipeline => of with { PipelineId = long.Parse(x.Key!, CultureInfo.InvariantCulture) },
                _ => of with { StepId = long.Parse(x.Key!, CultureInfo.InvariantCulture) },
            };
            // A row for another owner or team than the report's filter counts nothing: its link shows the same nothing.
            if (x.Dimension == WinLossDimension.Owner && f.OwnerId is { } fo && of.OwnerId != fo) return null;
            if (x.Dimension == WinLossDimension.Team && f.TeamId is { } ft && of.TeamId != ft) return null;
            return of.Link();
        }
        if (table.Name == t("Reasons") && i >= 0 && i < r.Reasons.Count && column == 2)
        {
            var d = r.Reasons[i];
            var of = closed with { State = d.Kind == DropOutKind.Lost ? OpportunityState.Lost : OpportunityState.Cancelled };
            return (d.Reason == "" ? of with { Without = "reason" } : of with { Reason = d.Reason }).Link();
        }
        if (table.Name == t("Won amounts") && i >= 0 && i < r.WonAmounts.Count && column is 1 or 2 or 3)
            return (closed with { State = OpportunityState.Won, Currency = r.WonAmounts[i].Currency }).Link();
        return null;
    }

    public static string? Forecast(ForecastReport r, ReportFilter f, Func<string, string> t, ReportTable table, IReadOnlyList<string> row, int column)
    {
        var i = IndexOf(table, row);
        if (table.Name == t("Forecast") && i >= 0 && i < r.Months.Count)
        {
            var m = r.Months[i];
            return column switch
            {
                2 or 3 or 4 => (DealFilter.Of(f) with { State = OpportunityState.Open, Currency = m.Currency, ExpectedClose = m.Month.ToString("yyyy-MM", CultureInfo.InvariantCulture) }).Link(),
                5 or 6 => (DealFilter.Of(f) with { State = OpportunityState.Won, Currency = m.Currency, ClosedFrom = m.Month, ClosedTo = m.Month.AddMonths(1).AddDays(-1) }).Link(),
                _ => null,
            };
        }
        if (table.Name == t("Overdue") && i >= 0 && i < r.Overdue.Count && column is 1 or 2)
            return (DealFilter.Of(f) with { Overdue = true, Currency = r.Overdue[i].Currency }).Link();
        return null;
    }

    /// <summary>
    /// The records behind a number of the funnel's tables: the contacts of a cohort or period figure, the disqualified ones
    /// by reason, and for the period's lost and cancelled deals the deals closed in the period with that reason (what the
    /// win/loss report lists). The cohort's lost and cancelled deals have no list of their own (null: plain text).
    /// </summary>
    public static string? Funnel(FunnelReport r, ReportFilter f, Func<string, string> t, ReportTable table, IReadOnlyList<string> row, int column)
    {
        var i = IndexOf(table, row);
        if (i < 0) return null;
        if (table.Name == t("Cohort") && i < r.CohortSteps.Count && column is 1 or 3)
            return ContactSlices.Link(f, column == 1 ? ContactSlice.Cohort : ContactSlice.StillThere, r.CohortSteps[i].Stage);
        if (table.Name == t("Moves in the period") && i < r.PeriodSteps.Count)
        {
            var stage = r.PeriodSteps[i].Stage;
            return column switch
            {
                1 => ContactSlices.Link(f, ContactSlice.Entered, stage),
                2 => ContactSlices.Link(f, ContactSlice.MovedOn, stage),
                3 => ContactSlices.Link(f, ContactSlice.MovedBack, stage),
                _ => null,
            };
        }
        var cohort = table.Name == t("Drop-outs of the cohort");
        if (!cohort && table.Name != t("Drop-outs in the period") || column != 2) return null;
        var drops = cohort ? r.CohortDropOuts : r.PeriodDropOuts;
        if (i >= drops.Count) return null;
        var d = drops[i];
        if (d.Kind == DropOutKind.Disqualified) return ContactSlices.Link(f, cohort ? ContactSlice.CohortDisqualified : ContactSlice.Disqualified, reason: d.Reason);
        if (cohort) return null;
        var of = DealFilter.Of(f) with { ClosedFrom = f.From, ClosedTo = f.To, State = d.Kind == DropOutKind.Lost ? OpportunityState.Lost : OpportunityState.Cancelled };
        return (d.Reason == "" ? of with { Without = "reason" } : of with { Reason = d.Reason }).Link();
    }

    internal static int IndexOf(ReportTable t, IReadOnlyList<string> row)
    {
        for (var i = 0; i < t.Rows.Count; i++) if (ReferenceEquals(t.Rows[i], row)) return i;
        return -1;
    }
}
