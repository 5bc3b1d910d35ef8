using System.Diagnostics;
using System.Globalization;
using System.Numerics;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Engines;
using BenchmarkDotNet.Exporters;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Loggers;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using LossConformance.Optimized.Cpu;
using LossConformance.Optimized.Torch.Native;

namespace LossConformance.Benchmarks;

/// <summary>
/// The loss options (spec/loss-options.md, issue 12) on Optimized-CPU, all cores, same shapes and logits as
/// <see cref="FusedCrossEntropy{T}"/>, Mean: <see cref="OptionsNone"/> is
/// <see cref="IBatchedSoftmaxCrossEntropyWithOptions{T}.ForwardBackward"/> with the no-op options (which is the
/// plain fused kernel), <see cref="OptionsAll"/> the same call with every option on — soft-cap c = 30 (Gemma 2),
/// label smoothing ε = 0.1, z-loss λ_z = 10⁻⁴ (PaLM), class weights in [0.5, 1.5) — and
/// <see cref="OptionsAllPerToken"/> reduction none with every option on and an upstream gradient of 1/N.
/// The issue's target: OptionsAll within 1.3× of OptionsNone. Run alone by <c>bench/run --options</c>
/// (<see cref="OptionsBenchmark"/>), which prints the ratios.
/// </summary>
[GenericTypeArguments(typeof(float))]
[GenericTypeArguments(typeof(double))]
public unsafe class FusedCrossEntropyOptions<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private NativeBuffer<T>? _logits, _gradient;
    private int[] _targets = [];
    private T[] _upstream = [], _losses = [];
    private IBatchedSoftmaxCrossEntropyWithOptions<T> _kernel = null!;
    private CrossEntropyOptions<T> _options = CrossEntropyOptions<T>.None;
    private bool _perToken;
    private double _loss;

    [ParamsSource(nameof(Shapes))]
    public Shape Shape { get; set; } = null!;

    public static IEnumerable<Shape> Shapes => Workload.Shapes;

    /// <summary>Every option on: the settings of the class summary.</summary>
    public static CrossEntropyOptions<T> All(int classes)
    {
        var weights = new T[classes];
        for (int j = 0; j < classes; j++) weights[j] = T.CreateTruncating(0.5 + Uniform((ulong)j));
        return new CrossEntropyOptions<T>
        {
            SoftCap = T.CreateTruncating(30), LabelSmoothing = T.CreateTruncating(0.1), ZLossScale = T.CreateTruncating(1e-4), ClassWeights = weights,
        };
    }

    /// <summary>SplitMix64 of the index, as a double in [0, 1).</summary>
    private static double Uniform(ulong index)
    {
        ulong x = unchecked(index * 0x9E3779B97F4A7C15UL + 0x3E19UL);
        x = unchecked((x ^ (x >> 30)) * 0xBF58476D1CE4E5B9UL);
        x = unchecked((x ^ (x >> 27)) * 0x94D049BB133111EBUL);
        return (x ^ (x >> 31)) / 18446744073709551616.0;
    }

    private void Setup(string name, CrossEntropyOptions<T> options, bool perToken)
    {
        Workload.EnsureTimeLeft(name, Shape, typeof(T));
        _kernel = new OptimizedCpuImplementation() as object as IBatchedSoftmaxCrossEntropyWithOptions<T>
            ?? throw new NotSupportedException($"Optimized-CPU does not implement IBatchedSoftmaxCrossEntropyWithOptions<{typeof(T).Name}>");
        _targets = Workload.Targets(Shape);
        _logits = new NativeBuffer<T>(Shape.Elements);
        Workload.FillLogits(_logits.Pointer, Shape);
        _gradient = new NativeBuffer<T>(Shape.Elements);
        _options = options;
        _perToken = perToken;
        _upstream = Enumerable.Repeat(T.One / T.CreateTruncating(Shape.Rows), Shape.Rows).ToArray();
        _losses = new T[Shape.Rows];
        for (int i = 0; i < 3; i++) Run();   // the kernel's code is shared with the plain one's warm-up only in part: a few calls first
    }

    [GlobalSetup(Target = nameof(OptionsNone))]
    public void SetupNone() => Setup(nameof(OptionsNone), CrossEntropyOptions<T>.None, perToken: false);

    [GlobalSetup(Target = nameof(OptionsAll))]
    public void SetupAll() => Setup(nameof(OptionsAll), All(Shape.Classes), perToken: false);

    [GlobalSetup(Target = nameof(OptionsCapOnly))]
    public void SetupCapOnly() => Setup(nameof(OptionsCapOnly), new CrossEntropyOptions<T> { SoftCap = All(Shape.Classes).SoftCap }, perToken: false);

    [GlobalSetup(Target = nameof(OptionsAllButCap))]
    public void SetupAllButCap() => Setup(nameof(OptionsAllButCap), All(Shape.Classes) with { SoftCap = T.PositiveInfinity }, perToken: false);

    [GlobalSetup(Target = nameof(OptionsAllPerToken))]
    public void SetupAllPerToken() => Setup(nameof(OptionsAllPerToken), All(Shape.Classes), perToken: true);

    private double Run()
    {
        if (_perToken)
        {
            _kernel.ForwardBackwardPerToken(_logits!.Span, Shape.Classes, _targets, _options, _upstream, _losses, _gradient!.Span);
            return double.CreateTruncating(_losses[0]);
        }
        return double.CreateTruncating(_kernel.ForwardBackward(_logits!.Span, Shape.Classes, _targets, _options, LossReduction.Mean, _gradient!.Span).Loss);
    }

    /// <summary>No options: the plain fused kernel, through the options entry point.</summary>
    [Benchmark(Baseline = true)]
    public double OptionsNone() => _loss = Run();

    /// <summary>Soft-cap, smoothing, z-loss and class weights, Mean.</summary>
    [Benchmark]
    public double OptionsAll() => _loss = Run();

    /// <summary>The soft-cap alone (c = 30), Mean: the cost of tanh and its scratch row.</summary>
    [Benchmark]
    public double OptionsCapOnly() => _loss = Run();

    /// <summary>Smoothing, z-loss and class weights without the cap, Mean.</summary>
    [Benchmark]
    public double OptionsAllButCap() => _loss = Run();

    /// <summary>Every option, reduction none with an upstream gradient per token.</summary>
    [Benchmark]
    public double OptionsAllPerToken() => _loss = Run();

    [GlobalCleanup]
    public void Cleanup()
    {
        try
        {
            if (!double.IsFinite(_loss)) throw new InvalidOperationException($"{Shape} {typeof(T).Name}: loss {_loss}");
        }
        finally
        {
            _logits?.Dispose();
            _gradient?.Dispose();
            _logits = _gradient = null;
        }
    }
}

/// <summary><c>bench/run --options [--quick]</c>: <see cref="FusedCrossEntropyOptions{T}"/> alone, float32 and float64, and the ratios to OptionsNone.</summary>
internal static class OptionsBenchmark
{
    public static int Run(bool quick, DirectoryInfo artifacts)
    {
        Workload.Shapes = quick ? Workload.Quick : Workload.Full;
        TorchRuntime.EnsureLoaded();   // Machine.Describe asks libtorch for its thread count
        var job = Job.Default
            .WithToolchain(InProcessEmitToolchain.Instance)
            .WithStrategy(RunStrategy.Monitoring)
            .WithLaunchCount(1).WithWarmupCount(quick ? 1 : 2).WithIterationCount(quick ? 3 : 15)   // 15: this host is shared, and 6 gave medians 25 % apart run to run
            .WithInvocationCount(1).WithUnrollFactor(1);
        var config = ManualConfig.CreateEmpty()
            .AddJob(job)
            .AddColumnProvider(DefaultColumnProviders.Instance)
            .AddLogger(ConsoleLogger.Default)
            .AddExporter(MarkdownExporter.GitHub)
            .WithArtifactsPath(artifacts.FullName)
            .WithOption(ConfigOptions.JoinSummary, true);
        var summaries = BenchmarkRunner.Run(
            [BenchmarkConverter.TypeToBenchmarks(typeof(FusedCrossEntropyOptions<float>), config),
             BenchmarkConverter.TypeToBenchmarks(typeof(FusedCrossEntropyOptions<double>), config)]);
        var medians = summaries.SelectMany(s => s.Reports)
            .Where(r => r.ResultStatistics is not null)
            .ToDictionary(r => (Shape: r.BenchmarkCase.Parameters["Shape"]!.ToString()!, Type: r.BenchmarkCase.Descriptor.Type.GetGenericArguments()[0].Name,
                                Method: r.BenchmarkCase.Descriptor.WorkloadMethod.Name), r => (Median: r.ResultStatistics!.Median / 1e6, Min: r.ResultStatistics!.Min / 1e6));
        Console.WriteLine();
        Console.WriteLine($"Loss options on Optimized-CPU, all cores ({Machine.Describe()}; load average {Machine.LoadAverage()}); medians, ms, and each ratio");
        Console.WriteLine("to none as the ratio of the medians (the ratio of the fastest iterations in brackets: on a shared host the noise only adds time):");
        Console.WriteLine();
        Console.WriteLine("| shape N×V | dtype | none | all options (Mean) | ratio | all options, per token | ratio | soft-cap alone | ratio | all but the cap | ratio |");
        Console.WriteLine("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
        foreach (var key in medians.Keys.Where(k => k.Method == "OptionsNone").OrderBy(k => k.Type).ThenBy(k => k.Shape))
        {
            var none = medians[key];
            string Cell(string method, out string ratio)
            {
                ratio = "n/a";
                if (!medians.TryGetValue((key.Shape, key.Type, method), out var ms)) return "n/a";
                ratio = $"{(ms.Median / none.Median).ToString("F2", CultureInfo.InvariantCulture)} ({(ms.Min / none.Min).ToString("F2", CultureInfo.InvariantCulture)})";
                return ms.Median.ToString("F3", CultureInfo.InvariantCulture);
            }
            string all = Cell("OptionsAll", out string r1), perToken = Cell("OptionsAllPerToken", out string r2);
            string cap = Cell("OptionsCapOnly", out string r3), rest = Cell("OptionsAllButCap", out string r4);
            Console.WriteLine($"| {key.Shape} | {key.Type} | {none.Median.ToString("F3", CultureInfo.InvariantCulture)} | {all} | {r1} | {perToken} | {r2} | {cap} | {r3} | {rest} | {r4} |");
        }
        PairedOptionsRatios.Print(quick);
        return summaries.SelectMany(s => s.Reports).All(r => r.Success) ? 0 : 1;
    }
}

/// <summary>
/// The options' cost as paired ratios (<c>bench/run --options</c> prints them after BenchmarkDotNet's table): on a
/// shared host the load of the other tenants drifts over a benchmark's seconds, so that two cases timed one after
/// the other, as BenchmarkDotNet times them, can differ by 25 % for no reason of theirs. Here every round times no
/// options and each option set of <see cref="FusedCrossEntropyOptions{T}"/> once, back to back, on the same logits
/// and gradient buffers, in an order that rotates from round to round; each round gives one ratio per option set,
/// and the table shows the median over the rounds with the quartiles. Drift slower than a round cancels.
/// </summary>
internal static unsafe class PairedOptionsRatios
{
    private static readonly string[] Sets = ["all options (Mean)", "all options, per token", "soft-cap alone", "all but the cap"];

    public static void Print(bool quick)
    {
        int rounds = quick ? 5 : 21;
        Console.WriteLine();
        Console.WriteLine($"Paired ratios to none, {rounds} rounds (each: none and every option set once, back to back, the order rotating; at a latency shape 50 calls per timing), median [quartiles]; load average {Machine.LoadAverage()} at the start:");
        Console.WriteLine();
        Console.WriteLine($"| shape N×V | dtype | none, median ms | {string.Join(" | ", Sets)} |");
        Console.WriteLine($"| --- | --- | ---: |{string.Concat(Enumerable.Repeat(" ---: |", Sets.Length))}");
        foreach (var shape in Workload.Shapes) Row<float>(shape, rounds);
        foreach (var shape in Workload.Shapes) Row<double>(shape, rounds);
    }

    private static void Row<T>(Shape shape, int rounds) where T : unmanaged, IFloatingPointIeee754<T>
    {
        using var logits = new NativeBuffer<T>(shape.Elements);
        using var gradient = new NativeBuffer<T>(shape.Elements);
        Workload.FillLogits(logits.Pointer, shape);
        int[] targets = Workload.Targets(shape);
        var kernel = (IBatchedSoftmaxCrossEntropyWithOptions<T>)(object)new OptimizedCpuImplementation();
        var all = FusedCrossEntropyOptions<T>.All(shape.Classes);
        var upstream = Enumerable.Repeat(T.One / T.CreateTruncating(shape.Rows), shape.Rows).ToArray();
        var losses = new T[shape.Rows];
        Action Reduced(CrossEntropyOptions<T> o) => () => kernel.ForwardBackward(logits.Span, shape.Classes, targets, o, LossReduction.Mean, gradient.Span);
        Action[] calls =
        [
            Reduced(CrossEntropyOptions<T>.None),
            Reduced(all),
            () => kernel.ForwardBackwardPerToken(logits.Span, shape.Classes, targets, all, upstream, losses, gradient.Span),
            Reduced(new CrossEntropyOptions<T> { SoftCap = all.SoftCap }),
            Reduced(all with { SoftCap = T.PositiveInfinity }),
        ];
        foreach (var call in calls) for (int w = 0; w < 3; w++) call();   // warm: tiered compilation, the scratch rows, the pool
        int repeats = shape.IsLatency ? 50 : 1;   // a latency call is ~0.1 ms: 50 of them per timing
        var ms = new double[calls.Length];
        var ratios = new double[Sets.Length][];
        for (int k = 0; k < Sets.Length; k++) ratios[k] = new double[rounds];
        var none = new double[rounds];
        for (int r = 0; r < rounds; r++)
        {
            for (int i = 0; i < calls.Length; i++)
            {
                int c = (i + r) % calls.Length;
                long start = Stopwatch.GetTimestamp();
                for (int k = 0; k < repeats; k++) calls[c]();
                ms[c] = Stopwatch.GetElapsedTime(start).TotalMilliseconds / repeats;
            }
            none[r] = ms[0];
            for (int k = 0; k < Sets.Length; k++) ratios[k][r] = ms[k + 1] / ms[0];
        }
        static string F(double v) => v.ToString("F2", CultureInfo.InvariantCulture);
        static double Q(double[] v, double q) { var s = v.Order().ToArray(); return s[(int)Math.Round(q * (s.Length - 1))]; }
        var cells = ratios.Select(v => $"{F(Q(v, 0.5))} [{F(Q(v, 0.25))}, {F(Q(v, 0.75))}]");
        Console.WriteLine($"| {shape} | {typeof(T).Name} | {Q(none, 0.5).ToString("F3", CultureInfo.InvariantCulture)} | {string.Join(" | ", cells)} |");
    }
}
