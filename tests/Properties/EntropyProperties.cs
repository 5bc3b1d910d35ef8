using System.Numerics;
using LossConformance.Kit;
using Xunit.Abstractions;

namespace LossConformance.Properties;

/// <summary>
/// Laws of spec/entropy.md on generated inputs. Every bound is the implementation's
/// (<see cref="Accuracy.Entropy{T}"/>) plus, where a test forms a value in double, that value's own
/// rounding; inputs sum to 1 only within rounding, and the laws are stated for their actual sums.
/// </summary>
[Requires(typeof(IEntropy<>))]
public abstract class EntropyProperties<T>(ITestOutputHelper output, params object[] implementations)
    : Suite<T>(output, implementations) where T : unmanaged, IFloatingPointIeee754<T>
{
    private static double H(ImplementationUnderTest impl, T[] p) => Fp<T>.ToDouble(impl.As<IEntropy<T>>().Entropy(p));

    /// <summary>−Σ pᵢ ln pᵢ over pᵢ &gt; 0, in double.</summary>
    private static double Exact(ReadOnlySpan<double> p)
    {
        double s = 0;
        foreach (double v in p) if (v > 0) s -= v * Math.Log(v);
        return s;
    }

    private static double Bound(ReadOnlySpan<double> p) => Accuracy.Entropy<T>(p) + Accuracy.Entropy<double>(p);

    [ForEachImplementation, Spec("ENT-DEF")]
    public void Entropy_is_minus_sum_of_p_ln_p(string implementation) =>
        Check(implementation, Generate<T>.Distributions, (impl, c) =>
            Verdict.Within("H(p)", H(impl, c.P), Exact(c.PD), Bound(c.PD)));

    [ForEachImplementation, Spec("ENT-DEF")]
    public void Zero_entries_contribute_nothing(string implementation)
    {
        // 0 · ln 0 = 0, the limit of x ln x: zeros neither add a term nor make the sum NaN.
        Expect(implementation, "p = (½, 0, ½)", impl =>
            Verdict.Within("H(½, 0, ½)", H(impl, Fp<T>.From([0.5, 0, 0.5])), Math.Log(2), Bound([0.5, 0, 0.5])));
        Expect(implementation, "p = (0, 0, 1, 0)", impl =>
            Verdict.Within("H(0, 0, 1, 0)", H(impl, Fp<T>.From([0, 0, 1, 0])), 0, Bound([0, 0, 1, 0])));
        Expect(implementation, "p = (¼, ¼, 0, ¼, ¼)", impl =>
            Verdict.Within("H(¼, ¼, 0, ¼, ¼)", H(impl, Fp<T>.From([0.25, 0.25, 0, 0.25, 0.25])), Math.Log(4), Bound([0.25, 0.25, 0, 0.25, 0.25])));
    }

    [ForEachImplementation, Spec("ENT-SURPRISAL"), Requires(typeof(ICrossEntropy<>))]
    public void Surprisal_falls_as_probability_rises_and_entropy_is_its_expectation(string implementation) =>
        Check(implementation, Generate<T>.Distributions, (impl, c) =>
        {
            // The surprisal of event i, −ln pᵢ, is the loss when i occurs: H(e_i, p) (XENT-ONEHOT).
            int n = c.N;
            var ce = impl.As<ICrossEntropy<T>>();
            var e = new T[n];
            var s = new double[n];
            var b = new double[n];
            for (int i = 0; i < n; i++)
            {
                if (c.PD[i] == 0) { s[i] = double.PositiveInfinity; continue; }   // only positive entries are events that occur
                e[i] = T.One;
                s[i] = Fp<T>.ToDouble(ce.CrossEntropy(e, c.P));
                e[i] = T.Zero;
                b[i] = Accuracy.LogSum(n, Math.Abs(Math.Log(c.PD[i])), U, Fp<T>.MinNormal);
            }

            // Decreasing: sorted by pᵢ, each surprisal is ≥ the next one's (within both bounds).
            var order = Enumerable.Range(0, n).Where(i => c.PD[i] > 0).OrderBy(i => c.PD[i]).ToArray();
            var monotone = Verdict.Pass;
            for (int k = 0; k + 1 < order.Length && monotone.Holds; k++)
            {
                int i = order[k], j = order[k + 1];
                monotone = Verdict.AtLeast($"−ln p[{i}] − (−ln p[{j}]) with p[{i}] = {Show.Number(c.PD[i])} ≤ p[{j}] = {Show.Number(c.PD[j])}",
                    s[i] - s[j], -(b[i] + b[j]), b[i] + b[j]);
            }

            // Expected surprisal: Σ pᵢ·(−ln pᵢ) = H(p).
            double expected = 0, weightedBound = 0, abs = 0;
            foreach (int i in order) { expected += c.PD[i] * s[i]; weightedBound += c.PD[i] * b[i]; abs += Math.Abs(c.PD[i] * s[i]); }
            double bound = Accuracy.Entropy<T>(c.PD) + weightedBound + Accuracy.Gamma(2 * n, Fp<double>.U) * abs;
            return monotone & Verdict.Within("H(p) against Σ pᵢ·surprisal(i)", H(impl, c.P), expected, bound);
        });

    [ForEachImplementation, Spec("ENT-NONNEG")]
    public void Entropy_is_nonnegative(string implementation) =>
        Check(implementation, Generate<T>.Distributions, (impl, c) =>
            Verdict.AtLeast("H(p)", H(impl, c.P), -Accuracy.Entropy<T>(c.PD), Accuracy.Entropy<T>(c.PD)));

    [ForEachImplementation, Spec("ENT-MAX")]
    public void Entropy_is_at_most_ln_n_and_reaches_it_only_for_uniform(string implementation) =>
        Check(implementation, Generate<T>.Distributions, (impl, c) =>
        {
            // H(p) ≤ s(ln n − ln s − ½‖p/s − 1/n‖₁²), s = Σp: the margin below ln n grows with the distance from uniform.
            var (upper, allEqual, error) = EntropyAccuracy.Maximum(c.PD);
            double h = H(impl, c.P), slack = Accuracy.Entropy<T>(c.PD) + error;
            var verdict = Verdict.AtMost($"H(p) (ln n = {Show.Number(Math.Log(c.N))})", h, upper + slack, slack);
            if (c.PD.All(v => v == c.PD[0]))
                verdict &= Verdict.Within("H(uniform) against s·(ln n − ln s), s = Σp", h, allEqual, slack);
            return verdict;
        });

    [ForEachImplementation, Spec("ENT-MAX")]
    public void Uniform_distribution_has_entropy_ln_n(string implementation)
    {
        foreach (int n in new[] { 1, 2, 3, 7, 10, 100, 1000, 4096 })
        {
            Expect(implementation, $"uniform, n = {n}", impl =>
            {
                var p = Enumerable.Repeat(Fp<T>.From(1.0 / n), n).ToArray();
                var pd = Fp<T>.ToDouble(p);
                var (_, allEqual, error) = EntropyAccuracy.Maximum(pd);
                double slack = Accuracy.Entropy<T>(pd) + error;
                double h = H(impl, p);
                return Verdict.Within($"H(uniform over {n})", h, allEqual, slack)
                     & Verdict.Within($"H(uniform over {n}) against ln {n}", h, Math.Log(n), slack + Math.Abs(allEqual - Math.Log(n)));
            });
        }
    }

    [ForEachImplementation, Spec("ENT-ONEHOT")]
    public void One_hot_distribution_has_zero_entropy(string implementation) =>
        Check(implementation, InformationCases<T>.OneHot, (impl, c) =>
            // 1 · ln 1 = 0 exactly and 0 · ln 0 = 0: the only slack is the underflow floor n·(smallest normal).
            Verdict.Within("H(one-hot)", H(impl, c.P), 0, Accuracy.Entropy<T>(c.PD)));

    [ForEachImplementation, Spec("ENT-PERMUTE")]
    public void Entropy_is_invariant_under_permutation(string implementation) =>
        Check(implementation, Generate<T>.Distributions, (impl, c) =>
        {
            double h = H(impl, c.P), bound = 2 * Accuracy.Entropy<T>(c.PD);   // same multiset, same bound for both
            var reversed = c.P.Reverse().ToArray();
            var rotated = c.P.Skip(1).Append(c.P[0]).ToArray();
            var shuffled = (T[])c.P.Clone();
            new Random(c.N).Shuffle(shuffled);   // deterministic in the case, so a replay sees the same permutation
            return Verdict.Within("H(reversed p) against H(p)", H(impl, reversed), h, bound)
                 & Verdict.Within("H(p rotated by one) against H(p)", H(impl, rotated), h, bound)
                 & Verdict.Within("H(shuffled p) against H(p)", H(impl, shuffled), h, bound);
        });

    [ForEachImplementation, Spec("ENT-SCHUR")]
    public void Moving_mass_toward_uniform_does_not_lower_entropy(string implementation) =>
        Check(implementation, InformationCases<T>.Transfers, (impl, c) =>
        {
            // Robin Hood: pᵢ > pⱼ, t ≤ (pᵢ − pⱼ)/2 moved from i to j: the result is majorised by p, so H does not fall.
            // The transfer is exact except the one rounding of the receiving entry (EntropyAccuracy.EntryRounding).
            if (c.I < 0) return Verdict.Within("H(p) (uniform: nothing to move)", H(impl, c.After), H(impl, c.P), 2 * Accuracy.Entropy<T>(c.PD));
            double slack = Accuracy.Entropy<T>(c.PD) + Accuracy.Entropy<T>(c.AfterD)
                           + EntropyAccuracy.EntryRounding<T>(c.AfterD[c.J], U + Fp<double>.U);
            return Verdict.AtLeast("H(after transfer) − H(p)", H(impl, c.After) - H(impl, c.P), -slack, slack);
        });

    [ForEachImplementation, Spec("ENT-SCHUR")]
    public void Raising_one_probability_from_uniform_lowers_entropy(string implementation) =>
        Check(implementation, InformationCases<T>.FromUniform, (impl, c) =>
        {
            // p(λ): entry k = (1 + λ(n − 1))/n, others (1 − λ)/n. H(p(λ)) falls as λ rises (claim 1.4), and
            // ln n − H(p(λ)) ≥ ½‖p(λ) − uniform‖₁² = 2λ²((n − 1)/n)² (Pinsker): strictly below uniform once λ > 0.
            double r = U + 4 * Fp<double>.U;   // 3 roundings in double, 1 to T
            double hu = H(impl, c.Uniform), h1 = H(impl, c.P1), h2 = H(impl, c.P2);
            double b1 = Accuracy.Entropy<T>(c.P1D) + EntropyAccuracy.RelativeRounding<T>(c.P1D, r);
            double b2 = Accuracy.Entropy<T>(c.P2D) + EntropyAccuracy.RelativeRounding<T>(c.P2D, r);
            double bu = Accuracy.Entropy<T>(c.UniformD) + EntropyAccuracy.RelativeRounding<T>(c.UniformD, r);
            return Verdict.AtLeast("H(p(λ₁)) − H(p(λ₂))", h1 - h2, -(b1 + b2), b1 + b2)
                 & Verdict.AtLeast("H(uniform) − H(p(λ₂))", hu - h2, EntropyAccuracy.DistanceFromUniform(c.N, c.Lambda2) - (bu + b2), bu + b2);
        });

    [ForEachImplementation, Spec("ENT-ADDITIVE")]
    public void Entropy_of_a_product_is_the_sum_of_entropies(string implementation) =>
        Check(implementation, InformationCases<T>.Products, (impl, c) =>
        {
            // H(p ⊗ r) = Σr·H(p) + Σp·H(r) exactly for non-negative p, r (= H(p) + H(r) when both sum to 1).
            var x = c.ProductPD;
            var (s1, e1) = KlAccuracy.Sum(c.P1D);
            var (s2, e2) = KlAccuracy.Sum(c.P2D);
            double h1 = H(impl, c.P1), h2 = H(impl, c.P2);
            double expected = s2 * h1 + s1 * h2;
            double bound = Accuracy.Entropy<T>(x) + s2 * Accuracy.Entropy<T>(c.P1D) + s1 * Accuracy.Entropy<T>(c.P2D)
                           + EntropyAccuracy.RelativeRounding<T>(x, U)
                           + e2 * Math.Abs(h1) + e1 * Math.Abs(h2) + Accuracy.Gamma(3, Fp<double>.U) * (Math.Abs(s2 * h1) + Math.Abs(s1 * h2));
            return Verdict.Within("H(p ⊗ r) against Σr·H(p) + Σp·H(r)", H(impl, c.ProductP), expected, bound);
        });
}
