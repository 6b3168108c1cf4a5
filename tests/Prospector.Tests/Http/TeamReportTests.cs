using System.Globalization;
using System.Net;
using System.Security.Claims;
using System.Text.Json;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Localization;
using Prospector.Data;
using Prospector.Features.Access;
using Prospector.Features.Conversations;
using Prospector.Features.Reports;
using Prospector.Tests.Infrastructure;

namespace Prospector.Tests.Http;

/// <summary>
/// The team report (GET /api/v1/reports/team) on hand-built records in two teams: each rep's figures, the team subtotals and
/// the total, amounts per currency; what an admin, a manager and a rep see; and that each figure's link (to /deals or
/// /contacts) resolves to exactly the records the figure counts.
/// </summary>
public abstract class TeamReportTests(ProspectorFactory app)
{
    private const string March = "from=2026-03-01&to=2026-03-31";

    private static async Task<JsonElement> TeamAsync(TestUser u, string query)
    {
        var res = await u.Client.GetAsync($"/api/v1/reports/team?{query}");
        var text = await res.Content.ReadAsStringAsync();
        Assert.True(res.StatusCode == HttpStatusCode.OK, $"{(int)res.StatusCode} {text}");
        return JsonDocument.Parse(text).RootElement;
    }

    private sealed record World(TestUser Admin, TestUser Manager, TestUser RepA1, TestUser RepA2, TestUser RepB, ReportHistory H,
        long C1, long C2, long C3, long C4, long WonEur, long WonUsd, long LostA1, long OpenA1, long LostA2, long WonB);

    private async Task<World> BuildAsync()
    {
        var (teamA, teamB) = (TestHttp.Unique("North"), TestHttp.Unique("South"));
        var admin = await app.UserAsync("Admin");
        var manager = await app.UserAsync("Manager", teamA);
        var repA1 = await app.UserAsync("Rep", teamA);
        var repA2 = await app.UserAsync("Rep", teamA);
        var repB = await app.UserAsync("Rep", teamB);
        var h = new ReportHistory(app, TestHttp.Unique("Fair"));
        // repA1: a new lead in March who became a prospect; an older lead they called in March (the note is no conversation).
        var c1 = await h.ContactAsync(repA1, ("2026-03-02T09:00Z", Stage.Lead), ("2026-03-10T09:00Z", Stage.Prospect));
        var c2 = await h.ContactAsync(repA1, ("2026-02-01T09:00Z", Stage.Lead));
        var c3 = await h.ContactAsync(repA2, ("2026-03-08T09:00Z", Stage.Lead));
        var c4 = await h.ContactAsync(repB, ("2026-03-06T09:00Z", Stage.Lead));
        await app.WithDbAsync(async (db, _) =>
        {
            db.Activities.Add(new Activity { ContactId = c2, Channel = Channel.Phone, Direction = Direction.Outbound, OccurredAt = ReportHistory.Utc("2026-03-05T09:00Z"), UserId = repA1.Id, Subject = "x" });
            db.Activities.Add(new Activity { ContactId = c1, Channel = Channel.Note, Direction = Direction.Outbound, OccurredAt = ReportHistory.Utc("2026-03-05T09:00Z"), UserId = repA1.Id, Subject = "x" });
            db.Activities.Add(new Activity { ContactId = c2, Channel = Channel.Email, Direction = Direction.Outbound, OccurredAt = ReportHistory.Utc("2026-04-05T09:00Z"), UserId = repA1.Id, Subject = "x" });
            db.NextActions.Add(new NextAction
            {
                ContactId = c1, Type = NextActionType.Call, DueDate = new DateOnly(2026, 3, 4), DueAtUtc = ReportHistory.Utc("2026-03-04T09:00Z"), AssigneeId = repA1.Id,
                Status = NextActionStatus.Done, CompletedAt = ReportHistory.Utc("2026-03-04T10:00Z"),
            });
            db.NextActions.Add(new NextAction
            {
                ContactId = c2, Type = NextActionType.Call, DueDate = new DateOnly(2026, 3, 5), DueAtUtc = ReportHistory.Utc("2026-03-05T09:00Z"), AssigneeId = repA1.Id,
                Status = NextActionStatus.Open,
            });
            return await db.SaveChangesAsync();
        });
        var wonEur = await h.DealAsync(repA1, c1, OpportunityState.Won, 1000, closedAt: "2026-03-15T09:00Z", createdAt: "2026-03-05T09:00Z");
        var wonUsd = await h.DealAsync(repA1, c1, OpportunityState.Won, 200, "USD", closedAt: "2026-03-20T09:00Z", createdAt: "2026-01-10T09:00Z");
        var lostA1 = await h.DealAsync(repA1, c2, OpportunityState.Lost, 300, closedAt: "2026-03-21T09:00Z", createdAt: "2026-03-03T09:00Z", reason: "Price");
        var openA1 = await h.DealAsync(repA1, c1, OpportunityState.Open, 500, createdAt: "2026-03-04T09:00Z", probability: 40);
        await h.DealAsync(repA1, c2, OpportunityState.Won, 999, closedAt: "2026-04-02T09:00Z", createdAt: "2026-04-01T09:00Z"); // after the period
        var lostA2 = await h.DealAsync(repA2, c3, OpportunityState.Lost, 100, closedAt: "2026-03-09T09:00Z", createdAt: "2026-03-08T09:00Z");
        var wonB = await h.DealAsync(repB, c4, OpportunityState.Won, 700, closedAt: "2026-03-07T09:00Z", createdAt: "2026-03-06T09:00Z");
        return new World(admin, manager, repA1, repA2, repB, h, c1, c2, c3, c4, wonEur, wonUsd, lostA1, openA1, lostA2, wonB);
    }

    private static JsonElement RowOf(JsonElement report, long userId) =>
        report.GetProperty("rows").EnumerateArray().Single(r => r.GetProperty("isRep").GetBoolean() && r.GetProperty("userId").GetInt64() == userId);

    private static string Counts(JsonElement r) => string.Join(" ", new[]
    {
        "leadsCreated", "contacted", "qualified", "dealsCreated", "dealsWon", "dealsLost", "openDeals", "conversations", "actionsDone", "actionsOverdue",
    }.Select(p => r.GetProperty(p).GetInt32()));

    private static string Amounts(JsonElement r, string property) => string.Join(" ", r.GetProperty(property).EnumerateArray()
        .Select(a => $"{a.GetProperty("currency").GetString()}:{a.GetProperty("count").GetInt32()}:{a.GetProperty("total").GetDecimal().ToString(CultureInfo.InvariantCulture)}"));

    [Fact]
    public async Task Each_rep_team_and_the_total_count_what_their_records_did_and_each_role_sees_its_rows()
    {
        var w = await BuildAsync();
        var q = $"{March}&source={w.H.Source}";

        var all = await TeamAsync(w.Admin, q);
        // repA1: 1 new lead (c1), 1 contacted (c2, a call; the note is none), 1 qualified (c1), 3 deals created in March, won 2 (EUR, USD), lost 1,
        // 1 open deal, 1 conversation, 1 next action done, 1 overdue.
        Assert.Equal("1 1 1 3 2 1 1 1 1 1", Counts(RowOf(all, w.RepA1.Id)));
        Assert.Equal("EUR:1:1000 USD:1:200", Amounts(RowOf(all, w.RepA1.Id), "wonAmounts"));
        Assert.Equal(2.0 / 3, RowOf(all, w.RepA1.Id).GetProperty("winRate").GetDouble(), 3);
        var open = Assert.Single(RowOf(all, w.RepA1.Id).GetProperty("openPipeline").EnumerateArray());
        Assert.Equal(("EUR", 500m, 200m), (open.GetProperty("currency").GetString(), open.GetProperty("total").GetDecimal(), open.GetProperty("weighted").GetDecimal()));
        Assert.Equal("1 0 0 1 0 1 0 0 0 0", Counts(RowOf(all, w.RepA2.Id)));
        Assert.Equal("1 0 0 1 1 0 0 0 0 0", Counts(RowOf(all, w.RepB.Id)));
        Assert.Equal(w.RepA1.TeamId, RowOf(all, w.RepA1.Id).GetProperty("teamId").GetInt64());

        // Team A's subtotal adds its two reps; amounts stay per currency; the total adds every row.
        var subtotalA = all.GetProperty("rows").EnumerateArray().Single(r => !r.GetProperty("isRep").GetBoolean() && r.GetProperty("teamId").GetInt64() == w.RepA1.TeamId);
        Assert.Equal("2 1 1 4 2 2 1 1 1 1", Counts(subtotalA));
        Assert.Equal(0.5, subtotalA.GetProperty("winRate").GetDouble());
        var total = all.GetProperty("total");
        Assert.Equal("3 1 1 5 3 2 1 1 1 1", Counts(total));
        Assert.Equal("EUR:2:1700 USD:1:200", Amounts(total, "wonAmounts"));
        Assert.False(all.GetProperty("ownRowOnly").GetBoolean());
        // The hygiene figure is the activity report's for the same rep.
        var activity = await w.Admin.Client.GetStringAsync($"/api/v1/reports/activity?{q}");
        var repActivity = JsonDocument.Parse(activity).RootElement.GetProperty("reps").EnumerateArray().Single(r => r.GetProperty("userId").GetInt64() == w.RepA1.Id);
        Assert.Equal(repActivity.GetProperty("withoutNextAction").GetInt32(), RowOf(all, w.RepA1.Id).GetProperty("withoutNextAction").GetInt32());

        // The manager of team A sees team A's reps, not team B's.
        var managed = await TeamAsync(w.Manager, q);
        var reps = managed.GetProperty("rows").EnumerateArray().Where(r => r.GetProperty("isRep").GetBoolean()).Select(r => r.GetProperty("userId").GetInt64()).Order().ToList();
        Assert.Equal(new[] { w.RepA1.Id, w.RepA2.Id }.Order(), reps);
        Assert.Equal("2 1 1 4 2 2 1 1 1 1", Counts(managed.GetProperty("total")));

        // A rep sees only their own row, even when asking for another rep.
        var own = await TeamAsync(w.RepA1, q);
        Assert.True(own.GetProperty("ownRowOnly").GetBoolean());
        Assert.Equal([w.RepA1.Id], own.GetProperty("rows").EnumerateArray().Where(r => r.GetProperty("isRep").GetBoolean()).Select(r => r.GetProperty("userId").GetInt64()));
        Assert.Equal(Counts(RowOf(all, w.RepA1.Id)), Counts(own.GetProperty("total")));
        var other = await TeamAsync(w.RepA1, $"{q}&ownerId={w.RepA2.Id}");
        Assert.Empty(other.GetProperty("rows").EnumerateArray());
        Assert.Equal("0 0 0 0 0 0 0 0 0 0", Counts(other.GetProperty("total")));

        // Bad input is a clear 400.
        var bad = await w.Admin.Client.GetAsync("/api/v1/reports/team?from=2026-04-01&to=2026-03-01");
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
    }

    [Fact]
    public async Task Each_figure_links_to_exactly_the_records_it_counts()
    {
        var w = await BuildAsync();
        var filter = new ReportFilter(new DateOnly(2026, 3, 1), new DateOnly(2026, 3, 31), Source: w.H.Source);
        foreach (var (user, role) in new[] { (w.Admin, "Admin"), (w.Manager, "Manager"), (w.RepA1, "Rep") })
            await app.WithDbAsync(async (db, sp) =>
            {
                var principal = new ClaimsPrincipal(new ClaimsIdentity(
                    [new Claim(ClaimTypes.NameIdentifier, user.Id.ToString(CultureInfo.InvariantCulture)), new Claim(ClaimTypes.Role, role)], "test"));
                var scope = await sp.GetRequiredService<RecordAccess>().ScopeAsync(principal);
                var reports = sp.GetRequiredService<ReportService>();
                var r = (await reports.TeamAsync(filter, scope)).Value!;
                var links = 0;
                foreach (var row in TeamTables.AllRows(r))
                    foreach (var figure in Enum.GetValues<TeamFigure>())
                    {
                        if (TeamTables.Link(r, row, figure, filter, user.Id) is not { } link) continue;
                        links++;
                        var ids = await ResolveAsync(sp, db, scope, link);
                        Assert.True(TeamTables.Value(row, figure) == ids.Count, $"{role} {row.Rep}/{row.Team} {figure}: {TeamTables.Value(row, figure)} vs {ids.Count} at {link}");
                        foreach (var cur in TeamTables.Currencies(row).Where(_ => figure is TeamFigure.Won or TeamFigure.Open))
                        {
                            var byCurrency = await ResolveAsync(sp, db, scope, TeamTables.Link(r, row, figure, filter, user.Id, cur)!);
                            var expected = figure == TeamFigure.Won ? TeamTables.Won(row, cur)?.Count ?? 0 : TeamTables.Open(row, cur)?.Count ?? 0;
                            Assert.Equal(expected, byCurrency.Count);
                        }
                    }
                Assert.True(links >= 19, $"{role}: {links} links");
                return 0;
            });

        // The exact records behind repA1's figures, as the admin follows them.
        await app.WithDbAsync(async (db, sp) =>
        {
            var scope = new AccessScope(w.Admin.Id, Roles.Admin, [], [], SeesAll: true);
            var r = (await sp.GetRequiredService<ReportService>().TeamAsync(filter, scope)).Value!;
            var row = r.Rows.Single(x => x.IsRep && x.UserId == w.RepA1.Id);
            async Task<List<long>> Of(TeamFigure f, string? cur = null) =>
                [.. (await ResolveAsync(sp, db, scope, TeamTables.Link(r, row, f, filter, w.Admin.Id, cur)!)).Order()];
            Assert.Equal([w.C1], await Of(TeamFigure.LeadsCreated));
            Assert.Equal([w.C2], await Of(TeamFigure.Contacted));
            Assert.Equal([w.C1], await Of(TeamFigure.Qualified));
            Assert.Equal(new[] { w.WonEur, w.LostA1, w.OpenA1 }.Order(), await Of(TeamFigure.DealsCreated));
            Assert.Equal(new[] { w.WonEur, w.WonUsd }.Order(), await Of(TeamFigure.Won));
            Assert.Equal([w.WonUsd], await Of(TeamFigure.Won, "USD"));
            Assert.Equal([w.LostA1], await Of(TeamFigure.Lost));
            Assert.Equal(row.Conversations, (await Of(TeamFigure.Conversations)).Count);
            Assert.True(row.Conversations > 0, "repA1 logged conversations in March");
            Assert.Equal(row.ActionsDone, (await Of(TeamFigure.ActionsDone)).Count);
            Assert.Equal(row.ActionsOverdue, (await Of(TeamFigure.ActionsOverdue)).Count);
            Assert.Equal(row.WithoutNextAction, (await Of(TeamFigure.WithoutNextAction)).Count);
            Assert.True(row.ActionsDone + row.ActionsOverdue + row.WithoutNextAction > 0, "repA1 has next-action figures to follow");
            Assert.Equal([w.OpenA1], await Of(TeamFigure.Open, "EUR"));
            // Team B has one rep: its subtotal links like that rep's row.
            var subtotalB = r.Rows.Single(x => !x.IsRep && x.TeamId == w.RepB.TeamId);
            Assert.Equal([w.WonB], [.. await ResolveAsync(sp, db, scope, TeamTables.Link(r, subtotalB, TeamFigure.Won, filter, w.Admin.Id)!)]);
            return 0;
        });
    }

    /// <summary>What a /deals or /contacts link shows: the pages' own queries, with the link's parameters.</summary>
    private static async Task<List<long>> ResolveAsync(IServiceProvider sp, ProspectorDb db, AccessScope scope, string link)
    {
        var q = QueryHelpers.ParseQuery(new Uri("http://x" + link).Query);
        string? S(string k) => q.TryGetValue(k, out var v) ? v.ToString() : null;
        long? L(string k) => S(k) is { } s ? long.Parse(s, CultureInfo.InvariantCulture) : null;
        DateOnly? D(string k) => S(k) is { } s ? DateOnly.ParseExact(s, "yyyy-MM-dd", CultureInfo.InvariantCulture) : null;
        if (link.StartsWith("/deals", StringComparison.Ordinal))
        {
            var f = new DealFilter(S("state") is { } st ? Enum.Parse<OpportunityState>(st) : null, L("pipelineId"), L("stepId"), L("ownerId"), L("teamId"), S("source"),
                L("listId"), S("country"), D("closedFrom"), D("closedTo"), S("expectedClose"), S("reason"), S("currency"), S("overdue") == "true", S("without"),
                D("createdFrom"), D("createdTo"));
            var deals = await DealList.QueryAsync(db, scope, f, sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<IStringLocalizer<SharedResource>>(), default);
            return await deals.Value!.Select(o => o.Id).ToListAsync();
        }
        if (link.StartsWith("/conversations?", StringComparison.Ordinal))
        {
            // The conversations page's own query: its list through the report's slice.
            var slice = await sp.GetRequiredService<IReportedConversations>().IdsAsync(
                new ReportedFilter(D("from")!.Value, D("to")!.Value, L("teamId"), L("ownerId"), S("source"), L("listId"), S("country")), scope);
            var page = await ActivityQueries.PageAsync(db, scope, new ActivityFilter(Within: slice.Value!), 1, 1000, default);
            return [.. page.Items.Select(a => a.Id)];
        }
        if (link.StartsWith("/reports/next-actions?", StringComparison.Ordinal))
        {
            // The next-actions page's own queries (next actions done or overdue; contacts, then deals, without one).
            var basis = (await sp.GetRequiredService<ReportService>().BasisAsync(
                new ReportFilter(D("from"), D("to"), L("teamId"), L("ownerId"), S("source"), L("listId"), S("country")), scope)).Value!;
            return Enum.Parse<HygieneFigure>(S("figure")!, ignoreCase: true) switch
            {
                HygieneFigure.Done => await HygieneSlices.Done(basis).Select(a => a.Id).ToListAsync(),
                HygieneFigure.Overdue => await HygieneSlices.Overdue(basis).Select(a => a.Id).ToListAsync(),
                _ => [.. await HygieneSlices.ContactsWithout(basis).Select(c => c.Id).ToListAsync(), .. await HygieneSlices.DealsWithout(basis).Select(o => o.Id).ToListAsync()],
            };
        }
        Assert.StartsWith("/contacts?", link, StringComparison.Ordinal);
        var rf = new ReportFilter(D("from"), D("to"), L("teamId"), L("ownerId"), S("source"), L("listId"), S("country"));
        var ids = await sp.GetRequiredService<ReportService>().ContactIdsAsync(rf, Enum.Parse<ContactSlice>(S("report")!),
            S("stage") is { } stage ? Enum.Parse<Stage>(stage) : null, S("reason"), scope);
        return await ids.Value!.ToListAsync();
    }
}

public sealed class TeamReportTestsSqlite(SqliteApp f) : TeamReportTests(f.Factory), IClassFixture<SqliteApp>;
public sealed class TeamReportTestsPostgres(PostgresApp f) : TeamReportTests(f.Factory), IClassFixture<PostgresApp>;
