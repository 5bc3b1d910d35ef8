using System.Numerics;
using LossConformance.Kit;
using Xunit.Abstractions;

namespace LossConformance.Conformance;

/// <summary>
/// spec/bad-input.md: every capability method × every input rule that applies to it, as named
/// cases. Each case starts from a valid call and changes one thing; a rejected call must throw
/// <see cref="ArgumentException"/> (<see cref="ArgumentOutOfRangeException"/> for class indices)
/// whose ParamName is a parameter of the method that the defect concerns (nameof the interface's
/// parameter), and must leave every output span as it was (<c>INPUT-NO-WRITE</c>: outputs are
/// filled with a sentinel before the call). Inputs the rules accept (Σp just inside τ(n), target
/// weights of any mass, the ignore index) must not throw.
/// </summary>
public abstract class BadInputConformance<T>(ITestOutputHelper output, params object[] implementations)
    : Suite<T>(output, implementations) where T : unmanaged, IFloatingPointIeee754<T>
{
    // ------------------------------------------------------------------ INPUT-NAN

    [ForEachImplementation, Spec("INPUT-NAN"), Requires(typeof(IEntropy<>))]
    public void Entropy_rejects_NaN_and_infinities(string implementation) => Run(implementation, NonFinite(Entropy));

    [ForEachImplementation, Spec("INPUT-NAN"), Requires(typeof(ICrossEntropy<>))]
    public void Cross_entropy_rejects_NaN_and_infinities(string implementation) => Run(implementation, NonFinite(CrossEntropy));

    [ForEachImplementation, Spec("INPUT-NAN"), Requires(typeof(IKlDivergence<>))]
    public void Kl_divergence_rejects_NaN_and_infinities(string implementation) => Run(implementation, NonFinite(KlDivergence));

    [ForEachImplementation, Spec("INPUT-NAN"), Requires(typeof(ISoftmax<>))]
    public void Softmax_rejects_NaN_and_infinities(string implementation) => Run(implementation, NonFinite(Softmax));

    [ForEachImplementation, Spec("INPUT-NAN"), Requires(typeof(ISoftmaxJacobian<>))]
    public void Jacobian_rejects_NaN_and_infinities(string implementation) => Run(implementation, NonFinite(Jacobian));

    [ForEachImplementation, Spec("INPUT-NAN"), Requires(typeof(ISoftmaxCrossEntropy<>))]
    public void Softmax_cross_entropy_rejects_NaN_and_infinities(string implementation) => Run(implementation, NonFinite(SoftmaxCrossEntropy));

    [ForEachImplementation, Spec("INPUT-NAN"), Requires(typeof(IBatchedSoftmaxCrossEntropy<>))]
    public void Batched_kernel_rejects_NaN_and_infinities(string implementation) => Run(implementation, NonFinite(Batched));

    [ForEachImplementation, Spec("INPUT-NAN"), Requires(typeof(IBinaryCrossEntropy<>))]
    public void Binary_cross_entropy_rejects_NaN_and_infinities(string implementation) => Run(implementation, NonFinite(Binary));

    [ForEachImplementation, Spec("INPUT-NAN"), Requires(typeof(ILinearLayer<>))]
    public void Linear_layer_rejects_NaN_and_infinities(string implementation) => Run(implementation, NonFinite(Linear));

    [ForEachImplementation, Spec("INPUT-NAN"), Requires(typeof(ISequenceLoss<>))]
    public void Sequence_loss_rejects_NaN_and_infinities(string implementation) => Run(implementation, NonFinite(Sequence));

    // ------------------------------------------------------------------ INPUT-PROB

    [ForEachImplementation, Spec("INPUT-PROB"), Requires(typeof(IEntropy<>))]
    public void Entropy_rejects_what_is_not_a_distribution(string implementation) => Run(implementation, Probabilities(Entropy));

    [ForEachImplementation, Spec("INPUT-PROB"), Requires(typeof(ICrossEntropy<>))]
    public void Cross_entropy_rejects_what_is_not_a_distribution(string implementation) => Run(implementation, Probabilities(CrossEntropy));

    [ForEachImplementation, Spec("INPUT-PROB"), Requires(typeof(IKlDivergence<>))]
    public void Kl_divergence_rejects_what_is_not_a_distribution(string implementation) => Run(implementation, Probabilities(KlDivergence));

    [ForEachImplementation, Spec("INPUT-PROB"), Requires(typeof(ISoftmaxCrossEntropy<>))]
    public void Softmax_cross_entropy_rejects_negative_targets_and_bad_probabilities(string implementation) =>
        Run(implementation, Probabilities(SoftmaxCrossEntropy));

    [ForEachImplementation, Spec("INPUT-PROB"), Requires(typeof(IBinaryCrossEntropy<>))]
    public void Binary_cross_entropy_rejects_targets_outside_0_1(string implementation) => Run(implementation, Probabilities(Binary));

    [ForEachImplementation, Spec("INPUT-PROB"), Requires(typeof(ILinearLayer<>))]
    public void Linear_layer_rejects_targets_that_are_not_distributions(string implementation) => Run(implementation, Probabilities(Linear));

    // ------------------------------------------------------------------ INPUT-LENGTH

    [ForEachImplementation, Spec("INPUT-LENGTH"), Requires(typeof(ICrossEntropy<>))]
    public void Cross_entropy_rejects_length_mismatches(string implementation) => Run(implementation, Lengths(CrossEntropy));

    [ForEachImplementation, Spec("INPUT-LENGTH"), Requires(typeof(IKlDivergence<>))]
    public void Kl_divergence_rejects_length_mismatches(string implementation) => Run(implementation, Lengths(KlDivergence));

    [ForEachImplementation, Spec("INPUT-LENGTH"), Requires(typeof(ISoftmax<>))]
    public void Softmax_rejects_length_mismatches(string implementation) => Run(implementation, Lengths(Softmax));

    [ForEachImplementation, Spec("INPUT-LENGTH"), Requires(typeof(ISoftmaxJacobian<>))]
    public void Jacobian_rejects_length_mismatches(string implementation) => Run(implementation, Lengths(Jacobian));

    [ForEachImplementation, Spec("INPUT-LENGTH"), Requires(typeof(ISoftmaxCrossEntropy<>))]
    public void Softmax_cross_entropy_rejects_length_mismatches(string implementation) => Run(implementation, Lengths(SoftmaxCrossEntropy));

    [ForEachImplementation, Spec("INPUT-LENGTH"), Requires(typeof(IBatchedSoftmaxCrossEntropy<>))]
    public void Batched_kernel_rejects_length_mismatches(string implementation) => Run(implementation, Lengths(Batched));

    [ForEachImplementation, Spec("INPUT-LENGTH"), Requires(typeof(ILinearLayer<>))]
    public void Linear_layer_rejects_length_mismatches(string implementation) => Run(implementation, Lengths(Linear));

    [ForEachImplementation, Spec("INPUT-LENGTH"), Requires(typeof(ISequenceLoss<>))]
    public void Sequence_loss_rejects_length_mismatches(string implementation) => Run(implementation, Lengths(Sequence));

    // ------------------------------------------------------------------ INPUT-EMPTY

    [ForEachImplementation, Spec("INPUT-EMPTY"), Requires(typeof(IEntropy<>))]
    public void Entropy_rejects_empty_input(string implementation) => Run(implementation, Empty(Entropy));

    [ForEachImplementation, Spec("INPUT-EMPTY"), Requires(typeof(ICrossEntropy<>))]
    public void Cross_entropy_rejects_empty_input(string implementation) => Run(implementation, Empty(CrossEntropy));

    [ForEachImplementation, Spec("INPUT-EMPTY"), Requires(typeof(IKlDivergence<>))]
    public void Kl_divergence_rejects_empty_input(string implementation) => Run(implementation, Empty(KlDivergence));

    [ForEachImplementation, Spec("INPUT-EMPTY"), Requires(typeof(ISoftmax<>))]
    public void Softmax_rejects_empty_input(string implementation) => Run(implementation, Empty(Softmax));

    [ForEachImplementation, Spec("INPUT-EMPTY"), Requires(typeof(ISoftmaxJacobian<>))]
    public void Jacobian_rejects_empty_input(string implementation) => Run(implementation, Empty(Jacobian));

    [ForEachImplementation, Spec("INPUT-EMPTY"), Requires(typeof(ISoftmaxCrossEntropy<>))]
    public void Softmax_cross_entropy_rejects_empty_input(string implementation) => Run(implementation, Empty(SoftmaxCrossEntropy));

    [ForEachImplementation, Spec("INPUT-EMPTY"), Requires(typeof(IBatchedSoftmaxCrossEntropy<>))]
    public void Batched_kernel_rejects_empty_input_and_non_positive_classes(string implementation) => Run(implementation, Empty(Batched));

    [ForEachImplementation, Spec("INPUT-EMPTY"), Requires(typeof(ILinearLayer<>))]
    public void Linear_layer_rejects_empty_dimensions(string implementation) => Run(implementation, Empty(Linear));

    [ForEachImplementation, Spec("INPUT-EMPTY"), Requires(typeof(ISequenceLoss<>))]
    public void Sequence_loss_rejects_empty_sequences_and_non_positive_vocabulary(string implementation) => Run(implementation, Empty(Sequence));

    // ------------------------------------------------------------------ INPUT-TARGET

    [ForEachImplementation, Spec("INPUT-TARGET"), Requires(typeof(IBatchedSoftmaxCrossEntropy<>))]
    public void Batched_kernel_rejects_class_indices_out_of_range(string implementation) => Run(implementation, Indices(Batched));

    [ForEachImplementation, Spec("INPUT-TARGET"), Requires(typeof(ISequenceLoss<>))]
    public void Sequence_loss_rejects_tokens_out_of_range(string implementation) => Run(implementation, Indices(Sequence));

    // ------------------------------------------------------------------ GRAD-PROB domain

    /// <summary>ŷᵢ = 0 &lt; yᵢ: the loss is +∞ and ∂L/∂ŷ = −∞, which the contract rejects rather than returns.</summary>
    [ForEachImplementation, Spec("GRAD-PROB"), Requires(typeof(ISoftmaxCrossEntropy<>))]
    public void Probability_gradient_rejects_zero_probability_under_positive_target(string implementation) =>
        Run(implementation, SoftmaxCrossEntropy.SelectMany(c => c.Others.Select(o => Case(c, "zero probability under a positive target", o.Label, o.Changes, o.Rejects, o.Blame))));

    // ------------------------------------------------------------------ INPUT-NO-WRITE

    [ForEachImplementation, Spec("INPUT-NO-WRITE"), Requires(typeof(ISoftmax<>))]
    public void Softmax_writes_nothing_when_it_rejects(string implementation) => RunNoWrite(implementation, Softmax);

    [ForEachImplementation, Spec("INPUT-NO-WRITE"), Requires(typeof(ISoftmaxJacobian<>))]
    public void Jacobian_writes_nothing_when_it_rejects(string implementation) => RunNoWrite(implementation, Jacobian);

    [ForEachImplementation, Spec("INPUT-NO-WRITE"), Requires(typeof(ISoftmaxCrossEntropy<>))]
    public void Softmax_cross_entropy_writes_nothing_when_it_rejects(string implementation) => RunNoWrite(implementation, SoftmaxCrossEntropy);

    [ForEachImplementation, Spec("INPUT-NO-WRITE"), Requires(typeof(IBatchedSoftmaxCrossEntropy<>))]
    public void Batched_kernel_writes_nothing_when_it_rejects(string implementation) => RunNoWrite(implementation, Batched);

    /// <summary>
    /// A non-finite logit in a batch large enough that a multithreaded kernel scans it in parallel
    /// (16 × 32 000 logits; Optimized-CPU scans 2¹⁶ a work item): NaN, +∞ and −∞ at the first entry, inside a
    /// late block, and the last, one at a time. The call must throw ArgumentException naming <c>logits</c>
    /// (spec/bad-input.md; SelfTests' OptimizedCpuInputRules checks that Optimized-CPU's message is
    /// InputRules' own, naming the first offending index), and nothing may be written: the
    /// gradient keeps its sentinel and, for a kernel that declares in-place support, an in-place call leaves
    /// the logits as they were (the scan must finish before the first row is overwritten).
    /// </summary>
    [ForEachImplementation, Spec("INPUT-NAN", "INPUT-NO-WRITE"), Requires(typeof(IBatchedSoftmaxCrossEntropy<>))]
    public void Batched_kernel_rejects_a_non_finite_logit_in_a_large_batch_before_writing(string implementation)
    {
        const int rows = 16, classes = 32_000;
        var targets = Enumerable.Range(0, rows).Select(r => (r * 7919) % classes).ToArray();
        var clean = new T[rows * classes];
        for (int i = 0; i < clean.Length; i++) clean[i] = Fp<T>.From(((i * 2654435761L) % 2001 - 1000) / 100.0);
        foreach (var (label, bad) in new[] { ("NaN", T.NaN), ("+∞", T.PositiveInfinity), ("−∞", T.NegativeInfinity) })
            foreach (int at in new[] { 0, 5 * 65_536 + 3, clean.Length - 1 })
                Expect(implementation, $"logits[{at}] = {label} of {rows}×{classes}", impl =>
                {
                    var logits = (T[])clean.Clone();
                    logits[at] = bad;
                    var kernel = impl.As<IBatchedSoftmaxCrossEntropy<T>>();
                    var gradient = Agreement.Filled<T>(logits.Length, Agreement.Sentinel);
                    var outOfPlace = Rejection(() => kernel.ForwardBackward(logits, classes, targets, Ignore, LossReduction.Mean, gradient));
                    if (outOfPlace is not null) return Verdict.That(false, outOfPlace);
                    int written = Array.FindIndex(gradient, g => g != Fp<T>.From(Agreement.Sentinel));
                    if (written >= 0) return Verdict.That(false, $"rejected, but wrote gradient[{written}] = {gradient[written]} first");
                    if (impl.Instance is not IInPlaceBatchedSoftmaxCrossEntropy<T>)
                        return Verdict.That(true, "rejected (ParamName logits); the gradient untouched");
                    var shared = (T[])logits.Clone();
                    var inPlace = Rejection(() => impl.As<IInPlaceBatchedSoftmaxCrossEntropy<T>>().ForwardBackward(shared, classes, targets, Ignore, LossReduction.Mean, shared));
                    if (inPlace is not null) return Verdict.That(false, "in place: " + inPlace);
                    for (int i = 0; i < shared.Length; i++)
                        if (!shared[i].Equals(logits[i]))
                            return Verdict.That(false, $"in place: rejected, but logits[{i}] (row {i / classes}) was overwritten with {shared[i]} first");
                    return Verdict.That(true, "rejected (ParamName logits) out of place and in place; nothing written");
                });

        static string? Rejection(Action call)
        {
            try { call(); }
            catch (ArgumentException e)
            {
                return e.ParamName == "logits" ? null : $"threw {e.GetType().Name} naming {e.ParamName ?? "no parameter"} ({e.Message}); expected one naming logits";
            }
            catch (Exception e) { return $"threw {e.GetType().Name}: {e.Message}; expected ArgumentException naming logits"; }
            return "accepted it; expected ArgumentException naming logits";
        }
    }

    [ForEachImplementation, Spec("INPUT-NO-WRITE"), Requires(typeof(ILinearLayer<>))]
    public void Linear_layer_writes_nothing_when_it_rejects(string implementation) => RunNoWrite(implementation, Linear);

    [ForEachImplementation, Spec("INPUT-NO-WRITE"), Requires(typeof(ISequenceLoss<>))]
    public void Sequence_loss_writes_nothing_when_it_rejects(string implementation) => RunNoWrite(implementation, Sequence);

    [ForEachImplementation, Spec("INPUT-PROB"), Requires(typeof(ISequenceLoss<>))]
    public void Sequence_loss_rejects_a_negative_lambda(string implementation) => Run(implementation, Probabilities(Sequence));

    // ------------------------------------------------------------------ INPUT-TARGET: undefined reductions, an ignore index that is a class

    [ForEachImplementation, Spec("INPUT-TARGET"), Requires(typeof(IBatchedSoftmaxCrossEntropy<>))]
    public void Batched_kernel_rejects_undefined_reductions(string implementation) =>
        Run(implementation, Batched.SelectMany(c => c.Reductions.Select(e => Case(c, "undefined enum", e.Label, e.Changes, typeof(ArgumentOutOfRangeException), ["reduction"]))));

    /// <summary>
    /// An ignore index inside [0, classes) is valid (spec/bad-input.md, <c>INPUT-TARGET</c>): the rows whose target is
    /// that class are ignored. With ignoreIndex = 2 and targets [2, 1], row 0 is ignored: its gradient is exactly 0,
    /// and loss and gradient are those of targets [−100, 1] with ignoreIndex = −100 (within 8u, both reductions).
    /// </summary>
    [ForEachImplementation, Spec("INPUT-TARGET", "GRAD-IGNORE"), Requires(typeof(IBatchedSoftmaxCrossEntropy<>))]
    public void Batched_kernel_ignores_an_ignore_index_that_is_a_class(string implementation)
    {
        foreach (var reduction in new[] { LossReduction.Mean, LossReduction.Sum })
            Expect(implementation, $"ignoreIndex = 2, targets = [2, 1], {reduction}", impl =>
            {
                var kernel = impl.As<IBatchedSoftmaxCrossEntropy<T>>();
                T[] logits = V([.. Z, .. Z.Reverse()]);
                var asClass = new T[2 * N];
                var asIgnore = new T[2 * N];
                T lossAsClass = kernel.ForwardBackward(logits, N, [2, 1], 2, reduction, asClass);
                T lossAsIgnore = kernel.ForwardBackward(logits, N, [Ignore, 1], Ignore, reduction, asIgnore);
                for (int j = 0; j < N; j++)
                    if (asClass[j] != T.Zero)
                        return Verdict.That(false, $"gradient[{j}] = {asClass[j]} in the ignored row 0 (its target 2 is the ignore index); expected 0");
                double bound = 8 * U;
                if (!Close(lossAsClass, lossAsIgnore, bound))
                    return Verdict.That(false, $"loss = {lossAsClass} with ignoreIndex = 2, but {lossAsIgnore} with row 0 ignored through −100");
                for (int j = 0; j < 2 * N; j++)
                    if (!Close(asClass[j], asIgnore[j], bound))
                        return Verdict.That(false, $"gradient[{j}] = {asClass[j]} with ignoreIndex = 2, but {asIgnore[j]} with row 0 ignored through −100");
                return Verdict.That(true, $"row 0 ignored: loss {lossAsClass}, its gradient row 0");
            });
    }

    private static bool Close(T a, T b, double relative) =>
        Math.Abs(Fp<T>.ToDouble(a) - Fp<T>.ToDouble(b)) <= relative * Math.Max(1, Math.Abs(Fp<T>.ToDouble(b)));

    // ------------------------------------------------------------------ INPUT-OVERLAP

    [ForEachImplementation, Spec("INPUT-OVERLAP"), Requires(typeof(ISoftmax<>))]
    public void Softmax_rejects_outputs_that_overlap_inputs(string implementation) => Run(implementation, Overlaps(Softmax));

    [ForEachImplementation, Spec("INPUT-OVERLAP"), Requires(typeof(ISoftmaxJacobian<>))]
    public void Jacobian_rejects_outputs_that_overlap_inputs(string implementation) => Run(implementation, Overlaps(Jacobian));

    [ForEachImplementation, Spec("INPUT-OVERLAP"), Requires(typeof(ISoftmaxCrossEntropy<>))]
    public void Softmax_cross_entropy_rejects_outputs_that_overlap_inputs(string implementation) => Run(implementation, Overlaps(SoftmaxCrossEntropy));

    [ForEachImplementation, Spec("INPUT-OVERLAP"), Requires(typeof(IBatchedSoftmaxCrossEntropy<>))]
    public void Batched_kernel_rejects_outputs_that_overlap_inputs(string implementation) => Run(implementation, Overlaps(Batched));

    [ForEachImplementation, Spec("INPUT-OVERLAP"), Requires(typeof(ILinearLayer<>))]
    public void Linear_layer_rejects_outputs_that_overlap_inputs(string implementation) => Run(implementation, Overlaps(Linear));

    [ForEachImplementation, Spec("INPUT-OVERLAP"), Requires(typeof(ISequenceLoss<>))]
    public void Sequence_loss_rejects_outputs_that_overlap_inputs(string implementation) => Run(implementation, Overlaps(Sequence));

    // ------------------------------------------------------------------ INPUT-LENGTH: products past int.MaxValue

    [ForEachImplementation, Spec("INPUT-LENGTH"), Requires(typeof(ISoftmaxJacobian<>))]
    public void Jacobian_rejects_sizes_whose_product_overflows_int(string implementation) => Run(implementation, Overflows(Jacobian));

    [ForEachImplementation, Spec("INPUT-LENGTH"), Requires(typeof(IBatchedSoftmaxCrossEntropy<>))]
    public void Batched_kernel_rejects_sizes_whose_product_overflows_int(string implementation) => Run(implementation, Overflows(Batched));

    [ForEachImplementation, Spec("INPUT-LENGTH"), Requires(typeof(ILinearLayer<>))]
    public void Linear_layer_rejects_sizes_whose_product_overflows_int(string implementation) => Run(implementation, Overflows(Linear));

    [ForEachImplementation, Spec("INPUT-LENGTH"), Requires(typeof(ISequenceLoss<>))]
    public void Sequence_loss_rejects_sizes_whose_product_overflows_int(string implementation) => Run(implementation, Overflows(Sequence));

    [ForEachImplementation, Spec("INPUT-NAN"), Requires(typeof(ILinearLayer<>))]
    public void Linear_layer_rejects_finite_inputs_whose_logits_overflow(string implementation) => Run(implementation, LogitOverflows(Linear));

    [ForEachImplementation, Spec("INPUT-NAN"), Requires(typeof(ISequenceLoss<>))]
    public void Sequence_loss_rejects_finite_inputs_whose_logits_overflow(string implementation) => Run(implementation, LogitOverflows(Sequence));

    // ------------------------------------------------------------------ INPUT-ACCEPT: −0 and subnormals

    [ForEachImplementation, Spec("INPUT-ACCEPT", "SMAX-LARGE"), Requires(typeof(ISoftmaxCrossEntropy<>))]
    public void Softmax_cross_entropy_accepts_the_largest_finite_logits(string implementation) => Run(implementation, Edges(SoftmaxCrossEntropy));

    [ForEachImplementation, Spec("INPUT-ACCEPT", "SEQ-L2"), Requires(typeof(ISequenceLoss<>))]
    public void Sequence_loss_without_the_L2_term_accepts_weights_whose_squared_norm_overflows(string implementation) => Run(implementation, Edges(Sequence));

    [ForEachImplementation, Spec("INPUT-ACCEPT"), Requires(typeof(ISoftmax<>))]
    public void Softmax_accepts_one_entry_and_the_largest_finite_logits(string implementation) => Run(implementation, Edges(Softmax));

    [ForEachImplementation, Spec("INPUT-ACCEPT"), Requires(typeof(ISoftmaxJacobian<>))]
    public void Jacobian_accepts_one_entry_and_the_largest_finite_logits(string implementation) => Run(implementation, Edges(Jacobian));

    [ForEachImplementation, Spec("INPUT-ACCEPT"), Requires(typeof(IBinaryCrossEntropy<>))]
    public void Binary_cross_entropy_accepts_the_largest_finite_logits(string implementation) => Run(implementation, Edges(Binary));

    [ForEachImplementation, Spec("INPUT-ACCEPT"), Requires(typeof(IEntropy<>))]
    public void Entropy_accepts_signed_zeros_and_subnormals(string implementation) => RunAccepts(implementation, Entropy);

    [ForEachImplementation, Spec("INPUT-ACCEPT"), Requires(typeof(ICrossEntropy<>))]
    public void Cross_entropy_accepts_signed_zeros_and_subnormals(string implementation) => RunAccepts(implementation, CrossEntropy);

    [ForEachImplementation, Spec("INPUT-ACCEPT"), Requires(typeof(IKlDivergence<>))]
    public void Kl_divergence_accepts_signed_zeros_and_subnormals(string implementation) => RunAccepts(implementation, KlDivergence);

    [ForEachImplementation, Spec("INPUT-ACCEPT"), Requires(typeof(ISoftmax<>))]
    public void Softmax_accepts_signed_zeros_and_subnormals(string implementation) => RunAccepts(implementation, Softmax);

    [ForEachImplementation, Spec("INPUT-ACCEPT"), Requires(typeof(ISoftmaxJacobian<>))]
    public void Jacobian_accepts_signed_zeros_and_subnormals(string implementation) => RunAccepts(implementation, Jacobian);

    [ForEachImplementation, Spec("INPUT-ACCEPT"), Requires(typeof(ISoftmaxCrossEntropy<>))]
    public void Softmax_cross_entropy_accepts_signed_zeros_and_subnormals(string implementation) => RunAccepts(implementation, SoftmaxCrossEntropy);

    [ForEachImplementation, Spec("INPUT-ACCEPT"), Requires(typeof(IBatchedSoftmaxCrossEntropy<>))]
    public void Batched_kernel_accepts_signed_zeros_and_subnormals(string implementation) => RunAccepts(implementation, Batched);

    [ForEachImplementation, Spec("INPUT-ACCEPT"), Requires(typeof(IBinaryCrossEntropy<>))]
    public void Binary_cross_entropy_accepts_signed_zeros_and_subnormals(string implementation) => RunAccepts(implementation, Binary);

    [ForEachImplementation, Spec("INPUT-ACCEPT"), Requires(typeof(ILinearLayer<>))]
    public void Linear_layer_accepts_signed_zeros_and_subnormals(string implementation) => RunAccepts(implementation, Linear);

    [ForEachImplementation, Spec("INPUT-ACCEPT"), Requires(typeof(ISequenceLoss<>))]
    public void Sequence_loss_accepts_signed_zeros_and_subnormals(string implementation) => RunAccepts(implementation, Sequence);

    // ================================================================== the calls

    /// <summary>
    /// One capability method on valid arguments (by the interface's parameter names), which of them
    /// are outputs, and the facts the rules need: which inputs are distributions, target weights or
    /// a probability; which lengths depend on which parameters; the method's own empty and index cases.
    /// </summary>
    private sealed class Call
    {
        public required string Method { get; init; }
        public required Func<ImplementationUnderTest, Args, object?> Invoke { get; init; }
        public required Args Valid { get; init; }
        public string[] Outputs { get; init; } = [];
        public string[] Distributions { get; init; } = [];
        public string[] Weights { get; init; } = [];
        public string[] UnitScalars { get; init; } = [];

        /// <summary>A parameter whose length is tied to others, the parameters a mismatch may be blamed on, and the size of the change.</summary>
        public (string Param, string[] Blame, int Step)[] Lengths { get; init; } = [];

        public (string Label, Args Changes, string[] Blame)[] Empty { get; init; } = [];

        /// <summary>Index cases; Blame empty means the rules accept the call.</summary>
        public (string Label, Args Changes, string[] Blame)[] Indices { get; init; } = [];

        public (string Label, Args Changes, Type Rejects, string[] Blame)[] Others { get; init; } = [];

        /// <summary>Scalars that must be finite and ≥ 0 (λ).</summary>
        public string[] NonNegativeScalars { get; init; } = [];

        /// <summary>Undefined enum values (ArgumentOutOfRangeException naming <c>reduction</c>).</summary>
        public (string Label, Args Changes)[] Reductions { get; init; } = [];

        /// <summary>Accepted calls on one entry (n = 1).</summary>
        public (string Label, Args Changes)[] Singles { get; init; } = [];

        /// <summary>Logit parameters (vector or scalar) that take the largest finite values.</summary>
        public string[] LargeLogits { get; init; } = [];

        /// <summary>Sizes whose product wraps around int (m = n = 65537: m·n ≡ 131073 mod 2³²), with a span of the wrapped length.</summary>
        public (string Label, Args Changes, string[] Blame)[] Overflow { get; init; } = [];

        /// <summary>Finite inputs whose computed logits (Wᵀx + b, W[x, :] + b) overflow to ±∞: rejected, naming the parameters listed (INPUT-NAN).</summary>
        public (string Label, Args Changes, string[] Blame)[] LogitOverflow { get; init; } = [];

        /// <summary>Other accepted edge inputs whose result is finite (e.g. λ = 0 with ‖W‖² past the range).</summary>
        public (string Label, Args Changes)[] FiniteEdges { get; init; } = [];
    }

    /// <summary>
    /// Two spans of one call placed in one buffer: <c>Second</c> starts <c>Shift</c> elements after <c>First</c>
    /// (negative: before), so that they partly overlap. Built by <see cref="Prepared"/>.
    /// </summary>
    private sealed record Overlap(string First, string Second, int Shift);

    private const string OverlapKey = "\0overlap";

    private sealed class Args : Dictionary<string, object>
    {
        public Args() : base(StringComparer.Ordinal) { }

        /// <summary>A vector argument: an array, or (for overlap cases) a segment of a shared buffer.</summary>
        public ArraySegment<T> V(string name) => this[name] switch
        {
            T[] a => a,
            ArraySegment<T> segment => segment,
            var other => throw new InvalidOperationException($"{name} is a {other.GetType().Name}, not a vector"),
        };
        public int[] I(string name) => (int[])this[name];
        public int N(string name) => (int)this[name];
        public T S(string name) => (T)this[name];

        /// <summary>A deep copy, with <paramref name="changes"/> applied.</summary>
        public Args With(Args? changes = null)
        {
            var copy = new Args();
            foreach (var (k, v) in this) copy[k] = Clone(v);
            if (changes is not null) foreach (var (k, v) in changes) copy[k] = Clone(v);
            return copy;
        }

        private static object Clone(object v) => v switch { T[] a => a.ToArray(), int[] a => a.ToArray(), _ => v };
    }

    /// <summary>A named case: the call, its arguments, and the exception type expected with the parameters it may name (null: accepted).</summary>
    private sealed record BadCase(string Name, string Kind, Call Call, Args Args, Type? Rejects, string[] Blame);

    private const int N = 6;

    private static T[] V(params double[] values) => Fp<T>.From(values);
    private static T[] Out(int n) => new T[n];
    private static T[] Largest(int n) => Enumerable.Repeat(T.BitDecrement(T.PositiveInfinity), n).ToArray();
    /// <summary>n entries whose squares overflow while the entries themselves, as logits, are harmless: 1e20 in float, 1e200 in double.</summary>
    private static T[] Huge(int n) => Enumerable.Repeat(T.CreateTruncating(typeof(T) == typeof(float) ? 1e20 : 1e200), n).ToArray();

    private static Func<ImplementationUnderTest, Args, object?> Void(Action<ImplementationUnderTest, Args> call) => (impl, a) => { call(impl, a); return null; };

    private static T[] OneHot(int n, int at)
    {
        var v = new T[n];
        v[at] = T.One;
        return v;
    }

    // Valid inputs of length n = 6: p with zeros (so that dropping its last entry keeps it a distribution), q positive, y one-hot, z mixed.
    private static readonly double[] P = [0.5, 0.25, 0.125, 0.125, 0, 0];
    private static readonly double[] Q = [0.25, 0.25, 0.25, 0.125, 0.0625, 0.0625];
    private static readonly double[] Y = [0, 1, 0, 0, 0, 0];
    private static readonly double[] Z = [1, -2, 0.5, 3, 0, -1];

    private static readonly Call[] Entropy =
    [
        new()
        {
            Method = "Entropy(p)", Invoke = (impl, a) => impl.As<IEntropy<T>>().Entropy(a.V("p")),
            Valid = new() { ["p"] = V(P) }, Distributions = ["p"],
            Empty = [("p = []", new() { ["p"] = V() }, ["p"])],
        },
    ];

    private static readonly Call[] CrossEntropy = [PairCall("CrossEntropy(p, q)", (impl, a) => impl.As<ICrossEntropy<T>>().CrossEntropy(a.V("p"), a.V("q")))];

    private static readonly Call[] KlDivergence = [PairCall("KlDivergence(p, q)", (impl, a) => impl.As<IKlDivergence<T>>().KlDivergence(a.V("p"), a.V("q")))];

    private static Call PairCall(string method, Func<ImplementationUnderTest, Args, object?> invoke) => new()
    {
        Method = method, Invoke = invoke,
        Valid = new() { ["p"] = V(P), ["q"] = V(Q) }, Distributions = ["p", "q"],
        Lengths = [("p", ["p", "q"], 1), ("q", ["p", "q"], 1)],
        Empty = [("p = q = []", new() { ["p"] = V(), ["q"] = V() }, ["p", "q"])],
    };

    private static readonly Call[] Softmax =
    [
        VectorToVector("Softmax(logits, probabilities)", "probabilities", Void((impl, a) => impl.As<ISoftmax<T>>().Softmax(a.V("logits"), a.V("probabilities")))),
        VectorToVector("LogSoftmax(logits, logProbabilities)", "logProbabilities", Void((impl, a) => impl.As<ISoftmax<T>>().LogSoftmax(a.V("logits"), a.V("logProbabilities")))),
        new()
        {
            Method = "LogSumExp(logits)", Invoke = (impl, a) => impl.As<ISoftmax<T>>().LogSumExp(a.V("logits")),
            Valid = new() { ["logits"] = V(Z) }, LargeLogits = ["logits"], Singles = [("logits = [0.5] (n = 1: accepted)", new() { ["logits"] = V(0.5) })],
            Empty = [("logits = []", new() { ["logits"] = V() }, ["logits"])],
        },
    ];

    private static Call VectorToVector(string method, string output, Func<ImplementationUnderTest, Args, object?> invoke) => new()
    {
        Method = method, Invoke = invoke,
        Valid = new() { ["logits"] = V(Z), [output] = Out(N) }, Outputs = [output], LargeLogits = ["logits"],
        Singles = [($"logits = [0.5], {output} of 1 (n = 1: accepted)", new() { ["logits"] = V(0.5), [output] = Out(1) })],
        Lengths = [("logits", ["logits", output], 1), (output, [output, "logits"], 1)],
        Empty = [($"logits = {output} = []", new() { ["logits"] = V(), [output] = V() }, ["logits", output])],
    };

    private static readonly Call[] Jacobian =
    [
        new()
        {
            Method = "SoftmaxJacobian(logits, jacobian)", Invoke = Void((impl, a) => impl.As<ISoftmaxJacobian<T>>().SoftmaxJacobian(a.V("logits"), a.V("jacobian"))),
            Valid = new() { ["logits"] = V(Z), ["jacobian"] = Out(N * N) }, Outputs = ["jacobian"], LargeLogits = ["logits"],
            Singles = [("logits = [0.5], jacobian of 1 (n = 1: accepted)", new() { ["logits"] = V(0.5), ["jacobian"] = Out(1) })],
            Lengths = [("logits", ["logits", "jacobian"], 1), ("jacobian", ["jacobian", "logits"], 1), ("jacobian", ["jacobian", "logits"], N * N - N)],
            Empty = [("logits = jacobian = []", new() { ["logits"] = V(), ["jacobian"] = V() }, ["logits", "jacobian"])],
            Overflow =
            [
                ("n = 65537 logits, jacobian of 131073 ≡ n² mod 2³² entries", new() { ["logits"] = new T[Big], ["jacobian"] = new T[Wrapped] }, ["jacobian", "logits"]),
                ("n = 65536 logits, jacobian of 0 ≡ n² mod 2³² entries", new() { ["logits"] = new T[65536], ["jacobian"] = V() }, ["jacobian", "logits"]),
            ],
        },
    ];

    private static readonly Call[] SoftmaxCrossEntropy =
    [
        new()
        {
            Method = "CrossEntropyFromLogits(target, logits)",
            Invoke = (impl, a) => impl.As<ISoftmaxCrossEntropy<T>>().CrossEntropyFromLogits(a.V("target"), a.V("logits")),
            Valid = new() { ["target"] = V(Y), ["logits"] = V(Z) }, Weights = ["target"], LargeLogits = ["logits"],
            Lengths = [("target", ["target", "logits"], 1), ("logits", ["target", "logits"], 1)],
            Empty = [("target = logits = []", new() { ["target"] = V(), ["logits"] = V() }, ["target", "logits"])],
        },
        new()
        {
            Method = "CrossEntropyLogitGradient(target, logits, gradient)",
            Invoke = Void((impl, a) => impl.As<ISoftmaxCrossEntropy<T>>().CrossEntropyLogitGradient(a.V("target"), a.V("logits"), a.V("gradient"))),
            Valid = new() { ["target"] = V(Y), ["logits"] = V(Z), ["gradient"] = Out(N) }, Outputs = ["gradient"], Weights = ["target"], LargeLogits = ["logits"],
            Lengths = [("target", ["target", "logits"], 1), ("logits", ["target", "logits", "gradient"], 1), ("gradient", ["gradient", "logits", "target"], 1)],
            Empty = [("target = logits = gradient = []", new() { ["target"] = V(), ["logits"] = V(), ["gradient"] = V() }, ["target", "logits", "gradient"])],
        },
        new()
        {
            Method = "CrossEntropyProbabilityGradient(target, probabilities, gradient)",
            Invoke = Void((impl, a) => impl.As<ISoftmaxCrossEntropy<T>>().CrossEntropyProbabilityGradient(a.V("target"), a.V("probabilities"), a.V("gradient"))),
            Valid = new() { ["target"] = V(Y), ["probabilities"] = V(Q), ["gradient"] = Out(N) }, Outputs = ["gradient"],
            Weights = ["target"], Distributions = ["probabilities"],
            Lengths = [("target", ["target", "probabilities"], 1), ("probabilities", ["target", "probabilities", "gradient"], 1),
                       ("gradient", ["gradient", "probabilities", "target"], 1)],
            Empty = [("target = probabilities = gradient = []", new() { ["target"] = V(), ["probabilities"] = V(), ["gradient"] = V() },
                      ["target", "probabilities", "gradient"])],
            Others = [("ŷ₁ = 0 under y₁ = 1 (∂L/∂ŷ₁ = −∞)", new() { ["probabilities"] = V(0.75, 0, 0.25, 0, 0, 0) }, typeof(ArgumentException), ["probabilities", "target"])],
        },
    ];

    private const int Ignore = -100;

    private static readonly Call[] Batched =
    [
        new()
        {
            Method = "ForwardBackward(logits, classes, targets, ignoreIndex, reduction, gradient)",
            Invoke = (impl, a) => impl.As<IBatchedSoftmaxCrossEntropy<T>>().ForwardBackward(a.V("logits"), a.N("classes"), a.I("targets"), a.N("ignoreIndex"),
                (LossReduction)a["reduction"], a.V("gradient")),
            Valid = new()
            {
                ["logits"] = V([.. Z, .. Z.Reverse()]), ["classes"] = N, ["targets"] = new[] { 1, Ignore }, ["ignoreIndex"] = Ignore,
                ["reduction"] = LossReduction.Mean, ["gradient"] = Out(2 * N),
            },
            Outputs = ["gradient"],
            Lengths = [("logits", ["logits", "classes"], 1), ("logits", ["logits", "targets", "gradient"], N), ("targets", ["targets", "logits"], 1),
                       ("gradient", ["gradient", "logits"], 1)],
            Empty =
            [
                ("no rows: logits = targets = gradient = []", new() { ["logits"] = V(), ["targets"] = Array.Empty<int>(), ["gradient"] = V() }, ["logits", "targets", "gradient"]),
                ("classes = 0", new() { ["classes"] = 0 }, ["classes", "logits", "targets"]),
                ("classes = −1", new() { ["classes"] = -1 }, ["classes", "logits", "targets"]),
            ],
            Indices =
            [
                ("targets[0] = −1 (the ignore index is −100)", new() { ["targets"] = new[] { -1, Ignore } }, ["targets"]),
                ("targets[0] = classes", new() { ["targets"] = new[] { N, Ignore } }, ["targets"]),
                ("targets[1] = int.MinValue", new() { ["targets"] = new[] { 1, int.MinValue } }, ["targets"]),
                ("every target is the ignore index (accepted)", new() { ["targets"] = new[] { Ignore, Ignore } }, []),
                ("ignoreIndex = −1 and targets[1] = −1 (accepted)", new() { ["ignoreIndex"] = -1, ["targets"] = new[] { 0, -1 } }, []),
                ("targets[0] = classes − 1 (accepted)", new() { ["targets"] = new[] { N - 1, 0 } }, []),
                ("ignoreIndex = 2, a class, and targets[0] = 2 (accepted: row 0 is ignored)", new() { ["ignoreIndex"] = 2, ["targets"] = new[] { 2, 1 } }, []),
            ],
            Reductions =
            [
                ("reduction = (LossReduction)2", new() { ["reduction"] = (LossReduction)2 }),
                ("reduction = (LossReduction)(−1)", new() { ["reduction"] = (LossReduction)(-1) }),
                ("reduction = (LossReduction)int.MaxValue", new() { ["reduction"] = (LossReduction)int.MaxValue }),
            ],
            Overflow =
            [
                ("classes = 65537, 65537 targets, logits of 131073 ≡ 65537² mod 2³² entries",
                 new() { ["classes"] = Big, ["targets"] = new int[Big], ["logits"] = new T[Wrapped], ["gradient"] = new T[Wrapped] }, ["logits", "targets", "gradient"]),
            ],
        },
    ];

    /// <summary>65537 = 2¹⁶ + 1: 65537² = 2³² + 2¹⁷ + 1, which an int product wraps to <see cref="Wrapped"/>.</summary>
    private const int Big = 65537;
    private const int Wrapped = 131073;

    private static readonly Call[] Binary =
    [
        ScalarCall("BinaryCrossEntropyWithLogit(logit, target)", (impl, a) => impl.As<IBinaryCrossEntropy<T>>().BinaryCrossEntropyWithLogit(a.S("logit"), a.S("target"))),
        ScalarCall("BinaryCrossEntropyLogitGradient(logit, target)", (impl, a) => impl.As<IBinaryCrossEntropy<T>>().BinaryCrossEntropyLogitGradient(a.S("logit"), a.S("target"))),
    ];

    private static Call ScalarCall(string method, Func<ImplementationUnderTest, Args, object?> invoke) => new()
    {
        Method = method, Invoke = invoke,
        Valid = new() { ["logit"] = Fp<T>.From(0.5), ["target"] = Fp<T>.From(0.25) }, UnitScalars = ["target"], LargeLogits = ["logit"],
    };

    // x ∈ ℝ³, W ∈ ℝ^{3×4}, b ∈ ℝ⁴.
    private static readonly double[] X = [0.5, -1, 2];
    private static readonly double[] W = [0.1, -0.2, 0.3, 0.4, 1, 0, -1, 0.5, 0.25, 0.25, -0.5, 2];
    private static readonly double[] B = [0, 1, -1, 0.5];

    private static readonly Call[] Linear =
    [
        new()
        {
            Method = "Forward(x, weights, bias, logits)",
            Invoke = Void((impl, a) => impl.As<ILinearLayer<T>>().Forward(a.V("x"), a.V("weights"), a.V("bias"), a.V("logits"))),
            Valid = new() { ["x"] = V(X), ["weights"] = V(W), ["bias"] = V(B), ["logits"] = Out(4) }, Outputs = ["logits"],
            Lengths = [("x", ["x", "weights"], 1), ("weights", ["weights", "x", "bias"], 1), ("bias", ["bias", "weights", "logits"], 1),
                       ("logits", ["logits", "bias", "weights"], 1)],
            LogitOverflow = [("x = [1, 1, 1], every weight the largest finite value: z = Wᵀx + b = +∞", new() { ["x"] = V(1, 1, 1), ["weights"] = Largest(12) }, ["weights", "x", "bias"])],
            Overflow =
            [
                ("m = n = 65537, W of 131073 ≡ m·n mod 2³² entries", new() { ["x"] = new T[Big], ["bias"] = new T[Big], ["weights"] = new T[Wrapped], ["logits"] = new T[Big] },
                 ["weights", "x", "bias"]),
            ],
            Empty =
            [
                ("m = 0: x = W = []", new() { ["x"] = V(), ["weights"] = V() }, ["x", "weights"]),
                ("n = 0: b = W = logits = []", new() { ["bias"] = V(), ["weights"] = V(), ["logits"] = V() }, ["bias", "weights", "logits"]),
            ],
        },
        new()
        {
            Method = "LossAndGradients(x, weights, bias, target, weightGradient, biasGradient)",
            Invoke = (impl, a) => impl.As<ILinearLayer<T>>().LossAndGradients(a.V("x"), a.V("weights"), a.V("bias"), a.V("target"), a.V("weightGradient"), a.V("biasGradient")),
            Valid = new() { ["x"] = V(X), ["weights"] = V(W), ["bias"] = V(B), ["target"] = V(0, 0, 1, 0), ["weightGradient"] = Out(12), ["biasGradient"] = Out(4) },
            Outputs = ["weightGradient", "biasGradient"], Distributions = ["target"],
            Lengths =
            [
                ("x", ["x", "weights", "weightGradient"], 1), ("weights", ["weights", "x", "bias"], 1),
                ("bias", ["bias", "weights", "target", "weightGradient", "biasGradient"], 1), ("target", ["target", "bias"], 1),
                ("weightGradient", ["weightGradient", "x", "bias", "weights"], 1), ("biasGradient", ["biasGradient", "bias"], 1),
            ],
            LogitOverflow = [("x = [1, 1, 1], every weight the largest finite value: z = Wᵀx + b = +∞", new() { ["x"] = V(1, 1, 1), ["weights"] = Largest(12) }, ["weights", "x", "bias"])],
            Overflow =
            [
                ("m = n = 65537, W and ∂L/∂W of 131073 ≡ m·n mod 2³² entries",
                 new() { ["x"] = new T[Big], ["bias"] = new T[Big], ["weights"] = new T[Wrapped], ["target"] = OneHot(Big, 0), ["weightGradient"] = new T[Wrapped], ["biasGradient"] = new T[Big] },
                 ["weights", "x", "bias", "weightGradient"]),
            ],
            Empty =
            [
                ("m = 0: x = W = ∂L/∂W = []", new() { ["x"] = V(), ["weights"] = V(), ["weightGradient"] = V() }, ["x", "weights", "weightGradient"]),
                ("n = 0: b = W = target = ∂L/∂W = ∂L/∂b = []", new() { ["bias"] = V(), ["weights"] = V(), ["target"] = V(), ["weightGradient"] = V(), ["biasGradient"] = V() },
                 ["bias", "weights", "target", "weightGradient", "biasGradient"]),
            ],
        },
    ];

    private static readonly Call[] Sequence =
    [
        new()
        {
            Method = "LossAndGradients(tokens, vocabulary, weights, bias, lambda, weightGradient, biasGradient)",
            Invoke = (impl, a) => impl.As<ISequenceLoss<T>>().LossAndGradients(a.I("tokens"), a.N("vocabulary"), a.V("weights"), a.V("bias"), a.S("lambda"),
                a.V("weightGradient"), a.V("biasGradient")),
            Valid = new()
            {
                ["tokens"] = new[] { 0, 2, 1, 2 }, ["vocabulary"] = 3, ["weights"] = V(0.5, -1, 0, 2, 0.25, -0.5, 1, 1, -2), ["bias"] = V(0, 0.5, -0.5),
                ["lambda"] = Fp<T>.From(0.5), ["weightGradient"] = Out(9), ["biasGradient"] = Out(3),
            },
            Outputs = ["weightGradient", "biasGradient"], NonNegativeScalars = ["lambda"],
            LogitOverflow =
            [
                ("every weight and bias the largest finite value: W[x, j] + b[j] = +∞", new() { ["weights"] = Largest(9), ["bias"] = Largest(3) }, ["weights", "bias"]),
                // Only the row of context 2 overflows (rows 0 and 1 plus max round to max): a check that probes the wrong row misses it.
                ("row 2 of W and b the largest finite value: only W[2, j] + b[j] = +∞", new() { ["weights"] = (T[])[.. V(0.5, -1, 0, 2, 0.25, -0.5), .. Largest(3)], ["bias"] = Largest(3) },
                 ["weights", "bias"]),
            ],
            // λ = 0 means no L2 term: ‖W‖² past the range (W of 1e20 in float, 1e200 in double) must not turn the loss into 0·∞ = NaN.
            FiniteEdges = [("λ = 0 and ‖W‖² past the range (accepted: no L2 term, a finite loss)", new() { ["lambda"] = T.Zero, ["weights"] = Huge(9) })],
            Overflow =
            [
                ("V = 65537, W and ∂L/∂W of 131073 ≡ V² mod 2³² entries",
                 new() { ["vocabulary"] = Big, ["weights"] = new T[Wrapped], ["bias"] = new T[Big], ["weightGradient"] = new T[Wrapped], ["biasGradient"] = new T[Big] },
                 ["weights", "vocabulary", "weightGradient"]),
            ],
            Lengths = [("weights", ["weights", "vocabulary"], 1), ("bias", ["bias", "vocabulary"], 1),
                       ("weightGradient", ["weightGradient", "vocabulary", "weights"], 1), ("biasGradient", ["biasGradient", "vocabulary", "bias"], 1)],
            Empty =
            [
                ("tokens = [] (no context, no target)", new() { ["tokens"] = Array.Empty<int>() }, ["tokens"]),
                ("tokens = [1] (a context but T = 0 targets)", new() { ["tokens"] = new[] { 1 } }, ["tokens"]),
                ("vocabulary = 0", new() { ["vocabulary"] = 0 }, ["vocabulary", "tokens", "weights", "bias", "weightGradient", "biasGradient"]),
                ("vocabulary = −1", new() { ["vocabulary"] = -1 }, ["vocabulary", "tokens", "weights", "bias", "weightGradient", "biasGradient"]),
            ],
            Indices =
            [
                ("tokens[1] = −1", new() { ["tokens"] = new[] { 0, -1, 1, 2 } }, ["tokens"]),
                ("tokens[1] = vocabulary", new() { ["tokens"] = new[] { 0, 3, 1, 2 } }, ["tokens"]),
                ("tokens[0] = vocabulary (the context)", new() { ["tokens"] = new[] { 3, 2, 1, 2 } }, ["tokens"]),
                ("tokens[3] = vocabulary − 1 (accepted)", new() { ["tokens"] = new[] { 0, 2, 1, 2 } }, []),
            ],
        },
    ];

    // ================================================================== the rules

    /// <summary>The positions a bad value is put at: the first, a middle and the last (validation loops that start at 1 or stop at n − 1 miss one).</summary>
    private static int[] Positions(int n) => new[] { 0, n / 2, n - 1 }.Distinct().ToArray();

    /// <summary>INPUT-NAN: NaN, +∞ and −∞ at the first, a middle and the last entry of every T input (vector or scalar), one at a time.</summary>
    private static IEnumerable<BadCase> NonFinite(Call[] calls)
    {
        foreach (var call in calls)
            foreach (var (name, value) in call.Valid)
            {
                if (call.Outputs.Contains(name)) continue;
                foreach (var (label, bad) in new[] { ("NaN", T.NaN), ("NaN of the other sign bit", -T.NaN), ("+∞", T.PositiveInfinity), ("−∞", T.NegativeInfinity) })
                {
                    if (value is T[] vector)
                        foreach (int i in Positions(vector.Length))
                        {
                            var changed = vector.ToArray();
                            changed[i] = bad;
                            yield return Case(call, label, $"{name}[{i}] = {label}", new() { [name] = changed }, typeof(ArgumentException), [name]);
                        }
                    else if (value is T)
                        yield return Case(call, label, $"{name} = {label}", new() { [name] = bad }, typeof(ArgumentException), [name]);
                }
            }
    }

    /// <summary>
    /// INPUT-PROB. Distributions of length n: a negative entry −2⁻¹⁰ with Σ = 1 and an entry 1 + 2u (Σ within τ(n)),
    /// each at the first, a middle and the last position; Σ − 1 = ±(k + 2)u just beyond τ(n) = ku (rejected) and
    /// ±(k − 2)u just inside it (accepted), k = 2n + 8; each sum is exact in any order. Target weights: a negative
    /// entry at each of the three positions (rejected); mass 3.5 and mass 0 (accepted). A probability scalar:
    /// −2⁻¹⁰ and 1 + 2u (rejected), 0 and 1 (accepted). A non-negative scalar (λ): −2⁻¹⁰ and −1 (rejected), 0 and 10 (accepted).
    /// </summary>
    private static IEnumerable<BadCase> Probabilities(Call[] calls)
    {
        foreach (var call in calls)
        {
            foreach (var p in call.Distributions)
            {
                int n = call.Valid.V(p).Count;
                int k = 2 * n + 8;
                foreach (int j in Positions(n))
                {
                    var others = Enumerable.Range(0, n).Where(i => i != j).ToArray();
                    var negative = new double[n];
                    negative[j] = -1.0 / 1024;
                    negative[others[0]] = 0.5 + 1.0 / 1024;
                    negative[others[1]] = 0.5;
                    yield return Case(call, "negative probability", $"{p}[{j}] = −2⁻¹⁰ (Σ = 1)", new() { [p] = V(negative) }, typeof(ArgumentException), [p]);
                    var above = new double[n];
                    above[j] = 1 + 2 * U;
                    yield return Case(call, "probability above 1", $"{p}[{j}] = 1 + 2u > 1 (Σ within τ)", new() { [p] = V(above) }, typeof(ArgumentException), [p]);
                }
                yield return Case(call, "Σ above 1 + τ", $"Σ{p} = 1 + {k + 2}u, just beyond τ({n}) = {k}u", new() { [p] = Pair(n, 0.5 + (k + 2) * U) }, typeof(ArgumentException), [p]);
                yield return Case(call, "Σ below 1 − τ", $"Σ{p} = 1 − {k + 2}u, just beyond τ({n}) = {k}u", new() { [p] = Pair(n, 0.5 - (k + 2) * U) }, typeof(ArgumentException), [p]);
                yield return Case(call, "Σ within τ (accepted)", $"Σ{p} = 1 + {k - 2}u, just inside τ({n}) (accepted)", new() { [p] = Pair(n, 0.5 + (k - 2) * U) }, null, []);
                yield return Case(call, "Σ within τ (accepted)", $"Σ{p} = 1 − {k - 2}u, just inside τ({n}) (accepted)", new() { [p] = Pair(n, 0.5 - (k - 2) * U) }, null, []);
            }
            foreach (var y in call.Weights)
            {
                int n = call.Valid.V(y).Count;
                foreach (int j in Positions(n))
                {
                    var negative = new double[n];
                    negative[j == 1 ? 0 : 1] = 1;
                    negative[j] = -1.0 / 1024;
                    yield return Case(call, "negative weight", $"{y}[{j}] = −2⁻¹⁰", new() { [y] = V(negative) }, typeof(ArgumentException), [y]);
                }
                var heavy = new double[n];
                heavy[1] = 3;
                heavy[n - 1] = 0.5;
                yield return Case(call, "weights of any mass (accepted)", $"{y} has mass 3.5 (weights need only be ≥ 0: accepted)", new() { [y] = V(heavy) }, null, []);
                yield return Case(call, "weights of any mass (accepted)", $"{y} is all zeros (mass 0: accepted)", new() { [y] = V(new double[n]) }, null, []);
            }
            if (call.Distributions.Length > 0 && call.Distributions.Length == call.Valid.Values.Count(v => v is T[]))
                yield return Case(call, "n = 1 (accepted)", $"{string.Join(" = ", call.Distributions)} = [1] (n = 1: accepted)",
                    Changes(call.Distributions.Select(d => (d, (object)V(1)))), null, []);
            foreach (var s in call.UnitScalars)
            {
                yield return Case(call, "probability below 0", $"{s} = −2⁻¹⁰", new() { [s] = Fp<T>.From(-1.0 / 1024) }, typeof(ArgumentException), [s]);
                yield return Case(call, "probability above 1", $"{s} = 1 + 2u", new() { [s] = Fp<T>.From(1 + 2 * U) }, typeof(ArgumentException), [s]);
                yield return Case(call, "0 and 1 (accepted)", $"{s} = 0 (accepted)", new() { [s] = T.Zero }, null, []);
                yield return Case(call, "0 and 1 (accepted)", $"{s} = 1 (accepted)", new() { [s] = T.One }, null, []);
                yield return Case(call, "just inside [0, 1] (accepted)", $"{s} = u (accepted)", new() { [s] = Fp<T>.From(U) }, null, []);
                yield return Case(call, "just inside [0, 1] (accepted)", $"{s} = 1 − u (accepted)", new() { [s] = Fp<T>.From(1 - U) }, null, []);
                foreach (var (name, value) in call.Valid)
                    if (name != s && value is T)
                    {
                        yield return Case(call, "largest finite value (accepted)", $"{name} = the largest finite value (accepted)", new() { [name] = T.BitDecrement(T.PositiveInfinity) }, null, []);
                        yield return Case(call, "largest finite value (accepted)", $"{name} = minus the largest finite value (accepted)", new() { [name] = -T.BitDecrement(T.PositiveInfinity) }, null, []);
                    }
            }
            foreach (var s in call.NonNegativeScalars)
            {
                yield return Case(call, "negative λ", $"{s} = −2⁻¹⁰", new() { [s] = Fp<T>.From(-1.0 / 1024) }, typeof(ArgumentException), [s]);
                yield return Case(call, "negative λ", $"{s} = −1", new() { [s] = -T.One }, typeof(ArgumentException), [s]);
                yield return Case(call, "λ ≥ 0 (accepted)", $"{s} = 0 (accepted)", new() { [s] = T.Zero }, null, []);
                yield return Case(call, "λ ≥ 0 (accepted)", $"{s} = 10 (accepted)", new() { [s] = Fp<T>.From(10) }, null, []);
            }
        }
    }

    private static Args Changes(IEnumerable<(string Name, object Value)> changes)
    {
        var args = new Args();
        foreach (var (name, value) in changes) args[name] = value;
        return args;
    }

    /// <summary>[½ + δ, ½, 0, …, 0] of length n.</summary>
    private static T[] Pair(int n, double first)
    {
        var v = new double[n];
        v[0] = first;
        v[1] = 0.5;
        return V(v);
    }

    /// <summary>
    /// Edge inputs of the softmax family that the rules accept: n = 1 (ŷ = [1]); the largest finite logits, +max and
    /// −max in one row (z − m is −∞ for the smallest: exp gives 0, nothing overflows, SMAX-LARGE); for a scalar logit,
    /// ±1000, past exp's range in both types. The returned value, if any, must be finite.
    /// </summary>
    private static IEnumerable<BadCase> Edges(Call[] calls)
    {
        foreach (var call in calls)
        {
            foreach (var (label, changes) in call.Singles)
                yield return Case(call, "n = 1 (accepted)", label, changes, null, []);
            foreach (var (label, changes) in call.FiniteEdges)
                yield return Case(call, "finite edge (accepted)", label, changes, null, []);
            foreach (var name in call.LargeLogits)
            {
                if (call.Valid[name] is T[] z)
                {
                    var large = z.ToArray();
                    large[0] = T.BitDecrement(T.PositiveInfinity);
                    large[^1] = -T.BitDecrement(T.PositiveInfinity);
                    yield return Case(call, "largest finite value (accepted)", $"{name}[0] = +max, {name}[{z.Length - 1}] = −max (accepted)", new() { [name] = large }, null, []);
                }
                else
                    foreach (double v in new[] { 1000.0, -1000.0 })
                        yield return Case(call, "logit past exp's range (accepted)", $"{name} = {v} (accepted: exp({Math.Abs(v)}) overflows, the loss does not)", new() { [name] = Fp<T>.From(v) }, null, []);
            }
        }
    }

    /// <summary>INPUT-LENGTH: every length-tied parameter, inputs and outputs, one entry (or one row) too long and too short.</summary>
    private static IEnumerable<BadCase> Lengths(Call[] calls)
    {
        foreach (var call in calls)
            foreach (var (name, blame, step) in call.Lengths)
            {
                object value = call.Valid[name];
                foreach (int change in new[] { step, -step })
                {
                    object resized = value switch
                    {
                        T[] v => change > 0 ? (T[])[.. v, .. new T[change]] : v[..^(-change)],
                        int[] v => change > 0 ? (int[])[.. v, .. new int[change]] : v[..^(-change)],
                        _ => throw new InvalidOperationException($"{name} is not a span"),
                    };
                    int length = resized is T[] t ? t.Length : ((int[])resized).Length;
                    string kind = change > 0 ? (call.Outputs.Contains(name) ? "output longer than needed" : "input too long") : "too short";
                    yield return Case(call, kind, $"{name} has length {length} ({(change > 0 ? "+" : "")}{change})", new() { [name] = resized }, typeof(ArgumentException), blame);
                }
            }
    }

    /// <summary>INPUT-NAN: finite inputs whose computed logits overflow to ±∞.</summary>
    private static IEnumerable<BadCase> LogitOverflows(Call[] calls) =>
        calls.SelectMany(call => call.LogitOverflow.Select(e => Case(call, "computed logits overflow", e.Label, e.Changes, typeof(ArgumentException), e.Blame)));

    /// <summary>INPUT-LENGTH: sizes whose product is past int.MaxValue, with a span of the length an int product wraps to.</summary>
    private static IEnumerable<BadCase> Overflows(Call[] calls) =>
        calls.SelectMany(call => call.Overflow.Select(e => Case(call, "size product past int.MaxValue", e.Label, e.Changes, typeof(ArgumentException), e.Blame)));

    /// <summary>INPUT-EMPTY: the method's own empty inputs and non-positive dimensions.</summary>
    private static IEnumerable<BadCase> Empty(Call[] calls) =>
        calls.SelectMany(call => call.Empty.Select(e => Case(call, e.Label.StartsWith("classes") || e.Label.StartsWith("vocabulary") ? "non-positive dimension" : "empty",
            e.Label, e.Changes, typeof(ArgumentException), e.Blame)));

    /// <summary>INPUT-TARGET: class indices and tokens outside [0, classes) (ArgumentOutOfRangeException), the ignore index accepted.</summary>
    private static IEnumerable<BadCase> Indices(Call[] calls) =>
        calls.SelectMany(call => call.Indices.Select(e =>
            Case(call, e.Blame.Length == 0 ? "ignore index and last class (accepted)" : "index out of range", e.Label, e.Changes,
                 e.Blame.Length == 0 ? null : typeof(ArgumentOutOfRangeException), e.Blame)));

    private static IEnumerable<BadCase> Reductions(Call[] calls) =>
        calls.SelectMany(call => call.Reductions.Select(e => Case(call, "undefined enum", e.Label, e.Changes, typeof(ArgumentOutOfRangeException), ["reduction"])));

    /// <summary>
    /// INPUT-OVERLAP: every output placed over every other T span of the call (inputs and the other outputs), in one
    /// buffer: starting one element into it, and ending at its first element. Exact aliasing is left to <c>GRAD-INPLACE</c>.
    /// </summary>
    private static IEnumerable<BadCase> Overlaps(Call[] calls)
    {
        foreach (var call in calls)
            foreach (var output in call.Outputs)
                foreach (var (name, value) in call.Valid)
                {
                    if (name == output || value is not T[] other) continue;
                    if (call.Outputs.Contains(name) && string.CompareOrdinal(name, output) > 0) continue;   // each pair of outputs once
                    int outputLength = call.Valid.V(output).Count;
                    if (other.Length >= 2)
                        yield return Case(call, "partial overlap", $"{output} starts at {name}[1]", new() { [OverlapKey] = new Overlap(name, output, 1) },
                            typeof(ArgumentException), [output, name]);
                    yield return Case(call, "partial overlap", $"{output} ends at {name}[0]", new() { [OverlapKey] = new Overlap(name, output, -(outputLength - 1)) },
                        typeof(ArgumentException), [output, name]);
                }
    }

    /// <summary>Every rejected-case generator, for INPUT-NO-WRITE and the kind count.</summary>
    private static IEnumerable<BadCase> Everything(Call[] calls) =>
        NonFinite(calls).Concat(Probabilities(calls)).Concat(Lengths(calls)).Concat(Empty(calls)).Concat(Indices(calls)).Concat(Reductions(calls))
            .Concat(Overflows(calls)).Concat(LogitOverflows(calls)).Concat(Overlaps(calls)).Concat(Edges(calls)).Concat(Accepts(calls).Select(a => a.Case))
            .Concat(calls.SelectMany(c => c.Others.Select(o => Case(c, "zero probability under a positive target", o.Label, o.Changes, o.Rejects, o.Blame))));

    /// <summary>
    /// INPUT-ACCEPT: −0 and the smallest subnormal in place of a zero entry of each T input (vectors), or in place of
    /// each scalar: accepted, and handled as the value they are: −0 gives results equal (==) to +0's, a subnormal
    /// results within 8u(1 + |x|) of them, finite.
    /// </summary>
    private static IEnumerable<(BadCase Case, Args Baseline, bool Exact)> Accepts(Call[] calls)
    {
        foreach (var call in calls)
            foreach (var (name, value) in call.Valid)
            {
                if (call.Outputs.Contains(name)) continue;
                foreach (var (label, special, exact) in new[] { ("−0", T.NegativeZero, true), ("the smallest subnormal", T.Epsilon, false) })
                {
                    if (value is T[] vector)
                    {
                        int i = Array.FindIndex(vector, v => v == T.Zero);
                        if (i < 0) continue;
                        var changed = vector.ToArray();
                        changed[i] = special;
                        yield return (Case(call, exact ? "−0 (accepted)" : "subnormal (accepted)", $"{name}[{i}] = {label} (accepted, as +0)", new() { [name] = changed }, null, []),
                                      call.Valid, exact);
                    }
                    else if (value is T)
                        yield return (Case(call, exact ? "−0 (accepted)" : "subnormal (accepted)", $"{name} = {label} (accepted, as +0)", new() { [name] = special }, null, []),
                                      call.Valid.With(new() { [name] = T.Zero }), exact);
                }
            }
    }

    private static BadCase Case(Call call, string kind, string label, Args changes, Type? rejects, string[] blame) =>
        new($"{call.Method}: {label}", kind, call, call.Valid.With(changes), rejects, blame);

    /// <summary>The kinds of bad (and edge) input each method is tested on: for the count in spec/bad-input.md and README.</summary>
    public static IReadOnlyDictionary<string, string[]> KindsPerMethod() =>
        new[] { Entropy, CrossEntropy, KlDivergence, Softmax, Jacobian, SoftmaxCrossEntropy, Batched, Binary, Linear, Sequence }
            .SelectMany(calls => calls)
            .ToDictionary(call => call.Method, call => Everything([call]).Select(c => c.Kind).Distinct().Order(StringComparer.Ordinal).ToArray());

    // ================================================================== running them

    /// <summary>Runs every case of the table and reports every one that fails (one exception listing them all).</summary>
    private void Run(string implementation, IEnumerable<BadCase> cases, [System.Runtime.CompilerServices.CallerMemberName] string test = "") =>
        RunAll(implementation, cases.Select(c => (c.Name, (Func<ImplementationUnderTest, Verdict>)(impl => Judge(impl, c)))), test);

    private void RunAll(string implementation, IEnumerable<(string Name, Func<ImplementationUnderTest, Verdict> Check)> cases, string test)
    {
        var failures = new List<SpecViolationException>();
        int count = 0;
        foreach (var (name, check) in cases)
        {
            count++;
            try { Expect(implementation, name, check, test); }
            catch (SpecViolationException e) { failures.Add(e); }
        }
        if (failures.Count == 1) throw failures[0];
        if (failures.Count > 1)
            throw new SpecViolationException(failures.SelectMany(f => f.ClauseIds).Distinct().ToArray(), failures[0].Implementation,
                $"{failures.Count} of {count} cases failed:\n\n" + string.Join("\n", failures.Select(f => f.Message)));
    }

    /// <summary>Every rejected case of every rule, with outputs filled with a sentinel: a call that throws must leave them as they were.</summary>
    private void RunNoWrite(string implementation, Call[] calls, [System.Runtime.CompilerServices.CallerMemberName] string test = "") =>
        RunAll(implementation, Everything(calls).Where(c => c.Rejects is not null)
            .Select(c => (c.Name, (Func<ImplementationUnderTest, Verdict>)(impl => JudgeNoWrite(impl, c)))), test);

    private void RunAccepts(string implementation, Call[] calls, [System.Runtime.CompilerServices.CallerMemberName] string test = "") =>
        RunAll(implementation, Accepts(calls).Select(a => (a.Case.Name, (Func<ImplementationUnderTest, Verdict>)(impl => JudgeAccepted(impl, a.Case, a.Baseline, a.Exact)))), test);

    /// <summary>The edge kinds whose returned value must also be finite (for the others +∞ or 0/0 may be the defined answer).</summary>
    private static readonly string[] FiniteKinds = ["n = 1 (accepted)", "largest finite value (accepted)", "logit past exp's range (accepted)", "finite edge (accepted)"];

    private static Verdict Judge(ImplementationUnderTest impl, BadCase c)
    {
        var args = Prepared(c.Call, c.Args);
        object? returned;
        try
        {
            returned = c.Call.Invoke(impl, args);
        }
        catch (Exception e)
        {
            if (c.Rejects is null)
                return Verdict.That(false, $"threw {e.GetType().Name} ({e.Message}) on an input the rules accept");
            if (!c.Rejects.IsInstanceOfType(e))
                return Verdict.That(false, $"threw {e.GetType().Name} ({e.Message}); expected {c.Rejects.Name} naming {Names(c.Blame)}");
            string? name = ((ArgumentException)e).ParamName;
            return Verdict.That(name is not null && c.Blame.Contains(name),
                $"threw {e.GetType().Name} naming '{name}'{(name is not null && c.Blame.Contains(name) ? "" : $"; expected one of {Names(c.Blame)}")}");
        }
        if (c.Rejects is null && returned is T value && !T.IsFinite(value) && FiniteKinds.Contains(c.Kind))
            return Verdict.That(false, $"accepted but returned {value}; this edge input has a finite result");
        return c.Rejects is null
            ? Verdict.That(true, "accepted")
            : Verdict.That(false, $"returned normally; expected {c.Rejects.Name} naming {Names(c.Blame)}");
    }

    private static Verdict JudgeNoWrite(ImplementationUnderTest impl, BadCase c)
    {
        var args = Prepared(c.Call, c.Args);
        var before = c.Call.Outputs.Select(o => args.V(o).ToArray()).ToArray();
        try
        {
            c.Call.Invoke(impl, args);
            return Verdict.That(true, "not rejected (the INPUT-* rule's own test reports that); nothing to check here");
        }
        catch (ArgumentException e)
        {
            for (int k = 0; k < c.Call.Outputs.Length; k++)
            {
                var span = args.V(c.Call.Outputs[k]);
                for (int i = 0; i < span.Count; i++)
                    if (!Fp<T>.ToDouble(span[i]).Equals(Fp<T>.ToDouble(before[k][i])))
                        return Verdict.That(false, $"threw {e.GetType().Name} naming '{e.ParamName}' but had written {c.Call.Outputs[k]}[{i}] = {Show.Number(Fp<T>.ToDouble(span[i]))} (was {Show.Number(Fp<T>.ToDouble(before[k][i]))})");
            }
            return Verdict.That(true, $"threw {e.GetType().Name}; outputs untouched");
        }
        catch (Exception e)
        {
            return Verdict.That(true, $"threw {e.GetType().Name} (not a rejection; the INPUT-* rule's own test reports that)");
        }
    }

    /// <summary>The call with −0 or a subnormal must be accepted and give what the call with +0 gives (==, or within 8u(1 + |x|)).</summary>
    private static Verdict JudgeAccepted(ImplementationUnderTest impl, BadCase c, Args baseline, bool exact)
    {
        var (value, outputs) = Results(impl, c.Call, c.Args, out string? threw);
        if (threw is not null) return Verdict.That(false, $"threw {threw} on an input the rules accept");
        var (expectedValue, expectedOutputs) = Results(impl, c.Call, baseline, out threw);
        if (threw is not null) return Verdict.That(false, $"the call with +0 threw {threw}");
        var got = value.Concat(outputs.SelectMany(o => o)).ToArray();
        var expected = expectedValue.Concat(expectedOutputs.SelectMany(o => o)).ToArray();
        for (int i = 0; i < got.Length; i++)
        {
            bool same = exact ? got[i] == expected[i] || (double.IsNaN(got[i]) && double.IsNaN(expected[i]))
                              : double.IsFinite(got[i]) == double.IsFinite(expected[i]) && (got[i] == expected[i] || Math.Abs(got[i] - expected[i]) <= 8 * U * (1 + Math.Abs(expected[i])));
            if (!same)
                return Verdict.That(false, $"result entry {i} (the returned value first, then the outputs) is {Show.Number(got[i])}; with +0 in its place it is {Show.Number(expected[i])}");
        }
        return Verdict.That(true, $"accepted; {got.Length} result entries as with +0");
    }

    /// <summary>The returned value (if any) and the outputs of one call, in float64; the exception's type and message if it threw.</summary>
    private static (double[] Value, double[][] Outputs) Results(ImplementationUnderTest impl, Call call, Args changes, out string? threw)
    {
        var args = Prepared(call, changes);
        object? returned = null;
        threw = null;
        try { returned = call.Invoke(impl, args); }
        catch (Exception e) { threw = $"{e.GetType().Name} ({e.Message})"; }
        double[] value = returned is T t ? [Fp<T>.ToDouble(t)] : [];
        return (value, call.Outputs.Select(o => args.V(o).Select(Fp<T>.ToDouble).ToArray()).ToArray());
    }

    /// <summary>
    /// A fresh copy of the arguments with every output filled with the sentinel; for an overlap case, the two spans
    /// placed in one buffer (the input's values where they share memory).
    /// </summary>
    private static Args Prepared(Call call, Args arguments)
    {
        var args = arguments.With();
        foreach (var output in call.Outputs) args.V(output).AsSpan().Fill(Fp<T>.From(Agreement.Sentinel));
        if (args.TryGetValue(OverlapKey, out var o) && o is Overlap overlap)
        {
            T[] first = (T[])args[overlap.First], second = (T[])args[overlap.Second];
            int start = Math.Min(0, overlap.Shift), end = Math.Max(first.Length, overlap.Shift + second.Length);
            var buffer = new T[end - start];
            second.CopyTo(buffer, overlap.Shift - start);
            first.CopyTo(buffer, -start);
            args[overlap.First] = new ArraySegment<T>(buffer, -start, first.Length);
            args[overlap.Second] = new ArraySegment<T>(buffer, overlap.Shift - start, second.Length);
        }
        return args;
    }

    private static string Names(string[] names) => string.Join(" or ", names.Select(n => $"'{n}'"));
}
