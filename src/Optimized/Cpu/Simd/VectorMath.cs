using System.Runtime.CompilerServices;

namespace LossConformance.Optimized.Cpu.Simd;

/// <summary>
/// The kernels' own eˣ and ln x, float and double, scalar here and Vector128/256/512 in
/// VectorMath.Vector*.cs. Every width runs the same operations in the same order (fused
/// multiply-adds included), so a lane of any width equals the scalar result bit for bit; only the
/// order of a reduction depends on the width. Accuracy, measured exhaustively in float and on
/// ≥ 10⁷ samples in double: spec/accuracy.md, <c>ACC-VECTOR-MATH</c>
/// (tests/SelfTests/VectorMathAccuracy.cs).
/// </summary>
internal static partial class VectorMath
{
    // ---- exp: x = n ln2 + r, |r| ≤ ln2/2 (Cody–Waite split of ln2, fused), eʳ by its Taylor
    // polynomial (degree 7 in float: remainder ≤ 0.1u; degree 13 in double: ≤ 0.05u), times 2ⁿ as
    // two powers 2^⌊n/2⌉·2^(n−⌊n/2⌉), each a normal number, so results in the subnormal range
    // are rounded once (not flushed) and results beyond the largest float are +∞.
    internal const float FloatExpLow = -104f;           // below ln(2⁻¹⁵⁰): eˣ rounds to 0 anyway
    internal const float FloatExpHigh = 89f;            // above ln(float.MaxValue) ≈ 88.72: +∞ anyway
    internal const float FloatShifter = 12582912f;      // 1.5·2²³: adding it rounds to an integer held in the low bits
    internal const float FloatLog2E = 1.44269504088896341f;
    internal const float FloatLn2Hi = 0.693145751953125f;        // 15 significant bits: n·hi is exact
    internal const float FloatLn2Lo = 1.428606765330187045e-06f; // ln2 − hi
    internal const float FloatExpC3 = 1f / 6f, FloatExpC4 = 1f / 24f, FloatExpC5 = 1f / 120f, FloatExpC6 = 1f / 720f, FloatExpC7 = 1f / 5040f;

    internal const double DoubleExpLow = -746.0;        // below ln(2⁻¹⁰⁷⁵)
    internal const double DoubleExpHigh = 710.0;        // above ln(double.MaxValue) ≈ 709.78
    internal const double DoubleShifter = 6755399441055744.0;   // 1.5·2⁵²
    internal const double DoubleLog2E = 1.4426950408889634;
    internal const double DoubleLn2Hi = 6.93147180369123816490e-01;   // 0x3FE62E42FEE00000, 32 significant bits
    internal const double DoubleLn2Lo = 1.90821492927058770002e-10;

    /// <summary>Taylor coefficients 1/13!, 1/12!, …, 1/1!, 1/0! for Horner's rule.</summary>
    internal static readonly double[] DoubleExpC = ExpCoefficients(13);

    // ---- log: x = 2ᵏ·m with m ∈ [√½, √2) (subnormals scaled by 2²³ / 2⁵⁴ first), f = m − 1 exact,
    // s = f/(2 + f), ln(1 + f) = f − f²/2 + s(f²/2 + R(s²)) with R(z) = Σ 2zʲ/(2j + 1) (the series of
    // 2 atanh s, truncated where its remainder is below 10⁻³ u), plus k·ln2 split hi + lo. The
    // shape is fdlibm's: the large part f is exact and the rounded parts are small beside it.
    internal const float FloatSmallestNormal = 1.17549435e-38f;
    internal const float FloatSubnormalScale = 8388608f;   // 2²³
    internal const int FloatSubnormalBits = 23;
    internal const int FloatOneBits = 0x3F800000;
    internal const int FloatSqrtHalfBits = 0x3F3504F3;
    internal const int FloatMantissaMask = 0x007FFFFF;
    /// <summary>2/11, 2/9, 2/7, 2/5, 2/3 (s² ≤ 0.0295: remainder 2z⁶/13 ≤ 10⁻¹⁰ relative).</summary>
    internal static readonly float[] FloatLogC = [2f / 11f, 2f / 9f, 2f / 7f, 2f / 5f, 2f / 3f];

    internal const double DoubleSmallestNormal = 2.2250738585072014e-308;
    internal const double DoubleSubnormalScale = 18014398509481984.0;   // 2⁵⁴
    internal const long DoubleSubnormalBits = 54;
    internal const long DoubleOneBits = 0x3FF0000000000000;
    internal const long DoubleSqrtHalfBits = 0x3FE6A09E667F3BCD;
    internal const long DoubleMantissaMask = 0x000FFFFFFFFFFFFF;
    /// <summary>2/23, 2/21, …, 2/3 (remainder 2z¹²/25 ≤ 10⁻²⁰ relative).</summary>
    internal static readonly double[] DoubleLogC = LogCoefficients(11);

    private static double[] ExpCoefficients(int degree)
    {
        var c = new double[degree + 1];
        double factorial = 1.0;
        for (int k = 1; k <= degree; k++) factorial *= k;   // exact up to 22!
        for (int k = degree; k >= 0; k--)
        {
            c[degree - k] = 1.0 / factorial;
            if (k > 0) factorial /= k;
        }
        return c;
    }

    private static double[] LogCoefficients(int terms)
    {
        var c = new double[terms];
        for (int j = terms; j >= 1; j--) c[terms - j] = 2.0 / (2 * j + 1);
        return c;
    }

    /// <summary>
    /// eˣ in float. Error ≤ 4u relative for results ≥ 2⁻¹²⁶ (ACC-MODEL's budget; measured maximum in
    /// spec/accuracy.md, <c>ACC-VECTOR-MATH</c>), one rounding in the subnormal range, 0 below, +∞ above
    /// ln(float.MaxValue), NaN for NaN.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Exp(float x)
    {
        float xc = MathF.Min(MathF.Max(x, FloatExpLow), FloatExpHigh);
        float t = MathF.FusedMultiplyAdd(xc, FloatLog2E, FloatShifter);
        float nf = t - FloatShifter;
        int n = BitConverter.SingleToInt32Bits(t) - BitConverter.SingleToInt32Bits(FloatShifter);
        float r = MathF.FusedMultiplyAdd(nf, -FloatLn2Hi, xc);
        r = MathF.FusedMultiplyAdd(nf, -FloatLn2Lo, r);
        float p = MathF.FusedMultiplyAdd(FloatExpC7, r, FloatExpC6);
        p = MathF.FusedMultiplyAdd(p, r, FloatExpC5);
        p = MathF.FusedMultiplyAdd(p, r, FloatExpC4);
        p = MathF.FusedMultiplyAdd(p, r, FloatExpC3);
        p = MathF.FusedMultiplyAdd(p, r, 0.5f);
        p = MathF.FusedMultiplyAdd(p, r, 1.0f);
        p = MathF.FusedMultiplyAdd(p, r, 1.0f);
        int n1 = n >> 1;
        int n2 = n - n1;
        float s1 = BitConverter.Int32BitsToSingle((n1 + 127) << 23);
        float s2 = BitConverter.Int32BitsToSingle((n2 + 127) << 23);
        float result = p * s1 * s2;
        return float.IsNaN(x) ? x : result;
    }

    /// <summary>eˣ in double; as <see cref="Exp(float)"/> with double's u and range.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double Exp(double x)
    {
        double xc = Math.Min(Math.Max(x, DoubleExpLow), DoubleExpHigh);
        double t = Math.FusedMultiplyAdd(xc, DoubleLog2E, DoubleShifter);
        double nf = t - DoubleShifter;
        long n = BitConverter.DoubleToInt64Bits(t) - BitConverter.DoubleToInt64Bits(DoubleShifter);
        double r = Math.FusedMultiplyAdd(nf, -DoubleLn2Hi, xc);
        r = Math.FusedMultiplyAdd(nf, -DoubleLn2Lo, r);
        double[] c = DoubleExpC;
        double p = Math.FusedMultiplyAdd(c[0], r, c[1]);
        for (int k = 2; k < c.Length; k++)
            p = Math.FusedMultiplyAdd(p, r, c[k]);
        long n1 = BitConverter.DoubleToInt64Bits(nf * 0.5 + DoubleShifter) - BitConverter.DoubleToInt64Bits(DoubleShifter);
        long n2 = n - n1;
        double s1 = BitConverter.Int64BitsToDouble((n1 + 1023) << 52);
        double s2 = BitConverter.Int64BitsToDouble((n2 + 1023) << 52);
        double result = p * s1 * s2;
        return double.IsNaN(x) ? x : result;
    }

    /// <summary>
    /// ln x in float. Error ≤ 4u relative (measured maximum in spec/accuracy.md, <c>ACC-VECTOR-MATH</c>)
    /// for every positive finite x, subnormals included; ln 0 = −∞, ln ∞ = ∞, NaN for x &lt; 0 or NaN.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Log(float x)
    {
        bool subnormal = x < FloatSmallestNormal;
        float xs = subnormal ? x * FloatSubnormalScale : x;
        int ix = BitConverter.SingleToInt32Bits(xs) + (FloatOneBits - FloatSqrtHalfBits);
        int k = (int)((uint)ix >> 23) - 127;
        if (subnormal) k -= FloatSubnormalBits;
        float m = BitConverter.Int32BitsToSingle((ix & FloatMantissaMask) + FloatSqrtHalfBits);
        float kf = BitConverter.Int32BitsToSingle(k + BitConverter.SingleToInt32Bits(FloatShifter)) - FloatShifter;
        float f = m - 1.0f;
        float s = f / (2.0f + f);
        float z = s * s;
        float[] c = FloatLogC;
        float rr = MathF.FusedMultiplyAdd(c[0], z, c[1]);
        for (int i = 2; i < c.Length; i++)
            rr = MathF.FusedMultiplyAdd(rr, z, c[i]);
        rr *= z;
        float hfsq = 0.5f * f * f;
        float result = MathF.FusedMultiplyAdd(s, hfsq + rr, kf * FloatLn2Lo) - hfsq + f;
        result = MathF.FusedMultiplyAdd(kf, FloatLn2Hi, result);
        if (x == 0f) return float.NegativeInfinity;
        if (x == float.PositiveInfinity) return x;
        return x < 0f || float.IsNaN(x) ? float.NaN : result;
    }

    /// <summary>ln x in double; as <see cref="Log(float)"/> with double's u and range.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double Log(double x)
    {
        bool subnormal = x < DoubleSmallestNormal;
        double xs = subnormal ? x * DoubleSubnormalScale : x;
        long ix = BitConverter.DoubleToInt64Bits(xs) + (DoubleOneBits - DoubleSqrtHalfBits);
        long k = (long)((ulong)ix >> 52) - 1023;
        if (subnormal) k -= DoubleSubnormalBits;
        double m = BitConverter.Int64BitsToDouble((ix & DoubleMantissaMask) + DoubleSqrtHalfBits);
        double kf = BitConverter.Int64BitsToDouble(k + BitConverter.DoubleToInt64Bits(DoubleShifter)) - DoubleShifter;
        double f = m - 1.0;
        double s = f / (2.0 + f);
        double z = s * s;
        double[] c = DoubleLogC;
        double rr = Math.FusedMultiplyAdd(c[0], z, c[1]);
        for (int i = 2; i < c.Length; i++)
            rr = Math.FusedMultiplyAdd(rr, z, c[i]);
        rr *= z;
        double hfsq = 0.5 * f * f;
        double result = Math.FusedMultiplyAdd(s, hfsq + rr, kf * DoubleLn2Lo) - hfsq + f;
        result = Math.FusedMultiplyAdd(kf, DoubleLn2Hi, result);
        if (x == 0.0) return double.NegativeInfinity;
        if (x == double.PositiveInfinity) return x;
        return x < 0.0 || double.IsNaN(x) ? double.NaN : result;
    }
}
