using System.Globalization;
using System.Net;
using System.Text.Json;
using Prospector.Data;
using Prospector.Tests.Infrastructure;

namespace Prospector.Tests.Http.Reports;

/// <summary>
/// The correctness test of the reports: random histories made through the API on a test clock (stages forward and back,
/// disqualified and brought back, deals moved, won, lost, cancelled and reopened, contacts deleted and restored (deals have no recycle bin),
/// contacts handed to another team, conversations on several channels, several currencies), then every figure of the funnel,
/// stage times, step times, win/loss, forecast and activity reports, for several periods and filters, as an admin and as a
/// rep, in several time zones, compared with <see cref="ReportOracle"/>: a plain recomputation over the log the test recorded.
/// A failure names the seed; replay one with PROSPECTOR_REPORT_SEED=n; PROSPECTOR_REPORT_SEEDS=n runs n seeds (default 2),
/// PROSPECTOR_REPORT_OPS=n makes longer histories (default 70).
/// </summary>
public abstract partial class ReportOracleTests(ProspectorFactory app)
{
    private ProspectorFactory App => app;

    private static readonly string[] Zones = ["Europe/Berlin", "America/New_York", "Asia/Tokyo", "UTC", "Pacific/Auckland"];
    private static readonly string[] Reasons = ["No budget", "Too expensive", "Competitor"];
    private static readonly string[] Currencies = ["EUR", "CHF", "USD"];
    private static readonly Channel[] Channels = [Channel.Phone, Channel.Email, Channel.Sms, Channel.Social, Channel.InPerson, Channel.Note];
    internal static readonly DateTime Epoch = new(2031, 1, 6, 0, 0, 0, DateTimeKind.Utc);

    public static TheoryData<int> Seeds()
    {
        var data = new TheoryData<int>();
        if (int.TryParse(Environment.GetEnvironmentVariable("PROSPECTOR_REPORT_SEED"), out var one)) { data.Add(one); return data; }
        var n = int.TryParse(Environment.GetEnvironmentVariable("PROSPECTOR_REPORT_SEEDS"), out var k) ? k : 2;
        for (var s = 1; s <= n; s++) data.Add(s);
        return data;
    }

    private static int Ops => int.TryParse(Environment.GetEnvironmentVariable("PROSPECTOR_REPORT_OPS"), out var k) ? k : 70;

    [Theory]
    [MemberData(nameof(Seeds))]
    public async Task Every_report_figure_matches_a_recomputation_over_the_recorded_history(int seed)
    {
        var r = new Random(seed);
        var admin = await app.UserAsync("Admin");
        var teamA = TestHttp.Unique("TA");
        var repA = await app.UserAsync("Rep", teamA);
        var repA2 = await app.UserAsync("Rep", teamA);
        var repB = await app.UserAsync("Rep", TestHttp.Unique("TB"));
        var reps = new[] { repA, repA2, repB };
        var teamOf = new[] { admin, repA, repA2, repB }.ToDictionary(u => u.Id, u => u.TeamId);
        try
        {
            var h = await GenerateAsync(r, admin, reps, Ops);
            var now = h.Now;
            var last = DateOnly.FromDateTime(now);
            var seen = new Coverage();
            for (var round = 0; round < 6; round++)
            {
                var viewer = round % 2 == 0 ? admin : repA;
                var zone = Zones[r.Next(Zones.Length)];
                await RecordedHistory.SetZoneAsync(app, viewer, zone);
                // Two rounds over the whole history (by month buckets), the others over a few days to six weeks anywhere in it.
                var from = round < 2 ? DateOnly.FromDateTime(Epoch).AddDays(-1)
                    : DateOnly.FromDateTime(Epoch).AddDays(r.Next(-3, Math.Max(1, last.DayNumber - DateOnly.FromDateTime(Epoch).DayNumber)));
                var to = round < 2 ? last.AddDays(1) : from.AddDays(r.Next(0, 40));
                var filter = (round / 2) switch { 0 => (null, null), 1 => (repA.TeamId, (long?)null), _ => ((long?)null, (long?)(r.Next(2) == 0 ? repA.Id : repB.Id)) };
                var q = new Query(from, to, filter.Item1, filter.Item2);
                var oracle = new ReportOracle(h, new Viewer(viewer.Id, viewer == admin, viewer.TeamId, zone), q, teamOf);
                var today = DateOnly.FromDateTime(TimeZoneInfo.ConvertTimeFromUtc(now, TimeZoneInfo.FindSystemTimeZoneById(zone)));
                var context = $"seed {seed} (replay: PROSPECTOR_REPORT_SEED={seed}), round {round}, as {viewer.Role} in {zone}, {q.Text(h.Source)}";
                await CheckAsync(viewer, h, q, oracle, now, today, context);
                seen.Add("cohort", oracle.Cohort.Count > 0);
                seen.Add("closed deals", oracle.Closed.Count > 0);
                seen.Add("stage stays", Enum.GetValues<Stage>().Any(s => oracle.StageStays(s).Count > 1));
                seen.Add("conversations", oracle.ConversationCounts().Count > 0);
                seen.Add("forecast", oracle.ForecastMonths().Count > 0);
            }
            // Not a vacuous pass: across the rounds each report had figures to compare.
            Assert.True(seen.All(), $"seed {seed}: the rounds compared only empty reports ({seen})");
        }
        finally
        {
            app.Clock.Offset = TimeSpan.Zero;
        }
    }

    internal static async Task<RecordedHistory> StartAsync(ProspectorFactory app, TestUser admin) => await RecordedHistory.StartAsync(app, admin);

    private async Task<RecordedHistory> GenerateAsync(Random r, TestUser admin, TestUser[] reps, int ops)
    {
        app.Clock.Offset = Epoch - DateTime.UtcNow;
        var h = await RecordedHistory.StartAsync(app, admin);
        var t = Epoch.AddHours(9);
        for (var i = 0; i < ops; i++)
        {
            t = t.AddMinutes(r.Next(30, 60 * 60));
            h.At(t);
            var today = DateOnly.FromDateTime(t).AddDays(1);
            var live = h.People.Where(c => !c.Deleted).ToList();
            var openDeals = h.Opportunities.Where(d => d.State == OpportunityState.Open && live.Any(c => c.Id == d.Contact)).ToList();
            var choice = live.Count < 3 ? 0 : r.Next(16);
            switch (choice)
            {
                case 0 or 1:
                    await h.NewContactAsync(reps[r.Next(reps.Length)], r.Next(3) == 0 ? Stage.Suspect : Stage.Lead);
                    break;
                case 2 or 3:
                    {
                        var c = live[r.Next(live.Count)];
                        // Mostly one step forward or back (Lead → Prospect → Lead → Prospect), sometimes a jump.
                        var to = r.Next(4) == 0 ? (Stage)r.Next(0, 5) : (Stage)Math.Clamp((int)c.Stage + (r.Next(3) == 0 ? -1 : 1), 0, 4);
                        await h.MoveAsync(c, to);
                        break;
                    }
                case 4:
                    {
                        var c = live[r.Next(live.Count)];
                        if (c.Status != LeadStatus.Unqualified) await h.DisqualifyAsync(c, Reasons[r.Next(Reasons.Length)]);
                        break;
                    }
                case 5 or 12:
                    {
                        var c = live[r.Next(live.Count)];
                        var close = DateOnly.FromDateTime(t).AddDays(r.Next(-20, 120));
                        await h.NewDealAsync(c, r.Next(1, 40) * 250m + r.Next(0, 100) / 100m, Currencies[r.Next(Currencies.Length)], r.Next(0, 11) * 10,
                            r.Next(6) == 0 ? null : close, today);
                        break;
                    }
                case 6 when openDeals.Count > 0:
                    await h.MoveDealAsync(openDeals[r.Next(openDeals.Count)], r.Next(h.Steps.Count));
                    break;
                case 7 or 13 or 14 when openDeals.Count > 0:
                    {
                        var state = (OpportunityState)r.Next(2, 5);
                        await h.CloseDealAsync(openDeals[r.Next(openDeals.Count)], state, state == OpportunityState.Won && r.Next(2) == 0 ? null : Reasons[r.Next(Reasons.Length)]);
                        break;
                    }
                case 8:
                    {
                        var closed = h.Opportunities.Where(d => d.State is OpportunityState.Lost or OpportunityState.Cancelled
                            && live.Any(c => c.Id == d.Contact)).ToList();
                        if (closed.Count > 0) await h.ReopenAsync(closed[r.Next(closed.Count)], today);
                        break;
                    }
                case 9:
                    {
                        var gone = h.People.Where(c => c.Deleted).ToList();
                        if (gone.Count > 0 && r.Next(2) == 0) await h.RestoreAsync(gone[r.Next(gone.Count)]);
                        else await h.DeleteAsync(live[r.Next(live.Count)]);
                        break;
                    }
                case 10:
                    {
                        var c = live[r.Next(live.Count)];
                        var to = reps.Where(u => u.TeamId != c.Team).ToArray();
                        await h.HandOverAsync(c, to[r.Next(to.Length)]);
                        break;
                    }
                default:
                    {
                        var c = live[r.Next(live.Count)];
                        var by = r.Next(4) == 0 ? admin : reps.Single(u => u.Id == c.Owner);
                        await h.LogAsync(c, by, Channels[r.Next(Channels.Length)]);
                        break;
                    }
            }
        }
        h.At(t.AddHours(1));
        return h;
    }

    internal static async Task CheckAsync(TestUser viewer, RecordedHistory h, Query q, ReportOracle o, DateTime now, DateOnly today, string context)
    {
        var query = q.Text(h.Source);
        var f = await GetAsync(viewer, "funnel", query);
        Assert.True(o.Cohort.Count == f.GetProperty("cohort").GetInt32(), $"{context}: cohort {o.Cohort.Count} expected, {f.GetProperty("cohort")} reported");
        Same(Stages(s => $"{s} {o.Reached(s)}/{o.StillThere(s)}", FunnelStages), [.. f.GetProperty("cohortSteps").EnumerateArray()
            .Select(x => $"{x.GetProperty("stage").GetString()} {x.GetProperty("reached")}/{x.GetProperty("stillThere")}")], context, "cohort reached/still there");
        Same(Stages(o.PeriodStep, Enum.GetValues<Stage>()), [.. f.GetProperty("periodSteps").EnumerateArray()
            .Select(x => $"{x.GetProperty("stage").GetString()} {x.GetProperty("entered")}/{x.GetProperty("movedOn")}/{x.GetProperty("movedBack")}")], context, "period steps");
        Same(o.CohortDrops(), Drops(f.GetProperty("cohortDropOuts")), context, "cohort drop-outs");
        Same(o.PeriodDrops(), Drops(f.GetProperty("periodDropOuts")), context, "period drop-outs");

        var st = await GetAsync(viewer, "stage-times", query);
        foreach (var row in st.GetProperty("stages").EnumerateArray())
            Duration(row, o.StageStays(Enum.Parse<Stage>(row.GetProperty("name").GetString()!)), context);
        Duration(st.GetProperty("leadToWon"), o.LeadToWon, context);
        // The trend: every month of the period, each stage and Lead → Won again, by the viewer's month the stay ended in.
        var trend = st.GetProperty("trend").EnumerateArray().ToList();
        Assert.Equal(Months(q).Select(m => m.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)), trend.Select(x => x.GetProperty("month").GetString()).Distinct());
        foreach (var row in trend)
        {
            var month = DateOnly.Parse(row.GetProperty("month").GetString()!, CultureInfo.InvariantCulture);
            var name = row.GetProperty("name").GetString()!;
            Duration(row, name == "LeadToWon" ? o.LeadToWonIn(month) : o.StageStays(Enum.Parse<Stage>(name), month), $"{context}, {month:yyyy-MM}");
        }
        Duration(st.GetProperty("dealToWon"), o.DealToWon, context);
        Duration(st.GetProperty("openDealAge"), o.OpenAge(now), context, tolerance: 0.2);
        foreach (var row in st.GetProperty("steps").EnumerateArray().Where(x => x.GetProperty("pipelineId").GetInt64() == h.PipelineId))
            Duration(row, o.StepStays(row.GetProperty("stepId").GetInt64()), context);

        var w = await GetAsync(viewer, "win-loss", query);
        var closed = o.Closed;
        Assert.Equal($"{closed.Count(d => d.State == OpportunityState.Won)}/{closed.Count(d => d.State == OpportunityState.Lost)}/{closed.Count(d => d.State == OpportunityState.Cancelled)}",
            $"{w.GetProperty("won")}/{w.GetProperty("lost")}/{w.GetProperty("cancelled")}");
        Same(o.WinLossOwners(), Rows(w, "Owner"), context, "win/loss by owner");
        Same(o.WinLossTeams(), Rows(w, "Team"), context, "win/loss by team");
        Same(o.WinLossSteps(), Rows(w, "Step"), context, "win/loss by step");
        Same(o.WonAmounts(), [.. w.GetProperty("wonAmounts").EnumerateArray().Select(a => $"{a.GetProperty("currency").GetString()} {a.GetProperty("count")} {ReportOracle.Money(a.GetProperty("total").GetDecimal())}").Order(StringComparer.Ordinal)], context, "won amounts");
        Same(Drops2(o.Closed), Drops(w.GetProperty("reasons")), context, "lost and cancelled reasons");

        var fc = await GetAsync(viewer, "forecast", query);
        Same(o.ForecastMonths(), [.. fc.GetProperty("months").EnumerateArray().Where(m => m.GetProperty("openCount").GetInt32() + m.GetProperty("wonCount").GetInt32() > 0)
            .Select(m => $"{DateOnly.Parse(m.GetProperty("month").GetString()!, CultureInfo.InvariantCulture):yyyy-MM} {m.GetProperty("currency").GetString()} open {m.GetProperty("openCount")} {ReportOracle.Money(m.GetProperty("open").GetDecimal())} weighted {ReportOracle.Money(m.GetProperty("weighted").GetDecimal())} won {m.GetProperty("wonCount")} {ReportOracle.Money(m.GetProperty("won").GetDecimal())}")
            .Order(StringComparer.Ordinal)], context, "forecast months");
        Same(o.Overdue(today), [.. fc.GetProperty("overdue").EnumerateArray().Select(a => $"{a.GetProperty("currency").GetString()} {a.GetProperty("count")} {ReportOracle.Money(a.GetProperty("total").GetDecimal())}").Order(StringComparer.Ordinal)], context, "overdue");

        var a = await GetAsync(viewer, "activity", query);
        Same(o.ConversationCounts(), [.. a.GetProperty("conversations").EnumerateArray()
            .Select(x => $"{x.GetProperty("start").GetString()} {x.GetProperty("userId")} {x.GetProperty("channel").GetString()} {x.GetProperty("count")}").Order(StringComparer.Ordinal)], context, "conversations");
    }

    private static IEnumerable<DateOnly> Months(Query q)
    {
        for (var m = new DateOnly(q.From.Year, q.From.Month, 1); m <= q.To; m = m.AddMonths(1)) yield return m;
    }

    private static void Same(List<string> expected, List<string> reported, string context, string what)
    {
        if (expected.SequenceEqual(reported)) return;
        Assert.Fail($"{context}: {what}\n expected: {string.Join(" | ", expected)}\n reported: {string.Join(" | ", reported)}");
    }

    private static readonly Stage[] FunnelStages = [Stage.Lead, Stage.Prospect, Stage.Customer, Stage.RepeatCustomer];

    private static List<string> Stages(Func<Stage, string> f, Stage[] stages) => [.. stages.Select(f)];

    private static List<string> Drops2(List<RecordedHistory.D> closed) => [.. closed.Where(d => d.State is OpportunityState.Lost or OpportunityState.Cancelled)
        .GroupBy(d => (d.State, d.Reason ?? "")).Select(g => $"{g.Key.State} {g.Key.Item2} {g.Count()}").Order(StringComparer.Ordinal)];

    private static List<string> Rows(JsonElement w, string dimension) => [.. w.GetProperty("rows").EnumerateArray().Where(x => x.GetProperty("dimension").GetString() == dimension)
        .Select(x => $"{x.GetProperty("key").GetString()} {x.GetProperty("won")}/{x.GetProperty("lost")}/{x.GetProperty("cancelled")}").Order(StringComparer.Ordinal)];

    private static void Duration(JsonElement row, List<double> days, string context, double tolerance = 0.1)
    {
        var name = row.TryGetProperty("step", out var step) ? step.GetString() : row.GetProperty("name").GetString();
        Assert.True(days.Count == row.GetProperty("count").GetInt32(), $"{context}: {name} stays {days.Count} expected, {row.GetProperty("count")} reported");
        foreach (var (p, field) in new[] { (0.5, "medianDays"), (0.75, "p75Days") })
        {
            var expected = ReportOracle.Percentile(days, p);
            var got = row.GetProperty(field).ValueKind == JsonValueKind.Null ? (double?)null : row.GetProperty(field).GetDouble();
            // Writes are stamped a few milliseconds after the instant the test set: a day figure may round the other way.
            Assert.True(expected is null ? got is null : got is { } g && Math.Abs(g - expected.Value) <= tolerance + 1e-9,
                $"{context}: {name} {field} {expected} expected, {got} reported");
        }
    }

    private static async Task<JsonElement> GetAsync(TestUser u, string report, string query)
    {
        var res = await u.Client.GetAsync($"/api/v1/reports/{report}?{query}");
        var text = await res.Content.ReadAsStringAsync();
        Assert.True(res.StatusCode == HttpStatusCode.OK, $"{report}: {(int)res.StatusCode} {text}");
        return JsonDocument.Parse(text).RootElement;
    }

    private static List<string> Drops(JsonElement list) => [.. list.EnumerateArray()
        .Select(d => $"{d.GetProperty("kind").GetString()} {d.GetProperty("reason").GetString()} {d.GetProperty("count").GetInt32()}").Order(StringComparer.Ordinal)];
}

/// <summary>Which kinds of figure were non-empty in at least one round.</summary>
internal sealed class Coverage
{
    private readonly Dictionary<string, bool> _seen = [];

    public void Add(string what, bool nonEmpty)
    {
        _seen[what] = _seen.GetValueOrDefault(what) || nonEmpty;
    }

    public bool All() => _seen.Values.All(v => v);

    public override string ToString() => string.Join(", ", _seen.Select(kv => $"{kv.Key}: {(kv.Value ? "yes" : "none")}"));
}

public sealed class ReportOracleTestsSqlite(SqliteApp f) : ReportOracleTests(f.Factory), IClassFixture<SqliteApp>;
public sealed class ReportOracleTestsPostgres(PostgresApp f) : ReportOracleTests(f.Factory), IClassFixture<PostgresApp>;
