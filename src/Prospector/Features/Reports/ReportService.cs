using Microsoft.Extensions.Localization;
using Prospector.Data;
using Prospector.Features.Access;
using Prospector.Features.Common;

namespace Prospector.Features.Reports;

/// <summary>
/// The reports, computed from what is recorded (lifecycle events, deals) for the records the user may see; the page, the API
/// and the CLI all call these methods. docs/reports.md defines each figure.
/// </summary>
public sealed class ReportService(ProspectorDb db, TimeProvider time, IStringLocalizer<SharedResource> l)
{
    public Task<Outcome<FunnelReport>> FunnelAsync(ReportFilter f, AccessScope scope, CancellationToken ct = default) =>
        RunAsync(f, scope, b => FunnelReport.ComputeAsync(b, ct), ct);

    public Task<Outcome<WinLossReport>> WinLossAsync(ReportFilter f, AccessScope scope, CancellationToken ct = default) =>
        RunAsync(f, scope, b => WinLossReport.ComputeAsync(b, ct), ct);

    public Task<Outcome<ForecastReport>> ForecastAsync(ReportFilter f, AccessScope scope, CancellationToken ct = default) =>
        RunAsync(f, scope, b => ForecastReport.ComputeAsync(b, ct), ct);

    public Task<Outcome<StageTimesReport>> StageTimesAsync(ReportFilter f, AccessScope scope, CancellationToken ct = default) =>
        RunAsync(f, scope, b => StageTimesReport.ComputeAsync(b, time, ct), ct);

    public Task<Outcome<ActivityReport>> ActivityAsync(ReportFilter f, AccessScope scope, CancellationToken ct = default) =>
        RunAsync(f, scope, b => ActivityReport.ComputeAsync(b, ct), ct);

    public Task<Outcome<ListsReport>> ListsAsync(ReportFilter f, AccessScope scope, CancellationToken ct = default) =>
        RunAsync(f, scope, b => ListsReport.ComputeAsync(b, ct), ct);

    public Task<Outcome<TeamReport>> TeamAsync(ReportFilter f, AccessScope scope, CancellationToken ct = default) =>
        RunAsync(f, scope, b => TeamReport.ComputeAsync(b, ct), ct);

    /// <summary>The resolved period and filter, for links from a report to the records behind a number.</summary>
    public Task<Outcome<ReportBasis>> BasisAsync(ReportFilter f, AccessScope scope, CancellationToken ct = default) =>
        ReportBasis.ResolveAsync(db, scope, f, time, l, ct);

    /// <summary>The ids of the contacts behind one funnel number (for the contacts list), or why the filter is wrong.</summary>
    public async Task<Outcome<IQueryable<long>>> ContactIdsAsync(ReportFilter f, ContactSlice slice, Stage? stage, string? reason, AccessScope scope,
        CancellationToken ct = default)
    {
        var basis = await ReportBasis.ResolveAsync(db, scope, f, time, l, ct);
        return basis.IsOk ? Outcome<IQueryable<long>>.Ok(ContactSlices.Ids(basis.Value!, slice, stage, reason)) : Outcome<IQueryable<long>>.Invalid(basis.Errors);
    }

    /// <summary>Ids of the conversations an Activity or Team report counts for the filter (its owner filter: one rep's), in the period.</summary>
    public async Task<Outcome<IQueryable<long>>> ConversationIdsAsync(ReportFilter f, AccessScope scope, CancellationToken ct = default)
    {
        var basis = await ReportBasis.ResolveAsync(db, scope, f, time, l, ct);
        if (!basis.IsOk) return Outcome<IQueryable<long>>.Invalid(basis.Errors);
        var b = basis.Value!;
        var (start, end) = (b.Period.StartUtc, b.Period.EndUtc);
        return Outcome<IQueryable<long>>.Ok(ActivityReport.ConversationsOf(b).Where(a => a.OccurredAt >= start && a.OccurredAt < end).Select(a => a.Id));
    }

    private async Task<Outcome<T>> RunAsync<T>(ReportFilter f, AccessScope scope, Func<ReportBasis, Task<T>> compute, CancellationToken ct)
    {
        var basis = await ReportBasis.ResolveAsync(db, scope, f, time, l, ct);
        if (!basis.IsOk) return Outcome<T>.Invalid(basis.Errors);
        return Outcome<T>.Ok(await compute(basis.Value!));
    }
}
