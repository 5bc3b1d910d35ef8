using LossConformance.Reference;

namespace LossConformance.SelfTests.Mutants;

// Realistic mistakes in softmax, its Jacobian, the softmax-cross-entropy gradients, the linear
// layer and the sequence loss (spec/softmax.md, softmax-cross-entropy.md, linear-layer.md,
// sequence-loss.md). Each overrides one capability of the reference; MutantsAreCaught requires a
// suite test citing every clause in [Breaks] to fail on it.

// ---- softmax ----

/// <summary>Jacobian with the sign flipped: ŷŷᵀ − diag ŷ (negative semidefinite).</summary>
[Breaks("SMAX-JACOBIAN", "SMAX-JACOBIAN-PSD")]
public sealed class JacobianSignFlipped : Mutant
{
    public override void SoftmaxJacobian(ReadOnlySpan<double> logits, Span<double> jacobian)
    {
        Ref.SoftmaxJacobian(logits, jacobian);
        for (int k = 0; k < jacobian.Length; k++) jacobian[k] = -jacobian[k];
    }
}

/// <summary>Jacobian without the diagonal term: −ŷŷᵀ (rows sum to −ŷᵢ, not PSD).</summary>
[Breaks("SMAX-JACOBIAN", "SMAX-JACOBIAN-PSD")]
public sealed class JacobianWithoutDiagonalTerm : Mutant
{
    public override void SoftmaxJacobian(ReadOnlySpan<double> logits, Span<double> jacobian)
    {
        int n = logits.Length;
        var y = new double[n];
        Ref.Softmax(logits, y);
        Ref.SoftmaxJacobian(logits, jacobian);   // validates
        for (int i = 0; i < n; i++)
            for (int j = 0; j < n; j++)
                jacobian[i * n + j] = -y[i] * y[j];
    }
}

/// <summary>Claim 5.7 misread: diagonal ŷᵢ instead of ŷᵢ(1 − ŷᵢ) (rows sum to ŷᵢ²).</summary>
[Breaks("SMAX-JACOBIAN", "SMAX-JACOBIAN-PSD")]
public sealed class JacobianDiagonalWithoutSquare : Mutant
{
    public override void SoftmaxJacobian(ReadOnlySpan<double> logits, Span<double> jacobian)
    {
        int n = logits.Length;
        var y = new double[n];
        Ref.Softmax(logits, y);
        Ref.SoftmaxJacobian(logits, jacobian);
        for (int i = 0; i < n; i++) jacobian[i * n + i] = y[i];
    }
}

/// <summary>Overflow "fixed" by clamping logits to [−80, 80] instead of subtracting the maximum: not shift invariant.</summary>
[Breaks("SMAX-SHIFT", "SMAX-DEF", "SMAX-LARGE")]
public sealed class SoftmaxWithClampedLogits : Mutant
{
    public override void Softmax(ReadOnlySpan<double> logits, Span<double> probabilities)
    {
        Ref.Softmax(logits, probabilities);   // validates
        double s = 0;
        for (int i = 0; i < logits.Length; i++) s += Math.Exp(Math.Clamp(logits[i], -80, 80));
        for (int i = 0; i < logits.Length; i++) probabilities[i] = Math.Exp(Math.Clamp(logits[i], -80, 80)) / s;
    }
}

/// <summary>Online softmax without the final rescale: entry i is normalised by the running maximum and sum of z₀ … zᵢ.</summary>
[Breaks("SMAX-ORDER", "SMAX-DEF", "SMAX-SIMPLEX")]
public sealed class OnlineSoftmaxWithoutRescale : Mutant
{
    public override void Softmax(ReadOnlySpan<double> logits, Span<double> probabilities)
    {
        Ref.Softmax(logits, probabilities);   // validates
        double m = double.NegativeInfinity, s = 0;
        for (int i = 0; i < logits.Length; i++)
        {
            if (logits[i] > m) { s = s * Math.Exp(m - logits[i]) + 1; m = logits[i]; }
            else s += Math.Exp(logits[i] - m);
            probabilities[i] = Math.Exp(logits[i] - m) / s;
        }
    }
}

/// <summary>Log-softmax as ln(softmax z): −∞ where ŷᵢ underflows.</summary>
[Breaks("SMAX-LOG", "SMAX-LARGE")]
public sealed class LogSoftmaxAsLnOfSoftmax : Mutant
{
    public override void LogSoftmax(ReadOnlySpan<double> logits, Span<double> logProbabilities)
    {
        Ref.Softmax(logits, logProbabilities);
        for (int i = 0; i < logits.Length; i++) logProbabilities[i] = Math.Log(logProbabilities[i]);
    }
}

/// <summary>logsumexp without the shift: ln Σ exp zⱼ overflows above 709.78 and is −∞ below −745.</summary>
[Breaks("SMAX-LOG", "SMAX-LARGE", "SMAX-SHIFT")]
public sealed class LogSumExpWithoutShift : Mutant
{
    public override double LogSumExp(ReadOnlySpan<double> logits)
    {
        Ref.LogSumExp(logits);   // validates
        double s = 0;
        foreach (double z in logits) s += Math.Exp(z);
        return Math.Log(s);
    }
}

// ---- cross-entropy from logits ----

/// <summary>−Σ yᵢ ln softmax(z)ᵢ through the probabilities: +∞ where the target's probability underflows.</summary>
[Breaks("XENT-LOGITS")]
public sealed class CrossEntropyFromLogitsThroughProbabilities : Mutant
{
    public override double CrossEntropyFromLogits(ReadOnlySpan<double> target, ReadOnlySpan<double> logits)
    {
        Ref.CrossEntropyFromLogits(target, logits);   // validates
        var y = new double[logits.Length];
        Ref.Softmax(logits, y);
        double sum = 0;
        for (int i = 0; i < y.Length; i++) if (target[i] > 0) sum -= target[i] * Math.Log(y[i]);
        return sum;
    }
}

// ---- gradients ----

/// <summary>∂L/∂ŷ as for a hard label: −1/ŷᵢ wherever yᵢ &gt; 0, dropping the weight yᵢ.</summary>
[Breaks("GRAD-PROB")]
public sealed class ProbabilityGradientAsHardLabel : Mutant
{
    public override void CrossEntropyProbabilityGradient(ReadOnlySpan<double> target, ReadOnlySpan<double> probabilities, Span<double> gradient)
    {
        Ref.CrossEntropyProbabilityGradient(target, probabilities, gradient);
        for (int i = 0; i < target.Length; i++) gradient[i] = target[i] > 0 ? -1 / probabilities[i] : 0;
    }
}

/// <summary>Gradient with the sign flipped: y − ŷ (ascends the loss).</summary>
[Breaks("GRAD-LOGITS", "GRAD-GENERAL")]
public sealed class LogitGradientSignFlipped : Mutant
{
    public override void CrossEntropyLogitGradient(ReadOnlySpan<double> target, ReadOnlySpan<double> logits, Span<double> gradient)
    {
        Ref.CrossEntropyLogitGradient(target, logits, gradient);
        for (int i = 0; i < gradient.Length; i++) gradient[i] = -gradient[i];
    }
}

/// <summary>The shortcut ŷ − y for every target, ignoring Σy (right only for Σy = 1).</summary>
[Breaks("GRAD-GENERAL", "GRAD-SUM-ZERO")]
public sealed class LogitGradientIgnoringTargetMass : Mutant
{
    public override void CrossEntropyLogitGradient(ReadOnlySpan<double> target, ReadOnlySpan<double> logits, Span<double> gradient)
    {
        Ref.CrossEntropyLogitGradient(target, logits, gradient);   // validates
        Ref.Softmax(logits, gradient);
        for (int i = 0; i < gradient.Length; i++) gradient[i] -= target[i];
    }
}

/// <summary>Gradient from unnormalised exponentials: (Σy)·exp(z − m) − y (the division by Σ exp forgotten).</summary>
[Breaks("GRAD-LOGITS", "GRAD-SUM-ZERO")]
public sealed class LogitGradientWithoutNormalisation : Mutant
{
    public override void CrossEntropyLogitGradient(ReadOnlySpan<double> target, ReadOnlySpan<double> logits, Span<double> gradient)
    {
        Ref.CrossEntropyLogitGradient(target, logits, gradient);   // validates
        double m = double.NegativeInfinity, mass = 0;
        foreach (double z in logits) m = Math.Max(m, z);
        foreach (double y in target) mass += y;
        for (int i = 0; i < gradient.Length; i++) gradient[i] = mass * Math.Exp(logits[i] - m) - target[i];
    }
}

/// <summary>Binary gradient σ(z) + y.</summary>
[Breaks("GRAD-BINARY")]
public sealed class BinaryGradientPlusTarget : Mutant
{
    public override double BinaryCrossEntropyLogitGradient(double logit, double target) =>
        Ref.BinaryCrossEntropyLogitGradient(logit, target) + 2 * target;
}

/// <summary>Binary gradient with 1 − σ(z) in place of σ(z).</summary>
[Breaks("GRAD-BINARY")]
public sealed class BinaryGradientOneMinusSigmoid : Mutant
{
    public override double BinaryCrossEntropyLogitGradient(double logit, double target) =>
        1 - (Ref.BinaryCrossEntropyLogitGradient(logit, target) + target) - target;
}

/// <summary>Binary cross-entropy through σ: −y ln σ − (1 − y) ln(1 − σ) is ∞ or NaN once σ rounds to 0 or 1.</summary>
[Breaks("GRAD-BINARY")]
public sealed class BinaryLossThroughProbability : Mutant
{
    public override double BinaryCrossEntropyWithLogit(double logit, double target)
    {
        Ref.BinaryCrossEntropyWithLogit(logit, target);   // validates
        double s = 1 / (1 + Math.Exp(-logit));
        return -target * Math.Log(s) - (1 - target) * Math.Log(1 - s);
    }
}

// ---- batched, fused ----

/// <summary>Mean divided by all rows instead of the counted ones.</summary>
[Breaks("GRAD-MEAN", "GRAD-IGNORE")]
public sealed class BatchedMeanOverAllRows : Mutant
{
    public override double ForwardBackward(ReadOnlySpan<double> logits, int classes, ReadOnlySpan<int> targets, int ignoreIndex, LossReduction reduction, Span<double> gradient)
    {
        double loss = Ref.ForwardBackward(logits, classes, targets, ignoreIndex, LossReduction.Sum, gradient);
        if (reduction == LossReduction.Sum) return loss;
        int rows = targets.Length;
        for (int k = 0; k < gradient.Length; k++) gradient[k] /= rows;
        return loss / rows;
    }
}

/// <summary>Only negative targets treated as ignored: an in-range ignore index is counted as a class.</summary>
[Breaks("GRAD-IGNORE")]
public sealed class BatchedIgnoringOnlyNegativeTargets : Mutant
{
    public override double ForwardBackward(ReadOnlySpan<double> logits, int classes, ReadOnlySpan<int> targets, int ignoreIndex, LossReduction reduction, Span<double> gradient) =>
        Ref.ForwardBackward(logits, classes, targets, ignoreIndex < 0 ? ignoreIndex : int.MinValue, reduction, gradient);
}

/// <summary>Mean over zero counted rows computed as 0/0 = NaN (PyTorch's choice, not the spec's).</summary>
[Breaks("GRAD-ALL-IGNORED")]
public sealed class BatchedAllIgnoredIsNaN : Mutant
{
    public override double ForwardBackward(ReadOnlySpan<double> logits, int classes, ReadOnlySpan<int> targets, int ignoreIndex, LossReduction reduction, Span<double> gradient)
    {
        double loss = Ref.ForwardBackward(logits, classes, targets, ignoreIndex, reduction, gradient);
        int counted = 0;
        foreach (int t in targets) if (t != ignoreIndex) counted++;
        return reduction == LossReduction.Mean && counted == 0 ? 0.0 / counted : loss;
    }
}

/// <summary>Ignored rows get the softmax as gradient (the one-hot subtraction skipped, the row not zeroed).</summary>
[Breaks("GRAD-IGNORE")]
public sealed class BatchedIgnoredRowsGetSoftmax : Mutant
{
    public override double ForwardBackward(ReadOnlySpan<double> logits, int classes, ReadOnlySpan<int> targets, int ignoreIndex, LossReduction reduction, Span<double> gradient)
    {
        double loss = Ref.ForwardBackward(logits, classes, targets, ignoreIndex, reduction, gradient);
        int counted = 0;
        foreach (int t in targets) if (t != ignoreIndex) counted++;
        double scale = reduction == LossReduction.Mean && counted > 0 ? 1.0 / counted : 1;
        for (int r = 0; r < targets.Length; r++)
        {
            if (targets[r] != ignoreIndex) continue;
            var g = gradient.Slice(r * classes, classes);
            Ref.Softmax(logits.Slice(r * classes, classes), g);
            for (int i = 0; i < classes; i++) g[i] *= scale;
        }
        return loss;
    }
}

/// <summary>Fused loss as −ln of the computed probability of the target: +∞ where it underflows (the unfused path is right).</summary>
[Breaks("GRAD-FUSED")]
public sealed class FusedLossFromLnOfSoftmax : Mutant
{
    public override double ForwardBackward(ReadOnlySpan<double> logits, int classes, ReadOnlySpan<int> targets, int ignoreIndex, LossReduction reduction, Span<double> gradient)
    {
        Ref.ForwardBackward(logits, classes, targets, ignoreIndex, reduction, gradient);
        var y = new double[classes];
        double loss = 0;
        int counted = 0;
        for (int r = 0; r < targets.Length; r++)
        {
            if (targets[r] == ignoreIndex) continue;
            Ref.Softmax(logits.Slice(r * classes, classes), y);
            loss -= Math.Log(y[targets[r]]);
            counted++;
        }
        return reduction == LossReduction.Mean ? (counted == 0 ? 0 : loss / counted) : loss;
    }
}

// ---- linear layer ----

/// <summary>Forward as z = Wx + b, reading W as n × m (the note's W·x with the declared [m, n] shape).</summary>
[Breaks("LIN-SHAPE")]
public sealed class LinearForwardTransposed : Mutant
{
    public override void Forward(ReadOnlySpan<double> x, ReadOnlySpan<double> weights, ReadOnlySpan<double> bias, Span<double> logits)
    {
        Ref.Forward(x, weights, bias, logits);   // validates
        int m = x.Length, n = bias.Length;
        for (int j = 0; j < n; j++)
        {
            double s = bias[j];
            for (int i = 0; i < m; i++) s += weights[j * m + i] * x[i];
            logits[j] = s;
        }
    }
}

/// <summary>Weight gradient (ŷ − y)xᵀ written as n × m: the transposed layout.</summary>
[Breaks("LIN-GRAD-W")]
public sealed class WeightGradientInTransposedLayout : Mutant
{
    public override double LossAndGradients(ReadOnlySpan<double> x, ReadOnlySpan<double> weights, ReadOnlySpan<double> bias, ReadOnlySpan<double> target, Span<double> weightGradient, Span<double> biasGradient)
    {
        double loss = Ref.LossAndGradients(x, weights, bias, target, weightGradient, biasGradient);
        int m = x.Length, n = bias.Length;
        for (int i = 0; i < m; i++)
            for (int j = 0; j < n; j++)
                weightGradient[j * m + i] = x[i] * biasGradient[j];
        return loss;
    }
}

/// <summary>Bias gradient never written (left 0).</summary>
[Breaks("LIN-GRAD-B")]
public sealed class LinearWithoutBiasGradient : Mutant
{
    public override double LossAndGradients(ReadOnlySpan<double> x, ReadOnlySpan<double> weights, ReadOnlySpan<double> bias, ReadOnlySpan<double> target, Span<double> weightGradient, Span<double> biasGradient)
    {
        double loss = Ref.LossAndGradients(x, weights, bias, target, weightGradient, biasGradient);
        biasGradient.Clear();
        return loss;
    }
}

/// <summary>Both gradients with the sign flipped, y − ŷ: a step along them raises the loss.</summary>
[Breaks("LIN-GRAD-W", "LIN-GRAD-B", "LIN-STEP")]
public sealed class LinearGradientSignFlipped : Mutant
{
    public override double LossAndGradients(ReadOnlySpan<double> x, ReadOnlySpan<double> weights, ReadOnlySpan<double> bias, ReadOnlySpan<double> target, Span<double> weightGradient, Span<double> biasGradient)
    {
        double loss = Ref.LossAndGradients(x, weights, bias, target, weightGradient, biasGradient);
        for (int k = 0; k < weightGradient.Length; k++) weightGradient[k] = -weightGradient[k];
        for (int j = 0; j < biasGradient.Length; j++) biasGradient[j] = -biasGradient[j];
        return loss;
    }
}

/// <summary>Loss returned without its minus sign, Σ yⱼ ln ŷⱼ (concave: Jensen's inequality reverses).</summary>
[Breaks("SEQ-DROPOUT", "LIN-STEP", "LIN-GRAD-W")]
public sealed class LinearLossWithoutMinus : Mutant
{
    public override double LossAndGradients(ReadOnlySpan<double> x, ReadOnlySpan<double> weights, ReadOnlySpan<double> bias, ReadOnlySpan<double> target, Span<double> weightGradient, Span<double> biasGradient) =>
        -Ref.LossAndGradients(x, weights, bias, target, weightGradient, biasGradient);
}

/// <summary>Loss and gradients of z = b: the input term Wᵀx dropped, so x (and dropout on it) changes nothing.</summary>
[Breaks("SEQ-DROPOUT", "LIN-GRAD-W")]
public sealed class LinearLossIgnoringInput : Mutant
{
    public override double LossAndGradients(ReadOnlySpan<double> x, ReadOnlySpan<double> weights, ReadOnlySpan<double> bias, ReadOnlySpan<double> target, Span<double> weightGradient, Span<double> biasGradient)
    {
        Ref.LossAndGradients(x, weights, bias, target, weightGradient, biasGradient);   // validates
        weightGradient.Clear();
        Ref.CrossEntropyLogitGradient(target, bias, biasGradient);
        return Ref.CrossEntropyFromLogits(target, bias);
    }
}

// ---- sequence loss ----

/// <summary>Sum over tokens instead of the mean: loss and gradient T times too large.</summary>
[Breaks("SEQ-DEF", "SEQ-GRAD")]
public sealed class SequenceLossWithoutOneOverT : Mutant
{
    public override double LossAndGradients(ReadOnlySpan<int> tokens, int vocabulary, ReadOnlySpan<double> weights, ReadOnlySpan<double> bias, double lambda, Span<double> weightGradient, Span<double> biasGradient)
    {
        double loss = Ref.LossAndGradients(tokens, vocabulary, weights, bias, lambda, weightGradient, biasGradient);
        int steps = tokens.Length - 1;
        double penalty = 0;
        for (int k = 0; k < weights.Length; k++)
        {
            penalty += 0.5 * lambda * weights[k] * weights[k];
            weightGradient[k] = (weightGradient[k] - lambda * weights[k]) * steps + lambda * weights[k];
        }
        for (int j = 0; j < biasGradient.Length; j++) biasGradient[j] *= steps;
        return (loss - penalty) * steps + penalty;
    }
}

/// <summary>L2 gradient 2λW for the penalty λ·½‖W‖² (the ½ forgotten in the derivative).</summary>
[Breaks("SEQ-L2", "SEQ-GRAD")]
public sealed class SequenceL2GradientTwiceLambda : Mutant
{
    public override double LossAndGradients(ReadOnlySpan<int> tokens, int vocabulary, ReadOnlySpan<double> weights, ReadOnlySpan<double> bias, double lambda, Span<double> weightGradient, Span<double> biasGradient)
    {
        double loss = Ref.LossAndGradients(tokens, vocabulary, weights, bias, lambda, weightGradient, biasGradient);
        for (int k = 0; k < weights.Length; k++) weightGradient[k] += lambda * weights[k];
        return loss;
    }
}

/// <summary>The bias regularised too: λ·½‖b‖² in the loss and λb in ∂L/∂b.</summary>
[Breaks("SEQ-L2", "SEQ-DEF")]
public sealed class SequenceL2OnBiasToo : Mutant
{
    public override double LossAndGradients(ReadOnlySpan<int> tokens, int vocabulary, ReadOnlySpan<double> weights, ReadOnlySpan<double> bias, double lambda, Span<double> weightGradient, Span<double> biasGradient)
    {
        double loss = Ref.LossAndGradients(tokens, vocabulary, weights, bias, lambda, weightGradient, biasGradient);
        for (int j = 0; j < bias.Length; j++)
        {
            loss += 0.5 * lambda * bias[j] * bias[j];
            biasGradient[j] += lambda * bias[j];
        }
        return loss;
    }
}

/// <summary>Free running instead of teacher forcing: after x₀, each context is the model's own argmax prediction.</summary>
[Breaks("SEQ-TEACHER-FORCING", "SEQ-DEF")]
public sealed class SequenceFreeRunning : Mutant
{
    public override double LossAndGradients(ReadOnlySpan<int> tokens, int vocabulary, ReadOnlySpan<double> weights, ReadOnlySpan<double> bias, double lambda, Span<double> weightGradient, Span<double> biasGradient)
    {
        Ref.LossAndGradients(tokens, vocabulary, weights, bias, lambda, weightGradient, biasGradient);   // validates
        int v = vocabulary, steps = tokens.Length - 1;
        weightGradient.Clear();
        biasGradient.Clear();
        var z = new double[v];
        var y = new double[v];
        var g = new double[v];
        double nll = 0;
        int context = tokens[0];
        for (int t = 1; t <= steps; t++)
        {
            for (int j = 0; j < v; j++) z[j] = weights[context * v + j] + bias[j];
            Array.Clear(y);
            y[tokens[t]] = 1;
            nll += Ref.CrossEntropyFromLogits(y, z);
            Ref.CrossEntropyLogitGradient(y, z, g);
            for (int j = 0; j < v; j++)
            {
                weightGradient[context * v + j] += g[j] / steps;
                biasGradient[j] += g[j] / steps;
            }
            int next = 0;
            for (int j = 1; j < v; j++) if (z[j] > z[next]) next = j;
            context = next;   // the model's own prediction, not the gold tokens[t]
        }
        double penalty = 0;
        for (int k = 0; k < weights.Length; k++)
        {
            penalty += 0.5 * lambda * weights[k] * weights[k];
            weightGradient[k] += lambda * weights[k];
        }
        return nll / steps + penalty;
    }
}

/// <summary>Token t's error accumulated into row xₜ (the target) instead of row x_{t−1} (the context).</summary>
[Breaks("SEQ-GRAD")]
public sealed class SequenceGradientIntoTargetRow : Mutant
{
    public override double LossAndGradients(ReadOnlySpan<int> tokens, int vocabulary, ReadOnlySpan<double> weights, ReadOnlySpan<double> bias, double lambda, Span<double> weightGradient, Span<double> biasGradient)
    {
        double loss = Ref.LossAndGradients(tokens, vocabulary, weights, bias, lambda, weightGradient, biasGradient);
        int v = vocabulary, steps = tokens.Length - 1;
        for (int k = 0; k < weights.Length; k++) weightGradient[k] = lambda * weights[k];
        var z = new double[v];
        var y = new double[v];
        var g = new double[v];
        for (int t = 1; t <= steps; t++)
        {
            for (int j = 0; j < v; j++) z[j] = weights[tokens[t - 1] * v + j] + bias[j];
            Array.Clear(y);
            y[tokens[t]] = 1;
            Ref.CrossEntropyLogitGradient(y, z, g);
            for (int j = 0; j < v; j++) weightGradient[tokens[t] * v + j] += g[j] / steps;
        }
        return loss;
    }
}
