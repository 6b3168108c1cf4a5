using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;
using Prospector.Data;
using Prospector.Features.Common;

namespace Prospector.Features.Qualification;

/// <summary>
/// The admin's side: criteria per gate (add, edit, reorder, weight, retire) and each gate's rule. One service for the API
/// (<c>/api/v1/qualification/criteria</c>) and the criteria page.
/// </summary>
public sealed class QualificationConfig(ProspectorDb db, TimeProvider time, IStringLocalizer<SharedResource> l)
{
    public async Task<CriteriaConfig> GetAsync(CancellationToken ct = default)
    {
        var criteria = await db.QualificationCriteria.OrderBy(c => c.SortOrder).ThenBy(c => c.Id).ToListAsync(ct);
        var rules = await db.GateRules.ToDictionaryAsync(r => r.Gate, ct);
        return new CriteriaConfig(Enum.GetValues<Gate>().Select(g =>
        {
            var rule = rules.GetValueOrDefault(g) ?? new GateRule { Gate = g };
            return new GateConfig(g, rule.Kind, rule.MinCount, rule.MinScore, criteria.Where(c => c.Gate == g)
                .Select(c => new CriterionConfig(c.Id, c.Label, c.Description, c.Weight, c.Required, c.RetiredAt is not null)).ToList());
        }).ToList());
    }

    /// <summary>
    /// Replaces the configuration of the gates in the body. Criteria are matched by id; new ones have none; the order
    /// of the array is the order shown. Criteria are never deleted (answers refer to them): leaving one out, or
    /// marking it retired, retires it.
    /// </summary>
    public async Task<Outcome<CriteriaConfig>> PutAsync(CriteriaConfig body, CancellationToken ct = default)
    {
        var errors = Validate(body);
        if (errors.Count > 0) return Outcome<CriteriaConfig>.Invalid(errors);
        var existing = await db.QualificationCriteria.ToListAsync(ct);
        for (var i = 0; i < body.Gates!.Count; i++)
            for (var j = 0; j < (body.Gates[i].Criteria?.Count ?? 0); j++)
                if (body.Gates[i].Criteria![j].Id is { } id && !existing.Any(x => x.Id == id && x.Gate == body.Gates[i].Gate))
                    errors[$"gates[{i}].criteria[{j}].id"] = [l["There is no criterion {0} in this gate.", id]];
        if (errors.Count > 0) return Outcome<CriteriaConfig>.Invalid(errors);
        var rules = await db.GateRules.ToListAsync(ct);
        foreach (var g in body.Gates!)
        {
            var rule = rules.FirstOrDefault(r => r.Gate == g.Gate) ?? db.GateRules.Add(new GateRule { Gate = g.Gate }).Entity;
            (rule.Kind, rule.MinCount, rule.MinScore) = (g.Rule, g.MinCount, g.MinScore);
            var order = 0;
            var kept = new HashSet<long>();
            foreach (var c in g.Criteria ?? [])
            {
                var row = c.Id is { } id ? existing.First(x => x.Id == id) : db.QualificationCriteria.Add(new QualificationCriterion { Gate = g.Gate }).Entity;
                (row.Label, row.Description, row.Weight, row.Required, row.SortOrder) = (c.Label!.Trim(), c.Description?.Trim(), c.Weight, c.Required, ++order);
                row.RetiredAt = c.Retired ? row.RetiredAt ?? time.GetUtcNow().UtcDateTime : null;
                if (c.Id is { } kid) kept.Add(kid);
            }
            foreach (var gone in existing.Where(x => x.Gate == g.Gate && !kept.Contains(x.Id) && x.RetiredAt is null))
                gone.RetiredAt = time.GetUtcNow().UtcDateTime;
        }
        await db.SaveChangesAsync(ct);
        return await GetAsync(ct);
    }

    private Dictionary<string, string[]> Validate(CriteriaConfig body)
    {
        var errors = new Dictionary<string, string[]>();
        if (body.Gates is not { Count: > 0 } gates) { errors["gates"] = [l["{0} is required.", "gates"]]; return errors; }
        if (gates.GroupBy(g => g.Gate).Any(x => x.Count() > 1)) errors["gates"] = [l["Each gate may appear once."]];
        for (var i = 0; i < gates.Count; i++)
        {
            var g = gates[i];
            if (!Enum.IsDefined(g.Gate)) errors[$"gates[{i}].gate"] = [l["{0} must be one of: {1}.", "gate", string.Join(", ", Enum.GetNames<Gate>())]];
            if (!Enum.IsDefined(g.Rule)) errors[$"gates[{i}].rule"] = [l["{0} must be one of: {1}.", "rule", string.Join(", ", Enum.GetNames<GateRuleKind>())]];
            if (g.MinCount is < 0 or > 100) errors[$"gates[{i}].minCount"] = [l["{0} must be between {1} and {2}.", "minCount", 0, 100]];
            if (g.MinScore is < 0 or > 10_000) errors[$"gates[{i}].minScore"] = [l["{0} must be between {1} and {2}.", "minScore", 0, 10_000]];
            var criteria = g.Criteria ?? [];
            for (var j = 0; j < criteria.Count; j++)
            {
                var c = criteria[j];
                if (string.IsNullOrWhiteSpace(c.Label)) errors[$"gates[{i}].criteria[{j}].label"] = [l["{0} is required.", "label"]];
                else if (c.Label.Length > 200) errors[$"gates[{i}].criteria[{j}].label"] = [l["{0} is longer than {1} characters.", "label", 200]];
                if (c.Description is { Length: > 1000 }) errors[$"gates[{i}].criteria[{j}].description"] = [l["{0} is longer than {1} characters.", "description", 1000]];
                if (c.Weight is < 0 or > 100) errors[$"gates[{i}].criteria[{j}].weight"] = [l["{0} must be between {1} and {2}.", "weight", 0, 100]];
            }
            if (criteria.Where(c => c.Id is not null).GroupBy(c => c.Id).Any(x => x.Count() > 1)) errors[$"gates[{i}].criteria"] = [l["A criterion may appear once."]];
            // A gate nobody can pass without an override is a configuration mistake, not a rule.
            var active = criteria.Where(c => !c.Retired).ToList();
            if (g.Rule == GateRuleKind.WeightedScore && g.MinScore > active.Sum(c => Math.Max(0, c.Weight)))
                errors[$"gates[{i}].minScore"] = [l["minScore {0} is more than the total weight of the active criteria ({1}): the gate could never be met.", g.MinScore, active.Sum(c => c.Weight)]];
            if (g.Rule == GateRuleKind.AtLeast && g.MinCount > active.Count(c => !c.Required))
                errors[$"gates[{i}].minCount"] = [l["minCount {0} is more than the number of optional criteria ({1}).", g.MinCount, active.Count(c => !c.Required)]];
        }
        return errors;
    }
}
