using System.Numerics;
using System.Runtime.InteropServices;
using TorchSharp;
using static TorchSharp.torch;

namespace LossConformance.Optimized.Torch;

/// <summary>
/// Copies between spans of float or double and torch tensors of the matching dtype on one device:
/// one copy each way, straight between the caller's memory and the tensor's storage.
/// <para>
/// Why not torch.tensor(array) and TensorAccessor: in TorchSharp 0.107 <c>torch.tensor(T[])</c> clones
/// its array (so span → ToArray → Clone made two managed copies, kept pinned until the tensor was
/// freed), and <c>data&lt;T&gt;().CopyTo(Span)</c> goes through <c>ToArray()</c> (a third). At
/// 4096 × 32 000 float64 that was 3 GB of large-object-heap garbage per call, which the GC did not
/// see as pressure in time: repeated calls grew to 24 GB resident (bench/README.md). Here the
/// tensor is allocated by libtorch and filled through <see cref="Tensor.bytes"/>, a span over its
/// storage, and results are read back the same way: no managed array of the data's size is made.
/// </para>
/// </summary>
internal static class Tensors<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    public static readonly ScalarType DType = typeof(T) == typeof(double) ? ScalarType.Float64
        : typeof(T) == typeof(float) ? ScalarType.Float32
        : throw new NotSupportedException($"The TorchSharp implementation takes float or double, not {typeof(T).Name}.");

    /// <summary>A tensor holding a copy of the values, with the given shape (default: a vector).</summary>
    public static Tensor From(ReadOnlySpan<T> values, Device device, bool requiresGrad = false, params long[] shape)
    {
        long[] dims = shape.Length > 0 ? shape : [values.Length];
        var host = torch.empty(dims, DType, torch.CPU);
        Write(values, host);
        // On another device the host tensor is one more copy, unavoidable (bytes only reach CPU memory); the dispose scope frees it.
        var t = device.type == DeviceType.CPU ? host : host.to(device);
        return requiresGrad ? t.requires_grad_() : t;
    }

    /// <summary>A tensor of class indices (int64, as torch's losses want them).</summary>
    public static Tensor Indices(ReadOnlySpan<int> values, Device device)
    {
        var host = torch.empty([values.Length], ScalarType.Int64, torch.CPU);
        if (values.Length > 0)
        {
            var longs = MemoryMarshal.Cast<byte, long>(host.bytes);
            for (int i = 0; i < values.Length; i++) longs[i] = values[i];
        }
        return device.type == DeviceType.CPU ? host : host.to(device);
    }

    /// <summary>Copies a tensor's elements, in row-major order, into the destination.</summary>
    public static void CopyTo(Tensor source, Span<T> destination)
    {
        using var host = source.detach().cpu().contiguous();   // no copy for a contiguous CPU tensor: the same storage
        if (host.numel() != destination.Length)
            throw new InvalidOperationException($"tensor has {host.numel()} elements; the output span has {destination.Length}.");
        Read(host, destination);
    }

    public static T Scalar(Tensor source) => source.detach().cpu().item<T>();

    /// <summary>True when every element is finite (used to reject overflowing logits before anything is written).</summary>
    public static bool AllFinite(Tensor t) => torch.isfinite(t).all().item<bool>();

    // Tensor.bytes spans at most int.MaxValue bytes, as MemoryMarshal.AsBytes does; a span of T may hold more
    // (8 × int.MaxValue bytes for double), so large tensors are copied in slices of a flat view, each a span
    // over its own part of the same storage.
    // Settable only so that tests/SelfTests can run the sliced path on a small tensor.
    internal static int SliceElements { get; set; } = int.MaxValue / Marshal.SizeOf<T>();

    private static void Write(ReadOnlySpan<T> source, Tensor contiguousHost)
    {
        if (source.Length <= SliceElements)
        {
            if (source.Length > 0) MemoryMarshal.AsBytes(source).CopyTo(contiguousHost.bytes);
            return;
        }
        using var flat = contiguousHost.view(-1);
        for (long start = 0; start < source.Length; start += SliceElements)   // long: start + SliceElements may pass int.MaxValue
        {
            int length = (int)Math.Min(SliceElements, source.Length - start);
            using var part = flat.narrow(0, start, length);
            MemoryMarshal.AsBytes(source.Slice((int)start, length)).CopyTo(part.bytes);
        }
    }

    private static void Read(Tensor contiguousHost, Span<T> destination)
    {
        if (destination.Length <= SliceElements)
        {
            if (destination.Length > 0) contiguousHost.bytes.CopyTo(MemoryMarshal.AsBytes(destination));
            return;
        }
        using var flat = contiguousHost.view(-1);
        for (long start = 0; start < destination.Length; start += SliceElements)   // long: start + SliceElements may pass int.MaxValue
        {
            int length = (int)Math.Min(SliceElements, destination.Length - start);
            using var part = flat.narrow(0, start, length);
            part.bytes.CopyTo(MemoryMarshal.AsBytes(destination.Slice((int)start, length)));
        }
    }
}
