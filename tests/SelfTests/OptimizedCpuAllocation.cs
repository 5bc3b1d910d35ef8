using LossConformance.Kit;
using LossConformance.Optimized.Cpu;
using Xunit;

namespace LossConformance.SelfTests;

/// <summary>
/// The Optimized-CPU batched kernel allocates nothing on a warm call, on the calling thread or on
/// its worker threads (persistent pool, no closures or tasks per call), in both element types, on
/// one thread and on all; and its results are bit-identical for 1, 2 and all threads and in place.
/// The same for the kernel with every loss option on (reduced and per token).
/// </summary>
[Collection(nameof(OptimizedCpuAllocation))]   // alone: the process-wide allocation count must not see other tests
public sealed class OptimizedCpuAllocation
{
    [Fact, Spec("GRAD-FUSED")]
    public void Warm_batched_calls_allocate_nothing_and_agree_bit_for_bit()
    {
        Check<float>();
        Check<double>();
    }

    [Fact, Spec("LOSSOPT-FUSED")]
    public void Warm_calls_with_every_loss_option_allocate_nothing_and_agree_bit_for_bit()
    {
        CheckOptions<float>();
        CheckOptions<double>();
    }

    private static void CheckOptions<T>() where T : unmanaged, System.Numerics.IFloatingPointIeee754<T>
    {
        const int rows = 24, classes = 3001;
        var r = new Random(6);
        var logits = new T[rows * classes];
        for (int i = 0; i < logits.Length; i++) logits[i] = T.CreateTruncating(r.NextDouble() * 80 - 40);
        var targets = new int[rows];
        for (int i = 0; i < rows; i++) targets[i] = i % 5 == 0 ? -100 : r.Next(classes);
        var weights = new T[classes];
        for (int i = 0; i < classes; i++) weights[i] = i % 7 == 0 ? T.Zero : T.CreateTruncating(0.5 + r.NextDouble());
        var upstream = new T[rows];
        for (int i = 0; i < rows; i++) upstream[i] = T.CreateTruncating(r.NextDouble() - 0.25);
        var options = new CrossEntropyOptions<T>
        {
            LabelSmoothing = T.CreateTruncating(0.1), ZLossScale = T.CreateTruncating(1e-4), SoftCap = T.CreateTruncating(30), ClassWeights = weights,
        };
        var gradient = new T[logits.Length];
        var losses = new T[rows];
        var all = new OptimizedCpuImplementation();
        var reference = (IBatchedSoftmaxCrossEntropyWithOptions<T>)all.WithThreads(1);
        var expected = reference.ForwardBackward(logits, classes, targets, options, LossReduction.Mean, gradient);
        T[] expectedGradient = (T[])gradient.Clone();
        reference.ForwardBackwardPerToken(logits, classes, targets, options, upstream, losses, gradient);
        T[] expectedLosses = (T[])losses.Clone(), expectedPerTokenGradient = (T[])gradient.Clone();

        foreach (var threads in new[] { 1, 2, Environment.ProcessorCount })
        {
            var kernel = (IBatchedSoftmaxCrossEntropyWithOptions<T>)all.WithThreads(threads);
            kernel.ForwardBackward(logits, classes, targets, options, LossReduction.Mean, gradient);   // warm
            kernel.ForwardBackwardPerToken(logits, classes, targets, options, upstream, losses, gradient);
            CrossEntropyResult<T> result = default;
            long threadDelta = long.MaxValue, processDelta = long.MaxValue;
            for (int attempt = 0; attempt < 10 && (threadDelta | processDelta) != 0; attempt++)
            {
                long thread = GC.GetAllocatedBytesForCurrentThread();
                long process = GC.GetTotalAllocatedBytes(precise: true);
                for (int k = 0; k < 3; k++)
                {
                    kernel.ForwardBackwardPerToken(logits, classes, targets, options, upstream, losses, gradient);
                    result = kernel.ForwardBackward(logits, classes, targets, options, LossReduction.Mean, gradient);
                }
                threadDelta = Math.Min(threadDelta, GC.GetAllocatedBytesForCurrentThread() - thread);
                processDelta = Math.Min(processDelta, GC.GetTotalAllocatedBytes(precise: true) - process);
            }
            Assert.Equal(0, threadDelta);
            Assert.True(processDelta == 0, $"{threads} threads: {processDelta} bytes allocated in the process during warm calls with options (least of ten attempts)");
            Assert.Equal(expected, result);
            Assert.Equal(expectedGradient, gradient);
            kernel.ForwardBackwardPerToken(logits, classes, targets, options, upstream, losses, gradient);
            Assert.Equal(expectedLosses, losses);
            Assert.Equal(expectedPerTokenGradient, gradient);

            var inPlace = (T[])logits.Clone();
            Assert.Equal(expected, kernel.ForwardBackward(inPlace, classes, targets, options, LossReduction.Mean, inPlace));
            Assert.Equal(expectedGradient, inPlace);
        }
    }

    private static void Check<T>() where T : unmanaged, System.Numerics.IFloatingPointIeee754<T>
    {
        const int rows = 24, classes = 3001;
        var r = new Random(5);
        var logits = new T[rows * classes];
        for (int i = 0; i < logits.Length; i++) logits[i] = T.CreateTruncating(r.NextDouble() * 40 - 20);
        var targets = new int[rows];
        for (int i = 0; i < rows; i++) targets[i] = i % 5 == 0 ? -100 : r.Next(classes);
        var gradient = new T[logits.Length];
        var all = new OptimizedCpuImplementation();
        var reference = (IBatchedSoftmaxCrossEntropy<T>)all.WithThreads(1);
        T expected = reference.ForwardBackward(logits, classes, targets, -100, LossReduction.Mean, gradient);
        T[] expectedGradient = (T[])gradient.Clone();

        foreach (var threads in new[] { 1, 2, Environment.ProcessorCount })
        {
            var kernel = (IBatchedSoftmaxCrossEntropy<T>)all.WithThreads(threads);
            kernel.ForwardBackward(logits, classes, targets, -100, LossReduction.Mean, gradient);   // warm
            T loss = default;
            long threadDelta = long.MaxValue, processDelta = long.MaxValue;
            // The process count also sees the test host's own threads now and then; an allocation of
            // the kernel's would show in every attempt, so the least of ten attempts must be 0.
            for (int attempt = 0; attempt < 10 && (threadDelta | processDelta) != 0; attempt++)
            {
                long thread = GC.GetAllocatedBytesForCurrentThread();
                long process = GC.GetTotalAllocatedBytes(precise: true);
                for (int k = 0; k < 5; k++)
                    loss = kernel.ForwardBackward(logits, classes, targets, -100, LossReduction.Mean, gradient);
                threadDelta = Math.Min(threadDelta, GC.GetAllocatedBytesForCurrentThread() - thread);
                processDelta = Math.Min(processDelta, GC.GetTotalAllocatedBytes(precise: true) - process);
            }
            Assert.Equal(0, threadDelta);
            Assert.True(processDelta == 0, $"{threads} threads: {processDelta} bytes allocated in the process during warm calls (least of ten attempts)");
            Assert.Equal(expected, loss);
            Assert.Equal(expectedGradient, gradient);

            var inPlace = (T[])logits.Clone();
            T inPlaceLoss = kernel.ForwardBackward(inPlace, classes, targets, -100, LossReduction.Mean, inPlace);
            Assert.Equal(expected, inPlaceLoss);
            Assert.Equal(expectedGradient, inPlace);
        }
    }
}

/// <summary>Runs <see cref="OptimizedCpuAllocation"/> with no other test in parallel.</summary>
[CollectionDefinition(nameof(OptimizedCpuAllocation), DisableParallelization = true)]
public sealed class OptimizedCpuAllocationCollection;
