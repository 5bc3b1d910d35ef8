using System.Numerics;
using ILGPU;

namespace LossConformance.Optimized.Gpu;

/// <summary>
/// exp and ln for kernels, written out in plain IEEE arithmetic so that the CPU accelerator and
/// CUDA run the same instructions and neither uses PTX's <c>ex2.approx</c>/<c>lg2.approx</c>
/// (ILGPU's default lowering of Math.Exp/Log for float), which are not within ACC-MODEL's 4u.
/// Both are within ACC-MODEL's 4u (spec/accuracy.md, "exp and ln in the GPU kernels": measured
/// ≤ 2u; tests/SelfTests/GpuKernels.cs).
/// </summary>
public interface IDeviceMath<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>eˣ: Cody–Waite reduction x = k ln 2 + r, |r| ≤ ln2/2, Taylor polynomial for eʳ, scaling by 2ᵏ.</summary>
    static abstract T Exp(T x);

    /// <summary>ln x for x &gt; 0: x = 2ᵉ(1 + f), √½ ≤ 1 + f &lt; √2, ln(1 + f) = f − s(f − R), s = f/(2 + f), R = Σₖ 2s²ᵏ/(2k + 1).</summary>
    static abstract T Log(T x);

    /// <summary>The smallest positive normal number (below it a ratio has lost bits).</summary>
    static abstract T MinNormal { get; }

    /// <summary>The largest finite number.</summary>
    static abstract T MaxValue { get; }

    /// <summary>½.</summary>
    static abstract T Half { get; }

    /// <summary>An int as T (exact for |i| &lt; 2²⁴ in float).</summary>
    static abstract T FromInt(int i);
}

/// <summary>float32 exp/ln (see <see cref="IDeviceMath{T}"/>).</summary>
public readonly struct SingleMath : IDeviceMath<float>
{
    private const float Log2E = 1.44269504088896341f;
    private const float Ln2Hi = 0.693145751953125f;          // 0x3F317200: k·Ln2Hi exact for |k| < 2⁹
    private const float Ln2Lo = 1.428606765330187045e-06f;   // ln 2 − Ln2Hi
    private const float Sqrt2 = 1.41421356f;

    public static float MinNormal => 1.17549435e-38f;
    public static float MaxValue => float.MaxValue;
    public static float Half => 0.5f;
    public static float FromInt(int i) => i;

    public static float Exp(float x)
    {
        if (x > 88.7228394f) return float.PositiveInfinity;
        if (x < -103.972084f) return 0f;   // below half the smallest subnormal
        int k = (int)(x * Log2E + (x >= 0f ? 0.5f : -0.5f));
        float r = (x - k * Ln2Hi) - k * Ln2Lo;
        // eʳ by Horner on 1/j!, j ≤ 7: truncation ≤ 0.35⁸/8! ≈ 5e-9 ≈ 0.09u.
        float p = 1f / 5040f;
        p = p * r + 1f / 720f;
        p = p * r + 1f / 120f;
        p = p * r + 1f / 24f;
        p = p * r + 1f / 6f;
        p = p * r + 0.5f;
        p = p * r + 1f;
        p = p * r + 1f;
        return ScaleB(p, k);
    }

    /// <summary>p·2ᵏ for p ∈ [0.7, 1.5]: exact while normal; one rounding into the subnormals.</summary>
    private static float ScaleB(float p, int k)
    {
        if (k > 127) return p * Pow2(127) * Pow2(k - 127);
        if (k >= -126) return p * Pow2(k);
        return p * Pow2(k + 64) * Pow2(-64);
    }

    private static float Pow2(int k) => Interop.IntAsFloat((uint)(k + 127) << 23);

    public static float Log(float x)
    {
        if (x == float.PositiveInfinity) return x;
        if (x == 0f) return float.NegativeInfinity;
        int e = 0;
        if (x < MinNormal) { x *= 16777216f; e = -24; }   // subnormal: scale by 2²⁴ (exact)
        uint bits = Interop.FloatAsInt(x);
        e += (int)((bits >> 23) & 0xFF) - 127;
        float m = Interop.IntAsFloat((bits & 0x007FFFFFu) | 0x3F800000u);   // [1, 2)
        if (m > Sqrt2) { m *= 0.5f; e += 1; }
        float f = m - 1f;                 // exact (Sterbenz)
        float s = f / (2f + f);
        float z = s * s;
        // R = Σₖ₌₁..₄ 2zᵏ/(2k + 1): truncation ≤ z⁵·2/11 ≤ 4e-9 relative to 2s.
        float rr = 2f / 9f;
        rr = rr * z + 2f / 7f;
        rr = rr * z + 2f / 5f;
        rr = rr * z + 2f / 3f;
        rr *= z;
        float log1p = f - s * (f - rr);
        if (e == 0) return log1p;
        return e * Ln2Hi + (log1p + e * Ln2Lo);
    }
}

/// <summary>float64 exp/ln (see <see cref="IDeviceMath{T}"/>).</summary>
public readonly struct DoubleMath : IDeviceMath<double>
{
    private const double Log2E = 1.4426950408889634074;
    private const double Ln2Hi = 6.93147180369123816490e-01;   // fdlibm: low 32 bits zero, k·Ln2Hi exact
    private const double Ln2Lo = 1.90821492927058770002e-10;
    private const double Sqrt2 = 1.4142135623730951;

    public static double MinNormal => 2.2250738585072014e-308;
    public static double MaxValue => double.MaxValue;
    public static double Half => 0.5;
    public static double FromInt(int i) => i;

    public static double Exp(double x)
    {
        if (x > 709.782712893384) return double.PositiveInfinity;
        if (x < -745.1332191019412) return 0.0;
        int k = (int)(x * Log2E + (x >= 0.0 ? 0.5 : -0.5));
        double r = (x - k * Ln2Hi) - k * Ln2Lo;
        // eʳ by Horner on 1/j!, j ≤ 13: truncation ≤ 0.35¹⁴/14! ≈ 4e-18 ≈ 0.04u.
        double p = 1.0 / 6227020800.0;
        p = p * r + 1.0 / 479001600.0;
        p = p * r + 1.0 / 39916800.0;
        p = p * r + 1.0 / 3628800.0;
        p = p * r + 1.0 / 362880.0;
        p = p * r + 1.0 / 40320.0;
        p = p * r + 1.0 / 5040.0;
        p = p * r + 1.0 / 720.0;
        p = p * r + 1.0 / 120.0;
        p = p * r + 1.0 / 24.0;
        p = p * r + 1.0 / 6.0;
        p = p * r + 0.5;
        p = p * r + 1.0;
        p = p * r + 1.0;
        return ScaleB(p, k);
    }

    private static double ScaleB(double p, int k)
    {
        if (k > 1023) return p * Pow2(1023) * Pow2(k - 1023);
        if (k >= -1022) return p * Pow2(k);
        return p * Pow2(k + 512) * Pow2(-512);
    }

    private static double Pow2(int k) => Interop.IntAsFloat((ulong)(k + 1023) << 52);

    public static double Log(double x)
    {
        if (x == double.PositiveInfinity) return x;
        if (x == 0.0) return double.NegativeInfinity;
        int e = 0;
        if (x < MinNormal) { x *= 18014398509481984.0; e = -54; }   // subnormal: scale by 2⁵⁴ (exact)
        ulong bits = Interop.FloatAsInt(x);
        e += (int)((bits >> 52) & 0x7FF) - 1023;
        double m = Interop.IntAsFloat((bits & 0x000FFFFFFFFFFFFFul) | 0x3FF0000000000000ul);
        if (m > Sqrt2) { m *= 0.5; e += 1; }
        double f = m - 1.0;
        double s = f / (2.0 + f);
        double z = s * s;
        // R = Σₖ₌₁..₁₀ 2zᵏ/(2k + 1): truncation ≤ z¹¹·2/23 ≈ 1e-18 relative to 2s.
        double rr = 2.0 / 21.0;
        rr = rr * z + 2.0 / 19.0;
        rr = rr * z + 2.0 / 17.0;
        rr = rr * z + 2.0 / 15.0;
        rr = rr * z + 2.0 / 13.0;
        rr = rr * z + 2.0 / 11.0;
        rr = rr * z + 2.0 / 9.0;
        rr = rr * z + 2.0 / 7.0;
        rr = rr * z + 2.0 / 5.0;
        rr = rr * z + 2.0 / 3.0;
        rr *= z;
        double log1p = f - s * (f - rr);
        if (e == 0) return log1p;
        return e * Ln2Hi + (log1p + e * Ln2Lo);
    }
}
