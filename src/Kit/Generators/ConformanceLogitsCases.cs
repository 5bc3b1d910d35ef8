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
/// Case generators of the conformance suites (tests/Conformance), built from the blocks of
/// <see cref="Generate{T}"/>: logits for O(n²) checks, target weights of any mass, logits whose
/// softmax does not underflow, and directions for finite differences.
/// </summary>
public static partial class ConformanceCases<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>Logits of length 1–48 (the Jacobian is n × n), of the hard-case kinds of <see cref="Generate{T}.LogitValues"/>.</summary>
    public static Arbitrary<LogitsCase<T>> SmallLogits { get; } = Arb.From(
        Generate<T>.Seeded(rng =>
        {
            int n = rng.Next(4) == 0 ? 1 : rng.Next(2, 49);
            var (z, kind) = Generate<T>.LogitValues(rng, n);
            return new LogitsCase<T>(Fp<T>.From(z), kind);
        }),
        c => DropEnds(c.ZD).Select(z => new LogitsCase<T>(Fp<T>.From(z), Shrunk(c.Kind))));

    /// <summary>
    /// Logits with target weights y ≥ 0 of any mass Σy (0, ½, 2, 3.75 times a distribution, or raw
    /// weights with zeros): the general gradient (Σy)ŷ − y. Spec: <c>GRAD-GENERAL</c>.
    /// </summary>
    public static Arbitrary<LogitsTargetCase<T>> LogitsWithWeights { get; } = Arb.From(
        Generate<T>.Seeded(rng =>
        {
            int n = Generate<T>.Length(rng);
            var (z, kind) = Generate<T>.LogitValues(rng, n);
            double mass = new[] { 0.0, 0.5, 2, 3.75, -1 }[rng.Next(5)];
            T[] y;
            string targetKind;
            if (mass < 0)
            {
                var (w, wk) = Generate<T>.Weights(rng, n);
                y = Fp<T>.From(w.Select(v => v * (1 + rng.Next(4))));
                targetKind = $"raw weights ({wk})";
            }
            else
            {
                var (p, pk) = Generate<T>.Target(rng, z);
                y = p.Select(v => Fp<T>.From(Fp<T>.ToDouble(v) * mass)).ToArray();
                targetKind = $"{mass:G3} × {pk}";
            }
            return new LogitsTargetCase<T>(Fp<T>.From(z), y, kind, targetKind);
        }),
        c => c.N <= 1 ? [] : [new LogitsTargetCase<T>(c.Z[..^1], c.Y[..^1], Shrunk(c.Kind), c.TargetKind)]);

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

    private static IEnumerable<double[]> DropEnds(double[] z)
    {
        if (z.Length <= 1) yield break;
        yield return z[..^1];
        yield return z[1..];
    }

    private static string Shrunk(string kind) => kind.EndsWith(", shrunk", StringComparison.Ordinal) ? kind : kind + ", shrunk";
}
