using Microsoft.EntityFrameworkCore;
using Prospector.Data;
using Prospector.Features.Common;

namespace Prospector.Features.Reports;

/// <summary>Open deals of one currency: how many, their amount and their amount weighted by probability.</summary>
public sealed record PipelineAmount(string Currency, int Count, decimal Total, decimal Weighted);

/// <summary>
/// One rep's figures (or a team's subtotal, or the total: then <see cref="UserId"/> is null and <see cref="IsRep"/> false).
/// Amounts are per currency, never added across currencies.
/// </summary>
public sealed record TeamRow(long? TeamId, string Team, long? UserId, string Rep, bool IsRep, int LeadsCreated, int Contacted, int Qualified,
    int DealsCreated, int DealsWon, IReadOnlyList<CurrencyAmount> WonAmounts, int DealsLost, double? WinRate, int OpenDeals,
    IReadOnlyList<PipelineAmount> OpenPipeline, int Conversations, int ActionsDone, int ActionsOverdue, int WithoutNextAction);

/// <summary>
/// The manager's view per rep: what each rep's records did in the period, their pipeline and hygiene now. A rep's row counts
/// the records they own (contacts, deals), the conversations they logged and the next actions assigned to them; a rep sits
/// under the team they belong to (the filtered team, else their first team by name), then a subtotal per team and the total.
/// A rep without "reps see everything" sees only their own row. docs/reports.md defines each figure.
/// </summary>
public sealed record TeamReport(PeriodDto Period, IReadOnlyList<TeamRow> Rows, TeamRow Total, bool OwnRowOnly)
{
    public static async Task<TeamReport> ComputeAsync(ReportBasis b, CancellationToken ct)
    {
        var ownOnly = !b.Scope.IsManagerOrAdmin && !b.Scope.SeesAll;
        var period = new PeriodDto(b.Period.From, b.Period.To, b.Period.TimeZone);
        if (ownOnly)
        {
            if (b.Filter.OwnerId is { } other && other != b.Scope.UserId)
                return new TeamReport(period, [], Sum(null, "", []), true);
            b = b with { Filter = b.Filter with { OwnerId = b.Scope.UserId } };
        }
        var (s, e) = (b.Period.StartUtc, b.Period.EndUtc);

        var leads = await ByOwnerAsync(FunnelReport.CohortOf(b), ct);
        var contacted = await ByOwnerAsync(ContactedIn(b), ct);
        var qualified = await ByOwnerAsync(FunnelReport.EnteredInPeriod(b, Stage.Prospect), ct);
        var deals = b.Opportunities();
        var created = await deals.Where(o => o.CreatedAt >= s && o.CreatedAt < e).GroupBy(o => o.OwnerId)
            .Select(g => new { g.Key, N = g.Count() }).ToDictionaryAsync(x => x.Key ?? 0, x => x.N, ct);
        var closed = await deals.Where(b.ClosedInPeriod).Where(o => o.State == OpportunityState.Won || o.State == OpportunityState.Lost)
            .GroupBy(o => new { o.OwnerId, o.State, o.Currency })
            .Select(g => new { g.Key.OwnerId, g.Key.State, g.Key.Currency, N = g.Count(), Sum = g.Sum(o => (double)o.Amount) }).ToListAsync(ct);
        var open = await deals.Where(Definitions.InPipelineValue).GroupBy(o => new { o.OwnerId, o.Currency })
            .Select(g => new
            {
                g.Key.OwnerId, g.Key.Currency, N = g.Count(), Sum = g.Sum(o => (double)o.Amount),
                Weighted = g.Sum(o => (double)o.Amount * o.Probability / 100.0)
            }).ToListAsync(ct);
        var hygiene = (await ActivityReport.ComputeAsync(b, ct)).Reps.ToDictionary(r => r.UserId ?? 0);

        var ids = leads.Keys.Concat(contacted.Keys).Concat(qualified.Keys).Concat(created.Keys).Concat(closed.Select(x => x.OwnerId ?? 0))
            .Concat(open.Select(x => x.OwnerId ?? 0)).Concat(hygiene.Keys).Distinct().ToList();
        var names = await b.Db.Users.Where(u => ids.Contains(u.Id)).ToDictionaryAsync(u => u.Id, u => u.DisplayName, ct);
        var memberships = await b.Db.TeamMembers.Where(m => ids.Contains(m.UserId)).Join(b.Db.Teams, m => m.TeamId, t => t.Id,
            (m, t) => new { m.UserId, t.Id, t.Name }).ToListAsync(ct);

        var reps = new List<TeamRow>();
        foreach (var id in ids)
        {
            var mine = memberships.Where(m => m.UserId == id).OrderBy(m => m.Id == b.Filter.TeamId ? 0 : 1)
                .ThenBy(m => b.Scope.TeamIds.Contains(m.Id) ? 0 : 1).ThenBy(m => m.Name, StringComparer.CurrentCulture).FirstOrDefault();
            long? key = id == 0 ? null : id;
            var won = closed.Where(x => x.OwnerId == key && x.State == OpportunityState.Won).ToList();
            var lost = closed.Where(x => x.OwnerId == key && x.State == OpportunityState.Lost).Sum(x => x.N);
            var h = hygiene.GetValueOrDefault(id);
            reps.Add(new TeamRow(mine?.Id, mine?.Name ?? "", key, key is { } k ? names.GetValueOrDefault(k, "") : "", true,
                leads.GetValueOrDefault(id), contacted.GetValueOrDefault(id), qualified.GetValueOrDefault(id), created.GetValueOrDefault(id),
                won.Sum(x => x.N), [.. won.Select(x => CurrencyAmount.FromSum(x.Currency, x.N, x.Sum)).OrderBy(a => a.Currency, StringComparer.Ordinal)],
                lost, FunnelReport.Rate(won.Sum(x => x.N), won.Sum(x => x.N) + lost),
                open.Where(x => x.OwnerId == key).Sum(x => x.N),
                [.. open.Where(x => x.OwnerId == key).OrderBy(x => x.Currency, StringComparer.Ordinal)
                    .Select(x => new PipelineAmount(x.Currency, x.N, Math.Round((decimal)x.Sum, 2), Math.Round((decimal)x.Weighted, 2)))],
                h?.Conversations ?? 0, h?.ActionsDone ?? 0, h?.ActionsOverdue ?? 0, h?.WithoutNextAction ?? 0));
        }

        var rows = new List<TeamRow>();
        foreach (var team in reps.GroupBy(r => (r.TeamId, r.Team)).OrderBy(g => g.Key.TeamId is null).ThenBy(g => g.Key.Team, StringComparer.CurrentCulture))
        {
            rows.AddRange(team.OrderBy(r => r.UserId is null).ThenBy(r => r.Rep, StringComparer.CurrentCulture).ThenBy(r => r.UserId));
            rows.Add(Sum(team.Key.TeamId, team.Key.Team, [.. team]));
        }
        return new TeamReport(period, rows, Sum(null, "", reps), ownOnly);
    }

    /// <summary>Contacts (as reported) with a conversation (not a note) logged in the period that the user may see.</summary>
    public static IQueryable<Contact> ContactedIn(ReportBasis b)
    {
        var (s, e) = (b.Period.StartUtc, b.Period.EndUtc);
        var ids = b.Scope.FilterAbout(b.Db.Activities, b.Db).Where(a => a.Channel != Channel.Note && a.OccurredAt >= s && a.OccurredAt < e)
            .Select(a => a.ContactId);
        return b.Contacts().Where(c => ids.Contains(c.Id));
    }

    private static async Task<Dictionary<long, int>> ByOwnerAsync(IQueryable<Contact> contacts, CancellationToken ct) =>
        await contacts.GroupBy(c => c.OwnerId).Select(g => new { g.Key, N = g.Count() }).ToDictionaryAsync(x => x.Key ?? 0, x => x.N, ct);

    /// <summary>A team's subtotal or the total: counts added, amounts added per currency only.</summary>
    private static TeamRow Sum(long? teamId, string team, IReadOnlyList<TeamRow> rows)
    {
        var won = rows.Sum(r => r.DealsWon);
        var lost = rows.Sum(r => r.DealsLost);
        return new TeamRow(teamId, team, null, "", false, rows.Sum(r => r.LeadsCreated), rows.Sum(r => r.Contacted), rows.Sum(r => r.Qualified),
            rows.Sum(r => r.DealsCreated), won,
            [.. rows.SelectMany(r => r.WonAmounts).GroupBy(a => a.Currency).OrderBy(g => g.Key, StringComparer.Ordinal)
                .Select(g => new CurrencyAmount(g.Key, g.Sum(a => a.Count), g.Sum(a => a.Total), Math.Round(g.Sum(a => a.Total) / g.Sum(a => a.Count), 2)))],
            lost, FunnelReport.Rate(won, won + lost), rows.Sum(r => r.OpenDeals),
            [.. rows.SelectMany(r => r.OpenPipeline).GroupBy(a => a.Currency).OrderBy(g => g.Key, StringComparer.Ordinal)
                .Select(g => new PipelineAmount(g.Key, g.Sum(a => a.Count), g.Sum(a => a.Total), g.Sum(a => a.Weighted)))],
            rows.Sum(r => r.Conversations), rows.Sum(r => r.ActionsDone), rows.Sum(r => r.ActionsOverdue), rows.Sum(r => r.WithoutNextAction));
    }
}
