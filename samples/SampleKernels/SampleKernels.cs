using LossConformance;

namespace Samples;

/// <summary>
/// A sample implementation under test, in float and double. Every member is a one-line call to
/// the generic kernels in <see cref="Kernels{T}"/>. It deliberately does not implement
/// <see cref="ISoftmaxJacobian{T}"/> or <see cref="ISequenceLoss{T}"/>, so the suites report those
/// tests as skipped ("Sample does not implement ISequenceLoss&lt;float&gt;").
/// </summary>
public sealed class SampleKernels :
    INamedImplementation,
    IEntropy<float>, IEntropy<double>,
    ICrossEntropy<float>, ICrossEntropy<double>,
    IKlDivergence<float>, IKlDivergence<double>,
    ISoftmax<float>, ISoftmax<double>,
    ISoftmaxCrossEntropy<float>, ISoftmaxCrossEntropy<double>,
    IBatchedSoftmaxCrossEntropy<float>, IBatchedSoftmaxCrossEntropy<double>,
    IBinaryCrossEntropy<float>, IBinaryCrossEntropy<double>,
    ILinearLayer<float>, ILinearLayer<double>
{
    public string Name => "Sample";

    public float Entropy(ReadOnlySpan<float> p) => Kernels<float>.Entropy(p);
    public double Entropy(ReadOnlySpan<double> p) => Kernels<double>.Entropy(p);

    public float CrossEntropy(ReadOnlySpan<float> p, ReadOnlySpan<float> q) => Kernels<float>.CrossEntropy(p, q);
    public double CrossEntropy(ReadOnlySpan<double> p, ReadOnlySpan<double> q) => Kernels<double>.CrossEntropy(p, q);

    public float KlDivergence(ReadOnlySpan<float> p, ReadOnlySpan<float> q) => Kernels<float>.KlDivergence(p, q);
    public double KlDivergence(ReadOnlySpan<double> p, ReadOnlySpan<double> q) => Kernels<double>.KlDivergence(p, q);

    public void Softmax(ReadOnlySpan<float> logits, Span<float> probabilities) => Kernels<float>.Softmax(logits, probabilities);
    public void Softmax(ReadOnlySpan<double> logits, Span<double> probabilities) => Kernels<double>.Softmax(logits, probabilities);

    public void LogSoftmax(ReadOnlySpan<float> logits, Span<float> logProbabilities) => Kernels<float>.LogSoftmax(logits, logProbabilities);
    public void LogSoftmax(ReadOnlySpan<double> logits, Span<double> logProbabilities) => Kernels<double>.LogSoftmax(logits, logProbabilities);

    public float LogSumExp(ReadOnlySpan<float> logits) => Kernels<float>.LogSumExp(logits);
    public double LogSumExp(ReadOnlySpan<double> logits) => Kernels<double>.LogSumExp(logits);

    public float CrossEntropyFromLogits(ReadOnlySpan<float> target, ReadOnlySpan<float> logits) => Kernels<float>.CrossEntropyFromLogits(target, logits);
    public double CrossEntropyFromLogits(ReadOnlySpan<double> target, ReadOnlySpan<double> logits) => Kernels<double>.CrossEntropyFromLogits(target, logits);

    public void CrossEntropyLogitGradient(ReadOnlySpan<float> target, ReadOnlySpan<float> logits, Span<float> gradient) => Kernels<float>.LogitGradient(target, logits, gradient);
    public void CrossEntropyLogitGradient(ReadOnlySpan<double> target, ReadOnlySpan<double> logits, Span<double> gradient) => Kernels<double>.LogitGradient(target, logits, gradient);

    public void CrossEntropyProbabilityGradient(ReadOnlySpan<float> target, ReadOnlySpan<float> probabilities, Span<float> gradient) => Kernels<float>.ProbabilityGradient(target, probabilities, gradient);
    public void CrossEntropyProbabilityGradient(ReadOnlySpan<double> target, ReadOnlySpan<double> probabilities, Span<double> gradient) => Kernels<double>.ProbabilityGradient(target, probabilities, gradient);

    public float ForwardBackward(ReadOnlySpan<float> logits, int classes, ReadOnlySpan<int> targets, int ignoreIndex, LossReduction reduction, Span<float> gradient) =>
        Kernels<float>.ForwardBackward(logits, classes, targets, ignoreIndex, reduction, gradient);
    public double ForwardBackward(ReadOnlySpan<double> logits, int classes, ReadOnlySpan<int> targets, int ignoreIndex, LossReduction reduction, Span<double> gradient) =>
        Kernels<double>.ForwardBackward(logits, classes, targets, ignoreIndex, reduction, gradient);

    public float BinaryCrossEntropyWithLogit(float logit, float target) => Kernels<float>.BinaryCrossEntropy(logit, target);
    public double BinaryCrossEntropyWithLogit(double logit, double target) => Kernels<double>.BinaryCrossEntropy(logit, target);

    public float BinaryCrossEntropyLogitGradient(float logit, float target) => Kernels<float>.BinaryGradient(logit, target);
    public double BinaryCrossEntropyLogitGradient(double logit, double target) => Kernels<double>.BinaryGradient(logit, target);

    public void Forward(ReadOnlySpan<float> x, ReadOnlySpan<float> weights, ReadOnlySpan<float> bias, Span<float> logits) => Kernels<float>.LinearForward(x, weights, bias, logits);
    public void Forward(ReadOnlySpan<double> x, ReadOnlySpan<double> weights, ReadOnlySpan<double> bias, Span<double> logits) => Kernels<double>.LinearForward(x, weights, bias, logits);

    public float LossAndGradients(ReadOnlySpan<float> x, ReadOnlySpan<float> weights, ReadOnlySpan<float> bias, ReadOnlySpan<float> target, Span<float> weightGradient, Span<float> biasGradient) =>
        Kernels<float>.LinearLossAndGradients(x, weights, bias, target, weightGradient, biasGradient);
    public double LossAndGradients(ReadOnlySpan<double> x, ReadOnlySpan<double> weights, ReadOnlySpan<double> bias, ReadOnlySpan<double> target, Span<double> weightGradient, Span<double> biasGradient) =>
        Kernels<double>.LinearLossAndGradients(x, weights, bias, target, weightGradient, biasGradient);
}
