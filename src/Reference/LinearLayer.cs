namespace LossConformance.Reference;

/// <summary>
/// A linear layer followed by softmax-cross-entropy (spec/linear-layer.md). Shapes: x ∈ ℝᵐ,
/// W ∈ ℝ^{m×n} row-major (Wᵢⱼ = weights[i·n + j]), b ∈ ℝⁿ, z = Wᵀx + b ∈ ℝⁿ; m and n are read
/// from the lengths of x and b.
/// </summary>
public static class LinearLayer
{
    /// <summary>z = Wᵀx + b, i.e. zⱼ = Σᵢ xᵢ Wᵢⱼ + bⱼ.</summary>
    /// <param name="x">Input x. Range: m ≥ 1, finite.</param>
    /// <param name="weights">W, row-major m × n. Range: finite, length m·n.</param>
    /// <param name="bias">b. Range: n ≥ 1, finite.</param>
    /// <param name="logits">Output z. Range: length n.</param>
    /// <exception cref="ArgumentException">empty or non-finite input; lengths that do not fit; Wᵀx + b overflows.</exception>
    /// <remarks>Spec: <c>LIN-SHAPE</c>.</remarks>
    public static void Forward(ReadOnlySpan<double> x, ReadOnlySpan<double> weights, ReadOnlySpan<double> bias, Span<double> logits)
    {
        InputRules.LinearForward<double>(x, weights, bias, logits);

        Logits(x, weights, bias).CopyTo(logits);
    }

    /// <summary>
    /// L = −Σⱼ yⱼ ln softmax(z)ⱼ with z = Wᵀx + b; ∂L/∂W = x (ŷ − y)ᵀ, i.e. ∂L/∂Wᵢⱼ = xᵢ(ŷⱼ − yⱼ),
    /// and ∂L/∂b = ŷ − y. For target weights that do not sum to 1, ŷ − y reads (Σy)ŷ − y (<c>GRAD-GENERAL</c>).
    /// </summary>
    /// <param name="x">Input x. Range: m ≥ 1, finite.</param>
    /// <param name="weights">W, row-major m × n. Range: finite, length m·n.</param>
    /// <param name="bias">b. Range: n ≥ 1, finite.</param>
    /// <param name="target">Target weights y. Range: length n, yⱼ ≥ 0 and finite (a distribution in the usual case).</param>
    /// <param name="weightGradient">Output ∂L/∂W, row-major m × n. Range: length m·n.</param>
    /// <param name="biasGradient">Output ∂L/∂b. Range: length n.</param>
    /// <returns>L ≥ 0, finite for finite inputs whose logits do not overflow.</returns>
    /// <exception cref="ArgumentException">empty or non-finite input; negative target; lengths that do not fit; Wᵀx + b overflows.</exception>
    /// <remarks>Spec: <c>LIN-SHAPE</c>, <c>LIN-GRAD-W</c>, <c>LIN-GRAD-B</c>, <c>XENT-LOGITS</c>.</remarks>
    public static double LossAndGradients(ReadOnlySpan<double> x, ReadOnlySpan<double> weights, ReadOnlySpan<double> bias,
                                          ReadOnlySpan<double> target, Span<double> weightGradient, Span<double> biasGradient)
    {
        int m = x.Length, n = bias.Length;
        InputRules.LinearLayerLoss<double>(x, weights, bias, target, weightGradient, biasGradient);
        double[] z = Logits(x, weights, bias);   // may still reject: overflow

        double loss = CrossEntropy.FromLogits(target, z);
        SoftmaxCrossEntropy.LogitGradient(target, z, biasGradient);   // ∂L/∂b = ∂L/∂z = ŷ − y
        for (int i = 0; i < m; i++)
            for (int j = 0; j < n; j++)
                weightGradient[i * n + j] = x[i] * biasGradient[j];   // ∂L/∂Wᵢⱼ = xᵢ · ∂L/∂zⱼ
        return loss;
    }


    /// <summary>z = Wᵀx + b; rejects finite inputs whose logits overflow to ±∞ (nothing is written yet).</summary>
    private static double[] Logits(ReadOnlySpan<double> x, ReadOnlySpan<double> weights, ReadOnlySpan<double> bias)
    {
        int m = x.Length, n = bias.Length;
        var z = new double[n];
        for (int j = 0; j < n; j++)
        {
            double sum = bias[j];
            for (int i = 0; i < m; i++)
                sum += x[i] * weights[i * n + j];
            if (!double.IsFinite(sum))
                throw new ArgumentException($"z[{j}] = (Wᵀx + b)[{j}] overflows to {sum}; the logits must be finite (INPUT-NAN).", nameof(weights));
            z[j] = sum;
        }
        return z;
    }
}
