using System.Numerics;
using FsCheck;
using FsCheck.Fluent;

namespace LossConformance.Kit;

/// <summary>
/// A linear layer z = Wᵀx + b with a target distribution y and dyadic directions (D_W, D_b) for finite
/// differences. x ∈ ℝᵐ, W row-major m × n, b, y ∈ ℝⁿ (spec/linear-layer.md). The one case type of every
/// linear-layer generator: <see cref="LinearCases{T}"/> (coarsened, for exact finite differences; full precision,
/// for differential tests) and <see cref="ErrataCases{T}.Layers"/>.
/// </summary>
public sealed class LayerCase<T>(T[] x, T[] weights, T[] bias, T[] target, double[] weightDirection, double[] biasDirection,
                                  string kind, string targetKind) : ICase where T : unmanaged, IFloatingPointIeee754<T>
{
    public T[] X { get; } = x;
    public T[] W { get; } = weights;
    public T[] B { get; } = bias;
    public T[] Y { get; } = target;
    public double[] XD { get; } = Fp<T>.ToDouble(x);
    public double[] WD { get; } = Fp<T>.ToDouble(weights);
    public double[] BD { get; } = Fp<T>.ToDouble(bias);
    public double[] YD { get; } = Fp<T>.ToDouble(target);
    public double[] DW { get; } = weightDirection;
    public double[] DB { get; } = biasDirection;
    public string Kind { get; } = kind;
    public string TargetKind { get; } = targetKind;
    public int M => X.Length;
    public int N => B.Length;

    /// <summary>The logits Wᵀx + b in float64.</summary>
    public double[] Z => LinearAccuracy.ExactLogits(XD, WD, BD);

    public IEnumerable<string> Tags => new[] { M == N ? "m = n" : "m ≠ n", M == 1 ? "m = 1" : "m > 1", Kind, TargetKind }
        .Concat(Tagging.Size(N)).Concat(Tagging.Logits(Z));

    public string Describe() =>
        $"m = {M}, n = {N}   ({Kind})\nx = {Show.Vector(X)}\nW = {Show.Vector(W, 512)}   (row-major m × n)\nb = {Show.Vector(B)}\ny = {Show.Vector(Y)}   ({TargetKind})";

    /// <summary>The same layer with other inputs (for laws comparing two inputs under one W).</summary>
    public LayerCase<T> WithInput(T[] x) => new(x, W, B, Y, DW, DB, Kind, TargetKind);
}

/// <summary>Linear-layer cases for spec/linear-layer.md and <c>SEQ-DROPOUT</c>.</summary>
public static class LinearCases<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>
    /// m, n ∈ 1 … 64 (m = n a quarter of the time), x, W, b uniform then scaled so that max|z| is 1, 5,
    /// 30 or 1e3; targets one-hot (anywhere, at the largest or smallest logit), smoothed, uniform, soft.
    /// </summary>
    public static Arbitrary<LayerCase<T>> Layers { get; } = Arb.From(Generate<T>.Seeded(rng => Build(rng, Dim(rng), Dim(rng))), Shrink);

    /// <summary>m ≤ 10, n ≤ 16: small enough to enumerate all 2ᵐ dropout masks.</summary>
    public static Arbitrary<LayerCase<T>> Small { get; } = Arb.From(Generate<T>.Seeded(rng => Build(rng, rng.Next(1, 11), rng.Next(1, 17))), Shrink);

    /// <summary>
    /// Values at T's full precision (not coarsened), for differential tests: m in 1–16, n in 1–32; x in ±1 or
    /// ±10, W in ±0.1, ±1 or ±10, b in ±1 or ±1e3 (|z| up to about 3e3); sometimes x = 0 (z = b) or W = 0;
    /// targets of <see cref="Generate{T}.Target"/>. Shrinks by dropping an input feature (a row of W).
    /// Spec: <c>LIN-SHAPE</c>, <c>LIN-GRAD-W</c>, <c>LIN-GRAD-B</c>.
    /// </summary>
    public static Arbitrary<LayerCase<T>> FullPrecision { get; } = Arb.From(
        Generate<T>.Seeded(rng =>
        {
            int m = rng.Next(5) == 0 ? 1 : rng.Next(2, 17);
            int n = rng.Next(6) == 0 ? 1 : rng.Next(2, 33);
            double xs = rng.Next(2) == 0 ? 1 : 10, ws = new[] { 0.1, 1, 10 }[rng.Next(3)], bs = rng.Next(4) == 0 ? 1e3 : 1;
            int special = rng.Next(8);
            var x = Generate<T>.Uniform(rng, m, special == 0 ? 0 : xs);
            var w = Generate<T>.Uniform(rng, m * n, special == 1 ? 0 : ws);
            var b = Generate<T>.Uniform(rng, n, bs);
            var (y, targetKind) = Generate<T>.Target(rng, LinearAccuracy.ExactLogits(x, w, b));
            string kind = special == 0 ? "x = 0" : special == 1 ? "W = 0" : $"x ±{xs:G3}, W ±{ws:G3}, b ±{bs:G3}";
            return new LayerCase<T>(Fp<T>.From(x), Fp<T>.From(w), Fp<T>.From(b), y,
                FiniteDifference.Direction(rng, m * n), FiniteDifference.Direction(rng, n), kind, targetKind);
        }),
        c => c.M <= 1 ? [] : [DropLastInput(c, Generate<T>.Shrunk(c.Kind))]);

    public static LayerCase<T> Build(Random rng, int m, int n)
    {
        if (rng.Next(4) == 0) n = m;
        var x = new double[m];
        double xScale = rng.Next(4) == 0 ? 10 : 1;
        for (int i = 0; i < m; i++) x[i] = rng.Next(5) == 0 ? 0 : (rng.NextDouble() * 2 - 1) * xScale;
        var w = new double[m * n];
        for (int k = 0; k < w.Length; k++) w[k] = rng.NextDouble() * 2 - 1;
        var b = new double[n];
        for (int j = 0; j < n; j++) b[j] = rng.NextDouble() * 2 - 1;

        double scale = new[] { 1, 5, 30, 30, 30, 1e3 }[rng.Next(6)];
        double zmax = LinearAccuracy.ExactLogits(x, w, b).Max(Math.Abs);
        if (zmax > 0)
        {
            double f = scale / zmax;
            for (int k = 0; k < w.Length; k++) w[k] *= f;
            for (int j = 0; j < n; j++) b[j] *= f;
        }
        x = FiniteDifference.Coarsen<T>(x);
        w = FiniteDifference.Coarsen<T>(w);
        b = FiniteDifference.Coarsen<T>(b);
        var (y, targetKind) = Generate<T>.Target(rng, LinearAccuracy.ExactLogits(x, w, b));
        return new LayerCase<T>(Fp<T>.From(x), Fp<T>.From(w), Fp<T>.From(b), y,
            FiniteDifference.Direction(rng, m * n), FiniteDifference.Direction(rng, n), $"max|z| ≈ {scale:G3}", targetKind);
    }

    private static int Dim(Random rng)
    {
        double r = rng.NextDouble();
        return r < 0.1 ? 1 : r < 0.5 ? rng.Next(2, 9) : rng.Next(9, 65);
    }

    /// <summary>Drops the last input (a row of W) or the last output (a column of W, b, y renormalised).</summary>
    private static IEnumerable<LayerCase<T>> Shrink(LayerCase<T> c)
    {
        int m = c.M, n = c.N;
        if (m > 1) yield return DropLastInput(c, c.Kind);
        if (n > 1 && c.YD[..^1].Sum() > 0)
        {
            var keep = Enumerable.Range(0, m * n).Where(k => k % n != n - 1).ToArray();
            var dw = keep.Select(k => c.DW[k]).ToArray();
            if (dw.All(v => v == 0)) dw[0] = 1;
            var db = c.DB[..^1];
            if (db.All(v => v == 0)) db[0] = 1;
            yield return new LayerCase<T>(c.X, keep.Select(k => c.W[k]).ToArray(), c.B[..^1], Generate<T>.Normalise(c.YD[..^1]),
                dw, db, c.Kind, c.TargetKind);
        }
    }

    /// <summary>The layer without its last input feature (a row of W and of D_W).</summary>
    private static LayerCase<T> DropLastInput(LayerCase<T> c, string kind)
    {
        int m = c.M, n = c.N;
        var dw = c.DW[..((m - 1) * n)];
        if (dw.All(v => v == 0)) dw[0] = 1;
        return new LayerCase<T>(c.X[..^1], c.W[..((m - 1) * n)], c.B, c.Y, dw, c.DB, kind, c.TargetKind);
    }
}
