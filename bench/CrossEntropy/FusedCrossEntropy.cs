using System.Numerics;
using System.Numerics.Tensors;
using BenchmarkDotNet.Attributes;
using LossConformance.Optimized.Cpu;
using LossConformance.Optimized.Torch;
using LossConformance.Optimized.Torch.Native;
using LossConformance.Reference;
using TorchSharp;
using static TorchSharp.torch;
using Tensor = TorchSharp.torch.Tensor;
using TorchF = TorchSharp.torch.nn.functional;

namespace LossConformance.Benchmarks;

/// <summary>
/// Fused softmax-cross-entropy forward + backward, hard labels, Mean reduction, no ignored rows:
/// loss = (1/N) Σᵣ (logsumexp(zᵣ) − zᵣ[tᵣ]) and gradient (ŷᵣ − e_{tᵣ}) / N, for every kernel the
/// roofline table compares. Each case allocates only its own buffers (GlobalSetup, per target) and
/// frees them when it ends, so one 1 GB set at a time is alive.
/// </summary>
[GenericTypeArguments(typeof(float))]
[GenericTypeArguments(typeof(double))]
public unsafe class FusedCrossEntropy<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private const int NoIgnoredRow = -100;

    private NativeBuffer<T>? _logits, _gradient;
    private int[] _targets = [];
    private IBatchedSoftmaxCrossEntropy<T> _kernel = null!;
    private Tensor? _torchLogits, _torchTargets;
    private double _loss;
    private string _name = "";
    private Func<int, double> _run = null!;   // the case's kernel on the first k rows

    /// <summary>The (kernel, element type) pairs whose code has been warmed up in this process.</summary>
    private static readonly HashSet<string> Warmed = [];

    [ParamsSource(nameof(Shapes))]
    public Shape Shape { get; set; } = null!;

    public static IEnumerable<Shape> Shapes => Workload.Shapes;

    private Span<T> Logits => _logits!.Span;
    private Span<T> Gradient => _gradient!.Span;

    // ---- setups: each kernel's own objects, the logits and (out of place) a gradient buffer ----

    private void Buffers(bool gradient = true)
    {
        _targets = Workload.Targets(Shape);
        _logits = new NativeBuffer<T>(Shape.Elements);
        Workload.FillLogits(_logits.Pointer, Shape);
        if (gradient) _gradient = new NativeBuffer<T>(Shape.Elements);
    }

    [GlobalSetup(Target = nameof(Reference))]
    public void SetupReference()
    {
        _name = nameof(Reference);
        Workload.EnsureTimeLeft(_name, Shape, typeof(T));
        _kernel = new ReferenceImplementation() as IBatchedSoftmaxCrossEntropy<T>
            ?? throw new NotSupportedException($"the reference is float64 only, not {typeof(T).Name}");
        Buffers();
        _run = OutOfPlace;
        WarmUp();
    }

    [GlobalSetup(Target = nameof(OptimizedAllCores))]
    public void SetupOptimizedAllCores()
    {
        _name = nameof(OptimizedAllCores);
        Workload.EnsureTimeLeft(_name, Shape, typeof(T));
        _kernel = Optimized(new OptimizedCpuImplementation());
        Buffers();
        _run = OutOfPlace;
        WarmUp();
    }

    [GlobalSetup(Target = nameof(OptimizedOneCore))]
    public void SetupOptimizedOneCore()
    {
        _name = nameof(OptimizedOneCore);
        Workload.EnsureTimeLeft(_name, Shape, typeof(T));
        _kernel = Optimized((new OptimizedCpuImplementation() as object as IMultithreadedImplementation
                             ?? throw new NotSupportedException("Optimized-CPU does not implement IMultithreadedImplementation")).WithThreads(1));
        Buffers();
        _run = OutOfPlace;
        WarmUp();
    }

    private static IBatchedSoftmaxCrossEntropy<T> Optimized(object implementation) =>
        implementation as IBatchedSoftmaxCrossEntropy<T>
        ?? throw new NotSupportedException($"Optimized-CPU does not implement IBatchedSoftmaxCrossEntropy<{typeof(T).Name}>");

    [GlobalSetup(Target = nameof(OptimizedInPlace))]
    public void SetupOptimizedInPlace()
    {
        _name = nameof(OptimizedInPlace);
        Workload.EnsureTimeLeft(_name, Shape, typeof(T));
        _kernel = new OptimizedCpuImplementation() as object as IInPlaceBatchedSoftmaxCrossEntropy<T>
            ?? throw new NotSupportedException($"Optimized-CPU does not declare IInPlaceBatchedSoftmaxCrossEntropy<{typeof(T).Name}>");
        Buffers();   // _gradient is the working copy: refreshed from _logits before each invocation, then overwritten in place
        _run = InPlace;
        WarmUp();
    }

    /// <summary>The in-place kernel destroys its input: a fresh copy of the logits before every invocation, outside the timing.</summary>
    [IterationSetup(Target = nameof(OptimizedInPlace))]
    public void RefreshInPlaceLogits() => Logits.CopyTo(Gradient);

    [GlobalSetup(Target = nameof(TensorPrimitivesComposition))]
    public void SetupTensorPrimitives()
    {
        _name = nameof(TensorPrimitivesComposition);
        Workload.EnsureTimeLeft(_name, Shape, typeof(T));
        Buffers();
        _run = Composition;
        WarmUp();
    }

    [GlobalSetup(Target = nameof(TorchContract))]
    public void SetupTorchContract()
    {
        _name = nameof(TorchContract);
        Workload.EnsureTimeLeft(_name, Shape, typeof(T));
        _kernel = (IBatchedSoftmaxCrossEntropy<T>)(object)new TorchImplementation(TorchDeviceKind.Cpu);
        Buffers();
        _run = OutOfPlace;
        WarmUp();
    }

    /// <summary>The tensors are made once here: the timing sees cross_entropy and backward only.</summary>
    [GlobalSetup(Target = nameof(TorchNative))]
    public void SetupTorchNative()
    {
        _name = nameof(TorchNative);
        Workload.EnsureTimeLeft(_name, Shape, typeof(T));
        TorchRuntime.EnsureLoaded();   // THP_MEM_ALLOC_ENABLE=1 unless the environment says otherwise
        _targets = Workload.Targets(Shape);
        var dtype = typeof(T) == typeof(float) ? ScalarType.Float32 : ScalarType.Float64;
        _torchLogits = torch.empty([Shape.Rows, Shape.Classes], dtype);
        fixed (byte* p = _torchLogits.bytes) Workload.FillLogits((T*)p, Shape);
        _torchLogits.requires_grad_();
        _torchTargets = torch.tensor(_targets.Select(t => (long)t).ToArray(), [Shape.Rows], ScalarType.Int64);
    }

    /// <summary>As a training loop's zero_grad(set_to_none=True): backward then writes a new .grad instead of adding to the last one.</summary>
    [IterationSetup(Target = nameof(TorchNative))]
    public void ClearTorchGradient() => _torchLogits!.grad = null;

    // ---- the timed kernels ----

    /// <summary>The float64 reference (src/Reference): one thread, scalar, the specification's formulas.</summary>
    [Benchmark]
    public double Reference() => _loss = _run(Shape.Rows);

    [Benchmark]
    public double OptimizedAllCores() => _loss = _run(Shape.Rows);

    [Benchmark]
    public double OptimizedOneCore() => _loss = _run(Shape.Rows);

    /// <summary>gradient = logits: the working copy is both.</summary>
    [Benchmark]
    public double OptimizedInPlace() => _loss = _run(Shape.Rows);

    /// <summary>
    /// The straightforward composition of System.Numerics.Tensors calls, one row at a time on one
    /// thread: m = Max(z), g = Exp(z − m), s = Sum(g), g = g / s, g[t] −= 1, g = g / N; the loss
    /// term is ln s − (z[t] − m). Not TensorPrimitives.SoftMax, which does not subtract the maximum.
    /// </summary>
    [Benchmark]
    public double TensorPrimitivesComposition() => _loss = _run(Shape.Rows);

    // ---- the kernels on the first k rows (the benchmarks run all of them; WarmUp fewer) ----

    private double OutOfPlace(int rows)
    {
        int n = rows * Shape.Classes;
        return double.CreateTruncating(_kernel.ForwardBackward(Logits[..n], Shape.Classes, _targets.AsSpan(0, rows), NoIgnoredRow, LossReduction.Mean, Gradient[..n]));
    }

    private double InPlace(int rows)
    {
        var work = Gradient[..(rows * Shape.Classes)];
        return double.CreateTruncating(_kernel.ForwardBackward(work, Shape.Classes, _targets.AsSpan(0, rows), NoIgnoredRow, LossReduction.Mean, work));
    }

    private double Composition(int n)
    {
        int v = Shape.Classes;
        T scale = T.One / T.CreateTruncating(n);
        T sum = T.Zero;
        var logits = Logits;
        var gradient = Gradient;
        for (int r = 0; r < n; r++)
        {
            var z = logits.Slice(r * v, v);
            var g = gradient.Slice(r * v, v);
            int t = _targets[r];
            T m = TensorPrimitives.Max<T>(z);
            TensorPrimitives.Subtract(z, m, g);
            TensorPrimitives.Exp<T>(g, g);
            T s = TensorPrimitives.Sum<T>(g);
            TensorPrimitives.Divide(g, s, g);
            sum += T.Log(s) - (z[t] - m);
            g[t] -= T.One;
            TensorPrimitives.Multiply(g, scale, g);
        }
        return double.CreateTruncating(sum * scale);
    }

    /// <summary>
    /// Steady state before the first timed call: the first time a kernel runs in this process its code is
    /// tier-0 (unoptimized) until tiered compilation has counted its calls and recompiled it in the
    /// background — measured here at ~2.5 s a call for Optimized-CPU at 256×32 000 float32 for the first
    /// three to five calls, ~0.1 s after. So each (kernel, element type) is first called on a ~1 M-element
    /// slice of the case's own buffers until at least 30 calls and 1 s have passed and the last call took at
    /// most twice the fastest (at most 15 s); later shapes reuse the compiled code.
    /// </summary>
    private void WarmUp()
    {
        if (!Warmed.Add($"{_name} {typeof(T).Name}")) return;
        int rows = Math.Min(Shape.Rows, Math.Max(2, (1 << 20) / Shape.Classes + 1));
        var clock = System.Diagnostics.Stopwatch.StartNew();
        double fastest = double.MaxValue, last;
        int calls = 0;
        do
        {
            var call = System.Diagnostics.Stopwatch.StartNew();
            _run(rows);
            last = call.Elapsed.TotalMilliseconds;
            fastest = Math.Min(fastest, last);
            calls++;
        }
        while ((calls < 30 || clock.Elapsed.TotalSeconds < 1 || last > 2 * fastest) && clock.Elapsed.TotalSeconds < 15);
        Console.WriteLine($"// warm-up of {_name}<{typeof(T).Name}> on {rows} rows: {calls} calls in {clock.Elapsed.TotalSeconds:F1} s, fastest {fastest:F2} ms, last {last:F2} ms");
    }

    /// <summary>TorchSharp on tensors it already holds: F.cross_entropy and backward, the gradient left in .grad.</summary>
    [Benchmark]
    public double TorchNative()
    {
        using var scope = NewDisposeScope();
        var loss = TorchF.cross_entropy(_torchLogits!, _torchTargets!, reduction: nn.Reduction.Mean);
        loss.backward();
        return _loss = double.CreateTruncating(loss.item<T>());
    }

    /// <summary>TorchSharp through the contract: span in, tensor, cross_entropy, backward, gradient span out (src/Optimized/Torch).</summary>
    [Benchmark]
    public double TorchContract() => _loss = _run(Shape.Rows);

    // ---- after the case: check the last result, record its loss, free everything ----

    [GlobalCleanup]
    public void Cleanup()
    {
        try
        {
            if (_torchLogits is not null)
            {
                using var grad = _torchLogits.grad ?? throw new InvalidOperationException("TorchNative left no .grad");
                Workload.Check(_name, Shape, _loss, MemoryMarshalCast(grad.bytes), _targets);
            }
            else if (_gradient is not null)
                Workload.Check(_name, Shape, _loss, Gradient, _targets);
            Workload.Losses[(Shape.ToString(), typeof(T), _name)] = _loss;
        }
        finally
        {
            _logits?.Dispose();
            _gradient?.Dispose();
            _torchLogits?.Dispose();
            _torchTargets?.Dispose();
            _logits = _gradient = null;
            _torchLogits = _torchTargets = null;
        }
    }

    private static ReadOnlySpan<T> MemoryMarshalCast(Span<byte> bytes) => System.Runtime.InteropServices.MemoryMarshal.Cast<byte, T>(bytes);
}
