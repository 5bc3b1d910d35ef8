using System.Diagnostics;
using System.Globalization;
using LossConformance.Optimized.Torch;

namespace LossConformance.Benchmarks;

/// <summary>
/// The full-size check of the TorchSharp contract path's memory (its CI-sized twin is
/// tests/SelfTests/TorchContractMemory.cs): float64 ForwardBackward called repeatedly through the
/// contract, the process's peak resident set (VmHWM, reset first) after each call, as growth over the
/// resident set before the first, in units of the logits' size S. Inside a call libtorch holds four
/// [N × V] tensors at most (the logits' copy, log_softmax's saved output, nll_loss's and
/// log_softmax's input gradients): a bounded path stays near 4 S; the bound is 5 S.
/// </summary>
internal static unsafe class TorchContractMemory
{
    public const double Bound = 5;

    public sealed record Result(Shape Shape, long LogitBytes, long BaselineBytes, IReadOnlyList<long> PeakGrowth, long ResidentGrowth, double Seconds)
    {
        public bool Bounded => PeakGrowth.Max() <= Bound * LogitBytes;

        public string Describe() => 
            $"TorchSharp-CPU through the contract, float64 {Shape} ({LogitBytes / 1e6:F0} MB of logits), {PeakGrowth.Count} calls in {Seconds:F1} s: "
            + $"peak resident growth over the {BaselineBytes / 1e6:F0} MB before the first call, after each call, in logit sizes: "
            + string.Join(", ", PeakGrowth.Select(p => (p / (double)LogitBytes).ToString("F2", CultureInfo.InvariantCulture)))
            + $"; resident growth after the last {ResidentGrowth / (double)LogitBytes:F2}; "
            + (Bounded ? $"bounded (≤ {Bound} S)." : $"NOT bounded: above {Bound} S.");
    }

    public static Result Measure(Shape shape, int calls)
    {
        using var logits = new NativeBuffer<double>(shape.Elements);
        using var gradient = new NativeBuffer<double>(shape.Elements);   // touched by its constructor: resident before the baseline
        Workload.FillLogits(logits.Pointer, shape);
        var targets = Workload.Targets(shape);
        IBatchedSoftmaxCrossEntropy<double> torch = new TorchImplementation(TorchDeviceKind.Cpu);
        torch.ForwardBackward(logits.Span[..shape.Classes], shape.Classes, targets.AsSpan(0, 1), -100, LossReduction.Mean, gradient.Span[..shape.Classes]);

        GC.Collect();
        GC.WaitForPendingFinalizers();
        long baseline = ProcessMemory.ResidentBytes();
        ProcessMemory.ResetPeak();
        var peaks = new List<long>();
        var clock = Stopwatch.StartNew();
        for (int call = 0; call < calls; call++)
        {
            torch.ForwardBackward(logits.Span, shape.Classes, targets, -100, LossReduction.Mean, gradient.Span);
            peaks.Add(ProcessMemory.PeakBytes() - baseline);
        }
        return new Result(shape, (long)shape.Elements * sizeof(double), baseline, peaks, ProcessMemory.ResidentBytes() - baseline, clock.Elapsed.TotalSeconds);
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
