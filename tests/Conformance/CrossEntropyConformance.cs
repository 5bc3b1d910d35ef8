using System.Numerics;
using LossConformance.Kit;
using Xunit.Abstractions;
using Ref = LossConformance.Reference;

namespace LossConformance.Conformance;

/// <summary>
/// spec/cross-entropy.md against the float64 reference: H(p, q) and CE from logits of the
/// implementation in T agree with <see cref="Ref.CrossEntropy"/> on the same inputs, within the
/// implementation's bound for T plus the reference's for double.
/// </summary>
public abstract class CrossEntropyConformance<T>(ITestOutputHelper output, params object[] implementations)
    : Suite<T>(output, implementations) where T : unmanaged, IFloatingPointIeee754<T>
{
    [ForEachImplementation, Spec("XENT-DEF", "ACC-ENTROPY"), Requires(typeof(ICrossEntropy<>))]
    public void Cross_entropy_agrees_with_the_reference(string implementation) =>
        Check(implementation, Generate<T>.DistributionPairs, (impl, c) => Agrees(impl, c));

    [ForEachImplementation, Spec("XENT-DEF", "XENT-SUPPORT"), Requires(typeof(ICrossEntropy<>))]
    public void Cross_entropy_agrees_with_the_reference_at_a_support_gap(string implementation) =>
        Check(implementation, Generate<T>.DistributionPairsWithSupportGap, (impl, c) =>
            Agreement.IsDistribution(c.Q) ? Agrees(impl, c) : Verdict.Throws<ArgumentException>("n = 1, q = [0] (not a distribution, rejected as the reference does)", () => impl.As<ICrossEntropy<T>>().CrossEntropy(c.P, c.Q)));

    [ForEachImplementation, Spec("XENT-LOGITS", "ACC-XENT-LOGITS"), Requires(typeof(ISoftmaxCrossEntropy<>))]
    public void Cross_entropy_from_logits_agrees_with_the_reference(string implementation) =>
        Check(implementation, Generate<T>.LogitsWithTarget, (impl, c) => FromLogitsAgrees(impl, c));

    [ForEachImplementation, Spec("XENT-LOGITS", "GRAD-GENERAL", "ACC-XENT-LOGITS"), Requires(typeof(ISoftmaxCrossEntropy<>))]
    public void Cross_entropy_from_logits_agrees_with_the_reference_for_weights_of_any_mass(string implementation) =>
        Check(implementation, GradientCases<T>.WeightedFullPrecision, (impl, c) => FromLogitsAgrees(impl, c));

    private static Verdict Agrees(ImplementationUnderTest impl, DistributionPairCase<T> c)
    {
        double observed = Fp<T>.ToDouble(impl.As<ICrossEntropy<T>>().CrossEntropy(c.P, c.Q));
        var (expected, slack) = Reference(c.PD, c.QD);
        return Agreement.Scalar<T>("H(p, q)", observed, expected, Accuracy.CrossEntropy<T>(c.PD, c.QD) + Accuracy.CrossEntropy<double>(c.PD, c.QD) + slack);
    }

    private static Verdict FromLogitsAgrees(ImplementationUnderTest impl, LogitsTargetCase<T> c)
    {
        double observed = Fp<T>.ToDouble(impl.As<ISoftmaxCrossEntropy<T>>().CrossEntropyFromLogits(c.Y, c.Z));
        double expected = Ref.CrossEntropy.FromLogits(c.YD, c.ZD);
        return Agreement.Scalar<T>("CE(y, softmax z)", observed, expected,
            Accuracy.CrossEntropyFromLogits<T>(c.YD, c.ZD) + Accuracy.CrossEntropyFromLogits<double>(c.YD, c.ZD));
    }

    /// <summary>
    /// H(p, q) by the reference; for inputs normalised only within float's τ(n), through
    /// H(p, q) = s_p·H(p/s_p, q/s_q) − s_p ln s_q.
    /// </summary>
    internal static (double Value, double Slack) Reference(double[] p, double[] q)
    {
        if (Agreement.IsDoubleDistribution(p) && Agreement.IsDoubleDistribution(q)) return (Ref.CrossEntropy.Of(p, q), 0);
        double sp = Accuracy.Sum(p), sq = Accuracy.Sum(q);
        double h = Ref.CrossEntropy.Of(Agreement.Scaled(p, sp), Agreement.Scaled(q, sq));
        return (double.IsFinite(h) ? sp * h - sp * Math.Log(sq) : h, EntropyAccuracy.Renormalisation(p, q));
    }
}
