using System.Numerics;
using System.Runtime.InteropServices;
using TorchSharp;
using static TorchSharp.torch;

namespace LossConformance.Optimized.Torch;

/// <summary>Copies between spans of float or double and torch tensors of the matching dtype on one device.</summary>
internal static class Tensors<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    public static readonly ScalarType DType = typeof(T) == typeof(double) ? ScalarType.Float64
        : typeof(T) == typeof(float) ? ScalarType.Float32
        : throw new NotSupportedException($"The TorchSharp implementation takes float or double, not {typeof(T).Name}.");

    /// <summary>A tensor holding a copy of the values, with the given shape (default: a vector).</summary>
    public static Tensor From(ReadOnlySpan<T> values, Device device, bool requiresGrad = false, params long[] shape)
    {
        long[] dims = shape.Length > 0 ? shape : [values.Length];
        Tensor t = typeof(T) == typeof(double)
            ? torch.tensor(MemoryMarshal.Cast<T, double>(values).ToArray(), dims, ScalarType.Float64, device)
            : torch.tensor(MemoryMarshal.Cast<T, float>(values).ToArray(), dims, ScalarType.Float32, device);
        return requiresGrad ? t.requires_grad_() : t;
    }

    /// <summary>A tensor of class indices (int64, as torch's losses want them).</summary>
    public static Tensor Indices(ReadOnlySpan<int> values, Device device)
    {
        var longs = new long[values.Length];
        for (int i = 0; i < longs.Length; i++) longs[i] = values[i];
        return torch.tensor(longs, [longs.Length], ScalarType.Int64, device);
    }

    /// <summary>Copies a tensor's elements, in row-major order, into the destination.</summary>
    public static void CopyTo(Tensor source, Span<T> destination)
    {
        using var host = source.detach().cpu().contiguous();
        if (host.numel() != destination.Length)
            throw new InvalidOperationException($"tensor has {host.numel()} elements; the output span has {destination.Length}.");
        host.data<T>().CopyTo(destination, 0, 0);   // straight into the caller's span: no intermediate array
    }

    public static T Scalar(Tensor source) => source.detach().cpu().item<T>();

    /// <summary>True when every element is finite (used to reject overflowing logits before anything is written).</summary>
    public static bool AllFinite(Tensor t) => torch.isfinite(t).all().item<bool>();
}
