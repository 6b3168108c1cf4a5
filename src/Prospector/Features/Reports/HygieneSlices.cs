using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Prospector.Data;
using Prospector.Features.NextActions;

namespace Prospector.Features.Reports;

/// <summary>A hygiene figure of the activity and team reports: next actions done in the period, overdue now, open items without one.</summary>
public enum HygieneFigure { Done, Overdue, Without }

/// <summary>
/// The records behind the hygiene figures, one definition for the count and for the list a figure links to
/// (/reports/next-actions). Next actions count for their assignee; items without a next action for their owner.
/// </summary>
public static class HygieneSlices
{
    /// <summary>Next actions (not cancelled) the user may see, of the reported reps, about the reported contacts when a contact filter is set.</summary>
    private static IQueryable<NextAction> Actions(ReportBasis b)
    {
        var q = ActivityReport.ByRep(b, NextActionQueries.Visible(b.Db, b.Scope).Where(a => a.Status != NextActionStatus.Cancelled), a => a.AssigneeId);
        if (b.HasContactFilter) { var ids = b.Contacts().Select(c => (long?)c.Id); q = q.Where(a => ids.Contains(a.ContactId)); }
        return q;
    }

    /// <summary>Next actions completed within the period.</summary>
    public static IQueryable<NextAction> Done(ReportBasis b)
    {
        var (s, e) = (b.Period.StartUtc, b.Period.EndUtc);
        return Actions(b).Where(a => a.Status == NextActionStatus.Done && a.CompletedAt >= s && a.CompletedAt < e);
    }

    /// <summary>Open next actions whose day has passed (the user's today), as they stand now.</summary>
    public static IQueryable<NextAction> Overdue(ReportBasis b)
    {
        var today = b.Period.Today;
        return Actions(b).Where(a => a.Status == NextActionStatus.Open && a.DueDate < today);
    }

    /// <summary>Reported contacts that need a next action and have none.</summary>
    public static IQueryable<Contact> ContactsWithout(ReportBasis b)
    {
        // Without a record filter the reported contacts are those the user may see, which ContactsWithout already keeps: no
        // second pass over them (at a million contacts SQLite walked that list and looked up each contact: seconds).
        var without = NextActionQueries.ContactsWithout(b.Db, b.Scope, null);
        if (!b.HasRecordFilter) return without;
        var ids = b.Contacts().Select(c => c.Id);
        return without.Where(c => ids.Contains(c.Id));
    }

    /// <summary>Reported open deals without an open next action.</summary>
    public static IQueryable<Opportunity> DealsWithout(ReportBasis b)
    {
        var without = NextActionQueries.OpportunitiesWithout(b.Db, b.Scope, null);
        if (!b.HasRecordFilter) return without;
        var ids = b.Opportunities().Select(o => o.Id);
        return without.Where(o => ids.Contains(o.Id));
    }

    /// <summary>
    /// Items without a next action per owner (0: none): from the kept <see cref="UnplannedTally"/> rows unless a contact filter
    /// (source, list, country) is set, which they do not hold; then from <see cref="ContactsWithout"/> and <see cref="DealsWithout"/>.
    /// </summary>
    public static async Task<Dictionary<long, int>> WithoutByOwnerAsync(ReportBasis b, CancellationToken ct)
    {
        var without = new Dictionary<long, int>();
        if (!b.HasContactFilter)
        {
            foreach (var x in await b.Owned(b.Db.UnplannedTallies).GroupBy(x => x.OwnerId).Select(g => new { g.Key, N = g.Sum(x => x.Count) }).ToListAsync(ct))
                if (x.N != 0) without[x.Key ?? 0] = x.N;
            return without;
        }
        foreach (var x in await ContactsWithout(b).GroupBy(c => c.OwnerId).Select(g => new { g.Key, N = g.Count() }).ToListAsync(ct))
            without[x.Key ?? 0] = without.GetValueOrDefault(x.Key ?? 0) + x.N;
        foreach (var x in await DealsWithout(b).GroupBy(o => o.OwnerId).Select(g => new { g.Key, N = g.Count() }).ToListAsync(ct))
            without[x.Key ?? 0] = without.GetValueOrDefault(x.Key ?? 0) + x.N;
        return without;
    }

    /// <summary>The link to the records behind a figure under the report's filter (days resolved).</summary>
    public static string Link(ReportFilter f, HygieneFigure figure) =>
        "/reports/next-actions?" + string.Join('&', ContactSlices.Query(f).Prepend("figure=" + figure.ToString().ToLower(CultureInfo.InvariantCulture)));
}
