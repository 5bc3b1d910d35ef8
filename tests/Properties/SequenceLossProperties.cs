using System.Numerics;
using LossConformance.Kit;
using Xunit.Abstractions;

namespace LossConformance.Properties;

/// <summary>
/// Laws of spec/sequence-loss.md on generated sequences (V ≤ 32, T ≤ 64) of a bigram model, and the
/// dropout laws on small linear layers (m ≤ 10: all 2ᵐ masks enumerated).
/// </summary>
public abstract class SequenceLossProperties<T>(ITestOutputHelper output, params object[] implementations)
    : Suite<T>(output, implementations) where T : unmanaged, IFloatingPointIeee754<T>
{
    [ForEachImplementation, Spec("SEQ-DEF"), Requires(typeof(ISequenceLoss<>))]
    public void Loss_is_the_mean_token_cross_entropy_plus_half_lambda_squared_norm(string implementation) =>
        Check(implementation, SequenceCases<T>.Sequences, (impl, c) =>
        {
            var (loss, _, _) = Run(impl, c);
            return Verdict.Within("L", loss, SequenceAccuracy.ExactLoss(c.Tokens, c.V, c.WD, c.BD, c.LambdaD), LossBound(c));
        });

    [ForEachImplementation, Spec("SEQ-TEACHER-FORCING"), Requires(typeof(ISequenceLoss<>))]
    public void Rows_of_tokens_never_used_as_context_do_not_matter(string implementation) =>
        Check(implementation, SequenceCases<T>.WithUnusedContext, (impl, c) =>
        {
            // λ = 0; every unused row of W replaced by its reversal times −2 plus 1 — a different model
            // whose greedy free-running generation may well change, while the teacher-forced loss cannot.
            var a = c.With(lambda: T.Zero);
            var w = (double[])a.WD.Clone();
            foreach (int u in a.UnusedContexts)
                for (int j = 0; j < a.V; j++)
                    w[u * a.V + j] = -2 * a.WD[u * a.V + (a.V - 1 - j)] + 1;
            var b = a.With(weights: Fp<T>.From(w));

            var (la, gwa, gba) = Run(impl, a);
            var (lb, gwb, gbb) = Run(impl, b);
            var (bwa, bba) = GradientBounds(a);
            var (bwb, bbb) = GradientBounds(b);
            return Verdict.Within($"L with the rows of {Show.Vector(a.UnusedContexts)} changed", lb, la, LossBound(a) + LossBound(b))
                 & Verdict.AllWithin("∂L/∂W (all rows; unused rows are 0 on both sides)", gwb, gwa, Add(bwa, bwb))
                 & Verdict.AllWithin("∂L/∂b", gbb, gba, Add(bba, bbb));
        });

    [ForEachImplementation, Spec("SEQ-TEACHER-FORCING"), Requires(typeof(ISequenceLoss<>))]
    public void Losses_of_a_split_sequence_add_up(string implementation) =>
        Check(implementation, SequenceCases<T>.Sequences, (impl, c) =>
        {
            // λ = 0, 1 ≤ k < T: T·L(x₀…x_T) = k·L(x₀…x_k) + (T − k)·L(x_k…x_T); the second part starts
            // from the gold x_k, which only teacher forcing gives.
            var a = c.With(lambda: T.Zero);
            int steps = a.Steps;
            if (steps < 2) return Verdict.That(true, "T = 1: nothing to split");
            int k = steps / 2;
            var first = a.With(tokens: a.Tokens[..(k + 1)]);
            var second = a.With(tokens: a.Tokens[k..]);
            double whole = steps * Run(impl, a).Loss;
            double parts = k * Run(impl, first).Loss + (steps - k) * Run(impl, second).Loss;
            double exactWhole = steps * SequenceAccuracy.ExactLoss(a.Tokens, a.V, a.WD, a.BD, 0);
            double slack = steps * LossBound(a) + k * LossBound(first) + (steps - k) * LossBound(second)
                         + Accuracy.Gamma(3, Fp<double>.U) * 2 * (exactWhole + steps * LossBound(a));   // float64 products and sum
            return Verdict.Within($"T·L vs k·L(x₀…x_k) + (T − k)·L(x_k…x_T), k = {k}", whole, parts, slack);
        });

    [ForEachImplementation, Spec("SEQ-TEACHER-FORCING"), Requires(typeof(ISequenceLoss<>))]
    public void Free_running_generation_changes_where_the_teacher_forced_loss_does_not(string implementation)
    {
        // V = 3, b = 0, λ = 0, tokens 0 → 1 → 1 → 1: contexts 0, 1, 1, so token 2 is never a context.
        // Greedy generation from x₀ = 0 goes to argmax W[0, :] = 2, then to argmax W[2, :]: row 2 decides
        // the generated text, yet the teacher-forced loss never reads it.
        int[] tokens = [0, 1, 1, 1];
        double[] w = [0, 0, 5, 0, 3, 0, 5, 0, 0];
        double[] changed = [0, 0, 5, 0, 3, 0, 0, 5, 0];
        double[] b = [0, 0, 0];
        Expect(implementation, "row 2 of W changed", impl =>
        {
            var c = Fixture(tokens, w, b);
            var d = Fixture(tokens, changed, b);
            double l = Run(impl, c).Loss, ld = Run(impl, d).Loss;
            var gen = Greedy(w, 3, tokens[0], 3);
            var genChanged = Greedy(changed, 3, tokens[0], 3);
            // The free-running loss: contexts from the model's own greedy predictions, targets gold.
            double free = FreeRunningLoss(tokens, w, 3, gen);
            double bound = LossBound(c);
            return Verdict.Within("teacher-forced L, row 2 changed vs not", ld, l, bound + LossBound(d))
                 & Verdict.That(!gen.SequenceEqual(genChanged), $"greedy generation {Show.Vector(gen)} becomes {Show.Vector(genChanged)}")
                 & Verdict.Within("teacher-forced L vs its definition", l, SequenceAccuracy.ExactLoss(tokens, 3, w, b, 0), bound + SequenceAccuracy.Loss<double>(tokens, 3, w, b, 0))
                 & Verdict.That(Math.Abs(free - l) > bound,
                     $"free-running loss {Show.Number(free)} (contexts {Show.Vector(gen)}) differs from the teacher-forced L = {Show.Number(l)} by more than {Show.Number(bound)}");
        });
    }

    [ForEachImplementation, Spec("SEQ-GRAD"), Requires(typeof(ISequenceLoss<>))]
    public void Gradient_is_the_token_error_over_T_accumulated_per_context_row(string implementation) =>
        Check(implementation, SequenceCases<T>.Sequences, (impl, c) =>
        {
            var (_, gw, gb) = Run(impl, c);
            var (ew, eb) = SequenceAccuracy.ExactGradients(c.Tokens, c.V, c.WD, c.BD, c.LambdaD);
            var (bw, bb) = GradientBounds(c);
            return Verdict.AllWithin("∂L/∂W vs (1/T)Σₜ e_{x_{t−1}}(ŷₜ − e_{xₜ})ᵀ + λW", gw, ew, bw)
                 & Verdict.AllWithin("∂L/∂b vs (1/T)Σₜ(ŷₜ − e_{xₜ})", gb, eb, bb);
        });

    [ForEachImplementation, Spec("SEQ-GRAD"), Requires(typeof(ISequenceLoss<>))]
    public void Gradient_matches_central_differences_of_the_loss(string implementation) =>
        Check(implementation, SequenceCases<T>.Sequences, (impl, c) =>
        {
            var (fd, h, tolerance) = CentralDifference(impl, c);
            var (_, gw, gb) = Run(impl, c);
            var (bw, bb) = SequenceAccuracy.Gradients<T>(c.Tokens, c.V, c.WD, c.BD, c.LambdaD);
            var (ew, eb) = SequenceAccuracy.ExactGradients(c.Tokens, c.V, c.WD, c.BD, c.LambdaD);
            var (dot, abs, bound) = FiniteDifference.Directional([.. gw, .. gb], [.. c.DW, .. c.DB], [.. bw, .. bb], [.. ew, .. eb]);
            return Verdict.Within($"(L(θ + hD) − L(θ − hD))/2h vs ⟨∇L, D⟩ (h = {Show.Number(h)})", fd, dot,
                tolerance + bound + Accuracy.Gamma(gw.Length + gb.Length, Fp<double>.U) * abs);
        });


    [ForEachImplementation, Spec("SEQ-L2"), Requires(typeof(ISequenceLoss<>))]
    public void L2_adds_lambda_W_to_the_weight_gradient_and_nothing_to_the_bias_gradient(string implementation) =>
        Check(implementation, SequenceCases<T>.Sequences, (impl, c) =>
        {
            var withL2 = c.LambdaD != 0 ? c : c.With(lambda: T.One);
            var without = c.With(lambda: T.Zero);
            double lambda = withL2.LambdaD;
            var (l1, gw1, gb1) = Run(impl, withL2);
            var (l0, gw0, gb0) = Run(impl, without);
            var (bw1, bb1) = GradientBounds(withL2);
            var (bw0, bb0) = GradientBounds(without);
            double penalty = lambda * SequenceAccuracy.HalfSquaredNorm(c.WD);
            var lambdaW = c.WD.Select(v => lambda * v).ToArray();
            var diffW = gw1.Zip(gw0, (p, q) => p - q).ToArray();
            var diffB = gb1.Zip(gb0, (p, q) => p - q).ToArray();
            var boundW = new double[diffW.Length];
            for (int k = 0; k < boundW.Length; k++) boundW[k] = bw1[k] + bw0[k] + Fp<double>.U * (2 * Math.Abs(lambdaW[k]) + bw1[k] + bw0[k]);
            return Verdict.Within($"L(λ) − L(0) vs λ·½‖W‖² (λ = {Show.Number(lambda)})", l1 - l0, penalty,
                       LossBound(withL2) + LossBound(without) + Fp<double>.U * (2 * penalty + LossBound(withL2) + LossBound(without)))
                 & Verdict.AllWithin("∂L/∂W(λ) − ∂L/∂W(0) vs λW", diffW, lambdaW, boundW)
                 & Verdict.AllWithin("∂L/∂b(λ) − ∂L/∂b(0) vs 0", diffB, new double[c.V], Add(bb1, bb0));
        });

    [ForEachImplementation, Spec("SEQ-DROPOUT"), Requires(typeof(ILinearLayer<>))]
    public void Expected_loss_under_dropout_is_at_least_the_loss_without_it(string implementation) =>
        Check(implementation, LinearCases<T>.Small, (impl, c) =>
        {
            // Inverted dropout on x with keep probability 1 − ρ, ρ = ½ or ¾ (1/(1 − ρ) = 2 or 4, so x̃ is exact):
            // E[x̃] = x and L is convex in x̃, so E[L(x̃)] ≥ L(x) (Jensen), up to each evaluation's bound.
            double rho = c.M % 2 == 0 ? 0.5 : 0.75;
            var (expected, slack) = ExpectedDropoutLoss(impl, c, rho);
            double plain = LayerLoss(impl, c, c.X);
            return Verdict.That(double.IsFinite(expected) && double.IsFinite(plain), $"E_mask[L] = {Show.Number(expected)}, L(x) = {Show.Number(plain)} (finite required)")
                 & Verdict.AtLeast($"E_mask[L(x̃)] − L(x) over all {1 << c.M} masks (ρ = {Show.Number(rho)})", expected - plain,
                     -(slack + LinearAccuracy.Loss<T>(c.XD, c.WD, c.BD, c.YD)), slack + LinearAccuracy.Loss<T>(c.XD, c.WD, c.BD, c.YD));
        });

    [ForEachImplementation, Spec("SEQ-DROPOUT"), Requires(typeof(ILinearLayer<>))]
    public void Dropout_gap_depends_on_the_input_not_on_the_weights_alone(string implementation)
    {
        // spec/sequence-loss.md SEQ-DROPOUT (b) as a linear layer: m = 2, n = 3, b = 0, ρ = ½, t = 0,
        // W = [(2, 0, 0), (0, 0, 0)]. Input e₀ (context a = 0) has gap 0.56729 − 0.23954 = 0.32775; input
        // e₁ (a = 1) has gap 0. Same W, different gaps: no penalty λR(W) reproduces dropout.
        double[] w = [2, 0, 0, 0, 0, 0], b = [0, 0, 0], y = [1, 0, 0];
        var c = new LayerCase<T>(Fp<T>.From([1.0, 0]), Fp<T>.From(w), Fp<T>.From(b), Fp<T>.From(y), new double[6], new double[3], "SEQ-DROPOUT fixture", "one-hot t = 0");
        Expect(implementation, "inputs e₀ and e₁, ρ = ½", impl =>
        {
            var gaps = new List<(double Gap, double Slack)>();
            foreach (var x in new[] { new[] { 1.0, 0 }, new[] { 0.0, 1 } })
            {
                var cx = c.WithInput(Fp<T>.From(x));
                var (expected, slack) = ExpectedDropoutLoss(impl, cx, 0.5);
                double plain = LayerLoss(impl, cx, cx.X);
                gaps.Add((expected - plain, slack + LinearAccuracy.Loss<T>(x, w, b, y)));
            }
            return Verdict.That(Math.Abs(gaps[0].Gap - gaps[1].Gap) > gaps[0].Slack + gaps[1].Slack,
                $"dropout gap E[L(x̃)] − L(x) = {Show.Number(gaps[0].Gap)} for x = e₀ and {Show.Number(gaps[1].Gap)} for x = e₁ (same W); they must differ by more than {Show.Number(gaps[0].Slack + gaps[1].Slack)}");
        });
    }

    [ForEachImplementation, Spec("SEQ-DROPOUT"), Requires(typeof(ISoftmaxCrossEntropy<>))]
    public void Dropout_gap_of_a_bigram_context_depends_on_the_context(string implementation)
    {
        // The same fixture through the bigram model: E_ρ(a, t) = ρ·L(e_t, b) + (1 − ρ)·L(e_t, W[a, :]/(1 − ρ) + b).
        double[] b = [0, 0, 0], y = [1, 0, 0];
        double[][] rows = [[2, 0, 0], [0, 0, 0]];
        Expect(implementation, "contexts a = 0 and a = 1, ρ = ½", impl =>
        {
            var sce = impl.As<ISoftmaxCrossEntropy<T>>();
            double L(double[] z) => Fp<T>.ToDouble(sce.CrossEntropyFromLogits(Fp<T>.From(y), Fp<T>.From(z)));
            double B(double[] z) => Accuracy.CrossEntropyFromLogits<T>(y, z);
            double Exact(double[] z) => -SoftmaxAccuracy.ExactLogSoftmax(z)[0];
            var gaps = rows.Select(row =>
            {
                var scaled = row.Select(v => v / 0.5).ToArray();
                double gap = 0.5 * L(b) + 0.5 * L(scaled) - L(row);
                double magnitude = Exact(b) + Exact(scaled) + Exact(row) + B(b) + B(scaled) + B(row);
                return (Gap: gap, Slack: 0.5 * B(b) + 0.5 * B(scaled) + B(row) + Accuracy.Gamma(3, Fp<double>.U) * magnitude);
            }).ToArray();
            return Verdict.AtLeast("gap for a = 0", gaps[0].Gap, -gaps[0].Slack, gaps[0].Slack)
                 & Verdict.AtLeast("gap for a = 1", gaps[1].Gap, -gaps[1].Slack, gaps[1].Slack)
                 & Verdict.That(Math.Abs(gaps[0].Gap - gaps[1].Gap) > gaps[0].Slack + gaps[1].Slack,
                     $"gaps {Show.Number(gaps[0].Gap)} (a = 0) and {Show.Number(gaps[1].Gap)} (a = 1) must differ by more than {Show.Number(gaps[0].Slack + gaps[1].Slack)}");
        });
    }

    // ---- helpers ----

    internal static (double Loss, double[] WeightGradient, double[] BiasGradient) Run(ImplementationUnderTest impl, SequenceCase<T> c, T[]? bias = null)
    {
        var gw = new T[c.V * c.V];
        var gb = new T[c.V];
        double loss = Fp<T>.ToDouble(impl.As<ISequenceLoss<T>>().LossAndGradients(c.Tokens, c.V, c.W, bias ?? c.B, c.Lambda, gw, gb));
        return (loss, Fp<T>.ToDouble(gw), Fp<T>.ToDouble(gb));
    }

    /// <summary>(L(θ + hD) − L(θ − hD))/2h of the implementation's loss at exact points (θ = (W, b)), h, and its <c>ACC-FD</c> tolerance.</summary>
    internal static (double Fd, double H, double Tolerance) CentralDifference(ImplementationUnderTest impl, SequenceCase<T> c)
    {
        int vv = c.V * c.V;
        double[] point = [.. c.WD, .. c.BD], direction = [.. c.DW, .. c.DB];
        // M₃ = (1/T)Σₜ r(D_W[x_{t−1}, :] + D_b)³/(6√3); the quadratic L2 term adds nothing.
        double m3 = 0;
        for (int t = 0; t < c.Steps; t++)
        {
            var dz = new double[c.V];
            for (int j = 0; j < c.V; j++) dz[j] = c.DW[c.Tokens[t] * c.V + j] + c.DB[j];
            m3 += Accuracy.SoftmaxThirdDerivative(dz, 1) / c.Steps;
        }
        double h = FiniteDifference.ExactStep<T>(point, direction, Accuracy.CentralDifference(LossBound(c), m3).Step);
        var (plus, minus) = FiniteDifference.Points<T>(point, direction, h);
        var cp = c.With(weights: plus[..vv]);
        var cm = c.With(weights: minus[..vv]);
        var pb = plus[vv..];
        var mb = minus[vv..];
        double lp = Run(impl, cp, pb).Loss, lm = Run(impl, cm, mb).Loss;
        double eps = Math.Max(SequenceAccuracy.Loss<T>(c.Tokens, c.V, cp.WD, Fp<T>.ToDouble(pb), c.LambdaD),
                              SequenceAccuracy.Loss<T>(c.Tokens, c.V, cm.WD, Fp<T>.ToDouble(mb), c.LambdaD));
        return ((lp - lm) / (2 * h), h, FiniteDifference.Tolerance(h, eps, m3));
    }

    /// <summary>The implementation's bound plus the float64 expectation's.</summary>
    private static double LossBound(SequenceCase<T> c) =>
        SequenceAccuracy.Loss<T>(c.Tokens, c.V, c.WD, c.BD, c.LambdaD) + SequenceAccuracy.Loss<double>(c.Tokens, c.V, c.WD, c.BD, c.LambdaD);

    internal static (double[] Weights, double[] Bias) GradientBounds(SequenceCase<T> c)
    {
        var (w, b) = SequenceAccuracy.Gradients<T>(c.Tokens, c.V, c.WD, c.BD, c.LambdaD);
        var (wd, bd) = SequenceAccuracy.Gradients<double>(c.Tokens, c.V, c.WD, c.BD, c.LambdaD);
        return (Add(w, wd), Add(b, bd));
    }

    private static SequenceCase<T> Fixture(int[] tokens, double[] w, double[] b) =>
        new(tokens, b.Length, Fp<T>.From(w), Fp<T>.From(b), T.Zero, new double[w.Length], new double[b.Length], "fixture");

    /// <summary>x₀ followed by `steps` greedy predictions argmax W[x_{t−1}, :] (b = 0), in float64.</summary>
    private static int[] Greedy(double[] w, int v, int start, int steps)
    {
        var seq = new int[steps + 1];
        seq[0] = start;
        for (int t = 1; t <= steps; t++)
            seq[t] = Enumerable.Range(0, v).MaxBy(j => w[seq[t - 1] * v + j]);
        return seq;
    }

    /// <summary>(1/T)Σₜ L(e_{xₜ}, W[gₜ₋₁, :]) with contexts g from free-running generation instead of the gold tokens (b = 0), float64.</summary>
    private static double FreeRunningLoss(int[] tokens, double[] w, int v, int[] generated)
    {
        int steps = tokens.Length - 1;
        double sum = 0;
        for (int t = 1; t <= steps; t++)
        {
            var z = w.AsSpan(generated[t - 1] * v, v);
            sum -= SoftmaxAccuracy.ExactLogSoftmax(z)[tokens[t]];
        }
        return sum / steps;
    }

    private static double LayerLoss(ImplementationUnderTest impl, LayerCase<T> c, T[] x)
    {
        var gw = new T[c.M * c.N];
        var gb = new T[c.N];
        return Fp<T>.ToDouble(impl.As<ILinearLayer<T>>().LossAndGradients(x, c.W, c.B, c.Y, gw, gb));
    }

    /// <summary>
    /// E over all 2ᵐ inverted-dropout masks of the implementation's loss, with the slack Σ_mask P(mask)·B(x̃)
    /// of its evaluations plus the float64 summation.
    /// </summary>
    private static (double Expected, double Slack) ExpectedDropoutLoss(ImplementationUnderTest impl, LayerCase<T> c, double rho)
    {
        int m = c.M;
        double keep = 1 - rho, expected = 0, slack = 0, magnitude = 0;
        var x = new double[m];
        for (int mask = 0; mask < 1 << m; mask++)
        {
            double p = 1;
            for (int i = 0; i < m; i++)
            {
                bool kept = (mask >> i & 1) == 1;
                x[i] = kept ? c.XD[i] / keep : 0;
                p *= kept ? keep : rho;
            }
            double l = LayerLoss(impl, c, Fp<T>.From(x));
            double bound = LinearAccuracy.Loss<T>(x, c.WD, c.BD, c.YD);
            expected += p * l;
            slack += p * bound;
            var logits = LinearAccuracy.ExactLogits(x, c.WD, c.BD);
            var ls = SoftmaxAccuracy.ExactLogSoftmax(logits);
            double exact = 0;
            for (int j = 0; j < c.N; j++) if (c.YD[j] > 0) exact -= c.YD[j] * ls[j];
            magnitude += p * (Math.Abs(exact) + bound);
        }
        // float64 arithmetic: P(mask) (m products), the sum (2ᵐ terms) and the caller's subtraction of L(x) ≤ E + slack
        // (two more u): γ_{2ᵐ+m+3} times Σ P(mask)·|L̂(x̃)| ≤ Σ P(mask)(|L(x̃)| + B(x̃)), from exact values.
        return (expected, slack + Accuracy.Gamma((1 << m) + m + 3, Fp<double>.U) * magnitude);
    }

    internal static double[] Add(double[] a, double[] b) => a.Zip(b, (x, y) => x + y).ToArray();
}
