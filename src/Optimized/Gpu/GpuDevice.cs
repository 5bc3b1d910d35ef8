using System.Numerics;
using ILGPU;
using ILGPU.Runtime;
using ILGPU.Runtime.CPU;
using ILGPU.Runtime.Cuda;

namespace LossConformance.Optimized.Gpu;

/// <summary>Which ILGPU accelerator runs the kernels.</summary>
public enum GpuAcceleratorKind
{
    /// <summary>ILGPU's CPU accelerator: the same kernels, run by .NET threads that emulate a thread block.</summary>
    Cpu,
    /// <summary>An NVIDIA GPU through the CUDA driver (kernels compiled in-process to PTX).</summary>
    Cuda,
}

/// <summary>
/// Accelerator selection: CUDA when ILGPU finds a CUDA device, else the CPU accelerator;
/// <c>CONFORMANCE_GPU=cuda|cpu</c> forces one (<c>auto</c> or unset: the default). Forcing CUDA
/// where there is none fails the first call with <see cref="ImplementationUnavailableException"/>.
/// </summary>
public static class GpuAccelerators
{
    public const string Variable = "CONFORMANCE_GPU";

    /// <summary>The forced accelerator, or null for auto. Throws on a value other than auto, cpu or cuda.</summary>
    public static GpuAcceleratorKind? Forced => Parse(Environment.GetEnvironmentVariable(Variable));

    /// <summary>The meaning of a <c>CONFORMANCE_GPU</c> value: null for unset or auto.</summary>
    public static GpuAcceleratorKind? Parse(string? value) => value?.Trim().ToLowerInvariant() switch
    {
        null or "" or "auto" => null,
        "cpu" => GpuAcceleratorKind.Cpu,
        "cuda" => GpuAcceleratorKind.Cuda,
        var other => throw new InvalidOperationException($"{Variable}={other}: expected auto, cpu or cuda."),
    };

    private static readonly Lazy<bool> CudaPresent = new(() =>
    {
        try
        {
            using var context = Context.Create(builder => builder.Cuda());
            return context.GetCudaDevices().Count > 0;
        }
        catch (Exception)
        {
            return false;   // no driver library: no CUDA device
        }
    });

    /// <summary>Whether ILGPU finds a CUDA device (needs only the NVIDIA driver, no toolkit).</summary>
    public static bool CudaAvailable => CudaPresent.Value;

    /// <summary>The forced accelerator, else CUDA when available, else the CPU accelerator.</summary>
    public static GpuAcceleratorKind Default => Forced ?? (CudaAvailable ? GpuAcceleratorKind.Cuda : GpuAcceleratorKind.Cpu);
}

/// <summary>
/// One ILGPU accelerator shared by every instance in the process, with its compiled kernels and a
/// cache of device buffers per element type. Calls are serialized on <see cref="Gate"/>: xunit runs
/// test classes in parallel, and the buffers and the default stream are shared.
/// </summary>
internal sealed class GpuDevice
{
    private static readonly Lazy<GpuDevice> CpuDevice = new(() => new GpuDevice(GpuAcceleratorKind.Cpu));
    private static readonly Lazy<GpuDevice> CudaDevice = new(() => new GpuDevice(GpuAcceleratorKind.Cuda));

    public static GpuDevice For(GpuAcceleratorKind kind) => kind == GpuAcceleratorKind.Cpu ? CpuDevice.Value : CudaDevice.Value;

    private readonly Lazy<DeviceOps<float, SingleMath>> _single;
    private readonly Lazy<DeviceOps<double, DoubleMath>> _double;

    private GpuDevice(GpuAcceleratorKind kind)
    {
        Kind = kind;
        if (kind == GpuAcceleratorKind.Cuda)
        {
            Context = Context.Create(builder => builder.Cuda());
            if (Context.GetCudaDevices().Count == 0)
            {
                Context.Dispose();
                throw new ImplementationUnavailableException(
                    $"The CUDA accelerator was asked for ({GpuAccelerators.Variable}=cuda or the constructor) but ILGPU finds no CUDA device: it needs an NVIDIA GPU and its driver (libcuda.so).");
            }
            Accelerator = Context.CreateCudaAccelerator(0);
        }
        else
        {
            Context = Context.Create(builder => builder.CPU());
            // A block of 2 threads (the CPU accelerator's smallest warp), run sequentially: its barriers
            // are emulated with thread switches, and wider blocks made the suites several times slower
            // (src/Optimized/Gpu/README.md) while exercising the same code (strided loops, shared
            // memory, the halving tree, barriers).
            Accelerator = new CPUDevice(numThreadsPerWarp: 2, numWarpsPerMultiprocessor: 1, numMultiprocessors: 1)
                .CreateCPUAccelerator(Context, CPUAcceleratorMode.Sequential);
        }
        // The block size is fixed per accelerator (it fixes the reduction tree): 256 threads on a GPU,
        // 2 on the CPU accelerator.
        int block = Math.Min(Kernels<float, SingleMath>.MaxBlock, Accelerator.MaxNumThreadsPerGroup);
        BlockSize = 1 << (31 - BitOperations.LeadingZeroCount((uint)block));
        Description = $"{(kind == GpuAcceleratorKind.Cuda ? "CUDA" : "ILGPU CPU accelerator")}: {Accelerator.Name}, block size {BlockSize}";
        _single = new(() => new DeviceOps<float, SingleMath>(this));
        _double = new(() => new DeviceOps<double, DoubleMath>(this));
    }

    public GpuAcceleratorKind Kind { get; }
    public Context Context { get; }
    public Accelerator Accelerator { get; }
    public int BlockSize { get; }
    public string Description { get; }
    public object Gate { get; } = new();

    public DeviceOps<float, SingleMath> Single => _single.Value;
    public DeviceOps<double, DoubleMath> Double => _double.Value;
}

/// <summary>
/// Device buffers kept across calls, one per slot, grown (doubling) when a call needs more; only
/// used under <see cref="GpuDevice.Gate"/>.
/// </summary>
internal sealed class BufferCache<T>(Accelerator accelerator) where T : unmanaged
{
    private readonly Dictionary<int, MemoryBuffer1D<T, Stride1D.Dense>> _buffers = [];

    /// <summary>A view of length <paramref name="length"/> (≥ 1 element is allocated) of slot <paramref name="slot"/>'s buffer.</summary>
    public ArrayView<T> Get(int slot, long length)
    {
        if (!_buffers.TryGetValue(slot, out var buffer) || buffer.Length < Math.Max(1, length))
        {
            long size = Math.Max(Math.Max(1, length), buffer is null ? 0 : 2 * buffer.Length);
            buffer?.Dispose();
            buffer = accelerator.Allocate1D<T>(size);
            _buffers[slot] = buffer;
        }
        return buffer.View.SubView(0, Math.Max(1, length));
    }

    /// <summary>Device memory this cache holds now, in bytes.</summary>
    public long Bytes => _buffers.Values.Sum(b => b.LengthInBytes);
}
