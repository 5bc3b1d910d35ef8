using System.Numerics;

namespace LossConformance.Kit;

/// <summary>
/// Bounds for the softmax Jacobian and for finite differences of softmax entries, inherited from the
/// entry bound bᵢ of <see cref="Accuracy.Softmax{T}"/> (<c>ACC-SOFTMAX</c>). Spec: <c>SMAX-JACOBIAN</c>,
/// <c>SMAX-JACOBIAN-PSD</c>, <c>ACC-FD</c>.
/// </summary>
public static class SoftmaxAccuracy
{
    /// <summary>
    /// |f'''| for f(t) = softmax(z + t·d)ᵢ, any i, any t: with g = ln f, g' = dᵢ − μ, g'' = −Var(d),
    /// g''' = −κ₃(d) (moments of d under softmax(z + t·d)), and f''' = f·(g''' + 3g'g'' + g'³). With the
    /// range r = max d − min d: |g'| ≤ r, Var ≤ r²/4, |κ₃| ≤ r³/(6√3), f ≤ 1, so
    /// |f'''| ≤ (1/(6√3) + 3/4 + 1)·r³ ≈ 1.85·r³, uniformly in t. Spec: <c>SMAX-JACOBIAN</c>, <c>ACC-FD</c>.
    /// </summary>
    public static double EntryThirdDerivative(ReadOnlySpan<double> direction)
    {
        double r = Accuracy.Range(direction);
        return (1 / (6 * Math.Sqrt(3)) + 0.75 + 1) * r * r * r;
    }

    /// <summary>
    /// Jacobian against the exact J = diag ŷ − ŷŷᵀ, entry-wise (row-major n × n). An implementation
    /// forms Ĵᵢⱼ from some ŷ̂ with |ŷ̂ₖ − ŷₖ| ≤ bₖ (<c>ACC-SOFTMAX</c>) in at most two roundings
    /// (ŷ̂ᵢ·(δᵢⱼ − ŷ̂ⱼ) or δᵢⱼŷ̂ᵢ − ŷ̂ᵢŷ̂ⱼ). Then
    /// |Ĵᵢⱼ − Jᵢⱼ| ≤ bᵢ|δᵢⱼ − ŷⱼ| + (ŷᵢ + bᵢ)bⱼ + γ₂(ŷᵢ + bᵢ)(δᵢⱼ + ŷⱼ + bⱼ) + floor
    /// (perturbation of the product, its rounding, a product flushed below the smallest normal).
    /// Spec: <c>SMAX-JACOBIAN</c>.
    /// </summary>
    public static double[] Jacobian<T>(ReadOnlySpan<double> z) where T : unmanaged, IFloatingPointIeee754<T> =>
        Perturbed(Accuracy.SoftmaxExact(z), Accuracy.Softmax<T>(z), Fp<T>.U, Fp<T>.MinNormal);

    /// <summary>
    /// Jacobian against the closed form ŷ̂ᵢ(δᵢⱼ − ŷ̂ⱼ) of the implementation's own softmax output ŷ̂,
    /// the closed form evaluated in float64. The Jacobian's internal softmax and ŷ̂ are each within b of
    /// the exact ŷ, so within 2b of each other: the bound of <see cref="Jacobian{T}"/> around ŷ̂ with
    /// radius 2b, plus the float64 evaluation of the closed form (γ₂ with u = 2⁻⁵³).
    /// Spec: <c>SMAX-JACOBIAN</c>.
    /// </summary>
    public static double[] JacobianAgainstOwnSoftmax<T>(ReadOnlySpan<double> z, ReadOnlySpan<double> ownSoftmax)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var radius = Accuracy.Softmax<T>(z).Select(b => 2 * b).ToArray();
        var bound = Perturbed(ownSoftmax, radius, Fp<T>.U, Fp<T>.MinNormal);
        int n = z.Length;
        double g2 = Accuracy.Gamma(2, Fp<double>.U);
        for (int i = 0; i < n; i++)
            for (int j = 0; j < n; j++)
                bound[i * n + j] += g2 * Math.Abs(ownSoftmax[i]) * ((i == j ? 1 : 0) + Math.Abs(ownSoftmax[j]));
        return bound;
    }

    /// <summary>
    /// How far the eigenvalues of S = (Ĵ + Ĵᵀ)/2, computed by a float64 symmetric eigensolver, may lie
    /// outside those of the exact J (which are in [0, ½]): Weyl's inequality gives
    /// |λₖ(S) − λₖ(J)| ≤ ‖(E + Eᵀ)/2‖₂ ≤ ‖ΔJ‖_F for Ĵ = J + E, |Eᵢⱼ| ≤ ΔJᵢⱼ; a backward-stable symmetric
    /// eigensolver adds ≤ p(n)·u·‖S‖₂, taken here as γ_{n²}·F with u = 2⁻⁵³, F ≥ ‖S‖_F (from exact values, so that a
    /// non-finite Ĵ cannot widen its own slack) (p(n) = n² is a
    /// conservative stand-in for the "modest" p(n) of Householder tridiagonalisation + QL).
    /// Spec: <c>SMAX-JACOBIAN-PSD</c>.
    /// </summary>
    public static double EigenvalueSlack(ReadOnlySpan<double> jacobianBound, int n, double frobeniusNormBound)
    {
        double f = 0;
        foreach (double b in jacobianBound) f += b * b;
        return Math.Sqrt(f) * (1 + Fp<double>.U * n) + Accuracy.Gamma((double)n * n, Fp<double>.U) * frobeniusNormBound;
    }

    /// <summary>Largest eigenvalue of diag ŷ − ŷŷᵀ: ½ (Gershgorin: centre ŷᵢ(1 − ŷᵢ), radius ŷᵢ(1 − ŷᵢ), 2ŷᵢ(1 − ŷᵢ) ≤ ½). Spec: <c>SMAX-JACOBIAN-PSD</c>.</summary>
    public const double LargestEigenvalue = 0.5;

    /// <summary>ℓᵢ = dᵢ − ln Σⱼ exp dⱼ (dᵢ = zᵢ − max z) in float64: finite where ŷᵢ underflows (its error is the log-softmax bound with u = 2⁻⁵³).</summary>
    public static double[] ExactLogSoftmax(ReadOnlySpan<double> z)
    {
        double m = Accuracy.Max(z), s = 0;
        foreach (double v in z) s += Math.Exp(v - m);
        double lnS = Math.Log(s);
        var l = new double[z.Length];
        for (int i = 0; i < z.Length; i++) l[i] = (z[i] - m) - lnS;
        return l;
    }

    private static double[] Perturbed(ReadOnlySpan<double> centre, ReadOnlySpan<double> radius, double u, double floor)
    {
        int n = centre.Length;
        double g2 = Accuracy.Gamma(2, u);
        var bound = new double[n * n];
        for (int i = 0; i < n; i++)
        {
            double yi = Math.Abs(centre[i]), ri = radius[i];
            for (int j = 0; j < n; j++)
            {
                double delta = i == j ? 1 : 0, yj = Math.Abs(centre[j]), rj = radius[j];
                bound[i * n + j] = ri * Math.Abs(delta - centre[j]) + (yi + ri) * rj + g2 * (yi + ri) * (delta + yj + rj) + floor;
            }
        }
        return bound;
    }
}
