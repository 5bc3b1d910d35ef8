using System.Collections.Concurrent;
using System.Numerics;

namespace LossConformance.Benchmarks;

/// <summary>One batch shape: rows × classes logits, the targets one class per row.</summary>
public sealed record Shape(int Rows, int Classes)
{
    public int Elements => checked(Rows * Classes);

    /// <summary>Small enough to stay in cache: timed for latency, not against DRAM bandwidth.</summary>
    public bool IsLatency => Elements <= 1 << 20;

    public override string ToString() => $"{Rows}x{Classes}";
}

/// <summary>What the benchmark classes read: the shapes of this run, the inputs, and what each case computed.</summary>
public static class Workload
{
    /// <summary>The shapes: three of ~131 M or 65 M elements (1 GB / 0.5 GB in float64) and a latency case.</summary>
    public static readonly Shape[] Full = [new(8, 32_000), new(4096, 32_000), new(1024, 128_000), new(256, 256_000)];

    /// <summary>For developing the benchmark on a busy machine: the same classes, fewer rows.</summary>
    public static readonly Shape[] Quick = [new(8, 32_000), new(256, 32_000), new(64, 128_000), new(32, 256_000)];

    /// <summary>The shape of the cost split (<see cref="CostSplit"/>): the first shape, or a small one with --quick; set by Program.</summary>
    public static Shape CostSplitShape { get; set; } = new(256, 32_000);

    /// <summary>The shapes BenchmarkDotNet's [ParamsSource] hands out; set by Program before the run.</summary>
    public static Shape[] Shapes { get; set; } = Quick;

    /// <summary>After this moment no further case starts (see <see cref="EnsureTimeLeft"/>); set by Program.</summary>
    public static DateTime Deadline { get; set; } = DateTime.MaxValue;

    /// <summary>The cases that did not start because the run had used its time budget.</summary>
    public static readonly ConcurrentQueue<string> OverBudget = new();

    /// <summary>
    /// Called first by every GlobalSetup: past the deadline it throws, so that BenchmarkDotNet reports the
    /// case as failed at once and the run keeps to its time budget on a machine slower (or busier) than planned.
    /// </summary>
    public static void EnsureTimeLeft(string kernel, Shape shape, Type type)
    {
        if (DateTime.UtcNow <= Deadline) return;
        OverBudget.Enqueue($"{kernel} {shape} {type.Name}");
        throw new TimeoutException($"{kernel} {shape} {type.Name} not run: the run's time budget for timing ended at {Deadline:HH:mm:ss} UTC");
    }

    /// <summary>The loss each case returned last, by (shape, element type, kernel): printed beside the times as a sanity check.</summary>
    public static readonly ConcurrentDictionary<(string Shape, Type Type, string Kernel), double> Losses = new();

    /// <summary>
    /// Logits uniform in ±10, the same for every kernel: one row of V
    /// SplitMix64 values, and row r that row rotated by r · 7919 places, so that each row's maximum and
    /// target sit elsewhere. Two copies per row, not a hash per element: filling 1 GB for each case
    /// costs a memory pass, not seconds of arithmetic on a busy machine.
    /// </summary>
    public static unsafe void FillLogits<T>(T* destination, int rows, int classes) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var first = new Span<T>(destination, classes);
        for (int j = 0; j < classes; j++) first[j] = T.CreateTruncating(10 * (2 * Uniform((ulong)j) - 1));
        Parallel.For(1, rows, r =>
        {
            var source = new ReadOnlySpan<T>(destination, classes);
            var row = new Span<T>(destination + (long)r * classes, classes);
            int shift = (int)((long)r * 7919 % classes);
            source[shift..].CopyTo(row);
            source[..shift].CopyTo(row[(classes - shift)..]);
        });
    }

    public static unsafe void FillLogits<T>(T* destination, Shape shape) where T : unmanaged, IFloatingPointIeee754<T> =>
        FillLogits(destination, shape.Rows, shape.Classes);

    /// <summary>One class per row, uniform over the classes.</summary>
    public static int[] Targets(Shape shape)
    {
        var targets = new int[shape.Rows];
        for (int r = 0; r < targets.Length; r++) targets[r] = (int)(Uniform(0x5eed_0000_0000UL + (ulong)r) * shape.Classes);
        return targets;
    }

    /// <summary>SplitMix64 of the index, as a double in [0, 1).</summary>
    private static double Uniform(ulong index)
    {
        ulong z = index * 0x9E3779B97F4A7C15UL + 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        z ^= z >> 31;
        return (z >> 11) * (1.0 / (1UL << 53));
    }

    /// <summary>
    /// A sanity check of one case's result, not a conformance test (the suites are that): the loss of
    /// uniform ±10 logits lies between ln V and ln V + 20, and each checked row of a Mean gradient,
    /// (ŷ − e_t) / N, sums to 0 (within V · ε, the rounding of V terms) and is negative at its target.
    /// Throws, so that BenchmarkDotNet reports the case as failed rather than timing a wrong kernel.
    /// </summary>
    public static void Check<T>(string kernel, Shape shape, double loss, ReadOnlySpan<T> gradient, int[] targets)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        double lnV = Math.Log(shape.Classes);
        if (!(loss >= lnV && loss <= lnV + 20))
            throw new InvalidOperationException($"{kernel} {shape} {typeof(T).Name}: loss {loss} outside [ln V, ln V + 20]");
        double epsilon = typeof(T) == typeof(float) ? Math.ScaleB(1, -24) : Math.ScaleB(1, -53);   // unit roundoff
        foreach (int r in new[] { 0, shape.Rows / 2, shape.Rows - 1 })
        {
            var row = gradient.Slice(r * shape.Classes, shape.Classes);
            double sum = 0;
            foreach (var g in row) sum += double.CreateTruncating(g);
            double target = double.CreateTruncating(row[targets[r]]);
            if (Math.Abs(sum) * shape.Rows > shape.Classes * epsilon * 4 || !(target < 0))
                throw new InvalidOperationException($"{kernel} {shape} {typeof(T).Name}: gradient row {r} sums to {sum} (× N = {sum * shape.Rows}), target entry {target}");
        }
    }
}
