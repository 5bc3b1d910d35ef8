using System.Reflection;
using LossConformance.Kit;
using Xunit;

namespace Samples.Tests;

/// <summary>
/// The compliance test (EF Core style): fails listing every suite of the suites assembly
/// (src/Suites, the LossConformance.Suites package) that this project forgot to subclass, so that a
/// suite added to the conformance kit later is not silently left out.
/// </summary>
public sealed class EverySuiteIsSubclassed
{
    private static readonly Assembly[] SuiteAssemblies = [typeof(LossConformance.Properties.EntropyProperties<>).Assembly];

    [Fact]
    public void Every_suite_is_subclassed_for_float() => NoneMissing(typeof(float));

    [Fact]
    public void Every_suite_is_subclassed_for_double() => NoneMissing(typeof(double));

    private static void NoneMissing(Type elementType)
    {
        var missing = Compliance.MissingSuites(typeof(EverySuiteIsSubclassed).Assembly, elementType, SuiteAssemblies);
        Assert.True(missing.Count == 0,
            $"No subclass over {elementType.Name} of: {string.Join(", ", missing.Select(Compliance.Describe))}. Add one line per suite, e.g. "
            + $"public sealed class SampleXProperties{(elementType == typeof(float) ? "Float" : "Double")}(ITestOutputHelper o) : XProperties<{(elementType == typeof(float) ? "float" : "double")}>(o, new SampleKernels());");
    }
}
