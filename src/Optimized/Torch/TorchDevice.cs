using LossConformance.Optimized.Torch.Native;
using TorchSharp;

namespace LossConformance.Optimized.Torch;

/// <summary>Where the TorchSharp implementation runs.</summary>
public enum TorchDeviceKind
{
    Cpu,
    Cuda,
}

/// <summary>
/// Device selection. The default is CUDA where <c>torch.cuda.is_available()</c>, otherwise CPU;
/// <c>CONFORMANCE_TORCH_DEVICE=cpu</c> or <c>=cuda</c> forces one (<c>auto</c> or unset: the default).
/// </summary>
public static class TorchDevices
{
    public const string Variable = "CONFORMANCE_TORCH_DEVICE";

    /// <summary>The forced device, or null for auto. Throws on a value other than auto, cpu or cuda.</summary>
    public static TorchDeviceKind? Forced => Parse(Environment.GetEnvironmentVariable(Variable));

    /// <summary>The meaning of a <c>CONFORMANCE_TORCH_DEVICE</c> value: null for unset or auto.</summary>
    public static TorchDeviceKind? Parse(string? value) => value?.Trim().ToLowerInvariant() switch
    {
        null or "" or "auto" => null,
        "cpu" => TorchDeviceKind.Cpu,
        "cuda" => TorchDeviceKind.Cuda,
        var other => throw new InvalidOperationException($"{Variable}={other}: expected auto, cpu or cuda."),
    };

    /// <summary>torch.cuda.is_available(), after loading libtorch. False with the TorchSharp-cpu package.</summary>
    public static bool CudaAvailable
    {
        get
        {
            TorchRuntime.EnsureLoaded();
            return torch.cuda.is_available();
        }
    }

    /// <summary>The forced device, else CUDA when available, else CPU.</summary>
    public static TorchDeviceKind Default => Forced ?? (CudaAvailable ? TorchDeviceKind.Cuda : TorchDeviceKind.Cpu);

    /// <summary>Why the suites should not run this device here, or null when they should (they then fail loudly if it cannot work).</summary>
    public static string? ReasonToSkip(TorchDeviceKind kind)
    {
        try
        {
            return ReasonToSkip(kind, Forced, () => CudaAvailable);
        }
        catch (TorchLoadException)
        {
            return null;   // not a reason to skip: the cases report the load failure
        }
    }

    /// <summary>
    /// The rule behind <see cref="ReasonToSkip(TorchDeviceKind)"/>: a device other than the forced one is
    /// skipped; CPU otherwise always runs; CUDA runs when forced (and fails if absent) or when available.
    /// </summary>
    public static string? ReasonToSkip(TorchDeviceKind kind, TorchDeviceKind? forced, Func<bool> cudaAvailable)
    {
        if (forced is { } f && f != kind) return $"{Variable}={f.ToString().ToLowerInvariant()}";
        if (kind == TorchDeviceKind.Cpu || forced == TorchDeviceKind.Cuda) return null;
        return cudaAvailable() ? null
            : "no CUDA device: torch.cuda.is_available() is false (the TorchSharp-cpu package has no CUDA; see README.md, \"Running on CUDA\")";
    }

    internal static torch.Device ToTorch(TorchDeviceKind kind)
    {
        TorchRuntime.EnsureLoaded();
        if (kind == TorchDeviceKind.Cpu) return torch.CPU;
        if (!torch.cuda.is_available())
            throw new ImplementationUnavailableException(
                $"The CUDA device was asked for ({Variable} or the constructor) but torch.cuda.is_available() is false: build with -p:TorchSharpPackage=TorchSharp-cuda-linux on a machine with an NVIDIA driver (README.md, \"Running on CUDA\").");
        return torch.CUDA;
    }
}
