using System.Linq.Expressions;
using Microsoft.EntityFrameworkCore;
using Prospector.Data;

namespace Prospector.Features.Common;

/// <summary>
/// How much a record is worked: <see cref="LastContactedAt"/> is the last logged conversation (either direction, not a note,
/// not in the future); <see cref="Touches"/> the conversations of the last <see cref="Engagement.TouchDays"/> days.
/// </summary>
public sealed record EngagementFigures(DateTime? LastContactedAt, int Touches)
{
    public static readonly EngagementFigures None = new(null, 0);
}

/// <summary>
/// Engagement read from the activities, on their (record, occurred) indexes: nothing is copied onto the records, so a
/// conversation logged, back-dated or deleted counts at once. A company counts the conversations logged on it and on its
/// people (a contact's conversation carries the company); a deal the ones on the deal and with its contact.
/// </summary>
public static class Engagement
{
    public const int TouchDays = 90;

    public static bool IsConversation(Channel c) => c != Channel.Note;

    /// <summary>
    /// Conversations that happened up to <paramref name="nowUtc"/> (a note is no contact). For records in the recycle bin
    /// (<paramref name="inRecycleBin"/>: their conversations went there with them) those in the recycle bin count too; that
    /// query reads every set without the filter, as SoftDeleteGuard asks.
    /// </summary>
    public static IQueryable<Activity> Conversations(ProspectorDb db, DateTime nowUtc, bool inRecycleBin = false) =>
        Conversations(inRecycleBin ? db.Activities.IgnoreQueryFilters() : db.Activities, nowUtc);

    /// <summary>The conversations among <paramref name="activities"/> (e.g. a source that names its index).</summary>
    public static IQueryable<Activity> Conversations(IQueryable<Activity> activities, DateTime nowUtc) =>
        activities.Where(a => a.Channel != Channel.Note && a.OccurredAt <= nowUtc);

    public static async Task<Dictionary<long, EngagementFigures>> OfContactsAsync(ProspectorDb db, IReadOnlyCollection<long> ids, DateTime nowUtc, CancellationToken ct)
    {
        if (ids.Count == 0) return [];
        var since = nowUtc.AddDays(-TouchDays);
        return await Conversations(db, nowUtc).Where(a => a.ContactId != null && ids.Contains(a.ContactId.Value))
            .GroupBy(a => a.ContactId!.Value)
            .Select(g => new { g.Key, Last = g.Max(a => a.OccurredAt), Touches = g.Count(a => a.OccurredAt >= since) })
            .ToDictionaryAsync(x => x.Key, x => new EngagementFigures(x.Last, x.Touches), ct);
    }

    public static async Task<Dictionary<long, EngagementFigures>> OfCompaniesAsync(ProspectorDb db, IReadOnlyCollection<long> ids, DateTime nowUtc, CancellationToken ct)
    {
        if (ids.Count == 0) return [];
        var since = nowUtc.AddDays(-TouchDays);
        return await Conversations(db, nowUtc).Where(a => a.CompanyId != null && ids.Contains(a.CompanyId.Value))
            .GroupBy(a => a.CompanyId!.Value)
            .Select(g => new { g.Key, Last = g.Max(a => a.OccurredAt), Touches = g.Count(a => a.OccurredAt >= since) })
            .ToDictionaryAsync(x => x.Key, x => new EngagementFigures(x.Last, x.Touches), ct);
    }

    /// <summary>Deals by id, given each deal's contact: conversations on the deal or with its contact, each counted once.</summary>
    public static async Task<Dictionary<long, EngagementFigures>> OfDealsAsync(ProspectorDb db, IReadOnlyCollection<(long Id, long? ContactId)> deals,
        DateTime nowUtc, CancellationToken ct)
    {
        if (deals.Count == 0) return [];
        var since = nowUtc.AddDays(-TouchDays);
        List<long?> dealIds = [.. deals.Select(d => (long?)d.Id)];
        List<long?> contactIds = [.. deals.Where(d => d.ContactId != null).Select(d => d.ContactId).Distinct()];
        // Two queries, one per index (deal, occurred) and (contact, occurred), merged by activity: with the two ranges OR-ed in
        // one query SQLite walks the (occurred, …) index over every activity up to now — 47 ms of CPU at 200,000 activities
        // for each board column (bench/team-load.sh), ten times that at two million. The ids are compared as nullable
        // (no "IS NOT NULL", which SQLite would take as a range over every activity on a deal). On SQLite the deal index is
        // named: when few activities are on deals, ANALYZE gives the deal index ~all rows per value and the planner walks
        // the (occurred, …) index instead (275 ms for one board column at 200,000 activities).
        var activities = db.Database.IsSqlite()
            ? db.Activities.FromSqlRaw("""SELECT * FROM "Activities" INDEXED BY "IX_Activities_OpportunityId_OccurredAt" """)
            : db.Activities;
        var onDeals = await Conversations(activities, nowUtc).Where(a => dealIds.Contains(a.OpportunityId))
            .Select(a => new { a.Id, a.OpportunityId, a.ContactId, a.OccurredAt }).ToListAsync(ct);
        var withContacts = await Conversations(db, nowUtc).Where(a => contactIds.Contains(a.ContactId))
            .Select(a => new { a.Id, a.OpportunityId, a.ContactId, a.OccurredAt }).ToListAsync(ct);
        var rows = onDeals.Concat(withContacts).DistinctBy(a => a.Id).ToList();
        var byDeal = rows.Where(r => r.OpportunityId != null).ToLookup(r => r.OpportunityId!.Value);
        var byContact = rows.Where(r => r.ContactId != null).ToLookup(r => r.ContactId!.Value);
        var result = new Dictionary<long, EngagementFigures>();
        foreach (var (id, contactId) in deals)
        {
            var mine = byDeal[id].Concat(contactId is { } c ? byContact[c] : []).DistinctBy(r => r.Id).ToList();
            if (mine.Count > 0) result[id] = new EngagementFigures(mine.Max(r => r.OccurredAt), mine.Count(r => r.OccurredAt >= since));
        }
        return result;
    }

    /// <summary>Contacts with no conversation since <paramref name="sinceUtc"/> (never contacted included; one logged ahead does not count yet).</summary>
    public static Expression<Func<Contact, bool>> ContactQuietSince(ProspectorDb db, DateTime sinceUtc, bool inRecycleBin = false)
    {
        var conversations = Conversations(db, db.Clock.GetUtcNow().UtcDateTime, inRecycleBin);
        return c => !conversations.Any(a => a.ContactId == c.Id && a.OccurredAt >= sinceUtc);
    }

    public static Expression<Func<Company, bool>> CompanyQuietSince(ProspectorDb db, DateTime sinceUtc, bool inRecycleBin = false)
    {
        var conversations = Conversations(db, db.Clock.GetUtcNow().UtcDateTime, inRecycleBin);
        return c => !conversations.Any(a => a.CompanyId == c.Id && a.OccurredAt >= sinceUtc);
    }

    public static Expression<Func<Opportunity, bool>> DealQuietSince(ProspectorDb db, DateTime sinceUtc)
    {
        var conversations = Conversations(db, db.Clock.GetUtcNow().UtcDateTime);
        return o => !conversations.Any(a => (a.OpportunityId == o.Id || (o.ContactId != null && a.ContactId == o.ContactId)) && a.OccurredAt >= sinceUtc);
    }

    /// <summary>The start of <paramref name="day"/> in <paramref name="zone"/>, in UTC: a date a user gives is their day.</summary>
    public static DateTime StartOfDayUtc(DateOnly day, TimeZoneInfo zone) =>
        TimeZoneInfo.ConvertTimeToUtc(day.ToDateTime(TimeOnly.MinValue), zone);

    /// <summary>Today in the zone.</summary>
    public static DateOnly Today(DateTime nowUtc, TimeZoneInfo zone) =>
        DateOnly.FromDateTime(TimeZoneInfo.ConvertTimeFromUtc(DateTime.SpecifyKind(nowUtc, DateTimeKind.Utc), zone));

    /// <summary>
    /// The day a customer counts as not contacted for <paramref name="months"/> months: no conversation on or after it
    /// (<see cref="WorkspaceSettings.CustomersNotContactedMonths"/>).
    /// </summary>
    public static DateOnly QuietSince(DateOnly today, int months) => today.AddMonths(-months);
}
