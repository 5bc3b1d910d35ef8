using System.Numerics;
using LossConformance.Optimized.Cpu.Simd;

namespace LossConformance.Optimized.Cpu;

/// <summary>
/// Entropy, cross-entropy and KL divergence (spec/entropy.md, spec/cross-entropy.md,
/// spec/kl-divergence.md): one vectorized map-reduce each. 0 · ln 0 = 0 and the +∞ of a support
/// mismatch come from masks, not branches: ln 0 = −∞, so pᵢ ln qᵢ = −∞ where pᵢ &gt; 0 = qᵢ, and
/// every term with pᵢ = 0 is selected to 0.
/// </summary>
public sealed partial class OptimizedCpuImplementation :
    IEntropy<float>, IEntropy<double>, ICrossEntropy<float>, ICrossEntropy<double>, IKlDivergence<float>, IKlDivergence<double>
{
    /// <inheritdoc/>
    public float Entropy(ReadOnlySpan<float> p) => EntropyKernels.Entropy(p);
    /// <inheritdoc/>
    public double Entropy(ReadOnlySpan<double> p) => EntropyKernels.Entropy(p);
    /// <inheritdoc/>
    public float CrossEntropy(ReadOnlySpan<float> p, ReadOnlySpan<float> q) => EntropyKernels.CrossEntropy(p, q);
    /// <inheritdoc/>
    public double CrossEntropy(ReadOnlySpan<double> p, ReadOnlySpan<double> q) => EntropyKernels.CrossEntropy(p, q);
    /// <inheritdoc/>
    public float KlDivergence(ReadOnlySpan<float> p, ReadOnlySpan<float> q) => EntropyKernels.KlDivergence(p, q);
    /// <inheritdoc/>
    public double KlDivergence(ReadOnlySpan<double> p, ReadOnlySpan<double> q) => EntropyKernels.KlDivergence(p, q);
}

internal static class EntropyKernels
{
    /// <summary>H(p) = −Σᵢ pᵢ ln pᵢ. Spec: <c>ENT-DEF</c>.</summary>
    public static T Entropy<T>(ReadOnlySpan<T> p) where T : unmanaged, IFloatingPointIeee754<T>
    {
        InputRules.Distribution(p, nameof(p));
        return -Driver.Sum(new XLogX<T>(), p);
    }

    /// <summary>H(p, q) = −Σᵢ pᵢ ln qᵢ, +∞ where pᵢ &gt; 0 = qᵢ. Spec: <c>XENT-DEF</c>, <c>XENT-SUPPORT</c>.</summary>
    public static T CrossEntropy<T>(ReadOnlySpan<T> p, ReadOnlySpan<T> q) where T : unmanaged, IFloatingPointIeee754<T>
    {
        InputRules.Distribution(p, nameof(p));
        InputRules.Distribution(q, nameof(q));
        InputRules.SameLength(p, nameof(p), q, nameof(q));
        return -Driver.Sum(new XLogY<T>(), p, q);
    }

    /// <summary>D(p ‖ q) = Σᵢ pᵢ (ln pᵢ − ln qᵢ), +∞ where pᵢ &gt; 0 = qᵢ. Spec: <c>KL-DEF</c>, <c>KL-SUPPORT</c>.</summary>
    public static T KlDivergence<T>(ReadOnlySpan<T> p, ReadOnlySpan<T> q) where T : unmanaged, IFloatingPointIeee754<T>
    {
        InputRules.Distribution(p, nameof(p));
        InputRules.Distribution(q, nameof(q));
        InputRules.SameLength(p, nameof(p), q, nameof(q));
        return Driver.Sum(new XLogXOverY<T>(), p, q);
    }
}
