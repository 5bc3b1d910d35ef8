using System.Numerics;

namespace LossConformance.Kit;

/// <summary>
/// Bounds of spec/softmax-cross-entropy.md that are not single formulas of <see cref="Accuracy"/>:
/// the probability gradient, binary cross-entropy (the two-class case of <c>ACC-XENT-LOGITS</c>) and
/// the batched, fused form. Spec: <c>GRAD-PROB</c>, <c>GRAD-BINARY</c>, <c>GRAD-MEAN</c>,
/// <c>GRAD-FUSED</c>, <c>ACC-XENT-LOGITS</c>.
/// </summary>
public static class GradientAccuracy
{
    /// <summary>
    /// ∂L/∂ŷᵢ = −yᵢ/ŷᵢ: one division of exact inputs, |ĝᵢ − gᵢ| ≤ u|gᵢ| (<c>ACC-MODEL</c>), plus floor
    /// for a quotient below the smallest normal number that may be flushed. Spec: <c>GRAD-PROB</c>.
    /// </summary>
    public static double[] ProbabilityGradient<T>(ReadOnlySpan<double> y, ReadOnlySpan<double> q) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var bound = new double[y.Length];
        for (int i = 0; i < y.Length; i++)
            bound[i] = y[i] == 0 ? 0 : Fp<T>.U * Math.Abs(y[i] / q[i]) + Fp<T>.MinNormal;
        return bound;
    }

    /// <summary>
    /// Binary cross-entropy L = −y ln σ(z) − (1 − y) ln(1 − σ(z)) is softmax-cross-entropy with logits
    /// (z, 0) and target (y, 1 − y): <see cref="Accuracy.CrossEntropyFromLogits{T}"/> there covers the
    /// log-sigmoid forms y·softplus(−z) + (1 − y)·softplus(z). The stable form
    /// max(z, 0) − yz + ln(1 + e^{−|z|}) (the reference's) also rounds the product yz and the difference
    /// max(z, 0) − yz, which cancel when y ≈ 1 and z ≫ 0 (z = 1e4, y = 0.9: yz = 9000, L = 1000):
    /// u|yz| + u|max(z, 0) − yz| ≤ γ₂(|yz| + max(z, 0)), added (as γ₃, with the share of the final
    /// addition). Spec: <c>GRAD-BINARY</c>, <c>ACC-XENT-LOGITS</c>.
    /// </summary>
    public static double BinaryLoss<T>(double z, double y) where T : unmanaged, IFloatingPointIeee754<T> =>
        Accuracy.CrossEntropyFromLogits<T>([y, 1 - y], [z, 0]) + Accuracy.Gamma(3, Fp<T>.U) * (Math.Abs(y * z) + Math.Max(z, 0));

    /// <summary>
    /// ∂L/∂z = σ(z) − y: σ in either stable form (1/(1 + e^{−z}) or e^{z}/(1 + e^{z}), or softmax(z, 0)₀,
    /// whose shifts z − max(z, 0) and 0 − max(z, 0) are exact) is exp (4u), one addition, one division:
    /// within γ₁₂ relative with room to spare; the subtraction u: γ₁₂σ(z) + u|σ(z) − y| + floor.
    /// Absolute, like every logit-gradient bound (σ(z) ≈ y cancels). Tighter than entry 0 of
    /// <see cref="Accuracy.LogitGradient{T}"/> at (z, 0), which charges u|d₀| for a shift that is exact here.
    /// Spec: <c>GRAD-BINARY</c>, <c>ACC-XENT-LOGITS</c>.
    /// </summary>
    public static double BinaryGradient<T>(double z, double y) where T : unmanaged, IFloatingPointIeee754<T>
    {
        double s = Sigmoid(z);
        return Accuracy.Gamma(12, Fp<T>.U) * s + Fp<T>.U * Math.Abs(s - y) + Fp<T>.MinNormal;
    }

    /// <summary>|d³L/dz³| = |σ(1 − σ)(1 − 2σ)| ≤ 1/(6√3): the third central moment of (1, 0) under (σ, 1 − σ). Spec: <c>GRAD-BINARY</c>, <c>ACC-FD</c>.</summary>
    public static double BinaryThirdDerivative => Accuracy.SoftmaxThirdDerivative([1.0, 0.0], 1);

    /// <summary>σ(z) in float64 without overflow: 1/(1 + e^{−z}) for z ≥ 0, e^{z}/(1 + e^{z}) below.</summary>
    public static double Sigmoid(double z)
    {
        if (z >= 0) return 1 / (1 + Math.Exp(-z));
        double e = Math.Exp(z);
        return e / (1 + e);
    }

    /// <summary>Binary cross-entropy in float64: max(z, 0) − yz + ln(1 + e^{−|z|}) (ln1p by its series where 1 + x rounds).</summary>
    public static double BinaryCrossEntropy(double z, double y)
    {
        double e = Math.Exp(-Math.Abs(z));
        double log1p = e < 1e-5 ? e * (1 - e / 2 + e * e / 3) : Math.Log(1 + e);
        return Math.Max(z, 0) - y * z + log1p;
    }

    /// <summary>
    /// Batched loss over counted rows K (N = |K|), from <c>ACC-XENT-LOGITS</c> per row (Bᵣ) and
    /// <c>ACC-SUM</c> for the reduction (accuracy.md, "Batched"). The computed rows ℓ̂ᵣ are within Bᵣ of ℓᵣ
    /// and their sum rounds by γ_{N−1}Σ|ℓ̂ᵣ| ≤ γ_{N−1}(Σℓᵣ + ΣBᵣ). Sum: (1 + γ_{N−1})Σ_{r∈K} Bᵣ + γ_N·L;
    /// Mean (the sum, then a division or a product with the rounded 1/N, two more roundings):
    /// (1 + γ_{N+1})(1/N)Σ_{r∈K} Bᵣ + γ_{N+1}·L; 0 when N = 0 (the answer is exactly 0).
    /// L is the exact reduced loss. Spec: <c>GRAD-MEAN</c>, <c>GRAD-IGNORE</c>, <c>GRAD-ALL-IGNORED</c>, <c>GRAD-FUSED</c>.
    /// </summary>
    public static double BatchedLoss<T>(ReadOnlySpan<double> logits, int classes, ReadOnlySpan<int> targets, int ignoreIndex, LossReduction reduction)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int rows = targets.Length, counted = 0;
        double bounds = 0, loss = 0;
        for (int r = 0; r < rows; r++)
        {
            if (targets[r] == ignoreIndex) continue;
            counted++;
            var z = logits.Slice(r * classes, classes);
            var y = OneHot(classes, targets[r]);
            bounds += Accuracy.CrossEntropyFromLogits<T>(y, z);
            loss += Accuracy.LogSumExp(z) - z[targets[r]];
        }
        if (counted == 0) return 0;
        double u = Fp<T>.U;
        return reduction == LossReduction.Sum
            ? (1 + Accuracy.Gamma(counted - 1, u)) * bounds + Accuracy.Gamma(counted, u) * loss
            : (1 + Accuracy.Gamma(counted + 1, u)) * bounds / counted + Accuracy.Gamma(counted + 1, u) * loss / counted;
    }

    /// <summary>
    /// Batched gradient, entry-wise: Sum: Gᵣᵢ (the <c>ACC-XENT-LOGITS</c> gradient bound of row r);
    /// Mean: (1 + 2u)Gᵣᵢ/N + 2u|gᵣᵢ| (scaling by 1/N, or by its rounded reciprocal); ignored rows 0 (exact).
    /// Spec: <c>GRAD-MEAN</c>, <c>GRAD-IGNORE</c>, <c>GRAD-FUSED</c>.
    /// </summary>
    public static double[] BatchedGradient<T>(ReadOnlySpan<double> logits, int classes, ReadOnlySpan<int> targets, int ignoreIndex, LossReduction reduction)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        double u = Fp<T>.U;
        int rows = targets.Length, counted = 0;
        foreach (int t in targets) if (t != ignoreIndex) counted++;
        var bound = new double[logits.Length];
        for (int r = 0; r < rows; r++)
        {
            if (targets[r] == ignoreIndex) continue;
            var z = logits.Slice(r * classes, classes);
            var y = OneHot(classes, targets[r]);
            var g = Accuracy.LogitGradient<T>(y, z);
            var yhat = Accuracy.SoftmaxExact(z);
            for (int i = 0; i < classes; i++)
                bound[r * classes + i] = reduction == LossReduction.Sum
                    ? g[i]
                    : (1 + 2 * u) * g[i] / counted + 2 * u * Math.Abs(yhat[i] - y[i]) / counted;
        }
        return bound;
    }

    /// <summary>
    /// CE(y, ŷ̂) with ŷ̂ the softmax of z computed in T (the decomposition of CE from logits): ŷ̂ᵢ
    /// errs by bᵢ = bound(ŷᵢ), i.e. relatively by ηᵢ = bᵢ/ŷᵢ, which moves ln ŷᵢ by at most
    /// λᵢ = −ln(1 − ηᵢ); then the cross-entropy's own bound with |ln ŷᵢ| + λᵢ for |ln ŷᵢ|:
    /// Σ yᵢλᵢ + γ_{n+5}Σ yᵢ(|ln ŷᵢ| + λᵢ) + n·floor. +∞ where some yᵢ &gt; 0 has ηᵢ ≥ 1 (ŷᵢ may
    /// underflow: the decomposition is not comparable there). Spec: <c>GRAD-FUSED</c>, <c>ACC-SOFTMAX</c>, <c>ACC-ENTROPY</c>.
    /// </summary>
    public static double CrossEntropyOfSoftmax<T>(ReadOnlySpan<double> y, ReadOnlySpan<double> z) where T : unmanaged, IFloatingPointIeee754<T>
    {
        double[] b = Accuracy.Softmax<T>(z), yhat = Accuracy.SoftmaxExact(z);
        double shift = 0, terms = 0;
        for (int i = 0; i < y.Length; i++)
        {
            if (y[i] == 0) continue;
            double eta = b[i] / yhat[i];
            if (!(eta < 1)) return double.PositiveInfinity;
            double lambda = -Math.Log(1 - eta);
            shift += y[i] * lambda;
            terms += y[i] * (Math.Abs(Math.Log(yhat[i])) + lambda);
        }
        return shift + Accuracy.LogSum(y.Length, terms, Fp<T>.U, Fp<T>.MinNormal);
    }

    /// <summary>eₜ of length n.</summary>
    public static double[] OneHot(int n, int t)
    {
        var y = new double[n];
        y[t] = 1;
        return y;
    }
}
