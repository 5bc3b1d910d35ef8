using System.Buffers;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using LossConformance.Optimized.Cpu.Simd;

namespace LossConformance.Optimized.Cpu;

/// <summary>The teacher-forced bigram sequence loss (spec/sequence-loss.md).</summary>
public sealed partial class OptimizedCpuImplementation : ISequenceLoss<float>, ISequenceLoss<double>
{
    /// <inheritdoc/>
    public float LossAndGradients(ReadOnlySpan<int> tokens, int vocabulary, ReadOnlySpan<float> weights, ReadOnlySpan<float> bias, float lambda,
                                  Span<float> weightGradient, Span<float> biasGradient) =>
        SequenceLossKernels.LossAndGradients(tokens, vocabulary, weights, bias, lambda, weightGradient, biasGradient);
    /// <inheritdoc/>
    public double LossAndGradients(ReadOnlySpan<int> tokens, int vocabulary, ReadOnlySpan<double> weights, ReadOnlySpan<double> bias, double lambda,
                                   Span<double> weightGradient, Span<double> biasGradient) =>
        SequenceLossKernels.LossAndGradients(tokens, vocabulary, weights, bias, lambda, weightGradient, biasGradient);
}

internal static class SequenceLossKernels
{
    /// <summary>
    /// Per step t: zₜ = W[x_{t−1}] + b (one vector addition), the row statistics with the next
    /// token's term apart (as the fused kernel), ℓₜ = ln s − (zₜ[xₜ] − m), and the step's gradient
    /// exp(zₜ − m)/(sT) added into row x_{t−1} of ∂L/∂W and into ∂L/∂b by fused multiply-adds; the
    /// next token's entry gets (ŷ − 1)/T (Driver.LabelGradient) in one addition. Then λW and λ·½‖W‖².
    /// Spec: <c>SEQ-DEF</c>, <c>SEQ-GRAD</c>, <c>SEQ-L2</c>.
    /// </summary>
    public static T LossAndGradients<T>(ReadOnlySpan<int> tokens, int vocabulary, ReadOnlySpan<T> weights, ReadOnlySpan<T> bias, T lambda,
                                        Span<T> weightGradient, Span<T> biasGradient) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int v = vocabulary;
        InputRules.SequenceLoss<T>(tokens, v, weights, bias, lambda, weightGradient, biasGradient);
        ref T w = ref MemoryMarshal.GetReference(weights);
        ref T b = ref MemoryMarshal.GetReference(bias);
        for (int t = 1; t < tokens.Length; t++)   // reject overflowing logits before anything is written
        {
            int context = tokens[t - 1];
            if (!T.IsFinite(Driver.Sum(new SumOverflowProbe<T>(), ref Unsafe.Add(ref w, (nint)context * v), ref b, v)))
                throw new ArgumentException($"a logit W[{context}, j] + b[j] overflows; the logits must be finite (INPUT-NAN).", nameof(weights));
        }

        int steps = tokens.Length - 1;
        T perStep = T.One / T.CreateTruncating(steps);
        weightGradient.Clear();
        biasGradient.Clear();
        ref T gw = ref MemoryMarshal.GetReference(weightGradient);
        ref T gb = ref MemoryMarshal.GetReference(biasGradient);
        T[] scratch = ArrayPool<T>.Shared.Rent(v);
        try
        {
            ref T z = ref MemoryMarshal.GetArrayDataReference(scratch);
            T nll = T.Zero;
            for (int t = 1; t <= steps; t++)
            {
                int context = tokens[t - 1], next = tokens[t];
                ref T row = ref Unsafe.Add(ref w, (nint)context * v);
                ref T gRow = ref Unsafe.Add(ref gw, (nint)context * v);
                Driver.Map(new Plus<T>(), ref row, ref b, ref z, v);
                (T m, T s, T other, T label) = Driver.RowStatistics(ref z, v, next);
                nll += Scalar<T>.Log(s) - (Unsafe.Add(ref z, next) - m);
                T c = perStep / s;
                T gwNext = Unsafe.Add(ref gRow, next), gbNext = Unsafe.Add(ref gb, next);
                var step = new AccumulateExpShiftedScaled<T>(m, c);
                Driver.Map(step, ref z, ref gRow, ref gRow, v);
                Driver.Map(step, ref z, ref gb, ref gb, v);
                T gNext = Driver.LabelGradient(other, label, c, perStep);   // (ŷ − 1)/T without cancellation
                Unsafe.Add(ref gRow, next) = gwNext + gNext;
                Unsafe.Add(ref gb, next) = gbNext + gNext;
            }

            T penalty = T.Zero;
            if (lambda != T.Zero)   // λ = 0: no term, even if ‖W‖² overflows (0 · ∞ = NaN)
            {
                penalty = lambda * T.CreateTruncating(0.5) * Driver.Sum(new Square<T>(), weights);
                Driver.Map(new AddScaled<T>(lambda), weights, weightGradient, weightGradient);
            }
            return nll / T.CreateTruncating(steps) + penalty;
        }
        finally { ArrayPool<T>.Shared.Return(scratch); }
    }
}
