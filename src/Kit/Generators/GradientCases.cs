using System.Numerics;
using FsCheck;
using FsCheck.Fluent;

namespace LossConformance.Kit;

/// <summary>Coarsened logits (exact steps for finite differences), target weights y ≥ 0 and a dyadic direction.</summary>
public sealed class TargetDirectionCase<T>(T[] z, T[] y, double[] direction, string kind, string targetKind) : ICase
    where T : unmanaged, IFloatingPointIeee754<T>
{
    public T[] Z { get; } = z;
    public T[] Y { get; } = y;
    public double[] ZD { get; } = Fp<T>.ToDouble(z);
    public double[] YD { get; } = Fp<T>.ToDouble(y);
    public double[] D { get; } = direction;
    public string Kind { get; } = kind;
    public string TargetKind { get; } = targetKind;
    public int N => Z.Length;

    /// <summary>Σy in float64.</summary>
    public double Mass => YD.Sum();

    public IEnumerable<string> Tags => Tagging.Size(N).Append(Kind).Append(TargetKind).Concat(Tagging.Logits(ZD));

    public string Describe() => $"z = {Show.Vector(Z)}   ({Kind})\ny = {Show.Vector(Y)}   ({TargetKind}, Σy = {Show.Number(Mass)})\nd = {Show.Vector(D)}";
}

/// <summary>One logit and one target in [0, 1] for binary cross-entropy on a sigmoid (<c>GRAD-BINARY</c>).</summary>
public sealed class BinaryCase<T>(T z, T y, string kind) : ICase where T : unmanaged, IFloatingPointIeee754<T>
{
    public T Z { get; } = z;
    public T Y { get; } = y;
    public double ZD => Fp<T>.ToDouble(Z);
    public double YD => Fp<T>.ToDouble(Y);
    public string Kind { get; } = kind;
    public int N => 1;

    public IEnumerable<string> Tags =>
    [
        Kind,
        Math.Abs(ZD) >= 1e3 ? "|z| ≥ 1e3" : Math.Abs(ZD) >= 30 ? "|z| ≥ 30" : Math.Abs(ZD) >= 17 ? "|z| ≥ 17 (σ rounds to 1 in float)" : "|z| < 17",
        YD == 0 || YD == 1 ? "hard target" : "soft target",
        ZD < 0 ? "z < 0" : "z ≥ 0",
    ];

    public string Describe() => $"z = {Show.Number(Fp<T>.ToDouble(Z))}   ({Kind})\ny = {Show.Number(Fp<T>.ToDouble(Y))}";
}

/// <summary>Generators for spec/softmax-cross-entropy.md beyond <see cref="Generate{T}"/>.</summary>
public static class GradientCases<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>Targets with Σy = 1 (one-hot, at the largest or smallest logit, label smoothing, uniform, soft), coarsened logits, a direction.</summary>
    public static Arbitrary<TargetDirectionCase<T>> Normalised { get; } = Arb.From(
        Generate<T>.Seeded(rng =>
        {
            int n = Generate<T>.Length(rng);
            var (raw, kind) = Generate<T>.LogitValues(rng, n);
            var z = FiniteDifference.Coarsen<T>(raw);
            var (y, targetKind) = Generate<T>.Target(rng, z);
            return new TargetDirectionCase<T>(Fp<T>.From(z), y, FiniteDifference.Direction(rng, n), kind, targetKind);
        }),
        c => Shrink(c, normalise: true));

    /// <summary>
    /// Unnormalised non-negative target weights of <see cref="TargetWeights"/> on coarsened logits, with a direction.
    /// </summary>
    public static Arbitrary<TargetDirectionCase<T>> Weighted { get; } = Arb.From(
        Generate<T>.Seeded(rng =>
        {
            int n = Generate<T>.Length(rng);
            var (raw, kind) = Generate<T>.LogitValues(rng, n);
            var z = FiniteDifference.Coarsen<T>(raw);
            var (y, targetKind) = TargetWeights(rng, z);
            return new TargetDirectionCase<T>(Fp<T>.From(z), y, FiniteDifference.Direction(rng, n), kind, targetKind);
        }),
        c => Shrink(c, normalise: false));

    /// <summary>
    /// The same target weights on logits at T's full precision (not coarsened), for differential tests; shrinks
    /// by dropping the last entry. Spec: <c>GRAD-GENERAL</c>.
    /// </summary>
    public static Arbitrary<LogitsTargetCase<T>> WeightedFullPrecision { get; } = Arb.From(
        Generate<T>.Seeded(rng =>
        {
            int n = Generate<T>.Length(rng);
            var (z, kind) = Generate<T>.LogitValues(rng, n);
            var (y, targetKind) = TargetWeights(rng, z);
            return new LogitsTargetCase<T>(Fp<T>.From(z), y, kind, targetKind);
        }),
        c => c.N <= 1 ? [] : [new LogitsTargetCase<T>(c.Z[..^1], c.Y[..^1], Generate<T>.Shrunk(c.Kind), c.TargetKind)]);

    /// <summary>
    /// Target weights y ≥ 0 of any mass Σy, each rounded to T, for the general gradient (Σy)ŷ − y: a hard-case
    /// weight pattern normalised and times a mass from {0, 1e-3, 0.5, 1, 2, 7.5, 100} (0 gives y = 0); a target
    /// distribution of <see cref="Generate{T}.Target"/> times 0, ½, 2 or 3.75; or raw weights with zeros, each
    /// times 1–4. Spec: <c>GRAD-GENERAL</c>.
    /// </summary>
    public static (T[] Y, string Kind) TargetWeights(Random rng, double[] z)
    {
        int n = z.Length;
        switch (rng.Next(3))
        {
            case 0:
            {
                var (p, pk) = Generate<T>.Target(rng, z);
                double mass = new[] { 0.0, 0.5, 2, 3.75 }[rng.Next(4)];
                return (p.Select(v => Fp<T>.From(Fp<T>.ToDouble(v) * mass)).ToArray(), $"{mass:G3} × {pk}");
            }
            case 1:
            {
                var (w, wk) = Generate<T>.Weights(rng, n);
                return (Fp<T>.From(w.Select(v => v * (1 + rng.Next(4)))), $"raw weights ({wk})");
            }
            default:
            {
                var (w, weightKind) = Generate<T>.Weights(rng, n);
                double mass = new[] { 0, 1e-3, 0.5, 1, 2, 7.5, 100 }[rng.Next(7)];
                double total = w.Sum();
                return (w.Select(v => Fp<T>.From(mass * v / total)).ToArray(), $"{weightKind} weights, mass {mass:G3}");
            }
        }
    }

    /// <summary>Logits 0, uniform in ±1, ±10, ±40, ±1e3, exactly ±1e4 (coarsened); targets 0, 1, ½, 1e-3 or uniform in [0, 1].</summary>
    public static Arbitrary<BinaryCase<T>> Binary { get; } = Arb.From(
        Generate<T>.Seeded(rng =>
        {
            double scale = new[] { 0, 1, 10, 40, 1e3, 1e4 }[rng.Next(6)];
            double z = scale == 1e4 ? (rng.Next(2) == 0 ? 1e4 : -1e4) : (rng.NextDouble() * 2 - 1) * scale;
            z = FiniteDifference.Coarsen<T>([z])[0];
            double y = rng.Next(5) switch { 0 => 0, 1 => 1, 2 => 0.5, 3 => 1e-3, _ => rng.NextDouble() };
            return new BinaryCase<T>(Fp<T>.From(z), Fp<T>.From(y), scale == 1e4 ? "z = ±1e4" : $"z uniform in ±{scale:G3}");
        }),
        c => c.ZD == Math.Round(c.ZD) ? [] : [new BinaryCase<T>(Fp<T>.From(Math.Round(c.ZD)), c.Y, c.Kind)]);

    /// <summary>
    /// Values at T's full precision (not coarsened), for differential tests: logits 0, |z| &lt; 5, around the
    /// saturation of σ (17–40), ±1e4, uniform in ±100; targets 0, 1, ½ or uniform in [0, 1]. Shrinks z to an
    /// integer and y to 0 or 1. Spec: <c>GRAD-BINARY</c>.
    /// </summary>
    public static Arbitrary<BinaryCase<T>> BinaryFullPrecision { get; } = Arb.From(
        Generate<T>.Seeded(rng =>
        {
            double sign = rng.Next(2) == 0 ? 1 : -1;
            var (z, kind) = rng.Next(6) switch
            {
                0 => (0.0, "z = 0"),
                1 => (sign * rng.NextDouble() * 5, "|z| < 5"),
                2 => (sign * (17 + rng.NextDouble() * 23), "|z| in 17–40"),
                3 => (sign * 1e4, "z = ±1e4"),
                _ => ((rng.NextDouble() * 2 - 1) * 100, "z in ±100"),
            };
            double y = rng.Next(4) switch { 0 => 0.0, 1 => 1.0, 2 => 0.5, _ => rng.NextDouble() };
            return new BinaryCase<T>(Fp<T>.From(z), Fp<T>.From(y), kind);
        }),
        ShrinkBinary);

    private static IEnumerable<BinaryCase<T>> ShrinkBinary(BinaryCase<T> c)
    {
        double rounded = Math.Round(c.ZD);
        if (rounded != c.ZD) yield return new BinaryCase<T>(Fp<T>.From(rounded), c.Y, Generate<T>.Shrunk(c.Kind));
        if (c.YD is not (0 or 1)) yield return new BinaryCase<T>(c.Z, Fp<T>.From(Math.Round(c.YD)), Generate<T>.Shrunk(c.Kind));
    }

    private static IEnumerable<TargetDirectionCase<T>> Shrink(TargetDirectionCase<T> c, bool normalise)
    {
        if (c.N <= 1) yield break;
        foreach (int drop in new[] { c.N - 1, 0 })
        {
            var keep = Enumerable.Range(0, c.N).Where(i => i != drop).ToArray();
            var y = keep.Select(i => c.YD[i]).ToArray();
            if (normalise && y.Sum() == 0) continue;
            var d = keep.Select(i => c.D[i]).ToArray();
            if (d.All(v => v == 0)) d[0] = 1;
            yield return new TargetDirectionCase<T>(keep.Select(i => c.Z[i]).ToArray(),
                normalise ? Generate<T>.Normalise(y) : Fp<T>.From(y), d, c.Kind, c.TargetKind);
        }
    }
}
