using System.Numerics;
using FsCheck;
using FsCheck.Fluent;

namespace LossConformance.Kit;

// Cases for the laws of spec/entropy.md, spec/cross-entropy.md and spec/kl-divergence.md that need
// more than one distribution or a pair: transfers of mass, products, samples, candidate sets,
// mixtures, perturbed logits. Every case is built from one FsCheck-drawn seed (replayable) and
// holds its values both in T (what the implementation gets) and in double (exactly the same values).

/// <summary>A Robin Hood transfer: After is P with mass moved from the larger entry I to the smaller entry J (ENT-SCHUR).</summary>
public sealed class TransferCase<T>(T[] p, T[] after, int i, int j, double lambda, string kind) : ICase where T : unmanaged, IFloatingPointIeee754<T>
{
    public T[] P { get; } = p;
    public T[] After { get; } = after;
    public double[] PD { get; } = Fp<T>.ToDouble(p);
    public double[] AfterD { get; } = Fp<T>.ToDouble(after);
    /// <summary>Entry that gives (−1: no transfer was possible, p is uniform).</summary>
    public int I { get; } = i;
    /// <summary>Entry that receives.</summary>
    public int J { get; } = j;
    /// <summary>Fraction of pᵢ − pⱼ moved (at most 0.45, so the order of the two entries is kept).</summary>
    public double Lambda { get; } = lambda;
    public string Kind { get; } = kind;
    public int N => P.Length;

    public IEnumerable<string> Tags => Tagging.Size(N).Append(Kind).Concat(Tagging.Distribution("p", PD))
        .Append(I < 0 ? "no transfer possible" : PD[J] == 0 ? "transfer into a zero entry" : "transfer");

    public string Describe() =>
        $"p     = {Show.Vector(P)}   ({Kind})\nafter = {Show.Vector(After)}\n" +
        (I < 0 ? "no transfer" : $"moved {Show.Number(PD[I] - AfterD[I])} from entry {I} to entry {J} (λ = {Show.Number(Lambda)})");
}

/// <summary>From uniform: entry K raised to (1 + λ(n − 1))/n, the others lowered to (1 − λ)/n, for λ₁ ≤ λ₂ (ENT-SCHUR).</summary>
public sealed class FromUniformCase<T>(int k, double lambda1, double lambda2, T[] uniform, T[] p1, T[] p2) : ICase where T : unmanaged, IFloatingPointIeee754<T>
{
    public int K { get; } = k;
    public double Lambda1 { get; } = lambda1;
    public double Lambda2 { get; } = lambda2;
    public T[] Uniform { get; } = uniform;
    public T[] P1 { get; } = p1;
    public T[] P2 { get; } = p2;
    public double[] UniformD { get; } = Fp<T>.ToDouble(uniform);
    public double[] P1D { get; } = Fp<T>.ToDouble(p1);
    public double[] P2D { get; } = Fp<T>.ToDouble(p2);
    public int N => Uniform.Length;

    public IEnumerable<string> Tags => Tagging.Size(N)
        .Append(Lambda2 == 1 ? "λ₂ = 1 (one-hot)" : Lambda1 == 0 ? "λ₁ = 0 (uniform)" : "0 < λ₁ ≤ λ₂ < 1");

    public string Describe() =>
        $"n = {N}, raised entry k = {K}, λ₁ = {Show.Number(Lambda1)}, λ₂ = {Show.Number(Lambda2)}\n" +
        $"p(λ₁) = {Show.Vector(P1)}\np(λ₂) = {Show.Vector(P2)}";

    /// <summary>Entries of p(λ): (1 + λ(n − 1))/n at k, (1 − λ)/n elsewhere, each formed in double (≤ 3 roundings) then rounded to T.</summary>
    public static T[] Raised(int n, int k, double lambda)
    {
        var p = new T[n];
        for (int i = 0; i < n; i++) p[i] = Fp<T>.From(i == k ? (1 + lambda * (n - 1)) / n : (1 - lambda) / n);
        return p;
    }
}

/// <summary>
/// Two pairs of distributions and their products P1⊗P2, Q1⊗Q2 rounded to T (ENT-ADDITIVE, KL-ADDITIVE).
/// Positive entries are kept ≥ 1e-150 (double) / 1e-18 (float), so that every product is a normal number
/// and rounding it costs a relative error ≤ u.
/// </summary>
public sealed class ProductCase<T>(T[] p1, T[] q1, T[] p2, T[] q2, string kind) : ICase where T : unmanaged, IFloatingPointIeee754<T>
{
    public T[] P1 { get; } = p1;
    public T[] Q1 { get; } = q1;
    public T[] P2 { get; } = p2;
    public T[] Q2 { get; } = q2;
    public double[] P1D { get; } = Fp<T>.ToDouble(p1);
    public double[] Q1D { get; } = Fp<T>.ToDouble(q1);
    public double[] P2D { get; } = Fp<T>.ToDouble(p2);
    public double[] Q2D { get; } = Fp<T>.ToDouble(q2);
    public T[] ProductP { get; } = Outer(p1, p2);
    public T[] ProductQ { get; } = Outer(q1, q2);
    public double[] ProductPD => Fp<T>.ToDouble(ProductP);
    public double[] ProductQD => Fp<T>.ToDouble(ProductQ);
    public string Kind { get; } = kind;
    public int N => ProductP.Length;

    public IEnumerable<string> Tags => Tagging.Size(N).Append(Kind)
        .Concat(Tagging.Distribution("p₁", P1D)).Concat(Tagging.Distribution("p₂", P2D))
        .Append(P1.Length == 1 || P2.Length == 1 ? "a factor of length 1" : "both factors n ≥ 2");

    public string Describe() =>
        $"p₁ = {Show.Vector(P1)}\nq₁ = {Show.Vector(Q1)}\np₂ = {Show.Vector(P2)}\nq₂ = {Show.Vector(Q2)}   ({Kind})";

    /// <summary>(a ⊗ b)[i·|b| + j] = fl(aᵢ·bⱼ): one rounding (the product of two floats is exact in double).</summary>
    public static T[] Outer(T[] a, T[] b)
    {
        var x = new T[a.Length * b.Length];
        for (int i = 0; i < a.Length; i++)
            for (int j = 0; j < b.Length; j++)
                x[i * b.Length + j] = Fp<T>.From(Fp<T>.ToDouble(a[i]) * Fp<T>.ToDouble(b[j]));
        return x;
    }
}

/// <summary>A model distribution Q and a sample of class indices; Empirical = counts / sample size rounded to T (XENT-MLE).</summary>
public sealed class SampleCase<T>(T[] q, int[] samples, string kind) : ICase where T : unmanaged, IFloatingPointIeee754<T>
{
    public T[] Q { get; } = q;
    public double[] QD { get; } = Fp<T>.ToDouble(q);
    public int[] Samples { get; } = samples;
    public T[] Empirical { get; } = EmpiricalOf(samples, q.Length);
    public double[] EmpiricalD => Fp<T>.ToDouble(Empirical);
    public string Kind { get; } = kind;
    public int N => Q.Length;

    public IEnumerable<string> Tags => Tagging.Size(N).Append(Kind).Concat(Tagging.Distribution("q", QD))
        .Append(Samples.Any(s => QD[s] == 0) ? "a sample q calls impossible" : "every sample possible under q")
        .Append(Samples.Length == 1 ? "one sample" : Samples.Length <= 20 ? "≤ 20 samples" : "> 20 samples");

    public string Describe() => $"q = {Show.Vector(Q)}   ({Kind})\nsamples = {Show.Vector(Samples, 400)}";

    private static T[] EmpiricalOf(int[] samples, int n)
    {
        var counts = new double[n];
        foreach (int s in samples) counts[s]++;
        return counts.Select(c => Fp<T>.From(c / samples.Length)).ToArray();
    }
}

/// <summary>A reference P and candidate models Qs (Qs[0] = P) with supp P ⊆ supp Qⱼ (KL-CE-MINIMISER).</summary>
public sealed class CandidatesCase<T>(T[] p, T[][] qs, string kind) : ICase where T : unmanaged, IFloatingPointIeee754<T>
{
    public T[] P { get; } = p;
    public T[][] Qs { get; } = qs;
    public double[] PD { get; } = Fp<T>.ToDouble(p);
    public double[][] QsD { get; } = qs.Select(q => Fp<T>.ToDouble(q)).ToArray();
    public string Kind { get; } = kind;
    public int N => P.Length;

    public IEnumerable<string> Tags => Tagging.Size(N).Append(Kind).Concat(Tagging.Distribution("p", PD));

    public string Describe() =>
        $"p = {Show.Vector(P)}   ({Kind})\n" + string.Join("\n", Qs.Select((q, j) => $"q{j} = {Show.Vector(q)}"));
}

/// <summary>
/// Midpoint convexity (KL-CONVEX): MP = (P1 + P2)/2 and MQ = (Q1 + Q2)/2 hold exactly in T, because each
/// pair of components is built as h and 2m − h with h ∈ [m, 2m] (Sterbenz: 2m − h is exact).
/// </summary>
public sealed class ConvexCase<T>(T[] mp, T[] mq, T[] p1, T[] q1, T[] p2, T[] q2, string kind) : ICase where T : unmanaged, IFloatingPointIeee754<T>
{
    public T[] MP { get; } = mp;
    public T[] MQ { get; } = mq;
    public T[] P1 { get; } = p1;
    public T[] Q1 { get; } = q1;
    public T[] P2 { get; } = p2;
    public T[] Q2 { get; } = q2;
    public string Kind { get; } = kind;
    public int N => MP.Length;

    public IEnumerable<string> Tags => Tagging.Size(N).Append(Kind).Concat(Tagging.Distribution("p", Fp<T>.ToDouble(MP)))
        .Append(P1.SequenceEqual(P2) && Q1.SequenceEqual(Q2) ? "components equal (no split possible)" : "split");

    public string Describe() =>
        $"p₁ = {Show.Vector(P1)}\nq₁ = {Show.Vector(Q1)}\np₂ = {Show.Vector(P2)}\nq₂ = {Show.Vector(Q2)}\n" +
        $"(p₁ + p₂)/2 = {Show.Vector(MP)}\n(q₁ + q₂)/2 = {Show.Vector(MQ)}   ({Kind})";
}

/// <summary>Logits Z on a grid of 2⁻⁶ within ±8 and an integer direction D in [−4, 4] (KL-LOCAL).</summary>
public sealed class LocalCase<T>(T[] z, double[] d, string kind) : ICase where T : unmanaged, IFloatingPointIeee754<T>
{
    public T[] Z { get; } = z;
    public double[] ZD { get; } = Fp<T>.ToDouble(z);
    public double[] D { get; } = d;
    public string Kind { get; } = kind;
    public int N => Z.Length;

    public IEnumerable<string> Tags => Tagging.Size(N).Append(Kind).Concat(Tagging.Logits(ZD))
        .Append(D.Distinct().Count() == 1 ? "constant direction (a shift: D = 0)" : "direction varies");

    public string Describe() => $"z = {Show.Vector(Z)}   ({Kind})\nd = {Show.Vector(D)}";
}

/// <summary>Arbitraries for the information-theory laws.</summary>
public static class InformationCases<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private static double U => Fp<T>.U;

    /// <summary>Smallest positive entry kept in product factors: 1e-150 (double), 1e-18 (float); products stay normal.</summary>
    public static double ProductFloor { get; } = typeof(T) == typeof(float) ? 1e-18 : 1e-150;

    /// <summary>One-hot distributions e_t, n = 1 … 4096, t anywhere (ENT-ONEHOT).</summary>
    public static Arbitrary<DistributionCase<T>> OneHot { get; } = Arb.From(
        Generate<T>.Seeded(rng =>
        {
            int n = Generate<T>.Length(rng), t = rng.Next(n);
            var p = new T[n];
            p[t] = T.One;
            return new DistributionCase<T>(p, t == 0 ? "one-hot at the first entry" : t == n - 1 ? "one-hot at the last entry" : "one-hot");
        }),
        c => []);

    /// <summary>Robin Hood transfers on every kind of distribution (ENT-SCHUR).</summary>
    public static Arbitrary<TransferCase<T>> Transfers { get; } = Arb.From(
        Generate<T>.Seeded(rng =>
        {
            int n = Generate<T>.Length(rng);
            var (w, kind) = Generate<T>.Weights(rng, n);
            var p = Generate<T>.Normalise(w);
            var pd = Fp<T>.ToDouble(p);
            double lambda = 0.05 + 0.4 * rng.NextDouble();
            int i = rng.Next(n), j = rng.Next(n);
            if (pd[i] < pd[j]) (i, j) = (j, i);
            if (!Movable(pd[i], pd[j]))
            {
                i = Array.IndexOf(pd, pd.Max());
                j = Array.IndexOf(pd, pd.Min());
            }
            if (!Movable(pd[i], pd[j])) return new TransferCase<T>(p, (T[])p.Clone(), -1, -1, 0, kind);

            // a' = fl(a − λ(a − b)) ∈ [a/2, a], so t = a − a' is exact (Sterbenz); b' = fl(b + t) is the one rounding.
            var after = (T[])p.Clone();
            after[i] = Fp<T>.From(pd[i] - lambda * (pd[i] - pd[j]));
            double t = pd[i] - Fp<T>.ToDouble(after[i]);
            after[j] = Fp<T>.From(pd[j] + t);
            return new TransferCase<T>(p, after, i, j, lambda, kind);
        }),
        c => []);

    private static bool Movable(double a, double b) => a - b >= 16 * U * a && a > 0;

    /// <summary>Raising one entry from uniform by λ₁ ≤ λ₂ (ENT-SCHUR, claim 1.4).</summary>
    public static Arbitrary<FromUniformCase<T>> FromUniform { get; } = Arb.From(
        Generate<T>.Seeded(rng =>
        {
            int n = Math.Max(2, Generate<T>.Length(rng));
            int k = rng.Next(n);
            double l1 = rng.Next(5) == 0 ? 0 : rng.NextDouble() * 0.9;
            double l2 = rng.Next(5) == 0 ? 1 : l1 + (1 - l1) * rng.NextDouble();
            var uniform = FromUniformCase<T>.Raised(n, k, 0);
            return new FromUniformCase<T>(k, l1, l2, uniform, FromUniformCase<T>.Raised(n, k, l1), FromUniformCase<T>.Raised(n, k, l2));
        }),
        c => []);

    /// <summary>Product cases with factors of length 1–64 each (ENT-ADDITIVE, KL-ADDITIVE).</summary>
    public static Arbitrary<ProductCase<T>> Products { get; } = Arb.From(
        Generate<T>.Seeded(rng =>
        {
            int n1 = FactorLength(rng), n2 = FactorLength(rng);
            var (p1, q1, k1) = FlooredPair(rng, n1);
            var (p2, q2, k2) = FlooredPair(rng, n2);
            return new ProductCase<T>(p1, q1, p2, q2, $"p₁ {k1}; p₂ {k2}");
        }),
        c => []);

    private static int FactorLength(Random rng)
    {
        double r = rng.NextDouble();
        return r < 0.1 ? 1 : r < 0.6 ? rng.Next(2, 9) : rng.Next(9, 65);
    }

    private static (T[] P, T[] Q, string Kind) FlooredPair(Random rng, int n)
    {
        var (pw, kind) = Generate<T>.Weights(rng, n);
        double[] qw;
        string qKind;
        if (rng.Next(5) == 0) { qw = (double[])pw.Clone(); qKind = "q = p"; }
        else (qw, qKind) = Generate<T>.Weights(rng, n);
        for (int i = 0; i < n; i++) if (pw[i] > 0 && qw[i] == 0) qw[i] = 1;
        Floor(pw);
        Floor(qw);
        return (Generate<T>.Normalise(pw), Generate<T>.Normalise(qw), $"{kind}, q {qKind}");
    }

    /// <summary>Raises positive weights to ≥ 2·floor of the total, so that normalised entries stay ≥ floor.</summary>
    private static void Floor(double[] w)
    {
        double s = w.Sum();
        for (int i = 0; i < w.Length; i++) if (w[i] > 0) w[i] = Math.Max(w[i], 2 * ProductFloor * s);
    }

    /// <summary>A model q and samples from q itself, from another distribution, or all of one class (XENT-MLE).</summary>
    public static Arbitrary<SampleCase<T>> Samples { get; } = Arb.From(
        Generate<T>.Seeded(rng =>
        {
            int n = FactorLength(rng);
            var (qw, qKind) = Generate<T>.Weights(rng, n);
            var q = Generate<T>.Normalise(qw);
            int size = rng.Next(4) == 0 ? rng.Next(1, 6) : rng.Next(1, 401);
            double[] source;
            string kind;
            switch (rng.Next(5))
            {
                case 0:
                case 1:
                    source = Fp<T>.ToDouble(q);
                    kind = $"q {qKind}, samples from q";
                    break;
                case 2:
                    source = new double[n];
                    source[rng.Next(n)] = 1;
                    kind = $"q {qKind}, every sample the same class";
                    break;
                default:
                {
                    var (sw, sKind) = Generate<T>.Weights(rng, n);
                    source = sw;
                    kind = $"q {qKind}, samples from another distribution ({sKind})";
                    break;
                }
            }
            double total = source.Sum();
            var samples = new int[size];
            for (int s = 0; s < size; s++)
            {
                double r = rng.NextDouble() * total, acc = 0;
                int c = 0;
                while (c < n - 1 && (acc += source[c]) <= r) c++;
                while (source[c] == 0) c = (c + n - 1) % n;   // never draw a class of weight 0
                samples[s] = c;
            }
            return new SampleCase<T>(q, samples, kind);
        }),
        c => []);

    /// <summary>A reference p and five candidate models: p itself, two unrelated q, their mixture with p, a 1e-3 perturbation of p.</summary>
    public static Arbitrary<CandidatesCase<T>> Candidates { get; } = Arb.From(
        Generate<T>.Seeded(rng =>
        {
            int n = Math.Min(Generate<T>.Length(rng), 1024);
            var (pw, kind) = Generate<T>.Weights(rng, n);
            var (aw, _) = Generate<T>.Weights(rng, n);
            var (bw, _) = Generate<T>.Weights(rng, n);
            double ps = pw.Sum(), sa = aw.Sum();
            var mix = pw.Select((v, i) => 0.5 * v / ps + 0.5 * aw[i] / sa).ToArray();
            var near = pw.Select(v => v * (1 + 1e-3 * (rng.NextDouble() * 2 - 1))).ToArray();
            var p = Generate<T>.Normalise(pw);
            var qs = new[] { p, Covering(pw, aw), Covering(pw, bw), Covering(pw, mix), Covering(pw, near) };
            return new CandidatesCase<T>(p, qs, $"p {kind}");
        }),
        c => []);

    /// <summary>Normalised q with supp p ⊆ supp q: q's zeros under p &gt; 0 get the generator's tiny weight, and rounding zeros become the smallest subnormal.</summary>
    private static T[] Covering(double[] pw, double[] qw)
    {
        var w = (double[])qw.Clone();
        for (int i = 0; i < w.Length; i++) if (pw[i] > 0 && w[i] == 0) w[i] = Generate<T>.Tiny;
        var q = Generate<T>.Normalise(w);
        for (int i = 0; i < q.Length; i++) if (pw[i] > 0 && q[i] == T.Zero) q[i] = T.Epsilon;
        return q;
    }

    /// <summary>Midpoint-convexity cases (KL-CONVEX); see <see cref="ConvexCase{T}"/>.</summary>
    public static Arbitrary<ConvexCase<T>> Mixtures { get; } = Arb.From(
        Generate<T>.Seeded(rng =>
        {
            int n = Generate<T>.Length(rng);
            var (pw, pKind) = Generate<T>.Weights(rng, n);
            var (qw, qKind) = rng.Next(6) == 0 ? ((double[])pw.Clone(), "q = p") : Generate<T>.Weights(rng, n);
            var mp = Generate<T>.Normalise(pw);
            var mq = Covering(pw, qw);
            var (p1, p2) = Split(rng, mp, 1.0);
            var (q1, q2) = Split(rng, mq, 0.9);
            return new ConvexCase<T>(mp, mq, p1, q1, p2, q2, $"p {pKind}, q {qKind}");
        }),
        c => []);

    /// <summary>
    /// Components c₁, c₂ with (c₁ + c₂)/2 = m exactly: per entry one of them is h = fl(mᵢ + |δᵢ|) ∈ [mᵢ, 2mᵢ] and
    /// the other 2mᵢ − h (exact). The δᵢ = ±rᵢmᵢ (rᵢ ≤ maxR, and ≤ (1 − mᵢ)/mᵢ so that h ≤ 1) are balanced,
    /// Σδ = 0, so both components sum to Σm within a few u.
    /// </summary>
    private static (T[], T[]) Split(Random rng, T[] m, double maxR)
    {
        int n = m.Length;
        var md = Fp<T>.ToDouble(m);
        var sign = new int[n];
        var mag = new double[n];
        for (int i = 0; i < n; i++)
        {
            sign[i] = rng.Next(2) == 0 ? 1 : -1;
            double r = md[i] > 0 ? Math.Min(maxR * rng.NextDouble(), (1 - md[i]) / md[i]) : 0;
            mag[i] = r * md[i];
        }
        double plus = Accuracy.CompensatedSum(Enumerable.Range(0, n).Select(i => sign[i] > 0 ? mag[i] : 0));
        double minus = Accuracy.CompensatedSum(Enumerable.Range(0, n).Select(i => sign[i] < 0 ? mag[i] : 0));
        if (plus <= 0 || minus <= 0) return (m, m);
        double scalePlus = plus > minus ? minus / plus : 1, scaleMinus = minus > plus ? plus / minus : 1;
        var c1 = new T[n];
        var c2 = new T[n];
        for (int i = 0; i < n; i++)
        {
            double delta = mag[i] * (sign[i] > 0 ? scalePlus : scaleMinus);
            T high = Fp<T>.From(md[i] + delta);
            if (Fp<T>.ToDouble(high) > 2 * md[i]) high = Fp<T>.From(2 * md[i]);
            T low = Fp<T>.From(2 * md[i] - Fp<T>.ToDouble(high));   // exact: high ∈ [m, 2m]
            (c1[i], c2[i]) = sign[i] > 0 ? (high, low) : (low, high);
        }
        double tolerance = (n + 8) * Fp<T>.U;
        double s1 = Accuracy.CompensatedSum(Fp<T>.ToDouble(c1)), s2 = Accuracy.CompensatedSum(Fp<T>.ToDouble(c2));
        if (Math.Abs(s1 - 1) > tolerance || Math.Abs(s2 - 1) > tolerance) return (m, m);
        return (c1, c2);
    }

    /// <summary>Logits on a grid of 2⁻⁶ in [−8, 8] with an integer direction in [−4, 4], n = 2…32 (KL-LOCAL).</summary>
    public static Arbitrary<LocalCase<T>> LocalPerturbations { get; } = Arb.From(
        Generate<T>.Seeded(rng =>
        {
            int n = rng.Next(2, 33);
            var z = new double[n];
            string kind;
            switch (rng.Next(4))
            {
                case 0:
                    for (int i = 0; i < n; i++) z[i] = rng.Next(3) - 1;
                    kind = "ties";
                    break;
                case 1:
                    for (int i = 0; i < n; i++) z[i] = -4 - rng.Next(0, 257) / 64.0;
                    z[rng.Next(n)] = 8;
                    kind = "one dominant logit";
                    break;
                default:
                    for (int i = 0; i < n; i++) z[i] = rng.Next(-512, 513) / 64.0;
                    kind = "uniform in ±8";
                    break;
            }
            var d = new double[n];
            switch (rng.Next(6))
            {
                case 0:
                    d[rng.Next(n)] = 4;
                    kind += ", d = 4·e_k";
                    break;
                case 1:
                    Array.Fill(d, rng.Next(-4, 5));
                    kind += ", d constant";
                    break;
                default:
                    for (int i = 0; i < n; i++) d[i] = rng.Next(-4, 5);
                    kind += ", d random";
                    break;
            }
            return new LocalCase<T>(Fp<T>.From(z), d, kind);
        }),
        c => []);

    /// <summary>A one-hot p = e_t and a model q; t at random, at q's largest entry, at its smallest positive entry, or at a zero of q.</summary>
    public static Arbitrary<DistributionPairCase<T>> OneHotTargets { get; } = Arb.From(
        Generate<T>.Seeded(rng =>
        {
            int n = Generate<T>.Length(rng);
            var (qw, qKind) = Generate<T>.Weights(rng, n);
            var q = Generate<T>.Normalise(qw);
            var qd = Fp<T>.ToDouble(q);
            int t;
            string where;
            switch (rng.Next(5))
            {
                case 0:
                    t = Array.IndexOf(qd, qd.Max());
                    where = "at q's largest entry";
                    break;
                case 1:
                {
                    double min = qd.Where(v => v > 0).Min();
                    t = Array.IndexOf(qd, min);
                    where = "at q's smallest positive entry";
                    break;
                }
                case 2 when qd.Any(v => v == 0):
                    t = Array.IndexOf(qd, 0.0);
                    where = "at a zero of q";
                    break;
                default:
                    t = rng.Next(n);
                    where = "at random";
                    break;
            }
            var p = new T[n];
            p[t] = T.One;
            return new DistributionPairCase<T>(p, q, $"one-hot target {where}, q {qKind}");
        }),
        c => []);

    /// <summary>
    /// A known asymmetric family (KL-ASYMMETRIC): p uniform on n ≥ 2 classes, q = (1 − (n − 1)ε) at one class and ε
    /// elsewhere, ε = 10⁻ᵏ/n with k ∈ [8, 15]. Then D(p‖q) ≥ ½·k·ln 10 − ln(n)/n ≥ 8.86 while D(q‖p) ≤ ln n ≤ ln 4096 = 8.32: never near equal.
    /// </summary>
    public static Arbitrary<DistributionPairCase<T>> UniformVersusPeaked { get; } = Arb.From(
        Generate<T>.Seeded(rng =>
        {
            int n = Math.Max(2, Generate<T>.Length(rng));
            int k = rng.Next(8, 16);
            double eps = Math.Pow(10, -k) / n;
            int peak = rng.Next(n);
            var p = new T[n];
            var q = new T[n];
            for (int i = 0; i < n; i++)
            {
                p[i] = Fp<T>.From(1.0 / n);
                q[i] = Fp<T>.From(i == peak ? 1 - (n - 1) * eps : eps);
            }
            return new DistributionPairCase<T>(p, q, $"uniform p vs peaked q (ε = 1e-{k}/n)");
        }),
        c => []);
}
