using System.Linq.Expressions;
using Microsoft.EntityFrameworkCore;
using Prospector.Data;

namespace Prospector.Features.Reports;

/// <summary>A number of conversations in one bucket of the period (its index), logged by one rep on one channel.</summary>
public sealed record BucketCount(int Index, long? UserId, Channel Channel, int Count);

/// <summary>
/// Counts the activity report's conversations per bucket, rep and channel. From the kept <see cref="ConversationTally"/>
/// rows (per UTC day and hour, kept by database triggers) whenever they can answer exactly: every bucket boundary is a
/// whole UTC hour (the user's midnight in every zone whose offset is whole hours) and no contact filter (source, list,
/// country) is set; the UTC days a boundary cuts are read by the hour, the others by the day. Otherwise from the
/// activities themselves. Both give the same numbers (ConversationTalliesTests).
/// </summary>
public static class ConversationCounting
{
    public static async Task<List<BucketCount>> CountAsync(ReportBasis b, IReadOnlyList<DateTime> bounds, CancellationToken ct) =>
        await FromTalliesAsync(b, bounds, ct) ?? await FromActivitiesAsync(b, bounds, ct);

    /// <summary>From the conversations themselves: every conversation of the period the user may see.</summary>
    public static async Task<List<BucketCount>> FromActivitiesAsync(ReportBasis b, IReadOnlyList<DateTime> bounds, CancellationToken ct)
    {
        var (start, end) = (b.Period.StartUtc, b.Period.EndUtc);
        var rows = await ActivityReport.ConversationsOf(b).Where(a => a.OccurredAt >= start && a.OccurredAt < end)
            .GroupBy(BucketKey<Activity>(bounds, nameof(Activity.OccurredAt))).Select(g => new { g.Key.Index, g.Key.UserId, g.Key.Channel, N = g.Count() })
            .ToListAsync(ct);
        return [.. rows.Select(r => new BucketCount(r.Index, r.UserId, r.Channel, r.N))];
    }

    /// <summary>From the kept tallies, or null when they cannot answer this period and filter exactly.</summary>
    public static async Task<List<BucketCount>?> FromTalliesAsync(ReportBasis b, IReadOnlyList<DateTime> bounds, CancellationToken ct)
    {
        var (start, end) = (b.Period.StartUtc, b.Period.EndUtc);
        var edges = bounds.Append(start).Append(end).ToList();
        if (!TalliesAnswer(b, edges)) return null;
        var q = b.Scope.Filter(b.Db.ConversationTallies).Where(InSlots<ConversationTally>(start, end, edges));
        q = ActivityReport.ByRep(b, q, t => t.UserId);
        var rows = await q.GroupBy(BucketKey<ConversationTally>(bounds, nameof(ConversationTally.Slot)))
            .Select(g => new { g.Key.Index, g.Key.UserId, g.Key.Channel, N = g.Sum(t => t.Count) }).ToListAsync(ct);
        return [.. rows.Where(r => r.N != 0).Select(r => new BucketCount(r.Index, r.UserId, r.Channel, r.N))];
    }

    /// <summary>
    /// The slots that make up [start, end): whole UTC days, except days an edge cuts, which are read hour by hour (from the
    /// cut on, or up to it); neighbouring slots of the same size merged into one range.
    /// </summary>
    internal static List<(bool Hourly, DateTime From, DateTime To)> Ranges(DateTime start, DateTime end, IEnumerable<DateTime> edges)
    {
        var cut = edges.Where(t => t.TimeOfDay != TimeSpan.Zero).Select(t => t.Date).ToHashSet();
        var ranges = new List<(bool Hourly, DateTime From, DateTime To)>();
        for (var day = start.Date; day < end; day = day.AddDays(1))
        {
            var hourly = cut.Contains(day);
            var (from, to) = (day < start ? start : day, day.AddDays(1) > end ? end : day.AddDays(1));
            if (ranges.Count > 0 && ranges[^1].Hourly == hourly && ranges[^1].To == from)
                ranges[^1] = (hourly, ranges[^1].From, to);
            else
                ranges.Add((hourly, from, to));
        }
        return ranges;
    }

    /// <summary>
    /// Whether rows kept per UTC day and hour (<see cref="ConversationTally"/>, <see cref="StageMoveTally"/>) count exactly what
    /// the records would: no contact filter (source, list, country; the tallies know only owner and team) and every edge on a
    /// whole UTC hour.
    /// </summary>
    internal static bool TalliesAnswer(ReportBasis b, IEnumerable<DateTime> edges) =>
        !b.HasContactFilter && edges.All(t => t.Ticks % TimeSpan.TicksPerHour == 0);

    /// <summary>The tally rows of [start, end), read by the day and, on the days an edge cuts, by the hour (<see cref="Ranges"/>).</summary>
    internal static Expression<Func<T, bool>> InSlots<T>(DateTime start, DateTime end, IEnumerable<DateTime> edges) =>
        Within<T>(Ranges(start, end, edges));

    /// <summary>The tally rows (<see cref="ConversationTally"/>, <see cref="StageMoveTally"/>: Hourly and Slot) within the ranges.</summary>
    private static Expression<Func<T, bool>> Within<T>(List<(bool Hourly, DateTime From, DateTime To)> ranges)
    {
        var t = Expression.Parameter(typeof(T), "t");
        var hourly = Expression.Property(t, nameof(ConversationTally.Hourly));
        var slot = Expression.Property(t, nameof(ConversationTally.Slot));
        Expression body = Expression.Constant(false);
        foreach (var r in ranges)
            body = Expression.OrElse(body, Expression.AndAlso(Expression.Equal(hourly, Expression.Constant(r.Hourly)),
                Expression.AndAlso(Expression.GreaterThanOrEqual(slot, Expression.Constant(r.From)), Expression.LessThan(slot, Expression.Constant(r.To)))));
        return Expression.Lambda<Func<T, bool>>(body, t);
    }

    /// <summary>Key of a conversation or tally: its bucket's index (the time against the bucket boundaries, a CASE in SQL), rep and channel.</summary>
    private static Expression<Func<T, BucketKeyOf>> BucketKey<T>(IReadOnlyList<DateTime> bounds, string at)
    {
        var a = Expression.Parameter(typeof(T), "a");
        var time = Expression.Property(a, at);
        Expression index = Expression.Constant(bounds.Count);
        for (var i = bounds.Count - 1; i >= 0; i--)
            index = Expression.Condition(Expression.LessThan(time, Expression.Constant(bounds[i])), Expression.Constant(i), index);
        var body = Expression.MemberInit(Expression.New(typeof(BucketKeyOf)),
            Expression.Bind(typeof(BucketKeyOf).GetProperty(nameof(BucketKeyOf.Index))!, index),
            Expression.Bind(typeof(BucketKeyOf).GetProperty(nameof(BucketKeyOf.UserId))!, Expression.Property(a, "UserId")),
            Expression.Bind(typeof(BucketKeyOf).GetProperty(nameof(BucketKeyOf.Channel))!, Expression.Property(a, "Channel")));
        return Expression.Lambda<Func<T, BucketKeyOf>>(body, a);
    }

    private sealed class BucketKeyOf
    {
        public int Index { get; init; }
        public long? UserId { get; init; }
        public Channel Channel { get; init; }
    }
}
