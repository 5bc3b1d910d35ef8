namespace LossConformance.Reference;

/// <summary>
/// The batched softmax-cross-entropy with the options of pretraining (spec/loss-options.md), in float64,
/// unfused: each step of <c>LOSSOPT-COMPOSE</c> is its own loop — soft-cap, log-softmax, the weighted and
/// smoothed target, the z-loss, the chain rule through the cap, the reduction.
/// </summary>
public static class LossOptions
{
    /// <summary>One counted row, every quantity of <c>LOSSOPT-COMPOSE</c> spelled out.</summary>
    /// <param name="CrossEntropy">CE = Σⱼ yⱼℓⱼ = (1 − ε)w_t ℓ_t + (ε/V)Σ_c w_c ℓ_c.</param>
    /// <param name="ZLoss">Zₗ = λ_z·lse(z')².</param>
    /// <param name="CrossEntropyGradient">∂CE/∂z (through the cap): (σŷ − y)·D.</param>
    /// <param name="ZLossGradient">∂Zₗ/∂z (through the cap): 2λ_z·lse(z')·ŷ·D.</param>
    public readonly record struct Row(double CrossEntropy, double ZLoss, double[] CrossEntropyGradient, double[] ZLossGradient);

    /// <summary>
    /// The per-token formula of one counted row with target t: z' = c·tanh(z/c) (<c>LOSSOPT-SOFTCAP</c>),
    /// ℓ = lse(z') − z' from the max-shifted form (<c>SMAX-LOG</c>), yⱼ = (1 − ε)w_t δⱼₜ + (ε/V)wⱼ
    /// (<c>LOSSOPT-SMOOTH</c>, <c>LOSSOPT-WEIGHTS</c>), CE = Σ yⱼℓⱼ with gradient σŷ − y, σ = Σy (<c>GRAD-GENERAL</c>),
    /// Zₗ = λ_z lse(z')² with gradient 2λ_z lse(z')ŷ (<c>LOSSOPT-ZLOSS</c>), both times Dⱼ = 1 − tanh²(zⱼ/c),
    /// taken at the uncapped logit (<c>LOSSOPT-SOFTCAP</c>). Inputs are assumed valid.
    /// </summary>
    /// <remarks>Spec: <c>LOSSOPT-COMPOSE</c>.</remarks>
    public static Row CountedRow(ReadOnlySpan<double> z, int t, CrossEntropyOptions<double> options)
    {
        int v = z.Length;
        double eps = options.LabelSmoothing, lambda = options.ZLossScale, c = options.SoftCap;
        ReadOnlyMemory<double> weights = options.ClassWeights;
        double Weight(int j) => weights.IsEmpty ? 1.0 : weights.Span[j];   // no weights: all ones

        // 1. soft-cap, and the chain-rule factor at the uncapped logit
        var capped = new double[v];
        var factor = new double[v];
        for (int j = 0; j < v; j++)
        {
            if (double.IsPositiveInfinity(c)) { capped[j] = z[j]; factor[j] = 1.0; continue; }
            double th = Math.Tanh(z[j] / c);
            capped[j] = c * th;
            factor[j] = 1.0 - th * th;   // d/dz [c·tanh(z/c)] = 1 − tanh²(z/c), z the uncapped logit
        }

        // 2. log-softmax and softmax of the capped logits
        var logP = new double[v];
        var p = new double[v];
        Softmax.Log(capped, logP);
        Softmax.Of(capped, p);
        double lse = Softmax.LogSumExp(capped);

        // 3. the weighted, smoothed target y and its sum σ; CE = −Σ yⱼ ln ŷⱼ
        var y = new double[v];
        for (int j = 0; j < v; j++)
            y[j] = (eps / v) * Weight(j) + (j == t ? (1.0 - eps) * Weight(t) : 0.0);
        double sigma = 0.0, ce = 0.0;
        for (int j = 0; j < v; j++)
        {
            sigma += y[j];
            if (y[j] != 0.0) ce -= y[j] * logP[j];
        }

        // 4. z-loss of the capped logits, unweighted
        double zLoss = lambda * lse * lse;

        // 5. gradients through the cap
        var gCe = new double[v];
        var gZ = new double[v];
        for (int j = 0; j < v; j++)
        {
            gCe[j] = (sigma * p[j] - y[j]) * factor[j];
            gZ[j] = 2.0 * lambda * lse * p[j] * factor[j];
        }
        return new Row(ce, zLoss, gCe, gZ);
    }

    /// <summary>
    /// Reduced loss: Sum = Σ_{r∈K}(CEᵣ + Zₗᵣ); Mean = Σ_{r∈K} CEᵣ / W_K + Σ_{r∈K} Zₗᵣ / N with W_K = Σ_{r∈K} w_{tᵣ}
    /// and N = |K|, the CE part 0 when W_K = 0 and everything 0 when N = 0; gradient rows scaled part by part
    /// the same way; ignored rows 0. Returns the loss and its z-loss part.
    /// </summary>
    /// <remarks>Spec: <c>LOSSOPT-COMPOSE</c>, <c>LOSSOPT-WEIGHTED-MEAN</c>, <c>LOSSOPT-ZERO-WEIGHT</c>,
    /// <c>LOSSOPT-IGNORED</c>, <c>LOSSOPT-ZLOSS</c>, <c>LOSSOPT-FUSED</c>, <c>LOSSOPT-INPUT</c>.</remarks>
    public static CrossEntropyResult<double> ForwardBackward(ReadOnlySpan<double> logits, int classes, ReadOnlySpan<int> targets,
                                                             CrossEntropyOptions<double> options, LossReduction reduction, Span<double> gradient)
    {
        int rows = InputRules.BatchedCrossEntropyWithOptions(logits, classes, targets, options, reduction, gradient);
        ReadOnlySpan<double> w = options.ClassWeights.Span;

        // the denominators of the Mean: N counted tokens, W_K their total weight
        int counted = 0;
        double weightOfCounted = 0.0;
        for (int r = 0; r < rows; r++)
        {
            if (targets[r] == options.IgnoreIndex) continue;
            counted++;
            weightOfCounted += w.IsEmpty ? 1.0 : w[targets[r]];
        }
        bool mean = reduction == LossReduction.Mean;
        double ceScale = !mean ? 1.0 : weightOfCounted > 0 ? 1.0 / weightOfCounted : 0.0;   // W_K = 0: CE part 0 (LOSSOPT-ZERO-WEIGHT)
        double zScale = !mean ? 1.0 : counted > 0 ? 1.0 / counted : 0.0;                    // N = 0: everything 0

        double ceSum = 0.0, zSum = 0.0;
        for (int r = 0; r < rows; r++)
        {
            Span<double> g = gradient.Slice(r * classes, classes);
            int t = targets[r];
            if (t == options.IgnoreIndex) { g.Clear(); continue; }   // LOSSOPT-IGNORED: no option reaches it
            Row row = CountedRow(logits.Slice(r * classes, classes), t, options);
            ceSum += row.CrossEntropy;
            zSum += row.ZLoss;
            for (int j = 0; j < classes; j++)
                g[j] = ceScale * row.CrossEntropyGradient[j] + zScale * row.ZLossGradient[j];
        }
        double ce = mean ? (weightOfCounted > 0 ? ceSum / weightOfCounted : 0.0) : ceSum;
        double zl = mean ? (counted > 0 ? zSum / counted : 0.0) : zSum;
        return new CrossEntropyResult<double>(ce + zl, zl);
    }

    /// <summary>
    /// Reduction none: lossesᵣ = CEᵣ + Zₗᵣ (0 when ignored), gradient row uᵣ·∂ℓᵣ/∂zᵣ (0 when ignored).
    /// </summary>
    /// <remarks>Spec: <c>LOSSOPT-NONE</c>, <c>LOSSOPT-IGNORED</c>, <c>LOSSOPT-INPUT</c>.</remarks>
    public static void ForwardBackwardPerToken(ReadOnlySpan<double> logits, int classes, ReadOnlySpan<int> targets,
                                               CrossEntropyOptions<double> options, ReadOnlySpan<double> upstream,
                                               Span<double> losses, Span<double> gradient)
    {
        int rows = InputRules.BatchedCrossEntropyPerToken(logits, classes, targets, options, upstream, losses, gradient);
        for (int r = 0; r < rows; r++)
        {
            Span<double> g = gradient.Slice(r * classes, classes);
            int t = targets[r];
            if (t == options.IgnoreIndex) { g.Clear(); losses[r] = 0.0; continue; }
            Row row = CountedRow(logits.Slice(r * classes, classes), t, options);
            losses[r] = row.CrossEntropy + row.ZLoss;
            for (int j = 0; j < classes; j++)
                g[j] = upstream[r] * (row.CrossEntropyGradient[j] + row.ZLossGradient[j]);
        }
    }
}
