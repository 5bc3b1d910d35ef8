using System.Numerics;
using LossConformance.Kit;
using Xunit.Abstractions;
using Ref = LossConformance.Reference;

namespace LossConformance.Conformance;

/// <summary>
/// spec/sequence-loss.md against the float64 reference: the teacher-forced bigram loss and its
/// gradients of the implementation in T agree with <see cref="Ref.SequenceLoss"/> on the same
/// tokens, weights and λ, within the implementation's bound for T plus the reference's for double
/// (<see cref="SequenceAccuracy.Loss{T}"/>, <see cref="SequenceAccuracy.Gradients{T}"/>).
/// </summary>
[Requires(typeof(ISequenceLoss<>))]
public abstract class SequenceLossConformance<T>(ITestOutputHelper output, params object[] implementations)
    : Suite<T>(output, implementations) where T : unmanaged, IFloatingPointIeee754<T>
{
    [ForEachImplementation, Spec("SEQ-DEF", "SEQ-L2", "ACC-XENT-LOGITS")]
    public void Loss_agrees_with_the_reference(string implementation) =>
        Check(implementation, SequenceCases<T>.FullPrecision, (impl, c) =>
        {
            var (loss, _, _, expected, _, _) = Run(impl, c);
            return Agreement.Scalar<T>("L = −(1/T)Σ ln p(xₜ|xₜ₋₁) + λ½‖W‖²", loss, expected,
                SequenceAccuracy.Loss<T>(c.Tokens, c.V, c.WD, c.BD, c.LambdaD)
                + SequenceAccuracy.Loss<double>(c.Tokens, c.V, c.WD, c.BD, c.LambdaD));
        });

    [ForEachImplementation, Spec("SEQ-GRAD", "SEQ-L2", "ACC-XENT-LOGITS")]
    public void Gradients_agree_with_the_reference(string implementation) =>
        Check(implementation, SequenceCases<T>.FullPrecision, (impl, c) =>
        {
            var (_, gw, gb, _, rw, rb) = Run(impl, c);
            var mine = SequenceAccuracy.Gradients<T>(c.Tokens, c.V, c.WD, c.BD, c.LambdaD);
            var theirs = SequenceAccuracy.Gradients<double>(c.Tokens, c.V, c.WD, c.BD, c.LambdaD);
            return Agreement.Vector<T>("∂L/∂W (row-major V × V)", gw, rw, Agreement.Plus(mine.Weights, theirs.Weights))
                 & Agreement.Vector<T>("∂L/∂b", gb, rb, Agreement.Plus(mine.Bias, theirs.Bias));
        });

    /// <summary>The implementation's loss and gradients (outputs pre-filled with a sentinel) and the reference's.</summary>
    private static (double Loss, double[] WeightGradient, double[] BiasGradient, double RefLoss, double[] RefWeightGradient, double[] RefBiasGradient)
        Run(ImplementationUnderTest impl, SequenceCase<T> c)
    {
        int v = c.V;
        var gw = Agreement.Filled<T>(v * v, Agreement.Sentinel);
        var gb = Agreement.Filled<T>(v, Agreement.Sentinel);
        double loss = Fp<T>.ToDouble(impl.As<ISequenceLoss<T>>().LossAndGradients(c.Tokens, v, c.W, c.B, c.Lambda, gw, gb));
        var rw = new double[v * v];
        var rb = new double[v];
        double refLoss = Ref.SequenceLoss.LossAndGradients(c.Tokens, v, c.WD, c.BD, c.LambdaD, rw, rb);
        return (loss, Fp<T>.ToDouble(gw), Fp<T>.ToDouble(gb), refLoss, rw, rb);
    }
}
