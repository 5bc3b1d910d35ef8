using System.Reflection;
using LossConformance.Kit;
using Xunit;

namespace LossConformance.SelfTests;

/// <summary>
/// The packaged suites (src/Suites, the LossConformance.Suites package) are compiled from the suite files of
/// tests/Properties and tests/Conformance; the test projects there only subclass them (BuiltInSuites.cs).
/// These checks keep that split honest.
/// </summary>
public sealed class PackagedSuites
{
    /// <summary>xunit runs only the test classes of the test assembly itself: a concrete test class compiled into the suites would never run.</summary>
    [Fact]
    public void The_packaged_suites_hold_no_concrete_test_class()
    {
        var concrete = SuiteTests.Packaged.GetTypes()
            .Where(t => t is { IsClass: true, IsAbstract: false })
            .Where(t => t.GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.Static)
                .Any(m => m.GetCustomAttributes<FactAttribute>(inherit: true).Any() || m.GetCustomAttribute<ForEachImplementationAttribute>(inherit: true) is not null))
            .Select(t => t.FullName).Order(StringComparer.Ordinal).ToArray();
        Assert.True(concrete.Length == 0,
            $"src/Suites compiles these test classes, which no test project runs: {string.Join(", ", concrete)}. "
            + "Name their files in TestProjectOnly of src/Suites/LossConformance.Suites.csproj and in the Compile items of their test project.");
    }

    /// <summary>Every packaged suite runs on the built-in implementations, in float and in double.</summary>
    [Theory]
    [InlineData(typeof(float))]
    [InlineData(typeof(double))]
    public void Every_packaged_suite_is_subclassed_by_the_test_projects(Type elementType)
    {
        var missing = Compliance.MissingSuites(typeof(LossConformance.Properties.BuiltIn).Assembly, elementType, SuiteTests.Packaged)
            .Intersect(Compliance.MissingSuites(typeof(LossConformance.Conformance.BuiltIn).Assembly, elementType, SuiteTests.Packaged))
            .ToArray();
        Assert.True(missing.Length == 0,
            $"No class over {elementType.Name} in tests/Properties/BuiltInSuites.cs or tests/Conformance/BuiltInSuites.cs for: {string.Join(", ", missing.Select(Compliance.Describe))}");
    }

    /// <summary>The point of the split (issue 10, item 4): a plug-in's tests that reference the packages get no TorchSharp, libtorch or ILGPU.</summary>
    [Fact]
    public void The_packaged_assemblies_reference_no_torch_or_gpu_library()
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var queue = new Queue<Assembly>([SuiteTests.Packaged]);
        var problems = new List<string>();
        while (queue.TryDequeue(out var assembly))
        {
            if (!seen.Add(assembly.GetName().Name!)) continue;
            foreach (var reference in assembly.GetReferencedAssemblies())
            {
                string name = reference.Name ?? "";
                if (name.StartsWith("TorchSharp", StringComparison.Ordinal) || name.StartsWith("ILGPU", StringComparison.Ordinal) || name.StartsWith("LossConformance.Optimized", StringComparison.Ordinal))
                    problems.Add($"{assembly.GetName().Name} references {name}");
                else if (name.StartsWith("LossConformance.", StringComparison.Ordinal))
                    queue.Enqueue(Assembly.Load(reference));
            }
        }
        Assert.True(problems.Count == 0, string.Join(Environment.NewLine, problems));
        Assert.Equal(["LossConformance.Contract", "LossConformance.Kit", "LossConformance.Oracle", "LossConformance.Reference", "LossConformance.Suites"],
                     seen.Order(StringComparer.Ordinal));
    }
}
