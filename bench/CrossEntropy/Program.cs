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
using BenchmarkDotNet.Reports;
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
var costSplitOnly = new Option<bool>("--cost-split-only") { Description = "Only the cost split of the float32 kernel (its passes alone, 1 thread and all cores, and the stream); no roofline table." };
var root = new RootCommand("Fused softmax-cross-entropy forward+backward against this machine's memory bandwidth (bench/README.md).") { quick, artifacts, budget, options, costSplitOnly };
root.SetAction(parsed => parsed.GetValue(options)
    ? OptionsBenchmark.Run(parsed.GetValue(quick), parsed.GetValue(artifacts)!)
    : Program.Run(parsed.GetValue(quick), parsed.GetValue(artifacts)!, parsed.GetValue(budget), parsed.GetValue(costSplitOnly)));
return root.Parse(args).Invoke();

internal static partial class Program
{
    public static int Run(bool quick, DirectoryInfo artifacts, double budgetMinutes, bool costSplitOnly = false)
    {
        var clock = Stopwatch.StartNew();
        Workload.Deadline = DateTime.UtcNow.AddMinutes(budgetMinutes);
        Workload.Shapes = quick ? Workload.Quick : Workload.Full;
        Workload.CostSplitShape = quick ? new Shape(256, 32_000) : new Shape(4096, 32_000);
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
        static bool IsCostSplit(BenchmarkReport r) => r.BenchmarkCase.Descriptor.Type == typeof(CostSplit);

        // In order of what the targets need most, should the budget run out: the float32 large shapes,
        // then float64, the reference, and the latency case last.
        if (costSplitOnly)
        {
            var split = BenchmarkRunner.Run(BenchmarkConverter.TypeToBenchmarks(typeof(CostSplit), Config(throughput, _ => true)));
            string text = CostSplit.ToMarkdown(split.Reports);
            Console.WriteLine();
            Console.WriteLine($"Machine: {machine}; load average {Machine.LoadAverage()} at the end; {clock.Elapsed.TotalMinutes:F1} min in all.");
            Console.WriteLine();
            Console.WriteLine(text);
            Directory.CreateDirectory(split.ResultsDirectoryPath);
            File.WriteAllText(Path.Combine(split.ResultsDirectoryPath, split.Title + "-cost-split.md"), text);
            return split.Reports.All(r => r.Success) ? 0 : 1;
        }

        var runs = new List<BenchmarkRunInfo>();
        foreach (var type in new[] { typeof(float), typeof(double) })
        {
            runs.Add(BenchmarkConverter.TypeToBenchmarks(typeof(Bandwidth<>).MakeGenericType(type), Config(throughput, c => !ShapeOf(c).IsLatency)));
            runs.Add(BenchmarkConverter.TypeToBenchmarks(typeof(FusedCrossEntropy<>).MakeGenericType(type), Config(throughput, c => !ShapeOf(c).IsLatency && MethodOf(c) != "Reference")));
        }
        runs.Add(BenchmarkConverter.TypeToBenchmarks(typeof(CostSplit), Config(throughput, _ => true)));   // where the float32 kernel's time goes
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

        var table = Roofline.From(summary.Reports.Where(r => !IsCostSplit(r)), r => (ShapeOf(r.BenchmarkCase), TypeOf(r.BenchmarkCase), MethodOf(r.BenchmarkCase)));
        string markdown = table.ToMarkdown(machine, memory, quick, clock.Elapsed) + Environment.NewLine + CostSplit.ToMarkdown(summary.Reports.Where(IsCostSplit));
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
