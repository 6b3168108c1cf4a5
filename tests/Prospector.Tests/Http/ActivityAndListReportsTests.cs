using System.Globalization;
using System.Net;
using System.Text.Json;
using Prospector.Data;
using Prospector.Tests.Infrastructure;

namespace Prospector.Tests.Http;

/// <summary>
/// The activity-and-hygiene report and the prospecting-lists report over HTTP on hand-built records with exact figures:
/// conversations per rep, channel and week by the user's midnight (Europe/Berlin; notes are not conversations), next actions
/// done and overdue, open items without a next action, gates overridden and by whom; a list's rows by state and what its
/// contacts became; and that neither counts what the caller may not see.
/// </summary>
public abstract class ActivityAndListReportsTests(ProspectorFactory app)
{
    private const string March = "from=2026-03-01&to=2026-03-31";

    private static async Task<JsonElement> ReportAsync(TestUser u, string report, string query)
    {
        var res = await u.Client.GetAsync($"/api/v1/reports/{report}?{query}");
        var text = await res.Content.ReadAsStringAsync();
        Assert.True(res.StatusCode == HttpStatusCode.OK, $"{report}: {(int)res.StatusCode} {text}");
        return JsonDocument.Parse(text).RootElement;
    }

    private Task<long> ActivityAsync(TestUser by, long contactId, Channel channel, string at) =>
        app.WithDbAsync(async (db, _) =>
        {
            var a = new Activity { ContactId = contactId, Channel = channel, Direction = Direction.Outbound, OccurredAt = ReportHistory.Utc(at), UserId = by.Id, Subject = "x" };
            db.Activities.Add(a);
            await db.SaveChangesAsync();
            return a.Id;
        });

    private Task<long> ActionAsync(TestUser assignee, long contactId, string due, string? completedAt = null) =>
        app.WithDbAsync(async (db, _) =>
        {
            var day = DateOnly.Parse(due, CultureInfo.InvariantCulture);
            var a = new NextAction
            {
                ContactId = contactId, Type = NextActionType.Call, DueDate = day, DueAtUtc = day.ToDateTime(new TimeOnly(9, 0), DateTimeKind.Utc),
                AssigneeId = assignee.Id, Status = completedAt is null ? NextActionStatus.Open : NextActionStatus.Done,
                CompletedAt = completedAt is null ? null : ReportHistory.Utc(completedAt),
            };
            db.NextActions.Add(a);
            await db.SaveChangesAsync();
            return a.Id;
        });

    [Fact]
    public async Task Activity_counts_conversations_per_rep_channel_and_week_and_each_reps_hygiene()
    {
        var team = TestHttp.Unique("Team");
        var rep = await app.UserAsync("Rep", team);
        var otherRep = await app.UserAsync("Rep", TestHttp.Unique("Other"));
        var admin = await app.UserAsync("Admin");
        var h = new ReportHistory(app, TestHttp.Unique("Fair"));
        var worked = await h.ContactAsync(rep, ("2026-02-01T09:00Z", Stage.Lead));
        var unplanned = await h.ContactAsync(rep, ("2026-02-01T09:00Z", Stage.Lead));
        var planned = await h.ContactAsync(rep, ("2026-02-01T09:00Z", Stage.Lead));
        var others = await h.ContactAsync(otherRep, ("2026-02-01T09:00Z", Stage.Lead));
        await ActivityAsync(rep, worked, Channel.Phone, "2026-03-02T08:00Z");
        await ActivityAsync(rep, worked, Channel.Email, "2026-03-03T08:00Z");
        await ActivityAsync(rep, worked, Channel.Note, "2026-03-04T08:00Z");      // a note is no conversation
        await ActivityAsync(rep, worked, Channel.Phone, "2026-03-08T22:30Z");     // Sunday 23:30 in Berlin: still the week of 2 March
        await ActivityAsync(rep, worked, Channel.Phone, "2026-03-09T00:30Z");     // Monday 01:30 in Berlin: the week of 9 March
        await ActivityAsync(rep, worked, Channel.Sms, "2026-03-31T22:30Z");       // 1 April in Berlin
        await ActivityAsync(otherRep, others, Channel.Phone, "2026-03-05T08:00Z");
        await ActionAsync(rep, worked, "2026-03-04", completedAt: "2026-03-04T10:00Z");
        await ActionAsync(rep, worked, "2026-02-20", completedAt: "2026-02-20T10:00Z"); // done before the period
        await ActionAsync(rep, worked, "2026-03-05");                                    // open and overdue
        await ActionAsync(rep, planned, "2099-01-05");
        await ActionAsync(otherRep, others, "2026-03-05");
        await app.WithDbAsync(async (db, _) =>
        {
            db.LifecycleEvents.Add(new LifecycleEvent
            {
                ContactId = unplanned, Kind = LifecycleEventKind.StageChanged, FromStage = Stage.Lead, ToStage = Stage.Prospect, Override = true,
                ById = rep.Id, Reason = "Customer insisted", At = ReportHistory.Utc("2026-03-06T10:00Z"),
            });
            return await db.SaveChangesAsync();
        });

        var r = await ReportAsync(admin, "activity", $"{March}&source={h.Source}");
        Assert.Equal("week", r.GetProperty("bucket").GetString());
        Assert.Equal(["2026-03-01", "2026-03-02", "2026-03-09", "2026-03-16", "2026-03-23", "2026-03-30"],
            r.GetProperty("buckets").EnumerateArray().Select(x => x.GetString()));
        var conversations = r.GetProperty("conversations").EnumerateArray()
            .Select(c => $"{c.GetProperty("start").GetString()} {c.GetProperty("userId").GetInt64() == rep.Id} {c.GetProperty("channel").GetString()} {c.GetProperty("count").GetInt32()}")
            .ToList();
        Assert.Equal(["2026-03-02 True Phone 2", "2026-03-02 True Email 1", "2026-03-09 True Phone 1", "2026-03-02 False Phone 1"],
            conversations.OrderBy(c => c.Contains("False", StringComparison.Ordinal)).ToList());

        var reps = r.GetProperty("reps").EnumerateArray().ToDictionary(x => x.GetProperty("userId").GetInt64(), x =>
            $"{x.GetProperty("conversations").GetInt32()} {x.GetProperty("actionsDone").GetInt32()} {x.GetProperty("actionsOverdue").GetInt32()} " +
            $"{x.GetProperty("withoutNextAction").GetInt32()} {x.GetProperty("gateOverrides").GetInt32()}");
        Assert.Equal("4 1 1 1 1", reps[rep.Id]);
        Assert.Equal("1 0 1 0 0", reps[otherRep.Id]);
        var o = Assert.Single(r.GetProperty("overrides").EnumerateArray());
        Assert.Equal((unplanned, rep.Id, "Customer insisted"), (o.GetProperty("contactId").GetInt64(), o.GetProperty("byId").GetInt64(), o.GetProperty("reason").GetString()));

        // A rep of another team sees only their own; the owner filter is the rep.
        var theirs = await ReportAsync(otherRep, "activity", $"{March}&source={h.Source}");
        Assert.Equal([otherRep.Id], theirs.GetProperty("reps").EnumerateArray().Select(x => x.GetProperty("userId").GetInt64()));
        var one = await ReportAsync(admin, "activity", $"{March}&source={h.Source}&ownerId={otherRep.Id}");
        Assert.Equal(1, one.GetProperty("conversations").EnumerateArray().Sum(c => c.GetProperty("count").GetInt32()));

        // A year is counted by month.
        var year = await ReportAsync(admin, "activity", $"from=2026-01-01&to=2026-12-31&source={h.Source}");
        Assert.Equal("month", year.GetProperty("bucket").GetString());
        Assert.Equal(12, year.GetProperty("buckets").GetArrayLength());
        Assert.Equal(1, year.GetProperty("conversations").EnumerateArray()
            .Single(c => c.GetProperty("start").GetString() == "2026-04-01").GetProperty("count").GetInt32());
    }

    [Fact]
    public async Task The_lists_report_counts_rows_by_state_and_what_the_lists_contacts_became()
    {
        var team = TestHttp.Unique("Team");
        var rep = await app.UserAsync("Rep", team);
        var otherRep = await app.UserAsync("Rep", TestHttp.Unique("Other"));
        var admin = await app.UserAsync("Admin");
        var h = new ReportHistory(app, TestHttp.Unique("Bought"));
        var listId = await app.WithDbAsync(async (db, _) =>
        {
            var list = new ProspectingList { Name = h.Source, OwnerId = rep.Id, TeamId = rep.TeamId };
            db.ProspectingLists.Add(list);
            await db.SaveChangesAsync();
            return list.Id;
        });
        Task<long> NewContactAsync(Stage stage, bool disqualified = false, bool fromSource = false) => app.WithDbAsync(async (db, _) =>
        {
            var c = new Contact
            {
                LastName = "L" + Guid.NewGuid().ToString("N")[..6], OwnerId = rep.Id, TeamId = rep.TeamId, Stage = stage, SourceListId = listId,
                LeadStatus = disqualified ? LeadStatus.Unqualified : LeadStatus.Working,
                LeadSourceId = fromSource ? await TestSources.IdAsync(db, h.Source) : null,
            };
            db.Contacts.Add(c);
            await db.SaveChangesAsync();
            return c.Id;
        });
        await NewContactAsync(Stage.Suspect);
        var lead = await NewContactAsync(Stage.Lead);
        var prospect = await NewContactAsync(Stage.Prospect);
        var customer = await NewContactAsync(Stage.RepeatCustomer, fromSource: true);
        await NewContactAsync(Stage.Lead, disqualified: true);
        await h.DealAsync(rep, customer, OpportunityState.Won, 1000, closedAt: "2026-03-10T09:00Z");
        await h.DealAsync(rep, customer, OpportunityState.Won, 500, closedAt: "2026-05-10T09:00Z");
        await h.DealAsync(rep, prospect, OpportunityState.Open, 700);
        await app.WithDbAsync(async (db, _) =>
        {
            var n = 0;
            void Row(ListRowState s, long? contact = null, string? reason = null) =>
                db.ListRows.Add(new ListRow { ListId = listId, RowNumber = ++n, State = s, ContactId = contact, CancelReason = reason });
            Row(ListRowState.Open); Row(ListRowState.Open);
            Row(ListRowState.Converted, lead); Row(ListRowState.Converted, prospect); Row(ListRowState.Converted, customer);
            Row(ListRowState.Cancelled, reason: "Wrong number"); Row(ListRowState.Cancelled, reason: "Not interested"); Row(ListRowState.Cancelled, reason: "Wrong number");
            Row(ListRowState.Duplicate);
            return await db.SaveChangesAsync();
        });

        var r = await ReportAsync(admin, "lists", $"from=2026-01-01&to=2035-12-31&listId={listId}");
        var l = Assert.Single(r.GetProperty("lists").EnumerateArray());
        int I(string name) => l.GetProperty(name).GetInt32();
        Assert.Equal((9, 2, 3, 3, 1), (I("rows"), I("open"), I("converted"), I("cancelled"), I("duplicates")));
        Assert.Equal((5, 1, 1, 1, 1, 1), (I("contacts"), I("suspects"), I("leads"), I("prospects"), I("customers"), I("disqualified")));
        Assert.Equal(0.2, l.GetProperty("customerRate").GetDouble());
        Assert.Equal(["Wrong number 2", "Not interested 1"],
            l.GetProperty("cancelReasons").EnumerateArray().Select(x => $"{x.GetProperty("reason").GetString()} {x.GetProperty("count").GetInt32()}"));
        var won = Assert.Single(l.GetProperty("won").EnumerateArray());
        Assert.Equal(("EUR", 2, 1500.0), (won.GetProperty("currency").GetString(), won.GetProperty("count").GetInt32(), won.GetProperty("total").GetDouble()));

        // The source filter narrows the list's contacts to those from the source (the customer only), as on every report.
        var bySource = Assert.Single((await ReportAsync(admin, "lists", $"from=2026-01-01&to=2035-12-31&listId={listId}&source={h.Source}"))
            .GetProperty("lists").EnumerateArray());
        Assert.Equal((9, 1, 0, 1), (bySource.GetProperty("rows").GetInt32(), bySource.GetProperty("contacts").GetInt32(),
            bySource.GetProperty("leads").GetInt32(), bySource.GetProperty("customers").GetInt32()));

        // Another team's rep does not see the list (it is answered as one that does not exist); the list's owner does.
        await TestHttp.AssertValidationProblemAsync(await otherRep.Client.GetAsync($"/api/v1/reports/lists?listId={listId}"), "listId");
        Assert.Single((await ReportAsync(rep, "lists", $"listId={listId}")).GetProperty("lists").EnumerateArray());
        // A list created after the period is not in it.
        Assert.Empty((await ReportAsync(admin, "lists", $"from=2020-01-01&to=2020-12-31&listId={listId}")).GetProperty("lists").EnumerateArray());
    }
}

public sealed class ActivityAndListReportsTestsSqlite(SqliteApp f) : ActivityAndListReportsTests(f.Factory), IClassFixture<SqliteApp>;
public sealed class ActivityAndListReportsTestsPostgres(PostgresApp f) : ActivityAndListReportsTests(f.Factory), IClassFixture<PostgresApp>;
