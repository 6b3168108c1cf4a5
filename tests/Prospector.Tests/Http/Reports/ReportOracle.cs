using System.Globalization;
using Prospector.Data;
using static Prospector.Tests.Http.Reports.RecordedHistory;

namespace Prospector.Tests.Http.Reports;

/// <summary>Who looks, from where: the viewer's id, role, team and time zone.</summary>
internal sealed record Viewer(long Id, bool Admin, long? Team, string Zone);

/// <summary>A report query: the viewer's days (both included) and the record filters.</summary>
internal sealed record Query(DateOnly From, DateOnly To, long? TeamId, long? OwnerId)
{
    public string Text(string source) => $"from={From:yyyy-MM-dd}&to={To:yyyy-MM-dd}&source={source}" +
        (TeamId is { } t ? $"&teamId={t}" : "") + (OwnerId is { } o ? $"&ownerId={o}" : "");
}

/// <summary>
/// The reports recomputed plainly from the recorded log (no product code). The definitions, as docs/reports.md states them:
/// <list type="bullet">
/// <item>A record counts when the viewer may see it now (admin: all; rep: own, own team's, or the shared pool), it is not in the
/// recycle bin, and it matches the filters by its current values (team, owner, source; a deal's source is its contact's).</item>
/// <item>The period is [viewer's midnight of From, viewer's midnight after To).</item>
/// <item>Cohort: contacts whose first move to Lead or higher lies in the period. Reached(stage): the contact is at that stage or
/// later now, or ever moved to it or later — once per contact however often it went back and forth.</item>
/// <item>Cohort still there: of the cohort, the contacts at that stage now and not disqualified.</item>
/// <item>Period: every move counts (not distinct contacts): entered = upward moves into the stage (or a contact created in it) in
/// the period; moved on / back = moves out of the stage upward / downward in the period. Drop-outs: disqualifications in the period (by reason) and deals now lost or cancelled that closed in the period.</item>
/// <item>Stage and step times: a stay runs from the move into a stage (step) to the contact's (deal's) next move; stays that
/// ended in the period; every length in completed days (23 hours is 0); median and 75th percentile as PERCENTILE.INC of those.
/// Lead to won: won deals closed in the period whose contact
/// was a Lead (or later) before the win (a suspect made a customer by the win itself has no lead phase).</item>
/// <item>Win/loss: deals closed in the period as they stand now (a reopened deal is not closed); win rate = won / (won + lost).</item>
/// <item>Forecast: open deals by expected close month (unweighted, and weighted by probability), won deals by the viewer's month
/// they were won in, open deals whose close date is before the viewer's today.</item>
/// <item>Activity: conversations (not notes) by the rep who logged them, per bucket (week from Monday when the period is under 13
/// weeks, else month, clipped to the period).</item>
/// </list>
/// </summary>
internal sealed class ReportOracle(RecordedHistory h, Viewer v, Query q, Dictionary<long, long?> teamOf)
{
    private readonly TimeZoneInfo _zone = TimeZoneInfo.FindSystemTimeZoneById(v.Zone);

    public DateTime Start => Midnight(q.From);
    public DateTime End => Midnight(q.To.AddDays(1));

    public DateTime Midnight(DateOnly d) => TimeZoneInfo.ConvertTimeToUtc(d.ToDateTime(TimeOnly.MinValue), _zone);

    private bool Sees(long? owner, long? team) => v.Admin || owner == v.Id || (team is not null && team == v.Team) || (owner is null && team is null);
    private bool In(DateTime t) => t >= Start && t < End;

    public List<C> Contacts => [.. h.People.Where(c => !c.Deleted && Sees(c.Owner, c.Team)
        && (q.TeamId is null || c.Team == q.TeamId) && (q.OwnerId is null || c.Owner == q.OwnerId))];

    public List<D> Deals
    {
        get
        {
            var contacts = h.People.Where(c => !c.Deleted && Sees(c.Owner, c.Team)).Select(c => c.Id).ToHashSet();
            return [.. h.Opportunities.Where(d => Sees(d.Owner, d.Team) && contacts.Contains(d.Contact)
                && (q.TeamId is null || d.Team == q.TeamId) && (q.OwnerId is null || d.Owner == q.OwnerId))];
        }
    }

    public List<C> Cohort => [.. Contacts.Where(c => c.Stages.Where(e => e.To >= Stage.Lead).Select(e => (DateTime?)e.At).Min() is { } first && In(first))];

    public int Reached(Stage s) => Cohort.Count(c => c.Stage >= s || c.Stages.Any(e => e.To >= s));

    public int StillThere(Stage s) => Cohort.Count(c => c.Stage == s && c.Status != LeadStatus.Unqualified);

    public string PeriodStep(Stage s)
    {
        var moves = Contacts.SelectMany(c => c.Stages.Where(e => In(e.At)).Select(e => (c, e))).ToList();
        var entered = moves.Count(x => x.e.To == s && (x.e.From is null || x.e.From < s));
        var on = moves.Count(x => x.e.From == s && x.e.To > s);
        var back = moves.Count(x => x.e.From == s && x.e.To < s);
        return $"{s} {entered}/{on}/{back}";
    }

    public List<string> CohortDrops()
    {
        var cohort = Cohort;
        var ids = cohort.Select(c => c.Id).ToHashSet();
        return Drops(cohort.Where(c => c.Status == LeadStatus.Unqualified).Select(c => c.Why), Deals.Where(d => ids.Contains(d.Contact)));
    }

    public List<string> PeriodDrops() =>
        Drops(Contacts.SelectMany(c => c.Statuses.Where(e => e.To == LeadStatus.Unqualified && In(e.At)).Select(e => e.Reason)),
            Deals.Where(d => d.ClosedAt is { } t && In(t)));

    private static List<string> Drops(IEnumerable<string?> disqualified, IEnumerable<D> deals) =>
        [.. disqualified.GroupBy(r => r ?? "").Select(g => $"Disqualified {g.Key} {g.Count()}")
            .Concat(deals.Where(d => d.State is OpportunityState.Lost or OpportunityState.Cancelled).GroupBy(d => (d.State, d.Reason ?? ""))
                .Select(g => $"{g.Key.State} {g.Key.Item2} {g.Count()}")).Order(StringComparer.Ordinal)];

    /// <summary>The stays in the stage that ended in the period (and, for the trend, in that month of the viewer's).</summary>
    public List<double> StageStays(Stage s, DateOnly? month = null)
    {
        var days = new List<double>();
        foreach (var c in Contacts)
            for (var i = 0; i + 1 < c.Stages.Count; i++)
                if (c.Stages[i].To == s && In(c.Stages[i + 1].At) && InMonth(c.Stages[i + 1].At, month)) days.Add(Days(c.Stages[i + 1].At - c.Stages[i].At));
        return days;
    }

    private bool InMonth(DateTime t, DateOnly? month) => month is not { } m || (t >= Midnight(m) && t < Midnight(m.AddMonths(1)));

    public List<double> LeadToWonIn(DateOnly month) => [.. Closed.Where(d => d.State == OpportunityState.Won && InMonth(d.ClosedAt!.Value, month))
        .Select(d => (d, lead: h.People.Single(c => c.Id == d.Contact).Stages.Where(e => e.To >= Stage.Lead).Min(e => (DateTime?)e.At)))
        .Where(x => x.lead is { } l && l < x.d.ClosedAt).Select(x => Days(x.d.ClosedAt!.Value - x.lead!.Value))];

    public List<double> StepStays(long step)
    {
        var days = new List<double>();
        foreach (var d in Deals)
            for (var i = 0; i + 1 < d.Steps.Count; i++)
                if (d.Steps[i].To == step && d.Steps[i + 1].From == step && In(d.Steps[i + 1].At)) days.Add(Days(d.Steps[i + 1].At - d.Steps[i].At));
        return days;
    }

    public List<D> Closed => [.. Deals.Where(d => d.ClosedAt is { } t && In(t) && d.State is OpportunityState.Won or OpportunityState.Lost or OpportunityState.Cancelled)];

    public List<double> LeadToWon => [.. Closed.Where(d => d.State == OpportunityState.Won)
        .Select(d => (d, lead: h.People.Single(c => c.Id == d.Contact).Stages.Where(e => e.To >= Stage.Lead).Min(e => (DateTime?)e.At)))
        .Where(x => x.lead is { } l && l < x.d.ClosedAt).Select(x => Days(x.d.ClosedAt!.Value - x.lead!.Value))];

    public List<double> DealToWon => [.. Closed.Where(d => d.State == OpportunityState.Won).Select(d => Days(d.ClosedAt!.Value - d.CreatedAt))];

    public List<double> OpenAge(DateTime now) => [.. Deals.Where(d => d.State == OpportunityState.Open).Select(d => Days(now - d.CreatedAt))];

    public List<string> WinLossOwners() => [.. Closed.GroupBy(d => d.Owner).Select(g => Row(g.Key, g)).Order(StringComparer.Ordinal)];
    public List<string> WinLossTeams() => [.. Closed.GroupBy(d => d.Team).Select(g => Row(g.Key, g)).Order(StringComparer.Ordinal)];
    public List<string> WinLossSteps() => [.. Closed.GroupBy(d => (long?)d.Step).Select(g => Row(g.Key, g)).Order(StringComparer.Ordinal)];

    private static string Row(long? key, IEnumerable<D> g) =>
        $"{key} {g.Count(d => d.State == OpportunityState.Won)}/{g.Count(d => d.State == OpportunityState.Lost)}/{g.Count(d => d.State == OpportunityState.Cancelled)}";

    public List<string> WonAmounts() => [.. Closed.Where(d => d.State == OpportunityState.Won).GroupBy(d => d.Currency)
        .Select(g => $"{g.Key} {g.Count()} {Money(g.Sum(d => d.Amount))}").Order(StringComparer.Ordinal)];

    public List<string> ForecastMonths()
    {
        var months = new List<DateOnly>();
        for (var m = new DateOnly(q.From.Year, q.From.Month, 1); m <= q.To; m = m.AddMonths(1)) months.Add(m);
        var rows = new List<string>();
        foreach (var m in months)
        {
            var open = Deals.Where(d => d.State == OpportunityState.Open && d.ExpectedClose is { } e && e.Year == m.Year && e.Month == m.Month).ToList();
            var (from, to) = (Midnight(m), Midnight(m.AddMonths(1)));
            var won = Deals.Where(d => d.State == OpportunityState.Won && d.ClosedAt >= from && d.ClosedAt < to).ToList();
            foreach (var cur in open.Select(d => d.Currency).Concat(won.Select(d => d.Currency)).Distinct())
            {
                var o = open.Where(d => d.Currency == cur).ToList();
                var w = won.Where(d => d.Currency == cur).ToList();
                rows.Add($"{m:yyyy-MM} {cur} open {o.Count} {Money(o.Sum(d => d.Amount))} weighted {Money(o.Sum(d => d.Amount * d.Probability / 100m))} won {w.Count} {Money(w.Sum(d => d.Amount))}");
            }
        }
        return [.. rows.Order(StringComparer.Ordinal)];
    }

    public List<string> Overdue(DateOnly today) => [.. Deals.Where(d => d.State == OpportunityState.Open && d.ExpectedClose < today).GroupBy(d => d.Currency)
        .Select(g => $"{g.Key} {g.Count()} {Money(g.Sum(d => d.Amount))}").Order(StringComparer.Ordinal)];

    public List<string> ConversationCounts()
    {
        var weekly = q.To.DayNumber - q.From.DayNumber < 13 * 7;
        var contacts = Contacts.Select(c => c.Id).ToHashSet(); // the source filter narrows conversations to the reported contacts
        DateOnly Bucket(DateTime at)
        {
            var day = DateOnly.FromDateTime(TimeZoneInfo.ConvertTimeFromUtc(at, _zone));
            var start = weekly ? day.AddDays(-(((int)day.DayOfWeek + 6) % 7)) : new DateOnly(day.Year, day.Month, 1);
            return start < q.From ? q.From : start;
        }
        return [.. h.Conversations.Where(x => x.Channel != Channel.Note && In(x.At) && contacts.Contains(x.ContactId)
                && (q.OwnerId is null || x.UserId == q.OwnerId) && (q.TeamId is null || teamOf.GetValueOrDefault(x.UserId) == q.TeamId))
            .GroupBy(x => (Bucket(x.At), x.UserId, x.Channel)).Select(g => $"{g.Key.Item1:yyyy-MM-dd} {g.Key.UserId} {g.Key.Channel} {g.Count()}")
            .Order(StringComparer.Ordinal)];
    }

    public static string Money(decimal m) => Math.Round(m, 2).ToString("0.00", CultureInfo.InvariantCulture);

    /// <summary>A length in completed days: 23 hours is 0, 25 hours is 1 (truncated towards zero).</summary>
    public static double Days(TimeSpan span) => span.Ticks / TimeSpan.TicksPerDay;

    /// <summary>PERCENTILE.INC to 0.1 day.</summary>
    public static double? Percentile(List<double> values, double p)
    {
        if (values.Count == 0) return null;
        var s = values.Order().ToArray();
        var rank = p * (s.Length - 1);
        var lo = (int)Math.Floor(rank);
        var hi = Math.Min(lo + 1, s.Length - 1);
        return Math.Round(s[lo] + (s[hi] - s[lo]) * (rank - lo), 1, MidpointRounding.AwayFromZero);
    }
}
