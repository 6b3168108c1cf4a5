using Microsoft.EntityFrameworkCore;
using Prospector.Data;

namespace Prospector.Features.Reports;

public sealed record ReasonCount(string Reason, int Count);

/// <summary>
/// One prospecting list as it stands now: its rows by state (open, converted, cancelled by reason, duplicates) and what the
/// contacts created from it became — by their current stage (disqualified ones apart), and deals won (amounts per currency).
/// </summary>
public sealed record ListPerformance(long ListId, string Name, DateTime CreatedAt, int Rows, int Open, int Converted, int Cancelled, int Duplicates,
    IReadOnlyList<ReasonCount> CancelReasons, int Contacts, int Suspects, int Leads, int Prospects, int Customers, int Disqualified, double? CustomerRate,
    IReadOnlyList<CurrencyAmount> Won);

/// <summary>
/// Which bought list or trade fair was worth it. Lists the user may see (owner and team filters apply to the list; the list
/// filter picks one), with rows and contacts as they are now; the period picks the lists created up to its end.
/// Contacts count when the user may see them (a report never counts a record the user may not see).
/// </summary>
public sealed record ListsReport(PeriodDto Period, IReadOnlyList<ListPerformance> Lists)
{
    public const int MaxLists = 200;

    public static async Task<ListsReport> ComputeAsync(ReportBasis b, CancellationToken ct)
    {
        var lists = b.Scope.Filter(b.Db.ProspectingLists).Where(l => l.CreatedAt < b.Period.EndUtc);
        if (b.Filter.TeamId is { } t) lists = lists.Where(l => l.TeamId == t);
        if (b.Filter.OwnerId is { } o) lists = lists.Where(l => l.OwnerId == o);
        if (b.Filter.ListId is { } id) lists = lists.Where(l => l.Id == id);
        var heads = await lists.OrderByDescending(l => l.CreatedAt).ThenByDescending(l => l.Id).Take(MaxLists)
            .Select(l => new { l.Id, l.Name, l.CreatedAt }).ToListAsync(ct);
        var ids = heads.Select(h => h.Id).ToList();

        var states = await b.Db.ListRows.Where(r => ids.Contains(r.ListId)).GroupBy(r => new { r.ListId, r.State })
            .Select(g => new { g.Key.ListId, g.Key.State, N = g.Count() }).ToListAsync(ct);
        var reasons = await b.Db.ListRows.Where(r => ids.Contains(r.ListId) && r.State == ListRowState.Cancelled)
            .GroupBy(r => new { r.ListId, r.CancelReason }).Select(g => new { g.Key.ListId, g.Key.CancelReason, N = g.Count() }).ToListAsync(ct);

        var stages = await ContactGroupsFromTalliesAsync(b, ids, ct) ?? await ContactGroupsFromContactsAsync(b, ids, ct);
        var won = await WonDealsAsync(b, ids, ct);

        return new ListsReport(new PeriodDto(b.Period.From, b.Period.To, b.Period.TimeZone), [.. heads.Select(h =>
        {
            int State(ListRowState s) => states.Where(x => x.ListId == h.Id && x.State == s).Sum(x => x.N);
            int Stage(params Stage[] s) => stages.Where(x => x.SourceListId == h.Id && !x.Out && s.Contains(x.Stage)).Sum(x => x.N);
            var total = stages.Where(x => x.SourceListId == h.Id).Sum(x => x.N);
            var customers = Stage(Data.Stage.Customer, Data.Stage.RepeatCustomer);
            return new ListPerformance(h.Id, h.Name, h.CreatedAt, states.Where(x => x.ListId == h.Id).Sum(x => x.N), State(ListRowState.Open),
                State(ListRowState.Converted), State(ListRowState.Cancelled), State(ListRowState.Duplicate),
                [.. reasons.Where(r => r.ListId == h.Id).OrderByDescending(r => r.N).ThenBy(r => r.CancelReason, StringComparer.Ordinal)
                    .Select(r => new ReasonCount(r.CancelReason ?? "", r.N))],
                total, Stage(Data.Stage.Suspect), Stage(Data.Stage.Lead), Stage(Data.Stage.Prospect), customers,
                stages.Where(x => x.SourceListId == h.Id && x.Out).Sum(x => x.N), FunnelReport.Rate(customers, total),
                [.. won.Where(w => w.SourceListId == h.Id).OrderByDescending(w => w.N).ThenBy(w => w.Currency, StringComparer.Ordinal)
                    .Select(w => CurrencyAmount.FromSum(w.Currency, w.N, w.Sum))]);
        })]);
    }

    /// <summary>Contacts made from one list, at one stage, disqualified or not.</summary>
    public sealed record ContactGroup(long? SourceListId, Stage Stage, bool Out, int N);

    /// <summary>
    /// The lists' contacts the user may see, per list, stage and out, from the kept counts (<see cref="ListContactTally"/>,
    /// by the contact's owner and team, as the user may see them). Null when they cannot answer exactly: a source or country
    /// filter is set (a contact's own fields), or a kept count came out below zero.
    /// </summary>
    public static async Task<List<ContactGroup>?> ContactGroupsFromTalliesAsync(ReportBasis b, List<long> ids, CancellationToken ct)
    {
        if (ContactBasis(b).HasContactFilter) return null;
        var groups = await b.Scope.Filter(b.Db.ListContactTallies).Where(t => ids.Contains(t.SourceListId))
            .GroupBy(t => new { t.SourceListId, t.Stage, t.Out })
            .Select(g => new { Group = new ContactGroup(g.Key.SourceListId, g.Key.Stage, g.Key.Out, g.Sum(t => t.Count)), Lowest = g.Min(t => t.Count) })
            .ToListAsync(ct);
        // Any kept row below zero (not only a group's sum): it missed writes.
        return groups.Any(g => g.Lowest < 0) ? null : [.. groups.Select(g => g.Group).Where(g => g.N != 0)];
    }

    /// <summary>The same counted from the contacts (300,000 at the benchmark's full size: what the kept counts save).</summary>
    public static async Task<List<ContactGroup>> ContactGroupsFromContactsAsync(ReportBasis b, List<long> ids, CancellationToken ct) =>
        await ContactsOf(b).Where(c => c.SourceListId != null && ids.Contains(c.SourceListId.Value))
            .GroupBy(c => new { c.SourceListId, c.Stage, Out = c.LeadStatus == LeadStatus.Unqualified })
            .Select(g => new ContactGroup(g.Key.SourceListId, g.Key.Stage, g.Key.Out, g.Count())).ToListAsync(ct);

    /// <summary>Won deals per list and currency.</summary>
    public sealed record WonGroup(long? SourceListId, string Currency, int N, double Sum);

    /// <summary>
    /// The won deals the user may see whose contact came from one of the lists and may be seen, by the list their contact
    /// came from as the deal keeps it (<see cref="Opportunity.ContactSourceListId"/>, from its own index). For a user who sees
    /// every record, without a source or country filter, the deals of contacts in the recycle bin are taken out with NOT IN
    /// over those few; for everyone else each deal's contact is probed.
    /// </summary>
    public static async Task<List<WonGroup>> WonDealsAsync(ReportBasis b, List<long> ids, CancellationToken ct)
    {
        var deals = b.Scope.Filter(b.Db.Opportunities)
            .Where(x => x.State == OpportunityState.Won && x.ContactSourceListId != null && ids.Contains(x.ContactSourceListId.Value));
        var contacts = ContactBasis(b);
        if (contacts.CountsEveryContact)
        {
            var binned = b.BinnedContactIds();
            deals = deals.Where(x => !binned.Contains(x.ContactId!.Value));
        }
        else
        {
            var visible = contacts.Contacts();
            deals = deals.Where(x => visible.Any(c => c.Id == x.ContactId));
        }
        return await deals.GroupBy(x => new { x.ContactSourceListId, x.Currency })
            .Select(g => new WonGroup(g.Key.ContactSourceListId, g.Key.Currency, g.Count(), g.Sum(x => (double)x.Amount))).ToListAsync(ct);
    }

    /// <summary>The contacts the user may see, by source and country (owner and team filters choose the lists, not the contacts).</summary>
    public static IQueryable<Contact> ContactsOf(ReportBasis b) => ContactBasis(b).Contacts();

    /// <summary>
    /// The report's basis as it applies to the lists' contacts: source and country only (owner, team and list chose the
    /// lists); keeps the resolved source. Its HasContactFilter and CountsEveryContact say which way the contacts are read.
    /// </summary>
    private static ReportBasis ContactBasis(ReportBasis b) => b with { Filter = b.Filter with { OwnerId = null, TeamId = null, ListId = null } };
}
