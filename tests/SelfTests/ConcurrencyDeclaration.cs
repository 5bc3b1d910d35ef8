using LossConformance.Kit;
using LossConformance.SelfTests.Mutants;
using Xunit;
using Xunit.Abstractions;

namespace LossConformance.SelfTests;

/// <summary>
/// An implementation that is not thread-safe says so (<see cref="INotThreadSafe"/>), and the concurrency tests
/// (<c>KERNEL-CONCURRENT</c>) then skip it with its reason instead of failing it; the same kernel undeclared
/// fails them (MutantsAreCaught, <see cref="SoftmaxWithASharedScratchBuffer"/>).
/// </summary>
public sealed class ConcurrencyDeclaration(ITestOutputHelper output)
{
    [Fact]
    public void A_declared_not_thread_safe_implementation_is_skipped_with_its_reason()
    {
        var impl = ImplementationUnderTest.Register(new DeclaredSharedScratch(), "self-test");
        var test = SuiteTests.All().Single(t => t.Name == "ConcurrencyConformanceDouble.Softmax_is_the_same_when_called_concurrently");
        var outcome = test.Run(impl.Name);
        var skip = Assert.IsType<KnownDeviationException>(outcome);
        output.WriteLine(skip.Message);
        Assert.Contains(DeclaredSharedScratch.Reason, skip.Message);
        Assert.Contains("INotThreadSafe", skip.Message);
    }

    /// <summary>The shared-scratch softmax mutant, declaring what it is.</summary>
    internal sealed class DeclaredSharedScratch : INamedImplementation, ISoftmax<double>, INotThreadSafe
    {
        public const string Reason = "one scratch buffer shared by every call, unsynchronised";
        private readonly SoftmaxWithASharedScratchBuffer _kernel = new();

        public string Name => "SelfTest.DeclaredSharedScratch";
        public string NotThreadSafeReason => Reason;

        public void Softmax(ReadOnlySpan<double> logits, Span<double> probabilities) => _kernel.Softmax(logits, probabilities);
        public void LogSoftmax(ReadOnlySpan<double> logits, Span<double> logProbabilities) => _kernel.LogSoftmax(logits, logProbabilities);
        public double LogSumExp(ReadOnlySpan<double> logits) => _kernel.LogSumExp(logits);
    }
}
