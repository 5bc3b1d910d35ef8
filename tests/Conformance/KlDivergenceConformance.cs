using System.Numerics;
using LossConformance.Kit;
using Xunit.Abstractions;
using Ref = LossConformance.Reference;

namespace LossConformance.Conformance;

/// <summary>
/// spec/kl-divergence.md against the float64 reference: D(p‖q) of the implementation in T, and
/// the reverse divergence D(q‖p) (the same capability with the arguments swapped), agree with
/// <see cref="Ref.KlDivergence.Forward"/> and <see cref="Ref.KlDivergence.Reverse"/> within the
/// implementation's bound for T plus the reference's (<see cref="Accuracy.Kl{T}"/>).
/// </summary>
[Requires(typeof(IKlDivergence<>))]
public abstract class KlDivergenceConformance<T>(ITestOutputHelper output, params object[] implementations)
    : Suite<T>(output, implementations) where T : unmanaged, IFloatingPointIeee754<T>
{
    [ForEachImplementation, Spec("KL-DEF", "ACC-ENTROPY")]
    public void Forward_kl_agrees_with_the_reference(string implementation) =>
        Check(implementation, Generate<T>.DistributionPairs, (impl, c) => Forward(impl, c));

    [ForEachImplementation, Spec("KL-DEF", "KL-SUPPORT")]
    public void Forward_kl_agrees_with_the_reference_at_a_support_gap(string implementation) =>
        Check(implementation, Generate<T>.DistributionPairsWithSupportGap, (impl, c) =>
            Agreement.IsDistribution(c.Q) ? Forward(impl, c) : Verdict.Throws<ArgumentException>("n = 1, q = [0] (not a distribution, rejected as the reference does)", () => impl.As<IKlDivergence<T>>().KlDivergence(c.P, c.Q)));

    /// <summary>Reverse KL D(q‖p) = KlDivergence(q, p), against the reference's Reverse(p, q); +∞ wherever q puts mass that p does not.</summary>
    [ForEachImplementation, Spec("KL-DEF", "KL-ASYMMETRIC", "ACC-ENTROPY")]
    public void Reverse_kl_agrees_with_the_reference(string implementation) =>
        Check(implementation, Generate<T>.DistributionPairs, (impl, c) =>
        {
            double observed = Fp<T>.ToDouble(impl.As<IKlDivergence<T>>().KlDivergence(c.Q, c.P));
            double expected, slack = 0;
            if (Agreement.IsDoubleDistribution(c.PD) && Agreement.IsDoubleDistribution(c.QD))
                expected = Ref.KlDivergence.Reverse(c.PD, c.QD);
            else
                (expected, slack) = Reference(c.QD, c.PD);
            return Agreement.Scalar<T>("D(q‖p)", observed, expected, Accuracy.Kl<T>(c.QD, c.PD) + Accuracy.Kl<double>(c.QD, c.PD) + slack);
        });

    private static Verdict Forward(ImplementationUnderTest impl, DistributionPairCase<T> c)
    {
        double observed = Fp<T>.ToDouble(impl.As<IKlDivergence<T>>().KlDivergence(c.P, c.Q));
        var (expected, slack) = Reference(c.PD, c.QD);
        return Agreement.Scalar<T>("D(p‖q)", observed, expected, Accuracy.Kl<T>(c.PD, c.QD) + Accuracy.Kl<double>(c.PD, c.QD) + slack);
    }

    /// <summary>
    /// D(p‖q) by the reference; for inputs normalised only within float's τ(n), through
    /// D(p‖q) = s_p·D(p/s_p ‖ q/s_q) + s_p ln(s_p/s_q).
    /// </summary>
    internal static (double Value, double Slack) Reference(double[] p, double[] q)
    {
        if (Agreement.IsDoubleDistribution(p) && Agreement.IsDoubleDistribution(q)) return (Ref.KlDivergence.Forward(p, q), 0);
        double sp = Accuracy.Sum(p), sq = Accuracy.Sum(q);
        double d = Ref.KlDivergence.Forward(Agreement.Scaled(p, sp), Agreement.Scaled(q, sq));
        return (double.IsFinite(d) ? sp * d + sp * Math.Log(sp / sq) : d, EntropyAccuracy.Renormalisation(p, q));
    }
}
