using System.Numerics;
using LossConformance.Kit;
using LossConformance.Properties;
using Xunit.Abstractions;

namespace LossConformance.Autograd;

// The properties that use libtorch's autograd (AutogradOracle) as a third gradient oracle, beside the identities and
// central differences of tests/Properties. They live in this optional project so that the packaged suites
// (src/Suites) do not depend on TorchSharp; they reuse the property suites' case helpers (internal there).

/// <summary>Autograd, the identity (Σy)ŷ − y and central differences agree on ∂L/∂z (spec/softmax-cross-entropy.md).</summary>
public abstract class SoftmaxCrossEntropyAutograd<T>(ITestOutputHelper output, params object[] implementations)
    : Suite<T>(output, implementations) where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>
    /// Three routes to ∂L/∂z agree: autograd (libtorch, float64), the identity (Σy)ŷ − y, and central
    /// differences of the implementation's own loss; and the implementation's gradient agrees with autograd.
    /// </summary>
    [ForEachImplementation, Spec("GRAD-LOGITS", "ACC-FD"), Requires(typeof(ISoftmaxCrossEntropy<>))]
    public void Autograd_the_identity_and_central_differences_agree_on_the_logit_gradient(string implementation) =>
        Check(implementation, GradientCases<T>.Normalised, (impl, c) =>
        {
            var autograd = AutogradOracle.LogitGradient(c.YD, c.ZD);
            var exact = Accuracy.LogitGradientExact(c.YD, c.ZD);
            var b64 = Accuracy.LogitGradient<double>(c.YD, c.ZD);
            var (fd, h, tolerance) = SoftmaxCrossEntropyProperties<T>.CentralDifference(impl, c);
            var (ad, adAbs, adBound) = FiniteDifference.Directional(autograd, c.D, b64, exact);
            var g = SoftmaxCrossEntropyProperties<T>.LogitGradientOf(impl, c.Y, c.Z);
            return Verdict.AllWithin("autograd vs (Σy)ŷ − y", autograd, exact, SoftmaxCrossEntropyProperties<T>.Scale(b64, 2)).For("GRAD-LOGITS")   // both evaluated in float64
                 & Verdict.Within($"(L(z + hd) − L(z − hd))/2h vs autograd·d (h = {Show.Number(h)})", fd, ad,
                       tolerance + adBound + Accuracy.Gamma(c.N, Fp<double>.U) * adAbs)
                 & Verdict.AllWithin("∂L/∂z vs autograd", g, autograd, SoftmaxCrossEntropyProperties<T>.Add(Accuracy.LogitGradient<T>(c.YD, c.ZD), b64)).For("GRAD-LOGITS");
        });
}

/// <summary>Autograd, the identities and central differences agree on the linear layer's gradients (spec/linear-layer.md).</summary>
public abstract class LinearLayerAutograd<T>(ITestOutputHelper output, params object[] implementations)
    : Suite<T>(output, implementations) where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>
    /// Three routes to ∂L/∂W and ∂L/∂b agree: autograd (libtorch, float64), the identities x(ŷ − y)ᵀ and
    /// ŷ − y, and central differences of the implementation's own loss along W and along b; and the
    /// implementation's gradients agree with autograd's.
    /// </summary>
    [ForEachImplementation, Spec("LIN-GRAD-W", "LIN-GRAD-B", "ACC-FD")]
    public void Autograd_the_identities_and_central_differences_agree_on_the_layer_gradients(string implementation) =>
        Check(implementation, LinearCases<T>.Layers, (impl, c) =>
        {
            var (aw, ab) = AutogradOracle.LinearGradients(c.XD, c.WD, c.BD, c.YD);
            var ew = LinearLayerProperties<T>.ExactWeightGradient(c);
            var eb = LinearAccuracy.ExactLogitGradient(c.XD, c.WD, c.BD, c.YD);
            var bw64 = LinearAccuracy.WeightGradient<double>(c.XD, c.WD, c.BD, c.YD);
            var bb64 = LinearAccuracy.BiasGradient<double>(c.XD, c.WD, c.BD, c.YD);
            var (fdW, hW, tolW) = LinearLayerProperties<T>.WeightCentralDifference(impl, c);
            var (fdB, hB, tolB) = LinearLayerProperties<T>.BiasCentralDifference(impl, c);
            var (adW, adWAbs, adWBound) = FiniteDifference.Directional(aw, c.DW, bw64, ew);
            var (adB, adBAbs, adBBound) = FiniteDifference.Directional(ab, c.DB, bb64, eb);
            var (_, gw, gb) = LinearLayerProperties<T>.LossAndGradients(impl, c, c.W, c.B);
            return Verdict.AllWithin("autograd ∂L/∂W vs x(ŷ − y)ᵀ", aw, ew, LinearLayerProperties<T>.Add(bw64, bw64)).For("LIN-GRAD-W")   // both evaluated in float64
                 & Verdict.AllWithin("autograd ∂L/∂b vs ŷ − y", ab, eb, LinearLayerProperties<T>.Add(bb64, bb64)).For("LIN-GRAD-B")
                 & Verdict.Within($"(L(W + hD) − L(W − hD))/2h vs ⟨autograd ∂L/∂W, D⟩ (h = {Show.Number(hW)})", fdW, adW,
                       tolW + adWBound + Accuracy.Gamma(aw.Length, Fp<double>.U) * adWAbs)
                 & Verdict.Within($"(L(b + hd) − L(b − hd))/2h vs ⟨autograd ∂L/∂b, d⟩ (h = {Show.Number(hB)})", fdB, adB,
                       tolB + adBBound + Accuracy.Gamma(ab.Length, Fp<double>.U) * adBAbs)
                 & Verdict.AllWithin("∂L/∂W vs autograd", gw, aw, LinearLayerProperties<T>.Add(LinearAccuracy.WeightGradient<T>(c.XD, c.WD, c.BD, c.YD), bw64)).For("LIN-GRAD-W")
                 & Verdict.AllWithin("∂L/∂b vs autograd", gb, ab, LinearLayerProperties<T>.Add(LinearAccuracy.BiasGradient<T>(c.XD, c.WD, c.BD, c.YD), bb64)).For("LIN-GRAD-B");
        });
}

/// <summary>Autograd, the identities and central differences agree on the sequence loss's gradients (spec/sequence-loss.md).</summary>
public abstract class SequenceLossAutograd<T>(ITestOutputHelper output, params object[] implementations)
    : Suite<T>(output, implementations) where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>
    /// Three routes to ∂L/∂W and ∂L/∂b of the sequence loss with λ · ½‖W‖² agree: autograd (libtorch,
    /// float64), the identities (1/T)Σₜ e_{x_{t−1}}(ŷₜ − e_{xₜ})ᵀ + λW and (1/T)Σₜ(ŷₜ − e_{xₜ}), and central
    /// differences of the implementation's own loss; and the implementation's gradients agree with autograd's.
    /// </summary>
    [ForEachImplementation, Spec("SEQ-GRAD", "SEQ-L2", "ACC-FD"), Requires(typeof(ISequenceLoss<>))]
    public void Autograd_the_identities_and_central_differences_agree_on_the_sequence_gradients(string implementation) =>
        Check(implementation, SequenceCases<T>.Sequences, (impl, c) =>
        {
            var (aw, ab) = AutogradOracle.SequenceGradients(c.Tokens, c.V, c.WD, c.BD, c.LambdaD);
            var (ew, eb) = SequenceAccuracy.ExactGradients(c.Tokens, c.V, c.WD, c.BD, c.LambdaD);
            var (bw64, bb64) = SequenceAccuracy.Gradients<double>(c.Tokens, c.V, c.WD, c.BD, c.LambdaD);
            var (fd, h, tolerance) = SequenceLossProperties<T>.CentralDifference(impl, c);
            var (ad, adAbs, adBound) = FiniteDifference.Directional([.. aw, .. ab], [.. c.DW, .. c.DB], [.. bw64, .. bb64], [.. ew, .. eb]);
            var (_, gw, gb) = SequenceLossProperties<T>.Run(impl, c);
            var (bw, bb) = SequenceLossProperties<T>.GradientBounds(c);   // the implementation's bound plus float64's
            return Verdict.AllWithin("autograd ∂L/∂W vs (1/T)Σₜ e_{x_{t−1}}(ŷₜ − e_{xₜ})ᵀ + λW", aw, ew, SequenceLossProperties<T>.Add(bw64, bw64))   // both in float64
                 & Verdict.AllWithin("autograd ∂L/∂b vs (1/T)Σₜ(ŷₜ − e_{xₜ})", ab, eb, SequenceLossProperties<T>.Add(bb64, bb64)).For("SEQ-GRAD")
                 & Verdict.Within($"(L(θ + hD) − L(θ − hD))/2h vs ⟨autograd ∇L, D⟩ (h = {Show.Number(h)}, λ = {Show.Number(c.LambdaD)})", fd, ad,
                       tolerance + adBound + Accuracy.Gamma(aw.Length + ab.Length, Fp<double>.U) * adAbs)
                 & Verdict.AllWithin("∂L/∂W vs autograd", gw, aw, bw)
                 & Verdict.AllWithin("∂L/∂b vs autograd", gb, ab, bb).For("SEQ-GRAD");   // λ·½‖W‖² adds nothing to ∂L/∂b
        });
}
