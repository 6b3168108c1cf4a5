using Prospector.Data;
using Prospector.Features.Access;
using Prospector.Features.Common;

namespace Prospector.Features.Pipelines;

/// <summary>The deal list's staleness filters: <c>stale</c> (rotting or not, <see cref="Rotting"/>) and <c>lastContactedBefore</c> (a day in the caller's zone).</summary>
public static class StalenessFilter
{
    public static async Task<IQueryable<Opportunity>> DealsAsync(ProspectorDb db, AccessScope scope, IQueryable<Opportunity> deals, bool? stale,
        DateOnly? lastContactedBefore, CancellationToken ct)
    {
        if (stale is { } wanted)
        {
            var rotting = await PipelineQueries.RottingFilterAsync(db, scope, ct);
            deals = deals.Where(wanted ? rotting : Definitions.Not(rotting));
        }
        if (lastContactedBefore is { } day)
        {
            var zone = UserTime.Zone(await UserTime.ZoneOfAsync(db, scope.UserId, ct));
            deals = deals.Where(Engagement.DealQuietSince(db, Engagement.StartOfDayUtc(day, zone)));
        }
        return deals;
    }
}
