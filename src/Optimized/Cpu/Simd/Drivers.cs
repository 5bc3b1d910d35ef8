using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace LossConformance.Optimized.Cpu.Simd;

/// <summary>
/// One driver per operator shape (map, map-reduce, map-and-sum, max, the softmax statistics), each run at the
/// widest accelerated width (Vector512, else 256, else 128, else one lane) with the tail in one
/// lane. A result depends on the input and the machine's width only, never on a thread count. The
/// loops are compiled fully optimised at once (AggressiveOptimization): at tier 0 the width-generic
/// code runs about 10× slower, and a kernel called a few times on large inputs would never leave it. A
/// map's destination may be exactly its source (each vector is loaded before it is stored); partial
/// overlap is not supported.
/// </summary>
internal static class Driver
{
    /// <summary>
    /// Rows at least this long take the one-pass online (rescaling) softmax statistics; shorter ones
    /// take max, then Σ exp(x − max), from L1. Why the line is here: spec/accuracy.md, ACC-VECTOR-MATH
    /// (the rescaling's extra roundings fit in the additions that lanes and blocks leave unused).
    /// </summary>
    internal const int OnlineThreshold = 1024;

    /// <summary>Vectors per block of the online pass: one rescale check per block.</summary>
    private const int OnlineBlock = 8;

    // ---------------------------------------------------------------- Σ op(x), Σ op(x, y)

    public static T Sum<T, TOp>(TOp op, ReadOnlySpan<T> x) where T : unmanaged, IFloatingPointIeee754<T> where TOp : struct, IUnaryOperator<T>
        => Sum(op, ref MemoryMarshal.GetReference(x), x.Length);

    public static T Sum<T, TOp>(TOp op, ref T x, int n) where T : unmanaged, IFloatingPointIeee754<T> where TOp : struct, IUnaryOperator<T>
    {
        if (Vector512.IsHardwareAccelerated && n >= Vector512<T>.Count) return SumCore<T, Simd512<T>, Vector512<T>, TOp>(op, ref x, n);
        if (Vector256.IsHardwareAccelerated && n >= Vector256<T>.Count) return SumCore<T, Simd256<T>, Vector256<T>, TOp>(op, ref x, n);
        if (Vector128.IsHardwareAccelerated && n >= Vector128<T>.Count) return SumCore<T, Simd128<T>, Vector128<T>, TOp>(op, ref x, n);
        return SumCore<T, Scalar<T>, T, TOp>(op, ref x, n);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static T SumCore<T, TS, TV, TOp>(TOp op, ref T x, int n)
        where T : unmanaged, IFloatingPointIeee754<T> where TS : ISimd<T, TV> where TV : struct where TOp : struct, IUnaryOperator<T>
    {
        int w = TS.Count, i = 0;
        TV acc = TS.Splat(T.Zero);
        for (; i <= n - w; i += w)
            acc = TS.Add(acc, op.Invoke<TS, TV>(TS.Load(ref Unsafe.Add(ref x, i))));
        T sum = TS.Sum(acc);
        for (; i < n; i++)
            sum += op.Invoke<Scalar<T>, T>(Unsafe.Add(ref x, i));
        return sum;
    }

    public static T Sum<T, TOp>(TOp op, ReadOnlySpan<T> x, ReadOnlySpan<T> y) where T : unmanaged, IFloatingPointIeee754<T> where TOp : struct, IBinaryOperator<T>
        => Sum(op, ref MemoryMarshal.GetReference(x), ref MemoryMarshal.GetReference(y), x.Length);

    public static T Sum<T, TOp>(TOp op, ref T x, ref T y, int n) where T : unmanaged, IFloatingPointIeee754<T> where TOp : struct, IBinaryOperator<T>
    {
        if (Vector512.IsHardwareAccelerated && n >= Vector512<T>.Count) return SumCore<T, Simd512<T>, Vector512<T>, TOp>(op, ref x, ref y, n);
        if (Vector256.IsHardwareAccelerated && n >= Vector256<T>.Count) return SumCore<T, Simd256<T>, Vector256<T>, TOp>(op, ref x, ref y, n);
        if (Vector128.IsHardwareAccelerated && n >= Vector128<T>.Count) return SumCore<T, Simd128<T>, Vector128<T>, TOp>(op, ref x, ref y, n);
        return SumCore<T, Scalar<T>, T, TOp>(op, ref x, ref y, n);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static T SumCore<T, TS, TV, TOp>(TOp op, ref T x, ref T y, int n)
        where T : unmanaged, IFloatingPointIeee754<T> where TS : ISimd<T, TV> where TV : struct where TOp : struct, IBinaryOperator<T>
    {
        int w = TS.Count, i = 0;
        TV acc = TS.Splat(T.Zero);
        for (; i <= n - w; i += w)
            acc = TS.Add(acc, op.Invoke<TS, TV>(TS.Load(ref Unsafe.Add(ref x, i)), TS.Load(ref Unsafe.Add(ref y, i))));
        T sum = TS.Sum(acc);
        for (; i < n; i++)
            sum += op.Invoke<Scalar<T>, T>(Unsafe.Add(ref x, i), Unsafe.Add(ref y, i));
        return sum;
    }

    // ---------------------------------------------------------------- dst = op(x), dst = op(x, y)

    public static void Map<T, TOp>(TOp op, ReadOnlySpan<T> x, Span<T> destination) where T : unmanaged, IFloatingPointIeee754<T> where TOp : struct, IUnaryOperator<T>
        => Map(op, ref MemoryMarshal.GetReference(x), ref MemoryMarshal.GetReference(destination), x.Length);

    public static void Map<T, TOp>(TOp op, ref T x, ref T destination, int n) where T : unmanaged, IFloatingPointIeee754<T> where TOp : struct, IUnaryOperator<T>
    {
        if (Vector512.IsHardwareAccelerated && n >= Vector512<T>.Count) MapCore<T, Simd512<T>, Vector512<T>, TOp>(op, ref x, ref destination, n);
        else if (Vector256.IsHardwareAccelerated && n >= Vector256<T>.Count) MapCore<T, Simd256<T>, Vector256<T>, TOp>(op, ref x, ref destination, n);
        else if (Vector128.IsHardwareAccelerated && n >= Vector128<T>.Count) MapCore<T, Simd128<T>, Vector128<T>, TOp>(op, ref x, ref destination, n);
        else MapCore<T, Scalar<T>, T, TOp>(op, ref x, ref destination, n);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void MapCore<T, TS, TV, TOp>(TOp op, ref T x, ref T destination, int n)
        where T : unmanaged, IFloatingPointIeee754<T> where TS : ISimd<T, TV> where TV : struct where TOp : struct, IUnaryOperator<T>
    {
        int w = TS.Count, i = 0;
        for (; i <= n - w; i += w)
            TS.Store(op.Invoke<TS, TV>(TS.Load(ref Unsafe.Add(ref x, i))), ref Unsafe.Add(ref destination, i));
        for (; i < n; i++)
            Unsafe.Add(ref destination, i) = op.Invoke<Scalar<T>, T>(Unsafe.Add(ref x, i));
    }

    public static void Map<T, TOp>(TOp op, ReadOnlySpan<T> x, ReadOnlySpan<T> y, Span<T> destination) where T : unmanaged, IFloatingPointIeee754<T> where TOp : struct, IBinaryOperator<T>
        => Map(op, ref MemoryMarshal.GetReference(x), ref MemoryMarshal.GetReference(y), ref MemoryMarshal.GetReference(destination), x.Length);

    public static void Map<T, TOp>(TOp op, ref T x, ref T y, ref T destination, int n) where T : unmanaged, IFloatingPointIeee754<T> where TOp : struct, IBinaryOperator<T>
    {
        if (Vector512.IsHardwareAccelerated && n >= Vector512<T>.Count) MapCore<T, Simd512<T>, Vector512<T>, TOp>(op, ref x, ref y, ref destination, n);
        else if (Vector256.IsHardwareAccelerated && n >= Vector256<T>.Count) MapCore<T, Simd256<T>, Vector256<T>, TOp>(op, ref x, ref y, ref destination, n);
        else if (Vector128.IsHardwareAccelerated && n >= Vector128<T>.Count) MapCore<T, Simd128<T>, Vector128<T>, TOp>(op, ref x, ref y, ref destination, n);
        else MapCore<T, Scalar<T>, T, TOp>(op, ref x, ref y, ref destination, n);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void MapCore<T, TS, TV, TOp>(TOp op, ref T x, ref T y, ref T destination, int n)
        where T : unmanaged, IFloatingPointIeee754<T> where TS : ISimd<T, TV> where TV : struct where TOp : struct, IBinaryOperator<T>
    {
        int w = TS.Count, i = 0;
        for (; i <= n - w; i += w)
            TS.Store(op.Invoke<TS, TV>(TS.Load(ref Unsafe.Add(ref x, i)), TS.Load(ref Unsafe.Add(ref y, i))), ref Unsafe.Add(ref destination, i));
        for (; i < n; i++)
            Unsafe.Add(ref destination, i) = op.Invoke<Scalar<T>, T>(Unsafe.Add(ref x, i), Unsafe.Add(ref y, i));
    }

    // ---------------------------------------------------------------- dst = op(x) and Σ op(x)

    /// <summary>
    /// Writes dstᵢ = op(xᵢ) and returns Σᵢ op(xᵢ) (lanes, then the lanes summed in a fixed order, then the
    /// tail), one evaluation of op per element. The destination may be exactly the source.
    /// </summary>
    public static T MapSum<T, TOp>(TOp op, ref T x, ref T destination, int n) where T : unmanaged, IFloatingPointIeee754<T> where TOp : struct, IUnaryOperator<T>
    {
        if (Vector512.IsHardwareAccelerated && n >= Vector512<T>.Count) return MapSumCore<T, Simd512<T>, Vector512<T>, TOp>(op, ref x, ref destination, n);
        if (Vector256.IsHardwareAccelerated && n >= Vector256<T>.Count) return MapSumCore<T, Simd256<T>, Vector256<T>, TOp>(op, ref x, ref destination, n);
        if (Vector128.IsHardwareAccelerated && n >= Vector128<T>.Count) return MapSumCore<T, Simd128<T>, Vector128<T>, TOp>(op, ref x, ref destination, n);
        return MapSumCore<T, Scalar<T>, T, TOp>(op, ref x, ref destination, n);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static T MapSumCore<T, TS, TV, TOp>(TOp op, ref T x, ref T destination, int n)
        where T : unmanaged, IFloatingPointIeee754<T> where TS : ISimd<T, TV> where TV : struct where TOp : struct, IUnaryOperator<T>
    {
        int w = TS.Count, i = 0;
        TV acc = TS.Splat(T.Zero);
        for (; i <= n - w; i += w)
        {
            TV v = op.Invoke<TS, TV>(TS.Load(ref Unsafe.Add(ref x, i)));
            TS.Store(v, ref Unsafe.Add(ref destination, i));
            acc = TS.Add(acc, v);
        }
        T sum = TS.Sum(acc);
        for (; i < n; i++)
        {
            T v = op.Invoke<Scalar<T>, T>(Unsafe.Add(ref x, i));
            Unsafe.Add(ref destination, i) = v;
            sum += v;
        }
        return sum;
    }

    // ---------------------------------------------------------------- max x

    /// <summary>maxᵢ xᵢ; −∞ for n = 0.</summary>
    public static T Max<T>(ref T x, int n) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (Vector512.IsHardwareAccelerated && n >= Vector512<T>.Count) return MaxCore<T, Simd512<T>, Vector512<T>>(ref x, n);
        if (Vector256.IsHardwareAccelerated && n >= Vector256<T>.Count) return MaxCore<T, Simd256<T>, Vector256<T>>(ref x, n);
        if (Vector128.IsHardwareAccelerated && n >= Vector128<T>.Count) return MaxCore<T, Simd128<T>, Vector128<T>>(ref x, n);
        return MaxCore<T, Scalar<T>, T>(ref x, n);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static T MaxCore<T, TS, TV>(ref T x, int n) where T : unmanaged, IFloatingPointIeee754<T> where TS : ISimd<T, TV> where TV : struct
    {
        int w = TS.Count, i = 0;
        TV acc = TS.Splat(T.NegativeInfinity), acc1 = acc, acc2 = acc, acc3 = acc;
        for (; i <= n - 4 * w; i += 4 * w)   // four chains: a read-only pass runs at load speed, not at max's latency
        {
            ref T b = ref Unsafe.Add(ref x, i);
            acc = TS.Max(acc, TS.Load(ref b));
            acc1 = TS.Max(acc1, TS.Load(ref Unsafe.Add(ref b, w)));
            acc2 = TS.Max(acc2, TS.Load(ref Unsafe.Add(ref b, 2 * w)));
            acc3 = TS.Max(acc3, TS.Load(ref Unsafe.Add(ref b, 3 * w)));
        }
        acc = TS.Max(TS.Max(acc, acc1), TS.Max(acc2, acc3));   // max is exact: the grouping changes no bit
        for (; i <= n - w; i += w)
            acc = TS.Max(acc, TS.Load(ref Unsafe.Add(ref x, i)));
        T m = TS.MaxAcross(acc);
        for (; i < n; i++)
            if (Unsafe.Add(ref x, i) > m) m = Unsafe.Add(ref x, i);
        return m;
    }

    // ---------------------------------------------------------------- softmax statistics

    /// <summary>
    /// (m, s) with s = Σᵢ exp(xᵢ − m) and m = maxᵢ xᵢ, for n ≥ 1: one online pass that rescales its
    /// partial sums when the running maximum grows (n ≥ <see cref="OnlineThreshold"/>), else max then sum.
    /// For n = 0: (−∞, 0).
    /// </summary>
    public static (T Max, T Sum) MaxSumExp<T>(ref T x, int n) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (n == 0) return (T.NegativeInfinity, T.Zero);
        if (n < OnlineThreshold)
        {
            T m = Max(ref x, n);
            return (m, Sum(new ExpShifted<T>(m), ref x, n));
        }
        if (Vector512.IsHardwareAccelerated) return OnlineCore<T, Simd512<T>, Vector512<T>>(ref x, n);
        if (Vector256.IsHardwareAccelerated) return OnlineCore<T, Simd256<T>, Vector256<T>>(ref x, n);
        if (Vector128.IsHardwareAccelerated) return OnlineCore<T, Simd128<T>, Vector128<T>>(ref x, n);
        return OnlineCore<T, Scalar<T>, T>(ref x, n);
    }

    /// <summary>
    /// The online pass: per lane a running maximum M and a sum S of exp(x − M). Each block of
    /// <see cref="OnlineBlock"/> vectors is read once from memory: its maximum first, a rescale
    /// S ← S·exp(M − M′) only when some lane's maximum grew (lanes that did not grow multiply by
    /// exp(0) = 1 exactly), then its exponentials, summed pairwise, from L1.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static (T Max, T Sum) OnlineCore<T, TS, TV>(ref T x, int n) where T : unmanaged, IFloatingPointIeee754<T> where TS : ISimd<T, TV> where TV : struct
    {
        int w = TS.Count, block = w * OnlineBlock, i = 0;
        TV runningMax = TS.Splat(T.NegativeInfinity);
        TV sum = TS.Splat(T.Zero);
        for (; i <= n - block; i += block)
        {
            ref T b = ref Unsafe.Add(ref x, i);
            TV v0 = TS.Load(ref b), v1 = TS.Load(ref Unsafe.Add(ref b, w)), v2 = TS.Load(ref Unsafe.Add(ref b, 2 * w)), v3 = TS.Load(ref Unsafe.Add(ref b, 3 * w));
            TV v4 = TS.Load(ref Unsafe.Add(ref b, 4 * w)), v5 = TS.Load(ref Unsafe.Add(ref b, 5 * w)), v6 = TS.Load(ref Unsafe.Add(ref b, 6 * w)), v7 = TS.Load(ref Unsafe.Add(ref b, 7 * w));
            TV blockMax = TS.Max(TS.Max(TS.Max(v0, v1), TS.Max(v2, v3)), TS.Max(TS.Max(v4, v5), TS.Max(v6, v7)));
            TV newMax = TS.Max(runningMax, blockMax);
            if (TS.AnyGreater(newMax, runningMax))
            {
                sum = TS.Multiply(sum, TS.Exp(TS.Subtract(runningMax, newMax)));
                runningMax = newMax;
            }
            TV e0 = TS.Exp(TS.Subtract(v0, runningMax)), e1 = TS.Exp(TS.Subtract(v1, runningMax));
            TV e2 = TS.Exp(TS.Subtract(v2, runningMax)), e3 = TS.Exp(TS.Subtract(v3, runningMax));
            TV e4 = TS.Exp(TS.Subtract(v4, runningMax)), e5 = TS.Exp(TS.Subtract(v5, runningMax));
            TV e6 = TS.Exp(TS.Subtract(v6, runningMax)), e7 = TS.Exp(TS.Subtract(v7, runningMax));
            sum = TS.Add(sum, TS.Add(TS.Add(TS.Add(e0, e1), TS.Add(e2, e3)), TS.Add(TS.Add(e4, e5), TS.Add(e6, e7))));
        }
        for (; i <= n - w; i += w)
        {
            TV v = TS.Load(ref Unsafe.Add(ref x, i));
            TV newMax = TS.Max(runningMax, v);
            if (TS.AnyGreater(newMax, runningMax))
            {
                sum = TS.Multiply(sum, TS.Exp(TS.Subtract(runningMax, newMax)));
                runningMax = newMax;
            }
            sum = TS.Add(sum, TS.Exp(TS.Subtract(v, runningMax)));
        }
        T m = TS.MaxAcross(runningMax);
        for (int j = i; j < n; j++)
            if (Unsafe.Add(ref x, j) > m) m = Unsafe.Add(ref x, j);
        T s = TS.Sum(TS.Multiply(sum, TS.Exp(TS.Subtract(runningMax, TS.Splat(m)))));
        for (int j = i; j < n; j++)
            s += Scalar<T>.Exp(Unsafe.Add(ref x, j) - m);
        return (m, s);
    }

    /// <summary>
    /// (ŷₜ − e)·scale for the label's entry from the row statistics, c = scale/s: −s_other·c where
    /// ŷₜ ≥ ½ (relative accuracy as ŷₜ → 1, where the subtraction would cancel), else eₜ·c − scale in
    /// one rounding (where ŷₜ is small, −s_other/s would carry the sums' relative error on an entry
    /// near −scale, beyond ACC-XENT-LOGITS's u|gₜ|).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T LabelGradient<T>(T other, T label, T c, T scale) where T : unmanaged, IFloatingPointIeee754<T>
        => label >= other ? -(other * c) : T.FusedMultiplyAdd(label, c, -scale);

    /// <summary>
    /// The statistics of one row with a hard label t: m = max z, s_other = Σ_{j≠t} exp(zⱼ − m)
    /// summed without the t-th term (so ŷₜ − 1 = −s_other/s keeps its relative accuracy as ŷₜ → 1),
    /// eₜ = exp(zₜ − m) and s = s_other + eₜ.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static (T Max, T Sum, T SumOther, T Label) RowStatistics<T>(ref T z, int n, int t) where T : unmanaged, IFloatingPointIeee754<T>
    {
        T zt = Unsafe.Add(ref z, t);
        T m, other;
        if (n < OnlineThreshold)
        {
            m = Max(ref z, n);
            var shifted = new ExpShifted<T>(m);
            other = Sum(shifted, ref z, t);
            if (t + 1 < n) other += Sum(shifted, ref Unsafe.Add(ref z, t + 1), n - t - 1);   // no reference past the end
        }
        else
        {
            (T m1, T s1) = MaxSumExp(ref z, t);
            (T m2, T s2) = t + 1 < n ? MaxSumExp(ref Unsafe.Add(ref z, t + 1), n - t - 1) : (T.NegativeInfinity, T.Zero);
            m = T.Max(zt, T.Max(m1, m2));
            other = s1 * Scalar<T>.Exp(m1 - m) + s2 * Scalar<T>.Exp(m2 - m);
        }
        T et = Scalar<T>.Exp(zt - m);
        return (m, other + et, other, et);
    }
}
