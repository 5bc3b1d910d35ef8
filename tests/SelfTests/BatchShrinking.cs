using System.Text.RegularExpressions;
using LossConformance.Kit;
using LossConformance.SelfTests.Mutants;
using Xunit;
using Xunit.Abstractions;

namespace LossConformance.SelfTests;

/// <summary>
/// A batched failure is printed small: the shrinker (src/Kit/Generators/BatchCases.cs) reduces the classes as
/// well as the rows, and moves an in-range ignore index out of the classes, so that a wrong reduction or a
/// gradient left in ignored rows shows on a batch of a few rows of at most 3 classes, with every field printed.
/// </summary>
public sealed partial class BatchShrinking(ITestOutputHelper output)
{
    public static TheoryData<string> Mutants() => new() { nameof(BatchedMeanOverAllRows), nameof(BatchedThatLeavesIgnoredRowsUntouched) };

    [Theory, MemberData(nameof(Mutants))]
    public void A_batched_mutant_shrinks_to_at_most_three_classes(string mutant)
    {
        var type = MutantsAreCaught.MutantTypes().Single(t => t.Name == mutant);
        var impl = ImplementationUnderTest.Register(Activator.CreateInstance(type)!, "mutant");
        var test = SuiteTests.All().Single(t => t.Name == "SoftmaxCrossEntropyConformanceDouble.Batched_loss_and_gradient_agree_with_the_reference");
        var outcome = test.Run(impl.Name);
        var violation = Assert.IsType<SpecViolationException>(outcome);
        output.WriteLine(violation.Message);

        string shrunk = violation.Message[violation.Message.IndexOf("Shrunk input", StringComparison.Ordinal)..];
        var shape = Shape().Match(shrunk);
        Assert.True(shape.Success, $"the shrunk input does not print its shape:\n{shrunk}");
        int classes = int.Parse(shape.Groups["classes"].Value);
        Assert.True(classes <= 3, $"{mutant} shrank only to {classes} classes:\n{shrunk}");
        foreach (string field in new[] { "rows = ", "ignoreIndex = ", "reduction = ", "counted rows = ", "targets = ", "logits = " })
            Assert.Contains(field, shrunk);
    }

    [GeneratedRegex(@"rows = (?<rows>\d+), classes = (?<classes>\d+)")]
    private static partial Regex Shape();
}
