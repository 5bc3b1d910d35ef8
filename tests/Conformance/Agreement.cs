using System.Numerics;
using LossConformance.Kit;

namespace LossConformance.Conformance;

/// <summary>
/// Comparisons of an implementation's result (in T, converted to double) with an expected value
/// (the float64 reference's, or a closed form), for the conformance suites.
/// <list type="bullet">
/// <item>An infinite expected value (+∞ at a support gap) must be met exactly: a bound derived
/// from ln 0 is itself infinite and would otherwise admit anything.</item>
/// <item>An expected value beyond T's largest finite number must come back as the infinity of its
/// sign (the correctly rounded result in T) or within the bound.</item>
/// </list>
/// </summary>
internal static class Agreement
{
    public static Verdict Scalar<T>(string quantity, double observed, double expected, double bound) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (!double.IsFinite(expected))
            return Verdict.That(observed.Equals(expected), $"{quantity} = {Show.Number(observed)}, expected exactly {Show.Number(expected)}");
        if (Overflows<T>(observed, expected))
            return Verdict.That(true, $"{quantity} = {Show.Number(observed)}; the exact {Show.Number(expected)} overflows {Fp<T>.Name}");
        return Verdict.Within(quantity, observed, expected, bound);
    }

    public static Verdict Vector<T>(string quantity, ReadOnlySpan<double> observed, ReadOnlySpan<double> expected, ReadOnlySpan<double> bound)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (observed.Length != expected.Length)
            return Verdict.That(false, $"{quantity} has {observed.Length} entries, expected {expected.Length}");
        var e = expected.ToArray();
        var b = new double[bound.Length];
        for (int i = 0; i < b.Length; i++)
        {
            // Infinite expected values must match exactly; an exact value beyond T's range is met by the infinity of its sign.
            if (Overflows<T>(observed[i], expected[i])) e[i] = observed[i];
            b[i] = double.IsFinite(e[i]) ? bound[i] : 0;
        }
        return Verdict.AllWithin(quantity, observed, e, b);
    }

    public static Verdict Vector<T>(string quantity, ReadOnlySpan<double> observed, ReadOnlySpan<double> expected, double bound)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var b = new double[expected.Length];
        Array.Fill(b, bound);
        return Vector<T>(quantity, observed, expected, b);
    }

    /// <summary>Exactly the expected values (bound 0): for answers that have no rounding, such as the 0 of an ignored row.</summary>
    public static Verdict Exactly(string quantity, ReadOnlySpan<double> observed, ReadOnlySpan<double> expected) =>
        Verdict.AllWithin(quantity, observed, expected, 0.0);

    /// <summary>aᵢ + bᵢ.</summary>
    public static double[] Plus(ReadOnlySpan<double> a, ReadOnlySpan<double> b)
    {
        var s = new double[a.Length];
        for (int i = 0; i < s.Length; i++) s[i] = a[i] + b[i];
        return s;
    }

    /// <summary>aᵢ + c.</summary>
    public static double[] Plus(ReadOnlySpan<double> a, double c)
    {
        var s = new double[a.Length];
        for (int i = 0; i < s.Length; i++) s[i] = a[i] + c;
        return s;
    }

    /// <summary>True when the reference's input rules accept p as a float64 distribution (Σp = 1 within double's τ(n)).</summary>
    public static bool IsDoubleDistribution(double[] p)
    {
        try
        {
            InputRules.Distribution<double>(p, "p");
            return true;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }

    /// <summary>True when p is a distribution in T by <see cref="InputRules.Distribution{T}"/>.</summary>
    public static bool IsDistribution<T>(T[] p) where T : unmanaged, IFloatingPointIeee754<T>
    {
        try
        {
            InputRules.Distribution<T>(p, "p");
            return true;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }

    /// <summary>pᵢ / s.</summary>
    public static double[] Scaled(ReadOnlySpan<double> p, double s)
    {
        var r = new double[p.Length];
        for (int i = 0; i < r.Length; i++) r[i] = p[i] / s;
        return r;
    }

    /// <summary>A copy of the array filled with <paramref name="value"/> (for outputs whose every entry must be written).</summary>
    public static T[] Filled<T>(int n, double value) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var a = new T[n];
        Array.Fill(a, Fp<T>.From(value));
        return a;
    }

    /// <summary>The value output spans are filled with before a call: an entry left unwritten shows.</summary>
    public const double Sentinel = 12345;

    private static bool Overflows<T>(double observed, double expected) where T : unmanaged, IFloatingPointIeee754<T> =>
        Math.Abs(expected) >= Fp<T>.MaxValue * (1 - Fp<T>.U) && double.IsInfinity(observed) && Math.Sign(observed) == Math.Sign(expected);
}
