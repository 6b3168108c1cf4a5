using Microsoft.EntityFrameworkCore;
using Prospector.Data;

namespace Prospector.Features.Common;

/// <summary>
/// The country a user works from, for numbers written without a country code: derived from the time zone in their
/// settings (Europe/Amsterdam → NL, Europe/Vienna → AT…), so no profile field is needed; the workspace's default country
/// when the zone names no single country (UTC) or the user is not known (the CLI without an owner).
/// </summary>
public static class UserCountry
{
    // IANA zone → ISO 3166-1 country (from the tz database's zone.tab), for the zones a European sales team uses and the
    // main ones elsewhere. A zone shared by several countries (e.g. Europe/Berlin is also Busingen's) names its main one.
    private static readonly Dictionary<string, string> Zones = new(StringComparer.OrdinalIgnoreCase)
    {
        ["Europe/Berlin"] = "DE", ["Europe/Busingen"] = "DE", ["Europe/Amsterdam"] = "NL", ["Europe/Brussels"] = "BE",
        ["Europe/Luxembourg"] = "LU", ["Europe/Vienna"] = "AT", ["Europe/Zurich"] = "CH", ["Europe/Vaduz"] = "LI",
        ["Europe/Paris"] = "FR", ["Europe/Monaco"] = "MC", ["Europe/Warsaw"] = "PL", ["Europe/Prague"] = "CZ",
        ["Europe/Bratislava"] = "SK", ["Europe/Budapest"] = "HU", ["Europe/Copenhagen"] = "DK", ["Europe/Stockholm"] = "SE",
        ["Europe/Oslo"] = "NO", ["Europe/Helsinki"] = "FI", ["Europe/London"] = "GB", ["Europe/Dublin"] = "IE",
        ["Europe/Madrid"] = "ES", ["Atlantic/Canary"] = "ES", ["Europe/Lisbon"] = "PT", ["Europe/Rome"] = "IT",
        ["Europe/Ljubljana"] = "SI", ["Europe/Zagreb"] = "HR", ["Europe/Belgrade"] = "RS", ["Europe/Athens"] = "GR",
        ["Europe/Bucharest"] = "RO", ["Europe/Sofia"] = "BG", ["Europe/Tallinn"] = "EE", ["Europe/Riga"] = "LV",
        ["Europe/Vilnius"] = "LT", ["Europe/Malta"] = "MT", ["Europe/Istanbul"] = "TR", ["Europe/Kyiv"] = "UA", ["Europe/Kiev"] = "UA",
        ["Atlantic/Reykjavik"] = "IS", ["Asia/Nicosia"] = "CY", ["America/New_York"] = "US", ["America/Chicago"] = "US",
        ["America/Denver"] = "US", ["America/Los_Angeles"] = "US", ["America/Toronto"] = "CA", ["America/Vancouver"] = "CA",
        ["America/Sao_Paulo"] = "BR", ["America/Mexico_City"] = "MX", ["Australia/Sydney"] = "AU", ["Pacific/Auckland"] = "NZ",
        ["Asia/Tokyo"] = "JP", ["Asia/Singapore"] = "SG", ["Asia/Dubai"] = "AE", ["Asia/Kolkata"] = "IN", ["Asia/Shanghai"] = "CN",
        ["Africa/Johannesburg"] = "ZA",
    };

    /// <summary>The country of an IANA time zone, or null when the zone names no single country.</summary>
    public static string? OfZone(string? timeZone) => Zones.GetValueOrDefault(timeZone?.Trim() ?? "");

    /// <summary>The user's own country (their time zone's), else the workspace's default country.</summary>
    public static async Task<string?> DefaultAsync(ProspectorDb db, long? userId, CancellationToken ct = default) =>
        (userId is > 0 ? OfZone(await UserTime.ZoneOfAsync(db, userId, ct)) : null)
        ?? await db.WorkspaceSettings.OrderBy(s => s.Id).Select(s => s.DefaultCountry).FirstOrDefaultAsync(ct);
}
