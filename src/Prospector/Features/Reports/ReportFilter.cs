using System.Linq.Expressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;
using Prospector.Data;
using Prospector.Features.Access;
using Prospector.Features.Common;

namespace Prospector.Features.Reports;

/// <summary>
/// The one filter every report takes (page, API, CLI): a period of whole days in the user's time zone (From and To both
/// included; a day starts at the user's midnight) and the record filters team, owner, source (a managed lead source's id
/// or key), prospecting list and country.
/// Missing days default to this calendar year up to today.
/// </summary>
public sealed record ReportFilter(DateOnly? From = null, DateOnly? To = null, long? TeamId = null, long? OwnerId = null,
    string? Source = null, long? ListId = null, string? Country = null)
{
    public const int MaxDays = 3660;

    public const string NoUser = "There is no user {0}.";
}

/// <summary>The resolved period: its days, the UTC instants they span ([StartUtc, EndUtc)), the zone and today in it.</summary>
public sealed record ReportPeriod(DateOnly From, DateOnly To, DateTime StartUtc, DateTime EndUtc, string TimeZone, DateOnly Today)
{
    /// <summary>The first UTC instant of a day in the zone (the user's midnight).</summary>
    public static DateTime MidnightUtc(DateOnly day, TimeZoneInfo zone)
    {
        var local = day.ToDateTime(TimeOnly.MinValue);
        // A midnight that does not exist (a DST jump at 00:00) starts at the first minute that does.
        while (zone.IsInvalidTime(local)) local = local.AddMinutes(30);
        return TimeZoneInfo.ConvertTimeToUtc(local, zone);
    }

    /// <summary>Where each month after the first begins, in UTC (its first midnight in the zone): the boundaries between months.</summary>
    public static IEnumerable<DateTime> MonthBoundsUtc(IEnumerable<DateOnly> months, TimeZoneInfo zone) =>
        months.Skip(1).Select(m => MidnightUtc(m, zone));

    /// <summary>
    /// The edges of the period's months in UTC: its start, where each later month begins (its first midnight in the zone),
    /// its end. Month i of <see cref="Months"/> is [edges[i], edges[i + 1]).
    /// </summary>
    public List<DateTime> MonthEdgesUtc() => [StartUtc, .. MonthBoundsUtc(Months(), UserTime.Zone(TimeZone)), EndUtc];

    /// <summary>The first day of each month the period touches, in order.</summary>
    public IEnumerable<DateOnly> Months()
    {
        for (var m = new DateOnly(From.Year, From.Month, 1); m <= To; m = m.AddMonths(1)) yield return m;
    }
}

/// <summary>What a report counts: the records the user may see (<see cref="AccessScope"/>), narrowed by the filter.</summary>
public sealed record ReportBasis(ProspectorDb Db, AccessScope Scope, ReportFilter Filter, ReportPeriod Period, long? SourceId = null)
{
    public static async Task<Outcome<ReportBasis>> ResolveAsync(ProspectorDb db, AccessScope scope, ReportFilter f, TimeProvider time,
        IStringLocalizer l, CancellationToken ct)
    {
        var zoneId = await UserTime.ZoneOfAsync(db, scope.UserId, ct) ?? "UTC";
        var zone = UserTime.Zone(zoneId);
        var today = DateOnly.FromDateTime(UserTime.ToLocal(time.GetUtcNow().UtcDateTime, zoneId));
        var from = f.From ?? new DateOnly(today.Year, 1, 1);
        var to = f.To ?? (f.From is { } given && given > today ? new DateOnly(given.Year, 12, 31) : today);
        if ((!Dates.InRange(from) ? "from" : !Dates.InRange(to) ? "to" : null) is { } far)
            return Outcome<ReportBasis>.Invalid(far, l[Dates.OutOfRange, far]);
        if (from > to) return Outcome<ReportBasis>.Invalid("from", l["The start of the period is after its end."]);
        if (to.DayNumber - from.DayNumber >= ReportFilter.MaxDays)
            return Outcome<ReportBasis>.Invalid("to", l["A report covers at most ten years."]);
        if (f.Source is { Length: > 200 }) return Outcome<ReportBasis>.Invalid("source", l["This value is too long."]);
        var country = string.IsNullOrWhiteSpace(f.Country) ? null : f.Country.Trim().ToUpperInvariant();
        if (country is not null && (country.Length != 2 || !country.All(char.IsAsciiLetter)))
            return Outcome<ReportBasis>.Invalid("country", l["{0} must be a two-letter ISO code such as DE or NL.", "country"]);
        // A team, owner or list that does not exist is a mistake to name, not a report of zeros; a list the user may not see
        // is answered the same as one that does not exist.
        if (f.TeamId is { } teamId && !await db.Teams.AnyAsync(t => t.Id == teamId, ct))
            return Outcome<ReportBasis>.Invalid("teamId", l["There is no team {0}.", teamId]);
        if (f.OwnerId is { } ownerId && !await db.Users.AnyAsync(u => u.Id == ownerId, ct))
            return Outcome<ReportBasis>.Invalid("ownerId", l[ReportFilter.NoUser, ownerId]);
        if (f.ListId is { } listId && !await scope.Filter(db.ProspectingLists).AnyAsync(x => x.Id == listId, ct))
            return Outcome<ReportBasis>.Invalid("listId", l["There is no such list, or you cannot see it."]);
        long? sourceId = null;
        if (!string.IsNullOrWhiteSpace(f.Source))
        {
            if (await Sources.SourceLookup.FindAsync(db, f.Source, ct) is not { } source)
                return Outcome<ReportBasis>.Invalid("source", l[Sources.SourceLookup.Unknown, f.Source.Trim()]);
            sourceId = source.Id;
        }
        var period = new ReportPeriod(from, to, ReportPeriod.MidnightUtc(from, zone), ReportPeriod.MidnightUtc(to.AddDays(1), zone), zoneId, today);
        return Outcome<ReportBasis>.Ok(new ReportBasis(db, scope, f with { From = from, To = to, Country = country }, period, sourceId));
    }

    /// <summary>Owned rows (records, tallies) the user may see, by their own team and owner when the filter names them.</summary>
    public IQueryable<T> Owned<T>(IQueryable<T> rows) where T : class, IOwned
    {
        var q = Scope.Filter(rows);
        if (Filter.TeamId is { } t) q = q.Where(x => x.TeamId == t);
        if (Filter.OwnerId is { } o) q = q.Where(x => x.OwnerId == o);
        return q;
    }

    /// <summary>Contacts the user may see (not in the recycle bin), by their current team, owner, source, list and country.</summary>
    public IQueryable<Contact> Contacts()
    {
        var q = Owned(Db.Contacts);
        if (SourceId is { } s) q = q.Where(c => c.LeadSourceId == s);
        if (Filter.ListId is { } l) q = q.Where(c => c.SourceListId == l);
        if (!string.IsNullOrWhiteSpace(Filter.Country)) { var k = Filter.Country.Trim().ToUpperInvariant(); q = q.Where(c => c.Country == k); }
        return q;
    }

    /// <summary>
    /// Deals the user may see, by the deal's own team and owner; source, list and country are those of the deal's contact
    /// (a deal without a visible contact drops out when one of them is set).
    /// </summary>
    public IQueryable<Opportunity> Opportunities()
    {
        var q = Owned(Db.Opportunities);
        if (SourceId is not null || Filter.ListId is not null || !string.IsNullOrWhiteSpace(Filter.Country))
        {
            var contacts = Scope.Filter(Db.Contacts);
            if (SourceId is { } s) contacts = contacts.Where(c => c.LeadSourceId == s);
            if (Filter.ListId is { } l) contacts = contacts.Where(c => c.SourceListId == l);
            if (!string.IsNullOrWhiteSpace(Filter.Country)) { var k = Filter.Country.Trim().ToUpperInvariant(); contacts = contacts.Where(c => c.Country == k); }
            var ids = contacts.Select(c => (long?)c.Id);
            q = q.Where(x => ids.Contains(x.ContactId));
        }
        return q;
    }

    /// <summary>Stage changes of the reported contacts (see <see cref="EventsOfContacts"/>).</summary>
    public IQueryable<LifecycleEvent> StageEvents() => EventsOfContacts().Where(e => e.Kind == LifecycleEventKind.StageChanged);

    /// <summary>
    /// Lifecycle events of the reported contacts. A correlated EXISTS (a primary-key probe per event), not an IN over the
    /// contacts' ids: with the IN, SQLite drives the query from the contacts (one index search per contact, 100,000s of them)
    /// instead of from the period's events on (Kind, At); PostgreSQL plans both as the same semi-join.
    /// </summary>
    public IQueryable<LifecycleEvent> EventsOfContacts()
    {
        if (CountsEveryContact)
        {
            // Every contact but those in the recycle bin (a few): one small set built once, not a probe into the contacts
            // table per event (1.2 million events a year at the benchmark's full size: seconds on SQLite).
            var binned = BinnedContactIds();
            return Db.LifecycleEvents.Where(e => !binned.Contains(e.ContactId));
        }
        var contacts = Contacts();
        return Db.LifecycleEvents.Where(e => contacts.Any(c => c.Id == e.ContactId));
    }

    /// <summary>
    /// The contacts in the recycle bin (a few): all a user who sees every record, without filters, leaves out
    /// (<see cref="CountsEveryContact"/>). Records about contacts are then narrowed with NOT IN over this small set rather
    /// than a probe of each record's contact.
    /// From <see cref="BinnedContact"/> (a SQL query), not <c>Db.Contacts.IgnoreQueryFilters()</c>: EF Core's IgnoreQueryFilters
    /// switches the recycle-bin filter off for the whole query it is composed into, so the deals narrowed by this set would
    /// count those in the recycle bin too (<see cref="SoftDeleteGuard"/>). Its id is not nullable, so the SQL is a plain NOT IN.
    /// </summary>
    public IQueryable<long> BinnedContactIds() => Db.BinnedContacts.Select(c => c.Id);

    /// <summary>A team, owner, source, list or country filter is set (else the records counted are all those the user may see).</summary>
    public bool HasRecordFilter => Filter.TeamId is not null || Filter.OwnerId is not null || HasContactFilter;

    /// <summary>
    /// A source, list or country filter is set: filters only a contact has. Records about contacts (conversations, next
    /// actions) are then narrowed to those about the reported contacts; team and owner narrow them by their own user.
    /// </summary>
    public bool HasContactFilter => SourceId is not null || Filter.ListId is not null || !string.IsNullOrWhiteSpace(Filter.Country);

    /// <summary>The user sees every record and no record filter is set: the report counts every contact outside the recycle bin.</summary>
    public bool CountsEveryContact => Scope.SeesAll && !HasRecordFilter;

    public Expression<Func<LifecycleEvent, bool>> InPeriod
    {
        get { var (s, e) = (Period.StartUtc, Period.EndUtc); return x => x.At >= s && x.At < e; }
    }

    public Expression<Func<Opportunity, bool>> ClosedInPeriod
    {
        get { var (s, e) = (Period.StartUtc, Period.EndUtc); return o => o.ClosedAt != null && o.ClosedAt >= s && o.ClosedAt < e; }
    }
}

/// <summary>The order of the stages, for SQL where enums are stored as their code names (strings compare alphabetically).</summary>
public static class StageOrder
{
    public static readonly Stage[] All = Enum.GetValues<Stage>();

    /// <summary>The stages from <paramref name="s"/> up, as nullable values for comparing with <see cref="LifecycleEvent.ToStage"/>.</summary>
    public static List<Stage?> AtLeast(Stage s) => [.. All.Where(x => x >= s).Select(x => (Stage?)x)];

    /// <summary>A stage change that goes up the funnel (or is the contact's first stage).</summary>
    public static readonly Expression<Func<LifecycleEvent, bool>> Upward = e =>
        e.FromStage == null
        || (e.FromStage == Stage.Suspect && e.ToStage != Stage.Suspect)
        || (e.FromStage == Stage.Lead && (e.ToStage == Stage.Prospect || e.ToStage == Stage.Customer || e.ToStage == Stage.RepeatCustomer))
        || (e.FromStage == Stage.Prospect && (e.ToStage == Stage.Customer || e.ToStage == Stage.RepeatCustomer))
        || (e.FromStage == Stage.Customer && e.ToStage == Stage.RepeatCustomer);

    public static bool IsUpward(Stage? from, Stage? to) => from is null || (to is { } t && t > from);
}
