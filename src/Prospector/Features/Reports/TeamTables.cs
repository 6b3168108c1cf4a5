using System.Globalization;
using Prospector.Data;

namespace Prospector.Features.Reports;

/// <summary>What a figure of the team report counts (a column of its table), for its link to the records behind it.</summary>
public enum TeamFigure { LeadsCreated, Contacted, Qualified, DealsCreated, Won, Lost, Open, Conversations, ActionsDone, ActionsOverdue, WithoutNextAction }

/// <summary>
/// The team report as tables (CLI, CSV, XLSX), its chart, and the link from each figure to exactly the records it counts.
/// Counts in one table, one row per rep, team subtotal and total; amounts per currency in a second table.
/// </summary>
public static class TeamTables
{
    private static string N(int n, CultureInfo c) => n.ToString("#,##0", c);
    private static string M(decimal m, CultureInfo c) => m.ToString("#,##0.00", c);
    private static string P(double? r, CultureInfo c) => r is { } v ? (v * 100).ToString("0.#", c) : "";

    /// <summary>The name of the row's team and rep: a subtotal says "Team total", the total "Total".</summary>
    public static (string Team, string Rep) Names(TeamReport r, TeamRow x, Func<string, string> t) =>
        ReferenceEquals(x, r.Total) ? (t("Total"), "")
        : !x.IsRep ? (x.TeamId is null ? t("(no team)") : x.Team, t("Team total"))
        : (x.TeamId is null ? t("(no team)") : x.Team, x.UserId is null ? t("(no owner)") : x.Rep);

    public static IEnumerable<TeamRow> AllRows(TeamReport r) => r.Rows.Append(r.Total);

    public static IReadOnlyList<string> CountHeaders(Func<string, string> t) =>
    [
        t("Team"), t("Rep"), t("Leads created"), t("Contacted"), t("Qualified to prospect"), t("Deals created"), t("Won"), t("Lost"), t("Win rate %"),
        t("Open deals"), t("Conversations"), t("Next actions done"), t("Overdue"), t("Without next action"),
    ];

    /// <summary>The figure of each count column (from the third column on).</summary>
    public static readonly TeamFigure?[] CountFigures =
    [
        TeamFigure.LeadsCreated, TeamFigure.Contacted, TeamFigure.Qualified, TeamFigure.DealsCreated, TeamFigure.Won, TeamFigure.Lost,
        null, TeamFigure.Open, TeamFigure.Conversations, TeamFigure.ActionsDone, TeamFigure.ActionsOverdue, TeamFigure.WithoutNextAction,
    ];

    public static int Value(TeamRow x, TeamFigure f) => f switch
    {
        TeamFigure.LeadsCreated => x.LeadsCreated,
        TeamFigure.Contacted => x.Contacted,
        TeamFigure.Qualified => x.Qualified,
        TeamFigure.DealsCreated => x.DealsCreated,
        TeamFigure.Won => x.DealsWon,
        TeamFigure.Lost => x.DealsLost,
        TeamFigure.Open => x.OpenDeals,
        TeamFigure.Conversations => x.Conversations,
        TeamFigure.ActionsDone => x.ActionsDone,
        TeamFigure.ActionsOverdue => x.ActionsOverdue,
        _ => x.WithoutNextAction,
    };

    public static List<ReportTable> Tables(TeamReport r, Func<string, string> t, CultureInfo c) =>
    [
        new(t("Team"), CountHeaders(t), [.. AllRows(r).Select(x => (IReadOnlyList<string>)
        [
            Names(r, x, t).Team, Names(r, x, t).Rep, N(x.LeadsCreated, c), N(x.Contacted, c), N(x.Qualified, c), N(x.DealsCreated, c), N(x.DealsWon, c),
            N(x.DealsLost, c), P(x.WinRate, c), N(x.OpenDeals, c), N(x.Conversations, c), N(x.ActionsDone, c), N(x.ActionsOverdue, c), N(x.WithoutNextAction, c),
        ])]),
        new(t("Amounts"), [t("Team"), t("Rep"), t("Currency"), t("Won deals"), t("Won"), t("Open deals"), t("Open"), t("Weighted")],
            [.. AllRows(r).SelectMany(x => Currencies(x).Select(cur => (IReadOnlyList<string>)
            [
                Names(r, x, t).Team, Names(r, x, t).Rep, cur, N(Won(x, cur)?.Count ?? 0, c), M(Won(x, cur)?.Total ?? 0, c),
                N(Open(x, cur)?.Count ?? 0, c), M(Open(x, cur)?.Total ?? 0, c), M(Open(x, cur)?.Weighted ?? 0, c),
            ]))]),
    ];

    public static List<ExportSheet> Sheets(TeamReport r, Func<string, string> t)
    {
        var h = CountHeaders(t);
        return
        [
            new(t("Team"), [new(h[0], CellKind.Text), new(h[1], CellKind.Text), .. h.Skip(2).Select((x, i) => new ExportColumn(x, i == 6 ? CellKind.Share : CellKind.Count))],
                [.. AllRows(r).Select(x => (IReadOnlyList<object?>)
                [
                    Names(r, x, t).Team, Names(r, x, t).Rep, x.LeadsCreated, x.Contacted, x.Qualified, x.DealsCreated, x.DealsWon, x.DealsLost, x.WinRate,
                    x.OpenDeals, x.Conversations, x.ActionsDone, x.ActionsOverdue, x.WithoutNextAction,
                ])]),
            new(t("Amounts"), [new(t("Team"), CellKind.Text), new(t("Rep"), CellKind.Text), new(t("Currency"), CellKind.Text), new(t("Won deals"), CellKind.Count),
                    new(t("Won"), CellKind.Amount, 2), new(t("Open deals"), CellKind.Count), new(t("Open"), CellKind.Amount, 2), new(t("Weighted"), CellKind.Amount, 2)],
                [.. AllRows(r).SelectMany(x => Currencies(x).Select(cur => (IReadOnlyList<object?>)
                [
                    Names(r, x, t).Team, Names(r, x, t).Rep, cur, Won(x, cur)?.Count ?? 0, Won(x, cur)?.Total ?? 0m,
                    Open(x, cur)?.Count ?? 0, Open(x, cur)?.Total ?? 0m, Open(x, cur)?.Weighted ?? 0m,
                ]))]),
        ];
    }

    /// <summary>Deals won and lost per rep (the twelve with the most closed deals).</summary>
    public static ChartSpec Chart(TeamReport r, Func<string, string> t, CultureInfo c)
    {
        var reps = r.Rows.Where(x => x.IsRep).OrderByDescending(x => x.DealsWon + x.DealsLost).ThenByDescending(x => x.LeadsCreated).Take(12).ToList();
        return new(t("Per rep"), "", t("Count"), [.. reps.Select(x => Names(r, x, t).Rep)],
        [
            new(t("Leads created"), [.. reps.Select(x => (double)x.LeadsCreated)]),
            new(t("Deals created"), [.. reps.Select(x => (double)x.DealsCreated)]),
            new(t("Won"), [.. reps.Select(x => (double)x.DealsWon)]),
            new(t("Lost"), [.. reps.Select(x => (double)x.DealsLost)]),
        ], false, ReportColors.Palette, v => v.ToString("N0", c), t("Nothing in this period."));
    }

    public static IEnumerable<string> Currencies(TeamRow x) =>
        x.WonAmounts.Select(a => a.Currency).Concat(x.OpenPipeline.Select(a => a.Currency)).Distinct().Order(StringComparer.Ordinal);

    public static CurrencyAmount? Won(TeamRow x, string currency) => x.WonAmounts.FirstOrDefault(a => a.Currency == currency);
    public static PipelineAmount? Open(TeamRow x, string currency) => x.OpenPipeline.FirstOrDefault(a => a.Currency == currency);

    /// <summary>
    /// The records behind one figure of a row, or null where no list shows exactly them: the row of items without an owner
    /// (no filter says "no owner" for contacts, conversations and next actions); a team subtotal of several reps has no single filter (its reps' rows link). <paramref name="f"/>
    /// is the report's filter (days resolved); <paramref name="currency"/> narrows won and open deals to one currency.
    /// </summary>
    public static string? Link(TeamReport r, TeamRow x, TeamFigure figure, ReportFilter f, long viewerId, string? currency = null)
    {
        if (!x.IsRep && !ReferenceEquals(x, r.Total))
        {
            var reps = r.Rows.Where(y => y.IsRep && y.TeamId == x.TeamId).ToList();
            if (reps.Count != 1) return null;
            x = reps[0];
        }
        ReportFilter who;
        var noOwner = false;
        if (x.IsRep)
        {
            if (x.UserId is { } u) who = f with { OwnerId = u };
            else { who = f; noOwner = true; }
        }
        else who = r.OwnRowOnly ? f with { OwnerId = viewerId } : f;
        var deals = noOwner ? DealFilter.Of(who) with { Without = "owner" } : DealFilter.Of(who);
        var closed = deals with { ClosedFrom = f.From, ClosedTo = f.To };
        return figure switch
        {
            TeamFigure.LeadsCreated when !noOwner => ContactSlices.Link(who, ContactSlice.Cohort, Stage.Lead),
            TeamFigure.Contacted when !noOwner => ContactSlices.Link(who, ContactSlice.Contacted),
            TeamFigure.Qualified when !noOwner => ContactSlices.Link(who, ContactSlice.Entered, Stage.Prospect),
            TeamFigure.DealsCreated => (deals with { CreatedFrom = f.From, CreatedTo = f.To }).Link(),
            TeamFigure.Won => (closed with { State = OpportunityState.Won, Currency = currency }).Link(),
            TeamFigure.Lost => (closed with { State = OpportunityState.Lost }).Link(),
            TeamFigure.Open => (deals with { State = OpportunityState.Open, Currency = currency }).Link(),
            TeamFigure.Conversations when !noOwner => ContactSlices.ConversationsLink(who),
            TeamFigure.ActionsDone when !noOwner => HygieneSlices.Link(who, HygieneFigure.Done),
            TeamFigure.ActionsOverdue when !noOwner => HygieneSlices.Link(who, HygieneFigure.Overdue),
            TeamFigure.WithoutNextAction when !noOwner => HygieneSlices.Link(who, HygieneFigure.Without),
            _ => null,
        };
    }
}
