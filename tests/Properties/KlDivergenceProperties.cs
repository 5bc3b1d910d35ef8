using System.Numerics;
using LossConformance.Kit;
using Xunit.Abstractions;

namespace LossConformance.Properties;

/// <summary>
/// Laws of spec/kl-divergence.md on generated inputs, and the two fits of claims 3.3 / 3.4 as named
/// cases. Inputs sum to 1 only within rounding; floors are stated for the actual sums
/// (<see cref="KlAccuracy.GibbsFloor"/>, <see cref="KlAccuracy.PinskerFloor"/>).
/// </summary>
[Requires(typeof(IKlDivergence<>))]
public abstract class KlDivergenceProperties<T>(ITestOutputHelper output, params object[] implementations)
    : Suite<T>(output, implementations) where T : unmanaged, IFloatingPointIeee754<T>
{
    private static double Kl(ImplementationUnderTest impl, T[] p, T[] q) => Fp<T>.ToDouble(impl.As<IKlDivergence<T>>().KlDivergence(p, q));

    private static double Ce(ImplementationUnderTest impl, T[] p, T[] q) => Fp<T>.ToDouble(impl.As<ICrossEntropy<T>>().CrossEntropy(p, q));

    /// <summary>Σ pᵢ(ln pᵢ − ln qᵢ) over pᵢ &gt; 0 in double (no ratio: pᵢ/qᵢ may overflow); +∞ where some pᵢ &gt; 0 = qᵢ.</summary>
    private static double Exact(ReadOnlySpan<double> p, ReadOnlySpan<double> q)
    {
        double s = 0;
        for (int i = 0; i < p.Length; i++)
        {
            if (p[i] == 0) continue;
            if (q[i] == 0) return double.PositiveInfinity;
            s += p[i] * (Math.Log(p[i]) - Math.Log(q[i]));
        }
        return s;
    }

    private static double Bound(ReadOnlySpan<double> p, ReadOnlySpan<double> q) => Accuracy.Kl<T>(p, q) + Accuracy.Kl<double>(p, q);

    /// <summary>|observed − expected| ≤ bound, or both the same infinity (a bound of ∞ must not excuse a finite answer).</summary>
    private static Verdict Matches(string quantity, double observed, double expected, double bound) =>
        double.IsInfinity(expected)
            ? Verdict.That(observed == expected, $"{quantity} = {Show.Number(observed)}, expected {Show.Number(expected)}")
            : Verdict.Within(quantity, observed, expected, bound);

    [ForEachImplementation, Spec("KL-DEF")]
    public void Kl_is_sum_of_p_ln_p_over_q(string implementation) =>
        Check(implementation, Generate<T>.DistributionPairs, (impl, c) =>
            Matches("D(p‖q)", Kl(impl, c.P, c.Q), Exact(c.PD, c.QD), Bound(c.PD, c.QD)));

    [ForEachImplementation, Spec("KL-DEF")]
    public void Kl_known_values(string implementation)
    {
        // D((½, ½) ‖ (¾, ¼)) = ½ ln(2/3) + ½ ln 2 = ½ ln(4/3); zeros of p drop out (0 · ln(0/q) = 0).
        double[] p = [0.5, 0.5], q = [0.75, 0.25];
        Expect(implementation, "D((½, ½) ‖ (¾, ¼)) = ½ ln(4/3)", impl =>
            Verdict.Within("D(p‖q)", Kl(impl, Fp<T>.From(p), Fp<T>.From(q)), 0.5 * Math.Log(4.0 / 3), Bound(p, q)));
        double[] p2 = [0.5, 0, 0.5], q2 = [0.25, 0.5, 0.25];
        Expect(implementation, "D((½, 0, ½) ‖ (¼, ½, ¼)) = ln 2", impl =>
            Verdict.Within("D(p‖q)", Kl(impl, Fp<T>.From(p2), Fp<T>.From(q2)), Math.Log(2), Bound(p2, q2)));
        double[] p3 = [0.5, 0, 0.5], q3 = [0.5, 0, 0.5];
        Expect(implementation, "D((½, 0, ½) ‖ (½, 0, ½)) = 0", impl =>
            Verdict.Within("D(p‖p)", Kl(impl, Fp<T>.From(p3), Fp<T>.From(q3)), 0, Bound(p3, q3)));
    }

    [ForEachImplementation, Spec("KL-NONNEG")]
    public void Kl_is_nonnegative(string implementation) =>
        Check(implementation, Generate<T>.DistributionPairs, (impl, c) =>
            // D ≥ Σ_{pᵢ>0}(pᵢ − qᵢ): 0 for exact distributions, the rounding defect Σp − Σq for these.
            Verdict.AtLeast("D(p‖q)", Kl(impl, c.P, c.Q), KlAccuracy.GibbsFloor(c.PD, c.QD) - Accuracy.Kl<T>(c.PD, c.QD), Accuracy.Kl<T>(c.PD, c.QD)));

    [ForEachImplementation, Spec("KL-IDENTITY")]
    public void Kl_is_zero_exactly_when_the_distributions_are_equal(string implementation) =>
        Check(implementation, Generate<T>.DistributionPairs, (impl, c) =>
        {
            double d = Kl(impl, c.P, c.Q), bound = Accuracy.Kl<T>(c.PD, c.QD);
            if (c.PD.SequenceEqual(c.QD)) return Verdict.Within("D(p‖p)", d, 0, bound);
            // Only if: D ≥ s_p(½‖p̃ − q̃‖₁² + ln(s_p/s_q)) (Pinsker), so a D within rounding of 0 forces p ≈ q.
            return Verdict.AtLeast("D(p‖q) against Pinsker's ½‖p − q‖₁²", d, KlAccuracy.PinskerFloor(c.PD, c.QD) - bound, bound);
        });

    [ForEachImplementation, Spec("KL-IDENTITY")]
    public void Kl_of_a_distribution_with_itself_is_zero(string implementation) =>
        Check(implementation, Generate<T>.Distributions, (impl, c) =>
            Verdict.Within("D(p‖p)", Kl(impl, c.P, c.P), 0, Accuracy.Kl<T>(c.PD, c.PD)));

    [ForEachImplementation, Spec("KL-ASYMMETRIC")]
    public void Kl_is_not_symmetric(string implementation) =>
        Check(implementation, InformationCases<T>.UniformVersusPeaked, (impl, c) =>
        {
            // p uniform, q peaked with ε ≤ 1e-8/n: D(p‖q) ≥ 8.86 > ln 4096 ≥ D(q‖p). Both directions must match
            // their definitions, so their difference is the exact one, far from 0.
            double forward = Kl(impl, c.P, c.Q), reverse = Kl(impl, c.Q, c.P);
            double exact = Exact(c.PD, c.QD) - Exact(c.QD, c.PD);
            double bound = Bound(c.PD, c.QD) + Bound(c.QD, c.PD);
            return Verdict.Within("D(p‖q) − D(q‖p)", forward - reverse, exact, bound)
                 & Verdict.AtLeast("|D(p‖q) − D(q‖p)| beyond rounding", Math.Abs(forward - reverse) - bound, 0);
        });

    [ForEachImplementation, Spec("KL-ASYMMETRIC", "KL-DEF")]
    public void Reverse_kl_is_the_divergence_with_arguments_swapped(string implementation) =>
        Check(implementation, Generate<T>.DistributionPairs, (impl, c) =>
            // Reverse KL of model q from reference p is D(q‖p) = Σ qᵢ ln(qᵢ/pᵢ): +∞ where q puts mass p does not.
            Matches("KlDivergence(q, p) against Σ qᵢ ln(qᵢ/pᵢ)", Kl(impl, c.Q, c.P), Exact(c.QD, c.PD), Bound(c.QD, c.PD)));

    [ForEachImplementation, Spec("KL-SUPPORT")]
    public void Kl_is_infinite_where_q_misses_the_support_of_p(string implementation) =>
        Check(implementation, Generate<T>.DistributionPairsWithSupportGap, (impl, c) =>
        {
            if (Math.Abs(KlAccuracy.Sum(c.QD).Sum - 1) > Accuracy.NormalisationTolerance<T>(c.N))
                return Verdict.Throws<ArgumentException>("D(p‖q) with q not a distribution", () => Kl(impl, c.P, c.Q));
            double d = Kl(impl, c.P, c.Q);
            return Verdict.That(double.IsPositiveInfinity(d), $"D(p‖q) = {Show.Number(d)}; expected +∞ (some pᵢ > 0 = qᵢ)");
        });

    [ForEachImplementation, Spec("KL-SUPPORT")]
    public void Kl_is_finite_where_q_covers_the_support_of_p(string implementation) =>
        Check(implementation, Generate<T>.DistributionPairs, (impl, c) =>
        {
            double d = Kl(impl, c.P, c.Q);
            return Verdict.That(double.IsFinite(d), $"D(p‖q) = {Show.Number(d)}; expected finite (supp p ⊆ supp q)");
        });

    [ForEachImplementation, Spec("KL-SUPPORT")]
    public void Kl_support_cases(string implementation)
    {
        Expect(implementation, "p = (½, ½, 0), q = (1, 0, 0)", impl =>
        {
            double d = Kl(impl, Fp<T>.From([0.5, 0.5, 0]), Fp<T>.From([1, 0, 0]));
            return Verdict.That(double.IsPositiveInfinity(d), $"D(p‖q) = {Show.Number(d)}; expected +∞ (p₂ > 0 = q₂; p₃ = q₃ = 0 adds nothing)");
        });
        Expect(implementation, "p = (0, 1), q = (1, 0)", impl =>
        {
            double d = Kl(impl, Fp<T>.From([0, 1]), Fp<T>.From([1, 0]));
            return Verdict.That(double.IsPositiveInfinity(d), $"D(p‖q) = {Show.Number(d)}; expected +∞");
        });
        Expect(implementation, "p = (1, 0), q = (smallest subnormal, 1 − it)", impl =>
        {
            // Finite, −ln ε ≈ 745 (double) / 103 (float), although p₁/q₁ overflows T.
            var q = new T[] { T.Epsilon, T.One - T.Epsilon };
            var qd = Fp<T>.ToDouble(q);
            return Verdict.Within("D(e₁‖(ε, 1 − ε)) = −ln ε", Kl(impl, [T.One, T.Zero], q), -Math.Log(qd[0]), Bound([1, 0], qd));
        });
    }

    [ForEachImplementation, Spec("KL-CONVEX")]
    public void Kl_is_jointly_convex(string implementation) =>
        Check(implementation, InformationCases<T>.Mixtures, (impl, c) =>
        {
            // D(½(p₁+p₂) ‖ ½(q₁+q₂)) ≤ ½D(p₁‖q₁) + ½D(p₂‖q₂), with the midpoints exact in T (see ConvexCase):
            // the law holds for the very values passed, for any non-negative vectors; only rounding is slack.
            double[] mp = Fp<T>.ToDouble(c.MP), mq = Fp<T>.ToDouble(c.MQ), p1 = Fp<T>.ToDouble(c.P1), q1 = Fp<T>.ToDouble(c.Q1),
                     p2 = Fp<T>.ToDouble(c.P2), q2 = Fp<T>.ToDouble(c.Q2);
            double dm = Kl(impl, c.MP, c.MQ), d1 = Kl(impl, c.P1, c.Q1), d2 = Kl(impl, c.P2, c.Q2);
            double rhs = 0.5 * d1 + 0.5 * d2;
            if (double.IsInfinity(Exact(p1, q1)) || double.IsInfinity(Exact(p2, q2)))   // a component misses its p's support:
                return Verdict.That(double.IsPositiveInfinity(rhs) && !double.IsNaN(dm),  // the right side is +∞ and the law holds
                    $"½D(p₁‖q₁) + ½D(p₂‖q₂) = {Show.Number(rhs)} (a component has a support gap: expected +∞), D(midpoint) = {Show.Number(dm)}");
            double slack = Accuracy.Kl<T>(mp, mq) + 0.5 * Accuracy.Kl<T>(p1, q1) + 0.5 * Accuracy.Kl<T>(p2, q2)
                           + Accuracy.Gamma(2, Fp<double>.U) * Math.Abs(rhs);
            return Verdict.AtMost("D(midpoint) − (½D(p₁‖q₁) + ½D(p₂‖q₂))", dm - rhs, slack, slack);
        });

    [ForEachImplementation, Spec("KL-ADDITIVE")]
    public void Kl_of_products_is_the_sum_of_kls(string implementation) =>
        Check(implementation, InformationCases<T>.Products, (impl, c) =>
        {
            // D(p₁⊗p₂ ‖ q₁⊗q₂) = Σp₂·D(p₁‖q₁) + Σp₁·D(p₂‖q₂) exactly for non-negative vectors; products rounded once to T.
            double[] xp = c.ProductPD, xq = c.ProductQD;
            var (s1, e1) = KlAccuracy.Sum(c.P1D);
            var (s2, e2) = KlAccuracy.Sum(c.P2D);
            double d1 = Kl(impl, c.P1, c.Q1), d2 = Kl(impl, c.P2, c.Q2);
            double expected = s2 * d1 + s1 * d2;
            double bound = Accuracy.Kl<T>(xp, xq) + s2 * Accuracy.Kl<T>(c.P1D, c.Q1D) + s1 * Accuracy.Kl<T>(c.P2D, c.Q2D)
                           + KlAccuracy.RelativeRounding<T>(xp, xq, U)
                           + e2 * Math.Abs(d1) + e1 * Math.Abs(d2) + Accuracy.Gamma(3, Fp<double>.U) * (Math.Abs(s2 * d1) + Math.Abs(s1 * d2));
            return Verdict.Within("D(p₁⊗p₂ ‖ q₁⊗q₂) against Σp₂·D(p₁‖q₁) + Σp₁·D(p₂‖q₂)", Kl(impl, c.ProductP, c.ProductQ), expected, bound);
        });

    [ForEachImplementation, Spec("KL-LOCAL"), Requires(typeof(ISoftmax<>))]
    public void Kl_between_nearby_softmaxes_is_half_the_fisher_quadratic_form(string implementation) =>
        Check(implementation, InformationCases<T>.LocalPerturbations, (impl, c) =>
        {
            // D(softmax z ‖ softmax(z + εd)) = ½ε² dᵀ(diag ŷ − ŷŷᵀ)d + O(ε³), ε from KlAccuracy.LocalStep (a power of two:
            // z + εd is exact in T). Measured through the implementation's softmax and KL; the rounded softmax outputs
            // add their normalisation defect Σŷ − Σq̂ to first order, which is added to the expectation.
            int n = c.N;
            double eps = KlAccuracy.LocalStep<T>(c.ZD, c.D);
            var z2 = Fp<T>.From(c.ZD.Select((v, i) => v + eps * c.D[i]));
            var delta = new double[n];
            for (int i = 0; i < n; i++) delta[i] = Fp<T>.ToDouble(z2[i]) - c.ZD[i];   // exact: both on a grid of ε within ±16
            var softmax = impl.As<ISoftmax<T>>();
            var y = new T[n];
            var q = new T[n];
            softmax.Softmax(c.Z, y);
            softmax.Softmax(z2, q);
            // A softmax output within its ACC-SOFTMAX bound may still sum outside τ(n) and be rejected as a
            // distribution (ACC-NORMALISATION): then the reference's softmax rounded to T stands in (its error is
            // within the same bound).
            if (!Accepted(y)) y = Fp<T>.From(Accuracy.SoftmaxExact(c.ZD));
            if (!Accepted(q)) q = Fp<T>.From(Accuracy.SoftmaxExact(Fp<T>.ToDouble(z2)));
            double[] yd = Fp<T>.ToDouble(y), qd = Fp<T>.ToDouble(q);
            var (quadratic, tolerance) = KlAccuracy.Local<T>(c.ZD, delta, yd, qd);
            double defect = KlAccuracy.Sum(yd).Sum - KlAccuracy.Sum(qd).Sum;
            return Verdict.Within($"D(softmax z ‖ softmax(z + εd)), ε = {Show.Number(eps)}, against ½ε²dᵀJd = {Show.Number(quadratic)} + defect",
                Kl(impl, y, q), quadratic + defect, tolerance);
        });

    /// <summary>Whether every conforming implementation accepts v as a distribution: |Σv − 1| plus any T summation error within τ(n).</summary>
    private static bool Accepted(T[] v)
    {
        var (s, e) = KlAccuracy.Sum(Fp<T>.ToDouble(v));
        return Math.Abs(s - 1) + e + Accuracy.Gamma(v.Length - 1, U) * s <= Accuracy.NormalisationTolerance<T>(v.Length);
    }

    [ForEachImplementation, Spec("KL-CE-MINIMISER"), Requires(typeof(ICrossEntropy<>))]
    public void Cross_entropy_and_kl_in_q_differ_by_a_constant(string implementation) =>
        Check(implementation, InformationCases<T>.Candidates, (impl, c) =>
        {
            // With p fixed, H(p, q) − D(p‖q) = H(p) for every q: the two objectives differ by a constant, so they
            // have the same minimiser (q = p) and the same gradient in any parameters of q.
            int k = c.Qs.Length;
            var ce = new double[k];
            var kl = new double[k];
            var slack = new double[k];
            for (int j = 0; j < k; j++)
            {
                ce[j] = Ce(impl, c.P, c.Qs[j]);
                kl[j] = Kl(impl, c.P, c.Qs[j]);
                slack[j] = Accuracy.CrossEntropy<T>(c.PD, c.QsD[j]) + Accuracy.Kl<T>(c.PD, c.QsD[j])
                           + Accuracy.Gamma(2, Fp<double>.U) * (Math.Abs(ce[j]) + Math.Abs(kl[j]));
            }
            var verdict = Verdict.Pass;
            double offset0 = ce[0] - kl[0];
            for (int j = 1; j < k && verdict.Holds; j++)
                verdict = Verdict.Within($"H(p, q{j}) − D(p‖q{j}) against H(p, q0) − D(p‖q0) (q0 = p)", ce[j] - kl[j], offset0, slack[j] + slack[0]);
            int argCe = Array.IndexOf(ce, ce.Min()), argKl = Array.IndexOf(kl, kl.Min());
            return verdict
                 & Verdict.AtMost($"D(p‖q) at the cross-entropy minimiser q{argCe} above the KL minimum (at q{argKl})", kl[argCe] - kl[argKl], slack[argCe] + slack[argKl], slack[argCe] + slack[argKl])
                 & Verdict.AtMost("D(p‖p) above the smallest D(p‖qⱼ)", kl[0] - kl[argKl], slack[0] + slack[argKl], slack[0] + slack[argKl]);
        });

    [ForEachImplementation, Spec("KL-PENALTY"), Requires(typeof(ICrossEntropy<>))]
    public void Kl_not_cross_entropy_measures_how_far_a_moving_distribution_is(string implementation) =>
        Check(implementation, Generate<T>.DistributionPairs, (impl, c) =>
        {
            // Two moving distributions (old and new policy, say): D(p‖p) = 0 = D(q‖q) for both, while H(p, p) = H(p)
            // and H(q, q) = H(q) vary with the distribution. And as a penalty on the new distribution, H(new, old) is
            // not smallest at new = old: collapsing onto old's mode e_m gives −ln old_m ≤ H(old) (a penalty built from
            // cross-entropy rewards mode collapse), while D(e_m‖old) = −ln old_m ≥ 0 = D(old‖old).
            var verdict = Verdict.Pass;
            foreach (var (dist, name) in new[] { (c.P, "p"), (c.Q, "q") })
            {
                var d = Fp<T>.ToDouble(dist);
                double h = 0;
                foreach (double v in d) if (v > 0) h -= v * Math.Log(v);
                verdict = verdict
                    & Verdict.Within($"D({name}‖{name})", Kl(impl, dist, dist), 0, Accuracy.Kl<T>(d, d))
                    & Verdict.Within($"H({name}, {name}) against H({name})", Ce(impl, dist, dist), h, Accuracy.CrossEntropy<T>(d, d) + Accuracy.Entropy<double>(d));
            }
            int m = Array.IndexOf(c.QD, c.QD.Max());
            var collapsed = new T[c.N];
            collapsed[m] = T.One;
            var ed = Fp<T>.ToDouble(collapsed);
            double collapse = Ce(impl, collapsed, c.Q), stay = Ce(impl, c.Q, c.Q);
            // −ln q_m ≤ H(q) needs Σq = 1: in general H(q, q) ≥ Σq·(−ln q_m), so the defect (1 − Σq)·(−ln q_m) is slack too.
            var (sq, sqError) = KlAccuracy.Sum(c.QD);
            double ceSlack = Accuracy.CrossEntropy<T>(ed, c.QD) + Accuracy.CrossEntropy<T>(c.QD, c.QD)
                             + Math.Max(0, 1 - sq + sqError) * -Math.Log(c.QD[m]);
            return verdict
                & Verdict.AtMost("H(e_m, q) − H(q, q): cross-entropy prefers collapsing onto q's mode", collapse - stay, ceSlack, ceSlack)
                & Verdict.AtLeast("D(e_m‖q) − D(q‖q): KL does not", Kl(impl, collapsed, c.Q) - Kl(impl, c.Q, c.Q),
                    -(Accuracy.Kl<T>(ed, c.QD) + Accuracy.Kl<T>(c.QD, c.QD)), Accuracy.Kl<T>(ed, c.QD) + Accuracy.Kl<T>(c.QD, c.QD));
        });

    [ForEachImplementation, Spec("KL-PENALTY"), Requires(typeof(ICrossEntropy<>))]
    public void Kl_penalty_vanishes_on_agreement_whatever_the_entropy(string implementation)
    {
        foreach (var (name, values, entropy) in new[] { ("p = (¼, ¼, ¼, ¼)", new double[] { 0.25, 0.25, 0.25, 0.25 }, Math.Log(4)), ("p = e₀", new double[] { 1, 0, 0, 0 }, 0.0) })
        {
            Expect(implementation, name, impl =>
            {
                var p = Fp<T>.From(values);
                return Verdict.Within("D(p‖p)", Kl(impl, p, p), 0, Accuracy.Kl<T>(values, values))
                     & Verdict.Within("H(p, p) = H(p)", Ce(impl, p, p), entropy, Accuracy.CrossEntropy<T>(values, values) + Accuracy.Entropy<double>(values));
            });
        }
    }

    // ---- claims 3.3 and 3.4: fitting a one-mode family to a two-mode target ----

    /// <summary>
    /// The fits of spec/kl-divergence.md: grid x = −10, −9.9, …, 10 (201 points); target p ∝ ½g(−4, 1) + ½g(4, 1);
    /// family q_{μ,σ} ∝ g(μ, σ), g(μ, σ)ₖ = exp(−(xₖ − μ)²/(2σ²)); μ ∈ {−6, −5.9, …, 6}, σ ∈ {0.5, 0.55, …, 6}.
    /// Both are floored at a tiny positive value before normalising (1e-300 in double, 1e-30 in float; q's far
    /// tails underflow to 0 otherwise), so every divergence on the grid is finite in both directions; the floor
    /// lies far below every entry that decides the minimum.
    /// </summary>
    private static (double Mu, double Sigma, double Value) Fit(ImplementationUnderTest impl, bool reverse)
    {
        double floor = typeof(T) == typeof(float) ? 1e-30 : 1e-300;
        var x = Enumerable.Range(0, 201).Select(k => -10 + 0.1 * k).ToArray();
        var p = Generate<T>.Normalise(x.Select(v => Math.Max(0.5 * Gauss(v, -4, 1) + 0.5 * Gauss(v, 4, 1), floor)).ToArray());
        var kl = impl.As<IKlDivergence<T>>();
        var best = (Mu: double.NaN, Sigma: double.NaN, Value: double.PositiveInfinity);
        var w = new double[x.Length];
        for (int i = 0; i <= 120; i++)
            for (int j = 0; j <= 110; j++)
            {
                double mu = -6 + 0.1 * i, sigma = 0.5 + 0.05 * j;
                for (int k = 0; k < x.Length; k++) w[k] = Math.Max(Gauss(x[k], mu, sigma), floor);
                var q = Generate<T>.Normalise(w);
                double d = Fp<T>.ToDouble(reverse ? kl.KlDivergence(q, p) : kl.KlDivergence(p, q));
                if (d < best.Value) best = (mu, sigma, d);
            }
        return best;
    }

    private static double Gauss(double x, double mu, double sigma) => Math.Exp(-0.5 * (x - mu) * (x - mu) / (sigma * sigma));

    [ForEachImplementation, Spec("KL-FORWARD-COVERS")]
    public void Forward_kl_fit_covers_both_modes(string implementation) =>
        Expect(implementation, "argmin over (μ, σ) of D(p‖q_{μ,σ}), p two modes at ±4 with σ = 1", impl =>
        {
            // Forward KL weighs log(p/q) by p: wherever p has mass, q must too. The one-mode fit straddles both
            // modes: about μ = 0, σ = 4.45, the grid's moment match (p's standard deviation is √17 ≈ 4.12).
            var (mu, sigma, value) = Fit(impl, reverse: false);
            return Verdict.That(Math.Abs(mu) <= 0.5 && sigma >= 3,
                $"forward fit μ = {Show.Number(mu)}, σ = {Show.Number(sigma)} (D = {Show.Number(value)}); required |μ| ≤ 0.5 (between the modes) and σ ≥ 3 (wider than a mode's σ = 1)");
        });

    [ForEachImplementation, Spec("KL-REVERSE-SEEKS")]
    public void Reverse_kl_fit_locks_onto_one_mode(string implementation) =>
        Expect(implementation, "argmin over (μ, σ) of D(q_{μ,σ}‖p), p two modes at ±4 with σ = 1", impl =>
        {
            // Reverse KL weighs log(q/p) by q: q is punished for mass where p has little, not for missing a mode.
            var (mu, sigma, value) = Fit(impl, reverse: true);
            return Verdict.That(Math.Abs(Math.Abs(mu) - 4) <= 0.5 && Math.Abs(sigma - 1) <= 0.25,
                $"reverse fit μ = {Show.Number(mu)}, σ = {Show.Number(sigma)} (D = {Show.Number(value)}); required |μ| within 0.5 of 4 (one mode) and σ within 0.25 of 1");
        });
}
