using LossConformance.Kit;
using LossConformance.Optimized.Cpu;
using Xunit;

namespace LossConformance.SelfTests;

/// <summary>
/// The Optimized-CPU batched kernel allocates nothing on a warm call, on the calling thread or on
/// its worker threads (persistent pool, no closures or tasks per call), in both element types, on
/// one thread and on all; and its results are bit-identical for 1, 2 and all threads and in place.
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
