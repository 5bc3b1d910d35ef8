using System.Numerics;
using LossConformance.Kit;
using Xunit.Abstractions;

namespace LossConformance.Properties;

/// <summary>
/// Laws of spec/cross-entropy.md on generated inputs (XENT-LOGITS lives with the softmax suites).
/// Inputs sum to 1 only within rounding; where a law depends on the sums (Gibbs), its floor is
/// stated for the actual sums (<see cref="KlAccuracy.GibbsFloor"/>).
/// </summary>
[Requires(typeof(ICrossEntropy<>))]
public abstract class CrossEntropyProperties<T>(ITestOutputHelper output, params object[] implementations)
    : Suite<T>(output, implementations) where T : unmanaged, IFloatingPointIeee754<T>
{
    private static double Ce(ImplementationUnderTest impl, T[] p, T[] q) => Fp<T>.ToDouble(impl.As<ICrossEntropy<T>>().CrossEntropy(p, q));

    private static double H(ImplementationUnderTest impl, T[] p) => Fp<T>.ToDouble(impl.As<IEntropy<T>>().Entropy(p));

    private static double Kl(ImplementationUnderTest impl, T[] p, T[] q) => Fp<T>.ToDouble(impl.As<IKlDivergence<T>>().KlDivergence(p, q));

    /// <summary>−Σ pᵢ ln qᵢ over pᵢ &gt; 0, in double; +∞ where some pᵢ &gt; 0 = qᵢ.</summary>
    private static double Exact(ReadOnlySpan<double> p, ReadOnlySpan<double> q)
    {
        double s = 0;
        for (int i = 0; i < p.Length; i++)
        {
            if (p[i] == 0) continue;
            if (q[i] == 0) return double.PositiveInfinity;
            s -= p[i] * Math.Log(q[i]);
        }
        return s;
    }

    [ForEachImplementation, Spec("XENT-DEF")]
    public void Cross_entropy_is_minus_sum_of_p_ln_q(string implementation) =>
        Check(implementation, Generate<T>.DistributionPairs, (impl, c) =>
            Verdict.Within("H(p, q)", Ce(impl, c.P, c.Q), Exact(c.PD, c.QD),
                Accuracy.CrossEntropy<T>(c.PD, c.QD) + Accuracy.CrossEntropy<double>(c.PD, c.QD)));

    [ForEachImplementation, Spec("XENT-DEF")]
    public void Cross_entropy_takes_zero_times_ln_q_as_zero(string implementation)
    {
        // pᵢ = 0 drops the term even where qᵢ = 0 (0 · ln 0 = 0, not NaN).
        double[] p = [0.5, 0, 0.5], q = [0.25, 0, 0.75];
        Expect(implementation, "p = (½, 0, ½), q = (¼, 0, ¾)", impl =>
            Verdict.Within("H(p, q)", Ce(impl, Fp<T>.From(p), Fp<T>.From(q)), Exact(p, q),
                Accuracy.CrossEntropy<T>(p, q) + Accuracy.CrossEntropy<double>(p, q)));
        double[] p2 = [0, 1], q2 = [0, 1];
        Expect(implementation, "p = q = (0, 1)", impl =>
            Verdict.Within("H(p, q)", Ce(impl, Fp<T>.From(p2), Fp<T>.From(q2)), 0, Accuracy.CrossEntropy<T>(p2, q2)));
    }

    [ForEachImplementation, Spec("XENT-GIBBS"), Requires(typeof(IEntropy<>))]
    public void Cross_entropy_is_at_least_entropy(string implementation) =>
        Check(implementation, Generate<T>.DistributionPairs, (impl, c) =>
        {
            // H(p, q) − H(p) = D(p‖q) ≥ Σ_{pᵢ>0}(pᵢ − qᵢ): 0 for normalised p, q; the rounding defect otherwise.
            double gap = Ce(impl, c.P, c.Q) - H(impl, c.P);
            double slack = Accuracy.CrossEntropy<T>(c.PD, c.QD) + Accuracy.Entropy<T>(c.PD);
            if (c.PD.SequenceEqual(c.QD)) return Verdict.Within("H(p, p) − H(p)", gap, 0, slack);
            return Verdict.AtLeast("H(p, q) − H(p)", gap, KlAccuracy.GibbsFloor(c.PD, c.QD) - slack, slack);
        });

    [ForEachImplementation, Spec("XENT-GIBBS"), Requires(typeof(IEntropy<>))]
    public void Cross_entropy_of_a_distribution_with_itself_is_its_entropy(string implementation) =>
        Check(implementation, Generate<T>.Distributions, (impl, c) =>
            // Equality iff p = q: at q = p the gap is 0 exactly, observed within both rounding bounds.
            Verdict.Within("H(p, p) − H(p)", Ce(impl, c.P, c.P) - H(impl, c.P), 0,
                Accuracy.CrossEntropy<T>(c.PD, c.PD) + Accuracy.Entropy<T>(c.PD)));

    [ForEachImplementation, Spec("XENT-DECOMPOSE"), Requires(typeof(IEntropy<>), typeof(IKlDivergence<>))]
    public void Cross_entropy_is_entropy_plus_forward_kl(string implementation) =>
        Check(implementation, Generate<T>.DistributionPairs, (impl, c) =>
        {
            // −Σp ln q = −Σp ln p + Σp ln(p/q) is an identity for any non-negative p, q: no defect term.
            double ce = Ce(impl, c.P, c.Q), h = H(impl, c.P), d = Kl(impl, c.P, c.Q);
            double bound = Accuracy.CrossEntropy<T>(c.PD, c.QD) + Accuracy.Entropy<T>(c.PD) + Accuracy.Kl<T>(c.PD, c.QD)
                           + Accuracy.Gamma(2, Fp<double>.U) * (Math.Abs(h) + Math.Abs(d));
            return Verdict.Within("H(p, q) against H(p) + D(p‖q)", ce, h + d, bound);
        });

    [ForEachImplementation, Spec("XENT-DECOMPOSE", "XENT-SUPPORT"), Requires(typeof(IEntropy<>), typeof(IKlDivergence<>))]
    public void Cross_entropy_and_kl_are_infinite_together(string implementation) =>
        Check(implementation, Generate<T>.DistributionPairsWithSupportGap, (impl, c) =>
        {
            if (Math.Abs(KlAccuracy.Sum(c.QD).Sum - 1) > Accuracy.NormalisationTolerance<T>(c.N))
                return Verdict.Throws<ArgumentException>("H(p, q) with q not a distribution", () => Ce(impl, c.P, c.Q));
            double ce = Ce(impl, c.P, c.Q), h = H(impl, c.P), d = Kl(impl, c.P, c.Q);
            return Verdict.That(double.IsPositiveInfinity(ce) && double.IsPositiveInfinity(d) && double.IsFinite(h),
                $"H(p, q) = {Show.Number(ce)}, H(p) = {Show.Number(h)}, D(p‖q) = {Show.Number(d)}; expected +∞ = finite + +∞");
        });

    [ForEachImplementation, Spec("XENT-ONEHOT")]
    public void Cross_entropy_of_a_one_hot_target_is_minus_ln_q_t(string implementation) =>
        Check(implementation, InformationCases<T>.OneHotTargets, (impl, c) =>
        {
            int t = Array.IndexOf(c.PD, 1.0);
            double expected = c.QD[t] == 0 ? double.PositiveInfinity : -Math.Log(c.QD[t]);
            double ce = Ce(impl, c.P, c.Q);
            if (double.IsInfinity(expected))
                return Verdict.That(ce == expected, $"H(e_{t}, q) = {Show.Number(ce)}, expected +∞ (q[{t}] = 0)");
            return Verdict.Within($"H(e_{t}, q) against −ln q[{t}] (q[{t}] = {Show.Number(c.QD[t])})", ce, expected,
                Accuracy.CrossEntropy<T>(c.PD, c.QD) + Accuracy.CrossEntropy<double>(c.PD, c.QD));
        });

    [ForEachImplementation, Spec("XENT-SUPPORT")]
    public void Cross_entropy_is_infinite_where_q_misses_the_support_of_p(string implementation) =>
        Check(implementation, Generate<T>.DistributionPairsWithSupportGap, (impl, c) =>
        {
            if (Math.Abs(KlAccuracy.Sum(c.QD).Sum - 1) > Accuracy.NormalisationTolerance<T>(c.N))
                return Verdict.Throws<ArgumentException>("H(p, q) with q not a distribution", () => Ce(impl, c.P, c.Q));
            double ce = Ce(impl, c.P, c.Q);
            return Verdict.That(double.IsPositiveInfinity(ce), $"H(p, q) = {Show.Number(ce)}; expected +∞ (some pᵢ > 0 = qᵢ)");
        });

    [ForEachImplementation, Spec("XENT-SUPPORT")]
    public void Cross_entropy_is_finite_where_q_covers_the_support_of_p(string implementation) =>
        Check(implementation, Generate<T>.DistributionPairs, (impl, c) =>
        {
            double ce = Ce(impl, c.P, c.Q);
            return Verdict.That(double.IsFinite(ce), $"H(p, q) = {Show.Number(ce)}; expected finite (supp p ⊆ supp q)");
        });

    [ForEachImplementation, Spec("XENT-SUPPORT")]
    public void Cross_entropy_support_cases(string implementation)
    {
        Expect(implementation, "p = (½, ½, 0), q = (1, 0, 0)", impl =>
        {
            double ce = Ce(impl, Fp<T>.From([0.5, 0.5, 0]), Fp<T>.From([1, 0, 0]));
            return Verdict.That(double.IsPositiveInfinity(ce), $"H(p, q) = {Show.Number(ce)}; expected +∞ (p₂ > 0 = q₂; p₃ = q₃ = 0 adds nothing)");
        });
        Expect(implementation, "p = (0, 1), q = (1, 0)", impl =>
        {
            double ce = Ce(impl, Fp<T>.From([0, 1]), Fp<T>.From([1, 0]));
            return Verdict.That(double.IsPositiveInfinity(ce), $"H(p, q) = {Show.Number(ce)}; expected +∞");
        });
        Expect(implementation, "p = (1, 0), q = (smallest subnormal, 1 − it)", impl =>
        {
            var q = new T[] { T.Epsilon, T.One - T.Epsilon };
            double ce = Ce(impl, [T.One, T.Zero], q);
            double expected = -Math.Log(Fp<T>.ToDouble(T.Epsilon));
            var qd = Fp<T>.ToDouble(q);
            return Verdict.Within("H(e₁, (ε, 1 − ε)) = −ln ε, finite", ce, expected, Accuracy.CrossEntropy<T>([1, 0], qd) + Accuracy.CrossEntropy<double>([1, 0], qd));
        });
    }

    [ForEachImplementation, Spec("XENT-MLE")]
    public void Mean_negative_log_likelihood_is_cross_entropy_of_the_empirical_distribution(string implementation) =>
        Check(implementation, InformationCases<T>.Samples, (impl, c) =>
        {
            // (1/N) Σₖ −ln q(xₖ) = −Σᵢ (cᵢ/N) ln qᵢ = H(p̂, q); the implementation gets p̂ rounded to T (relative error ≤ u).
            int size = c.Samples.Length;
            double nll = 0, abs = 0;
            foreach (int s in c.Samples)
            {
                double term = c.QD[s] == 0 ? double.PositiveInfinity : -Math.Log(c.QD[s]);
                nll += term;
                abs += Math.Abs(term);
            }
            nll /= size;
            if (double.IsInfinity(nll))
            {
                double infinite = Ce(impl, c.Empirical, c.Q);
                return Verdict.That(double.IsPositiveInfinity(infinite), $"H(p̂, q) = {Show.Number(infinite)}; expected +∞ (a sample has q = 0: likelihood 0)");
            }
            var pHat = c.EmpiricalD;
            double sensitivity = 0;
            for (int i = 0; i < c.N; i++) if (pHat[i] > 0) sensitivity += pHat[i] * Math.Abs(Math.Log(c.QD[i]));
            double bound = Accuracy.CrossEntropy<T>(pHat, c.QD) + (1 + 2 * U) * U * sensitivity
                           + (Accuracy.Gamma(size + 1, Fp<double>.U) + Accuracy.ElementaryUlps * Fp<double>.U) * abs / size;
            var likelihood = Verdict.Within("H(p̂, q) against the mean NLL of the sample", Ce(impl, c.Empirical, c.Q), nll, bound);

            // Maximum likelihood: no q explains the sample better than p̂ itself, H(p̂, p̂) ≤ H(p̂, q) (Gibbs, with the defect).
            double best = Ce(impl, c.Empirical, c.Empirical);
            double slack = Accuracy.CrossEntropy<T>(pHat, pHat) + Accuracy.CrossEntropy<T>(pHat, c.QD);
            var maximum = Verdict.AtLeast("H(p̂, q) − H(p̂, p̂)", Ce(impl, c.Empirical, c.Q) - best, KlAccuracy.GibbsFloor(pHat, c.QD) - slack, slack);
            return likelihood & maximum;
        });
}
