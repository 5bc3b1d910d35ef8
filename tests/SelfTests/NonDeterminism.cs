using LossConformance.Kit;
using LossConformance.Reference;
using Xunit;
using Xunit.Abstractions;

namespace LossConformance.SelfTests;

/// <summary>
/// A failure that does not repeat on its own input is reported as non-determinism, not as a counterexample
/// (src/Kit/Suite.cs, after shrinking: the shrunk input is evaluated once more). The implementation below is
/// wrong on its first logsumexp call only, so the run fails on its first case, no shrink fails again, and the
/// re-evaluation of that input passes: exactly what a race, an uninitialised buffer or a non-deterministic
/// oracle looks like from the suite.
/// </summary>
public sealed class NonDeterminism(ITestOutputHelper output)
{
    [Fact]
    public void A_failure_that_passes_when_evaluated_again_is_reported_as_non_determinism()
    {
        var impl = ImplementationUnderTest.Register(new WrongOnFirstCall(), "self-test");
        ((WrongOnFirstCall)impl.Instance).Rearm();
        var test = SuiteTests.All().Single(t => t.Name == "SoftmaxConformanceDouble.Log_sum_exp_agrees_with_the_reference");
        var outcome = test.Run(impl.Name);
        var violation = Assert.IsType<SpecViolationException>(outcome);
        output.WriteLine(violation.Message);

        Assert.Contains("this input passed when evaluated again: the implementation or the oracle is not deterministic", violation.Message);
        Assert.Contains("not a counterexample", violation.Message);
        Assert.DoesNotContain("Shrunk input", violation.Message);
        Assert.Contains("During the run", violation.Message);   // what the failing evaluation observed is kept
        Assert.Contains("CONFORMANCE_REPLAY=", violation.Message);
    }

    [Fact]
    public void A_failure_that_repeats_is_still_printed_as_a_counterexample()
    {
        var impl = ImplementationUnderTest.Register(new AlwaysWrong(), "self-test");
        var test = SuiteTests.All().Single(t => t.Name == "SoftmaxConformanceDouble.Log_sum_exp_agrees_with_the_reference");
        var violation = Assert.IsType<SpecViolationException>(test.Run(impl.Name));
        Assert.Contains("Shrunk input", violation.Message);
        Assert.DoesNotContain("not deterministic", violation.Message);
    }

    /// <summary>The reference's softmax, except that the first logsumexp after <see cref="Rearm"/> is off by 1.</summary>
    internal sealed class WrongOnFirstCall : INamedImplementation, ISoftmax<double>
    {
        private static readonly ReferenceImplementation Ref = new();
        private int _calls;

        public string Name => "SelfTest.WrongOnFirstCall";

        public void Rearm() => Interlocked.Exchange(ref _calls, 0);

        public void Softmax(ReadOnlySpan<double> logits, Span<double> probabilities) => Ref.Softmax(logits, probabilities);
        public void LogSoftmax(ReadOnlySpan<double> logits, Span<double> logProbabilities) => Ref.LogSoftmax(logits, logProbabilities);
        public double LogSumExp(ReadOnlySpan<double> logits) => Ref.LogSumExp(logits) + (Interlocked.Increment(ref _calls) == 1 ? 1 : 0);
    }

    /// <summary>The reference's softmax with logsumexp always off by 1: deterministic, so its failure is a counterexample.</summary>
    internal sealed class AlwaysWrong : INamedImplementation, ISoftmax<double>
    {
        private static readonly ReferenceImplementation Ref = new();

        public string Name => "SelfTest.AlwaysWrong";

        public void Softmax(ReadOnlySpan<double> logits, Span<double> probabilities) => Ref.Softmax(logits, probabilities);
        public void LogSoftmax(ReadOnlySpan<double> logits, Span<double> logProbabilities) => Ref.LogSoftmax(logits, logProbabilities);
        public double LogSumExp(ReadOnlySpan<double> logits) => Ref.LogSumExp(logits) + 1;
    }
}
