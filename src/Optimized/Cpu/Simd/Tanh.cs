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
/// Method, on a = |x| (the sign of x copied back at the end). Two ranges, chosen per lane:
/// </para>
/// <para>
/// a &lt; ½ (<see cref="FloatSmallLimit"/>, <see cref="DoubleSmallLimit"/>): tanh a = a + a·s·Q(s), s = a², with Q a polynomial fitted to
/// (tanh √s / √s − 1)/s on [0, ¼] (degree 4 in float, 9 in double: Chebyshev interpolation at
/// 60 digits, <c>scripts/fit-tanh-polynomial</c>; its error, weighted by s, ≤ u/8). No division and no
/// exp: a·s·Q is at most a/12, so its rounding errors reach the result scaled by 1/12, and the last
/// fused multiply-add rounds once. This is the range the soft-cap meets in practice (|z| &lt; c/2).
/// </para>
/// <para>
/// a ≥ ½: tanh a = −m/(2 + m) with m = e^y − 1, y = −2a ≤ −1 (exact).
/// m is an expm1: y = n·ln2 + r (Cody–Waite) with n = ⌊y/ln2 + ½⌉, so that r ∈ [−ln2, 0] (not the
/// symmetric |r| ≤ ln2/2 of exp); e^r − 1 = r + r²·Q(r) with Q the Taylor polynomial of (e^r − 1 − r)/r²
/// (degree 8 in float, 15 in double: remainder ≤ 0.02u), the r² term added to r in one fused
/// multiply-add; and m = 2ⁿ·(e^r − 1) + (2ⁿ − 1) in one more, whose two terms are both ≤ 0: nothing
/// cancels. 2 + m ∈ (1, 2) never cancels either. (The symmetric reduction measured 3.5u in float at x = 0.181,
/// where 2⁻¹(e^r − 1) − ½ cancels for r ≈ +ln2/2.) y is clamped at −20 (float) / −40 (double), where m rounds to −1
/// and tanh to 1, as it does exactly. tanh(±0) = ±0, tanh(±∞) = ±1, NaN stays NaN.
/// </para>
/// <para>
/// A vector whose lanes are all in one range computes that range only (the soft-cap's vectors, nearly
/// always); a mixed vector computes both and selects per lane, so the bits never depend on the neighbours.
/// The all-small test is x² &lt; ¼ on the signed x, and the small range is then computed on x itself (the
/// polynomial is odd bit for bit: −x gives exactly −tanh x), the sign bit of x OR-ed in for tanh(−0) = −0:
/// no |x|, no copysign, no NaN select (NaN fails the test). That path is 11 vector instructions in float.
/// </para>
/// <para>
/// Accuracy (spec/accuracy.md, ACC-LOSSOPT 1 and the tanh paragraph of ACC-MODEL; measured by
/// tests/SelfTests/TanhAccuracy.cs): within ACC-MODEL's 4u for elementary functions.
/// </para>
/// </summary>
internal static class TanhMath
{
    internal const float FloatSmallLimit = 0.5f;    // below it the polynomial; at and above it the expm1 form
    internal const double DoubleSmallLimit = 0.5;
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

    // Q(s) ≈ (tanh √s / √s − 1)/s on [0, ¼] for the small range, highest degree first (scripts/fit-tanh-polynomial prints them; Q(0) = −⅓).
    internal const float FloatSmallC4 = -0.00694294175f;
    internal const float FloatSmallC3 = 0.021470683f;
    internal const float FloatSmallC2 = -0.0539334691f;
    internal const float FloatSmallC1 = 0.133332258f;
    internal const float FloatSmallC0 = -0.333333328f;
    internal const double DoubleSmallC9 = 0.000059469565897747691;
    internal const double DoubleSmallC8 = -0.00022107222975864634;
    internal const double DoubleSmallC7 = 0.00058496537290226446;
    internal const double DoubleSmallC6 = -0.0014549593843804661;
    internal const double DoubleSmallC5 = 0.0035920334653723928;
    internal const double DoubleSmallC4 = -0.0088632292700678434;
    internal const double DoubleSmallC3 = 0.021869488297234514;
    internal const double DoubleSmallC2 = -0.053968253963610086;
    internal const double DoubleSmallC1 = 0.13333333333329824;
    internal const double DoubleSmallC0 = -0.33333333333333329;
    // 1/(k + 2)! for the large range's expm1: (e^r − 1 − r)/r² = Σ r^k/(k + 2)! (Taylor; float: the double value rounded to float).
    internal const float FloatExpm1C8 = (float)(1.0 / 3628800.0);
    internal const float FloatExpm1C7 = (float)(1.0 / 362880.0);
    internal const float FloatExpm1C6 = (float)(1.0 / 40320.0);
    internal const float FloatExpm1C5 = (float)(1.0 / 5040.0);
    internal const float FloatExpm1C4 = (float)(1.0 / 720.0);
    internal const float FloatExpm1C3 = (float)(1.0 / 120.0);
    internal const float FloatExpm1C2 = (float)(1.0 / 24.0);
    internal const float FloatExpm1C1 = (float)(1.0 / 6.0);
    internal const float FloatExpm1C0 = (float)(1.0 / 2.0);
    internal const double DoubleExpm1C15 = 1.0 / 355687428096000.0;
    internal const double DoubleExpm1C14 = 1.0 / 20922789888000.0;
    internal const double DoubleExpm1C13 = 1.0 / 1307674368000.0;
    internal const double DoubleExpm1C12 = 1.0 / 87178291200.0;
    internal const double DoubleExpm1C11 = 1.0 / 6227020800.0;
    internal const double DoubleExpm1C10 = 1.0 / 479001600.0;
    internal const double DoubleExpm1C9 = 1.0 / 39916800.0;
    internal const double DoubleExpm1C8 = 1.0 / 3628800.0;
    internal const double DoubleExpm1C7 = 1.0 / 362880.0;
    internal const double DoubleExpm1C6 = 1.0 / 40320.0;
    internal const double DoubleExpm1C5 = 1.0 / 5040.0;
    internal const double DoubleExpm1C4 = 1.0 / 720.0;
    internal const double DoubleExpm1C3 = 1.0 / 120.0;
    internal const double DoubleExpm1C2 = 1.0 / 24.0;
    internal const double DoubleExpm1C1 = 1.0 / 6.0;
    internal const double DoubleExpm1C0 = 1.0 / 2.0;

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
        float a = MathF.Abs(x);
        float th = a < FloatSmallLimit ? Small(a) : Large(a);
        return float.IsNaN(x) ? x : MathF.CopySign(th, x);
    }

    /// <summary>tanh a for 0 ≤ a &lt; ½: a + a·s·Q(s), s = a².</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static float Small(float a)
    {
        float s = a * a;
        float q = MathF.FusedMultiplyAdd(FloatSmallC4, s, FloatSmallC3);
        q = MathF.FusedMultiplyAdd(q, s, FloatSmallC2);
        q = MathF.FusedMultiplyAdd(q, s, FloatSmallC1);
        q = MathF.FusedMultiplyAdd(q, s, FloatSmallC0);
        return MathF.FusedMultiplyAdd(a * s, q, a);
    }

    /// <summary>tanh a for a ≥ ½ (any a ≥ 0 is computed correctly; NaN gives NaN): −m/(2 + m), m = expm1(−2a).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static float Large(float a)
    {
        float y = MathF.Max(-2f * a, FloatLow);
        float t = MathF.FusedMultiplyAdd(y, FloatLog2E, 0.5f) + FloatShifter;   // n = ⌊y·log₂e + ½⌉: r ≤ 0
        float nf = t - FloatShifter;
        int n = BitConverter.SingleToInt32Bits(t) - BitConverter.SingleToInt32Bits(FloatShifter);
        float r = MathF.FusedMultiplyAdd(nf, -FloatLn2Hi, y);
        r = MathF.FusedMultiplyAdd(nf, -FloatLn2Lo, r);
        float p = MathF.FusedMultiplyAdd(FloatExpm1C8, r, FloatExpm1C7);
        p = MathF.FusedMultiplyAdd(p, r, FloatExpm1C6);
        p = MathF.FusedMultiplyAdd(p, r, FloatExpm1C5);
        p = MathF.FusedMultiplyAdd(p, r, FloatExpm1C4);
        p = MathF.FusedMultiplyAdd(p, r, FloatExpm1C3);
        p = MathF.FusedMultiplyAdd(p, r, FloatExpm1C2);
        p = MathF.FusedMultiplyAdd(p, r, FloatExpm1C1);
        p = MathF.FusedMultiplyAdd(p, r, FloatExpm1C0);
        float s = BitConverter.Int32BitsToSingle((n + 127) << 23);
        float m = MathF.FusedMultiplyAdd(s, MathF.FusedMultiplyAdd(r * p, r, r), s - 1f);
        return (0f - m) / (2f + m);
    }

    /// <summary>tanh x in double (method and accuracy: the class summary).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double Tanh(double x)
    {
        double a = Math.Abs(x);
        double th = a < DoubleSmallLimit ? Small(a) : Large(a);
        return double.IsNaN(x) ? x : Math.CopySign(th, x);
    }

    /// <summary>tanh a for 0 ≤ a &lt; ½: a + a·s·Q(s), s = a².</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static double Small(double a)
    {
        double s = a * a;
        double q = Math.FusedMultiplyAdd(DoubleSmallC9, s, DoubleSmallC8);
        q = Math.FusedMultiplyAdd(q, s, DoubleSmallC7);
        q = Math.FusedMultiplyAdd(q, s, DoubleSmallC6);
        q = Math.FusedMultiplyAdd(q, s, DoubleSmallC5);
        q = Math.FusedMultiplyAdd(q, s, DoubleSmallC4);
        q = Math.FusedMultiplyAdd(q, s, DoubleSmallC3);
        q = Math.FusedMultiplyAdd(q, s, DoubleSmallC2);
        q = Math.FusedMultiplyAdd(q, s, DoubleSmallC1);
        q = Math.FusedMultiplyAdd(q, s, DoubleSmallC0);
        return Math.FusedMultiplyAdd(a * s, q, a);
    }

    /// <summary>tanh a for a ≥ ½ (any a ≥ 0 is computed correctly; NaN gives NaN): −m/(2 + m), m = expm1(−2a).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static double Large(double a)
    {
        double y = Math.Max(-2.0 * a, DoubleLow);
        double t = Math.FusedMultiplyAdd(y, DoubleLog2E, 0.5) + DoubleShifter;   // n = ⌊y·log₂e + ½⌉: r ≤ 0
        double nf = t - DoubleShifter;
        long n = BitConverter.DoubleToInt64Bits(t) - BitConverter.DoubleToInt64Bits(DoubleShifter);
        double r = Math.FusedMultiplyAdd(nf, -DoubleLn2Hi, y);
        r = Math.FusedMultiplyAdd(nf, -DoubleLn2Lo, r);
        double p = Math.FusedMultiplyAdd(DoubleExpm1C15, r, DoubleExpm1C14);
        p = Math.FusedMultiplyAdd(p, r, DoubleExpm1C13);
        p = Math.FusedMultiplyAdd(p, r, DoubleExpm1C12);
        p = Math.FusedMultiplyAdd(p, r, DoubleExpm1C11);
        p = Math.FusedMultiplyAdd(p, r, DoubleExpm1C10);
        p = Math.FusedMultiplyAdd(p, r, DoubleExpm1C9);
        p = Math.FusedMultiplyAdd(p, r, DoubleExpm1C8);
        p = Math.FusedMultiplyAdd(p, r, DoubleExpm1C7);
        p = Math.FusedMultiplyAdd(p, r, DoubleExpm1C6);
        p = Math.FusedMultiplyAdd(p, r, DoubleExpm1C5);
        p = Math.FusedMultiplyAdd(p, r, DoubleExpm1C4);
        p = Math.FusedMultiplyAdd(p, r, DoubleExpm1C3);
        p = Math.FusedMultiplyAdd(p, r, DoubleExpm1C2);
        p = Math.FusedMultiplyAdd(p, r, DoubleExpm1C1);
        p = Math.FusedMultiplyAdd(p, r, DoubleExpm1C0);
        double s = BitConverter.Int64BitsToDouble((n + 1023L) << 52);
        double m = Math.FusedMultiplyAdd(s, Math.FusedMultiplyAdd(r * p, r, r), s - 1.0);
        return (0.0 - m) / (2.0 + m);
    }

    // ---- The vector widths: the same text three times, Vector128, Vector256, Vector512 (written once, the width renamed).

    /// <summary>tanh x in float, Vector128 lanes; method and accuracy: <see cref="Tanh(float)"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Tanh(Vector128<float> x)
    {
        // Every lane below ½ (the soft-cap's vectors, nearly always): x² < ¼ says it (rounding x² is monotone and ¼ is a float,
        // so x² rounds below ¼ exactly when |x| < ½; NaN fails), and Small is odd bit for bit, so it takes x itself:
        // no |x|, no copysign but the OR that keeps tanh(−0) = −0, no NaN select.
        Vector128<float> s = x * x;
        if (Vector128.LessThanAll(s, Vector128.Create(FloatSmallLimit * FloatSmallLimit))) return Small(x, s) | (x & Vector128.Create(-0f));
        Vector128<float> a = Vector128.Abs(x), limit = Vector128.Create(FloatSmallLimit);
        Vector128<float> th;
        if (!Vector128.LessThanAny(a, limit)) th = Large(a);
        else th = Vector128.ConditionalSelect(Vector128.LessThan(a, limit), Small(a, s), Large(a));
        Vector128<float> signed = Vector128.ConditionalSelect(Vector128.Create(-0f), x, th);   // copysign(th, x)
        return Vector128.ConditionalSelect(Vector128.Equals(x, x), signed, x);              // NaN stays NaN
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<float> Small(Vector128<float> a, Vector128<float> s)   // s = a²; odd in a, bit for bit
    {
        Vector128<float> q = Vector128.FusedMultiplyAdd(Vector128.Create(FloatSmallC4), s, Vector128.Create(FloatSmallC3));
        q = Vector128.FusedMultiplyAdd(q, s, Vector128.Create(FloatSmallC2));
        q = Vector128.FusedMultiplyAdd(q, s, Vector128.Create(FloatSmallC1));
        q = Vector128.FusedMultiplyAdd(q, s, Vector128.Create(FloatSmallC0));
        return Vector128.FusedMultiplyAdd(a * s, q, a);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<float> Large(Vector128<float> a)
    {
        Vector128<float> y = Vector128.MaxNative(a * Vector128.Create(-2f), Vector128.Create(FloatLow));
        Vector128<float> shifter = Vector128.Create(FloatShifter);
        Vector128<float> t = Vector128.FusedMultiplyAdd(y, Vector128.Create(FloatLog2E), Vector128.Create(0.5f)) + shifter;
        Vector128<float> nf = t - shifter;
        Vector128<int> n = t.AsInt32() - shifter.AsInt32();
        Vector128<float> r = Vector128.FusedMultiplyAdd(nf, Vector128.Create(-FloatLn2Hi), y);
        r = Vector128.FusedMultiplyAdd(nf, Vector128.Create(-FloatLn2Lo), r);
        Vector128<float> p = Vector128.FusedMultiplyAdd(Vector128.Create(FloatExpm1C8), r, Vector128.Create(FloatExpm1C7));
        p = Vector128.FusedMultiplyAdd(p, r, Vector128.Create(FloatExpm1C6));
        p = Vector128.FusedMultiplyAdd(p, r, Vector128.Create(FloatExpm1C5));
        p = Vector128.FusedMultiplyAdd(p, r, Vector128.Create(FloatExpm1C4));
        p = Vector128.FusedMultiplyAdd(p, r, Vector128.Create(FloatExpm1C3));
        p = Vector128.FusedMultiplyAdd(p, r, Vector128.Create(FloatExpm1C2));
        p = Vector128.FusedMultiplyAdd(p, r, Vector128.Create(FloatExpm1C1));
        p = Vector128.FusedMultiplyAdd(p, r, Vector128.Create(FloatExpm1C0));
        Vector128<float> s = Vector128.ShiftLeft(n + Vector128.Create(127), 23).AsSingle();
        Vector128<float> m = Vector128.FusedMultiplyAdd(s, Vector128.FusedMultiplyAdd(r * p, r, r), s - Vector128.Create(1f));
        return (Vector128<float>.Zero - m) / (Vector128.Create(2f) + m);
    }

    /// <summary>tanh x in double, Vector128 lanes; method and accuracy: <see cref="Tanh(double)"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<double> Tanh(Vector128<double> x)
    {
        // Every lane below ½ (the soft-cap's vectors, nearly always): x² < ¼ says it (rounding x² is monotone and ¼ is a float,
        // so x² rounds below ¼ exactly when |x| < ½; NaN fails), and Small is odd bit for bit, so it takes x itself:
        // no |x|, no copysign but the OR that keeps tanh(−0) = −0, no NaN select.
        Vector128<double> s = x * x;
        if (Vector128.LessThanAll(s, Vector128.Create(DoubleSmallLimit * DoubleSmallLimit))) return Small(x, s) | (x & Vector128.Create(-0.0));
        Vector128<double> a = Vector128.Abs(x), limit = Vector128.Create(DoubleSmallLimit);
        Vector128<double> th;
        if (!Vector128.LessThanAny(a, limit)) th = Large(a);
        else th = Vector128.ConditionalSelect(Vector128.LessThan(a, limit), Small(a, s), Large(a));
        Vector128<double> signed = Vector128.ConditionalSelect(Vector128.Create(-0.0), x, th);   // copysign(th, x)
        return Vector128.ConditionalSelect(Vector128.Equals(x, x), signed, x);              // NaN stays NaN
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<double> Small(Vector128<double> a, Vector128<double> s)   // s = a²; odd in a, bit for bit
    {
        Vector128<double> q = Vector128.FusedMultiplyAdd(Vector128.Create(DoubleSmallC9), s, Vector128.Create(DoubleSmallC8));
        q = Vector128.FusedMultiplyAdd(q, s, Vector128.Create(DoubleSmallC7));
        q = Vector128.FusedMultiplyAdd(q, s, Vector128.Create(DoubleSmallC6));
        q = Vector128.FusedMultiplyAdd(q, s, Vector128.Create(DoubleSmallC5));
        q = Vector128.FusedMultiplyAdd(q, s, Vector128.Create(DoubleSmallC4));
        q = Vector128.FusedMultiplyAdd(q, s, Vector128.Create(DoubleSmallC3));
        q = Vector128.FusedMultiplyAdd(q, s, Vector128.Create(DoubleSmallC2));
        q = Vector128.FusedMultiplyAdd(q, s, Vector128.Create(DoubleSmallC1));
        q = Vector128.FusedMultiplyAdd(q, s, Vector128.Create(DoubleSmallC0));
        return Vector128.FusedMultiplyAdd(a * s, q, a);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<double> Large(Vector128<double> a)
    {
        Vector128<double> y = Vector128.MaxNative(a * Vector128.Create(-2.0), Vector128.Create(DoubleLow));
        Vector128<double> shifter = Vector128.Create(DoubleShifter);
        Vector128<double> t = Vector128.FusedMultiplyAdd(y, Vector128.Create(DoubleLog2E), Vector128.Create(0.5)) + shifter;
        Vector128<double> nf = t - shifter;
        Vector128<long> n = t.AsInt64() - shifter.AsInt64();
        Vector128<double> r = Vector128.FusedMultiplyAdd(nf, Vector128.Create(-DoubleLn2Hi), y);
        r = Vector128.FusedMultiplyAdd(nf, Vector128.Create(-DoubleLn2Lo), r);
        Vector128<double> p = Vector128.FusedMultiplyAdd(Vector128.Create(DoubleExpm1C15), r, Vector128.Create(DoubleExpm1C14));
        p = Vector128.FusedMultiplyAdd(p, r, Vector128.Create(DoubleExpm1C13));
        p = Vector128.FusedMultiplyAdd(p, r, Vector128.Create(DoubleExpm1C12));
        p = Vector128.FusedMultiplyAdd(p, r, Vector128.Create(DoubleExpm1C11));
        p = Vector128.FusedMultiplyAdd(p, r, Vector128.Create(DoubleExpm1C10));
        p = Vector128.FusedMultiplyAdd(p, r, Vector128.Create(DoubleExpm1C9));
        p = Vector128.FusedMultiplyAdd(p, r, Vector128.Create(DoubleExpm1C8));
        p = Vector128.FusedMultiplyAdd(p, r, Vector128.Create(DoubleExpm1C7));
        p = Vector128.FusedMultiplyAdd(p, r, Vector128.Create(DoubleExpm1C6));
        p = Vector128.FusedMultiplyAdd(p, r, Vector128.Create(DoubleExpm1C5));
        p = Vector128.FusedMultiplyAdd(p, r, Vector128.Create(DoubleExpm1C4));
        p = Vector128.FusedMultiplyAdd(p, r, Vector128.Create(DoubleExpm1C3));
        p = Vector128.FusedMultiplyAdd(p, r, Vector128.Create(DoubleExpm1C2));
        p = Vector128.FusedMultiplyAdd(p, r, Vector128.Create(DoubleExpm1C1));
        p = Vector128.FusedMultiplyAdd(p, r, Vector128.Create(DoubleExpm1C0));
        Vector128<double> s = Vector128.ShiftLeft(n + Vector128.Create(1023L), 52).AsDouble();
        Vector128<double> m = Vector128.FusedMultiplyAdd(s, Vector128.FusedMultiplyAdd(r * p, r, r), s - Vector128.Create(1.0));
        return (Vector128<double>.Zero - m) / (Vector128.Create(2.0) + m);
    }

    /// <summary>tanh x in float, Vector256 lanes; method and accuracy: <see cref="Tanh(float)"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Tanh(Vector256<float> x)
    {
        // Every lane below ½ (the soft-cap's vectors, nearly always): x² < ¼ says it (rounding x² is monotone and ¼ is a float,
        // so x² rounds below ¼ exactly when |x| < ½; NaN fails), and Small is odd bit for bit, so it takes x itself:
        // no |x|, no copysign but the OR that keeps tanh(−0) = −0, no NaN select.
        Vector256<float> s = x * x;
        if (Vector256.LessThanAll(s, Vector256.Create(FloatSmallLimit * FloatSmallLimit))) return Small(x, s) | (x & Vector256.Create(-0f));
        Vector256<float> a = Vector256.Abs(x), limit = Vector256.Create(FloatSmallLimit);
        Vector256<float> th;
        if (!Vector256.LessThanAny(a, limit)) th = Large(a);
        else th = Vector256.ConditionalSelect(Vector256.LessThan(a, limit), Small(a, s), Large(a));
        Vector256<float> signed = Vector256.ConditionalSelect(Vector256.Create(-0f), x, th);   // copysign(th, x)
        return Vector256.ConditionalSelect(Vector256.Equals(x, x), signed, x);              // NaN stays NaN
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> Small(Vector256<float> a, Vector256<float> s)   // s = a²; odd in a, bit for bit
    {
        Vector256<float> q = Vector256.FusedMultiplyAdd(Vector256.Create(FloatSmallC4), s, Vector256.Create(FloatSmallC3));
        q = Vector256.FusedMultiplyAdd(q, s, Vector256.Create(FloatSmallC2));
        q = Vector256.FusedMultiplyAdd(q, s, Vector256.Create(FloatSmallC1));
        q = Vector256.FusedMultiplyAdd(q, s, Vector256.Create(FloatSmallC0));
        return Vector256.FusedMultiplyAdd(a * s, q, a);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> Large(Vector256<float> a)
    {
        Vector256<float> y = Vector256.MaxNative(a * Vector256.Create(-2f), Vector256.Create(FloatLow));
        Vector256<float> shifter = Vector256.Create(FloatShifter);
        Vector256<float> t = Vector256.FusedMultiplyAdd(y, Vector256.Create(FloatLog2E), Vector256.Create(0.5f)) + shifter;
        Vector256<float> nf = t - shifter;
        Vector256<int> n = t.AsInt32() - shifter.AsInt32();
        Vector256<float> r = Vector256.FusedMultiplyAdd(nf, Vector256.Create(-FloatLn2Hi), y);
        r = Vector256.FusedMultiplyAdd(nf, Vector256.Create(-FloatLn2Lo), r);
        Vector256<float> p = Vector256.FusedMultiplyAdd(Vector256.Create(FloatExpm1C8), r, Vector256.Create(FloatExpm1C7));
        p = Vector256.FusedMultiplyAdd(p, r, Vector256.Create(FloatExpm1C6));
        p = Vector256.FusedMultiplyAdd(p, r, Vector256.Create(FloatExpm1C5));
        p = Vector256.FusedMultiplyAdd(p, r, Vector256.Create(FloatExpm1C4));
        p = Vector256.FusedMultiplyAdd(p, r, Vector256.Create(FloatExpm1C3));
        p = Vector256.FusedMultiplyAdd(p, r, Vector256.Create(FloatExpm1C2));
        p = Vector256.FusedMultiplyAdd(p, r, Vector256.Create(FloatExpm1C1));
        p = Vector256.FusedMultiplyAdd(p, r, Vector256.Create(FloatExpm1C0));
        Vector256<float> s = Vector256.ShiftLeft(n + Vector256.Create(127), 23).AsSingle();
        Vector256<float> m = Vector256.FusedMultiplyAdd(s, Vector256.FusedMultiplyAdd(r * p, r, r), s - Vector256.Create(1f));
        return (Vector256<float>.Zero - m) / (Vector256.Create(2f) + m);
    }

    /// <summary>tanh x in double, Vector256 lanes; method and accuracy: <see cref="Tanh(double)"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<double> Tanh(Vector256<double> x)
    {
        // Every lane below ½ (the soft-cap's vectors, nearly always): x² < ¼ says it (rounding x² is monotone and ¼ is a float,
        // so x² rounds below ¼ exactly when |x| < ½; NaN fails), and Small is odd bit for bit, so it takes x itself:
        // no |x|, no copysign but the OR that keeps tanh(−0) = −0, no NaN select.
        Vector256<double> s = x * x;
        if (Vector256.LessThanAll(s, Vector256.Create(DoubleSmallLimit * DoubleSmallLimit))) return Small(x, s) | (x & Vector256.Create(-0.0));
        Vector256<double> a = Vector256.Abs(x), limit = Vector256.Create(DoubleSmallLimit);
        Vector256<double> th;
        if (!Vector256.LessThanAny(a, limit)) th = Large(a);
        else th = Vector256.ConditionalSelect(Vector256.LessThan(a, limit), Small(a, s), Large(a));
        Vector256<double> signed = Vector256.ConditionalSelect(Vector256.Create(-0.0), x, th);   // copysign(th, x)
        return Vector256.ConditionalSelect(Vector256.Equals(x, x), signed, x);              // NaN stays NaN
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<double> Small(Vector256<double> a, Vector256<double> s)   // s = a²; odd in a, bit for bit
    {
        Vector256<double> q = Vector256.FusedMultiplyAdd(Vector256.Create(DoubleSmallC9), s, Vector256.Create(DoubleSmallC8));
        q = Vector256.FusedMultiplyAdd(q, s, Vector256.Create(DoubleSmallC7));
        q = Vector256.FusedMultiplyAdd(q, s, Vector256.Create(DoubleSmallC6));
        q = Vector256.FusedMultiplyAdd(q, s, Vector256.Create(DoubleSmallC5));
        q = Vector256.FusedMultiplyAdd(q, s, Vector256.Create(DoubleSmallC4));
        q = Vector256.FusedMultiplyAdd(q, s, Vector256.Create(DoubleSmallC3));
        q = Vector256.FusedMultiplyAdd(q, s, Vector256.Create(DoubleSmallC2));
        q = Vector256.FusedMultiplyAdd(q, s, Vector256.Create(DoubleSmallC1));
        q = Vector256.FusedMultiplyAdd(q, s, Vector256.Create(DoubleSmallC0));
        return Vector256.FusedMultiplyAdd(a * s, q, a);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<double> Large(Vector256<double> a)
    {
        Vector256<double> y = Vector256.MaxNative(a * Vector256.Create(-2.0), Vector256.Create(DoubleLow));
        Vector256<double> shifter = Vector256.Create(DoubleShifter);
        Vector256<double> t = Vector256.FusedMultiplyAdd(y, Vector256.Create(DoubleLog2E), Vector256.Create(0.5)) + shifter;
        Vector256<double> nf = t - shifter;
        Vector256<long> n = t.AsInt64() - shifter.AsInt64();
        Vector256<double> r = Vector256.FusedMultiplyAdd(nf, Vector256.Create(-DoubleLn2Hi), y);
        r = Vector256.FusedMultiplyAdd(nf, Vector256.Create(-DoubleLn2Lo), r);
        Vector256<double> p = Vector256.FusedMultiplyAdd(Vector256.Create(DoubleExpm1C15), r, Vector256.Create(DoubleExpm1C14));
        p = Vector256.FusedMultiplyAdd(p, r, Vector256.Create(DoubleExpm1C13));
        p = Vector256.FusedMultiplyAdd(p, r, Vector256.Create(DoubleExpm1C12));
        p = Vector256.FusedMultiplyAdd(p, r, Vector256.Create(DoubleExpm1C11));
        p = Vector256.FusedMultiplyAdd(p, r, Vector256.Create(DoubleExpm1C10));
        p = Vector256.FusedMultiplyAdd(p, r, Vector256.Create(DoubleExpm1C9));
        p = Vector256.FusedMultiplyAdd(p, r, Vector256.Create(DoubleExpm1C8));
        p = Vector256.FusedMultiplyAdd(p, r, Vector256.Create(DoubleExpm1C7));
        p = Vector256.FusedMultiplyAdd(p, r, Vector256.Create(DoubleExpm1C6));
        p = Vector256.FusedMultiplyAdd(p, r, Vector256.Create(DoubleExpm1C5));
        p = Vector256.FusedMultiplyAdd(p, r, Vector256.Create(DoubleExpm1C4));
        p = Vector256.FusedMultiplyAdd(p, r, Vector256.Create(DoubleExpm1C3));
        p = Vector256.FusedMultiplyAdd(p, r, Vector256.Create(DoubleExpm1C2));
        p = Vector256.FusedMultiplyAdd(p, r, Vector256.Create(DoubleExpm1C1));
        p = Vector256.FusedMultiplyAdd(p, r, Vector256.Create(DoubleExpm1C0));
        Vector256<double> s = Vector256.ShiftLeft(n + Vector256.Create(1023L), 52).AsDouble();
        Vector256<double> m = Vector256.FusedMultiplyAdd(s, Vector256.FusedMultiplyAdd(r * p, r, r), s - Vector256.Create(1.0));
        return (Vector256<double>.Zero - m) / (Vector256.Create(2.0) + m);
    }

    /// <summary>tanh x in float, Vector512 lanes; method and accuracy: <see cref="Tanh(float)"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Tanh(Vector512<float> x)
    {
        // Every lane below ½ (the soft-cap's vectors, nearly always): x² < ¼ says it (rounding x² is monotone and ¼ is a float,
        // so x² rounds below ¼ exactly when |x| < ½; NaN fails), and Small is odd bit for bit, so it takes x itself:
        // no |x|, no copysign but the OR that keeps tanh(−0) = −0, no NaN select.
        Vector512<float> s = x * x;
        if (Vector512.LessThanAll(s, Vector512.Create(FloatSmallLimit * FloatSmallLimit))) return Small(x, s) | (x & Vector512.Create(-0f));
        Vector512<float> a = Vector512.Abs(x), limit = Vector512.Create(FloatSmallLimit);
        Vector512<float> th;
        if (!Vector512.LessThanAny(a, limit)) th = Large(a);
        else th = Vector512.ConditionalSelect(Vector512.LessThan(a, limit), Small(a, s), Large(a));
        Vector512<float> signed = Vector512.ConditionalSelect(Vector512.Create(-0f), x, th);   // copysign(th, x)
        return Vector512.ConditionalSelect(Vector512.Equals(x, x), signed, x);              // NaN stays NaN
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> Small(Vector512<float> a, Vector512<float> s)   // s = a²; odd in a, bit for bit
    {
        Vector512<float> q = Vector512.FusedMultiplyAdd(Vector512.Create(FloatSmallC4), s, Vector512.Create(FloatSmallC3));
        q = Vector512.FusedMultiplyAdd(q, s, Vector512.Create(FloatSmallC2));
        q = Vector512.FusedMultiplyAdd(q, s, Vector512.Create(FloatSmallC1));
        q = Vector512.FusedMultiplyAdd(q, s, Vector512.Create(FloatSmallC0));
        return Vector512.FusedMultiplyAdd(a * s, q, a);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> Large(Vector512<float> a)
    {
        Vector512<float> y = Vector512.MaxNative(a * Vector512.Create(-2f), Vector512.Create(FloatLow));
        Vector512<float> shifter = Vector512.Create(FloatShifter);
        Vector512<float> t = Vector512.FusedMultiplyAdd(y, Vector512.Create(FloatLog2E), Vector512.Create(0.5f)) + shifter;
        Vector512<float> nf = t - shifter;
        Vector512<int> n = t.AsInt32() - shifter.AsInt32();
        Vector512<float> r = Vector512.FusedMultiplyAdd(nf, Vector512.Create(-FloatLn2Hi), y);
        r = Vector512.FusedMultiplyAdd(nf, Vector512.Create(-FloatLn2Lo), r);
        Vector512<float> p = Vector512.FusedMultiplyAdd(Vector512.Create(FloatExpm1C8), r, Vector512.Create(FloatExpm1C7));
        p = Vector512.FusedMultiplyAdd(p, r, Vector512.Create(FloatExpm1C6));
        p = Vector512.FusedMultiplyAdd(p, r, Vector512.Create(FloatExpm1C5));
        p = Vector512.FusedMultiplyAdd(p, r, Vector512.Create(FloatExpm1C4));
        p = Vector512.FusedMultiplyAdd(p, r, Vector512.Create(FloatExpm1C3));
        p = Vector512.FusedMultiplyAdd(p, r, Vector512.Create(FloatExpm1C2));
        p = Vector512.FusedMultiplyAdd(p, r, Vector512.Create(FloatExpm1C1));
        p = Vector512.FusedMultiplyAdd(p, r, Vector512.Create(FloatExpm1C0));
        Vector512<float> s = Vector512.ShiftLeft(n + Vector512.Create(127), 23).AsSingle();
        Vector512<float> m = Vector512.FusedMultiplyAdd(s, Vector512.FusedMultiplyAdd(r * p, r, r), s - Vector512.Create(1f));
        return (Vector512<float>.Zero - m) / (Vector512.Create(2f) + m);
    }

    /// <summary>tanh x in double, Vector512 lanes; method and accuracy: <see cref="Tanh(double)"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<double> Tanh(Vector512<double> x)
    {
        // Every lane below ½ (the soft-cap's vectors, nearly always): x² < ¼ says it (rounding x² is monotone and ¼ is a float,
        // so x² rounds below ¼ exactly when |x| < ½; NaN fails), and Small is odd bit for bit, so it takes x itself:
        // no |x|, no copysign but the OR that keeps tanh(−0) = −0, no NaN select.
        Vector512<double> s = x * x;
        if (Vector512.LessThanAll(s, Vector512.Create(DoubleSmallLimit * DoubleSmallLimit))) return Small(x, s) | (x & Vector512.Create(-0.0));
        Vector512<double> a = Vector512.Abs(x), limit = Vector512.Create(DoubleSmallLimit);
        Vector512<double> th;
        if (!Vector512.LessThanAny(a, limit)) th = Large(a);
        else th = Vector512.ConditionalSelect(Vector512.LessThan(a, limit), Small(a, s), Large(a));
        Vector512<double> signed = Vector512.ConditionalSelect(Vector512.Create(-0.0), x, th);   // copysign(th, x)
        return Vector512.ConditionalSelect(Vector512.Equals(x, x), signed, x);              // NaN stays NaN
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<double> Small(Vector512<double> a, Vector512<double> s)   // s = a²; odd in a, bit for bit
    {
        Vector512<double> q = Vector512.FusedMultiplyAdd(Vector512.Create(DoubleSmallC9), s, Vector512.Create(DoubleSmallC8));
        q = Vector512.FusedMultiplyAdd(q, s, Vector512.Create(DoubleSmallC7));
        q = Vector512.FusedMultiplyAdd(q, s, Vector512.Create(DoubleSmallC6));
        q = Vector512.FusedMultiplyAdd(q, s, Vector512.Create(DoubleSmallC5));
        q = Vector512.FusedMultiplyAdd(q, s, Vector512.Create(DoubleSmallC4));
        q = Vector512.FusedMultiplyAdd(q, s, Vector512.Create(DoubleSmallC3));
        q = Vector512.FusedMultiplyAdd(q, s, Vector512.Create(DoubleSmallC2));
        q = Vector512.FusedMultiplyAdd(q, s, Vector512.Create(DoubleSmallC1));
        q = Vector512.FusedMultiplyAdd(q, s, Vector512.Create(DoubleSmallC0));
        return Vector512.FusedMultiplyAdd(a * s, q, a);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<double> Large(Vector512<double> a)
    {
        Vector512<double> y = Vector512.MaxNative(a * Vector512.Create(-2.0), Vector512.Create(DoubleLow));
        Vector512<double> shifter = Vector512.Create(DoubleShifter);
        Vector512<double> t = Vector512.FusedMultiplyAdd(y, Vector512.Create(DoubleLog2E), Vector512.Create(0.5)) + shifter;
        Vector512<double> nf = t - shifter;
        Vector512<long> n = t.AsInt64() - shifter.AsInt64();
        Vector512<double> r = Vector512.FusedMultiplyAdd(nf, Vector512.Create(-DoubleLn2Hi), y);
        r = Vector512.FusedMultiplyAdd(nf, Vector512.Create(-DoubleLn2Lo), r);
        Vector512<double> p = Vector512.FusedMultiplyAdd(Vector512.Create(DoubleExpm1C15), r, Vector512.Create(DoubleExpm1C14));
        p = Vector512.FusedMultiplyAdd(p, r, Vector512.Create(DoubleExpm1C13));
        p = Vector512.FusedMultiplyAdd(p, r, Vector512.Create(DoubleExpm1C12));
        p = Vector512.FusedMultiplyAdd(p, r, Vector512.Create(DoubleExpm1C11));
        p = Vector512.FusedMultiplyAdd(p, r, Vector512.Create(DoubleExpm1C10));
        p = Vector512.FusedMultiplyAdd(p, r, Vector512.Create(DoubleExpm1C9));
        p = Vector512.FusedMultiplyAdd(p, r, Vector512.Create(DoubleExpm1C8));
        p = Vector512.FusedMultiplyAdd(p, r, Vector512.Create(DoubleExpm1C7));
        p = Vector512.FusedMultiplyAdd(p, r, Vector512.Create(DoubleExpm1C6));
        p = Vector512.FusedMultiplyAdd(p, r, Vector512.Create(DoubleExpm1C5));
        p = Vector512.FusedMultiplyAdd(p, r, Vector512.Create(DoubleExpm1C4));
        p = Vector512.FusedMultiplyAdd(p, r, Vector512.Create(DoubleExpm1C3));
        p = Vector512.FusedMultiplyAdd(p, r, Vector512.Create(DoubleExpm1C2));
        p = Vector512.FusedMultiplyAdd(p, r, Vector512.Create(DoubleExpm1C1));
        p = Vector512.FusedMultiplyAdd(p, r, Vector512.Create(DoubleExpm1C0));
        Vector512<double> s = Vector512.ShiftLeft(n + Vector512.Create(1023L), 52).AsDouble();
        Vector512<double> m = Vector512.FusedMultiplyAdd(s, Vector512.FusedMultiplyAdd(r * p, r, r), s - Vector512.Create(1.0));
        return (Vector512<double>.Zero - m) / (Vector512.Create(2.0) + m);
    }
}

/// <summary>tanh x (for the accuracy self-test and any plain tanh map).</summary>
internal readonly struct TanhOf<T> : IUnaryOperator<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public TV Invoke<TS, TV>(TV x) where TS : ISimd<T, TV> where TV : struct => TanhMath.Tanh(x);
}
