using System.Numerics;
using LossConformance.Kit;
using LossConformance.Optimized.Cpu;
using LossConformance.Optimized.Gpu;
using LossConformance.Optimized.Torch;
using LossConformance.Reference;

namespace LossConformance.Autograd;

/// <summary>
/// What this project's concrete suite classes run on: the float64 reference, the project's
/// optimized CPU kernels (float and double), its ILGPU kernels (CUDA, else ILGPU's CPU accelerator), TorchSharp on the CPU
/// (float and double), TorchSharp on CUDA (skipped, with the reason, where there is no GPU), then
/// every plug-in named by CONFORMANCE_IMPLEMENTATION.
/// </summary>
public static class BuiltIn
{
    public static object[] For<T>() where T : unmanaged, IFloatingPointIeee754<T> =>
        Implementations.WithDropIns<T>(
            new ReferenceImplementation(),
            new OptimizedCpuImplementation(),
            new GpuImplementation(),
            new TorchImplementation(TorchDeviceKind.Cpu),
            new TorchImplementation(TorchDeviceKind.Cuda));
}
