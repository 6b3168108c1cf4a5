using Microsoft.AspNetCore.Http.HttpResults;
using Prospector.Features.Access;
using Prospector.Features.Common;

namespace Prospector.Features.Reports;

/// <summary>
/// /api/v1/reports: the same reports as the Reports page, for the records the caller may see, with the same filters as query
/// parameters (from and to are days in the caller's time zone, both included).
/// </summary>
public static class ReportsApi
{
    private const string Filters = " Filters: from, to (days in the caller's time zone, both included; default this calendar year up to today), " +
        "teamId, ownerId, source, listId, country (ISO code). Counts only records the caller may see; docs/reports.md defines each figure.";

    public static IEndpointRouteBuilder MapReportsApi(this IEndpointRouteBuilder app)
    {
        var g = app.MapGroup("/reports").WithTags("Reports");
        g.MapGet("/funnel", (AccessScope scope, ReportService reports, CancellationToken ct, DateOnly? from, DateOnly? to, long? teamId, long? ownerId,
                string? source, long? listId, string? country) =>
            Answer(reports.FunnelAsync(new ReportFilter(from, to, teamId, ownerId, source, listId, country), scope, ct)))
            .WithSummary("The sales funnel: a cohort of new leads and what moved in the period.")
            .WithDescription("Cohort: contacts that first became a Lead (or higher) in the period, how many of them reached each later stage by now, " +
                "and how many are still there (at that stage now, not disqualified). Period: per stage, the moves into it, on from it and back from it " +
                "(moves, not distinct contacts: they add up over months); drop-outs by reason." + Filters);
        g.MapGet("/win-loss", (AccessScope scope, ReportService reports, CancellationToken ct, DateOnly? from, DateOnly? to, long? teamId, long? ownerId,
                string? source, long? listId, string? country) =>
            Answer(reports.WinLossAsync(new ReportFilter(from, to, teamId, ownerId, source, listId, country), scope, ct)))
            .WithSummary("Win rate by owner, team, source, pipeline and step; lost and cancelled reasons; won amounts per currency.")
            .WithDescription("Deals closed in the period as they stand now. Win rate = won / (won + lost)." + Filters);
        g.MapGet("/forecast", (AccessScope scope, ReportService reports, CancellationToken ct, DateOnly? from, DateOnly? to, long? teamId, long? ownerId,
                string? source, long? listId, string? country) =>
            Answer(reports.ForecastAsync(new ReportFilter(from, to, teamId, ownerId, source, listId, country), scope, ct)))
            .WithSummary("Open pipeline by expected close month, unweighted and weighted, against won deals; overdue deals.")
            .WithDescription("Open deals (not on standby) by the month of their expected close date; won deals by the month they were won in." + Filters);
        g.MapGet("/stage-times", (AccessScope scope, ReportService reports, CancellationToken ct, DateOnly? from, DateOnly? to, long? teamId, long? ownerId,
                string? source, long? listId, string? country) =>
            Answer(reports.StageTimesAsync(new ReportFilter(from, to, teamId, ownerId, source, listId, country), scope, ct)))
            .WithSummary("Median and 75th-percentile days per stage, sales-cycle length and open deal age.")
            .WithDescription("Stays in a stage that ended in the period; won deals closed in the period; open deals now." + Filters);
        g.MapGet("/activity", (AccessScope scope, ReportService reports, CancellationToken ct, DateOnly? from, DateOnly? to, long? teamId, long? ownerId,
                string? source, long? listId, string? country) =>
            Answer(reports.ActivityAsync(new ReportFilter(from, to, teamId, ownerId, source, listId, country), scope, ct)))
            .WithSummary("Conversations per channel per rep per week; next actions done and overdue, items without a next action, gates overridden.")
            .WithDescription("Conversations are logged activities other than notes, by the rep who logged them, per week (periods up to 13 weeks) " +
                "or month. ownerId is the rep; teamId the team's members. Overdue and without-next-action are as they stand now." + Filters);
        g.MapGet("/lists", (AccessScope scope, ReportService reports, CancellationToken ct, DateOnly? from, DateOnly? to, long? teamId, long? ownerId,
                string? source, long? listId, string? country) =>
            Answer(reports.ListsAsync(new ReportFilter(from, to, teamId, ownerId, source, listId, country), scope, ct)))
            .WithSummary("Per prospecting list: rows converted, cancelled by reason, duplicates, still open, and what its contacts became.")
            .WithDescription("Lists created up to the end of the period, as they stand now; ownerId and teamId are the list's owner and team." + Filters);
        g.MapGet("/team", (AccessScope scope, ReportService reports, CancellationToken ct, DateOnly? from, DateOnly? to, long? teamId, long? ownerId,
                string? source, long? listId, string? country) =>
            Answer(reports.TeamAsync(new ReportFilter(from, to, teamId, ownerId, source, listId, country), scope, ct)))
            .WithSummary("Per rep, with a subtotal per team and a total: leads, qualified, deals created, won and lost, pipeline, conversations, next actions.")
            .WithDescription("A rep's row counts the records they own, the conversations they logged and the next actions assigned to them; amounts per " +
                "currency. Pipeline, overdue and without-next-action are as they stand now. A rep (unless reps see everything) gets only their own row." + Filters);
        g.MapReportExports();
        return app;
    }

    private static async Task<Results<Ok<T>, ValidationProblem, ProblemHttpResult>> Answer<T>(Task<Outcome<T>> work) => (await work).ToOk();
}
