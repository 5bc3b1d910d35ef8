using LossConformance.Kit;
using Xunit;

// The per-implementation summary at the end of the run (with "diagnosticMessages": true in xunit.runner.json).
[assembly: TestFramework("LossConformance.Kit.ConformanceTestFramework", "LossConformance.Kit")]

namespace LossConformance.Autograd;

/// <summary>The plug-in and CONFORMANCE_ONLY checks (src/Kit/PlugInLoadingChecks.cs) on this project's implementations.</summary>
public sealed class PlugInLoading : PlugInLoadingChecks
{
    protected override void OfferEveryImplementation()
    {
        BuiltIn.For<float>();
        BuiltIn.For<double>();
    }
}

/// <summary>Each implementation that cannot run here (TorchSharp-CUDA without a GPU) is skipped once per element type, with the reason.</summary>
public sealed class NotRunHere : ImplementationsNotRunHere;
