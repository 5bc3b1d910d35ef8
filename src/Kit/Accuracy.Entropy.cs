using System.Numerics;

namespace LossConformance.Kit;

/// <summary>
/// Bounds for the laws of spec/entropy.md beyond <see cref="Accuracy.Entropy{T}"/>: the maximum
/// for inputs normalised only within rounding, and what rounding a constructed input (a product,
/// a transfer of mass) to T changes in H. Spec: <c>ACC-ENTROPY</c>, <c>ENT-MAX</c>, <c>ENT-SCHUR</c>, <c>ENT-ADDITIVE</c>.
/// </summary>
public static class EntropyAccuracy
{
    /// <summary>
    /// The error of re-normalising an input before handing it to the float64 reference, which accepts
    /// only Σp = 1 within double's τ(n) while an input in float is normalised within float's: the
    /// formulas are homogeneous in the mass s = Σp (H(p) = s·H(p/s) − s ln s, and alike), and p/s
    /// costs u per entry, s costs γₙ: γ_{2n+16}(Σᵢ pᵢ(|ln pᵢ| + |ln qᵢ| + 2) + |ln s|), u = 2⁻⁵³.
    /// Spec: <c>ACC-ENTROPY</c>, <c>ACC-NORMALISATION</c>.
    /// </summary>
    public static double Renormalisation(ReadOnlySpan<double> p, ReadOnlySpan<double> q)
    {
        double s = 0, terms = 0;
        for (int i = 0; i < p.Length; i++)
        {
            s += p[i];
            if (p[i] > 0) terms += p[i] * (Math.Abs(Math.Log(p[i])) + (q[i] > 0 ? Math.Abs(Math.Log(q[i])) : 0) + 2);
        }
        return Accuracy.Gamma(2 * p.Length + 16, Fp<double>.U) * (terms + Math.Abs(Math.Log(s)) + 1);
    }

    /// <summary>
    /// Rounding an exact input x to x̂ = x(1 + α), |α| ≤ r, moves f(x) = −x ln x by
    /// |xα ln x + x(1 + α)ln(1 + α)| ≤ r·x|ln x| + x(1 + r)·r/(1 − r); in terms of x̂ and summed,
    /// |H(x̂) − H(x)| ≤ (1 + 4r)·r·Σ x̂ᵢ(|ln x̂ᵢ| + 2), plus n·(smallest normal of T) for entries that
    /// left the normal range. Spec: <c>ACC-ENTROPY</c>.
    /// </summary>
    public static double RelativeRounding<T>(ReadOnlySpan<double> xHat, double relativeError) where T : unmanaged, IFloatingPointIeee754<T>
    {
        double r = relativeError, s = 0;
        foreach (double x in xHat) if (x > 0) s += x * (Math.Abs(Math.Log(x)) + 2);
        return (1 + 4 * r) * r * s + xHat.Length * Fp<T>.MinNormal;
    }

    /// <summary>
    /// One entry b̂ = fl(b + t) of a transfer rounded to T (relative error ≤ r, or ≤ u·(smallest normal)
    /// below the normal range): by the mean value theorem −x ln x moves by at most
    /// |b̂ − (b + t)|·(|ln ξ| + 1) with ξ between them, bounded by (r·b̂ + u·minNormal)(|ln b̂| + 2).
    /// Spec: <c>ENT-SCHUR</c>.
    /// </summary>
    public static double EntryRounding<T>(double bHat, double relativeError) where T : unmanaged, IFloatingPointIeee754<T>
    {
        double absolute = relativeError * bHat + Fp<T>.U * Fp<T>.MinNormal;
        double log = Math.Abs(Math.Log(Math.Max(bHat, Fp<T>.MinNormal * Fp<T>.U)));
        return absolute * (log + 2) * (1 + 4 * relativeError);
    }

    /// <summary>
    /// Pinsker's floor for the distance from uniform of p(λ) = (1 + λ(n − 1))/n at one entry and (1 − λ)/n
    /// elsewhere: ln n − H(p(λ)) = D(p(λ)‖uniform) ≥ ½‖p(λ) − 1/n‖₁² = 2λ²((n − 1)/n)², returned less
    /// the relative error of forming it in double. Spec: <c>ENT-SCHUR</c>, <c>ENT-MAX</c>.
    /// </summary>
    public static double DistanceFromUniform(int n, double lambda)
    {
        double ratio = (n - 1.0) / n;
        return 2 * lambda * lambda * ratio * ratio * (1 - 8 * Fp<double>.U);
    }

    /// <summary>
    /// The maximum of H for a non-negative p with s = Σp (1 only within rounding): with p̃ = p/s,
    /// H(p) = s·H(p̃) − s·ln s and ln n − H(p̃) = D(p̃‖uniform) ≥ ½‖p̃ − 1/n‖₁² (Pinsker), so
    /// H(p) ≤ s(ln n − ln s − ½‖p̃ − 1/n‖₁²) — equality ln n only for the uniform p, and a margin that
    /// grows with the distance from uniform. For an all-equal p the exact value is s(ln n − ln s).
    /// Error: the double evaluation of s, the logarithms and ‖·‖₁ (subtracted from ‖·‖₁ first, then
    /// returned as Error for the rest). Spec: <c>ENT-MAX</c>.
    /// </summary>
    public static (double Upper, double AllEqualValue, double Error) Maximum(ReadOnlySpan<double> p)
    {
        int n = p.Length;
        double u = Fp<double>.U;
        var (s, _) = KlAccuracy.Sum(p);
        double l1 = 0;
        for (int i = 0; i < n; i++) l1 += Math.Abs(p[i] / s - 1.0 / n);
        double l1Low = Math.Max(0, l1 - 3 * Accuracy.Gamma(2 * n + 4, u));
        double allEqual = s * (Math.Log(n) - Math.Log(s));
        double upper = allEqual - s * 0.5 * l1Low * l1Low;
        double error = 2 * Accuracy.Gamma(2 * n + 8, u) * (Math.Log(n) + 2) * Math.Max(1, s);
        return (upper, allEqual, error);
    }
}
