using System.Globalization;

namespace LossConformance.Kit;

/// <summary>
/// The outcome of checking one law on one input: whether it holds, and what was observed
/// against which bound, in words a failure message can print as is.
/// </summary>
public readonly record struct Verdict(bool Holds, string Observation)
{
    public static Verdict Pass { get; } = new(true, "holds");

    public static Verdict That(bool holds, string observation) => new(holds, observation);

    /// <summary>|observed − expected| ≤ bound; equal infinities of the same sign also hold.</summary>
    public static Verdict Within(string quantity, double observed, double expected, double bound)
    {
        // A bound that is NaN or infinite proves nothing: only an exact match passes then.
        bool holds = observed.Equals(expected) || (double.IsFinite(bound) && Math.Abs(observed - expected) <= bound);
        return new(holds, $"{quantity} = {Show.Number(observed)}, expected {Show.Number(expected)} ± {Show.Number(bound)} (off by {Show.Number(Math.Abs(observed - expected))})");
    }

    /// <summary>observed ≥ lower.</summary>
    public static Verdict AtLeast(string quantity, double observed, double lower) =>
        new(observed >= lower, $"{quantity} = {Show.Number(observed)}, required ≥ {Show.Number(lower)}");

    /// <summary>observed ≤ upper.</summary>
    public static Verdict AtMost(string quantity, double observed, double upper) =>
        new(observed <= upper, $"{quantity} = {Show.Number(observed)}, required ≤ {Show.Number(upper)}");

    /// <summary>Element-wise |observed[i] − expected[i]| ≤ bound[i]; reports the worst entry (by bound-relative excess).</summary>
    public static Verdict AllWithin(string quantity, ReadOnlySpan<double> observed, ReadOnlySpan<double> expected, ReadOnlySpan<double> bound)
    {
        if (observed.Length != expected.Length)
            return new(false, $"{quantity} has {observed.Length} entries, expected {expected.Length}");
        int worst = -1;
        double worstExcess = double.NegativeInfinity;
        for (int i = 0; i < observed.Length; i++)
        {
            if (observed[i].Equals(expected[i])) continue;
            double err = Math.Abs(observed[i] - expected[i]);
            double excess = double.IsNaN(err) || !double.IsFinite(bound[i]) ? double.PositiveInfinity : err - bound[i];
            if (excess > worstExcess) { worstExcess = excess; worst = i; }
        }
        if (worst < 0 || worstExcess <= 0) return Pass;
        return Within($"{quantity}[{worst}]", observed[worst], expected[worst], bound[worst]) with { Holds = false };
    }

    /// <summary>Same bound for every entry.</summary>
    public static Verdict AllWithin(string quantity, ReadOnlySpan<double> observed, ReadOnlySpan<double> expected, double bound)
    {
        var bounds = new double[observed.Length];
        Array.Fill(bounds, bound);
        return AllWithin(quantity, observed, expected, bounds);
    }

    /// <summary>The call throws an exception of type TException (or a subclass).</summary>
    public static Verdict Throws<TException>(string call, Action action) where TException : Exception
    {
        try
        {
            action();
            return new(false, $"{call} returned normally; expected {typeof(TException).Name}");
        }
        catch (TException e)
        {
            return new(true, $"{call} threw {e.GetType().Name}: {e.Message}");
        }
        catch (Exception e)
        {
            return new(false, $"{call} threw {e.GetType().Name} ({e.Message}); expected {typeof(TException).Name}");
        }
    }

    /// <summary>Both must hold; the first failure is reported.</summary>
    public static Verdict operator &(Verdict a, Verdict b) => !a.Holds ? a : b;

    public static Verdict All(IEnumerable<Verdict> verdicts)
    {
        foreach (var v in verdicts) if (!v.Holds) return v;
        return Pass;
    }

    public override string ToString() => Observation;
}

/// <summary>Formatting of numbers and vectors that round-trips, so that a printed input can be pasted back.</summary>
public static class Show
{
    /// <summary>Shortest string that round-trips the double.</summary>
    public static string Number(double x)
    {
        // "R" does not always round-trip on .NET 10 (2⁻²⁵ prints one ulp low); fall back to 17 digits.
        string s = x.ToString("R", CultureInfo.InvariantCulture);
        return double.Parse(s, CultureInfo.InvariantCulture).Equals(x) ? s : x.ToString("G17", CultureInfo.InvariantCulture);
    }

    public static string Number(float x)
    {
        string s = x.ToString("R", CultureInfo.InvariantCulture);
        return float.Parse(s, CultureInfo.InvariantCulture).Equals(x) ? s : x.ToString("G9", CultureInfo.InvariantCulture);
    }

    /// <summary>[a, b, c] with round-trip entries; long vectors show their first entries and the length.</summary>
    public static string Vector<T>(IReadOnlyList<T> values, int limit = 64) where T : IFormattable
    {
        var shown = values.Take(limit).Select(v => v switch
        {
            double d => Number(d),
            float f => Number(f),
            _ => v.ToString("R", CultureInfo.InvariantCulture),
        });
        string tail = values.Count > limit ? $", … ({values.Count} entries in all; the replay regenerates them)" : "";
        return "[" + string.Join(", ", shown) + tail + "]";
    }

    public static string Vector(IReadOnlyList<int> values, int limit = 64)
    {
        string tail = values.Count > limit ? $", … ({values.Count} entries in all)" : "";
        return "[" + string.Join(", ", values.Take(limit)) + tail + "]";
    }
}
