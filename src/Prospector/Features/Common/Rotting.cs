using System.Linq.Expressions;
using Microsoft.EntityFrameworkCore;
using Prospector.Data;

namespace Prospector.Features.Common;

/// <summary>A step an admin gave a limit: a deal longer than <see cref="Days"/> days in it is rotting.</summary>
public sealed record RottingStep(long StepId, int Days);

/// <summary>
/// The one definition of a rotting deal: open (not on standby: that waits on purpose), in a step with "rotting after N days",
/// and more than N days in that step, counted in days of the user's time zone. A deal that entered the step on the 1st with
/// N = 3 is fine through the 4th and rotting from the 5th, whatever the hour.
/// </summary>
public static class Rotting
{
    public static Task<List<RottingStep>> StepsAsync(ProspectorDb db, CancellationToken ct = default) =>
        db.PipelineSteps.Where(s => s.RottingAfterDays != null)
            .Select(s => new RottingStep(s.Id, s.RottingAfterDays!.Value)).ToListAsync(ct);

    /// <summary>Whole days since the deal entered its step, by the calendar of <paramref name="zone"/>.</summary>
    public static int DaysIn(DateTime sinceUtc, DateOnly today, TimeZoneInfo zone) =>
        today.DayNumber - Engagement.Today(sinceUtc, zone).DayNumber;

    public static bool IsRotting(OpportunityState state, int daysInStep, int? rottingAfterDays) =>
        state == OpportunityState.Open && rottingAfterDays is { } n && daysInStep > n;

    /// <summary>
    /// The filter for rotting deals on <paramref name="today"/> in <paramref name="zone"/>: per step limit, entered the step before
    /// the start of the day (today − N). Steps with the same limit share one cut-off.
    /// </summary>
    public static Expression<Func<Opportunity, bool>> Filter(IReadOnlyList<RottingStep> steps, DateOnly today, TimeZoneInfo zone)
    {
        var o = Expression.Parameter(typeof(Opportunity), "o");
        Expression body = Expression.Constant(false);
        foreach (var group in steps.GroupBy(s => s.Days))
        {
            var ids = group.Select(s => s.StepId).ToList();
            var cutoff = Engagement.StartOfDayUtc(today.AddDays(-group.Key), zone);
            Expression<Func<Opportunity, bool>> one = x => ids.Contains(x.StepId) && x.StepEnteredAt < cutoff;
            body = Expression.OrElse(body, Expression.Invoke(one, o));
        }
        Expression<Func<Opportunity, bool>> open = x => x.State == OpportunityState.Open;
        return Expression.Lambda<Func<Opportunity, bool>>(Expression.AndAlso(Expression.Invoke(open, o), body), o);
    }
}
