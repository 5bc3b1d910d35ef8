using System.Numerics;
using LossConformance.Kit;
using LossConformance.Optimized.Cpu;
using Xunit;

namespace LossConformance.SelfTests;

/// <summary>
/// Optimized-CPU's fused kernels scan the logits for NaN and ±∞ on all their threads (FiniteScan) and
/// hand a failed scan back to <c>InputRules</c>: the exception must be InputRules' own, word for word,
/// naming the first offending index even when a later block also holds one, on one thread and on all,
/// plain, with options and per token. (BadInputConformance checks the spec's part on every
/// implementation: ArgumentException naming logits, nothing written.)
/// </summary>
public sealed class OptimizedCpuInputRules
{
    [Fact, Spec("INPUT-NAN")]
    public void A_non_finite_logit_gets_InputRules_own_message_on_any_thread_count()
    {
        Check<float>();
        Check<double>();
    }

    private static void Check<T>() where T : unmanaged, IFloatingPointIeee754<T>
    {
        const int rows = 12, classes = 32_000;
        var targets = new int[rows];
        var all = new OptimizedCpuImplementation();
        var options = new CrossEntropyOptions<T> { LabelSmoothing = T.CreateTruncating(0.1) };
        foreach (int first in new[] { 0, 3 * 65_536 + 1, rows * classes - 1 })
        {
            var logits = new T[rows * classes];
            logits[first] = T.NaN;
            if (first + 70_000 < logits.Length) logits[first + 70_000] = T.PositiveInfinity;   // a second one, in a later block
            string expected = Message(() => InputRules.Finite<T>(logits, "logits"));
            Assert.Contains($"logits[{first}]", expected);
            foreach (int threads in new[] { 1, Environment.ProcessorCount })
            {
                object kernel = all.WithThreads(threads);
                var gradient = new T[logits.Length];
                Assert.Equal(expected, Message(() => ((IBatchedSoftmaxCrossEntropy<T>)kernel).ForwardBackward(logits, classes, targets, -100, LossReduction.Mean, gradient)));
                Assert.Equal(expected, Message(() => ((IBatchedSoftmaxCrossEntropyWithOptions<T>)kernel).ForwardBackward(logits, classes, targets, options, LossReduction.Mean, gradient)));
                Assert.Equal(expected, Message(() => ((IBatchedSoftmaxCrossEntropyWithOptions<T>)kernel).ForwardBackwardPerToken(logits, classes, targets, options, new T[rows], new T[rows], gradient)));
            }
        }
    }

    private static string Message(Action call) => Assert.Throws<ArgumentException>(call).Message;
}
