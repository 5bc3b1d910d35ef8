namespace LossConformance.Reference;

/// <summary>
/// Softmax, log-softmax, logsumexp and the softmax Jacobian (spec/softmax.md). Every form first
/// subtracts m = max z: exp overflows above ln(double.MaxValue) ≈ 709.78, so exp(zᵢ) alone is
/// +∞ (and ∞/∞ = NaN) for logits of a few hundred; after the shift every exponent is ≤ 0 and the
/// denominator lies in [1, n]. Softmax is shift invariant, so the shift changes nothing else.
/// </summary>
public static class Softmax
{
    /// <summary>ŷᵢ = exp(zᵢ − m) / Σⱼ exp(zⱼ − m), m = maxⱼ zⱼ.</summary>
    /// <param name="logits">Logits z. Range: n ≥ 1, zᵢ finite (any magnitude).</param>
    /// <param name="probabilities">Output ŷ. Range: length n.</param>
    /// <exception cref="ArgumentException">logits empty or not finite; probabilities of another length.</exception>
    /// <remarks>Spec: <c>SMAX-DEF</c>, <c>SMAX-SIMPLEX</c>, <c>SMAX-LARGE</c>.</remarks>
    public static void Of(ReadOnlySpan<double> logits, Span<double> probabilities)
    {
        InputRules.Softmax<double>(logits, probabilities, nameof(probabilities));

        double m = Max(logits);   // shift by the maximum: exponents ≤ 0, no overflow
        double sum = 0.0;
        for (int i = 0; i < logits.Length; i++)
        {
            probabilities[i] = Math.Exp(logits[i] - m);
            sum += probabilities[i];
        }
        for (int i = 0; i < logits.Length; i++)
            probabilities[i] /= sum;   // sum ≥ 1 (the maximum contributes exp(0) = 1): no 0/0
    }

    /// <summary>ln ŷᵢ = (zᵢ − m) − ln Σⱼ exp(zⱼ − m), i.e. z − logsumexp(z).</summary>
    /// <param name="logits">Logits z. Range: n ≥ 1, zᵢ finite (any magnitude).</param>
    /// <param name="logProbabilities">Output ln ŷ. Range: length n.</param>
    /// <exception cref="ArgumentException">logits empty or not finite; logProbabilities of another length.</exception>
    /// <remarks>
    /// Finite wherever zᵢ − m is, even where ŷᵢ itself underflows to 0: the logarithm is never
    /// taken of a probability. ln s is log1p of the tail t = s − 1 (<see cref="LnSumExpShifted"/>), so
    /// the largest entry's ℓ = −log1p(t) keeps its relative accuracy when t is below u (z = (0, −40):
    /// −4.25e-18, not 0). Spec: <c>SMAX-LOG</c>, <c>SMAX-LARGE</c>, <c>STRICT-LOGSOFTMAX</c>,
    /// <c>STRICT-LOGSOFTMAX-SIGN</c>.
    /// </remarks>
    public static void Log(ReadOnlySpan<double> logits, Span<double> logProbabilities)
    {
        InputRules.Softmax<double>(logits, logProbabilities, nameof(logProbabilities));

        double m = Max(logits);
        double lnSum = LnSumExpShifted(logits, m);
        for (int i = 0; i < logits.Length; i++)
            logProbabilities[i] = (logits[i] - m) - lnSum;   // dᵢ ≤ 0 minus ln s ≥ 0: ≤ 0, no cancellation
    }

    /// <summary>logsumexp(z) = ln Σⱼ exp(zⱼ) = m + ln Σⱼ exp(zⱼ − m), m = maxⱼ zⱼ.</summary>
    /// <param name="logits">Logits z. Range: n ≥ 1, zᵢ finite (any magnitude).</param>
    /// <returns>A value in [m, m + ln n]; finite for finite z (up to m + ln n overflowing near double.MaxValue).</returns>
    /// <exception cref="ArgumentException">logits empty or not finite.</exception>
    /// <remarks>Spec: <c>SMAX-LOG</c>, <c>SMAX-LARGE</c>, <c>STRICT-LOGSOFTMAX</c>.</remarks>
    public static double LogSumExp(ReadOnlySpan<double> logits)
    {
        InputRules.Finite(logits, nameof(logits));

        double m = Max(logits);
        return m + LnSumExpShifted(logits, m);
    }

    /// <summary>Jᵢⱼ = ∂ŷᵢ/∂zⱼ = ŷᵢ(δᵢⱼ − ŷⱼ), i.e. J = diag(ŷ) − ŷŷᵀ, written row-major: jacobian[i·n + j].</summary>
    /// <param name="logits">Logits z. Range: n ≥ 1, zᵢ finite (any magnitude).</param>
    /// <param name="jacobian">Output J. Range: length n·n.</param>
    /// <exception cref="ArgumentException">logits empty or not finite; jacobian not of length n·n.</exception>
    /// <remarks>Spec: <c>SMAX-JACOBIAN</c>, <c>SMAX-JACOBIAN-PSD</c>.</remarks>
    public static void Jacobian(ReadOnlySpan<double> logits, Span<double> jacobian)
    {
        int n = logits.Length;
        InputRules.SoftmaxJacobian<double>(logits, jacobian);

        var y = new double[n];
        Of(logits, y);
        for (int i = 0; i < n; i++)
            for (int j = 0; j < n; j++)
                jacobian[i * n + j] = y[i] * ((i == j ? 1.0 : 0.0) - y[j]);
    }

    /// <summary>m = maxᵢ zᵢ.</summary>
    internal static double Max(ReadOnlySpan<double> z)
    {
        double m = z[0];
        for (int i = 1; i < z.Length; i++)
            if (z[i] > m) m = z[i];
        return m;
    }

    /// <summary>
    /// ln s, s = Σᵢ exp(zᵢ − m) ∈ [1, n] for m = max z, as log1p(t) with t = Σ_{i≠k} exp(zᵢ − m) the
    /// tail without the first maximum k (whose term is exp(0) = 1): 1 + t is never rounded, so ln s
    /// is accurate relative to itself however small t is. Spec: <c>STRICT-LOGSOFTMAX</c>.
    /// </summary>
    private static double LnSumExpShifted(ReadOnlySpan<double> z, double m)
    {
        int k = z.IndexOf(m);
        double tail = 0.0;
        for (int i = 0; i < z.Length; i++)
            if (i != k) tail += Math.Exp(z[i] - m);
        return Log1p(tail);
    }

    /// <summary>
    /// ln(1 + x) for x &gt; −1, accurate where 1 + x rounds (Goldberg, "What every computer scientist
    /// should know about floating-point arithmetic", Theorem 4: w − 1 is exact, and ln(w)/(w − 1)
    /// varies slowly, so the rounding of w cancels). .NET's double.LogP1 is ln(x + 1) and returns 0
    /// where 1 + x rounds to 1. Relative error within γ₇ for ln within 4u (spec/strict-accuracy.md).
    /// </summary>
    internal static double Log1p(double x)
    {
        double w = 1.0 + x;
        if (w == 1.0) return x;
        return Math.Log(w) * (x / (w - 1.0));
    }
}
