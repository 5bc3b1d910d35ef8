using System.Numerics;
using LossConformance.Kit;
using Xunit.Abstractions;

namespace LossConformance.Conformance;

/// <summary>
/// Named hard cases with answers known in closed form (ONNX style: each case is named for what is
/// hard about it). Expected values are computed analytically in double, never by the reference;
/// the tolerance is the implementation's accuracy bound for T plus the rounding of the closed
/// form in double (<see cref="Accuracy.ClosedForm"/>). Output spans start filled with a
/// sentinel, so an entry left unwritten shows.
/// </summary>
public abstract class HardCaseConformance<T>(ITestOutputHelper output, params object[] implementations)
    : Suite<T>(output, implementations) where T : unmanaged, IFloatingPointIeee754<T>
{
    private static readonly double Ln2 = Math.Log(2);

    /// <summary>The smallest positive weight the generators use: 1e-300 (double), 1e-38 (float), as held in T.</summary>
    private static readonly double Tiny = Fp<T>.ToDouble(Fp<T>.From(Generate<T>.Tiny));

    /// <summary>The smallest positive (subnormal) number of T: 4.9e-324 (double), 1.4e-45 (float).</summary>
    private static readonly double Smallest = Fp<T>.ToDouble(T.Epsilon);

    private static double[] Repeat(double value, int n) => Enumerable.Repeat(value, n).ToArray();

    /// <summary>Logit vectors, each hard in its own way, with ŷ, ln ŷ and logsumexp in closed form.</summary>
    private static readonly (string Name, double[] Z, double[] Softmax, double[] LogSoftmax, double LogSumExp)[] Logits =
    [
        ("uniform logits (n = 5, all 7.25): ŷ = 1/5", Repeat(7.25, 5), Repeat(0.2, 5), Repeat(-Math.Log(5), 5), 7.25 + Math.Log(5)),
        ("uniform logits at 1e4 (n = 4096): exp(1e4) overflows unless shifted", Repeat(1e4, 4096), Repeat(1.0 / 4096, 4096), Repeat(-12 * Ln2, 4096), 1e4 + 12 * Ln2),
        ("two equal maxima [3, 3, −1e4]", [3, 3, -1e4], [0.5, 0.5, 0], [-Ln2, -Ln2, -1e4 - 3 - Ln2], 3 + Ln2),
        ("huge logits [1e4, −1e4]: ŷ = [1, 0]", [1e4, -1e4], [1, 0], [0, -2e4], 1e4),
        ("single class [−7.5]: ŷ = [1]", [-7.5], [1], [0], -7.5),
        ("logits at ±1e4 with a tie [1e4, −1e4, 1e4]", [1e4, -1e4, 1e4], [0.5, 0, 0.5], [-Ln2, -2e4 - Ln2, -Ln2], 1e4 + Ln2),
    ];

    [ForEachImplementation, Spec("SMAX-DEF", "SMAX-LARGE", "ACC-SOFTMAX"), Requires(typeof(ISoftmax<>))]
    public void Softmax_of_hard_logits(string implementation)
    {
        foreach (var (name, z, softmax, _, _) in Logits)
            Expect(implementation, name, impl =>
            {
                var y = Agreement.Filled<T>(z.Length, Agreement.Sentinel);
                impl.As<ISoftmax<T>>().Softmax(Fp<T>.From(z), y);
                return Near("ŷ", y, softmax, Accuracy.Softmax<T>(z));
            });
    }

    [ForEachImplementation, Spec("SMAX-LOG", "SMAX-LARGE", "ACC-SOFTMAX"), Requires(typeof(ISoftmax<>))]
    public void Log_softmax_and_log_sum_exp_of_hard_logits(string implementation)
    {
        foreach (var (name, z, _, logSoftmax, lse) in Logits)
            Expect(implementation, name, impl =>
            {
                var l = Agreement.Filled<T>(z.Length, Agreement.Sentinel);
                impl.As<ISoftmax<T>>().LogSoftmax(Fp<T>.From(z), l);
                T s = impl.As<ISoftmax<T>>().LogSumExp(Fp<T>.From(z));
                return Near("ln ŷ", l, logSoftmax, Accuracy.LogSoftmax<T>(z))
                     & Near("logsumexp(z)", s, lse, Accuracy.LogSumExpBound<T>(z));
            });
    }

    /// <summary>(name, logits, target, CE, ∂L/∂z).</summary>
    private static readonly (string Name, double[] Z, double[] Y, double Loss, double[] Gradient)[] Targets =
    [
        ("uniform logits (n = 5), one-hot at 2: CE = ln 5", Repeat(7.25, 5), [0, 0, 1, 0, 0], Math.Log(5), [0.2, 0.2, -0.8, 0.2, 0.2]),
        ("two equal maxima [3, 3, −1e4], target 0: CE = ln 2", [3, 3, -1e4], [1, 0, 0], Ln2, [-0.5, 0.5, 0]),
        ("huge logits [1e4, −1e4], target 1: CE = 2e4 (exact in float too)", [1e4, -1e4], [0, 1], 2e4, [1, -1]),
        ("huge logits [1e4, −1e4], target 0: CE = 0", [1e4, -1e4], [1, 0], 0, [0, 0]),
        ("huge logits [1e4, −1e4], soft target [½, ½]: CE = 1e4", [1e4, -1e4], [0.5, 0.5], 1e4, [0.5, -0.5]),
        ("single class [−7.5]: CE = 0, gradient 0", [-7.5], [1], 0, [0]),
        ("logits at ±1e4 with a soft target [¼, ½, ¼]: CE = 1e4 + ln 2", [1e4, -1e4, 1e4], [0.25, 0.5, 0.25], 1e4 + Ln2, [0.25, -0.5, 0.25]),
    ];

    [ForEachImplementation, Spec("XENT-LOGITS", "SMAX-LARGE", "ACC-XENT-LOGITS"), Requires(typeof(ISoftmaxCrossEntropy<>))]
    public void Cross_entropy_from_hard_logits(string implementation)
    {
        foreach (var (name, z, y, loss, _) in Targets)
            Expect(implementation, name, impl =>
                Near("CE(y, softmax z)", impl.As<ISoftmaxCrossEntropy<T>>().CrossEntropyFromLogits(Fp<T>.From(y), Fp<T>.From(z)), loss,
                     Accuracy.CrossEntropyFromLogits<T>(y, z)));
    }

    [ForEachImplementation, Spec("GRAD-LOGITS", "SMAX-LARGE", "ACC-XENT-LOGITS"), Requires(typeof(ISoftmaxCrossEntropy<>))]
    public void Logit_gradient_at_hard_logits(string implementation)
    {
        foreach (var (name, z, y, _, gradient) in Targets)
            Expect(implementation, name, impl =>
            {
                var g = Agreement.Filled<T>(z.Length, Agreement.Sentinel);
                impl.As<ISoftmaxCrossEntropy<T>>().CrossEntropyLogitGradient(Fp<T>.From(y), Fp<T>.From(z), g);
                return Near("ŷ − y", g, gradient, Accuracy.LogitGradient<T>(y, z));
            });
    }

    [ForEachImplementation, Spec("SMAX-JACOBIAN", "ACC-SOFTMAX"), Requires(typeof(ISoftmaxJacobian<>))]
    public void Jacobian_at_hard_logits(string implementation)
    {
        (string, double[], double[])[] cases =
        [
            ("single class [−7.5]: J = [0]", [-7.5], [0]),
            ("huge logits [1e4, −1e4]: J = 0 (ŷ(1 − ŷ) = e^−2e4 underflows)", [1e4, -1e4], [0, 0, 0, 0]),
            ("two equal maxima [3, 3, −1e4]", [3, 3, -1e4], [0.25, -0.25, 0, -0.25, 0.25, 0, 0, 0, 0]),
            ("uniform logits (n = 4): diagonal 3/16, off-diagonal −1/16", [2, 2, 2, 2],
                [3 / 16.0, -1 / 16.0, -1 / 16.0, -1 / 16.0, -1 / 16.0, 3 / 16.0, -1 / 16.0, -1 / 16.0,
                 -1 / 16.0, -1 / 16.0, 3 / 16.0, -1 / 16.0, -1 / 16.0, -1 / 16.0, -1 / 16.0, 3 / 16.0]),
        ];
        foreach (var (name, z, jacobian) in cases)
            Expect(implementation, name, impl =>
            {
                var j = Agreement.Filled<T>(z.Length * z.Length, Agreement.Sentinel);
                impl.As<ISoftmaxJacobian<T>>().SoftmaxJacobian(Fp<T>.From(z), j);
                return Near("J", j, jacobian, SoftmaxAccuracy.Jacobian<T>(z));
            });
    }

    [ForEachImplementation, Spec("GRAD-PROB", "ACC-MODEL"), Requires(typeof(ISoftmaxCrossEntropy<>))]
    public void Probability_gradient_at_hard_probabilities(string implementation)
    {
        (string, double[], double[], double[])[] cases =
        [
            ("one-hot y, uniform ŷ (n = 8): −8 at the target", [0, 0, 0, 1, 0, 0, 0, 0], Repeat(0.125, 8), [0, 0, 0, -8, 0, 0, 0, 0]),
            ("ŷ = 0 where y = 0: 0, not 0/0", [0.5, 0.5, 0], [0.5, 0.5, 0], [-1, -1, 0]),
            ("tiny ŷ under positive y: −y/ŷ is huge but finite", [0.5, 0.5], [1, Tiny], [-0.5, -0.5 / Tiny]),
        ];
        foreach (var (name, y, q, gradient) in cases)
            Expect(implementation, name, impl =>
            {
                var g = Agreement.Filled<T>(y.Length, Agreement.Sentinel);
                impl.As<ISoftmaxCrossEntropy<T>>().CrossEntropyProbabilityGradient(Fp<T>.From(y), Fp<T>.From(q), g);
                return Near("−y/ŷ", g, gradient, GradientAccuracy.ProbabilityGradient<T>(y, q));
            });
    }

    [ForEachImplementation, Spec("ENT-DEF", "ACC-ENTROPY", "ACC-SUM"), Requires(typeof(IEntropy<>))]
    public void Entropy_of_hard_distributions(string implementation)
    {
        (string, double[], double)[] cases =
        [
            ("single class [1]: H = 0", [1], 0),
            ("one-hot (n = 8): H = 0 (0·ln 0 = 0)", [0, 0, 0, 0, 0, 1, 0, 0], 0),
            ("uniform n = 4096: H = ln 4096 (a long sum)", Repeat(1.0 / 4096, 4096), 12 * Ln2),
            ("p with a zero [½, ½, 0]: H = ln 2", [0.5, 0.5, 0], Ln2),
            ("one tiny entry [1, t]: H = −t ln t", [1, Tiny], -Tiny * Math.Log(Tiny)),
        ];
        foreach (var (name, p, h) in cases)
            Expect(implementation, name, impl => Near("H(p)", impl.As<IEntropy<T>>().Entropy(Fp<T>.From(p)), h, Accuracy.Entropy<T>(p)));
    }

    /// <summary>(name, p, q, H(p, q), D(p‖q)).</summary>
    private static readonly (string Name, double[] P, double[] Q, double CrossEntropy, double Kl)[] Pairs =
    [
        ("single class p = q = [1]: 0", [1], [1], 0, 0),
        ("one-hot p, uniform q (n = 8): ln 8", [0, 0, 1, 0, 0, 0, 0, 0], Repeat(0.125, 8), 3 * Ln2, 3 * Ln2),
        ("p with zeros, q tiny where p is 0: finite", [0.5, 0.5, 0], [0.5, 0.5, Tiny], Ln2, 0),
        ("q tiny where p > 0: huge but finite", [0.5, 0.5], [1, Tiny], -0.5 * Math.Log(Tiny), -Ln2 - 0.5 * Math.Log(Tiny)),
        ("q the smallest subnormal where p = ½: pᵢ/qᵢ overflows, yet both are finite", [0.5, 0.5], [1, Smallest],
            -0.5 * Math.Log(Smallest), -Ln2 - 0.5 * Math.Log(Smallest)),
        ("support gap p = [½, ½], q = [1, 0]: +∞", [0.5, 0.5], [1, 0], double.PositiveInfinity, double.PositiveInfinity),
        ("the gap reversed p = [1, 0], q = [½, ½]: finite", [1, 0], [0.5, 0.5], Ln2, Ln2),
    ];

    [ForEachImplementation, Spec("XENT-DEF", "XENT-SUPPORT", "ACC-ENTROPY"), Requires(typeof(ICrossEntropy<>))]
    public void Cross_entropy_of_hard_distributions(string implementation)
    {
        foreach (var (name, p, q, h, _) in Pairs)
            Expect(implementation, name, impl =>
                Near("H(p, q)", impl.As<ICrossEntropy<T>>().CrossEntropy(Fp<T>.From(p), Fp<T>.From(q)), h, Accuracy.CrossEntropy<T>(p, q)));
    }

    [ForEachImplementation, Spec("KL-DEF", "KL-SUPPORT", "ACC-ENTROPY"), Requires(typeof(IKlDivergence<>))]
    public void Kl_divergence_of_hard_distributions(string implementation)
    {
        foreach (var (name, p, q, _, d) in Pairs)
            Expect(implementation, name, impl =>
                Near("D(p‖q)", impl.As<IKlDivergence<T>>().KlDivergence(Fp<T>.From(p), Fp<T>.From(q)), d, Accuracy.Kl<T>(p, q)));
    }

    [ForEachImplementation, Spec("GRAD-BINARY", "ACC-XENT-LOGITS"), Requires(typeof(IBinaryCrossEntropy<>))]
    public void Binary_cross_entropy_at_saturated_logits(string implementation)
    {
        (string, double, double, double, double)[] cases =
        [
            ("z = 1e4, y = 1: L = 0, ∂L/∂z = 0", 1e4, 1, 0, 0),
            ("z = 1e4, y = 0: L = 1e4, ∂L/∂z = 1", 1e4, 0, 1e4, 1),
            ("z = −1e4, y = 1: L = 1e4 (ln σ(z) must not be ln 0), ∂L/∂z = −1", -1e4, 1, 1e4, -1),
            ("z = −1e4, y = 0: L = 0, ∂L/∂z = 0", -1e4, 0, 0, 0),
            ("z = 1e4, y = ½: L = 5e3, ∂L/∂z = ½", 1e4, 0.5, 5e3, 0.5),
            ("z = 0, y = 1: L = ln 2, ∂L/∂z = −½", 0, 1, Ln2, -0.5),
        ];
        foreach (var (name, z, y, loss, gradient) in cases)
            Expect(implementation, name, impl =>
            {
                var bce = impl.As<IBinaryCrossEntropy<T>>();
                return Near("L", bce.BinaryCrossEntropyWithLogit(Fp<T>.From(z), Fp<T>.From(y)), loss, GradientAccuracy.BinaryLoss<T>(z, y))
                     & Near("∂L/∂z", bce.BinaryCrossEntropyLogitGradient(Fp<T>.From(z), Fp<T>.From(y)), gradient, GradientAccuracy.BinaryGradient<T>(z, y));
            });
    }

    [ForEachImplementation, Spec("GRAD-MEAN", "GRAD-IGNORE", "GRAD-ALL-IGNORED", "ACC-XENT-LOGITS"), Requires(typeof(IBatchedSoftmaxCrossEntropy<>))]
    public void Batched_loss_of_hard_batches(string implementation)
    {
        const int ignore = -100;
        (string, double[], int, int[], LossReduction, double, double[])[] cases =
        [
            ("every row ignored, Mean: loss 0 and gradient 0 (no 0/0)", [1, 2, 3, 4, 5, 6], 3, [ignore, ignore], LossReduction.Mean, 0, [0, 0, 0, 0, 0, 0]),
            ("every row ignored, Sum: loss 0 and gradient 0", [1, 2, 3, 4, 5, 6], 3, [ignore, ignore], LossReduction.Sum, 0, [0, 0, 0, 0, 0, 0]),
            ("single class (classes = 1): loss 0, gradient 0", [5, -7], 1, [0, 0], LossReduction.Mean, 0, [0, 0]),
            ("huge logits, the other row ignored: Mean over 1 row = 2e4", [1e4, -1e4, -1e4, 1e4], 2, [1, ignore], LossReduction.Mean, 2e4, [1, -1, 0, 0]),
            ("uniform rows, Mean over the 2 counted of 3 rows: ln 4", [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0], 4, [0, ignore, 3], LossReduction.Mean,
                2 * Ln2, [-3 / 8.0, 1 / 8.0, 1 / 8.0, 1 / 8.0, 0, 0, 0, 0, 1 / 8.0, 1 / 8.0, 1 / 8.0, -3 / 8.0]),
            ("uniform rows, Sum over the 2 counted of 3 rows: 2 ln 4", [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0], 4, [0, ignore, 3], LossReduction.Sum,
                4 * Ln2, [-3 / 4.0, 1 / 4.0, 1 / 4.0, 1 / 4.0, 0, 0, 0, 0, 1 / 4.0, 1 / 4.0, 1 / 4.0, -3 / 4.0]),
        ];
        foreach (var (name, logits, classes, targets, reduction, loss, gradient) in cases)
            Expect(implementation, name, impl =>
            {
                var g = Agreement.Filled<T>(logits.Length, Agreement.Sentinel);
                T l = impl.As<IBatchedSoftmaxCrossEntropy<T>>().ForwardBackward(Fp<T>.From(logits), classes, targets, ignore, reduction, g);
                return Near("loss", l, loss, GradientAccuracy.BatchedLoss<T>(logits, classes, targets, ignore, reduction))
                     & Near("∂L/∂logits", g, gradient, GradientAccuracy.BatchedGradient<T>(logits, classes, targets, ignore, reduction));
            });
    }

    [ForEachImplementation, Spec("LIN-SHAPE", "LIN-GRAD-W", "LIN-GRAD-B", "ACC-XENT-LOGITS"), Requires(typeof(ILinearLayer<>))]
    public void Linear_layer_at_hard_inputs(string implementation)
    {
        (string, double[], double[], double[], double[], double[], double, double[], double[])[] cases =
        [
            // name, x, W (m × n), b, y, z, L, ∂L/∂W, ∂L/∂b
            ("single class (n = 1): z = Wᵀx + b, L = 0, gradients 0", [1.5, -2], [3, 0.25], [0.5], [1], [4.5], 0, [0, 0], [0]),
            ("x = 0, b = 0: uniform ŷ, L = ln 4, ∂L/∂W = 0", [0, 0, 0], [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12], [0, 0, 0, 0], [0, 0, 1, 0], [0, 0, 0, 0],
                2 * Ln2, Repeat(0, 12), [0.25, 0.25, -0.75, 0.25]),
            ("huge logits from the bias [1e4, −1e4], target 1: L = 2e4", [1], [0, 0], [1e4, -1e4], [0, 1], [1e4, -1e4], 2e4, [1, -1], [1, -1]),
            ("x = [2, −1], W·x cancels the bias: z = 0, L = ln 2", [2, -1], [1, -3, 2, -6], [0, 0], [0.5, 0.5], [0, 0], Ln2, [0, 0, 0, 0], [0, 0]),
        ];
        foreach (var (name, x, w, b, y, z, loss, gw, gb) in cases)
            Expect(implementation, name, impl =>
            {
                var layer = impl.As<ILinearLayer<T>>();
                var logits = Agreement.Filled<T>(b.Length, Agreement.Sentinel);
                layer.Forward(Fp<T>.From(x), Fp<T>.From(w), Fp<T>.From(b), logits);
                var weightGradient = Agreement.Filled<T>(w.Length, Agreement.Sentinel);
                var biasGradient = Agreement.Filled<T>(b.Length, Agreement.Sentinel);
                T l = layer.LossAndGradients(Fp<T>.From(x), Fp<T>.From(w), Fp<T>.From(b), Fp<T>.From(y), weightGradient, biasGradient);
                var (bw, bb) = LinearAccuracy.Gradients<T>(x, w, b, y);
                return Near("z", logits, z, LinearAccuracy.Logits<T>(x, w, b))
                     & Near("L", l, loss, LinearAccuracy.Loss<T>(x, w, b, y))
                     & Near("∂L/∂W", weightGradient, gw, bw)
                     & Near("∂L/∂b", biasGradient, gb, bb);
            });
    }

    [ForEachImplementation, Spec("SEQ-DEF", "SEQ-GRAD", "SEQ-L2", "ACC-XENT-LOGITS"), Requires(typeof(ISequenceLoss<>))]
    public void Sequence_loss_at_hard_inputs(string implementation)
    {
        double[] uniformRows = [1 / 16.0, -3 / 16.0, 1 / 16.0, 1 / 16.0, 1 / 16.0, 1 / 16.0, -3 / 16.0, 1 / 16.0,
                                1 / 16.0, 1 / 16.0, 1 / 16.0, -3 / 16.0, 1 / 16.0, -3 / 16.0, 1 / 16.0, 1 / 16.0];
        (string, int[], int, double[], double[], double, double, double[], double[])[] cases =
        [
            // name, tokens, V, W, b, λ, L, ∂L/∂W, ∂L/∂b
            ("W = 0, b = 0 (uniform predictions, V = 4, T = 4): L = ln 4", [0, 1, 2, 3, 1], 4, Repeat(0, 16), Repeat(0, 4), 0,
                2 * Ln2, uniformRows, [0.25, -0.25, 0, 0]),
            ("the same with λ = 2: λW = 0 adds nothing", [0, 1, 2, 3, 1], 4, Repeat(0, 16), Repeat(0, 4), 2,
                2 * Ln2, uniformRows, [0.25, -0.25, 0, 0]),
            ("single-word vocabulary (V = 1), λ = ½, W = [3]: L = λ·½·9, ∂L/∂W = λW", [0, 0, 0], 1, [3], [-1], 0.5, 2.25, [1.5], [0]),
            ("huge bias [1e4, −1e4], gold token 1: L = 2e4", [0, 1], 2, Repeat(0, 4), [1e4, -1e4], 0, 2e4, [1, -1, 0, 0], [1, -1]),
        ];
        foreach (var (name, tokens, v, w, b, lambda, loss, gw, gb) in cases)
            Expect(implementation, name, impl =>
            {
                var weightGradient = Agreement.Filled<T>(w.Length, Agreement.Sentinel);
                var biasGradient = Agreement.Filled<T>(b.Length, Agreement.Sentinel);
                T l = impl.As<ISequenceLoss<T>>().LossAndGradients(tokens, v, Fp<T>.From(w), Fp<T>.From(b), Fp<T>.From(lambda), weightGradient, biasGradient);
                var (bw, bb) = SequenceAccuracy.Gradients<T>(tokens, v, w, b, lambda);
                return Near("L", l, loss, SequenceAccuracy.Loss<T>(tokens, v, w, b, lambda))
                     & Near("∂L/∂W", weightGradient, gw, bw)
                     & Near("∂L/∂b", biasGradient, gb, bb);
            });
    }

    private static Verdict Near(string quantity, T observed, double expected, double bound) =>
        Agreement.Scalar<T>(quantity, Fp<T>.ToDouble(observed), expected, bound + Accuracy.ClosedForm(expected));

    private static Verdict Near(string quantity, T[] observed, double[] expected, double[] bound)
    {
        var b = new double[expected.Length];
        for (int i = 0; i < b.Length; i++) b[i] = bound[i] + Accuracy.ClosedForm(expected[i]);
        return Agreement.Vector<T>(quantity, Fp<T>.ToDouble(observed), expected, b);
    }
}
