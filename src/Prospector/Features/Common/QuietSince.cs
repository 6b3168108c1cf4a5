using Microsoft.EntityFrameworkCore;
using Prospector.Data;
using Prospector.Features.Access;

namespace Prospector.Features.Common;

/// <summary>
/// The contact and company lists' engagement filters as moments in UTC: <c>lastContactedBefore=DAY</c> keeps records with no
/// conversation since the start of that day (in the caller's zone); <c>stale=true</c> the ones with none for the workspace's
/// "not contacted for N months", <c>stale=false</c> the others.
/// </summary>
public static class QuietSince
{
    public static async Task<(DateTime? QuietSinceUtc, DateTime? ContactedSinceUtc)> OfAsync(ProspectorDb db, AccessScope scope,
        DateOnly? lastContactedBefore, bool? stale, CancellationToken ct = default)
    {
        if (lastContactedBefore is null && stale is null) return (null, null);
        var zone = UserTime.Zone(await UserTime.ZoneOfAsync(db, scope.UserId, ct));
        DateTime? quiet = lastContactedBefore is { } day ? Engagement.StartOfDayUtc(day, zone) : null;
        DateTime? contacted = null;
        if (stale is { } wanted)
        {
            var cutoff = await StaleCutoffUtcAsync(db, zone, ct);
            if (wanted) quiet = quiet is { } q && q < cutoff ? q : cutoff;
            else contacted = cutoff;
        }
        return (quiet, contacted);
    }

    /// <summary>The start of the day <see cref="WorkspaceSettings.CustomersNotContactedMonths"/> months ago, in the zone.</summary>
    public static async Task<DateTime> StaleCutoffUtcAsync(ProspectorDb db, TimeZoneInfo zone, CancellationToken ct = default)
    {
        var months = await db.WorkspaceSettings.Select(s => s.CustomersNotContactedMonths).FirstAsync(ct);
        var today = Engagement.Today(db.Clock.GetUtcNow().UtcDateTime, zone);
        return Engagement.StartOfDayUtc(Engagement.QuietSince(today, months), zone);
    }
}
