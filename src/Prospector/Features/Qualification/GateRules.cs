using Prospector.Data;

namespace Prospector.Features.Qualification;

public sealed record MissingCriterion(long CriterionId, string Label);

/// <summary>Where a contact stands against one gate.</summary>
public sealed record GateEvaluation(
    Gate Gate, bool Met, int Score, IReadOnlyList<MissingCriterion> MissingRequired, int OptionalMet, int OptionalNeeded,
    int WeightMet, int WeightNeeded)
{
    /// <summary>Optional criteria still to meet (rule "at least N" / "all").</summary>
    public int OptionalShort => Math.Max(0, OptionalNeeded - OptionalMet);
    public int WeightShort => Math.Max(0, WeightNeeded - WeightMet);
}

/// <summary>
/// The rule of a gate, as a pure function. Required criteria must always be met; the rule then applies to the
/// optional ones: all of them, at least N of them, or a weighted score (sum of the weights of met criteria,
/// required ones included) of at least T. The score shown to users is the share of the total weight that is met.
/// </summary>
public static class GateRules
{
    public static GateEvaluation Evaluate(
        Gate gate, GateRule rule, IReadOnlyList<QualificationCriterion> criteria, IReadOnlyDictionary<long, CriterionAnswer> answers)
    {
        var active = criteria.Where(c => c.Gate == gate && c.RetiredAt is null).OrderBy(c => c.SortOrder).ThenBy(c => c.Id).ToList();
        bool IsMet(QualificationCriterion c) => answers.TryGetValue(c.Id, out var a) && a == CriterionAnswer.Met;

        var missingRequired = active.Where(c => c.Required && !IsMet(c)).Select(c => new MissingCriterion(c.Id, c.Label)).ToList();
        var optional = active.Where(c => !c.Required).ToList();
        var optionalMet = optional.Count(IsMet);
        var weightMet = active.Where(IsMet).Sum(c => Math.Max(0, c.Weight));
        var weightTotal = active.Sum(c => Math.Max(0, c.Weight));

        var (optionalNeeded, weightNeeded) = rule.Kind switch
        {
            GateRuleKind.All => (optional.Count, 0),
            GateRuleKind.AtLeast => (Math.Min(Math.Max(0, rule.MinCount), optional.Count), 0),
            _ => (0, Math.Max(0, rule.MinScore)),
        };
        var met = missingRequired.Count == 0 && optionalMet >= optionalNeeded && weightMet >= weightNeeded;
        var score = weightTotal == 0 ? (met ? 100 : 0) : (int)Math.Round(100.0 * weightMet / weightTotal);
        return new GateEvaluation(gate, met, score, missingRequired, optionalMet, optionalNeeded, weightMet, weightNeeded);
    }

    /// <summary>The gates a move from one stage to another crosses (upward moves only; going back is free).</summary>
    public static IReadOnlyList<Gate> Crossed(Stage from, Stage to)
    {
        var gates = new List<Gate>();
        if (from < Stage.Lead && to >= Stage.Lead) gates.Add(Gate.SuspectToLead);
        if (from < Stage.Prospect && to >= Stage.Prospect) gates.Add(Gate.LeadToProspect);
        return gates;
    }

    /// <summary>The gate in front of a contact in this stage, if any.</summary>
    public static Gate? Next(Stage stage) => stage switch
    {
        Stage.Suspect => Gate.SuspectToLead,
        Stage.Lead => Gate.LeadToProspect,
        _ => null,
    };
}
