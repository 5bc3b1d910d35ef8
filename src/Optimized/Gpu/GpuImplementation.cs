namespace LossConformance.Optimized.Gpu;

/// <summary>
/// The project's own GPU implementation, "Optimized-GPU": ILGPU kernels (src/Optimized/Gpu/Kernels.cs)
/// for every capability, float32 and float64, on CUDA when ILGPU finds a device; <c>CONFORMANCE_GPU=cuda|cpu</c>
/// forces one, <c>auto</c> takes CUDA where there is a device and the CPU accelerator otherwise. Built with the default
/// constructor on a machine without CUDA and with <c>CONFORMANCE_GPU</c> unset, it does not run (<see cref="ReasonToSkip"/>): on ILGPU's CPU accelerator the suites take about 36 CPU-minutes
/// for it alone (measured: KernelConformance's sweeps 21 min, the property suite 11 min), which would put the test
/// command far past its budget on a 2-core machine; <c>.ci/run</c> runs its differential conformance suites there
/// with <c>CONFORMANCE_GPU=cpu</c>, and the report sets it. The name stays the same on
/// both (test names and filters use it); <see cref="Accelerator"/> says which one runs.
/// Every call copies its inputs to the device and its outputs back (README.md in this folder).
/// </summary>
public sealed class GpuImplementation :
    INamedImplementation, IConditionalImplementation,
    IEntropy<float>, IEntropy<double>, ICrossEntropy<float>, ICrossEntropy<double>,
    IKlDivergence<float>, IKlDivergence<double>,
    ISoftmax<float>, ISoftmax<double>, ISoftmaxJacobian<float>, ISoftmaxJacobian<double>,
    ISoftmaxCrossEntropy<float>, ISoftmaxCrossEntropy<double>,
    IInPlaceBatchedSoftmaxCrossEntropy<float>, IInPlaceBatchedSoftmaxCrossEntropy<double>,
    IBinaryCrossEntropy<float>, IBinaryCrossEntropy<double>,
    ILinearLayer<float>, ILinearLayer<double>, ISequenceLoss<float>, ISequenceLoss<double>
{
    private readonly Lazy<GpuAcceleratorKind> _kind;
    private readonly bool _auto;   // built by the default constructor: the accelerator is chosen, not named

    /// <summary>On the default accelerator (<see cref="GpuAccelerators.Default"/>), chosen at the first call.</summary>
    public GpuImplementation()
    {
        _kind = new(() => GpuAccelerators.Default);
        _auto = true;
    }

    /// <summary>On the given accelerator. Nothing is created until the first call.</summary>
    public GpuImplementation(GpuAcceleratorKind kind) => _kind = new(() => kind);

    /// <inheritdoc/>
    public string Name => "Optimized-GPU";

    /// <summary>The accelerator the calls run on, e.g. "ILGPU CPU accelerator: CPUAccelerator, block size 16".</summary>
    public string Accelerator => Device.Description;

    /// <summary>Which accelerator kind the calls run on.</summary>
    public GpuAcceleratorKind Kind => _kind.Value;

    /// <inheritdoc/>
    /// <remarks>
    /// Only the default constructor's instance ever skips: with no CUDA device and <c>CONFORMANCE_GPU</c> unset.
    /// A named accelerator always runs, and a forced CUDA without a device fails loudly instead.
    /// </remarks>
    public string? ReasonToSkip =>
        _auto && string.IsNullOrWhiteSpace(Environment.GetEnvironmentVariable(GpuAccelerators.Variable)) && !GpuAccelerators.CudaAvailable
            ? $"no CUDA device here; {GpuAccelerators.Variable}=cpu (or auto) runs Optimized-GPU's kernels on ILGPU's CPU accelerator (about 36 CPU-minutes of the suites, so not by default)"
            : null;

    internal GpuDevice Device => GpuDevice.For(_kind.Value);
    private DeviceOps<float, SingleMath> F => Device.Single;
    private DeviceOps<double, DoubleMath> D => Device.Double;

    private const int Ent = Kernels<float, SingleMath>.EntropyMode, Xent = Kernels<float, SingleMath>.CrossEntropyMode, Kl = Kernels<float, SingleMath>.KlMode;
    private const int Smax = Kernels<float, SingleMath>.SoftmaxMode, LogSmax = Kernels<float, SingleMath>.LogSoftmaxMode;

    public float Entropy(ReadOnlySpan<float> p) => F.Information(p, default, Ent);
    public double Entropy(ReadOnlySpan<double> p) => D.Information(p, default, Ent);

    public float CrossEntropy(ReadOnlySpan<float> p, ReadOnlySpan<float> q) => F.Information(p, q, Xent);
    public double CrossEntropy(ReadOnlySpan<double> p, ReadOnlySpan<double> q) => D.Information(p, q, Xent);

    public float KlDivergence(ReadOnlySpan<float> p, ReadOnlySpan<float> q) => F.Information(p, q, Kl);
    public double KlDivergence(ReadOnlySpan<double> p, ReadOnlySpan<double> q) => D.Information(p, q, Kl);

    public void Softmax(ReadOnlySpan<float> logits, Span<float> probabilities) => F.Softmax(logits, probabilities, Smax);
    public void Softmax(ReadOnlySpan<double> logits, Span<double> probabilities) => D.Softmax(logits, probabilities, Smax);

    public void LogSoftmax(ReadOnlySpan<float> logits, Span<float> logProbabilities) => F.Softmax(logits, logProbabilities, LogSmax);
    public void LogSoftmax(ReadOnlySpan<double> logits, Span<double> logProbabilities) => D.Softmax(logits, logProbabilities, LogSmax);

    public float LogSumExp(ReadOnlySpan<float> logits) => F.LogSumExp(logits);
    public double LogSumExp(ReadOnlySpan<double> logits) => D.LogSumExp(logits);

    public void SoftmaxJacobian(ReadOnlySpan<float> logits, Span<float> jacobian) => F.Jacobian(logits, jacobian);
    public void SoftmaxJacobian(ReadOnlySpan<double> logits, Span<double> jacobian) => D.Jacobian(logits, jacobian);

    public float CrossEntropyFromLogits(ReadOnlySpan<float> target, ReadOnlySpan<float> logits) => F.CrossEntropyFromLogits(target, logits);
    public double CrossEntropyFromLogits(ReadOnlySpan<double> target, ReadOnlySpan<double> logits) => D.CrossEntropyFromLogits(target, logits);

    public void CrossEntropyLogitGradient(ReadOnlySpan<float> target, ReadOnlySpan<float> logits, Span<float> gradient) =>
        F.LogitGradient(target, logits, gradient);
    public void CrossEntropyLogitGradient(ReadOnlySpan<double> target, ReadOnlySpan<double> logits, Span<double> gradient) =>
        D.LogitGradient(target, logits, gradient);

    public void CrossEntropyProbabilityGradient(ReadOnlySpan<float> target, ReadOnlySpan<float> probabilities, Span<float> gradient) =>
        F.ProbabilityGradient(target, probabilities, gradient);
    public void CrossEntropyProbabilityGradient(ReadOnlySpan<double> target, ReadOnlySpan<double> probabilities, Span<double> gradient) =>
        D.ProbabilityGradient(target, probabilities, gradient);

    public float ForwardBackward(ReadOnlySpan<float> logits, int classes, ReadOnlySpan<int> targets, int ignoreIndex,
                                 LossReduction reduction, Span<float> gradient) =>
        F.ForwardBackward(logits, classes, targets, ignoreIndex, reduction, gradient);
    public double ForwardBackward(ReadOnlySpan<double> logits, int classes, ReadOnlySpan<int> targets, int ignoreIndex,
                                  LossReduction reduction, Span<double> gradient) =>
        D.ForwardBackward(logits, classes, targets, ignoreIndex, reduction, gradient);

    public float BinaryCrossEntropyWithLogit(float logit, float target) => F.Binary(logit, target).Loss;
    public double BinaryCrossEntropyWithLogit(double logit, double target) => D.Binary(logit, target).Loss;

    public float BinaryCrossEntropyLogitGradient(float logit, float target) => F.Binary(logit, target).Gradient;
    public double BinaryCrossEntropyLogitGradient(double logit, double target) => D.Binary(logit, target).Gradient;

    public void Forward(ReadOnlySpan<float> x, ReadOnlySpan<float> weights, ReadOnlySpan<float> bias, Span<float> logits) =>
        F.LinearForward(x, weights, bias, logits);
    public void Forward(ReadOnlySpan<double> x, ReadOnlySpan<double> weights, ReadOnlySpan<double> bias, Span<double> logits) =>
        D.LinearForward(x, weights, bias, logits);

    public float LossAndGradients(ReadOnlySpan<float> x, ReadOnlySpan<float> weights, ReadOnlySpan<float> bias, ReadOnlySpan<float> target,
                                  Span<float> weightGradient, Span<float> biasGradient) =>
        F.LinearLossAndGradients(x, weights, bias, target, weightGradient, biasGradient);
    public double LossAndGradients(ReadOnlySpan<double> x, ReadOnlySpan<double> weights, ReadOnlySpan<double> bias, ReadOnlySpan<double> target,
                                   Span<double> weightGradient, Span<double> biasGradient) =>
        D.LinearLossAndGradients(x, weights, bias, target, weightGradient, biasGradient);

    public float LossAndGradients(ReadOnlySpan<int> tokens, int vocabulary, ReadOnlySpan<float> weights, ReadOnlySpan<float> bias, float lambda,
                                  Span<float> weightGradient, Span<float> biasGradient) =>
        F.SequenceLossAndGradients(tokens, vocabulary, weights, bias, lambda, weightGradient, biasGradient);
    public double LossAndGradients(ReadOnlySpan<int> tokens, int vocabulary, ReadOnlySpan<double> weights, ReadOnlySpan<double> bias, double lambda,
                                   Span<double> weightGradient, Span<double> biasGradient) =>
        D.SequenceLossAndGradients(tokens, vocabulary, weights, bias, lambda, weightGradient, biasGradient);
}
