using Xunit;
using Xunit.Sdk;

namespace LossConformance.Kit;

/// <summary>
/// Marks a suite test. It takes one argument, the implementation's name, and is run once per
/// implementation that the concrete suite class was given (see <see cref="Suite{T}"/>);
/// implementations that lack a <see cref="RequiresAttribute"/> capability are reported as skipped.
/// </summary>
[XunitTestCaseDiscoverer("LossConformance.Kit.ImplementationDiscoverer", "LossConformance.Kit")]
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false)]
public sealed class ForEachImplementationAttribute : FactAttribute;
