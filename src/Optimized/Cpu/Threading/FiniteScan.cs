using System.Numerics;
using System.Runtime.CompilerServices;
using LossConformance.Optimized.Cpu.Simd;

namespace LossConformance.Optimized.Cpu.Threading;

/// <summary>
/// Whether every logit is finite, scanned on all the call's threads before the fused kernels write
/// anything (INPUT-NAN, INPUT-NO-WRITE). On one thread this scan cost a fused call about as much as
/// its three row passes together (bench/CrossEntropy/CostSplit.cs, <c>InputCheck</c> against
/// <c>RowsOnly</c>), since it is one more read of the logits from memory. The answer is a yes or no
/// only: when it is no, the kernel calls <c>InputRules</c> without its <c>logitsCheckedFinite</c> flag,
/// which finds the first offending index and throws the same exception as every other implementation.
/// </summary>
internal static unsafe class FiniteScan<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>Logits per work item: 256 KB of floats, so a handful of items per thread even at the smallest parallel size.</summary>
    private const int ElementsPerItem = 1 << 16;

    /// <summary>True when every value is finite; <paramref name="threads"/> threads at most (the pool's gate is taken here).</summary>
    public static bool AllFinite(ReadOnlySpan<T> values, int threads)
    {
        if (threads <= 1 || values.Length <= ElementsPerItem)
            return Driver.Sum(new ZeroIfFinite<T>(), values) == T.Zero;
        var work = Work.Instance;
        lock (WorkerPool.Shared.Gate)
        {
            fixed (T* x = values)
            {
                work.Values = x;
                work.Length = values.Length;
                work.Bad = 0;
                WorkerPool.Shared.RunLocked(work, (values.Length + ElementsPerItem - 1) / ElementsPerItem, threads);
                work.Values = null;
                return work.Bad == 0;
            }
        }
    }

    private sealed class Work : IParallelWork
    {
        public static readonly Work Instance = new();
        public T* Values;
        public int Length;
        public int Bad;

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public void Run(int item)
        {
            int first = item * ElementsPerItem, n = Math.Min(ElementsPerItem, Length - first);
            if (Driver.Sum(new ZeroIfFinite<T>(), ref Unsafe.AsRef<T>(Values + first), n) != T.Zero)
                Volatile.Write(ref Bad, 1);
        }
    }
}
