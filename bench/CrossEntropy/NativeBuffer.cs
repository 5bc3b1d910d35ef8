using System.Runtime.InteropServices;

namespace LossConformance.Benchmarks;

/// <summary>
/// A buffer of T outside the GC heap, 2 MiB-aligned and advised for transparent huge pages, freed
/// deterministically by <see cref="Dispose"/>. Every kernel of the benchmark reads and writes such
/// buffers (or libtorch's own, which THP_MEM_ALLOC_ENABLE=1 also backs with huge pages), so that the
/// page size is the same for all of them and for the bandwidth they are compared with, and a 1 GB
/// buffer is returned to the system the moment its case ends, not at the GC's next full collection.
/// </summary>
internal sealed unsafe class NativeBuffer<T> : IDisposable where T : unmanaged
{
    private const nuint HugePage = 2 << 20;
    private const int MadvHugePage = 14;   // MADV_HUGEPAGE, linux/mman.h

    private T* _pointer;
    private readonly nuint _bytes;

    public NativeBuffer(int length)
    {
        Length = length;
        _bytes = Math.Max(HugePage, ((nuint)length * (nuint)sizeof(T) + HugePage - 1) / HugePage * HugePage);
        _pointer = (T*)NativeMemory.AlignedAlloc(_bytes, HugePage);
        if (OperatingSystem.IsLinux())
            _ = LibC.Madvise(_pointer, _bytes, MadvHugePage);   // advice only: a kernel without THP leaves 4 KiB pages
        Span.Clear();   // touch every page now, outside any timing
    }

    public int Length { get; }

    public T* Pointer => _pointer != null ? _pointer : throw new ObjectDisposedException(nameof(NativeBuffer<T>));

    public Span<T> Span => new(Pointer, Length);

    public void Dispose()
    {
        if (_pointer == null) return;
        NativeMemory.AlignedFree(_pointer);
        _pointer = null;
    }
}

internal static unsafe partial class LibC
{
    [LibraryImport("libc", EntryPoint = "madvise", SetLastError = true)]
    internal static partial int Madvise(void* address, nuint length, int advice);
}
