namespace LossConformance.Reference;

/// <summary>Shannon entropy (spec/entropy.md).</summary>
public static class Entropy
{
    /// <summary>H(p) = −Σᵢ pᵢ ln pᵢ, with 0 · ln 0 = 0.</summary>
    /// <param name="p">Probability vector. Range: n ≥ 1, pᵢ ∈ [0, 1], Σpᵢ = 1 within τ(n) = (2n + 8)u.</param>
    /// <returns>A value in [0, ln n]; 0 for a one-hot p, ln n for the uniform p.</returns>
    /// <exception cref="ArgumentException">p is empty, not finite, or not a distribution.</exception>
    /// <remarks>Spec: <c>ENT-DEF</c>, <c>INPUT-PROB</c>, <c>STRICT-ENTROPY-SIGN</c> (every term pᵢ ln pᵢ ≤ 0 under ACC-MODEL (5)).</remarks>
    public static double Of(ReadOnlySpan<double> p)
    {
        InputRules.Distribution(p, nameof(p));

        double sum = 0.0;
        for (int i = 0; i < p.Length; i++)
        {
            if (p[i] == 0.0) continue;   // 0 · ln 0 = 0 by convention (the limit of x ln x), not 0 · (−∞) = NaN
            sum += p[i] * Math.Log(p[i]);
        }
        return -sum;
    }
}
