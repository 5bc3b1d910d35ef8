using LossConformance.Reference;

namespace LossConformance.SelfTests.Mutants;

/// <summary>The clauses a deliberately broken implementation must be caught breaking.</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false)]
public sealed class BreaksAttribute(params string[] clauseIds) : Attribute
{
    public IReadOnlyList<string> ClauseIds { get; } = clauseIds;
}

/// <summary>
/// A deliberately broken float64 implementation: the reference in every capability except the
/// one member a subclass overrides with a known mistake. Subclasses carry [Breaks(...)] and a
/// one-line comment on what is wrong; MutantsAreCaught runs every suite test citing a broken
/// clause against them and requires at least one to fail with that clause.
/// </summary>
public abstract class Mutant :
    INamedImplementation,
    IEntropy<double>, ICrossEntropy<double>, IKlDivergence<double>,
    ISoftmax<double>, ISoftmaxJacobian<double>,
    ISoftmaxCrossEntropy<double>, IBatchedSoftmaxCrossEntropy<double>, IBinaryCrossEntropy<double>,
    ILinearLayer<double>, ISequenceLoss<double>
{
    protected static readonly ReferenceImplementation Ref = new();

    public string Name => "Mutant." + GetType().Name;

    public virtual double Entropy(ReadOnlySpan<double> p) => Ref.Entropy(p);
    public virtual double CrossEntropy(ReadOnlySpan<double> p, ReadOnlySpan<double> q) => Ref.CrossEntropy(p, q);
    public virtual double KlDivergence(ReadOnlySpan<double> p, ReadOnlySpan<double> q) => Ref.KlDivergence(p, q);
    public virtual void Softmax(ReadOnlySpan<double> logits, Span<double> probabilities) => Ref.Softmax(logits, probabilities);
    public virtual void LogSoftmax(ReadOnlySpan<double> logits, Span<double> logProbabilities) => Ref.LogSoftmax(logits, logProbabilities);
    public virtual double LogSumExp(ReadOnlySpan<double> logits) => Ref.LogSumExp(logits);
    public virtual void SoftmaxJacobian(ReadOnlySpan<double> logits, Span<double> jacobian) => Ref.SoftmaxJacobian(logits, jacobian);
    public virtual double CrossEntropyFromLogits(ReadOnlySpan<double> target, ReadOnlySpan<double> logits) => Ref.CrossEntropyFromLogits(target, logits);
    public virtual void CrossEntropyLogitGradient(ReadOnlySpan<double> target, ReadOnlySpan<double> logits, Span<double> gradient) => Ref.CrossEntropyLogitGradient(target, logits, gradient);
    public virtual void CrossEntropyProbabilityGradient(ReadOnlySpan<double> target, ReadOnlySpan<double> probabilities, Span<double> gradient) => Ref.CrossEntropyProbabilityGradient(target, probabilities, gradient);
    public virtual double ForwardBackward(ReadOnlySpan<double> logits, int classes, ReadOnlySpan<int> targets, int ignoreIndex, LossReduction reduction, Span<double> gradient) => Ref.ForwardBackward(logits, classes, targets, ignoreIndex, reduction, gradient);
    public virtual double BinaryCrossEntropyWithLogit(double logit, double target) => Ref.BinaryCrossEntropyWithLogit(logit, target);
    public virtual double BinaryCrossEntropyLogitGradient(double logit, double target) => Ref.BinaryCrossEntropyLogitGradient(logit, target);
    public virtual void Forward(ReadOnlySpan<double> x, ReadOnlySpan<double> weights, ReadOnlySpan<double> bias, Span<double> logits) => Ref.Forward(x, weights, bias, logits);
    public virtual double LossAndGradients(ReadOnlySpan<double> x, ReadOnlySpan<double> weights, ReadOnlySpan<double> bias, ReadOnlySpan<double> target, Span<double> weightGradient, Span<double> biasGradient) => Ref.LossAndGradients(x, weights, bias, target, weightGradient, biasGradient);
    public virtual double LossAndGradients(ReadOnlySpan<int> tokens, int vocabulary, ReadOnlySpan<double> weights, ReadOnlySpan<double> bias, double lambda, Span<double> weightGradient, Span<double> biasGradient) => Ref.LossAndGradients(tokens, vocabulary, weights, bias, lambda, weightGradient, biasGradient);
}
