using Microsoft.EntityFrameworkCore;
using Prospector.Data;

namespace Prospector.Features.Qualification;

/// <summary>The criteria a fresh workspace starts with (DESIGN.md §1 and the source articles); admins edit them.</summary>
public static class QualificationDefaults
{
    /// <summary>
    /// Default criteria. Their labels are also resource keys: shown translated until an admin renames them
    /// (a renamed label has no translation and is shown as typed).
    /// </summary>
    public static readonly string[] SuspectToLead =
        ["Contacted through marketing or cold outreach", "Requested information or accepted an invitation",
         "Visited the website, downloaded content or subscribed", "Reacted on social media", "Knows the brand"];

    public static readonly (string Label, bool Required)[] LeadToProspect =
        [("Fits the target market", true), ("Has the budget or means to pay", true),
         ("Has the authority to decide or access to the decider", true), ("A concrete need or interest identified", false),
         ("Asked for details, price, demo or trial", false), ("Agreed to a follow-up", false), ("Creditworthiness checked", false)];

    public static async Task EnsureAsync(ProspectorDb db, CancellationToken ct = default)
    {
        if (!await db.GateRules.AnyAsync(ct))
        {
            db.GateRules.AddRange(
                new GateRule { Gate = Gate.SuspectToLead, Kind = GateRuleKind.AtLeast, MinCount = 1 },
                new GateRule { Gate = Gate.LeadToProspect, Kind = GateRuleKind.AtLeast, MinCount = 2 });
        }
        if (!await db.QualificationCriteria.AnyAsync(ct))
        {
            var order = 0;
            foreach (var label in SuspectToLead)
                db.QualificationCriteria.Add(new QualificationCriterion { Gate = Gate.SuspectToLead, Label = label, SortOrder = ++order });
            order = 0;
            foreach (var (label, required) in LeadToProspect)
                db.QualificationCriteria.Add(new QualificationCriterion
                {
                    Gate = Gate.LeadToProspect, Label = label, Required = required, SortOrder = ++order, Weight = required ? 2 : 1,
                });
        }
        if (!await db.Pipelines.AnyAsync(ct))
            db.Pipelines.Add(Demo.DemoData.DefaultPipeline());
        await db.SaveChangesAsync(ct);
    }
}
