using LossConformance.Optimized.Cpu.Threading;

namespace LossConformance.Optimized.Cpu;

/// <summary>
/// The project's optimized CPU implementation, "Optimized-CPU": SIMD kernels (Vector512 where the
/// machine accelerates it, else 256, 128 or one lane) with their own exp and ln, a fused one-pass
/// batched softmax-cross-entropy that may run in place, row-parallel on a persistent worker pool,
/// bit-identical for any thread count. A partial class: each area's capabilities live in a file of
/// their own beside this one (README.md in this folder).
/// </summary>
public sealed partial class OptimizedCpuImplementation : INamedImplementation, IMultithreadedImplementation, IStrictAccuracy
{
    /// <summary>An implementation that may use every core.</summary>
    public OptimizedCpuImplementation() : this(Environment.ProcessorCount) { }

    private OptimizedCpuImplementation(int threads)
    {
        if (threads < 1) throw new ArgumentOutOfRangeException(nameof(threads), threads, "threads must be at least 1.");
        Threads = Math.Min(threads, WorkerPool.Shared.MaxThreads);
    }

    /// <inheritdoc/>
    public string Name => "Optimized-CPU";

    /// <inheritdoc/>
    public int Threads { get; }

    /// <inheritdoc/>
    public object WithThreads(int threads) => new OptimizedCpuImplementation(threads);
}
