using LossConformance.Reference;

namespace LossConformance.SelfTests.Mutants;

// Realistic mistakes in entropy, cross-entropy, KL divergence and the errata's formulas. Each one
// must be caught by at least one suite test citing every clause it lists. Each mutant validates its
// inputs like the reference, so that only the mistake differs.

/// <summary>Entropy in bits: log₂ instead of ln.</summary>
[Breaks("ENT-DEF", "ENT-SURPRISAL", "ENT-MAX", "XENT-GIBBS")]
public sealed class EntropyInBits : Mutant
{
    public override double Entropy(ReadOnlySpan<double> p) => Ref.Entropy(p) / Math.Log(2);
}

/// <summary>A lost minus sign: returns Σ pᵢ ln pᵢ.</summary>
[Breaks("ENT-NONNEG", "ENT-SCHUR", "ENT-DEF")]
public sealed class EntropyWithFlippedSign : Mutant
{
    public override double Entropy(ReadOnlySpan<double> p) => -Ref.Entropy(p);
}

/// <summary>An off-by-one loop bound (a vector tail that is never processed): the last entry is skipped.</summary>
[Breaks("ENT-PERMUTE", "ENT-ADDITIVE", "ENT-MAX")]
public sealed class EntropySkipsLastEntry : Mutant
{
    public override double Entropy(ReadOnlySpan<double> p)
    {
        InputRules.Distribution(p, nameof(p));
        double h = 0;
        for (int i = 0; i < p.Length - 1; i++) if (p[i] > 0) h -= p[i] * Math.Log(p[i]);
        return h;
    }
}

/// <summary>The "safe log" habit: −Σ pᵢ ln(pᵢ + 1e-12). Zeros no longer give NaN, but a certain outcome has entropy −1e-12, not 0.</summary>
[Breaks("ENT-ONEHOT", "ENT-DEF")]
public sealed class EntropyWithEpsilonInsideLog : Mutant
{
    public override double Entropy(ReadOnlySpan<double> p)
    {
        InputRules.Distribution(p, nameof(p));
        double h = 0;
        foreach (double v in p) h -= v * Math.Log(v + 1e-12);
        return h;
    }
}

/// <summary>Cross-entropy with its arguments swapped: −Σ qᵢ ln pᵢ.</summary>
[Breaks("XENT-DEF", "XENT-ONEHOT", "XENT-MLE", "XENT-GIBBS", "ENT-SURPRISAL")]
public sealed class CrossEntropyWithSwappedArguments : Mutant
{
    public override double CrossEntropy(ReadOnlySpan<double> p, ReadOnlySpan<double> q)
    {
        InputRules.Distribution(p, nameof(p));
        return Ref.CrossEntropy(q, p);
    }
}

/// <summary>Cross-entropy in bits: log₂ instead of ln.</summary>
[Breaks("XENT-MLE", "XENT-DECOMPOSE", "XENT-DEF")]
public sealed class CrossEntropyInBits : Mutant
{
    public override double CrossEntropy(ReadOnlySpan<double> p, ReadOnlySpan<double> q) => Ref.CrossEntropy(p, q) / Math.Log(2);
}

/// <summary>The "safe log" habit in cross-entropy: −Σ pᵢ ln(qᵢ + 1e-12). Finite where it must be +∞, and below H(p) at q = p.</summary>
[Breaks("XENT-SUPPORT", "XENT-GIBBS", "ERR-GIBBS-STRICT", "XENT-DEF")]
public sealed class CrossEntropyWithEpsilonInsideLog : Mutant
{
    public override double CrossEntropy(ReadOnlySpan<double> p, ReadOnlySpan<double> q)
    {
        InputRules.Distribution(p, nameof(p));
        InputRules.Distribution(q, nameof(q));
        InputRules.SameLength(p, nameof(p), q, nameof(q));
        double s = 0;
        for (int i = 0; i < p.Length; i++) if (p[i] > 0) s -= p[i] * Math.Log(q[i] + 1e-12);
        return s;
    }
}

/// <summary>A lost minus sign: returns Σ pᵢ ln qᵢ, so that the note's "KL = H(p) − H(p, q)" comes out non-negative.</summary>
[Breaks("ERR-KL-SIGN", "XENT-DEF", "XENT-ONEHOT")]
public sealed class CrossEntropyWithFlippedSign : Mutant
{
    public override double CrossEntropy(ReadOnlySpan<double> p, ReadOnlySpan<double> q) => -Ref.CrossEntropy(p, q);
}

/// <summary>Cross-entropy built from the note's heading (claim 4.1), "entropy = cross-entropy + KL": H(p, q) = H(p) − D(p‖q).</summary>
[Breaks("ERR-ENTROPY-SUM", "XENT-DECOMPOSE", "XENT-GIBBS")]
public sealed class CrossEntropyFromTheNotesHeading : Mutant
{
    public override double CrossEntropy(ReadOnlySpan<double> p, ReadOnlySpan<double> q) => Ref.Entropy(p) - Ref.KlDivergence(p, q);
}

/// <summary>Cross-entropy without 0 · ln 0 = 0: every term is formed, and pᵢ = 0 = qᵢ gives 0 · (−∞) = NaN.</summary>
[Breaks("XENT-SUPPORT", "XENT-DEF")]
public sealed class CrossEntropyWithoutZeroConvention : Mutant
{
    public override double CrossEntropy(ReadOnlySpan<double> p, ReadOnlySpan<double> q)
    {
        InputRules.Distribution(p, nameof(p));
        InputRules.Distribution(q, nameof(q));
        InputRules.SameLength(p, nameof(p), q, nameof(q));
        double s = 0;
        for (int i = 0; i < p.Length; i++) s -= p[i] * Math.Log(q[i]);
        return s;
    }
}

/// <summary>KL in bits: log₂ instead of ln.</summary>
[Breaks("KL-DEF", "KL-LOCAL")]
public sealed class KlInBits : Mutant
{
    public override double KlDivergence(ReadOnlySpan<double> p, ReadOnlySpan<double> q) => Ref.KlDivergence(p, q) / Math.Log(2);
}

/// <summary>The ratio inverted: Σ pᵢ ln(qᵢ/pᵢ) = −D(p‖q).</summary>
[Breaks("KL-NONNEG", "KL-IDENTITY", "KL-CONVEX", "KL-DEF")]
public sealed class KlWithInvertedRatio : Mutant
{
    public override double KlDivergence(ReadOnlySpan<double> p, ReadOnlySpan<double> q) => -Ref.KlDivergence(p, q);
}

/// <summary>A "symmetric KL": ½(D(p‖q) + D(q‖p)), as if the argument order did not matter.</summary>
[Breaks("KL-ASYMMETRIC", "KL-CE-MINIMISER", "KL-DEF")]
public sealed class KlSymmetrised : Mutant
{
    public override double KlDivergence(ReadOnlySpan<double> p, ReadOnlySpan<double> q) =>
        0.5 * (Ref.KlDivergence(p, q) + Ref.KlDivergence(q, p));
}

/// <summary>Forward and reverse confused: KlDivergence(p, q) returns D(q‖p).</summary>
[Breaks("KL-FORWARD-COVERS", "KL-REVERSE-SEEKS", "KL-ASYMMETRIC")]
public sealed class KlWithSwappedArguments : Mutant
{
    public override double KlDivergence(ReadOnlySpan<double> p, ReadOnlySpan<double> q)
    {
        InputRules.Distribution(p, nameof(p));
        return Ref.KlDivergence(q, p);
    }
}

/// <summary>Support gaps masked out: terms with qᵢ = 0 are skipped (a where(q &gt; 0, …, 0)), so the result is finite where it must be +∞.</summary>
[Breaks("KL-SUPPORT")]
public sealed class KlSkipsSupportGap : Mutant
{
    public override double KlDivergence(ReadOnlySpan<double> p, ReadOnlySpan<double> q)
    {
        InputRules.Distribution(p, nameof(p));
        InputRules.Distribution(q, nameof(q));
        InputRules.SameLength(p, nameof(p), q, nameof(q));
        double s = 0;
        for (int i = 0; i < p.Length; i++) if (p[i] > 0 && q[i] > 0) s += p[i] * (Math.Log(p[i]) - Math.Log(q[i]));
        return s;
    }
}

/// <summary>Σ pᵢ ln pᵢ − Σ pᵢ ln qᵢ with the 0 · ln 0 convention on p's sum only: pᵢ = 0 = qᵢ gives NaN (instead of +∞ at a gap, or a finite value).</summary>
[Breaks("KL-SUPPORT", "KL-DEF")]
public sealed class KlWithNaNForZeros : Mutant
{
    public override double KlDivergence(ReadOnlySpan<double> p, ReadOnlySpan<double> q)
    {
        InputRules.Distribution(p, nameof(p));
        InputRules.Distribution(q, nameof(q));
        InputRules.SameLength(p, nameof(p), q, nameof(q));
        double a = 0, b = 0;
        for (int i = 0; i < p.Length; i++)
        {
            if (p[i] > 0) a += p[i] * Math.Log(p[i]);
            b += p[i] * Math.Log(q[i]);
        }
        return a - b;
    }
}

/// <summary>KL that forgot to subtract the entropy: returns H(p, q), the cross-entropy, as the divergence.</summary>
[Breaks("KL-PENALTY", "KL-IDENTITY", "XENT-DECOMPOSE")]
public sealed class KlIsCrossEntropy : Mutant
{
    public override double KlDivergence(ReadOnlySpan<double> p, ReadOnlySpan<double> q) => Ref.CrossEntropy(p, q);
}

/// <summary>PyTorch's kl_div reduction='mean': the sum divided by the number of entries instead of the true (summed) KL.</summary>
[Breaks("KL-ADDITIVE", "KL-DEF")]
public sealed class KlMeanOverEntries : Mutant
{
    public override double KlDivergence(ReadOnlySpan<double> p, ReadOnlySpan<double> q) => Ref.KlDivergence(p, q) / p.Length;
}

/// <summary>∂L/∂W written in the note's transposed layout: (ŷ − y)xᵀ as an n × m matrix, weightGradient[j·m + i] = xᵢ(ŷⱼ − yⱼ).</summary>
[Breaks("ERR-LINEAR-SHAPE")]
public sealed class LinearWeightGradientTransposed : Mutant
{
    public override double LossAndGradients(ReadOnlySpan<double> x, ReadOnlySpan<double> weights, ReadOnlySpan<double> bias, ReadOnlySpan<double> target,
                                            Span<double> weightGradient, Span<double> biasGradient)
    {
        int m = x.Length, n = bias.Length;
        double loss = Ref.LossAndGradients(x, weights, bias, target, weightGradient, biasGradient);
        for (int i = 0; i < m; i++)
            for (int j = 0; j < n; j++)
                weightGradient[j * m + i] = x[i] * biasGradient[j];
        return loss;
    }
}
