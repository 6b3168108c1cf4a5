using Prospector.Features.Access;
using Prospector.Features.Common;
using Prospector.Features.Conversations;
using Prospector.Features.Reports;

namespace Prospector.Hosting;

/// <summary>The conversations list's report slice through the reports' own query (<see cref="ReportService.ConversationIdsAsync"/>).</summary>
public sealed class ReportedConversations(ReportService reports) : IReportedConversations
{
    public Task<Outcome<IQueryable<long>>> IdsAsync(ReportedFilter f, AccessScope scope, CancellationToken ct = default) =>
        reports.ConversationIdsAsync(new ReportFilter(f.From, f.To, f.TeamId, f.OwnerId, f.Source, f.ListId, f.Country), scope, ct);
}
