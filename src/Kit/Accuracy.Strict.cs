using System.Numerics;

namespace LossConformance.Kit;

/// <summary>
/// The strict tier's bounds (spec/strict-accuracy.md): relative where the formula allows it. Each is
/// evaluated in float64 at the exact inputs and needs about one correct digit, except that the
/// quantities the bound is relative to (ln s, a binary loss, a divergence term) are computed here
/// without cancellation, so that a tiny exact value gives a tiny, not a zero or a rounded, bound.
/// </summary>
public static class StrictAccuracy
{
    /// <summary>
    /// The tail of a logit vector: d = z − m, k = the first index of the maximum, t = Σ_{j≠k} exp dⱼ
    /// (so s = 1 + t and ln s = log1p t, with no rounding of 1 + t), and the tail's spread
    /// S_t = Σ_{j≠k} exp(dⱼ)|dⱼ| / t (0 when t = 0). Spec: <c>STRICT-LOGSOFTMAX</c>.
    /// </summary>
    public static (double[] D, double Tail, double LnS, double TailSpread) Tail(ReadOnlySpan<double> z)
    {
        double m = Accuracy.Max(z);
        int k = z.IndexOf(m);
        var d = new double[z.Length];
        double t = 0, weighted = 0;
        for (int j = 0; j < z.Length; j++)
        {
            d[j] = z[j] - m;
            if (j == k) continue;
            double e = Math.Exp(d[j]);
            t += e;
            weighted += e * Math.Abs(d[j]);
        }
        return (d, t, Log1p(t), t > 0 ? weighted / t : 0);
    }

    /// <summary>
    /// ρ, the relative error allowed for ln ŝ: 2(γ_{n+12} + u·S_t). It covers both routes: log1p of the
    /// tail (γ_{n−2} + 4u + u·S_t for the tail's sum, γ₈ for log1p and the relative error it passes on,
    /// well within half), and ln ŝ of the full sum when ŝ ≥ 2 (absolute γ_{n+3} + u·S + 4u·ln s with
    /// ln s ≥ ln 2: relative ≤ 1.45(γ_{n+3} + u·S) + 4u, S ≤ S_t). Spec: <c>STRICT-LOGSOFTMAX</c>.
    /// </summary>
    public static double Rho(int n, double tailSpread, double u) => 2 * (Accuracy.Gamma(n + 12, u) + u * tailSpread);

    /// <summary>
    /// Log-softmax, entry-wise: (1 + 2u)(u|dᵢ| + u|ℓᵢ| + ρ·ln s) + n·floor (rounding dᵢ; the final
    /// subtraction of two quantities of one sign; ln s relative; underflowed tail terms). Relative:
    /// |ℓᵢ| = |dᵢ| + ln s, so the bound is at most (2u + ρ)|ℓᵢ| + n·floor. Spec: <c>STRICT-LOGSOFTMAX</c>.
    /// </summary>
    public static double[] LogSoftmax<T>(ReadOnlySpan<double> z) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var (d, _, lnS, spread) = Tail(z);
        double u = Fp<T>.U, rho = Rho(z.Length, spread, u);
        var bound = new double[z.Length];
        for (int i = 0; i < z.Length; i++)
            bound[i] = (1 + 2 * u) * (u * Math.Abs(d[i]) + u * (Math.Abs(d[i]) + lnS) + rho * lnS) + z.Length * Fp<T>.MinNormal;
        return bound;
    }

    /// <summary>The exact log-softmax, without rounding 1 + t: ℓᵢ = dᵢ − log1p(t).</summary>
    public static double[] LogSoftmaxExact(ReadOnlySpan<double> z)
    {
        var (d, _, lnS, _) = Tail(z);
        return d.Select(v => v - lnS).ToArray();
    }

    /// <summary>The exact logsumexp, m + log1p(t).</summary>
    public static double LogSumExpExact(ReadOnlySpan<double> z) => Accuracy.Max(z) + Tail(z).LnS;

    /// <summary>logsumexp = m + ln s: (1 + 2u)(u|lse| + ρ·ln s) + n·floor. Spec: <c>STRICT-LOGSOFTMAX</c>.</summary>
    public static double LogSumExp<T>(ReadOnlySpan<double> z) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var (_, _, lnS, spread) = Tail(z);
        double u = Fp<T>.U;
        return (1 + 2 * u) * (u * Math.Abs(Accuracy.Max(z) + lnS) + Rho(z.Length, spread, u) * lnS) + z.Length * Fp<T>.MinNormal;
    }

    /// <summary>
    /// L = −Σ yᵢℓᵢ: Σ yᵢ·Rᵢ + γ_n Σ yᵢ|ℓᵢ| + n·floor, Rᵢ the strict log-softmax bound. Every term
    /// −yᵢℓᵢ is ≥ 0, so the sum does not cancel and the bound is relative to L. Spec: <c>STRICT-XENT-LOGITS</c>.
    /// </summary>
    public static double CrossEntropyFromLogits<T>(ReadOnlySpan<double> y, ReadOnlySpan<double> z) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var r = LogSoftmax<T>(z);
        var l = LogSoftmaxExact(z);
        double s = 0, t = 0;
        for (int i = 0; i < z.Length; i++)
        {
            if (y[i] == 0) continue;
            s += y[i] * r[i];
            t += y[i] * Math.Abs(l[i]);
        }
        return s + Accuracy.Gamma(z.Length, Fp<T>.U) * t + z.Length * Fp<T>.MinNormal;
    }

    /// <summary>The exact loss −Σ yᵢℓᵢ from <see cref="LogSoftmaxExact"/>.</summary>
    public static double CrossEntropyFromLogitsExact(ReadOnlySpan<double> y, ReadOnlySpan<double> z)
    {
        var l = LogSoftmaxExact(z);
        double s = 0;
        for (int i = 0; i < z.Length; i++) if (y[i] != 0) s -= y[i] * l[i];
        return s;
    }

    /// <summary>
    /// Binary cross-entropy as two non-negative terms: A + log1p(e^{−|z|}), A = z(1 − y) for z ≥ 0 and
    /// |z|·y for z &lt; 0 (both equal max(z, 0) − yz), computed here without cancellation.
    /// </summary>
    public static double BinaryLossExact(double z, double y) =>
        (z >= 0 ? z * (1 - y) : -z * y) + Log1p(Math.Exp(-Math.Abs(z)));

    /// <summary>
    /// Binary cross-entropy: γ₁₃·L + floor. A costs γ₂ (1 − y, exact for y ≥ ½ by Sterbenz, and the
    /// product); log1p(e^{−|z|}) costs 4u (exp, passed on at most 1:1 by log1p) + γ₇ (log1p itself);
    /// the sum of two non-negative terms u: γ₁₂, one spare. floor: e^{−|z|} may underflow.
    /// Spec: <c>STRICT-BINARY</c>.
    /// </summary>
    public static double BinaryLoss<T>(double z, double y) where T : unmanaged, IFloatingPointIeee754<T> =>
        Accuracy.Gamma(13, Fp<T>.U) * BinaryLossExact(z, y) + Fp<T>.MinNormal;

    /// <summary>
    /// KL divergence: γ_{n+10} Σ_{pᵢ&gt;0} pᵢ|ln(pᵢ/qᵢ)| + max(0, Σq − Σp) + n·floor. Each ln(pᵢ/qᵢ) has
    /// relative error γ₉ (log1p of |pᵢ − qᵢ|/min(pᵢ, qᵢ) ≥ 0, spec/strict-accuracy.md), the product u, the
    /// sum γ_{n−1}. The bound vanishes at p = q (D = 0) and shrinks with q − p, where the baseline's
    /// γ_{n+5}Σpᵢ(|ln pᵢ| + |ln qᵢ| + 1) stays near u·(2H + 1). max(0, Σq − Σp): the strict tier
    /// requires D̂ ≥ 0, and D of inputs normalised only to τ(n) may be negative, by at most Σq − Σp;
    /// clamping at 0 moves D̂ by no more. Spec: <c>STRICT-KL</c>.
    /// </summary>
    public static double Kl<T>(ReadOnlySpan<double> p, ReadOnlySpan<double> q) where T : unmanaged, IFloatingPointIeee754<T>
    {
        double s = 0;
        for (int i = 0; i < p.Length; i++)
            if (p[i] > 0) s += p[i] * Math.Abs(LogRatio(p[i], q[i]));
        return Accuracy.Gamma(p.Length + 10, Fp<T>.U) * s + Accuracy.ClampAllowance(p, q) + p.Length * Fp<T>.MinNormal;
    }

    /// <summary>The exact D(p‖q) = Σ pᵢ ln(pᵢ/qᵢ) with each ln(pᵢ/qᵢ) relative to itself (no rounded ratio), summed compensated.</summary>
    public static double KlExact(ReadOnlySpan<double> p, ReadOnlySpan<double> q)
    {
        var terms = new List<double>();
        for (int i = 0; i < p.Length; i++)
        {
            if (p[i] == 0) continue;
            if (q[i] == 0) return double.PositiveInfinity;
            terms.Add(p[i] * LogRatio(p[i], q[i]));
        }
        return Accuracy.CompensatedSum(terms);
    }

    /// <summary>ln(a/b) for a, b &gt; 0 as ±log1p(|a − b|/min(a, b)) (the argument ≥ 0 and, in float64, exact to u for float or double inputs).</summary>
    public static double LogRatio(double a, double b)
    {
        double x = a >= b ? (a - b) / b : (b - a) / a;
        double log = double.IsFinite(x) ? Log1p(x) : Math.Abs(Math.Log(a) - Math.Log(b));
        return a >= b ? log : -log;
    }

    /// <summary>ln(1 + x) for x &gt; −1 without rounding 1 + x: the series where |x| &lt; 1e-4 (truncation below x⁵/5 ≤ 2e-21·|x|), else Goldberg's form.</summary>
    public static double Log1p(double x)
    {
        if (Math.Abs(x) < 1e-4) return x * (1 - x * (0.5 - x * (1.0 / 3 - x * 0.25)));
        double w = 1 + x;
        return Math.Log(w) * x / (w - 1);
    }
}
