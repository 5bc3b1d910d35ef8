using System.Numerics;
using ILGPU;
using ILGPU.Runtime;

namespace LossConformance.Optimized.Gpu;

/// <summary>
/// Every capability for one element type on one accelerator: validate the host spans with
/// <see cref="InputRules"/> (before anything is written), copy the inputs into cached device
/// buffers, launch the kernels of <see cref="Kernels{T, TMath}"/>, copy the outputs back. One call
/// at a time per accelerator (<see cref="GpuDevice.Gate"/>).
/// </summary>
internal sealed class DeviceOps<T, TMath> where T : unmanaged, IFloatingPointIeee754<T> where TMath : struct, IDeviceMath<T>
{
    // Buffer slots: each call uses the slots it needs; they persist (grown on demand) across calls.
    private const int A = 0, B = 1, C = 2, D = 3, E = 4, Scalar = 5, Scalar2 = 6;
    private const int Targets = 0, Flag = 1, First = 2, Rows = 3;

    private readonly GpuDevice _device;
    private readonly Accelerator _acc;
    private readonly BufferCache<T> _values;
    private readonly BufferCache<int> _ints;
    private readonly KernelConfig _oneBlock;

    private readonly Action<KernelConfig, ArrayView<T>, ArrayView<T>, ArrayView<T>, int, int> _softmax;
    private readonly Action<KernelConfig, ArrayView<T>, ArrayView<int>, ArrayView<T>, int, int, T> _fused;
    private readonly Action<KernelConfig, ArrayView<T>, ArrayView<T>, ArrayView<T>, int, int> _information;
    private readonly Action<KernelConfig, ArrayView<T>, ArrayView<T>, int, int> _sum;
    private readonly Action<KernelConfig, ArrayView<T>, ArrayView<T>, ArrayView<T>, ArrayView<T>, int, int> _logitCrossEntropy;
    private readonly Action<AcceleratorStream, Index1D, ArrayView<T>, ArrayView<T>, ArrayView<T>> _probabilityGradient;
    private readonly Action<AcceleratorStream, Index2D, ArrayView<T>, ArrayView<T>, int> _jacobian;
    private readonly Action<AcceleratorStream, Index1D, ArrayView<T>, ArrayView<T>, ArrayView<T>, ArrayView<T>, int, int> _linearForward;
    private readonly Action<AcceleratorStream, Index2D, ArrayView<T>, ArrayView<T>, ArrayView<T>, int> _outer;
    private readonly Action<AcceleratorStream, Index2D, ArrayView<int>, ArrayView<T>, ArrayView<T>, ArrayView<T>, int> _sequenceLogits;
    private readonly Action<AcceleratorStream, Index2D, ArrayView<T>, ArrayView<int>, ArrayView<int>, ArrayView<T>, ArrayView<T>, int, T> _sequenceWeightGradient;
    private readonly Action<AcceleratorStream, Index1D, ArrayView<T>, ArrayView<T>, int, int> _columnSum;
    private readonly Action<AcceleratorStream, Index1D, ArrayView<T>, ArrayView<T>, ArrayView<T>, ArrayView<T>> _binary;
    private readonly Action<AcceleratorStream, Index1D, ArrayView<T>, ArrayView<int>> _nonFinite;
    private readonly Action<AcceleratorStream, Index1D, ArrayView<T>, T> _fill;

    public DeviceOps(GpuDevice device)
    {
        _device = device;
        _acc = device.Accelerator;
        _values = new BufferCache<T>(_acc);
        _ints = new BufferCache<int>(_acc);
        _oneBlock = new KernelConfig(1, device.BlockSize);
        _softmax = _acc.LoadStreamKernel<ArrayView<T>, ArrayView<T>, ArrayView<T>, int, int>(Kernels<T, TMath>.Softmax);
        _fused = _acc.LoadStreamKernel<ArrayView<T>, ArrayView<int>, ArrayView<T>, int, int, T>(Kernels<T, TMath>.FusedCrossEntropy);
        _information = _acc.LoadStreamKernel<ArrayView<T>, ArrayView<T>, ArrayView<T>, int, int>(Kernels<T, TMath>.Information);
        _sum = _acc.LoadStreamKernel<ArrayView<T>, ArrayView<T>, int, int>(Kernels<T, TMath>.Sum);
        _logitCrossEntropy = _acc.LoadStreamKernel<ArrayView<T>, ArrayView<T>, ArrayView<T>, ArrayView<T>, int, int>(Kernels<T, TMath>.LogitCrossEntropy);
        _probabilityGradient = _acc.LoadAutoGroupedKernel<Index1D, ArrayView<T>, ArrayView<T>, ArrayView<T>>(Kernels<T, TMath>.ProbabilityGradient);
        _jacobian = _acc.LoadAutoGroupedKernel<Index2D, ArrayView<T>, ArrayView<T>, int>(Kernels<T, TMath>.Jacobian);
        _linearForward = _acc.LoadAutoGroupedKernel<Index1D, ArrayView<T>, ArrayView<T>, ArrayView<T>, ArrayView<T>, int, int>(Kernels<T, TMath>.LinearForward);
        _outer = _acc.LoadAutoGroupedKernel<Index2D, ArrayView<T>, ArrayView<T>, ArrayView<T>, int>(Kernels<T, TMath>.Outer);
        _sequenceLogits = _acc.LoadAutoGroupedKernel<Index2D, ArrayView<int>, ArrayView<T>, ArrayView<T>, ArrayView<T>, int>(Kernels<T, TMath>.SequenceLogits);
        _sequenceWeightGradient = _acc.LoadAutoGroupedKernel<Index2D, ArrayView<T>, ArrayView<int>, ArrayView<int>, ArrayView<T>, ArrayView<T>, int, T>(Kernels<T, TMath>.SequenceWeightGradient);
        _columnSum = _acc.LoadAutoGroupedKernel<Index1D, ArrayView<T>, ArrayView<T>, int, int>(Kernels<T, TMath>.ColumnSum);
        _binary = _acc.LoadAutoGroupedKernel<Index1D, ArrayView<T>, ArrayView<T>, ArrayView<T>, ArrayView<T>>(Kernels<T, TMath>.Binary);
        _nonFinite = _acc.LoadAutoGroupedKernel<Index1D, ArrayView<T>, ArrayView<int>>(Kernels<T, TMath>.NonFinite);
        _fill = _acc.LoadAutoGroupedKernel<Index1D, ArrayView<T>, T>(Kernels<T, TMath>.Fill);
    }

    private AcceleratorStream Stream => _acc.DefaultStream;

    private ArrayView<T> In(int slot, ReadOnlySpan<T> host)
    {
        var view = _values.Get(slot, host.Length);
        view.CopyFromCPU(host);
        return view;
    }

    private ArrayView<int> InInts(int slot, ReadOnlySpan<int> host)
    {
        var view = _ints.Get(slot, host.Length);
        view.CopyFromCPU(host);
        return view;
    }

    private void Out(ArrayView<T> device, Span<T> host)
    {
        device.SubView(0, host.Length).CopyToCPU(host);
        Stream.Synchronize();
    }

    private T ScalarOut(ArrayView<T> device)
    {
        Span<T> one = stackalloc T[1];
        Out(device, one);
        return one[0];
    }

    // ---- entropy, cross-entropy, KL ----

    public T Information(ReadOnlySpan<T> p, ReadOnlySpan<T> q, int mode)
    {
        InputRules.Distribution(p, nameof(p));
        if (mode != Kernels<T, TMath>.EntropyMode)
        {
            InputRules.Distribution(q, nameof(q));
            InputRules.SameLength(p, nameof(p), q, nameof(q));
        }
        lock (_device.Gate)
        {
            var dp = In(A, p);
            var dq = mode == Kernels<T, TMath>.EntropyMode ? dp : In(B, q);
            var result = _values.Get(Scalar, 1);
            _information(_oneBlock, dp, dq, result, p.Length, mode);
            return ScalarOut(result);
        }
    }

    // ---- softmax family ----

    public void Softmax(ReadOnlySpan<T> logits, Span<T> output, int mode)
    {
        InputRules.Softmax<T>(logits, output, mode == Kernels<T, TMath>.SoftmaxMode ? "probabilities" : "logProbabilities");
        lock (_device.Gate)
        {
            var z = In(A, logits);
            var y = _values.Get(B, logits.Length);
            _softmax(_oneBlock, z, y, _values.Get(Scalar, 1), logits.Length, mode);
            Out(y, output);
        }
    }

    public T LogSumExp(ReadOnlySpan<T> logits)
    {
        InputRules.Finite(logits, nameof(logits));
        lock (_device.Gate)
        {
            var z = In(A, logits);
            var result = _values.Get(Scalar, 1);
            _softmax(_oneBlock, z, _values.Get(B, 1), result, logits.Length, Kernels<T, TMath>.LogSumExpMode);
            return ScalarOut(result);
        }
    }

    public void Jacobian(ReadOnlySpan<T> logits, Span<T> jacobian)
    {
        int n = logits.Length;
        InputRules.SoftmaxJacobian<T>(logits, jacobian);
        lock (_device.Gate)
        {
            var z = In(A, logits);
            var y = _values.Get(B, n);
            _softmax(_oneBlock, z, y, _values.Get(Scalar, 1), n, Kernels<T, TMath>.SoftmaxMode);
            var j = _values.Get(C, (long)n * n);
            _jacobian(Stream, new Index2D(n, n), y, j, n);
            Out(j, jacobian);
        }
    }

    // ---- softmax-cross-entropy ----

    public T CrossEntropyFromLogits(ReadOnlySpan<T> target, ReadOnlySpan<T> logits)
    {
        InputRules.CrossEntropyFromLogits<T>(target, logits);
        lock (_device.Gate)
        {
            var y = In(A, target);
            var z = In(B, logits);
            var result = _values.Get(Scalar, 1);
            _logitCrossEntropy(_oneBlock, y, z, result, _values.Get(C, 1), logits.Length, 0);
            return ScalarOut(result);
        }
    }

    public void LogitGradient(ReadOnlySpan<T> target, ReadOnlySpan<T> logits, Span<T> gradient)
    {
        InputRules.LogitGradient<T>(target, logits, gradient);
        lock (_device.Gate)
        {
            var y = In(A, target);
            var z = In(B, logits);
            var g = _values.Get(C, logits.Length);
            _logitCrossEntropy(_oneBlock, y, z, _values.Get(Scalar, 1), g, logits.Length, 1);
            Out(g, gradient);
        }
    }

    public void ProbabilityGradient(ReadOnlySpan<T> target, ReadOnlySpan<T> probabilities, Span<T> gradient)
    {
        InputRules.ProbabilityGradient(target, probabilities, gradient);
        lock (_device.Gate)
        {
            var y = In(A, target);
            var p = In(B, probabilities);
            var g = _values.Get(C, target.Length);
            _probabilityGradient(Stream, target.Length, y, p, g);
            Out(g, gradient);
        }
    }

    /// <summary>
    /// The fused kernel runs in place on one device buffer (logits in, gradient out), so an aliased
    /// host call (gradient = logits' memory) is the same computation as an out-of-place one.
    /// </summary>
    public T ForwardBackward(ReadOnlySpan<T> logits, int classes, ReadOnlySpan<int> targets, int ignoreIndex,
                             LossReduction reduction, Span<T> gradient)
    {
        int rows = InputRules.BatchedCrossEntropy(logits, classes, targets, ignoreIndex, reduction, gradient, allowInPlace: true);
        int counted = 0;
        foreach (int t in targets) if (t != ignoreIndex) counted++;
        T divisor = reduction == LossReduction.Mean && counted > 0 ? TMath.FromInt(counted) : T.One;
        lock (_device.Gate)
        {
            var zg = In(A, logits);   // copied in whole before anything is written: aliasing is safe
            var t = InInts(Targets, targets);
            var rowLoss = _values.Get(B, rows);
            _fused(new KernelConfig(rows, _device.BlockSize), zg, t, rowLoss, classes, ignoreIndex, divisor);
            var total = _values.Get(Scalar, 1);
            _sum(_oneBlock, rowLoss, total, rows, Kernels<T, TMath>.PlainSum);
            Out(zg, gradient);
            T loss = ScalarOut(total);
            if (reduction == LossReduction.Sum) return loss;
            return counted == 0 ? T.Zero : loss / TMath.FromInt(counted);   // the mean of nothing is 0 (GRAD-ALL-IGNORED)
        }
    }

    public (T Loss, T Gradient) Binary(T logit, T target)
    {
        InputRules.Finite(logit, nameof(logit));
        InputRules.Probability(target, nameof(target));
        lock (_device.Gate)
        {
            var z = In(A, [logit]);
            var y = In(B, [target]);
            var loss = _values.Get(Scalar, 1);
            var gradient = _values.Get(Scalar2, 1);
            _binary(Stream, 1, z, y, loss, gradient);
            return (ScalarOut(loss), ScalarOut(gradient));
        }
    }

    // ---- linear layer ----

    /// <summary>z = Wᵀx + b into device slot C; throws (nothing written) where some zⱼ overflows.</summary>
    private ArrayView<T> Logits(ReadOnlySpan<T> x, ReadOnlySpan<T> weights, ReadOnlySpan<T> bias, Span<T> hostCopy)
    {
        int m = x.Length, n = bias.Length;
        var dx = In(A, x);
        var dw = In(B, weights);
        var db = In(D, bias);
        var z = _values.Get(C, n);
        _linearForward(Stream, n, dx, dw, db, z, m, n);
        Out(z, hostCopy);
        for (int j = 0; j < n; j++)
            if (!T.IsFinite(hostCopy[j]))
                throw new ArgumentException($"z[{j}] = (Wᵀx + b)[{j}] overflows to {hostCopy[j]}; the logits must be finite (INPUT-NAN).", nameof(weights));
        return z;
    }

    public void LinearForward(ReadOnlySpan<T> x, ReadOnlySpan<T> weights, ReadOnlySpan<T> bias, Span<T> logits)
    {
        InputRules.LinearForward<T>(x, weights, bias, logits);
        var z = new T[bias.Length];
        lock (_device.Gate) Logits(x, weights, bias, z);
        z.CopyTo(logits);
    }

    public T LinearLossAndGradients(ReadOnlySpan<T> x, ReadOnlySpan<T> weights, ReadOnlySpan<T> bias, ReadOnlySpan<T> target,
                                    Span<T> weightGradient, Span<T> biasGradient)
    {
        InputRules.LinearLayerLoss(x, weights, bias, target, weightGradient, biasGradient);
        int m = x.Length, n = bias.Length;
        lock (_device.Gate)
        {
            var z = Logits(x, weights, bias, new T[n]);   // may still reject: overflow
            var y = In(E, target);
            var g = _values.Get(D, n);                       // b is no longer needed
            var loss = _values.Get(Scalar, 1);
            _logitCrossEntropy(_oneBlock, y, z, loss, g, n, 1);   // ∂L/∂b = ∂L/∂z
            var gw = _values.Get(B, (long)m * n);              // W is no longer needed
            _outer(Stream, new Index2D(m, n), _values.Get(A, m), g, gw, n);
            Out(gw, weightGradient);
            Out(g, biasGradient);
            return ScalarOut(loss);
        }
    }

    // ---- sequence loss ----

    public T SequenceLossAndGradients(ReadOnlySpan<int> tokens, int vocabulary, ReadOnlySpan<T> weights, ReadOnlySpan<T> bias, T lambda,
                                      Span<T> weightGradient, Span<T> biasGradient)
    {
        int v = vocabulary;
        InputRules.SequenceLoss(tokens, v, weights, bias, lambda, weightGradient, biasGradient);
        int steps = tokens.Length - 1;
        ReadOnlySpan<int> contexts = tokens[..^1], next = tokens[1..];

        // Rows grouped by context token, in order (CSR), so that ∂L/∂W sums each row's terms in t order without atomics.
        var first = new int[v + 1];
        foreach (int c in contexts) first[c + 1]++;
        for (int c = 0; c < v; c++) first[c + 1] += first[c];
        var rowsOfContext = new int[steps];
        var fill = (int[])first.Clone();
        for (int r = 0; r < steps; r++) rowsOfContext[fill[contexts[r]]++] = r;

        lock (_device.Gate)
        {
            var dw = In(A, weights);
            var db = In(B, bias);
            var dContexts = InInts(Targets, contexts);
            var z = _values.Get(C, (long)steps * v);
            _sequenceLogits(Stream, new Index2D(steps, v), dContexts, dw, db, z, v);
            var flag = _ints.Get(Flag, 1);
            flag.MemSetToZero();
            _nonFinite(Stream, (int)z.Length, z, flag);
            Span<int> overflow = stackalloc int[1];
            flag.CopyToCPU(overflow);
            Stream.Synchronize();
            if (overflow[0] != 0)
                throw new ArgumentException("Some W[x_{t−1}, j] + b[j] overflows; the logits must be finite (INPUT-NAN).", nameof(weights));

            var dNext = InInts(Rows, next);
            var rowLoss = _values.Get(D, steps);
            _fused(new KernelConfig(steps, _device.BlockSize), z, dNext, rowLoss, v, -1, TMath.FromInt(steps));   // z becomes (ŷₜ − e_{xₜ})/T
            var nll = _values.Get(Scalar, 1);
            _sum(_oneBlock, rowLoss, nll, steps, Kernels<T, TMath>.PlainSum);
            var squares = _values.Get(Scalar2, 1);
            _sum(_oneBlock, dw, squares, weights.Length, Kernels<T, TMath>.SquaresSum);

            var gw = _values.Get(E, (long)v * v);
            _sequenceWeightGradient(Stream, new Index2D(v, v), z, InInts(First, first), InInts(Rows + 1, rowsOfContext), dw, gw, v, lambda);
            var gb = _values.Get(B, v);   // b is no longer needed
            _columnSum(Stream, v, z, gb, steps, v);
            Out(gw, weightGradient);
            Out(gb, biasGradient);
            T loss = ScalarOut(nll) / TMath.FromInt(steps);
            T penalty = lambda == T.Zero ? T.Zero : lambda * TMath.Half * ScalarOut(squares);   // λ = 0: no term, even if ‖W‖² overflows
            return loss + penalty;
        }
    }

    // ---- for bench/GpuCheck ----

    /// <summary>A cached device buffer (the benchmark keeps its data on the device).</summary>
    internal ArrayView<T> Device(int slot, long length) => _values.Get(slot, length);
    internal ArrayView<int> DeviceInts(int slot, long length) => _ints.Get(slot, length);
    internal void FusedOnDevice(ArrayView<T> zg, ArrayView<int> targets, ArrayView<T> rowLoss, int rows, int classes, T divisor) =>
        _fused(new KernelConfig(rows, _device.BlockSize), zg, targets, rowLoss, classes, -100, divisor);
    internal void FillOnDevice(ArrayView<T> z, T scale) => _fill(Stream, checked((int)z.Length), z, scale);
    internal static void CopyOnDevice(ArrayView<T> source, ArrayView<T> destination) => source.CopyTo(destination);
    internal void Synchronize() => Stream.Synchronize();
    internal Accelerator Accelerator => _acc;
    internal long CachedBytes => _values.Bytes + _ints.Bytes;
}
