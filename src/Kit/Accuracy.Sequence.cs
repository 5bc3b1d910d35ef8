using System.Numerics;

namespace LossConformance.Kit;

/// <summary>
/// The teacher-forced bigram sequence loss in float64 and its bounds (spec/sequence-loss.md;
/// accuracy.md, "Sequence loss"). Tokens x₀ … x_T, zₜ = W[x_{t−1}, :] + b, gₜ = ŷₜ − e_{xₜ},
/// L = (1/T)Σₜ ℓₜ + λ·½‖W‖². Per token the bound is <c>ACC-XENT-LOGITS</c> with the rounding of
/// zₜ (one addition per entry, Δₜ = u·maxⱼ|zₜⱼ|) carried through as in <see cref="LinearAccuracy"/>:
/// the loss moves by ≤ 2Δₜ, ŷₜ by ≤ (e^{2Δₜ} − 1)ŷₜ. Spec: <c>SEQ-DEF</c>, <c>SEQ-GRAD</c>, <c>SEQ-L2</c>.
/// </summary>
public static class SequenceAccuracy
{
    /// <summary>zₜ = W[x_{t−1}, :] + b for t = 1 … T, in float64.</summary>
    public static double[][] ExactLogits(ReadOnlySpan<int> tokens, int vocabulary, ReadOnlySpan<double> weights, ReadOnlySpan<double> bias)
    {
        int v = vocabulary;
        var z = new double[tokens.Length - 1][];
        for (int t = 1; t < tokens.Length; t++)
        {
            z[t - 1] = new double[v];
            for (int j = 0; j < v; j++) z[t - 1][j] = weights[tokens[t - 1] * v + j] + bias[j];
        }
        return z;
    }

    /// <summary>L = (1/T)Σₜ (lse(zₜ) − zₜ[xₜ]) + λ·½‖W‖², in float64.</summary>
    public static double ExactLoss(ReadOnlySpan<int> tokens, int vocabulary, ReadOnlySpan<double> weights, ReadOnlySpan<double> bias, double lambda)
    {
        var z = ExactLogits(tokens, vocabulary, weights, bias);
        int T = z.Length;
        double nll = 0;
        for (int t = 0; t < T; t++) nll += Accuracy.LogSumExp(z[t]) - z[t][tokens[t + 1]];
        return nll / T + lambda * HalfSquaredNorm(weights);
    }

    /// <summary>∂L/∂W = (1/T)Σₜ e_{x_{t−1}}gₜᵀ + λW and ∂L/∂b = (1/T)Σₜ gₜ, in float64.</summary>
    public static (double[] Weights, double[] Bias) ExactGradients(ReadOnlySpan<int> tokens, int vocabulary, ReadOnlySpan<double> weights,
                                                                  ReadOnlySpan<double> bias, double lambda)
    {
        int v = vocabulary;
        var z = ExactLogits(tokens, vocabulary, weights, bias);
        int T = z.Length;
        var gw = new double[v * v];
        var gb = new double[v];
        for (int t = 0; t < T; t++)
        {
            var yhat = Accuracy.SoftmaxExact(z[t]);
            int context = tokens[t], next = tokens[t + 1];
            for (int j = 0; j < v; j++)
            {
                double g = (yhat[j] - (j == next ? 1 : 0)) / T;
                gw[context * v + j] += g;
                gb[j] += g;
            }
        }
        for (int k = 0; k < gw.Length; k++) gw[k] += lambda * weights[k];
        return (gw, gb);
    }

    /// <summary>
    /// Loss bound: (1/T)Σₜ(e^{2Δₜ}Bₜ + 2Δₜ) + γ_{T+1}·(1/T)Σₜℓₜ (sum and division) + λγ_{V²+2}·½‖W‖²
    /// (squares, their sum, the product with λ) + u·L (the final addition) + floor, Bₜ the
    /// <c>ACC-XENT-LOGITS</c> bound of token t. Spec: <c>SEQ-DEF</c>.
    /// </summary>
    public static double Loss<T>(ReadOnlySpan<int> tokens, int vocabulary, ReadOnlySpan<double> weights, ReadOnlySpan<double> bias, double lambda)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        double u = Fp<T>.U;
        var z = ExactLogits(tokens, vocabulary, weights, bias);
        int steps = z.Length;
        double bounds = 0, nll = 0;
        for (int t = 0; t < steps; t++)
        {
            double delta = LogitRounding<T>(z[t]);
            var y = GradientAccuracy.OneHot(vocabulary, tokens[t + 1]);
            bounds += Math.Exp(2 * delta) * Accuracy.CrossEntropyFromLogits<T>(y, z[t]) + 2 * delta;
            nll += Accuracy.LogSumExp(z[t]) - z[t][tokens[t + 1]];
        }
        double penalty = lambda * HalfSquaredNorm(weights);
        return bounds / steps + Accuracy.Gamma(steps + 1, u) * nll / steps
            + Accuracy.Gamma((double)vocabulary * vocabulary + 2, u) * penalty
            + u * (nll / steps + penalty) + Fp<T>.MinNormal;
    }

    /// <summary>
    /// Gradient bounds, entry-wise. Row a of ∂L/∂W: Σ_{t: x_{t−1} = a}(e^{2Δₜ}Gₜⱼ + (e^{2Δₜ} − 1)ŷₜⱼ)/T
    /// + γ_{kₐ+3}(Σ_{t: x_{t−1} = a}|gₜⱼ|/T + λ|Wₐⱼ|) + floor, kₐ = #{t : x_{t−1} = a} (per-token
    /// <c>ACC-XENT-LOGITS</c> gradient bound Gₜ; accumulation of the kₐ scaled terms of that row, the other
    /// steps adding exact zeros; the λW term and its addition). ∂L/∂b the same over all t (kₐ → T, γ_{T+1}),
    /// without λ. Spec: <c>SEQ-GRAD</c>, <c>SEQ-L2</c>.
    /// </summary>
    public static (double[] Weights, double[] Bias) Gradients<T>(ReadOnlySpan<int> tokens, int vocabulary, ReadOnlySpan<double> weights,
                                                                ReadOnlySpan<double> bias, double lambda)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int v = vocabulary;
        double u = Fp<T>.U;
        var z = ExactLogits(tokens, vocabulary, weights, bias);
        int steps = z.Length;
        var perTokenW = new double[v * v];
        var magnitudeW = new double[v * v];
        var countW = new int[v];
        var perTokenB = new double[v];
        var magnitudeB = new double[v];
        for (int t = 0; t < steps; t++)
        {
            int context = tokens[t], next = tokens[t + 1];
            countW[context]++;
            double grow = Math.Exp(2 * LogitRounding<T>(z[t]));
            var y = GradientAccuracy.OneHot(v, next);
            var g = Accuracy.LogitGradient<T>(y, z[t]);
            var yhat = Accuracy.SoftmaxExact(z[t]);
            for (int j = 0; j < v; j++)
            {
                double e = (grow * g[j] + (grow - 1) * yhat[j]) / steps;
                double a = Math.Abs(yhat[j] - y[j]) / steps;
                perTokenW[context * v + j] += e;
                magnitudeW[context * v + j] += a;
                perTokenB[j] += e;
                magnitudeB[j] += a;
            }
        }
        var bw = new double[v * v];
        var bb = new double[v];
        for (int k = 0; k < bw.Length; k++)
            bw[k] = perTokenW[k] + Accuracy.Gamma(countW[k / v] + 3, u) * (magnitudeW[k] + lambda * Math.Abs(weights[k])) + Fp<T>.MinNormal;
        for (int j = 0; j < v; j++)
            bb[j] = perTokenB[j] + Accuracy.Gamma(steps + 1, u) * magnitudeB[j] + Fp<T>.MinNormal;
        return (bw, bb);
    }

    /// <summary>Δ = u·maxⱼ|zⱼ|: the rounding of zⱼ = Wₐⱼ + bⱼ (one addition of exact inputs).</summary>
    public static double LogitRounding<T>(ReadOnlySpan<double> z) where T : unmanaged, IFloatingPointIeee754<T> =>
        Fp<T>.U * Accuracy.MaxAbs(z);

    /// <summary>½‖W‖² = ½Σ W²ₐⱼ.</summary>
    public static double HalfSquaredNorm(ReadOnlySpan<double> weights)
    {
        double s = 0;
        foreach (double w in weights) s += w * w;
        return 0.5 * s;
    }
}
