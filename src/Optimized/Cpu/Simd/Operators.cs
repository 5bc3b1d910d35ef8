using System.Numerics;
using System.Runtime.CompilerServices;

namespace LossConformance.Optimized.Cpu.Simd;

/// <summary>An element-wise function of one input, written once for every width <typeparamref name="TS"/>.</summary>
internal interface IUnaryOperator<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    TV Invoke<TS, TV>(TV x) where TS : ISimd<T, TV> where TV : struct;
}

/// <summary>An element-wise function of two inputs.</summary>
internal interface IBinaryOperator<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    TV Invoke<TS, TV>(TV x, TV y) where TS : ISimd<T, TV> where TV : struct;
}

/// <summary>exp(x − m): the shifted exponentials of softmax (every argument ≤ 0 when m = max).</summary>
internal readonly struct ExpShifted<T>(T m) : IUnaryOperator<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public TV Invoke<TS, TV>(TV x) where TS : ISimd<T, TV> where TV : struct => TS.Exp(TS.Subtract(x, TS.Splat(m)));
}

/// <summary>exp(x − m)·c: a softmax entry scaled by c = 1/ŝ (times 1/N for a mean).</summary>
internal readonly struct ExpShiftedScaled<T>(T m, T c) : IUnaryOperator<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public TV Invoke<TS, TV>(TV x) where TS : ISimd<T, TV> where TV : struct => TS.Multiply(TS.Exp(TS.Subtract(x, TS.Splat(m))), TS.Splat(c));
}

/// <summary>exp(x − m)/s: a softmax entry by the direct route of ACC-SOFTMAX.</summary>
internal readonly struct ExpShiftedDivided<T>(T m, T s) : IUnaryOperator<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public TV Invoke<TS, TV>(TV x) where TS : ISimd<T, TV> where TV : struct => TS.Divide(TS.Exp(TS.Subtract(x, TS.Splat(m))), TS.Splat(s));
}

/// <summary>(x − m) − ln s: log-softmax from d = z − m (ACC-XENT-LOGITS), never z − logsumexp(z).</summary>
internal readonly struct LogSoftmaxOf<T>(T m, T lnS) : IUnaryOperator<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public TV Invoke<TS, TV>(TV x) where TS : ISimd<T, TV> where TV : struct => TS.Subtract(TS.Subtract(x, TS.Splat(m)), TS.Splat(lnS));
}

/// <summary>x·c.</summary>
internal readonly struct Scale<T>(T c) : IUnaryOperator<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public TV Invoke<TS, TV>(TV x) where TS : ISimd<T, TV> where TV : struct => TS.Multiply(x, TS.Splat(c));
}

/// <summary>x².</summary>
internal readonly struct Square<T> : IUnaryOperator<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public TV Invoke<TS, TV>(TV x) where TS : ISimd<T, TV> where TV : struct => TS.Multiply(x, x);
}

/// <summary>x itself (a plain sum).</summary>
internal readonly struct Identity<T> : IUnaryOperator<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public TV Invoke<TS, TV>(TV x) where TS : ISimd<T, TV> where TV : struct => x;
}

/// <summary>x − x: 0 for a finite x, NaN for ±∞ or NaN, so a sum of it is 0 exactly when every x is finite (INPUT-NAN).</summary>
internal readonly struct ZeroIfFinite<T> : IUnaryOperator<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public TV Invoke<TS, TV>(TV x) where TS : ISimd<T, TV> where TV : struct => TS.Subtract(x, x);
}

/// <summary>p ln p with 0 · ln 0 = 0 by a mask (ENT-DEF).</summary>
internal readonly struct XLogX<T> : IUnaryOperator<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public TV Invoke<TS, TV>(TV p) where TS : ISimd<T, TV> where TV : struct => TS.ZeroWhereZero(p, TS.Multiply(p, TS.Log(p)));
}

/// <summary>p ln q with 0 where p = 0 (even for q = 0); −∞ where p &gt; 0 = q, so the sum is −∞ (XENT-SUPPORT).</summary>
internal readonly struct XLogY<T> : IBinaryOperator<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public TV Invoke<TS, TV>(TV p, TV q) where TS : ISimd<T, TV> where TV : struct => TS.ZeroWhereZero(p, TS.Multiply(p, TS.Log(q)));
}

/// <summary>
/// p (ln p − ln q) with 0 where p = 0; +∞ where p &gt; 0 = q (KL-SUPPORT). The difference of logarithms,
/// not ln(p/q): p/q overflows (1 / 1e-300) or goes subnormal, and ACC-ENTROPY's KL bound covers this route.
/// </summary>
internal readonly struct XLogXOverY<T> : IBinaryOperator<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public TV Invoke<TS, TV>(TV p, TV q) where TS : ISimd<T, TV> where TV : struct =>
        TS.ZeroWhereZero(p, TS.Multiply(p, TS.Subtract(TS.Log(p), TS.Log(q))));
}

/// <summary>y·((z − m) − ln s) with 0 where y = 0: one term of −L for cross-entropy from logits.</summary>
internal readonly struct WeightedLogSoftmax<T>(T m, T lnS) : IBinaryOperator<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public TV Invoke<TS, TV>(TV y, TV z) where TS : ISimd<T, TV> where TV : struct =>
        TS.ZeroWhereZero(y, TS.Multiply(y, TS.Subtract(TS.Subtract(z, TS.Splat(m)), TS.Splat(lnS))));
}

/// <summary>mass·exp(z − m)/s − y, the product and difference fused: ∂L/∂z of GRAD-GENERAL.</summary>
internal readonly struct GeneralLogitGradient<T>(T m, T s, T mass) : IBinaryOperator<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public TV Invoke<TS, TV>(TV y, TV z) where TS : ISimd<T, TV> where TV : struct =>
        TS.FusedMultiplyAdd(TS.Splat(mass), TS.Divide(TS.Exp(TS.Subtract(z, TS.Splat(m))), TS.Splat(s)), TS.Subtract(TS.Splat(T.Zero), y));
}

/// <summary>−y/ŷ with 0 where y = 0 (GRAD-PROB).</summary>
internal readonly struct NegativeRatio<T> : IBinaryOperator<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public TV Invoke<TS, TV>(TV y, TV p) where TS : ISimd<T, TV> where TV : struct =>
        TS.ZeroWhereZero(y, TS.Divide(TS.Subtract(TS.Splat(T.Zero), y), p));
}

/// <summary>x + y.</summary>
internal readonly struct Plus<T> : IBinaryOperator<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public TV Invoke<TS, TV>(TV x, TV y) where TS : ISimd<T, TV> where TV : struct => TS.Add(x, y);
}

/// <summary>(x + y) − (x + y): 0 where x + y is finite, NaN where it overflows (a finiteness probe).</summary>
internal readonly struct SumOverflowProbe<T> : IBinaryOperator<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public TV Invoke<TS, TV>(TV x, TV y) where TS : ISimd<T, TV> where TV : struct { TV s = TS.Add(x, y); return TS.Subtract(s, s); }
}

/// <summary>λ·w + g, rounded once: adds the L2 gradient λW (SEQ-L2).</summary>
internal readonly struct AddScaled<T>(T lambda) : IBinaryOperator<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public TV Invoke<TS, TV>(TV w, TV g) where TS : ISimd<T, TV> where TV : struct => TS.FusedMultiplyAdd(TS.Splat(lambda), w, g);
}

/// <summary>exp(z − m)·c + g, rounded once: adds one step's softmax gradient into an accumulated gradient row.</summary>
internal readonly struct AccumulateExpShiftedScaled<T>(T m, T c) : IBinaryOperator<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public TV Invoke<TS, TV>(TV z, TV g) where TS : ISimd<T, TV> where TV : struct =>
        TS.FusedMultiplyAdd(TS.Exp(TS.Subtract(z, TS.Splat(m))), TS.Splat(c), g);
}

/// <summary>ln x (for the accuracy self-test and any plain logarithm map).</summary>
internal readonly struct LogOf<T> : IUnaryOperator<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public TV Invoke<TS, TV>(TV x) where TS : ISimd<T, TV> where TV : struct => TS.Log(x);
}
