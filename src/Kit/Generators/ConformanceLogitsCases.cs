using System.Numerics;
using FsCheck;
using FsCheck.Fluent;

namespace LossConformance.Kit;

/// <summary>A generated case with a random direction for a finite-difference check (one random projection of the Jacobian, as gradcheck's fast mode).</summary>
public sealed class DirectedCase<TCase>(TCase inner, double[] direction) : ICase where TCase : ICase
{
    public TCase Inner { get; } = inner;

    /// <summary>Entries in [−1, 1], one per perturbed input entry (in the order the suite documents).</summary>
    public double[] Direction { get; } = direction;

    public int N => Inner.N;
    public IEnumerable<string> Tags => Inner.Tags;
    public string Describe() => $"{Inner.Describe()}\nd = {Show.Vector(Direction)}";
}

/// <summary>
/// Case generators of the conformance suites (tests/Conformance) that no other suite needs, built from the
/// blocks of <see cref="Generate{T}"/>: logits whose softmax does not underflow, and random directions for
/// finite differences of any case type.
/// </summary>
public static partial class ConformanceCases<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>
    /// Logits within 40 of each other (so that no ŷᵢ is below e^{−40}/n, far above the underflow
    /// threshold of float), around 0, ±1e3 or ±1e4, with a target distribution: where CE from
    /// logits and CE(y, softmax z) are both defined and comparable. Spec: <c>GRAD-FUSED</c>.
    /// </summary>
    public static Arbitrary<LogitsTargetCase<T>> LogitsWithTargetNoUnderflow { get; } = Arb.From(
        Generate<T>.Seeded(rng =>
        {
            int n = Generate<T>.Length(rng);
            double centre = new[] { 0.0, 0, 1e3, -1e3, 1e4, -1e4 }[rng.Next(6)];
            double spread = new[] { 0.0, 0.5, 5, 20 }[rng.Next(4)];
            var z = new double[n];
            bool ties = rng.Next(4) == 0;
            for (int i = 0; i < n; i++)
                z[i] = Fp<T>.ToDouble(Fp<T>.From(centre + (ties ? rng.Next(3) - 1 : (rng.NextDouble() * 2 - 1) * spread)));
            var (y, targetKind) = Generate<T>.Target(rng, z);
            return new LogitsTargetCase<T>(Fp<T>.From(z), y, $"{(ties ? "ties" : $"spread ±{spread:G3}")} around {centre:G3}", targetKind);
        }),
        c => []);

    /// <summary>Adds a direction of the given dimension, entries uniform in [−1, 1], drawn from its own seed.</summary>
    public static Arbitrary<DirectedCase<TCase>> Directed<TCase>(Arbitrary<TCase> cases, Func<TCase, int> dimension) where TCase : ICase =>
        Arb.From(
            from c in cases.Generator
            from seed in Gen.Choose(0, int.MaxValue)
            select new DirectedCase<TCase>(c, RandomDirection(new Random(seed), dimension(c))),
            c => []);

    public static double[] RandomDirection(Random rng, int n)
    {
        var d = new double[n];
        for (int i = 0; i < n; i++) d[i] = rng.NextDouble() * 2 - 1;
        return d;
    }
}
