using System.Numerics;

namespace LossConformance.Kit;

/// <summary>
/// Central differences whose evaluation points are exact in T, so that the only errors are the
/// two the tolerance of <c>ACC-FD</c> accounts for: truncation (M₃h²/6) and the evaluation error of f
/// (ε/h). Three ingredients make x ± h·d exact:
/// <list type="bullet">
/// <item>the base point is <see cref="Coarsen{T}"/>ed onto one grid G = 2^(E − (p − 9)), E the exponent of
/// max|xᵢ| (p = 24 float, 53 double): every entry is a multiple of G below 2^(E+1), 8 bits short of T's precision;</item>
/// <item>direction entries are multiples of 1/8 in [−1, 1] (<see cref="Direction"/>), so h·dᵢ is a multiple of h/8 for h a power of two;</item>
/// <item>h is a power of two near the optimal step (<see cref="ExactStep{T}"/>) at which every xᵢ ± h·dᵢ is
/// representable in T — any h in [2^(E+4−p), 2^(E+8)] is, so the search succeeds within a few doublings or halvings.</item>
/// </list>
/// The tolerance is then recomputed for the h actually used (<see cref="Tolerance"/>).
/// Where the points cannot be made exact (a generated case tested as it is), the second half of this
/// class rounds x ± h·d to T and bounds what that rounding changes (<see cref="CentralDifferenceInT"/>).
/// Spec: <c>ACC-FD</c>.
/// </summary>
public static class FiniteDifference
{
    /// <summary>Bits dropped from T's significand by <see cref="Coarsen{T}"/>.</summary>
    public const int SpareBits = 8;

    /// <summary>
    /// Error of (f(x + h·d) − f(x − h·d)) / 2h against dᵀ∇f(x) for this h: M₃h²/6 (Taylor remainder of
    /// the symmetric difference, |f'''| ≤ M₃ on the segment) + ε/h (each evaluation errs by ≤ ε).
    /// The float64 subtraction and the division by 2h (a power of two) add nothing for float; for
    /// double the subtraction of two nearby values is exact (Sterbenz) or errs by u·|difference|,
    /// which the callers' bounds on the compared quantity absorb. Spec: <c>ACC-FD</c>.
    /// </summary>
    public static double Tolerance(double step, double evaluationError, double thirdDerivativeBound) =>
        thirdDerivativeBound * step * step / 6 + evaluationError / step;

    /// <summary>
    /// Every xᵢ rounded to the grid G = 2^(E − (p − 9)), E = ⌊log₂ maxᵢ|xᵢ|⌋, p the precision of T: max|x| keeps
    /// p − 8 significant bits, smaller entries as many as the grid allows (down to 0). Exact in T.
    /// </summary>
    public static double[] Coarsen<T>(ReadOnlySpan<double> values) where T : unmanaged, IFloatingPointIeee754<T>
    {
        double max = 0;
        foreach (double v in values) max = Math.Max(max, Math.Abs(v));
        var result = values.ToArray();
        if (max == 0 || !double.IsFinite(max)) return result;
        double grid = Math.ScaleB(1.0, Math.ILogB(max) - (T.One.GetSignificandBitLength() - SpareBits - 1));
        for (int i = 0; i < result.Length; i++) result[i] = Math.Round(result[i] / grid) * grid;
        return result;
    }

    /// <summary>
    /// ⟨ĝ, d⟩ of a computed gradient, with Σ|dₖ|·boundₖ (how far it may be from ⟨g, d⟩) and
    /// Σ(|gₖ| + boundₖ)|dₖ| ≥ Σ|ĝₖdₖ| from the exact g (times γ_n it is the float64 rounding of the dot product).
    /// </summary>
    public static (double Dot, double Abs, double Bound) Directional(double[] computed, double[] d, double[] bound, double[] exact)
    {
        double dot = 0, abs = 0, b = 0;
        for (int k = 0; k < computed.Length; k++)
        {
            dot += computed[k] * d[k];
            abs += (Math.Abs(exact[k]) + bound[k]) * Math.Abs(d[k]);
            b += bound[k] * Math.Abs(d[k]);
        }
        return (dot, abs, b);
    }

    /// <summary>A direction with entries k/8, k ∈ [−8, 8], not all zero.</summary>
    public static double[] Direction(Random rng, int n)
    {
        var d = new double[n];
        for (int i = 0; i < n; i++) d[i] = rng.Next(-8, 9) / 8.0;
        if (d.All(v => v == 0)) d[rng.Next(n)] = rng.Next(2) == 0 ? 1 : -1;
        return d;
    }

    /// <summary>
    /// The step to use: the power of two nearest below min(<paramref name="optimalStep"/>, 1) at which
    /// point ± h·direction is exact in T, searching outwards (×2, ÷2, ×4, ÷4, …). The cap at 1 matters
    /// where M₃ = 0 (a constant direction, n = 1): the optimum is then unbounded and any step does.
    /// Throws if no power of two within 2^±60 works (the point not coarsened, or the direction not dyadic).
    /// </summary>
    public static double ExactStep<T>(ReadOnlySpan<double> point, ReadOnlySpan<double> direction, double optimalStep)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        double h = Math.ScaleB(1.0, Math.ILogB(Math.Min(optimalStep, 1.0)));
        if (IsExact<T>(point, direction, h)) return h;
        for (int k = 1; k <= 60; k++)
        {
            if (IsExact<T>(point, direction, Math.ScaleB(h, k))) return Math.ScaleB(h, k);
            if (IsExact<T>(point, direction, Math.ScaleB(h, -k))) return Math.ScaleB(h, -k);
        }
        throw new InvalidOperationException(
            $"no power-of-two step near {optimalStep} makes x ± h·d exact in {Fp<T>.Name}; coarsen x and use dyadic directions.");
    }

    /// <summary>Every xᵢ ± h·dᵢ is exactly representable in T (and the float64 sums are exact).</summary>
    public static bool IsExact<T>(ReadOnlySpan<double> point, ReadOnlySpan<double> direction, double h)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (int i = 0; i < point.Length; i++)
        {
            double hd = h * direction[i];
            if (!ExactSum<T>(point[i], hd) || !ExactSum<T>(point[i], -hd)) return false;
        }
        return true;
    }

    /// <summary>The points x + h·d and x − h·d in T (exact when <see cref="IsExact{T}"/> holds).</summary>
    public static (T[] Plus, T[] Minus) Points<T>(ReadOnlySpan<double> point, ReadOnlySpan<double> direction, double h)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var plus = new T[point.Length];
        var minus = new T[point.Length];
        for (int i = 0; i < point.Length; i++)
        {
            plus[i] = Fp<T>.From(point[i] + h * direction[i]);
            minus[i] = Fp<T>.From(point[i] - h * direction[i]);
        }
        return (plus, minus);
    }

    // ---------------------------------------------------------------- points rounded to T

    /// <summary>
    /// A central difference evaluated in T. The points a± = fl_T(a ± h·d) are what T can hold;
    /// with Δ = a₊ − a₋ and c = (a₊ + a₋)/2 (both exact in double), Taylor's theorem for
    /// g(t) = f(c + tΔ/2) gives f(a₊) − f(a₋) = ∇f(c)·Δ + r, |r| ≤ M₃(Δ/2)/3, and the mean value
    /// theorem |∇f(c)·Δ − ∇f(a)·Δ| ≤ sup|Δᵀ∇²f (c − a)| (the curvature term). So
    /// |(f̂(a₊) − f̂(a₋)) − ĝ(a)·Δ| ≤ ε₊ + ε₋ + M₃(Δ/2)/3 + curvature + Σ|Δᵢ|·bound(ĝᵢ)
    /// + γ_{k+2}(|f̂₊| + |f̂₋| + Σ|ĝᵢΔᵢ|) (forming the comparison in double, k = number of entries).
    /// The step h comes from <see cref="Accuracy.CentralDifference"/>; rounding a ± h·d to T only
    /// changes Δ and c, which the bound uses as they are. Spec: <c>ACC-FD</c>.
    /// </summary>
    public static double CentralDifferenceInT(double evaluationErrors, double thirdDerivativeOfHalfStep, double curvature,
                                              double gradientError, double comparisonMagnitude, int entries) =>
        evaluationErrors + thirdDerivativeOfHalfStep / 3 + curvature + gradientError
        + Accuracy.Gamma(entries + 2, Fp<double>.U) * comparisonMagnitude;

    /// <summary>
    /// |aᵀ∇²L b| for a softmax-cross-entropy of weight w = Σy at any point: ∇²L = w(diag ŷ − ŷŷᵀ),
    /// so aᵀ∇²L b = w·Cov_ŷ(a, b) ≤ w·(range a / 2)(range b / 2) (Cauchy–Schwarz and Popoviciu).
    /// Spec: <c>ACC-FD</c>, <c>SMAX-JACOBIAN</c>.
    /// </summary>
    public static double SoftmaxCurvature(ReadOnlySpan<double> a, ReadOnlySpan<double> b, double weight) =>
        Math.Abs(weight) * Accuracy.Range(a) * Accuracy.Range(b) / 4;

    /// <summary>
    /// How far the midpoint c = (a₊ + a₋)/2 of the points in T lies from a, per entry: a ± h·d is
    /// formed in double (h·d and the sum, u = 2⁻⁵³ each) and rounded to T (u of T), so
    /// |a± − (a ± h·d)| ≤ (u_T + 2u_d)|a±| + 2u_d|h·d| and |c − a| ≤ (u_T + 2u_d)(|a₊| + |a₋|) + 2u_d|a₊ − a₋|
    /// (generous by a factor of two). Spec: <c>ACC-FD</c>.
    /// </summary>
    public static double MidpointShift<T>(double plus, double minus) where T : unmanaged, IFloatingPointIeee754<T> =>
        (Fp<T>.U + 2 * Fp<double>.U) * (Math.Abs(plus) + Math.Abs(minus)) + 2 * Fp<double>.U * Math.Abs(plus - minus);

    /// <summary>
    /// The step for a central difference in T: <see cref="Accuracy.CentralDifference"/>'s optimum,
    /// at most 1 (where the third derivative vanishes, as for n = 1, the optimum is unbounded and
    /// a ± h·d would overflow), and never below 8u·max|a| so that a ± h·d differs from a in T (a
    /// step that rounds away leaves nothing to check). The tolerance uses the actual points, so any
    /// step is sound; these limits only keep the check sharp. Spec: <c>ACC-FD</c>.
    /// </summary>
    public static double StepInT<T>(double evaluationError, double thirdDerivativeBound, double maxAbsPoint) where T : unmanaged, IFloatingPointIeee754<T> =>
        Math.Max(Math.Min(Accuracy.CentralDifference(evaluationError, thirdDerivativeBound).Step, 1), 8 * Fp<T>.U * maxAbsPoint);

    /// <summary>a + b is computed exactly in float64 (TwoSum error 0) and the result is exact in T.</summary>
    private static bool ExactSum<T>(double a, double b) where T : unmanaged, IFloatingPointIeee754<T>
    {
        double s = a + b;
        if (!double.IsFinite(s)) return false;
        double bb = s - a;
        double err = (a - (s - bb)) + (b - bb);
        return err == 0 && Fp<T>.ToDouble(Fp<T>.From(s)) == s;
    }
}
