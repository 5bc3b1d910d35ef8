using System.Reflection;
using LossConformance.Kit;
using LossConformance.SelfTests.Mutants;
using Xunit;
using Xunit.Abstractions;

namespace LossConformance.SelfTests;

/// <summary>
/// Tests of the suite itself: every deliberately broken implementation in Mutants/ must fail at
/// least one suite test citing each clause it breaks. A suite whose tests cannot fail would pass
/// them all.
/// </summary>
public sealed class MutantsAreCaught(ITestOutputHelper output)
{
    public static TheoryData<string, string> MutantClauses()
    {
        var data = new TheoryData<string, string>();
        foreach (var type in MutantTypes())
            foreach (var clause in type.GetCustomAttribute<BreaksAttribute>()!.ClauseIds)
                data.Add(type.Name, clause);
        return data;
    }

    [Theory, MemberData(nameof(MutantClauses))]
    public void Mutant_fails_a_test_of_the_clause_it_breaks(string mutant, string clause)
    {
        var type = MutantTypes().Single(t => t.Name == mutant);
        var impl = ImplementationUnderTest.Register(Activator.CreateInstance(type)!, "mutant");
        var tests = SuiteTests.Citing(clause).ToArray();
        Assert.True(tests.Length > 0, $"No double-precision suite test cites {clause}.");

        var caught = new List<string>();
        var passed = new List<string>();
        foreach (var test in tests)
        {
            if (Capabilities.Missing(impl, test.Required).Count > 0) continue;
            var outcome = test.Run(impl.Name);
            if (outcome is SpecViolationException violation && violation.ClauseIds.Contains(clause))
            {
                caught.Add(test.Name);
                output.WriteLine($"caught by {test.Name}:\n{violation.Message}");
            }
            else passed.Add(test.Name + (outcome is null ? "" : $" (failed otherwise: {outcome.GetType().Name}: {outcome.Message})"));
        }
        Assert.True(caught.Count > 0,
            $"{mutant} breaks {clause}, yet every test citing it passed:\n  {string.Join("\n  ", passed)}");
    }

    [Fact]
    public void Every_mutant_names_the_clauses_it_breaks()
    {
        foreach (var type in typeof(Mutant).Assembly.GetTypes().Where(t => t.IsSubclassOf(typeof(Mutant)) && !t.IsAbstract))
            Assert.True(type.GetCustomAttribute<BreaksAttribute>() is { ClauseIds.Count: > 0 }, $"{type.Name} has no [Breaks(...)].");
    }

    internal static IEnumerable<Type> MutantTypes() =>
        typeof(Mutant).Assembly.GetTypes().Where(t => t.IsSubclassOf(typeof(Mutant)) && !t.IsAbstract && t.GetCustomAttribute<BreaksAttribute>() is not null);
}

/// <summary>A [ForEachImplementation] test of a concrete double-precision suite class, runnable on any registered implementation.</summary>
internal sealed record SuiteTest(Type Suite, MethodInfo Method, IReadOnlyList<string> Clauses, IReadOnlyList<Type> Required)
{
    public string Name => $"{Suite.Name}.{Method.Name}";

    /// <summary>Runs the test on the named implementation; returns its exception, or null if it passed.</summary>
    public Exception? Run(string implementation)
    {
        var suite = Activator.CreateInstance(Suite, SilentOutput.Instance)!;
        try
        {
            Method.Invoke(suite, [implementation]);
            ((IDisposable)suite).Dispose();   // as xunit does: writes the records, reports named-case deviations
            return null;
        }
        catch (TargetInvocationException e) when (e.InnerException is not null)
        {
            try { ((IDisposable)suite).Dispose(); } catch (KnownDeviationException) { }
            return e.InnerException;
        }
        catch (KnownDeviationException e)
        {
            return e;
        }
    }
}

internal static class SuiteTests
{
    /// <summary>The assemblies whose concrete suite classes (on the built-in implementations) the self-tests examine.</summary>
    public static IReadOnlyList<Assembly> Assemblies { get; } =
        [typeof(LossConformance.Properties.BuiltIn).Assembly, typeof(LossConformance.Conformance.BuiltIn).Assembly, typeof(LossConformance.Autograd.BuiltIn).Assembly];

    /// <summary>The assembly of the abstract suites (src/Suites, compiled from tests/Properties and tests/Conformance), where their test methods are declared.</summary>
    public static Assembly Packaged { get; } = typeof(LossConformance.Properties.EntropyProperties<>).Assembly;

    public static IEnumerable<SuiteTest> All() =>
        from asm in Assemblies
        from type in asm.GetExportedTypes()
        where type is { IsClass: true, IsAbstract: false } && typeof(Suite<double>).IsAssignableFrom(type)
        from method in type.GetMethods(BindingFlags.Public | BindingFlags.Instance)
        where method.GetCustomAttribute<ForEachImplementationAttribute>() is not null
        select new SuiteTest(type, method,
            method.GetCustomAttributes<SpecAttribute>(true).SelectMany(a => a.ClauseIds).ToArray(),
            Capabilities.RequiredBy(method, type, typeof(double)));

    public static IEnumerable<SuiteTest> Citing(string clause) => All().Where(t => t.Clauses.Contains(clause));
}

internal sealed class SilentOutput : ITestOutputHelper
{
    public static readonly SilentOutput Instance = new();
    public void WriteLine(string message) { }
    public void WriteLine(string format, params object[] args) { }
}
