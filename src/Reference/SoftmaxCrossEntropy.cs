namespace LossConformance.Reference;

/// <summary>
/// Gradients of softmax-cross-entropy, the fused batched form with hard labels, and binary
/// cross-entropy on a sigmoid (spec/softmax-cross-entropy.md).
/// </summary>
public static class SoftmaxCrossEntropy
{
    /// <summary>∂L/∂z = (Σᵢ yᵢ) ŷ − y with ŷ = softmax(z); this is ŷ − y for a distribution y.</summary>
    /// <param name="target">Target weights y. Range: n ≥ 1, yᵢ ≥ 0 and finite (any sum).</param>
    /// <param name="logits">Logits z. Range: finite, same length as y.</param>
    /// <param name="gradient">Output ∂L/∂z. Range: length n.</param>
    /// <exception cref="ArgumentException">target negative or not finite; logits not finite; lengths differ; empty input.</exception>
    /// <remarks>Spec: <c>GRAD-LOGITS</c>, <c>GRAD-GENERAL</c>, <c>GRAD-SUM-ZERO</c>.</remarks>
    public static void LogitGradient(ReadOnlySpan<double> target, ReadOnlySpan<double> logits, Span<double> gradient)
    {
        InputRules.LogitGradient<double>(target, logits, gradient);

        double mass = 0.0;
        for (int i = 0; i < target.Length; i++)
            mass += target[i];

        Softmax.Of(logits, gradient);   // gradient holds ŷ for a moment
        for (int i = 0; i < gradient.Length; i++)
            gradient[i] = mass * gradient[i] - target[i];
    }

    /// <summary>∂L/∂ŷ = −y / ŷ for L = −Σᵢ yᵢ ln ŷᵢ, with 0 where yᵢ = 0.</summary>
    /// <param name="target">Target weights y. Range: n ≥ 1, yᵢ ≥ 0 and finite (any sum).</param>
    /// <param name="probabilities">Model distribution ŷ. Range: ŷᵢ ∈ [0, 1], Σŷᵢ = 1 within τ(n); ŷᵢ &gt; 0 wherever yᵢ &gt; 0.</param>
    /// <param name="gradient">Output ∂L/∂ŷ. Range: length n.</param>
    /// <exception cref="ArgumentException">target negative or not finite; probabilities not a distribution, or ŷᵢ = 0 &lt; yᵢ (the gradient would be −∞); lengths differ.</exception>
    /// <remarks>Spec: <c>GRAD-PROB</c>.</remarks>
    public static void ProbabilityGradient(ReadOnlySpan<double> target, ReadOnlySpan<double> probabilities, Span<double> gradient)
    {
        InputRules.ProbabilityGradient<double>(target, probabilities, gradient);

        for (int i = 0; i < target.Length; i++)
            gradient[i] = target[i] == 0.0 ? 0.0 : -target[i] / probabilities[i];   // yᵢ = 0: the term 0 · ln ŷᵢ is constant
    }

    /// <summary>
    /// Batched loss with hard labels over a [rows × classes] matrix of logits: per counted row r,
    /// ℓᵣ = −ln softmax(zᵣ)[tᵣ] with gradient ŷᵣ − e_{tᵣ}; rows with tᵣ = ignoreIndex count for nothing.
    /// Mean: L = (1/N) Σᵣ ℓᵣ, gradient (ŷᵣ − e_{tᵣ}) / N, N = number of counted rows (L = 0 and
    /// gradient 0 when N = 0). Sum: L = Σᵣ ℓᵣ, gradient ŷᵣ − e_{tᵣ}. Ignored rows get gradient 0.
    /// </summary>
    /// <param name="logits">Logits, row-major [rows × classes]. Range: finite, length a positive multiple of classes.</param>
    /// <param name="classes">Number of classes. Range: ≥ 1.</param>
    /// <param name="targets">Class index per row. Range: length rows; each in [0, classes) or equal to ignoreIndex.</param>
    /// <param name="ignoreIndex">Label marking a row to ignore. Range: any int (commonly −100).</param>
    /// <param name="reduction">Mean or Sum.</param>
    /// <param name="gradient">Output ∂L/∂logits. Range: same length as logits.</param>
    /// <returns>The reduced loss, ≥ 0 and finite for finite logits; 0 when every row is ignored.</returns>
    /// <exception cref="ArgumentException">bad shape, non-finite logits, unknown reduction.</exception>
    /// <exception cref="ArgumentOutOfRangeException">a target outside [0, classes) that is not ignoreIndex; classes ≤ 0.</exception>
    /// <remarks>Spec: <c>GRAD-MEAN</c>, <c>GRAD-IGNORE</c>, <c>GRAD-ALL-IGNORED</c>, <c>GRAD-FUSED</c>.</remarks>
    public static double Batched(ReadOnlySpan<double> logits, int classes, ReadOnlySpan<int> targets, int ignoreIndex,
                                 LossReduction reduction, Span<double> gradient)
    {
        int rows = InputRules.BatchedCrossEntropy<double>(logits, classes, targets, ignoreIndex, reduction, gradient);

        var logProbabilities = new double[classes];
        double loss = 0.0;
        int counted = 0;
        for (int r = 0; r < rows; r++)
        {
            ReadOnlySpan<double> z = logits.Slice(r * classes, classes);
            Span<double> g = gradient.Slice(r * classes, classes);
            int t = targets[r];
            if (t == ignoreIndex) { g.Clear(); continue; }   // ignored: no loss, no count, no gradient

            Softmax.Log(z, logProbabilities);
            loss -= logProbabilities[t];
            Softmax.Of(z, g);
            g[t] -= 1.0;   // ŷ − e_t
            counted++;
        }

        if (reduction == LossReduction.Sum) return loss;
        if (counted == 0) return 0.0;   // every row ignored: the mean of nothing is 0 here, not 0/0 = NaN
        for (int i = 0; i < gradient.Length; i++)
            gradient[i] /= counted;
        return loss / counted;
    }

    /// <summary>
    /// L = −y ln σ(z) − (1 − y) ln(1 − σ(z)) = max(z, 0) − z·y + ln(1 + e^{−|z|}), the right-hand
    /// form never forming σ(z), so no ln of an underflowed or rounded-to-1 probability. max(z, 0) − z·y
    /// is formed as z(1 − y) for z ≥ 0 and |z|·y for z &lt; 0, so both terms are ≥ 0 and nothing
    /// cancels (z − z·y loses every digit where y ≈ 1), and ln(1 + e^{−|z|}) is log1p: the loss is
    /// accurate relative to itself (z = 40, y = 1: 4.25e-18, not 0).
    /// </summary>
    /// <param name="logit">Logit z. Range: finite.</param>
    /// <param name="target">Target y. Range: y ∈ [0, 1].</param>
    /// <returns>A value ≥ 0 (≥ the binary entropy of y); finite for finite z.</returns>
    /// <exception cref="ArgumentException">z not finite; y not in [0, 1].</exception>
    /// <remarks>Spec: <c>GRAD-BINARY</c>, <c>STRICT-BINARY</c>.</remarks>
    public static double BinaryWithLogit(double logit, double target)
    {
        InputRules.Finite(logit, nameof(logit));
        InputRules.Probability(target, nameof(target));

        double linear = logit >= 0.0 ? logit * (1.0 - target) : -logit * target;   // max(z, 0) − z·y, ≥ 0
        return linear + Softmax.Log1p(Math.Exp(-Math.Abs(logit)));
    }

    /// <summary>∂L/∂z = σ(z) − y for the binary cross-entropy above.</summary>
    /// <param name="logit">Logit z. Range: finite.</param>
    /// <param name="target">Target y. Range: y ∈ [0, 1].</param>
    /// <returns>A value in [−1, 1].</returns>
    /// <exception cref="ArgumentException">z not finite; y not in [0, 1].</exception>
    /// <remarks>Spec: <c>GRAD-BINARY</c>.</remarks>
    public static double BinaryLogitGradient(double logit, double target)
    {
        InputRules.Finite(logit, nameof(logit));
        InputRules.Probability(target, nameof(target));

        return Sigmoid(logit) - target;
    }

    /// <summary>
    /// σ(z) = 1 / (1 + e^{−z}) for z ≥ 0 and e^{z} / (1 + e^{z}) for z &lt; 0: the exponent is ≤ 0 in
    /// both branches, so e^{−z} never overflows for very negative z.
    /// </summary>
    private static double Sigmoid(double z)
    {
        if (z >= 0.0) return 1.0 / (1.0 + Math.Exp(-z));
        double e = Math.Exp(z);
        return e / (1.0 + e);
    }


}
