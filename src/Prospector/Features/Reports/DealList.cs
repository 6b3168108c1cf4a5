using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;
using Prospector.Data;
using Prospector.Features.Access;
using Prospector.Features.Common;

namespace Prospector.Features.Reports;

/// <summary>
/// Which deals a list shows (the /deals page, GET /api/v1/opportunities and the links from the reports' deal figures).
/// Team and owner are the deal's; source, list and country its contact's (as in the reports). <see cref="ClosedFrom"/> and
/// <see cref="ClosedTo"/> are days in the viewer's time zone, both included; <see cref="ExpectedClose"/> a month (yyyy-MM);
/// <see cref="Overdue"/>: open deals whose expected close date has passed (the forecast's "overdue"). <see cref="Without"/>
/// lists what a deal must not have: owner, team, source, reason.
/// </summary>
public sealed record DealFilter(OpportunityState? State = null, long? PipelineId = null, long? StepId = null, long? OwnerId = null, long? TeamId = null,
    string? Source = null, long? ListId = null, string? Country = null, DateOnly? ClosedFrom = null, DateOnly? ClosedTo = null,
    string? ExpectedClose = null, string? Reason = null, string? Currency = null, bool Overdue = false, string? Without = null,
    DateOnly? CreatedFrom = null, DateOnly? CreatedTo = null)
{
    public static readonly string[] WithoutValues = ["owner", "team", "source", "reason"];

    /// <summary>The filter as URL query parts (the names of the API's parameters).</summary>
    public IEnumerable<string> Query()
    {
        static string E(string s) => Uri.EscapeDataString(s);
        if (State is { } s) yield return "state=" + s;
        if (PipelineId is { } p) yield return "pipelineId=" + p;
        if (StepId is { } st) yield return "stepId=" + st;
        if (OwnerId is { } o) yield return "ownerId=" + o;
        if (TeamId is { } t) yield return "teamId=" + t;
        if (!string.IsNullOrEmpty(Source)) yield return "source=" + E(Source);
        if (ListId is { } l) yield return "listId=" + l;
        if (!string.IsNullOrEmpty(Country)) yield return "country=" + E(Country);
        if (ClosedFrom is { } cf) yield return "closedFrom=" + cf.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        if (ClosedTo is { } ctd) yield return "closedTo=" + ctd.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        if (!string.IsNullOrEmpty(ExpectedClose)) yield return "expectedClose=" + E(ExpectedClose);
        if (Reason is not null) yield return "reason=" + E(Reason);
        if (!string.IsNullOrEmpty(Currency)) yield return "currency=" + E(Currency);
        if (Overdue) yield return "overdue=true";
        if (!string.IsNullOrEmpty(Without)) yield return "without=" + E(Without);
        if (CreatedFrom is { } crf) yield return "createdFrom=" + crf.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        if (CreatedTo is { } crt) yield return "createdTo=" + crt.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
    }

    public string Link() => "/deals" + (Query().ToList() is { Count: > 0 } q ? "?" + string.Join('&', q) : "");

    /// <summary>The deals of a report figure: the report's filter (team, owner, source, list, country) and what the figure counts.</summary>
    public static DealFilter Of(ReportFilter f) => new(TeamId: f.TeamId, OwnerId: f.OwnerId, Source: f.Source, ListId: f.ListId, Country: f.Country);
}

public static class DealList
{
    /// <summary>
    /// The deals the viewer may see that match <paramref name="f"/>, or what is wrong with the filter. <paramref name="within"/>: deals
    /// already narrowed by the caller (the API's own owner, team, source and search filters; then those fields of
    /// <paramref name="f"/> must be null), else all deals the viewer may see.
    /// </summary>
    public static async Task<Outcome<IQueryable<Opportunity>>> QueryAsync(ProspectorDb db, AccessScope scope, DealFilter f, TimeProvider time,
        IStringLocalizer l, CancellationToken ct, IQueryable<Opportunity>? within = null)
    {
        var basis = await ReportBasis.ResolveAsync(db, scope, new ReportFilter(null, null, f.TeamId, f.OwnerId, f.Source, f.ListId, f.Country), time, l, ct);
        if (!basis.IsOk) return Outcome<IQueryable<Opportunity>>.Invalid(basis.Errors);
        var b = basis.Value!;
        var without = (f.Without ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (without.FirstOrDefault(w => !DealFilter.WithoutValues.Contains(w, StringComparer.OrdinalIgnoreCase)) is { } bad)
            return Outcome<IQueryable<Opportunity>>.Invalid("without", l["Unknown value {0}; allowed: {1}.", bad, string.Join(", ", DealFilter.WithoutValues)]);
        if (f.ClosedFrom > f.ClosedTo || f.CreatedFrom > f.CreatedTo) return Outcome<IQueryable<Opportunity>>.Invalid("closedFrom", l["The start of the period is after its end."]);
        DateOnly? month = null;
        if (!string.IsNullOrEmpty(f.ExpectedClose))
        {
            if (!DateOnly.TryParseExact(f.ExpectedClose + "-01", "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var m))
                return Outcome<IQueryable<Opportunity>>.Invalid("expectedClose", l["Give a month as yyyy-MM."]);
            month = m;
        }
        if (f.Currency is { Length: > 3 } || f.Reason is { Length: > 500 })
            return Outcome<IQueryable<Opportunity>>.Invalid(f.Currency is { Length: > 3 } ? "currency" : "reason", l["This value is too long."]);

        var q = within is null ? b.Opportunities()
            : f.ListId is null && string.IsNullOrWhiteSpace(f.Country) ? within
            : within.Where(o => b.Opportunities().Select(x => x.Id).Contains(o.Id));
        if (f.State is { } s) q = q.Where(o => o.State == s);
        if (f.PipelineId is { } p) q = q.Where(o => o.PipelineId == p);
        if (f.StepId is { } st) q = q.Where(o => o.StepId == st);
        var zone = UserTime.Zone(b.Period.TimeZone);
        if (f.ClosedFrom is { } from) { var start = ReportPeriod.MidnightUtc(from, zone); q = q.Where(o => o.ClosedAt != null && o.ClosedAt >= start); }
        if (f.ClosedTo is { } to) { var end = ReportPeriod.MidnightUtc(to.AddDays(1), zone); q = q.Where(o => o.ClosedAt != null && o.ClosedAt < end); }
        if (f.CreatedFrom is { } cf) { var start = ReportPeriod.MidnightUtc(cf, zone); q = q.Where(o => o.CreatedAt >= start); }
        if (f.CreatedTo is { } ct2) { var end = ReportPeriod.MidnightUtc(ct2.AddDays(1), zone); q = q.Where(o => o.CreatedAt < end); }
        if (month is { } mo) { var next = mo.AddMonths(1); q = q.Where(o => o.ExpectedCloseDate != null && o.ExpectedCloseDate >= mo && o.ExpectedCloseDate < next); }
        if (!string.IsNullOrEmpty(f.Reason)) q = q.Where(o => o.CloseReason == f.Reason);
        if (!string.IsNullOrEmpty(f.Currency)) { var c = f.Currency.ToUpperInvariant(); q = q.Where(o => o.Currency == c); }
        if (f.Overdue) { var today = b.Period.Today; q = q.Where(Definitions.InPipelineValue).Where(o => o.ExpectedCloseDate != null && o.ExpectedCloseDate < today); }
        foreach (var w in without.Select(w => w.ToLowerInvariant()))
            q = w switch
            {
                "owner" => q.Where(o => o.OwnerId == null),
                "team" => q.Where(o => o.TeamId == null),
                "source" => q.Where(o => o.Contact!.LeadSourceId == null),
                _ => q.Where(o => o.CloseReason == null || o.CloseReason == ""),
            };
        return Outcome<IQueryable<Opportunity>>.Ok(q);
    }
}
