namespace LossConformance.Reference;

/// <summary>
/// The float64 reference, plugged in like any other implementation: every capability is a
/// one-line call to the static method that states its formula.
/// </summary>
public sealed class ReferenceImplementation :
    INamedImplementation, IStrictAccuracy,
    IEntropy<double>, ICrossEntropy<double>, IKlDivergence<double>,
    ISoftmax<double>, ISoftmaxJacobian<double>,
    ISoftmaxCrossEntropy<double>, IBatchedSoftmaxCrossEntropy<double>, IBinaryCrossEntropy<double>,
    IBatchedSoftmaxCrossEntropyWithOptions<double>,
    ILinearLayer<double>, ISequenceLoss<double>,
    ISoftmaxRegression<double>, ISoftmaxRegressionOptimizer<double>
{
    /// <inheritdoc/>
    public string Name => "Reference";

    /// <inheritdoc/>
    public double Entropy(ReadOnlySpan<double> p) => Reference.Entropy.Of(p);

    /// <inheritdoc/>
    public double CrossEntropy(ReadOnlySpan<double> p, ReadOnlySpan<double> q) => Reference.CrossEntropy.Of(p, q);

    /// <inheritdoc/>
    public double KlDivergence(ReadOnlySpan<double> p, ReadOnlySpan<double> q) => Reference.KlDivergence.Forward(p, q);

    /// <inheritdoc/>
    public void Softmax(ReadOnlySpan<double> logits, Span<double> probabilities) => Reference.Softmax.Of(logits, probabilities);

    /// <inheritdoc/>
    public void LogSoftmax(ReadOnlySpan<double> logits, Span<double> logProbabilities) => Reference.Softmax.Log(logits, logProbabilities);

    /// <inheritdoc/>
    public double LogSumExp(ReadOnlySpan<double> logits) => Reference.Softmax.LogSumExp(logits);

    /// <inheritdoc/>
    public void SoftmaxJacobian(ReadOnlySpan<double> logits, Span<double> jacobian) => Reference.Softmax.Jacobian(logits, jacobian);

    /// <inheritdoc/>
    public double CrossEntropyFromLogits(ReadOnlySpan<double> target, ReadOnlySpan<double> logits) =>
        Reference.CrossEntropy.FromLogits(target, logits);

    /// <inheritdoc/>
    public void CrossEntropyLogitGradient(ReadOnlySpan<double> target, ReadOnlySpan<double> logits, Span<double> gradient) =>
        SoftmaxCrossEntropy.LogitGradient(target, logits, gradient);

    /// <inheritdoc/>
    public void CrossEntropyProbabilityGradient(ReadOnlySpan<double> target, ReadOnlySpan<double> probabilities, Span<double> gradient) =>
        SoftmaxCrossEntropy.ProbabilityGradient(target, probabilities, gradient);

    /// <inheritdoc/>
    public double ForwardBackward(ReadOnlySpan<double> logits, int classes, ReadOnlySpan<int> targets, int ignoreIndex,
                                  LossReduction reduction, Span<double> gradient) =>
        SoftmaxCrossEntropy.Batched(logits, classes, targets, ignoreIndex, reduction, gradient);

    /// <inheritdoc/>
    public CrossEntropyResult<double> ForwardBackward(ReadOnlySpan<double> logits, int classes, ReadOnlySpan<int> targets,
                                                      CrossEntropyOptions<double> options, LossReduction reduction, Span<double> gradient) =>
        LossOptions.ForwardBackward(logits, classes, targets, options, reduction, gradient);

    /// <inheritdoc/>
    public void ForwardBackwardPerToken(ReadOnlySpan<double> logits, int classes, ReadOnlySpan<int> targets,
                                        CrossEntropyOptions<double> options, ReadOnlySpan<double> upstream,
                                        Span<double> losses, Span<double> gradient) =>
        LossOptions.ForwardBackwardPerToken(logits, classes, targets, options, upstream, losses, gradient);

    /// <inheritdoc/>
    public double BinaryCrossEntropyWithLogit(double logit, double target) => SoftmaxCrossEntropy.BinaryWithLogit(logit, target);

    /// <inheritdoc/>
    public double BinaryCrossEntropyLogitGradient(double logit, double target) => SoftmaxCrossEntropy.BinaryLogitGradient(logit, target);

    /// <inheritdoc/>
    public void Forward(ReadOnlySpan<double> x, ReadOnlySpan<double> weights, ReadOnlySpan<double> bias, Span<double> logits) =>
        LinearLayer.Forward(x, weights, bias, logits);

    /// <inheritdoc/>
    public double LossAndGradients(ReadOnlySpan<double> x, ReadOnlySpan<double> weights, ReadOnlySpan<double> bias,
                                   ReadOnlySpan<double> target, Span<double> weightGradient, Span<double> biasGradient) =>
        LinearLayer.LossAndGradients(x, weights, bias, target, weightGradient, biasGradient);

    /// <inheritdoc/>
    public double LossAndGradients(ReadOnlySpan<int> tokens, int vocabulary, ReadOnlySpan<double> weights, ReadOnlySpan<double> bias,
                                   double lambda, Span<double> weightGradient, Span<double> biasGradient) =>
        SequenceLoss.LossAndGradients(tokens, vocabulary, weights, bias, lambda, weightGradient, biasGradient);

    /// <inheritdoc/>
    public double LossAndGradient(SoftmaxRegressionProblem<double> problem, ReadOnlySpan<double> weights, Span<double> gradient) =>
        SoftmaxRegression.LossAndGradient(problem, weights, gradient);

    /// <inheritdoc/>
    public void Hessian(SoftmaxRegressionProblem<double> problem, ReadOnlySpan<double> weights, Span<double> hessian) =>
        SoftmaxRegression.Hessian(problem, weights, hessian);

    /// <inheritdoc/>
    public void HessianVectorProduct(SoftmaxRegressionProblem<double> problem, ReadOnlySpan<double> weights, ReadOnlySpan<double> direction, Span<double> product) =>
        SoftmaxRegression.HessianVectorProduct(problem, weights, direction, product);

    /// <inheritdoc/>
    public double GradientDescentStep(SoftmaxRegressionProblem<double> problem, ReadOnlySpan<double> weights, double stepSize, Span<double> next) =>
        SoftmaxRegression.GradientDescentStep(problem, weights, stepSize, next);

    /// <inheritdoc/>
    public double NewtonStep(SoftmaxRegressionProblem<double> problem, ReadOnlySpan<double> weights, Span<double> next) =>
        SoftmaxRegression.NewtonStep(problem, weights, next);
}
