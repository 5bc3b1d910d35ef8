using System.Numerics;
using FsCheck;
using FsCheck.Fluent;

namespace LossConformance.Kit;

/// <summary>One logit z and a target y ∈ [0, 1] for binary cross-entropy on a sigmoid.</summary>
public sealed class BinaryLogitCase<T>(T logit, T target, string kind) : ICase where T : unmanaged, IFloatingPointIeee754<T>
{
    public T Logit { get; } = logit;
    public T Target { get; } = target;
    public double Z => Fp<T>.ToDouble(Logit);
    public double Y => Fp<T>.ToDouble(Target);
    public string Kind { get; } = kind;
    public int N => 1;

    public IEnumerable<string> Tags =>
    [
        Kind,
        Math.Abs(Z) >= 1e3 ? "|z| ≥ 1e3" : Math.Abs(Z) >= 17 ? "|z| ≥ 17 (σ rounds to 1 in float)" : "|z| < 17",
        Y == 0 || Y == 1 ? "hard label" : "soft label",
    ];

    public string Describe() => $"z = {Show.Vector([Logit])}, y = {Show.Vector([Target])}   ({Kind})";
}

public static partial class ConformanceCases<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>
    /// Logits 0, small, around the saturation of σ (17–40), ±1e4, uniform in ±100; targets 0, 1, ½
    /// or uniform in [0, 1]. Spec: <c>GRAD-BINARY</c>.
    /// </summary>
    public static Arbitrary<BinaryLogitCase<T>> Binary { get; } = Arb.From(
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
            return new BinaryLogitCase<T>(Fp<T>.From(z), Fp<T>.From(y), kind);
        }),
        c => ShrinkBinary(c));

    private static IEnumerable<BinaryLogitCase<T>> ShrinkBinary(BinaryLogitCase<T> c)
    {
        double rounded = Math.Round(c.Z);
        if (rounded != c.Z) yield return new BinaryLogitCase<T>(Fp<T>.From(rounded), c.Target, Shrunk(c.Kind));
        if (c.Y is not (0 or 1)) yield return new BinaryLogitCase<T>(c.Logit, Fp<T>.From(Math.Round(c.Y)), Shrunk(c.Kind));
    }
}
