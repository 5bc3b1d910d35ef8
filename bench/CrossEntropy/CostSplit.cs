using System.Globalization;
using System.Text;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Mathematics;
using BenchmarkDotNet.Reports;
using LossConformance.Optimized.Cpu;
using LossConformance.Optimized.Cpu.Simd;
using LossConformance.Optimized.Cpu.Threading;

namespace LossConformance.Benchmarks;

/// <summary>
/// Where the fused kernel's time goes, float32, on one thread and on all cores: the fused kernel's
/// passes run alone over the same N×V logits, next to the stream it is measured against. Each pass is
/// the kernels' own driver and operator (Driver.Max, Driver.Sum of ExpShifted, Driver.MapSum), rows
/// split into one contiguous block per thread as the stream splits its buffer:
/// <list type="bullet">
/// <item><c>Stream</c>: y = −x out of place (the roofline's yardstick, 8 bytes a logit);</item>
/// <item><c>MaxPass</c>: m = max z per row, read only (the kernel's first pass; 4 bytes a logit);</item>
/// <item><c>ExpSumPass</c>: Σ exp(zⱼ − 10) per row, read only (exp and the sum from memory);</item>
/// <item><c>ExpSumInCache</c>: the same count of exp and sums over the first row only, which stays in L1/L2:
/// the arithmetic alone, no memory traffic;</item>
/// <item><c>ExpStorePass</c>: gⱼ = exp(zⱼ − 10) written and summed (the kernel's second pass, from memory);</item>
/// <item><c>ScalePass</c>: gⱼ ← gⱼ·c in place (the kernel's third pass, here from memory: in the kernel the row is in L2; c = 1 so repeated runs never reach subnormals);</item>
/// <item><c>InputCheck</c>: the checks the kernel makes before it writes anything, alone: the finiteness scan on the call's threads (FiniteScan), then the rest of <c>InputRules.BatchedCrossEntropy</c>;</item>
/// <item><c>RowsOnly</c>: the kernel's row function (max, exp store and sum, scale) on every row, without the input checks;</item>
/// <item><c>Fused</c>: the whole kernel (Optimized-CPU ForwardBackward, Mean), out of place.</item>
/// </list>
/// The shift is the logits' bound 10 (they are uniform in ±10), so every exp argument is in [−20, 0],
/// as the kernel's are; the pass costs the same as with the row's maximum.
/// </summary>
public unsafe class CostSplit
{
    private const float Shift = 10f;
    private NativeBuffer<float> _logits = null!, _gradient = null!;
    private int[] _targets = [];
    private IBatchedSoftmaxCrossEntropy<float> _kernel = null!;
    private float _sink;

    /// <summary>4096×32 000 in the full run (the issue's first shape), 256×32 000 with --quick.</summary>
    [ParamsSource(nameof(Shapes))]
    public Shape Shape { get; set; } = null!;

    public static IEnumerable<Shape> Shapes => [Workload.CostSplitShape];

    [ParamsSource(nameof(ThreadCounts))]
    public int Threads { get; set; }

    public static IEnumerable<int> ThreadCounts => Environment.ProcessorCount > 1 ? [1, Environment.ProcessorCount] : [1];

    [GlobalSetup]
    public void Setup()
    {
        Workload.EnsureTimeLeft($"CostSplit ({Threads} threads)", Shape, typeof(float));
        _logits = new NativeBuffer<float>(Shape.Elements);
        _gradient = new NativeBuffer<float>(Shape.Elements);
        Workload.FillLogits(_logits.Pointer, Shape);
        _targets = Workload.Targets(Shape);
        var optimized = new OptimizedCpuImplementation();
        _kernel = Threads == Environment.ProcessorCount ? optimized : (IBatchedSoftmaxCrossEntropy<float>)((IMultithreadedImplementation)optimized).WithThreads(Threads);
        for (int i = 0; i < 3; i++) { MaxPass(); ExpSumPass(); ExpStorePass(); ScalePass(); InputCheck(); RowsOnly(); Fused(); }   // fully optimised code (AggressiveOptimization) plus the caches and page tables in place
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _logits.Dispose();
        _gradient.Dispose();
    }

    [Benchmark]
    public void Stream() => Streams.Negate(_logits.Pointer, _gradient.Pointer, Shape.Elements, Threads);

    [Benchmark]
    public float MaxPass() => Rows(&MaxRow);

    [Benchmark]
    public float ExpSumPass() => Rows(&ExpSumRow);

    [Benchmark]
    public float ExpSumInCache() => Rows(&ExpSumRow, sameRow: true);

    [Benchmark]
    public float ExpStorePass() => Rows(&ExpStoreRow);

    [Benchmark]
    public float ScalePass() => Rows(&ScaleRow);

    [Benchmark]
    public int InputCheck() => InputRules.BatchedCrossEntropy<float>(_logits.Span, Shape.Classes, _targets, -100, LossReduction.Mean, _gradient.Span, allowInPlace: true,
                                                                     logitsCheckedFinite: FiniteScan<float>.AllFinite(_logits.Span, Threads));

    [Benchmark]
    public float RowsOnly() => Rows(&KernelRow);

    private static float MaxRow(float* z, float* g, int v) => Driver.Max(ref *z, v);
    private static float ScaleRow(float* z, float* g, int v) { Driver.Map(new Scale<float>(1f), ref *g, ref *g, v); return g[0]; }
    private static float KernelRow(float* z, float* g, int v) => BatchedSoftmaxCrossEntropy<float>.Row(ref *z, ref *g, v, v / 2, -100, 1f / 4096);
    private static float ExpSumRow(float* z, float* g, int v) => Driver.Sum(new ExpShifted<float>(Shift), ref *z, v);
    private static float ExpStoreRow(float* z, float* g, int v) => Driver.MapSum(new ExpShifted<float>(Shift), ref *z, ref *g, v);

    [Benchmark]
    public float Fused() => _sink = _kernel.ForwardBackward(_logits.Span, Shape.Classes, _targets, -100, LossReduction.Mean, _gradient.Span);

    /// <summary>pass(row) for every row (or N times for the first row), rows in one contiguous block per thread; returns the sum of the results so nothing is dropped.</summary>
    private float Rows(delegate*<float*, float*, int, float> pass, bool sameRow = false)
    {
        int rows = Shape.Rows, v = Shape.Classes, threads = Threads;
        float* z = _logits.Pointer, g = _gradient.Pointer;
        if (threads <= 1) return Block(pass, z, g, 0, rows, v, sameRow);
        var partial = new float[threads];
        int part = (rows + threads - 1) / threads;
        Parallel.For(0, threads, new ParallelOptions { MaxDegreeOfParallelism = threads }, t =>
            partial[t] = Block(pass, z, g, Math.Min(rows, t * part), Math.Min(rows, (t + 1) * part), v, sameRow));
        return _sink = partial.Sum();
    }

    private static float Block(delegate*<float*, float*, int, float> pass, float* z, float* g, int first, int end, int v, bool sameRow)
    {
        float total = 0;
        for (int r = first; r < end; r++)
        {
            long offset = (long)(sameRow ? first : r) * v;   // sameRow: the thread's first row, over and over
            total += pass(z + offset, g + offset, v);
        }
        return total;
    }

    // ---- the table: each pass's time against the all-cores stream ----

    /// <summary>
    /// Markdown: each pass's median, its cost per logit (summed over threads: ns·threads / logits), and
    /// its time over the all-cores stream's (the roofline time of the fused kernel): what fraction of a
    /// roofline-speed kernel each pass alone would cost.
    /// </summary>
    public static string ToMarkdown(IEnumerable<BenchmarkReport> reports)
    {
        var times = new Dictionary<(int Threads, string Method), Statistics?>();
        Shape? shape = null;
        foreach (var r in reports)
        {
            shape = (Shape)r.BenchmarkCase.Parameters["Shape"]!;
            times[((int)r.BenchmarkCase.Parameters["Threads"]!, r.BenchmarkCase.Descriptor.WorkloadMethod.Name)] = r.ResultStatistics;
        }
        if (shape is null) return "";
        int all = times.Keys.Max(k => k.Threads);
        double? roofline = times.TryGetValue((all, nameof(Stream)), out var s) && s is not null ? s.Median / 1e6 : null;
        var md = new StringBuilder();
        md.AppendLine($"Cost split, float32 {shape} ({shape.Elements:N0} logits): each pass of the fused kernel alone. ns/logit·thread = median × threads / logits; "
                      + $"× roofline = median / the {all}-thread out-of-place stream's median ({(roofline is { } rf ? rf.ToString("F3", CultureInfo.InvariantCulture) + " ms" : "n/a")}), "
                      + "the time a kernel at 100 % of the roofline takes.");
        md.AppendLine();
        md.AppendLine("| pass | threads | median ms | ns/logit·thread | × roofline |");
        md.AppendLine("| --- | ---: | ---: | ---: | ---: |");
        string[] order = [nameof(Stream), nameof(MaxPass), nameof(ExpSumPass), nameof(ExpSumInCache), nameof(ExpStorePass), nameof(ScalePass), nameof(InputCheck), nameof(RowsOnly), nameof(Fused)];
        foreach (string method in order)
            foreach (int threads in times.Keys.Select(k => k.Threads).Distinct().Order())
            {
                if (!times.TryGetValue((threads, method), out var st)) continue;
                double? ms = st?.Median / 1e6;
                string F(double? x, string f) => x is { } y ? y.ToString(f, CultureInfo.InvariantCulture) : "n/a";
                md.AppendLine($"| {method} | {threads} | {F(ms, "F3")} | {F(ms * 1e6 * threads / shape.Elements, "F3")} | {F(ms / roofline, "F2")} |");
            }
        return md.ToString();
    }
}
