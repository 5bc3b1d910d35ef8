using System.Reflection;
using System.Text.RegularExpressions;
using LossConformance.Kit;
using LossConformance.Optimized.Torch;
using Xunit;
using Xunit.Abstractions;

namespace LossConformance.SelfTests;

/// <summary>
/// Every entry of TorchKnownDeviations.All points at things that exist: a suite test, a clause of
/// spec/, a named case of the suites' source, and the TorchFindings test that measures the
/// behaviour. An entry that names nothing would silently match no test, and a finding nobody can
/// re-measure is not a finding.
/// </summary>
public sealed partial class KnownDeviationsAreWellFormed(ITestOutputHelper output)
{
    private static IReadOnlyList<KnownDeviation> Entries => TorchKnownDeviations.All;

    [Fact]
    public void Every_entry_names_a_suite_test()
    {
        var tests = (from assembly in SuiteTests.Assemblies.Append(SuiteTests.Packaged)
                     from type in assembly.GetTypes()
                     from method in type.GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.DeclaredOnly)
                     where method.GetCustomAttribute<ForEachImplementationAttribute>(inherit: true) is not null
                     select method.Name).ToHashSet(StringComparer.Ordinal);
        output.WriteLine($"{Entries.Count} entries; {tests.Count} distinct [ForEachImplementation] test names in the suites.");
        var unknown = Entries.Where(d => !tests.Contains(d.Test)).Select(d => d.Test).ToArray();
        Assert.True(unknown.Length == 0, "Entries naming no [ForEachImplementation] test of the Properties or Conformance assemblies:\n  " + string.Join("\n  ", unknown));
    }

    [Fact]
    public void Every_entry_cites_a_clause_of_the_spec()
    {
        var unknown = Entries.Where(d => !SpecIndex.Ids.Contains(d.Clause)).Select(d => $"{d.Clause} ({d.Test})").ToArray();
        Assert.True(unknown.Length == 0, "Entries citing a clause that spec/ does not define:\n  " + string.Join("\n  ", unknown));
    }

    [Fact]
    public void Every_entry_gives_a_reason_and_a_measurement()
    {
        var empty = Entries.Where(d => string.IsNullOrWhiteSpace(d.Reason) || string.IsNullOrWhiteSpace(d.Measured)).Select(d => d.Test).ToArray();
        Assert.True(empty.Length == 0, "Entries with an empty Reason or Measured:\n  " + string.Join("\n  ", empty));
    }

    [Fact]
    public void Every_named_case_is_a_case_of_the_suites()
    {
        // A case name that matches no Expect(…) call would never apply; it must be a string literal of the suites' source.
        var sources = new[] { "Properties", "Conformance" }
            .SelectMany(project => Directory.EnumerateFiles(Path.Combine(Repository.Root, "tests", project), "*.cs", SearchOption.AllDirectories))
            .Select(File.ReadAllText).ToArray();
        var problems = new List<string>();
        foreach (var d in Entries.Where(d => d.Case is not null))
        {
            if (string.IsNullOrWhiteSpace(d.Case)) problems.Add($"{d.Test}: empty Case");
            else if (!sources.Any(s => s.Contains($"\"{d.Case}\"", StringComparison.Ordinal))) problems.Add($"{d.Test}: no case \"{d.Case}\" in tests/Properties or tests/Conformance");
        }
        output.WriteLine($"{Entries.Count(d => d.Case is not null)} entries name a case.");
        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }

    [Fact]
    public void Every_input_scope_is_a_tag_the_generators_give()
    {
        // An Inputs scope that no generator emits would excuse nothing; it must be a tag literal of src/Kit/Generators.
        var sources = Directory.EnumerateFiles(Path.Combine(Repository.Root, "src", "Kit", "Generators"), "*.cs")
            .Select(File.ReadAllText).ToArray();
        var problems = Entries.Where(d => d.Inputs is not null && !sources.Any(s => s.Contains($"\"{d.Inputs}\"", StringComparison.Ordinal)))
            .Select(d => $"{d.Test}: no generator tag \"{d.Inputs}\" in src/Kit/Generators").ToArray();
        output.WriteLine($"{Entries.Count(d => d.Inputs is not null)} entries are scoped to tagged inputs.");
        Assert.True(problems.Length == 0, string.Join("\n", problems));
    }

    [Fact]
    public void Every_measurement_names_a_TorchFindings_test_that_exists()
    {
        var findings = typeof(TorchFindings).GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.DeclaredOnly)
            .Where(m => m.GetCustomAttribute<FactAttribute>() is not null).Select(m => m.Name).ToHashSet(StringComparer.Ordinal);
        var problems = new List<string>();
        foreach (var d in Entries)
        {
            var named = FindingReference().Matches(d.Measured).Select(m => m.Groups[1].Value).ToArray();
            if (named.Length == 0) problems.Add($"{d.Clause} {d.Test}: Measured names no TorchFindings.<Test>");
            problems.AddRange(named.Where(n => !findings.Contains(n)).Select(n => $"{d.Clause} {d.Test}: TorchFindings.{n} is no [Fact] of TorchFindings"));
        }
        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }

    [GeneratedRegex(@"TorchFindings\.(\w+)")]
    private static partial Regex FindingReference();
}
