using System.Numerics;
using LossConformance.Kit;
using Xunit.Abstractions;
using Ref = LossConformance.Reference;

namespace LossConformance.Conformance;

/// <summary>
/// spec/softmax-cross-entropy.md against the float64 reference: ∂L/∂z, ∂L/∂ŷ, the batched fused
/// loss and gradient and binary cross-entropy of the implementation in T agree with
/// <see cref="Ref.SoftmaxCrossEntropy"/> on the same inputs, entry by entry, within the
/// implementation's bound for T plus the reference's for double. Output spans start filled with a
/// sentinel, so an entry left unwritten shows (an ignored row must be written as 0).
/// </summary>
public abstract class SoftmaxCrossEntropyConformance<T>(ITestOutputHelper output, params object[] implementations)
    : Suite<T>(output, implementations) where T : unmanaged, IFloatingPointIeee754<T>
{
    [ForEachImplementation, Spec("GRAD-LOGITS", "ACC-XENT-LOGITS"), Requires(typeof(ISoftmaxCrossEntropy<>))]
    public void Logit_gradient_agrees_with_the_reference(string implementation) =>
        Check(implementation, Generate<T>.LogitsWithTarget, (impl, c) => LogitGradientAgrees(impl, c));

    [ForEachImplementation, Spec("GRAD-GENERAL", "ACC-XENT-LOGITS"), Requires(typeof(ISoftmaxCrossEntropy<>))]
    public void Logit_gradient_agrees_with_the_reference_for_weights_of_any_mass(string implementation) =>
        Check(implementation, GradientCases<T>.WeightedFullPrecision, (impl, c) => LogitGradientAgrees(impl, c));

    /// <summary>∂L/∂ŷ = −y/ŷ with y = p and ŷ = q of a pair with supp p ⊆ supp q.</summary>
    [ForEachImplementation, Spec("GRAD-PROB", "ACC-MODEL"), Requires(typeof(ISoftmaxCrossEntropy<>))]
    public void Probability_gradient_agrees_with_the_reference(string implementation) =>
        Check(implementation, Generate<T>.DistributionPairs, (impl, c) =>
        {
            var g = Agreement.Filled<T>(c.N, Agreement.Sentinel);
            impl.As<ISoftmaxCrossEntropy<T>>().CrossEntropyProbabilityGradient(c.P, c.Q, g);
            var expected = new double[c.N];
            if (Agreement.IsDoubleDistribution(c.QD))
                Ref.SoftmaxCrossEntropy.ProbabilityGradient(c.PD, c.QD, expected);
            else
            {
                // q normalised only within float's τ(n): −y/q = (−y/(q/s))/s, s = Σq.
                double s = Accuracy.Sum(c.QD);
                Ref.SoftmaxCrossEntropy.ProbabilityGradient(c.PD, Agreement.Scaled(c.QD, s), expected);
                for (int i = 0; i < expected.Length; i++) expected[i] /= s;
            }
            var bound = Agreement.Plus(GradientAccuracy.ProbabilityGradient<T>(c.PD, c.QD), GradientAccuracy.ProbabilityGradient<double>(c.PD, c.QD));
            for (int i = 0; i < bound.Length; i++) bound[i] += 2 * Fp<double>.U * Math.Abs(expected[i]);   // the rescaling above
            return Agreement.Vector<T>("∂L/∂ŷ", Fp<T>.ToDouble(g), expected, bound);
        });

    [ForEachImplementation, Spec("GRAD-MEAN", "GRAD-IGNORE", "GRAD-ALL-IGNORED", "ACC-XENT-LOGITS"), Requires(typeof(IBatchedSoftmaxCrossEntropy<>))]
    public void Batched_loss_and_gradient_agree_with_the_reference(string implementation) =>
        Check(implementation, BatchCases<T>.Batches, (impl, c) =>
        {
            var g = Agreement.Filled<T>(c.Logits.Length, Agreement.Sentinel);
            double loss = Fp<T>.ToDouble(impl.As<IBatchedSoftmaxCrossEntropy<T>>().ForwardBackward(c.Logits, c.Classes, c.Targets, c.IgnoreIndex, c.Reduction, g));
            var expectedGradient = new double[c.Logits.Length];
            double expectedLoss = Ref.SoftmaxCrossEntropy.Batched(c.LogitsD, c.Classes, c.Targets, c.IgnoreIndex, c.Reduction, expectedGradient);
            var gradientBound = Agreement.Plus(GradientAccuracy.BatchedGradient<T>(c.LogitsD, c.Classes, c.Targets, c.IgnoreIndex, c.Reduction),
                                               GradientAccuracy.BatchedGradient<double>(c.LogitsD, c.Classes, c.Targets, c.IgnoreIndex, c.Reduction));
            // The clause each part checks: zero rows where ignored (GRAD-IGNORE); loss and counted rows by the reduction (all ignored: GRAD-ALL-IGNORED).
            string counted = c.Counted == 0 ? "GRAD-ALL-IGNORED" : c.Reduction == LossReduction.Mean ? "GRAD-MEAN" : "ACC-XENT-LOGITS";
            var observed = Fp<T>.ToDouble(g);
            int[] ignored = [.. Enumerable.Range(0, observed.Length).Where(k => c.Targets[k / c.Classes] == c.IgnoreIndex)];
            int[] kept = [.. Enumerable.Range(0, observed.Length).Where(k => c.Targets[k / c.Classes] != c.IgnoreIndex)];
            return Agreement.Scalar<T>($"{c.Reduction} loss over {c.Counted} counted rows", loss, expectedLoss,
                       GradientAccuracy.BatchedLoss<T>(c.LogitsD, c.Classes, c.Targets, c.IgnoreIndex, c.Reduction)
                       + GradientAccuracy.BatchedLoss<double>(c.LogitsD, c.Classes, c.Targets, c.IgnoreIndex, c.Reduction)).For(counted)
                 & Agreement.Vector<T>("∂L/∂logits of the counted rows (row-major)", Pick(observed, kept), Pick(expectedGradient, kept), Pick(gradientBound, kept)).For(counted)
                 & Agreement.Vector<T>("∂L/∂logits of the ignored rows (row-major)", Pick(observed, ignored), Pick(expectedGradient, ignored), Pick(gradientBound, ignored)).For("GRAD-IGNORE");
        });

    private static double[] Pick(double[] values, int[] indices) => [.. indices.Select(k => values[k])];

    [ForEachImplementation, Spec("GRAD-BINARY", "ACC-XENT-LOGITS"), Requires(typeof(IBinaryCrossEntropy<>))]
    public void Binary_cross_entropy_and_its_gradient_agree_with_the_reference(string implementation) =>
        Check(implementation, GradientCases<T>.BinaryFullPrecision, (impl, c) =>
        {
            var bce = impl.As<IBinaryCrossEntropy<T>>();
            double loss = Fp<T>.ToDouble(bce.BinaryCrossEntropyWithLogit(c.Z, c.Y));
            double gradient = Fp<T>.ToDouble(bce.BinaryCrossEntropyLogitGradient(c.Z, c.Y));
            return Agreement.Scalar<T>("L(z, y)", loss, Ref.SoftmaxCrossEntropy.BinaryWithLogit(c.ZD, c.YD),
                       GradientAccuracy.BinaryLoss<T>(c.ZD, c.YD) + GradientAccuracy.BinaryLoss<double>(c.ZD, c.YD))
                 & Agreement.Scalar<T>("∂L/∂z", gradient, Ref.SoftmaxCrossEntropy.BinaryLogitGradient(c.ZD, c.YD),
                       GradientAccuracy.BinaryGradient<T>(c.ZD, c.YD) + GradientAccuracy.BinaryGradient<double>(c.ZD, c.YD)).For("GRAD-BINARY");
        });

    private static Verdict LogitGradientAgrees(ImplementationUnderTest impl, LogitsTargetCase<T> c)
    {
        var g = Agreement.Filled<T>(c.N, Agreement.Sentinel);
        impl.As<ISoftmaxCrossEntropy<T>>().CrossEntropyLogitGradient(c.Y, c.Z, g);
        var expected = new double[c.N];
        Ref.SoftmaxCrossEntropy.LogitGradient(c.YD, c.ZD, expected);
        return Agreement.Vector<T>("∂L/∂z", Fp<T>.ToDouble(g), expected,
            Agreement.Plus(Accuracy.LogitGradient<T>(c.YD, c.ZD), Accuracy.LogitGradient<double>(c.YD, c.ZD)));
    }
}
