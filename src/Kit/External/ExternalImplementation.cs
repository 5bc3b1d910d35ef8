using System.Numerics;
using System.Text.Json.Nodes;

namespace LossConformance.Kit.External;

/// <summary>
/// The suites' side of an implementation in another language (spec/protocol.md): every capability
/// method of src/Contract/Capabilities.cs, over float and double, as a call to the child process.
/// This class implements no capability interface itself; <see cref="ExternalImplementations.Connect"/>
/// derives a type at run time that declares exactly the interfaces the handshake names, and the CLR
/// maps each declared interface method to the public virtual method here of the same name and signature.
/// So <c>instance is ISoftmax&lt;float&gt;</c> holds exactly when the implementation said so, and the suites
/// skip the rest with their usual reason.
/// </summary>
public abstract class ExternalImplementation : INamedImplementation, IKnownDeviations, IDisposable
{
    protected ExternalImplementation(ExternalProcess process, string name, IReadOnlyList<KnownDeviation> deviations)
    {
        Process = process;
        Name = name;
        KnownDeviations = deviations;
    }

    public ExternalProcess Process { get; }
    public string Name { get; }
    public IReadOnlyList<KnownDeviation> KnownDeviations { get; }

    public void Dispose()
    {
        GC.SuppressFinalize(this);
        Process.Dispose();
    }

    public override string ToString() => $"{Name} (exec:{Process.Command})";

    // ---- IEntropy, ICrossEntropy, IKlDivergence

    public virtual float Entropy(ReadOnlySpan<float> p)
    {
        InputRules.Distribution(p, nameof(p));
        return Scalar<float>("Entropy", [A("p", p)]);
    }
    public virtual double Entropy(ReadOnlySpan<double> p)
    {
        InputRules.Distribution(p, nameof(p));
        return Scalar<double>("Entropy", [A("p", p)]);
    }
    public virtual float CrossEntropy(ReadOnlySpan<float> p, ReadOnlySpan<float> q)
    {
        InputRules.Distribution(p, nameof(p)); InputRules.Distribution(q, nameof(q)); InputRules.SameLength(p, nameof(p), q, nameof(q));
        return Scalar<float>("CrossEntropy", [A("p", p), A("q", q)]);
    }
    public virtual double CrossEntropy(ReadOnlySpan<double> p, ReadOnlySpan<double> q)
    {
        InputRules.Distribution(p, nameof(p)); InputRules.Distribution(q, nameof(q)); InputRules.SameLength(p, nameof(p), q, nameof(q));
        return Scalar<double>("CrossEntropy", [A("p", p), A("q", q)]);
    }
    public virtual float KlDivergence(ReadOnlySpan<float> p, ReadOnlySpan<float> q)
    {
        InputRules.Distribution(p, nameof(p)); InputRules.Distribution(q, nameof(q)); InputRules.SameLength(p, nameof(p), q, nameof(q));
        return Scalar<float>("KlDivergence", [A("p", p), A("q", q)]);
    }
    public virtual double KlDivergence(ReadOnlySpan<double> p, ReadOnlySpan<double> q)
    {
        InputRules.Distribution(p, nameof(p)); InputRules.Distribution(q, nameof(q)); InputRules.SameLength(p, nameof(p), q, nameof(q));
        return Scalar<double>("KlDivergence", [A("p", p), A("q", q)]);
    }

    // ---- ISoftmax, ISoftmaxJacobian

    public virtual void Softmax(ReadOnlySpan<float> logits, Span<float> probabilities)
    {
        InputRules.Softmax(logits, probabilities, nameof(probabilities));
        Into("Softmax", [A("logits", logits)], "probabilities", probabilities);
    }
    public virtual void Softmax(ReadOnlySpan<double> logits, Span<double> probabilities)
    {
        InputRules.Softmax(logits, probabilities, nameof(probabilities));
        Into("Softmax", [A("logits", logits)], "probabilities", probabilities);
    }
    public virtual void LogSoftmax(ReadOnlySpan<float> logits, Span<float> logProbabilities)
    {
        InputRules.Softmax(logits, logProbabilities, nameof(logProbabilities));
        Into("LogSoftmax", [A("logits", logits)], "logProbabilities", logProbabilities);
    }
    public virtual void LogSoftmax(ReadOnlySpan<double> logits, Span<double> logProbabilities)
    {
        InputRules.Softmax(logits, logProbabilities, nameof(logProbabilities));
        Into("LogSoftmax", [A("logits", logits)], "logProbabilities", logProbabilities);
    }
    public virtual float LogSumExp(ReadOnlySpan<float> logits)
    {
        InputRules.Finite(logits, nameof(logits));
        return Scalar<float>("LogSumExp", [A("logits", logits)]);
    }
    public virtual double LogSumExp(ReadOnlySpan<double> logits)
    {
        InputRules.Finite(logits, nameof(logits));
        return Scalar<double>("LogSumExp", [A("logits", logits)]);
    }
    public virtual void SoftmaxJacobian(ReadOnlySpan<float> logits, Span<float> jacobian)
    {
        InputRules.SoftmaxJacobian(logits, jacobian);
        Into("SoftmaxJacobian", [A("logits", logits)], "jacobian", jacobian);
    }
    public virtual void SoftmaxJacobian(ReadOnlySpan<double> logits, Span<double> jacobian)
    {
        InputRules.SoftmaxJacobian(logits, jacobian);
        Into("SoftmaxJacobian", [A("logits", logits)], "jacobian", jacobian);
    }

    // ---- ISoftmaxCrossEntropy

    public virtual float CrossEntropyFromLogits(ReadOnlySpan<float> target, ReadOnlySpan<float> logits)
    {
        InputRules.CrossEntropyFromLogits(target, logits);
        return Scalar<float>("CrossEntropyFromLogits", [A("target", target), A("logits", logits)]);
    }
    public virtual double CrossEntropyFromLogits(ReadOnlySpan<double> target, ReadOnlySpan<double> logits)
    {
        InputRules.CrossEntropyFromLogits(target, logits);
        return Scalar<double>("CrossEntropyFromLogits", [A("target", target), A("logits", logits)]);
    }
    public virtual void CrossEntropyLogitGradient(ReadOnlySpan<float> target, ReadOnlySpan<float> logits, Span<float> gradient)
    {
        InputRules.LogitGradient(target, logits, gradient);
        Into("CrossEntropyLogitGradient", [A("target", target), A("logits", logits)], "gradient", gradient);
    }
    public virtual void CrossEntropyLogitGradient(ReadOnlySpan<double> target, ReadOnlySpan<double> logits, Span<double> gradient)
    {
        InputRules.LogitGradient(target, logits, gradient);
        Into("CrossEntropyLogitGradient", [A("target", target), A("logits", logits)], "gradient", gradient);
    }
    public virtual void CrossEntropyProbabilityGradient(ReadOnlySpan<float> target, ReadOnlySpan<float> probabilities, Span<float> gradient)
    {
        InputRules.ProbabilityGradient(target, probabilities, gradient);
        Into("CrossEntropyProbabilityGradient", [A("target", target), A("probabilities", probabilities)], "gradient", gradient);
    }
    public virtual void CrossEntropyProbabilityGradient(ReadOnlySpan<double> target, ReadOnlySpan<double> probabilities, Span<double> gradient)
    {
        InputRules.ProbabilityGradient(target, probabilities, gradient);
        Into("CrossEntropyProbabilityGradient", [A("target", target), A("probabilities", probabilities)], "gradient", gradient);
    }

    // ---- IBatchedSoftmaxCrossEntropy (and its in-place marker: the logits are copied into the request before the gradient is written)

    public virtual float ForwardBackward(ReadOnlySpan<float> logits, int classes, ReadOnlySpan<int> targets, int ignoreIndex, LossReduction reduction, Span<float> gradient) =>
        ForwardBackwardOf(logits, classes, targets, ignoreIndex, reduction, gradient);
    public virtual double ForwardBackward(ReadOnlySpan<double> logits, int classes, ReadOnlySpan<int> targets, int ignoreIndex, LossReduction reduction, Span<double> gradient) =>
        ForwardBackwardOf(logits, classes, targets, ignoreIndex, reduction, gradient);

    private T ForwardBackwardOf<T>(ReadOnlySpan<T> logits, int classes, ReadOnlySpan<int> targets, int ignoreIndex, LossReduction reduction, Span<T> gradient)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        InputRules.BatchedCrossEntropy(logits, classes, targets, ignoreIndex, reduction, gradient, allowInPlace: true);   // on the .NET side, before anything is sent
        var scalars = new JsonObject { ["classes"] = classes, ["ignoreIndex"] = ignoreIndex, ["reduction"] = (int)reduction };
        var reply = Invoke<T>("ForwardBackward", scalars, [A("logits", logits), A("targets", targets)]);
        var g = Output<T>(reply, "gradient", gradient.Length);
        T loss = Result<T>(reply);
        g.CopyTo(gradient);
        return loss;
    }

    // ---- IBinaryCrossEntropy (scalars travel as one-element arrays: bit-exact)

    public virtual float BinaryCrossEntropyWithLogit(float logit, float target)
    {
        InputRules.Finite(logit, nameof(logit)); InputRules.Probability(target, nameof(target));
        return Scalar<float>("BinaryCrossEntropyWithLogit", [A("logit", [logit]), A("target", [target])]);
    }
    public virtual double BinaryCrossEntropyWithLogit(double logit, double target)
    {
        InputRules.Finite(logit, nameof(logit)); InputRules.Probability(target, nameof(target));
        return Scalar<double>("BinaryCrossEntropyWithLogit", [A("logit", [logit]), A("target", [target])]);
    }
    public virtual float BinaryCrossEntropyLogitGradient(float logit, float target)
    {
        InputRules.Finite(logit, nameof(logit)); InputRules.Probability(target, nameof(target));
        return Scalar<float>("BinaryCrossEntropyLogitGradient", [A("logit", [logit]), A("target", [target])]);
    }
    public virtual double BinaryCrossEntropyLogitGradient(double logit, double target)
    {
        InputRules.Finite(logit, nameof(logit)); InputRules.Probability(target, nameof(target));
        return Scalar<double>("BinaryCrossEntropyLogitGradient", [A("logit", [logit]), A("target", [target])]);
    }

    // ---- ILinearLayer

    public virtual void Forward(ReadOnlySpan<float> x, ReadOnlySpan<float> weights, ReadOnlySpan<float> bias, Span<float> logits)
    {
        InputRules.LinearForward(x, weights, bias, logits);
        Into("LinearForward", [A("x", x), A("weights", weights), A("bias", bias)], "logits", logits);
    }
    public virtual void Forward(ReadOnlySpan<double> x, ReadOnlySpan<double> weights, ReadOnlySpan<double> bias, Span<double> logits)
    {
        InputRules.LinearForward(x, weights, bias, logits);
        Into("LinearForward", [A("x", x), A("weights", weights), A("bias", bias)], "logits", logits);
    }

    public virtual float LossAndGradients(ReadOnlySpan<float> x, ReadOnlySpan<float> weights, ReadOnlySpan<float> bias, ReadOnlySpan<float> target,
                                          Span<float> weightGradient, Span<float> biasGradient)
    {
        InputRules.LinearLayerLoss(x, weights, bias, target, weightGradient, biasGradient);
        return TwoGradients("LinearLossAndGradients", [], [A("x", x), A("weights", weights), A("bias", bias), A("target", target)], weightGradient, biasGradient);
    }
    public virtual double LossAndGradients(ReadOnlySpan<double> x, ReadOnlySpan<double> weights, ReadOnlySpan<double> bias, ReadOnlySpan<double> target,
                                           Span<double> weightGradient, Span<double> biasGradient)
    {
        InputRules.LinearLayerLoss(x, weights, bias, target, weightGradient, biasGradient);
        return TwoGradients("LinearLossAndGradients", [], [A("x", x), A("weights", weights), A("bias", bias), A("target", target)], weightGradient, biasGradient);
    }

    // ---- ISequenceLoss

    public virtual float LossAndGradients(ReadOnlySpan<int> tokens, int vocabulary, ReadOnlySpan<float> weights, ReadOnlySpan<float> bias, float lambda,
                                          Span<float> weightGradient, Span<float> biasGradient)
    {
        InputRules.SequenceLoss(tokens, vocabulary, weights, bias, lambda, weightGradient, biasGradient);
        return TwoGradients("SequenceLossAndGradients", new JsonObject { ["vocabulary"] = vocabulary },
                     [A("tokens", tokens), A("weights", weights), A("bias", bias), A("lambda", [lambda])], weightGradient, biasGradient);
    }
    public virtual double LossAndGradients(ReadOnlySpan<int> tokens, int vocabulary, ReadOnlySpan<double> weights, ReadOnlySpan<double> bias, double lambda,
                                           Span<double> weightGradient, Span<double> biasGradient)
    {
        InputRules.SequenceLoss(tokens, vocabulary, weights, bias, lambda, weightGradient, biasGradient);
        return TwoGradients("SequenceLossAndGradients", new JsonObject { ["vocabulary"] = vocabulary },
                     [A("tokens", tokens), A("weights", weights), A("bias", bias), A("lambda", [lambda])], weightGradient, biasGradient);
    }

    // ---- the calls

    private static FrameArray A<TElement>(string name, ReadOnlySpan<TElement> values) where TElement : unmanaged => FrameArray.Of(name, values);

    private T Scalar<T>(string method, FrameArray[] arrays) where T : unmanaged, IFloatingPointIeee754<T> =>
        Result<T>(Invoke<T>(method, [], arrays));

    private void Into<T>(string method, FrameArray[] arrays, string outputName, Span<T> output) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var reply = Invoke<T>(method, [], arrays);
        Output<T>(reply, outputName, output.Length).CopyTo(output);
    }

    private T TwoGradients<T>(string method, JsonObject scalars, FrameArray[] arrays, Span<T> weightGradient, Span<T> biasGradient)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var reply = Invoke<T>(method, scalars, arrays);
        var w = Output<T>(reply, "weightGradient", weightGradient.Length);
        var b = Output<T>(reply, "biasGradient", biasGradient.Length);
        T loss = Result<T>(reply);
        w.CopyTo(weightGradient);   // only once every output is known to fit (INPUT-NO-WRITE)
        b.CopyTo(biasGradient);
        return loss;
    }

    /// <summary>Sends the call; an error reply becomes the exception the contract names for it.</summary>
    private Frame Invoke<T>(string method, JsonObject scalars, FrameArray[] arrays) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var reply = Process.Call(method, Frame.TypeName<T>(), scalars, arrays);
        if (reply.Header["ok"]?.GetValue<bool>() == true) return reply;
        var error = reply.Header["error"] as JsonObject;
        string kind = (string?)error?["kind"] ?? "internal";
        string param = (string?)error?["param"] ?? "";
        string message = $"{(string?)error?["message"] ?? "(no message)"} [{Name}: {method}]";
        throw kind switch
        {
            "invalid_argument" => new ArgumentException(message, param),
            "out_of_range" => new ArgumentOutOfRangeException(param, message),
            "unavailable" => new ImplementationUnavailableException($"{Name} (exec:{Process.Command}) is unavailable: {message}"),
            _ => new ExternalInternalError($"{Name} failed inside {method} ({kind}): {message}"),
        };
    }

    /// <summary>
    /// The output array of the reply. Its length is the implementation's; a caller's span of another
    /// length is the caller's bad argument (INPUT-LENGTH), named after the output parameter.
    /// </summary>
    private ReadOnlySpan<T> Output<T>(Frame reply, string name, int spanLength) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var array = reply.Array(name) ?? throw new ExternalImplementationException(
            $"{Name} (exec:{Process.Command}) replied without the output array '{name}' (arrays: {string.Join(", ", reply.Arrays.Select(a => a.Name))}).");
        var values = array.As<T>();
        if (values.Length != spanLength)
            throw new ArgumentException($"{name} has length {spanLength}; the implementation computed {values.Length} values (INPUT-LENGTH).", name);
        return values;
    }

    private T Result<T>(Frame reply) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var array = reply.Array("result");
        return array is not null && array.Count == 1 ? array.As<T>()[0]
            : throw new ExternalImplementationException($"{Name} (exec:{Process.Command}) replied without a one-element 'result' array.");
    }
}

/// <summary>The implementation reported an internal error (an exception it did not classify): a wrong result, not a skip.</summary>
public sealed class ExternalInternalError(string message) : Exception(message);
