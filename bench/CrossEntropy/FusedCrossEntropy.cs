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
        _kernel = new ReferenceImplementation() as IBatchedSoftmaxCrossEntropy<T>
            ?? throw new NotSupportedException($"the reference is float64 only, not {typeof(T).Name}");
        Buffers();
    }

    [GlobalSetup(Target = nameof(OptimizedAllCores))]
    public void SetupOptimizedAllCores()
    {
        _name = nameof(OptimizedAllCores);
        _kernel = Optimized(new OptimizedCpuImplementation());
        Buffers();
    }

    [GlobalSetup(Target = nameof(OptimizedOneCore))]
    public void SetupOptimizedOneCore()
    {
        _name = nameof(OptimizedOneCore);
        _kernel = Optimized((new OptimizedCpuImplementation() as object as IMultithreadedImplementation
                             ?? throw new NotSupportedException("Optimized-CPU does not implement IMultithreadedImplementation")).WithThreads(1));
        Buffers();
    }

    private static IBatchedSoftmaxCrossEntropy<T> Optimized(object implementation) =>
        implementation as IBatchedSoftmaxCrossEntropy<T>
        ?? throw new NotSupportedException($"Optimized-CPU does not implement IBatchedSoftmaxCrossEntropy<{typeof(T).Name}>");

    [GlobalSetup(Target = nameof(OptimizedInPlace))]
    public void SetupOptimizedInPlace()
    {
        _name = nameof(OptimizedInPlace);
        _kernel = new OptimizedCpuImplementation() as object as IInPlaceBatchedSoftmaxCrossEntropy<T>
            ?? throw new NotSupportedException($"Optimized-CPU does not declare IInPlaceBatchedSoftmaxCrossEntropy<{typeof(T).Name}>");
        Buffers();   // _gradient is the working copy: refreshed from _logits before each invocation, then overwritten in place
    }

    /// <summary>The in-place kernel destroys its input: a fresh copy of the logits before every invocation, outside the timing.</summary>
    [IterationSetup(Target = nameof(OptimizedInPlace))]
    public void RefreshInPlaceLogits() => Logits.CopyTo(Gradient);

    [GlobalSetup(Target = nameof(TensorPrimitivesComposition))]
    public void SetupTensorPrimitives()
    {
        _name = nameof(TensorPrimitivesComposition);
        Buffers();
    }

    [GlobalSetup(Target = nameof(TorchContract))]
    public void SetupTorchContract()
    {
        _name = nameof(TorchContract);
        _kernel = (IBatchedSoftmaxCrossEntropy<T>)(object)new TorchImplementation(TorchDeviceKind.Cpu);
        Buffers();
    }

    /// <summary>The tensors are made once here: the timing sees cross_entropy and backward only.</summary>
    [GlobalSetup(Target = nameof(TorchNative))]
    public void SetupTorchNative()
    {
        _name = nameof(TorchNative);
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
    public double Reference() => _loss = double.CreateTruncating(_kernel.ForwardBackward(Logits, Shape.Classes, _targets, NoIgnoredRow, LossReduction.Mean, Gradient));

    [Benchmark]
    public double OptimizedAllCores() => _loss = double.CreateTruncating(_kernel.ForwardBackward(Logits, Shape.Classes, _targets, NoIgnoredRow, LossReduction.Mean, Gradient));

    [Benchmark]
    public double OptimizedOneCore() => _loss = double.CreateTruncating(_kernel.ForwardBackward(Logits, Shape.Classes, _targets, NoIgnoredRow, LossReduction.Mean, Gradient));

    /// <summary>gradient = logits: the working copy is both.</summary>
    [Benchmark]
    public double OptimizedInPlace() => _loss = double.CreateTruncating(_kernel.ForwardBackward(Gradient, Shape.Classes, _targets, NoIgnoredRow, LossReduction.Mean, Gradient));

    /// <summary>
    /// The straightforward composition of System.Numerics.Tensors calls, one row at a time on one
    /// thread: m = Max(z), g = Exp(z − m), s = Sum(g), g = g / s, g[t] −= 1, g = g / N; the loss
    /// term is ln s − (z[t] − m). Not TensorPrimitives.SoftMax, which does not subtract the maximum.
    /// </summary>
    [Benchmark]
    public double TensorPrimitivesComposition()
    {
        int n = Shape.Rows, v = Shape.Classes;
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
        return _loss = double.CreateTruncating(sum * scale);
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
    public double TorchContract() => _loss = double.CreateTruncating(_kernel.ForwardBackward(Logits, Shape.Classes, _targets, NoIgnoredRow, LossReduction.Mean, Gradient));

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
