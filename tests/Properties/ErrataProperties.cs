using System.Numerics;
using LossConformance.Kit;
using Xunit.Abstractions;

namespace LossConformance.Properties;

/// <summary>
/// spec/errata.md: where the source note is wrong. Each test shows the note's formula failing on the
/// implementation's own values and the corrected law holding, on generated inputs and on the
/// errata's fixtures.
/// </summary>
public abstract class ErrataProperties<T>(ITestOutputHelper output, params object[] implementations)
    : Suite<T>(output, implementations) where T : unmanaged, IFloatingPointIeee754<T>
{
    private static double H(ImplementationUnderTest impl, T[] p) => Fp<T>.ToDouble(impl.As<IEntropy<T>>().Entropy(p));

    private static double Ce(ImplementationUnderTest impl, T[] p, T[] q) => Fp<T>.ToDouble(impl.As<ICrossEntropy<T>>().CrossEntropy(p, q));

    private static double Kl(ImplementationUnderTest impl, T[] p, T[] q) => Fp<T>.ToDouble(impl.As<IKlDivergence<T>>().KlDivergence(p, q));

    /// <summary>B_X(p, q) + B_H(p) + B_D(p, q) and the double rounding of combining the three values.</summary>
    private static double Slack(double[] p, double[] q, double h, double ce, double d) =>
        Accuracy.CrossEntropy<T>(p, q) + Accuracy.Entropy<T>(p) + Accuracy.Kl<T>(p, q)
        + Accuracy.Gamma(3, Fp<double>.U) * (Math.Abs(h) + Math.Abs(ce) + Math.Abs(d));

    // The errata fixture: p = (½, ½), q = (¾, ¼): H(p) = ln 2, H(p, q) = 0.836988, D(p‖q) = ½ ln(4/3).
    private static readonly double[] FixtureP = [0.5, 0.5], FixtureQ = [0.75, 0.25];

    [ForEachImplementation, Spec("ERR-ENTROPY-SUM"), Requires(typeof(IEntropy<>), typeof(ICrossEntropy<>), typeof(IKlDivergence<>))]
    public void Entropy_is_not_cross_entropy_plus_kl(string implementation) =>
        Check(implementation, Generate<T>.DistributionPairs, (impl, c) =>
        {
            // Note (4.1): H(p) = H(p, q) + D(p‖q). Correct: H(p, q) = H(p) + D(p‖q). The note's residual
            // H(p) − H(p, q) − D(p‖q) is −2D(p‖q): zero only where D is, i.e. at p = q.
            double h = H(impl, c.P), ce = Ce(impl, c.P, c.Q), d = Kl(impl, c.P, c.Q);
            double slack = Slack(c.PD, c.QD, h, ce, d);
            double residual = h - ce - d;
            return Verdict.Within("H(p, q) against H(p) + D(p‖q) (corrected)", ce, h + d, slack)
                 & Verdict.That(d <= slack || Math.Abs(residual) > slack,
                     $"the note's residual H(p) − H(p, q) − D(p‖q) = {Show.Number(residual)} (−2D = {Show.Number(-2 * d)}) must be visible beyond the slack {Show.Number(slack)} wherever D exceeds it");
        });

    [ForEachImplementation, Spec("ERR-ENTROPY-SUM"), Requires(typeof(IEntropy<>), typeof(ICrossEntropy<>), typeof(IKlDivergence<>))]
    public void Entropy_is_not_cross_entropy_plus_kl_on_the_fixture(string implementation) =>
        Expect(implementation, "p = (½, ½), q = (¾, ¼)", impl =>
        {
            T[] p = Fp<T>.From(FixtureP), q = Fp<T>.From(FixtureQ);
            double h = H(impl, p), ce = Ce(impl, p, q), d = Kl(impl, p, q);
            double slack = Slack(FixtureP, FixtureQ, h, ce, d);
            return Verdict.Within("H(p, q) − (H(p) + D(p‖q)) (corrected)", ce - (h + d), 0, slack)
                 & Verdict.AtLeast("|H(p) − (H(p, q) + D(p‖q))| (the note's) beyond the slack", Math.Abs(h - (ce + d)) - slack, 0);
        });

    [ForEachImplementation, Spec("ERR-KL-SIGN"), Requires(typeof(IEntropy<>), typeof(ICrossEntropy<>), typeof(IKlDivergence<>))]
    public void Kl_is_cross_entropy_minus_entropy_not_the_reverse(string implementation) =>
        Check(implementation, Generate<T>.DistributionPairs, (impl, c) =>
        {
            // Note (4.2, 4.4): D(p‖q) = H(p) − H(p, q). That value is −D(p‖q) ≤ 0 (Gibbs, with the rounding
            // defect Σ_{pᵢ>0}(pᵢ − qᵢ)), so it cannot be a divergence; the correct sign gives D(p‖q) = H(p, q) − H(p).
            double h = H(impl, c.P), ce = Ce(impl, c.P, c.Q), d = Kl(impl, c.P, c.Q);
            double gibbs = Accuracy.CrossEntropy<T>(c.PD, c.QD) + Accuracy.Entropy<T>(c.PD);
            return Verdict.AtMost("the note's D = H(p) − H(p, q)", h - ce, -KlAccuracy.GibbsFloor(c.PD, c.QD) + gibbs, gibbs)
                 & Verdict.Within("D(p‖q) against H(p, q) − H(p) (corrected)", d, ce - h, Slack(c.PD, c.QD, h, ce, d));
        });

    [ForEachImplementation, Spec("ERR-KL-SIGN"), Requires(typeof(IEntropy<>), typeof(ICrossEntropy<>), typeof(IKlDivergence<>))]
    public void Kl_sign_on_the_fixture(string implementation) =>
        Expect(implementation, "p = (½, ½), q = (¾, ¼)", impl =>
        {
            T[] p = Fp<T>.From(FixtureP), q = Fp<T>.From(FixtureQ);
            double h = H(impl, p), ce = Ce(impl, p, q), d = Kl(impl, p, q);
            double slack = Slack(FixtureP, FixtureQ, h, ce, d);
            double exact = 0.5 * Math.Log(4.0 / 3);
            return Verdict.Within("D(p‖q) = ½ ln(4/3)", d, exact, slack)
                 & Verdict.Within("H(p, q) − H(p) (corrected)", ce - h, exact, slack)
                 & Verdict.Within("H(p) − H(p, q) (the note's 'D') = −½ ln(4/3) < 0", h - ce, -exact, slack);
        });

    [ForEachImplementation, Spec("ERR-GIBBS-STRICT"), Requires(typeof(IEntropy<>), typeof(ICrossEntropy<>))]
    public void Cross_entropy_exceeding_entropy_cannot_be_observed_near_p_equals_q(string implementation) =>
        Check(implementation, ErrataCases<T>.OneUlpApart, (impl, c) =>
        {
            // Note (2.2): q ≠ p ⇒ H(p, q) > H(p). For q one ulp from p inside supp p the exact gap is
            // D(p‖q) ∈ [g₁, g₁ + g₂], g₁ = Σ(pₖ − qₖ) over the moved entries (0 when balanced), g₂ = Σ(pₖ − qₖ)²/qₖ:
            // g₂ lies far below the rounding slack, so no computed value can show "exceeds"; the conforming law is
            // ≥ with slack, and equality at q = p.
            double slack = Accuracy.CrossEntropy<T>(c.PD, c.QD) + Accuracy.Entropy<T>(c.PD);
            double slackAtP = Accuracy.CrossEntropy<T>(c.PD, c.PD) + Accuracy.Entropy<T>(c.PD);
            double h = H(impl, c.P), gap = Ce(impl, c.P, c.Q) - h;
            double g1 = c.FirstOrderGap, g2 = c.SecondOrderGap;
            var unobservable = c.Changed.Length == 2
                ? Verdict.AtMost("the exact gap (≤ Σ(p − q)²/q, balanced move) against the slack", g2, slack, slack)
                : Verdict.Pass;
            return unobservable
                 & Verdict.AtLeast("H(p, q) − H(p) (≥ with slack)", gap, g1 - slack, slack)
                 & Verdict.AtMost("H(p, q) − H(p)", gap, g1 + g2 + slack, slack)
                 & Verdict.Within("H(p, p) − H(p) (equality)", Ce(impl, c.P, c.P) - h, 0, slackAtP);
        });

    [ForEachImplementation, Spec("ERR-GIBBS-STRICT"), Requires(typeof(IEntropy<>), typeof(ICrossEntropy<>))]
    public void Gibbs_strictness_on_the_fixture(string implementation) =>
        Expect(implementation, "p = (3/64, 59/128, 63/128), q moved by one ulp in two entries", impl =>
        {
            // The errata fixture: both moved entries lie in [¼, ½), where one ulp is 2⁻⁵⁴ (double) / 2⁻²⁵ (float).
            double ulp = Math.ScaleB(1.0, -(T.One.GetSignificandBitLength() + 1));
            double[] p = [3.0 / 64, 59.0 / 128, 63.0 / 128], q = [3.0 / 64, 59.0 / 128 + ulp, 63.0 / 128 - ulp];
            double h = H(impl, Fp<T>.From(p)), gap = Ce(impl, Fp<T>.From(p), Fp<T>.From(q)) - h;
            double exact = ulp * ulp * (1 / q[1] + 1 / q[2]);   // ≥ D(p‖q) = second-order gap
            double slack = Accuracy.CrossEntropy<T>(p, q) + Accuracy.Entropy<T>(p);
            return Verdict.AtMost("exact gap D(p‖q) (bounded by Σ(p − q)²/q) against the slack", exact, slack, slack)
                 & Verdict.Within($"computed H(p, q) − H(p) = {Show.Number(gap)} ({(gap > 0 ? "happens to be > 0" : "≤ 0: 'exceeds' fails")})", gap, 0, slack + exact);
        });

    [ForEachImplementation, Spec("ERR-LINEAR-SHAPE"), Requires(typeof(ILinearLayer<>))]
    public void Weight_gradient_is_x_times_residual_transposed_not_its_transpose(string implementation) =>
        Check(implementation, ErrataCases<T>.Layers, (impl, c) =>
        {
            // Note (5.5, 5.9): W of shape [m, n], z = W·x, ∂L/∂Wᵢⱼ = xᵢ(ŷⱼ − yⱼ). W·x is undefined for x ∈ ℝᵐ unless
            // m = n. Corrected (LIN-SHAPE): z = Wᵀx + b, ∂L/∂W = x(ŷ − y)ᵀ, m × n. Reading the note as z = Wx with W
            // of shape [n, m] gives ∂L/∂W = (ŷ − y)xᵀ, n × m: in the same memory, that differs from x(ŷ − y)ᵀ unless
            // m = n and the matrix is symmetric.
            int m = c.M, n = c.N;
            var layer = impl.As<ILinearLayer<T>>();
            var gw = new T[m * n];
            var gb = new T[n];
            layer.LossAndGradients(c.X, c.W, c.B, c.Y, gw, gb);
            var observed = Fp<T>.ToDouble(gw);
            var g = LinearAccuracy.ExactLogitGradient(c.XD, c.WD, c.BD, c.YD);
            var bound = LinearAccuracy.WeightGradient<T>(c.XD, c.WD, c.BD, c.YD);
            var boundD = LinearAccuracy.WeightGradient<double>(c.XD, c.WD, c.BD, c.YD);
            var corrected = new double[m * n];
            var note = new double[m * n];
            var asymmetry = new double[m * n];
            for (int k = 0; k < m * n; k++)
            {
                corrected[k] = c.XD[k / n] * g[k % n];   // (x(ŷ − y)ᵀ)ᵢⱼ at i·n + j
                note[k] = g[k / m] * c.XD[k % m];        // ((ŷ − y)xᵀ)ⱼᵢ at j·m + i
                asymmetry[k] = Math.Abs(corrected[k] - note[k]);
                bound[k] += boundD[k];
            }
            var verdict = Verdict.AllWithin("∂L/∂W against x(ŷ − y)ᵀ (m × n, corrected)", observed, corrected, bound);

            if (m != n)
            {
                // The note's forward W·x with x ∈ ℝⁿ (the only length W·x accepts) and W still [m, n]: rejected.
                verdict &= Verdict.Throws<ArgumentException>("Forward with x of length n ≠ m (the note's W·x)", () =>
                    layer.Forward(new T[n], c.W, c.B, new T[n]));
            }
            if (c.Kind.Contains("symmetric", StringComparison.Ordinal))
            {
                var slack = bound.Select((b, k) => b + asymmetry[k]).ToArray();
                return verdict & Verdict.AllWithin("∂L/∂W against (ŷ − y)xᵀ laid out n × m (symmetric case: equal)", observed, note, slack);
            }
            double worst = Enumerable.Range(0, m * n).Max(k => Math.Abs(observed[k] - note[k]) - bound[k]);
            return verdict & Verdict.AtLeast("how far ∂L/∂W is from (ŷ − y)xᵀ laid out n × m, beyond the bound (the note's layout)", worst, 0);
        });

    [ForEachImplementation, Spec("ERR-LINEAR-SHAPE"), Requires(typeof(ILinearLayer<>))]
    public void Weight_gradient_on_the_fixture(string implementation) =>
        Expect(implementation, "m = n = 2, x = (1, 2), W = 0, b = 0, y = e₀", impl =>
        {
            // ŷ = (½, ½), ŷ − y = (−½, ½). Corrected: x(ŷ − y)ᵀ = [[−½, ½], [−1, 1]]; the transpose (ŷ − y)xᵀ =
            // [[−½, −1], [½, 1]] misses by 1.5 in two entries.
            double[] x = [1, 2], w = [0, 0, 0, 0], b = [0, 0], y = [1, 0];
            var gw = new T[4];
            var gb = new T[2];
            impl.As<ILinearLayer<T>>().LossAndGradients(Fp<T>.From(x), Fp<T>.From(w), Fp<T>.From(b), Fp<T>.From(y), gw, gb);
            var observed = Fp<T>.ToDouble(gw);
            var bound = LinearAccuracy.WeightGradient<T>(x, w, b, y);
            double[] corrected = [-0.5, 0.5, -1, 1], transposed = [-0.5, -1, 0.5, 1];
            double miss = Enumerable.Range(0, 4).Max(k => Math.Abs(observed[k] - transposed[k]) - bound[k]);
            return Verdict.AllWithin("∂L/∂W against x(ŷ − y)ᵀ", observed, corrected, bound)
                 & Verdict.AtLeast("largest miss of (ŷ − y)xᵀ beyond the bound", miss, 0);
        });
}
