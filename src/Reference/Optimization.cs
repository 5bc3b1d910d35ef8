using MathNet.Numerics.LinearAlgebra;

namespace LossConformance.Reference;

/// <summary>
/// The softmax regression of spec/optimization.md in float64, written to be read: the loss, its gradient
/// and dense Hessian, a Hessian-vector product, a gradient-descent step, and a damped Newton step that
/// solves H p = −g by Cholesky (MathNet.Numerics) and backtracks until the Armijo condition holds.
/// W is d × K row-major; vec(W) is row-major (index i·K + j).
/// </summary>
public static class SoftmaxRegression
{
    /// <summary>
    /// L(W) = (1/N_c) Σ_counted −Σⱼ yₙⱼ ln softmax(Wᵀxₙ)ⱼ + (λ/2)‖W‖², N_c the rows of Y that are not all zero.
    /// Spec: <c>OPT-LOSS</c>.
    /// </summary>
    public static double Loss(SoftmaxRegressionProblem<double> p, ReadOnlySpan<double> w)
    {
        OptimizationInputRules.Weights(p, w, w, p.Parameters, nameof(w));
        int counted = Counted(p);
        double data = 0;
        var z = new double[p.Classes];
        var logSoftmax = new double[p.Classes];
        for (int n = 0; n < p.Samples; n++)
        {
            if (!IsCounted(p, n)) continue;
            Logits(p, w, n, z);
            Softmax.Log(z, logSoftmax);
            for (int j = 0; j < p.Classes; j++)
                if (p.Targets[n * p.Classes + j] != 0) data -= p.Targets[n * p.Classes + j] * logSoftmax[j];
        }
        return (counted > 0 ? data / counted : 0) + p.Lambda / 2 * SquaredNorm(w);
    }

    /// <summary>
    /// ∇L = (1/N_c) Σₙ xₙ(ŷₙ − yₙ)ᵀ + λW, written into gradient (d × K); returns L(W).
    /// Spec: <c>OPT-GRADIENT</c>, <c>OPT-LOSS</c>.
    /// </summary>
    public static double LossAndGradient(SoftmaxRegressionProblem<double> p, ReadOnlySpan<double> w, Span<double> gradient)
    {
        OptimizationInputRules.Weights(p, w, gradient, p.Parameters, nameof(gradient));
        double loss = Loss(p, w);
        int counted = Counted(p), d = p.Features, k = p.Classes;
        var g = new double[d * k];
        var z = new double[k];
        var y = new double[k];
        for (int n = 0; n < p.Samples; n++)
        {
            if (!IsCounted(p, n)) continue;
            Logits(p, w, n, z);
            Softmax.Of(z, y);
            for (int i = 0; i < d; i++)
                for (int j = 0; j < k; j++)
                    g[i * k + j] += p.Inputs[n * d + i] * (y[j] - p.Targets[n * k + j]) / counted;
        }
        for (int e = 0; e < d * k; e++) gradient[e] = g[e] + p.Lambda * w[e];
        return loss;
    }

    /// <summary>
    /// H[(i·K + j), (k·K + l)] = (1/N_c) Σₙ xₙᵢ xₙₖ (δⱼₗ ŷₙⱼ − ŷₙⱼ ŷₙₗ) + λ δᵢₖ δⱼₗ, i.e.
    /// H = (1/N_c) Σₙ (xₙxₙᵀ) ⊗ (diag ŷₙ − ŷₙŷₙᵀ) + λI for row-major vec(W). Spec: <c>OPT-HESSIAN</c>.
    /// </summary>
    public static void Hessian(SoftmaxRegressionProblem<double> p, ReadOnlySpan<double> w, Span<double> hessian)
    {
        int d = p.Features, k = p.Classes, m = d * k;
        OptimizationInputRules.Weights(p, w, hessian, m * m, nameof(hessian));
        int counted = Counted(p);
        var h = new double[m * m];
        var z = new double[k];
        var y = new double[k];
        for (int n = 0; n < p.Samples; n++)
        {
            if (!IsCounted(p, n)) continue;
            Logits(p, w, n, z);
            Softmax.Of(z, y);
            for (int i = 0; i < d; i++)
                for (int j = 0; j < k; j++)
                    for (int a = 0; a < d; a++)
                        for (int l = 0; l < k; l++)
                        {
                            double s = (j == l ? y[j] : 0) - y[j] * y[l];
                            h[(i * k + j) * m + a * k + l] += p.Inputs[n * d + i] * p.Inputs[n * d + a] * s / counted;
                        }
        }
        for (int e = 0; e < m; e++) h[e * m + e] += p.Lambda;
        h.CopyTo(hessian);
    }

    /// <summary>H·V = (1/N_c) Σₙ xₙ (Sₙ Vᵀxₙ)ᵀ + λV with Sₙ = diag ŷₙ − ŷₙŷₙᵀ, without forming H. Spec: <c>OPT-HVP</c>.</summary>
    public static void HessianVectorProduct(SoftmaxRegressionProblem<double> p, ReadOnlySpan<double> w, ReadOnlySpan<double> v, Span<double> product)
    {
        int d = p.Features, k = p.Classes;
        OptimizationInputRules.Weights(p, w, product, d * k, nameof(product));
        OptimizationInputRules.Direction(v, d * k);
        int counted = Counted(p);
        var result = new double[d * k];
        var z = new double[k];
        var y = new double[k];
        var a = new double[k];
        for (int n = 0; n < p.Samples; n++)
        {
            if (!IsCounted(p, n)) continue;
            Logits(p, w, n, z);
            Softmax.Of(z, y);
            Logits(p, v, n, a);                       // a = Vᵀxₙ
            double mean = 0;
            for (int j = 0; j < k; j++) mean += y[j] * a[j];
            for (int i = 0; i < d; i++)
                for (int j = 0; j < k; j++)
                    result[i * k + j] += p.Inputs[n * d + i] * y[j] * (a[j] - mean) / counted;   // (S a)ⱼ = ŷⱼ(aⱼ − ŷᵀa)
        }
        for (int e = 0; e < d * k; e++) product[e] = result[e] + p.Lambda * v[e];
    }

    /// <summary>W⁺ = W − η∇L(W); returns L(W). Spec: <c>OPT-GD-STEP</c>.</summary>
    public static double GradientDescentStep(SoftmaxRegressionProblem<double> p, ReadOnlySpan<double> w, double stepSize, Span<double> next)
    {
        OptimizationInputRules.Weights(p, w, next, p.Parameters, nameof(next));
        OptimizationInputRules.StepSize(stepSize);
        var g = new double[p.Parameters];
        double loss = LossAndGradient(p, w, g);
        for (int e = 0; e < g.Length; e++) next[e] = w[e] - stepSize * g[e];
        return loss;
    }

    /// <summary>
    /// The Newton direction p = −H⁻¹g by Cholesky of the dense H (positive definite: λ_min ≥ λ &gt; 0).
    /// Spec: <c>OPT-NEWTON-STEP</c>, <c>OPT-HESSIAN-BOUNDS</c>.
    /// </summary>
    public static void NewtonDirection(SoftmaxRegressionProblem<double> p, ReadOnlySpan<double> w, Span<double> direction)
    {
        int m = p.Parameters;
        OptimizationInputRules.Weights(p, w, direction, m, nameof(direction));
        var g = new double[m];
        LossAndGradient(p, w, g);
        var h = new double[m * m];
        Hessian(p, w, h);
        var hessian = Matrix<double>.Build.Dense(m, m, (r, c) => h[r * m + c]);
        var solution = hessian.Cholesky().Solve(Vector<double>.Build.Dense(g).Negate());
        for (int e = 0; e < m; e++) direction[e] = solution[e];
    }

    /// <summary>
    /// Backtracking from t = 1, halving, until L(W + t p) ≤ L(W) + c·t·⟨∇L(W), p⟩, c = 10⁻⁴ (at most 60
    /// halvings, else t = 0), allowing ε_f = 64u|L(W)| of rounding. Writes W + t p and returns t. Spec: <c>OPT-NEWTON-STEP</c>.
    /// </summary>
    public static double ArmijoBacktracking(SoftmaxRegressionProblem<double> p, ReadOnlySpan<double> w, ReadOnlySpan<double> direction, Span<double> next)
    {
        int m = p.Parameters;
        OptimizationInputRules.Weights(p, w, next, m, nameof(next));
        var g = new double[m];
        double loss = LossAndGradient(p, w, g);
        double slope = 0;
        for (int e = 0; e < m; e++) slope += g[e] * direction[e];
        var trial = new double[m];
        double t = 1;
        for (int halving = 0; halving <= NewtonLineSearch.MaxHalvings; halving++, t /= 2)
        {
            for (int e = 0; e < m; e++) trial[e] = w[e] + t * direction[e];
            if (Loss(p, trial) <= loss + NewtonLineSearch.SufficientDecrease * t * slope + NewtonLineSearch.RoundingAllowanceUlps * Math.ScaleB(1.0, -53) * Math.Abs(loss))
            {
                trial.CopyTo(next);
                return t;
            }
        }
        w.CopyTo(next);
        return 0;
    }

    /// <summary>One damped Newton step: <see cref="NewtonDirection"/> then <see cref="ArmijoBacktracking"/>; returns t. Spec: <c>OPT-NEWTON-STEP</c>.</summary>
    public static double NewtonStep(SoftmaxRegressionProblem<double> p, ReadOnlySpan<double> w, Span<double> next)
    {
        OptimizationInputRules.Weights(p, w, next, p.Parameters, nameof(next));
        var direction = new double[p.Parameters];
        NewtonDirection(p, w, direction);
        return ArmijoBacktracking(p, w, direction, next);
    }

    /// <summary>zⱼ = Σᵢ xₙᵢ Wᵢⱼ for row n.</summary>
    private static void Logits(SoftmaxRegressionProblem<double> p, ReadOnlySpan<double> w, int n, Span<double> z)
    {
        int d = p.Features, k = p.Classes;
        z.Clear();
        for (int i = 0; i < d; i++)
            for (int j = 0; j < k; j++)
                z[j] += p.Inputs[n * d + i] * w[i * k + j];
    }

    private static bool IsCounted(SoftmaxRegressionProblem<double> p, int n)
    {
        foreach (double y in p.Targets.Slice(n * p.Classes, p.Classes)) if (y != 0) return true;
        return false;
    }

    private static int Counted(SoftmaxRegressionProblem<double> p)
    {
        int c = 0;
        for (int n = 0; n < p.Samples; n++) if (IsCounted(p, n)) c++;
        return c;
    }

    private static double SquaredNorm(ReadOnlySpan<double> w)
    {
        double s = 0;
        foreach (double v in w) s += v * v;
        return s;
    }
}
