namespace LossConformance.Reference;

/// <summary>Cross-entropy of two distributions, and of a target against softmax(logits) (spec/cross-entropy.md).</summary>
public static class CrossEntropy
{
    /// <summary>H(p, q) = −Σᵢ pᵢ ln qᵢ, with 0 · ln qᵢ = 0.</summary>
    /// <param name="p">Reference distribution. Range: n ≥ 1, pᵢ ∈ [0, 1], Σpᵢ = 1 within τ(n) = (2n + 8)u.</param>
    /// <param name="q">Model distribution. Range: as p, same length.</param>
    /// <returns>A value in [H(p), +∞]; +∞ when some pᵢ &gt; 0 has qᵢ = 0.</returns>
    /// <exception cref="ArgumentException">p or q is empty, not finite or not a distribution; lengths differ.</exception>
    /// <remarks>Spec: <c>XENT-DEF</c>, <c>XENT-SUPPORT</c>.</remarks>
    public static double Of(ReadOnlySpan<double> p, ReadOnlySpan<double> q)
    {
        InputRules.Distribution(p, nameof(p));
        InputRules.Distribution(q, nameof(q));
        InputRules.SameLength(p, nameof(p), q, nameof(q));

        double sum = 0.0;
        for (int i = 0; i < p.Length; i++)
        {
            if (p[i] == 0.0) continue;                          // 0 · ln qᵢ = 0, even where qᵢ = 0
            if (q[i] == 0.0) return double.PositiveInfinity;    // pᵢ > 0 = qᵢ: an event q calls impossible
            sum += p[i] * Math.Log(q[i]);
        }
        return -sum;
    }

    /// <summary>
    /// L = −Σᵢ yᵢ ln softmax(z)ᵢ = Σᵢ yᵢ (logsumexp(z) − zᵢ), with ln softmax(z) taken as log-softmax
    /// (z − m) − ln Σⱼ exp(zⱼ − m), never as the logarithm of a possibly underflowed probability.
    /// </summary>
    /// <param name="target">Target weights y. Range: n ≥ 1, yᵢ ≥ 0 and finite (any sum; a distribution in the usual case).</param>
    /// <param name="logits">Logits z. Range: finite, same length as y; accurate for |zᵢ| up to 1e4 and beyond.</param>
    /// <returns>A value ≥ 0 (≥ H(y) for a distribution y); finite for finite z unless the true value exceeds double's range.</returns>
    /// <exception cref="ArgumentException">target has a negative or non-finite entry; logits are not finite; lengths differ; either is empty.</exception>
    /// <remarks>Spec: <c>XENT-LOGITS</c>, <c>SMAX-LOG</c>, <c>SMAX-LARGE</c>, <c>STRICT-XENT-LOGITS</c> (every term −yᵢℓᵢ ≥ 0, ℓ relative to itself).</remarks>
    public static double FromLogits(ReadOnlySpan<double> target, ReadOnlySpan<double> logits)
    {
        InputRules.CrossEntropyFromLogits(target, logits);

        var logProbabilities = new double[logits.Length];
        Softmax.Log(logits, logProbabilities);

        double sum = 0.0;
        for (int i = 0; i < target.Length; i++)
        {
            if (target[i] == 0.0) continue;   // 0 · ln ŷᵢ = 0; skipping also avoids 0 · (−∞) if zᵢ − m overflowed
            sum += target[i] * logProbabilities[i];
        }
        return -sum;
    }
}
