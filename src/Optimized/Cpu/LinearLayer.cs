using System.Buffers;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using LossConformance.Optimized.Cpu.Simd;

namespace LossConformance.Optimized.Cpu;

/// <summary>A linear layer z = Wᵀx + b with softmax-cross-entropy on top (spec/linear-layer.md).</summary>
public sealed partial class OptimizedCpuImplementation : ILinearLayer<float>, ILinearLayer<double>
{
    /// <inheritdoc/>
    public void Forward(ReadOnlySpan<float> x, ReadOnlySpan<float> weights, ReadOnlySpan<float> bias, Span<float> logits) => LinearLayerKernels.Forward(x, weights, bias, logits);
    /// <inheritdoc/>
    public void Forward(ReadOnlySpan<double> x, ReadOnlySpan<double> weights, ReadOnlySpan<double> bias, Span<double> logits) => LinearLayerKernels.Forward(x, weights, bias, logits);
    /// <inheritdoc/>
    public float LossAndGradients(ReadOnlySpan<float> x, ReadOnlySpan<float> weights, ReadOnlySpan<float> bias, ReadOnlySpan<float> target,
                                  Span<float> weightGradient, Span<float> biasGradient) =>
        LinearLayerKernels.LossAndGradients(x, weights, bias, target, weightGradient, biasGradient);
    /// <inheritdoc/>
    public double LossAndGradients(ReadOnlySpan<double> x, ReadOnlySpan<double> weights, ReadOnlySpan<double> bias, ReadOnlySpan<double> target,
                                   Span<double> weightGradient, Span<double> biasGradient) =>
        LinearLayerKernels.LossAndGradients(x, weights, bias, target, weightGradient, biasGradient);
}

internal static class LinearLayerKernels
{
    /// <summary>z = Wᵀx + b. Spec: <c>LIN-SHAPE</c>.</summary>
    public static void Forward<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> weights, ReadOnlySpan<T> bias, Span<T> logits) where T : unmanaged, IFloatingPointIeee754<T>
    {
        InputRules.LinearForward<T>(x, weights, bias, logits);
        T[] scratch = ArrayPool<T>.Shared.Rent(bias.Length);
        try
        {
            Span<T> z = scratch.AsSpan(0, bias.Length);
            Logits(x, weights, bias, z);   // may still reject (overflow) before logits is written
            z.CopyTo(logits);
        }
        finally { ArrayPool<T>.Shared.Return(scratch); }
    }

    /// <summary>L, ∂L/∂b = (Σy)ŷ − y and ∂L/∂W = x (∂L/∂b)ᵀ, one vector scaling per row of W. Spec: <c>LIN-GRAD-W</c>, <c>LIN-GRAD-B</c>.</summary>
    public static T LossAndGradients<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> weights, ReadOnlySpan<T> bias, ReadOnlySpan<T> target,
                                        Span<T> weightGradient, Span<T> biasGradient) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int m = x.Length, n = bias.Length;
        InputRules.LinearLayerLoss<T>(x, weights, bias, target, weightGradient, biasGradient);
        T[] scratch = ArrayPool<T>.Shared.Rent(n);
        try
        {
            Span<T> z = scratch.AsSpan(0, n);
            Logits(x, weights, bias, z);
            T loss = SoftmaxCrossEntropyKernels.FromLogitsCore<T>(target, z);
            SoftmaxCrossEntropyKernels.LogitGradientCore<T>(target, z, biasGradient);
            ref T g = ref MemoryMarshal.GetReference(biasGradient);
            ref T w = ref MemoryMarshal.GetReference(weightGradient);
            for (int i = 0; i < m; i++)
                Driver.Map(new Scale<T>(x[i]), ref g, ref Unsafe.Add(ref w, (nint)i * n), n);   // row i: xᵢ · ∂L/∂z
            return loss;
        }
        finally { ArrayPool<T>.Shared.Return(scratch); }
    }

    /// <summary>zⱼ = bⱼ + Σᵢ xᵢWᵢⱼ as m fused axpy passes over z (each a vector FMA z ← xᵢ·Wᵢ + z); throws on overflow.</summary>
    private static void Logits<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> weights, ReadOnlySpan<T> bias, Span<T> z) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int n = bias.Length;
        bias.CopyTo(z);
        ref T zr = ref MemoryMarshal.GetReference(z);
        ref T w = ref MemoryMarshal.GetReference(weights);
        for (int i = 0; i < x.Length; i++)
            Driver.Map(new AddScaled<T>(x[i]), ref Unsafe.Add(ref w, (nint)i * n), ref zr, ref zr, n);
        for (int j = 0; j < n; j++)
            if (!T.IsFinite(z[j]))
                throw new ArgumentException($"z[{j}] = (Wᵀx + b)[{j}] overflows to {z[j]}; the logits must be finite (INPUT-NAN).", nameof(weights));
    }
}
