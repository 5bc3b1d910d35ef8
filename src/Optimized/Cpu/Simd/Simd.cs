using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace LossConformance.Optimized.Cpu.Simd;

/// <summary>
/// One vector width seen by the kernels: <see cref="Simd512{T}"/>, <see cref="Simd256{T}"/>,
/// <see cref="Simd128{T}"/> and the one-lane <see cref="Scalar{T}"/> (the path of a machine without
/// SIMD, and every kernel's tail). Operators and drivers are written once against this interface;
/// the JIT specialises them per width (struct type arguments), as TensorPrimitives does by hand.
/// </summary>
internal interface ISimd<T, TV>
    where T : unmanaged, IFloatingPointIeee754<T>
    where TV : struct
{
    static abstract int Count { get; }
    static abstract TV Load(ref T source);
    static abstract void Store(TV value, ref T destination);
    static abstract TV Splat(T value);
    static abstract TV Add(TV a, TV b);
    static abstract TV Subtract(TV a, TV b);
    static abstract TV Multiply(TV a, TV b);
    static abstract TV Divide(TV a, TV b);
    static abstract TV Max(TV a, TV b);
    /// <summary>a·b + c rounded once.</summary>
    static abstract TV FusedMultiplyAdd(TV a, TV b, TV c);
    /// <summary>c − a·b rounded once (the same value as FusedMultiplyAdd(−a, b, c); one instruction, vfnmadd).</summary>
    static abstract TV NegatedMultiplyAdd(TV a, TV b, TV c);
    static abstract TV Exp(TV x);
    static abstract TV Log(TV x);
    /// <summary>0 where <paramref name="mask"/> is 0, else <paramref name="value"/> (0·ln 0 = 0 without a branch).</summary>
    static abstract TV ZeroWhereZero(TV mask, TV value);
    /// <summary>Whether some lane of a is greater than the same lane of b.</summary>
    static abstract bool AnyGreater(TV a, TV b);
    /// <summary>Σ of the lanes, in a fixed order.</summary>
    static abstract T Sum(TV v);
    static abstract T MaxAcross(TV v);
}

/// <summary>One lane: plain T arithmetic with the same operations as the vector widths.</summary>
internal readonly struct Scalar<T> : ISimd<T, T> where T : unmanaged, IFloatingPointIeee754<T>
{
    public static int Count => 1;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static T Load(ref T source) => source;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static void Store(T value, ref T destination) => destination = value;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static T Splat(T value) => value;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static T Add(T a, T b) => a + b;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static T Subtract(T a, T b) => a - b;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static T Multiply(T a, T b) => a * b;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static T Divide(T a, T b) => a / b;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static T Max(T a, T b) => a > b ? a : b;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static T FusedMultiplyAdd(T a, T b, T c) => T.FusedMultiplyAdd(a, b, c);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static T NegatedMultiplyAdd(T a, T b, T c) => T.FusedMultiplyAdd(-a, b, c);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Exp(T x) => typeof(T) == typeof(float)
        ? Unsafe.BitCast<float, T>(VectorMath.Exp(Unsafe.BitCast<T, float>(x)))
        : Unsafe.BitCast<double, T>(VectorMath.Exp(Unsafe.BitCast<T, double>(x)));
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Log(T x) => typeof(T) == typeof(float)
        ? Unsafe.BitCast<float, T>(VectorMath.Log(Unsafe.BitCast<T, float>(x)))
        : Unsafe.BitCast<double, T>(VectorMath.Log(Unsafe.BitCast<T, double>(x)));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static T ZeroWhereZero(T mask, T value) => mask == T.Zero ? T.Zero : value;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static bool AnyGreater(T a, T b) => a > b;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static T Sum(T v) => v;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static T MaxAcross(T v) => v;
}
