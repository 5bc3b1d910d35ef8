namespace LossConformance.SelfTests.Mutants;

// The four mistakes the Foundation issue names. Each must be caught by the clauses it breaks.

/// <summary>KL with the note's sign error (claims 4.2, 4.4): D(p‖q) computed as H(p) − H(p, q).</summary>
[Breaks("KL-NONNEG", "XENT-DECOMPOSE", "ERR-KL-SIGN")]
public sealed class KlWithTheNotesSignError : Mutant
{
    public override double KlDivergence(ReadOnlySpan<double> p, ReadOnlySpan<double> q) => Ref.Entropy(p) - Ref.CrossEntropy(p, q);
}

/// <summary>Softmax without the max shift: exp(zᵢ) / Σ exp(zⱼ) overflows to ∞/∞ = NaN above 709.78.</summary>
[Breaks("SMAX-LARGE", "SMAX-SIMPLEX")]
public sealed class SoftmaxWithoutMaxShift : Mutant
{
    public override void Softmax(ReadOnlySpan<double> logits, Span<double> probabilities)
    {
        LossConformance.InputRules.Finite(logits, nameof(logits));
        LossConformance.InputRules.SameLength(logits, nameof(logits), (ReadOnlySpan<double>)probabilities, nameof(probabilities));
        double s = 0;
        foreach (double z in logits) s += Math.Exp(z);
        for (int i = 0; i < logits.Length; i++) probabilities[i] = Math.Exp(logits[i]) / s;
    }
}

/// <summary>Batched mean gradient without the 1/N: the Mean loss is right, its gradient is the Sum's.</summary>
[Breaks("GRAD-MEAN")]
public sealed class BatchedGradientWithoutOneOverN : Mutant
{
    public override double ForwardBackward(ReadOnlySpan<double> logits, int classes, ReadOnlySpan<int> targets, int ignoreIndex, LossReduction reduction, Span<double> gradient)
    {
        double loss = Ref.ForwardBackward(logits, classes, targets, ignoreIndex, reduction, gradient);
        if (reduction == LossReduction.Mean)
        {
            var scratch = new double[gradient.Length];
            Ref.ForwardBackward(logits, classes, targets, ignoreIndex, LossReduction.Sum, scratch);
            scratch.CopyTo(gradient);
        }
        return loss;
    }
}

/// <summary>Entropy without 0 · ln 0 = 0: a zero entry contributes 0 · (−∞) = NaN.</summary>
[Breaks("ENT-DEF", "ENT-ONEHOT")]
public sealed class EntropyWithoutZeroConvention : Mutant
{
    public override double Entropy(ReadOnlySpan<double> p)
    {
        LossConformance.InputRules.Distribution(p, nameof(p));
        double h = 0;
        foreach (double v in p) h -= v * Math.Log(v);
        return h;
    }
}
