using System.Numerics;

namespace LossConformance.Kit;

/// <summary>
/// Bounds for the laws of spec/kl-divergence.md and spec/cross-entropy.md that
/// <see cref="Accuracy"/> does not give: floors that hold for inputs normalised only within
/// rounding, what rounding a constructed input to T changes, and the second-order expansion of KL
/// between two softmax outputs (<c>KL-LOCAL</c>). Every sum a test forms in double from the exact
/// inputs comes with its own rounding error (γ with u = 2⁻⁵³), so a floor stays a true floor for
/// T = double too. Spec: <c>ACC-ENTROPY</c>, <c>ACC-SUM</c>, <c>KL-NONNEG</c>, <c>KL-IDENTITY</c>, <c>KL-LOCAL</c>.
/// </summary>
public static class KlAccuracy
{
    /// <summary>Σxᵢ in double and a bound on that sum's rounding error, γ_{n−1} Σ|xᵢ| (u = 2⁻⁵³). Spec: <c>ACC-SUM</c>.</summary>
    public static (double Sum, double Error) Sum(ReadOnlySpan<double> x)
    {
        double s = 0, a = 0;
        foreach (double v in x) { s += v; a += Math.Abs(v); }
        return (s, Accuracy.Gamma(Math.Max(1, x.Length - 1), Fp<double>.U) * a);
    }

    /// <summary>
    /// Gibbs floor for inputs that sum to 1 only within rounding: for any non-negative p and q with
    /// supp p ⊆ supp q, D(p‖q) = Σ pᵢ ln(pᵢ/qᵢ) ≥ Σ pᵢ(1 − qᵢ/pᵢ) = Σ_{pᵢ&gt;0} (pᵢ − qᵢ) (ln x ≤ x − 1).
    /// For normalised p, q the floor is ≤ 0 only by q's mass outside supp p; here it also carries
    /// the normalisation defect Σp − Σq of the rounded inputs. Returned minus the error of forming it
    /// in double, so it is a floor of the exact value. Also the floor of H(p, q) − H(p).
    /// Spec: <c>KL-NONNEG</c>, <c>XENT-GIBBS</c>, <c>ACC-NORMALISATION</c>.
    /// </summary>
    public static double GibbsFloor(ReadOnlySpan<double> p, ReadOnlySpan<double> q)
    {
        double s = 0, a = 0;
        for (int i = 0; i < p.Length; i++)
        {
            if (p[i] <= 0) continue;
            s += p[i] - q[i];
            a += p[i] + q[i];
        }
        return s - Accuracy.Gamma(2 * p.Length + 1, Fp<double>.U) * a;
    }

    /// <summary>
    /// Pinsker floor for inputs normalised within rounding: with s_p = Σp, s_q = Σq, p̃ = p/s_p, q̃ = q/s_q,
    /// D(p‖q) = s_p·D(p̃‖q̃) + s_p·ln(s_p/s_q) ≥ s_p·(½‖p̃ − q̃‖₁² + ln(s_p/s_q)) (Pinsker's inequality for
    /// the normalised pair). It is positive as soon as p and q differ by more than the rounding of
    /// their sums, which makes "D = 0 only if p = q" checkable. The double evaluation errs by at most
    /// γ_{2n+4}·2 in ‖p̃ − q̃‖₁ and γ_{n+4}·3 in the logarithm; both are subtracted.
    /// Spec: <c>KL-IDENTITY</c>.
    /// </summary>
    public static double PinskerFloor(ReadOnlySpan<double> p, ReadOnlySpan<double> q)
    {
        int n = p.Length;
        for (int i = 0; i < n; i++) if (p[i] > 0 && q[i] == 0) return double.PositiveInfinity;
        var (sp, _) = Sum(p);
        var (sq, _) = Sum(q);
        double l1 = 0;
        for (int i = 0; i < n; i++) l1 += Math.Abs(p[i] / sp - q[i] / sq);
        double u = Fp<double>.U;
        double l1Low = Math.Max(0, l1 - 3 * Accuracy.Gamma(2 * n + 4, u));
        double logRatioLow = Math.Log(sp / sq) - 3 * Accuracy.Gamma(n + 4, u);
        double floor = sp * (0.5 * l1Low * l1Low + logRatioLow);
        return floor - 4 * u * Math.Abs(floor);
    }

    /// <summary>
    /// What rounding a constructed input to T changes in D: if p̂ᵢ = pᵢ(1 + αᵢ), q̂ᵢ = qᵢ(1 + βᵢ) with
    /// |α|, |β| ≤ r, then pᵢ ln(pᵢ/qᵢ) moves by at most r·pᵢ|ln(pᵢ/qᵢ)| + pᵢ(1 + r)·2r/(1 − r), and
    /// in terms of the rounded values, |D(p̂‖q̂) − D(p‖q)| ≤ (1 + 4r)·r·Σ p̂ᵢ(|ln p̂ᵢ| + |ln q̂ᵢ| + 3),
    /// plus n·(smallest normal of T) for entries that left the normal range. r is the relative error
    /// of the construction (u of T for one rounding of an exact value). Spec: <c>ACC-ENTROPY</c>.
    /// </summary>
    public static double RelativeRounding<T>(ReadOnlySpan<double> pHat, ReadOnlySpan<double> qHat, double relativeError)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        double r = relativeError, s = 0;
        for (int i = 0; i < pHat.Length; i++)
            if (pHat[i] > 0) s += pHat[i] * (Math.Abs(Math.Log(pHat[i])) + Math.Abs(Math.Log(qHat[i])) + 3);
        return (1 + 4 * r) * r * s + pHat.Length * Fp<T>.MinNormal;
    }

    // ---------------------------------------------------------------- KL-LOCAL

    /// <summary>
    /// The step ε for the second-order law <c>KL-LOCAL</c>, a power of two so that z + εd is exact
    /// in T when z lies on a grid of 2⁻⁶ within ±8 and d is a small integer vector.
    /// <para>
    /// Derivation. With ŷ = softmax z, q = softmax(z + εd) and A(t) = logsumexp(z + t·d),
    /// D(ŷ‖q) = A(ε) − A(0) − ε·A'(0); A'' = dᵀ(diag ŷ − ŷŷᵀ)d =: κ₂ and A''' = κ₃, the third central
    /// moment of d under softmax(z + td), |κ₃| ≤ M₃ = range(d)³/(6√3). So
    /// |D − ½ε²κ₂| ≤ M₃ε³/6 (Taylor with Lagrange remainder). Measured through T, D carries a
    /// rounding error E that does not shrink with ε (see <see cref="Local{T}"/>). The relative error
    /// (E + M₃ε³/6)/(½ε²κ₂) is smallest at ε³ = 12E/M₃, where the total is 3E: the remainder is twice
    /// the rounding there. ε is rounded down to a power of two and kept in [2^(4−p), 2⁻³] (p = T's
    /// significand bits): typically 2⁻⁸…2⁻⁶ for float and 2⁻¹⁷…2⁻¹⁵ for double, where ½ε²κ₂ exceeds the
    /// tolerance about tenfold (float) and ten-thousandfold (double) for a typical direction.
    /// </para>
    /// Spec: <c>KL-LOCAL</c>, <c>ACC-FD</c>.
    /// </summary>
    public static double LocalStep<T>(ReadOnlySpan<double> z, ReadOnlySpan<double> d) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var y = Accuracy.SoftmaxExact(z);
        double e = Accuracy.Kl<T>(y, y) + RemainderOfRoundedSoftmax<T>(z, y, y);
        double m3 = Accuracy.SoftmaxThirdDerivative(d, 1);
        int bits = T.One.GetSignificandBitLength();
        double lowest = Math.ScaleB(1.0, 4 - bits), highest = Math.ScaleB(1.0, -3);
        if (m3 <= 0) return highest;
        double eps = Math.Cbrt(12 * e / m3);
        eps = Math.ScaleB(1.0, (int)Math.Floor(Math.Log2(eps)));
        return Math.Clamp(eps, lowest, highest);
    }

    /// <summary>
    /// The expected value and tolerance of D(ŷ‖q̂) for ŷ = softmax z and q̂ = softmax(z + Δ) as an
    /// implementation computes them in T: its softmax, then its KL. Expected:
    /// ½ΔᵀJΔ (J = diag ŷ − ŷŷᵀ) + (Σŷ̂ − Σq̂), the second term being the normalisation defect of the
    /// two rounded softmax outputs, which the caller adds from the outputs it received. Tolerance:
    /// <list type="bullet">
    /// <item>the KL's own rounding on its inputs, <see cref="Accuracy.Kl{T}"/>;</item>
    /// <item>the softmax rounding left after the defect: with ŷ̂ = ŷ(1 + α), q̂ = q(1 + β), |α| ≤ a,
    /// |β| ≤ b (relative bounds of <see cref="Accuracy.Softmax{T}"/>),
    /// D(ŷ̂‖q̂) = D(ŷ‖q) + (Σŷ̂ − Σq̂) + R with
    /// |R| ≤ Σŷa|ln(ŷ/q)| + Σŷa²/(2(1 − a)) + Σŷ(b²/2 + ab)/(1 − b) + Σ|ŷ − q|b
    /// (from (1 + α)ln(1 + α) − α = O(α²), Σŷα = Σŷ̂ − 1, Σŷβ = Σq̂ − 1 + Σ(ŷ − q)β);</item>
    /// <item>the Taylor remainder M₃/6, M₃ = range(Δ)³/(6√3) (<see cref="LocalStep{T}"/>);</item>
    /// <item>the test's own double arithmetic for ½ΔᵀJΔ and the two sums.</item>
    /// </list>
    /// Valid while no softmax entry leaves the normal range (logits within ±8 and n ≤ 64 keep every
    /// entry above 1e-9). Spec: <c>KL-LOCAL</c>, <c>ACC-SOFTMAX</c>, <c>ACC-ENTROPY</c>.
    /// </summary>
    /// <param name="z">Logits, exact values of T.</param>
    /// <param name="delta">The perturbation actually applied, z' − z (exact).</param>
    /// <param name="yHat">The implementation's softmax(z), in double.</param>
    /// <param name="qHat">The implementation's softmax(z'), in double.</param>
    public static (double Quadratic, double Tolerance) Local<T>(ReadOnlySpan<double> z, ReadOnlySpan<double> delta,
                                                               ReadOnlySpan<double> yHat, ReadOnlySpan<double> qHat)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int n = z.Length;
        var y = Accuracy.SoftmaxExact(z);
        var z2 = new double[n];
        for (int i = 0; i < n; i++) z2[i] = z[i] + delta[i];
        var q = Accuracy.SoftmaxExact(z2);

        double mean = 0, second = 0, absMean = 0;
        for (int i = 0; i < n; i++) { mean += y[i] * delta[i]; absMean += y[i] * Math.Abs(delta[i]); }
        for (int i = 0; i < n; i++) second += y[i] * (delta[i] - mean) * (delta[i] - mean);
        double quadratic = 0.5 * second;

        double kl = Accuracy.Kl<T>(yHat, qHat);
        double remainder = RemainderOfRoundedSoftmax<T>(z, y, q, z2);
        double taylor = Accuracy.SoftmaxThirdDerivative(delta, 1) / 6;

        // The test's double arithmetic: ŷ in double is off by the double softmax bound (relative aD),
        // which moves ½Σŷ(Δ − mean)² by at most 3·aD·(ΣŷΔ² + (Σŷ|Δ|)²); the two sums by γ_n each.
        double aD = 0;
        var byD = Accuracy.Softmax<double>(z);
        for (int i = 0; i < n; i++) aD = Math.Max(aD, byD[i] / y[i]);
        double sq = 0;
        for (int i = 0; i < n; i++) sq += y[i] * delta[i] * delta[i];
        double own = (3 * aD + Accuracy.Gamma(2 * n + 8, Fp<double>.U)) * (sq + absMean * absMean)
                     + Accuracy.Gamma(n, Fp<double>.U) * (Sum(yHat).Sum + Sum(qHat).Sum);

        return (quadratic, (kl + remainder + taylor + own) * (1 + 4 * Fp<double>.U));
    }

    /// <summary>|R| of <see cref="Local{T}"/>: what the softmax rounding changes in D beyond the normalisation defect.</summary>
    private static double RemainderOfRoundedSoftmax<T>(ReadOnlySpan<double> z, ReadOnlySpan<double> y, ReadOnlySpan<double> q,
                                                       ReadOnlySpan<double> z2 = default)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var by = Accuracy.Softmax<T>(z);
        var bq = z2.IsEmpty ? by : Accuracy.Softmax<T>(z2);
        double r = 0;
        for (int i = 0; i < y.Length; i++)
        {
            double a = Math.Min(by[i] / y[i], 0.5), b = Math.Min(bq[i] / q[i], 0.5);
            r += y[i] * a * Math.Abs(Math.Log(y[i] / q[i]))
                 + y[i] * a * a / (2 * (1 - a))
                 + y[i] * (b * b / 2 + a * b) / (1 - b)
                 + Math.Abs(y[i] - q[i]) * b;
        }
        return r;
    }
}
