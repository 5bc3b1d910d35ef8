namespace LossConformance.Oracle;

/// <summary>One known-answer case: a name that says what is hard about it, and its named input vectors (exact doubles).</summary>
public sealed record Case(string Name, IReadOnlyList<(string Name, double[] Values)> Inputs)
{
    /// <summary>Every input is exactly a float, so float implementations are checked on the very same inputs.</summary>
    public bool FloatExact => Inputs.All(i => i.Values.All(v => (double)(float)v == v));
}

/// <summary>An operation with its definition, the names of its inputs, and its cases.</summary>
public sealed record Operation(
    string Name,
    string Definition,
    bool Scalar,
    Func<IReadOnlyDictionary<string, double[]>, ExactValue[]> Compute,
    Func<IReadOnlyList<Case>> Cases);

/// <summary>
/// The known-answer cases, ONNX style: deterministic, 10–20 per operation, each named for what is hard
/// about it. Inputs are exact doubles; distributions sum to 1 within the input rule's τ(n) (checked by the
/// generator), and the oracle evaluates every formula on the exact given values, without renormalising.
/// Pseudo-random inputs come from <see cref="Lcg"/> with fixed seeds.
/// </summary>
public static class Vectors
{
    public const string Entropy = "entropy";
    public const string CrossEntropy = "cross-entropy";
    public const string KlDivergence = "kl-divergence";
    public const string Softmax = "softmax";
    public const string LogSoftmax = "log-softmax";
    public const string LogSumExp = "logsumexp";
    public const string CrossEntropyFromLogits = "cross-entropy-from-logits";
    public const string LogitGradient = "logit-gradient";

    public static IReadOnlyList<Operation> Operations { get; } =
    [
        new(Entropy, "H(p) = -sum_i p_i ln p_i, with 0 ln 0 = 0", true,
            x => [Formulas.Entropy(x["p"])], () => EntropyCases),
        new(CrossEntropy, "H(p,q) = -sum_i p_i ln q_i; inf where some p_i > 0 = q_i", true,
            x => [Formulas.CrossEntropy(x["p"], x["q"])], () => CrossEntropyCases),
        new(KlDivergence, "D(p||q) = sum_i p_i ln(p_i/q_i); inf where some p_i > 0 = q_i", true,
            x => [Formulas.KlDivergence(x["p"], x["q"])], () => KlCases),
        new(Softmax, "softmax(z)_i = exp(z_i) / sum_j exp(z_j)", false,
            x => Formulas.Softmax(x["z"]).Select(v => (ExactValue)v).ToArray(), () => LogitCases),
        new(LogSoftmax, "log-softmax(z)_i = z_i - logsumexp(z)", false,
            x => Formulas.LogSoftmax(x["z"]).Select(v => (ExactValue)v).ToArray(), () => LogitCases),
        new(LogSumExp, "logsumexp(z) = ln sum_j exp(z_j)", true,
            x => [Formulas.LogSumExp(x["z"])], () => LogitCases),
        new(CrossEntropyFromLogits, "L(y,z) = sum_i y_i (logsumexp(z) - z_i), y_i >= 0 any sum", true,
            x => [Formulas.CrossEntropyFromLogits(x["y"], x["z"])], () => TargetLogitCases),
        new(LogitGradient, "dL/dz_i = (sum_j y_j) softmax(z)_i - y_i, y_i >= 0 any sum", false,
            x => Formulas.LogitGradient(x["y"], x["z"]).Select(v => (ExactValue)v).ToArray(), () => TargetLogitCases),
    ];

    public static Operation Find(string operation) =>
        Operations.FirstOrDefault(o => o.Name == operation)
        ?? throw new ArgumentException($"unknown operation '{operation}'; known: {string.Join(", ", Operations.Select(o => o.Name))}", nameof(operation));

    // ------------------------------------------------------------------ distributions (entropy)

    private static IReadOnlyList<Case> EntropyCases =>
    [
        P("uniform_n1", [1.0]),
        P("uniform_n2", Fill(2, 0.5)),
        P("uniform_n7", Fill(7, 1.0 / 7)),
        P("uniform_n1000", Fill(1000, 1.0 / 1000)),
        P("uniform_n1024_dyadic", Fill(1024, 1.0 / 1024)),
        P("one_hot_n5", [0, 0, 1, 0, 0]),
        P("exact_zeros", [0.5, 0, 0.25, 0, 0.25]),
        P("dyadic_n4", [0.5, 0.25, 0.125, 0.125]),
        P("three_quarters", [0.75, 0.25]),
        P("near_half_1e-9", [0.5 + 1e-9, 0.5 - 1e-9]),
        P("near_uniform_1ulp", [Math.BitIncrement(0.25), Math.BitDecrement(0.25), 0.25, 0.25]),
        P("very_peaked_1e-12", [1 - 1e-12, 1e-12 / 3, 1e-12 / 3, 1e-12 / 3]),
        P("tiny_entries_1e-30_1e-300", [1 - 1e-30, 1e-30, 1e-300]),
        P("subnormal_entry", [0.5, 0.5, double.Epsilon]),
        P("geometric_2^-1_to_2^-60", Geometric(60)),
        P("random_n1000", RandomDistribution(1000, seed: 1)),
        P("random_n1000_dyadic", DyadicDistribution(1000, seed: 2)),
    ];

    // ------------------------------------------------------------------ pairs (cross-entropy, KL)

    private static IReadOnlyList<Case> CrossEntropyCases => DistributionPairs;

    private static IReadOnlyList<Case> KlCases =>
    [
        .. DistributionPairs,
        PQ("identical_random_n10", RandomDistribution(10, seed: 3), RandomDistribution(10, seed: 3)),
        PQ("reverse_of_dyadic_n3", [0.25, 0.5, 0.25], [0.5, 0.25, 0.25]),
        PQ("q_zero_where_p_zero", [0.5, 0, 0.5], [0.25, 0, 0.75]),
    ];

    private static IReadOnlyList<Case> DistributionPairs
    {
        get
        {
            var p10 = RandomDistribution(10, seed: 4);
            return
            [
                PQ("p_equals_q_uniform_n2", [0.5, 0.5], [0.5, 0.5]),
                PQ("uniform_n1000", Fill(1000, 1.0 / 1000), Fill(1000, 1.0 / 1000)),
                PQ("one_hot_p", [0, 1, 0, 0], [0.125, 0.25, 0.5, 0.125]),
                PQ("exact_zeros_in_p", [0.5, 0, 0.5], [0.25, 0.5, 0.25]),
                PQ("support_violation_inf", [0.5, 0.5], [1, 0]),
                PQ("q_1e-300_where_p_small", [1 - 1e-3, 1e-3], [1 - 1e-300, 1e-300]),
                PQ("q_1e-30_where_p_small", [1 - 1e-6, 1e-6], [1 - 1e-30, 1e-30]),
                PQ("q_1e-30_and_1e-300", [1 - 2e-6, 1e-6, 1e-6], [1, 1e-30, 1e-300]),
                PQ("q_subnormal", [1 - 1e-9, 1e-9], [1, double.Epsilon]),
                PQ("p_near_q_1e-9_relative", p10, NudgePairs(p10, i => 1e-9 * p10.Min())),
                PQ("p_near_q_1ulp", p10, NudgePairsUlp(p10)),
                PQ("very_peaked_1e-12", [1 - 1e-12, 1e-12], [1 - 1e-6, 1e-6]),
                PQ("dyadic_n3", [0.5, 0.25, 0.25], [0.25, 0.5, 0.25]),
                PQ("dyadic_uniform_vs_geometric_n8", Fill(8, 0.125), [.. Geometric(7)]),
                PQ("label_smoothing_0.1_n10", LabelSmoothing(10, 0.1, 3), RandomDistribution(10, seed: 5)),
                PQ("random_n1000", RandomDistribution(1000, seed: 6), RandomDistribution(1000, seed: 7)),
                PQ("random_n1000_dyadic", DyadicDistribution(1000, seed: 8), DyadicDistribution(1000, seed: 9)),
            ];
        }
    }

    // ------------------------------------------------------------------ logits (softmax, log-softmax, logsumexp)

    private static IReadOnlyList<Case> LogitCases =>
    [
        Z("n1", [-7.25]),
        Z("n1_1e4", [1e4]),
        Z("all_equal_n4", Fill(4, 3.5)),
        Z("all_zero_n1000", Fill(1000, 0)),
        Z("two_equal_maxima", [2, 2, 0, -1]),
        Z("ascending_1_2_3_4", [1, 2, 3, 4]),
        Z("dyadic_mixed_signs", [0.5, -3.25, 8, 0.125]),
        Z("near_plus_1e4", [1e4, 1e4 - 0.5, 1e4 - 3]),
        Z("near_minus_1e4", [-1e4, -1e4 + 0.5, -1e4 - 3]),
        Z("plus_minus_1e4", [1e4, -1e4]),
        Z("1e4_1e4-1_-1e4", [1e4, 1e4 - 1, -1e4]),
        Z("subnormal_output_-740", [0, -740]),
        Z("underflow_output_-800", [0, -800]),
        Z("close_logits_1ulp", [1, Math.BitIncrement(1.0), Math.BitDecrement(1.0)]),
        Z("tiny_logits_1e-20", [1e-20, -1e-20, 0]),
        Z("large_spread_n1000", RandomLogits(1000, 30, seed: 10)),
        Z("large_spread_n1000_dyadic", DyadicLogits(1000, 30, seed: 11)),
    ];

    // ------------------------------------------------------------------ target and logits (CE from logits, gradient)

    private static IReadOnlyList<Case> TargetLogitCases
    {
        get
        {
            var z10 = RandomLogits(10, 5, seed: 12);
            var z1000 = RandomLogits(1000, 30, seed: 13);
            var zSoft = RandomLogits(6, 4, seed: 14);
            return
            [
                YZ("one_hot_n4", [0, 0, 1, 0], [1, 2, 3, 4]),
                YZ("one_hot_confident_correct_gap_40", [1, 0], [0, -40]),
                YZ("one_hot_at_underflowing_class", [0, 1], [0, -800]),
                YZ("one_hot_at_-1e4_vs_1e4", [0, 1], [1e4, -1e4]),
                YZ("one_hot_second_of_1e4_1e4-1_-1e4", [0, 1, 0], [1e4, 1e4 - 1, -1e4]),
                YZ("n1", [1], [5]),
                YZ("n1_weight_3", [3], [-2]),
                YZ("zero_weights", [0, 0, 0], [1, -1, 0.5]),
                YZ("uniform_target_equal_logits_n7", Fill(7, 1.0 / 7), Fill(7, 0)),
                YZ("two_equal_maxima", [0.5, 0.5, 0, 0], [2, 2, 0, -1]),
                YZ("label_smoothing_0.1_n10", LabelSmoothing(10, 0.1, 3), z10),
                YZ("label_smoothing_dyadic_0.125_n8", LabelSmoothing(8, 0.125, 5), [1.5, -0.25, 3, 0, -2, 0.75, 2.5, -1]),
                YZ("soft_target_equals_softmax", Formulas.Softmax(zSoft).Select(v => v.ToDouble()).ToArray(), zSoft),
                YZ("weights_sum_3", [0.5, 1.5, 0, 1], [0.3, -1.7, 2.2, 0]),
                YZ("weights_sum_half_dyadic", [0.25, 0.25, 0, 0], [1, 0.5, -0.5, 3]),
                YZ("one_hot_n1000_large_spread", OneHot(1000, 17), z1000),
                YZ("random_soft_n1000_dyadic", DyadicDistribution(1000, seed: 15), DyadicLogits(1000, 30, seed: 16)),
            ];
        }
    }

    // ------------------------------------------------------------------ builders

    private static Case P(string name, double[] p) => Distributions(new Case(name, [("p", p)]), "p");

    private static Case PQ(string name, double[] p, double[] q) => Distributions(new Case(name, [("p", p), ("q", q)]), "p", "q");

    private static Case Z(string name, double[] z) => new(name, [("z", z)]);

    private static Case YZ(string name, double[] y, double[] z) => new(name, [("y", y), ("z", z)]);

    /// <summary>The input rule (INPUT-PROB) accepts |Σp − 1| ≤ (2n + 8)u; keep the exact defect within (n + 4)u so that any summation order passes.</summary>
    private static Case Distributions(Case c, params string[] names)
    {
        foreach (var (name, values) in c.Inputs.Where(i => names.Contains(i.Name)))
        {
            var defect = BigFloat.Abs(Formulas.Sum(values) - BigFloat.One).ToDouble();
            if (defect > (values.Length + 4) * Math.ScaleB(1.0, -53) || values.Any(v => v < 0 || v > 1))
                throw new InvalidOperationException($"case {c.Name}: {name} is not a distribution (|sum - 1| = {defect:R})");
        }
        return c;
    }

    private static double[] Fill(int n, double value) => Enumerable.Repeat(value, n).ToArray();

    private static double[] OneHot(int n, int at)
    {
        var v = new double[n];
        v[at] = 1;
        return v;
    }

    /// <summary>2⁻¹, 2⁻², …, 2⁻ᵏ and a second 2⁻ᵏ: sums to exactly 1.</summary>
    private static double[] Geometric(int k) => [.. Enumerable.Range(1, k).Select(i => Math.ScaleB(1.0, -i)), Math.ScaleB(1.0, -k)];

    /// <summary>Label smoothing as PyTorch defines it: (1 − ε)·e_label + ε/n (as doubles; the sum is 1 within a few u).</summary>
    private static double[] LabelSmoothing(int n, double epsilon, int label)
    {
        var v = Fill(n, epsilon / n);
        v[label] = 1 - epsilon + epsilon / n;
        return v;
    }

    /// <summary>wᵢ ∈ [0.05, 1.05) normalised by the exact sum, each entry rounded once: Σ within u of 1.</summary>
    private static double[] RandomDistribution(int n, ulong seed)
    {
        var rng = new Lcg(seed);
        var w = Enumerable.Range(0, n).Select(_ => 0.05 + rng.NextUnit()).ToArray();
        var total = Formulas.Sum(w);
        return w.Select(wi => (BigFloat.FromDouble(wi) / total).ToDouble()).ToArray();
    }

    /// <summary>wᵢ / 2²⁰ with integer wᵢ ≥ 1 summing to exactly 2²⁰: exact in float, Σ exactly 1.</summary>
    private static double[] DyadicDistribution(int n, ulong seed)
    {
        const int total = 1 << 20;
        var rng = new Lcg(seed);
        var w = Fill(n, 1);
        for (int k = n; k < total; k++) w[rng.NextBelow(n)] += 1;
        return w.Select(wi => Math.ScaleB(wi, -20)).ToArray();
    }

    /// <summary>Uniform in [−halfWidth, halfWidth), full double precision.</summary>
    private static double[] RandomLogits(int n, double halfWidth, ulong seed)
    {
        var rng = new Lcg(seed);
        return Enumerable.Range(0, n).Select(_ => -halfWidth + 2 * halfWidth * rng.NextUnit()).ToArray();
    }

    /// <summary>Uniform multiples of 2⁻¹⁶ in [−halfWidth, halfWidth]: at most 21 significant bits, exact in float.</summary>
    private static double[] DyadicLogits(int n, int halfWidth, ulong seed)
    {
        var rng = new Lcg(seed);
        int steps = 2 * halfWidth * 65536 + 1;
        return Enumerable.Range(0, n).Select(_ => Math.ScaleB(rng.NextBelow(steps) - halfWidth * 65536, -16)).ToArray();
    }

    /// <summary>q = p with +δ on even and −δ on odd entries (pairs keep the sum).</summary>
    private static double[] NudgePairs(double[] p, Func<int, double> delta) =>
        p.Select((v, i) => i % 2 == 0 ? v + delta(i) : v - delta(i)).ToArray();

    /// <summary>q = p one ulp up on even and one ulp down on odd entries.</summary>
    private static double[] NudgePairsUlp(double[] p) =>
        p.Select((v, i) => i % 2 == 0 ? Math.BitIncrement(v) : Math.BitDecrement(v)).ToArray();
}

/// <summary>
/// Knuth's MMIX linear congruential generator, xₖ₊₁ = 6364136223846793005 xₖ + 1442695040888963407 mod 2⁶⁴:
/// written out here so that the vectors do not depend on a library's random generator.
/// </summary>
public sealed class Lcg(ulong seed)
{
    private ulong _state = seed;

    public ulong Next()
    {
        _state = unchecked(_state * 6364136223846793005UL + 1442695040888963407UL);
        return _state;
    }

    /// <summary>Uniform in [0, 1) with 53 random bits (the top bits of the state).</summary>
    public double NextUnit() => (Next() >> 11) * Math.ScaleB(1.0, -53);

    /// <summary>Uniform-ish integer in [0, n) (top 31 bits modulo n; the bias is irrelevant here).</summary>
    public int NextBelow(int n) => (int)((Next() >> 33) % (ulong)n);
}
