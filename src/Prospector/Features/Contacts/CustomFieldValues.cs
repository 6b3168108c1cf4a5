using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Prospector.Data;

namespace Prospector.Features.Contacts;

/// <summary>A contact's custom fields for display: the field's label where the workspace defines it, else its key.</summary>
public static class CustomFieldValues
{
    public static async Task<List<(string Label, string Value)>> OfAsync(ProspectorDb db, string? json, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(json) || JsonNode.Parse(json) is not JsonObject values || values.Count == 0) return [];
        var labels = await db.CustomFieldDefinitions.AsNoTracking().Where(d => d.EntityType == "Contact")
            .OrderBy(d => d.SortOrder).ToDictionaryAsync(d => d.Key, d => (d.Label, d.SortOrder), ct);
        return [.. values.Where(v => v.Value is not null && v.Value.ToString().Length > 0)
            .OrderBy(v => labels.TryGetValue(v.Key, out var d) ? d.SortOrder : int.MaxValue).ThenBy(v => v.Key, StringComparer.Ordinal)
            .Select(v => (labels.TryGetValue(v.Key, out var d) ? d.Label : v.Key, v.Value is JsonValue s && s.TryGetValue<string>(out var text) ? text : v.Value!.ToJsonString()))];
    }
}
