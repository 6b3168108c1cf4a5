using System.Linq.Expressions;
using Microsoft.EntityFrameworkCore;
using Prospector.Data;

namespace Prospector.Features.Reports;

/// <summary>Conversations one rep logged on one channel within one week (or month) of the period.</summary>
public sealed record ConversationCount(DateOnly Start, long? UserId, string Rep, Channel Channel, int Count);

/// <summary>
/// One rep's hygiene: conversations logged and next actions completed in the period; next actions overdue, open items
/// without a next action and qualification gates they overrode, as they stand now (overrides: in the period).
/// </summary>
public sealed record RepActivity(long? UserId, string Rep, int Conversations, int ActionsDone, int ActionsOverdue, int WithoutNextAction, int GateOverrides);

/// <summary>A qualification gate passed although a required criterion was not met, and who did it.</summary>
public sealed record GateOverride(long ContactId, string Contact, Stage? ToStage, string? Reason, long? ById, string By, DateTime At);

/// <summary>
/// Activity and hygiene. Conversations are logged activities on a channel (notes are not conversations), counted for the
/// rep who logged them, by week when the period is at most 13 weeks and by month otherwise (buckets start on Monday or the
/// 1st in the user's time zone, clipped to the period). The owner filter is the rep; team, the rep's team members.
/// </summary>
public sealed record ActivityReport(PeriodDto Period, string Bucket, IReadOnlyList<DateOnly> Buckets, IReadOnlyList<ConversationCount> Conversations,
    IReadOnlyList<RepActivity> Reps, IReadOnlyList<GateOverride> Overrides)
{
    public const int MaxOverridesListed = 100;

    public static readonly Channel[] Conversational = [.. Enum.GetValues<Channel>().Where(c => c != Channel.Note)];

    public static async Task<ActivityReport> ComputeAsync(ReportBasis b, CancellationToken ct)
    {
        var (weekly, starts, bounds) = BucketsOf(b.Period);
        var counts = (await ConversationCounting.CountAsync(b, bounds, ct)).Select(r => (Start: starts[r.Index], User: r.UserId, r.Channel, r.Count)).ToList();

        var done = await HygieneSlices.Done(b).GroupBy(a => a.AssigneeId).Select(g => new { g.Key, N = g.Count() }).ToDictionaryAsync(x => x.Key ?? 0, x => x.N, ct);
        var overdue = await HygieneSlices.Overdue(b).GroupBy(a => a.AssigneeId).Select(g => new { g.Key, N = g.Count() }).ToDictionaryAsync(x => x.Key ?? 0, x => x.N, ct);

        var without = await HygieneSlices.WithoutByOwnerAsync(b, ct);

        var overrides = ByRep(b, b.StageEvents().Where(x => x.Override).Where(b.InPeriod), x => x.ById);
        var overrideCounts = await overrides.GroupBy(x => x.ById).Select(g => new { g.Key, N = g.Count() }).ToDictionaryAsync(x => x.Key ?? 0, x => x.N, ct);
        var overrideRows = await overrides.OrderByDescending(x => x.At).ThenByDescending(x => x.Id).Take(MaxOverridesListed)
            .Select(x => new { x.ContactId, x.ToStage, x.Reason, x.ById, x.At })
            .ToListAsync(ct);
        var overrideContacts = overrideRows.Select(x => x.ContactId).Distinct().ToList();
        var contactNames = await b.Contacts().Where(c => overrideContacts.Contains(c.Id))
            .Select(c => new { c.Id, Name = Contact.NameOf(c.FirstName, c.NamePrefix, c.LastName) }).ToDictionaryAsync(c => c.Id, c => c.Name, ct);

        var userIds = counts.Select(c => c.User ?? 0).Concat(done.Keys).Concat(overdue.Keys).Concat(without.Keys).Concat(overrideCounts.Keys)
            .Concat(overrideRows.Select(x => x.ById ?? 0)).Where(id => id != 0).Distinct().ToList();
        var names = await b.Db.Users.Where(u => userIds.Contains(u.Id)).ToDictionaryAsync(u => u.Id, u => u.DisplayName, ct);
        string Name(long? id) => id is { } v && v != 0 ? names.GetValueOrDefault(v, "") : "";

        var perRep = counts.GroupBy(c => c.User ?? 0).ToDictionary(g => g.Key, g => g.Sum(c => c.Count));
        var reps = perRep.Keys.Concat(done.Keys).Concat(overdue.Keys).Concat(without.Keys).Concat(overrideCounts.Keys).Distinct()
            .Select(id => new RepActivity(id == 0 ? null : id, Name(id), perRep.GetValueOrDefault(id), done.GetValueOrDefault(id),
                overdue.GetValueOrDefault(id), without.GetValueOrDefault(id), overrideCounts.GetValueOrDefault(id)))
            .OrderBy(r => r.UserId is null).ThenBy(r => r.Rep, StringComparer.CurrentCulture).ThenBy(r => r.UserId).ToList();

        return new ActivityReport(new PeriodDto(b.Period.From, b.Period.To, b.Period.TimeZone), weekly ? "week" : "month", starts,
            [.. counts.OrderBy(c => c.Start).ThenBy(c => Name(c.User), StringComparer.CurrentCulture).ThenBy(c => c.User).ThenBy(c => c.Channel)
                .Select(c => new ConversationCount(c.Start, c.User, Name(c.User), c.Channel, c.Count))],
            reps,
            [.. overrideRows.Select(x => new GateOverride(x.ContactId, contactNames.GetValueOrDefault(x.ContactId, ""), x.ToStage, x.Reason, x.ById, Name(x.ById), x.At))]);
    }

    /// <summary>Conversations (not notes) the user may see, for the reported contacts when a contact filter is set.</summary>
    public static IQueryable<Activity> ConversationsOf(ReportBasis b)
    {
        var q = b.Scope.FilterAbout(b.Db.Activities, b.Db).Where(a => a.Channel != Channel.Note);
        q = ByRep(b, q, a => a.UserId);
        if (b.HasContactFilter)
        {
            var ids = b.Contacts().Select(c => (long?)c.Id);
            q = q.Where(a => ids.Contains(a.ContactId));
        }
        return q;
    }

    /// <summary>Narrows to the rep (owner filter) or the team's members (team filter), by the given user column.</summary>
    internal static IQueryable<T> ByRep<T>(ReportBasis b, IQueryable<T> q, Expression<Func<T, long?>> user)
    {
        if (b.Filter.OwnerId is { } o)
            q = q.Where(Compose(user, u => u == o));
        if (b.Filter.TeamId is { } t)
        {
            var members = b.Db.TeamMembers.Where(m => m.TeamId == t).Select(m => (long?)m.UserId);
            q = q.Where(Compose(user, u => members.Contains(u)));
        }
        return q;
    }

    private static Expression<Func<T, bool>> Compose<T>(Expression<Func<T, long?>> user,
        Expression<Func<long?, bool>> test)
    {
        var body = new ParameterSwap(test.Parameters[0], user.Body).Visit(test.Body);
        return Expression.Lambda<Func<T, bool>>(body, user.Parameters);
    }

    private sealed class ParameterSwap(ParameterExpression from, Expression to)
        : ExpressionVisitor
    {
        protected override Expression VisitParameter(ParameterExpression node) =>
            node == from ? to : base.VisitParameter(node);
    }

    /// <summary>
    /// The period's buckets: weeks when it spans fewer than 13 weeks, else months; the first day of each, and the UTC instants
    /// between them (the user's midnight starting each bucket after the first).
    /// </summary>
    public static (bool Weekly, List<DateOnly> Starts, List<DateTime> Bounds) BucketsOf(ReportPeriod p)
    {
        var weekly = p.To.DayNumber - p.From.DayNumber < 13 * 7;
        var starts = BucketStarts(p, weekly);
        var zone = Common.UserTime.Zone(p.TimeZone);
        return (weekly, starts, [.. starts.Skip(1).Select(d => ReportPeriod.MidnightUtc(d, zone))]);
    }

    /// <summary>The first day of each bucket: the period's first day, then each Monday (or 1st of a month) after it.</summary>
    private static List<DateOnly> BucketStarts(ReportPeriod p, bool weekly)
    {
        var starts = new List<DateOnly> { p.From };
        var toMonday = ((int)DayOfWeek.Monday - (int)p.From.DayOfWeek + 7) % 7;
        var next = weekly ? p.From.AddDays(toMonday == 0 ? 7 : toMonday) : new DateOnly(p.From.Year, p.From.Month, 1).AddMonths(1);
        for (; next <= p.To; next = weekly ? next.AddDays(7) : next.AddMonths(1)) starts.Add(next);
        return starts;
    }
}
