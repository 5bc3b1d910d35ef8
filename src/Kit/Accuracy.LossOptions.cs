using System.Numerics;

namespace LossConformance.Kit;

/// <summary>
/// The values of <see cref="CrossEntropyOptions{T}"/> in float64 (each exactly representable in the T of the
/// case), so bounds and exact values can be computed from them. Weights null means none (all ones).
/// </summary>
public sealed record OptionValues(int IgnoreIndex, double Eps, double Lambda, double Cap, double[]? Weights)
{
    /// <summary>The plain loss (ignore index −100).</summary>
    public static OptionValues None { get; } = new(-100, 0, 0, double.PositiveInfinity, null);

    /// <summary>w_c, 1 without weights.</summary>
    public double Weight(int c) => Weights is null ? 1 : Weights[c];

    public bool Capped => !double.IsPositiveInfinity(Cap);

    /// <summary>The options record in T.</summary>
    public CrossEntropyOptions<T> To<T>() where T : unmanaged, IFloatingPointIeee754<T> => new()
    {
        IgnoreIndex = IgnoreIndex,
        LabelSmoothing = Fp<T>.From(Eps),
        ZLossScale = Fp<T>.From(Lambda),
        SoftCap = Capped ? Fp<T>.From(Cap) : T.PositiveInfinity,
        ClassWeights = Weights is null ? ReadOnlyMemory<T>.Empty : Fp<T>.From(Weights),
    };

    public string Describe() =>
        $"ignoreIndex = {IgnoreIndex}, ε = {Show.Number(Eps)}, λ_z = {Show.Number(Lambda)}, c = {Show.Number(Cap)}, " +
        $"weights = {(Weights is null ? "none" : Show.Vector(Weights))}";
}

/// <summary>
/// Bounds and float64 values of spec/loss-options.md, derived in spec/accuracy.md (<c>ACC-LOSSOPT</c>): the
/// soft-cap error Δ and factor D, the weighted and smoothed target, the z-loss, the reductions, the third
/// derivative for finite differences and the c → ∞ limit. Every bound is evaluated at the exact point
/// (float64) and needs about one correct digit.
/// </summary>
public static class LossOptionsAccuracy
{
    /// <summary>
    /// One counted row at the exact point: the capped logits z' and the factors Dⱼ = 1 − tanh²(zⱼ/c), ŷ = softmax(z'),
    /// L = lse(z'), the target y and σ = Σy, CE = Σyⱼ(L − z'ⱼ), Zₗ = λ_z L², and the gradients with respect to z':
    /// σŷ − y and 2λ_z L ŷ. Spec: <c>LOSSOPT-COMPOSE</c>.
    /// </summary>
    public sealed record Row(double[] Capped, double[] Factor, double[] Yhat, double Lse, double[] Y, double Sigma,
                             double CrossEntropy, double ZLoss, double[] CrossEntropyGradient, double[] ZLossGradient);

    /// <summary>Per-row bounds (<c>ACC-LOSSOPT</c> 1–4): B_CE, B_Z, and the gradient bounds G′, GZ with respect to z'.</summary>
    public sealed record RowBounds(double CrossEntropy, double ZLoss, double[] CrossEntropyGradient, double[] ZLossGradient);

    /// <summary>The row of target t under the options, in float64. Spec: <c>LOSSOPT-COMPOSE</c>.</summary>
    public static Row Analyse(ReadOnlySpan<double> z, int t, OptionValues o)
    {
        int v = z.Length;
        var capped = new double[v];
        var factor = new double[v];
        for (int j = 0; j < v; j++)
        {
            if (!o.Capped) { capped[j] = z[j]; factor[j] = 1; continue; }
            double th = Math.Tanh(z[j] / o.Cap);
            capped[j] = o.Cap * th;
            factor[j] = 1 - th * th;
        }
        var yhat = Accuracy.SoftmaxExact(capped);
        var logP = SoftmaxAccuracy.ExactLogSoftmax(capped);
        double lse = Accuracy.LogSumExp(capped);
        var y = new double[v];
        double sigma = 0, ce = 0;
        for (int j = 0; j < v; j++)
        {
            y[j] = o.Eps / v * o.Weight(j) + (j == t ? (1 - o.Eps) * o.Weight(t) : 0);
            sigma += y[j];
            if (y[j] != 0) ce -= y[j] * logP[j];
        }
        var gCe = new double[v];
        var gZ = new double[v];
        for (int j = 0; j < v; j++)
        {
            gCe[j] = sigma * yhat[j] - y[j];
            gZ[j] = 2 * o.Lambda * lse * yhat[j];
        }
        return new Row(capped, factor, yhat, lse, y, sigma, ce, o.Lambda * lse * lse, gCe, gZ);
    }

    /// <summary>Δ = γ₇·maxⱼ|z'ⱼ|, the error of the computed capped logits (0 without a cap): z/c (two roundings as z·fl(1/c)), tanh (4u), the product with c. Spec: <c>ACC-LOSSOPT</c> 1.</summary>
    public static double CapError<T>(Row a, OptionValues o) where T : unmanaged, IFloatingPointIeee754<T> =>
        o.Capped ? Accuracy.Gamma(7, Fp<T>.U) * Accuracy.MaxAbs(a.Capped) : 0;

    /// <summary>
    /// B_CE = e^{2Δ}B_X(y, z') + 2σΔ + γ₃CE; B_Z = λ_z(2|L|E′ + E′²) + γ₂λ_z(|L| + E′)², E′ = e^{2Δ}E + Δ; gradient
    /// bounds G′ⱼ = e^{2Δ}Gⱼ + σ(e^{2Δ} − 1)ŷⱼ + γ₃(yⱼ + σŷⱼ) and GZⱼ = 2λ_z(|L|b′ⱼ + E′(ŷⱼ + b′ⱼ)) + γ₃·2λ_z(|L| + E′)(ŷⱼ + b′ⱼ),
    /// b′ⱼ = e^{2Δ}bⱼ + (e^{2Δ} − 1)ŷⱼ. Spec: <c>ACC-LOSSOPT</c> 1–4.
    /// </summary>
    public static RowBounds Bound<T>(Row a, OptionValues o) where T : unmanaged, IFloatingPointIeee754<T>
    {
        double u = Fp<T>.U, delta = CapError<T>(a, o), grow = Math.Exp(2 * delta), growM1 = double.ExpM1(2 * delta);
        double g3 = Accuracy.Gamma(3, u);
        int v = a.Yhat.Length;
        // B_X(y, z') and Gⱼ(y, z') of ACC-XENT-LOGITS, written out (Accuracy.CrossEntropyFromLogits, LogitGradient) so the
        // softmax and log-softmax bounds are computed once per row.
        var bl = Accuracy.LogSoftmax<T>(a.Capped);
        var b = Accuracy.Softmax<T>(a.Capped);
        double bx = 0, yl = 0, gn = Accuracy.Gamma(v, u);
        for (int j = 0; j < v; j++)
        {
            bx += a.Y[j] * bl[j];
            yl += a.Y[j] * Math.Abs(a.Capped[j] - a.Lse);
        }
        bx += gn * yl;
        double bce = grow * bx + 2 * a.Sigma * delta + g3 * a.CrossEntropy;
        double e = grow * Accuracy.LogSumExpBound<T>(a.Capped) + delta, absL = Math.Abs(a.Lse);
        double bz = o.Lambda == 0 ? 0 : o.Lambda * (2 * absL * e + e * e) + Accuracy.Gamma(2, u) * o.Lambda * (absL + e) * (absL + e);
        var gce = new double[v];
        var gz = new double[v];
        for (int j = 0; j < v; j++)
        {
            double g = (1 + 2 * u) * (a.Sigma * (b[j] + gn * a.Yhat[j]) + u * Math.Abs(a.CrossEntropyGradient[j]));
            gce[j] = grow * g + a.Sigma * growM1 * a.Yhat[j] + g3 * (a.Y[j] + a.Sigma * a.Yhat[j]);
            double bj = grow * b[j] + growM1 * a.Yhat[j];
            gz[j] = o.Lambda == 0 ? 0 : 2 * o.Lambda * (absL * bj + e * (a.Yhat[j] + bj)) + g3 * 2 * o.Lambda * (absL + e) * (a.Yhat[j] + bj);
        }
        return new RowBounds(bce, bz, gce, gz);
    }

    /// <summary>
    /// A row's gradient bound with the scales α (CE part) and β (z-loss part) computed with k roundings
    /// (<c>ACC-LOSSOPT</c> 4–5): Hⱼ = (1 + γ_{k+2})(|α|G′ⱼ + |β|GZⱼ) + γ_{k+2}(|α||g_CE,ⱼ| + |β||gz,ⱼ|), then through the
    /// cap (1 + u)(DⱼHⱼ + γ₁₆(|g′ⱼ| + Hⱼ)) + u|gⱼ| + floor (the smallest normal: the product may underflow).
    /// </summary>
    public static double[] RowGradient<T>(Row a, RowBounds b, OptionValues o, double alpha, double beta, int k)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        double u = Fp<T>.U, gk = Accuracy.Gamma(k + 2, u), g16 = Accuracy.Gamma(16, u);
        int v = a.Yhat.Length;
        var bound = new double[v];
        for (int j = 0; j < v; j++)
        {
            double h = (1 + gk) * (Math.Abs(alpha) * b.CrossEntropyGradient[j] + Math.Abs(beta) * b.ZLossGradient[j])
                     + gk * (Math.Abs(alpha * a.CrossEntropyGradient[j]) + Math.Abs(beta * a.ZLossGradient[j]));
            if (!o.Capped) { bound[j] = h; continue; }
            double gPrime = alpha * a.CrossEntropyGradient[j] + beta * a.ZLossGradient[j];
            bound[j] = (1 + u) * (a.Factor[j] * h + g16 * (Math.Abs(gPrime) + h)) + u * Math.Abs(a.Factor[j] * gPrime)
                     + Fp<T>.MinNormal;   // the product may underflow, or be flushed below the smallest normal (ACC-SOFTMAX's floor)
        }
        return bound;
    }

    /// <summary>The counted rows' N and W_K = Σ_{r∈K} w_{tᵣ} (float64).</summary>
    public static (int Counted, double Weight) Denominators(ReadOnlySpan<int> targets, OptionValues o)
    {
        int n = 0;
        double w = 0;
        foreach (int t in targets)
        {
            if (t == o.IgnoreIndex) continue;
            n++;
            w += o.Weight(t);
        }
        return (n, w);
    }

    /// <summary>The scales of a reduction: α = 1/W_K (0 when W_K = 0), β = 1/N, k = N for Mean; 1, 1, 0 for Sum.</summary>
    public static (double Alpha, double Beta, int K) Scales(ReadOnlySpan<int> targets, OptionValues o, LossReduction reduction)
    {
        if (reduction == LossReduction.Sum) return (1, 1, 0);
        var (n, w) = Denominators(targets, o);
        return (w > 0 ? 1 / w : 0, n > 0 ? 1.0 / n : 0, n);
    }

    /// <summary>
    /// The reduced loss, its z-loss part and the gradient in float64 (<c>LOSSOPT-COMPOSE</c>, <c>LOSSOPT-WEIGHTED-MEAN</c>,
    /// <c>LOSSOPT-ZERO-WEIGHT</c>); ignored rows 0.
    /// </summary>
    public static (double Loss, double ZLoss, double[] Gradient) Exact(ReadOnlySpan<double> logits, int classes, ReadOnlySpan<int> targets,
                                                                       OptionValues o, LossReduction reduction)
    {
        var (alpha, beta, _) = Scales(targets, o, reduction);
        double ce = 0, zl = 0;
        var g = new double[logits.Length];
        for (int r = 0; r < targets.Length; r++)
        {
            if (targets[r] == o.IgnoreIndex) continue;
            var a = Analyse(logits.Slice(r * classes, classes), targets[r], o);
            ce += a.CrossEntropy;
            zl += a.ZLoss;
            for (int j = 0; j < classes; j++)
                g[r * classes + j] = a.Factor[j] * (alpha * a.CrossEntropyGradient[j] + beta * a.ZLossGradient[j]);
        }
        return (alpha * ce + beta * zl, beta * zl, g);
    }

    /// <summary>Reduction none in float64: ℓᵣ = CEᵣ + Zₗᵣ and uᵣ·∂ℓᵣ/∂zᵣ, 0 for ignored rows (<c>LOSSOPT-NONE</c>).</summary>
    public static (double[] Losses, double[] Gradient) ExactPerToken(ReadOnlySpan<double> logits, int classes, ReadOnlySpan<int> targets,
                                                                     OptionValues o, ReadOnlySpan<double> upstream)
    {
        var losses = new double[targets.Length];
        var g = new double[logits.Length];
        for (int r = 0; r < targets.Length; r++)
        {
            if (targets[r] == o.IgnoreIndex) continue;
            var a = Analyse(logits.Slice(r * classes, classes), targets[r], o);
            losses[r] = a.CrossEntropy + a.ZLoss;
            for (int j = 0; j < classes; j++)
                g[r * classes + j] = upstream[r] * a.Factor[j] * (a.CrossEntropyGradient[j] + a.ZLossGradient[j]);
        }
        return (losses, g);
    }

    /// <summary>
    /// Bounds of the reduced loss, its z-loss part and the gradient for an implementation in T (<c>ACC-LOSSOPT</c> 6):
    /// Sum (1 + γ_{N−1})Σ(B_CE + B_Z) + γ_{N+1}L; Mean (1 + γ_{2N+2})(ΣB_CE/W_K + ΣB_Z/N) + γ_{2N+2}L; the z-loss part
    /// (1 + γ_{N−1})ΣB_Z + γ_N·Z or (1 + γ_{N+1})ΣB_Z/N + γ_{N+1}Z; ignored rows 0.
    /// </summary>
    public static (double Loss, double ZLoss, double[] Gradient) Reduced<T>(ReadOnlySpan<double> logits, int classes, ReadOnlySpan<int> targets,
                                                                           OptionValues o, LossReduction reduction)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        double u = Fp<T>.U;
        var (alpha, beta, k) = Scales(targets, o, reduction);
        int n = Denominators(targets, o).Counted;
        double bce = 0, bz = 0, ce = 0, zl = 0;
        var g = new double[logits.Length];
        for (int r = 0; r < targets.Length; r++)
        {
            if (targets[r] == o.IgnoreIndex) continue;
            var a = Analyse(logits.Slice(r * classes, classes), targets[r], o);
            var b = Bound<T>(a, o);
            bce += b.CrossEntropy; bz += b.ZLoss; ce += a.CrossEntropy; zl += a.ZLoss;
            RowGradient<T>(a, b, o, alpha, beta, k).CopyTo(g, r * classes);
        }
        if (n == 0) return (0, 0, g);
        if (reduction == LossReduction.Sum)
            return ((1 + Accuracy.Gamma(n - 1, u)) * (bce + bz) + Accuracy.Gamma(n + 1, u) * (ce + zl),
                    (1 + Accuracy.Gamma(n - 1, u)) * bz + Accuracy.Gamma(n, u) * zl, g);
        double g2 = Accuracy.Gamma(2 * n + 2, u), gz = Accuracy.Gamma(n + 1, u);
        return ((1 + g2) * (alpha * bce + beta * bz) + g2 * (alpha * ce + beta * zl),
                (1 + gz) * beta * bz + gz * beta * zl, g);
    }

    /// <summary>Bounds of reduction none (<c>ACC-LOSSOPT</c> 3–5): per-token (1 + u)(B_CE + B_Z) + u(CE + Zₗ), gradient rows with α = β = uᵣ, k = 0.</summary>
    public static (double[] Losses, double[] Gradient) PerToken<T>(ReadOnlySpan<double> logits, int classes, ReadOnlySpan<int> targets,
                                                                   OptionValues o, ReadOnlySpan<double> upstream)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        double u = Fp<T>.U;
        var losses = new double[targets.Length];
        var g = new double[logits.Length];
        for (int r = 0; r < targets.Length; r++)
        {
            if (targets[r] == o.IgnoreIndex) continue;
            var a = Analyse(logits.Slice(r * classes, classes), targets[r], o);
            var b = Bound<T>(a, o);
            losses[r] = (1 + u) * (b.CrossEntropy + b.ZLoss) + u * (a.CrossEntropy + a.ZLoss);
            RowGradient<T>(a, b, o, upstream[r], upstream[r], 0).CopyTo(g, r * classes);
        }
        return (losses, g);
    }

    /// <summary>
    /// |d³/dt³ L(Z + t·D)| on |t| ≤ <paramref name="maxStep"/> for the reduced loss (<c>ACC-LOSSOPT</c> 7): per counted row,
    /// with σ → ασ, λ_z → βλ_z and A = maxⱼ|dⱼ|, F′ ≤ (2σ + 2λΛ)A, F″ ≤ (σ + 2λΛ + 2λ)A², F‴ ≤ (σ + 2λΛ)r³/(6√3) + 6λA·r²/4,
    /// and with a cap M₃ = F‴ + 3F″·(4/(3√3))A/c·… + F′·2A²/c² (Faà di Bruno), Λ = c + ln V (cap) or |L| + maxStep·A.
    /// </summary>
    public static double ThirdDerivative(ReadOnlySpan<double> logits, int classes, ReadOnlySpan<int> targets, OptionValues o,
                                         LossReduction reduction, ReadOnlySpan<double> direction, double maxStep)
    {
        var (alpha, beta, _) = Scales(targets, o, reduction);
        double total = 0;
        for (int r = 0; r < targets.Length; r++)
        {
            if (targets[r] == o.IgnoreIndex) continue;
            var a = Analyse(logits.Slice(r * classes, classes), targets[r], o);
            var d = direction.Slice(r * classes, classes);
            double amax = Accuracy.MaxAbs(d);
            if (amax == 0) continue;
            double sigma = alpha * a.Sigma, lambda = beta * o.Lambda;
            double bigL = o.Capped ? o.Cap + Math.Log(classes) : Math.Abs(a.Lse) + maxStep * amax;
            double range = o.Capped ? 2 * amax : Accuracy.Range(d);
            double f1 = (2 * sigma + 2 * lambda * bigL);
            double f2 = sigma + 2 * lambda * bigL + 2 * lambda;
            double f3 = (sigma + 2 * lambda * bigL) * range * range * range / (6 * Math.Sqrt(3)) + 6 * lambda * amax * range * range / 4;
            double m3 = f3;
            if (o.Capped)
                m3 += 3 * f2 * amax * (4 / (3 * Math.Sqrt(3))) * amax * amax / o.Cap + f1 * 2 * amax * amax * amax / (o.Cap * o.Cap);
            total += m3;
        }
        return total;
    }

    /// <summary>
    /// How far the capped loss (cap c) is from the uncapped one, for the reduced loss and gradient (<c>ACC-LOSSOPT</c> 8):
    /// δ = maxⱼ|zⱼ|³/(3c²); loss (2σ + 2λΛ)δ per row, gradient entries e^{2δ}ŷⱼ(2σ + 4λΛ + 2λ)δ + (zⱼ/c)²(|g′ⱼ| + that),
    /// scaled by α, β. The options passed are the uncapped ones; c is the cap.
    /// </summary>
    public static (double Loss, double[] Gradient) SoftCapLimit(ReadOnlySpan<double> logits, int classes, ReadOnlySpan<int> targets,
                                                                 OptionValues uncapped, double cap, LossReduction reduction)
    {
        var (alpha, beta, _) = Scales(targets, uncapped, reduction);
        double loss = 0;
        var g = new double[logits.Length];
        for (int r = 0; r < targets.Length; r++)
        {
            if (targets[r] == uncapped.IgnoreIndex) continue;
            var z = logits.Slice(r * classes, classes);
            var a = Analyse(z, targets[r], uncapped);
            double zmax = Accuracy.MaxAbs(z), delta = zmax * zmax * zmax / (3 * cap * cap);
            double sigma = alpha * a.Sigma, lambda = beta * uncapped.Lambda, bigL = Math.Abs(a.Lse) + delta;
            loss += (2 * sigma + 2 * lambda * bigL) * delta;
            for (int j = 0; j < classes; j++)
            {
                double move = Math.Exp(2 * delta) * a.Yhat[j] * (2 * sigma + 4 * lambda * bigL + 2 * lambda) * delta;
                double gPrime = Math.Abs(alpha * a.CrossEntropyGradient[j] + beta * a.ZLossGradient[j]);
                double q = z[j] / cap;
                g[r * classes + j] = move + q * q * (gPrime + move);
            }
        }
        return (loss, g);
    }
}
