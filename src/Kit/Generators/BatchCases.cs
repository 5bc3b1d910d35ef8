using System.Numerics;
using FsCheck;
using FsCheck.Fluent;

namespace LossConformance.Kit;

/// <summary>
/// A [rows × classes] batch of logits with hard targets, some of them the ignore index, and a reduction
/// (for tests that take one from the case; others pass their own).
/// </summary>
public sealed class BatchCase<T>(T[] logits, int classes, int[] targets, int ignoreIndex, string kind, LossReduction reduction = LossReduction.Mean) : ICase
    where T : unmanaged, IFloatingPointIeee754<T>
{
    public T[] Logits { get; } = logits;
    public double[] LogitsD { get; } = Fp<T>.ToDouble(logits);
    public int Classes { get; } = classes;
    public int[] Targets { get; } = targets;
    public int IgnoreIndex { get; } = ignoreIndex;
    public string Kind { get; } = kind;
    public LossReduction Reduction { get; } = reduction;
    public int Rows => Targets.Length;
    public int N => Classes;

    /// <summary>Number of counted rows (targets other than the ignore index).</summary>
    public int Counted => Targets.Count(t => t != IgnoreIndex);

    public bool IsIgnored(int row) => Targets[row] == IgnoreIndex;

    /// <summary>Row r of the logits, in float64.</summary>
    public ReadOnlySpan<double> Row(int r) => LogitsD.AsSpan(r * Classes, Classes);

    /// <summary>The same batch without its ignored rows (null when every row is ignored).</summary>
    public BatchCase<T>? WithoutIgnoredRows()
    {
        var keep = Enumerable.Range(0, Rows).Where(r => !IsIgnored(r)).ToArray();
        if (keep.Length == 0) return null;
        var logits = keep.SelectMany(r => Logits.Skip(r * Classes).Take(Classes)).ToArray();
        return new BatchCase<T>(logits, Classes, keep.Select(r => Targets[r]).ToArray(), IgnoreIndex, Kind + ", ignored rows deleted", Reduction);
    }

    public IEnumerable<string> Tags
    {
        get
        {
            yield return Rows == 1 ? "1 row" : Rows <= 8 ? "rows ≤ 8" : "rows ≤ 64";
            yield return Classes == 1 ? "1 class" : Classes <= 8 ? "classes ≤ 8" : Classes <= 64 ? "classes ≤ 64" : "classes ≤ 512";
            yield return Counted == 0 ? "all ignored" : Counted < Rows ? "some ignored" : "none ignored";
            yield return IgnoreIndex >= 0 ? "in-range ignore index" : $"ignore index {IgnoreIndex}";
            yield return Reduction.ToString();
            foreach (var tag in Tagging.Logits(LogitsD)) yield return tag;
        }
    }

    public string Describe() =>
        $"rows = {Rows}, classes = {Classes}, ignoreIndex = {IgnoreIndex}, reduction = {Reduction}, counted rows = {Counted}   ({Kind})\ntargets = {Show.Vector(Targets)}\nlogits = {Show.Vector(Logits)}";
}

/// <summary>
/// Batches for <c>GRAD-MEAN</c>, <c>GRAD-IGNORE</c>, <c>GRAD-ALL-IGNORED</c>, <c>GRAD-FUSED</c>: rows 1–64,
/// classes 1–512, each row's logits of one of <see cref="Generate{T}.LogitValues"/>'s kinds (up to ±1e4);
/// ignore index −100 (62.5%), −1 (12.5%) or a valid class (25%, which then is never a counted target); a share
/// of ignored rows of 0, ¼ or ½, and every row ignored in 10% of batches; each counted label at the largest
/// logit, at the smallest or anywhere; reduction Mean (⅔) or Sum (⅓).
/// </summary>
public static class BatchCases<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    public static Arbitrary<BatchCase<T>> Batches { get; } = Arb.From(Generate<T>.Seeded(rng => Build(rng, allIgnored: rng.Next(10) == 0)), Shrink);

    /// <summary>Batches in which every target is the ignore index.</summary>
    public static Arbitrary<BatchCase<T>> AllIgnored { get; } = Arb.From(Generate<T>.Seeded(rng => Build(rng, allIgnored: true)), Shrink);

    /// <summary>Batches with at least one counted row.</summary>
    public static Arbitrary<BatchCase<T>> Counted { get; } = Arb.From(
        Generate<T>.Seeded(rng =>
        {
            var c = Build(rng, allIgnored: false);
            return c.Counted > 0 ? c : Build(new Random(rng.Next()), allIgnored: false, forceCounted: true);
        }),
        c => Shrink(c).Where(s => s.Counted > 0));

    /// <summary>
    /// A batch of the given shape, its logits, ignore index, ignored share and reduction drawn as in
    /// <see cref="Batches"/> (every row ignored in 10% of batches), for tests that sweep the shape themselves.
    /// </summary>
    public static BatchCase<T> OfShape(Random rng, int rows, int classes) => Build(rng, allIgnored: rng.Next(10) == 0, rows: rows, classes: classes);

    private static BatchCase<T> Build(Random rng, bool allIgnored, bool forceCounted = false, int rows = 0, int classes = 0)
    {
        double r = rng.NextDouble();
        if (rows <= 0) rows = r < 0.2 ? 1 : r < 0.6 ? rng.Next(2, 9) : rng.Next(9, 65);
        r = rng.NextDouble();
        if (classes <= 0) classes = r < 0.1 ? 1 : r < 0.45 ? rng.Next(2, 9) : r < 0.8 ? rng.Next(9, 65) : rng.Next(65, 513);
        int ignoreKind = rng.Next(8);
        bool inRange = ignoreKind < 2 && !(forceCounted && classes == 1);
        int ignore = inRange ? rng.Next(classes) : ignoreKind == 2 ? -1 : -100;
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
            if (ignored || (classes == 1 && inRange)) targets[row] = ignore;
            else
            {
                int t = rng.Next(3) switch { 0 => Array.IndexOf(z, z.Max()), 1 => Array.IndexOf(z, z.Min()), _ => rng.Next(classes) };
                if (t == ignore) t = (t + 1) % classes;   // a counted row never carries the ignore index
                targets[row] = t;
            }
        }
        // With one class and an in-range ignore index the only class is ignored: every row is.
        var reduction = rng.Next(3) == 0 ? LossReduction.Sum : LossReduction.Mean;
        return new BatchCase<T>(Fp<T>.From(logits), classes, targets, ignore, string.Join(" / ", kinds.Take(3)), reduction);
    }

    /// <summary>
    /// Smaller batches that keep the input valid, in the order FsCheck tries them: an in-range ignore index moved
    /// out of the classes (−100, the ignored rows' targets with it, so the same rows stay ignored); fewer rows
    /// (the first half, all but the first, all but the last); fewer classes (the first half, the second half, all
    /// but the last, all but the first: a counted target outside the kept columns moves to the first kept one);
    /// logits rounded to integers.
    /// </summary>
    private static IEnumerable<BatchCase<T>> Shrink(BatchCase<T> c)
    {
        string kind = Generate<T>.Shrunk(c.Kind);
        bool ignoreIsAClass = c.IgnoreIndex >= 0 && c.IgnoreIndex < c.Classes;
        if (ignoreIsAClass)
        {
            const int outside = -100;
            var targets = c.Targets.Select(t => t == c.IgnoreIndex ? outside : t).ToArray();
            yield return new BatchCase<T>(c.Logits, c.Classes, targets, outside, kind, c.Reduction);
        }
        if (c.Rows > 1)
            foreach (var keep in new[] { Enumerable.Range(0, c.Rows / 2), Enumerable.Range(1, c.Rows - 1), Enumerable.Range(0, c.Rows - 1) })
            {
                var rows = keep.ToArray();
                if (rows.Length == 0) continue;
                var logits = rows.SelectMany(r => c.Logits.Skip(r * c.Classes).Take(c.Classes)).ToArray();
                yield return new BatchCase<T>(logits, c.Classes, rows.Select(r => c.Targets[r]).ToArray(), c.IgnoreIndex, kind, c.Reduction);
            }
        if (c.Classes > 1 && !ignoreIsAClass)   // with the ignore index a class, its column cannot go; the first candidate moves it out
            foreach (var columns in ClassSubsets(c.Classes))
            {
                var logits = new T[c.Rows * columns.Length];
                for (int r = 0; r < c.Rows; r++)
                    for (int k = 0; k < columns.Length; k++) logits[r * columns.Length + k] = c.Logits[r * c.Classes + columns[k]];
                var targets = c.Targets.Select(t => t == c.IgnoreIndex ? t : Math.Max(0, Array.IndexOf(columns, t))).ToArray();
                yield return new BatchCase<T>(logits, columns.Length, targets, c.IgnoreIndex, kind, c.Reduction);
            }
        var rounded = c.Logits.Select(v => T.Round(v)).ToArray();
        if (!rounded.SequenceEqual(c.Logits)) yield return new BatchCase<T>(rounded, c.Classes, c.Targets, c.IgnoreIndex, kind, c.Reduction);
    }

    /// <summary>Column sets to keep: the first half, the second half (for C ≥ 4), all but the last, all but the first.</summary>
    private static IEnumerable<int[]> ClassSubsets(int classes)
    {
        if (classes >= 4)
        {
            yield return Enumerable.Range(0, classes / 2).ToArray();
            yield return Enumerable.Range(classes / 2, classes - classes / 2).ToArray();
        }
        yield return Enumerable.Range(0, classes - 1).ToArray();
        yield return Enumerable.Range(1, classes - 1).ToArray();
    }
}
