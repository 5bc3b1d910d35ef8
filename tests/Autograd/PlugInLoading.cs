using LossConformance.Kit;
using Xunit;

// The per-implementation summary at the end of the run (with "diagnosticMessages": true in xunit.runner.json).
[assembly: TestFramework("LossConformance.Kit.ConformanceTestFramework", "LossConformance.Kit")]

namespace LossConformance.Autograd;

/// <summary>A plug-in named in CONFORMANCE_IMPLEMENTATION that does not load fails here, saying why, instead of silently testing less.</summary>
public sealed class PlugInLoading
{
    [Fact]
    public void Every_named_plug_in_loads() =>
        Assert.True(DropIn.Errors.Count == 0, string.Join(Environment.NewLine, DropIn.Errors));

    /// <summary>CONFORMANCE_ONLY naming no implementation of this project (a typo) would run nothing: it fails here, listing the names it may use.</summary>
    [Fact]
    public void Every_name_in_CONFORMANCE_ONLY_is_an_implementation()
    {
        BuiltIn.For<float>();   // offers every built-in and plug-in name to Implementations
        BuiltIn.For<double>();
        Assert.True(Implementations.OnlyProblem() is null, Implementations.OnlyProblem());
    }
}

/// <summary>Each implementation that cannot run here (TorchSharp-CUDA without a GPU) is skipped once per element type, with the reason.</summary>
public sealed class NotRunHere : ImplementationsNotRunHere;
