using System.Numerics;
using LossConformance.Kit;
using Xunit.Abstractions;
using Ref = LossConformance.Reference;

namespace LossConformance.Conformance;

/// <summary>
/// spec/entropy.md against the float64 reference: H(p) of the implementation in T, converted to
/// double, agrees with <see cref="Ref.Entropy.Of"/> on the same inputs within the implementation's
/// bound for T plus the reference's bound for double (<see cref="Accuracy.Entropy{T}"/>).
/// </summary>
[Requires(typeof(IEntropy<>))]
public abstract class EntropyConformance<T>(ITestOutputHelper output, params object[] implementations)
    : Suite<T>(output, implementations) where T : unmanaged, IFloatingPointIeee754<T>
{
    [ForEachImplementation, Spec("ENT-DEF", "ACC-ENTROPY")]
    public void Entropy_agrees_with_the_reference(string implementation) =>
        Check(implementation, Generate<T>.Distributions, (impl, c) =>
        {
            double observed = Fp<T>.ToDouble(impl.As<IEntropy<T>>().Entropy(c.P));
            var (expected, slack) = Reference(c.PD);
            return Agreement.Scalar<T>("H(p)", observed, expected, Accuracy.Entropy<T>(c.PD) + Accuracy.Entropy<double>(c.PD) + slack);
        });

    /// <summary>
    /// H(p) by the reference. An input normalised in float may be outside double's τ(n), which the
    /// reference rejects; then H(p) = s·H(p/s) − s ln s with s = Σp (the formula is homogeneous in s).
    /// </summary>
    internal static (double Value, double Slack) Reference(double[] p)
    {
        if (Agreement.IsDoubleDistribution(p)) return (Ref.Entropy.Of(p), 0);
        double s = Accuracy.Sum(p);
        return (s * Ref.Entropy.Of(Agreement.Scaled(p, s)) - s * Math.Log(s), EntropyAccuracy.Renormalisation(p, p));
    }
}
