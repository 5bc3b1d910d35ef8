using System.Diagnostics;
using LossConformance;
using LossConformance.Kit.External;
using LossConformance.Reference;

// The cost of talking to an implementation in another process (spec/protocol.md): round trips per
// second for a float64 softmax of n = 16, and throughput for n = 10⁶ (8 MB each way), against the
// same call on the in-process reference. Each figure is the median of 5 timed rounds after a warm-up.
// Arguments: the exec commands to measure (default: the numpy and the C samples).
string[] commands = args.Length > 0 ? args
    : [(File.Exists("/usr/bin/python3") ? "/usr/bin/python3" : "python3") + " samples/python/numpy_impl.py", "sh samples/c/run.sh"];

Measure("reference (in process)", new ReferenceImplementation());
foreach (var command in commands)
{
    using var external = ExternalImplementations.Connect(command);
    Measure($"exec:{command}", (ISoftmax<double>)external);
}

static void Measure(string label, ISoftmax<double> softmax)
{
    var small = Enumerable.Range(0, 16).Select(i => Math.Sin(i)).ToArray();
    var large = Enumerable.Range(0, 1_000_000).Select(i => 10 * Math.Sin(i)).ToArray();
    var smallOut = new double[small.Length];
    var largeOut = new double[large.Length];

    double perSecond = Median(() =>
    {
        int calls = 0;
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed.TotalSeconds < 1) { softmax.Softmax(small, smallOut); calls++; }
        return calls / clock.Elapsed.TotalSeconds;
    });
    double seconds = Median(() =>
    {
        var clock = Stopwatch.StartNew();
        softmax.Softmax(large, largeOut);
        return clock.Elapsed.TotalSeconds;
    });
    double megabytes = 2 * 8.0 * large.Length / 1e6;   // logits in, probabilities out
    Console.WriteLine($"{label}: n = 16: {perSecond:N0} calls/s ({1e6 / perSecond:F1} µs per call); n = 10⁶: {seconds * 1e3:F1} ms per call, {megabytes / seconds:F0} MB/s (both ways)");
}

static double Median(Func<double> run)
{
    run();   // warm-up: JIT, the child's first allocations
    var values = Enumerable.Range(0, 5).Select(_ => run()).Order().ToArray();
    return values[2];
}
