using System.Globalization;
using System.Text;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Mathematics;

namespace LossConformance.Benchmarks;

/// <summary>
/// Each kernel's time against the roofline of one read of the logits and one write of the gradient
/// (2 · N · V · sizeof(T) bytes) at this machine's measured bandwidth on buffers of the same size:
/// share = t(bandwidth kernel) / t(kernel), out-of-place kernels against the out-of-place stream,
/// the in-place kernel against the in-place one. Times are BenchmarkDotNet's medians.
/// </summary>
internal sealed class Roofline
{
    private static readonly (string Method, string Label, bool InPlace)[] Kernels =
    [
        ("OutOfPlace", "bandwidth: read one buffer, write another (all cores)", false),
        ("InPlace", "bandwidth: read-modify-write in place (all cores)", true),
        ("OptimizedAllCores", "Optimized-CPU, all cores", false),
        ("OptimizedOneCore", "Optimized-CPU, WithThreads(1)", false),
        ("OptimizedInPlace", "Optimized-CPU in place (gradient = logits), all cores", true),
        ("TensorPrimitivesComposition", "TensorPrimitives composition, 1 thread", false),
        ("TorchNative", "TorchSharp-CPU, native tensors", false),
        ("TorchContract", "TorchSharp-CPU through the contract", false),
        ("Reference", "Reference (float64 only), 1 thread", false),
    ];

    private readonly Dictionary<(Shape Shape, Type Type, string Method), Statistics?> _times;
    private readonly List<Shape> _shapes;

    private Roofline(Dictionary<(Shape, Type, string), Statistics?> times, List<Shape> shapes) => (_times, _shapes) = (times, shapes);

    public static Roofline From(IEnumerable<BenchmarkReport> reports, Func<BenchmarkReport, (Shape, Type, string)> key)
    {
        var times = new Dictionary<(Shape, Type, string), Statistics?>();
        foreach (var report in reports) times[key(report)] = report.ResultStatistics;
        return new Roofline(times, times.Keys.Select(k => k.Item1).Distinct().ToList());
    }

    private sealed record Row(Shape Shape, Type Type, string Method, string Label, double? Ms, double? MinMs, int Iterations,
                              double? GigabytesPerSecond, double? Share, double? VersusReference, double? VersusTorch, double? Loss);

    private double? Median(Shape shape, Type type, string method) =>
        _times.TryGetValue((shape, type, method), out var s) && s is not null ? s.Median / 1e6 : null;

    private IEnumerable<Row> Rows()
    {
        foreach (var shape in _shapes)
            foreach (var type in new[] { typeof(float), typeof(double) })
            {
                double bytes = 2.0 * shape.Elements * (type == typeof(float) ? 4 : 8);
                double? outOfPlace = Median(shape, type, "OutOfPlace"), inPlace = Median(shape, type, "InPlace");
                double? reference = Median(shape, typeof(double), "Reference"), torch = Median(shape, type, "TorchNative");
                foreach (var (method, label, isInPlace) in Kernels)
                {
                    if (!_times.TryGetValue((shape, type, method), out var stats)) continue;
                    double? ms = stats?.Median / 1e6;
                    double? bandwidth = isInPlace ? inPlace : outOfPlace;
                    bool isBandwidth = method is "OutOfPlace" or "InPlace";
                    Workload.Losses.TryGetValue((shape.ToString(), type, method), out double loss);
                    yield return new Row(shape, type, method, label, ms, stats?.Min / 1e6, stats?.N ?? 0,
                        ms is { } t ? bytes / (t / 1e3) / 1e9 : null,
                        ms is { } k && bandwidth is { } b ? b / k : null,
                        !isBandwidth && ms is { } k2 && reference is { } r ? r / k2 : null,
                        !isBandwidth && ms is { } k3 && torch is { } tn ? tn / k3 : null,
                        isBandwidth ? null : loss);
                }
            }
    }

    private static string F(double? value, string format) => value is { } v ? v.ToString(format, CultureInfo.InvariantCulture) : "n/a";

    private static string Percent(double? share) => share is { } s ? (100 * s).ToString("F0", CultureInfo.InvariantCulture) + " %" : "n/a";

    private static string TypeName(Type type) => type == typeof(float) ? "float32" : "float64";

    public string ToMarkdown(string machine, TorchContractMemory.Result memory, bool quick, TimeSpan elapsed)
    {
        var md = new StringBuilder();
        md.AppendLine($"Fused softmax-cross-entropy forward + backward (Mean, no ignored rows){(quick ? " — QUICK MODE, small shapes, not the issue's" : "")}.");
        md.AppendLine();
        md.AppendLine($"Machine: {machine}; load average {Machine.LoadAverage()} at the end; {elapsed.TotalMinutes:F1} min in all.");
        md.AppendLine();
        md.AppendLine("Roofline: one read of the logits + one write of the gradient (2·N·V·sizeof(T) bytes) at the bandwidth measured on buffers of the same size; "
                      + "out-of-place kernels against the out-of-place stream, the in-place kernel against the in-place stream. × reference: against the float64 reference at the same shape "
                      + "(the reference is float64 only). × TorchSharp: against TorchSharp-CPU on native tensors, same shape and dtype. Times: medians.");
        md.AppendLine();
        md.AppendLine("| shape N×V | dtype | kernel | median ms | GB/s | roofline | × reference | × TorchSharp native |");
        md.AppendLine("| --- | --- | --- | ---: | ---: | ---: | ---: | ---: |");
        foreach (var row in Rows())
            md.AppendLine($"| {row.Shape} | {TypeName(row.Type)} | {row.Label} | {F(row.Ms, "F3")} | {F(row.GigabytesPerSecond, "F1")} | {(row.Method is "OutOfPlace" or "InPlace" ? "(yardstick)" : Percent(row.Share))} | {F(row.VersusReference, "F1")} | {F(row.VersusTorch, "F2")} |");
        md.AppendLine();
        md.AppendLine("Targets (issue 7), Optimized-CPU all cores:");
        md.AppendLine();
        foreach (var line in Targets()) md.AppendLine($"- {line}");
        md.AppendLine();
        if (!Workload.OverBudget.IsEmpty)
        {
            md.AppendLine($"Not run, the time budget having ended: {string.Join("; ", Workload.OverBudget)}.");
            md.AppendLine();
        }
        md.AppendLine($"Memory: {memory.Describe()}");
        return md.ToString();
    }

    private IEnumerable<string> Targets()
    {
        var rows = Rows().Where(r => r.Method == "OptimizedAllCores" && !r.Shape.IsLatency).ToList();
        foreach (var r in rows.Where(r => r.Type == typeof(float)))
        {
            double goal = r.Shape.Classes <= 32_000 ? 0.85 : 0.70;
            yield return $"float32 {r.Shape}: roofline {Percent(r.Share)} (goal ≥ {100 * goal:F0} %) — {Verdict(r.Share, goal)}";
        }
        foreach (var r in rows)
            yield return $"{TypeName(r.Type)} {r.Shape}: {F(r.VersusTorch, "F2")}× TorchSharp native (goal ≥ 4) — {Verdict(r.VersusTorch, 4)}; "
                         + $"{F(r.VersusReference, "F1")}× the float64 reference (goal ≥ 10) — {Verdict(r.VersusReference, 10)}";
    }

    private static string Verdict(double? value, double goal) => value is not { } v ? "not measured" : v >= goal ? "met" : "MISSED";

    public string ToCsv()
    {
        var csv = new StringBuilder();
        csv.AppendLine("shape,rows,classes,dtype,kernel,median_ms,min_ms,iterations,gb_per_s,roofline_share,x_reference,x_torch_native,loss");
        foreach (var r in Rows())
            csv.AppendLine(string.Join(',', r.Shape, r.Shape.Rows, r.Shape.Classes, TypeName(r.Type), r.Method,
                F(r.Ms, "R"), F(r.MinMs, "R"), r.Iterations, F(r.GigabytesPerSecond, "F3"), F(r.Share, "F4"),
                F(r.VersusReference, "F3"), F(r.VersusTorch, "F3"), F(r.Loss, "R")));
        return csv.ToString();
    }
}
