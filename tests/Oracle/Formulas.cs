using System.Numerics;

namespace LossConformance.Oracle;

/// <summary>An exact answer: a <see cref="BigFloat"/>, or +∞ (cross-entropy and KL where some pᵢ &gt; 0 = qᵢ).</summary>
public readonly record struct ExactValue(BigFloat Value, bool IsPositiveInfinity)
{
    public static ExactValue PositiveInfinity { get; } = new(BigFloat.Zero, true);

    public static implicit operator ExactValue(BigFloat value) => new(value, false);

    /// <summary>The double nearest to the exact value.</summary>
    public double ToDouble() => IsPositiveInfinity ? double.PositiveInfinity : Value.ToDouble();

    /// <summary>"inf", "0", or scientific notation with <paramref name="digits"/> significant digits.</summary>
    public string ToDecimalString(int digits) => IsPositiveInfinity ? "inf" : Value.ToDecimalString(digits);
}

/// <summary>
/// The definitions, evaluated on the exact values of the given doubles (no renormalisation) in
/// <see cref="BigFloat"/>. Each is arranged so that no subtraction cancels beyond the working precision:
/// with m = max z, eⱼ = exp(zⱼ − m), i* the first index of the maximum and T = Σ_{j≠i*} eⱼ, the sum
/// S = 1 + T and ln S = ln1p(T) keep T's digits even when T ≈ 1e-348 (which 1 + T at 256 bits would lose).
/// </summary>
public static class Formulas
{
    /// <summary>H(p) = −Σ pᵢ ln pᵢ, 0 ln 0 = 0.</summary>
    public static ExactValue Entropy(double[] p)
    {
        var sum = BigFloat.Zero;
        foreach (double pi in p)
            if (pi != 0)
            {
                var x = BigFloat.FromDouble(pi);
                sum -= x * BigFloat.Ln(x);
            }
        return sum;
    }

    /// <summary>H(p, q) = −Σ pᵢ ln qᵢ; +∞ where pᵢ &gt; 0 = qᵢ; terms with pᵢ = 0 are 0.</summary>
    public static ExactValue CrossEntropy(double[] p, double[] q)
    {
        SameLength(p, q);
        var sum = BigFloat.Zero;
        for (int i = 0; i < p.Length; i++)
        {
            if (p[i] == 0) continue;
            if (q[i] == 0) return ExactValue.PositiveInfinity;
            sum -= BigFloat.FromDouble(p[i]) * BigFloat.Ln(BigFloat.FromDouble(q[i]));
        }
        return sum;
    }

    /// <summary>D(p‖q) = Σ pᵢ ln(pᵢ/qᵢ); +∞ where pᵢ &gt; 0 = qᵢ; terms with pᵢ = 0 are 0.</summary>
    public static ExactValue KlDivergence(double[] p, double[] q)
    {
        SameLength(p, q);
        var sum = BigFloat.Zero;
        for (int i = 0; i < p.Length; i++)
        {
            if (p[i] == 0) continue;
            if (q[i] == 0) return ExactValue.PositiveInfinity;
            var pi = BigFloat.FromDouble(p[i]);
            sum += pi * BigFloat.Ln(pi / BigFloat.FromDouble(q[i]));
        }
        return sum;
    }

    /// <summary>ŷᵢ = exp(zᵢ) / Σⱼ exp(zⱼ) = eᵢ / S.</summary>
    public static BigFloat[] Softmax(double[] z)
    {
        var s = Shift(z);
        return s.E.Select(e => e / s.S).ToArray();
    }

    /// <summary>ℓᵢ = zᵢ − logsumexp(z) = (zᵢ − m) − ln S.</summary>
    public static BigFloat[] LogSoftmax(double[] z)
    {
        var s = Shift(z);
        return s.D.Select(d => d - s.LnS).ToArray();
    }

    /// <summary>logsumexp(z) = ln Σⱼ exp(zⱼ) = m + ln S.</summary>
    public static BigFloat LogSumExp(double[] z)
    {
        var s = Shift(z);
        return s.M + s.LnS;
    }

    /// <summary>L = Σᵢ yᵢ (logsumexp(z) − zᵢ) = −Σᵢ yᵢ ℓᵢ (every term ≥ 0: no cancellation).</summary>
    public static BigFloat CrossEntropyFromLogits(double[] y, double[] z)
    {
        SameLength(y, z);
        var l = LogSoftmax(z);
        var sum = BigFloat.Zero;
        for (int i = 0; i < y.Length; i++)
            if (y[i] != 0) sum -= BigFloat.FromDouble(y[i]) * l[i];
        return sum;
    }

    /// <summary>
    /// gᵢ = (Σy) ŷᵢ − yᵢ, evaluated as (eᵢ Σ_{j≠i} yⱼ − yᵢ Σ_{j≠i} eⱼ) / S so that gₜ = −T/S keeps its digits
    /// where ŷₜ ≈ 1 = yₜ (Σ_{j≠i} yⱼ is exact; Σ_{j≠i*} eⱼ = T; for i ≠ i*, S − eᵢ ≥ S/2 loses at most a bit).
    /// </summary>
    public static BigFloat[] LogitGradient(double[] y, double[] z)
    {
        SameLength(y, z);
        var s = Shift(z);
        BigInteger total = BigInteger.Zero;
        foreach (double v in y) total += Units(v);
        var g = new BigFloat[z.Length];
        for (int i = 0; i < z.Length; i++)
        {
            var othersY = BigFloat.Create(total - Units(y[i]), -1074);
            var othersE = i == s.Top ? s.T : s.S - s.E[i];
            g[i] = (s.E[i] * othersY - BigFloat.FromDouble(y[i]) * othersE) / s.S;
        }
        return g;
    }

    /// <summary>Exact Σ of doubles.</summary>
    public static BigFloat Sum(IEnumerable<double> values)
    {
        BigInteger total = BigInteger.Zero;
        foreach (double v in values) total += Units(v);
        return BigFloat.Create(total, -1074);
    }

    /// <summary>x / 2^-1074, an integer for every finite double.</summary>
    private static BigInteger Units(double x)
    {
        if (!double.IsFinite(x)) throw new ArgumentOutOfRangeException(nameof(x), x, "finite inputs only");
        long bits = BitConverter.DoubleToInt64Bits(x);
        int biased = (int)((bits >> 52) & 0x7FF);
        long fraction = bits & ((1L << 52) - 1);
        BigInteger m = biased == 0 ? fraction : (fraction | (1L << 52));
        if (biased > 1) m <<= biased - 1;
        return bits < 0 ? -m : m;
    }

    private sealed record Shifted(BigFloat M, int Top, BigFloat[] D, BigFloat[] E, BigFloat T, BigFloat S, BigFloat LnS);

    /// <summary>m = max z; dⱼ = zⱼ − m; eⱼ = exp(dⱼ); T = Σ_{j≠i*} eⱼ; S = 1 + T; ln S = ln1p(T).</summary>
    private static Shifted Shift(double[] z)
    {
        if (z.Length == 0) throw new ArgumentException("empty logits", nameof(z));
        int top = 0;
        for (int i = 1; i < z.Length; i++) if (z[i] > z[top]) top = i;
        var m = BigFloat.FromDouble(z[top]);
        var d = z.Select(v => BigFloat.FromDouble(v) - m).ToArray();
        var e = d.Select((di, i) => i == top ? BigFloat.One : BigFloat.Exp(di)).ToArray();
        var t = BigFloat.Zero;
        for (int i = 0; i < z.Length; i++) if (i != top) t += e[i];
        return new Shifted(m, top, d, e, t, BigFloat.One + t, BigFloat.Ln1p(t));
    }

    private static void SameLength(double[] a, double[] b)
    {
        if (a.Length != b.Length) throw new ArgumentException($"lengths differ: {a.Length} and {b.Length}");
    }
}
