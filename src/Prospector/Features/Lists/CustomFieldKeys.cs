using Microsoft.EntityFrameworkCore;
using Prospector.Data;

namespace Prospector.Features.Lists;

/// <summary>
/// Columns mapped to <see cref="ListField.Custom"/> become contact custom fields: the field of the same name (label or
/// key, compared folded: "Geburtsort" = "geburtsort") when the workspace has one, else a new text field named after the
/// column. Its values live in the contact's customFields object under the field's key.
/// </summary>
public static class CustomFieldKeys
{
    public const string Contact = "Contact";

    public static string For(string column, IEnumerable<CustomFieldDefinition> defined)
    {
        var folded = TextKeys.Fold(column);
        return defined.FirstOrDefault(d => TextKeys.Fold(d.Label) == folded || TextKeys.Fold(d.Key) == folded)?.Key ?? Cap(column.Trim(), 64);
    }

    /// <summary>Defines a contact custom field for each custom column that has none yet (the caller saves).</summary>
    public static async Task EnsureDefinedAsync(ProspectorDb db, IEnumerable<string> columns, CancellationToken ct)
    {
        var defined = await db.CustomFieldDefinitions.Where(d => d.EntityType == Contact).ToListAsync(ct);
        var order = defined.Count == 0 ? 0 : defined.Max(d => d.SortOrder);
        foreach (var column in columns)
        {
            if (string.IsNullOrWhiteSpace(column) || defined.Any(d => d.Key == For(column, defined))) continue;
            var field = new CustomFieldDefinition { EntityType = Contact, Key = Cap(column.Trim(), 64), Label = Cap(column.Trim(), 100), Type = "text", SortOrder = ++order };
            db.CustomFieldDefinitions.Add(field);
            defined.Add(field);
        }
    }

    private static string Cap(string v, int max) => UnicodeText.Prefix(v, max);
}
