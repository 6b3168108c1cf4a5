using Microsoft.EntityFrameworkCore;
using Prospector.Data;
using Prospector.Features.Access;
using Prospector.Features.Common;
using Prospector.Features.NextActions;

namespace Prospector.Features.Pipelines;

/// <summary>Reads of opportunities shared by the API and the pages: DTOs with names and next action, one deal, the board order.</summary>
public static class OpportunityQueries
{
    /// <summary>Opportunities as DTOs with names and their current next action, in one round trip per page.</summary>
    /// <remarks>
    /// As <paramref name="viewer"/> may read them: a deal's contact and company are named (and linked) only when the viewer may
    /// see them too; a team-B deal on a team-A contact does not tell team B the contact's name
    /// (docs/decisions/0009-access-between-teams.md).
    /// </remarks>
    public static async Task<List<OpportunityDto>> ToDtosAsync(ProspectorDb db, AccessScope viewer, IQueryable<Opportunity> query, CancellationToken ct)
    {
        var contacts = viewer.Filter(db.Contacts);
        var companies = viewer.Filter(db.Companies);
        var rows = await query.Select(o => new
        {
            o,
            SeesContact = o.ContactId == null || contacts.Any(c => c.Id == o.ContactId),
            SeesCompany = o.CompanyId == null || companies.Any(c => c.Id == o.CompanyId),
            ContactName = o.Contact == null ? null : Contact.NameOf(o.Contact.FirstName, o.Contact.NamePrefix, o.Contact.LastName),
            CompanyName = o.Company == null ? null : o.Company.Name,
            OwnerName = db.Users.Where(u => u.Id == o.OwnerId).Select(u => u.DisplayName).FirstOrDefault(),
        }).ToListAsync(ct);
        var ids = rows.Select(r => r.o.Id).ToList();
        var actions = (await NextActionDto.QueryAsync(db, viewer, db.NextActions.Where(a => a.OpportunityId != null && ids.Contains(a.OpportunityId.Value)
            && a.Status == NextActionStatus.Open), ct)).ToDictionary(a => a.OpportunityId!.Value);
        var signals = await SignalsAsync(db, viewer, rows.Select(r => r.o).ToList(), ct);
        return rows.Select(r => From(r.o, r.SeesContact, r.SeesContact ? r.ContactName?.Trim() : null, r.SeesCompany,
            r.SeesCompany ? r.CompanyName : null, r.OwnerName, actions.GetValueOrDefault(r.o.Id)) with
        { Signals = signals[r.o.Id] }).ToList();
    }

    /// <summary>Days in step, age, last contact, touches and rotting of each deal, in the viewer's days (<see cref="DealSignals"/>).</summary>
    private static async Task<Dictionary<long, DealSignals>> SignalsAsync(ProspectorDb db, AccessScope viewer, List<Opportunity> deals, CancellationToken ct)
    {
        if (deals.Count == 0) return [];
        var now = db.Clock.GetUtcNow().UtcDateTime;
        var zone = UserTime.Zone(await UserTime.ZoneOfAsync(db, viewer.UserId, ct));
        var today = Engagement.Today(now, zone);
        var stepIds = deals.Select(d => d.StepId).Distinct().ToList();
        var limits = await db.PipelineSteps.Where(s => stepIds.Contains(s.Id)).ToDictionaryAsync(s => s.Id, s => s.RottingAfterDays, ct);
        var engagement = await Engagement.OfDealsAsync(db, deals.Select(d => (d.Id, d.ContactId)).ToList(), now, ct);
        return deals.ToDictionary(d => d.Id, d =>
        {
            var days = Rotting.DaysIn(d.StepEnteredAt, today, zone);
            var limit = limits.GetValueOrDefault(d.StepId);
            var e = engagement.GetValueOrDefault(d.Id) ?? EngagementFigures.None;
            return new DealSignals(d.StepEnteredAt, days, Rotting.DaysIn(d.CreatedAt, today, zone), e.LastContactedAt, e.Touches, limit,
                Rotting.IsRotting(d.State, days, limit));
        });
    }

    public static OpportunityDto From(Opportunity o, bool seesContact, string? contactName, bool seesCompany, string? companyName, string? ownerName,
        NextActionDto? next) =>
        new(o.Id, o.Title, seesContact ? o.ContactId : null, contactName, seesCompany ? o.CompanyId : null, companyName, o.PipelineId, o.StepId, o.Amount, o.Currency, o.Probability,
            o.ExpectedCloseDate, o.State, o.StandbyUntil, o.CloseReason, o.ClosedAt, o.OwnerId, ownerName, o.TeamId, next, o.Version,
            o.CreatedAt, o.UpdatedAt, RenewalDate: o.RenewalDate);

    /// <summary>The deal as the user can see it, or null when it does not exist or is not visible.</summary>
    public static async Task<OpportunityDto?> FindAsync(ProspectorDb db, AccessScope scope, long id, CancellationToken ct = default) =>
        (await ToDtosAsync(db, scope, scope.Filter(db.Opportunities).Where(o => o.Id == id), ct)).FirstOrDefault();

    /// <summary>
    /// A column's order as the user picks it: <see cref="BoardSort.Default"/> is <see cref="BoardOrder"/>; the next action due
    /// first (none at all on top); the largest amount first; the oldest deal first; the deal with the longest silence first
    /// (no conversation at all on top). Ties: the newest deal first.
    /// </summary>
    public static IQueryable<Opportunity> Order(ProspectorDb db, IQueryable<Opportunity> q, BoardSort sort, DateTime nowUtc) => sort switch
    {
        BoardSort.NextActionDue => q.OrderBy(o => db.NextActions.Where(a => a.OpportunityId == o.Id && a.Status == NextActionStatus.Open)
            .Min(a => (DateTime?)a.DueAtUtc) ?? DateTime.MinValue).ThenByDescending(o => o.Id),
        // Amounts are decimals, which SQLite cannot order by: as doubles they order the same way.
        BoardSort.Amount => q.OrderByDescending(o => (double)o.Amount).ThenByDescending(o => o.Id),
        BoardSort.Age => q.OrderBy(o => o.CreatedAt).ThenBy(o => o.Id),
        // Longest in its step first.
        BoardSort.DaysInStep => q.OrderBy(o => o.StepEnteredAt).ThenBy(o => o.Id),
        BoardSort.LastActivity => q.OrderBy(o => db.Activities.Where(a => a.OpportunityId == o.Id).Max(a => (DateTime?)a.OccurredAt) ?? DateTime.MinValue)
            .ThenByDescending(o => o.Id),
        _ => BoardOrder(q, nowUtc),
    };

    /// <summary>How long a change keeps a card at the top of its column.</summary>
    public static readonly TimeSpan Recent = TimeSpan.FromDays(1);

    /// <summary>
    /// Board and list order: deals changed in the last day first, the latest change on top (so a new deal or a card just moved
    /// is in the first page of its column, not behind "Load more"); then the soonest expected close; then the newest.
    /// </summary>
    public static IQueryable<Opportunity> BoardOrder(IQueryable<Opportunity> q, DateTime nowUtc)
    {
        var since = nowUtc - Recent;
        return q.OrderByDescending(o => o.UpdatedAt >= since ? o.UpdatedAt : since)
            .ThenBy(o => o.ExpectedCloseDate == null).ThenBy(o => o.ExpectedCloseDate).ThenByDescending(o => o.Id);
    }

    /// <summary>
    /// The first <paramref name="perColumn"/> cards of each step in <see cref="BoardOrder"/>, read through indexes instead of
    /// sorting every deal of a column (tens of milliseconds at thousands of deals a column): per step, the first
    /// <paramref name="perColumn"/> deals changed in the last day (index StepId, UpdatedAt), by expected close date and without
    /// one (index StepId, ExpectedCloseDate, Id), merged here in board order. Exact: the r recent deals of a column come first;
    /// when r &lt; <paramref name="perColumn"/>, at most r of the first <paramref name="perColumn"/> by close date are recent,
    /// which leaves the <paramref name="perColumn"/> − r others the column still needs (BoardFirstCardsTests).
    /// </summary>
    public static async Task<HashSet<long>> FirstOfEachStepAsync(IQueryable<Opportunity> q, IEnumerable<long> stepIds, int perColumn, DateTime nowUtc,
        CancellationToken ct = default)
    {
        var since = nowUtc - Recent;
        IQueryable<CardKey>? all = null;
        foreach (var step in stepIds)
        {
            var column = q.Where(o => o.StepId == step);
            IQueryable<Opportunity>[] parts =
            [
                column.Where(o => o.UpdatedAt > since).OrderByDescending(o => o.UpdatedAt)
                    .ThenBy(o => o.ExpectedCloseDate == null).ThenBy(o => o.ExpectedCloseDate).ThenByDescending(o => o.Id).Take(perColumn),
                column.Where(o => o.ExpectedCloseDate != null).OrderBy(o => o.ExpectedCloseDate).ThenByDescending(o => o.Id).Take(perColumn),
                column.Where(o => o.ExpectedCloseDate == null).OrderByDescending(o => o.Id).Take(perColumn),
            ];
            foreach (var part in parts)
            {
                var keys = part.Select(o => new CardKey { Id = o.Id, StepId = o.StepId, UpdatedAt = o.UpdatedAt, ExpectedCloseDate = o.ExpectedCloseDate });
                all = all is null ? keys : all.Concat(keys);
            }
        }
        if (all is null) return [];
        // Merged by the one definition of the order (BoardOrder), applied to the candidates in memory.
        var candidates = (await all.ToListAsync(ct)).DistinctBy(k => k.Id)
            .Select(k => new Opportunity { Id = k.Id, StepId = k.StepId, UpdatedAt = k.UpdatedAt, ExpectedCloseDate = k.ExpectedCloseDate });
        return BoardOrder(candidates.AsQueryable(), nowUtc).AsEnumerable()
            .GroupBy(o => o.StepId).SelectMany(g => g.Take(perColumn)).Select(o => o.Id).ToHashSet();
    }

    private sealed class CardKey
    {
        public long Id { get; init; }
        public long StepId { get; init; }
        public DateTime UpdatedAt { get; init; }
        public DateOnly? ExpectedCloseDate { get; init; }
    }
}
