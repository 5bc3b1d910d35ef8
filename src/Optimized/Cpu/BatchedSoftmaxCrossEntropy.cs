using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using LossConformance.Optimized.Cpu.Simd;
using LossConformance.Optimized.Cpu.Threading;

namespace LossConformance.Optimized.Cpu;

public sealed partial class OptimizedCpuImplementation :
    IInPlaceBatchedSoftmaxCrossEntropy<float>, IInPlaceBatchedSoftmaxCrossEntropy<double>
{
    /// <inheritdoc/>
    public float ForwardBackward(ReadOnlySpan<float> logits, int classes, ReadOnlySpan<int> targets, int ignoreIndex,
                                 LossReduction reduction, Span<float> gradient) =>
        BatchedSoftmaxCrossEntropy<float>.ForwardBackward(logits, classes, targets, ignoreIndex, reduction, gradient, Threads);

    /// <inheritdoc/>
    public double ForwardBackward(ReadOnlySpan<double> logits, int classes, ReadOnlySpan<int> targets, int ignoreIndex,
                                  LossReduction reduction, Span<double> gradient) =>
        BatchedSoftmaxCrossEntropy<double>.ForwardBackward(logits, classes, targets, ignoreIndex, reduction, gradient, Threads);
}

/// <summary>
/// The fused batched softmax-cross-entropy (GRAD-FUSED, GRAD-MEAN, GRAD-IGNORE, GRAD-ALL-IGNORED,
/// GRAD-INPLACE), one exp per logit. Per counted row, three passes, the first from memory and the
/// other two from the row's copy in L2 (a row of V = 32 000 floats is 128 KB): (1) m = max z, read
/// only; (2) gⱼ = exp(zⱼ − m) written to the gradient and summed, the label's term kept apart
/// (s_other over j ≠ t, eₜ alone); (3) gⱼ ← gⱼ·c with c = rowScale/s, the same product as the direct
/// route exp(zⱼ − m)·c, so no rescaling error at all; the label's entry −s_other·c where ŷₜ ≥ ½, which
/// keeps its relative accuracy as ŷₜ → 1 (ŷₜ − 1 computed by a subtraction would cancel), else
/// eₜ·c − rowScale in one rounding (Driver.LabelGradient). Loss ℓ = ln s − (zₜ − m). So the memory
/// traffic is one read of the logits and one write of the gradient, and exp runs once per logit
/// (the earlier online pass ran it twice: once for the sum, once for the output). Rows run in
/// parallel; each row's result depends on that row only, and the row losses are summed in row order
/// afterwards, so any thread count gives the same bits.
/// </summary>
internal static unsafe class BatchedSoftmaxCrossEntropy<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>Below this many logits a call stays on the calling thread (waking workers costs more).</summary>
    private const int ParallelThreshold = 1 << 15;

    /// <summary>About this many logits per work item (at least one row), fixed by the shape alone.</summary>
    private const int ElementsPerItem = 1 << 13;

    public static T ForwardBackward(ReadOnlySpan<T> logits, int classes, ReadOnlySpan<int> targets, int ignoreIndex,
                                    LossReduction reduction, Span<T> gradient, int threads)
    {
        // The finiteness scan on all threads (FiniteScan), then the other rules; a non-finite logit
        // goes back to InputRules' own scan, so the exception is the one every implementation throws.
        int rows = InputRules.BatchedCrossEntropy<T>(logits, classes, targets, ignoreIndex, reduction, gradient, allowInPlace: true,
                                                     logitsCheckedFinite: FiniteScan<T>.AllFinite(logits, threads));
        if (logits.Overlaps(gradient, out int offset) && offset != 0)
            throw new ArgumentException("gradient partially overlaps logits; it must be the same memory (in place, GRAD-INPLACE) or separate.", nameof(gradient));

        int counted = 0;
        for (int r = 0; r < rows; r++)
            if (targets[r] != ignoreIndex) counted++;
        if (counted == 0)
        {
            gradient.Clear();   // GRAD-ALL-IGNORED: loss 0 and gradient 0, for Sum and Mean alike
            return T.Zero;
        }
        T rowScale = reduction == LossReduction.Mean ? T.One / T.CreateTruncating(counted) : T.One;

        T total = T.Zero;
        if (threads <= 1 || rows < 2 || logits.Length < ParallelThreshold)
        {
            ref T z = ref MemoryMarshal.GetReference(logits);
            ref T g = ref MemoryMarshal.GetReference(gradient);
            for (int r = 0; r < rows; r++)
                total += Row(ref Unsafe.Add(ref z, (nint)r * classes), ref Unsafe.Add(ref g, (nint)r * classes), classes, targets[r], ignoreIndex, rowScale);
        }
        else
        {
            var work = Work.Instance;
            lock (WorkerPool.Shared.Gate)
            {
                fixed (T* z = logits)
                fixed (T* g = gradient)
                fixed (int* t = targets)
                {
                    if (work.RowLoss.Length < rows) work.RowLoss = new T[Math.Max(rows, 2 * work.RowLoss.Length)];
                    work.Logits = z;
                    work.Gradient = g;
                    work.Targets = t;
                    work.Classes = classes;
                    work.Rows = rows;
                    work.IgnoreIndex = ignoreIndex;
                    work.RowScale = rowScale;
                    work.RowsPerItem = Math.Max(1, ElementsPerItem / classes);
                    int items = (rows + work.RowsPerItem - 1) / work.RowsPerItem;
                    WorkerPool.Shared.RunLocked(work, items, threads);
                    T[] rowLoss = work.RowLoss;
                    for (int r = 0; r < rows; r++)
                        total += rowLoss[r];   // row order, whatever thread computed each row
                    work.Logits = work.Gradient = null;
                    work.Targets = null;
                }
            }
        }
        return reduction == LossReduction.Mean ? total / T.CreateTruncating(counted) : total;
    }

    /// <summary>One row: writes (ŷ − e_t)·rowScale into g (0 for an ignored row) and returns ℓ = −ln ŷₜ (0 if ignored). g may be z.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static T Row(ref T z, ref T g, int n, int t, int ignoreIndex, T rowScale)
    {
        if (t == ignoreIndex)
        {
            MemoryMarshal.CreateSpan(ref g, n).Clear();
            return T.Zero;
        }
        T m = Driver.Max(ref z, n);            // pass 1: reads the row from memory, leaves it in L2
        T dt = Unsafe.Add(ref z, t) - m;       // read before the gradient may overwrite it (in place)
        var shifted = new ExpShifted<T>(m);
        T other = Driver.MapSum(shifted, ref z, ref g, t);   // pass 2: gⱼ = exp(zⱼ − m), summed without the label's term
        if (t + 1 < n) other += Driver.MapSum(shifted, ref Unsafe.Add(ref z, t + 1), ref Unsafe.Add(ref g, t + 1), n - t - 1);
        T label = Scalar<T>.Exp(dt);
        T s = other + label;
        T loss = Scalar<T>.Log(s) - dt;
        T c = rowScale / s;
        Unsafe.Add(ref g, t) = label;
        Driver.Map(new Scale<T>(c), ref g, ref g, n);   // pass 3, from L2: exp(zⱼ − m)·c, the product of the direct route
        Unsafe.Add(ref g, t) = Driver.LabelGradient(other, label, c, rowScale);
        return loss;
    }

    private sealed class Work : IParallelWork
    {
        public static readonly Work Instance = new();
        public T* Logits, Gradient;
        public int* Targets;
        public int Classes, Rows, RowsPerItem, IgnoreIndex;
        public T RowScale;
        public T[] RowLoss = [];

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public void Run(int item)
        {
            int first = item * RowsPerItem, end = Math.Min(first + RowsPerItem, Rows);
            for (int r = first; r < end; r++)
                RowLoss[r] = Row(ref Unsafe.AsRef<T>(Logits + (nint)r * Classes), ref Unsafe.AsRef<T>(Gradient + (nint)r * Classes),
                                 Classes, Targets[r], IgnoreIndex, RowScale);
        }
    }
}
