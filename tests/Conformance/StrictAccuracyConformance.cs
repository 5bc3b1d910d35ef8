using System.Numerics;
using LossConformance.Kit;
using Xunit.Abstractions;
using Ref = LossConformance.Reference;

namespace LossConformance.Conformance;

/// <summary>
/// spec/strict-accuracy.md: the strict tier, for implementations that claim it
/// (<see cref="IStrictAccuracy"/>; the others are skipped). Relative bounds where values are tiny
/// (the maximum's log-probability, a loss near 0, binary cross-entropy through log1p, the KL
/// divergence of nearby distributions) and exact signs. Named cases are checked against closed
/// forms computed without cancellation in float64 (<see cref="StrictAccuracy"/>); generated cases
/// against the float64 reference, which meets the tier, with both sides' strict bounds (KL against the
/// closed form, as a float distribution need not be one to double's τ(n), which the reference checks).
/// </summary>
public abstract class StrictAccuracyConformance<T>(ITestOutputHelper output, params object[] implementations)
    : Suite<T>(output, implementations) where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>Logit vectors whose largest log-probability is tiny (or exactly 0), each exact in T.</summary>
    private static readonly (string Name, double[] Z)[] PeakedLogits =
    [
        ("(0, −40): ℓ₀ = −4.25e-18", [0, -40]),
        ("(0, −40, −40, −40): ℓ₀ = −1.3e-17", [0, -40, -40, -40]),
        ("(5, −25): ℓ₀ = −9.4e-14, below double's u·ln s route", [5, -25]),
        ("(−7.25, −7.25 − 17): ℓ₀ = −4.1e-8, below float's u", [-7.25, -24.25]),
        ("(1000, 960): a large offset", [1000, 960]),
        ("(3, 1, −2): no tiny entry", [3, 1, -2]),
        ("(0, −100): tail 3.7e-44, subnormal in float", [0, -100]),
        ("(2.5): a single class, ℓ = 0 exactly", [2.5]),
    ];

    private static double[] Sum(double[] a, double[] b) => a.Zip(b, (x, y) => x + y).ToArray();

    [ForEachImplementation, Spec("STRICT-LOGSOFTMAX"), Requires(typeof(ISoftmax<>), typeof(IStrictAccuracy))]
    public void Log_softmax_of_peaked_logits_is_accurate_relative_to_itself(string implementation)
    {
        foreach (var (name, z) in PeakedLogits)
            Expect(implementation, name, impl =>
            {
                var l = Agreement.Filled<T>(z.Length, Agreement.Sentinel);
                impl.As<ISoftmax<T>>().LogSoftmax(Fp<T>.From(z), l);
                double lse = Fp<T>.ToDouble(impl.As<ISoftmax<T>>().LogSumExp(Fp<T>.From(z)));
                return Agreement.Vector<T>("ln ŷ", Fp<T>.ToDouble(l), StrictAccuracy.LogSoftmaxExact(z),
                           Sum(StrictAccuracy.LogSoftmax<T>(z), StrictAccuracy.LogSoftmax<double>(z)))
                     & Agreement.Scalar<T>("logsumexp(z)", lse, StrictAccuracy.LogSumExpExact(z),
                           StrictAccuracy.LogSumExp<T>(z) + StrictAccuracy.LogSumExp<double>(z));
            });
    }

    [ForEachImplementation, Spec("STRICT-LOGSOFTMAX"), Requires(typeof(ISoftmax<>), typeof(IStrictAccuracy))]
    public void Log_softmax_agrees_with_the_reference_relative_to_itself(string implementation) =>
        Check(implementation, StrictCases<T>.PeakedLogits, (impl, c) =>
        {
            var l = Agreement.Filled<T>(c.N, Agreement.Sentinel);
            impl.As<ISoftmax<T>>().LogSoftmax(c.Z, l);
            var expected = new double[c.N];
            Ref.Softmax.Log(c.ZD, expected);
            return Agreement.Vector<T>("ln ŷ", Fp<T>.ToDouble(l), expected, Sum(StrictAccuracy.LogSoftmax<T>(c.ZD), StrictAccuracy.LogSoftmax<double>(c.ZD)))
                 & Agreement.Scalar<T>("logsumexp(z)", Fp<T>.ToDouble(impl.As<ISoftmax<T>>().LogSumExp(c.Z)), Ref.Softmax.LogSumExp(c.ZD),
                       StrictAccuracy.LogSumExp<T>(c.ZD) + StrictAccuracy.LogSumExp<double>(c.ZD));
        });

    [ForEachImplementation, Spec("STRICT-LOGSOFTMAX-SIGN"), Requires(typeof(ISoftmax<>), typeof(IStrictAccuracy))]
    public void Log_probabilities_are_never_positive(string implementation)
    {
        foreach (var (name, z) in PeakedLogits)
            Expect(implementation, name, impl => NonPositive(impl, Fp<T>.From(z)));
        Check(implementation, Generate<T>.Logits, (impl, c) => NonPositive(impl, c.Z));
        Check(implementation, StrictCases<T>.PeakedLogits, (impl, c) => NonPositive(impl, c.Z));
    }

    /// <summary>Every ℓ̂ᵢ ≤ 0 and logsumexp(z) ≥ max z, exactly.</summary>
    private static Verdict NonPositive(ImplementationUnderTest impl, T[] z)
    {
        var l = Agreement.Filled<T>(z.Length, Agreement.Sentinel);
        impl.As<ISoftmax<T>>().LogSoftmax(z, l);
        double worst = Fp<T>.ToDouble(l).Max();
        double lse = Fp<T>.ToDouble(impl.As<ISoftmax<T>>().LogSumExp(z)), m = Fp<T>.ToDouble(z).Max();
        return Verdict.AtMost("max ℓ̂ᵢ", worst, 0) & Verdict.AtLeast("logsumexp(z)", lse, m);
    }

    /// <summary>(name, logits, target): losses near 0 and one far from it.</summary>
    private static readonly (string Name, double[] Z, double[] Y)[] PeakedTargets =
    [
        ("(0, −40), one-hot on the maximum: L = 4.25e-18", [0, -40], [1, 0]),
        ("(0, −40, −40), weights (2, 0, 0): L = 1.7e-17", [0, -40, -40], [2, 0, 0]),
        ("(−7.25, −24.25), one-hot on the maximum: L = 4.1e-8", [-7.25, -24.25], [1, 0]),
        ("(0, −40), target (¾, ¼): L = 10", [0, -40], [0.75, 0.25]),
        ("(2.5), a single class: L = 0 exactly", [2.5], [1]),
    ];

    [ForEachImplementation, Spec("STRICT-XENT-LOGITS"), Requires(typeof(ISoftmaxCrossEntropy<>), typeof(IStrictAccuracy))]
    public void Cross_entropy_near_zero_is_accurate_relative_to_itself(string implementation)
    {
        foreach (var (name, z, y) in PeakedTargets)
            Expect(implementation, name, impl =>
            {
                double l = Fp<T>.ToDouble(impl.As<ISoftmaxCrossEntropy<T>>().CrossEntropyFromLogits(Fp<T>.From(y), Fp<T>.From(z)));
                return Agreement.Scalar<T>("L", l, StrictAccuracy.CrossEntropyFromLogitsExact(y, z),
                           StrictAccuracy.CrossEntropyFromLogits<T>(y, z) + StrictAccuracy.CrossEntropyFromLogits<double>(y, z))
                     & Verdict.AtLeast("L", l, 0);
            });
        Check(implementation, StrictCases<T>.PeakedTargets, (impl, c) =>
        {
            double l = Fp<T>.ToDouble(impl.As<ISoftmaxCrossEntropy<T>>().CrossEntropyFromLogits(c.Y, c.Z));
            return Agreement.Scalar<T>("L", l, Ref.CrossEntropy.FromLogits(c.YD, c.ZD),
                       StrictAccuracy.CrossEntropyFromLogits<T>(c.YD, c.ZD) + StrictAccuracy.CrossEntropyFromLogits<double>(c.YD, c.ZD))
                 & Verdict.AtLeast("L", l, 0);
        });
    }

    /// <summary>(name, z, y) with the loss in closed form by <see cref="StrictAccuracy.BinaryLossExact"/>.</summary>
    private static readonly (string Name, double Z, double Y)[] BinaryCases =
    [
        ("z = 40, y = 1: L = log1p(e^−40) = 4.25e-18 (log(1 + e^−40) is 0)", 40, 1),
        ("z = −40, y = 0: L = 4.25e-18", -40, 0),
        ("z = 20, y = 1 − 2⁻²⁰: L = 2⁻²⁰·20 + 2.1e-9 (z − z·y cancels)", 20, 1 - Math.ScaleB(1, -20)),
        ("z = 100, y = 1: L = 3.7e-44, subnormal in float", 100, 1),
        ("z = 12, y = 1: L = 6.1e-6", 12, 1),
        ("z = −3, y = ½: no tiny value", -3, 0.5),
    ];

    [ForEachImplementation, Spec("STRICT-BINARY"), Requires(typeof(IBinaryCrossEntropy<>), typeof(IStrictAccuracy))]
    public void Binary_cross_entropy_is_accurate_relative_to_itself(string implementation)
    {
        foreach (var (name, z, y) in BinaryCases)
            Expect(implementation, name, impl => Binary(impl, Fp<T>.From(z), Fp<T>.From(y), StrictAccuracy.BinaryLossExact(z, y)));
        Check(implementation, StrictCases<T>.Binary, (impl, c) => Binary(impl, c.Z, c.Y, Ref.SoftmaxCrossEntropy.BinaryWithLogit(c.ZD, c.YD)));
        Check(implementation, GradientCases<T>.BinaryFullPrecision, (impl, c) => Binary(impl, c.Z, c.Y, Ref.SoftmaxCrossEntropy.BinaryWithLogit(c.ZD, c.YD)));
    }

    private static Verdict Binary(ImplementationUnderTest impl, T z, T y, double expected)
    {
        double zd = Fp<T>.ToDouble(z), yd = Fp<T>.ToDouble(y);
        double l = Fp<T>.ToDouble(impl.As<IBinaryCrossEntropy<T>>().BinaryCrossEntropyWithLogit(z, y));
        return Agreement.Scalar<T>("L", l, expected, StrictAccuracy.BinaryLoss<T>(zd, yd) + StrictAccuracy.BinaryLoss<double>(zd, yd))
             & Verdict.AtLeast("L", l, 0);
    }

    /// <summary>Pairs a small dyadic step apart (so Σp = Σq exactly): D in closed form, −½·log1p(−4ε²) for p = (½, ½), q = (½ + ε, ½ − ε).</summary>
    private static IEnumerable<(string Name, double[] P, double[] Q)> NearPairs()
    {
        foreach (int k in typeof(T) == typeof(float) ? new[] { 4, 12, 22 } : new[] { 4, 20, 45 })
        {
            double e = Math.ScaleB(1, -k);
            yield return ($"p = (½, ½), q = (½ + 2⁻{k}, ½ − 2⁻{k})", [0.5, 0.5], [0.5 + e, 0.5 - e]);
        }
        yield return ("p = q = (¼, ¾): D = 0 exactly", [0.25, 0.75], [0.25, 0.75]);
        yield return ("p = (1, 0), q = (1 − 2⁻¹⁸, 2⁻¹⁸)", [1, 0], [1 - Math.ScaleB(1, -18), Math.ScaleB(1, -18)]);
    }

    [ForEachImplementation, Spec("STRICT-KL"), Requires(typeof(IKlDivergence<>), typeof(IStrictAccuracy))]
    public void Kl_divergence_of_nearby_distributions_shrinks_with_their_distance(string implementation)
    {
        foreach (var (name, p, q) in NearPairs())
            Expect(implementation, name, impl => Kl(impl, Fp<T>.From(p), Fp<T>.From(q), StrictAccuracy.KlExact(p, q)));
        Check(implementation, StrictCases<T>.NearPairs, (impl, c) => Kl(impl, c.P, c.Q, StrictAccuracy.KlExact(c.PD, c.QD)));
        Check(implementation, Generate<T>.DistributionPairs, (impl, c) => Kl(impl, c.P, c.Q, StrictAccuracy.KlExact(c.PD, c.QD)));
    }

    private static Verdict Kl(ImplementationUnderTest impl, T[] p, T[] q, double expected)
    {
        double[] pd = Fp<T>.ToDouble(p), qd = Fp<T>.ToDouble(q);
        double d = Fp<T>.ToDouble(impl.As<IKlDivergence<T>>().KlDivergence(p, q));
        return Agreement.Scalar<T>("D(p‖q)", d, expected, StrictAccuracy.Kl<T>(pd, qd) + StrictAccuracy.Kl<double>(pd, qd))
             & Verdict.AtLeast("D(p‖q)", d, 0);
    }

    [ForEachImplementation, Spec("STRICT-ENTROPY-SIGN"), Requires(typeof(IEntropy<>), typeof(ICrossEntropy<>), typeof(IStrictAccuracy))]
    public void Entropy_and_cross_entropy_are_never_negative(string implementation)
    {
        foreach (int n in new[] { 1, 2, 49, 107, 196 })
        {
            var p = new double[n];
            p[n - 1] = 1;
            // One-hot p: H = 0 and H(p, p) = 0 exactly, where ln n − D(p‖uniform) comes out below 0 for these n.
            Expect(implementation, $"one-hot p, n = {n}", impl =>
                Verdict.AtLeast("H(p)", Fp<T>.ToDouble(impl.As<IEntropy<T>>().Entropy(Fp<T>.From(p))), 0)
              & Verdict.AtLeast("H(p, p)", Fp<T>.ToDouble(impl.As<ICrossEntropy<T>>().CrossEntropy(Fp<T>.From(p), Fp<T>.From(p))), 0));
        }
        Check(implementation, Generate<T>.Distributions, (impl, c) => Verdict.AtLeast("H(p)", Fp<T>.ToDouble(impl.As<IEntropy<T>>().Entropy(c.P)), 0));
        Check(implementation, Generate<T>.DistributionPairs, (impl, c) =>
            Verdict.AtLeast("H(p, q)", Fp<T>.ToDouble(impl.As<ICrossEntropy<T>>().CrossEntropy(c.P, c.Q)), 0)
          & Verdict.AtLeast("H(p)", Fp<T>.ToDouble(impl.As<IEntropy<T>>().Entropy(c.P)), 0));
    }
}
