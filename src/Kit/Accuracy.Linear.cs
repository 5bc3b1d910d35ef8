using System.Numerics;

namespace LossConformance.Kit;

/// <summary>
/// Bounds for a linear layer z = Wᵀx + b followed by softmax-cross-entropy (spec/linear-layer.md;
/// accuracy.md, "Linear layer"). x ∈ ℝᵐ, W row-major m × n, b, y ∈ ℝⁿ, all exact in T.
/// Two facts carry the softmax bounds through the layer:
/// <list type="bullet">
/// <item>L(y, ·) is Lipschitz in the max-norm with constant Σⱼ|∂L/∂zⱼ| = Σⱼ|(Σy)ŷⱼ − yⱼ| ≤ 2Σy, so a
/// logit error ≤ Δ changes L by ≤ 2(Σy)Δ;</item>
/// <item>ŷⱼ(z′)/ŷⱼ(z) ∈ [e^{−2Δ}, e^{2Δ}] when |z′ − z| ≤ Δ entry-wise, so ŷ moves by ≤ (e^{2Δ} − 1)ŷⱼ.</item>
/// </list>
/// Spec: <c>LIN-SHAPE</c>, <c>LIN-GRAD-W</c>, <c>LIN-GRAD-B</c>, <c>LIN-STEP</c>.
/// </summary>
public static class LinearAccuracy
{
    /// <summary>z = Wᵀx + b in float64, term by term (its own error is <see cref="Logits{T}"/> with T = double).</summary>
    public static double[] ExactLogits(ReadOnlySpan<double> x, ReadOnlySpan<double> weights, ReadOnlySpan<double> bias)
    {
        int m = x.Length, n = bias.Length;
        var z = new double[n];
        for (int j = 0; j < n; j++)
        {
            double s = bias[j];
            for (int i = 0; i < m; i++) s += x[i] * weights[i * n + j];
            z[j] = s;
        }
        return z;
    }

    /// <summary>
    /// zⱼ = Σᵢ xᵢWᵢⱼ + bⱼ is a sum of m + 1 terms, m of them rounded products: in any order (and with
    /// or without fused multiply-adds) |ẑⱼ − zⱼ| ≤ γ_{m+1}(Σᵢ|xᵢWᵢⱼ| + |bⱼ|) (<c>ACC-SUM</c>), plus
    /// (m + 1)·floor for products flushed below the smallest normal. Spec: <c>LIN-SHAPE</c>.
    /// </summary>
    public static double[] Logits<T>(ReadOnlySpan<double> x, ReadOnlySpan<double> weights, ReadOnlySpan<double> bias)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int m = x.Length, n = bias.Length;
        var bound = new double[n];
        for (int j = 0; j < n; j++)
        {
            double s = Math.Abs(bias[j]);
            for (int i = 0; i < m; i++) s += Math.Abs(x[i] * weights[i * n + j]);
            bound[j] = Accuracy.Gamma(m + 1, Fp<T>.U) * s + (m + 1) * Fp<T>.MinNormal;
        }
        return bound;
    }

    /// <summary>Δ = maxⱼ of <see cref="Logits{T}"/>: how far any computed logit may be from the exact one.</summary>
    public static double LogitError<T>(ReadOnlySpan<double> x, ReadOnlySpan<double> weights, ReadOnlySpan<double> bias)
        where T : unmanaged, IFloatingPointIeee754<T> => Logits<T>(x, weights, bias).Max();

    /// <summary>
    /// The loss L(y, Wᵀx + b): the <c>ACC-XENT-LOGITS</c> bound B at the exact logits, times e^{2Δ} to carry
    /// it to the computed logits, plus 2(Σy)·Δ for the logits' own error (Lipschitz). The factor suffices:
    /// moving z by ≤ Δ moves |dᵢ| and |ℓᵢ| by ≤ 2Δ and Σŷⱼ|dⱼ| to ≤ e^{2Δ}(Σŷⱼ|dⱼ| + 2Δ), so B grows by at
    /// most Σy[(1 + 2u)u(6Δ + (e^{2Δ} − 1)Σŷⱼ|dⱼ|) + 2Δγₙ] (to first order in Δ), which (e^{2Δ} − 1)B covers
    /// because B ≥ (1 + 2u)Σy(u·Σŷⱼ|dⱼ| + γ_{n+4}) and γ_{n+4} − γₙ ≥ 4u. Spec: <c>LIN-SHAPE</c>, <c>LIN-GRAD-W</c>,
    /// <c>LIN-STEP</c>, <c>ACC-XENT-LOGITS</c>.
    /// </summary>
    public static double Loss<T>(ReadOnlySpan<double> x, ReadOnlySpan<double> weights, ReadOnlySpan<double> bias, ReadOnlySpan<double> y)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var z = ExactLogits(x, weights, bias);
        double delta = LogitError<T>(x, weights, bias);
        return Accuracy.CrossEntropyFromLogits<T>(y, z) * Math.Exp(2 * delta) + 2 * Accuracy.Sum(y) * delta;
    }

    /// <summary>
    /// ∂L/∂bⱼ = (Σy)ŷⱼ − yⱼ: e^{2Δ}·Gⱼ + (Σy)(e^{2Δ} − 1)ŷⱼ, Gⱼ the <c>ACC-XENT-LOGITS</c> gradient bound at the
    /// exact logits (the factor e^{2Δ} carries it to the computed logits), the second term the move of
    /// ŷ under the logits' error. Spec: <c>LIN-GRAD-B</c>.
    /// </summary>
    public static double[] BiasGradient<T>(ReadOnlySpan<double> x, ReadOnlySpan<double> weights, ReadOnlySpan<double> bias, ReadOnlySpan<double> y)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var z = ExactLogits(x, weights, bias);
        double delta = LogitError<T>(x, weights, bias);
        double grow = Math.Exp(2 * delta), sy = Accuracy.Sum(y);
        var g = Accuracy.LogitGradient<T>(y, z);
        var yhat = Accuracy.SoftmaxExact(z);
        var bound = new double[g.Length];
        for (int j = 0; j < g.Length; j++) bound[j] = grow * g[j] + sy * (grow - 1) * yhat[j];
        return bound;
    }

    /// <summary>
    /// ∂L/∂Wᵢⱼ = xᵢ·∂L/∂bⱼ: |xᵢ|(1 + u)·B_b,ⱼ + u|xᵢgⱼ| + floor (the bias-gradient bound scaled by xᵢ, one
    /// rounded product). Row-major m × n. Spec: <c>LIN-GRAD-W</c>.
    /// </summary>
    public static double[] WeightGradient<T>(ReadOnlySpan<double> x, ReadOnlySpan<double> weights, ReadOnlySpan<double> bias, ReadOnlySpan<double> y)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int m = x.Length, n = bias.Length;
        double u = Fp<T>.U;
        var bb = BiasGradient<T>(x, weights, bias, y);
        var g = ExactLogitGradient(x, weights, bias, y);
        var bound = new double[m * n];
        for (int i = 0; i < m; i++)
            for (int j = 0; j < n; j++)
                bound[i * n + j] = Math.Abs(x[i]) * (1 + u) * bb[j] + u * Math.Abs(x[i] * g[j]) + Fp<T>.MinNormal;
        return bound;
    }

    /// <summary>Both gradient bounds: (<see cref="WeightGradient{T}"/>, <see cref="BiasGradient{T}"/>). Spec: <c>LIN-GRAD-W</c>, <c>LIN-GRAD-B</c>.</summary>
    public static (double[] Weights, double[] Bias) Gradients<T>(ReadOnlySpan<double> x, ReadOnlySpan<double> weights, ReadOnlySpan<double> bias, ReadOnlySpan<double> y)
        where T : unmanaged, IFloatingPointIeee754<T> => (WeightGradient<T>(x, weights, bias, y), BiasGradient<T>(x, weights, bias, y));

    /// <summary>(Σy)·softmax(z) − y at the exact logits, in float64.</summary>
    public static double[] ExactLogitGradient(ReadOnlySpan<double> x, ReadOnlySpan<double> weights, ReadOnlySpan<double> bias, ReadOnlySpan<double> y)
    {
        return Accuracy.LogitGradientExact(y, ExactLogits(x, weights, bias));
    }

    /// <summary>
    /// Λ = ½(Σy)(‖x‖² + 1), a Lipschitz constant of ∇L in θ = (W, b): the Hessian in θ is
    /// (Σy)·(x; 1)(x; 1)ᵀ ⊗ J with ‖J‖₂ ≤ ½ (<c>SMAX-JACOBIAN-PSD</c>). Hence for every step s,
    /// L(θ + s) ≤ L(θ) + ∇L(θ)ᵀs + (Λ/2)‖s‖². Spec: <c>LIN-STEP</c>.
    /// </summary>
    public static double Curvature(ReadOnlySpan<double> x, ReadOnlySpan<double> y)
    {
        double xx = 0;
        foreach (double v in x) xx += v * v;
        return 0.5 * Accuracy.Sum(y) * (xx + 1);
    }

    /// <summary>
    /// Largest L(θ + s) allowed after a step s = θ′ − θ (exact differences of values in T) that was
    /// meant to be −η∇L. With the exact gradient g (float64, error ≤ gradErrorNorm in 2-norm), the
    /// descent lemma gives L(θ + s) ≤ L(θ) + gᵀs + (Λ/2)‖s‖² ≤ L(θ) − η‖g‖² + ‖g‖·δ + (Λ/2)‖s‖², where
    /// δ = ‖s + ηg‖ is how far the step taken may be from the exact one: η times the implementation's
    /// gradient error bound (2-norm of the entry bounds) plus the rounding of θ′ to T (u‖θ′‖). The computed
    /// losses add their bounds B(θ) + B(θ′). A wrong gradient (sign, scale, transposition) makes δ large
    /// and fails this; a correct one meets it. Spec: <c>LIN-STEP</c>.
    /// </summary>
    public static double DescentUpperBound(double loss, double lossBound, double nextLossBound, double eta,
                                           double gradientNormSquared, double stepNormSquared, double stepDeviation,
                                           double curvature) =>
        loss - eta * gradientNormSquared + Math.Sqrt(gradientNormSquared) * stepDeviation
        + 0.5 * curvature * stepNormSquared + lossBound + nextLossBound;
}
