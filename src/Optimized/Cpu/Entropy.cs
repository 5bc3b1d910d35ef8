using System.Numerics;
using System.Runtime.CompilerServices;
using LossConformance.Optimized.Cpu.Simd;

namespace LossConformance.Optimized.Cpu;

/// <summary>
/// Entropy, cross-entropy and KL divergence (spec/entropy.md, spec/cross-entropy.md,
/// spec/kl-divergence.md): one vectorized map-reduce each. 0 · ln 0 = 0 and the +∞ of a support
/// mismatch come from masks, not branches: ln 0 = −∞, so pᵢ ln qᵢ = −∞ where pᵢ &gt; 0 = qᵢ, and
/// every term with pᵢ = 0 is selected to 0.
/// </summary>
public sealed partial class OptimizedCpuImplementation :
    IEntropy<float>, IEntropy<double>, ICrossEntropy<float>, ICrossEntropy<double>, IKlDivergence<float>, IKlDivergence<double>
{
    /// <inheritdoc/>
    public float Entropy(ReadOnlySpan<float> p) => EntropyKernels.Entropy(p);
    /// <inheritdoc/>
    public double Entropy(ReadOnlySpan<double> p) => EntropyKernels.Entropy(p);
    /// <inheritdoc/>
    public float CrossEntropy(ReadOnlySpan<float> p, ReadOnlySpan<float> q) => EntropyKernels.CrossEntropy(p, q);
    /// <inheritdoc/>
    public double CrossEntropy(ReadOnlySpan<double> p, ReadOnlySpan<double> q) => EntropyKernels.CrossEntropy(p, q);
    /// <inheritdoc/>
    public float KlDivergence(ReadOnlySpan<float> p, ReadOnlySpan<float> q) => EntropyKernels.KlDivergence(p, q);
    /// <inheritdoc/>
    public double KlDivergence(ReadOnlySpan<double> p, ReadOnlySpan<double> q) => EntropyKernels.KlDivergence(p, q);
}

internal static class EntropyKernels
{
    /// <summary>H(p) = −Σᵢ pᵢ ln pᵢ. Spec: <c>ENT-DEF</c>.</summary>
    public static T Entropy<T>(ReadOnlySpan<T> p) where T : unmanaged, IFloatingPointIeee754<T>
    {
        InputRules.Distribution(p, nameof(p));
        return -Driver.Sum(new XLogX<T>(), p);
    }

    /// <summary>H(p, q) = −Σᵢ pᵢ ln qᵢ, +∞ where pᵢ &gt; 0 = qᵢ. Spec: <c>XENT-DEF</c>, <c>XENT-SUPPORT</c>.</summary>
    public static T CrossEntropy<T>(ReadOnlySpan<T> p, ReadOnlySpan<T> q) where T : unmanaged, IFloatingPointIeee754<T>
    {
        InputRules.Distribution(p, nameof(p));
        InputRules.Distribution(q, nameof(q));
        InputRules.SameLength(p, nameof(p), q, nameof(q));
        return -Driver.Sum(new XLogY<T>(), p, q);
    }

    /// <summary>
    /// D(p ‖ q) = max(0, Σᵢ pᵢ ln(pᵢ/qᵢ)), +∞ where pᵢ &gt; 0 = qᵢ, each ln(pᵢ/qᵢ) as log1p of a
    /// non-negative argument (<see cref="KlTerm{T}"/>): relative error γ₉ however close pᵢ is to qᵢ,
    /// so D̂ = 0 at p = q and its error shrinks with q − p; the clamp makes D̂ ≥ 0 (a sum normalised
    /// only to τ(n) can be below 0 by at most Σq − Σp). Spec: <c>KL-DEF</c>, <c>KL-SUPPORT</c>, <c>STRICT-KL</c>.
    /// </summary>
    public static T KlDivergence<T>(ReadOnlySpan<T> p, ReadOnlySpan<T> q) where T : unmanaged, IFloatingPointIeee754<T>
    {
        InputRules.Distribution(p, nameof(p));
        InputRules.Distribution(q, nameof(q));
        InputRules.SameLength(p, nameof(p), q, nameof(q));
        for (int i = 0; i < p.Length; i++)
            if (p[i] > T.Zero && q[i] == T.Zero) return T.PositiveInfinity;   // pᵢ > 0 = qᵢ
        T sum = Driver.Sum(new KlTerm<T>(), p, q);
        if (T.IsNaN(sum)) sum = ScalarKl(p, q);   // a ratio max/min that overflows T (q = 1e-45 in float): ln p − ln q there
        return T.Max(T.Zero, sum);
    }

    /// <summary>The scalar loop for rows where some |pᵢ − qᵢ|/min(pᵢ, qᵢ) overflows T.</summary>
    private static T ScalarKl<T>(ReadOnlySpan<T> p, ReadOnlySpan<T> q) where T : unmanaged, IFloatingPointIeee754<T>
    {
        T sum = T.Zero;
        var op = new KlTerm<T>();
        for (int i = 0; i < p.Length; i++)
        {
            if (p[i] == T.Zero) continue;
            T term = op.Invoke<Scalar<T>, T>(p[i], q[i]);
            sum += T.IsFinite(term) ? term : p[i] * (Scalar<T>.Log(p[i]) - Scalar<T>.Log(q[i]));
        }
        return sum;
    }
}

/// <summary>
/// pᵢ ln(pᵢ/qᵢ) with 0 where pᵢ = 0, the ln as log1p(dp/μ) − log1p(dq/μ), μ = min(p, q), dp = p − μ,
/// dq = q − μ: one of dp, dq is exactly 0 (log1p(0) = 0), the other is |p − q| (exact where p and q
/// are within a factor 2, Sterbenz), so the difference is exact and ln(p/q) keeps log1p's relative
/// accuracy. log1p(x) = ln(w)·x/(w − 1), w = 1 + x, and x where w = 1 (Goldberg, Theorem 4),
/// branch-free through the zero masks. Spec: <c>STRICT-KL</c>.
/// </summary>
internal readonly struct KlTerm<T> : IBinaryOperator<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public TV Invoke<TS, TV>(TV p, TV q) where TS : ISimd<T, TV> where TV : struct
    {
        TV zero = TS.Splat(T.Zero);
        TV min = TS.Subtract(zero, TS.Max(TS.Subtract(zero, p), TS.Subtract(zero, q)));
        TV log = TS.Subtract(Log1p<TS, TV>(TS.Divide(TS.Subtract(p, min), min)), Log1p<TS, TV>(TS.Divide(TS.Subtract(q, min), min)));
        return TS.ZeroWhereZero(p, TS.Multiply(p, log));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TV Log1p<TS, TV>(TV x) where TS : ISimd<T, TV> where TV : struct
    {
        TV w = TS.Add(TS.Splat(T.One), x);
        TV wm1 = TS.Subtract(w, TS.Splat(T.One));   // exact (Sterbenz near 1; exact sums beyond)
        TV goldberg = TS.ZeroWhereZero(wm1, TS.Multiply(TS.Log(w), TS.Divide(x, wm1)));   // x/(w − 1) first: ln(w)·x overflows for x near T's maximum
        return TS.Add(goldberg, TS.Subtract(x, TS.ZeroWhereZero(wm1, x)));   // x where w rounds to 1
    }
}
