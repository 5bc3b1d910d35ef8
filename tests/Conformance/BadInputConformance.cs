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
    public void Linear_layer_rejects_negative_targets(string implementation) => Run(implementation, Probabilities(Linear));

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
        Run(implementation, SoftmaxCrossEntropy.SelectMany(c => c.Others.Select(o => Case(c, o.Label, o.Changes, o.Rejects, o.Blame))));

    // ------------------------------------------------------------------ INPUT-NO-WRITE

    [ForEachImplementation, Spec("INPUT-NO-WRITE"), Requires(typeof(ISoftmax<>))]
    public void Softmax_writes_nothing_when_it_rejects(string implementation) => RunNoWrite(implementation, Softmax);

    [ForEachImplementation, Spec("INPUT-NO-WRITE"), Requires(typeof(ISoftmaxJacobian<>))]
    public void Jacobian_writes_nothing_when_it_rejects(string implementation) => RunNoWrite(implementation, Jacobian);

    [ForEachImplementation, Spec("INPUT-NO-WRITE"), Requires(typeof(ISoftmaxCrossEntropy<>))]
    public void Softmax_cross_entropy_writes_nothing_when_it_rejects(string implementation) => RunNoWrite(implementation, SoftmaxCrossEntropy);

    [ForEachImplementation, Spec("INPUT-NO-WRITE"), Requires(typeof(IBatchedSoftmaxCrossEntropy<>))]
    public void Batched_kernel_writes_nothing_when_it_rejects(string implementation) => RunNoWrite(implementation, Batched);

    [ForEachImplementation, Spec("INPUT-NO-WRITE"), Requires(typeof(ILinearLayer<>))]
    public void Linear_layer_writes_nothing_when_it_rejects(string implementation) => RunNoWrite(implementation, Linear);

    [ForEachImplementation, Spec("INPUT-NO-WRITE"), Requires(typeof(ISequenceLoss<>))]
    public void Sequence_loss_writes_nothing_when_it_rejects(string implementation) => RunNoWrite(implementation, Sequence);

    // ================================================================== the calls

    /// <summary>
    /// One capability method on valid arguments (by the interface's parameter names), which of them
    /// are outputs, and the facts the rules need: which inputs are distributions, target weights or
    /// a probability; which lengths depend on which parameters; the method's own empty and index cases.
    /// </summary>
    private sealed class Call
    {
        public required string Method { get; init; }
        public required Action<ImplementationUnderTest, Args> Invoke { get; init; }
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
    }

    private sealed class Args : Dictionary<string, object>
    {
        public Args() : base(StringComparer.Ordinal) { }

        public T[] V(string name) => (T[])this[name];
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
    private sealed record BadCase(string Name, Call Call, Args Args, Type? Rejects, string[] Blame);

    private const int N = 6;

    private static T[] V(params double[] values) => Fp<T>.From(values);
    private static T[] Out(int n) => new T[n];

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

    private static Call PairCall(string method, Action<ImplementationUnderTest, Args> invoke) => new()
    {
        Method = method, Invoke = invoke,
        Valid = new() { ["p"] = V(P), ["q"] = V(Q) }, Distributions = ["p", "q"],
        Lengths = [("p", ["p", "q"], 1), ("q", ["p", "q"], 1)],
        Empty = [("p = q = []", new() { ["p"] = V(), ["q"] = V() }, ["p", "q"])],
    };

    private static readonly Call[] Softmax =
    [
        VectorToVector("Softmax(logits, probabilities)", "probabilities", (impl, a) => impl.As<ISoftmax<T>>().Softmax(a.V("logits"), a.V("probabilities"))),
        VectorToVector("LogSoftmax(logits, logProbabilities)", "logProbabilities", (impl, a) => impl.As<ISoftmax<T>>().LogSoftmax(a.V("logits"), a.V("logProbabilities"))),
        new()
        {
            Method = "LogSumExp(logits)", Invoke = (impl, a) => impl.As<ISoftmax<T>>().LogSumExp(a.V("logits")),
            Valid = new() { ["logits"] = V(Z) },
            Empty = [("logits = []", new() { ["logits"] = V() }, ["logits"])],
        },
    ];

    private static Call VectorToVector(string method, string output, Action<ImplementationUnderTest, Args> invoke) => new()
    {
        Method = method, Invoke = invoke,
        Valid = new() { ["logits"] = V(Z), [output] = Out(N) }, Outputs = [output],
        Lengths = [("logits", ["logits", output], 1), (output, [output, "logits"], 1)],
        Empty = [($"logits = {output} = []", new() { ["logits"] = V(), [output] = V() }, ["logits", output])],
    };

    private static readonly Call[] Jacobian =
    [
        new()
        {
            Method = "SoftmaxJacobian(logits, jacobian)", Invoke = (impl, a) => impl.As<ISoftmaxJacobian<T>>().SoftmaxJacobian(a.V("logits"), a.V("jacobian")),
            Valid = new() { ["logits"] = V(Z), ["jacobian"] = Out(N * N) }, Outputs = ["jacobian"],
            Lengths = [("logits", ["logits", "jacobian"], 1), ("jacobian", ["jacobian", "logits"], 1), ("jacobian", ["jacobian", "logits"], N * N - N)],
            Empty = [("logits = jacobian = []", new() { ["logits"] = V(), ["jacobian"] = V() }, ["logits", "jacobian"])],
        },
    ];

    private static readonly Call[] SoftmaxCrossEntropy =
    [
        new()
        {
            Method = "CrossEntropyFromLogits(target, logits)",
            Invoke = (impl, a) => impl.As<ISoftmaxCrossEntropy<T>>().CrossEntropyFromLogits(a.V("target"), a.V("logits")),
            Valid = new() { ["target"] = V(Y), ["logits"] = V(Z) }, Weights = ["target"],
            Lengths = [("target", ["target", "logits"], 1), ("logits", ["target", "logits"], 1)],
            Empty = [("target = logits = []", new() { ["target"] = V(), ["logits"] = V() }, ["target", "logits"])],
        },
        new()
        {
            Method = "CrossEntropyLogitGradient(target, logits, gradient)",
            Invoke = (impl, a) => impl.As<ISoftmaxCrossEntropy<T>>().CrossEntropyLogitGradient(a.V("target"), a.V("logits"), a.V("gradient")),
            Valid = new() { ["target"] = V(Y), ["logits"] = V(Z), ["gradient"] = Out(N) }, Outputs = ["gradient"], Weights = ["target"],
            Lengths = [("target", ["target", "logits"], 1), ("logits", ["target", "logits", "gradient"], 1), ("gradient", ["gradient", "logits", "target"], 1)],
            Empty = [("target = logits = gradient = []", new() { ["target"] = V(), ["logits"] = V(), ["gradient"] = V() }, ["target", "logits", "gradient"])],
        },
        new()
        {
            Method = "CrossEntropyProbabilityGradient(target, probabilities, gradient)",
            Invoke = (impl, a) => impl.As<ISoftmaxCrossEntropy<T>>().CrossEntropyProbabilityGradient(a.V("target"), a.V("probabilities"), a.V("gradient")),
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
            ],
        },
    ];

    private static readonly Call[] Binary =
    [
        ScalarCall("BinaryCrossEntropyWithLogit(logit, target)", (impl, a) => impl.As<IBinaryCrossEntropy<T>>().BinaryCrossEntropyWithLogit(a.S("logit"), a.S("target"))),
        ScalarCall("BinaryCrossEntropyLogitGradient(logit, target)", (impl, a) => impl.As<IBinaryCrossEntropy<T>>().BinaryCrossEntropyLogitGradient(a.S("logit"), a.S("target"))),
    ];

    private static Call ScalarCall(string method, Action<ImplementationUnderTest, Args> invoke) => new()
    {
        Method = method, Invoke = invoke,
        Valid = new() { ["logit"] = Fp<T>.From(0.5), ["target"] = Fp<T>.From(0.25) }, UnitScalars = ["target"],
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
            Invoke = (impl, a) => impl.As<ILinearLayer<T>>().Forward(a.V("x"), a.V("weights"), a.V("bias"), a.V("logits")),
            Valid = new() { ["x"] = V(X), ["weights"] = V(W), ["bias"] = V(B), ["logits"] = Out(4) }, Outputs = ["logits"],
            Lengths = [("x", ["x", "weights"], 1), ("weights", ["weights", "x", "bias"], 1), ("bias", ["bias", "weights", "logits"], 1),
                       ("logits", ["logits", "bias", "weights"], 1)],
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
            Outputs = ["weightGradient", "biasGradient"], Weights = ["target"],
            Lengths =
            [
                ("x", ["x", "weights", "weightGradient"], 1), ("weights", ["weights", "x", "bias"], 1),
                ("bias", ["bias", "weights", "target", "weightGradient", "biasGradient"], 1), ("target", ["target", "bias"], 1),
                ("weightGradient", ["weightGradient", "x", "bias", "weights"], 1), ("biasGradient", ["biasGradient", "bias"], 1),
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
            Outputs = ["weightGradient", "biasGradient"],
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

    /// <summary>INPUT-NAN: NaN, +∞ and −∞ in the middle of every T input (vector or scalar), one at a time.</summary>
    private static IEnumerable<BadCase> NonFinite(Call[] calls)
    {
        foreach (var call in calls)
            foreach (var (name, value) in call.Valid)
            {
                if (call.Outputs.Contains(name)) continue;
                foreach (var (label, bad) in new[] { ("NaN", T.NaN), ("+∞", T.PositiveInfinity), ("−∞", T.NegativeInfinity) })
                {
                    if (value is T[] vector)
                    {
                        int i = vector.Length / 2;
                        var changed = vector.ToArray();
                        changed[i] = bad;
                        yield return Case(call, $"{name}[{i}] = {label}", new() { [name] = changed }, typeof(ArgumentException), [name]);
                    }
                    else if (value is T)
                        yield return Case(call, $"{name} = {label}", new() { [name] = bad }, typeof(ArgumentException), [name]);
                }
            }
    }

    /// <summary>
    /// INPUT-PROB. Distributions: a negative entry with Σ = 1, an entry 1 + 2u with Σ within τ(n),
    /// Σ − 1 = ±(k + 2)u just beyond τ(n) = ku (rejected) and ±(k − 2)u just inside it (accepted),
    /// k = 2n + 8; each sum is exact in any order. Target weights: a negative entry (rejected); mass
    /// 3.5 and mass 0 (accepted). A probability scalar: −2⁻¹⁰ and 1 + 2u (rejected), 0 and 1 (accepted).
    /// </summary>
    private static IEnumerable<BadCase> Probabilities(Call[] calls)
    {
        int k = 2 * N + 8;
        foreach (var call in calls)
        {
            foreach (var p in call.Distributions)
            {
                yield return Case(call, $"{p} has a negative entry −2⁻¹⁰ (Σ = 1)", new() { [p] = V(0.5, 0.5 + 1.0 / 1024, -1.0 / 1024, 0, 0, 0) }, typeof(ArgumentException), [p]);
                yield return Case(call, $"{p} has an entry 1 + 2u > 1 (Σ within τ)", new() { [p] = V(1 + 2 * U, 0, 0, 0, 0, 0) }, typeof(ArgumentException), [p]);
                yield return Case(call, $"Σ{p} = 1 + {k + 2}u, just beyond τ({N}) = {k}u", new() { [p] = V(0.5 + (k + 2) * U, 0.5, 0, 0, 0, 0) }, typeof(ArgumentException), [p]);
                yield return Case(call, $"Σ{p} = 1 − {k + 2}u, just beyond τ({N}) = {k}u", new() { [p] = V(0.5 - (k + 2) * U, 0.5, 0, 0, 0, 0) }, typeof(ArgumentException), [p]);
                yield return Case(call, $"Σ{p} = 1 + {k - 2}u, just inside τ({N}) (accepted)", new() { [p] = V(0.5 + (k - 2) * U, 0.5, 0, 0, 0, 0) }, null, []);
                yield return Case(call, $"Σ{p} = 1 − {k - 2}u, just inside τ({N}) (accepted)", new() { [p] = V(0.5 - (k - 2) * U, 0.5, 0, 0, 0, 0) }, null, []);
            }
            foreach (var y in call.Weights)
            {
                int n = call.Valid.V(y).Length;
                var negative = new double[n];
                negative[1] = 1;
                negative[n - 1] = -1.0 / 1024;
                var heavy = new double[n];
                heavy[1] = 3;
                heavy[n - 1] = 0.5;
                yield return Case(call, $"{y} has a negative weight −2⁻¹⁰", new() { [y] = V(negative) }, typeof(ArgumentException), [y]);
                yield return Case(call, $"{y} has mass 3.5 (weights need only be ≥ 0: accepted)", new() { [y] = V(heavy) }, null, []);
                yield return Case(call, $"{y} is all zeros (mass 0: accepted)", new() { [y] = V(new double[n]) }, null, []);
            }
            foreach (var s in call.UnitScalars)
            {
                yield return Case(call, $"{s} = −2⁻¹⁰", new() { [s] = Fp<T>.From(-1.0 / 1024) }, typeof(ArgumentException), [s]);
                yield return Case(call, $"{s} = 1 + 2u", new() { [s] = Fp<T>.From(1 + 2 * U) }, typeof(ArgumentException), [s]);
                yield return Case(call, $"{s} = 0 (accepted)", new() { [s] = T.Zero }, null, []);
                yield return Case(call, $"{s} = 1 (accepted)", new() { [s] = T.One }, null, []);
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
                    yield return Case(call, $"{name} has length {length} ({(change > 0 ? "+" : "")}{change})", new() { [name] = resized }, typeof(ArgumentException), blame);
                }
            }
    }

    /// <summary>INPUT-EMPTY: the method's own empty inputs and non-positive dimensions.</summary>
    private static IEnumerable<BadCase> Empty(Call[] calls) =>
        calls.SelectMany(call => call.Empty.Select(e => Case(call, e.Label, e.Changes, typeof(ArgumentException), e.Blame)));

    /// <summary>INPUT-TARGET: class indices and tokens outside [0, classes) (ArgumentOutOfRangeException), the ignore index accepted.</summary>
    private static IEnumerable<BadCase> Indices(Call[] calls) =>
        calls.SelectMany(call => call.Indices.Select(e =>
            Case(call, e.Label, e.Changes, e.Blame.Length == 0 ? null : typeof(ArgumentOutOfRangeException), e.Blame)));

    private static BadCase Case(Call call, string label, Args changes, Type? rejects, string[] blame) =>
        new($"{call.Method}: {label}", call, call.Valid.With(changes), rejects, blame);

    // ================================================================== running them

    private void Run(string implementation, IEnumerable<BadCase> cases, [System.Runtime.CompilerServices.CallerMemberName] string test = "")
    {
        foreach (var c in cases)
            Expect(implementation, c.Name, impl => Judge(impl, c), test);
    }

    /// <summary>Every rejected case of every rule, with outputs filled with a sentinel: a call that throws must leave them as they were.</summary>
    private void RunNoWrite(string implementation, Call[] calls, [System.Runtime.CompilerServices.CallerMemberName] string test = "")
    {
        var cases = NonFinite(calls).Concat(Probabilities(calls)).Concat(Lengths(calls)).Concat(Empty(calls)).Concat(Indices(calls))
            .Concat(calls.SelectMany(c => c.Others.Select(o => Case(c, o.Label, o.Changes, o.Rejects, o.Blame))))
            .Where(c => c.Rejects is not null);
        foreach (var c in cases)
            Expect(implementation, c.Name, impl => JudgeNoWrite(impl, c), test);
    }

    private static Verdict Judge(ImplementationUnderTest impl, BadCase c)
    {
        var args = Prepared(c);
        try
        {
            c.Call.Invoke(impl, args);
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
        return c.Rejects is null
            ? Verdict.That(true, "accepted")
            : Verdict.That(false, $"returned normally; expected {c.Rejects.Name} naming {Names(c.Blame)}");
    }

    private static Verdict JudgeNoWrite(ImplementationUnderTest impl, BadCase c)
    {
        var args = Prepared(c);
        try
        {
            c.Call.Invoke(impl, args);
            return Verdict.That(true, "not rejected (the INPUT-* rule's own test reports that); nothing to check here");
        }
        catch (ArgumentException e)
        {
            foreach (var output in c.Call.Outputs)
            {
                var span = args.V(output);
                for (int i = 0; i < span.Length; i++)
                    if (!span[i].Equals(Fp<T>.From(Agreement.Sentinel)))
                        return Verdict.That(false, $"threw {e.GetType().Name} naming '{e.ParamName}' but had written {output}[{i}] = {Show.Number(Fp<T>.ToDouble(span[i]))} (was {Agreement.Sentinel})");
            }
            return Verdict.That(true, $"threw {e.GetType().Name}; outputs untouched");
        }
        catch (Exception e)
        {
            return Verdict.That(true, $"threw {e.GetType().Name} (not a rejection; the INPUT-* rule's own test reports that)");
        }
    }

    /// <summary>A fresh copy of the case's arguments with every output filled with the sentinel.</summary>
    private static Args Prepared(BadCase c)
    {
        var args = c.Args.With();
        foreach (var output in c.Call.Outputs) Array.Fill(args.V(output), Fp<T>.From(Agreement.Sentinel));
        return args;
    }

    private static string Names(string[] names) => string.Join(" or ", names.Select(n => $"'{n}'"));
}
