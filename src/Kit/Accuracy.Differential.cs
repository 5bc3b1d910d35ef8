using System.Numerics;

namespace LossConformance.Kit;

/// <summary>
/// Error bounds for the composite capabilities that <see cref="Accuracy"/> does not cover (the
/// linear layer, the sequence loss, the batched and binary losses, the Jacobian, ∂L/∂ŷ), for
/// closed-form answers, and for finite differences evaluated in T. Same model as Accuracy
/// (spec/accuracy.md): u the unit roundoff of T, γₖ = ku/(1 − ku), exp/ln within 4u
/// (<c>ACC-MODEL</c>), sums of k terms in any order within γ_{k−1}Σ|xᵢ| (<c>ACC-SUM</c>), and
/// results below the smallest normal number within an absolute floor. Every bound is for an
/// implementation in T on inputs exactly representable in T; a differential test adds the same
/// bound with T = double for the float64 reference.
/// <para>
/// Where a composite first computes logits ẑ (z = Wᵀx + b, or a row of W plus b), two facts carry
/// the error of ẑ through the softmax-cross-entropy that follows, with δ = ‖ẑ − z‖∞:
/// (1) |L(ẑ) − L(z)| ≤ ‖∇L‖₁ δ ≤ 2(Σy) δ, because ∇L = (Σy)ŷ − y has ‖·‖₁ ≤ 2Σy at every point;
/// (2) ŷᵢ(ẑ)/ŷᵢ(z) = exp(δzᵢ) / Σⱼ ŷⱼ exp(δzⱼ) ∈ [e^{−2δ}, e^{2δ}], so |ŷᵢ(ẑ) − ŷᵢ(z)| ≤ ŷᵢ(e^{2δ} − 1).
/// The <see cref="Accuracy"/> bounds of the softmax-cross-entropy are evaluated at z rather than ẑ;
/// they move by O(uδ) between the two, which one more δ(Σy) (in the loss) and the factor e^{2δ}
/// (in the gradient) cover.
/// </para>
/// </summary>
public static class DifferentialAccuracy
{
    /// <summary>Unit roundoff of double, 2⁻⁵³.</summary>
    public static double DoubleU { get; } = Math.ScaleB(1.0, -53);

    /// <summary>
    /// A closed-form answer (ln n, 1/n, 1e4 + ln 2, −½ ln t …) evaluated in double: at most two
    /// elementary functions and a few roundings, γ₈|value| with u = 2⁻⁵³. Spec: <c>ACC-MODEL</c>.
    /// </summary>
    public static double ClosedForm(double value) => Accuracy.Gamma(2 * Accuracy.ElementaryUlps, DoubleU) * Math.Abs(value);

    /// <summary>
    /// The error of re-normalising an input before handing it to the float64 reference, which accepts
    /// only Σp = 1 within double's τ(n) while an input in float is normalised within float's: the
    /// formulas are homogeneous in the mass s = Σp (H(p) = s·H(p/s) − s ln s, and alike), and p/s
    /// costs u per entry, s costs γₙ: γ_{2n+16}(Σᵢ pᵢ(|ln pᵢ| + |ln qᵢ| + 2) + |ln s|), u = 2⁻⁵³.
    /// Spec: <c>ACC-ENTROPY</c>, <c>ACC-NORMALISATION</c>.
    /// </summary>
    public static double Renormalisation(ReadOnlySpan<double> p, ReadOnlySpan<double> q)
    {
        double s = 0, terms = 0;
        for (int i = 0; i < p.Length; i++)
        {
            s += p[i];
            if (p[i] > 0) terms += p[i] * (Math.Abs(Math.Log(p[i])) + (q[i] > 0 ? Math.Abs(Math.Log(q[i])) : 0) + 2);
        }
        return Accuracy.Gamma(2 * p.Length + 16, DoubleU) * (terms + Math.Abs(Math.Log(s)) + 1);
    }

    // ---------------------------------------------------------------- linear layer

    /// <summary>
    /// z = Wᵀx + b, entry-wise: zⱼ is a sum of m products and one bias, so
    /// |ẑⱼ − zⱼ| ≤ γ_{m+1}(Σᵢ|xᵢWᵢⱼ| + |bⱼ|) + (m + 1)·floor (products that underflow).
    /// Spec: <c>LIN-SHAPE</c>, <c>ACC-SUM</c>.
    /// </summary>
    public static double[] LinearLogits<T>(ReadOnlySpan<double> x, ReadOnlySpan<double> w, ReadOnlySpan<double> b) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int m = x.Length, n = b.Length;
        var bound = new double[n];
        for (int j = 0; j < n; j++)
        {
            double s = Math.Abs(b[j]);
            for (int i = 0; i < m; i++) s += Math.Abs(x[i] * w[i * n + j]);
            bound[j] = Accuracy.Gamma(m + 1, Fp<T>.U) * s + (m + 1) * Fp<T>.MinNormal;
        }
        return bound;
    }

    /// <summary>
    /// L = CE(y, Wᵀx + b): the bound of CE from logits plus 3(Σy)·δ with δ = max bound of ẑ
    /// (fact (1) of the class summary, and δΣy for the bound's own shift). Spec: <c>LIN-SHAPE</c>, <c>ACC-XENT-LOGITS</c>.
    /// </summary>
    public static double LinearLoss<T>(ReadOnlySpan<double> x, ReadOnlySpan<double> w, ReadOnlySpan<double> b, ReadOnlySpan<double> y) where T : unmanaged, IFloatingPointIeee754<T>
    {
        double[] z = LinearExact(x, w, b);
        double delta = LinearLogits<T>(x, w, b).Max();
        return Accuracy.CrossEntropyFromLogits<T>(y, z) + 3 * Sum(y) * delta;
    }

    /// <summary>
    /// ∂L/∂b = (Σy)ŷ − y at ẑ: e^{2δ}·bound(ŷ − y) + (Σy)ŷⱼ(e^{2δ} − 1) (fact (2)).
    /// ∂L/∂Wᵢⱼ = xᵢ(∂L/∂bⱼ): one more product, (1 + u)|xᵢ|·bias bound + γ₂|xᵢ|((Σy)ŷⱼ + yⱼ) + floor
    /// (the γ₂ admits xᵢŷⱼ − xᵢyⱼ as well as xᵢ(ŷⱼ − yⱼ)). Spec: <c>LIN-GRAD-W</c>, <c>LIN-GRAD-B</c>, <c>ACC-XENT-LOGITS</c>.
    /// </summary>
    public static (double[] Weights, double[] Bias) LinearGradients<T>(ReadOnlySpan<double> x, ReadOnlySpan<double> w, ReadOnlySpan<double> b, ReadOnlySpan<double> y)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int m = x.Length, n = b.Length;
        double u = Fp<T>.U, sy = Sum(y);
        double[] z = LinearExact(x, w, b);
        double delta = LinearLogits<T>(x, w, b).Max();
        double[] yhat = Accuracy.SoftmaxExact(z);
        double[] bias = LogitGradientAt<T>(y, z, delta);
        var weights = new double[m * n];
        for (int i = 0; i < m; i++)
            for (int j = 0; j < n; j++)
                weights[i * n + j] = (1 + u) * Math.Abs(x[i]) * bias[j] + Accuracy.Gamma(2, u) * Math.Abs(x[i]) * (sy * yhat[j] + y[j]) + Fp<T>.MinNormal;
        return (weights, bias);
    }

    /// <summary>z = Wᵀx + b in double: the point the bounds are evaluated at (bounds need about one digit).</summary>
    public static double[] LinearExact(ReadOnlySpan<double> x, ReadOnlySpan<double> w, ReadOnlySpan<double> b)
    {
        int m = x.Length, n = b.Length;
        var z = new double[n];
        for (int j = 0; j < n; j++)
        {
            double s = b[j];
            for (int i = 0; i < m; i++) s += x[i] * w[i * n + j];
            z[j] = s;
        }
        return z;
    }

    // ---------------------------------------------------------------- sequence loss

    /// <summary>
    /// Teacher-forced bigram loss L = (1/T) Σₜ ℓₜ + λ½‖W‖², ℓₜ = CE(e_{xₜ}, W[x_{t−1}] + b).
    /// Each zₜ costs one addition (δₜ = u·max|zₜ|), so ℓₜ errs by bound(ℓₜ) + 3δₜ (facts (1)); the
    /// sum of T losses adds γ_T Σℓₜ, the division by T and the final addition u each;
    /// ½λ‖W‖² is a sum of V² squares times two constants: γ_{V²+3}·½λ‖W‖².
    /// Spec: <c>SEQ-DEF</c>, <c>SEQ-L2</c>, <c>ACC-XENT-LOGITS</c>, <c>ACC-SUM</c>.
    /// </summary>
    public static double SequenceLoss<T>(ReadOnlySpan<int> tokens, int v, ReadOnlySpan<double> w, ReadOnlySpan<double> b, double lambda)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        double u = Fp<T>.U;
        int steps = tokens.Length - 1;
        double bounds = 0, losses = 0;
        for (int t = 1; t <= steps; t++)
        {
            double[] z = SequenceLogits(tokens[t - 1], v, w, b);
            double[] y = OneHot(v, tokens[t]);
            double delta = u * MaxAbs(z);
            bounds += Accuracy.CrossEntropyFromLogits<T>(y, z) + 3 * delta;
            losses += Accuracy.LogSumExp(z) - z[tokens[t]];
        }
        double nll = losses / steps, penalty = lambda * 0.5 * SumOfSquares(w);
        return (1 + 2 * u) * (bounds + Accuracy.Gamma(steps, u) * losses) / steps
               + Accuracy.Gamma(w.Length + 3, u) * penalty + u * (nll + penalty);
    }

    /// <summary>
    /// ∂L/∂W and ∂L/∂b of the sequence loss. Entry (r, j) of ∂L/∂W sums, over the steps t whose
    /// context x_{t−1} is r, cₜ = (ŷₜⱼ − [j = xₜ])/T, then adds λWᵣⱼ; ∂L/∂bⱼ sums cₜ over every step.
    /// Each cₜ errs by ((e^{2δₜ}·bound(ŷ − y)ₜⱼ + ŷₜⱼ(e^{2δₜ} − 1))/T)(1 + u) + u|cₜ| (fact (2) and the
    /// division); the sum of k + 1 terms adds γ_{k+1}(Σ|cₜ| + λ|Wᵣⱼ|), λWᵣⱼ itself u·λ|Wᵣⱼ|.
    /// Spec: <c>SEQ-GRAD</c>, <c>SEQ-L2</c>, <c>ACC-XENT-LOGITS</c>, <c>ACC-SUM</c>.
    /// </summary>
    public static (double[] Weights, double[] Bias) SequenceGradients<T>(ReadOnlySpan<int> tokens, int v, ReadOnlySpan<double> w, ReadOnlySpan<double> b, double lambda)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        double u = Fp<T>.U;
        int steps = tokens.Length - 1;
        var wErr = new double[v * v];
        var wAbs = new double[v * v];
        var wCount = new int[v * v];
        var bErr = new double[v];
        var bAbs = new double[v];
        for (int t = 1; t <= steps; t++)
        {
            int r = tokens[t - 1];
            double[] z = SequenceLogits(r, v, w, b);
            double[] y = OneHot(v, tokens[t]);
            double delta = u * MaxAbs(z);
            double[] g = LogitGradientAt<T>(y, z, delta);
            double[] yhat = Accuracy.SoftmaxExact(z);
            for (int j = 0; j < v; j++)
            {
                double c = Math.Abs(yhat[j] - y[j]) / steps;
                double err = (1 + u) * g[j] / steps + u * c;
                wErr[r * v + j] += err; wAbs[r * v + j] += c; wCount[r * v + j]++;
                bErr[j] += err; bAbs[j] += c;
            }
        }
        var weights = new double[v * v];
        for (int k = 0; k < v * v; k++)
        {
            double l2 = lambda * Math.Abs(w[k]);
            weights[k] = (1 + u) * wErr[k] + Accuracy.Gamma(wCount[k] + 1, u) * (wAbs[k] + l2) + u * l2 + Fp<T>.MinNormal;
        }
        var bias = new double[v];
        for (int j = 0; j < v; j++) bias[j] = (1 + u) * bErr[j] + Accuracy.Gamma(steps + 1, u) * bAbs[j] + Fp<T>.MinNormal;
        return (weights, bias);
    }

    /// <summary>zₜ = row <paramref name="context"/> of W plus b, in double.</summary>
    public static double[] SequenceLogits(int context, int v, ReadOnlySpan<double> w, ReadOnlySpan<double> b)
    {
        var z = new double[v];
        for (int j = 0; j < v; j++) z[j] = w[context * v + j] + b[j];
        return z;
    }

    // ---------------------------------------------------------------- batched and binary

    /// <summary>
    /// Batched loss with hard labels over N counted rows: Σᵣ bound(ℓᵣ) + γ_N Σℓᵣ for Sum; for Mean
    /// that, divided by N, times (1 + u), plus u·L. 0 when every row is ignored (the answer is exactly 0).
    /// Spec: <c>GRAD-MEAN</c>, <c>GRAD-IGNORE</c>, <c>GRAD-ALL-IGNORED</c>, <c>ACC-XENT-LOGITS</c>, <c>ACC-SUM</c>.
    /// </summary>
    public static double BatchedLoss<T>(ReadOnlySpan<double> logits, int classes, ReadOnlySpan<int> targets, int ignoreIndex, LossReduction reduction)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        double u = Fp<T>.U, bounds = 0, losses = 0;
        int counted = 0;
        for (int r = 0; r < targets.Length; r++)
        {
            if (targets[r] == ignoreIndex) continue;
            var z = logits.Slice(r * classes, classes);
            bounds += Accuracy.CrossEntropyFromLogits<T>(OneHot(classes, targets[r]), z);
            losses += Accuracy.LogSumExp(z) - z[targets[r]];
            counted++;
        }
        if (counted == 0) return 0;
        double sum = bounds + Accuracy.Gamma(counted, u) * losses;
        return reduction == LossReduction.Sum ? sum : (1 + u) * sum / counted + u * losses / counted;
    }

    /// <summary>
    /// Batched gradient, entry-wise: bound(ŷᵣ − e_{tᵣ}) for Sum; for Mean that divided by N, times
    /// (1 + u), plus u·|gᵣⱼ|/N; exactly 0 in ignored rows. Spec: <c>GRAD-MEAN</c>, <c>GRAD-IGNORE</c>, <c>ACC-XENT-LOGITS</c>.
    /// </summary>
    public static double[] BatchedGradient<T>(ReadOnlySpan<double> logits, int classes, ReadOnlySpan<int> targets, int ignoreIndex, LossReduction reduction)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        double u = Fp<T>.U;
        int counted = 0;
        foreach (int t in targets) if (t != ignoreIndex) counted++;
        var bound = new double[logits.Length];
        for (int r = 0; r < targets.Length; r++)
        {
            if (targets[r] == ignoreIndex) continue;
            var z = logits.Slice(r * classes, classes);
            double[] y = OneHot(classes, targets[r]);
            double[] g = Accuracy.LogitGradient<T>(y, z);
            double[] yhat = Accuracy.SoftmaxExact(z);
            for (int j = 0; j < classes; j++)
                bound[r * classes + j] = reduction == LossReduction.Sum ? g[j]
                    : (1 + u) * g[j] / counted + u * Math.Abs(yhat[j] - y[j]) / counted;
        }
        return bound;
    }

    /// <summary>
    /// Binary cross-entropy L = max(z, 0) − zy + ln(1 + e^{−|z|}) (or −y ln σ(z) − (1 − y) ln σ(−z)):
    /// exp and ln1p cost 4u each and ln1p passes on the relative error of its argument (x/(1 + x) ≤ ln(1 + x)),
    /// the product zy and two additions u each: γ₁₂(|z| + |zy| + ln(1 + e^{−|z|})) + floor.
    /// Spec: <c>GRAD-BINARY</c>, <c>ACC-XENT-LOGITS</c>.
    /// </summary>
    public static double BinaryLoss<T>(double z, double y) where T : unmanaged, IFloatingPointIeee754<T> =>
        Accuracy.Gamma(12, Fp<T>.U) * (Math.Abs(z) + Math.Abs(z * y) + Math.Log(1 + Math.Exp(-Math.Abs(z)))) + Fp<T>.MinNormal;

    /// <summary>
    /// ∂L/∂z = σ(z) − y: σ in either stable form (1/(1 + e^{−z}) or e^{z}/(1 + e^{z})) is within 10u
    /// relative; the subtraction u: γ₁₂σ(z) + u|σ(z) − y| + floor. Spec: <c>GRAD-BINARY</c>, <c>ACC-XENT-LOGITS</c>.
    /// </summary>
    public static double BinaryGradient<T>(double z, double y) where T : unmanaged, IFloatingPointIeee754<T>
    {
        double s = Sigmoid(z);
        return Accuracy.Gamma(12, Fp<T>.U) * s + Fp<T>.U * Math.Abs(s - y) + Fp<T>.MinNormal;
    }

    /// <summary>σ(z) in double, stable for both signs.</summary>
    public static double Sigmoid(double z) => z >= 0 ? 1 / (1 + Math.Exp(-z)) : Math.Exp(z) / (1 + Math.Exp(z));

    // ---------------------------------------------------------------- softmax forms

    /// <summary>
    /// J = diag(ŷ) − ŷŷᵀ, entry-wise, from ŷ with absolute errors bᵢ (<see cref="Accuracy.Softmax{T}"/>):
    /// |Ĵᵢⱼ − Jᵢⱼ| ≤ bᵢ(δᵢⱼ + ŷⱼ + bⱼ) + ŷᵢbⱼ + γ₃ŷᵢ(δᵢⱼ + ŷⱼ) + floor; the γ₃ admits both
    /// ŷᵢ(δᵢⱼ − ŷⱼ) and ŷᵢδᵢⱼ − ŷᵢŷⱼ. Spec: <c>SMAX-JACOBIAN</c>, <c>ACC-SOFTMAX</c>.
    /// </summary>
    public static double[] Jacobian<T>(ReadOnlySpan<double> z) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int n = z.Length;
        double[] b = Accuracy.Softmax<T>(z), y = Accuracy.SoftmaxExact(z);
        var bound = new double[n * n];
        for (int i = 0; i < n; i++)
            for (int j = 0; j < n; j++)
            {
                double d = i == j ? 1 : 0;
                bound[i * n + j] = b[i] * (d + y[j] + b[j]) + y[i] * b[j] + Accuracy.Gamma(3, Fp<T>.U) * y[i] * (d + y[j]) + Fp<T>.MinNormal;
            }
        return bound;
    }

    /// <summary>∂L/∂ŷ = −y/ŷ, entry-wise: one division, u|yᵢ/ŷᵢ| + floor. Spec: <c>GRAD-PROB</c>, <c>ACC-MODEL</c>.</summary>
    public static double[] ProbabilityGradient<T>(ReadOnlySpan<double> y, ReadOnlySpan<double> q) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var bound = new double[y.Length];
        for (int i = 0; i < y.Length; i++) bound[i] = (y[i] == 0 ? 0 : Fp<T>.U * Math.Abs(y[i] / q[i])) + Fp<T>.MinNormal;
        return bound;
    }

    /// <summary>
    /// CE(y, ŷ̂) with ŷ̂ the softmax of z computed in T (the decomposition of CE from logits): ŷ̂ᵢ
    /// errs by bᵢ = bound(ŷᵢ), i.e. relatively by ηᵢ = bᵢ/ŷᵢ, which moves ln ŷᵢ by at most
    /// λᵢ = −ln(1 − ηᵢ); then the cross-entropy's own bound with |ln ŷᵢ| + λᵢ for |ln ŷᵢ|:
    /// Σ yᵢλᵢ + γ_{n+5}Σ yᵢ(|ln ŷᵢ| + λᵢ) + n·floor. +∞ where some yᵢ &gt; 0 has ηᵢ ≥ 1 (ŷᵢ may
    /// underflow: the decomposition is not comparable there). Spec: <c>GRAD-FUSED</c>, <c>ACC-SOFTMAX</c>, <c>ACC-ENTROPY</c>.
    /// </summary>
    public static double CrossEntropyOfSoftmax<T>(ReadOnlySpan<double> y, ReadOnlySpan<double> z) where T : unmanaged, IFloatingPointIeee754<T>
    {
        double[] b = Accuracy.Softmax<T>(z), yhat = Accuracy.SoftmaxExact(z);
        double shift = 0, terms = 0;
        for (int i = 0; i < y.Length; i++)
        {
            if (y[i] == 0) continue;
            double eta = b[i] / yhat[i];
            if (!(eta < 1)) return double.PositiveInfinity;
            double lambda = -Math.Log(1 - eta);
            shift += y[i] * lambda;
            terms += y[i] * (Math.Abs(Math.Log(yhat[i])) + lambda);
        }
        return shift + Accuracy.LogSum(y.Length, terms, Fp<T>.U, Fp<T>.MinNormal);
    }

    // ---------------------------------------------------------------- finite differences in T

    /// <summary>
    /// A central difference evaluated in T. The points a± = fl_T(a ± h·d) are what T can hold;
    /// with Δ = a₊ − a₋ and c = (a₊ + a₋)/2 (both exact in double), Taylor's theorem for
    /// g(t) = f(c + tΔ/2) gives f(a₊) − f(a₋) = ∇f(c)·Δ + r, |r| ≤ M₃(Δ/2)/3, and the mean value
    /// theorem |∇f(c)·Δ − ∇f(a)·Δ| ≤ sup|Δᵀ∇²f (c − a)| (the curvature term). So
    /// |(f̂(a₊) − f̂(a₋)) − ĝ(a)·Δ| ≤ ε₊ + ε₋ + M₃(Δ/2)/3 + curvature + Σ|Δᵢ|·bound(ĝᵢ)
    /// + γ_{k+2}(|f̂₊| + |f̂₋| + Σ|ĝᵢΔᵢ|) (forming the comparison in double, k = number of entries).
    /// The step h comes from <see cref="Accuracy.CentralDifference"/>; rounding a ± h·d to T only
    /// changes Δ and c, which the bound uses as they are. Spec: <c>ACC-FD</c>.
    /// </summary>
    public static double CentralDifferenceInT(double evaluationErrors, double thirdDerivativeOfHalfStep, double curvature,
                                              double gradientError, double comparisonMagnitude, int entries) =>
        evaluationErrors + thirdDerivativeOfHalfStep / 3 + curvature + gradientError
        + Accuracy.Gamma(entries + 2, DoubleU) * comparisonMagnitude;

    /// <summary>
    /// |aᵀ∇²L b| for a softmax-cross-entropy of weight w = Σy at any point: ∇²L = w(diag ŷ − ŷŷᵀ),
    /// so aᵀ∇²L b = w·Cov_ŷ(a, b) ≤ w·(range a / 2)(range b / 2) (Cauchy–Schwarz and Popoviciu).
    /// Spec: <c>ACC-FD</c>, <c>SMAX-JACOBIAN</c>.
    /// </summary>
    public static double SoftmaxCurvature(ReadOnlySpan<double> a, ReadOnlySpan<double> b, double weight) =>
        Math.Abs(weight) * Range(a) * Range(b) / 4;

    /// <summary>
    /// How far the midpoint c = (a₊ + a₋)/2 of the points in T lies from a, per entry: a ± h·d is
    /// formed in double (h·d and the sum, u = 2⁻⁵³ each) and rounded to T (u of T), so
    /// |a± − (a ± h·d)| ≤ (u_T + 2u_d)|a±| + 2u_d|h·d| and |c − a| ≤ (u_T + 2u_d)(|a₊| + |a₋|) + 2u_d|a₊ − a₋|
    /// (generous by a factor of two). Spec: <c>ACC-FD</c>.
    /// </summary>
    public static double MidpointShift<T>(double plus, double minus) where T : unmanaged, IFloatingPointIeee754<T> =>
        (Fp<T>.U + 2 * DoubleU) * (Math.Abs(plus) + Math.Abs(minus)) + 2 * DoubleU * Math.Abs(plus - minus);

    /// <summary>
    /// The step for a central difference in T: <see cref="Accuracy.CentralDifference"/>'s optimum,
    /// at most 1 (where the third derivative vanishes, as for n = 1, the optimum is unbounded and
    /// a ± h·d would overflow), and never below 8u·max|a| so that a ± h·d differs from a in T (a
    /// step that rounds away leaves nothing to check). The tolerance uses the actual points, so any
    /// step is sound; these limits only keep the check sharp. Spec: <c>ACC-FD</c>.
    /// </summary>
    public static double StepInT<T>(double evaluationError, double thirdDerivativeBound, double maxAbsPoint) where T : unmanaged, IFloatingPointIeee754<T> =>
        Math.Max(Math.Min(Accuracy.CentralDifference(evaluationError, thirdDerivativeBound).Step, 1), 8 * Fp<T>.U * maxAbsPoint);

    // ---------------------------------------------------------------- helpers

    /// <summary>e^{2δ}·bound(ŷ − y) + (Σy)ŷⱼ(e^{2δ} − 1): the logit gradient at logits within δ of z.</summary>
    private static double[] LogitGradientAt<T>(ReadOnlySpan<double> y, ReadOnlySpan<double> z, double delta) where T : unmanaged, IFloatingPointIeee754<T>
    {
        double grow = Math.Exp(2 * delta), sy = Sum(y);
        double[] g = Accuracy.LogitGradient<T>(y, z), yhat = Accuracy.SoftmaxExact(z);
        for (int j = 0; j < g.Length; j++) g[j] = grow * g[j] + sy * yhat[j] * 2 * delta * grow;   // e^{2δ} − 1 ≤ 2δ·e^{2δ}
        return g;
    }

    public static double[] OneHot(int n, int t)
    {
        var y = new double[n];
        y[t] = 1;
        return y;
    }

    public static double Range(ReadOnlySpan<double> a)
    {
        double lo = double.PositiveInfinity, hi = double.NegativeInfinity;
        foreach (double v in a) { lo = Math.Min(lo, v); hi = Math.Max(hi, v); }
        return a.IsEmpty ? 0 : hi - lo;
    }

    private static double Sum(ReadOnlySpan<double> y)
    {
        double s = 0;
        foreach (double v in y) s += v;
        return s;
    }

    private static double MaxAbs(ReadOnlySpan<double> z)
    {
        double m = 0;
        foreach (double v in z) m = Math.Max(m, Math.Abs(v));
        return m;
    }

    private static double SumOfSquares(ReadOnlySpan<double> w)
    {
        double s = 0;
        foreach (double v in w) s += v * v;
        return s;
    }
}
