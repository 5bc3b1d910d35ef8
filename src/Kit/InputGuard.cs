using System.Numerics;
using System.Runtime.InteropServices;

namespace LossConformance.Kit;

/// <summary>
/// A capability call changed one of its inputs (spec/bad-input.md, <c>INPUT-UNCHANGED</c>): a kernel that writes
/// into a <see cref="ReadOnlySpan{T}"/>'s memory (through <see cref="MemoryMarshal"/>, or an aliasing pointer).
/// Thrown by the guard that <see cref="ImplementationUnderTest.As{TCapability}"/> puts around every capability,
/// so that every call of every suite checks it; the suites report it as a violation of <c>INPUT-UNCHANGED</c>.
/// </summary>
public sealed class InputModifiedException(string message, Exception? inner = null) : Exception(message, inner)
{
    public const string Clause = "INPUT-UNCHANGED";
}

/// <summary>
/// The inputs of one call, kept before it and compared bit for bit after it (also when it throws). Small inputs
/// are copied (a change is reported with its index); inputs over 8 MiB are kept as a 64-bit hash of their bytes,
/// so that the large-count cases do not double their memory. An input that shares memory with an output of the
/// same call (the in-place call of <c>GRAD-INPLACE</c>) is not checked: it is meant to change. The spans are
/// pinned by the caller (<c>fixed</c>) for as long as the watch lives.
/// </summary>
internal sealed unsafe class CallWatch(string method)
{
    private const long CopyLimitBytes = 8 << 20;
    private readonly List<(string Name, nint At, long Bytes, int Size, byte[]? Copy, ulong Hash)> _inputs = [];
    private readonly List<(nint At, long Bytes)> _outputs = [];

    /// <summary>An output of the call (register outputs before inputs: an input aliasing one is not checked).</summary>
    public CallWatch Out<TElement>(TElement* at, int length) where TElement : unmanaged
    {
        if (length > 0) _outputs.Add(((nint)at, (long)length * sizeof(TElement)));
        return this;
    }

    public CallWatch In<TElement>(string name, TElement* at, int length) where TElement : unmanaged
    {
        if (length <= 0) return this;
        long bytes = (long)length * sizeof(TElement);
        foreach (var (o, ob) in _outputs)
            if ((nint)at < o + (nint)ob && o < (nint)at + (nint)bytes) return this;   // aliased: meant to change
        var span = new ReadOnlySpan<byte>(at, checked((int)bytes));
        _inputs.Add(bytes <= CopyLimitBytes ? (name, (nint)at, bytes, sizeof(TElement), span.ToArray(), 0UL) : (name, (nint)at, bytes, sizeof(TElement), null, Hash(span)));
        return this;
    }

    /// <summary>After the call (<paramref name="thrown"/>: what it threw, or null): throws <see cref="InputModifiedException"/> if an input changed.</summary>
    public void End(Exception? thrown)
    {
        foreach (var (name, at, bytes, size, copy, hash) in _inputs)
        {
            var now = new ReadOnlySpan<byte>((void*)at, (int)bytes);
            string? where = null;
            if (copy is not null)
            {
                int first = now.CommonPrefixLength(copy);
                if (first < now.Length) where = $"{name}[{first / size}] changed";
            }
            else if (Hash(now) != hash) where = $"{name} changed (its 64-bit hash differs; {bytes} bytes)";
            if (where is not null)
                throw new InputModifiedException(
                    $"{InputModifiedException.Clause}: {method} modified its input: {where}{(thrown is null ? "" : $" (and then threw {thrown.GetType().Name}: {thrown.Message})")}; inputs are read-only spans and must be left as they were.",
                    thrown);
        }
    }

    private static ulong Hash(ReadOnlySpan<byte> bytes)
    {
        ulong h = 0x9E3779B97F4A7C15UL ^ (ulong)bytes.Length;
        var words = MemoryMarshal.Cast<byte, ulong>(bytes);
        foreach (ulong w in words) h = BitOperations.RotateLeft((h ^ w) * 0xFF51AFD7ED558CCDUL, 31);
        for (int i = words.Length * 8; i < bytes.Length; i++) h = BitOperations.RotateLeft((h ^ bytes[i]) * 0xC4CEB9FE1A85EC53UL, 17);
        return h;
    }
}

/// <summary>
/// Every capability of T around one implementation object: each call goes to the object, and its inputs are
/// checked to be unchanged afterwards (<see cref="CallWatch"/>). <see cref="ImplementationUnderTest.As{TCapability}"/>
/// returns this in place of the object, so the check covers every call of every suite at the cost of one copy of the
/// inputs. Only the capability asked for is ever called (As checked that the object provides it).
/// </summary>
internal sealed unsafe class GuardedCapabilities<T>(object inner) :
    IEntropy<T>, ICrossEntropy<T>, IKlDivergence<T>, ISoftmax<T>, ISoftmaxJacobian<T>, ISoftmaxCrossEntropy<T>,
    IInPlaceBatchedSoftmaxCrossEntropy<T>, IBinaryCrossEntropy<T>, ILinearLayer<T>, ISequenceLoss<T>,
    ISoftmaxRegression<T>, ISoftmaxRegressionOptimizer<T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    public object Inner { get; } = inner;

    private TC I<TC>() where TC : class => (TC)Inner;

    public T Entropy(ReadOnlySpan<T> p)
    {
        fixed (T* a = p)
        {
            var w = new CallWatch(nameof(Entropy)).In(nameof(p), a, p.Length);
            try { var r = I<IEntropy<T>>().Entropy(p); w.End(null); return r; }
            catch (Exception e) when (e is not InputModifiedException) { w.End(e); throw; }
        }
    }

    public T CrossEntropy(ReadOnlySpan<T> p, ReadOnlySpan<T> q)
    {
        fixed (T* a = p, b = q)
        {
            var w = new CallWatch(nameof(CrossEntropy)).In(nameof(p), a, p.Length).In(nameof(q), b, q.Length);
            try { var r = I<ICrossEntropy<T>>().CrossEntropy(p, q); w.End(null); return r; }
            catch (Exception e) when (e is not InputModifiedException) { w.End(e); throw; }
        }
    }

    public T KlDivergence(ReadOnlySpan<T> p, ReadOnlySpan<T> q)
    {
        fixed (T* a = p, b = q)
        {
            var w = new CallWatch(nameof(KlDivergence)).In(nameof(p), a, p.Length).In(nameof(q), b, q.Length);
            try { var r = I<IKlDivergence<T>>().KlDivergence(p, q); w.End(null); return r; }
            catch (Exception e) when (e is not InputModifiedException) { w.End(e); throw; }
        }
    }

    public void Softmax(ReadOnlySpan<T> logits, Span<T> probabilities)
    {
        fixed (T* a = logits, o = probabilities)
        {
            var w = new CallWatch(nameof(Softmax)).Out(o, probabilities.Length).In(nameof(logits), a, logits.Length);
            try { I<ISoftmax<T>>().Softmax(logits, probabilities); w.End(null); }
            catch (Exception e) when (e is not InputModifiedException) { w.End(e); throw; }
        }
    }

    public void LogSoftmax(ReadOnlySpan<T> logits, Span<T> logProbabilities)
    {
        fixed (T* a = logits, o = logProbabilities)
        {
            var w = new CallWatch(nameof(LogSoftmax)).Out(o, logProbabilities.Length).In(nameof(logits), a, logits.Length);
            try { I<ISoftmax<T>>().LogSoftmax(logits, logProbabilities); w.End(null); }
            catch (Exception e) when (e is not InputModifiedException) { w.End(e); throw; }
        }
    }

    public T LogSumExp(ReadOnlySpan<T> logits)
    {
        fixed (T* a = logits)
        {
            var w = new CallWatch(nameof(LogSumExp)).In(nameof(logits), a, logits.Length);
            try { var r = I<ISoftmax<T>>().LogSumExp(logits); w.End(null); return r; }
            catch (Exception e) when (e is not InputModifiedException) { w.End(e); throw; }
        }
    }

    public void SoftmaxJacobian(ReadOnlySpan<T> logits, Span<T> jacobian)
    {
        fixed (T* a = logits, o = jacobian)
        {
            var w = new CallWatch(nameof(SoftmaxJacobian)).Out(o, jacobian.Length).In(nameof(logits), a, logits.Length);
            try { I<ISoftmaxJacobian<T>>().SoftmaxJacobian(logits, jacobian); w.End(null); }
            catch (Exception e) when (e is not InputModifiedException) { w.End(e); throw; }
        }
    }

    public T CrossEntropyFromLogits(ReadOnlySpan<T> target, ReadOnlySpan<T> logits)
    {
        fixed (T* a = target, b = logits)
        {
            var w = new CallWatch(nameof(CrossEntropyFromLogits)).In(nameof(target), a, target.Length).In(nameof(logits), b, logits.Length);
            try { var r = I<ISoftmaxCrossEntropy<T>>().CrossEntropyFromLogits(target, logits); w.End(null); return r; }
            catch (Exception e) when (e is not InputModifiedException) { w.End(e); throw; }
        }
    }

    public void CrossEntropyLogitGradient(ReadOnlySpan<T> target, ReadOnlySpan<T> logits, Span<T> gradient)
    {
        fixed (T* a = target, b = logits, o = gradient)
        {
            var w = new CallWatch(nameof(CrossEntropyLogitGradient)).Out(o, gradient.Length).In(nameof(target), a, target.Length).In(nameof(logits), b, logits.Length);
            try { I<ISoftmaxCrossEntropy<T>>().CrossEntropyLogitGradient(target, logits, gradient); w.End(null); }
            catch (Exception e) when (e is not InputModifiedException) { w.End(e); throw; }
        }
    }

    public void CrossEntropyProbabilityGradient(ReadOnlySpan<T> target, ReadOnlySpan<T> probabilities, Span<T> gradient)
    {
        fixed (T* a = target, b = probabilities, o = gradient)
        {
            var w = new CallWatch(nameof(CrossEntropyProbabilityGradient)).Out(o, gradient.Length).In(nameof(target), a, target.Length).In(nameof(probabilities), b, probabilities.Length);
            try { I<ISoftmaxCrossEntropy<T>>().CrossEntropyProbabilityGradient(target, probabilities, gradient); w.End(null); }
            catch (Exception e) when (e is not InputModifiedException) { w.End(e); throw; }
        }
    }

    public T ForwardBackward(ReadOnlySpan<T> logits, int classes, ReadOnlySpan<int> targets, int ignoreIndex, LossReduction reduction, Span<T> gradient)
    {
        fixed (T* a = logits, o = gradient)
        fixed (int* t = targets)
        {
            var w = new CallWatch(nameof(ForwardBackward)).Out(o, gradient.Length).In(nameof(logits), a, logits.Length).In(nameof(targets), t, targets.Length);
            try { var r = I<IBatchedSoftmaxCrossEntropy<T>>().ForwardBackward(logits, classes, targets, ignoreIndex, reduction, gradient); w.End(null); return r; }
            catch (Exception e) when (e is not InputModifiedException) { w.End(e); throw; }
        }
    }

    public T BinaryCrossEntropyWithLogit(T logit, T target) => I<IBinaryCrossEntropy<T>>().BinaryCrossEntropyWithLogit(logit, target);

    public T BinaryCrossEntropyLogitGradient(T logit, T target) => I<IBinaryCrossEntropy<T>>().BinaryCrossEntropyLogitGradient(logit, target);

    public void Forward(ReadOnlySpan<T> x, ReadOnlySpan<T> weights, ReadOnlySpan<T> bias, Span<T> logits)
    {
        fixed (T* a = x, b = weights, c = bias, o = logits)
        {
            var w = new CallWatch(nameof(Forward)).Out(o, logits.Length).In(nameof(x), a, x.Length).In(nameof(weights), b, weights.Length).In(nameof(bias), c, bias.Length);
            try { I<ILinearLayer<T>>().Forward(x, weights, bias, logits); w.End(null); }
            catch (Exception e) when (e is not InputModifiedException) { w.End(e); throw; }
        }
    }

    public T LossAndGradients(ReadOnlySpan<T> x, ReadOnlySpan<T> weights, ReadOnlySpan<T> bias, ReadOnlySpan<T> target, Span<T> weightGradient, Span<T> biasGradient)
    {
        fixed (T* a = x, b = weights, c = bias, d = target, o = weightGradient, o2 = biasGradient)
        {
            var w = new CallWatch("LossAndGradients (linear layer)").Out(o, weightGradient.Length).Out(o2, biasGradient.Length)
                .In(nameof(x), a, x.Length).In(nameof(weights), b, weights.Length).In(nameof(bias), c, bias.Length).In(nameof(target), d, target.Length);
            try { var r = I<ILinearLayer<T>>().LossAndGradients(x, weights, bias, target, weightGradient, biasGradient); w.End(null); return r; }
            catch (Exception e) when (e is not InputModifiedException) { w.End(e); throw; }
        }
    }

    public T LossAndGradients(ReadOnlySpan<int> tokens, int vocabulary, ReadOnlySpan<T> weights, ReadOnlySpan<T> bias, T lambda, Span<T> weightGradient, Span<T> biasGradient)
    {
        fixed (T* b = weights, c = bias, o = weightGradient, o2 = biasGradient)
        fixed (int* t = tokens)
        {
            var w = new CallWatch("LossAndGradients (sequence loss)").Out(o, weightGradient.Length).Out(o2, biasGradient.Length)
                .In(nameof(tokens), t, tokens.Length).In(nameof(weights), b, weights.Length).In(nameof(bias), c, bias.Length);
            try { var r = I<ISequenceLoss<T>>().LossAndGradients(tokens, vocabulary, weights, bias, lambda, weightGradient, biasGradient); w.End(null); return r; }
            catch (Exception e) when (e is not InputModifiedException) { w.End(e); throw; }
        }
    }

    // ---- softmax regression (spec/optimization.md): the problem's inputs and targets are inputs too

    private static CallWatch Problem(CallWatch w, T* inputs, T* targets, SoftmaxRegressionProblem<T> problem) =>
        w.In("problem.Inputs", inputs, problem.Inputs.Length).In("problem.Targets", targets, problem.Targets.Length);

    public T LossAndGradient(SoftmaxRegressionProblem<T> problem, ReadOnlySpan<T> weights, Span<T> gradient)
    {
        fixed (T* pi = problem.Inputs, pt = problem.Targets, b = weights, o = gradient)
        {
            var w = Problem(new CallWatch(nameof(LossAndGradient)).Out(o, gradient.Length), pi, pt, problem).In(nameof(weights), b, weights.Length);
            try { var r = I<ISoftmaxRegression<T>>().LossAndGradient(problem, weights, gradient); w.End(null); return r; }
            catch (Exception e) when (e is not InputModifiedException) { w.End(e); throw; }
        }
    }

    public void Hessian(SoftmaxRegressionProblem<T> problem, ReadOnlySpan<T> weights, Span<T> hessian)
    {
        fixed (T* pi = problem.Inputs, pt = problem.Targets, b = weights, o = hessian)
        {
            var w = Problem(new CallWatch(nameof(Hessian)).Out(o, hessian.Length), pi, pt, problem).In(nameof(weights), b, weights.Length);
            try { I<ISoftmaxRegression<T>>().Hessian(problem, weights, hessian); w.End(null); }
            catch (Exception e) when (e is not InputModifiedException) { w.End(e); throw; }
        }
    }

    public void HessianVectorProduct(SoftmaxRegressionProblem<T> problem, ReadOnlySpan<T> weights, ReadOnlySpan<T> direction, Span<T> product)
    {
        fixed (T* pi = problem.Inputs, pt = problem.Targets, b = weights, d = direction, o = product)
        {
            var w = Problem(new CallWatch(nameof(HessianVectorProduct)).Out(o, product.Length), pi, pt, problem)
                .In(nameof(weights), b, weights.Length).In(nameof(direction), d, direction.Length);
            try { I<ISoftmaxRegression<T>>().HessianVectorProduct(problem, weights, direction, product); w.End(null); }
            catch (Exception e) when (e is not InputModifiedException) { w.End(e); throw; }
        }
    }

    public T GradientDescentStep(SoftmaxRegressionProblem<T> problem, ReadOnlySpan<T> weights, T stepSize, Span<T> next)
    {
        fixed (T* pi = problem.Inputs, pt = problem.Targets, b = weights, o = next)
        {
            var w = Problem(new CallWatch(nameof(GradientDescentStep)).Out(o, next.Length), pi, pt, problem).In(nameof(weights), b, weights.Length);
            try { var r = I<ISoftmaxRegressionOptimizer<T>>().GradientDescentStep(problem, weights, stepSize, next); w.End(null); return r; }
            catch (Exception e) when (e is not InputModifiedException) { w.End(e); throw; }
        }
    }

    public T NewtonStep(SoftmaxRegressionProblem<T> problem, ReadOnlySpan<T> weights, Span<T> next)
    {
        fixed (T* pi = problem.Inputs, pt = problem.Targets, b = weights, o = next)
        {
            var w = Problem(new CallWatch(nameof(NewtonStep)).Out(o, next.Length), pi, pt, problem).In(nameof(weights), b, weights.Length);
            try { var r = I<ISoftmaxRegressionOptimizer<T>>().NewtonStep(problem, weights, next); w.End(null); return r; }
            catch (Exception e) when (e is not InputModifiedException) { w.End(e); throw; }
        }
    }
}
