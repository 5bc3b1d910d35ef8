using System.Collections.Concurrent;
using System.Reflection;
using Xunit;
using Xunit.Abstractions;
using Xunit.Sdk;

namespace LossConformance.Kit;

/// <summary>
/// Reports, once per test project, each implementation that cannot run here (an
/// <see cref="IConditionalImplementation"/> with a <see cref="IConditionalImplementation.ReasonToSkip"/>,
/// e.g. a GPU backend without a GPU): one skipped test per implementation and element type, with the
/// reason, instead of one skipped case per suite test. A test project opts in with one line,
/// <code>public sealed class NotRunHere : ImplementationsNotRunHere;</code>
/// without it, <see cref="ImplementationDiscoverer"/> skips each test for such an implementation.
/// </summary>
public abstract class ImplementationsNotRunHere
{
    [NotRunHere]
    public void Does_not_run_here(string implementation, string elementType) =>
        throw new InvalidOperationException($"{implementation} ({elementType}) is reported here only as skipped; this test never runs.");

    /// <summary>Why the implementation does not run here, or null when it does.</summary>
    public static string? ReasonToSkip(ImplementationUnderTest impl) =>
        impl.Instance is IConditionalImplementation { ReasonToSkip: { } reason } ? reason : null;

    /// <summary>True when the assembly has a concrete subclass of this class, i.e. reports unrunnable implementations once.</summary>
    public static bool IsSubclassedIn(Assembly assembly) =>
        Subclassed.GetOrAdd(assembly, a => a.GetExportedTypes().Any(t => t is { IsClass: true, IsAbstract: false } && t.IsSubclassOf(typeof(ImplementationsNotRunHere))));

    private static readonly ConcurrentDictionary<Assembly, bool> Subclassed = new();
}

/// <summary>Marks <see cref="ImplementationsNotRunHere.Does_not_run_here"/>: one skipped case per implementation and element type that does not run here.</summary>
[XunitTestCaseDiscoverer("LossConformance.Kit.NotRunHereDiscoverer", "LossConformance.Kit")]
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false)]
public sealed class NotRunHereAttribute : FactAttribute;

/// <summary>
/// Looks through the concrete suite classes of the test project, and for each implementation that does
/// not run here and element type emits one skipped case whose reason says why and how many tests that is.
/// </summary>
public sealed class NotRunHereDiscoverer(IMessageSink diagnosticMessageSink) : IXunitTestCaseDiscoverer
{
    public IEnumerable<IXunitTestCase> Discover(ITestFrameworkDiscoveryOptions discoveryOptions, ITestMethod testMethod, IAttributeInfo factAttribute)
    {
        var display = discoveryOptions.MethodDisplayOrDefault();
        var displayOptions = discoveryOptions.MethodDisplayOptionsOrDefault();
        var notHere = new Dictionary<(string Name, string Element), (string Reason, int Tests)>();
        foreach (var suiteType in testMethod.TestClass.Class.ToRuntimeType().Assembly.GetExportedTypes()
                     .Where(t => t is { IsClass: true, IsAbstract: false, ContainsGenericParameters: false } && typeof(ISuite).IsAssignableFrom(t)))
        {
            int tests = suiteType.GetMethods(BindingFlags.Public | BindingFlags.Instance).Count(m => m.IsDefined(typeof(ForEachImplementationAttribute), inherit: true));
            if (tests == 0) continue;
            ISuite suite;
            try { suite = SuiteFactory.CreateForDiscovery(suiteType); }
            catch (Exception) { continue; }   // ImplementationDiscoverer reports the suite that cannot be constructed
            string element = suite.ElementType == typeof(double) ? "double" : suite.ElementType == typeof(float) ? "float" : suite.ElementType.Name;
            foreach (var impl in suite.Implementations)
            {
                if (ImplementationsNotRunHere.ReasonToSkip(impl) is not { } reason) continue;
                notHere[(impl.Name, element)] = notHere.TryGetValue((impl.Name, element), out var seen) ? (seen.Reason, seen.Tests + tests) : (reason, tests);
            }
        }
        return notHere.OrderBy(kv => kv.Key.Name, StringComparer.Ordinal).ThenBy(kv => kv.Key.Element, StringComparer.Ordinal)
            .Select(kv => (IXunitTestCase)new XunitSkippedDataRowTestCase(diagnosticMessageSink, display, displayOptions, testMethod,
                $"{kv.Key.Name} does not run here: {kv.Value.Reason} (so none of this project's {kv.Value.Tests} {kv.Key.Element} suite tests run on it)",
                [kv.Key.Name, kv.Key.Element]))
            .ToList();
    }
}
