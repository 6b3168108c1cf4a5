using Microsoft.EntityFrameworkCore;
using Prospector.Data;

namespace Prospector.Features.Sources;

/// <summary>Finds managed sources for filters, pickers and writes.</summary>
public static class SourceLookup
{
    /// <summary>The problem (a resource key, {0} = the value) when a filter or a body names no source.</summary>
    public const string Unknown = "There is no source {0}. Use a source's id or key (GET /api/v1/sources).";

    /// <summary>The source with this id or key (keys compare case-insensitively); null when there is none.</summary>
    public static async Task<LeadSource?> FindAsync(ProspectorDb db, string? idOrKey, CancellationToken ct = default)
    {
        var v = idOrKey?.Trim();
        if (string.IsNullOrEmpty(v)) return null;
        if (long.TryParse(v, out var id)) return await db.LeadSources.AsNoTracking().FirstOrDefaultAsync(s => s.Id == id, ct);
        var key = v.ToLowerInvariant();
        return await db.LeadSources.AsNoTracking().FirstOrDefaultAsync(s => s.Key == key, ct);
    }

    /// <summary>
    /// The sources a picker offers: the active ones in the list's order, plus <paramref name="current"/> when it is retired
    /// (a record keeps its retired source, and the form shows it).
    /// </summary>
    public static Task<List<LeadSource>> OptionsAsync(ProspectorDb db, long? current = null, CancellationToken ct = default) =>
        db.LeadSources.AsNoTracking().Where(s => s.RetiredAt == null || s.Id == current)
            .OrderBy(s => s.RetiredAt != null).ThenBy(s => s.SortOrder).ThenBy(s => s.Id).ToListAsync(ct);

    /// <summary>Every source, retired ones last (filters find old records by a retired source too).</summary>
    public static Task<List<LeadSource>> AllAsync(ProspectorDb db, CancellationToken ct = default) =>
        db.LeadSources.AsNoTracking().OrderBy(s => s.RetiredAt != null).ThenBy(s => s.SortOrder).ThenBy(s => s.Id).ToListAsync(ct);

    /// <summary>
    /// Checks a source a record is being given: it must exist, and a retired one only when the record has it already.
    /// Returns the problem text (resource key and argument) or null.
    /// </summary>
    public static async Task<(string Key, object Arg)?> ProblemAsync(ProspectorDb db, long id, long? before, CancellationToken ct)
    {
        if (await db.LeadSources.AsNoTracking().Where(s => s.Id == id).Select(s => new { s.Name, s.RetiredAt }).FirstOrDefaultAsync(ct) is not { } s)
            return (Unknown, id);
        if (s.RetiredAt is not null && id != before) return (Retired, s.Name);
        return null;
    }

    public const string Retired = "The source {0} is retired: pick another one.";
}
