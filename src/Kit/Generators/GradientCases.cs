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

/// <summary>One logit and one target in [0, 1] for binary cross-entropy.</summary>
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
        Math.Abs(ZD) >= 1e3 ? "|z| ≥ 1e3" : Math.Abs(ZD) >= 30 ? "|z| ≥ 30" : "|z| < 30",
        YD == 0 || YD == 1 ? "hard target" : "soft target",
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
    /// Unnormalised non-negative target weights: a hard-case weight pattern times a mass drawn from
    /// {0, 1e-3, 0.5, 1, 2, 7.5, 100} (0 gives y = 0), each weight rounded to T.
    /// </summary>
    public static Arbitrary<TargetDirectionCase<T>> Weighted { get; } = Arb.From(
        Generate<T>.Seeded(rng =>
        {
            int n = Generate<T>.Length(rng);
            var (raw, kind) = Generate<T>.LogitValues(rng, n);
            var z = FiniteDifference.Coarsen<T>(raw);
            var (w, weightKind) = Generate<T>.Weights(rng, n);
            double mass = new[] { 0, 1e-3, 0.5, 1, 2, 7.5, 100 }[rng.Next(7)];
            double total = w.Sum();
            var y = w.Select(v => Fp<T>.From(mass * v / total)).ToArray();
            return new TargetDirectionCase<T>(Fp<T>.From(z), y, FiniteDifference.Direction(rng, n), kind, $"{weightKind} weights, mass {mass:G3}");
        }),
        c => Shrink(c, normalise: false));

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
