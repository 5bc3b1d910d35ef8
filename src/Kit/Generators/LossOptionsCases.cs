using System.Numerics;
using FsCheck;
using FsCheck.Fluent;

namespace LossConformance.Kit;

/// <summary>
/// A [rows × classes] batch with hard targets (some the ignore index), options (ε, λ_z, c, class weights), an
/// upstream gradient per token, a reduction and a dyadic direction for finite differences.
/// </summary>
public sealed class LossOptionsCase<T>(T[] logits, int classes, int[] targets, OptionValues options, T[] upstream,
                                       LossReduction reduction, double[] direction, string kind) : ICase
    where T : unmanaged, IFloatingPointIeee754<T>
{
    public T[] Logits { get; } = logits;
    public double[] LogitsD { get; } = Fp<T>.ToDouble(logits);
    public int Classes { get; } = classes;
    public int[] Targets { get; } = targets;
    public OptionValues Values { get; } = options;
    public CrossEntropyOptions<T> Options { get; } = options.To<T>();
    public T[] Upstream { get; } = upstream;
    public double[] UpstreamD { get; } = Fp<T>.ToDouble(upstream);
    public LossReduction Reduction { get; } = reduction;
    /// <summary>Entries k/8 in [−1, 1], one per logit.</summary>
    public double[] Direction { get; } = direction;
    public string Kind { get; } = kind;
    public int Rows => Targets.Length;
    public int N => Classes;
    public int IgnoreIndex => Values.IgnoreIndex;
    public bool IsIgnored(int r) => Targets[r] == IgnoreIndex;
    public int Counted => Targets.Count(t => t != IgnoreIndex);

    /// <summary>The same batch with other option values (each exactly representable in T).</summary>
    public LossOptionsCase<T> With(OptionValues values, string? note = null) =>
        new(Logits, Classes, Targets, values, Upstream, Reduction, Direction, note is null ? Kind : $"{Kind}, {note}");

    /// <summary>The same batch with other logits (same shape).</summary>
    public LossOptionsCase<T> WithLogits(double[] logits, string note) =>
        new(Fp<T>.From(logits), Classes, Targets, Values, Upstream, Reduction, Direction, $"{Kind}, {note}");

    /// <summary>The same batch without its ignored rows (null when every row is ignored).</summary>
    public LossOptionsCase<T>? WithoutIgnoredRows()
    {
        var keep = Enumerable.Range(0, Rows).Where(r => !IsIgnored(r)).ToArray();
        if (keep.Length == 0) return null;
        return new LossOptionsCase<T>(keep.SelectMany(r => Logits.Skip(r * Classes).Take(Classes)).ToArray(), Classes,
            keep.Select(r => Targets[r]).ToArray(), Values, keep.Select(r => Upstream[r]).ToArray(), Reduction,
            keep.SelectMany(r => Direction.Skip(r * Classes).Take(Classes)).ToArray(), Kind + ", ignored rows deleted");
    }

    public IEnumerable<string> Tags
    {
        get
        {
            yield return Rows == 1 ? "1 row" : Rows <= 8 ? "rows ≤ 8" : "rows ≤ 16";
            yield return Classes == 1 ? "1 class" : Classes <= 8 ? "classes ≤ 8" : Classes <= 64 ? "classes ≤ 64" : "classes ≤ 128";
            yield return Counted == 0 ? "all ignored" : Counted < Rows ? "some ignored" : "none ignored";
            yield return Values.Eps == 0 ? "ε = 0" : Values.Eps == 1 ? "ε = 1" : "0 < ε < 1";
            yield return Values.Lambda == 0 ? "no z-loss" : "z-loss";
            yield return Values.Capped ? "soft cap" : "no cap";
            yield return Values.Weights is null ? "no weights" : Values.Weights.Any(w => w == 0) ? "weights with zeros" : "weights";
            if (Counted > 0 && LossOptionsAccuracy.Denominators(Targets, Values).Weight == 0) yield return "W_K = 0";
            yield return Reduction.ToString();
            foreach (var tag in Tagging.Logits(LogitsD)) yield return tag;
        }
    }

    public string Describe() =>
        $"rows = {Rows}, classes = {Classes}, reduction = {Reduction}, counted rows = {Counted}   ({Kind})\n{Values.Describe()}\n" +
        $"targets = {Show.Vector(Targets)}\nupstream = {Show.Vector(Upstream)}\nlogits = {Show.Vector(Logits)}";
}

/// <summary>
/// Cases for spec/loss-options.md: rows 1–16, classes 1–128 (kept small: every case costs its bounds in float64), each row's logits of one of
/// <see cref="Generate{T}.LogitValues"/>'s kinds (up to ±1e4: huge logits); ignore index −100, −1 or a class; a share
/// of ignored rows 0, ¼ or ½, every row ignored in 5% of batches; ε = 0 (30%), 1 (5%) or in (0, 1); λ_z = 0 (35%),
/// 1e-4 (PaLM's) or 10^U(−6, 0); c = +∞ (35%), 30 or 50 (Gemma 2's) or 10^U(−1, 2.5); no weights (35%), or weights
/// each 0 (20%), 1 or in (0, 4), with every counted target's weight 0 in 5% of batches; upstream in [−2, 2] with zeros;
/// Mean (⅔) or Sum. Every value exactly representable in T.
/// </summary>
public static class LossOptionsCases<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    public static Arbitrary<LossOptionsCase<T>> Cases { get; } = Arb.From(Generate<T>.Seeded(rng => Build(rng)), Shrink);

    /// <summary>Cases with at least one counted row.</summary>
    public static Arbitrary<LossOptionsCase<T>> Counted { get; } = Arb.From(
        Generate<T>.Seeded(rng => Build(rng, forceCounted: true)), c => Shrink(c).Where(s => s.Counted > 0));

    /// <summary>Cases whose counted targets all have weight 0 (W_K = 0), and cases with every row ignored.</summary>
    public static Arbitrary<LossOptionsCase<T>> Degenerate { get; } = Arb.From(
        Generate<T>.Seeded(rng => rng.Next(2) == 0 ? Build(rng, allIgnored: true) : Build(rng, forceCounted: true, zeroWeightTargets: true)),
        c => Enumerable.Empty<LossOptionsCase<T>>());

    /// <summary>
    /// Batches past the size at which a multithreaded kernel splits rows over threads (Optimized-CPU: 2¹⁵ logits), where the small
    /// cases never go, with at least one counted row: half of them 4–6 rows of 8193–10 000 classes (32 772–60 000 logits: one row
    /// per work item of Optimized-CPU's 2¹³ logits), half 40–64 rows of at most 1000 classes and at least 2¹⁵ logits (8 or more rows
    /// per work item: a split that mis-indexes the rows of an item fails only there; a Stryker survivor, `item / RowsPerItem`).
    /// </summary>
    public static Arbitrary<LossOptionsCase<T>> Large { get; } = Arb.From(
        Generate<T>.Seeded(rng => Build(rng, forceCounted: true, large: true)), c => Enumerable.Empty<LossOptionsCase<T>>());

    private static double InT(double x) => Fp<T>.ToDouble(Fp<T>.From(x));

    private static LossOptionsCase<T> Build(Random rng, bool forceCounted = false, bool allIgnored = false, bool zeroWeightTargets = false, bool large = false)
    {
        double r = rng.NextDouble();
        bool manyRowsPerItem = large && rng.Next(2) == 0;
        int rows = manyRowsPerItem ? rng.Next(40, 65) : large ? rng.Next(4, 7) : r < 0.2 ? 1 : r < 0.75 ? rng.Next(2, 9) : rng.Next(9, 17);
        r = rng.NextDouble();
        int classes = manyRowsPerItem ? rng.Next((1 << 15) / rows + 1, 1001)
                    : large ? rng.Next(8193, 10_001) : r < 0.05 ? 1 : r < 0.5 ? rng.Next(2, 9) : r < 0.95 ? rng.Next(9, 65) : rng.Next(65, 129);
        int ignoreKind = rng.Next(8);
        bool inRange = ignoreKind < 2 && classes > 1;
        int ignore = inRange ? rng.Next(classes) : ignoreKind == 2 ? -1 : -100;
        allIgnored |= !forceCounted && rng.Next(20) == 0;
        double share = allIgnored ? 1 : new[] { 0, 0.25, 0.5 }[rng.Next(3)];

        var logits = new double[rows * classes];
        var targets = new int[rows];
        var kinds = new HashSet<string>();
        for (int row = 0; row < rows; row++)
        {
            var (z, kind) = Generate<T>.LogitValues(rng, classes);
            kinds.Add(kind);
            z.CopyTo(logits, row * classes);
            bool ignored = rng.NextDouble() < share && !(forceCounted && row == 0);
            if (ignored) targets[row] = ignore;
            else
            {
                int t = rng.Next(3) switch { 0 => Array.IndexOf(z, z.Max()), 1 => Array.IndexOf(z, z.Min()), _ => rng.Next(classes) };
                if (t == ignore) t = (t + 1) % classes;
                targets[row] = t;
            }
        }

        r = rng.NextDouble();
        double eps = r < 0.3 ? 0 : r < 0.35 ? 1 : InT(rng.NextDouble());
        r = rng.NextDouble();
        double lambda = r < 0.35 ? 0 : r < 0.55 ? InT(1e-4) : InT(Math.Pow(10, -6 + 6 * rng.NextDouble()));
        r = rng.NextDouble();
        double cap = r < 0.35 ? double.PositiveInfinity : r < 0.5 ? 30 : r < 0.6 ? 50 : InT(Math.Pow(10, -1 + 3.5 * rng.NextDouble()));
        double[]? weights = null;
        if (zeroWeightTargets || rng.NextDouble() >= 0.35)
        {
            weights = new double[classes];
            for (int c = 0; c < classes; c++)
            {
                double k = rng.NextDouble();
                weights[c] = k < 0.2 ? 0 : k < 0.4 ? 1 : InT(4 * rng.NextDouble());
            }
            if (zeroWeightTargets || rng.Next(20) == 0)
                foreach (int t in targets) if (t != ignore) weights[t] = 0;
        }
        var upstream = new double[rows];
        for (int row = 0; row < rows; row++) upstream[row] = rng.Next(6) == 0 ? 0 : InT(4 * rng.NextDouble() - 2);
        var direction = FiniteDifference.Direction(rng, rows * classes);
        var reduction = rng.Next(3) == 0 ? LossReduction.Sum : LossReduction.Mean;
        var values = new OptionValues(ignore, eps, lambda, cap, weights);
        return new LossOptionsCase<T>(Fp<T>.From(logits), classes, targets, values, Fp<T>.From(upstream), reduction, direction,
            string.Join(" / ", kinds.Take(3)));
    }

    /// <summary>Smaller cases: the first half of the rows, then each option back to its no-op value.</summary>
    private static IEnumerable<LossOptionsCase<T>> Shrink(LossOptionsCase<T> c)
    {
        string kind = Generate<T>.Shrunk(c.Kind);
        if (c.Rows > 1)
        {
            int keep = c.Rows / 2;
            yield return new LossOptionsCase<T>(c.Logits.Take(keep * c.Classes).ToArray(), c.Classes, c.Targets.Take(keep).ToArray(), c.Values,
                c.Upstream.Take(keep).ToArray(), c.Reduction, c.Direction.Take(keep * c.Classes).ToArray(), kind);
        }
        var v = c.Values;
        if (v.Weights is not null) yield return c.With(v with { Weights = null }, "no weights");
        if (v.Capped) yield return c.With(v with { Cap = double.PositiveInfinity }, "no cap");
        if (v.Lambda != 0) yield return c.With(v with { Lambda = 0 }, "no z-loss");
        if (v.Eps != 0) yield return c.With(v with { Eps = 0 }, "no smoothing");
    }
}
