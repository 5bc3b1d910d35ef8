using System.Diagnostics;
using LossConformance;
using LossConformance.Optimized.Torch;
using LossConformance.Optimized.Torch.Native;
using LossConformance.Reference;

// Fused cross-entropy forward + backward (IBatchedSoftmaxCrossEntropy) on a rows × classes batch of
// logits, float32 and float64 on the TorchSharp CPU backend, and float64 on the reference; the
// median of the timed repetitions, after warm-ups. Arguments: rows classes repetitions.
// THP_MEM_ALLOC_ENABLE is whatever the environment says (TorchRuntime sets 1 unless it is set):
// run it twice, with THP_MEM_ALLOC_ENABLE=0 and =1, to see what transparent huge pages change (bench/run).
int rows = args.Length > 0 ? int.Parse(args[0]) : 512;
int classes = args.Length > 1 ? int.Parse(args[1]) : 32000;
int repetitions = args.Length > 2 ? int.Parse(args[2]) : 7;

var report = TorchRuntime.EnsureLoaded();
Console.WriteLine($"rows = {rows}, classes = {classes}, repetitions = {repetitions}, THP_MEM_ALLOC_ENABLE = {Environment.GetEnvironmentVariable("THP_MEM_ALLOC_ENABLE") ?? "(set by TorchRuntime: 1)"}, patched copy: {report.PatchedCopy ?? "none"}");

var random = new Random(1);
var logits = new double[rows * classes];
for (int i = 0; i < logits.Length; i++) logits[i] = 10 * (2 * random.NextDouble() - 1);
var targets = new int[rows];
for (int r = 0; r < rows; r++) targets[r] = random.Next(classes);
var single = logits.Select(v => (float)v).ToArray();

var torch = new TorchImplementation(TorchDeviceKind.Cpu);
var reference = new ReferenceImplementation();
double torch32 = Median(() => ((IBatchedSoftmaxCrossEntropy<float>)torch).ForwardBackward(single, classes, targets, -100, LossReduction.Mean, new float[single.Length]));
double torch64 = Median(() => ((IBatchedSoftmaxCrossEntropy<double>)torch).ForwardBackward(logits, classes, targets, -100, LossReduction.Mean, new double[logits.Length]));
double reference64 = Median(() => reference.ForwardBackward(logits, classes, targets, -100, LossReduction.Mean, new double[logits.Length]));
Console.WriteLine($"TorchSharp-CPU float32: {torch32:F1} ms");
Console.WriteLine($"TorchSharp-CPU float64: {torch64:F1} ms");
Console.WriteLine($"Reference      float64: {reference64:F1} ms");
Console.WriteLine($"ratio reference64 / torch64 = {reference64 / torch64:F2}, torch64 / torch32 = {torch64 / torch32:F2}");

double Median(Action run)
{
    for (int i = 0; i < 2; i++) run();   // warm-up: JIT, libtorch's first allocations
    var times = new double[repetitions];
    for (int i = 0; i < repetitions; i++)
    {
        var watch = Stopwatch.StartNew();
        run();
        times[i] = watch.Elapsed.TotalMilliseconds;
    }
    Array.Sort(times);
    return times[repetitions / 2];
}
