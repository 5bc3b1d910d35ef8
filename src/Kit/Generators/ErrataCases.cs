using System.Numerics;
using FsCheck;
using FsCheck.Fluent;

namespace LossConformance.Kit;

/// <summary>
/// q = p moved by one ulp of T inside supp p (ERR-GIBBS-STRICT): Changed lists the entries that differ.
/// Balanced: pᵢ − δ and pⱼ + δ for two entries within a factor 2 of each other (pᵢ ≥ pⱼ ≥ pᵢ/2), δ = ulp(pᵢ),
/// both exact, so Σq = Σp exactly and the exact gap H(p, q) − H(p) = D(p‖q) is second order,
/// ≤ Σ(pₖ − qₖ)²/qₖ ≤ 12u²pᵢ, far below the rounding slack (≥ γ·pᵢ|ln pᵢ| with pᵢ ≤ 2/3). Unbalanced (no such
/// pair, e.g. a peaked p): the largest entry alone moves down one ulp, and the gap has the first-order part
/// pᵢ − qᵢ as well (observable when p is nearly one-hot: q is then not as normalised as p).
/// </summary>
public sealed class NearPairCase<T>(T[] p, T[] q, int[] changed, string kind) : ICase where T : unmanaged, IFloatingPointIeee754<T>
{
    public T[] P { get; } = p;
    public T[] Q { get; } = q;
    public double[] PD { get; } = Fp<T>.ToDouble(p);
    public double[] QD { get; } = Fp<T>.ToDouble(q);
    public int[] Changed { get; } = changed;
    public string Kind { get; } = kind;
    public int N => P.Length;

    /// <summary>Σ over the changed entries of (pₖ − qₖ): each difference exact (Sterbenz), at most two terms.</summary>
    public double FirstOrderGap => Changed.Sum(k => PD[k] - QD[k]);

    /// <summary>Σ over the changed entries of (pₖ − qₖ)²/qₖ: D(p‖q) − FirstOrderGap lies in [0, this] (1 − 1/x ≤ ln x ≤ x − 1).</summary>
    public double SecondOrderGap => Changed.Sum(k => (PD[k] - QD[k]) * (PD[k] - QD[k]) / QD[k]);

    public IEnumerable<string> Tags => Tagging.Size(N).Append(Kind).Concat(Tagging.Distribution("p", PD));

    public string Describe() =>
        $"p = {Show.Vector(P)}\nq = {Show.Vector(Q)}   ({Kind}; entries {string.Join(", ", Changed)} moved by one ulp)";
}

/// <summary>Arbitraries for spec/errata.md.</summary>
public static class ErrataCases<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>One-ulp perturbations of p inside its support; p has at least two positive entries.</summary>
    public static Arbitrary<NearPairCase<T>> OneUlpApart { get; } = Arb.From(
        Generate<T>.Seeded(rng =>
        {
            int n = Math.Max(2, Generate<T>.Length(rng));
            var (w, kind) = Generate<T>.Weights(rng, n);
            if (w.Count(v => v > 0) < 2)
            {
                int other = Array.FindIndex(w, v => v == 0);
                w[other] = rng.Next(2) == 0 ? 1 : 1e-3;
            }
            var p = Generate<T>.Normalise(w);
            var pd = Fp<T>.ToDouble(p);
            var order = Enumerable.Range(0, n).Where(k => pd[k] > 0).OrderByDescending(k => pd[k]).ToArray();
            // Balanced: the first two neighbours (in size) within a factor 2 whose one-ulp exchange is exact.
            for (int r = 0; r + 1 < order.Length; r++)
            {
                int i = order[r], j = order[r + 1];
                if (pd[j] < pd[i] / 2) continue;
                double delta = Ulp(p[i]);
                double raised = pd[j] + delta;
                if (Fp<T>.ToDouble(Fp<T>.From(raised)) != raised || raised - pd[j] != delta) continue;
                var q = (T[])p.Clone();
                q[i] = Fp<T>.From(pd[i] - delta);   // exact: pᵢ − ulp(pᵢ) is representable
                q[j] = Fp<T>.From(raised);
                return new NearPairCase<T>(p, q, [i, j], $"p {kind}, balanced: −1 ulp at one entry, +1 ulp of it at one within a factor 2");
            }
            int top = order[0];
            var single = (T[])p.Clone();
            single[top] = Fp<T>.From(pd[top] - Ulp(p[top]));
            return new NearPairCase<T>(p, single, [top], $"p {kind}, unbalanced: −1 ulp at the largest entry only");
        }),
        c => []);

    /// <summary>The gap to the next representable value above x (a power of two).</summary>
    private static double Ulp(T x) => Fp<T>.ToDouble(T.BitIncrement(x) - x);
    /// <summary>
    /// Small linear cases, m, n ∈ [2, 8]: mostly m ≠ n; some m = n with random W; some m = n with W = 0 and
    /// x = 3(ŷ − y), where x(ŷ − y)ᵀ is symmetric (up to rounding x) and equals its transpose.
    /// </summary>
    public static Arbitrary<LayerCase<T>> Layers { get; } = Arb.From(
        Generate<T>.Seeded(rng =>
        {
            int kind = rng.Next(6);
            int m = rng.Next(2, 9), n = rng.Next(2, 9);
            if (kind >= 4) n = m;
            else while (n == m) n = rng.Next(2, 9);
            var b = new double[n];
            for (int j = 0; j < n; j++) b[j] = Round(rng.NextDouble() * 2 - 1);
            var y = new double[n];
            string targetKind;
            if (rng.Next(3) == 0)
            {
                for (int j = 0; j < n; j++) y[j] = rng.NextDouble();
                targetKind = "soft target";
            }
            else
            {
                y[rng.Next(n)] = 1;
                targetKind = "one-hot target";
            }
            var yT = Generate<T>.Normalise(y);
            var w = new double[m * n];
            var x = new double[m];
            if (kind == 5)
            {
                // W = 0: z = b, ŷ = softmax(b), and x ∥ ŷ − y makes x(ŷ − y)ᵀ symmetric.
                var yHat = Accuracy.SoftmaxExact(Fp<T>.ToDouble(Fp<T>.From(b)));
                var yd = Fp<T>.ToDouble(yT);
                for (int i = 0; i < m; i++) x[i] = 3 * (yHat[i] - yd[i]);
                return Build(rng, x, w, b, yT, "m = n, W = 0, x = 3(ŷ − y): symmetric", targetKind);
            }
            for (int i = 0; i < m; i++) x[i] = Round((0.1 + 0.9 * rng.NextDouble()) * (rng.Next(2) == 0 ? 1 : -1));
            for (int k = 0; k < m * n; k++) w[k] = Round((rng.NextDouble() - 0.5) * 0.5);
            return Build(rng, x, w, b, yT, $"{(m == n ? "m = n" : "m ≠ n")}, random W", targetKind);
        }),
        c => []);

    private static double Round(double v) => Fp<T>.ToDouble(Fp<T>.From(v));

    private static LayerCase<T> Build(Random rng, double[] x, double[] w, double[] b, T[] y, string kind, string targetKind) =>
        new(Fp<T>.From(x), Fp<T>.From(w), Fp<T>.From(b), y,
            FiniteDifference.Direction(rng, x.Length * b.Length), FiniteDifference.Direction(rng, b.Length), kind, targetKind);
}
