using System.Numerics;
using FsCheck;
using FsCheck.Fluent;

namespace LossConformance.Kit;

/// <summary>
/// FsCheck arbitraries that reach the hard cases on purpose (FsCheck's own doubles stay within
/// ±100 and never produce them): exact zeros, entries down to 1e-300 (double) / 1e-38 (float),
/// one-hot, uniform and peaked distributions, p = q and p ≈ q, logits up to ±1e4, ties, n = 1,
/// n up to 4096. Each case is built from one FsCheck-drawn seed, so a printed replay seed
/// regenerates it exactly; shrinkers drop entries and simplify values.
/// </summary>
public static class Generate<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>Smallest positive weight the generators put into a distribution: 1e-300 (double), 1e-38 (float).</summary>
    public static double Tiny { get; } = typeof(T) == typeof(float) ? 1e-38 : 1e-300;

    public static Arbitrary<DistributionCase<T>> Distributions { get; } = Mutations.Searchable(Arb.From(
        Seeded(rng => { var (w, kind) = Weights(rng, Length(rng)); return new DistributionCase<T>(Normalise(w), kind); }),
        c => ShrinkVector(c.PD).Select(w => new DistributionCase<T>(Normalise(w), Shrunk(c.Kind)))),
        new CaseCodec<DistributionCase<T>>("DistributionCase", Mutate<T>.Distribution,
            c => new Dictionary<string, double[]> { ["p"] = c.PD }, (v, kind) => new(Fp<T>.From(v["p"]), kind), c => c.Kind));

    /// <summary>Pairs with supp p ⊆ supp q, so D(p‖q) and H(p, q) are finite.</summary>
    public static Arbitrary<DistributionPairCase<T>> DistributionPairs { get; } = Mutations.Searchable(Arb.From(
        Seeded(rng => Pair(rng, Length(rng))),
        ShrinkPair),
        new CaseCodec<DistributionPairCase<T>>("DistributionPairCase", Mutate<T>.Pair,
            c => new Dictionary<string, double[]> { ["p"] = c.PD, ["q"] = c.QD },
            (v, kind) => new(Fp<T>.From(v["p"]), Fp<T>.From(v["q"]), kind), c => c.Kind));

    /// <summary>Pairs of a given length (for laws over products, mixtures and the like).</summary>
    public static Gen<DistributionPairCase<T>> DistributionPairsOfLength(int n) => Seeded(rng => Pair(rng, n));

    /// <summary>Pairs where some pᵢ &gt; 0 has qᵢ = 0 (support mismatch: +∞).</summary>
    public static Arbitrary<DistributionPairCase<T>> DistributionPairsWithSupportGap { get; } = Arb.From(
        Seeded(rng =>
        {
            int n = Math.Max(1, Length(rng));
            var (pw, kind) = Weights(rng, n);
            var (qw, _) = Weights(rng, n);
            int gap = Enumerable.Range(0, n).Where(i => pw[i] > 0).ElementAt(rng.Next(pw.Count(v => v > 0)));
            qw[gap] = 0;
            if (qw.All(v => v == 0)) qw[(gap + 1) % n] = 1;
            if (n == 1) return new DistributionPairCase<T>([T.One], [T.Zero], "n = 1 gap (q not normalised)");
            return new DistributionPairCase<T>(Normalise(pw), Normalise(qw), kind + " with a support gap");
        }),
        c => []);

    public static Arbitrary<LogitsCase<T>> Logits { get; } = Mutations.Searchable(Arb.From(
        Seeded(rng => { var (z, kind) = LogitValues(rng, Length(rng)); return new LogitsCase<T>(Fp<T>.From(z), kind); }),
        c => ShrinkLogits(c.ZD).Select(z => new LogitsCase<T>(Fp<T>.From(z), Shrunk(c.Kind)))),
        new CaseCodec<LogitsCase<T>>("LogitsCase", Mutate<T>.LogitVector,
            c => new Dictionary<string, double[]> { ["z"] = c.ZD }, (v, kind) => new(Fp<T>.From(v["z"]), kind), c => c.Kind));

    /// <summary>Logits with a target distribution: one-hot (at a random class, the largest or the smallest logit), soft, smoothed, uniform.</summary>
    public static Arbitrary<LogitsTargetCase<T>> LogitsWithTarget { get; } = Mutations.Searchable(Arb.From(
        Seeded(rng =>
        {
            int n = Length(rng);
            var (z, kind) = LogitValues(rng, n);
            var (y, targetKind) = Target(rng, z);
            return new LogitsTargetCase<T>(Fp<T>.From(z), y, kind, targetKind);
        }),
        ShrinkLogitsTarget),
        new CaseCodec<LogitsTargetCase<T>>("LogitsTargetCase", Mutate<T>.LogitsTarget,
            c => new Dictionary<string, double[]> { ["z"] = c.ZD, ["y"] = c.YD },
            (v, kind) => new(Fp<T>.From(v["z"]), Fp<T>.From(v["y"]), kind.Split('\n')[0], kind.Split('\n').ElementAtOrDefault(1) ?? "stored target"),
            c => c.Kind + "\n" + c.TargetKind));

    // ---- building blocks, public so that suites can compose their own cases ----

    /// <summary>A generator from one FsCheck-drawn seed; the size parameter is not used (lengths have their own mix).</summary>
    public static Gen<TCase> Seeded<TCase>(Func<Random, TCase> build) =>
        Gen.Choose(0, int.MaxValue).Select(seed => build(new Random(seed)));

    /// <summary>n: 1 (10%), 2–8 (35%), 9–64 (30%), 65–512 (17%), 513–4096 (8%).</summary>
    public static int Length(Random rng)
    {
        double r = rng.NextDouble();
        return r < 0.10 ? 1 : r < 0.45 ? rng.Next(2, 9) : r < 0.75 ? rng.Next(9, 65) : r < 0.92 ? rng.Next(65, 513) : rng.Next(513, 4097);
    }

    /// <summary>Non-negative weights (not normalised) of one of the hard-case kinds.</summary>
    public static (double[] Weights, string Kind) Weights(Random rng, int n)
    {
        var w = new double[n];
        switch (rng.Next(8))
        {
            case 0:
                Array.Fill(w, 1.0);
                return (w, "uniform");
            case 1:
                w[rng.Next(n)] = 1;
                return (w, "one-hot");
            case 2:
            {
                double eps = Math.Pow(10, -rng.Next(3, 16));
                for (int i = 0; i < n; i++) w[i] = eps * rng.NextDouble() / n;
                w[rng.Next(n)] = 1;
                return (w, "peaked");
            }
            case 3:
                for (int i = 0; i < n; i++) w[i] = rng.Next(3) == 0 ? 0 : Exponential(rng);
                if (w.All(v => v == 0)) w[rng.Next(n)] = 1;
                return (w, "exact zeros");
            case 4:
                for (int i = 0; i < n; i++) w[i] = rng.Next(2) == 0 ? Tiny * Math.Pow(10, rng.NextDouble() * 5) : Exponential(rng);
                w[rng.Next(n)] = 1;
                return (w, "tiny entries");
            case 5:
                for (int i = 0; i < n; i++) w[i] = rng.Next(1, 4);
                return (w, "ties");
            default:
                for (int i = 0; i < n; i++) w[i] = Exponential(rng);
                return (w, "random");
        }
    }

    /// <summary>pᵢ = wᵢ / Σw, each rounded to T (so Σp is within u of 1).</summary>
    public static T[] Normalise(double[] w)
    {
        double s = 0;
        foreach (double v in w) s += v;
        var p = new T[w.Length];
        for (int i = 0; i < w.Length; i++) p[i] = Fp<T>.From(w[i] / s);
        return p;
    }

    /// <summary>Logit values of one of the hard-case kinds, exactly representable in T.</summary>
    public static (double[] Z, string Kind) LogitValues(Random rng, int n)
    {
        var z = new double[n];
        switch (rng.Next(7))
        {
            case 0:
            {
                double c = Math.Round((rng.NextDouble() * 2 - 1) * 1e4);
                Array.Fill(z, c);
                return (z, "constant");
            }
            case 1:
                for (int i = 0; i < n; i++) z[i] = rng.Next(3) - 1;
                return (z, "ties");
            case 2:
                for (int i = 0; i < n; i++) z[i] = rng.Next(2) == 0 ? 1e4 : -1e4;
                z[rng.Next(n)] = rng.Next(2) == 0 ? 1e4 : -1e4;
                return (z, "±1e4");
            case 3:
            {
                for (int i = 0; i < n; i++) z[i] = Fp<T>.ToDouble(Fp<T>.From((rng.NextDouble() * 2 - 1) * 5));
                z[rng.Next(n)] = 1e4 * (rng.Next(2) == 0 ? 1 : -1);
                return (z, "one at ±1e4");
            }
            default:
            {
                double scale = new[] { 1.0, 10, 100, 1e3, 1e4 }[rng.Next(5)];
                for (int i = 0; i < n; i++) z[i] = Fp<T>.ToDouble(Fp<T>.From((rng.NextDouble() * 2 - 1) * scale));
                return (z, $"uniform in ±{scale:G3}");
            }
        }
    }

    /// <summary>A target distribution for logits z.</summary>
    public static (T[] Y, string Kind) Target(Random rng, double[] z)
    {
        int n = z.Length;
        var y = new double[n];
        switch (rng.Next(6))
        {
            case 0: y[rng.Next(n)] = 1; return (Normalise(y), "one-hot");
            case 1: y[Array.IndexOf(z, z.Max())] = 1; return (Normalise(y), "one-hot at the largest logit");
            case 2: y[Array.IndexOf(z, z.Min())] = 1; return (Normalise(y), "one-hot at the smallest logit");
            case 3:
            {
                double eps = 0.1;
                Array.Fill(y, eps / n);
                y[rng.Next(n)] += 1 - eps;
                return (Normalise(y), "label smoothing 0.1");
            }
            case 4: Array.Fill(y, 1.0); return (Normalise(y), "uniform target");
            default:
            {
                var (w, _) = Weights(rng, n);
                return (Normalise(w), "soft target");
            }
        }
    }

    private static DistributionPairCase<T> Pair(Random rng, int n)
    {
        var (pw, kind) = Weights(rng, n);
        double[] qw;
        string pairKind;
        switch (rng.Next(6))
        {
            case 0:
                return new DistributionPairCase<T>(Normalise(pw), Normalise(pw), kind + ", q = p");
            case 1:
            {
                double delta = new[] { 1e-2, 1e-6, 1e-12 }[rng.Next(3)];
                qw = pw.Select(v => v * (1 + delta * (rng.NextDouble() * 2 - 1))).ToArray();
                pairKind = $"q ≈ p (δ = {delta:G1})";
                break;
            }
            case 2:
                qw = pw.Select(v => v == 0 ? Tiny : v * Tiny * 1e10 * (1 + rng.NextDouble())).ToArray();
                qw[rng.Next(n)] = 1;
                pairKind = "q has tiny entries";
                break;
            default:
                (qw, pairKind) = Weights(rng, n);
                pairKind = "q " + pairKind;
                break;
        }
        return PairFromWeights(pw, qw, $"p {kind}, {pairKind}");
    }

    /// <summary>The pair of normalised weights, with supp p ⊆ supp q: where q would be 0 under p &gt; 0 it gets a tiny weight (ε of T after rounding).</summary>
    public static DistributionPairCase<T> PairFromWeights(double[] pw, double[] qw, string kind)
    {
        int n = pw.Length;
        qw = (double[])qw.Clone();
        for (int i = 0; i < n; i++) if (pw[i] > 0 && qw[i] == 0) qw[i] = Tiny;
        var p = Normalise(pw);
        var q = Normalise(qw);
        for (int i = 0; i < n; i++) if (p[i] > T.Zero && q[i] == T.Zero) q[i] = T.Epsilon;
        return new DistributionPairCase<T>(p, q, kind);
    }

    private static IEnumerable<DistributionPairCase<T>> ShrinkPair(DistributionPairCase<T> c)
    {
        int n = c.N;
        if (n <= 1) yield break;
        foreach (var keep in Subsets(n))
        {
            var pw = keep.Select(i => c.PD[i]).ToArray();
            var qw = keep.Select(i => c.QD[i]).ToArray();
            if (pw.Sum() == 0 || qw.Sum() == 0) continue;
            yield return new DistributionPairCase<T>(Normalise(pw), Normalise(qw), Shrunk(c.Kind));
        }
    }

    private static IEnumerable<double[]> ShrinkVector(double[] w)
    {
        foreach (var keep in Subsets(w.Length))
        {
            var v = keep.Select(i => w[i]).ToArray();
            if (v.Sum() > 0) yield return v;
        }
    }

    private static IEnumerable<double[]> ShrinkLogits(double[] z)
    {
        foreach (var keep in Subsets(z.Length)) yield return keep.Select(i => z[i]).ToArray();
        var rounded = z.Select(v => Math.Round(v)).ToArray();
        if (!rounded.SequenceEqual(z)) yield return rounded;
    }

    /// <summary>Index sets to keep: the first half, the second half, all but the last, all but the first.</summary>
    private static IEnumerable<int[]> Subsets(int n)
    {
        if (n <= 1) yield break;
        if (n >= 4)
        {
            yield return Enumerable.Range(0, n / 2).ToArray();
            yield return Enumerable.Range(n / 2, n - n / 2).ToArray();
        }
        yield return Enumerable.Range(0, n - 1).ToArray();
        yield return Enumerable.Range(1, n - 1).ToArray();
    }

    private static IEnumerable<LogitsTargetCase<T>> ShrinkLogitsTarget(LogitsTargetCase<T> c)
    {
        if (c.N > 1)
            foreach (int index in new[] { c.N - 1, 0 })
                if (Drop(c, index) is { } dropped) yield return dropped;
        var rounded = c.ZD.Select(v => Math.Round(v)).ToArray();
        if (!rounded.SequenceEqual(c.ZD)) yield return new LogitsTargetCase<T>(Fp<T>.From(rounded), c.Y, Shrunk(c.Kind), c.TargetKind);
    }

    private static LogitsTargetCase<T>? Drop(LogitsTargetCase<T> c, int index)
    {
        var keep = Enumerable.Range(0, c.N).Where(i => i != index).ToArray();
        var yw = keep.Select(i => c.YD[i]).ToArray();
        if (yw.Sum() == 0) return null;
        return new LogitsTargetCase<T>(Fp<T>.From(keep.Select(i => c.ZD[i])), Normalise(yw), Shrunk(c.Kind), c.TargetKind);
    }

    /// <summary>The kind label of a shrunk case: the original's, marked once with ", shrunk".</summary>
    public static string Shrunk(string kind) => kind.EndsWith(", shrunk", StringComparison.Ordinal) ? kind : kind + ", shrunk";

    /// <summary>n values uniform in ±scale, rounded to T (exactly representable), in float64.</summary>
    public static double[] Uniform(Random rng, int n, double scale)
    {
        var v = new double[n];
        for (int i = 0; i < n; i++) v[i] = Fp<T>.ToDouble(Fp<T>.From((rng.NextDouble() * 2 - 1) * scale));
        return v;
    }

    private static double Exponential(Random rng) => -Math.Log(1 - rng.NextDouble());
}
