using System.Numerics;
using LossConformance.Kit;
using Xunit.Abstractions;
using Ref = LossConformance.Reference;

namespace LossConformance.Conformance;

/// <summary>
/// spec/linear-layer.md against the float64 reference: z = Wᵀx + b, the loss and ∂L/∂W, ∂L/∂b
/// of the implementation in T agree with <see cref="Ref.LinearLayer"/> on the same inputs, entry by
/// entry, within the implementation's bound for T plus the reference's for double
/// (<see cref="LinearAccuracy.Logits{T}"/> and the bounds beside it).
/// </summary>
[Requires(typeof(ILinearLayer<>))]
public abstract class LinearLayerConformance<T>(ITestOutputHelper output, params object[] implementations)
    : Suite<T>(output, implementations) where T : unmanaged, IFloatingPointIeee754<T>
{
    [ForEachImplementation, Spec("LIN-SHAPE", "ACC-SUM")]
    public void Logits_agree_with_the_reference(string implementation) =>
        Check(implementation, LinearCases<T>.FullPrecision, (impl, c) =>
        {
            var z = Agreement.Filled<T>(c.N, Agreement.Sentinel);
            impl.As<ILinearLayer<T>>().Forward(c.X, c.W, c.B, z);
            var expected = new double[c.N];
            Ref.LinearLayer.Forward(c.XD, c.WD, c.BD, expected);
            return Agreement.Vector<T>("z = Wᵀx + b", Fp<T>.ToDouble(z), expected,
                Agreement.Plus(LinearAccuracy.Logits<T>(c.XD, c.WD, c.BD), LinearAccuracy.Logits<double>(c.XD, c.WD, c.BD)));
        });

    [ForEachImplementation, Spec("LIN-SHAPE", "XENT-LOGITS", "ACC-XENT-LOGITS")]
    public void Loss_agrees_with_the_reference(string implementation) =>
        Check(implementation, LinearCases<T>.FullPrecision, (impl, c) =>
        {
            var (loss, _, _, expected, _, _) = Run(impl, c);
            return Agreement.Scalar<T>("L", loss, expected,
                LinearAccuracy.Loss<T>(c.XD, c.WD, c.BD, c.YD) + LinearAccuracy.Loss<double>(c.XD, c.WD, c.BD, c.YD));
        });

    [ForEachImplementation, Spec("LIN-GRAD-W", "ACC-XENT-LOGITS")]
    public void Weight_gradient_agrees_with_the_reference(string implementation) =>
        Check(implementation, LinearCases<T>.FullPrecision, (impl, c) =>
        {
            var (_, gw, _, _, expected, _) = Run(impl, c);
            return Agreement.Vector<T>("∂L/∂W (row-major m × n)", gw, expected,
                Agreement.Plus(LinearAccuracy.Gradients<T>(c.XD, c.WD, c.BD, c.YD).Weights,
                               LinearAccuracy.Gradients<double>(c.XD, c.WD, c.BD, c.YD).Weights));
        });

    [ForEachImplementation, Spec("LIN-GRAD-B", "ACC-XENT-LOGITS")]
    public void Bias_gradient_agrees_with_the_reference(string implementation) =>
        Check(implementation, LinearCases<T>.FullPrecision, (impl, c) =>
        {
            var (_, _, gb, _, _, expected) = Run(impl, c);
            return Agreement.Vector<T>("∂L/∂b", gb, expected,
                Agreement.Plus(LinearAccuracy.Gradients<T>(c.XD, c.WD, c.BD, c.YD).Bias,
                               LinearAccuracy.Gradients<double>(c.XD, c.WD, c.BD, c.YD).Bias));
        });

    /// <summary>The implementation's loss and gradients (outputs pre-filled with a sentinel) and the reference's.</summary>
    private static (double Loss, double[] WeightGradient, double[] BiasGradient, double RefLoss, double[] RefWeightGradient, double[] RefBiasGradient)
        Run(ImplementationUnderTest impl, LayerCase<T> c)
    {
        var gw = Agreement.Filled<T>(c.M * c.N, Agreement.Sentinel);
        var gb = Agreement.Filled<T>(c.N, Agreement.Sentinel);
        double loss = Fp<T>.ToDouble(impl.As<ILinearLayer<T>>().LossAndGradients(c.X, c.W, c.B, c.Y, gw, gb));
        var rw = new double[c.M * c.N];
        var rb = new double[c.N];
        double refLoss = Reference(c, rw, rb);
        return (loss, Fp<T>.ToDouble(gw), Fp<T>.ToDouble(gb), refLoss, rw, rb);
    }

    /// <summary>
    /// The reference's loss and gradients (into rw, rb). The target must be a distribution (<c>LIN-SHAPE</c>); one
    /// normalised only within T's τ(n) (a float 1/51 taken 51 times) is not one in double, so the reference gets
    /// y/s (s = Σy) and its results are scaled by s: L, ∂L/∂W = x((Σy)ŷ − y)ᵀ and ∂L/∂b are linear in y, so this is
    /// exact in exact arithmetic; the division and the product add at most 2u of double, relative, to each output.
    /// That path is taken only for float inputs (a target valid in double is a double distribution by the same
    /// rule), whose bounds are float's γ of the same quantities: 2⁻⁵² against 2⁻²⁴ and more.
    /// </summary>
    internal static double Reference(LayerCase<T> c, double[] rw, double[] rb)
    {
        if (Agreement.IsDoubleDistribution(c.YD)) return Ref.LinearLayer.LossAndGradients(c.XD, c.WD, c.BD, c.YD, rw, rb);
        double s = Accuracy.Sum(c.YD);
        double loss = s * Ref.LinearLayer.LossAndGradients(c.XD, c.WD, c.BD, Agreement.Scaled(c.YD, s), rw, rb);
        for (int i = 0; i < rw.Length; i++) rw[i] *= s;
        for (int j = 0; j < rb.Length; j++) rb[j] *= s;
        return loss;
    }
}
