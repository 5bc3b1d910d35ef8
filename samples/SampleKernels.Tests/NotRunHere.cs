using LossConformance.Kit;
using Xunit;

// One line per implementation and element type at the end of the run ("Sample (float): … ran, … passed, …"),
// printed by dotnet test because xunit.runner.json sets "diagnosticMessages": true.
[assembly: TestFramework("LossConformance.Kit.ConformanceTestFramework", "LossConformance.Kit")]

namespace Samples.Tests;

/// <summary>An implementation that cannot run here (IConditionalImplementation.ReasonToSkip) is skipped once per element type, with the reason, not once per test.</summary>
public sealed class NotRunHere : ImplementationsNotRunHere;
