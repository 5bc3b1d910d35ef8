using System.Numerics;
using FsCheck;
using FsCheck.Fluent;

namespace LossConformance.Kit;

/// <summary>x ∈ ℝᵐ, W ∈ ℝ^{m×n} (row-major), b ∈ ℝⁿ and a target y for z = Wᵀx + b (spec/linear-layer.md).</summary>
public sealed class LinearLayerCase<T>(T[] x, T[] w, T[] b, T[] y, string kind, string targetKind) : ICase where T : unmanaged, IFloatingPointIeee754<T>
{
    public T[] X { get; } = x;
    public T[] W { get; } = w;
    public T[] B { get; } = b;
    public T[] Y { get; } = y;
    public double[] XD { get; } = Fp<T>.ToDouble(x);
    public double[] WD { get; } = Fp<T>.ToDouble(w);
    public double[] BD { get; } = Fp<T>.ToDouble(b);
    public double[] YD { get; } = Fp<T>.ToDouble(y);
    public string Kind { get; } = kind;
    public string TargetKind { get; } = targetKind;
    public int M => X.Length;
    public int N => B.Length;

    public IEnumerable<string> Tags => Tagging.Size(N).Append(Kind).Append(TargetKind).Append(M == 1 ? "m = 1" : "m > 1")
        .Concat(Tagging.Logits(DifferentialAccuracy.LinearExact(XD, WD, BD)));

    public string Describe() =>
        $"m = {M}, n = {N}   ({Kind}; {TargetKind})\nx = {Show.Vector(X)}\nW = {Show.Vector(W, 512)}\nb = {Show.Vector(B)}\ny = {Show.Vector(Y)}";
}

public static partial class ConformanceCases<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>
    /// m in 1–16, n in 1–32; x in ±1 or ±10, W in ±0.1, ±1 or ±10, b in ±1 or ±1e3 (|z| up to about 3e3);
    /// sometimes x = 0 (z = b) or W = 0; targets of <see cref="Generate{T}.Target"/>.
    /// Spec: <c>LIN-SHAPE</c>, <c>LIN-GRAD-W</c>, <c>LIN-GRAD-B</c>.
    /// </summary>
    public static Arbitrary<LinearLayerCase<T>> LinearLayer { get; } = Arb.From(
        Generate<T>.Seeded(rng =>
        {
            int m = rng.Next(5) == 0 ? 1 : rng.Next(2, 17);
            int n = rng.Next(6) == 0 ? 1 : rng.Next(2, 33);
            double xs = rng.Next(2) == 0 ? 1 : 10, ws = new[] { 0.1, 1, 10 }[rng.Next(3)], bs = rng.Next(4) == 0 ? 1e3 : 1;
            int special = rng.Next(8);
            var x = Values(rng, m, special == 0 ? 0 : xs);
            var w = Values(rng, m * n, special == 1 ? 0 : ws);
            var b = Values(rng, n, bs);
            double[] z = DifferentialAccuracy.LinearExact(x, w, b);
            var (y, targetKind) = Generate<T>.Target(rng, z);
            string kind = special == 0 ? "x = 0" : special == 1 ? "W = 0" : $"x ±{xs:G3}, W ±{ws:G3}, b ±{bs:G3}";
            return new LinearLayerCase<T>(Fp<T>.From(x), Fp<T>.From(w), Fp<T>.From(b), y, kind, targetKind);
        }),
        ShrinkLinear);

    /// <summary>n values uniform in ±scale, rounded to T (exactly representable).</summary>
    private static double[] Values(Random rng, int n, double scale)
    {
        var v = new double[n];
        for (int i = 0; i < n; i++) v[i] = Fp<T>.ToDouble(Fp<T>.From((rng.NextDouble() * 2 - 1) * scale));
        return v;
    }

    /// <summary>Drop the last input feature (a row of W).</summary>
    private static IEnumerable<LinearLayerCase<T>> ShrinkLinear(LinearLayerCase<T> c)
    {
        if (c.M > 1)
            yield return new LinearLayerCase<T>(c.X[..^1], c.W[..((c.M - 1) * c.N)], c.B, c.Y, Shrunk(c.Kind), c.TargetKind);
    }
}
