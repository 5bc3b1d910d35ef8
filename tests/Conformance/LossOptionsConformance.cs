using System.Numerics;
using LossConformance.Kit;
using Xunit.Abstractions;
using Ref = LossConformance.Reference;

namespace LossConformance.Conformance;

/// <summary>
/// spec/loss-options.md differentially: the options kernel against the reference's unfused computation
/// (<see cref="Ref.LossOptions"/>), against the plain batched kernel with the no-op options and with a cap so large it
/// is the identity within the bound (the limits ε = 0, λ_z = 0, c → ∞), and on closed-form known answers. Outputs start
/// filled with a sentinel, so an entry the kernel forgets to write shows.
/// </summary>
public abstract class LossOptionsConformance<T>(ITestOutputHelper output, params object[] implementations)
    : Suite<T>(output, implementations) where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>Both methods against the reference on the same inputs: tolerance the bound in T plus the reference's (float64).</summary>
    [ForEachImplementation, Spec("LOSSOPT-FUSED", "LOSSOPT-COMPOSE", "LOSSOPT-NONE", "ACC-LOSSOPT")]
    [Requires(typeof(IBatchedSoftmaxCrossEntropyWithOptions<>))]
    public void Options_kernel_equals_the_reference(string implementation) =>
        Check(implementation, LossOptionsCases<T>.Cases, AgreesWithTheReference);

    /// <summary>The same on batches a multithreaded kernel splits over its threads (<see cref="LossOptionsCases{T}.Large"/>).</summary>
    [ForEachImplementation, Spec("LOSSOPT-FUSED", "LOSSOPT-COMPOSE", "LOSSOPT-NONE", "ACC-LOSSOPT")]
    [Requires(typeof(IBatchedSoftmaxCrossEntropyWithOptions<>))]
    public void Options_kernel_equals_the_reference_on_batches_split_over_threads(string implementation) =>
        Check(implementation, LossOptionsCases<T>.Large, AgreesWithTheReference);

    private static Verdict AgreesWithTheReference(ImplementationUnderTest impl, LossOptionsCase<T> c)
        {
            var kernel = impl.As<IBatchedSoftmaxCrossEntropyWithOptions<T>>();
            var options64 = c.Values.To<double>();
            var g = Agreement.Filled<T>(c.Logits.Length, Agreement.Sentinel);
            var result = kernel.ForwardBackward(c.Logits, c.Classes, c.Targets, c.Options, c.Reduction, g);
            var rg = new double[c.Logits.Length];
            var reference = Ref.LossOptions.ForwardBackward(c.LogitsD, c.Classes, c.Targets, options64, c.Reduction, rg);
            var b = LossOptionsAccuracy.Reduced<T>(c.LogitsD, c.Classes, c.Targets, c.Values, c.Reduction);
            var b64 = LossOptionsAccuracy.Reduced<double>(c.LogitsD, c.Classes, c.Targets, c.Values, c.Reduction);

            var losses = Agreement.Filled<T>(c.Rows, Agreement.Sentinel);
            var gt = Agreement.Filled<T>(c.Logits.Length, Agreement.Sentinel);
            kernel.ForwardBackwardPerToken(c.Logits, c.Classes, c.Targets, c.Options, c.Upstream, losses, gt);
            var rl = new double[c.Rows];
            var rgt = new double[c.Logits.Length];
            Ref.LossOptions.ForwardBackwardPerToken(c.LogitsD, c.Classes, c.Targets, options64, c.UpstreamD, rl, rgt);
            var p = LossOptionsAccuracy.PerToken<T>(c.LogitsD, c.Classes, c.Targets, c.Values, c.UpstreamD);
            var p64 = LossOptionsAccuracy.PerToken<double>(c.LogitsD, c.Classes, c.Targets, c.Values, c.UpstreamD);

            return Agreement.Scalar<T>($"{c.Reduction} loss vs the reference", Fp<T>.ToDouble(result.Loss), reference.Loss, b.Loss + b64.Loss)
                 & Agreement.Scalar<T>($"{c.Reduction} z-loss part vs the reference", Fp<T>.ToDouble(result.ZLoss), reference.ZLoss, b.ZLoss + b64.ZLoss)
                 & Agreement.Vector<T>($"{c.Reduction} gradient vs the reference", Fp<T>.ToDouble(g), rg, Agreement.Plus(b.Gradient, b64.Gradient))
                 & Agreement.Vector<T>("per-token losses vs the reference", Fp<T>.ToDouble(losses), rl, Agreement.Plus(p.Losses, p64.Losses))
                 & Agreement.Vector<T>("per-token gradient vs the reference", Fp<T>.ToDouble(gt), rgt, Agreement.Plus(p.Gradient, p64.Gradient));
        }

    /// <summary>
    /// ε = 0, λ_z = 0, c = +∞, no weights (with the batch's ignore index) is the plain batched kernel: loss and gradient within
    /// both bounds, ZLoss exactly 0; and the same with c = 2²⁶·max|z|, which moves the loss by less than the bound (<c>ACC-LOSSOPT</c> 8).
    /// </summary>
    [ForEachImplementation, Spec("LOSSOPT-FUSED", "LOSSOPT-SMOOTH", "LOSSOPT-ZLOSS", "LOSSOPT-SOFTCAP", "ACC-LOSSOPT")]
    [Requires(typeof(IBatchedSoftmaxCrossEntropyWithOptions<>), typeof(IBatchedSoftmaxCrossEntropy<>))]
    public void No_op_options_and_a_huge_cap_equal_the_plain_batched_kernel(string implementation) =>
        Check(implementation, LossOptionsCases<T>.Cases, (impl, c) =>
        {
            // the case's batch, ignore index and reduction; its options are replaced by the no-op ones
            var plainGradient = Agreement.Filled<T>(c.Logits.Length, Agreement.Sentinel);
            double plain = Fp<T>.ToDouble(impl.As<IBatchedSoftmaxCrossEntropy<T>>()
                .ForwardBackward(c.Logits, c.Classes, c.Targets, c.IgnoreIndex, c.Reduction, plainGradient));
            double plainBound = GradientAccuracy.BatchedLoss<T>(c.LogitsD, c.Classes, c.Targets, c.IgnoreIndex, c.Reduction);
            var plainGradientBound = GradientAccuracy.BatchedGradient<T>(c.LogitsD, c.Classes, c.Targets, c.IgnoreIndex, c.Reduction);
            var none = OptionValues.None with { IgnoreIndex = c.IgnoreIndex };
            double cap = Math.ScaleB(1.0, 26 + Math.ILogB(Math.Max(1, Accuracy.MaxAbs(c.LogitsD))));
            var verdict = Verdict.That(true, "");
            foreach (var (values, label) in new[] { (none, "no-op options"), (none with { Cap = cap }, $"c = {Show.Number(cap)}") })
            {
                var g = Agreement.Filled<T>(c.Logits.Length, Agreement.Sentinel);
                var result = impl.As<IBatchedSoftmaxCrossEntropyWithOptions<T>>()
                    .ForwardBackward(c.Logits, c.Classes, c.Targets, values.To<T>(), c.Reduction, g);
                var b = LossOptionsAccuracy.Reduced<T>(c.LogitsD, c.Classes, c.Targets, values, c.Reduction);
                var (limit, limitGradient) = values.Capped
                    ? LossOptionsAccuracy.SoftCapLimit(c.LogitsD, c.Classes, c.Targets, none, cap, c.Reduction)
                    : (0, new double[c.Logits.Length]);
                verdict &= Verdict.That(Fp<T>.ToDouble(result.ZLoss) == 0, $"{label}: ZLoss = {Show.Number(Fp<T>.ToDouble(result.ZLoss))}, must be exactly 0")
                         & Agreement.Scalar<T>($"{c.Reduction} loss with {label} vs the plain kernel", Fp<T>.ToDouble(result.Loss), plain, b.Loss + plainBound + limit)
                         & Agreement.Vector<T>($"{c.Reduction} gradient with {label} vs the plain kernel", Fp<T>.ToDouble(g), Fp<T>.ToDouble(plainGradient),
                               Agreement.Plus(Agreement.Plus(b.Gradient, plainGradientBound), limitGradient));
            }
            return verdict;
        });

    /// <summary>
    /// Closed forms at zero logits (ŷ = 1/V, ℓ_c = ln V for every c): V = 4, targets (1, 2, ignored), w = (1, 2, 3, 4), ε = ½,
    /// λ_z = ¼. CEᵣ = ln 4·((1 − ε)w_t + (ε/V)·10) = ln 4·(2.25, 2.75), W_K = 5, so Mean = ln 4 + ¼(ln 4)² with z-loss part
    /// ¼(ln 4)² = Σλ(ln 4)²/N, N = 2 (not W_K); gradient row 0 = (σŷ − y)/5 + 2λ ln 4·ŷ/2, σ = 2.25, y = (⅛, 1¼, ⅜, ½) (row 1: (⅛, ¼, 1⅞, ½), σ = 2.75).
    /// </summary>
    [ForEachImplementation, Spec("LOSSOPT-COMPOSE", "LOSSOPT-WEIGHTED-MEAN", "LOSSOPT-ZLOSS", "LOSSOPT-SMOOTH", "LOSSOPT-WEIGHTS")]
    [Requires(typeof(IBatchedSoftmaxCrossEntropyWithOptions<>))]
    public void Known_answers_at_zero_logits(string implementation)
    {
        const int v = 4;
        int[] targets = [1, 2, -100];
        var logits = new double[3 * v];
        var values = new OptionValues(-100, 0.5, 0.25, double.PositiveInfinity, [1, 2, 3, 4]);
        double ln4 = Math.Log(4);
        foreach (var reduction in new[] { LossReduction.Mean, LossReduction.Sum })
            Expect(implementation, $"{reduction}", impl =>
            {
                var g = Agreement.Filled<T>(logits.Length, Agreement.Sentinel);
                var result = impl.As<IBatchedSoftmaxCrossEntropyWithOptions<T>>()
                    .ForwardBackward(Fp<T>.From(logits), v, targets, values.To<T>(), reduction, g);
                bool mean = reduction == LossReduction.Mean;
                double alpha = mean ? 1.0 / 5 : 1, beta = mean ? 0.5 : 1;
                double zPart = beta * 2 * 0.25 * ln4 * ln4;
                double loss = alpha * 5 * ln4 + zPart;
                var expected = new double[logits.Length];
                double[][] ys = [[0.125, 1.25, 0.375, 0.5], [0.125, 0.25, 1.875, 0.5]];
                double[] sigmas = [2.25, 2.75];
                for (int r = 0; r < 2; r++)
                    for (int j = 0; j < v; j++)
                        expected[r * v + j] = alpha * (sigmas[r] / v - ys[r][j]) + beta * 2 * 0.25 * ln4 / v;
                var b = LossOptionsAccuracy.Reduced<T>(logits, v, targets, values, reduction);
                var b64 = LossOptionsAccuracy.Reduced<double>(logits, v, targets, values, reduction);
                return Agreement.Scalar<T>($"{reduction} loss", Fp<T>.ToDouble(result.Loss), loss, b.Loss + b64.Loss)
                     & Agreement.Scalar<T>($"{reduction} z-loss part", Fp<T>.ToDouble(result.ZLoss), zPart, b.ZLoss + b64.ZLoss)
                     & Agreement.Vector<T>($"{reduction} gradient", Fp<T>.ToDouble(g), expected, Agreement.Plus(b.Gradient, b64.Gradient));
            });
    }
}
