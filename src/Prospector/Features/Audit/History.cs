using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Prospector.Data;

namespace Prospector.Features.Audit;

public sealed record HistoryEntry(DateTime At, AuditAction Action, string? UserName, IReadOnlyList<FieldChange> Changes);

/// <summary>The audit trail of one record, newest first.</summary>
public static class History
{
    public static async Task<List<HistoryEntry>> ForAsync(ProspectorDb db, string entityType, long id, CancellationToken ct = default)
    {
        var rows = await db.AuditEntries.Where(a => a.EntityType == entityType && a.EntityId == id)
            .OrderByDescending(a => a.At).ThenByDescending(a => a.Id).Take(500).ToListAsync(ct);
        return rows.Select(a => new HistoryEntry(a.At, a.Action, a.UserName,
            JsonSerializer.Deserialize<List<FieldChange>>(a.Changes, JsonSerializerOptions.Web) ?? [])).ToList();
    }
}
