using System.Numerics;
using FsCheck;
using FsCheck.Fluent;

namespace LossConformance.Kit;

/// <summary>
/// Inputs where a value is tiny and the baseline tier's absolute bounds admit 0 or a rounded
/// answer (spec/strict-accuracy.md): logits with one entry far above the rest (the maximum's
/// log-probability −log1p(t) with t below u), targets on that entry (a loss near 0), binary
/// cross-entropy with y near 1 and z ≫ 0, and distribution pairs a few ulps apart (a KL near 0).
/// Every value is held exactly in T.
/// </summary>
public static class StrictCases<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>Gaps between the maximum and the rest: the tail e^{−gap} spans 1e-1 … below T's u and into its subnormals.</summary>
    private static readonly double[] Gaps = typeof(T) == typeof(float) ? [2, 10, 17, 25, 40, 60, 90, 110] : [2, 10, 37, 40, 80, 300, 720, 760];

    private static (double[] Z, int K, string Kind) Peaked(Random rng)
    {
        int n = rng.Next(4) == 0 ? 1 + rng.Next(2) : rng.Next(2) == 0 ? 2 + rng.Next(7) : 9 + rng.Next(120);
        double gap = Gaps[rng.Next(Gaps.Length)];
        double offset = new[] { 0.0, -7.25, 3.5, 1e3 }[rng.Next(4)];
        int k = rng.Next(n);
        var z = new double[n];
        for (int i = 0; i < n; i++) z[i] = Fp<T>.ToDouble(Fp<T>.From(offset - gap - 4 * rng.NextDouble()));
        z[k] = Fp<T>.ToDouble(Fp<T>.From(offset));
        return (z, k, $"peaked: max at {k}, gap ≥ {gap:G3}");
    }

    /// <summary>Logits with one entry at least a gap above the others. Spec: <c>STRICT-LOGSOFTMAX</c>.</summary>
    public static Arbitrary<LogitsCase<T>> PeakedLogits { get; } = Arb.From(
        Generate<T>.Seeded(rng => { var (z, _, kind) = Peaked(rng); return new LogitsCase<T>(Fp<T>.From(z), kind); }));

    /// <summary>Peaked logits with the target on the maximum (one-hot, or with a little mass elsewhere): a loss near 0. Spec: <c>STRICT-XENT-LOGITS</c>.</summary>
    public static Arbitrary<LogitsTargetCase<T>> PeakedTargets { get; } = Arb.From(
        Generate<T>.Seeded(rng =>
        {
            var (z, k, kind) = Peaked(rng);
            var y = new double[z.Length];
            string targetKind;
            switch (rng.Next(3))
            {
                case 0: y[k] = 1; targetKind = "one-hot on the maximum"; break;
                case 1: y[k] = 1; for (int i = 0; i < y.Length; i++) if (i != k) y[i] = rng.Next(2) * Math.ScaleB(1, -20); targetKind = "weights on the maximum, 2⁻²⁰ elsewhere"; break;
                default: y[k] = 0.75; y[rng.Next(y.Length)] += 0.25; targetKind = "¾ on the maximum"; break;
            }
            return new LogitsTargetCase<T>(Fp<T>.From(z), Fp<T>.From(y), kind, targetKind);
        }));

    /// <summary>Binary cross-entropy where the loss is tiny: z ≫ 0 with y = 1 or 1 − 2⁻ᵏ, z ≪ 0 with y = 0 or 2⁻ᵏ, and moderate z. Spec: <c>STRICT-BINARY</c>.</summary>
    public static Arbitrary<BinaryCase<T>> Binary { get; } = Arb.From(
        Generate<T>.Seeded(rng =>
        {
            double magnitude = Fp<T>.ToDouble(Fp<T>.From(new[] { 0.5, 5, 17, 40, 90, 700, 1e4 }[rng.Next(7)] * (1 + rng.NextDouble())));
            int k = typeof(T) == typeof(float) ? 1 + rng.Next(23) : 1 + rng.Next(52);
            bool positive = rng.Next(2) == 0;
            double y = rng.Next(3) switch
            {
                0 => positive ? 1 : 0,
                1 => positive ? 1 - Math.ScaleB(1, -k) : Math.ScaleB(1, -k),
                _ => rng.NextDouble(),
            };
            return new BinaryCase<T>(Fp<T>.From(positive ? magnitude : -magnitude), Fp<T>.From(y), positive ? "z ≫ 0, y near 1" : "z ≪ 0, y near 0");
        }));

    /// <summary>
    /// Pairs (p, q) with q = p after moving small exact amounts of mass between entries (so Σq = Σp
    /// in exact arithmetic and D is tiny), and q = p itself. Spec: <c>STRICT-KL</c>.
    /// </summary>
    public static Arbitrary<DistributionPairCase<T>> NearPairs { get; } = Arb.From(
        Generate<T>.Seeded(rng =>
        {
            int n = 2 + rng.Next(rng.Next(3) == 0 ? 200 : 8);
            var (w, _) = Generate<T>.Weights(rng, n);
            T[] p = Generate<T>.Normalise(w);
            var q = (T[])p.Clone();
            int moves = rng.Next(4);
            for (int m = 0; m < moves; m++)
            {
                int i = rng.Next(n), j = rng.Next(n);
                if (i == j || p[i] == T.Zero || q[i] == T.Zero) continue;
                // A multiple of both entries' ulps, at most half of qᵢ: qᵢ − ε and qⱼ + ε stay exact.
                double ulp = Math.Max(Ulp(q[i]), Ulp(q[j]));
                double epsilon = ulp * Math.ScaleB(1, rng.Next(typeof(T) == typeof(float) ? 12 : 30));
                if (epsilon > Fp<T>.ToDouble(q[i]) / 2) continue;
                T a = Fp<T>.From(Fp<T>.ToDouble(q[i]) - epsilon), b = Fp<T>.From(Fp<T>.ToDouble(q[j]) + epsilon);
                if (Fp<T>.ToDouble(a) + Fp<T>.ToDouble(b) != Fp<T>.ToDouble(q[i]) + Fp<T>.ToDouble(q[j]) || b > T.One) continue;   // not exact, or above 1: skip
                q[i] = a;
                q[j] = b;
            }
            return new DistributionPairCase<T>(p, q, moves == 0 ? "q = p" : "q = p with mass moved by a few ulps");
        }));

    private static double Ulp(T x) => Fp<T>.ToDouble(T.BitIncrement(x)) - Fp<T>.ToDouble(x);
}
