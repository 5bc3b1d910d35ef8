using System.Text.RegularExpressions;
using LossConformance.Kit;
using LossConformance.Reference;
using Xunit;
using Xunit.Abstractions;

namespace LossConformance.SelfTests;

/// <summary>
/// An implementation may offer one capability alone (a fused kernel without the unfused ones). Every clause that
/// the contract names for a capability (its "Spec:" in src/Contract/Capabilities.cs) must then still be tested on
/// it: some suite test citing the clause must need no capability beyond that one (and the interfaces it extends).
/// </summary>
public sealed class CapabilityReach(ITestOutputHelper output)
{
    [Fact]
    public void Every_clause_a_capability_names_is_tested_on_that_capability_alone()
    {
        var named = ContractSource.ClausesByCapability();
        Assert.True(named.Count >= 10, $"found only {named.Count} capabilities with a \"Spec:\" in src/Contract/Capabilities.cs");
        var problems = new List<string>();
        foreach (var (capability, clauses) in named)
        {
            var open = Capabilities.All.SingleOrDefault(t => t.Name == capability + "`1");
            if (open is null) { problems.Add($"{capability}: no such generic capability interface"); continue; }
            var closed = open.MakeGenericType(typeof(double));
            var offered = closed.GetInterfaces().Append(closed).ToHashSet();
            foreach (string clause in clauses)
            {
                var reaching = SuiteTests.Citing(clause).Where(t => t.Required.All(offered.Contains)).Select(t => t.Name).ToArray();
                if (reaching.Length == 0)
                    problems.Add($"{capability} names {clause}, but every test citing it also needs another capability: "
                                 + string.Join(", ", SuiteTests.Citing(clause).Select(t => $"{t.Name} [{string.Join(", ", t.Required.Select(Capabilities.Describe))}]")));
                else output.WriteLine($"{capability} alone reaches {clause} through {string.Join(", ", reaching)}");
            }
        }
        Assert.True(problems.Count == 0, "Clauses not tested on an implementation that offers only the capability naming them:\n  " + string.Join("\n  ", problems));
    }

    [Fact]
    public void A_fused_only_kernel_runs_the_fused_tests_and_conforms()
    {
        var impl = ImplementationUnderTest.Register(new FusedOnlyReference(), "self-test");
        var tests = SuiteTests.Citing("GRAD-FUSED").Where(t => Capabilities.Missing(impl, t.Required).Count == 0).ToArray();
        Assert.True(tests.Length > 0, "no GRAD-FUSED test runs on an implementation of IBatchedSoftmaxCrossEntropy<double> alone");
        foreach (var test in tests)
        {
            var outcome = test.Run(impl.Name);
            Assert.True(outcome is null, $"{test.Name} failed on the reference's batched kernel alone: {outcome}");
            output.WriteLine($"{test.Name} ran and passed on {impl.Name}");
        }
    }

    [Fact]
    public void A_correct_in_place_kernel_passes_the_in_place_test()
    {
        var impl = ImplementationUnderTest.Register(new InPlaceReference(), "self-test");
        var tests = SuiteTests.Citing("GRAD-INPLACE").ToArray();
        Assert.True(tests.Length > 0, "no test cites GRAD-INPLACE");
        foreach (var test in tests)
        {
            Assert.Empty(Capabilities.Missing(impl, test.Required));
            var outcome = test.Run(impl.Name);
            Assert.True(outcome is null, $"{test.Name} failed on a kernel that copies its logits before writing: {outcome}");
        }
    }

    [Fact]
    public void A_deterministic_multithreaded_kernel_passes_the_thread_tests()
    {
        var impl = ImplementationUnderTest.Register(new MultithreadedReference(Environment.ProcessorCount), "self-test");
        var tests = SuiteTests.Citing("KERNEL-THREADS").Where(t => Capabilities.Missing(impl, t.Required).Count == 0).ToArray();
        Assert.True(tests.Length > 0, "no KERNEL-THREADS test runs on a multithreaded batched kernel");
        foreach (var test in tests)
        {
            var outcome = test.Run(impl.Name);
            Assert.True(outcome is null, $"{test.Name} failed on a kernel that combines fixed blocks in a fixed order: {outcome}");
            output.WriteLine($"{test.Name} ran and passed on {impl.Name}");
        }
    }
}

/// <summary>The reference's fused kernel and nothing else: the plug-in shape of a fused-only kernel.</summary>
public sealed class FusedOnlyReference : INamedImplementation, IBatchedSoftmaxCrossEntropy<double>
{
    private static readonly ReferenceImplementation Ref = new();
    public string Name => "FusedOnlyReference";

    public double ForwardBackward(ReadOnlySpan<double> logits, int classes, ReadOnlySpan<int> targets, int ignoreIndex, LossReduction reduction, Span<double> gradient) =>
        Ref.ForwardBackward(logits, classes, targets, ignoreIndex, reduction, gradient);
}

/// <summary>A correct in-place kernel: the reference on a copy of the logits.</summary>
public sealed class InPlaceReference : INamedImplementation, IInPlaceBatchedSoftmaxCrossEntropy<double>
{
    private static readonly ReferenceImplementation Ref = new();
    public string Name => "InPlaceReference";

    public double ForwardBackward(ReadOnlySpan<double> logits, int classes, ReadOnlySpan<int> targets, int ignoreIndex, LossReduction reduction, Span<double> gradient) =>
        Ref.ForwardBackward(logits.ToArray(), classes, targets, ignoreIndex, reduction, gradient);
}

/// <summary>
/// A correct multithreaded batched kernel: row losses summed in fixed blocks of 8 rows (whatever the thread
/// count), the blocks' sums added in row order; blocks computed on up to <see cref="Threads"/> threads.
/// </summary>
public sealed class MultithreadedReference(int threads) : INamedImplementation, IBatchedSoftmaxCrossEntropy<double>, IMultithreadedImplementation
{
    private const int Block = 8;
    public string Name => "MultithreadedReference";
    public int Threads { get; } = threads;
    public object WithThreads(int threads) => new MultithreadedReference(threads);

    public double ForwardBackward(ReadOnlySpan<double> logits, int classes, ReadOnlySpan<int> targets, int ignoreIndex, LossReduction reduction, Span<double> gradient)
    {
        var z = logits.ToArray();
        var t = targets.ToArray();
        var g = new double[z.Length];
        Reference.SoftmaxCrossEntropy.Batched(z, classes, t, ignoreIndex, LossReduction.Sum, g);   // validates; ŷ − e_t per counted row
        int rows = t.Length, counted = t.Count(x => x != ignoreIndex);
        var sums = new double[(rows + Block - 1) / Block];
        Parallel.For(0, sums.Length, new ParallelOptions { MaxDegreeOfParallelism = Threads }, b =>
        {
            double s = 0;
            for (int r = b * Block; r < Math.Min(rows, (b + 1) * Block); r++)
            {
                if (t[r] == ignoreIndex) continue;
                var y = new double[classes];
                y[t[r]] = 1;
                s += Reference.CrossEntropy.FromLogits(y, z.AsSpan(r * classes, classes));
            }
            sums[b] = s;
        });
        double loss = 0;
        foreach (double s in sums) loss += s;
        double scale = reduction == LossReduction.Mean && counted > 0 ? 1.0 / counted : 1.0;
        for (int i = 0; i < g.Length; i++) gradient[i] = g[i] * scale;
        return loss * scale;
    }
}

/// <summary>src/Contract/Capabilities.cs read as text: for each generic capability interface, the clause IDs after "Spec:" in its doc comments and its members'.</summary>
internal static partial class ContractSource
{
    [GeneratedRegex(@"^public\s+interface\s+(\w+)<T>")]
    private static partial Regex Interface();

    [GeneratedRegex("<c>(" + SpecIndex.IdPattern + ")</c>")]
    private static partial Regex Clause();

    public static IReadOnlyDictionary<string, IReadOnlyList<string>> ClausesByCapability()
    {
        var result = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        string? current = null;
        var doc = new List<string>();
        foreach (string raw in File.ReadLines(Path.Combine(Repository.Root, "src", "Contract", "Capabilities.cs")))
        {
            string line = raw.Trim();
            if (line.StartsWith("///", StringComparison.Ordinal)) { doc.Add(line); continue; }
            if (Interface().Match(line) is { Success: true } m)
            {
                current = m.Groups[1].Value;
                result[current] = [];
            }
            if (current is not null && doc.Count > 0)
            {
                string comment = string.Join(" ", doc);
                int spec = comment.IndexOf("Spec:", StringComparison.Ordinal);
                if (spec >= 0) result[current].AddRange(Clause().Matches(comment[spec..]).Select(x => x.Groups[1].Value));
            }
            doc.Clear();
            if (raw.StartsWith('}') || (current is not null && Interface().IsMatch(line) && line.EndsWith(';'))) current = null;
        }
        return result.Where(kv => kv.Value.Count > 0).ToDictionary(kv => kv.Key, kv => (IReadOnlyList<string>)kv.Value.Distinct().ToArray());
    }
}
