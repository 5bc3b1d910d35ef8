using System.Numerics;
using System.Runtime.InteropServices;
using LossConformance.Optimized.Cpu.Simd;

namespace LossConformance.Optimized.Cpu;

/// <summary>Softmax-cross-entropy with soft targets, its gradients, and binary cross-entropy (spec/softmax-cross-entropy.md).</summary>
public sealed partial class OptimizedCpuImplementation :
    ISoftmaxCrossEntropy<float>, ISoftmaxCrossEntropy<double>, IBinaryCrossEntropy<float>, IBinaryCrossEntropy<double>
{
    /// <inheritdoc/>
    public float CrossEntropyFromLogits(ReadOnlySpan<float> target, ReadOnlySpan<float> logits) => SoftmaxCrossEntropyKernels.FromLogits(target, logits);
    /// <inheritdoc/>
    public double CrossEntropyFromLogits(ReadOnlySpan<double> target, ReadOnlySpan<double> logits) => SoftmaxCrossEntropyKernels.FromLogits(target, logits);
    /// <inheritdoc/>
    public void CrossEntropyLogitGradient(ReadOnlySpan<float> target, ReadOnlySpan<float> logits, Span<float> gradient) => SoftmaxCrossEntropyKernels.LogitGradient(target, logits, gradient);
    /// <inheritdoc/>
    public void CrossEntropyLogitGradient(ReadOnlySpan<double> target, ReadOnlySpan<double> logits, Span<double> gradient) => SoftmaxCrossEntropyKernels.LogitGradient(target, logits, gradient);
    /// <inheritdoc/>
    public void CrossEntropyProbabilityGradient(ReadOnlySpan<float> target, ReadOnlySpan<float> probabilities, Span<float> gradient) => SoftmaxCrossEntropyKernels.ProbabilityGradient(target, probabilities, gradient);
    /// <inheritdoc/>
    public void CrossEntropyProbabilityGradient(ReadOnlySpan<double> target, ReadOnlySpan<double> probabilities, Span<double> gradient) => SoftmaxCrossEntropyKernels.ProbabilityGradient(target, probabilities, gradient);
    /// <inheritdoc/>
    public float BinaryCrossEntropyWithLogit(float logit, float target) => SoftmaxCrossEntropyKernels.BinaryWithLogit(logit, target);
    /// <inheritdoc/>
    public double BinaryCrossEntropyWithLogit(double logit, double target) => SoftmaxCrossEntropyKernels.BinaryWithLogit(logit, target);
    /// <inheritdoc/>
    public float BinaryCrossEntropyLogitGradient(float logit, float target) => SoftmaxCrossEntropyKernels.BinaryLogitGradient(logit, target);
    /// <inheritdoc/>
    public double BinaryCrossEntropyLogitGradient(double logit, double target) => SoftmaxCrossEntropyKernels.BinaryLogitGradient(logit, target);
}

internal static class SoftmaxCrossEntropyKernels
{
    /// <summary>L = −Σᵢ yᵢ ((zᵢ − m) − ln s), with 0 where yᵢ = 0; ln s relative (<see cref="SoftmaxKernels.LnSum{T}"/>), so every term is ≥ 0 and accurate relative to itself. Spec: <c>XENT-LOGITS</c>, <c>STRICT-XENT-LOGITS</c>.</summary>
    public static T FromLogits<T>(ReadOnlySpan<T> target, ReadOnlySpan<T> logits) where T : unmanaged, IFloatingPointIeee754<T>
    {
        InputRules.CrossEntropyFromLogits<T>(target, logits);
        return FromLogitsCore(target, logits);
    }

    internal static T FromLogitsCore<T>(ReadOnlySpan<T> target, ReadOnlySpan<T> logits) where T : unmanaged, IFloatingPointIeee754<T>
    {
        ref T z = ref MemoryMarshal.GetReference(logits);
        (T m, T s) = Driver.MaxSumExp(ref z, logits.Length);
        return -Driver.Sum(new WeightedLogSoftmax<T>(m, SoftmaxKernels.LnSum(ref z, logits.Length, m, s)), target, logits);
    }

    /// <summary>∂L/∂z = (Σy)·exp(z − m)/s − y, product and difference fused. Spec: <c>GRAD-LOGITS</c>, <c>GRAD-GENERAL</c>.</summary>
    public static void LogitGradient<T>(ReadOnlySpan<T> target, ReadOnlySpan<T> logits, Span<T> gradient) where T : unmanaged, IFloatingPointIeee754<T>
    {
        InputRules.LogitGradient<T>(target, logits, gradient);
        LogitGradientCore(target, logits, gradient);
    }

    internal static void LogitGradientCore<T>(ReadOnlySpan<T> target, ReadOnlySpan<T> logits, Span<T> gradient) where T : unmanaged, IFloatingPointIeee754<T>
    {
        T mass = Driver.Sum(new Identity<T>(), target);
        (T m, T s) = Driver.MaxSumExp(ref MemoryMarshal.GetReference(logits), logits.Length);
        Driver.Map(new GeneralLogitGradient<T>(m, s, mass), target, logits, gradient);
    }

    /// <summary>∂L/∂ŷ = −y/ŷ, 0 where y = 0. Spec: <c>GRAD-PROB</c>.</summary>
    public static void ProbabilityGradient<T>(ReadOnlySpan<T> target, ReadOnlySpan<T> probabilities, Span<T> gradient) where T : unmanaged, IFloatingPointIeee754<T>
    {
        InputRules.ProbabilityGradient<T>(target, probabilities, gradient);
        Driver.Map(new NegativeRatio<T>(), target, probabilities, gradient);
    }

    /// <summary>
    /// max(z, 0) − z·y + ln(1 + e^{−|z|}), never forming σ(z), as two terms ≥ 0: z(1 − y) for z ≥ 0
    /// (|z|·y below), which z − z·y would cancel where y ≈ 1, and log1p(e^{−|z|}).
    /// Spec: <c>GRAD-BINARY</c>, <c>STRICT-BINARY</c>.
    /// </summary>
    public static T BinaryWithLogit<T>(T logit, T target) where T : unmanaged, IFloatingPointIeee754<T>
    {
        InputRules.Finite(logit, nameof(logit));
        InputRules.Probability(target, nameof(target));
        T linear = logit >= T.Zero ? logit * (T.One - target) : -logit * target;
        return linear + Log1p(Scalar<T>.Exp(-T.Abs(logit)));
    }

    /// <summary>σ(z) − y with σ in the form whose exponent is ≤ 0. Spec: <c>GRAD-BINARY</c>.</summary>
    public static T BinaryLogitGradient<T>(T logit, T target) where T : unmanaged, IFloatingPointIeee754<T>
    {
        InputRules.Finite(logit, nameof(logit));
        InputRules.Probability(target, nameof(target));
        T sigmoid;
        if (logit >= T.Zero) sigmoid = T.One / (T.One + Scalar<T>.Exp(-logit));
        else
        {
            T e = Scalar<T>.Exp(logit);
            sigmoid = e / (T.One + e);
        }
        return sigmoid - target;
    }

    /// <summary>ln(1 + x), accurate where 1 + x rounds (Goldberg, Theorem 4): relative error within γ₇ (spec/strict-accuracy.md).</summary>
    internal static T Log1p<T>(T x) where T : unmanaged, IFloatingPointIeee754<T>
    {
        T w = T.One + x;
        if (w == T.One) return x;
        return Scalar<T>.Log(w) * x / (w - T.One);
    }
}
