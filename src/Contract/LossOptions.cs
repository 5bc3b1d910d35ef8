using System.Numerics;

namespace LossConformance;

/// <summary>
/// The options of a batched softmax-cross-entropy beyond hard labels, as the fused kernels of
/// pretraining offer them. The defaults give the plain loss of <see cref="IBatchedSoftmaxCrossEntropy{T}"/>.
/// Spec: spec/loss-options.md, which states each option's formula, gradient and how they compose.
/// <list type="table">
/// <item><term><see cref="IgnoreIndex"/></term><description>PyTorch <c>ignore_index</c>, Liger <c>ignore_index</c></description></item>
/// <item><term><see cref="LabelSmoothing"/></term><description>PyTorch and Liger <c>label_smoothing</c> (ε ∈ [0, 1])</description></item>
/// <item><term><see cref="ZLossScale"/></term><description>Liger <c>lse_square_scale</c> (λ_z ≥ 0, the PaLM z-loss λ_z·lse(z)²)</description></item>
/// <item><term><see cref="SoftCap"/></term><description>Liger <c>softcap</c> (c &gt; 0; z' = c·tanh(z/c); +∞ is no cap)</description></item>
/// <item><term><see cref="ClassWeights"/></term><description>PyTorch <c>weight</c>, Liger <c>weight</c> (one non-negative weight per class; empty is all ones)</description></item>
/// </list>
/// </summary>
public sealed record CrossEntropyOptions<T> where T : IFloatingPointIeee754<T>
{
    /// <summary>A target equal to this is not counted (any int; see spec for one that is also a class).</summary>
    public int IgnoreIndex { get; init; } = -100;

    /// <summary>ε: the target is (1 − ε)·e_t + ε/V. 0 is no smoothing.</summary>
    public T LabelSmoothing { get; init; } = T.Zero;

    /// <summary>λ_z: adds λ_z·lse(z)² per counted token. 0 is no z-loss.</summary>
    public T ZLossScale { get; init; } = T.Zero;

    /// <summary>c: logits are replaced by c·tanh(z/c) before the softmax. +∞ is no cap.</summary>
    public T SoftCap { get; init; } = T.PositiveInfinity;

    /// <summary>w: one weight per class (length = classes), or empty for no weights.</summary>
    public ReadOnlyMemory<T> ClassWeights { get; init; } = ReadOnlyMemory<T>.Empty;

    /// <summary>The plain loss: no smoothing, no z-loss, no cap, no weights, ignore index −100.</summary>
    public static CrossEntropyOptions<T> None { get; } = new();
}

/// <summary>A reduced loss and, of it, the part the z-loss contributes (Liger's <c>return_z_loss</c>).</summary>
/// <param name="Loss">The whole reduced loss, z-loss included.</param>
/// <param name="ZLoss">The z-loss term alone, reduced the same way; 0 when λ_z = 0.</param>
public readonly record struct CrossEntropyResult<T>(T Loss, T ZLoss);

/// <summary>
/// Optional capability: fused, batched softmax-cross-entropy forward and backward with the options of
/// <see cref="CrossEntropyOptions{T}"/>. An implementation that offers only the plain
/// <see cref="IBatchedSoftmaxCrossEntropy{T}"/> still conforms; the option tests are then skipped
/// with the reason. Spec: spec/loss-options.md.
/// </summary>
public interface IBatchedSoftmaxCrossEntropyWithOptions<T> where T : IFloatingPointIeee754<T>
{
    /// <summary>
    /// logits is a [rows × classes] row-major matrix; targets[r] ∈ [0, classes) or options.IgnoreIndex.
    /// Returns the loss reduced by <paramref name="reduction"/> (Mean divides by the total weight of the
    /// counted tokens) with its z-loss part, and writes ∂loss/∂logits into gradient ([rows × classes]).
    /// </summary>
    CrossEntropyResult<T> ForwardBackward(ReadOnlySpan<T> logits, int classes, ReadOnlySpan<int> targets,
                                          CrossEntropyOptions<T> options, LossReduction reduction, Span<T> gradient);

    /// <summary>
    /// Reduction none (PyTorch <c>reduction='none'</c>): writes the per-token losses ℓᵣ, z-loss included,
    /// into losses ([rows]; 0 for ignored tokens) and, given an upstream gradient uᵣ = ∂J/∂ℓᵣ per token
    /// (upstream, [rows]), writes row r of gradient as uᵣ·∂ℓᵣ/∂zᵣ (0 for ignored tokens).
    /// </summary>
    void ForwardBackwardPerToken(ReadOnlySpan<T> logits, int classes, ReadOnlySpan<int> targets,
                                 CrossEntropyOptions<T> options, ReadOnlySpan<T> upstream,
                                 Span<T> losses, Span<T> gradient);
}
