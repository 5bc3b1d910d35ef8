namespace LossConformance;

// The plug-in contract. An implementation under test is any public class with a public
// parameterless constructor that implements one or more of these capability interfaces, for
// float, double or both. The suites run every test whose capabilities it provides and report
// the rest as skipped, naming the missing interface.
//
// Conventions shared by every capability (spec/bad-input.md):
//  * natural logarithm; 0 · ln 0 = 0; +∞ where some pᵢ > 0 meets qᵢ = 0;
//  * matrices are row-major spans;
//  * invalid input throws ArgumentException (ArgumentOutOfRangeException for class indices)
//    naming the parameter, before anything is written to an output span.

/// <summary>Optional: a display name for reports. Without it the type's name is used.</summary>
public interface INamedImplementation
{
    /// <summary>Name shown in test names, failure messages and reports. Unique per run.</summary>
    string Name { get; }
}

/// <summary>Shannon entropy. Spec: spec/entropy.md.</summary>
public interface IEntropy<T>
{
    /// <summary>H(p) = −Σᵢ pᵢ ln pᵢ, with 0 · ln 0 = 0. Spec: <c>ENT-DEF</c>.</summary>
    T Entropy(ReadOnlySpan<T> p);
}

/// <summary>Cross-entropy of two distributions. Spec: spec/cross-entropy.md.</summary>
public interface ICrossEntropy<T>
{
    /// <summary>H(p, q) = −Σᵢ pᵢ ln qᵢ; +∞ where pᵢ &gt; 0 = qᵢ. Spec: <c>XENT-DEF</c>, <c>XENT-SUPPORT</c>.</summary>
    T CrossEntropy(ReadOnlySpan<T> p, ReadOnlySpan<T> q);
}

/// <summary>Kullback–Leibler divergence. Spec: spec/kl-divergence.md.</summary>
public interface IKlDivergence<T>
{
    /// <summary>
    /// D(p ‖ q) = Σᵢ pᵢ ln(pᵢ / qᵢ); +∞ where pᵢ &gt; 0 = qᵢ. Forward KL is D(p ‖ q) with p the
    /// reference; reverse KL is the same function with the arguments swapped, D(q ‖ p).
    /// Spec: <c>KL-DEF</c>.
    /// </summary>
    T KlDivergence(ReadOnlySpan<T> p, ReadOnlySpan<T> q);
}

/// <summary>Softmax and its logarithmic forms. Spec: spec/softmax.md.</summary>
public interface ISoftmax<T>
{
    /// <summary>ŷᵢ = exp(zᵢ − m) / Σⱼ exp(zⱼ − m), m = maxⱼ zⱼ. Spec: <c>SMAX-DEF</c>.</summary>
    void Softmax(ReadOnlySpan<T> logits, Span<T> probabilities);

    /// <summary>ln ŷᵢ = zᵢ − logsumexp(z). Spec: <c>SMAX-LOG</c>.</summary>
    void LogSoftmax(ReadOnlySpan<T> logits, Span<T> logProbabilities);

    /// <summary>logsumexp(z) = m + ln Σⱼ exp(zⱼ − m). Spec: <c>SMAX-LOG</c>.</summary>
    T LogSumExp(ReadOnlySpan<T> logits);
}

/// <summary>The softmax Jacobian. Spec: <c>SMAX-JACOBIAN</c>.</summary>
public interface ISoftmaxJacobian<T>
{
    /// <summary>J = diag(ŷ) − ŷŷᵀ, written row-major: jacobian[i·n + j] = ∂ŷᵢ/∂zⱼ.</summary>
    void SoftmaxJacobian(ReadOnlySpan<T> logits, Span<T> jacobian);
}

/// <summary>Cross-entropy of a target against softmax(logits), with its gradients. Spec: spec/softmax-cross-entropy.md.</summary>
public interface ISoftmaxCrossEntropy<T>
{
    /// <summary>L = −Σᵢ yᵢ ln softmax(z)ᵢ = Σᵢ yᵢ (logsumexp(z) − zᵢ). Spec: <c>XENT-LOGITS</c>.</summary>
    T CrossEntropyFromLogits(ReadOnlySpan<T> target, ReadOnlySpan<T> logits);

    /// <summary>∂L/∂z = (Σᵢ yᵢ) ŷ − y, which is ŷ − y for a distribution y. Spec: <c>GRAD-LOGITS</c>, <c>GRAD-GENERAL</c>.</summary>
    void CrossEntropyLogitGradient(ReadOnlySpan<T> target, ReadOnlySpan<T> logits, Span<T> gradient);

    /// <summary>∂L/∂ŷ = −y / ŷ for L = −Σ yᵢ ln ŷᵢ (−∞ never arises: ŷᵢ = 0 &lt; yᵢ is rejected). Spec: <c>GRAD-PROB</c>.</summary>
    void CrossEntropyProbabilityGradient(ReadOnlySpan<T> target, ReadOnlySpan<T> probabilities, Span<T> gradient);
}

/// <summary>How a batched loss combines its per-token losses.</summary>
public enum LossReduction
{
    /// <summary>Sum over counted tokens divided by their number; 0 when every token is ignored (<c>GRAD-ALL-IGNORED</c>).</summary>
    Mean,
    /// <summary>Sum over counted tokens.</summary>
    Sum,
}

/// <summary>Fused, batched softmax-cross-entropy forward and backward with hard labels. Spec: <c>GRAD-FUSED</c>.</summary>
public interface IBatchedSoftmaxCrossEntropy<T>
{
    /// <summary>
    /// logits is a [rows × classes] row-major matrix; targets[r] ∈ [0, classes) or ignoreIndex.
    /// Returns the reduced loss and writes ∂loss/∂logits into gradient ([rows × classes]):
    /// (ŷᵣ − e_{tᵣ}) / N for Mean (N = counted rows), ŷᵣ − e_{tᵣ} for Sum, 0 for ignored rows.
    /// Spec: <c>GRAD-MEAN</c>, <c>GRAD-IGNORE</c>, <c>GRAD-ALL-IGNORED</c>, <c>GRAD-FUSED</c>.
    /// </summary>
    T ForwardBackward(ReadOnlySpan<T> logits, int classes, ReadOnlySpan<int> targets, int ignoreIndex,
                      LossReduction reduction, Span<T> gradient);
}

/// <summary>
/// Optional, declared by a fused kernel that may overwrite its logits with its gradient (as fused
/// cross-entropy kernels do to halve memory): <see cref="IBatchedSoftmaxCrossEntropy{T}.ForwardBackward"/>
/// then accepts a gradient span that is exactly the logits' memory (same first element, same length),
/// and its results are bit-identical to the out-of-place call. Without it, aliasing is not promised to
/// work. Spec: <c>GRAD-INPLACE</c>.
/// </summary>
public interface IInPlaceBatchedSoftmaxCrossEntropy<T> : IBatchedSoftmaxCrossEntropy<T>;

/// <summary>Binary cross-entropy on a sigmoid output. Spec: <c>GRAD-BINARY</c>.</summary>
public interface IBinaryCrossEntropy<T>
{
    /// <summary>L = −y ln σ(z) − (1 − y) ln(1 − σ(z)), y ∈ [0, 1], computed without forming σ(z).</summary>
    T BinaryCrossEntropyWithLogit(T logit, T target);

    /// <summary>∂L/∂z = σ(z) − y.</summary>
    T BinaryCrossEntropyLogitGradient(T logit, T target);
}

/// <summary>
/// A linear layer followed by softmax-cross-entropy. Shape convention (spec/linear-layer.md,
/// <c>LIN-SHAPE</c>): x ∈ ℝᵐ, W ∈ ℝ^{m×n} row-major (W[i·n + j]), b ∈ ℝⁿ, z = Wᵀx + b ∈ ℝⁿ.
/// </summary>
public interface ILinearLayer<T>
{
    /// <summary>z = Wᵀx + b, i.e. zⱼ = Σᵢ xᵢ Wᵢⱼ + bⱼ. Spec: <c>LIN-SHAPE</c>.</summary>
    void Forward(ReadOnlySpan<T> x, ReadOnlySpan<T> weights, ReadOnlySpan<T> bias, Span<T> logits);

    /// <summary>
    /// L = −Σⱼ yⱼ ln softmax(Wᵀx + b)ⱼ; writes ∂L/∂W = x (ŷ − y)ᵀ ([m × n]) and ∂L/∂b = ŷ − y.
    /// Returns L. Spec: <c>LIN-GRAD-W</c>, <c>LIN-GRAD-B</c>.
    /// </summary>
    T LossAndGradients(ReadOnlySpan<T> x, ReadOnlySpan<T> weights, ReadOnlySpan<T> bias, ReadOnlySpan<T> target,
                       Span<T> weightGradient, Span<T> biasGradient);
}

/// <summary>
/// Teacher-forced sequence loss of a bigram language model (spec/sequence-loss.md): tokens
/// x₀ … x_T with x₀ the start context; zₜ = Wᵀ e_{x_{t−1}} + b (row x_{t−1} of W plus b), W ∈ ℝ^{V×V}.
/// </summary>
public interface ISequenceLoss<T>
{
    /// <summary>
    /// L = −(1/T) Σₜ₌₁..T ln softmax(zₜ)[xₜ] + λ · ½‖W‖²; writes ∂L/∂W and ∂L/∂b. Returns L.
    /// Spec: <c>SEQ-DEF</c>, <c>SEQ-GRAD</c>, <c>SEQ-L2</c>.
    /// </summary>
    T LossAndGradients(ReadOnlySpan<int> tokens, int vocabulary, ReadOnlySpan<T> weights, ReadOnlySpan<T> bias, T lambda,
                       Span<T> weightGradient, Span<T> biasGradient);
}

/// <summary>
/// Optional, declared by an implementation that runs on several threads: it promises results
/// bit-identical for any number of threads (partial results in fixed blocks combined in a fixed
/// order), and the suites check that promise by comparing <see cref="WithThreads"/>(1), (2) and
/// (<see cref="Environment.ProcessorCount"/>).
/// </summary>
public interface IMultithreadedImplementation
{
    /// <summary>The most threads one call may use.</summary>
    int Threads { get; }

    /// <summary>An implementation of the same type and capabilities that uses at most <paramref name="threads"/> threads per call.</summary>
    object WithThreads(int threads);
}

/// <summary>
/// Optional: an implementation that cannot run on every machine (a GPU backend) says why it cannot
/// run on this one. The suites report its cases as skipped with that reason.
/// </summary>
public interface IConditionalImplementation
{
    /// <summary>Why the suites should skip this implementation here, or null to run it.</summary>
    string? ReasonToSkip { get; }
}

/// <summary>
/// Thrown by an implementation that cannot run on this machine at all (a native library that does
/// not load, a device that is not there). The suites report it as the test's failure, as it is,
/// instead of as a violation of the clause under test by a shrunk input.
/// </summary>
public class ImplementationUnavailableException(string message, Exception? innerException = null) : Exception(message, innerException);

/// <summary>
/// Optional: where an implementation knowingly departs from a clause. A listed test still runs.
/// When it fails it is reported as skipped, with the reason, the recorded measurement and this
/// run's observation; a deviation scoped to tagged inputs (<see cref="KnownDeviation.Inputs"/>)
/// excuses only those, and any other failing input fails the test as usual. A listed named case (<see cref="KnownDeviation.Case"/>) must still fail: once
/// it conforms the test fails and asks for the entry to be removed. A generated-input test may pass
/// when a run's inputs miss the deviating region; it then passes and says so in its output.
/// Each entry is a finding for the report, not a tolerance: nothing else about the test changes.
/// </summary>
public interface IKnownDeviations
{
    /// <summary>The entries; empty when the implementation claims full conformance.</summary>
    IReadOnlyList<KnownDeviation> KnownDeviations { get; }
}

/// <summary>One known departure from a clause, seen through one suite test.</summary>
/// <param name="Clause">The clause departed from, e.g. <c>GRAD-ALL-IGNORED</c>.</param>
/// <param name="Test">The suite test's method name, e.g. <c>All_ignored_batches_give_loss_zero_and_gradient_zero</c>.</param>
/// <param name="ElementType">typeof(float) or typeof(double); null for both.</param>
/// <param name="Reason">Why the implementation behaves so (its semantics, its algorithm).</param>
/// <param name="Measured">What was measured, and how, e.g. "loss = NaN where the clause requires 0".</param>
/// <param name="Case">For a test of named cases: the one case that deviates (the others still run); null for the whole test.</param>
/// <param name="Inputs">
/// For a test of generated inputs: the generator's tag of the inputs it shows on (e.g. <c>all ignored</c>,
/// as the test's Classify output prints it). Those inputs are excused; every other input must still
/// conform. Null: any failure of the test is taken for the deviation.
/// </param>
public sealed record KnownDeviation(string Clause, string Test, Type? ElementType, string Reason, string Measured,
                                    string? Case = null, string? Inputs = null);

// ---- The strict accuracy tier (spec/strict-accuracy.md) ----

/// <summary>
/// Optional marker: the implementation asks to be held to the strict accuracy tier
/// (spec/strict-accuracy.md, the <c>STRICT-*</c> clauses) for every capability it provides: relative
/// bounds near zero (log-softmax of the largest entry, a cross-entropy near 0, binary cross-entropy
/// through log1p, KL divergence of nearby distributions) and exact signs (ℓ̂ᵢ ≤ 0, L̂ ≥ 0, D̂ ≥ 0).
/// The baseline tier (spec/accuracy.md) applies to every implementation either way. A strict
/// clause it knowingly misses is declared through <see cref="IKnownDeviations"/>; the report then
/// shows that clause at the baseline tier for it. Without the marker the strict tests are skipped
/// ("does not implement IStrictAccuracy") and the report shows the tier as not claimed.
/// </summary>
public interface IStrictAccuracy;

// ---- Concurrency (spec/kernels.md, KERNEL-CONCURRENT) ----

/// <summary>
/// Optional, declared by an implementation whose calls must not overlap: one instance cannot be called from
/// several threads at once. Without it, an implementation promises that calls made at the same time from any
/// number of threads, on different inputs or on the same input, return what the same calls return one after
/// another, bit for bit, and throw nothing they would not throw alone (spec/kernels.md, <c>KERNEL-CONCURRENT</c>);
/// with it, the suites skip the concurrency tests and give this reason. An implementation that serializes its
/// calls itself (a lock around a device or a child process) is thread-safe and does not declare it.
/// </summary>
public interface INotThreadSafe
{
    /// <summary>Why concurrent calls are not supported, e.g. "one scratch buffer per instance, unsynchronised".</summary>
    string NotThreadSafeReason { get; }
}
