using LossConformance.Conformance;
using Xunit;
using Xunit.Abstractions;

namespace LossConformance.SelfTests;

/// <summary>
/// The bad-input matrix (spec/bad-input.md, "The matrix"): every capability is tested on at least twelve kinds of
/// bad or edge input (each rejected with an ArgumentException naming the parameter, or accepted as documented).
/// Prints the kinds per capability, which spec/bad-input.md and README count.
/// </summary>
public sealed class BadInputMatrix(ITestOutputHelper output)
{
    [Fact]
    public void Every_capability_is_tested_on_at_least_twelve_kinds_of_bad_input()
    {
        var perMethod = BadInputConformance<double>.KindsPerMethod();
        var perCapability = perMethod.GroupBy(kv => Capability(kv.Key))
            .ToDictionary(g => g.Key, g => g.SelectMany(kv => kv.Value).Distinct().Order(StringComparer.Ordinal).ToArray());
        foreach (var (capability, kinds) in perCapability.OrderBy(kv => kv.Key, StringComparer.Ordinal))
            output.WriteLine($"{capability}: {kinds.Length} kinds: {string.Join("; ", kinds)}");
        foreach (var (method, kinds) in perMethod)
            output.WriteLine($"  {method}: {kinds.Length}");
        var short_ = perCapability.Where(kv => kv.Value.Length < 12).Select(kv => $"{kv.Key} ({kv.Value.Length})").ToArray();
        Assert.True(short_.Length == 0, $"capabilities tested on fewer than 12 kinds of bad input: {string.Join(", ", short_)}");
    }

    private static string Capability(string method) => method.Split('(')[0] switch
    {
        "Entropy" => "IEntropy",
        "CrossEntropy" => "ICrossEntropy",
        "KlDivergence" => "IKlDivergence",
        "Softmax" or "LogSoftmax" or "LogSumExp" => "ISoftmax",
        "SoftmaxJacobian" => "ISoftmaxJacobian",
        "CrossEntropyFromLogits" or "CrossEntropyLogitGradient" or "CrossEntropyProbabilityGradient" => "ISoftmaxCrossEntropy",
        "ForwardBackward" => "IBatchedSoftmaxCrossEntropy",
        "BinaryCrossEntropyWithLogit" or "BinaryCrossEntropyLogitGradient" => "IBinaryCrossEntropy",
        "Forward" => "ILinearLayer",
        "LossAndGradients" => method.Contains("tokens") ? "ISequenceLoss" : "ILinearLayer",
        var other => other,
    };
}
