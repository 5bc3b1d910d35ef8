using System.CommandLine;
using System.Diagnostics;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Engines;
using BenchmarkDotNet.Exporters;
using BenchmarkDotNet.Exporters.Csv;
using BenchmarkDotNet.Filters;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Loggers;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using LossConformance.Benchmarks;
using LossConformance.Optimized.Torch.Native;

var quick = new Option<bool>("--quick") { Description = "Smaller shapes and fewer iterations, for developing the benchmark (about a minute)." };
var artifacts = new Option<DirectoryInfo>("--artifacts")
{
    Description = "Where BenchmarkDotNet's artefacts and the roofline table go.",
    DefaultValueFactory = _ => new DirectoryInfo(Path.Combine("artifacts", "bench")),
};
var budget = new Option<double>("--budget-minutes")
{
    Description = "No case starts after this many minutes of timing (the memory check and the table follow); the default keeps a full run under 15 minutes.",
    DefaultValueFactory = _ => 11,
};
var options = new Option<bool>("--options") { Description = "Only the loss-options benchmark (FusedCrossEntropyOptions.cs): Optimized-CPU with every option on vs none, and the ratio." };
var root = new RootCommand("Fused softmax-cross-entropy forward+backward against this machine's memory bandwidth (bench/README.md).") { quick, artifacts, budget, options };
root.SetAction(parsed => parsed.GetValue(options)
    ? OptionsBenchmark.Run(parsed.GetValue(quick), parsed.GetValue(artifacts)!)
    : Program.Run(parsed.GetValue(quick), parsed.GetValue(artifacts)!, parsed.GetValue(budget)));
return root.Parse(args).Invoke();

internal static partial class Program
{
    public static int Run(bool quick, DirectoryInfo artifacts, double budgetMinutes)
    {
        var clock = Stopwatch.StartNew();
        Workload.Deadline = DateTime.UtcNow.AddMinutes(budgetMinutes);
        Workload.Shapes = quick ? Workload.Quick : Workload.Full;
        TorchRuntime.EnsureLoaded();
        var machine = Machine.Describe();
        Console.WriteLine(machine);

        // One launch, in process (the kernels' native libraries load once), one invocation per iteration
        // (the in-place kernel and torch's .grad need a fresh state before each, IterationSetup gives it
        // untimed), the Monitoring strategy (no pilot stage: iterations of 0.1–2 s each need none).
        // Warm-ups: at the large shapes one call runs each per-row method thousands of times, enough for
        // tiered compilation; a latency call is ~1 ms, so there 60 calls come first (past the 30 calls
        // and the 100 ms delay after which the runtime recompiles at tier 1).
        Job Base(int warmups, int iterations) => Job.Default
            .WithToolchain(InProcessEmitToolchain.Instance)
            .WithStrategy(RunStrategy.Monitoring)
            .WithLaunchCount(1).WithWarmupCount(warmups).WithIterationCount(iterations)
            .WithInvocationCount(1).WithUnrollFactor(1);
        var throughput = Base(1, quick ? 2 : 4).WithId("throughput");
        var latency = Base(60, quick ? 20 : 40).WithId("latency");
        var reference = Base(1, quick ? 1 : 2).WithId("reference");   // the float64 reference takes seconds a call at the large shapes

        IConfig Config(Job job, Func<BenchmarkCase, bool> take) => ManualConfig.CreateEmpty()
            .AddJob(job)
            .AddColumnProvider(DefaultColumnProviders.Instance)
            .AddLogger(ConsoleLogger.Default)
            .AddExporter(MarkdownExporter.GitHub, CsvExporter.Default)
            .AddFilter(new SimpleFilter(take))
            .WithArtifactsPath(artifacts.FullName)
            .WithOption(ConfigOptions.JoinSummary, true)
            .WithOption(ConfigOptions.DisableLogFile, false);

        static Shape ShapeOf(BenchmarkCase c) => (Shape)c.Parameters["Shape"]!;
        static string MethodOf(BenchmarkCase c) => c.Descriptor.WorkloadMethod.Name;
        static Type TypeOf(BenchmarkCase c) => c.Descriptor.Type.GetGenericArguments()[0];

        // In order of what the targets need most, should the budget run out: the float32 large shapes,
        // then float64, the reference, and the latency case last.
        var runs = new List<BenchmarkRunInfo>();
        foreach (var type in new[] { typeof(float), typeof(double) })
        {
            runs.Add(BenchmarkConverter.TypeToBenchmarks(typeof(Bandwidth<>).MakeGenericType(type), Config(throughput, c => !ShapeOf(c).IsLatency)));
            runs.Add(BenchmarkConverter.TypeToBenchmarks(typeof(FusedCrossEntropy<>).MakeGenericType(type), Config(throughput, c => !ShapeOf(c).IsLatency && MethodOf(c) != "Reference")));
        }
        runs.Add(BenchmarkConverter.TypeToBenchmarks(typeof(FusedCrossEntropy<double>), Config(reference, c => !ShapeOf(c).IsLatency && MethodOf(c) == "Reference")));
        foreach (var type in new[] { typeof(float), typeof(double) })
        {
            runs.Add(BenchmarkConverter.TypeToBenchmarks(typeof(Bandwidth<>).MakeGenericType(type), Config(latency, c => ShapeOf(c).IsLatency)));
            runs.Add(BenchmarkConverter.TypeToBenchmarks(typeof(FusedCrossEntropy<>).MakeGenericType(type),
                Config(latency, c => ShapeOf(c).IsLatency && (MethodOf(c) != "Reference" || type == typeof(double)))));
        }
        var summaries = BenchmarkRunner.Run(runs.ToArray());
        var summary = summaries.Single();

        var memory = TorchContractMemory.Measure(quick ? Workload.Quick[1] : new Shape(4096, 32_000), calls: 10);
        Console.WriteLine();
        Console.WriteLine(memory.Describe());

        var table = Roofline.From(summary.Reports, r => (ShapeOf(r.BenchmarkCase), TypeOf(r.BenchmarkCase), MethodOf(r.BenchmarkCase)));
        string markdown = table.ToMarkdown(machine, memory, quick, clock.Elapsed);
        Console.WriteLine();
        Console.WriteLine(markdown);
        Directory.CreateDirectory(summary.ResultsDirectoryPath);
        string stem = Path.Combine(summary.ResultsDirectoryPath, summary.Title + "-roofline");
        File.WriteAllText(stem + ".md", markdown);
        File.WriteAllText(stem + ".csv", table.ToCsv());
        Console.WriteLine($"Written: {stem}.md, {stem}.csv (BenchmarkDotNet's own reports beside them); {clock.Elapsed.TotalMinutes:F1} min in all.");
        return summary.Reports.All(r => r.Success) ? 0 : 1;
    }
}
