using System.Numerics;

namespace LossConformance;

/// <summary>The input rules of <see cref="IBatchedSoftmaxCrossEntropyWithOptions{T}"/>. Spec: <c>LOSSOPT-INPUT</c>.</summary>
public static partial class InputRules
{
    /// <summary><c>ParamName</c> of a bad label smoothing ε (NaN or outside [0, 1]).</summary>
    public const string LabelSmoothingParam = "options.LabelSmoothing";
    /// <summary><c>ParamName</c> of a bad z-loss scale λ_z (negative, NaN, ±∞).</summary>
    public const string ZLossScaleParam = "options.ZLossScale";
    /// <summary><c>ParamName</c> of a bad soft cap c (≤ 0 or NaN; +∞ is no cap).</summary>
    public const string SoftCapParam = "options.SoftCap";
    /// <summary><c>ParamName</c> of bad class weights (wrong length; negative, NaN or ±∞ entries).</summary>
    public const string ClassWeightsParam = "options.ClassWeights";

    /// <summary>
    /// The options themselves, for <paramref name="classes"/> classes: ε ∈ [0, 1], λ_z finite ≥ 0,
    /// c &gt; 0 (+∞ allowed), weights empty or of length classes with finite entries ≥ 0.
    /// Spec: <c>LOSSOPT-INPUT</c>.
    /// </summary>
    public static void LossOptions<T>(CrossEntropyOptions<T> options, int classes) where T : IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(options);
        T eps = options.LabelSmoothing;
        if (T.IsNaN(eps) || eps < T.Zero || eps > T.One)
            throw new ArgumentException($"label smoothing ε = {eps} is not in [0, 1] (LOSSOPT-INPUT).", LabelSmoothingParam);
        T lambda = options.ZLossScale;
        if (!T.IsFinite(lambda) || lambda < T.Zero)
            throw new ArgumentException($"z-loss scale λ_z = {lambda} must be finite and ≥ 0 (LOSSOPT-INPUT).", ZLossScaleParam);
        T cap = options.SoftCap;
        if (T.IsNaN(cap) || cap <= T.Zero)
            throw new ArgumentException($"soft cap c = {cap} must be > 0 (+∞ for no cap) (LOSSOPT-INPUT).", SoftCapParam);
        ReadOnlySpan<T> w = options.ClassWeights.Span;
        if (w.IsEmpty) return;
        if (w.Length != classes)
            throw new ArgumentException($"class weights have length {w.Length}; expected {classes} classes or none (LOSSOPT-INPUT).", ClassWeightsParam);
        if (AllFiniteNonNegative(w)) return;   // vectorized: a vocabulary's weights are 10⁵ values, checked on every call
        for (int i = 0; i < w.Length; i++)   // the slow path, only for bad input: the first offending index
        {
            if (!T.IsFinite(w[i])) throw new ArgumentException($"class weight w[{i}] is {w[i]}; weights must be finite (LOSSOPT-INPUT).", ClassWeightsParam);
            if (w[i] < T.Zero) throw new ArgumentException($"class weight w[{i}] = {w[i]} is negative (LOSSOPT-INPUT).", ClassWeightsParam);
        }
    }

    /// <summary>
    /// The inputs of <see cref="IBatchedSoftmaxCrossEntropyWithOptions{T}.ForwardBackward"/>; returns the number
    /// of rows. Spec: <c>LOSSOPT-INPUT</c> (and the batched rules of spec/bad-input.md). <paramref name="logitsCheckedFinite"/>:
    /// as in <see cref="BatchedCrossEntropy{T}"/>.
    /// </summary>
    public static int BatchedCrossEntropyWithOptions<T>(ReadOnlySpan<T> logits, int classes, ReadOnlySpan<int> targets,
                                                        CrossEntropyOptions<T> options, LossReduction reduction,
                                                        ReadOnlySpan<T> gradient, bool allowInPlace = false,
                                                        bool logitsCheckedFinite = false) where T : IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(options);
        int rows = BatchedCrossEntropy(logits, classes, targets, options.IgnoreIndex, reduction, gradient, allowInPlace, logitsCheckedFinite);
        LossOptions(options, classes);
        return rows;
    }

    /// <summary>
    /// The inputs of <see cref="IBatchedSoftmaxCrossEntropyWithOptions{T}.ForwardBackwardPerToken"/>; returns the
    /// number of rows: upstream finite of length rows, losses of length rows. Spec: <c>LOSSOPT-INPUT</c>.
    /// <paramref name="logitsCheckedFinite"/>: as in <see cref="BatchedCrossEntropy{T}"/>.
    /// </summary>
    public static int BatchedCrossEntropyPerToken<T>(ReadOnlySpan<T> logits, int classes, ReadOnlySpan<int> targets,
                                                     CrossEntropyOptions<T> options, ReadOnlySpan<T> upstream,
                                                     ReadOnlySpan<T> losses, ReadOnlySpan<T> gradient,
                                                     bool logitsCheckedFinite = false) where T : IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(options);
        int rows = BatchedCrossEntropy(logits, classes, targets, options.IgnoreIndex, LossReduction.Sum, gradient, logitsCheckedFinite: logitsCheckedFinite);
        LossOptions(options, classes);
        Length(upstream, rows, nameof(upstream));
        Finite(upstream, nameof(upstream));
        Length(losses, rows, nameof(losses));
        return rows;
    }
}
