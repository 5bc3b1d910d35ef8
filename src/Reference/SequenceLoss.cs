namespace LossConformance.Reference;

/// <summary>
/// Teacher-forced sequence loss of a bigram language model (spec/sequence-loss.md): tokens
/// x₀ … x_T, x₀ the start context; position t sees the gold token x_{t−1}, never a generated one,
/// and its logits are zₜ = Wᵀ e_{x_{t−1}} + b, i.e. row x_{t−1} of W (V × V, row-major) plus b.
/// </summary>
public static class SequenceLoss
{
    /// <summary>
    /// L = −(1/T) Σₜ₌₁..T ln softmax(zₜ)[xₜ] + λ · ½‖W‖²;
    /// ∂L/∂W = Σₜ e_{x_{t−1}} (ŷₜ − e_{xₜ})ᵀ / T + λW (row x_{t−1} receives (ŷₜ − e_{xₜ}) / T);
    /// ∂L/∂b = Σₜ (ŷₜ − e_{xₜ}) / T (no λ term: the penalty is on W only).
    /// </summary>
    /// <param name="tokens">Token ids x₀ … x_T. Range: length T + 1 ≥ 2, each in [0, V).</param>
    /// <param name="vocabulary">Vocabulary size V. Range: ≥ 1.</param>
    /// <param name="weights">W, row-major V × V. Range: finite, length V².</param>
    /// <param name="bias">b. Range: finite, length V.</param>
    /// <param name="lambda">L2 strength λ. Range: finite, λ ≥ 0.</param>
    /// <param name="weightGradient">Output ∂L/∂W. Range: length V².</param>
    /// <param name="biasGradient">Output ∂L/∂b. Range: length V.</param>
    /// <returns>L ≥ 0; finite unless the true value exceeds double's range (e.g. ½‖W‖² beyond it).</returns>
    /// <exception cref="ArgumentException">fewer than two tokens; non-finite input; λ &lt; 0; lengths that do not fit; a row of W plus b overflows.</exception>
    /// <exception cref="ArgumentOutOfRangeException">a token outside [0, V); V ≤ 0.</exception>
    /// <remarks>Spec: <c>SEQ-DEF</c>, <c>SEQ-TEACHER-FORCING</c>, <c>SEQ-GRAD</c>, <c>SEQ-L2</c>.</remarks>
    public static double LossAndGradients(ReadOnlySpan<int> tokens, int vocabulary, ReadOnlySpan<double> weights, ReadOnlySpan<double> bias,
                                          double lambda, Span<double> weightGradient, Span<double> biasGradient)
    {
        int v = vocabulary;
        InputRules.SequenceLoss<double>(tokens, v, weights, bias, lambda, weightGradient, biasGradient);
        double[][] logits = TeacherForcedLogits(tokens, weights, bias, v);   // may still reject: overflow

        int T = tokens.Length - 1;
        weightGradient.Clear();
        biasGradient.Clear();
        var logProbabilities = new double[v];
        var probabilities = new double[v];
        double nll = 0.0;
        for (int t = 1; t <= T; t++)
        {
            int context = tokens[t - 1], next = tokens[t];
            Softmax.Log(logits[t - 1], logProbabilities);
            Softmax.Of(logits[t - 1], probabilities);
            nll -= logProbabilities[next];
            for (int j = 0; j < v; j++)
            {
                double g = (j == next ? probabilities[j] - 1.0 : probabilities[j]) / T;   // (ŷₜ − e_{xₜ})ⱼ / T
                weightGradient[context * v + j] += g;
                biasGradient[j] += g;
            }
        }

        double squaredNorm = 0.0;
        for (int k = 0; k < weights.Length; k++)
        {
            squaredNorm += weights[k] * weights[k];
            weightGradient[k] += lambda * weights[k];   // ∂(λ · ½‖W‖²)/∂W = λW
        }
        double penalty = lambda == 0.0 ? 0.0 : lambda * 0.5 * squaredNorm;   // λ = 0 means no term, even if ‖W‖² overflows (0 · ∞ = NaN)
        return nll / T + penalty;
    }

    /// <summary>zₜ = row x_{t−1} of W plus b, for t = 1 … T; rejects finite inputs whose sum overflows (nothing is written yet).</summary>
    private static double[][] TeacherForcedLogits(ReadOnlySpan<int> tokens, ReadOnlySpan<double> weights, ReadOnlySpan<double> bias, int v)
    {
        var logits = new double[tokens.Length - 1][];
        for (int t = 1; t < tokens.Length; t++)
        {
            int context = tokens[t - 1];   // the gold previous token: teacher forcing
            var z = new double[v];
            for (int j = 0; j < v; j++)
            {
                z[j] = weights[context * v + j] + bias[j];
                if (!double.IsFinite(z[j]))
                    throw new ArgumentException($"W[{context}, {j}] + b[{j}] overflows to {z[j]}; the logits must be finite (INPUT-NAN).", nameof(weights));
            }
            logits[t - 1] = z;
        }
        return logits;
    }
}
