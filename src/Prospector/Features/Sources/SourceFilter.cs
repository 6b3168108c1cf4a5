using Microsoft.Extensions.Localization;
using Prospector.Data;

namespace Prospector.Features.Sources;

/// <summary>The <c>source=</c> query parameter of list endpoints: a source's id or key; one that names no source is a 400.</summary>
public static class SourceFilter
{
    public static async Task<(long? Id, Dictionary<string, string[]>? Errors)> ReadAsync(ProspectorDb db, string? value, CancellationToken ct,
        IStringLocalizer? l = null)
    {
        if (string.IsNullOrWhiteSpace(value)) return (null, null);
        if (await SourceLookup.FindAsync(db, value, ct) is { } s) return (s.Id, null);
        var text = l is null ? string.Format(System.Globalization.CultureInfo.InvariantCulture, SourceLookup.Unknown, value.Trim()) : l[SourceLookup.Unknown, value.Trim()].Value;
        return (null, new Dictionary<string, string[]> { ["source"] = [text] });
    }
}
