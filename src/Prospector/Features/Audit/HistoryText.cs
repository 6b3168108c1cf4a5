using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;
using Prospector.Data;
using Prospector.Features.Access;
using Prospector.Features.Common;

namespace Prospector.Features.Audit;

public sealed record HistoryLine(string Field, string? From, string? To);

public sealed record HistoryItem(DateTime At, AuditAction Action, string? UserName, IReadOnlyList<HistoryLine> Lines);

/// <summary>
/// The audit trail keeps code names and ids ("OwnerId: 3", "StepId: 1 → 2"); a person reads names and labels:
/// the owner's name, the step's name, the stage's label, a date in their own culture and time zone.
/// </summary>
public static class HistoryText
{
    // Kept by older entries; derived from other fields and only noise to a reader.
    private static readonly HashSet<string> Hidden = ["PhoneE164", "NameKey", "FirstNameKey", "EmailKey", "CompanyKey", "Version", "UpdatedAt", "CreatedAt", "DeletedAt"];

    public static async Task<List<HistoryItem>> ReadableAsync(ProspectorDb db, AccessScope scope, IEnumerable<HistoryEntry> entries,
        IStringLocalizer l, string? timeZone, Terminology terms, CancellationToken ct = default)
    {
        var list = entries.ToList();
        var ids = (string field) => list.SelectMany(e => e.Changes).Where(c => c.Field == field)
            .SelectMany(c => new[] { c.From, c.To }).Select(Id).OfType<long>().Distinct().ToList();

        var userIds = ids("OwnerId").Concat(ids("AssignedToId")).Concat(ids("CreatedById")).Distinct().ToList();
        var users = await db.Users.Where(u => userIds.Contains(u.Id)).ToDictionaryAsync(u => u.Id, u => u.DisplayName, ct);
        var teamIds = ids("TeamId");
        var teams = await db.Teams.Where(t => teamIds.Contains(t.Id)).ToDictionaryAsync(t => t.Id, t => t.Name, ct);
        var companyIds = ids("CompanyId");
        var companies = await scope.Filter(db.Companies.IgnoreQueryFilters()).Where(c => companyIds.Contains(c.Id))
            .ToDictionaryAsync(c => c.Id, c => c.Name, ct);
        var contactIds = ids("ContactId");
        var contacts = (await scope.Filter(db.Contacts.IgnoreQueryFilters()).Where(c => contactIds.Contains(c.Id)).ToListAsync(ct))
            .ToDictionary(c => c.Id, c => c.DisplayName);
        var stepIds = ids("StepId");
        var steps = await db.PipelineSteps.Where(s => stepIds.Contains(s.Id)).ToDictionaryAsync(s => s.Id, s => s.Name, ct);
        var pipelineIds = ids("PipelineId");
        var pipelines = await db.Pipelines.IgnoreQueryFilters().Where(p => pipelineIds.Contains(p.Id)).ToDictionaryAsync(p => p.Id, p => p.Name, ct);
        var listIds = ids("SourceListId");
        var lists = await scope.Filter(db.ProspectingLists.IgnoreQueryFilters()).Where(p => listIds.Contains(p.Id))
            .ToDictionaryAsync(p => p.Id, p => p.Name, ct);

        string Named(IReadOnlyDictionary<long, string> names, string raw) =>
            Id(raw) is { } id && names.TryGetValue(id, out var n) ? n : l["(not visible to you)"];

        string? Value(string field, string? raw)
        {
            if (raw is null) return null;
            return field switch
            {
                "OwnerId" or "AssignedToId" or "CreatedById" => Named(users, raw),
                "TeamId" => Named(teams, raw),
                "CompanyId" => Named(companies, raw),
                "ContactId" => Named(contacts, raw),
                "StepId" => Id(raw) is { } s && steps.TryGetValue(s, out var step) ? Labels.Step(l, step) : l["(deleted step)"],
                "PipelineId" => Named(pipelines, raw),
                "SourceListId" => Named(lists, raw),
                "Stage" when Enum.TryParse<Stage>(raw, out var st) => Labels.Stage(l, st, terms),
                "LeadStatus" when Enum.TryParse<LeadStatus>(raw, out var ls) => Labels.Status(l, ls),
                "State" when Enum.TryParse<OpportunityState>(raw, out var os) => Labels.OpportunityState(l, os),
                _ => Plain(raw, l, timeZone),
            };
        }

        return list.Select(e => new HistoryItem(e.At, e.Action, e.UserName, e.Changes
            .Where(c => !Hidden.Contains(c.Field))
            .Select(c => new HistoryLine(Labels.Field(l, c.Field), Value(c.Field, c.From), Value(c.Field, c.To)))
            .ToList())).ToList();
    }

    private static long? Id(string? raw) =>
        long.TryParse(raw, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var id) ? id : null;

    /// <summary>Dates, times, numbers and yes/no as the audit trail stored them (invariant), shown in the user's culture.</summary>
    private static string Plain(string raw, IStringLocalizer l, string? timeZone)
    {
        if (raw is "True" or "False") return raw == "True" ? l["Yes"] : l["No"];
        if (raw.Length >= 19 && raw[4] == '-' && raw[10] == 'T'
            && DateTime.TryParse(raw, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var t))
            return UserTime.Format(t, timeZone);
        if (raw.Length == 10 && raw[2] == '/' && DateOnly.TryParseExact(raw, "MM/dd/yyyy", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d))
            return d.ToString("d", CultureInfo.CurrentCulture);
        if (raw.Contains('.') && decimal.TryParse(raw, NumberStyles.Number, CultureInfo.InvariantCulture, out var m))
            return m.ToString("N2", CultureInfo.CurrentCulture);
        return raw;
    }
}
