using System.Globalization;
using LossConformance.Optimized.Torch;
using LossConformance.Optimized.Torch.Native;
using static TorchSharp.torch;
using Xunit;
using Xunit.Abstractions;

namespace LossConformance.SelfTests;

/// <summary>Tests that measure the whole process's resident memory: they run alone, after the parallel ones.</summary>
[CollectionDefinition(nameof(MeasuresProcessMemory), DisableParallelization = true)]
public sealed class MeasuresProcessMemory;

/// <summary>
/// The TorchSharp backend's contract path (span → tensor → gradient span) keeps native and managed
/// memory bounded over repeated large calls: every tensor is disposed when the call returns and no
/// managed array of the data's size is made (src/Optimized/Torch/Tensors.cs). Before that fix, ten
/// float64 calls at 4096 × 32 000 grew past 24 GB resident. The full-size check is in the benchmark
/// (bench/README.md); this one is small enough for CI and still tells a leak from a bounded peak.
/// </summary>
[Collection(nameof(MeasuresProcessMemory))]
public sealed class TorchContractMemory(ITestOutputHelper output)
{
    /// <summary>
    /// The bound, in units of the logits' size S = rows × classes × 8 bytes. Inside one call libtorch holds
    /// at most four [rows × classes] tensors at once: the copy of the logits, log_softmax's output (saved
    /// for backward), nll_loss's input gradient and log_softmax's (the leaf's .grad). The caller's
    /// gradient span is allocated and written before the baseline. Four, plus one for the allocator's slack (freed
    /// pages glibc has not yet returned, THP rounding) makes 5 S; a leak of one S per call passes 10 S
    /// after ten calls, and the former path (two managed copies in, one out, each S) peaked above it
    /// from the first call.
    /// </summary>
    private const double BoundInLogitSizes = 5;

    [Fact]
    public void Ten_float64_forward_backward_calls_keep_peak_resident_memory_within_five_logit_sizes()
    {
        Assert.True(OperatingSystem.IsLinux(), "reads /proc/self/status (VmRSS, VmHWM): Linux only, like the TorchSharp backend's loader");
        TorchRuntime.EnsureLoaded();
        const int rows = 512, classes = 32_000;
        var random = new Random(7);
        var logits = new double[rows * classes];
        for (int i = 0; i < logits.Length; i++) logits[i] = 10 * (2 * random.NextDouble() - 1);
        var targets = new int[rows];
        for (int r = 0; r < rows; r++) targets[r] = random.Next(classes);
        var gradient = new double[logits.Length];
        Array.Fill(gradient, double.NaN);   // touched now, so that its pages are resident before the baseline (and every element must be overwritten)
        IBatchedSoftmaxCrossEntropy<double> torch = new TorchImplementation(TorchDeviceKind.Cpu);
        torch.ForwardBackward(logits[..classes], classes, targets[..1], -100, LossReduction.Mean, gradient.AsSpan(0, classes));   // JIT, libtorch's first allocations

        long size = logits.LongLength * sizeof(double);
        GC.Collect();
        long baseline = ProcessMemory.ResidentBytes();
        ProcessMemory.ResetPeak();
        var peaks = new List<long>();
        double loss = 0;
        for (int call = 0; call < 10; call++)
        {
            loss = torch.ForwardBackward(logits, classes, targets, -100, LossReduction.Mean, gradient);
            peaks.Add(ProcessMemory.PeakBytes() - baseline);
        }
        output.WriteLine($"logits: {size / 1e6:F0} MB; peak resident growth over the baseline ({baseline / 1e6:F0} MB) after each call, in logit sizes: "
            + string.Join(", ", peaks.Select(p => ((double)p / size).ToString("F2", CultureInfo.InvariantCulture)))
            + $"; resident now {(ProcessMemory.ResidentBytes() - baseline) / (double)size:F2} sizes over the baseline");

        // The results are real: a loss near ln(classes) + spread of uniform ±10 logits, and a gradient whose rows sum to 0.
        Assert.InRange(loss, Math.Log(classes), Math.Log(classes) + 20);
        Assert.DoesNotContain(gradient, double.IsNaN);
        double rowSum = 0;
        for (int j = 0; j < classes; j++) rowSum += gradient[j];
        Assert.InRange(rowSum, -1e-12, 1e-12);
        Assert.True(gradient[targets[0]] < 0, "the target's gradient is ŷ − 1 < 0");

        Assert.True(peaks[^1] <= BoundInLogitSizes * size,
            $"peak resident growth {peaks[^1] / 1e6:F0} MB after ten calls exceeds {BoundInLogitSizes} × the logits' {size / 1e6:F0} MB");
    }

    /// <summary>
    /// Tensors of more than int.MaxValue bytes are copied in slices (Tensor.bytes spans at most that many);
    /// here the slice is made 999 elements, so that a 64 × 1000 batch takes that path, last slice partial,
    /// and must give the same tensor, and the same loss and gradient bit for bit, as one whole copy.
    /// (In this collection: nothing else uses Tensors&lt;double&gt; while the slice size is changed.)
    /// </summary>
    [Fact]
    public void Sliced_copies_give_the_same_tensor_loss_and_gradient_as_one_whole_copy()
    {
        TorchRuntime.EnsureLoaded();
        const int rows = 64, classes = 1000;
        var random = new Random(11);
        var logits = new double[rows * classes];
        for (int i = 0; i < logits.Length; i++) logits[i] = 10 * (2 * random.NextDouble() - 1);
        var targets = new int[rows];
        for (int r = 0; r < rows; r++) targets[r] = random.Next(classes);
        IBatchedSoftmaxCrossEntropy<double> torch = new TorchImplementation(TorchDeviceKind.Cpu);
        var whole = new double[logits.Length];
        double wholeLoss = torch.ForwardBackward(logits, classes, targets, -100, LossReduction.Mean, whole);

        int saved = Tensors<double>.SliceElements;
        Tensors<double>.SliceElements = 999;
        try
        {
            var roundTrip = new double[logits.Length];
            using (var scope = NewDisposeScope())
                Tensors<double>.CopyTo(Tensors<double>.From(logits, CPU, false, rows, classes), roundTrip);
            Assert.Equal(logits, roundTrip);

            var sliced = new double[logits.Length];
            double slicedLoss = torch.ForwardBackward(logits, classes, targets, -100, LossReduction.Mean, sliced);
            Assert.Equal(BitConverter.DoubleToInt64Bits(wholeLoss), BitConverter.DoubleToInt64Bits(slicedLoss));
            Assert.Equal(whole, sliced);
        }
        finally
        {
            Tensors<double>.SliceElements = saved;
        }
    }
}

/// <summary>The process's resident set from /proc/self/status (Linux).</summary>
internal static class ProcessMemory
{
    public static long ResidentBytes() => Field("VmRSS:");

    /// <summary>The peak resident set since the process started or since <see cref="ResetPeak"/>.</summary>
    public static long PeakBytes() => Field("VmHWM:");

    /// <summary>Resets VmHWM to the current VmRSS (writing 5 to /proc/self/clear_refs, Linux ≥ 4.0).</summary>
    public static void ResetPeak() => File.WriteAllText("/proc/self/clear_refs", "5");

    private static long Field(string name)
    {
        foreach (var line in File.ReadLines("/proc/self/status"))
            if (line.StartsWith(name, StringComparison.Ordinal))
                return long.Parse(line[name.Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture) * 1024;   // "kB"
        throw new InvalidOperationException($"/proc/self/status has no {name} line");
    }
}
