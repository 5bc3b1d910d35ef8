using System.Numerics;
using TorchSharp;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace LossConformance.Optimized.Torch;

/// <summary>
/// The contract as libtorch computes it, for T = float or double on one device. Inputs are
/// validated with <see cref="InputRules"/> before any tensor is made (the contract's rules, not
/// torch's); the arithmetic is torch's own ops, and every gradient comes from autograd. Each method
/// works inside a dispose scope, so no tensor outlives the call.
/// </summary>
internal sealed class TorchKernels<T>(Device device) where T : unmanaged, IFloatingPointIeee754<T>
{
    private Tensor Vector(ReadOnlySpan<T> values, bool requiresGrad = false) => Tensors<T>.From(values, device, requiresGrad);

    private Tensor Matrix(ReadOnlySpan<T> values, int rows, int columns, bool requiresGrad = false) =>
        Tensors<T>.From(values, device, requiresGrad, rows, columns);

    /// <summary>H(p) = −Σ xlogy(p, p); torch's xlogy(0, 0) = 0 is the convention 0 · ln 0 = 0. Spec: <c>ENT-DEF</c>.</summary>
    public T Entropy(ReadOnlySpan<T> p)
    {
        InputRules.Distribution(p, nameof(p));
        using var scope = NewDisposeScope();
        var pt = Vector(p);
        return T.Zero - Tensors<T>.Scalar(torch.xlogy(pt, pt).sum());   // 0 − s: +0, not −0, for a one-hot p
    }

    /// <summary>H(p, q) = −Σ xlogy(p, q); xlogy(pᵢ &gt; 0, 0) = −∞ gives +∞. Spec: <c>XENT-DEF</c>, <c>XENT-SUPPORT</c>.</summary>
    public T CrossEntropy(ReadOnlySpan<T> p, ReadOnlySpan<T> q)
    {
        InputRules.Distribution(p, nameof(p));
        InputRules.Distribution(q, nameof(q));
        InputRules.SameLength(p, nameof(p), q, nameof(q));
        using var scope = NewDisposeScope();
        return T.Zero - Tensors<T>.Scalar(torch.xlogy(Vector(p), Vector(q)).sum());
    }

    /// <summary>
    /// D(p ‖ q) = Σ (xlogy(p, p) − xlogy(p, q)): 0 where pᵢ = 0 (whatever qᵢ), +∞ where pᵢ &gt; 0 = qᵢ.
    /// Not F.kl_div: it computes xlogy(p, p) − p · input with input = ln q, and 0 · ln 0 = 0 · (−∞)
    /// is NaN wherever pᵢ = qᵢ = 0 (tests/SelfTests, TorchFindings.Kl_div_is_nan_where_p_and_q_are_both_zero);
    /// it also takes the log of q as its first argument, and its 'mean' divides by every element,
    /// not by the batch ('batchmean', which TorchSharp lacks, is 'sum' / rows).
    /// Spec: <c>KL-DEF</c>, <c>KL-SUPPORT</c>.
    /// </summary>
    public T KlDivergence(ReadOnlySpan<T> p, ReadOnlySpan<T> q)
    {
        InputRules.Distribution(p, nameof(p));
        InputRules.Distribution(q, nameof(q));
        InputRules.SameLength(p, nameof(p), q, nameof(q));
        using var scope = NewDisposeScope();
        var pt = Vector(p);
        return Tensors<T>.Scalar((torch.xlogy(pt, pt) - torch.xlogy(pt, Vector(q))).sum());
    }

    /// <summary>softmax(z), torch.softmax along the only dimension. Spec: <c>SMAX-DEF</c>.</summary>
    public void Softmax(ReadOnlySpan<T> logits, Span<T> probabilities)
    {
        InputRules.Softmax<T>(logits, probabilities, nameof(probabilities));
        using var scope = NewDisposeScope();
        Tensors<T>.CopyTo(torch.softmax(Vector(logits), 0), probabilities);
    }

    /// <summary>ln softmax(z), torch.log_softmax. Spec: <c>SMAX-LOG</c>.</summary>
    public void LogSoftmax(ReadOnlySpan<T> logits, Span<T> logProbabilities)
    {
        InputRules.Softmax<T>(logits, logProbabilities, nameof(logProbabilities));
        using var scope = NewDisposeScope();
        Tensors<T>.CopyTo(F.log_softmax(Vector(logits), 0), logProbabilities);
    }

    /// <summary>torch.logsumexp. Spec: <c>SMAX-LOG</c>.</summary>
    public T LogSumExp(ReadOnlySpan<T> logits)
    {
        InputRules.Finite(logits, nameof(logits));
        using var scope = NewDisposeScope();
        return Tensors<T>.Scalar(torch.logsumexp(Vector(logits), 0, keepdim: false));
    }

    /// <summary>
    /// J = ∂softmax(z)/∂z by autograd in one backward pass: n copies of z as the rows of a leaf
    /// matrix, softmax of each row, and the identity as the output gradient, so that row r of the
    /// leaf's gradient is e_rᵀ J, row r of J. Spec: <c>SMAX-JACOBIAN</c>.
    /// </summary>
    public void SoftmaxJacobian(ReadOnlySpan<T> logits, Span<T> jacobian)
    {
        InputRules.SoftmaxJacobian<T>(logits, jacobian);
        int n = logits.Length;
        using var scope = NewDisposeScope();
        var rows = Vector(logits).unsqueeze(0).repeat(n, 1).detach().requires_grad_();
        var probabilities = torch.softmax(rows, 1);
        probabilities.backward([torch.eye(n, dtype: Tensors<T>.DType, device: device)]);
        Tensors<T>.CopyTo(rows.grad!, jacobian);
    }

    /// <summary>L = F.cross_entropy(z, y) with y as class probabilities (soft target), summed. Spec: <c>XENT-LOGITS</c>.</summary>
    public T CrossEntropyFromLogits(ReadOnlySpan<T> target, ReadOnlySpan<T> logits)
    {
        RequireTargetAndLogits(target, logits);
        using var scope = NewDisposeScope();
        return Tensors<T>.Scalar(SoftTargetLoss(target, Vector(logits)));
    }

    /// <summary>∂L/∂z of <see cref="CrossEntropyFromLogits"/> by autograd; (Σy) ŷ − y in exact arithmetic. Spec: <c>GRAD-LOGITS</c>, <c>GRAD-GENERAL</c>.</summary>
    public void CrossEntropyLogitGradient(ReadOnlySpan<T> target, ReadOnlySpan<T> logits, Span<T> gradient)
    {
        InputRules.LogitGradient<T>(target, logits, gradient);
        using var scope = NewDisposeScope();
        var z = Vector(logits, requiresGrad: true);
        SoftTargetLoss(target, z).backward();
        Tensors<T>.CopyTo(z.grad!, gradient);
    }

    /// <summary>∂L/∂ŷ of L = −Σ xlogy(y, ŷ) by autograd; −y/ŷ in exact arithmetic. Spec: <c>GRAD-PROB</c>.</summary>
    public void CrossEntropyProbabilityGradient(ReadOnlySpan<T> target, ReadOnlySpan<T> probabilities, Span<T> gradient)
    {
        InputRules.ProbabilityGradient<T>(target, probabilities, gradient);
        using var scope = NewDisposeScope();
        var yHat = Vector(probabilities, requiresGrad: true);
        (-torch.xlogy(Vector(target), yHat).sum()).backward();
        Tensors<T>.CopyTo(yHat.grad!, gradient);
    }

    /// <summary>
    /// F.cross_entropy over a [rows × classes] batch with hard labels, ignore_index and 'mean' or
    /// 'sum'; the gradient by autograd. Spec: <c>GRAD-MEAN</c>, <c>GRAD-IGNORE</c>, <c>GRAD-ALL-IGNORED</c>, <c>GRAD-FUSED</c>.
    /// </summary>
    public T ForwardBackward(ReadOnlySpan<T> logits, int classes, ReadOnlySpan<int> targets, int ignoreIndex,
                             LossReduction reduction, Span<T> gradient)
    {
        int rows = InputRules.BatchedCrossEntropy<T>(logits, classes, targets, ignoreIndex, reduction, gradient);
        var torchReduction = reduction == LossReduction.Mean ? nn.Reduction.Mean : nn.Reduction.Sum;
        using var scope = NewDisposeScope();
        var z = Matrix(logits, rows, classes, requiresGrad: true);
        var loss = F.cross_entropy(z, Tensors<T>.Indices(targets, device), ignore_index: ignoreIndex, reduction: torchReduction);
        loss.backward();
        Tensors<T>.CopyTo(z.grad!, gradient);
        return Tensors<T>.Scalar(loss);
    }

    /// <summary>F.binary_cross_entropy_with_logits (torch's stable form, σ(z) never formed). Spec: <c>GRAD-BINARY</c>.</summary>
    public T BinaryCrossEntropyWithLogit(T logit, T target)
    {
        RequireLogitAndProbability(logit, target);
        using var scope = NewDisposeScope();
        return Tensors<T>.Scalar(BinaryLoss(Vector([logit]), target));
    }

    /// <summary>∂L/∂z of <see cref="BinaryCrossEntropyWithLogit"/> by autograd; σ(z) − y in exact arithmetic. Spec: <c>GRAD-BINARY</c>.</summary>
    public T BinaryCrossEntropyLogitGradient(T logit, T target)
    {
        RequireLogitAndProbability(logit, target);
        using var scope = NewDisposeScope();
        var z = Vector([logit], requiresGrad: true);
        BinaryLoss(z, target).backward();
        return Tensors<T>.Scalar(z.grad!.sum());
    }

    /// <summary>z = Wᵀx + b by torch.addmv (b + Wᵀ·x in one call). Spec: <c>LIN-SHAPE</c>.</summary>
    public void LinearForward(ReadOnlySpan<T> x, ReadOnlySpan<T> weights, ReadOnlySpan<T> bias, Span<T> logits)
    {
        InputRules.LinearForward<T>(x, weights, bias, logits);
        using var scope = NewDisposeScope();
        var z = LinearLogits(Vector(x), Matrix(weights, x.Length, bias.Length), Vector(bias));
        Tensors<T>.CopyTo(z, logits);
    }

    /// <summary>
    /// L = cross_entropy(Wᵀx + b, y) with W and b as autograd leaves; ∂L/∂W and ∂L/∂b are their
    /// .grad after one backward. Spec: <c>LIN-GRAD-W</c>, <c>LIN-GRAD-B</c>.
    /// </summary>
    public T LinearLossAndGradients(ReadOnlySpan<T> x, ReadOnlySpan<T> weights, ReadOnlySpan<T> bias, ReadOnlySpan<T> target,
                                    Span<T> weightGradient, Span<T> biasGradient)
    {
        int m = x.Length, n = bias.Length;
        InputRules.LinearLayerLoss<T>(x, weights, bias, target, weightGradient, biasGradient);
        using var scope = NewDisposeScope();
        var w = Matrix(weights, m, n, requiresGrad: true);
        var b = Vector(bias, requiresGrad: true);
        var loss = SoftTargetLoss(target, LinearLogits(Vector(x), w, b));
        loss.backward();
        Tensors<T>.CopyTo(w.grad!, weightGradient);
        Tensors<T>.CopyTo(b.grad!, biasGradient);
        return Tensors<T>.Scalar(loss);
    }

    /// <summary>
    /// Teacher forcing: the logits at step t are row x_{t−1} of W (the gold previous token, by
    /// index_select) plus b, all T steps at once; L = cross_entropy(Z, x₁…x_T, 'mean') + λ · ½‖W‖²,
    /// the penalty left out when λ = 0 (so that an overflowing ‖W‖² cannot make 0 · ∞). Gradients by
    /// autograd. Spec: <c>SEQ-DEF</c>, <c>SEQ-GRAD</c>, <c>SEQ-L2</c>.
    /// </summary>
    public T SequenceLossAndGradients(ReadOnlySpan<int> tokens, int vocabulary, ReadOnlySpan<T> weights, ReadOnlySpan<T> bias, T lambda,
                                      Span<T> weightGradient, Span<T> biasGradient)
    {
        int v = vocabulary;
        InputRules.SequenceLoss<T>(tokens, v, weights, bias, lambda, weightGradient, biasGradient);

        using var scope = NewDisposeScope();
        var w = Matrix(weights, v, v, requiresGrad: true);
        var b = Vector(bias, requiresGrad: true);
        var context = Tensors<T>.Indices(tokens[..^1], device);
        var next = Tensors<T>.Indices(tokens[1..], device);
        var z = w.index_select(0, context) + b;   // [T × V]: zₜ = W[x_{t−1}, :] + b
        if (!Tensors<T>.AllFinite(z))
            throw new ArgumentException("Some W[x_{t−1}, j] + b[j] overflows; the logits must be finite (INPUT-NAN).", nameof(weights));
        var loss = F.cross_entropy(z, next, reduction: nn.Reduction.Mean);
        if (lambda != T.Zero)
            loss = loss + w.square().sum() * double.CreateChecked(lambda * T.CreateChecked(0.5));
        loss.backward();
        Tensors<T>.CopyTo(w.grad!, weightGradient);
        Tensors<T>.CopyTo(b.grad!, biasGradient);
        return Tensors<T>.Scalar(loss);
    }

    /// <summary>−Σ yᵢ ln softmax(z)ᵢ: F.cross_entropy with class-probability targets, one row, summed.</summary>
    private Tensor SoftTargetLoss(ReadOnlySpan<T> target, Tensor logits) =>
        F.cross_entropy(logits.unsqueeze(0), Vector(target).unsqueeze(0), reduction: nn.Reduction.Sum);

    private Tensor BinaryLoss(Tensor logit, T target) =>
        F.binary_cross_entropy_with_logits(logit, Vector([target]), reduction: nn.Reduction.Sum);

    /// <summary>b + Wᵀx; rejects overflow (INPUT-NAN) before the caller writes anything.</summary>
    private static Tensor LinearLogits(Tensor x, Tensor w, Tensor b)
    {
        var z = torch.addmv(b, w.t(), x, beta: 1, alpha: 1);
        if (!Tensors<T>.AllFinite(z))
            throw new ArgumentException("Some (Wᵀx + b)ⱼ overflows; the logits must be finite (INPUT-NAN).", "weights");
        return z;
    }

    private static void RequireTargetAndLogits(ReadOnlySpan<T> target, ReadOnlySpan<T> logits)
    {
        InputRules.CrossEntropyFromLogits<T>(target, logits);
    }

    private static void RequireLogitAndProbability(T logit, T target)
    {
        InputRules.Finite(logit, nameof(logit));
        InputRules.Probability(target, nameof(target));
    }


}
