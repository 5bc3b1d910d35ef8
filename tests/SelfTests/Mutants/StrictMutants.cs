namespace LossConformance.SelfTests.Mutants;

// The strict tier (spec/strict-accuracy.md): each mutant is what a conforming baseline
// implementation may do, and each must be caught by the strict clause it breaks. They claim the
// tier (IStrictAccuracy), as an implementation under test would.

/// <summary>A mutant that claims the strict tier.</summary>
public abstract class StrictMutant : Mutant, IStrictAccuracy
{
    /// <summary>The baseline route: ℓᵢ = dᵢ − ln ŝ with ŝ = Σ exp dⱼ rounded, 1 included.</summary>
    protected static void BaselineLogSoftmax(ReadOnlySpan<double> z, Span<double> l)
    {
        LossConformance.InputRules.Finite(z, "logits");
        double m = double.NegativeInfinity, s = 0;
        foreach (double v in z) m = Math.Max(m, v);
        foreach (double v in z) s += Math.Exp(v - m);
        double lnS = Math.Log(s);
        for (int i = 0; i < z.Length; i++) l[i] = (z[i] - m) - lnS;
    }
}

/// <summary>Log-softmax through ln of the rounded sum: the maximum of (0, −40) gets ℓ = 0, not −4.25e-18 (libtorch's route).</summary>
[Breaks("STRICT-LOGSOFTMAX")]
public sealed class LogSoftmaxOfTheMaximumAsZero : StrictMutant
{
    public override void LogSoftmax(ReadOnlySpan<double> logits, Span<double> logProbabilities) => BaselineLogSoftmax(logits, logProbabilities);
}

/// <summary>Log-probabilities near 0 returned slightly above it (+1e-16): within the baseline's absolute bound, never exact.</summary>
[Breaks("STRICT-LOGSOFTMAX-SIGN")]
public sealed class LogProbabilitySlightlyAboveZero : StrictMutant
{
    public override void LogSoftmax(ReadOnlySpan<double> logits, Span<double> logProbabilities)
    {
        Ref.LogSoftmax(logits, logProbabilities);
        for (int i = 0; i < logProbabilities.Length; i++)
            if (logProbabilities[i] > -1e-15) logProbabilities[i] = 1e-16;
    }
}

/// <summary>Cross-entropy from logits through the baseline log-softmax: L = 0 for z = (0, −40), y = (1, 0).</summary>
[Breaks("STRICT-XENT-LOGITS")]
public sealed class CrossEntropyThroughTheRoundedSum : StrictMutant
{
    public override double CrossEntropyFromLogits(ReadOnlySpan<double> target, ReadOnlySpan<double> logits)
    {
        Ref.CrossEntropyFromLogits(target, logits);   // validation
        var l = new double[logits.Length];
        BaselineLogSoftmax(logits, l);
        double s = 0;
        for (int i = 0; i < l.Length; i++) if (target[i] != 0) s -= target[i] * l[i];
        return s;
    }
}

/// <summary>Binary cross-entropy without log1p: log(1 + e^{−|z|}) is 0 once e^{−|z|} &lt; u, so z = 40, y = 1 gives 0.</summary>
[Breaks("STRICT-BINARY")]
public sealed class BinaryCrossEntropyWithoutLog1p : StrictMutant
{
    public override double BinaryCrossEntropyWithLogit(double logit, double target)
    {
        Ref.BinaryCrossEntropyWithLogit(logit, target);   // validation
        return Math.Max(logit, 0) - logit * target + Math.Log(1 + Math.Exp(-Math.Abs(logit)));
    }
}

/// <summary>Binary cross-entropy as max(z, 0) − z·y + log1p(e^{−|z|}): z − z·y cancels where y ≈ 1 (the reference before the strict tier).</summary>
[Breaks("STRICT-BINARY")]
public sealed class BinaryCrossEntropyWithCancellation : StrictMutant
{
    public override double BinaryCrossEntropyWithLogit(double logit, double target)
    {
        Ref.BinaryCrossEntropyWithLogit(logit, target);   // validation
        double e = Math.Exp(-Math.Abs(logit)), w = 1 + e;
        double log1p = w == 1 ? e : Math.Log(w) * (e / (w - 1));
        return Math.Max(logit, 0) - logit * target + log1p;
    }
}

/// <summary>KL as Σ pᵢ ln(pᵢ/qᵢ) of the rounded ratio, without the log1p form: errs by ≈ u per unit mass however close q is to p, and may dip below 0.</summary>
[Breaks("STRICT-KL")]
public sealed class KlOfTheRoundedRatio : StrictMutant
{
    public override double KlDivergence(ReadOnlySpan<double> p, ReadOnlySpan<double> q)
    {
        double exact = Ref.KlDivergence(p, q);   // validation, and the +∞ of a support gap
        if (double.IsPositiveInfinity(exact)) return exact;
        double s = 0;
        for (int i = 0; i < p.Length; i++) if (p[i] > 0) s += p[i] * Math.Log(p[i] / q[i]);
        return s;
    }
}

/// <summary>Entropy by the identity H(p) = ln n − D(p‖uniform): right within the baseline bound, but a one-hot p can come out a few ulps below 0.</summary>
[Breaks("STRICT-ENTROPY-SIGN")]
public sealed class EntropyThroughTheUniformDivergence : StrictMutant
{
    public override double Entropy(ReadOnlySpan<double> p)
    {
        Ref.Entropy(p);   // validation
        double d = 0, uniform = 1.0 / p.Length;
        for (int i = 0; i < p.Length; i++) if (p[i] > 0) d += p[i] * Math.Log(p[i] / uniform);
        return Math.Log(p.Length) - d;
    }
}
