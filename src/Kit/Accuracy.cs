using System.Numerics;

namespace LossConformance.Kit;

/// <summary>
/// Error bounds of spec/accuracy.md, one method per formula. Every tolerance a test uses comes
/// from here; none is written as a literal in a test body. Each bound is a worst case for an
/// implementation in T on inputs exactly representable in T, computed from the inputs
/// (condition), their length n and T's unit roundoff u:
/// <list type="bullet">
/// <item><c>ACC-MODEL</c>: each +, −, ×, ÷ rounds with relative error ≤ u; exp and ln with ≤ 4u
/// (between 2 and 4 ulp, since 1 ulp of x is between u|x| and 2u|x|; tighter than OpenCL's
/// 3 ulp, which allows up to 6u); results below the smallest
/// normal number may be flushed, an absolute error ≤ that number.</item>
/// <item><c>ACC-SUM</c>: a sum of n terms in any order errs by ≤ γ_{n−1} Σ|xᵢ|, γₖ = ku/(1 − ku).</item>
/// </list>
/// A differential test compares an implementation in T with the float64 reference on the same
/// inputs; its tolerance is the implementation's bound plus the reference's (the same formula with u = 2⁻⁵³).
/// </summary>
public static class Accuracy
{
    /// <summary>Relative error allowed for exp and ln, in units of u. Spec: <c>ACC-MODEL</c>.</summary>
    public const double ElementaryUlps = 4;

    /// <summary>γₖ = k·u / (1 − k·u). Spec: <c>ACC-SUM</c>.</summary>
    public static double Gamma(double k, double u) => k * u / (1 - k * u);

    /// <summary>
    /// Bound for S = Σᵢ tᵢ where each term is a product with one exp/ln (entropy, cross-entropy):
    /// |Ŝ − S| ≤ γ_{n+5} Σ|tᵢ| + n·floor. Spec: <c>ACC-ENTROPY</c>.
    /// </summary>
    public static double LogSum(int n, double sumOfAbsTerms, double u, double floor) =>
        Gamma(n + 5, u) * sumOfAbsTerms + n * floor;

    /// <summary>H(p): γ_{n+5} Σ|pᵢ ln pᵢ|. Spec: <c>ACC-ENTROPY</c>.</summary>
    public static double Entropy<T>(ReadOnlySpan<double> p) where T : unmanaged, IFloatingPointIeee754<T>
    {
        double s = 0;
        foreach (double pi in p) if (pi > 0) s += Math.Abs(pi * Math.Log(pi));
        return LogSum(p.Length, s, Fp<T>.U, Fp<T>.MinNormal);
    }

    /// <summary>H(p, q): γ_{n+5} Σ pᵢ|ln qᵢ|. Spec: <c>ACC-ENTROPY</c>.</summary>
    public static double CrossEntropy<T>(ReadOnlySpan<double> p, ReadOnlySpan<double> q) where T : unmanaged, IFloatingPointIeee754<T>
    {
        double s = 0;
        for (int i = 0; i < p.Length; i++) if (p[i] > 0) s += p[i] * Math.Abs(Math.Log(q[i]));
        return LogSum(p.Length, s, Fp<T>.U, Fp<T>.MinNormal);
    }

    /// <summary>
    /// D(p‖q): γ_{n+5} Σ pᵢ(|ln pᵢ| + |ln qᵢ| + 1) + max(0, Σq − Σp). Admits both Σ pᵢ ln(pᵢ/qᵢ) (the +1:
    /// rounding of pᵢ/qᵢ costs u·pᵢ) and H(p, q) − H(p) (cancellation of two sums); the last term admits
    /// an implementation that returns max(0, D̂), as the strict tier's do (<see cref="ClampAllowance"/>).
    /// Spec: <c>ACC-ENTROPY</c>.
    /// </summary>
    public static double Kl<T>(ReadOnlySpan<double> p, ReadOnlySpan<double> q) where T : unmanaged, IFloatingPointIeee754<T>
    {
        double s = 0;
        for (int i = 0; i < p.Length; i++) if (p[i] > 0) s += p[i] * (Math.Abs(Math.Log(p[i])) + Math.Abs(Math.Log(q[i])) + 1);
        return LogSum(p.Length, s, Fp<T>.U, Fp<T>.MinNormal) + ClampAllowance(p, q);
    }

    /// <summary>
    /// max(0, Σq − Σp) (plus its float64 sum's rounding): how far below 0 the exact D(p‖q) of inputs
    /// normalised only to τ(n) can be (D ≥ Σp − Σ_{pᵢ&gt;0}qᵢ ≥ Σp − Σq, from x ln(x/y) ≥ x − y), and so how
    /// far clamping D̂ at 0 can move it. 0 for pairs with Σq ≤ Σp. Spec: <c>ACC-ENTROPY</c>, <c>STRICT-KL</c>.
    /// </summary>
    public static double ClampAllowance(ReadOnlySpan<double> p, ReadOnlySpan<double> q)
    {
        var terms = new double[2 * p.Length];
        double mass = 0;
        for (int i = 0; i < p.Length; i++) { terms[2 * i] = q[i]; terms[2 * i + 1] = -p[i]; mass += p[i] + q[i]; }
        double excess = CompensatedSum(terms);
        double slack = 2 * Fp<double>.U * Math.Abs(excess) + 4 * p.Length * Fp<double>.U * Fp<double>.U * mass;   // the compensated sum's own error
        return excess + slack > 0 ? Math.Max(excess, 0) + slack : 0;
    }

    /// <summary>
    /// Softmax, entry-wise, for either route. Direct, exp(dᵢ)/ŝ with dᵢ = zᵢ − max z: relative error
    /// γ_{n+9+|dᵢ|+Σⱼŷⱼ|dⱼ|} (u|dᵢ| from rounding dᵢ, which exp turns into a relative error; 4u for exp;
    /// γ_{n−1} + Σŷⱼ(u|dⱼ| + 4u) for the denominator; u for the division). Through log-softmax,
    /// exp(ℓ̂ᵢ) with ℓ̂ᵢ within the <see cref="LogSoftmax{T}"/> bound Bᵢ: relative error e^{Bᵢ}(1 + 4u) − 1
    /// (the route of PyTorch's cross-entropy backward). The bound is the larger of the two. Entries
    /// below the smallest normal number may also be flushed (absolute floor). Spec: <c>ACC-SOFTMAX</c>.
    /// </summary>
    public static double[] Softmax<T>(ReadOnlySpan<double> z) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var (y, d, spread) = Shifted(z);
        var viaLogSoftmax = LogSoftmax<T>(z);
        double u = Fp<T>.U;
        var bound = new double[z.Length];
        for (int i = 0; i < z.Length; i++)
        {
            double direct = Gamma(z.Length + 9 + Math.Abs(d[i]) + spread, u);
            double throughLog = double.ExpM1(viaLogSoftmax[i]) * (1 + ElementaryUlps * u) + ElementaryUlps * u;   // e^B(1 + 4u) − 1, no cancellation
            bound[i] = Math.Max(direct, throughLog) * y[i] + Fp<T>.MinNormal;
        }
        return bound;
    }

    /// <summary>
    /// Log-softmax ℓᵢ = dᵢ − ln s, entry-wise absolute bound
    /// u(|dᵢ| + |ℓᵢ|) + 4u·ln n + γ_{n+4} + u·Σŷⱼ|dⱼ| (rounding dᵢ, the relative error of s becomes
    /// an absolute error of ln s, ln's own error, the final subtraction). Spec: <c>ACC-SOFTMAX</c>.
    /// </summary>
    public static double[] LogSoftmax<T>(ReadOnlySpan<double> z) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var (y, d, spread) = Shifted(z);
        double u = Fp<T>.U, lnS = LogSumExp(z) - Max(z);
        var bound = new double[z.Length];
        for (int i = 0; i < z.Length; i++)
        {
            double li = d[i] - lnS;
            bound[i] = (1 + 2 * u) * (u * (Math.Abs(d[i]) + Math.Abs(li) + spread) + ElementaryUlps * u * Math.Log(z.Length) + Gamma(z.Length + 4, u));
        }
        return bound;
    }

    /// <summary>logsumexp(z) = m + ln s: u|lse| + 4u ln n + γ_{n+4} + u Σŷⱼ|dⱼ|. Spec: <c>ACC-SOFTMAX</c>.</summary>
    public static double LogSumExpBound<T>(ReadOnlySpan<double> z) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var (_, _, spread) = Shifted(z);
        double u = Fp<T>.U;
        return (1 + 2 * u) * (u * (Math.Abs(LogSumExp(z)) + spread) + ElementaryUlps * u * Math.Log(z.Length) + Gamma(z.Length + 4, u));
    }

    /// <summary>
    /// L = −Σ yᵢ ℓᵢ from logits: Σ yᵢ·bound(ℓᵢ) + γ_{n} Σ yᵢ|ℓᵢ|. Spec: <c>ACC-XENT-LOGITS</c>.
    /// </summary>
    public static double CrossEntropyFromLogits<T>(ReadOnlySpan<double> y, ReadOnlySpan<double> z) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var bl = LogSoftmax<T>(z);
        double lse = LogSumExp(z), s = 0, t = 0;
        for (int i = 0; i < z.Length; i++)
        {
            s += y[i] * bl[i];
            t += y[i] * Math.Abs(z[i] - lse);
        }
        return s + Gamma(z.Length, Fp<T>.U) * t;
    }

    /// <summary>
    /// ∂L/∂z = (Σy)ŷ − y, entry-wise absolute bound: (Σy)(bound(ŷᵢ) + γ_n ŷᵢ) + u|gᵢ|.
    /// Absolute, not relative: where ŷₜ ≈ yₜ = 1 the true entry is tiny and its relative error
    /// unbounded in any precision (the Liger bf16 report). Spec: <c>ACC-XENT-LOGITS</c>.
    /// </summary>
    public static double[] LogitGradient<T>(ReadOnlySpan<double> y, ReadOnlySpan<double> z) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var by = Softmax<T>(z);
        var yhat = SoftmaxExact(z);
        double u = Fp<T>.U, sy = 0;
        foreach (double v in y) sy += v;
        var bound = new double[z.Length];
        for (int i = 0; i < z.Length; i++)
            bound[i] = (1 + 2 * u) * (sy * (by[i] + Gamma(z.Length, u) * yhat[i]) + u * Math.Abs(sy * yhat[i] - y[i]));
        return bound;
    }

    /// <summary>
    /// Central difference (f(x + h·d) − f(x − h·d)) / 2h against dᵀ∇f. With |f'''| ≤ M₃ along d and
    /// f evaluated with absolute error ≤ ε, the truncation error is ≤ M₃h²/6 and the rounding error
    /// ≤ ε/h; h = (3ε/M₃)^{1/3} minimises the sum. Spec: <c>ACC-FD</c>.
    /// </summary>
    public static (double Step, double Tolerance) CentralDifference(double evaluationError, double thirdDerivativeBound)
    {
        double eps = Math.Max(evaluationError, double.Epsilon);
        double m3 = Math.Max(thirdDerivativeBound, 1e-300);
        double h = Math.Cbrt(3 * eps / m3);
        return (h, FiniteDifference.Tolerance(h, eps, m3));
    }

    /// <summary>
    /// Third derivative of t ↦ c·logsumexp(z + t·d) (and of any softmax-cross-entropy along d, whose
    /// third derivative is c·κ₃, the third central moment of d under ŷ): |κ₃| ≤ (max d − min d)³/(6√3).
    /// Spec: <c>ACC-FD</c>.
    /// </summary>
    public static double SoftmaxThirdDerivative(ReadOnlySpan<double> direction, double weight)
    {
        double range = Range(direction);
        return Math.Abs(weight) * range * range * range / (6 * Math.Sqrt(3));
    }

    /// <summary>
    /// Inputs are normalised when |Σpᵢ − 1| ≤ τ(n) = (2n + 8)u: rounding each entry of an exact
    /// distribution to T costs ≤ u in the sum, a softmax output ≤ γ_{n+8}, and the check's own
    /// summation ≤ γ_{n−1}. Spec: <c>ACC-NORMALISATION</c>, <c>INPUT-PROB</c>.
    /// </summary>
    public static double NormalisationTolerance<T>(int n) where T : unmanaged, IFloatingPointIeee754<T> => (2 * n + 8) * Fp<T>.U;

    /// <summary>
    /// A closed-form answer (ln n, 1/n, 1e4 + ln 2, −½ ln t …) evaluated in double: at most two
    /// elementary functions and a few roundings, γ₈|value| with u = 2⁻⁵³. Spec: <c>ACC-MODEL</c>.
    /// </summary>
    public static double ClosedForm(double value) => Gamma(2 * ElementaryUlps, Fp<double>.U) * Math.Abs(value);

    // ---- exact-enough helpers in float64 for the bounds themselves (bounds need ~1 digit) ----

    public static double Max(ReadOnlySpan<double> z)
    {
        double m = double.NegativeInfinity;
        foreach (double v in z) m = Math.Max(m, v);
        return m;
    }

    /// <summary>Σxᵢ in float64, in order.</summary>
    public static double Sum(ReadOnlySpan<double> x)
    {
        double s = 0;
        foreach (double v in x) s += v;
        return s;
    }

    /// <summary>
    /// Σxᵢ by Neumaier's compensated summation: within 2u|Σx| + O(nu²)Σ|xᵢ| of the exact sum (u = 2⁻⁵³), so a
    /// normalisation check on it is not fooled by its own rounding, even for x in double.
    /// </summary>
    public static double CompensatedSum(IEnumerable<double> xs)
    {
        double s = 0, c = 0;
        foreach (double x in xs)
        {
            double t = s + x;
            c += Math.Abs(s) >= Math.Abs(x) ? (s - t) + x : (x - t) + s;
            s = t;
        }
        return s + c;
    }

    /// <summary>maxᵢ|aᵢ| (0 for an empty span).</summary>
    public static double MaxAbs(ReadOnlySpan<double> a)
    {
        double m = 0;
        foreach (double v in a) m = Math.Max(m, Math.Abs(v));
        return m;
    }

    /// <summary>The logit gradient (Σy)·softmax(z) − y in float64.</summary>
    public static double[] LogitGradientExact(ReadOnlySpan<double> y, ReadOnlySpan<double> z)
    {
        var g = SoftmaxExact(z);
        double mass = Sum(y);
        for (int i = 0; i < g.Length; i++) g[i] = mass * g[i] - y[i];
        return g;
    }

    /// <summary>max a − min a (0 for an empty span).</summary>
    public static double Range(ReadOnlySpan<double> a)
    {
        double lo = double.PositiveInfinity, hi = double.NegativeInfinity;
        foreach (double v in a) { lo = Math.Min(lo, v); hi = Math.Max(hi, v); }
        return a.IsEmpty ? 0 : hi - lo;
    }

    public static double LogSumExp(ReadOnlySpan<double> z)
    {
        double m = Max(z), s = 0;
        foreach (double v in z) s += Math.Exp(v - m);
        return m + Math.Log(s);
    }

    public static double[] SoftmaxExact(ReadOnlySpan<double> z) => Shifted(z).Y;

    /// <summary>ŷ, d = z − max z, and Σŷⱼ|dⱼ| (how far from the maximum the mass sits).</summary>
    private static (double[] Y, double[] D, double Spread) Shifted(ReadOnlySpan<double> z)
    {
        double m = Max(z), s = 0;
        var d = new double[z.Length];
        var y = new double[z.Length];
        for (int i = 0; i < z.Length; i++) { d[i] = z[i] - m; y[i] = Math.Exp(d[i]); s += y[i]; }
        double spread = 0;
        for (int i = 0; i < z.Length; i++) { y[i] /= s; spread += y[i] * Math.Abs(d[i]); }
        return (y, d, spread);
    }
}
