using System.Numerics;
using LossConformance.Kit;
using Xunit.Abstractions;

namespace LossConformance.Properties;

/// <summary>
/// Laws of spec/softmax-cross-entropy.md (gradients of softmax-cross-entropy, binary cross-entropy, the
/// batched fused kernel) and <c>XENT-LOGITS</c>, on generated inputs.
/// </summary>
public abstract class SoftmaxCrossEntropyProperties<T>(ITestOutputHelper output, params object[] implementations)
    : Suite<T>(output, implementations) where T : unmanaged, IFloatingPointIeee754<T>
{
    // ---- XENT-LOGITS ----

    [ForEachImplementation, Spec("XENT-LOGITS"), Requires(typeof(ISoftmaxCrossEntropy<>))]
    public void Cross_entropy_from_logits_is_the_cross_entropy_of_the_softmax(string implementation) =>
        Check(implementation, Generate<T>.LogitsWithTarget, (impl, c) =>
        {
            // H(y, softmax z) with ln ŷᵢ taken as the exact log-softmax dᵢ − ln Σ exp dⱼ: the law is about
            // log-softmax, so the expected value stays finite where the exact ŷᵢ underflows float64.
            double loss = Fp<T>.ToDouble(impl.As<ISoftmaxCrossEntropy<T>>().CrossEntropyFromLogits(c.Y, c.Z));
            var l = SoftmaxAccuracy.ExactLogSoftmax(c.ZD);
            double expected = 0;
            for (int i = 0; i < c.N; i++) if (c.YD[i] > 0) expected -= c.YD[i] * l[i];
            return Verdict.That(double.IsFinite(loss), $"L = {Show.Number(loss)} (finite required for |z| ≤ 1e4)")
                 & Verdict.Within("L(y, z)", loss, expected,
                     Accuracy.CrossEntropyFromLogits<T>(c.YD, c.ZD) + Accuracy.CrossEntropyFromLogits<double>(c.YD, c.ZD));
        });

    [ForEachImplementation, Spec("XENT-LOGITS"), Requires(typeof(ISoftmaxCrossEntropy<>))]
    public void Cross_entropy_from_logits_is_finite_where_the_target_probability_underflows(string implementation)
    {
        // Target at the smallest logit: ŷ_t underflows (e^{−2e4}, e^{−200} in float, e^{−800} in double),
        // so −ln of the computed probability is +∞, while L = 2e4, 200, 800 (+ ln(1 + e^{−|gap|}) ≈ 0).
        foreach (var (z, expected) in new[] { (new[] { 1e4, -1e4 }, 2e4), (new[] { 0.0, -200 }, 200.0), (new[] { 0.0, -800 }, 800.0) })
            Expect(implementation, $"z = ({Show.Number(z[0])}, {Show.Number(z[1])}), y = e₁", impl =>
            {
                double[] y = [0, 1];
                double loss = Fp<T>.ToDouble(impl.As<ISoftmaxCrossEntropy<T>>().CrossEntropyFromLogits(Fp<T>.From(y), Fp<T>.From(z)));
                return Verdict.Within("L", loss, expected, Accuracy.CrossEntropyFromLogits<T>(y, z) + Accuracy.CrossEntropyFromLogits<double>(y, z));
            });
    }

    // ---- GRAD-PROB ----

    [ForEachImplementation, Spec("GRAD-PROB"), Requires(typeof(ISoftmaxCrossEntropy<>))]
    public void Probability_gradient_is_minus_target_over_probability(string implementation) =>
        Check(implementation, Generate<T>.DistributionPairs, (impl, c) =>
        {
            var g = new T[c.N];
            impl.As<ISoftmaxCrossEntropy<T>>().CrossEntropyProbabilityGradient(c.P, c.Q, g);
            var expected = new double[c.N];
            for (int i = 0; i < c.N; i++)
            {
                double e = c.PD[i] == 0 ? 0 : -c.PD[i] / c.QD[i];
                // Beyond T's range the correctly rounded quotient is −∞ (q subnormal): compare with that.
                expected[i] = Math.Abs(e) > Fp<T>.MaxValue ? Fp<T>.ToDouble(Fp<T>.From(e)) : e;
            }
            return Verdict.AllWithin("∂L/∂ŷ", Fp<T>.ToDouble(g), expected,
                Add(GradientAccuracy.ProbabilityGradient<T>(c.PD, c.QD), GradientAccuracy.ProbabilityGradient<double>(c.PD, c.QD)));
        });

    // ---- GRAD-LOGITS, GRAD-GENERAL, GRAD-SUM-ZERO ----

    [ForEachImplementation, Spec("GRAD-LOGITS"), Requires(typeof(ISoftmaxCrossEntropy<>))]
    public void Logit_gradient_is_probabilities_minus_target(string implementation) =>
        Check(implementation, GradientCases<T>.Normalised, (impl, c) =>
        {
            var g = LogitGradientOf(impl, c.Y, c.Z);
            var bound = Accuracy.LogitGradient<T>(c.YD, c.ZD);
            var verdict = Verdict.AllWithin("∂L/∂z vs (Σy)ŷ − y", g, Accuracy.LogitGradientExact(c.YD, c.ZD),
                Add(bound, Accuracy.LogitGradient<double>(c.YD, c.ZD)));
            if (!impl.Provides<ISoftmax<T>>()) return verdict;

            // Against the implementation's own softmax: both ĝ and ŷ̂ are within their bounds of the exact values.
            var y = new T[c.N];
            impl.As<ISoftmax<T>>().Softmax(c.Z, y);
            var own = Fp<T>.ToDouble(y);
            var b = Accuracy.Softmax<T>(c.ZD);
            var yhat = Accuracy.SoftmaxExact(c.ZD);
            double mass = c.Mass;
            var expected = new double[c.N];
            var tol = new double[c.N];
            for (int i = 0; i < c.N; i++)
            {
                expected[i] = mass * own[i] - c.YD[i];
                tol[i] = bound[i] + mass * b[i] + Accuracy.Gamma(2, Fp<double>.U) * (mass * (yhat[i] + b[i]) + c.YD[i]);
            }
            return verdict & Verdict.AllWithin("∂L/∂z vs the implementation's softmax ŷ̂ − y", g, expected, tol);
        });

    [ForEachImplementation, Spec("GRAD-LOGITS"), Requires(typeof(ISoftmaxCrossEntropy<>))]
    public void Logit_gradient_matches_central_differences_of_the_loss(string implementation) =>
        Check(implementation, GradientCases<T>.Normalised, (impl, c) =>
        {
            var (fd, h, tolerance) = CentralDifference(impl, c);
            var g = LogitGradientOf(impl, c.Y, c.Z);
            var (gd, gdAbs, gdBound) = FiniteDifference.Directional(g, c.D, Accuracy.LogitGradient<T>(c.YD, c.ZD), Accuracy.LogitGradientExact(c.YD, c.ZD));
            return Verdict.Within($"(L(z + hd) − L(z − hd))/2h vs ∇L·d (h = {Show.Number(h)})", fd, gd,
                tolerance + gdBound + Accuracy.Gamma(c.N, Fp<double>.U) * gdAbs);
        });


    [ForEachImplementation, Spec("GRAD-GENERAL"), Requires(typeof(ISoftmaxCrossEntropy<>))]
    public void Logit_gradient_for_any_nonnegative_weights_is_mass_times_probabilities_minus_weights(string implementation) =>
        Check(implementation, GradientCases<T>.Weighted, (impl, c) =>
        {
            var g = LogitGradientOf(impl, c.Y, c.Z);
            double loss = Fp<T>.ToDouble(impl.As<ISoftmaxCrossEntropy<T>>().CrossEntropyFromLogits(c.Y, c.Z));
            var l = SoftmaxAccuracy.ExactLogSoftmax(c.ZD);
            double expectedLoss = 0;
            for (int i = 0; i < c.N; i++) if (c.YD[i] > 0) expectedLoss -= c.YD[i] * l[i];   // (Σy)·lse(z) − yᵀz
            return Verdict.AllWithin("∂L/∂z vs (Σy)ŷ − y", g, Accuracy.LogitGradientExact(c.YD, c.ZD),
                       Add(Accuracy.LogitGradient<T>(c.YD, c.ZD), Accuracy.LogitGradient<double>(c.YD, c.ZD)))
                 & Verdict.Within("L(y, z) vs (Σy)·lse(z) − yᵀz", loss, expectedLoss,
                       Accuracy.CrossEntropyFromLogits<T>(c.YD, c.ZD) + Accuracy.CrossEntropyFromLogits<double>(c.YD, c.ZD));
        });

    [ForEachImplementation, Spec("GRAD-SUM-ZERO"), Requires(typeof(ISoftmaxCrossEntropy<>))]
    public void Logit_gradient_sums_to_zero(string implementation) =>
        Check(implementation, GradientCases<T>.Normalised, (impl, c) => SumsToZero(impl, c));

    [ForEachImplementation, Spec("GRAD-SUM-ZERO"), Requires(typeof(ISoftmaxCrossEntropy<>))]
    public void Logit_gradient_sums_to_zero_for_any_nonnegative_weights(string implementation) =>
        Check(implementation, GradientCases<T>.Weighted, (impl, c) => SumsToZero(impl, c));

    private static Verdict SumsToZero(ImplementationUnderTest impl, TargetDirectionCase<T> c)
    {
        var g = LogitGradientOf(impl, c.Y, c.Z);
        var bound = Accuracy.LogitGradient<T>(c.YD, c.ZD);
        // Σᵢ((Σy)ŷᵢ − yᵢ) = 0 exactly; checked with every entry's bound and the float64 summation of
        // Σ|ĝᵢ| ≤ Σ(|gᵢ| + Gᵢ) (exact values, so that a non-finite ĝ cannot widen its own slack).
        return Verdict.Within("Σᵢ ∂L/∂zᵢ", g.Sum(), 0,
            bound.Sum() + Accuracy.Gamma(c.N - 1, Fp<double>.U) * (Accuracy.LogitGradientExact(c.YD, c.ZD).Sum(Math.Abs) + bound.Sum()));
    }

    // ---- GRAD-BINARY ----

    [ForEachImplementation, Spec("GRAD-BINARY"), Requires(typeof(IBinaryCrossEntropy<>))]
    public void Binary_gradient_is_sigmoid_minus_target(string implementation) =>
        Check(implementation, GradientCases<T>.Binary, (impl, c) =>
        {
            var bce = impl.As<IBinaryCrossEntropy<T>>();
            double loss = Fp<T>.ToDouble(bce.BinaryCrossEntropyWithLogit(c.Z, c.Y));
            double g = Fp<T>.ToDouble(bce.BinaryCrossEntropyLogitGradient(c.Z, c.Y));
            double lossBound = GradientAccuracy.BinaryLoss<T>(c.ZD, c.YD) + GradientAccuracy.BinaryLoss<double>(c.ZD, c.YD);
            return Verdict.That(double.IsFinite(loss) && double.IsFinite(g), $"L = {Show.Number(loss)}, ∂L/∂z = {Show.Number(g)} (finite required)")
                 & Verdict.That(g >= -1 && g <= 1, $"∂L/∂z = {Show.Number(g)} ∈ [−1, 1]")
                 & Verdict.AtLeast("L", loss, -lossBound, lossBound)
                 & Verdict.Within("L vs max(z, 0) − yz + ln(1 + e^{−|z|})", loss, GradientAccuracy.BinaryCrossEntropy(c.ZD, c.YD), lossBound)
                 & Verdict.Within("∂L/∂z vs σ(z) − y", g, GradientAccuracy.Sigmoid(c.ZD) - c.YD,
                       GradientAccuracy.BinaryGradient<T>(c.ZD, c.YD) + GradientAccuracy.BinaryGradient<double>(c.ZD, c.YD));
        });

    [ForEachImplementation, Spec("GRAD-BINARY"), Requires(typeof(IBinaryCrossEntropy<>))]
    public void Binary_gradient_matches_central_differences_of_the_loss(string implementation) =>
        Check(implementation, GradientCases<T>.Binary, (impl, c) =>
        {
            var bce = impl.As<IBinaryCrossEntropy<T>>();
            double m3 = GradientAccuracy.BinaryThirdDerivative;
            double[] point = [c.ZD], direction = [1];
            double h = FiniteDifference.ExactStep<T>(point, direction,
                Accuracy.CentralDifference(GradientAccuracy.BinaryLoss<T>(c.ZD, c.YD), m3).Step);
            var (plus, minus) = FiniteDifference.Points<T>(point, direction, h);
            double eps = Math.Max(GradientAccuracy.BinaryLoss<T>(c.ZD + h, c.YD), GradientAccuracy.BinaryLoss<T>(c.ZD - h, c.YD));
            double fd = (Fp<T>.ToDouble(bce.BinaryCrossEntropyWithLogit(plus[0], c.Y)) - Fp<T>.ToDouble(bce.BinaryCrossEntropyWithLogit(minus[0], c.Y))) / (2 * h);
            double g = Fp<T>.ToDouble(bce.BinaryCrossEntropyLogitGradient(c.Z, c.Y));
            return Verdict.Within($"(L(z + h) − L(z − h))/2h vs ∂L/∂z (h = {Show.Number(h)})", fd, g,
                FiniteDifference.Tolerance(h, eps, m3) + GradientAccuracy.BinaryGradient<T>(c.ZD, c.YD));
        });

    [ForEachImplementation, Spec("GRAD-BINARY"), Requires(typeof(IBinaryCrossEntropy<>))]
    public void Binary_cross_entropy_is_finite_at_logits_of_1e4(string implementation)
    {
        // σ(±1e4) rounds to 1 or 0: ln σ or ln(1 − σ) of it would be −∞.
        foreach (var (z, y, loss, gradient) in new[] { (1e4, 0.0, 1e4, 1.0), (-1e4, 1.0, 1e4, -1.0), (1e4, 1.0, 0.0, 0.0), (-1e4, 0.0, 0.0, 0.0), (1e4, 0.5, 5e3, 0.5) })
            Expect(implementation, $"z = {Show.Number(z)}, y = {Show.Number(y)}", impl =>
            {
                var bce = impl.As<IBinaryCrossEntropy<T>>();
                double l = Fp<T>.ToDouble(bce.BinaryCrossEntropyWithLogit(Fp<T>.From(z), Fp<T>.From(y)));
                double g = Fp<T>.ToDouble(bce.BinaryCrossEntropyLogitGradient(Fp<T>.From(z), Fp<T>.From(y)));
                return Verdict.Within("L", l, loss, GradientAccuracy.BinaryLoss<T>(z, y) + GradientAccuracy.BinaryLoss<double>(z, y))
                     & Verdict.Within("∂L/∂z", g, gradient, GradientAccuracy.BinaryGradient<T>(z, y) + GradientAccuracy.BinaryGradient<double>(z, y));
            });
    }

    // ---- GRAD-MEAN, GRAD-IGNORE, GRAD-ALL-IGNORED, GRAD-FUSED ----

    [ForEachImplementation, Spec("GRAD-MEAN"), Requires(typeof(IBatchedSoftmaxCrossEntropy<>))]
    public void Batched_mean_divides_by_the_number_of_counted_rows(string implementation) =>
        Check(implementation, BatchCases<T>.Counted, (impl, c) =>
            Verdict.All(new[] { LossReduction.Mean, LossReduction.Sum }.Select(reduction =>
            {
                var (loss, g) = ForwardBackward(impl, c, reduction);
                var (expectedLoss, expectedGradient) = ExactBatch(c, reduction);
                return Verdict.Within($"{reduction} loss (N = {c.Counted} of {c.Rows} rows)", loss, expectedLoss,
                           GradientAccuracy.BatchedLoss<T>(c.LogitsD, c.Classes, c.Targets, c.IgnoreIndex, reduction)
                           + GradientAccuracy.BatchedLoss<double>(c.LogitsD, c.Classes, c.Targets, c.IgnoreIndex, reduction))
                     & Verdict.AllWithin($"{reduction} gradient", g, expectedGradient,
                           Add(GradientAccuracy.BatchedGradient<T>(c.LogitsD, c.Classes, c.Targets, c.IgnoreIndex, reduction),
                               GradientAccuracy.BatchedGradient<double>(c.LogitsD, c.Classes, c.Targets, c.IgnoreIndex, reduction)));
            })));

    [ForEachImplementation, Spec("GRAD-IGNORE"), Requires(typeof(IBatchedSoftmaxCrossEntropy<>))]
    public void Ignored_rows_contribute_nothing(string implementation) =>
        Check(implementation, BatchCases<T>.Batches, (impl, c) =>
            Verdict.All(new[] { LossReduction.Mean, LossReduction.Sum }.Select(reduction =>
            {
                var (loss, g) = ForwardBackward(impl, c, reduction);
                int nonzero = Enumerable.Range(0, c.Rows).Where(c.IsIgnored)
                    .SelectMany(r => Enumerable.Range(r * c.Classes, c.Classes)).FirstOrDefault(k => g[k] != 0, -1);
                var verdict = Verdict.That(nonzero < 0, nonzero < 0 ? "ignored rows have gradient 0"
                    : $"{reduction}: gradient[{nonzero}] (row {nonzero / c.Classes}, ignored) = {Show.Number(g[nonzero])}, must be 0");
                if (c.WithoutIgnoredRows() is not { } kept) return verdict;

                // Against the batch with the ignored rows deleted: same loss, same gradient rows.
                var (keptLoss, keptGradient) = ForwardBackward(impl, kept, reduction);
                double lossSlack = 2 * GradientAccuracy.BatchedLoss<T>(kept.LogitsD, kept.Classes, kept.Targets, kept.IgnoreIndex, reduction);
                var gradientSlack = Scale(GradientAccuracy.BatchedGradient<T>(kept.LogitsD, kept.Classes, kept.Targets, kept.IgnoreIndex, reduction), 2);
                var counted = Enumerable.Range(0, c.Rows).Where(r => !c.IsIgnored(r))
                    .SelectMany(r => g.Skip(r * c.Classes).Take(c.Classes)).ToArray();
                return verdict
                     & Verdict.Within($"{reduction} loss vs the batch without its {c.Rows - c.Counted} ignored rows", loss, keptLoss, lossSlack)
                     & Verdict.AllWithin($"{reduction} gradient of counted rows vs the batch without ignored rows", counted, keptGradient, gradientSlack);
            })));

    [ForEachImplementation, Spec("GRAD-ALL-IGNORED"), Requires(typeof(IBatchedSoftmaxCrossEntropy<>))]
    public void All_ignored_batches_give_loss_zero_and_gradient_zero(string implementation) =>
        Check(implementation, BatchCases<T>.AllIgnored, (impl, c) =>
            Verdict.All(new[] { LossReduction.Mean, LossReduction.Sum }.Select(reduction =>
            {
                var (loss, g) = ForwardBackward(impl, c, reduction);
                int nonzero = Array.FindIndex(g, v => v != 0);
                return Verdict.That(loss == 0, $"{reduction} loss = {Show.Number(loss)}, must be 0 (no 0/0)")
                     & Verdict.That(nonzero < 0, nonzero < 0 ? "gradient 0" : $"{reduction} gradient[{nonzero}] = {Show.Number(g[nonzero])}, must be 0");
            })));

    [ForEachImplementation, Spec("GRAD-FUSED"), Requires(typeof(IBatchedSoftmaxCrossEntropy<>), typeof(ISoftmaxCrossEntropy<>))]
    public void Fused_kernel_equals_its_decomposition(string implementation) =>
        Check(implementation, BatchCases<T>.Batches, (impl, c) =>
            Verdict.All(new[] { LossReduction.Mean, LossReduction.Sum }.Select(reduction =>
            {
                var (loss, g) = ForwardBackward(impl, c, reduction);
                var sce = impl.As<ISoftmaxCrossEntropy<T>>();
                int n = c.Counted;
                double scale = reduction == LossReduction.Mean && n > 0 ? 1.0 / n : 1;
                double sum = 0;
                var expected = new double[c.LogitsD.Length];
                var rowGradient = new T[c.Classes];
                for (int r = 0; r < c.Rows; r++)
                {
                    if (c.IsIgnored(r)) continue;
                    var y = Fp<T>.From(GradientAccuracy.OneHot(c.Classes, c.Targets[r]));
                    var z = c.Logits.AsSpan(r * c.Classes, c.Classes);
                    sum += Fp<T>.ToDouble(sce.CrossEntropyFromLogits(y, z));
                    sce.CrossEntropyLogitGradient(y, z, rowGradient);
                    for (int i = 0; i < c.Classes; i++) expected[r * c.Classes + i] = Fp<T>.ToDouble(rowGradient[i]) * scale;
                }
                // Each side is within the batched bound of the exact values (the decomposition's reduction
                // runs in float64, inside the same bound).
                return Verdict.Within($"{reduction} fused loss vs Σ CrossEntropyFromLogits{(reduction == LossReduction.Mean ? $" / {n}" : "")}",
                           loss, sum * scale, 2 * GradientAccuracy.BatchedLoss<T>(c.LogitsD, c.Classes, c.Targets, c.IgnoreIndex, reduction))
                     & Verdict.AllWithin($"{reduction} fused gradient vs CrossEntropyLogitGradient per row",
                           g, expected, Scale(GradientAccuracy.BatchedGradient<T>(c.LogitsD, c.Classes, c.Targets, c.IgnoreIndex, reduction), 2));
            })));

    // ---- helpers ----

    /// <summary>(L(z + hd) − L(z − hd))/2h of the implementation's loss at exact points, the step h, and its <c>ACC-FD</c> tolerance.</summary>
    internal static (double Fd, double H, double Tolerance) CentralDifference(ImplementationUnderTest impl, TargetDirectionCase<T> c)
    {
        var sce = impl.As<ISoftmaxCrossEntropy<T>>();
        double m3 = Accuracy.SoftmaxThirdDerivative(c.D, c.Mass);
        double h = FiniteDifference.ExactStep<T>(c.ZD, c.D,
            Accuracy.CentralDifference(Accuracy.CrossEntropyFromLogits<T>(c.YD, c.ZD), m3).Step);
        var (plus, minus) = FiniteDifference.Points<T>(c.ZD, c.D, h);
        double eps = Math.Max(Accuracy.CrossEntropyFromLogits<T>(c.YD, Fp<T>.ToDouble(plus)),
                              Accuracy.CrossEntropyFromLogits<T>(c.YD, Fp<T>.ToDouble(minus)));
        double fd = (Fp<T>.ToDouble(sce.CrossEntropyFromLogits(c.Y, plus)) - Fp<T>.ToDouble(sce.CrossEntropyFromLogits(c.Y, minus))) / (2 * h);
        return (fd, h, FiniteDifference.Tolerance(h, eps, m3));
    }

    internal static double[] LogitGradientOf(ImplementationUnderTest impl, T[] y, T[] z)
    {
        var g = new T[z.Length];
        impl.As<ISoftmaxCrossEntropy<T>>().CrossEntropyLogitGradient(y, z, g);
        return Fp<T>.ToDouble(g);
    }

    /// <summary>Runs the fused kernel with a gradient buffer pre-filled with NaN, so that rows it does not write show.</summary>
    private static (double Loss, double[] Gradient) ForwardBackward(ImplementationUnderTest impl, BatchCase<T> c, LossReduction reduction)
    {
        var g = new T[c.Logits.Length];
        Array.Fill(g, T.NaN);
        double loss = Fp<T>.ToDouble(impl.As<IBatchedSoftmaxCrossEntropy<T>>().ForwardBackward(c.Logits, c.Classes, c.Targets, c.IgnoreIndex, reduction, g));
        return (loss, Fp<T>.ToDouble(g));
    }

    /// <summary>L = (1/N)Σ_{r∈K}(lse(zᵣ) − z_{r,tᵣ}) (Mean) or the sum, gradient rows (ŷᵣ − e_{tᵣ})/N or ŷᵣ − e_{tᵣ}, 0 for ignored rows; float64.</summary>
    private static (double Loss, double[] Gradient) ExactBatch(BatchCase<T> c, LossReduction reduction)
    {
        int n = c.Counted;
        double scale = reduction == LossReduction.Mean && n > 0 ? 1.0 / n : 1;
        double loss = 0;
        var g = new double[c.LogitsD.Length];
        for (int r = 0; r < c.Rows; r++)
        {
            if (c.IsIgnored(r)) continue;
            var z = c.Row(r);
            int t = c.Targets[r];
            loss -= SoftmaxAccuracy.ExactLogSoftmax(z)[t];
            var yhat = Accuracy.SoftmaxExact(z);
            for (int i = 0; i < c.Classes; i++) g[r * c.Classes + i] = (yhat[i] - (i == t ? 1 : 0)) * scale;
        }
        return (loss * scale, g);
    }

    internal static double[] Add(double[] a, double[] b) => a.Zip(b, (x, y) => x + y).ToArray();

    internal static double[] Scale(double[] a, double f) => a.Select(x => x * f).ToArray();
}
