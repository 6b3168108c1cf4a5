using Microsoft.EntityFrameworkCore;
using Prospector.Data;

namespace Prospector.Features.Sources;

/// <summary>
/// The sources a workspace starts with (from the seeds: bought lists, trade fairs, the website, referrals…), and the one-time
/// move of the free-text sources written before sources were a managed list.
/// </summary>
public static class SourceDefaults
{
    /// <summary>Key and English name (a resource key: shown translated until an admin renames it).</summary>
    public static readonly (string Key, string Name)[] All =
    [
        ("bought-list", "Bought list"), ("trade-fair", "Trade fair"), ("website", "Website / online form"), ("referral", "Referral"),
        ("newsletter", "Newsletter"), ("webinar", "Webinar"), ("campaign", "Campaign"), ("social", "Social media"),
        ("cold-call", "Cold call"), ("existing-customer", "Existing customer"),
    ];

    /// <summary>
    /// Free-text values that mean a default source (lower case; en, de, nl). A value that is only an alias ("LinkedIn" for
    /// social media) stays on the record as the source's detail; a value that is the source's own name is not repeated.
    /// </summary>
    private static readonly Dictionary<string, string> Aliases = new(StringComparer.OrdinalIgnoreCase)
    {
        ["purchased list"] = "bought-list", ["bought list"] = "bought-list", ["gekaufte adressliste"] = "bought-list", ["adressliste"] = "bought-list",
        ["gekocht adresbestand"] = "bought-list", ["list"] = "bought-list",
        ["trade fair"] = "trade-fair", ["trade show"] = "trade-fair", ["fair"] = "trade-fair", ["messe"] = "trade-fair", ["beurs"] = "trade-fair",
        ["website"] = "website", ["web"] = "website", ["online form"] = "website", ["web form"] = "website", ["webform"] = "website",
        ["website / online form"] = "website", ["website / online-formular"] = "website", ["website / online formulier"] = "website",
        ["referral"] = "referral", ["recommendation"] = "referral", ["empfehlung"] = "referral", ["doorverwijzing"] = "referral", ["aanbeveling"] = "referral",
        ["newsletter"] = "newsletter", ["nieuwsbrief"] = "newsletter",
        ["webinar"] = "webinar",
        ["campaign"] = "campaign", ["kampagne"] = "campaign", ["campagne"] = "campaign", ["mailing"] = "campaign",
        ["social"] = "social", ["social media"] = "social", ["linkedin"] = "social", ["xing"] = "social", ["facebook"] = "social",
        ["instagram"] = "social", ["twitter"] = "social",
        ["cold call"] = "cold-call", ["cold calling"] = "cold-call", ["kaltakquise"] = "cold-call", ["koude acquisitie"] = "cold-call",
        ["existing customer"] = "existing-customer", ["bestandskunde"] = "existing-customer", ["bestaande klant"] = "existing-customer",
    };

    /// <summary>
    /// Once, on a workspace without sources (fresh, or just upgraded): adds the defaults, then turns every free-text source on
    /// contacts, companies and web forms into a managed one. Known values (case-insensitive, en/de/nl) become the default
    /// source; any other value becomes a new managed source of that name (first spelling wins), so filters and reports keep
    /// it apart. Aliases ("LinkedIn") stay as the detail text. Sources are never deleted (only retired), so this runs once.
    /// </summary>
    public static async Task EnsureAsync(ProspectorDb db, CancellationToken ct = default)
    {
        if (await db.LeadSources.AnyAsync(ct)) return;
        var order = 0;
        foreach (var (key, name) in All) db.LeadSources.Add(new LeadSource { Key = key, Name = name, SortOrder = ++order });
        await db.SaveChangesAsync(ct);
        await AdoptFreeTextAsync(db, ct);
    }

    /// <summary>
    /// Turns free-text sources of records without a managed source into managed ones (see <see cref="EnsureAsync"/>); also
    /// used by the demo data, which writes its sources as text.
    /// </summary>
    public static async Task AdoptFreeTextAsync(ProspectorDb db, CancellationToken ct = default)
    {
        var order = await db.LeadSources.MaxAsync(s => (int?)s.SortOrder, ct) ?? 0;
        var texts = (await db.Contacts.IgnoreQueryFilters().Where(c => c.Source != null && c.LeadSourceId == null).Select(c => c.Source!).Distinct().ToListAsync(ct))
            .Concat(await db.Companies.IgnoreQueryFilters().Where(c => c.Source != null && c.LeadSourceId == null).Select(c => c.Source!).Distinct().ToListAsync(ct))
            .Concat(await db.WebForms.Where(f => f.Source != null && f.LeadSourceId == null).Select(f => f.Source!).Distinct().ToListAsync(ct))
            .Distinct().ToList();
        if (texts.Count == 0) return;
        var sources = await db.LeadSources.ToListAsync(ct);
        foreach (var text in texts)
        {
            var trimmed = text.Trim();
            if (trimmed.Length == 0) continue;
            var (source, keepDetail) = Match(sources, trimmed);
            if (source is null)
            {
                source = db.LeadSources.Add(new LeadSource { Name = trimmed, Key = FreeKey(sources, trimmed), SortOrder = ++order }).Entity;
                sources.Add(source);
                await db.SaveChangesAsync(ct);
            }
            var id = source.Id;
            string? detail = keepDetail ? trimmed : null;
            await db.Contacts.IgnoreQueryFilters().Where(c => c.Source == text && c.LeadSourceId == null)
                .ExecuteUpdateAsync(u => u.SetProperty(c => c.LeadSourceId, id).SetProperty(c => c.Source, detail), ct);
            await db.Companies.IgnoreQueryFilters().Where(c => c.Source == text && c.LeadSourceId == null)
                .ExecuteUpdateAsync(u => u.SetProperty(c => c.LeadSourceId, id).SetProperty(c => c.Source, detail), ct);
            await db.WebForms.Where(f => f.Source == text && f.LeadSourceId == null)
                .ExecuteUpdateAsync(u => u.SetProperty(f => f.LeadSourceId, id).SetProperty(f => f.Source, detail), ct);
        }
    }

    /// <summary>The managed source a free text means, and whether the text says more than the source's name (keep it as detail).</summary>
    public static (LeadSource? Source, bool KeepDetail) Match(IReadOnlyList<LeadSource> sources, string text)
    {
        if (sources.FirstOrDefault(s => string.Equals(s.Name, text, StringComparison.OrdinalIgnoreCase)
                || string.Equals(s.Key, text, StringComparison.OrdinalIgnoreCase)) is { } exact) return (exact, false);
        if (Aliases.TryGetValue(text, out var key) && sources.FirstOrDefault(s => s.Key == key) is { } aliased)
            return (aliased, !IsOwnName(text, aliased));
        return (null, false);
    }

    /// <summary>The default's name in one of the three languages ("Messe" for trade fair) is not worth keeping as detail.</summary>
    private static bool IsOwnName(string text, LeadSource s) =>
        (Translations.TryGetValue(s.Key, out var names) && names.Contains(text, StringComparer.OrdinalIgnoreCase));

    private static readonly Dictionary<string, string[]> Translations = new()
    {
        ["bought-list"] = ["gekaufte adressliste", "gekocht adresbestand"], ["trade-fair"] = ["messe", "beurs"],
        ["website"] = ["website", "website / online-formular", "website / online formulier"], ["referral"] = ["empfehlung", "doorverwijzing"],
        ["newsletter"] = ["nieuwsbrief"], ["webinar"] = ["webinar"], ["campaign"] = ["kampagne", "campagne"], ["social"] = ["social", "social media"],
        ["cold-call"] = ["kaltakquise", "koude acquisitie"], ["existing-customer"] = ["bestandskunde", "bestaande klant"],
    };

    private static string FreeKey(List<LeadSource> sources, string name)
    {
        var stem = SourceAdmin.KeyOf(name);
        var key = stem;
        for (var i = 2; sources.Any(s => s.Key == key); i++) key = $"{stem}-{i}";
        return key;
    }
}
