using System.Globalization;
using System.Net;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Prospector.Data;
using Prospector.Tests.Infrastructure;

namespace Prospector.Tests.Http;

/// <summary>
/// Random histories (stages moved forward and back, disqualified and recontacted, deals won, lost, cancelled and reopened,
/// contacts deleted, restored and moved to another team; callers in several time zones) and the funnel and win/loss
/// figures of the API checked against a brute-force recomputation over the raw events in memory, as an admin and as a rep.
/// </summary>
public abstract class ReportPropertyTests(ProspectorFactory app)
{
    private static readonly string[] Zones = ["Europe/Berlin", "America/New_York", "Asia/Tokyo", "UTC", "Europe/Amsterdam"];
    private static readonly string[] Reasons = ["No budget", "Too expensive", "Competitor", ""];
    private static readonly DateTime Epoch = new(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc);

    private sealed record Ev(Stage? From, Stage? To, LeadStatus? ToStatus, string? Reason, DateTime At);
    private sealed class C
    {
        public long Id; public long? Owner, Team; public Stage Stage; public LeadStatus Status; public string? Why; public bool Deleted;
        public List<Ev> Events = [];
    }
    private sealed record D(long? Contact, OpportunityState State, DateTime? ClosedAt, string? Reason, decimal Amount, string Currency, long? Owner, long? Team);

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public async Task Funnel_and_win_loss_match_a_recomputation_over_the_raw_events(int seed)
    {
        var random = new Random(seed);
        var source = TestHttp.Unique("Prop");
        var teamA = TestHttp.Unique("A");
        var repA = await app.UserAsync("Rep", teamA);
        var repB = await app.UserAsync("Rep", TestHttp.Unique("B"));
        var admin = await app.UserAsync("Admin");
        var people = new[] { repA, repB };
        var (contacts, deals) = Generate(random, people);
        await StoreAsync(contacts, deals, source);

        for (var round = 0; round < 4; round++)
        {
            var zone = Zones[random.Next(Zones.Length)];
            var caller = round % 2 == 0 ? admin : repA;
            await app.WithDbAsync(async (db, _) => { (await db.Users.FindAsync(caller.Id))!.TimeZone = zone; return await db.SaveChangesAsync(); });
            var from = DateOnly.FromDateTime(Epoch).AddDays(random.Next(0, 150));
            var to = from.AddDays(random.Next(0, 90));
            var query = $"from={from:yyyy-MM-dd}&to={to:yyyy-MM-dd}&source={source}";
            var tz = TimeZoneInfo.FindSystemTimeZoneById(zone);
            var (start, end) = (TimeZoneInfo.ConvertTimeToUtc(from.ToDateTime(TimeOnly.MinValue), tz), TimeZoneInfo.ConvertTimeToUtc(to.AddDays(1).ToDateTime(TimeOnly.MinValue), tz));
            bool Sees(long? owner, long? team) => caller == admin || owner == repA.Id || (owner is null && team is null) || team == repA.TeamId;
            var visible = contacts.Where(c => !c.Deleted && Sees(c.Owner, c.Team)).ToList();
            var context = $"seed {seed}, round {round}, {zone}, {query}, as {caller.Role}";

            var f = await GetAsync(caller, "funnel", query);
            // Cohort: first stage change to Lead or later within the period; reached = ever at that stage or later.
            var cohort = visible.Where(c => c.Events.Where(e => e.To >= Stage.Lead).Select(e => (DateTime?)e.At).Min() is { } first && first >= start && first < end).ToList();
            Assert.True(cohort.Count == f.GetProperty("cohort").GetInt32(), context + " cohort");
            foreach (var step in f.GetProperty("cohortSteps").EnumerateArray())
            {
                var s = Enum.Parse<Stage>(step.GetProperty("stage").GetString()!);
                var expected = cohort.Count(c => c.Stage >= s || c.Events.Any(e => e.To >= s));
                Assert.True(expected == step.GetProperty("reached").GetInt32(), $"{context} reached {s}: {expected} expected");
                var still = cohort.Count(c => c.Stage == s && c.Status != LeadStatus.Unqualified);
                Assert.True(still == step.GetProperty("stillThere").GetInt32(), $"{context} still there at {s}: {still} expected");
            }
            var inPeriod = visible.SelectMany(c => c.Events.Where(e => e.At >= start && e.At < end && e.To is not null).Select(e => (c, e))).ToList();
            foreach (var step in f.GetProperty("periodSteps").EnumerateArray())
            {
                var s = Enum.Parse<Stage>(step.GetProperty("stage").GetString()!);
                // Moves, not distinct contacts: every stage change of the period counts.
                var entered = inPeriod.Count(x => x.e.To == s && (x.e.From is null || x.e.From < s));
                var on = inPeriod.Count(x => x.e.From == s && x.e.To > s);
                var back = inPeriod.Count(x => x.e.From == s && x.e.To < s);
                Assert.Equal($"{s} {entered}/{on}/{back}",
                    $"{s} {step.GetProperty("entered")}/{step.GetProperty("movedOn")}/{step.GetProperty("movedBack")}");
            }
            var visibleIds = visible.Select(c => c.Id).ToHashSet();
            var shownDeals = deals.Where(d => Sees(d.Owner, d.Team) && d.Contact is { } cid && visibleIds.Contains(cid)).ToList();
            var closed = shownDeals.Where(d => d.ClosedAt >= start && d.ClosedAt < end).ToList();
            var drops = visible.SelectMany(c => c.Events.Where(e => e.ToStatus == LeadStatus.Unqualified && e.At >= start && e.At < end))
                .GroupBy(e => e.Reason ?? "").Select(g => $"Disqualified {g.Key} {g.Count()}")
                .Concat(closed.Where(d => d.State is OpportunityState.Lost or OpportunityState.Cancelled).GroupBy(d => (d.State, d.Reason ?? ""))
                    .Select(g => $"{g.Key.State} {g.Key.Item2} {g.Count()}")).Order().ToList();
            Assert.Equal(drops, Drops(f.GetProperty("periodDropOuts")).Order().ToList());

            var w = await GetAsync(caller, "win-loss", query);
            Assert.Equal($"{closed.Count(d => d.State == OpportunityState.Won)}/{closed.Count(d => d.State == OpportunityState.Lost)}/{closed.Count(d => d.State == OpportunityState.Cancelled)}",
                $"{w.GetProperty("won")}/{w.GetProperty("lost")}/{w.GetProperty("cancelled")}");
            var amounts = closed.Where(d => d.State == OpportunityState.Won).GroupBy(d => d.Currency)
                .Select(g => $"{g.Key} {g.Count()} {g.Sum(d => d.Amount).ToString(CultureInfo.InvariantCulture)}").Order().ToList();
            Assert.Equal(amounts, w.GetProperty("wonAmounts").EnumerateArray()
                .Select(a => $"{a.GetProperty("currency").GetString()} {a.GetProperty("count")} {a.GetProperty("total").GetDecimal().ToString("0.##", CultureInfo.InvariantCulture)}").Order().ToList());
        }
    }

    private static (List<C>, List<D>) Generate(Random r, TestUser[] people)
    {
        var contacts = new List<C>();
        var deals = new List<D>();
        for (var i = 0; i < 40; i++)
        {
            var owner = people[r.Next(people.Length)];
            var c = new C { Owner = owner.Id, Team = owner.TeamId, Status = LeadStatus.Working };
            if (r.Next(8) == 0) (c.Owner, c.Team) = (null, null); // the shared pool
            var at = Epoch.AddHours(r.Next(0, 24 * 200));
            var stage = r.Next(3) == 0 ? Stage.Suspect : Stage.Lead;
            c.Events.Add(new Ev(null, stage, null, null, at));
            for (var k = r.Next(0, 6); k > 0; k--)
            {
                at = at.AddHours(r.Next(1, 24 * 30));
                var next = (Stage)r.Next(0, 5);
                if (next == stage) continue;
                c.Events.Add(new Ev(stage, next, null, null, at));
                stage = next;
                if (r.Next(5) == 0)
                {
                    // Disqualified, and sometimes recontacted later.
                    at = at.AddHours(r.Next(1, 24 * 10));
                    var why = Reasons[r.Next(Reasons.Length)];
                    c.Events.Add(new Ev(null, null, LeadStatus.Unqualified, why, at));
                    (c.Status, c.Why) = (LeadStatus.Unqualified, why);
                    if (r.Next(2) == 0)
                    {
                        at = at.AddHours(r.Next(1, 24 * 10));
                        c.Events.Add(new Ev(null, null, LeadStatus.Working, null, at));
                        (c.Status, c.Why) = (LeadStatus.Working, null);
                    }
                }
            }
            c.Stage = stage;
            c.Deleted = r.Next(10) == 0; // in the recycle bin (the others may have been deleted and restored: nothing shows it)
            if (r.Next(6) == 0) { var other = people.First(p => p.Id != c.Owner); (c.Owner, c.Team) = (other.Id, other.TeamId); } // moved to another team
            contacts.Add(c);
        }
        return (contacts, deals);
    }

    private async Task StoreAsync(List<C> contacts, List<D> deals, string source)
    {
        var r = new Random(contacts.Count);
        await app.WithDbAsync(async (db, _) =>
        {
            var sourceId = await TestSources.IdAsync(db, source);
            var rows = contacts.Select(c => new Contact
            {
                LastName = "Prop", LeadSourceId = sourceId, OwnerId = c.Owner, TeamId = c.Team, Stage = c.Stage, LeadStatus = c.Status, UnqualifiedReason = c.Why,
            }).ToList();
            db.Contacts.AddRange(rows);
            await db.SaveChangesAsync();
            foreach (var (c, row) in contacts.Zip(rows))
            {
                c.Id = row.Id;
                if (c.Deleted) row.DeletedAt = Epoch;
                db.LifecycleEvents.AddRange(c.Events.Select(e => new LifecycleEvent
                {
                    ContactId = c.Id, Kind = e.To is null ? LifecycleEventKind.StatusChanged : LifecycleEventKind.StageChanged,
                    FromStage = e.From, ToStage = e.To, ToStatus = e.ToStatus, Reason = e.Reason, At = e.At,
                }));
            }
            var pipeline = await db.Pipelines.OrderByDescending(p => p.IsDefault).ThenBy(p => p.Id).FirstAsync();
            var step = await db.PipelineSteps.Where(s => s.PipelineId == pipeline.Id).OrderBy(s => s.SortOrder).FirstAsync();
            foreach (var c in contacts)
                for (var k = r.Next(0, 3); k > 0; k--)
                {
                    var state = (OpportunityState)r.Next(0, 5);
                    // A reopened deal is open again: no closed time, no reason.
                    var closedAt = state is OpportunityState.Open or OpportunityState.Standby ? (DateTime?)null : Epoch.AddHours(r.Next(0, 24 * 240));
                    var reason = closedAt is null ? null : Reasons[r.Next(Reasons.Length)] is { Length: > 0 } why ? why : null;
                    var amount = (decimal)r.Next(1, 50) * 100;
                    var currency = r.Next(3) == 0 ? "CHF" : "EUR";
                    // Deals follow their contact's team, except now and then (a deal handed to someone else).
                    var (owner, team) = r.Next(5) == 0 ? (contacts[r.Next(contacts.Count)].Owner, contacts[r.Next(contacts.Count)].Team) : (c.Owner, c.Team);
                    deals.Add(new D(c.Id, state, closedAt, reason, amount, currency, owner, team));
                    db.Opportunities.Add(new Opportunity
                    {
                        Title = "Prop", ContactId = c.Id, PipelineId = pipeline.Id, StepId = step.Id, Amount = amount, Currency = currency, Probability = 50,
                        State = state, ClosedAt = closedAt, CloseReason = reason, OwnerId = owner, TeamId = team,
                    });
                }
            return await db.SaveChangesAsync();
        });
    }

    private static async Task<JsonElement> GetAsync(TestUser u, string report, string query)
    {
        var res = await u.Client.GetAsync($"/api/v1/reports/{report}?{query}");
        var text = await res.Content.ReadAsStringAsync();
        Assert.True(res.StatusCode == HttpStatusCode.OK, $"{report}: {(int)res.StatusCode} {text}");
        return JsonDocument.Parse(text).RootElement;
    }

    private static List<string> Drops(JsonElement list) =>
        [.. list.EnumerateArray().Select(d => $"{d.GetProperty("kind").GetString()} {d.GetProperty("reason").GetString()} {d.GetProperty("count").GetInt32()}")];
}

public sealed class ReportPropertyTestsSqlite(SqliteApp f) : ReportPropertyTests(f.Factory), IClassFixture<SqliteApp>;
public sealed class ReportPropertyTestsPostgres(PostgresApp f) : ReportPropertyTests(f.Factory), IClassFixture<PostgresApp>;
