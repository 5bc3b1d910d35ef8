namespace LossConformance.SelfTests.Mutants;

// Realistic mistakes in the loss options (spec/loss-options.md): the traps of issue #12 (a weighted mean divided by N, a
// z-loss gradient without its 2 or its ŷ, the soft-cap derivative at the capped logit, smoothing on ignored tokens) and
// one more per clause. Each is the reference's algorithm (OptionsMutant, written out with hooks) with one hook changed.

/// <summary>
/// The reference's options kernel (float64, <see cref="LossConformance.Reference.LossOptions"/>) with one virtual hook
/// per place a kernel can go wrong; the default hooks give the reference's results.
/// </summary>
public abstract class OptionsMutant : Mutant, IBatchedSoftmaxCrossEntropyWithOptions<double>
{
    /// <summary>Scale of the CE part of the Mean: 1/W_K (0 when W_K = 0).</summary>
    protected virtual double CrossEntropyMeanScale(int counted, double weightOfCounted) => weightOfCounted > 0 ? 1 / weightOfCounted : 0;

    /// <summary>∂Zₗ/∂z'ⱼ = 2λ_z·lse·ŷⱼ.</summary>
    protected virtual double ZLossGradient(double lambda, double lse, double p) => 2 * lambda * lse * p;

    /// <summary>The chain-rule factor at the uncapped logit: 1 − tanh²(z/c).</summary>
    protected virtual double CapFactor(double z, double cap) { double th = Math.Tanh(z / cap); return 1 - th * th; }

    /// <summary>The target's entry j: (ε/V)wⱼ + (1 − ε)w_t δⱼₜ.</summary>
    protected virtual double Target(int j, int t, int v, double eps, Func<int, double> weight) =>
        eps / v * weight(j) + (j == t ? (1 - eps) * weight(t) : 0);

    /// <summary>The logits the z-loss is of (the capped ones).</summary>
    protected virtual bool ZLossOfUncappedLogits => false;

    /// <summary>What an ignored row gets: (loss, gradient row) — nothing.</summary>
    protected virtual double IgnoredRow(ReadOnlySpan<double> z, CrossEntropyOptions<double> o, Span<double> g) { g.Clear(); return 0; }

    /// <summary>The per-token gradient's scale: the upstream.</summary>
    protected virtual double UpstreamScale(double u) => u;

    /// <summary>Post-processing of the reduced result (for rounding or reporting mistakes).</summary>
    protected virtual CrossEntropyResult<double> Finish(CrossEntropyResult<double> result, LossReduction reduction, int counted) => result;

    /// <summary>The input rules.</summary>
    protected virtual void Validate(int classes, CrossEntropyOptions<double> options) => InputRules.LossOptions(options, classes);

    private (double Ce, double Z, double[] GradCe, double[] GradZ) Row(ReadOnlySpan<double> z, int t, CrossEntropyOptions<double> o)
    {
        int v = z.Length;
        var weights = o.ClassWeights;
        double Weight(int j) => weights.IsEmpty ? 1 : weights.Span[j];
        bool capped = !double.IsPositiveInfinity(o.SoftCap);
        var zc = new double[v];
        var factor = new double[v];
        for (int j = 0; j < v; j++)
        {
            zc[j] = capped ? o.SoftCap * Math.Tanh(z[j] / o.SoftCap) : z[j];
            factor[j] = capped ? CapFactor(z[j], o.SoftCap) : 1;
        }
        var logP = new double[v];
        var p = new double[v];
        Ref.LogSoftmax(zc, logP);
        Ref.Softmax(zc, p);
        double lse = Ref.LogSumExp(ZLossOfUncappedLogits ? z : zc);
        double sigma = 0, ce = 0;
        var y = new double[v];
        for (int j = 0; j < v; j++)
        {
            y[j] = Target(j, t, v, o.LabelSmoothing, Weight);
            sigma += y[j];
            if (y[j] != 0) ce -= y[j] * logP[j];
        }
        var gce = new double[v];
        var gz = new double[v];
        for (int j = 0; j < v; j++)
        {
            gce[j] = (sigma * p[j] - y[j]) * factor[j];
            gz[j] = ZLossGradient(o.ZLossScale, lse, p[j]) * factor[j];
        }
        return (ce, o.ZLossScale * lse * lse, gce, gz);
    }

    public virtual CrossEntropyResult<double> ForwardBackward(ReadOnlySpan<double> logits, int classes, ReadOnlySpan<int> targets,
                                                              CrossEntropyOptions<double> options, LossReduction reduction, Span<double> gradient)
    {
        ArgumentNullException.ThrowIfNull(options);
        int rows = InputRules.BatchedCrossEntropy(logits, classes, targets, options.IgnoreIndex, reduction, gradient);
        Validate(classes, options);
        int counted = 0;
        double weight = 0;
        for (int r = 0; r < rows; r++)
            if (targets[r] != options.IgnoreIndex) { counted++; weight += options.ClassWeights.IsEmpty ? 1 : options.ClassWeights.Span[targets[r]]; }
        bool mean = reduction == LossReduction.Mean;
        double alpha = mean ? CrossEntropyMeanScale(counted, weight) : 1, beta = mean ? (counted > 0 ? 1.0 / counted : 0) : 1;
        double ce = 0, zl = 0, extra = 0;
        for (int r = 0; r < rows; r++)
        {
            var z = logits.Slice(r * classes, classes);
            var g = gradient.Slice(r * classes, classes);
            if (targets[r] == options.IgnoreIndex) { extra += IgnoredRow(z, options, g) * (mean ? alpha : 1); continue; }
            var (c, zz, gce, gz) = Row(z, targets[r], options);
            ce += c; zl += zz;
            for (int j = 0; j < classes; j++) g[j] = alpha * gce[j] + beta * gz[j];
        }
        return Finish(new CrossEntropyResult<double>(alpha * ce + beta * zl + extra, beta * zl), reduction, counted);
    }

    public virtual void ForwardBackwardPerToken(ReadOnlySpan<double> logits, int classes, ReadOnlySpan<int> targets,
                                                CrossEntropyOptions<double> options, ReadOnlySpan<double> upstream,
                                                Span<double> losses, Span<double> gradient)
    {
        ArgumentNullException.ThrowIfNull(options);
        int rows = InputRules.BatchedCrossEntropy(logits, classes, targets, options.IgnoreIndex, LossReduction.Sum, gradient);
        Validate(classes, options);
        InputRules.Length(upstream, rows, nameof(upstream));
        InputRules.Finite(upstream, nameof(upstream));
        InputRules.Length<double>(losses, rows, nameof(losses));
        for (int r = 0; r < rows; r++)
        {
            var z = logits.Slice(r * classes, classes);
            var g = gradient.Slice(r * classes, classes);
            if (targets[r] == options.IgnoreIndex) { losses[r] = IgnoredRow(z, options, g); continue; }
            var (c, zz, gce, gz) = Row(z, targets[r], options);
            losses[r] = c + zz;
            for (int j = 0; j < classes; j++) g[j] = UpstreamScale(upstream[r]) * (gce[j] + gz[j]);
        }
    }
}

// ---- the traps of issue #12 ----

/// <summary>Weighted mean divided by the number of counted tokens N instead of their total weight W_K.</summary>
[Breaks("LOSSOPT-WEIGHTED-MEAN")]
public sealed class WeightedMeanDividedByN : OptionsMutant
{
    protected override double CrossEntropyMeanScale(int counted, double weightOfCounted) => counted > 0 ? 1.0 / counted : 0;
}

/// <summary>z-loss gradient λ_z·lse·ŷ: the factor 2 of the square forgotten.</summary>
[Breaks("LOSSOPT-ZLOSS", "LOSSOPT-COMPOSE")]
public sealed class ZLossGradientWithoutTwo : OptionsMutant
{
    protected override double ZLossGradient(double lambda, double lse, double p) => lambda * lse * p;
}

/// <summary>z-loss gradient 2λ_z·lse on every entry: the ŷ of ∂lse/∂z forgotten.</summary>
[Breaks("LOSSOPT-ZLOSS", "LOSSOPT-FUSED")]
public sealed class ZLossGradientWithoutSoftmax : OptionsMutant
{
    protected override double ZLossGradient(double lambda, double lse, double p) => 2 * lambda * lse;
}

/// <summary>Soft-cap derivative taken at the capped logit: 1 − tanh²(z'/c) with z' = c·tanh(z/c).</summary>
[Breaks("LOSSOPT-SOFTCAP", "LOSSOPT-FUSED")]
public sealed class SoftCapDerivativeAtTheCappedLogit : OptionsMutant
{
    protected override double CapFactor(double z, double cap) { double th = Math.Tanh(cap * Math.Tanh(z / cap) / cap); return 1 - th * th; }
}

/// <summary>Smoothing applied to ignored tokens: they get (ε/V)Σ_c ℓ_c and the gradient ε(ŷ − 1/V).</summary>
[Breaks("LOSSOPT-IGNORED")]
public sealed class SmoothingOnIgnoredTokens : OptionsMutant
{
    protected override double IgnoredRow(ReadOnlySpan<double> z, CrossEntropyOptions<double> o, Span<double> g)
    {
        int v = z.Length;
        var logP = new double[v];
        Ref.LogSoftmax(z, logP);
        Ref.Softmax(z, g);
        double loss = 0;
        for (int j = 0; j < v; j++) { loss -= o.LabelSmoothing / v * logP[j]; g[j] = o.LabelSmoothing * (g[j] - 1.0 / v); }
        return loss;
    }
}

// ---- one more per clause ----

/// <summary>z-loss of the uncapped logits (the order of soft-cap and z-loss swapped).</summary>
[Breaks("LOSSOPT-COMPOSE")]
public sealed class ZLossBeforeTheCap : OptionsMutant
{
    protected override bool ZLossOfUncappedLogits => true;
}

/// <summary>Reduction none ignores the upstream gradient (writes ∂ℓᵣ/∂zᵣ as if every uᵣ were 1).</summary>
[Breaks("LOSSOPT-NONE")]
public sealed class PerTokenIgnoresTheUpstream : OptionsMutant
{
    protected override double UpstreamScale(double u) => 1;
}

/// <summary>Smoothing of the other definition: ε/(V − 1) to each wrong class, 1 − ε to the label (not PyTorch's).</summary>
[Breaks("LOSSOPT-SMOOTH")]
public sealed class SmoothingOverTheOtherClasses : OptionsMutant
{
    protected override double Target(int j, int t, int v, double eps, Func<int, double> weight) =>
        v == 1 ? weight(t) : j == t ? (1 - eps) * weight(t) : eps / (v - 1) * weight(j);
}

/// <summary>The smoothing term left unweighted when there are class weights: (ε/V)Σ_c ℓ_c instead of (ε/V)Σ_c w_c ℓ_c.</summary>
[Breaks("LOSSOPT-WEIGHTS")]
public sealed class SmoothingTermUnweighted : OptionsMutant
{
    protected override double Target(int j, int t, int v, double eps, Func<int, double> weight) =>
        eps / v + (j == t ? (1 - eps) * weight(t) : 0);
}

/// <summary>W_K = 0 gives PyTorch's 0/0 = NaN for the Mean.</summary>
[Breaks("LOSSOPT-ZERO-WEIGHT")]
public sealed class ZeroTotalWeightIsNaN : OptionsMutant
{
    protected override double CrossEntropyMeanScale(int counted, double weightOfCounted) => counted == 0 ? 0 : 1 / weightOfCounted;

    protected override CrossEntropyResult<double> Finish(CrossEntropyResult<double> result, LossReduction reduction, int counted) =>
        double.IsInfinity(result.Loss) || double.IsNaN(result.Loss) ? result with { Loss = double.NaN } : result;
}

/// <summary>The returned z-loss part is not reduced like the loss: the Mean reports Σ Zₗ (Liger's per-token z_loss summed).</summary>
[Breaks("LOSSOPT-ZLOSS")]
public sealed class ZLossPartNotReduced : OptionsMutant
{
    protected override CrossEntropyResult<double> Finish(CrossEntropyResult<double> result, LossReduction reduction, int counted) =>
        reduction == LossReduction.Mean ? result with { ZLoss = result.ZLoss * counted } : result;
}

/// <summary>The reduced gradient drops the z-loss part (the loss keeps it): the kernel's two outputs disagree.</summary>
[Breaks("LOSSOPT-FUSED")]
public sealed class ReducedGradientWithoutZLoss : OptionsMutant
{
    public override CrossEntropyResult<double> ForwardBackward(ReadOnlySpan<double> logits, int classes, ReadOnlySpan<int> targets,
                                                               CrossEntropyOptions<double> options, LossReduction reduction, Span<double> gradient)
    {
        var result = base.ForwardBackward(logits, classes, targets, options, reduction, gradient);
        base.ForwardBackward(logits, classes, targets, options with { ZLossScale = 0 }, reduction, gradient);
        return result;
    }
}

/// <summary>Label smoothing not validated: ε &gt; 1 and ε &lt; 0 are accepted (a negative target weight follows).</summary>
[Breaks("LOSSOPT-INPUT")]
public sealed class SmoothingNotValidated : OptionsMutant
{
    protected override void Validate(int classes, CrossEntropyOptions<double> options) =>
        InputRules.LossOptions(options with { LabelSmoothing = 0 }, classes);
}

/// <summary>The loss accumulated in float32 (a float accumulator inside a double kernel).</summary>
[Breaks("ACC-LOSSOPT")]
public sealed class OptionsLossInFloat : OptionsMutant
{
    protected override CrossEntropyResult<double> Finish(CrossEntropyResult<double> result, LossReduction reduction, int counted) =>
        result with { Loss = (float)result.Loss };
}
