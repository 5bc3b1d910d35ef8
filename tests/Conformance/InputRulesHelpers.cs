using Xunit;

namespace LossConformance.Conformance;

/// <summary>
/// The shared input rules (src/Contract/InputRules.cs) called directly, as a plug-in may call them: each helper
/// alone rejects what its rule names, with the parameter's name, a message that names it and says which
/// rule (the clause ID where the rule has one), and accepts the edge it must accept. The bad-input suite
/// (BadInputConformance) checks whole capability methods, where any of several matching rules may reject an
/// input (spec/bad-input.md); these pin each helper, which the mutation run (scripts/mutation-score input-rules)
/// found otherwise unchecked: a helper that stopped checking emptiness, or a message emptied, passed every suite.
/// </summary>
public sealed class InputRulesHelpers
{
    private static readonly double U = Math.ScaleB(1, -53);
    private static readonly float UF = MathF.ScaleB(1, -24);

    [Fact]
    public void Distribution_rejects_each_kind_of_bad_vector_with_its_rule()
    {
        Rejects(() => InputRules.Distribution<double>([], "p"), "p", "INPUT-EMPTY");
        Rejects(() => InputRules.Distribution<double>([double.NaN, 1], "p"), "p", "INPUT-NAN", "p[0]");
        Rejects(() => InputRules.Distribution<double>([1, double.PositiveInfinity], "p"), "p", "INPUT-NAN", "p[1]");
        Rejects(() => InputRules.Distribution<double>([-0.5, 1.5], "p"), "p", "INPUT-PROB", "p[0]");
        Rejects(() => InputRules.Distribution<double>([0.25, 1.5], "p"), "p", "INPUT-PROB", "p[1]");
        Rejects(() => InputRules.Distribution<double>([0.5, 0.4], "p"), "p", "INPUT-PROB", "sums to");
    }

    /// <summary>|Σ − 1| = τ(2) = 12u exactly is accepted (≤, spec/bad-input.md), 13u is not: 0.5 − ku and 1 − ku are exact in T.</summary>
    [Fact]
    public void Distribution_accepts_a_sum_exactly_at_the_tolerance_and_rejects_one_past_it()
    {
        Assert.Equal(12 * U, InputRules.NormalisationTolerance<double>(2));
        InputRules.Distribution<double>([0.5, 0.5 - 12 * U], "p");
        InputRules.Distribution<double>([0.5, 0.5 + 12 * U], "p");
        Rejects(() => InputRules.Distribution<double>([0.5, 0.5 - 13 * U], "p"), "p", "INPUT-PROB");
        Assert.Equal(12 * UF, InputRules.NormalisationTolerance<float>(2));
        InputRules.Distribution<float>([0.5f, 0.5f - 12 * UF], "p");
        Rejects(() => InputRules.Distribution<float>([0.5f, 0.5f - 13 * UF], "p"), "p", "INPUT-PROB");
    }

    [Fact]
    public void Weights_and_finite_values_reject_with_their_rule()
    {
        Rejects(() => InputRules.NonNegativeWeights<double>([], "target"), "target", "INPUT-EMPTY");
        Rejects(() => InputRules.NonNegativeWeights<double>([1, double.NaN], "target"), "target", "INPUT-NAN", "target[1]");
        Rejects(() => InputRules.NonNegativeWeights<double>([1, -1], "target"), "target", "INPUT-PROB", "target[1]");
        InputRules.NonNegativeWeights<double>([0, 2.5, 0], "target");
        Rejects(() => InputRules.Finite<double>([], "logits"), "logits", "INPUT-EMPTY");
        Rejects(() => InputRules.Finite<double>([0, double.NegativeInfinity], "logits"), "logits", "INPUT-NAN", "logits[1]");
        Rejects(() => InputRules.Finite(double.NaN, "lambda"), "lambda", "INPUT-NAN");
        Rejects(() => InputRules.NonEmpty<int>([], "tokens"), "tokens", "INPUT-EMPTY");
        Rejects(() => InputRules.Probability(double.NaN, "target"), "target", "INPUT-NAN");
        Rejects(() => InputRules.Probability(1.5, "target"), "target", "INPUT-PROB");
        Rejects(() => InputRules.Probability(-0.5, "target"), "target", "INPUT-PROB");
    }

    [Fact]
    public void Lengths_dimensions_and_classes_reject_with_their_rule()
    {
        Rejects(() => InputRules.Length<double>([1, 2], 3, "gradient"), "gradient", "INPUT-LENGTH", "expected 3");
        Rejects(() => InputRules.SameLength<double, double>([1, 2], "p", [1], "q"), "q", "INPUT-LENGTH", "p has length 2");
        Rejects(() => InputRules.Matrix<double>([1, 2, 3, 4, 5], 2, 3, "weights"), "weights", "INPUT-LENGTH", "2 × 3 = 6");
        Rejects(() => InputRules.Positive(0, "classes"), "classes", "INPUT-EMPTY");
        Rejects(() => InputRules.ClassIndices([0, 3], 3, "targets"), "targets", "INPUT-TARGET", "targets[1] = 3");
        Rejects(() => InputRules.ClassIndices([-100, -1], 3, "targets", ignoreIndex: -100), "targets", "INPUT-TARGET", "nor the ignore index -100");
        InputRules.ClassIndices([-100, 2, 0], 3, "targets", ignoreIndex: -100);
    }

    [Fact]
    public void The_rules_of_whole_operations_reject_each_input_by_name()
    {
        double[] x = [1, 2], w = [1, 0, 0, 1, 1, 1], b = [0, 0, 0], y = [0, 1, 0];
        Rejects(() => InputRules.ProbabilityGradient<double>([1, 0], [0, 1], new double[2]), "probabilities", "GRAD-PROB", "probabilities[0] = 0");
        Rejects(() => InputRules.BatchedCrossEntropy<double>([1, 2, 3], 2, [0], -100, LossReduction.Mean, new double[3]), "logits", "INPUT-LENGTH", "not a multiple");
        Rejects(() => InputRules.BatchedCrossEntropy<double>([1, 2], 2, [0], -100, (LossReduction)2, new double[2]), "reduction", "not a defined LossReduction");
        Rejects(() => InputRules.LinearLayer<double>(x, [1, 0, double.NaN, 1, 1, 1], b), "weights", "INPUT-NAN");
        Rejects(() => InputRules.LinearLayerLoss<double>(x, w, b, [0, -1, 1], new double[6], new double[3]), "target", "INPUT-PROB");
        InputRules.LinearLayerLoss<double>(x, w, b, y, new double[6], new double[3]);
        double[] vw = [0, 0, 0, 0], vb = [0, 0];
        Rejects(() => InputRules.SequenceLoss<double>([0], 2, vw, vb, 0, new double[4], new double[2]), "tokens", "T ≥ 1");
        Rejects(() => InputRules.SequenceLoss<double>([0, 0], 0, [], [], 0, [], []), "vocabulary", "INPUT-EMPTY");
        Rejects(() => InputRules.SequenceLoss<double>([0, 1], 2, vw, vb, -1, new double[4], new double[2]), "lambda", "negative");
        Rejects(() => InputRules.SequenceLoss<double>([0, 1], 2, [0, double.NaN, 0, 0], vb, 0, new double[4], new double[2]), "weights", "INPUT-NAN");
        Rejects(() => InputRules.SequenceLoss<double>([0, 1], 2, vw, [0, double.PositiveInfinity], 0, new double[4], new double[2]), "bias", "INPUT-NAN");
        InputRules.SequenceLoss<double>([0, 1], 2, vw, vb, 0, new double[4], new double[2]);
    }

    /// <summary>An ArgumentException (or subclass) whose ParamName is <paramref name="param"/>, whose own message (before the suffix .NET appends) names it and mentions each given text.</summary>
    private static void Rejects(Action call, string param, params string[] mentions)
    {
        var e = Assert.ThrowsAny<ArgumentException>(call);
        Assert.Equal(param, e.ParamName);
        // The message proper: without the " (Parameter 'x')" (and "Actual value was …") that .NET appends.
        int suffix = e.Message.IndexOf($" (Parameter '{param}')", StringComparison.Ordinal);
        string text = suffix >= 0 ? e.Message[..suffix] : e.Message;
        Assert.Contains(param, text, StringComparison.Ordinal);
        foreach (string m in mentions) Assert.Contains(m, text, StringComparison.Ordinal);
    }
}
