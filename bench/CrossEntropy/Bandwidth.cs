using System.Numerics;
using BenchmarkDotNet.Attributes;

namespace LossConformance.Benchmarks;

/// <summary>
/// This machine's streaming bandwidth on buffers of each case's size and element type (<see cref="Streams"/>),
/// all cores: the denominators of the roofline shares. Bytes moved = one read + one write of rows × classes elements.
/// </summary>
[GenericTypeArguments(typeof(float))]
[GenericTypeArguments(typeof(double))]
public unsafe class Bandwidth<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private NativeBuffer<T> _source = null!, _destination = null!;

    [ParamsSource(nameof(Shapes))]
    public Shape Shape { get; set; } = null!;

    public static IEnumerable<Shape> Shapes => Workload.Shapes;

    [GlobalSetup]
    public void Setup()
    {
        Workload.EnsureTimeLeft("Bandwidth", Shape, typeof(T));
        _source = new NativeBuffer<T>(Shape.Elements);
        _destination = new NativeBuffer<T>(Shape.Elements);
        Workload.FillLogits(_source.Pointer, Shape);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _source.Dispose();
        _destination.Dispose();
    }

    /// <summary>Read one buffer, write another.</summary>
    [Benchmark]
    public void OutOfPlace() => Streams.Negate(_source.Pointer, _destination.Pointer, Shape.Elements, Environment.ProcessorCount);

    /// <summary>Read and write back the same buffer.</summary>
    [Benchmark]
    public void InPlace() => Streams.Negate(_destination.Pointer, _destination.Pointer, Shape.Elements, Environment.ProcessorCount);
}
