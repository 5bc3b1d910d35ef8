// VectorMath for Vector512. VectorMath.Vector256.cs and VectorMath.Vector128.cs are this file with
// the width renamed (same operations, so every width gives the same result element by element; the one
// exception, Exp's final 2ⁿ scaling by vscalef on AVX-512, rounds the same exact product p·2ⁿ once, as the
// two products of the other widths do, so the bits are the same: VectorMathAccuracy compares the widths).
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace LossConformance.Optimized.Cpu.Simd;

internal static partial class VectorMath
{
    /// <summary>eˣ in float; accuracy and method: <see cref="Exp(float)"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Exp(Vector512<float> x)
    {
        Vector512<float> xc = Vector512.MinNative(Vector512.MaxNative(x, Vector512.Create(FloatExpLow)), Vector512.Create(FloatExpHigh));
        Vector512<float> shifter = Vector512.Create(FloatShifter);
        Vector512<float> t = Vector512.FusedMultiplyAdd(xc, Vector512.Create(FloatLog2E), shifter);
        Vector512<float> nf = t - shifter;
        Vector512<int> n = t.AsInt32() - shifter.AsInt32();
        Vector512<float> r = Vector512.FusedMultiplyAdd(nf, Vector512.Create(-FloatLn2Hi), xc);
        r = Vector512.FusedMultiplyAdd(nf, Vector512.Create(-FloatLn2Lo), r);
        Vector512<float> p = Vector512.FusedMultiplyAdd(Vector512.Create(FloatExpC7), r, Vector512.Create(FloatExpC6));
        p = Vector512.FusedMultiplyAdd(p, r, Vector512.Create(FloatExpC5));
        p = Vector512.FusedMultiplyAdd(p, r, Vector512.Create(FloatExpC4));
        p = Vector512.FusedMultiplyAdd(p, r, Vector512.Create(FloatExpC3));
        p = Vector512.FusedMultiplyAdd(p, r, Vector512.Create(0.5f));
        p = Vector512.FusedMultiplyAdd(p, r, Vector512.Create(1.0f));
        p = Vector512.FusedMultiplyAdd(p, r, Vector512.Create(1.0f));
        if (Avx512F.IsSupported)   // vscalefps: p·2ⁿ rounded once, the same bits as the two exact-then-rounded products below, in one instruction instead of nine
            return Vector512.ConditionalSelect(Vector512.Equals(x, x), Avx512F.Scale(p, nf), x);
        Vector512<int> n1 = Vector512.ShiftRightArithmetic(n, 1);
        Vector512<int> n2 = n - n1;
        Vector512<float> s1 = Vector512.ShiftLeft(n1 + Vector512.Create(127), 23).AsSingle();
        Vector512<float> s2 = Vector512.ShiftLeft(n2 + Vector512.Create(127), 23).AsSingle();
        Vector512<float> result = p * s1 * s2;
        return Vector512.ConditionalSelect(Vector512.Equals(x, x), result, x);   // NaN stays NaN
    }

    /// <summary>eˣ in double; accuracy and method: <see cref="Exp(double)"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<double> Exp(Vector512<double> x)
    {
        Vector512<double> xc = Vector512.MinNative(Vector512.MaxNative(x, Vector512.Create(DoubleExpLow)), Vector512.Create(DoubleExpHigh));
        Vector512<double> shifter = Vector512.Create(DoubleShifter);
        Vector512<double> t = Vector512.FusedMultiplyAdd(xc, Vector512.Create(DoubleLog2E), shifter);
        Vector512<double> nf = t - shifter;
        Vector512<long> n = t.AsInt64() - shifter.AsInt64();
        Vector512<double> r = Vector512.FusedMultiplyAdd(nf, Vector512.Create(-DoubleLn2Hi), xc);
        r = Vector512.FusedMultiplyAdd(nf, Vector512.Create(-DoubleLn2Lo), r);
        Vector512<double> p = Vector512.FusedMultiplyAdd(Vector512.Create(DoubleExpC[0]), r, Vector512.Create(DoubleExpC[1]));
        for (int k = 2; k < DoubleExpC.Length; k++)
            p = Vector512.FusedMultiplyAdd(p, r, Vector512.Create(DoubleExpC[k]));
        if (Avx512F.IsSupported)   // vscalefpd, as in the float version
            return Vector512.ConditionalSelect(Vector512.Equals(x, x), Avx512F.Scale(p, nf), x);
        Vector512<long> n1 = (nf * Vector512.Create(0.5) + shifter).AsInt64() - shifter.AsInt64();   // round(n/2) by the shifter: no 64-bit arithmetic shift, which AVX2 lacks
        Vector512<long> n2 = n - n1;
        Vector512<double> s1 = Vector512.ShiftLeft(n1 + Vector512.Create(1023L), 52).AsDouble();
        Vector512<double> s2 = Vector512.ShiftLeft(n2 + Vector512.Create(1023L), 52).AsDouble();
        Vector512<double> result = p * s1 * s2;
        return Vector512.ConditionalSelect(Vector512.Equals(x, x), result, x);
    }

    /// <summary>ln x in float; accuracy and method: <see cref="Log(float)"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Log(Vector512<float> x)
    {
        Vector512<float> subnormal = Vector512.LessThan(x, Vector512.Create(FloatSmallestNormal));
        Vector512<float> xs = Vector512.ConditionalSelect(subnormal, x * Vector512.Create(FloatSubnormalScale), x);
        Vector512<int> ix = xs.AsInt32() + Vector512.Create(FloatOneBits - FloatSqrtHalfBits);
        Vector512<int> k = Vector512.ShiftRightLogical(ix, 23) - Vector512.Create(127);
        k -= subnormal.AsInt32() & Vector512.Create(FloatSubnormalBits);
        Vector512<float> m = ((ix & Vector512.Create(FloatMantissaMask)) + Vector512.Create(FloatSqrtHalfBits)).AsSingle();
        Vector512<float> kf = (k + Vector512.Create(FloatShifter).AsInt32()).AsSingle() - Vector512.Create(FloatShifter);
        Vector512<float> f = m - Vector512.Create(1.0f);
        Vector512<float> s = f / (Vector512.Create(2.0f) + f);
        Vector512<float> z = s * s;
        Vector512<float> rr = Vector512.FusedMultiplyAdd(Vector512.Create(FloatLogC[0]), z, Vector512.Create(FloatLogC[1]));
        for (int i = 2; i < FloatLogC.Length; i++)
            rr = Vector512.FusedMultiplyAdd(rr, z, Vector512.Create(FloatLogC[i]));
        rr *= z;
        Vector512<float> hfsq = Vector512.Create(0.5f) * f * f;
        Vector512<float> result = Vector512.FusedMultiplyAdd(s, hfsq + rr, kf * Vector512.Create(FloatLn2Lo)) - hfsq + f;
        result = Vector512.FusedMultiplyAdd(kf, Vector512.Create(FloatLn2Hi), result);
        result = Vector512.ConditionalSelect(Vector512.Equals(x, Vector512<float>.Zero), Vector512.Create(float.NegativeInfinity), result);
        result = Vector512.ConditionalSelect(Vector512.Equals(x, Vector512.Create(float.PositiveInfinity)), x, result);
        return Vector512.ConditionalSelect(Vector512.LessThan(x, Vector512<float>.Zero) | ~Vector512.Equals(x, x), Vector512.Create(float.NaN), result);
    }

    /// <summary>ln x in double; accuracy and method: <see cref="Log(double)"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<double> Log(Vector512<double> x)
    {
        Vector512<double> subnormal = Vector512.LessThan(x, Vector512.Create(DoubleSmallestNormal));
        Vector512<double> xs = Vector512.ConditionalSelect(subnormal, x * Vector512.Create(DoubleSubnormalScale), x);
        Vector512<long> ix = xs.AsInt64() + Vector512.Create(DoubleOneBits - DoubleSqrtHalfBits);
        Vector512<long> k = Vector512.ShiftRightLogical(ix, 52) - Vector512.Create(1023L);
        k -= subnormal.AsInt64() & Vector512.Create(DoubleSubnormalBits);
        Vector512<double> m = ((ix & Vector512.Create(DoubleMantissaMask)) + Vector512.Create(DoubleSqrtHalfBits)).AsDouble();
        Vector512<double> kf = (k + Vector512.Create(DoubleShifter).AsInt64()).AsDouble() - Vector512.Create(DoubleShifter);
        Vector512<double> f = m - Vector512.Create(1.0);
        Vector512<double> s = f / (Vector512.Create(2.0) + f);
        Vector512<double> z = s * s;
        Vector512<double> rr = Vector512.FusedMultiplyAdd(Vector512.Create(DoubleLogC[0]), z, Vector512.Create(DoubleLogC[1]));
        for (int i = 2; i < DoubleLogC.Length; i++)
            rr = Vector512.FusedMultiplyAdd(rr, z, Vector512.Create(DoubleLogC[i]));
        rr *= z;
        Vector512<double> hfsq = Vector512.Create(0.5) * f * f;
        Vector512<double> result = Vector512.FusedMultiplyAdd(s, hfsq + rr, kf * Vector512.Create(DoubleLn2Lo)) - hfsq + f;
        result = Vector512.FusedMultiplyAdd(kf, Vector512.Create(DoubleLn2Hi), result);
        result = Vector512.ConditionalSelect(Vector512.Equals(x, Vector512<double>.Zero), Vector512.Create(double.NegativeInfinity), result);
        result = Vector512.ConditionalSelect(Vector512.Equals(x, Vector512.Create(double.PositiveInfinity)), x, result);
        return Vector512.ConditionalSelect(Vector512.LessThan(x, Vector512<double>.Zero) | ~Vector512.Equals(x, x), Vector512.Create(double.NaN), result);
    }
}
