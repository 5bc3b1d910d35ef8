using System.Numerics;

namespace LossConformance.Kit;

/// <summary>Facts about the element type T (float or double) that bounds and generators need.</summary>
public static class Fp<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>Unit roundoff u = 2^−p: 2^−53 ≈ 1.1e-16 for double, 2^−24 ≈ 6.0e-8 for float.</summary>
    public static double U { get; } = Math.ScaleB(1.0, -T.One.GetSignificandBitLength());

    /// <summary>"double" or "float".</summary>
    public static string Name { get; } = typeof(T) == typeof(double) ? "double" : typeof(T) == typeof(float) ? "float" : typeof(T).Name;

    /// <summary>Smallest positive normal number: 2.2e-308 (double), 1.2e-38 (float).</summary>
    public static double MinNormal { get; } = double.CreateTruncating(T.ScaleB(T.One, typeof(T) == typeof(float) ? -126 : -1022));

    /// <summary>Largest finite value.</summary>
    public static double MaxValue { get; } = double.CreateTruncating(MaxOf());

    /// <summary>ln of the largest finite value: exp overflows above it (709.78 double, 88.72 float).</summary>
    public static double LogMaxValue { get; } = Math.Log(double.CreateTruncating(MaxOf()));

    private static T MaxOf() => typeof(T) == typeof(float) ? T.CreateTruncating(float.MaxValue) : T.CreateTruncating(double.MaxValue);

    public static T From(double x) => T.CreateTruncating(x);

    public static double ToDouble(T x) => double.CreateTruncating(x);

    public static T[] From(IEnumerable<double> xs) => xs.Select(From).ToArray();

    public static double[] ToDouble(ReadOnlySpan<T> xs)
    {
        var result = new double[xs.Length];
        for (int i = 0; i < xs.Length; i++) result[i] = double.CreateTruncating(xs[i]);
        return result;
    }
}
