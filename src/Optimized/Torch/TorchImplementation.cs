namespace LossConformance.Optimized.Torch;

/// <summary>
/// The contract on TorchSharp (libtorch 2.10), float32 and float64, on the CPU or a CUDA device.
/// Every capability is a one-line call into <see cref="TorchKernels{T}"/>, which holds the torch
/// expressions. The parameterless constructor picks the device like torch code usually does: CUDA
/// when available, else CPU; <c>CONFORMANCE_TORCH_DEVICE=cpu|cuda</c> forces one.
/// </summary>
public sealed partial class TorchImplementation :
    INamedImplementation, IConditionalImplementation, IKnownDeviations, IStrictAccuracy,
    IEntropy<float>, IEntropy<double>, ICrossEntropy<float>, ICrossEntropy<double>,
    IKlDivergence<float>, IKlDivergence<double>,
    ISoftmax<float>, ISoftmax<double>, ISoftmaxJacobian<float>, ISoftmaxJacobian<double>,
    ISoftmaxCrossEntropy<float>, ISoftmaxCrossEntropy<double>,
    IBatchedSoftmaxCrossEntropy<float>, IBatchedSoftmaxCrossEntropy<double>,
    IBinaryCrossEntropy<float>, IBinaryCrossEntropy<double>,
    ILinearLayer<float>, ILinearLayer<double>, ISequenceLoss<float>, ISequenceLoss<double>
{
    private readonly Lazy<TorchKernels<float>> _single;
    private readonly Lazy<TorchKernels<double>> _double;

    /// <summary>On the default device (<see cref="TorchDevices.Default"/>).</summary>
    public TorchImplementation() : this(TorchDevices.Default) { }

    /// <summary>On the given device. Nothing is loaded until the first call, so a CUDA instance can be listed where there is no GPU.</summary>
    public TorchImplementation(TorchDeviceKind device)
    {
        Device = device;
        _single = new(() => new TorchKernels<float>(TorchDevices.ToTorch(device)));
        _double = new(() => new TorchKernels<double>(TorchDevices.ToTorch(device)));
    }

    public TorchDeviceKind Device { get; }

    /// <inheritdoc/>
    public string Name => Device == TorchDeviceKind.Cpu ? "TorchSharp-CPU" : "TorchSharp-CUDA";

    /// <inheritdoc/>
    public string? ReasonToSkip => TorchDevices.ReasonToSkip(Device);

    /// <inheritdoc/>
    public IReadOnlyList<KnownDeviation> KnownDeviations => TorchKnownDeviations.All;

    private TorchKernels<float> F => _single.Value;
    private TorchKernels<double> D => _double.Value;

    public float Entropy(ReadOnlySpan<float> p) => F.Entropy(p);
    public double Entropy(ReadOnlySpan<double> p) => D.Entropy(p);

    public float CrossEntropy(ReadOnlySpan<float> p, ReadOnlySpan<float> q) => F.CrossEntropy(p, q);
    public double CrossEntropy(ReadOnlySpan<double> p, ReadOnlySpan<double> q) => D.CrossEntropy(p, q);

    public float KlDivergence(ReadOnlySpan<float> p, ReadOnlySpan<float> q) => F.KlDivergence(p, q);
    public double KlDivergence(ReadOnlySpan<double> p, ReadOnlySpan<double> q) => D.KlDivergence(p, q);

    public void Softmax(ReadOnlySpan<float> logits, Span<float> probabilities) => F.Softmax(logits, probabilities);
    public void Softmax(ReadOnlySpan<double> logits, Span<double> probabilities) => D.Softmax(logits, probabilities);

    public void LogSoftmax(ReadOnlySpan<float> logits, Span<float> logProbabilities) => F.LogSoftmax(logits, logProbabilities);
    public void LogSoftmax(ReadOnlySpan<double> logits, Span<double> logProbabilities) => D.LogSoftmax(logits, logProbabilities);

    public float LogSumExp(ReadOnlySpan<float> logits) => F.LogSumExp(logits);
    public double LogSumExp(ReadOnlySpan<double> logits) => D.LogSumExp(logits);

    public void SoftmaxJacobian(ReadOnlySpan<float> logits, Span<float> jacobian) => F.SoftmaxJacobian(logits, jacobian);
    public void SoftmaxJacobian(ReadOnlySpan<double> logits, Span<double> jacobian) => D.SoftmaxJacobian(logits, jacobian);

    public float CrossEntropyFromLogits(ReadOnlySpan<float> target, ReadOnlySpan<float> logits) => F.CrossEntropyFromLogits(target, logits);
    public double CrossEntropyFromLogits(ReadOnlySpan<double> target, ReadOnlySpan<double> logits) => D.CrossEntropyFromLogits(target, logits);

    public void CrossEntropyLogitGradient(ReadOnlySpan<float> target, ReadOnlySpan<float> logits, Span<float> gradient) =>
        F.CrossEntropyLogitGradient(target, logits, gradient);
    public void CrossEntropyLogitGradient(ReadOnlySpan<double> target, ReadOnlySpan<double> logits, Span<double> gradient) =>
        D.CrossEntropyLogitGradient(target, logits, gradient);

    public void CrossEntropyProbabilityGradient(ReadOnlySpan<float> target, ReadOnlySpan<float> probabilities, Span<float> gradient) =>
        F.CrossEntropyProbabilityGradient(target, probabilities, gradient);
    public void CrossEntropyProbabilityGradient(ReadOnlySpan<double> target, ReadOnlySpan<double> probabilities, Span<double> gradient) =>
        D.CrossEntropyProbabilityGradient(target, probabilities, gradient);

    public float ForwardBackward(ReadOnlySpan<float> logits, int classes, ReadOnlySpan<int> targets, int ignoreIndex,
                                 LossReduction reduction, Span<float> gradient) =>
        F.ForwardBackward(logits, classes, targets, ignoreIndex, reduction, gradient);
    public double ForwardBackward(ReadOnlySpan<double> logits, int classes, ReadOnlySpan<int> targets, int ignoreIndex,
                                  LossReduction reduction, Span<double> gradient) =>
        D.ForwardBackward(logits, classes, targets, ignoreIndex, reduction, gradient);

    public float BinaryCrossEntropyWithLogit(float logit, float target) => F.BinaryCrossEntropyWithLogit(logit, target);
    public double BinaryCrossEntropyWithLogit(double logit, double target) => D.BinaryCrossEntropyWithLogit(logit, target);

    public float BinaryCrossEntropyLogitGradient(float logit, float target) => F.BinaryCrossEntropyLogitGradient(logit, target);
    public double BinaryCrossEntropyLogitGradient(double logit, double target) => D.BinaryCrossEntropyLogitGradient(logit, target);

    public void Forward(ReadOnlySpan<float> x, ReadOnlySpan<float> weights, ReadOnlySpan<float> bias, Span<float> logits) =>
        F.LinearForward(x, weights, bias, logits);
    public void Forward(ReadOnlySpan<double> x, ReadOnlySpan<double> weights, ReadOnlySpan<double> bias, Span<double> logits) =>
        D.LinearForward(x, weights, bias, logits);

    public float LossAndGradients(ReadOnlySpan<float> x, ReadOnlySpan<float> weights, ReadOnlySpan<float> bias,
                                  ReadOnlySpan<float> target, Span<float> weightGradient, Span<float> biasGradient) =>
        F.LinearLossAndGradients(x, weights, bias, target, weightGradient, biasGradient);
    public double LossAndGradients(ReadOnlySpan<double> x, ReadOnlySpan<double> weights, ReadOnlySpan<double> bias,
                                   ReadOnlySpan<double> target, Span<double> weightGradient, Span<double> biasGradient) =>
        D.LinearLossAndGradients(x, weights, bias, target, weightGradient, biasGradient);

    public float LossAndGradients(ReadOnlySpan<int> tokens, int vocabulary, ReadOnlySpan<float> weights, ReadOnlySpan<float> bias,
                                  float lambda, Span<float> weightGradient, Span<float> biasGradient) =>
        F.SequenceLossAndGradients(tokens, vocabulary, weights, bias, lambda, weightGradient, biasGradient);
    public double LossAndGradients(ReadOnlySpan<int> tokens, int vocabulary, ReadOnlySpan<double> weights, ReadOnlySpan<double> bias,
                                   double lambda, Span<double> weightGradient, Span<double> biasGradient) =>
        D.SequenceLossAndGradients(tokens, vocabulary, weights, bias, lambda, weightGradient, biasGradient);
}
