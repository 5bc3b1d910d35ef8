using System.CommandLine;
using System.Diagnostics;
using System.Numerics;
using ILGPU;
using ILGPU.Runtime;
using LossConformance;
using LossConformance.Kit;
using LossConformance.Optimized.Gpu;
using Ref = LossConformance.Reference;

// The device check of Optimized-GPU: differential checks of every kernel against the float64
// reference (bound = this implementation's bound in T plus the reference's, spec/accuracy.md),
// bit-identical repeats and in-place calls, then the fused softmax-cross-entropy benchmark.
var quick = new Option<bool>("--quick") { Description = "small sizes: a test of the check itself (e.g. on the CPU accelerator)" };
var noBenchmark = new Option<bool>("--no-benchmark") { Description = "only the differential checks" };
var root = new RootCommand("Optimized-GPU device check (src/Optimized/Gpu/README.md)") { quick, noBenchmark };
root.SetAction(parse => Check.Run(parse.GetValue(quick), parse.GetValue(noBenchmark)));
return root.Parse(args).Invoke();

internal static class Check
{
    private static int _failures;

    public static int Run(bool quick, bool noBenchmark)
    {
        var gpu = new GpuImplementation();
        Console.WriteLine($"Optimized-GPU on {gpu.Accelerator} ({GpuAccelerators.Variable}={Environment.GetEnvironmentVariable(GpuAccelerators.Variable) ?? "unset"})");
        int[] sizes = quick ? [1, 7, 300] : [1, 7, 1000, 32000];
        Differential<float>(gpu, sizes, quick);
        Differential<double>(gpu, sizes, quick);
        if (!noBenchmark) Benchmark(gpu, quick ? [(64, 1000), (16, 4000)] : [(16384, 128000), (4096, 32000)], quick ? 3 : 10);
        Console.WriteLine(_failures == 0 ? "gpu-check: all checks passed" : $"gpu-check: {_failures} check(s) FAILED");
        return _failures == 0 ? 0 : 1;
    }

    private static void Report(string what, string type, int n, double worstRatio)
    {
        bool ok = worstRatio <= 1.0;
        if (!ok) _failures++;
        Console.WriteLine($"  {(ok ? "ok  " : "FAIL")} {what,-34} {type,-6} n={n,-6} worst |error|/bound = {worstRatio:0.###}");
    }

    private static void Exact(string what, string type, int n, bool ok)
    {
        if (!ok) _failures++;
        Console.WriteLine($"  {(ok ? "ok  " : "FAIL")} {what,-34} {type,-6} n={n,-6} bit-identical");
    }

    private static double Ratio(double observed, double expected, double bound) =>
        observed == expected ? 0 : Math.Abs(observed - expected) / bound;

    private static double WorstRatio(ReadOnlySpan<double> observed, ReadOnlySpan<double> expected, ReadOnlySpan<double> bound)
    {
        double worst = 0;
        for (int i = 0; i < observed.Length; i++) worst = Math.Max(worst, Ratio(observed[i], expected[i], bound[i]));
        return worst;
    }

    private static double[] Sum(double[] a, double[] b) => a.Select((x, i) => x + b[i]).ToArray();

    /// <summary>A distribution in T, normalised in T; returned with its double image.</summary>
    private static (T[] Value, double[] AsDouble) Distribution<T>(Random random, int n, bool withZeros) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var w = new double[n];
        for (int i = 0; i < n; i++) w[i] = withZeros && i % 5 == 1 ? 0 : Math.Exp(4 * random.NextDouble());
        if (w.All(x => x == 0)) w[0] = 1;
        double total = w.Sum();
        var p = w.Select(x => Fp<T>.From(x / total)).ToArray();
        var d = Fp<T>.ToDouble(p);
        double sum = d.Sum();   // renormalise in double for the reference (float's τ(n) may exceed double's)
        return (p, d.Select(x => x / sum).ToArray());
    }

    private static (T[] Value, double[] AsDouble) Logits<T>(Random random, int n, double spread) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var z = Enumerable.Range(0, n).Select(_ => Fp<T>.From(spread * (2 * random.NextDouble() - 1))).ToArray();
        return (z, Fp<T>.ToDouble(z));
    }

    private static void Differential<T>(GpuImplementation gpu, int[] sizes, bool quick) where T : unmanaged, IFloatingPointIeee754<T>
    {
        string type = Fp<T>.Name;
        var random = new Random(20261202);
        Console.WriteLine($"differential checks against the float64 reference, {type}:");
        foreach (int n in sizes)
        {
            // Entropy, cross-entropy, KL: the renormalised double inputs differ from the T ones by
            // at most the renormalisation error, added to the bound (EntropyAccuracy.Renormalisation).
            var (p, pd) = Distribution<T>(random, n, withZeros: true);
            var (q, qd) = Distribution<T>(random, n, withZeros: false);
            double renorm = EntropyAccuracy.Renormalisation(Fp<T>.ToDouble(p), Fp<T>.ToDouble(q));
            Report("entropy H(p)", type, n, Ratio(D(((IEntropy<T>)(object)gpu).Entropy(p)), Ref.Entropy.Of(pd),
                Accuracy.Entropy<T>(pd) + Accuracy.Entropy<double>(pd) + renorm));
            Report("cross-entropy H(p, q)", type, n, Ratio(D(((ICrossEntropy<T>)(object)gpu).CrossEntropy(p, q)), Ref.CrossEntropy.Of(pd, qd),
                Accuracy.CrossEntropy<T>(pd, qd) + Accuracy.CrossEntropy<double>(pd, qd) + renorm));
            Report("KL D(p‖q)", type, n, Ratio(D(((IKlDivergence<T>)(object)gpu).KlDivergence(p, q)), Ref.KlDivergence.Forward(pd, qd),
                Accuracy.Kl<T>(pd, qd) + Accuracy.Kl<double>(pd, qd) + renorm));

            var (z, zd) = Logits<T>(random, n, 30);
            var smax = (ISoftmax<T>)(object)gpu;
            var outT = new T[n];
            var expected = new double[n];
            smax.Softmax(z, outT);
            Ref.Softmax.Of(zd, expected);
            Report("softmax", type, n, WorstRatio(Fp<T>.ToDouble(outT), expected, Sum(Accuracy.Softmax<T>(zd), Accuracy.Softmax<double>(zd))));
            smax.LogSoftmax(z, outT);
            Ref.Softmax.Log(zd, expected);
            Report("log-softmax", type, n, WorstRatio(Fp<T>.ToDouble(outT), expected, Sum(Accuracy.LogSoftmax<T>(zd), Accuracy.LogSoftmax<double>(zd))));
            Report("logsumexp", type, n, Ratio(D(smax.LogSumExp(z)), Ref.Softmax.LogSumExp(zd),
                Accuracy.LogSumExpBound<T>(zd) + Accuracy.LogSumExpBound<double>(zd)));

            // Target weights may have any sum: the reference takes q exactly as given in T.
            var sce = (ISoftmaxCrossEntropy<T>)(object)gpu;
            var qt = Fp<T>.ToDouble(q);
            Report("cross-entropy from logits", type, n, Ratio(D(sce.CrossEntropyFromLogits(q, z)), Ref.CrossEntropy.FromLogits(qt, zd),
                Accuracy.CrossEntropyFromLogits<T>(qt, zd) + Accuracy.CrossEntropyFromLogits<double>(qt, zd)));
            sce.CrossEntropyLogitGradient(q, z, outT);
            Ref.SoftmaxCrossEntropy.LogitGradient(qt, zd, expected);
            Report("∂L/∂z = (Σy)ŷ − y", type, n, WorstRatio(Fp<T>.ToDouble(outT), expected,
                Sum(Accuracy.LogitGradient<T>(qt, zd), Accuracy.LogitGradient<double>(qt, zd))));
            // ŷ must be a distribution in double: in double, q is one as it is; a float q may miss
            // double's τ(n), so the reference gets the renormalised qd, and the bound adds what that
            // moves −y/ŷ: relatively |s − 1|/(1 − |s − 1|) (s = Σq, the very sum qd was divided by)
            // plus the rounding of each division (u of double, counted twice).
            sce.CrossEntropyProbabilityGradient(p, q, outT);
            var pt = Fp<T>.ToDouble(p);
            bool asGiven = typeof(T) == typeof(double);
            Ref.SoftmaxCrossEntropy.ProbabilityGradient(pt, asGiven ? qt : qd, expected);
            double defect = Math.Abs(qt.Sum() - 1), shift = asGiven ? 0 : defect / (1 - defect) + 2 * Fp<double>.U;
            var probabilityBound = Sum(GradientAccuracy.ProbabilityGradient<T>(pt, qt), GradientAccuracy.ProbabilityGradient<double>(pt, asGiven ? qt : qd));
            for (int i = 0; i < n; i++) probabilityBound[i] += 1.01 * shift * Math.Abs(expected[i]);
            Report("∂L/∂ŷ = −y/ŷ", type, n, WorstRatio(Fp<T>.ToDouble(outT), expected, probabilityBound));

            if (n <= 1000)
            {
                var jacobian = new T[n * n];
                var jexpected = new double[n * n];
                ((ISoftmaxJacobian<T>)(object)gpu).SoftmaxJacobian(z, jacobian);
                Ref.Softmax.Jacobian(zd, jexpected);
                Report("softmax Jacobian", type, n, WorstRatio(Fp<T>.ToDouble(jacobian), jexpected,
                    Sum(SoftmaxAccuracy.Jacobian<T>(zd), SoftmaxAccuracy.Jacobian<double>(zd))));
            }

            Batched<T>(gpu, random, n, quick ? 3 : 8, type);
            Linear<T>(gpu, random, n, type);
            if (n <= 1000) Sequence<T>(gpu, random, n, type);
        }

        var binary = (IBinaryCrossEntropy<T>)(object)gpu;
        double worstLoss = 0, worstGrad = 0;
        foreach (double zv in new[] { -80.0, -40, -3, -0.5, 0, 0.25, 2, 40, 80 })
            foreach (double yv in new[] { 0.0, 0.3, 1 })
            {
                T zt = Fp<T>.From(zv), yt = Fp<T>.From(yv);
                double zz = D(zt), yy = D(yt);
                worstLoss = Math.Max(worstLoss, Ratio(D(binary.BinaryCrossEntropyWithLogit(zt, yt)), Ref.SoftmaxCrossEntropy.BinaryWithLogit(zz, yy),
                    GradientAccuracy.BinaryLoss<T>(zz, yy) + GradientAccuracy.BinaryLoss<double>(zz, yy)));
                worstGrad = Math.Max(worstGrad, Ratio(D(binary.BinaryCrossEntropyLogitGradient(zt, yt)), Ref.SoftmaxCrossEntropy.BinaryLogitGradient(zz, yy),
                    GradientAccuracy.BinaryGradient<T>(zz, yy) + GradientAccuracy.BinaryGradient<double>(zz, yy)));
            }
        Report("binary cross-entropy", type, 27, worstLoss);
        Report("binary ∂L/∂z = σ(z) − y", type, 27, worstGrad);
    }

    private static double D<T>(T x) where T : unmanaged, IFloatingPointIeee754<T> => Fp<T>.ToDouble(x);

    private static void Batched<T>(GpuImplementation gpu, Random random, int classes, int rows, string type) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var fused = (IBatchedSoftmaxCrossEntropy<T>)(object)gpu;
        var (z, zd) = Logits<T>(random, rows * classes, 20);
        var targets = Enumerable.Range(0, rows).Select(r => r == 1 ? -100 : random.Next(classes)).ToArray();
        foreach (var reduction in new[] { LossReduction.Mean, LossReduction.Sum })
        {
            var g = new T[z.Length];
            var expected = new double[z.Length];
            T loss = fused.ForwardBackward(z, classes, targets, -100, reduction, g);
            double lossExpected = Ref.SoftmaxCrossEntropy.Batched(zd, classes, targets, -100, reduction, expected);
            Report($"fused CE loss ({reduction})", type, classes, Ratio(D(loss), lossExpected,
                GradientAccuracy.BatchedLoss<T>(zd, classes, targets, -100, reduction) + GradientAccuracy.BatchedLoss<double>(zd, classes, targets, -100, reduction)));
            Report($"fused CE gradient ({reduction})", type, classes, WorstRatio(Fp<T>.ToDouble(g), expected,
                Sum(GradientAccuracy.BatchedGradient<T>(zd, classes, targets, -100, reduction), GradientAccuracy.BatchedGradient<double>(zd, classes, targets, -100, reduction))));

            var again = new T[z.Length];
            T lossAgain = fused.ForwardBackward(z, classes, targets, -100, reduction, again);
            Exact($"fused CE repeated ({reduction})", type, classes, loss.Equals(lossAgain) && g.AsSpan().SequenceEqual(again));
            var inPlace = (T[])z.Clone();
            T lossInPlace = fused.ForwardBackward(inPlace, classes, targets, -100, reduction, inPlace);
            Exact($"fused CE in place ({reduction})", type, classes, loss.Equals(lossInPlace) && g.AsSpan().SequenceEqual(inPlace));
        }
    }

    private static void Linear<T>(GpuImplementation gpu, Random random, int n, string type) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var layer = (ILinearLayer<T>)(object)gpu;
        int m = Math.Min(n, 64);
        var (x, xd) = Logits<T>(random, m, 2);
        var (w, wd) = Logits<T>(random, m * n, 1);
        var (b, bd) = Logits<T>(random, n, 1);
        var (y, yd) = Distribution<T>(random, n, withZeros: true);
        var yExact = Fp<T>.ToDouble(y);   // the reference takes the weights as given (any sum)
        var gw = new T[m * n];
        var gb = new T[n];
        var gwExpected = new double[m * n];
        var gbExpected = new double[n];
        T loss = layer.LossAndGradients(x, w, b, y, gw, gb);
        double lossExpected = Ref.LinearLayer.LossAndGradients(xd, wd, bd, yExact, gwExpected, gbExpected);
        Report("linear layer loss", type, n, Ratio(D(loss), lossExpected, LinearAccuracy.Loss<T>(xd, wd, bd, yExact) + LinearAccuracy.Loss<double>(xd, wd, bd, yExact)));
        var (bw, bb) = LinearAccuracy.Gradients<T>(xd, wd, bd, yExact);
        var (rw, rb) = LinearAccuracy.Gradients<double>(xd, wd, bd, yExact);
        Report("linear layer ∂L/∂W", type, n, WorstRatio(Fp<T>.ToDouble(gw), gwExpected, Sum(bw, rw)));
        Report("linear layer ∂L/∂b", type, n, WorstRatio(Fp<T>.ToDouble(gb), gbExpected, Sum(bb, rb)));
        _ = yd;
    }

    private static void Sequence<T>(GpuImplementation gpu, Random random, int v, string type) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var seq = (ISequenceLoss<T>)(object)gpu;
        var tokens = Enumerable.Range(0, 12).Select(_ => random.Next(v)).ToArray();
        var (w, wd) = Logits<T>(random, v * v, 4);
        var (b, bd) = Logits<T>(random, v, 1);
        T lambda = Fp<T>.From(0.01);
        double ld = D(lambda);
        var gw = new T[v * v];
        var gb = new T[v];
        var gwExpected = new double[v * v];
        var gbExpected = new double[v];
        T loss = seq.LossAndGradients(tokens, v, w, b, lambda, gw, gb);
        double lossExpected = Ref.SequenceLoss.LossAndGradients(tokens, v, wd, bd, ld, gwExpected, gbExpected);
        Report("sequence loss", type, v, Ratio(D(loss), lossExpected, SequenceAccuracy.Loss<T>(tokens, v, wd, bd, ld) + SequenceAccuracy.Loss<double>(tokens, v, wd, bd, ld)));
        var (bw, bb) = SequenceAccuracy.Gradients<T>(tokens, v, wd, bd, ld);
        var (rw, rb) = SequenceAccuracy.Gradients<double>(tokens, v, wd, bd, ld);
        Report("sequence ∂L/∂W", type, v, WorstRatio(Fp<T>.ToDouble(gw), gwExpected, Sum(bw, rw)));
        Report("sequence ∂L/∂b", type, v, WorstRatio(Fp<T>.ToDouble(gb), gbExpected, Sum(bb, rb)));
    }

    /// <summary>
    /// The fused forward+backward on device-resident float32 logits (no host copies: the kernel's own
    /// speed), against ILGPU's device-to-device CopyTo of a buffer of the same size in the same run.
    /// </summary>
    private static void Benchmark(GpuImplementation gpu, (int Rows, int Classes)[] shapes, int repetitions)
    {
        var ops = gpu.Device.Single;
        Console.WriteLine($"fused softmax-cross-entropy forward+backward, float32, device-resident, median of {repetitions}:");
        foreach (var (rows, classes) in shapes)
        {
            long elements = (long)rows * classes;
            double bytes = elements * sizeof(float);
            var zg = ops.Device(0, elements);
            var copy = ops.Device(1, elements);
            var rowLoss = ops.Device(2, rows);
            var targets = ops.DeviceInts(0, rows);
            var random = new Random(7);
            targets.CopyFromCPU(Enumerable.Range(0, rows).Select(_ => random.Next(classes)).ToArray());
            ops.FillOnDevice(zg, 8f);
            ops.Synchronize();

            double copySeconds = Median(repetitions, () => { DeviceOps<float, SingleMath>.CopyOnDevice(zg, copy); ops.Synchronize(); });
            double fusedSeconds = Median(repetitions, () =>
            {
                ops.FusedOnDevice(zg, targets, rowLoss, rows, classes, 1f);   // Sum, in place: the gradient (in [−1, 1]) is the next repetition's logits
                ops.Synchronize();
            });
            double copyBandwidth = 2 * bytes / copySeconds;   // a copy reads and writes each byte once
            double minimal = 2 * bytes / fusedSeconds;        // the fused kernel must read the logits and write the gradient
            double actual = 4 * bytes / fusedSeconds;         // what it moves: max pass, sum pass, then read + write
            Console.WriteLine($"  {rows} × {classes}: fused {fusedSeconds * 1e3:0.000} ms, copy {copySeconds * 1e3:0.000} ms; " +
                              $"copy bandwidth {copyBandwidth / 1e9:0.0} GB/s; fused at read-once-write-once traffic {minimal / 1e9:0.0} GB/s = {100 * minimal / copyBandwidth:0.0} % of copy; " +
                              $"at its actual traffic (3 reads + 1 write) {actual / 1e9:0.0} GB/s = {100 * actual / copyBandwidth:0.0} %");
        }
    }

    private static double Median(int repetitions, Action run)
    {
        run();   // warm-up: kernel compilation, first touch
        var times = new double[repetitions];
        for (int i = 0; i < repetitions; i++)
        {
            long start = Stopwatch.GetTimestamp();
            run();
            times[i] = Stopwatch.GetElapsedTime(start).TotalSeconds;
        }
        Array.Sort(times);
        return times[repetitions / 2];
    }
}
