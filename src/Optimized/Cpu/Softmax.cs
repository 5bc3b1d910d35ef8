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

    /// <summary>ℓᵢ = (zᵢ − m) − ln s, from d = z − m, ln s by <see cref="LnSum{T}"/>. Spec: <c>SMAX-LOG</c>, <c>STRICT-LOGSOFTMAX</c>.</summary>
    public static void LogSoftmax<T>(ReadOnlySpan<T> logits, Span<T> logProbabilities) where T : unmanaged, IFloatingPointIeee754<T>
    {
        InputRules.Softmax<T>(logits, logProbabilities, nameof(logProbabilities));
        ref T z = ref MemoryMarshal.GetReference(logits);
        (T m, T s) = Driver.MaxSumExp(ref z, logits.Length);
        Driver.Map(new LogSoftmaxOf<T>(m, LnSum(ref z, logits.Length, m, s)), ref z, ref MemoryMarshal.GetReference(logProbabilities), logits.Length);
    }

    /// <summary>m + ln s. Spec: <c>SMAX-LOG</c>, <c>STRICT-LOGSOFTMAX</c>.</summary>
    public static T LogSumExp<T>(ReadOnlySpan<T> logits) where T : unmanaged, IFloatingPointIeee754<T>
    {
        InputRules.Finite(logits, nameof(logits));
        ref T z = ref MemoryMarshal.GetReference(logits);
        (T m, T s) = Driver.MaxSumExp(ref z, logits.Length);
        return m + LnSum(ref z, logits.Length, m, s);
    }

    /// <summary>
    /// ln s from the statistics (m, ŝ) of <see cref="Driver.MaxSumExp{T}"/>, accurate relative to itself
    /// (spec/strict-accuracy.md, <c>STRICT-LOGSOFTMAX</c>). Where ŝ ≥ 2, ln ŝ: its absolute error is
    /// then a relative one, as ln s ≥ ln 2. Below, exactly one entry equals m (each maximum adds
    /// exp(0) = 1 to ŝ), and ln s = log1p(t) with the tail t = Σ_{zⱼ &lt; m} exp(zⱼ − m) summed again
    /// without the 1, which 1 + t would round away (z = (0, −40): t = 4.25e-18, ln ŝ = 0). The second
    /// pass runs only for such peaked rows; ln ŝ ≥ 0 either way, so ℓ̂ᵢ = d̂ᵢ − ln s ≤ 0.
    /// </summary>
    internal static T LnSum<T>(ref T z, int n, T m, T s) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (s >= T.One + T.One) return Scalar<T>.Log(s);
        return SoftmaxCrossEntropyKernels.Log1p(Driver.Sum(new ExpBelowMax<T>(m), ref z, n));
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

/// <summary>exp(x − m) where x &lt; m, 0 where x = m: the tail of Σ exp(zⱼ − m) without the maximum's exp(0) = 1.</summary>
internal readonly struct ExpBelowMax<T>(T m) : IUnaryOperator<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public TV Invoke<TS, TV>(TV x) where TS : ISimd<T, TV> where TV : struct
    {
        TV d = TS.Subtract(x, TS.Splat(m));
        return TS.ZeroWhereZero(d, TS.Exp(d));
    }
}
