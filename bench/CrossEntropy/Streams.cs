using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace LossConformance.Benchmarks;

/// <summary>
/// The memory-bandwidth yardsticks: y = −x over n elements, read once and written once with normal
/// (cached, write-allocate) stores, as a fused cross-entropy kernel does; on all cores, each thread
/// one contiguous part. Out of place reads one buffer and writes another; in place (x = −x) is the
/// read-modify-write of a kernel that overwrites its logits with the gradient. Not Span.CopyTo:
/// memmove switches to non-temporal stores on large copies, a faster path than a kernel's stores.
/// </summary>
internal static unsafe class Streams
{
    public static void Negate<T>(T* source, T* destination, int length, int threads) where T : unmanaged, INumber<T>
    {
        if (threads <= 1) { NegateRange(source, destination, length); return; }
        int part = (length / threads + 63) / 64 * 64;   // whole cache lines per thread
        Parallel.For(0, threads, new ParallelOptions { MaxDegreeOfParallelism = threads }, t =>
        {
            int start = Math.Min(length, t * part), end = Math.Min(length, start + part);
            NegateRange(source + start, destination + start, end - start);
        });
    }

    // Fully optimized at its first call: it runs only a few times per case, too few for tiered compilation to reach tier 1.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void NegateRange<T>(T* x, T* y, int n) where T : unmanaged, INumber<T>
    {
        int width = Vector256<T>.Count, i = 0;
        for (; i <= n - 4 * width; i += 4 * width)
        {
            var a = Vector256.Load(x + i);
            var b = Vector256.Load(x + i + width);
            var c = Vector256.Load(x + i + 2 * width);
            var d = Vector256.Load(x + i + 3 * width);
            Vector256.Store(-a, y + i);
            Vector256.Store(-b, y + i + width);
            Vector256.Store(-c, y + i + 2 * width);
            Vector256.Store(-d, y + i + 3 * width);
        }
        for (; i < n; i++) y[i] = -x[i];
    }
}
