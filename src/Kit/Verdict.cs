using System.Globalization;

namespace LossConformance.Kit;

/// <summary>
/// The outcome of checking one law on one input: whether it holds, and what was observed
/// against which bound, in words a failure message can print as is. A numeric check also keeps
/// its numbers: <see cref="Ratio"/> is the error as a fraction of what the bound allows
/// (≤ 1 exactly when the check holds; spec/results-schema.md, "Ratios"), and <see cref="Clause"/>
/// the clause the check belongs to (<see cref="For"/>), so that a failure names the clause broken
/// rather than every clause the test cites. Verdicts combined with <c>&amp;</c> or <see cref="All"/>
/// keep every part (<see cref="Leaves"/>) and the worst ratio.
/// </summary>
public readonly record struct Verdict(bool Holds, string Observation)
{
    public static Verdict Pass { get; } = new(true, "holds");

    /// <summary>|error| / bound (two-sided) or excess over the slack (one-sided, see <see cref="AtLeast"/>); null for a yes/no check.</summary>
    public double? Ratio { get; init; }

    /// <summary>The clause this check belongs to; null: every clause the test cites.</summary>
    public string? Clause { get; init; }

    /// <summary>The observed number, when the check compares one number (or the worst entry of a vector).</summary>
    public double? Observed { get; init; }

    /// <summary>The expected number of a two-sided check (for the ULP distance), else null.</summary>
    public double? Expected { get; init; }

    /// <summary>What the observed number was required to be, in words: "0.5 ± 1E-16", "≥ -3E-15" (formatted on demand: records only).</summary>
    public string? Requirement => Relation switch
    {
        '±' => $"{Show.Number(Expected!.Value)} ± {Show.Number(Limit)}",
        '≥' => $"≥ {Show.Number(Limit)}",
        '≤' => $"≤ {Show.Number(Limit)}",
        _ => null,
    };

    /// <summary>The bound (±), lower limit (≥) or upper limit (≤) of a numeric check.</summary>
    public double Limit { get; init; }

    /// <summary>'±', '≥', '≤', or '\0' for a yes/no check.</summary>
    public char Relation { get; init; }

    /// <summary>Parts of a combined verdict (null for a single check).</summary>
    private Parts? Combined { get; init; }

    public static Verdict That(bool holds, string observation) => new(holds, observation);

    /// <summary>This verdict (and every part of it that names no clause) belongs to <paramref name="clause"/>.</summary>
    public Verdict For(string clause) => this with { Clause = clause };

    /// <summary>|observed − expected| ≤ bound; equal infinities of the same sign also hold. Ratio = |observed − expected| / bound.</summary>
    public static Verdict Within(string quantity, double observed, double expected, double bound)
    {
        double ratio = WithinRatio(observed, expected, bound);
        return new(ratio <= 1, $"{quantity} = {Show.Number(observed)}, expected {Show.Number(expected)} ± {Show.Number(bound)} (off by {Show.Number(Math.Abs(observed - expected))})")
        {
            Ratio = ratio, Observed = observed, Expected = expected, Limit = bound, Relation = '±',
        };
    }

    /// <summary>
    /// 0 for an exact match (equal infinities included); |observed − expected| / bound otherwise; +∞ where the
    /// error is NaN or infinite, or the bound is NaN or infinite (a bound that proves nothing admits only an exact match).
    /// So the ratio is ≤ 1 exactly when the check holds.
    /// </summary>
    public static double WithinRatio(double observed, double expected, double bound)
    {
        if (observed.Equals(expected)) return 0;
        double err = Math.Abs(observed - expected);
        if (!double.IsFinite(err) || !double.IsFinite(bound)) return double.PositiveInfinity;
        if (bound <= 0) return err == 0 ? 0 : double.PositiveInfinity;
        return err / bound;
    }

    /// <summary>
    /// observed ≥ lower, where <paramref name="slack"/> is the rounding allowance already subtracted in
    /// <paramref name="lower"/> (lower = ideal − slack). Ratio = max(0, (lower + slack − observed) / slack): 0 at or
    /// beyond the ideal value, 1 at the limit, above 1 when the check fails. Without a positive slack the ratio is null.
    /// </summary>
    public static Verdict AtLeast(string quantity, double observed, double lower, double slack = double.NaN) =>
        new(observed >= lower, $"{quantity} = {Show.Number(observed)}, required ≥ {Show.Number(lower)}")
        {
            Ratio = OneSidedRatio(lower - observed, slack, observed >= lower), Observed = observed, Limit = lower, Relation = '≥',
        };

    /// <summary>observed ≤ upper, where upper = ideal + <paramref name="slack"/>; ratio = max(0, (observed − upper + slack) / slack), as for <see cref="AtLeast"/>.</summary>
    public static Verdict AtMost(string quantity, double observed, double upper, double slack = double.NaN) =>
        new(observed <= upper, $"{quantity} = {Show.Number(observed)}, required ≤ {Show.Number(upper)}")
        {
            Ratio = OneSidedRatio(observed - upper, slack, observed <= upper), Observed = observed, Limit = upper, Relation = '≤',
        };

    /// <summary>max(0, 1 + excess / slack) for excess = how far past the limit (negative inside); null without a usable slack.</summary>
    private static double? OneSidedRatio(double excess, double slack, bool holds)
    {
        if (!(slack > 0) || !double.IsFinite(slack)) return null;
        if (double.IsNaN(excess)) return double.PositiveInfinity;
        double r = Math.Max(0, 1 + excess / slack);
        // Rounding in 1 + excess/slack must not put a holding check above 1 or a failing one at 1.
        return holds ? Math.Min(r, 1) : Math.Max(r, Math.BitIncrement(1.0));
    }

    /// <summary>Element-wise |observed[i] − expected[i]| ≤ bound[i]; reports the worst entry (largest ratio |error| / bound).</summary>
    public static Verdict AllWithin(string quantity, ReadOnlySpan<double> observed, ReadOnlySpan<double> expected, ReadOnlySpan<double> bound)
    {
        if (observed.Length != expected.Length)
            return new(false, $"{quantity} has {observed.Length} entries, expected {expected.Length}") { Ratio = double.PositiveInfinity };
        int worst = -1;
        double worstRatio = -1;
        for (int i = 0; i < observed.Length; i++)
        {
            double r = WithinRatio(observed[i], expected[i], bound[i]);
            if (r > worstRatio) { worstRatio = r; worst = i; }
        }
        if (worst < 0) return Pass with { Ratio = 0 };
        return Within($"{quantity}[{worst}]", observed[worst], expected[worst], bound[worst]);
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

    /// <summary>Both must hold; the first failure is reported, the worst ratio kept, and both parts stay in <see cref="Leaves"/>.</summary>
    public static Verdict operator &(Verdict a, Verdict b)
    {
        var shown = !a.Holds ? a : b;
        return shown with
        {
            Holds = a.Holds && b.Holds,
            Ratio = a.Ratio is null ? b.Ratio : b.Ratio is null ? a.Ratio : Math.Max(a.Ratio.Value, b.Ratio.Value),
            Clause = null,   // set only by For(); a part's own clause stays with the part
            Combined = new Parts(a, b),
        };
    }

    /// <summary>Every verdict must hold; the first failure is reported (as with <c>&amp;</c>).</summary>
    public static Verdict All(IEnumerable<Verdict> verdicts)
    {
        Verdict? all = null;
        foreach (var v in verdicts) all = all is { } so_far ? so_far & v : v;
        return all ?? Pass;
    }

    /// <summary>
    /// The single checks this verdict is made of, each with its clause (a part without one takes the clause of
    /// the combination that carries one, else stays null: every cited clause).
    /// </summary>
    public IEnumerable<Verdict> Leaves()
    {
        var stack = new Stack<(Verdict V, string? Clause)>();
        stack.Push((this, null));
        while (stack.Count > 0)
        {
            var (v, inherited) = stack.Pop();
            string? clause = v.Clause ?? inherited;
            if (v.Combined is { } parts)
            {
                stack.Push((parts.Right, clause));
                stack.Push((parts.Left, clause));
            }
            else yield return v with { Clause = clause };
        }
    }

    /// <summary>The clause of the first part that fails (null: untagged, so every cited clause), or null when all hold.</summary>
    public string? FailingClause => Holds ? null : Leaves().First(l => !l.Holds).Clause;

    private sealed record Parts(Verdict Left, Verdict Right);

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
