using System.Runtime.InteropServices;

namespace LossConformance.SelfTests.Mutants;

// Mistakes the wider bad-input matrix and the inputs at scale must catch (issue 13, sections 4 and 5):
// BadInputConformance, InputUnchangedConformance (with the Kit's input guard) and ScaleConformance.

/// <summary>Softmax that subtracts the maximum from its logits in place through MemoryMarshal: correct results, the caller's logits corrupted.</summary>
[Breaks("INPUT-UNCHANGED")]
public sealed class SoftmaxThatShiftsItsLogitsInPlace : Mutant
{
    public override void Softmax(ReadOnlySpan<double> logits, Span<double> probabilities)
    {
        InputRules.Finite(logits, nameof(logits));
        var writable = MemoryMarshal.CreateSpan(ref MemoryMarshal.GetReference(logits), logits.Length);
        double m = double.NegativeInfinity;
        foreach (double z in writable) m = Math.Max(m, z);
        for (int i = 0; i < writable.Length; i++) writable[i] -= m;
        Ref.Softmax(logits, probabilities);
    }
}

/// <summary>Entropy whose validation loop stops before the last entry (i &lt; n − 1): NaN or 1 + 2u there passes while the sum test still holds.</summary>
[Breaks("INPUT-NAN", "INPUT-PROB")]
public sealed class EntropyWhoseValidationStopsBeforeTheLastEntry : Mutant
{
    public override double Entropy(ReadOnlySpan<double> p)
    {
        InputRules.NonEmpty(p, nameof(p));
        for (int i = 0; i < p.Length - 1; i++)
            if (!double.IsFinite(p[i]) || p[i] < 0 || p[i] > 1) throw new ArgumentException($"p[{i}] = {p[i]} is not a probability.", nameof(p));
        double sum = 0, h = 0;
        foreach (double v in p)
        {
            sum += v;
            if (v > 0) h -= v * Math.Log(v);
        }
        if (Math.Abs(sum - 1) > InputRules.NormalisationTolerance<double>(p.Length)) throw new ArgumentException($"p sums to {sum}.", nameof(p));
        return h;
    }
}

/// <summary>
/// An online logsumexp over blocks of 4096 that takes the new maximum but does not rescale the running sum by
/// exp(m_old − m_new): exact on rows of one block, wrong once a later block holds a larger maximum.
/// </summary>
[Breaks("SMAX-LOG")]
public sealed class LogSumExpThatForgetsToRescale : Mutant
{
    public override double LogSumExp(ReadOnlySpan<double> logits)
    {
        InputRules.Finite(logits, nameof(logits));
        double m = double.NegativeInfinity, s = 0;
        for (int start = 0; start < logits.Length; start += 4096)
        {
            var block = logits.Slice(start, Math.Min(4096, logits.Length - start));
            double mb = m;
            foreach (double z in block) mb = Math.Max(mb, z);
            foreach (double z in block) s += Math.Exp(z - mb);   // the sum so far should have been scaled by exp(m − mb) first
            m = mb;
        }
        return m + Math.Log(s);
    }
}

/// <summary>A batched mean that keeps its count N in a Half: 2049 counted rows divide by 2048.</summary>
[Breaks("GRAD-MEAN")]
public sealed class BatchedMeanWithAHalfCount : Mutant
{
    public override double ForwardBackward(ReadOnlySpan<double> logits, int classes, ReadOnlySpan<int> targets, int ignoreIndex, LossReduction reduction, Span<double> gradient) =>
        NarrowMean(logits, classes, targets, ignoreIndex, reduction, gradient, n => (double)(Half)n);

    internal static double NarrowMean(ReadOnlySpan<double> logits, int classes, ReadOnlySpan<int> targets, int ignoreIndex, LossReduction reduction,
                                      Span<double> gradient, Func<int, double> count)
    {
        double loss = Ref.ForwardBackward(logits, classes, targets, ignoreIndex, LossReduction.Sum, gradient);
        if (reduction == LossReduction.Sum) return loss;
        int counted = 0;
        foreach (int t in targets) if (t != ignoreIndex) counted++;
        if (counted == 0) return 0;
        double n = count(counted);
        for (int i = 0; i < gradient.Length; i++) gradient[i] /= n;
        return loss / n;
    }
}

/// <summary>A batched kernel that takes every reduction other than Mean for Sum: (LossReduction)2 is summed instead of rejected.</summary>
[Breaks("INPUT-TARGET")]
public sealed class BatchedThatTakesUndefinedReductionsForSum : Mutant
{
    public override double ForwardBackward(ReadOnlySpan<double> logits, int classes, ReadOnlySpan<int> targets, int ignoreIndex, LossReduction reduction, Span<double> gradient) =>
        Ref.ForwardBackward(logits, classes, targets, ignoreIndex, reduction == LossReduction.Mean ? LossReduction.Mean : LossReduction.Sum, gradient);
}

/// <summary>A batched kernel that only ignores an ignore index outside [0, classes): with ignoreIndex = 2 the rows of class 2 still count.</summary>
[Breaks("GRAD-IGNORE")]
public sealed class BatchedThatCountsAnIgnoreIndexThatIsAClass : Mutant
{
    public override double ForwardBackward(ReadOnlySpan<double> logits, int classes, ReadOnlySpan<int> targets, int ignoreIndex, LossReduction reduction, Span<double> gradient) =>
        Ref.ForwardBackward(logits, classes, targets, ignoreIndex >= 0 && ignoreIndex < classes ? int.MinValue : ignoreIndex, reduction, gradient);
}

/// <summary>Softmax that reads its logits into a copy first and never checks for overlap: an output placed over the logits is accepted.</summary>
[Breaks("INPUT-OVERLAP")]
public sealed class SoftmaxThatAcceptsOverlappingOutputs : Mutant
{
    public override void Softmax(ReadOnlySpan<double> logits, Span<double> probabilities) => Ref.Softmax(logits.ToArray(), probabilities);
}

/// <summary>A Jacobian that checks its length against checked(n · n) in int: n = 65537 throws OverflowException instead of an ArgumentException.</summary>
[Breaks("INPUT-LENGTH")]
public sealed class JacobianWithAnIntSizeProduct : Mutant
{
    public override void SoftmaxJacobian(ReadOnlySpan<double> logits, Span<double> jacobian)
    {
        int n = logits.Length;
        if (jacobian.Length != checked(n * n)) throw new ArgumentException($"jacobian has length {jacobian.Length}, not n².", nameof(jacobian));
        Ref.SoftmaxJacobian(logits, jacobian);
    }
}

/// <summary>KL divergence that rejects −0 as a negative probability (double.IsNegative instead of v &lt; 0).</summary>
[Breaks("INPUT-ACCEPT")]
public sealed class KlDivergenceThatRejectsNegativeZero : Mutant
{
    public override double KlDivergence(ReadOnlySpan<double> p, ReadOnlySpan<double> q)
    {
        for (int i = 0; i < p.Length; i++)
            if (double.IsNegative(p[i])) throw new ArgumentException($"p[{i}] = {p[i]} is negative.", nameof(p));
        return Ref.KlDivergence(p, q);
    }
}

/// <summary>A sequence loss that takes a negative λ for 0 instead of rejecting it.</summary>
[Breaks("INPUT-PROB")]
public sealed class SequenceLossThatClampsANegativeLambda : Mutant
{
    public override double LossAndGradients(ReadOnlySpan<int> tokens, int vocabulary, ReadOnlySpan<double> weights, ReadOnlySpan<double> bias, double lambda,
                                            Span<double> weightGradient, Span<double> biasGradient) =>
        Ref.LossAndGradients(tokens, vocabulary, weights, bias, Math.Max(lambda, 0), weightGradient, biasGradient);
}

/// <summary>A linear layer that accepts target weights of any mass (the old rule) by normalising them: a target of mass 1 + 20u is not rejected.</summary>
[Breaks("INPUT-PROB")]
public sealed class LinearLayerThatNormalisesItsTarget : Mutant
{
    public override double LossAndGradients(ReadOnlySpan<double> x, ReadOnlySpan<double> weights, ReadOnlySpan<double> bias, ReadOnlySpan<double> target,
                                            Span<double> weightGradient, Span<double> biasGradient)
    {
        InputRules.NonNegativeWeights(target, nameof(target));
        double mass = 0;
        foreach (double v in target) mass += v;
        double[] y = target.ToArray();
        if (mass > 0) for (int i = 0; i < y.Length; i++) y[i] /= mass;
        else y[0] = 1;
        return Ref.LossAndGradients(x, weights, bias, y, weightGradient, biasGradient);
    }
}
