using System.Reflection;
using Xunit.Abstractions;
using Xunit.Sdk;

namespace LossConformance.Kit;

/// <summary>
/// Turns one <see cref="ForEachImplementationAttribute"/> method into one test case per
/// implementation of the concrete suite class: a runnable case where the implementation has
/// every required capability, a skipped case naming the missing capability otherwise. An
/// <see cref="IConditionalImplementation"/> that does not run here (no GPU) gets no case when the test
/// project has a <see cref="ImplementationsNotRunHere"/> class, which skips it once with the reason;
/// otherwise (a project without one) one skipped case per test, with the reason.
/// </summary>
public sealed class ImplementationDiscoverer(IMessageSink diagnosticMessageSink) : IXunitTestCaseDiscoverer
{
    public IEnumerable<IXunitTestCase> Discover(ITestFrameworkDiscoveryOptions discoveryOptions, ITestMethod testMethod, IAttributeInfo factAttribute)
    {
        var display = discoveryOptions.MethodDisplayOrDefault();
        var displayOptions = discoveryOptions.MethodDisplayOptionsOrDefault();
        Type suiteType = testMethod.TestClass.Class.ToRuntimeType();
        MethodInfo method = testMethod.Method.ToRuntimeMethod();

        ISuite suite;
        try
        {
            suite = SuiteFactory.CreateForDiscovery(suiteType);
        }
        catch (Exception e)
        {
            var inner = e is TargetInvocationException { InnerException: { } ie } ? ie : e;
            return [new ExecutionErrorTestCase(diagnosticMessageSink, display, displayOptions, testMethod,
                $"Could not construct suite {suiteType.Name} to list its implementations: {inner.GetType().Name}: {inner.Message}")];
        }

        bool reportedOnce = ImplementationsNotRunHere.IsSubclassedIn(suiteType.Assembly);
        var optIn = method.GetCustomAttribute<RunsOnlyWithAttribute>();
        var cases = new List<IXunitTestCase>();
        foreach (var impl in suite.Implementations)
        {
            var missing = Capabilities.Missing(impl, Capabilities.RequiredBy(method, suiteType, suite.ElementType));
            object[] args = [impl.Name];
            string? notHere = ImplementationsNotRunHere.ReasonToSkip(impl);
            // Where the project has a NotRunHere class, it reports such an implementation once instead of once per test.
            if (notHere is not null && reportedOnce) continue;
            string? skip = notHere is not null ? $"{impl.Name} does not run here: {notHere}"
                : missing.Count > 0 ? $"{impl.Name} does not implement {string.Join(", ", missing.Select(Capabilities.Describe))}"
                : optIn is { IsSet: false } ? optIn.SkipReason
                : null;
            cases.Add(skip is null
                ? new ImplementationTestCase(diagnosticMessageSink, display, displayOptions, testMethod, args)
                : new XunitSkippedDataRowTestCase(diagnosticMessageSink, display, displayOptions, testMethod, skip, args));
        }
        return cases;
    }
}

/// <summary>What a suite tells the discoverer: its element type and its implementations.</summary>
public interface ISuite
{
    Type ElementType { get; }
    IReadOnlyList<ImplementationUnderTest> Implementations { get; }
}

internal static class SuiteFactory
{
    /// <summary>Constructs a suite class with a silent output helper, the way xunit later will with a real one.</summary>
    public static ISuite CreateForDiscovery(Type suiteType)
    {
        var ctor = suiteType.GetConstructors().OrderBy(c => c.GetParameters().Length).First();
        var args = ctor.GetParameters().Select(p => p.ParameterType == typeof(ITestOutputHelper) ? (object)SilentOutput.Instance
            : throw new InvalidOperationException($"{suiteType.Name}'s constructor takes {p.ParameterType.Name}; suites take only ITestOutputHelper.")).ToArray();
        return (ISuite)ctor.Invoke(args);
    }

    private sealed class SilentOutput : ITestOutputHelper
    {
        public static readonly SilentOutput Instance = new();
        public void WriteLine(string message) { }
        public void WriteLine(string format, params object[] args) { }
    }
}

/// <summary>Capability bookkeeping: which interfaces a test needs and which an implementation lacks.</summary>
public static class Capabilities
{
    /// <summary>The capability interfaces of the contract (open generics).</summary>
    public static IReadOnlyList<Type> All { get; } = typeof(IEntropy<>).Assembly.GetExportedTypes()
        .Where(t => t.IsInterface && t.IsGenericTypeDefinition).ToArray();

    public static IReadOnlyList<Type> RequiredBy(MethodInfo method, Type suiteType, Type elementType) =>
        method.GetCustomAttributes<RequiresAttribute>(inherit: true)
            .Concat(suiteType.GetCustomAttributes<RequiresAttribute>(inherit: true))
            .SelectMany(a => a.Capabilities)
            .Select(c => c.IsGenericTypeDefinition ? c.MakeGenericType(elementType) : c)
            .Distinct().ToArray();

    public static IReadOnlyList<Type> Missing(ImplementationUnderTest impl, IEnumerable<Type> required) =>
        required.Where(c => !c.IsInstanceOfType(impl.Instance)).ToArray();

    /// <summary>IKlDivergence&lt;float&gt; rather than IKlDivergence`1.</summary>
    public static string Describe(Type t) => t.IsGenericType
        ? $"{t.Name[..t.Name.IndexOf('`')]}<{string.Join(", ", t.GetGenericArguments().Select(DescribeElement))}>"
        : t.Name;

    private static string DescribeElement(Type t) => t == typeof(double) ? "double" : t == typeof(float) ? "float" : t.Name;

    /// <summary>True when the implementation provides at least one capability over the element type.</summary>
    public static bool ProvidesAny(object implementation, Type elementType) =>
        All.Any(c => c.MakeGenericType(elementType).IsInstanceOfType(implementation));
}
