using System.Numerics;
using TorchSharp;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace LossConformance.Optimized.Torch;

public sealed partial class TorchImplementation :
    IBatchedSoftmaxCrossEntropyWithOptions<float>, IBatchedSoftmaxCrossEntropyWithOptions<double>
{
    private TorchLossOptions<float>? _optionsSingle;
    private TorchLossOptions<double>? _optionsDouble;

    private TorchLossOptions<float> OF => _optionsSingle ??= new(TorchDevices.ToTorch(Device));
    private TorchLossOptions<double> OD => _optionsDouble ??= new(TorchDevices.ToTorch(Device));

    public CrossEntropyResult<float> ForwardBackward(ReadOnlySpan<float> logits, int classes, ReadOnlySpan<int> targets,
                                                     CrossEntropyOptions<float> options, LossReduction reduction, Span<float> gradient) =>
        OF.ForwardBackward(logits, classes, targets, options, reduction, gradient);
    public CrossEntropyResult<double> ForwardBackward(ReadOnlySpan<double> logits, int classes, ReadOnlySpan<int> targets,
                                                      CrossEntropyOptions<double> options, LossReduction reduction, Span<double> gradient) =>
        OD.ForwardBackward(logits, classes, targets, options, reduction, gradient);

    public void ForwardBackwardPerToken(ReadOnlySpan<float> logits, int classes, ReadOnlySpan<int> targets, CrossEntropyOptions<float> options,
                                        ReadOnlySpan<float> upstream, Span<float> losses, Span<float> gradient) =>
        OF.ForwardBackwardPerToken(logits, classes, targets, options, upstream, losses, gradient);
    public void ForwardBackwardPerToken(ReadOnlySpan<double> logits, int classes, ReadOnlySpan<int> targets, CrossEntropyOptions<double> options,
                                        ReadOnlySpan<double> upstream, Span<double> losses, Span<double> gradient) =>
        OD.ForwardBackwardPerToken(logits, classes, targets, options, upstream, losses, gradient);
}

/// <summary>
/// The loss options (spec/loss-options.md) as torch code writes them: z' = c·tanh(z/c) by torch ops,
/// F.cross_entropy(z', t, weight, ignore_index, reduction, label_smoothing) for the CE part (PyTorch's own
/// weighted mean over Σ w_{tᵣ} and its smoothing term), λ_z·lse(z')² masked to the counted rows for the
/// z-loss (Liger's: unweighted, its mean over N), and autograd for every gradient: backward() of the reduced
/// loss, or backward(upstream) of the per-token loss vector for reduction none. Inputs are checked by
/// <see cref="InputRules"/> before any tensor is made. Two places compose around libtorch: the means of
/// LOSSOPT-ZERO-WEIGHT (N = 0, W_K = 0), where F.cross_entropy divides 0 by 0, are decided on the host; and
/// lse is shifted by the detached max before torch.logsumexp, whose own backward is not accurate for large
/// logits. Both are measured in tests/SelfTests/TorchLossOptionsFindings.cs.
/// </summary>
internal sealed class TorchLossOptions<T>(Device device) where T : unmanaged, IFloatingPointIeee754<T>
{
    public CrossEntropyResult<T> ForwardBackward(ReadOnlySpan<T> logits, int classes, ReadOnlySpan<int> targets,
                                                 CrossEntropyOptions<T> options, LossReduction reduction, Span<T> gradient)
    {
        int rows = InputRules.BatchedCrossEntropyWithOptions(logits, classes, targets, options, reduction, gradient);
        bool mean = reduction == LossReduction.Mean;
        // The 0/0 means of LOSSOPT-ZERO-WEIGHT, decided on the host before torch divides (F.cross_entropy's mean is NaN
        // for N = 0 and for W_K = 0, with smoothing too: TorchLossOptionsFindings.Cross_entropy_mean_with_zero_total_weight_is_nan_or_infinite).
        var (counted, weightOfCounted) = Denominators(targets, options);
        bool crossEntropy = !(mean && weightOfCounted == T.Zero);   // W_K = 0: the CE part of the mean is 0, and its gradient
        bool zLoss = options.ZLossScale != T.Zero;                  // as torch code adds the z-loss: only when it is on
        if (counted == 0 || !(crossEntropy || zLoss))
        {
            gradient.Clear();
            return new(T.Zero, T.Zero);
        }

        using var scope = NewDisposeScope();
        var z = Tensors<T>.From(logits, device, requiresGrad: true, rows, classes);
        var t = Tensors<T>.Indices(targets, device);
        var capped = Capped(z, options);
        Tensor? loss = crossEntropy ? CrossEntropy(capped, t, options, mean ? nn.Reduction.Mean : nn.Reduction.Sum) : null;
        Tensor? zl = null;
        if (zLoss)
        {
            zl = ZLossPerToken(capped, t, options).sum();
            if (mean) zl = zl / (double)counted;   // Liger: z_loss / n_non_ignore
            loss = loss is null ? zl : loss + zl;
        }
        loss!.backward();
        Tensors<T>.CopyTo(z.grad!, gradient);
        return new(Tensors<T>.Scalar(loss), zl is null ? T.Zero : Tensors<T>.Scalar(zl));
    }

    public void ForwardBackwardPerToken(ReadOnlySpan<T> logits, int classes, ReadOnlySpan<int> targets, CrossEntropyOptions<T> options,
                                        ReadOnlySpan<T> upstream, Span<T> losses, Span<T> gradient)
    {
        int rows = InputRules.BatchedCrossEntropyPerToken(logits, classes, targets, options, upstream, losses, gradient);
        using var scope = NewDisposeScope();
        var z = Tensors<T>.From(logits, device, requiresGrad: true, rows, classes);
        var t = Tensors<T>.Indices(targets, device);
        var capped = Capped(z, options);
        var perToken = CrossEntropy(capped, t, options, nn.Reduction.None);
        if (options.ZLossScale != T.Zero) perToken = perToken + ZLossPerToken(capped, t, options);
        perToken.backward([Tensors<T>.From(upstream, device)]);
        Tensors<T>.CopyTo(perToken, losses);
        Tensors<T>.CopyTo(z.grad!, gradient);
    }

    /// <summary>z' = c·tanh(z/c) (z itself when c = +∞); autograd carries the chain rule back through it.</summary>
    private static Tensor Capped(Tensor z, CrossEntropyOptions<T> options)
    {
        T cap = options.SoftCap;
        if (T.IsPositiveInfinity(cap)) return z;
        double c = double.CreateChecked(cap);
        return torch.tanh(z / c) * c;
    }

    /// <summary>F.cross_entropy with the class weights, the ignore index and the label smoothing: PyTorch's own definition.</summary>
    private Tensor CrossEntropy(Tensor capped, Tensor t, CrossEntropyOptions<T> options, nn.Reduction reduction)
    {
        Tensor? weight = options.ClassWeights.IsEmpty ? null : Tensors<T>.From(options.ClassWeights.Span, device);
        return F.cross_entropy(capped, t, weight: weight, ignore_index: options.IgnoreIndex, reduction: reduction,
                               label_smoothing: double.CreateChecked(options.LabelSmoothing));
    }

    /// <summary>
    /// λ_z·lse(z')² per row, 0 on ignored rows. lse = m + logsumexp(z' − m) with m = max z' detached (its
    /// derivative is 0 exactly): torch.logsumexp's backward is exp(z' − lse) with lse rounded at the magnitude
    /// of the logits, a relative error u·|lse| in ŷ (TorchLossOptionsFindings.Logsumexp_backward_errs_by_u_times_lse);
    /// shifted, the backward is exp((z' − m) − lse₀) with lse₀ ∈ [0, ln V], the softmax route of ACC-SOFTMAX.
    /// </summary>
    private static Tensor ZLossPerToken(Tensor capped, Tensor t, CrossEntropyOptions<T> options)
    {
        var m = capped.amax([1], keepdim: true).detach();
        var lse = torch.logsumexp(capped - m, 1, keepdim: false) + m.squeeze(1);
        var counted = t.ne(options.IgnoreIndex).to_type(Tensors<T>.DType);
        return lse.square() * double.CreateChecked(options.ZLossScale) * counted;
    }

    /// <summary>N = the counted rows and W_K = Σ w_{tᵣ} over them, in row order.</summary>
    private static (int Counted, T Weight) Denominators(ReadOnlySpan<int> targets, CrossEntropyOptions<T> options)
    {
        ReadOnlySpan<T> w = options.ClassWeights.Span;
        int counted = 0;
        T weight = T.Zero;
        foreach (int target in targets)
        {
            if (target == options.IgnoreIndex) continue;
            counted++;
            weight += w.IsEmpty ? T.One : w[target];
        }
        return (counted, weight);
    }
}
