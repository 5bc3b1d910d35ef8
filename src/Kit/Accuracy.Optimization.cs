using System.Numerics;

namespace LossConformance.Kit;

/// <summary>
/// Exact values (float64) and error bounds of spec/optimization.md's softmax regression, derived in
/// spec/accuracy.md, "Softmax regression and its optimizers". Every method takes the problem in
/// float64 (X, Y, d, K, λ: exactly the values the implementation got) and W.
/// </summary>
public static class RegressionAccuracy
{
    /// <summary>The problem's float64 values.</summary>
    public readonly record struct Data(double[] X, double[] Y, int D, int K, double Lambda)
    {
        public int Samples => X.Length / D;
        public bool IsCounted(int n) { for (int j = 0; j < K; j++) if (Y[n * K + j] != 0) return true; return false; }
        public int Counted { get { int c = 0; for (int n = 0; n < Samples; n++) if (IsCounted(n)) c++; return c; } }
    }

    public static Data Of<T>(RegressionCase<T> c) where T : unmanaged, IFloatingPointIeee754<T> => new(c.XD, c.YD, c.D, c.K, c.LambdaD);

    /// <summary>zₙ = Wᵀxₙ in float64.</summary>
    public static double[] Logits(Data p, ReadOnlySpan<double> w, int n)
    {
        var z = new double[p.K];
        for (int i = 0; i < p.D; i++) for (int j = 0; j < p.K; j++) z[j] += p.X[n * p.D + i] * w[i * p.K + j];
        return z;
    }

    /// <summary>eₙ = γ_d maxⱼ Σᵢ|xₙᵢ||Wᵢⱼ|: the error of the logits zₙ = Wᵀxₙ computed in T (<c>ACC-SUM</c>).</summary>
    public static double LogitError<T>(Data p, ReadOnlySpan<double> w, int n) where T : unmanaged, IFloatingPointIeee754<T>
    {
        double worst = 0;
        for (int j = 0; j < p.K; j++)
        {
            double s = 0;
            for (int i = 0; i < p.D; i++) s += Math.Abs(p.X[n * p.D + i] * w[i * p.K + j]);
            worst = Math.Max(worst, s);
        }
        return Accuracy.Gamma(p.D, Fp<T>.U) * worst;
    }

    /// <summary>
    /// Bounds on ŷₙ computed in T from logits that err by eₙ: the softmax's own bound bⱼ (<c>ACC-SOFTMAX</c>) plus
    /// (ŷⱼ + bⱼ)(e^{2eₙ} − 1), since softmax(z + δ)ⱼ/softmax(z)ⱼ ∈ [e^{−2‖δ‖∞}, e^{2‖δ‖∞}].
    /// </summary>
    public static (double[] Yhat, double[] Bound) Probabilities<T>(Data p, ReadOnlySpan<double> w, int n) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var z = Logits(p, w, n);
        var y = Accuracy.SoftmaxExact(z);
        var b = Accuracy.Softmax<T>(z);
        double grow = double.ExpM1(2 * LogitError<T>(p, w, n));
        for (int j = 0; j < p.K; j++) b[j] += (y[j] + b[j]) * grow;
        return (y, b);
    }

    /// <summary>L(W) in float64. Spec: <c>OPT-LOSS</c>.</summary>
    public static double ExactLoss(Data p, ReadOnlySpan<double> w)
    {
        double data = 0;
        int counted = p.Counted;
        for (int n = 0; n < p.Samples; n++)
        {
            if (!p.IsCounted(n)) continue;
            var ls = SoftmaxAccuracy.ExactLogSoftmax(Logits(p, w, n));
            for (int j = 0; j < p.K; j++) if (p.Y[n * p.K + j] != 0) data -= p.Y[n * p.K + j] * ls[j];
        }
        return (counted > 0 ? data / counted : 0) + p.Lambda / 2 * SquaredNorm(w);
    }

    /// <summary>
    /// |L̂ − L| ≤ (1/N_c)Σₙ(Bₙ + 2eₙ) + γ_{N_c+1}(1/N_c)Σₙ(|CEₙ| + Bₙ + 2eₙ) + γ_{dK+3}(λ/2)‖W‖²: Bₙ the cross-entropy-from-logits
    /// bound (<c>ACC-XENT-LOGITS</c>), 2eₙ the logit error times Σⱼ|ŷⱼ − yⱼ| ≤ 2, then the mean and the penalty (<c>ACC-SUM</c>).
    /// </summary>
    public static double Loss<T>(Data p, ReadOnlySpan<double> w) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int counted = Math.Max(1, p.Counted);
        double own = 0, magnitude = 0;
        for (int n = 0; n < p.Samples; n++)
        {
            if (!p.IsCounted(n)) continue;
            var z = Logits(p, w, n);
            var y = p.Y.AsSpan(n * p.K, p.K);
            double b = Accuracy.CrossEntropyFromLogits<T>(y, z) + 2 * LogitError<T>(p, w, n);
            var ls = SoftmaxAccuracy.ExactLogSoftmax(z);
            double ce = 0;
            for (int j = 0; j < p.K; j++) if (y[j] != 0) ce -= y[j] * ls[j];
            own += b;
            magnitude += Math.Abs(ce) + b;
        }
        return own / counted + Accuracy.Gamma(counted + 1, Fp<T>.U) * magnitude / counted
             + Accuracy.Gamma(p.D * p.K + 3, Fp<T>.U) * p.Lambda / 2 * SquaredNorm(w);
    }

    /// <summary>∇L = (1/N_c)Σₙ xₙ(ŷₙ − yₙ)ᵀ + λW in float64. Spec: <c>OPT-GRADIENT</c>.</summary>
    public static double[] ExactGradient(Data p, ReadOnlySpan<double> w)
    {
        var g = new double[p.D * p.K];
        int counted = p.Counted;
        for (int n = 0; n < p.Samples; n++)
        {
            if (!p.IsCounted(n)) continue;
            var y = Accuracy.SoftmaxExact(Logits(p, w, n));
            for (int i = 0; i < p.D; i++)
                for (int j = 0; j < p.K; j++)
                    g[i * p.K + j] += p.X[n * p.D + i] * (y[j] - p.Y[n * p.K + j]) / counted;
        }
        for (int e = 0; e < g.Length; e++) g[e] += p.Lambda * w[e];
        return g;
    }

    /// <summary>
    /// |Ĝᵢⱼ − Gᵢⱼ| ≤ (1/N_c)Σₙ|xₙᵢ|bₙⱼ + γ_{N_c+3}((1/N_c)Σₙ|xₙᵢ|(ŷₙⱼ + bₙⱼ + yₙⱼ) + λ|Wᵢⱼ|), bₙⱼ the bound of ŷₙⱼ
    /// (<see cref="Probabilities{T}"/>); the γ covers the subtraction, the product, the sum over n, the 1/N_c, λW and the add.
    /// </summary>
    public static double[] Gradient<T>(Data p, ReadOnlySpan<double> w) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int counted = Math.Max(1, p.Counted), m = p.D * p.K;
        var propagated = new double[m];
        var magnitude = new double[m];
        for (int n = 0; n < p.Samples; n++)
        {
            if (!p.IsCounted(n)) continue;
            var (y, b) = Probabilities<T>(p, w, n);
            for (int i = 0; i < p.D; i++)
            {
                double x = Math.Abs(p.X[n * p.D + i]);
                for (int j = 0; j < p.K; j++)
                {
                    propagated[i * p.K + j] += x * b[j];
                    magnitude[i * p.K + j] += x * (y[j] + b[j] + p.Y[n * p.K + j]);
                }
            }
        }
        var bound = new double[m];
        double g = Accuracy.Gamma(counted + 3, Fp<T>.U);
        for (int e = 0; e < m; e++)
            bound[e] = propagated[e] / counted + g * (magnitude[e] / counted + p.Lambda * Math.Abs(w[e])) + Fp<T>.MinNormal;
        return bound;
    }

    /// <summary>The dense Hessian (1/N_c)Σₙ (xₙxₙᵀ) ⊗ (diag ŷₙ − ŷₙŷₙᵀ) + λI, row-major vec, in float64. Spec: <c>OPT-HESSIAN</c>.</summary>
    public static double[] ExactHessian(Data p, ReadOnlySpan<double> w)
    {
        int d = p.D, k = p.K, m = d * k, counted = p.Counted;
        var h = new double[m * m];
        for (int n = 0; n < p.Samples; n++)
        {
            if (!p.IsCounted(n)) continue;
            var y = Accuracy.SoftmaxExact(Logits(p, w, n));
            for (int i = 0; i < d; i++)
                for (int j = 0; j < k; j++)
                    for (int a = 0; a < d; a++)
                        for (int l = 0; l < k; l++)
                            h[(i * k + j) * m + a * k + l] += p.X[n * d + i] * p.X[n * d + a] * ((j == l ? y[j] : 0) - y[j] * y[l]) / counted;
        }
        for (int e = 0; e < m; e++) h[e * m + e] += p.Lambda;
        return h;
    }

    /// <summary>
    /// Entry bounds of the Hessian: with Sⱼₗ = δⱼₗŷⱼ − ŷⱼŷₗ erring by Eⱼₗ = bⱼ(δⱼₗ + ŷₗ + bₗ) + ŷⱼbₗ + γ₂ Mⱼₗ,
    /// Mⱼₗ = δⱼₗ(ŷⱼ + bⱼ) + (ŷⱼ + bⱼ)(ŷₗ + bₗ), the entry errs by (1/N_c)Σₙ|xₙᵢxₙₐ|Eⱼₗ + γ_{N_c+4}((1/N_c)Σₙ|xₙᵢxₙₐ|(M + E) + λδ).
    /// </summary>
    public static double[] Hessian<T>(Data p, ReadOnlySpan<double> w) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int d = p.D, k = p.K, m = d * k, counted = Math.Max(1, p.Counted);
        var propagated = new double[m * m];
        var magnitude = new double[m * m];
        double g2 = Accuracy.Gamma(2, Fp<T>.U);
        for (int n = 0; n < p.Samples; n++)
        {
            if (!p.IsCounted(n)) continue;
            var (y, b) = Probabilities<T>(p, w, n);
            for (int j = 0; j < k; j++)
                for (int l = 0; l < k; l++)
                {
                    double delta = j == l ? 1 : 0;
                    double mag = delta * (y[j] + b[j]) + (y[j] + b[j]) * (y[l] + b[l]);
                    double err = b[j] * (delta + y[l] + b[l]) + y[j] * b[l] + g2 * mag;
                    for (int i = 0; i < d; i++)
                        for (int a = 0; a < d; a++)
                        {
                            double xx = Math.Abs(p.X[n * d + i] * p.X[n * d + a]);
                            int e = (i * k + j) * m + a * k + l;
                            propagated[e] += xx * err;
                            magnitude[e] += xx * (mag + err);
                        }
                }
        }
        double g = Accuracy.Gamma(counted + 4, Fp<T>.U);
        var bound = new double[m * m];
        for (int r = 0; r < m; r++)
            for (int c = 0; c < m; c++)
            {
                int e = r * m + c;
                bound[e] = propagated[e] / counted + g * (magnitude[e] / counted + (r == c ? p.Lambda : 0)) + Fp<T>.MinNormal;
            }
        return bound;
    }

    /// <summary>H·V in float64 (from the dense exact Hessian). Spec: <c>OPT-HVP</c>.</summary>
    public static double[] ExactHessianVectorProduct(Data p, ReadOnlySpan<double> w, ReadOnlySpan<double> v) =>
        MatrixVector(ExactHessian(p, w), v);

    /// <summary>
    /// Bounds of H·V computed in T without forming H: aₙ = Vᵀxₙ errs by eᵃ = γ_d Σᵢ|xᵢ||Vᵢⱼ| (|aⱼ| ≤ Aⱼ = Σᵢ|xᵢ||Vᵢⱼ|);
    /// (Sa)ⱼ = ŷⱼ(aⱼ − ŷᵀa), in any arrangement, has magnitude Mⱼ = ŷ'ⱼ(A'ⱼ + Σₖŷ'ₖA'ₖ) (ŷ' = ŷ + b, A' = A + eᵃ) and
    /// errs by Eⱼ = bⱼ(Aⱼ + Σₖŷ'ₖAₖ) + ŷ'ⱼ(eᵃⱼ + Σₖ(bₖAₖ + ŷ'ₖeᵃₖ)) + γ_{K+3}Mⱼ; the entry errs by
    /// (1/N_c)Σₙ|xₙᵢ|Eₙⱼ + γ_{N_c+3}((1/N_c)Σₙ|xₙᵢ|(Mₙⱼ + Eₙⱼ) + λ|Vᵢⱼ|).
    /// </summary>
    public static double[] HessianVectorProduct<T>(Data p, ReadOnlySpan<double> w, ReadOnlySpan<double> v) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int d = p.D, k = p.K, m = d * k, counted = Math.Max(1, p.Counted);
        var propagated = new double[m];
        var magnitude = new double[m];
        double u = Fp<T>.U;
        for (int n = 0; n < p.Samples; n++)
        {
            if (!p.IsCounted(n)) continue;
            var (y, b) = Probabilities<T>(p, w, n);
            var A = new double[k];
            for (int i = 0; i < d; i++) for (int j = 0; j < k; j++) A[j] += Math.Abs(p.X[n * d + i] * v[i * k + j]);
            var ea = A.Select(a => Accuracy.Gamma(d, u) * a).ToArray();
            double meanA = 0, meanA2 = 0, mix = 0;
            for (int j = 0; j < k; j++)
            {
                meanA += (y[j] + b[j]) * A[j];
                meanA2 += (y[j] + b[j]) * (A[j] + ea[j]);
                mix += b[j] * A[j] + (y[j] + b[j]) * ea[j];
            }
            for (int j = 0; j < k; j++)
            {
                double mag = (y[j] + b[j]) * (A[j] + ea[j] + meanA2);
                double err = b[j] * (A[j] + meanA) + (y[j] + b[j]) * (ea[j] + mix) + Accuracy.Gamma(k + 3, u) * mag;
                for (int i = 0; i < d; i++)
                {
                    double x = Math.Abs(p.X[n * d + i]);
                    propagated[i * k + j] += x * err;
                    magnitude[i * k + j] += x * (mag + err);
                }
            }
        }
        double g = Accuracy.Gamma(counted + 3, u);
        var bound = new double[m];
        for (int e = 0; e < m; e++) bound[e] = propagated[e] / counted + g * (magnitude[e] / counted + p.Lambda * Math.Abs(v[e])) + Fp<T>.MinNormal;
        return bound;
    }

    /// <summary>
    /// A gradient-descent step W − ηĜ in T errs from W − ηG by η·B_G + γ₂(|W| + η(|G| + B_G)) per entry (the product and
    /// the subtraction), B_G the gradient bound. Spec: <c>OPT-GD-STEP</c>.
    /// </summary>
    public static double[] GradientStep<T>(Data p, ReadOnlySpan<double> w, double eta) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var g = ExactGradient(p, w);
        var b = Gradient<T>(p, w);
        var bound = new double[g.Length];
        for (int e = 0; e < g.Length; e++)
            bound[e] = eta * b[e] + Accuracy.Gamma(2, Fp<T>.U) * (Math.Abs(w[e]) + eta * (Math.Abs(g[e]) + b[e])) + Fp<T>.MinNormal;
        return bound;
    }

    /// <summary>
    /// The gradient-norm target of a converged iterate in T: max(10⁻¹⁰, 4(L̄·u·‖W‖₂ + ‖B_G(W)‖₂)) — 10⁻¹⁰ where T can reach
    /// it (float64), else what rounding W to T (a move of u‖W‖, through curvature ≤ L̄) and evaluating the gradient in T
    /// (B_G) leave, with a factor 4 of headroom. Spec: <c>OPT-NEWTON-GLOBAL</c>.
    /// </summary>
    public static double GradientTarget<T>(Data p, ReadOnlySpan<double> w, double smoothness) where T : unmanaged, IFloatingPointIeee754<T> =>
        Math.Max(1e-10, 4 * (smoothness * Fp<T>.U * Norm(w) + Norm(Gradient<T>(p, w))));

    public static double[] MatrixVector(double[] h, ReadOnlySpan<double> v)
    {
        int m = v.Length;
        var r = new double[m];
        for (int a = 0; a < m; a++) { double s = 0; for (int b = 0; b < m; b++) s += h[a * m + b] * v[b]; r[a] = s; }
        return r;
    }

    public static double Norm(ReadOnlySpan<double> v) => Math.Sqrt(SquaredNorm(v));

    public static double SquaredNorm(ReadOnlySpan<double> v)
    {
        double s = 0;
        foreach (double x in v) s += x * x;
        return s;
    }

    public static double Dot(ReadOnlySpan<double> a, ReadOnlySpan<double> b)
    {
        double s = 0;
        for (int i = 0; i < a.Length; i++) s += a[i] * b[i];
        return s;
    }

    /// <summary>|fl(Σ aᵢbᵢ) − Σ aᵢbᵢ| ≤ γ_n Σ|aᵢbᵢ| in float64.</summary>
    public static double DotError(ReadOnlySpan<double> a, ReadOnlySpan<double> b)
    {
        double s = 0;
        for (int i = 0; i < a.Length; i++) s += Math.Abs(a[i] * b[i]);
        return Accuracy.Gamma(a.Length + 1, Fp<double>.U) * s;
    }
}
