using System.Numerics;
using FsCheck;
using FsCheck.Fluent;

namespace LossConformance.Kit;

/// <summary>Tokens x₀ … x_T over a vocabulary of V, a bigram model W (V × V), b, and an L2 strength λ (spec/sequence-loss.md).</summary>
public sealed class SequenceLossCase<T>(int[] tokens, int vocabulary, T[] w, T[] b, T lambda, string kind) : ICase where T : unmanaged, IFloatingPointIeee754<T>
{
    public int[] Tokens { get; } = tokens;
    public int Vocabulary { get; } = vocabulary;
    public T[] W { get; } = w;
    public T[] B { get; } = b;
    public T Lambda { get; } = lambda;
    public double[] WD { get; } = Fp<T>.ToDouble(w);
    public double[] BD { get; } = Fp<T>.ToDouble(b);
    public double LambdaD => Fp<T>.ToDouble(Lambda);
    public string Kind { get; } = kind;
    public int Steps => Tokens.Length - 1;
    public int N => Vocabulary;

    public IEnumerable<string> Tags => Tagging.Size(Vocabulary).Append(Kind)
        .Append(LambdaD == 0 ? "λ = 0" : "λ > 0").Append(Steps == 1 ? "T = 1" : "T > 1");

    public string Describe() =>
        $"V = {Vocabulary}, T = {Steps}, λ = {Show.Vector([Lambda])}   ({Kind})\ntokens = {Show.Vector(Tokens)}\nW = {Show.Vector(W, 256)}\nb = {Show.Vector(B)}";
}

public static partial class ConformanceCases<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>
    /// V in 1–12, T in 1–24; tokens random, constant or cyclic; W and b in ±0.1, ±1, ±10 or ±100;
    /// λ ∈ {0, 1e-3, 0.1, 1, 2.5}. Spec: <c>SEQ-DEF</c>, <c>SEQ-GRAD</c>, <c>SEQ-L2</c>.
    /// </summary>
    public static Arbitrary<SequenceLossCase<T>> SequenceLoss { get; } = Arb.From(
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
            var w = Values(rng, v * v, scale);
            var b = Values(rng, v, scale);
            double lambda = new[] { 0.0, 1e-3, 0.1, 1, 2.5 }[rng.Next(5)];
            string kind = $"{(pattern == 0 ? "constant" : pattern == 1 ? "cyclic" : "random")} tokens, W and b ±{scale:G3}";
            return new SequenceLossCase<T>(tokens, v, Fp<T>.From(w), Fp<T>.From(b), Fp<T>.From(lambda), kind);
        }),
        c => c.Steps <= 1 ? [] : [new SequenceLossCase<T>(c.Tokens[..^1], c.Vocabulary, c.W, c.B, c.Lambda, Shrunk(c.Kind))]);
}
