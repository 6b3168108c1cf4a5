using Microsoft.Extensions.Localization;
using Prospector.Data;
using Prospector.Features.Access;
using Prospector.Features.Audit;

namespace Prospector.Features.Conversations;

/// <summary>
/// The field changes of a timeline as a person reads them: the audit trail keeps ids ("StepId: 1 → 2", "OwnerId: 3"); the
/// timeline shows the step's, the owner's, the team's and the pipeline's names, as the History tab does (<see cref="HistoryText"/>).
/// </summary>
public static class TimelineChanges
{
    /// <summary>The readable lines of each change entry, one list per entry of <paramref name="entries"/> (empty for other kinds).</summary>
    public static async Task<List<IReadOnlyList<HistoryLine>>> ReadableAsync(ProspectorDb db, AccessScope scope, IReadOnlyList<TimelineEntry> entries,
        IStringLocalizer l, string? timeZone, Terminology terms, CancellationToken ct = default)
    {
        var history = entries.Select(e => new HistoryEntry(e.At, e.AuditAction ?? AuditAction.Updated, e.By, e.Changes ?? [])).ToList();
        var readable = await HistoryText.ReadableAsync(db, scope, history, l, timeZone, terms, ct);
        return [.. readable.Select(r => (IReadOnlyList<HistoryLine>)r.Lines)];
    }
}
