using LossConformance.Reference;

namespace LossConformance.SelfTests.Mutants;

// Mistakes the conformance suites (tests/Conformance) must catch: broken input rules
// (BadInputConformance), fused kernels that disagree with their decomposition (FusedConformance),
// gradients that disagree with their own loss (GradientConformance) and softmax outputs that are
// not normalised well enough to be fed back (AccuracyConformance).

/// <summary>Softmax that checks lengths but not finiteness: NaN or ±∞ in the logits comes back as NaN instead of an ArgumentException.</summary>
[Breaks("INPUT-NAN")]
public sealed class SoftmaxThatPassesNaNThrough : Mutant
{
    public override void Softmax(ReadOnlySpan<double> logits, Span<double> probabilities)
    {
        InputRules.NonEmpty(logits, nameof(logits));
        InputRules.Length<double>(probabilities, logits.Length, nameof(probabilities));
        double m = double.NegativeInfinity, s = 0;
        foreach (double z in logits) m = Math.Max(m, z);
        for (int i = 0; i < logits.Length; i++) s += probabilities[i] = Math.Exp(logits[i] - m);
        for (int i = 0; i < logits.Length; i++) probabilities[i] /= s;
    }
}

/// <summary>Entropy that accepts Σp = 1 within a fixed 1e-6 instead of τ(n) = (2n + 8)u: unnormalised input gets through.</summary>
[Breaks("INPUT-PROB")]
public sealed class EntropyWithAFixedNormalisationTolerance : Mutant
{
    public override double Entropy(ReadOnlySpan<double> p)
    {
        InputRules.NonEmpty(p, nameof(p));
        double sum = 0, h = 0;
        foreach (double v in p)
        {
            if (!double.IsFinite(v) || v < 0 || v > 1) throw new ArgumentException($"{v} is not a probability.", nameof(p));
            sum += v;
            if (v > 0) h -= v * Math.Log(v);
        }
        if (Math.Abs(sum - 1) > 1e-6) throw new ArgumentException($"p sums to {sum}.", nameof(p));
        return h;
    }
}

/// <summary>Cross-entropy that checks each input but not that their lengths agree, and sums over the shorter one.</summary>
[Breaks("INPUT-LENGTH")]
public sealed class CrossEntropyThatTruncatesToTheShorterInput : Mutant
{
    public override double CrossEntropy(ReadOnlySpan<double> p, ReadOnlySpan<double> q)
    {
        InputRules.Distribution(p, nameof(p));
        InputRules.Distribution(q, nameof(q));
        double h = 0;
        for (int i = 0; i < Math.Min(p.Length, q.Length); i++)
        {
            if (p[i] == 0) continue;
            if (q[i] == 0) return double.PositiveInfinity;
            h -= p[i] * Math.Log(q[i]);
        }
        return h;
    }
}

/// <summary>logsumexp that checks finiteness entry by entry but not emptiness: the empty vector gives max = −∞ and ln 0 = −∞.</summary>
[Breaks("INPUT-EMPTY")]
public sealed class LogSumExpOfNothingIsMinusInfinity : Mutant
{
    public override double LogSumExp(ReadOnlySpan<double> logits)
    {
        foreach (double z in logits)
            if (!double.IsFinite(z)) throw new ArgumentException($"{z} is not finite.", nameof(logits));
        double m = double.NegativeInfinity, s = 0;
        foreach (double z in logits) m = Math.Max(m, z);
        foreach (double z in logits) s += Math.Exp(z - m);
        return m + Math.Log(s);
    }
}

/// <summary>Batched kernel that checks targets against classes but forgets negative ones: −1 indexes out of the row (IndexOutOfRangeException).</summary>
[Breaks("INPUT-TARGET")]
public sealed class BatchedThatChecksOnlyTheUpperBound : Mutant
{
    public override double ForwardBackward(ReadOnlySpan<double> logits, int classes, ReadOnlySpan<int> targets, int ignoreIndex, LossReduction reduction, Span<double> gradient)
    {
        InputRules.Positive(classes, nameof(classes));
        InputRules.Finite(logits, nameof(logits));
        if (logits.Length % classes != 0) throw new ArgumentException("not a multiple of classes", nameof(logits));
        InputRules.Length(targets, logits.Length / classes, nameof(targets));
        foreach (int t in targets)
            if (t != ignoreIndex && t >= classes) throw new ArgumentOutOfRangeException(nameof(targets), t, "class index too large");
        InputRules.Length<double>(gradient, logits.Length, nameof(gradient));

        double loss = 0;
        int counted = 0;
        var logProbabilities = new double[classes];
        for (int r = 0; r < targets.Length; r++)
        {
            var z = logits.Slice(r * classes, classes);
            var g = gradient.Slice(r * classes, classes);
            int t = targets[r];
            if (t == ignoreIndex) { g.Clear(); continue; }
            Ref.LogSoftmax(z, logProbabilities);
            loss -= logProbabilities[t];   // t = −1: IndexOutOfRangeException
            Ref.Softmax(z, g);
            g[t] -= 1;
            counted++;
        }
        if (reduction == LossReduction.Sum) return loss;
        if (counted == 0) return 0;
        for (int i = 0; i < gradient.Length; i++) gradient[i] /= counted;
        return loss / counted;
    }
}

/// <summary>∂L/∂z that writes ŷ into the gradient before it checks the target: a negative or NaN target is rejected after the output changed.</summary>
[Breaks("INPUT-NO-WRITE")]
public sealed class LogitGradientThatWritesBeforeValidating : Mutant
{
    public override void CrossEntropyLogitGradient(ReadOnlySpan<double> target, ReadOnlySpan<double> logits, Span<double> gradient)
    {
        InputRules.Finite(logits, nameof(logits));
        InputRules.Length<double>(gradient, logits.Length, nameof(gradient));
        Ref.Softmax(logits, gradient);   // written before the target is looked at
        InputRules.NonNegativeWeights(target, nameof(target));
        InputRules.SameLength(target, nameof(target), logits, nameof(logits));
        double mass = 0;
        foreach (double y in target) mass += y;
        for (int i = 0; i < gradient.Length; i++) gradient[i] = mass * gradient[i] - target[i];
    }
}

/// <summary>Fused batched kernel that skips ignored rows without zeroing them: whatever the buffer held stays there.</summary>
[Breaks("GRAD-FUSED", "GRAD-IGNORE")]
public sealed class BatchedThatLeavesIgnoredRowsUntouched : Mutant
{
    public override double ForwardBackward(ReadOnlySpan<double> logits, int classes, ReadOnlySpan<int> targets, int ignoreIndex, LossReduction reduction, Span<double> gradient)
    {
        var scratch = new double[gradient.Length];
        double loss = Ref.ForwardBackward(logits, classes, targets, ignoreIndex, reduction, scratch);
        for (int r = 0; r < targets.Length; r++)
            if (targets[r] != ignoreIndex)
                scratch.AsSpan(r * classes, classes).CopyTo(gradient.Slice(r * classes, classes));
        return loss;
    }
}

/// <summary>∂L/∂z off by 1 % (ŷ − y scaled by 1.01): the central difference of the loss must see it in double.</summary>
[Breaks("ACC-FD", "GRAD-LOGITS")]
public sealed class LogitGradientOffByOnePercent : Mutant
{
    public override void CrossEntropyLogitGradient(ReadOnlySpan<double> target, ReadOnlySpan<double> logits, Span<double> gradient)
    {
        Ref.CrossEntropyLogitGradient(target, logits, gradient);
        for (int i = 0; i < gradient.Length; i++) gradient[i] *= 1.01;
    }
}

/// <summary>Sequence loss that adds λ·½‖W‖² to the loss but forgets λW in ∂L/∂W: the gradient is not the loss's.</summary>
[Breaks("ACC-FD", "SEQ-L2")]
public sealed class SequenceLossWithoutL2Gradient : Mutant
{
    public override double LossAndGradients(ReadOnlySpan<int> tokens, int vocabulary, ReadOnlySpan<double> weights, ReadOnlySpan<double> bias, double lambda,
                                            Span<double> weightGradient, Span<double> biasGradient)
    {
        double loss = Ref.LossAndGradients(tokens, vocabulary, weights, bias, lambda, weightGradient, biasGradient);
        for (int k = 0; k < weights.Length; k++) weightGradient[k] -= lambda * weights[k];
        return loss;
    }
}

/// <summary>Softmax normalised with a single-precision reciprocal 1/Σ: each entry is off by up to 6e-8 relative, far beyond τ(n) in double.</summary>
[Breaks("ACC-NORMALISATION", "ACC-SOFTMAX", "SMAX-DEF")]
public sealed class SoftmaxNormalisedInSinglePrecision : Mutant
{
    public override void Softmax(ReadOnlySpan<double> logits, Span<double> probabilities)
    {
        InputRules.Finite(logits, nameof(logits));
        InputRules.Length<double>(probabilities, logits.Length, nameof(probabilities));
        double m = double.NegativeInfinity, s = 0;
        foreach (double z in logits) m = Math.Max(m, z);
        for (int i = 0; i < logits.Length; i++) s += probabilities[i] = Math.Exp(logits[i] - m);
        double inverse = (float)(1 / s);
        for (int i = 0; i < logits.Length; i++) probabilities[i] *= inverse;
    }
}

/// <summary>CE from logits as Σ yᵢ(logsumexp(z) − zᵢ) with logsumexp formed first: u·|max z| of cancellation, 1e-12 absolute at |z| = 1e4.</summary>
[Breaks("XENT-LOGITS", "ACC-XENT-LOGITS")]
public sealed class CrossEntropyFromLogitsWithCancellation : Mutant
{
    public override double CrossEntropyFromLogits(ReadOnlySpan<double> target, ReadOnlySpan<double> logits)
    {
        Ref.CrossEntropyFromLogits(target, logits);   // validation
        double lse = Ref.LogSumExp(logits), loss = 0;
        for (int i = 0; i < target.Length; i++) if (target[i] != 0) loss += target[i] * (lse - logits[i]);
        return loss;
    }
}

/// <summary>KL as Σ pᵢ ln(pᵢ/qᵢ) with the ratio formed first: pᵢ/qᵢ overflows to +∞ for subnormal qᵢ although D(p‖q) is finite.</summary>
[Breaks("KL-DEF", "ACC-ENTROPY")]
public sealed class KlWithOverflowingRatio : Mutant
{
    public override double KlDivergence(ReadOnlySpan<double> p, ReadOnlySpan<double> q)
    {
        Ref.KlDivergence(p, q);   // validation
        double d = 0;
        for (int i = 0; i < p.Length; i++)
        {
            if (p[i] == 0) continue;
            if (q[i] == 0) return double.PositiveInfinity;
            d += p[i] * Math.Log(p[i] / q[i]);
        }
        return d;
    }
}

/// <summary>Entropy accumulated in a single-precision variable: the sum of n terms errs by about n·2⁻²⁴, not n·2⁻⁵³.</summary>
[Breaks("ACC-SUM", "ENT-DEF")]
public sealed class EntropyAccumulatedInSinglePrecision : Mutant
{
    public override double Entropy(ReadOnlySpan<double> p)
    {
        InputRules.Distribution(p, nameof(p));
        float h = 0;
        foreach (double v in p) if (v > 0) h -= (float)(v * Math.Log(v));
        return h;
    }
}

/// <summary>∂L/∂ŷ = −y/ŷ stored through a single-precision buffer: one operation with error 2⁻²⁴ where the model allows u = 2⁻⁵³.</summary>
[Breaks("ACC-MODEL", "GRAD-PROB")]
public sealed class ProbabilityGradientThroughSinglePrecision : Mutant
{
    public override void CrossEntropyProbabilityGradient(ReadOnlySpan<double> target, ReadOnlySpan<double> probabilities, Span<double> gradient)
    {
        Ref.CrossEntropyProbabilityGradient(target, probabilities, gradient);
        for (int i = 0; i < gradient.Length; i++) gradient[i] = (float)gradient[i];
    }
}
