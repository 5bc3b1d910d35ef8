using System.Numerics;
using FsCheck;
using FsCheck.Fluent;

namespace LossConformance.Kit;

/// <summary>A [rows × classes] logit matrix with one hard label per row (some rows ignored) and a reduction.</summary>
public sealed class BatchedLogitsCase<T>(T[] logits, int classes, int[] targets, int ignoreIndex, LossReduction reduction, string kind) : ICase
    where T : unmanaged, IFloatingPointIeee754<T>
{
    public T[] Logits { get; } = logits;
    public double[] LogitsD { get; } = Fp<T>.ToDouble(logits);
    public int Classes { get; } = classes;
    public int[] Targets { get; } = targets;
    public int IgnoreIndex { get; } = ignoreIndex;
    public LossReduction Reduction { get; } = reduction;
    public string Kind { get; } = kind;
    public int Rows => Targets.Length;
    public int Counted => Targets.Count(t => t != IgnoreIndex);
    public int N => Classes;

    public IEnumerable<string> Tags => Tagging.Size(Classes).Append(Kind).Append(Reduction.ToString())
        .Append(Counted == 0 ? "all rows ignored" : Counted < Rows ? "some rows ignored" : "no row ignored")
        .Concat(Tagging.Logits(LogitsD));

    public string Describe() =>
        $"classes = {Classes}, rows = {Rows}, ignoreIndex = {IgnoreIndex}, reduction = {Reduction}   ({Kind})\n" +
        $"targets = {Show.Vector(Targets)}\nlogits = {Show.Vector(Logits, 256)}";
}

public static partial class ConformanceCases<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>
    /// 1–8 rows of 1–256 classes, each row of a hard-case logit kind; each label random, at the
    /// largest or the smallest logit, or ignored (every row ignored in one case of ten); ignore
    /// index −100 or −1; Mean or Sum. Spec: <c>GRAD-MEAN</c>, <c>GRAD-IGNORE</c>, <c>GRAD-ALL-IGNORED</c>.
    /// </summary>
    public static Arbitrary<BatchedLogitsCase<T>> Batched { get; } = Arb.From(
        Generate<T>.Seeded(rng =>
        {
            int classes = Math.Min(Generate<T>.Length(rng), 256);
            int rows = rng.Next(1, 9);
            int ignore = rng.Next(2) == 0 ? -100 : -1;
            bool allIgnored = rng.Next(10) == 0;
            var logits = new double[rows * classes];
            var targets = new int[rows];
            var kinds = new List<string>();
            for (int r = 0; r < rows; r++)
            {
                var (z, kind) = Generate<T>.LogitValues(rng, classes);
                Array.Copy(z, 0, logits, r * classes, classes);
                kinds.Add(kind);
                targets[r] = allIgnored || rng.Next(5) == 0 ? ignore
                    : rng.Next(3) switch { 0 => Array.IndexOf(z, z.Max()), 1 => Array.IndexOf(z, z.Min()), _ => rng.Next(classes) };
            }
            var reduction = rng.Next(3) == 0 ? LossReduction.Sum : LossReduction.Mean;
            return new BatchedLogitsCase<T>(Fp<T>.From(logits), classes, targets, ignore, reduction, string.Join(" | ", kinds.Distinct()));
        }),
        c => c.Rows <= 1 ? []
            : [new BatchedLogitsCase<T>(c.Logits[..((c.Rows - 1) * c.Classes)], c.Classes, c.Targets[..^1], c.IgnoreIndex, c.Reduction, Shrunk(c.Kind))]);
}
