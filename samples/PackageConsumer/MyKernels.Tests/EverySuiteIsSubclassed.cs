using LossConformance.Kit;
using Xunit;

// The per-implementation summary at the end of the run ("MyKernels (double): … ran, … passed, …"),
// printed by dotnet test because xunit.runner.json sets "diagnosticMessages": true.
[assembly: TestFramework("LossConformance.Kit.ConformanceTestFramework", "LossConformance.Kit")]

namespace MyPlugin.Tests;

/// <summary>The compliance test: fails listing every suite of the LossConformance.Suites package not subclassed here, so that a suite added in a later version is not silently left out.</summary>
public sealed class EverySuiteIsSubclassed
{
    [Fact]
    public void Every_suite_is_subclassed_for_double()
    {
        var missing = Compliance.MissingSuites(typeof(EverySuiteIsSubclassed).Assembly, typeof(double),
            typeof(LossConformance.Properties.EntropyProperties<>).Assembly);
        Assert.True(missing.Count == 0, $"No subclass over double of: {string.Join(", ", missing.Select(Compliance.Describe))}");
    }
}

/// <summary>An implementation that cannot run here would be skipped once per element type, with the reason.</summary>
public sealed class NotRunHere : ImplementationsNotRunHere;
