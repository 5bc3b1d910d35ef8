using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace LossConformance.Optimized.Cpu.Simd;

/// <summary>
/// tanh for the soft-cap of the loss options (LOSSOPT-SOFTCAP), float and double, scalar and
/// Vector128/256/512, written like <see cref="VectorMath"/>'s exp and ln: every width performs the
/// scalar path's operations in the same order (fused multiply-adds included), so a lane of any width
/// equals the scalar result bit for bit.
/// <para>
/// Method. tanh|x| = −m/(2 + m) with m = e^y − 1, y = −2|x| ≤ 0 (exact), and the sign of x copied back.
/// m is an expm1: y = n·ln2 + r (Cody–Waite) with n = ⌊y/ln2 + ½⌉, so that r ∈ [−ln2, 0] (not the
/// symmetric |r| ≤ ln2/2 of exp); e^r − 1 = r + r²·Q(r) with Q the Taylor polynomial of (e^r − 1 − r)/r²
/// (degree 8 in float, 15 in double: remainder ≤ 0.02u), the r² term added to r in one fused
/// multiply-add; and m = 2ⁿ·(e^r − 1) + (2ⁿ − 1) in one more, whose two terms are both ≤ 0: nothing
/// cancels. For |x| &lt; ln2/2, n = 0 and m = e^r − 1 keeps its relative accuracy as x → 0 (tanh x ≈ x).
/// 2 + m ∈ (1, 2] never cancels either. (The symmetric reduction measured 3.5u in float at x = 0.181,
/// where 2⁻¹(e^r − 1) − ½ cancels for r ≈ +ln2/2.) y is clamped at −20 (float) / −40 (double), where m rounds to −1
/// and tanh to 1, as it does exactly. tanh(±0) = ±0, tanh(±∞) = ±1, NaN stays NaN.
/// </para>
/// <para>
/// Accuracy (spec/accuracy.md, ACC-LOSSOPT 1 and the tanh paragraph of ACC-MODEL; measured by
/// tests/SelfTests/TanhAccuracy.cs): within ACC-MODEL's 4u for elementary functions.
/// </para>
/// </summary>
internal static class TanhMath
{
    internal const float FloatLow = -20f;     // e⁻²⁰ < u/2: tanh rounds to 1 beyond |x| = 10
    internal const double DoubleLow = -40.0;  // e⁻⁴⁰ < u/2 in double
    internal const float FloatShifter = 12582912f;              // 1.5·2²³
    internal const float FloatLog2E = 1.44269504088896341f;
    internal const float FloatLn2Hi = 0.693145751953125f;        // 15 significant bits: n·hi is exact
    internal const float FloatLn2Lo = 1.428606765330187045e-06f;
    internal const double DoubleShifter = 6755399441055744.0;   // 1.5·2⁵²
    internal const double DoubleLog2E = 1.4426950408889634;
    internal const double DoubleLn2Hi = 6.93147180369123816490e-01;   // 32 significant bits
    internal const double DoubleLn2Lo = 1.90821492927058770002e-10;

    /// <summary>1/(k + 2)! for k = 8 … 0: (e^r − 1 − r)/r² = Σ r^k/(k + 2)!, Horner from the top.</summary>
    internal static readonly float[] FloatC = Coefficients(8).Select(c => (float)c).ToArray();
    /// <summary>1/(k + 2)! for k = 15 … 0.</summary>
    internal static readonly double[] DoubleC = Coefficients(15);

    private static double[] Coefficients(int degree)
    {
        var c = new double[degree + 1];
        double factorial = 1.0;
        for (int k = 0; k <= degree; k++)
        {
            factorial *= k + 2;   // (k + 2)!, exact up to 18!
            c[degree - k] = 1.0 / factorial;
        }
        return c;
    }

    /// <summary>tanh x for any lane type of float or double (the scalar T itself, or a Vector128/256/512 of it).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TV Tanh<TV>(TV x) where TV : struct
    {
        if (typeof(TV) == typeof(float)) return Unsafe.BitCast<float, TV>(Tanh(Unsafe.BitCast<TV, float>(x)));
        if (typeof(TV) == typeof(double)) return Unsafe.BitCast<double, TV>(Tanh(Unsafe.BitCast<TV, double>(x)));
        if (typeof(TV) == typeof(Vector128<float>)) return Unsafe.BitCast<Vector128<float>, TV>(Tanh(Unsafe.BitCast<TV, Vector128<float>>(x)));
        if (typeof(TV) == typeof(Vector128<double>)) return Unsafe.BitCast<Vector128<double>, TV>(Tanh(Unsafe.BitCast<TV, Vector128<double>>(x)));
        if (typeof(TV) == typeof(Vector256<float>)) return Unsafe.BitCast<Vector256<float>, TV>(Tanh(Unsafe.BitCast<TV, Vector256<float>>(x)));
        if (typeof(TV) == typeof(Vector256<double>)) return Unsafe.BitCast<Vector256<double>, TV>(Tanh(Unsafe.BitCast<TV, Vector256<double>>(x)));
        if (typeof(TV) == typeof(Vector512<float>)) return Unsafe.BitCast<Vector512<float>, TV>(Tanh(Unsafe.BitCast<TV, Vector512<float>>(x)));
        if (typeof(TV) == typeof(Vector512<double>)) return Unsafe.BitCast<Vector512<double>, TV>(Tanh(Unsafe.BitCast<TV, Vector512<double>>(x)));
        throw new NotSupportedException($"tanh of {typeof(TV)}");
    }

    /// <summary>tanh x in float (method and accuracy: the class summary).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Tanh(float x)
    {
        float y = MathF.Max(-2f * MathF.Abs(x), FloatLow);
        float t = MathF.FusedMultiplyAdd(y, FloatLog2E, 0.5f) + FloatShifter;   // n = ⌊y·log₂e + ½⌉: r ≤ 0
        float nf = t - FloatShifter;
        int n = BitConverter.SingleToInt32Bits(t) - BitConverter.SingleToInt32Bits(FloatShifter);
        float r = MathF.FusedMultiplyAdd(nf, -FloatLn2Hi, y);
        r = MathF.FusedMultiplyAdd(nf, -FloatLn2Lo, r);
        float[] c = FloatC;
        float p = MathF.FusedMultiplyAdd(c[0], r, c[1]);
        for (int k = 2; k < c.Length; k++)
            p = MathF.FusedMultiplyAdd(p, r, c[k]);
        float s = BitConverter.Int32BitsToSingle((n + 127) << 23);
        float m = MathF.FusedMultiplyAdd(s, MathF.FusedMultiplyAdd(r * p, r, r), s - 1f);
        float th = (0f - m) / (2f + m);
        return float.IsNaN(x) ? x : MathF.CopySign(th, x);
    }

    /// <summary>tanh x in double; as <see cref="Tanh(float)"/> with double's u and range.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double Tanh(double x)
    {
        double y = Math.Max(-2.0 * Math.Abs(x), DoubleLow);
        double t = Math.FusedMultiplyAdd(y, DoubleLog2E, 0.5) + DoubleShifter;
        double nf = t - DoubleShifter;
        long n = BitConverter.DoubleToInt64Bits(t) - BitConverter.DoubleToInt64Bits(DoubleShifter);
        double r = Math.FusedMultiplyAdd(nf, -DoubleLn2Hi, y);
        r = Math.FusedMultiplyAdd(nf, -DoubleLn2Lo, r);
        double[] c = DoubleC;
        double p = Math.FusedMultiplyAdd(c[0], r, c[1]);
        for (int k = 2; k < c.Length; k++)
            p = Math.FusedMultiplyAdd(p, r, c[k]);
        double s = BitConverter.Int64BitsToDouble((n + 1023) << 52);
        double m = Math.FusedMultiplyAdd(s, Math.FusedMultiplyAdd(r * p, r, r), s - 1.0);
        double th = (0.0 - m) / (2.0 + m);
        return double.IsNaN(x) ? x : Math.CopySign(th, x);
    }

    // ---- The vector widths: the same text three times, Vector128, Vector256, Vector512 (written once, the width renamed).

    /// <summary>tanh x in float, Vector128 lanes; method and accuracy: <see cref="Tanh(float)"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Tanh(Vector128<float> x)
    {
        Vector128<float> y = Vector128.MaxNative(Vector128.Abs(x) * Vector128.Create(-2f), Vector128.Create(FloatLow));
        Vector128<float> shifter = Vector128.Create(FloatShifter);
        Vector128<float> t = Vector128.FusedMultiplyAdd(y, Vector128.Create(FloatLog2E), Vector128.Create(0.5f)) + shifter;
        Vector128<float> nf = t - shifter;
        Vector128<int> n = t.AsInt32() - shifter.AsInt32();
        Vector128<float> r = Vector128.FusedMultiplyAdd(nf, Vector128.Create(-FloatLn2Hi), y);
        r = Vector128.FusedMultiplyAdd(nf, Vector128.Create(-FloatLn2Lo), r);
        float[] c = FloatC;
        Vector128<float> p = Vector128.FusedMultiplyAdd(Vector128.Create(c[0]), r, Vector128.Create(c[1]));
        for (int k = 2; k < c.Length; k++)
            p = Vector128.FusedMultiplyAdd(p, r, Vector128.Create(c[k]));
        Vector128<float> s = Vector128.ShiftLeft(n + Vector128.Create(127), 23).AsSingle();
        Vector128<float> m = Vector128.FusedMultiplyAdd(s, Vector128.FusedMultiplyAdd(r * p, r, r), s - Vector128.Create(1f));
        Vector128<float> th = (Vector128<float>.Zero - m) / (Vector128.Create(2f) + m);
        Vector128<float> signed = Vector128.ConditionalSelect(Vector128.Create(-0f), x, th);   // copysign(th, x)
        return Vector128.ConditionalSelect(Vector128.Equals(x, x), signed, x);              // NaN stays NaN
    }

    /// <summary>tanh x in double, Vector128 lanes; method and accuracy: <see cref="Tanh(double)"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<double> Tanh(Vector128<double> x)
    {
        Vector128<double> y = Vector128.MaxNative(Vector128.Abs(x) * Vector128.Create(-2.0), Vector128.Create(DoubleLow));
        Vector128<double> shifter = Vector128.Create(DoubleShifter);
        Vector128<double> t = Vector128.FusedMultiplyAdd(y, Vector128.Create(DoubleLog2E), Vector128.Create(0.5)) + shifter;
        Vector128<double> nf = t - shifter;
        Vector128<long> n = t.AsInt64() - shifter.AsInt64();
        Vector128<double> r = Vector128.FusedMultiplyAdd(nf, Vector128.Create(-DoubleLn2Hi), y);
        r = Vector128.FusedMultiplyAdd(nf, Vector128.Create(-DoubleLn2Lo), r);
        double[] c = DoubleC;
        Vector128<double> p = Vector128.FusedMultiplyAdd(Vector128.Create(c[0]), r, Vector128.Create(c[1]));
        for (int k = 2; k < c.Length; k++)
            p = Vector128.FusedMultiplyAdd(p, r, Vector128.Create(c[k]));
        Vector128<double> s = Vector128.ShiftLeft(n + Vector128.Create(1023L), 52).AsDouble();
        Vector128<double> m = Vector128.FusedMultiplyAdd(s, Vector128.FusedMultiplyAdd(r * p, r, r), s - Vector128.Create(1.0));
        Vector128<double> th = (Vector128<double>.Zero - m) / (Vector128.Create(2.0) + m);
        Vector128<double> signed = Vector128.ConditionalSelect(Vector128.Create(-0.0), x, th);
        return Vector128.ConditionalSelect(Vector128.Equals(x, x), signed, x);
    }

    /// <summary>tanh x in float, Vector256 lanes; method and accuracy: <see cref="Tanh(float)"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Tanh(Vector256<float> x)
    {
        Vector256<float> y = Vector256.MaxNative(Vector256.Abs(x) * Vector256.Create(-2f), Vector256.Create(FloatLow));
        Vector256<float> shifter = Vector256.Create(FloatShifter);
        Vector256<float> t = Vector256.FusedMultiplyAdd(y, Vector256.Create(FloatLog2E), Vector256.Create(0.5f)) + shifter;
        Vector256<float> nf = t - shifter;
        Vector256<int> n = t.AsInt32() - shifter.AsInt32();
        Vector256<float> r = Vector256.FusedMultiplyAdd(nf, Vector256.Create(-FloatLn2Hi), y);
        r = Vector256.FusedMultiplyAdd(nf, Vector256.Create(-FloatLn2Lo), r);
        float[] c = FloatC;
        Vector256<float> p = Vector256.FusedMultiplyAdd(Vector256.Create(c[0]), r, Vector256.Create(c[1]));
        for (int k = 2; k < c.Length; k++)
            p = Vector256.FusedMultiplyAdd(p, r, Vector256.Create(c[k]));
        Vector256<float> s = Vector256.ShiftLeft(n + Vector256.Create(127), 23).AsSingle();
        Vector256<float> m = Vector256.FusedMultiplyAdd(s, Vector256.FusedMultiplyAdd(r * p, r, r), s - Vector256.Create(1f));
        Vector256<float> th = (Vector256<float>.Zero - m) / (Vector256.Create(2f) + m);
        Vector256<float> signed = Vector256.ConditionalSelect(Vector256.Create(-0f), x, th);   // copysign(th, x)
        return Vector256.ConditionalSelect(Vector256.Equals(x, x), signed, x);              // NaN stays NaN
    }

    /// <summary>tanh x in double, Vector256 lanes; method and accuracy: <see cref="Tanh(double)"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<double> Tanh(Vector256<double> x)
    {
        Vector256<double> y = Vector256.MaxNative(Vector256.Abs(x) * Vector256.Create(-2.0), Vector256.Create(DoubleLow));
        Vector256<double> shifter = Vector256.Create(DoubleShifter);
        Vector256<double> t = Vector256.FusedMultiplyAdd(y, Vector256.Create(DoubleLog2E), Vector256.Create(0.5)) + shifter;
        Vector256<double> nf = t - shifter;
        Vector256<long> n = t.AsInt64() - shifter.AsInt64();
        Vector256<double> r = Vector256.FusedMultiplyAdd(nf, Vector256.Create(-DoubleLn2Hi), y);
        r = Vector256.FusedMultiplyAdd(nf, Vector256.Create(-DoubleLn2Lo), r);
        double[] c = DoubleC;
        Vector256<double> p = Vector256.FusedMultiplyAdd(Vector256.Create(c[0]), r, Vector256.Create(c[1]));
        for (int k = 2; k < c.Length; k++)
            p = Vector256.FusedMultiplyAdd(p, r, Vector256.Create(c[k]));
        Vector256<double> s = Vector256.ShiftLeft(n + Vector256.Create(1023L), 52).AsDouble();
        Vector256<double> m = Vector256.FusedMultiplyAdd(s, Vector256.FusedMultiplyAdd(r * p, r, r), s - Vector256.Create(1.0));
        Vector256<double> th = (Vector256<double>.Zero - m) / (Vector256.Create(2.0) + m);
        Vector256<double> signed = Vector256.ConditionalSelect(Vector256.Create(-0.0), x, th);
        return Vector256.ConditionalSelect(Vector256.Equals(x, x), signed, x);
    }

    /// <summary>tanh x in float, Vector512 lanes; method and accuracy: <see cref="Tanh(float)"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Tanh(Vector512<float> x)
    {
        Vector512<float> y = Vector512.MaxNative(Vector512.Abs(x) * Vector512.Create(-2f), Vector512.Create(FloatLow));
        Vector512<float> shifter = Vector512.Create(FloatShifter);
        Vector512<float> t = Vector512.FusedMultiplyAdd(y, Vector512.Create(FloatLog2E), Vector512.Create(0.5f)) + shifter;
        Vector512<float> nf = t - shifter;
        Vector512<int> n = t.AsInt32() - shifter.AsInt32();
        Vector512<float> r = Vector512.FusedMultiplyAdd(nf, Vector512.Create(-FloatLn2Hi), y);
        r = Vector512.FusedMultiplyAdd(nf, Vector512.Create(-FloatLn2Lo), r);
        float[] c = FloatC;
        Vector512<float> p = Vector512.FusedMultiplyAdd(Vector512.Create(c[0]), r, Vector512.Create(c[1]));
        for (int k = 2; k < c.Length; k++)
            p = Vector512.FusedMultiplyAdd(p, r, Vector512.Create(c[k]));
        Vector512<float> s = Vector512.ShiftLeft(n + Vector512.Create(127), 23).AsSingle();
        Vector512<float> m = Vector512.FusedMultiplyAdd(s, Vector512.FusedMultiplyAdd(r * p, r, r), s - Vector512.Create(1f));
        Vector512<float> th = (Vector512<float>.Zero - m) / (Vector512.Create(2f) + m);
        Vector512<float> signed = Vector512.ConditionalSelect(Vector512.Create(-0f), x, th);   // copysign(th, x)
        return Vector512.ConditionalSelect(Vector512.Equals(x, x), signed, x);              // NaN stays NaN
    }

    /// <summary>tanh x in double, Vector512 lanes; method and accuracy: <see cref="Tanh(double)"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<double> Tanh(Vector512<double> x)
    {
        Vector512<double> y = Vector512.MaxNative(Vector512.Abs(x) * Vector512.Create(-2.0), Vector512.Create(DoubleLow));
        Vector512<double> shifter = Vector512.Create(DoubleShifter);
        Vector512<double> t = Vector512.FusedMultiplyAdd(y, Vector512.Create(DoubleLog2E), Vector512.Create(0.5)) + shifter;
        Vector512<double> nf = t - shifter;
        Vector512<long> n = t.AsInt64() - shifter.AsInt64();
        Vector512<double> r = Vector512.FusedMultiplyAdd(nf, Vector512.Create(-DoubleLn2Hi), y);
        r = Vector512.FusedMultiplyAdd(nf, Vector512.Create(-DoubleLn2Lo), r);
        double[] c = DoubleC;
        Vector512<double> p = Vector512.FusedMultiplyAdd(Vector512.Create(c[0]), r, Vector512.Create(c[1]));
        for (int k = 2; k < c.Length; k++)
            p = Vector512.FusedMultiplyAdd(p, r, Vector512.Create(c[k]));
        Vector512<double> s = Vector512.ShiftLeft(n + Vector512.Create(1023L), 52).AsDouble();
        Vector512<double> m = Vector512.FusedMultiplyAdd(s, Vector512.FusedMultiplyAdd(r * p, r, r), s - Vector512.Create(1.0));
        Vector512<double> th = (Vector512<double>.Zero - m) / (Vector512.Create(2.0) + m);
        Vector512<double> signed = Vector512.ConditionalSelect(Vector512.Create(-0.0), x, th);
        return Vector512.ConditionalSelect(Vector512.Equals(x, x), signed, x);
    }
}

/// <summary>tanh x (for the accuracy self-test and any plain tanh map).</summary>
internal readonly struct TanhOf<T> : IUnaryOperator<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public TV Invoke<TS, TV>(TV x) where TS : ISimd<T, TV> where TV : struct => TanhMath.Tanh(x);
}

/// <summary>tanh(z/c): the soft-cap's t of LOSSOPT-SOFTCAP (z' = c·t), z/c one division as ACC-LOSSOPT 1 counts it.</summary>
internal readonly struct SoftCapTanh<T>(T c) : IUnaryOperator<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public TV Invoke<TS, TV>(TV z) where TS : ISimd<T, TV> where TV : struct => TanhMath.Tanh(TS.Divide(z, TS.Splat(c)));
}
