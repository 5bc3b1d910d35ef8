using System.Reflection;

namespace LossConformance.Kit;

/// <summary>
/// The EF-Core-style compliance check for way (a), subclassing: a test project that plugs an
/// implementation in by subclassing the suites calls <see cref="MissingSuites"/> in a test and
/// fails listing the suites it forgot, so that a suite added later is not silently skipped.
/// <code>
/// [Fact] public void Every_suite_is_subclassed_for_float() =>
///     Assert.Empty(Compliance.MissingSuites(typeof(MyTests).Assembly, typeof(float),
///         typeof(LossConformance.Properties.BuiltIn).Assembly, typeof(LossConformance.Conformance.BuiltIn).Assembly));
/// </code>
/// </summary>
public static class Compliance
{
    /// <summary>
    /// The abstract generic suite classes (subclasses of <see cref="Suite{T}"/>, as open generics
    /// such as EntropyProperties`1) in <paramref name="suiteAssemblies"/> that no concrete class in
    /// <paramref name="yourTests"/> derives from when closed over <paramref name="elementType"/>.
    /// An abstract suite that is only a base of another abstract generic suite is not listed:
    /// subclassing the derived suite runs its tests too.
    /// </summary>
    public static IReadOnlyList<Type> MissingSuites(Assembly yourTests, Type elementType, params Assembly[] suiteAssemblies)
    {
        ArgumentNullException.ThrowIfNull(yourTests);
        ArgumentNullException.ThrowIfNull(elementType);
        var suites = suiteAssemblies.SelectMany(ExportedTypes).Where(IsAbstractGenericSuite).Distinct().ToArray();
        var bases = suites.SelectMany(s => BaseChain(s.BaseType).Where(b => b.IsGenericType).Select(b => b.GetGenericTypeDefinition())).ToHashSet();
        // Public only: xunit runs test classes that are public.
        var concrete = ExportedTypes(yourTests).Where(t => t is { IsClass: true, IsAbstract: false }).ToArray();

        return suites
            .Where(suite => !bases.Contains(suite))
            .Where(suite =>
            {
                Type closed;
                try { closed = suite.MakeGenericType(elementType); }
                catch (ArgumentException) { return true; }   // the element type does not meet the suite's constraints
                return !concrete.Any(closed.IsAssignableFrom);
            })
            .OrderBy(t => t.FullName, StringComparer.Ordinal)
            .ToArray();
    }

    /// <summary>Readable name of an open generic suite: "EntropyProperties&lt;T&gt;".</summary>
    public static string Describe(Type suite) =>
        suite.IsGenericTypeDefinition ? $"{suite.Namespace}.{suite.Name[..suite.Name.IndexOf('`')]}<{string.Join(", ", suite.GetGenericArguments().Select(a => a.Name))}>" : suite.FullName ?? suite.Name;

    private static bool IsAbstractGenericSuite(Type t) =>
        t is { IsClass: true, IsAbstract: true, IsGenericTypeDefinition: true }
        && BaseChain(t.BaseType).Any(b => b.IsGenericType && b.GetGenericTypeDefinition() == typeof(Suite<>));

    private static IEnumerable<Type> BaseChain(Type? t)
    {
        for (; t is not null; t = t.BaseType) yield return t;
    }

    private static IEnumerable<Type> ExportedTypes(Assembly assembly) => assembly.GetExportedTypes();
}
