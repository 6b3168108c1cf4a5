using System.Globalization;
using Prospector.Data;

namespace Prospector.Features.Reports;

/// <summary>The contacts behind a funnel number, for the contacts list (/contacts?report=…): the same queries the report counts with.</summary>
public enum ContactSlice { Cohort, CohortDisqualified, Entered, MovedOn, MovedBack, StillThere, Disqualified, FromList, Contacted }

public static class ContactSlices
{
    /// <summary>Ids of the contacts one funnel number counts.</summary>
    public static IQueryable<long> Ids(ReportBasis b, ContactSlice slice, Stage? stage, string? reason)
    {
        var s = stage ?? Stage.Lead;
        var r = reason ?? "";
        var moves = b.StageEvents().Where(b.InPeriod);
        var q = slice switch
        {
            ContactSlice.Cohort => FunnelReport.Reached(FunnelReport.CohortOf(b), s),
            ContactSlice.CohortDisqualified => FunnelReport.CohortOf(b).Where(c => c.LeadStatus == LeadStatus.Unqualified && (c.UnqualifiedReason ?? "") == r),
            ContactSlice.Entered => FunnelReport.EnteredInPeriod(b, s),
            // The lists report: contacts created from a list (listId) now at a stage (Customer includes repeat customers), or
            // without a stage, the disqualified ones.
            ContactSlice.FromList when stage is null => b.Contacts().Where(c => c.SourceListId != null && c.LeadStatus == LeadStatus.Unqualified),
            ContactSlice.FromList => b.Contacts().Where(c => c.SourceListId != null && c.LeadStatus != LeadStatus.Unqualified
                && (c.Stage == s || (s == Stage.Customer && c.Stage == Stage.RepeatCustomer))),
            ContactSlice.Contacted => TeamReport.ContactedIn(b),
            ContactSlice.StillThere => FunnelReport.StillThere(b, s),
            ContactSlice.MovedOn => Having(b, moves.Where(e => e.FromStage == s && e.ToStage != s).Where(StageOrder.Upward)),
            ContactSlice.MovedBack => Having(b, moves.Where(e => e.FromStage == s && e.ToStage != s).Where(Common.Definitions.Not(StageOrder.Upward))),
            _ => Having(b, b.Db.LifecycleEvents.Where(e => e.Kind == LifecycleEventKind.StatusChanged && e.ToStatus == LeadStatus.Unqualified
                && (e.Reason ?? "") == r).Where(b.InPeriod)),
        };
        return q.Select(c => c.Id);
    }

    private static IQueryable<Contact> Having(ReportBasis b, IQueryable<LifecycleEvent> events)
    {
        var ids = events.Select(e => e.ContactId);
        return b.Contacts().Where(c => ids.Contains(c.Id));
    }

    /// <summary>The link to the contacts list showing one slice under the report's filter.</summary>
    public static string Link(ReportFilter f, ContactSlice slice, Stage? stage = null, string? reason = null)
    {
        var parts = new List<string> { $"report={slice}" };
        if (stage is { } s) parts.Add($"stage={s}");
        if (reason is not null) parts.Add($"reason={Uri.EscapeDataString(reason)}");
        parts.AddRange(Query(f));
        return "/contacts?" + string.Join('&', parts);
    }

    /// <summary>The link to the conversations page showing the conversations the activity report counts under the filter.</summary>
    public static string ConversationsLink(ReportFilter f) => "/conversations?" + string.Join('&', Query(f));

    /// <summary>The filter as query parameters (the same names as the API's).</summary>
    public static IEnumerable<string> Query(ReportFilter f)
    {
        if (f.From is { } from) yield return "from=" + from.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        if (f.To is { } to) yield return "to=" + to.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        if (f.TeamId is { } t) yield return "teamId=" + t.ToString(CultureInfo.InvariantCulture);
        if (f.OwnerId is { } o) yield return "ownerId=" + o.ToString(CultureInfo.InvariantCulture);
        if (!string.IsNullOrWhiteSpace(f.Source)) yield return "source=" + Uri.EscapeDataString(f.Source);
        if (f.ListId is { } l) yield return "listId=" + l.ToString(CultureInfo.InvariantCulture);
        if (!string.IsNullOrWhiteSpace(f.Country)) yield return "country=" + Uri.EscapeDataString(f.Country);
    }
}
