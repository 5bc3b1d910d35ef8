using System.Numerics;
using LossConformance.Kit;
using Xunit.Abstractions;

namespace LossConformance.Properties;

/// <summary>Laws of spec/linear-layer.md on generated layers (m, n ≤ 64, logits up to ±1e3).</summary>
[Requires(typeof(ILinearLayer<>))]
public abstract class LinearLayerProperties<T>(ITestOutputHelper output, params object[] implementations)
    : Suite<T>(output, implementations) where T : unmanaged, IFloatingPointIeee754<T>
{
    [ForEachImplementation, Spec("LIN-SHAPE")]
    public void Forward_is_transposed_weights_times_input_plus_bias(string implementation) =>
        Check(implementation, LinearCases<T>.Layers, (impl, c) =>
        {
            var z = new T[c.N];
            impl.As<ILinearLayer<T>>().Forward(c.X, c.W, c.B, z);
            return Verdict.AllWithin("z vs Wᵀx + b", Fp<T>.ToDouble(z), c.Z,
                Add(LinearAccuracy.Logits<T>(c.XD, c.WD, c.BD), LinearAccuracy.Logits<double>(c.XD, c.WD, c.BD)));
        });

    [ForEachImplementation, Spec("LIN-GRAD-W")]
    public void Weight_gradient_is_the_outer_product_of_input_and_error(string implementation) =>
        Check(implementation, LinearCases<T>.Layers, (impl, c) =>
        {
            var (loss, gw, _) = LossAndGradients(impl, c, c.W, c.B);
            var g = LinearAccuracy.ExactLogitGradient(c.XD, c.WD, c.BD, c.YD);
            var expected = new double[c.M * c.N];
            for (int i = 0; i < c.M; i++)
                for (int j = 0; j < c.N; j++)
                    expected[i * c.N + j] = c.XD[i] * g[j];
            double expectedLoss = -SoftmaxAccuracy.ExactLogSoftmax(c.Z).Select((l, j) => c.YD[j] > 0 ? c.YD[j] * l : 0).Sum();
            return Verdict.AllWithin("∂L/∂W vs x(ŷ − y)ᵀ", gw, expected,
                       Add(LinearAccuracy.WeightGradient<T>(c.XD, c.WD, c.BD, c.YD), LinearAccuracy.WeightGradient<double>(c.XD, c.WD, c.BD, c.YD)))
                 & Verdict.Within("L", loss, expectedLoss, LinearAccuracy.Loss<T>(c.XD, c.WD, c.BD, c.YD) + LinearAccuracy.Loss<double>(c.XD, c.WD, c.BD, c.YD));
        });

    [ForEachImplementation, Spec("LIN-GRAD-W")]
    public void Weight_gradient_matches_central_differences_of_the_loss(string implementation) =>
        Check(implementation, LinearCases<T>.Layers, (impl, c) =>
        {
            var (fd, h, tolerance) = WeightCentralDifference(impl, c);
            var (_, gw, _) = LossAndGradients(impl, c, c.W, c.B);
            var (dot, dotAbs, dotBound) = FiniteDifference.Directional(gw, c.DW, LinearAccuracy.WeightGradient<T>(c.XD, c.WD, c.BD, c.YD), ExactWeightGradient(c));
            return Verdict.Within($"(L(W + hD) − L(W − hD))/2h vs ⟨∂L/∂W, D⟩ (h = {Show.Number(h)})", fd, dot,
                tolerance + dotBound + Accuracy.Gamma(gw.Length, Fp<double>.U) * dotAbs);
        });

    [ForEachImplementation, Spec("LIN-GRAD-B")]
    public void Bias_gradient_is_probabilities_minus_target(string implementation) =>
        Check(implementation, LinearCases<T>.Layers, (impl, c) =>
        {
            var (_, gw, gb) = LossAndGradients(impl, c, c.W, c.B);
            var bb = LinearAccuracy.BiasGradient<T>(c.XD, c.WD, c.BD, c.YD);
            var bw = LinearAccuracy.WeightGradient<T>(c.XD, c.WD, c.BD, c.YD);
            var exact = LinearAccuracy.ExactLogitGradient(c.XD, c.WD, c.BD, c.YD);
            // ∂L/∂W = x·(∂L/∂b)ᵀ, both from the implementation: row i of the weight gradient is xᵢ times the bias gradient.
            var outer = new double[c.M * c.N];
            var outerBound = new double[c.M * c.N];
            for (int i = 0; i < c.M; i++)
                for (int j = 0; j < c.N; j++)
                {
                    outer[i * c.N + j] = c.XD[i] * gb[j];
                    outerBound[i * c.N + j] = bw[i * c.N + j] + Math.Abs(c.XD[i]) * bb[j] + Fp<double>.U * Math.Abs(c.XD[i]) * (Math.Abs(exact[j]) + bb[j]);
                }
            return Verdict.AllWithin("∂L/∂b vs ŷ − y", gb, exact,
                       Add(bb, LinearAccuracy.BiasGradient<double>(c.XD, c.WD, c.BD, c.YD)))
                 & Verdict.AllWithin("∂L/∂W vs x·(∂L/∂b)ᵀ", gw, outer, outerBound);
        });

    [ForEachImplementation, Spec("LIN-GRAD-B")]
    public void Bias_gradient_matches_central_differences_of_the_loss(string implementation) =>
        Check(implementation, LinearCases<T>.Layers, (impl, c) =>
        {
            var (fd, h, tolerance) = BiasCentralDifference(impl, c);
            var (_, _, gb) = LossAndGradients(impl, c, c.W, c.B);
            var (dot, dotAbs, dotBound) = FiniteDifference.Directional(gb, c.DB, LinearAccuracy.BiasGradient<T>(c.XD, c.WD, c.BD, c.YD), LinearAccuracy.ExactLogitGradient(c.XD, c.WD, c.BD, c.YD));
            return Verdict.Within($"(L(b + hd) − L(b − hd))/2h vs ⟨∂L/∂b, d⟩ (h = {Show.Number(h)})", fd, dot,
                tolerance + dotBound + Accuracy.Gamma(gb.Length, Fp<double>.U) * dotAbs);
        });


    [ForEachImplementation, Spec("LIN-STEP")]
    public void A_small_gradient_step_lowers_the_loss(string implementation) =>
        Check(implementation, LinearCases<T>.Layers, (impl, c) =>
        {
            var (loss, gw, gb) = LossAndGradients(impl, c, c.W, c.B);
            double curvature = LinearAccuracy.Curvature(c.XD, c.YD);   // Λ = ½(Σy)(‖x‖² + 1)
            // η a power of two with ηΛ ≤ ½: then L(θ′) ≤ L(θ) − ¾η‖∇L‖² for the exact step, and ηĜ is exact.
            double eta = Math.ScaleB(1.0, Math.ILogB(0.5 / curvature));
            var w2 = Fp<T>.From(c.WD.Select((w, k) => w - eta * gw[k]));
            var b2 = Fp<T>.From(c.BD.Select((b, j) => b - eta * gb[j]));
            double next = LossAndGradients(impl, c, w2, b2).Loss;

            // The step taken, s = θ′ − θ, and how far it may be from −η∇L: η·(gradient bounds) + rounding of θ′.
            var w2d = Fp<T>.ToDouble(w2);
            var b2d = Fp<T>.ToDouble(b2);
            double stepSq = 0, thetaSq = 0;
            for (int k = 0; k < w2d.Length; k++) { stepSq += Sq(w2d[k] - c.WD[k]); thetaSq += Sq(w2d[k]); }
            for (int j = 0; j < b2d.Length; j++) { stepSq += Sq(b2d[j] - c.BD[j]); thetaSq += Sq(b2d[j]); }
            var ew = Add(LinearAccuracy.WeightGradient<T>(c.XD, c.WD, c.BD, c.YD), LinearAccuracy.WeightGradient<double>(c.XD, c.WD, c.BD, c.YD));
            var eb = Add(LinearAccuracy.BiasGradient<T>(c.XD, c.WD, c.BD, c.YD), LinearAccuracy.BiasGradient<double>(c.XD, c.WD, c.BD, c.YD));
            double errorNorm = Math.Sqrt(ew.Sum(Sq) + eb.Sum(Sq));
            double deviation = eta * errorNorm + (Fp<T>.U + Fp<double>.U) * Math.Sqrt(thetaSq);

            var g = LinearAccuracy.ExactLogitGradient(c.XD, c.WD, c.BD, c.YD);
            double gradientSq = g.Sum(Sq) * (c.XD.Sum(Sq) + 1);   // ‖∇L‖² = ‖ŷ − y‖²(‖x‖² + 1)
            var w2Bound = LinearAccuracy.Loss<T>(c.XD, w2d, b2d, c.YD);
            double upper = LinearAccuracy.DescentUpperBound(loss, LinearAccuracy.Loss<T>(c.XD, c.WD, c.BD, c.YD), w2Bound,
                eta, gradientSq, stepSq, deviation, curvature);
            // spec LIN-STEP (a) on the step actually taken: L̂(θ + s) ≤ L̂(θ) + ∇Lᵀs + (Λ/2)‖s‖² + B(θ) + B(θ + s) + Σₖ|sₖ|Gₖ,
            // ∇L from float64 with its bounds Gₖ.
            double gradientDotStep = 0, stepBound = 0, dotAbs = 0;
            var ewd = LinearAccuracy.WeightGradient<double>(c.XD, c.WD, c.BD, c.YD);
            var ebd = LinearAccuracy.BiasGradient<double>(c.XD, c.WD, c.BD, c.YD);
            for (int i = 0; i < c.M; i++)
                for (int j = 0; j < c.N; j++)
                {
                    int k = i * c.N + j;
                    double sk = w2d[k] - c.WD[k];
                    gradientDotStep += c.XD[i] * g[j] * sk;
                    dotAbs += Math.Abs(c.XD[i] * g[j] * sk);
                    stepBound += Math.Abs(sk) * ewd[k];
                }
            for (int j = 0; j < c.N; j++)
            {
                double sj = b2d[j] - c.BD[j];
                gradientDotStep += g[j] * sj;
                dotAbs += Math.Abs(g[j] * sj);
                stepBound += Math.Abs(sj) * ebd[j];
            }
            double smooth = loss + gradientDotStep + 0.5 * curvature * stepSq + LinearAccuracy.Loss<T>(c.XD, c.WD, c.BD, c.YD) + w2Bound
                          + stepBound + Accuracy.Gamma(w2d.Length + b2d.Length + 2, Fp<double>.U) * (dotAbs + Math.Abs(loss) + curvature * stepSq);
            return Verdict.That(double.IsFinite(loss) && double.IsFinite(next), $"L(θ) = {Show.Number(loss)}, L(θ′) = {Show.Number(next)} (finite required)")
                 & Verdict.AtMost($"L(θ + s) vs L(θ) + ∇Lᵀs + (Λ/2)‖s‖² + slack (η = {Show.Number(eta)})", next, smooth)
                 & Verdict.AtMost($"L(W − η∂L/∂W, b − η∂L/∂b) with η = {Show.Number(eta)}, from L = {Show.Number(loss)}", next, upper);
        });

    [ForEachImplementation, Spec("LIN-STEP")]
    public void Too_large_a_step_can_raise_the_loss(string implementation)
    {
        // spec/linear-layer.md LIN-STEP (b): m = 1, n = 2, x = (1), W = (1, 0), b = 0, y = (½, ½):
        // L = 0.81326; η = ½ lowers it to 0.72888, η = 5 overshoots to 1.83699.
        double[] x = [1], w = [1, 0], b = [0, 0], y = [0.5, 0.5];
        var c = new LayerCase<T>(Fp<T>.From(x), Fp<T>.From(w), Fp<T>.From(b), Fp<T>.From(y), [1, 1], [1, 1], "LIN-STEP fixture", "y = (½, ½)");
        foreach (var (eta, lower) in new[] { (0.5, true), (5.0, false) })
            Expect(implementation, $"η = {Show.Number(eta)}", impl =>
            {
                var (loss, gw, gb) = LossAndGradients(impl, c, c.W, c.B);
                var w2 = Fp<T>.From(w.Select((v, k) => v - eta * gw[k]));
                var b2 = Fp<T>.From(b.Select((v, j) => v - eta * gb[j]));
                double next = LossAndGradients(impl, c, w2, b2).Loss;
                double slack = LinearAccuracy.Loss<T>(x, w, b, y) + LinearAccuracy.Loss<T>(x, Fp<T>.ToDouble(w2), Fp<T>.ToDouble(b2), y);
                return Verdict.That(double.IsFinite(loss) && double.IsFinite(next), $"L = {Show.Number(loss)}, L after the step = {Show.Number(next)} (finite required)") & (lower
                    ? Verdict.AtMost($"L after the step (from L = {Show.Number(loss)})", next, loss - slack)
                    : Verdict.AtLeast($"L after the step (from L = {Show.Number(loss)})", next, loss + slack));
            });
    }

    // ---- helpers ----

    internal static (double Loss, double[] WeightGradient, double[] BiasGradient) LossAndGradients(ImplementationUnderTest impl, LayerCase<T> c, T[] w, T[] b)
    {
        var gw = new T[c.M * c.N];
        var gb = new T[c.N];
        double loss = Fp<T>.ToDouble(impl.As<ILinearLayer<T>>().LossAndGradients(c.X, w, b, c.Y, gw, gb));
        return (loss, Fp<T>.ToDouble(gw), Fp<T>.ToDouble(gb));
    }

    /// <summary>(L(W + hD) − L(W − hD))/2h of the implementation's loss at exact points, h, and its <c>ACC-FD</c> tolerance.</summary>
    internal static (double Fd, double H, double Tolerance) WeightCentralDifference(ImplementationUnderTest impl, LayerCase<T> c)
    {
        // Along D_W the logits move by D_Wᵀx: the third derivative is that of softmax-cross-entropy along D_Wᵀx.
        var logitDirection = new double[c.N];
        for (int j = 0; j < c.N; j++)
            for (int i = 0; i < c.M; i++)
                logitDirection[j] += c.DW[i * c.N + j] * c.XD[i];
        double m3 = Accuracy.SoftmaxThirdDerivative(logitDirection, c.YD.Sum());
        double h = FiniteDifference.ExactStep<T>(c.WD, c.DW,
            Accuracy.CentralDifference(LinearAccuracy.Loss<T>(c.XD, c.WD, c.BD, c.YD), m3).Step);
        var (plus, minus) = FiniteDifference.Points<T>(c.WD, c.DW, h);
        double eps = Math.Max(LinearAccuracy.Loss<T>(c.XD, Fp<T>.ToDouble(plus), c.BD, c.YD), LinearAccuracy.Loss<T>(c.XD, Fp<T>.ToDouble(minus), c.BD, c.YD));
        double fd = (LossAndGradients(impl, c, plus, c.B).Loss - LossAndGradients(impl, c, minus, c.B).Loss) / (2 * h);
        return (fd, h, FiniteDifference.Tolerance(h, eps, m3));
    }

    /// <summary>(L(b + hd) − L(b − hd))/2h of the implementation's loss at exact points, h, and its <c>ACC-FD</c> tolerance.</summary>
    internal static (double Fd, double H, double Tolerance) BiasCentralDifference(ImplementationUnderTest impl, LayerCase<T> c)
    {
        double m3 = Accuracy.SoftmaxThirdDerivative(c.DB, c.YD.Sum());
        double h = FiniteDifference.ExactStep<T>(c.BD, c.DB,
            Accuracy.CentralDifference(LinearAccuracy.Loss<T>(c.XD, c.WD, c.BD, c.YD), m3).Step);
        var (plus, minus) = FiniteDifference.Points<T>(c.BD, c.DB, h);
        double eps = Math.Max(LinearAccuracy.Loss<T>(c.XD, c.WD, Fp<T>.ToDouble(plus), c.YD), LinearAccuracy.Loss<T>(c.XD, c.WD, Fp<T>.ToDouble(minus), c.YD));
        double fd = (LossAndGradients(impl, c, c.W, plus).Loss - LossAndGradients(impl, c, c.W, minus).Loss) / (2 * h);
        return (fd, h, FiniteDifference.Tolerance(h, eps, m3));
    }

    /// <summary>x(ŷ − y)ᵀ from the exact logit gradient, in float64.</summary>
    internal static double[] ExactWeightGradient(LayerCase<T> c)
    {
        var g = LinearAccuracy.ExactLogitGradient(c.XD, c.WD, c.BD, c.YD);
        var w = new double[c.M * c.N];
        for (int i = 0; i < c.M; i++)
            for (int j = 0; j < c.N; j++)
                w[i * c.N + j] = c.XD[i] * g[j];
        return w;
    }

    private static double Sq(double v) => v * v;

    internal static double[] Add(double[] a, double[] b) => a.Zip(b, (x, y) => x + y).ToArray();
}
