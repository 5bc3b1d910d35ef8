using System.Numerics;
using FsCheck;
using LossConformance.Kit;
using Xunit.Abstractions;

namespace LossConformance.Conformance;

/// <summary>
/// Finite-difference checks of every gradient against the implementation's own loss, in T
/// (JAX check_grads / gradcheck "fast mode": one random projection of the Jacobian per case).
/// For a direction d the points a± = fl_T(a ± h·d) are evaluated with the implementation's loss;
/// f(a₊) − f(a₋) must equal ∇f(a)·(a₊ − a₋), with ∇f(a) the implementation's gradient, within
/// <see cref="FiniteDifference.CentralDifferenceInT"/>: the step h comes from
/// <see cref="Accuracy.CentralDifference"/> with ε the loss's accuracy bound for T and the third
/// derivative from <see cref="Accuracy.SoftmaxThirdDerivative"/> along the direction the logits
/// move (for the linear layer a step D in W-space moves z by Dᵀx). Spec: <c>ACC-FD</c>.
/// </summary>
public abstract class GradientConformance<T>(ITestOutputHelper output, params object[] implementations)
    : Suite<T>(output, implementations) where T : unmanaged, IFloatingPointIeee754<T>
{
    private static readonly Arbitrary<DirectedCase<LogitsTargetCase<T>>> LogitsWithTarget =
        ConformanceCases<T>.Directed(Generate<T>.LogitsWithTarget, c => c.N);

    private static readonly Arbitrary<DirectedCase<LogitsTargetCase<T>>> LogitsWithWeights =
        ConformanceCases<T>.Directed(GradientCases<T>.WeightedFullPrecision, c => c.N);

    private static readonly Arbitrary<DirectedCase<BinaryCase<T>>> Binary =
        ConformanceCases<T>.Directed(GradientCases<T>.BinaryFullPrecision, c => 1);

    private static readonly Arbitrary<DirectedCase<BatchCase<T>>> Batched =
        ConformanceCases<T>.Directed(BatchCases<T>.Batches, c => c.Logits.Length);

    private static readonly Arbitrary<DirectedCase<LayerCase<T>>> Linear =
        ConformanceCases<T>.Directed(LinearCases<T>.FullPrecision, c => c.M * c.N + c.N);

    private static readonly Arbitrary<DirectedCase<SequenceCase<T>>> Sequence =
        ConformanceCases<T>.Directed(SequenceCases<T>.FullPrecision, c => c.V * c.V + c.V);

    [ForEachImplementation, Spec("ACC-FD", "GRAD-LOGITS"), Requires(typeof(ISoftmaxCrossEntropy<>))]
    public void Logit_gradient_matches_central_differences_of_the_loss(string implementation) =>
        Check(implementation, LogitsWithTarget, (impl, c) => CrossEntropyFromLogits(impl, c));

    [ForEachImplementation, Spec("ACC-FD", "GRAD-GENERAL"), Requires(typeof(ISoftmaxCrossEntropy<>))]
    public void Logit_gradient_matches_central_differences_for_weights_of_any_mass(string implementation) =>
        Check(implementation, LogitsWithWeights, (impl, c) => CrossEntropyFromLogits(impl, c));

    [ForEachImplementation, Spec("ACC-FD", "GRAD-BINARY"), Requires(typeof(IBinaryCrossEntropy<>))]
    public void Binary_gradient_matches_central_differences_of_the_loss(string implementation) =>
        Check(implementation, Binary, (impl, dc) =>
        {
            var c = dc.Inner;
            var bce = impl.As<IBinaryCrossEntropy<T>>();
            double[] a = [c.ZD], d = dc.Direction;
            double h = FiniteDifference.StepInT<T>(GradientAccuracy.BinaryLoss<T>(c.ZD, c.YD),
                Accuracy.SoftmaxThirdDerivative([0, d[0]], 1), Math.Abs(c.ZD));
            var s = Points(a, d, h);
            double fPlus = Fp<T>.ToDouble(bce.BinaryCrossEntropyWithLogit(s.Plus[0], c.Y));
            double fMinus = Fp<T>.ToDouble(bce.BinaryCrossEntropyWithLogit(s.Minus[0], c.Y));
            double g = Fp<T>.ToDouble(bce.BinaryCrossEntropyLogitGradient(c.Z, c.Y));
            // L(z) = logsumexp([0, z]) − yz: a softmax-cross-entropy over the logits [0, z].
            double tolerance = FiniteDifference.CentralDifferenceInT(
                GradientAccuracy.BinaryLoss<T>(s.PlusD[0], c.YD) + GradientAccuracy.BinaryLoss<T>(s.MinusD[0], c.YD),
                Accuracy.SoftmaxThirdDerivative([0, s.Delta[0] / 2], 1),
                FiniteDifference.SoftmaxCurvature([0, s.Delta[0]], [0, s.Shift[0]], 1),
                Math.Abs(s.Delta[0]) * GradientAccuracy.BinaryGradient<T>(c.ZD, c.YD),
                Math.Abs(fPlus) + Math.Abs(fMinus) + Math.Abs(g * s.Delta[0]), 1);
            return Verdict.Within($"L(z₊) − L(z₋) (h = {Show.Number(h)})", fPlus - fMinus, g * s.Delta[0], tolerance);
        });

    /// <summary>The batched loss along a direction D over the whole [rows × classes] matrix; row r of the loss weighs 1/N (Mean), 1 (Sum) or 0 (ignored).</summary>
    [ForEachImplementation, Spec("ACC-FD", "GRAD-MEAN", "GRAD-IGNORE"), Requires(typeof(IBatchedSoftmaxCrossEntropy<>))]
    public void Batched_gradient_matches_central_differences_of_the_loss(string implementation) =>
        Check(implementation, Batched, (impl, dc) =>
        {
            var c = dc.Inner;
            var kernel = impl.As<IBatchedSoftmaxCrossEntropy<T>>();
            int k = c.Classes;
            double[] a = c.LogitsD, d = dc.Direction;
            double[] weight = c.Targets.Select(t => t == c.IgnoreIndex ? 0.0 : c.Reduction == LossReduction.Mean ? 1.0 / c.Counted : 1.0).ToArray();
            double m3 = 0;
            for (int r = 0; r < c.Rows; r++) m3 += Accuracy.SoftmaxThirdDerivative(d.AsSpan(r * k, k), weight[r]);
            double h = FiniteDifference.StepInT<T>(GradientAccuracy.BatchedLoss<T>(a, k, c.Targets, c.IgnoreIndex, c.Reduction), m3, Accuracy.MaxAbs(a));
            var s = Points(a, d, h);
            var scratch = new T[a.Length];
            double fPlus = Fp<T>.ToDouble(kernel.ForwardBackward(s.Plus, k, c.Targets, c.IgnoreIndex, c.Reduction, scratch));
            double fMinus = Fp<T>.ToDouble(kernel.ForwardBackward(s.Minus, k, c.Targets, c.IgnoreIndex, c.Reduction, scratch));
            var g = new T[a.Length];
            kernel.ForwardBackward(c.Logits, k, c.Targets, c.IgnoreIndex, c.Reduction, g);

            double third = 0, curvature = 0;
            for (int r = 0; r < c.Rows; r++)
            {
                var delta = s.Delta.AsSpan(r * k, k);
                third += Accuracy.SoftmaxThirdDerivative(Half(delta), weight[r]);
                curvature += FiniteDifference.SoftmaxCurvature(delta, Spread(s.Shift.AsSpan(r * k, k)), weight[r]);
            }
            var gradientBound = GradientAccuracy.BatchedGradient<T>(a, k, c.Targets, c.IgnoreIndex, c.Reduction);
            var (directional, magnitude, gradientError) = Project(Fp<T>.ToDouble(g), s.Delta, gradientBound);
            double tolerance = FiniteDifference.CentralDifferenceInT(
                GradientAccuracy.BatchedLoss<T>(s.PlusD, k, c.Targets, c.IgnoreIndex, c.Reduction)
                + GradientAccuracy.BatchedLoss<T>(s.MinusD, k, c.Targets, c.IgnoreIndex, c.Reduction),
                third, curvature, gradientError, Math.Abs(fPlus) + Math.Abs(fMinus) + magnitude, a.Length);
            return Verdict.Within($"L(Z₊) − L(Z₋) (h = {Show.Number(h)})", fPlus - fMinus, directional, tolerance);
        });

    /// <summary>The linear layer's loss along a direction (D, e) in (W, b)-space; the logits move along Dᵀx + e.</summary>
    [ForEachImplementation, Spec("ACC-FD", "LIN-GRAD-W", "LIN-GRAD-B"), Requires(typeof(ILinearLayer<>))]
    public void Linear_layer_gradients_match_central_differences_of_the_loss(string implementation) =>
        Check(implementation, Linear, (impl, dc) =>
        {
            var c = dc.Inner;
            var layer = impl.As<ILinearLayer<T>>();
            int m = c.M, n = c.N;
            double[] a = [.. c.WD, .. c.BD], d = dc.Direction;
            double mass = Accuracy.Sum(c.YD);
            double h = FiniteDifference.StepInT<T>(LinearAccuracy.Loss<T>(c.XD, c.WD, c.BD, c.YD),
                Accuracy.SoftmaxThirdDerivative(LogitShift(c.XD, d, m, n), mass), Accuracy.MaxAbs(a));
            var s = Points(a, d, h);
            var gw = new T[m * n];
            var gb = new T[n];
            double fPlus = Fp<T>.ToDouble(layer.LossAndGradients(c.X, s.Plus[..(m * n)], s.Plus[(m * n)..], c.Y, gw, gb));
            double fMinus = Fp<T>.ToDouble(layer.LossAndGradients(c.X, s.Minus[..(m * n)], s.Minus[(m * n)..], c.Y, gw, gb));
            layer.LossAndGradients(c.X, c.W, c.B, c.Y, gw, gb);

            double[] dz = LogitShift(c.XD, s.Delta, m, n);
            double[] shiftZ = LogitShiftBound(c.XD, s.Shift, m, n);
            var (bw, bb) = LinearAccuracy.Gradients<T>(c.XD, c.WD, c.BD, c.YD);
            var (directional, magnitude, gradientError) = Project([.. Fp<T>.ToDouble(gw), .. Fp<T>.ToDouble(gb)], s.Delta, [.. bw, .. bb]);
            double tolerance = FiniteDifference.CentralDifferenceInT(
                LinearAccuracy.Loss<T>(c.XD, s.PlusD[..(m * n)], s.PlusD[(m * n)..], c.YD)
                + LinearAccuracy.Loss<T>(c.XD, s.MinusD[..(m * n)], s.MinusD[(m * n)..], c.YD),
                Accuracy.SoftmaxThirdDerivative(Half(dz), mass),
                FiniteDifference.SoftmaxCurvature(dz, Spread(shiftZ), mass),
                gradientError, Math.Abs(fPlus) + Math.Abs(fMinus) + magnitude, a.Length);
            return Verdict.Within($"L(W₊, b₊) − L(W₋, b₋) (h = {Show.Number(h)})", fPlus - fMinus, directional, tolerance);
        });

    /// <summary>
    /// The sequence loss along (D, e) in (W, b)-space: step t's logits move along D[x_{t−1}] + e;
    /// λ·½‖W‖² has no third derivative and curvature λ.
    /// </summary>
    [ForEachImplementation, Spec("ACC-FD", "SEQ-GRAD", "SEQ-L2"), Requires(typeof(ISequenceLoss<>))]
    public void Sequence_gradients_match_central_differences_of_the_loss(string implementation) =>
        Check(implementation, Sequence, (impl, dc) =>
        {
            var c = dc.Inner;
            var loss = impl.As<ISequenceLoss<T>>();
            int v = c.V, vv = v * v;
            double[] a = [.. c.WD, .. c.BD], d = dc.Direction;
            double m3 = 0;
            for (int t = 1; t <= c.Steps; t++) m3 += Accuracy.SoftmaxThirdDerivative(RowShift(d, c.Tokens[t - 1], v), 1.0 / c.Steps);
            double h = FiniteDifference.StepInT<T>(SequenceAccuracy.Loss<T>(c.Tokens, v, c.WD, c.BD, c.LambdaD), m3, Accuracy.MaxAbs(a));
            var s = Points(a, d, h);
            var gw = new T[vv];
            var gb = new T[v];
            double fPlus = Fp<T>.ToDouble(loss.LossAndGradients(c.Tokens, v, s.Plus[..vv], s.Plus[vv..], c.Lambda, gw, gb));
            double fMinus = Fp<T>.ToDouble(loss.LossAndGradients(c.Tokens, v, s.Minus[..vv], s.Minus[vv..], c.Lambda, gw, gb));
            loss.LossAndGradients(c.Tokens, v, c.W, c.B, c.Lambda, gw, gb);

            double third = 0, curvature = 0;
            for (int t = 1; t <= c.Steps; t++)
            {
                double[] dz = RowShift(s.Delta, c.Tokens[t - 1], v);
                third += Accuracy.SoftmaxThirdDerivative(Half(dz), 1.0 / c.Steps);
                curvature += FiniteDifference.SoftmaxCurvature(dz, Spread(RowShift(s.Shift, c.Tokens[t - 1], v)), 1.0 / c.Steps);
            }
            for (int k = 0; k < vv; k++) curvature += c.LambdaD * Math.Abs(s.Delta[k]) * s.Shift[k];
            var (bw, bb) = SequenceAccuracy.Gradients<T>(c.Tokens, v, c.WD, c.BD, c.LambdaD);
            var (directional, magnitude, gradientError) = Project([.. Fp<T>.ToDouble(gw), .. Fp<T>.ToDouble(gb)], s.Delta, [.. bw, .. bb]);
            double tolerance = FiniteDifference.CentralDifferenceInT(
                SequenceAccuracy.Loss<T>(c.Tokens, v, s.PlusD[..vv], s.PlusD[vv..], c.LambdaD)
                + SequenceAccuracy.Loss<T>(c.Tokens, v, s.MinusD[..vv], s.MinusD[vv..], c.LambdaD),
                third, curvature, gradientError, Math.Abs(fPlus) + Math.Abs(fMinus) + magnitude, a.Length);
            return Verdict.Within($"L(W₊, b₊) − L(W₋, b₋) (h = {Show.Number(h)})", fPlus - fMinus, directional, tolerance);
        });

    private static Verdict CrossEntropyFromLogits(ImplementationUnderTest impl, DirectedCase<LogitsTargetCase<T>> dc)
    {
        var c = dc.Inner;
        var ce = impl.As<ISoftmaxCrossEntropy<T>>();
        double[] a = c.ZD, d = dc.Direction;
        double mass = Accuracy.Sum(c.YD);
        double h = FiniteDifference.StepInT<T>(Accuracy.CrossEntropyFromLogits<T>(c.YD, a), Accuracy.SoftmaxThirdDerivative(d, mass), Accuracy.MaxAbs(a));
        var s = Points(a, d, h);
        double fPlus = Fp<T>.ToDouble(ce.CrossEntropyFromLogits(c.Y, s.Plus));
        double fMinus = Fp<T>.ToDouble(ce.CrossEntropyFromLogits(c.Y, s.Minus));
        var g = new T[c.N];
        ce.CrossEntropyLogitGradient(c.Y, c.Z, g);
        var (directional, magnitude, gradientError) = Project(Fp<T>.ToDouble(g), s.Delta, Accuracy.LogitGradient<T>(c.YD, a));
        double tolerance = FiniteDifference.CentralDifferenceInT(
            Accuracy.CrossEntropyFromLogits<T>(c.YD, s.PlusD) + Accuracy.CrossEntropyFromLogits<T>(c.YD, s.MinusD),
            Accuracy.SoftmaxThirdDerivative(Half(s.Delta), mass),
            FiniteDifference.SoftmaxCurvature(s.Delta, Spread(s.Shift), mass),
            gradientError, Math.Abs(fPlus) + Math.Abs(fMinus) + magnitude, c.N);
        return Verdict.Within($"L(z₊) − L(z₋) (h = {Show.Number(h)})", fPlus - fMinus, directional, tolerance);
    }

    /// <summary>The points a ± h·d rounded to T, their difference Δ = a₊ − a₋ and the bound on |c − a| per entry.</summary>
    private sealed record Step(T[] Plus, T[] Minus, double[] PlusD, double[] MinusD, double[] Delta, double[] Shift);

    private static Step Points(double[] a, double[] d, double h)
    {
        var plus = new T[a.Length];
        var minus = new T[a.Length];
        var delta = new double[a.Length];
        var shift = new double[a.Length];
        for (int i = 0; i < a.Length; i++)
        {
            plus[i] = Fp<T>.From(a[i] + h * d[i]);
            minus[i] = Fp<T>.From(a[i] - h * d[i]);
            double p = Fp<T>.ToDouble(plus[i]), m = Fp<T>.ToDouble(minus[i]);
            delta[i] = p - m;
            shift[i] = FiniteDifference.MidpointShift<T>(p, m);
        }
        return new Step(plus, minus, Fp<T>.ToDouble(plus), Fp<T>.ToDouble(minus), delta, shift);
    }

    /// <summary>ĝ·Δ, Σ|ĝᵢΔᵢ| and Σ|Δᵢ|·bound(ĝᵢ).</summary>
    private static (double Directional, double Magnitude, double GradientError) Project(double[] g, double[] delta, double[] bound)
    {
        double dot = 0, magnitude = 0, error = 0;
        for (int i = 0; i < g.Length; i++)
        {
            dot += g[i] * delta[i];
            magnitude += Math.Abs(g[i] * delta[i]);
            error += Math.Abs(delta[i]) * bound[i];
        }
        return (dot, magnitude, error);
    }

    /// <summary>How the logits Wᵀx + b move for a move (D, e) of (W, b): Dᵀx + e.</summary>
    private static double[] LogitShift(double[] x, double[] direction, int m, int n)
    {
        var dz = new double[n];
        for (int j = 0; j < n; j++)
        {
            double s = direction[m * n + j];
            for (int i = 0; i < m; i++) s += x[i] * direction[i * n + j];
            dz[j] = s;
        }
        return dz;
    }

    /// <summary>A bound on how far the logits move for per-entry moves of (W, b) bounded by <paramref name="shift"/>: Σᵢ|xᵢ|sᵢⱼ + s_bⱼ.</summary>
    private static double[] LogitShiftBound(double[] x, double[] shift, int m, int n)
    {
        var bound = new double[n];
        for (int j = 0; j < n; j++)
        {
            double s = shift[m * n + j];
            for (int i = 0; i < m; i++) s += Math.Abs(x[i]) * shift[i * n + j];
            bound[j] = s;
        }
        return bound;
    }

    /// <summary>How step t's logits (row r of W plus b) move for a move (D, e) of (W, b) laid out as [W…, b…].</summary>
    private static double[] RowShift(double[] direction, int row, int v)
    {
        var dz = new double[v];
        for (int j = 0; j < v; j++) dz[j] = direction[row * v + j] + direction[v * v + j];
        return dz;
    }

    /// <summary>A vector whose range covers every vector with entries in [−max s, max s].</summary>
    private static double[] Spread(ReadOnlySpan<double> shiftBound)
    {
        double s = 0;
        foreach (double v in shiftBound) s = Math.Max(s, Math.Abs(v));
        return [-s, s];
    }

    private static double[] Half(ReadOnlySpan<double> delta)
    {
        var r = new double[delta.Length];
        for (int i = 0; i < r.Length; i++) r[i] = delta[i] / 2;
        return r;
    }
}
