using System.Numerics;
using FsCheck;
using FsCheck.Fluent;

namespace LossConformance.Kit;

/// <summary>
/// A token sequence x₀ … x_T for a bigram model (W row-major V × V, b), an L2 strength λ and dyadic directions
/// (spec/sequence-loss.md). The one case type of every sequence-loss generator.
/// </summary>
public sealed class SequenceCase<T>(int[] tokens, int vocabulary, T[] weights, T[] bias, T lambda,
                                    double[] weightDirection, double[] biasDirection, string kind) : ICase
    where T : unmanaged, IFloatingPointIeee754<T>
{
    public int[] Tokens { get; } = tokens;
    public int V { get; } = vocabulary;
    public T[] W { get; } = weights;
    public T[] B { get; } = bias;
    public T Lambda { get; } = lambda;
    public double[] WD { get; } = Fp<T>.ToDouble(weights);
    public double[] BD { get; } = Fp<T>.ToDouble(bias);
    public double LambdaD => Fp<T>.ToDouble(Lambda);
    public double[] DW { get; } = weightDirection;
    public double[] DB { get; } = biasDirection;
    public string Kind { get; } = kind;
    /// <summary>Number of predicted tokens T = tokens.Length − 1.</summary>
    public int Steps => Tokens.Length - 1;
    public int N => V;

    /// <summary>Tokens that occur as a context x₀ … x_{T−1}.</summary>
    public HashSet<int> Contexts => Tokens[..^1].ToHashSet();

    /// <summary>Tokens of the vocabulary that are never a context (their rows of W do not enter L).</summary>
    public int[] UnusedContexts => Enumerable.Range(0, V).Where(a => !Contexts.Contains(a)).ToArray();

    public IEnumerable<string> Tags =>
    [
        V == 1 ? "V = 1" : V <= 8 ? "V ≤ 8" : "V ≤ 32",
        Steps == 1 ? "T = 1" : Steps <= 16 ? "T ≤ 16" : "T ≤ 64",
        LambdaD == 0 ? "λ = 0" : LambdaD == 1 ? "λ = 1" : LambdaD > 1 ? "λ > 1" : "λ small",
        UnusedContexts.Length > 0 ? "some row of W unused" : "every row used",
        Kind,
    ];

    public string Describe() =>
        $"V = {V}, T = {Steps}, λ = {Show.Number(LambdaD)}   ({Kind})\ntokens = {Show.Vector(Tokens)}\nW = {Show.Vector(W, 256)}\nb = {Show.Vector(B)}";

    public SequenceCase<T> With(int[]? tokens = null, T[]? weights = null, T? lambda = null, string? kind = null) =>
        new(tokens ?? Tokens, V, weights ?? W, B, lambda ?? Lambda, DW, DB, kind ?? Kind);
}

/// <summary>
/// Sequences for spec/sequence-loss.md: V ∈ 1 … 32, T ∈ 1 … 64; tokens uniform, periodic, or avoiding
/// one token as a context (it may still be the last target); W and b uniform in ±s, s ∈ {1, 10, 30, 1e3},
/// coarsened; λ ∈ {0, 0.01 rounded to T, 1}.
/// </summary>
public static class SequenceCases<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    public static Arbitrary<SequenceCase<T>> Sequences { get; } = Arb.From(Generate<T>.Seeded(rng => Build(rng, unused: false)), Shrink);

    /// <summary>Sequences with V ≥ 2 in which some token is never a context.</summary>
    public static Arbitrary<SequenceCase<T>> WithUnusedContext { get; } = Arb.From(Generate<T>.Seeded(rng => Build(rng, unused: true)),
        c => Shrink(c).Where(s => s.UnusedContexts.Length > 0));

    /// <summary>
    /// Values at T's full precision (not coarsened), for differential tests: V in 1–12, T in 1–24; tokens
    /// constant, cyclic or random; W and b in ±0.1, ±1, ±10 or ±100; λ ∈ {0, 1e-3, 0.1, 1, 2.5}. Shrinks by
    /// dropping the last token. Spec: <c>SEQ-DEF</c>, <c>SEQ-GRAD</c>, <c>SEQ-L2</c>.
    /// </summary>
    public static Arbitrary<SequenceCase<T>> FullPrecision { get; } = Arb.From(
        Generate<T>.Seeded(rng =>
        {
            int v = rng.Next(6) == 0 ? 1 : rng.Next(2, 13);
            int steps = rng.Next(4) == 0 ? 1 : rng.Next(2, 25);
            var tokens = new int[steps + 1];
            int pattern = rng.Next(3);
            int start = rng.Next(v);
            for (int t = 0; t <= steps; t++)
                tokens[t] = pattern switch { 0 => start, 1 => (start + t) % v, _ => rng.Next(v) };
            double scale = new[] { 0.1, 1, 10, 100 }[rng.Next(4)];
            var w = Generate<T>.Uniform(rng, v * v, scale);
            var b = Generate<T>.Uniform(rng, v, scale);
            double lambda = new[] { 0.0, 1e-3, 0.1, 1, 2.5 }[rng.Next(5)];
            string kind = $"{(pattern == 0 ? "constant" : pattern == 1 ? "cyclic" : "random")} tokens, W and b ±{scale:G3}";
            return new SequenceCase<T>(tokens, v, Fp<T>.From(w), Fp<T>.From(b), Fp<T>.From(lambda),
                FiniteDifference.Direction(rng, v * v), FiniteDifference.Direction(rng, v), kind);
        }),
        c => c.Steps <= 1 ? [] : [c.With(tokens: c.Tokens[..^1], kind: Generate<T>.Shrunk(c.Kind))]);

    private static SequenceCase<T> Build(Random rng, bool unused)
    {
        double r = rng.NextDouble();
        int v = unused ? rng.Next(2, 33) : r < 0.05 ? 1 : r < 0.5 ? rng.Next(2, 9) : rng.Next(9, 33);
        r = rng.NextDouble();
        int steps = r < 0.1 ? 1 : r < 0.55 ? rng.Next(2, 17) : rng.Next(17, 65);

        var tokens = new int[steps + 1];
        string kind;
        int pattern = unused ? 2 : rng.Next(3);
        if (pattern == 0)
        {
            for (int t = 0; t <= steps; t++) tokens[t] = rng.Next(v);
            kind = "uniform tokens";
        }
        else if (pattern == 1)
        {
            int period = rng.Next(1, Math.Min(v, 4) + 1);
            var cycle = Enumerable.Range(0, period).Select(_ => rng.Next(v)).ToArray();
            for (int t = 0; t <= steps; t++) tokens[t] = cycle[t % period];
            kind = $"period {period}";
        }
        else
        {
            int avoid = v == 1 ? -1 : rng.Next(v);
            for (int t = 0; t <= steps; t++)
            {
                int a = rng.Next(v - (avoid >= 0 ? 1 : 0));
                tokens[t] = avoid >= 0 && a >= avoid ? a + 1 : a;
            }
            if (avoid >= 0 && rng.Next(2) == 0) tokens[steps] = avoid;   // a target, never a context
            kind = "one token never a context";
        }

        double scale = new[] { 1, 10, 30, 30, 1e3 }[rng.Next(5)];
        var w = FiniteDifference.Coarsen<T>(Enumerable.Range(0, v * v).Select(_ => (rng.NextDouble() * 2 - 1) * scale).ToArray());
        var b = FiniteDifference.Coarsen<T>(Enumerable.Range(0, v).Select(_ => (rng.NextDouble() * 2 - 1) * scale).ToArray());
        T lambda = rng.Next(4) switch { 0 or 1 => T.Zero, 2 => Fp<T>.From(0.01), _ => T.One };
        return new SequenceCase<T>(tokens, v, Fp<T>.From(w), Fp<T>.From(b), lambda,
            FiniteDifference.Direction(rng, v * v), FiniteDifference.Direction(rng, v), $"{kind}, |W|, |b| ≤ {scale:G3}");
    }

    /// <summary>Shorter sequences (first half, all but the first token), then λ = 0.</summary>
    private static IEnumerable<SequenceCase<T>> Shrink(SequenceCase<T> c)
    {
        if (c.Steps > 1)
        {
            yield return c.With(tokens: c.Tokens[..(c.Steps / 2 + 1)]);
            yield return c.With(tokens: c.Tokens[1..]);
        }
        if (c.LambdaD != 0) yield return c.With(lambda: T.Zero);
    }
}
