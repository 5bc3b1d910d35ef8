using System.Numerics;
using LossConformance;

namespace Samples;

/// <summary>
/// The sample's kernels, written once for float and double with generic math: straightforward
/// loops in T, softmax shifted by the maximum, cross-entropy through log-softmax, a stable binary
/// cross-entropy. Every method validates all its inputs with <see cref="InputRules"/> before it
/// writes to an output span.
/// </summary>
internal static class Kernels<T> where T : IFloatingPointIeee754<T>
{
    /// <summary>H(p) = −Σ pᵢ ln pᵢ, with 0 · ln 0 = 0.</summary>
    public static T Entropy(ReadOnlySpan<T> p)
    {
        InputRules.Distribution(p, nameof(p));
        T sum = T.Zero;
        foreach (T pi in p)
            if (pi != T.Zero) sum += pi * T.Log(pi);   // skip 0 · ln 0 (= 0, not 0 · −∞ = NaN)
        return T.Zero - sum;                            // +0, not −0, for a one-hot p
    }

    /// <summary>H(p, q) = −Σ pᵢ ln qᵢ; +∞ where pᵢ &gt; 0 = qᵢ.</summary>
    public static T CrossEntropy(ReadOnlySpan<T> p, ReadOnlySpan<T> q)
    {
        InputRules.Distribution(p, nameof(p));
        InputRules.Distribution(q, nameof(q));
        InputRules.SameLength(p, nameof(p), q, nameof(q));
        T sum = T.Zero;
        for (int i = 0; i < p.Length; i++)
        {
            if (p[i] == T.Zero) continue;
            if (q[i] == T.Zero) return T.PositiveInfinity;
            sum += p[i] * T.Log(q[i]);
        }
        return T.Zero - sum;
    }

    /// <summary>D(p ‖ q) = Σ pᵢ ln(pᵢ / qᵢ); +∞ where pᵢ &gt; 0 = qᵢ.</summary>
    public static T KlDivergence(ReadOnlySpan<T> p, ReadOnlySpan<T> q)
    {
        InputRules.Distribution(p, nameof(p));
        InputRules.Distribution(q, nameof(q));
        InputRules.SameLength(p, nameof(p), q, nameof(q));
        T sum = T.Zero;
        for (int i = 0; i < p.Length; i++)
        {
            if (p[i] == T.Zero) continue;
            if (q[i] == T.Zero) return T.PositiveInfinity;
            T ratio = p[i] / q[i];
            // In float, p/q overflows for p ≈ 1, q ≈ 1e-45 (and loses digits when subnormal): use ln p − ln q there.
            T log = T.IsNormal(ratio) ? T.Log(ratio) : T.Log(p[i]) - T.Log(q[i]);
            sum += p[i] * log;
        }
        return sum;
    }

    /// <summary>ŷᵢ = exp(zᵢ − m) / Σⱼ exp(zⱼ − m), m = max z.</summary>
    public static void Softmax(ReadOnlySpan<T> logits, Span<T> probabilities)
    {
        InputRules.Softmax(logits, probabilities, nameof(probabilities));
        T m = Max(logits);
        T sum = T.Zero;
        for (int i = 0; i < logits.Length; i++)
        {
            probabilities[i] = T.Exp(logits[i] - m);
            sum += probabilities[i];
        }
        for (int i = 0; i < logits.Length; i++)
            probabilities[i] /= sum;
    }

    /// <summary>ln ŷᵢ = (zᵢ − m) − ln Σⱼ exp(zⱼ − m).</summary>
    public static void LogSoftmax(ReadOnlySpan<T> logits, Span<T> logProbabilities)
    {
        InputRules.Softmax(logits, logProbabilities, nameof(logProbabilities));
        T m = Max(logits);
        T lnSum = T.Log(SumExpShifted(logits, m));
        for (int i = 0; i < logits.Length; i++)
            logProbabilities[i] = (logits[i] - m) - lnSum;
    }

    /// <summary>logsumexp(z) = m + ln Σⱼ exp(zⱼ − m).</summary>
    public static T LogSumExp(ReadOnlySpan<T> logits)
    {
        InputRules.Finite(logits, nameof(logits));
        T m = Max(logits);
        return m + T.Log(SumExpShifted(logits, m));
    }

    /// <summary>L = −Σ yᵢ log-softmax(z)ᵢ, terms with yᵢ = 0 skipped.</summary>
    public static T CrossEntropyFromLogits(ReadOnlySpan<T> target, ReadOnlySpan<T> logits)
    {
        InputRules.CrossEntropyFromLogits(target, logits);
        var logProbabilities = new T[logits.Length];
        LogSoftmax(logits, logProbabilities);
        T sum = T.Zero;
        for (int i = 0; i < target.Length; i++)
            if (target[i] != T.Zero) sum += target[i] * logProbabilities[i];
        return T.Zero - sum;
    }

    /// <summary>∂L/∂z = (Σy) ŷ − y.</summary>
    public static void LogitGradient(ReadOnlySpan<T> target, ReadOnlySpan<T> logits, Span<T> gradient)
    {
        InputRules.LogitGradient(target, logits, gradient);
        T mass = T.Zero;
        foreach (T y in target) mass += y;
        Softmax(logits, gradient);
        for (int i = 0; i < gradient.Length; i++)
            gradient[i] = mass * gradient[i] - target[i];
    }

    /// <summary>∂L/∂ŷ = −y / ŷ (0 where y = 0); ŷᵢ = 0 &lt; yᵢ is rejected.</summary>
    public static void ProbabilityGradient(ReadOnlySpan<T> target, ReadOnlySpan<T> probabilities, Span<T> gradient)
    {
        InputRules.ProbabilityGradient<T>(target, probabilities, gradient);
        for (int i = 0; i < target.Length; i++)
            gradient[i] = target[i] == T.Zero ? T.Zero : -target[i] / probabilities[i];
    }

    /// <summary>Batched hard-label loss: mean over counted rows (0 when none), or sum; ignored rows get gradient 0.</summary>
    public static T ForwardBackward(ReadOnlySpan<T> logits, int classes, ReadOnlySpan<int> targets, int ignoreIndex,
                                    LossReduction reduction, Span<T> gradient)
    {
        int rows = InputRules.BatchedCrossEntropy<T>(logits, classes, targets, ignoreIndex, reduction, gradient);

        var logProbabilities = new T[classes];
        T loss = T.Zero;
        int counted = 0;
        for (int r = 0; r < rows; r++)
        {
            var z = logits.Slice(r * classes, classes);
            var g = gradient.Slice(r * classes, classes);
            int t = targets[r];
            if (t == ignoreIndex) { g.Clear(); continue; }
            LogSoftmax(z, logProbabilities);
            loss -= logProbabilities[t];
            Softmax(z, g);
            g[t] -= T.One;
            counted++;
        }
        if (reduction == LossReduction.Sum) return loss;
        if (counted == 0) return T.Zero;   // all ignored: 0, not 0/0
        T n = T.CreateChecked(counted);
        for (int i = 0; i < gradient.Length; i++) gradient[i] /= n;
        return loss / n;
    }

    /// <summary>L = max(z, 0) − z·y + ln(1 + e^{−|z|}), never forming σ(z).</summary>
    public static T BinaryCrossEntropy(T logit, T target)
    {
        InputRules.Finite(logit, nameof(logit));
        InputRules.Probability(target, nameof(target));
        return T.Max(logit, T.Zero) - logit * target + Log1P(T.Exp(-T.Abs(logit)));
    }

    /// <summary>∂L/∂z = σ(z) − y, σ evaluated with a non-positive exponent.</summary>
    public static T BinaryGradient(T logit, T target)
    {
        InputRules.Finite(logit, nameof(logit));
        InputRules.Probability(target, nameof(target));
        T sigmoid;
        if (logit >= T.Zero) sigmoid = T.One / (T.One + T.Exp(-logit));
        else { T e = T.Exp(logit); sigmoid = e / (T.One + e); }
        return sigmoid - target;
    }

    /// <summary>z = Wᵀx + b, W row-major m × n.</summary>
    public static void LinearForward(ReadOnlySpan<T> x, ReadOnlySpan<T> weights, ReadOnlySpan<T> bias, Span<T> logits)
    {
        InputRules.LinearForward(x, weights, bias, logits);
        LinearLogits(x, weights, bias).CopyTo(logits);
    }

    /// <summary>L = CE(y, softmax(Wᵀx + b)); ∂L/∂W = x(ŷ − y)ᵀ, ∂L/∂b = ŷ − y.</summary>
    public static T LinearLossAndGradients(ReadOnlySpan<T> x, ReadOnlySpan<T> weights, ReadOnlySpan<T> bias, ReadOnlySpan<T> target,
                                           Span<T> weightGradient, Span<T> biasGradient)
    {
        int m = x.Length, n = bias.Length;
        InputRules.LinearLayerLoss<T>(x, weights, bias, target, weightGradient, biasGradient);
        T[] z = LinearLogits(x, weights, bias);   // may still reject (overflow); nothing written yet

        T loss = CrossEntropyFromLogits(target, z);
        LogitGradient(target, z, biasGradient);
        for (int i = 0; i < m; i++)
            for (int j = 0; j < n; j++)
                weightGradient[i * n + j] = x[i] * biasGradient[j];
        return loss;
    }

    // ---- helpers ----

    private static T Max(ReadOnlySpan<T> z)
    {
        T m = z[0];
        for (int i = 1; i < z.Length; i++) if (z[i] > m) m = z[i];
        return m;
    }

    private static T SumExpShifted(ReadOnlySpan<T> z, T m)
    {
        T sum = T.Zero;
        foreach (T v in z) sum += T.Exp(v - m);
        return sum;
    }

    /// <summary>
    /// ln(1 + x), accurate where 1 + x rounds to 1 (Goldberg's trick: ln(w)·x / (w − 1) with w = 1 + x).
    /// Not T.LogP1, which is ln(x + 1) and returns 0 for x = e^−40.
    /// </summary>
    private static T Log1P(T x)
    {
        T w = T.One + x;
        return w == T.One ? x : T.Log(w) * x / (w - T.One);
    }




    private static T[] LinearLogits(ReadOnlySpan<T> x, ReadOnlySpan<T> weights, ReadOnlySpan<T> bias)
    {
        int m = x.Length, n = bias.Length;
        var z = new T[n];
        for (int j = 0; j < n; j++)
        {
            T sum = bias[j];
            for (int i = 0; i < m; i++) sum += x[i] * weights[i * n + j];
            if (!T.IsFinite(sum))
                throw new ArgumentException($"z[{j}] = (Wᵀx + b)[{j}] overflows to {sum}; the logits must be finite.", nameof(weights));
            z[j] = sum;
        }
        return z;
    }
}
