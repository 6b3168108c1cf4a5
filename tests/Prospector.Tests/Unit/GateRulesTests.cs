using Prospector.Data;
using Prospector.Features.Qualification;
using static Prospector.Data.CriterionAnswer;

namespace Prospector.Tests.Unit;

/// <summary>The rule of a gate as a pure function: worked examples, then invariants over random configurations.</summary>
public sealed class GateRulesTests
{
    private const Gate G = Gate.LeadToProspect;
    private static readonly DateTime Retired = new(2025, 1, 1, 0, 0, 0, DateTimeKind.Utc);

    private static QualificationCriterion C(long id, bool required = false, int weight = 1, Gate gate = G, bool retired = false) =>
        new() { Id = id, Gate = gate, Label = $"criterion {id}", Required = required, Weight = weight, SortOrder = (int)id, RetiredAt = retired ? Retired : null };

    private static GateRule Rule(GateRuleKind kind, int minCount = 0, int minScore = 0) =>
        new() { Gate = G, Kind = kind, MinCount = minCount, MinScore = minScore };

    private static Dictionary<long, CriterionAnswer> Ticked(params long[] ids) => ids.ToDictionary(i => i, _ => CriterionAnswer.Met);

    private static GateEvaluation Eval(GateRule rule, IReadOnlyList<QualificationCriterion> criteria, IReadOnlyDictionary<long, CriterionAnswer> answers) =>
        GateRules.Evaluate(G, rule, criteria, answers);

    [Fact]
    public void All_needs_every_criterion()
    {
        QualificationCriterion[] criteria = [C(1, required: true), C(2), C(3)];
        var rule = Rule(GateRuleKind.All);

        var short1 = Eval(rule, criteria, Ticked(1, 2));
        Assert.False(short1.Met);
        Assert.Equal(1, short1.OptionalShort);
        Assert.Equal([1L], Eval(rule, criteria, Ticked(2, 3)).MissingRequired.Select(m => m.CriterionId));

        var all = Eval(rule, criteria, Ticked(1, 2, 3));
        Assert.True(all.Met);
        Assert.Equal(100, all.Score);
    }

    [Fact]
    public void At_least_N_needs_the_required_criteria_and_N_of_the_others()
    {
        // Like the default Lead → Prospect gate: required ones weigh 2, the others 1.
        QualificationCriterion[] criteria = [C(1, true, 2), C(2, true, 2), C(3), C(4), C(5)];
        var rule = Rule(GateRuleKind.AtLeast, minCount: 2);

        var oneOther = Eval(rule, criteria, Ticked(1, 2, 3));
        Assert.False(oneOther.Met);
        Assert.Empty(oneOther.MissingRequired);
        Assert.Equal(1, oneOther.OptionalShort);

        var noRequired = Eval(rule, criteria, Ticked(3, 4, 5));
        Assert.False(noRequired.Met);
        Assert.Equal(["criterion 1", "criterion 2"], noRequired.MissingRequired.Select(m => m.Label));
        Assert.Equal(0, noRequired.OptionalShort);

        var enough = Eval(rule, criteria, Ticked(1, 2, 3, 5));
        Assert.True(enough.Met);
        Assert.Equal(86, enough.Score); // 6 of 7 weight points

        // Asking for more than there are asks for all of them, so retiring a criterion never locks a gate for good.
        Assert.True(Eval(Rule(GateRuleKind.AtLeast, minCount: 9), criteria, Ticked(1, 2, 3, 4, 5)).Met);
    }

    [Fact]
    public void A_weighted_score_counts_the_weights_of_all_met_criteria_but_required_ones_stay_required()
    {
        QualificationCriterion[] criteria = [C(1, required: true, weight: 2), C(2, weight: 3), C(3, weight: 1)];
        var rule = Rule(GateRuleKind.WeightedScore, minScore: 5);

        var withoutRequired = Eval(rule, criteria, Ticked(2, 3));
        Assert.False(withoutRequired.Met);
        Assert.Equal([1L], withoutRequired.MissingRequired.Select(m => m.CriterionId));

        var tooLittle = Eval(rule, criteria, Ticked(1, 3));
        Assert.False(tooLittle.Met);
        Assert.Equal(2, tooLittle.WeightShort);
        Assert.Equal(50, tooLittle.Score);

        var enough = Eval(rule, criteria, Ticked(1, 2));
        Assert.True(enough.Met);
        Assert.Equal(0, enough.WeightShort);
        Assert.Equal(83, enough.Score);
    }

    [Fact]
    public void Retired_criteria_and_criteria_of_the_other_gate_are_ignored()
    {
        QualificationCriterion[] criteria =
            [C(1, required: true), C(2, required: true, weight: 50, retired: true), C(3, required: true, gate: Gate.SuspectToLead), C(4)];
        var e = Eval(Rule(GateRuleKind.All), criteria, Ticked(1, 4));
        Assert.True(e.Met);
        Assert.Equal(100, e.Score);
        Assert.Empty(e.MissingRequired);
    }

    [Fact]
    public void Unknown_not_met_and_unanswered_are_the_same()
    {
        QualificationCriterion[] criteria = [C(1, required: true), C(2), C(3)];
        var rule = Rule(GateRuleKind.AtLeast, minCount: 1);
        Dictionary<long, CriterionAnswer>[] variants =
            [new() { [2] = Met }, new() { [1] = Unknown, [2] = Met, [3] = NotMet }, new() { [1] = NotMet, [2] = Met, [3] = Unknown }];
        var results = variants.Select(a => Eval(rule, criteria, a)).Select(e => (e.Met, e.Score, e.MissingRequired.Count, e.OptionalShort)).ToList();
        Assert.All(results, r => Assert.Equal(results[0], r));
        Assert.Equal((false, 33, 1, 0), results[0]);
    }

    [Fact]
    public void A_gate_without_criteria_is_met_unless_it_asks_for_points()
    {
        var none = Eval(Rule(GateRuleKind.AtLeast, minCount: 3), [], Ticked());
        Assert.True(none.Met);
        Assert.Equal(100, none.Score);
        Assert.True(Eval(Rule(GateRuleKind.All), [], Ticked()).Met);
        Assert.False(Eval(Rule(GateRuleKind.WeightedScore, minScore: 1), [], Ticked()).Met);
    }

    // ---- Properties over random configurations and answer sets --------------------------------------------------

    private sealed record Case(GateRule Rule, List<QualificationCriterion> Criteria, Dictionary<long, CriterionAnswer> Answers)
    {
        public List<QualificationCriterion> Active => [.. Criteria.Where(c => c.Gate == G && c.RetiredAt is null)];
        public GateEvaluation Evaluate(Dictionary<long, CriterionAnswer>? answers = null) => Eval(Rule, Criteria, answers ?? Answers);
        public bool IsMet(QualificationCriterion c) => Answers.GetValueOrDefault(c.Id) == CriterionAnswer.Met;
    }

    private static Case RandomCase(Random r)
    {
        var n = r.Next(0, 9);
        var criteria = Enumerable.Range(1, n).Select(i => new QualificationCriterion
        {
            Id = i, Gate = r.Next(6) == 0 ? Gate.SuspectToLead : G, Label = $"criterion {i}", Required = r.Next(3) == 0,
            Weight = r.Next(0, 6), SortOrder = r.Next(0, 4), RetiredAt = r.Next(6) == 0 ? Retired : null,
        }).ToList();
        var rule = Rule((GateRuleKind)r.Next(3), minCount: r.Next(0, n + 3), minScore: r.Next(0, 3 * n + 3));
        var answers = new Dictionary<long, CriterionAnswer>();
        foreach (var c in criteria)
            if (r.Next(4) is var pick && pick > 0) answers[c.Id] = (CriterionAnswer)(pick - 1);
        if (r.Next(4) == 0) answers[99] = Met; // an answer to a criterion that is not there
        return new Case(rule, criteria, answers);
    }

    private static IEnumerable<Case> Cases(int seed, int count = 600)
    {
        var r = new Random(seed);
        for (var i = 0; i < count; i++) yield return RandomCase(r);
    }

    [Fact]
    public void Met_means_every_required_criterion_is_met_and_the_rule_holds()
    {
        int met = 0, unmet = 0;
        foreach (var k in Cases(seed: 1701))
        {
            var e = k.Evaluate();
            var required = k.Active.Where(c => c.Required).ToList();
            var optional = k.Active.Where(c => !c.Required).ToList();
            var weightMet = k.Active.Where(k.IsMet).Sum(c => c.Weight);
            var ruleHolds = k.Rule.Kind switch
            {
                GateRuleKind.All => optional.All(k.IsMet),
                GateRuleKind.AtLeast => optional.Count(k.IsMet) >= Math.Min(k.Rule.MinCount, optional.Count),
                _ => weightMet >= k.Rule.MinScore,
            };
            Assert.Equal(required.All(k.IsMet) && ruleHolds, e.Met);
            Assert.Equal(required.Where(c => !k.IsMet(c)).OrderBy(c => c.SortOrder).ThenBy(c => c.Id).Select(c => c.Id),
                e.MissingRequired.Select(m => m.CriterionId));
            Assert.InRange(e.Score, 0, 100);
            if (e.Met) met++;
            else unmet++;
        }
        // Both outcomes were exercised, so the properties above are not vacuous.
        Assert.True(met > 100 && unmet > 100, $"met {met}, unmet {unmet}");
    }

    [Fact]
    public void When_every_criterion_is_met_the_gate_is_met_if_its_threshold_can_be_reached_and_the_score_is_100()
    {
        foreach (var k in Cases(seed: 42))
        {
            var e = k.Evaluate(k.Active.ToDictionary(c => c.Id, _ => CriterionAnswer.Met));
            var reachable = k.Rule.Kind != GateRuleKind.WeightedScore || k.Rule.MinScore <= k.Active.Sum(c => c.Weight);
            Assert.Equal(reachable, e.Met);
            if (reachable || k.Active.Sum(c => c.Weight) > 0) Assert.Equal(100, e.Score);
        }
    }

    [Fact]
    public void Turning_an_answer_into_Met_never_unmeets_the_gate_nor_lowers_the_score()
    {
        var r = new Random(7);
        var flipsThatMetTheGate = 0;
        foreach (var k in Cases(seed: 7).Where(k => k.Criteria.Count > 0))
        {
            var before = k.Evaluate();
            var flipped = new Dictionary<long, CriterionAnswer>(k.Answers) { [k.Criteria[r.Next(k.Criteria.Count)].Id] = Met };
            var after = k.Evaluate(flipped);
            Assert.True(!before.Met || after.Met, "a met gate became unmet");
            Assert.True(after.Score >= before.Score, $"score fell from {before.Score} to {after.Score}");
            Assert.True(after.MissingRequired.Count <= before.MissingRequired.Count);
            if (!before.Met && after.Met) flipsThatMetTheGate++;
        }
        Assert.True(flipsThatMetTheGate > 10, $"only {flipsThatMetTheGate} flips met a gate");
    }

    [Fact]
    public void Unknown_not_met_and_unanswered_count_the_same_and_inactive_criteria_do_not_count()
    {
        var r = new Random(2024);
        foreach (var k in Cases(seed: 2024))
        {
            var shuffled = new Dictionary<long, CriterionAnswer>();
            foreach (var c in k.Criteria)
            {
                var active = c.Gate == G && c.RetiredAt is null;
                if (active && k.IsMet(c)) shuffled[c.Id] = Met;
                else if (r.Next(3) is var pick && pick > 0) shuffled[c.Id] = active ? (pick == 1 ? Unknown : NotMet) : Met;
            }
            var (a, b) = (k.Evaluate(), k.Evaluate(shuffled));
            Assert.Equal((a.Met, a.Score, a.OptionalMet, a.WeightMet), (b.Met, b.Score, b.OptionalMet, b.WeightMet));
            Assert.Equal(a.MissingRequired, b.MissingRequired);
        }
    }

    // ---- Which gates a move crosses -----------------------------------------------------------------------------

    public static TheoryData<Stage, Stage> AllStagePairs()
    {
        var data = new TheoryData<Stage, Stage>();
        foreach (var from in Enum.GetValues<Stage>())
            foreach (var to in Enum.GetValues<Stage>()) data.Add(from, to);
        return data;
    }

    [Theory]
    [MemberData(nameof(AllStagePairs))]
    public void An_upward_move_crosses_every_gate_between_the_stages_and_a_move_back_none(Stage from, Stage to)
    {
        var expected = new List<Gate>();
        if (from <= Stage.Suspect && to >= Stage.Lead) expected.Add(Gate.SuspectToLead);
        if (from <= Stage.Lead && to >= Stage.Prospect) expected.Add(Gate.LeadToProspect);
        Assert.Equal(expected, GateRules.Crossed(from, to));
        if (to <= from) Assert.Empty(GateRules.Crossed(from, to));
    }

    [Fact]
    public void The_next_gate_is_the_one_in_front_of_the_stage()
    {
        Assert.Equal(new Gate?[] { Gate.SuspectToLead, Gate.LeadToProspect, null, null, null }, Enum.GetValues<Stage>().Select(GateRules.Next));
        Assert.Equal([Gate.SuspectToLead, Gate.LeadToProspect], GateRules.Crossed(Stage.Suspect, Stage.Customer));
    }
}
