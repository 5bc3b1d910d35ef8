namespace LossConformance.Reference;

/// <summary>Kullback–Leibler divergence (spec/kl-divergence.md).</summary>
public static class KlDivergence
{
    /// <summary>Forward KL: D(p ‖ q) = Σᵢ pᵢ ln(pᵢ / qᵢ), with 0 · ln(0 / qᵢ) = 0.</summary>
    /// <param name="p">Reference distribution. Range: n ≥ 1, pᵢ ∈ [0, 1], Σpᵢ = 1 within τ(n) = (2n + 8)u.</param>
    /// <param name="q">Model distribution. Range: as p, same length.</param>
    /// <returns>A value in [0, +∞]; 0 when p = q; +∞ when some pᵢ &gt; 0 has qᵢ = 0.</returns>
    /// <exception cref="ArgumentException">p or q is empty, not finite or not a distribution; lengths differ.</exception>
    /// <remarks>
    /// Each ln(pᵢ/qᵢ) is log1p of a non-negative argument, log1p((pᵢ − qᵢ)/qᵢ) for pᵢ ≥ qᵢ and
    /// −log1p((qᵢ − pᵢ)/pᵢ) below (<see cref="LogRatio"/>): relative error γ₉ however close pᵢ is to
    /// qᵢ, where ln of the rounded ratio errs by u absolute. So D̂ errs by γ_{n+9}Σpᵢ|ln(pᵢ/qᵢ)|,
    /// which vanishes as q → p, and D̂ = 0 exactly at p = q. The sum is clamped at 0: D ≥ 0 for
    /// distributions, and where inputs normalised only to τ(n) make D negative the clamp moves D̂ by
    /// at most −D ≤ Σq − Σp. Spec: <c>KL-DEF</c>, <c>KL-SUPPORT</c>, <c>STRICT-KL</c>.
    /// </remarks>
    public static double Forward(ReadOnlySpan<double> p, ReadOnlySpan<double> q)
    {
        InputRules.Distribution(p, nameof(p));
        InputRules.Distribution(q, nameof(q));
        InputRules.SameLength(p, nameof(p), q, nameof(q));

        double sum = 0.0;
        for (int i = 0; i < p.Length; i++)
        {
            if (p[i] == 0.0) continue;                          // 0 · ln(0 / qᵢ) = 0 by convention, not NaN
            if (q[i] == 0.0) return double.PositiveInfinity;    // pᵢ > 0 = qᵢ: not absolutely continuous
            sum += p[i] * LogRatio(p[i], q[i]);
        }
        return Math.Max(0.0, sum);   // D̂ ≥ 0 (STRICT-KL)
    }

    /// <summary>Reverse KL: D(q ‖ p) = Σᵢ qᵢ ln(qᵢ / pᵢ), the forward divergence with the arguments swapped.</summary>
    /// <param name="p">Reference distribution. Range: n ≥ 1, pᵢ ∈ [0, 1], Σpᵢ = 1 within τ(n) = (2n + 8)u.</param>
    /// <param name="q">Model distribution. Range: as p, same length.</param>
    /// <returns>A value in [0, +∞]; +∞ when some qᵢ &gt; 0 has pᵢ = 0.</returns>
    /// <exception cref="ArgumentException">p or q is empty, not finite or not a distribution; lengths differ.</exception>
    /// <remarks>Spec: <c>KL-ASYMMETRIC</c>, <c>KL-DEF</c>, <c>KL-SUPPORT</c>.</remarks>
    public static double Reverse(ReadOnlySpan<double> p, ReadOnlySpan<double> q)
    {
        // Validated here too, so that an error names the caller's parameter, not the swapped one.
        InputRules.Distribution(p, nameof(p));
        InputRules.Distribution(q, nameof(q));
        InputRules.SameLength(p, nameof(p), q, nameof(q));

        return Forward(q, p);
    }

    /// <summary>
    /// ln(a / b) for a, b &gt; 0 as log1p(|a − b|/min(a, b)) with the sign of a − b: the argument is
    /// ≥ 0, so log1p passes its relative error (≤ 2u: a − b, the division) on at most 1:1, and log1p
    /// adds γ₇. Where the argument overflows (b = 5e-324), ln a − ln b.
    /// </summary>
    private static double LogRatio(double a, double b)
    {
        double x = a >= b ? (a - b) / b : (b - a) / a;
        double log = double.IsFinite(x) ? Softmax.Log1p(x) : Math.Abs(Math.Log(a) - Math.Log(b));
        return a >= b ? log : -log;
    }
}
