using System.Numerics;
using LossConformance.Kit;
using Xunit.Abstractions;
using Ref = LossConformance.Reference;

namespace LossConformance.Conformance;

/// <summary>
/// Every fused kernel against its decomposition into the implementation's own simpler
/// capabilities (ONNX's <c>*_expanded</c> cases), <c>GRAD-FUSED</c>, and the batched kernel also against
/// the reference's decomposition (so that a kernel offering only the batched capability is checked too). Both sides approximate the same
/// exact value, so the tolerance is the sum of their bounds for T; the decomposition's own
/// reductions are done in double from the T results. Output spans of the fused call start filled
/// with a sentinel, so an entry the kernel forgets to write (an ignored row) shows.
/// </summary>
public abstract class FusedConformance<T>(ITestOutputHelper output, params object[] implementations)
    : Suite<T>(output, implementations) where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>The batched kernel equals per-row CE from logits and ŷ − e_t, reduced by N (Mean) or 1 (Sum), with 0 in ignored rows.</summary>
    [ForEachImplementation, Spec("GRAD-FUSED", "GRAD-MEAN", "GRAD-IGNORE", "ACC-XENT-LOGITS")]
    [Requires(typeof(IBatchedSoftmaxCrossEntropy<>), typeof(ISoftmaxCrossEntropy<>))]
    public void Batched_kernel_equals_its_rows(string implementation) =>
        Check(implementation, BatchCases<T>.Batches, (impl, c) =>
        {
            var fusedGradient = Agreement.Filled<T>(c.Logits.Length, Agreement.Sentinel);
            double fused = Fp<T>.ToDouble(impl.As<IBatchedSoftmaxCrossEntropy<T>>()
                .ForwardBackward(c.Logits, c.Classes, c.Targets, c.IgnoreIndex, c.Reduction, fusedGradient));

            var single = impl.As<ISoftmaxCrossEntropy<T>>();
            double scale = c.Reduction == LossReduction.Mean && c.Counted > 0 ? 1.0 / c.Counted : 1.0;
            double loss = 0;
            var gradient = new double[c.Logits.Length];
            var g = new T[c.Classes];
            for (int r = 0; r < c.Rows; r++)
            {
                if (c.Targets[r] == c.IgnoreIndex) continue;
                var z = c.Logits.AsSpan(r * c.Classes, c.Classes);
                var y = Fp<T>.From(GradientAccuracy.OneHot(c.Classes, c.Targets[r]));
                loss += Fp<T>.ToDouble(single.CrossEntropyFromLogits(y, z)) * scale;
                single.CrossEntropyLogitGradient(y, z, g);
                for (int j = 0; j < c.Classes; j++) gradient[r * c.Classes + j] = Fp<T>.ToDouble(g[j]) * scale;
            }

            double lossBound = 2 * GradientAccuracy.BatchedLoss<T>(c.LogitsD, c.Classes, c.Targets, c.IgnoreIndex, c.Reduction);
            var gradientBound = GradientAccuracy.BatchedGradient<T>(c.LogitsD, c.Classes, c.Targets, c.IgnoreIndex, c.Reduction);
            return Agreement.Scalar<T>($"fused {c.Reduction} loss vs its rows", fused, loss, lossBound)
                 & Agreement.Vector<T>("fused ∂L/∂logits vs its rows (0 where ignored)", Fp<T>.ToDouble(fusedGradient), gradient,
                       Agreement.Plus(gradientBound, gradientBound));
        });

    /// <summary>
    /// The batched kernel equals the reference's unfused computation row by row: CE from logits (ℓᵣ = lse(Zᵣ) − Z_{r,tᵣ})
    /// and ŷᵣ − e_{tᵣ} by <see cref="Ref.CrossEntropy.FromLogits"/> and <see cref="Ref.SoftmaxCrossEntropy.LogitGradient"/>,
    /// reduced in double. It needs only the batched capability, so a fused-only kernel is checked against a
    /// decomposition too (the test above needs the implementation's own unfused capability).
    /// </summary>
    [ForEachImplementation, Spec("GRAD-FUSED", "GRAD-MEAN", "GRAD-IGNORE", "ACC-XENT-LOGITS")]
    [Requires(typeof(IBatchedSoftmaxCrossEntropy<>))]
    public void Batched_kernel_equals_the_reference_rows(string implementation) =>
        Check(implementation, BatchCases<T>.Batches, (impl, c) =>
        {
            var fusedGradient = Agreement.Filled<T>(c.Logits.Length, Agreement.Sentinel);
            double fused = Fp<T>.ToDouble(impl.As<IBatchedSoftmaxCrossEntropy<T>>()
                .ForwardBackward(c.Logits, c.Classes, c.Targets, c.IgnoreIndex, c.Reduction, fusedGradient));

            double scale = c.Reduction == LossReduction.Mean && c.Counted > 0 ? 1.0 / c.Counted : 1.0;
            double loss = 0;
            var gradient = new double[c.Logits.Length];
            var g = new double[c.Classes];
            for (int r = 0; r < c.Rows; r++)
            {
                if (c.Targets[r] == c.IgnoreIndex) continue;
                var z = c.Row(r);
                var y = GradientAccuracy.OneHot(c.Classes, c.Targets[r]);
                loss += Ref.CrossEntropy.FromLogits(y, z) * scale;
                Ref.SoftmaxCrossEntropy.LogitGradient(y, z, g);
                for (int j = 0; j < c.Classes; j++) gradient[r * c.Classes + j] = g[j] * scale;
            }

            double lossBound = GradientAccuracy.BatchedLoss<T>(c.LogitsD, c.Classes, c.Targets, c.IgnoreIndex, c.Reduction)
                             + GradientAccuracy.BatchedLoss<double>(c.LogitsD, c.Classes, c.Targets, c.IgnoreIndex, c.Reduction);
            var gradientBound = Agreement.Plus(GradientAccuracy.BatchedGradient<T>(c.LogitsD, c.Classes, c.Targets, c.IgnoreIndex, c.Reduction),
                                               GradientAccuracy.BatchedGradient<double>(c.LogitsD, c.Classes, c.Targets, c.IgnoreIndex, c.Reduction));
            return Agreement.Scalar<T>($"fused {c.Reduction} loss vs the reference's rows", fused, loss, lossBound)
                 & Agreement.Vector<T>("fused ∂L/∂logits vs the reference's rows (0 where ignored)", Fp<T>.ToDouble(fusedGradient), gradient, gradientBound);
        });

    /// <summary>
    /// In place (the gradient written over the logits' own memory) the kernel returns bit for bit the loss and
    /// gradient of the out-of-place call on the same logits, also for a span that starts inside a larger array.
    /// </summary>
    [ForEachImplementation, Spec("GRAD-INPLACE")]
    [Requires(typeof(IInPlaceBatchedSoftmaxCrossEntropy<>))]
    public void In_place_call_equals_the_out_of_place_call(string implementation) =>
        Check(implementation, BatchCases<T>.Batches, (impl, c) =>
        {
            var kernel = impl.As<IInPlaceBatchedSoftmaxCrossEntropy<T>>();
            var outOfPlace = Agreement.Filled<T>(c.Logits.Length, Agreement.Sentinel);
            var logits = (T[])c.Logits.Clone();
            T loss = kernel.ForwardBackward(logits, c.Classes, c.Targets, c.IgnoreIndex, c.Reduction, outOfPlace);
            if (!logits.AsSpan().SequenceEqual(c.Logits))
                return Verdict.That(false, "the out-of-place call modified its logits");
            foreach (int offset in new[] { 0, 1 })
            {
                var memory = Agreement.Filled<T>(c.Logits.Length + 2 * offset, Agreement.Sentinel);
                var shared = memory.AsSpan(offset, c.Logits.Length);
                c.Logits.CopyTo(shared);
                T inPlace = kernel.ForwardBackward(shared, c.Classes, c.Targets, c.IgnoreIndex, c.Reduction, shared);
                string where = offset == 0 ? "in place" : $"in place, {offset} element into a larger array";
                if (BitConverter.DoubleToInt64Bits(Fp<T>.ToDouble(inPlace)) != BitConverter.DoubleToInt64Bits(Fp<T>.ToDouble(loss)))
                    return Verdict.That(false, $"loss {where} = {Show.Number(Fp<T>.ToDouble(inPlace))}, out of place {Show.Number(Fp<T>.ToDouble(loss))}");
                for (int i = 0; i < outOfPlace.Length; i++)
                    if (BitConverter.DoubleToInt64Bits(Fp<T>.ToDouble(shared[i])) != BitConverter.DoubleToInt64Bits(Fp<T>.ToDouble(outOfPlace[i])))
                        return Verdict.That(false, $"∂L/∂logits[{i}] (row {i / c.Classes}) {where} = {Show.Number(Fp<T>.ToDouble(shared[i]))}, out of place {Show.Number(Fp<T>.ToDouble(outOfPlace[i]))}");
                for (int i = 0; i < offset; i++)
                    if (memory[i] != Fp<T>.From(Agreement.Sentinel) || memory[^(i + 1)] != Fp<T>.From(Agreement.Sentinel))
                        return Verdict.That(false, $"{where}: wrote outside the logits' span");
            }
            return Verdict.That(true, $"loss {Show.Number(Fp<T>.ToDouble(loss))} and every gradient entry bit-identical in place and out of place");
        });

    /// <summary>CE from logits equals CE(y, softmax z) where no ŷᵢ underflows (the decomposition is meaningless where it does).</summary>
    [ForEachImplementation, Spec("GRAD-FUSED", "XENT-LOGITS", "ACC-XENT-LOGITS")]
    [Requires(typeof(ISoftmaxCrossEntropy<>), typeof(ISoftmax<>), typeof(ICrossEntropy<>))]
    public void Cross_entropy_from_logits_equals_cross_entropy_of_the_softmax(string implementation) =>
        Check(implementation, ConformanceCases<T>.LogitsWithTargetNoUnderflow, (impl, c) =>
        {
            double fused = Fp<T>.ToDouble(impl.As<ISoftmaxCrossEntropy<T>>().CrossEntropyFromLogits(c.Y, c.Z));
            var yhat = new T[c.N];
            impl.As<ISoftmax<T>>().Softmax(c.Z, yhat);
            double composed = Fp<T>.ToDouble(impl.As<ICrossEntropy<T>>().CrossEntropy(c.Y, yhat));
            return Agreement.Scalar<T>("CE from logits vs CE(y, softmax z)", fused, composed,
                Accuracy.CrossEntropyFromLogits<T>(c.YD, c.ZD) + GradientAccuracy.CrossEntropyOfSoftmax<T>(c.YD, c.ZD));
        });

    /// <summary>∂L/∂z equals (Σy)·softmax(z) − y formed from the implementation's own softmax.</summary>
    [ForEachImplementation, Spec("GRAD-FUSED", "GRAD-LOGITS", "ACC-XENT-LOGITS")]
    [Requires(typeof(ISoftmaxCrossEntropy<>), typeof(ISoftmax<>))]
    public void Logit_gradient_equals_softmax_minus_target(string implementation) =>
        Check(implementation, Generate<T>.LogitsWithTarget, (impl, c) =>
        {
            var fused = Agreement.Filled<T>(c.N, Agreement.Sentinel);
            impl.As<ISoftmaxCrossEntropy<T>>().CrossEntropyLogitGradient(c.Y, c.Z, fused);
            var yhat = new T[c.N];
            impl.As<ISoftmax<T>>().Softmax(c.Z, yhat);
            double mass = Accuracy.Sum(c.YD);
            var composed = new double[c.N];
            for (int i = 0; i < c.N; i++) composed[i] = mass * Fp<T>.ToDouble(yhat[i]) - c.YD[i];
            var bound = Accuracy.LogitGradient<T>(c.YD, c.ZD);
            var softmaxBound = Accuracy.Softmax<T>(c.ZD);
            for (int i = 0; i < c.N; i++) bound[i] += mass * softmaxBound[i] + Fp<double>.U * 2 * (mass + c.YD[i]);
            return Agreement.Vector<T>("∂L/∂z vs (Σy)·softmax(z) − y", Fp<T>.ToDouble(fused), composed, bound);
        });

    /// <summary>The linear layer's fused loss and gradients equal Forward, then CE from logits and ŷ − y at those logits, then x(ŷ − y)ᵀ.</summary>
    [ForEachImplementation, Spec("GRAD-FUSED", "LIN-GRAD-W", "LIN-GRAD-B", "ACC-XENT-LOGITS")]
    [Requires(typeof(ILinearLayer<>), typeof(ISoftmaxCrossEntropy<>))]
    public void Linear_layer_equals_forward_then_softmax_cross_entropy(string implementation) =>
        Check(implementation, LinearCases<T>.FullPrecision, (impl, c) =>
        {
            var layer = impl.As<ILinearLayer<T>>();
            var gw = Agreement.Filled<T>(c.M * c.N, Agreement.Sentinel);
            var gb = Agreement.Filled<T>(c.N, Agreement.Sentinel);
            double fused = Fp<T>.ToDouble(layer.LossAndGradients(c.X, c.W, c.B, c.Y, gw, gb));

            var z = new T[c.N];
            layer.Forward(c.X, c.W, c.B, z);
            var single = impl.As<ISoftmaxCrossEntropy<T>>();
            double loss = Fp<T>.ToDouble(single.CrossEntropyFromLogits(c.Y, z));
            var g = new T[c.N];
            single.CrossEntropyLogitGradient(c.Y, z, g);
            double[] bias = Fp<T>.ToDouble(g);
            var weights = new double[c.M * c.N];
            for (int i = 0; i < c.M; i++)
                for (int j = 0; j < c.N; j++) weights[i * c.N + j] = c.XD[i] * bias[j];

            var (bw, bb) = LinearAccuracy.Gradients<T>(c.XD, c.WD, c.BD, c.YD);
            return Agreement.Scalar<T>("fused L vs CE(y, Forward(x))", fused, loss, 2 * LinearAccuracy.Loss<T>(c.XD, c.WD, c.BD, c.YD))
                 & Agreement.Vector<T>("fused ∂L/∂W vs x(ŷ − y)ᵀ", Fp<T>.ToDouble(gw), weights, Agreement.Plus(bw, bw))
                 & Agreement.Vector<T>("fused ∂L/∂b vs ŷ − y", Fp<T>.ToDouble(gb), bias, Agreement.Plus(bb, bb));
        });

    /// <summary>
    /// The sequence loss equals its steps: zₜ = row x_{t−1} of W plus b (formed in T), CE from logits
    /// and ŷₜ − e_{xₜ} per step, averaged over T, plus λ·½‖W‖² and λW.
    /// </summary>
    [ForEachImplementation, Spec("GRAD-FUSED", "SEQ-DEF", "SEQ-GRAD", "SEQ-L2", "ACC-XENT-LOGITS")]
    [Requires(typeof(ISequenceLoss<>), typeof(ISoftmaxCrossEntropy<>))]
    public void Sequence_loss_equals_its_steps(string implementation) =>
        Check(implementation, SequenceCases<T>.FullPrecision, (impl, c) =>
        {
            int v = c.V;
            var gw = Agreement.Filled<T>(v * v, Agreement.Sentinel);
            var gb = Agreement.Filled<T>(v, Agreement.Sentinel);
            double fused = Fp<T>.ToDouble(impl.As<ISequenceLoss<T>>().LossAndGradients(c.Tokens, v, c.W, c.B, c.Lambda, gw, gb));

            var single = impl.As<ISoftmaxCrossEntropy<T>>();
            double nll = 0, squares = 0;
            var weights = new double[v * v];
            var bias = new double[v];
            var z = new T[v];
            var g = new T[v];
            for (int t = 1; t <= c.Steps; t++)
            {
                int row = c.Tokens[t - 1];
                for (int j = 0; j < v; j++) z[j] = c.W[row * v + j] + c.B[j];   // row lookup, in T
                var y = Fp<T>.From(GradientAccuracy.OneHot(v, c.Tokens[t]));
                nll += Fp<T>.ToDouble(single.CrossEntropyFromLogits(y, z));
                single.CrossEntropyLogitGradient(y, z, g);
                for (int j = 0; j < v; j++)
                {
                    weights[row * v + j] += Fp<T>.ToDouble(g[j]) / c.Steps;
                    bias[j] += Fp<T>.ToDouble(g[j]) / c.Steps;
                }
            }
            for (int k = 0; k < v * v; k++)
            {
                squares += c.WD[k] * c.WD[k];
                weights[k] += c.LambdaD * c.WD[k];
            }
            double loss = nll / c.Steps + (c.LambdaD == 0 ? 0 : c.LambdaD * 0.5 * squares);

            var (bw, bb) = SequenceAccuracy.Gradients<T>(c.Tokens, v, c.WD, c.BD, c.LambdaD);
            return Agreement.Scalar<T>("fused L vs its steps", fused, loss, 2 * SequenceAccuracy.Loss<T>(c.Tokens, v, c.WD, c.BD, c.LambdaD))
                 & Agreement.Vector<T>("fused ∂L/∂W vs its steps", Fp<T>.ToDouble(gw), weights, Agreement.Plus(bw, bw))
                 & Agreement.Vector<T>("fused ∂L/∂b vs its steps", Fp<T>.ToDouble(gb), bias, Agreement.Plus(bb, bb));
        });
}
