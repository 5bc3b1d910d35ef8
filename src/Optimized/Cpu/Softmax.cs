using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using LossConformance.Optimized.Cpu.Simd;

namespace LossConformance.Optimized.Cpu;

/// <summary>
/// Softmax, log-softmax, logsumexp and the Jacobian (spec/softmax.md): the statistics (m, s) from
/// <see cref="Driver.MaxSumExp{T}"/>, then one vectorized output pass.
/// </summary>
public sealed partial class OptimizedCpuImplementation :
    ISoftmax<float>, ISoftmax<double>, ISoftmaxJacobian<float>, ISoftmaxJacobian<double>
{
    /// <inheritdoc/>
    public void Softmax(ReadOnlySpan<float> logits, Span<float> probabilities) => SoftmaxKernels.Softmax(logits, probabilities);
    /// <inheritdoc/>
    public void Softmax(ReadOnlySpan<double> logits, Span<double> probabilities) => SoftmaxKernels.Softmax(logits, probabilities);
    /// <inheritdoc/>
    public void LogSoftmax(ReadOnlySpan<float> logits, Span<float> logProbabilities) => SoftmaxKernels.LogSoftmax(logits, logProbabilities);
    /// <inheritdoc/>
    public void LogSoftmax(ReadOnlySpan<double> logits, Span<double> logProbabilities) => SoftmaxKernels.LogSoftmax(logits, logProbabilities);
    /// <inheritdoc/>
    public float LogSumExp(ReadOnlySpan<float> logits) => SoftmaxKernels.LogSumExp(logits);
    /// <inheritdoc/>
    public double LogSumExp(ReadOnlySpan<double> logits) => SoftmaxKernels.LogSumExp(logits);
    /// <inheritdoc/>
    public void SoftmaxJacobian(ReadOnlySpan<float> logits, Span<float> jacobian) => SoftmaxKernels.Jacobian(logits, jacobian);
    /// <inheritdoc/>
    public void SoftmaxJacobian(ReadOnlySpan<double> logits, Span<double> jacobian) => SoftmaxKernels.Jacobian(logits, jacobian);
}

internal static class SoftmaxKernels
{
    /// <summary>ŷᵢ = exp(zᵢ − m)/s (the direct route of ACC-SOFTMAX). Spec: <c>SMAX-DEF</c>.</summary>
    public static void Softmax<T>(ReadOnlySpan<T> logits, Span<T> probabilities) where T : unmanaged, IFloatingPointIeee754<T>
    {
        InputRules.Softmax<T>(logits, probabilities, nameof(probabilities));
        Into(ref MemoryMarshal.GetReference(logits), ref MemoryMarshal.GetReference(probabilities), logits.Length);
    }

    /// <summary>ŷ of n logits into destination (which may be the logits' memory).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void Into<T>(ref T z, ref T destination, int n) where T : unmanaged, IFloatingPointIeee754<T>
    {
        (T m, T s) = Driver.MaxSumExp(ref z, n);
        Driver.Map(new ExpShiftedDivided<T>(m, s), ref z, ref destination, n);
    }

    /// <summary>ℓᵢ = (zᵢ − m) − ln s, from d = z − m. Spec: <c>SMAX-LOG</c>.</summary>
    public static void LogSoftmax<T>(ReadOnlySpan<T> logits, Span<T> logProbabilities) where T : unmanaged, IFloatingPointIeee754<T>
    {
        InputRules.Softmax<T>(logits, logProbabilities, nameof(logProbabilities));
        ref T z = ref MemoryMarshal.GetReference(logits);
        (T m, T s) = Driver.MaxSumExp(ref z, logits.Length);
        Driver.Map(new LogSoftmaxOf<T>(m, Scalar<T>.Log(s)), ref z, ref MemoryMarshal.GetReference(logProbabilities), logits.Length);
    }

    /// <summary>m + ln s. Spec: <c>SMAX-LOG</c>.</summary>
    public static T LogSumExp<T>(ReadOnlySpan<T> logits) where T : unmanaged, IFloatingPointIeee754<T>
    {
        InputRules.Finite(logits, nameof(logits));
        (T m, T s) = Driver.MaxSumExp(ref MemoryMarshal.GetReference(logits), logits.Length);
        return m + Scalar<T>.Log(s);
    }

    /// <summary>
    /// Jᵢⱼ = ŷᵢ(δᵢⱼ − ŷⱼ): ŷ is computed into the last row, each row i is then −ŷᵢ·ŷ (one vector
    /// scaling) with the diagonal ŷᵢ(1 − ŷᵢ); the last row is scaled in place, last. No scratch memory.
    /// Spec: <c>SMAX-JACOBIAN</c>.
    /// </summary>
    public static void Jacobian<T>(ReadOnlySpan<T> logits, Span<T> jacobian) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int n = logits.Length;
        InputRules.SoftmaxJacobian<T>(logits, jacobian);
        ref T j0 = ref MemoryMarshal.GetReference(jacobian);
        ref T y = ref Unsafe.Add(ref j0, (nint)(n - 1) * n);
        Into(ref MemoryMarshal.GetReference(logits), ref y, n);
        for (int i = 0; i < n; i++)
        {
            T yi = Unsafe.Add(ref y, i);
            ref T row = ref Unsafe.Add(ref j0, (nint)i * n);
            Driver.Map(new Scale<T>(-yi), ref y, ref row, n);   // the last row (i = n − 1) is y itself: in place
            Unsafe.Add(ref row, i) = yi * (T.One - yi);
        }
    }
}
