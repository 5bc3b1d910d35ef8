using LossConformance.Optimized.Torch;
using Xunit;

namespace LossConformance.SelfTests;

/// <summary>
/// Which TorchSharp device the suites run, and why the other is skipped: the rule behind
/// CONFORMANCE_TORCH_DEVICE, checked here with CUDA present and absent, since this machine has no GPU.
/// </summary>
public sealed class TorchDeviceSelection
{
    private static readonly Func<bool> Present = () => true;
    private static readonly Func<bool> Absent = () => false;

    [Theory]
    [InlineData(null, null)]
    [InlineData("", null)]
    [InlineData(" Auto ", null)]
    [InlineData("cpu", TorchDeviceKind.Cpu)]
    [InlineData("CUDA", TorchDeviceKind.Cuda)]
    public void The_variable_names_a_device_or_auto(string? value, TorchDeviceKind? expected) =>
        Assert.Equal(expected, TorchDevices.Parse(value));

    [Fact]
    public void Any_other_value_is_an_error_that_names_the_variable()
    {
        var e = Assert.Throws<InvalidOperationException>(() => TorchDevices.Parse("gpu"));
        Assert.Contains(TorchDevices.Variable, e.Message);
    }

    [Fact]
    public void Unforced_cpu_always_runs_and_cuda_runs_only_where_available()
    {
        Assert.Null(TorchDevices.ReasonToSkip(TorchDeviceKind.Cpu, null, Absent));
        Assert.Null(TorchDevices.ReasonToSkip(TorchDeviceKind.Cuda, null, Present));
        Assert.Contains("no CUDA device", TorchDevices.ReasonToSkip(TorchDeviceKind.Cuda, null, Absent));
    }

    [Fact]
    public void Forcing_a_device_skips_the_other_with_the_variable_as_the_reason()
    {
        Assert.Equal($"{TorchDevices.Variable}=cpu", TorchDevices.ReasonToSkip(TorchDeviceKind.Cuda, TorchDeviceKind.Cpu, Present));
        Assert.Equal($"{TorchDevices.Variable}=cuda", TorchDevices.ReasonToSkip(TorchDeviceKind.Cpu, TorchDeviceKind.Cuda, Present));
    }

    [Fact]
    public void Forced_cuda_runs_even_where_absent_so_that_its_cases_fail_loudly()
    {
        Assert.Null(TorchDevices.ReasonToSkip(TorchDeviceKind.Cuda, TorchDeviceKind.Cuda, Absent));
        if (TorchDevices.CudaAvailable) return;   // on a GPU machine there is nothing to fail
        var e = Assert.ThrowsAny<ImplementationUnavailableException>(() =>
            ((IEntropy<double>)new TorchImplementation(TorchDeviceKind.Cuda)).Entropy([1.0]));
        Assert.Contains("torch.cuda.is_available() is false", e.Message);
    }

    [Fact]
    public void The_name_says_the_device() =>
        Assert.Equal(("TorchSharp-CPU", "TorchSharp-CUDA"),
            (new TorchImplementation(TorchDeviceKind.Cpu).Name, new TorchImplementation(TorchDeviceKind.Cuda).Name));
}
