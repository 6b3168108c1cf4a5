using Prospector.Features.Access;
using Prospector.Features.Common;

namespace Prospector.Features.Conversations;

/// <summary>A report's filter as the conversations list gets it from a report's number (the Reports page links here).</summary>
public sealed record ReportedFilter(DateOnly From, DateOnly To, long? TeamId, long? OwnerId, string? Source, long? ListId, string? Country);

/// <summary>
/// The conversations a report's number counts, so the list shows exactly those. Implemented by the Reports feature's queries
/// (joined in Hosting: Reports already uses this feature, so this feature does not use Reports).
/// </summary>
public interface IReportedConversations
{
    Task<Outcome<IQueryable<long>>> IdsAsync(ReportedFilter filter, AccessScope scope, CancellationToken ct = default);
}
