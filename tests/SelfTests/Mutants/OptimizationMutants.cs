using LossConformance.Reference;

namespace LossConformance.SelfTests.Mutants;

// Mistakes in the softmax regression of spec/optimization.md and in its two optimizers. Each must be caught by the
// clauses it breaks.

/// <summary>The reference's softmax regression and optimizers, one member overridden per subclass.</summary>
public abstract class OptimizationMutant : Mutant, ISoftmaxRegression<double>, ISoftmaxRegressionOptimizer<double>
{
    public virtual double LossAndGradient(SoftmaxRegressionProblem<double> problem, ReadOnlySpan<double> weights, Span<double> gradient) =>
        SoftmaxRegression.LossAndGradient(problem, weights, gradient);
    public virtual void Hessian(SoftmaxRegressionProblem<double> problem, ReadOnlySpan<double> weights, Span<double> hessian) =>
        SoftmaxRegression.Hessian(problem, weights, hessian);
    public virtual void HessianVectorProduct(SoftmaxRegressionProblem<double> problem, ReadOnlySpan<double> weights, ReadOnlySpan<double> direction, Span<double> product) =>
        SoftmaxRegression.HessianVectorProduct(problem, weights, direction, product);
    public virtual double GradientDescentStep(SoftmaxRegressionProblem<double> problem, ReadOnlySpan<double> weights, double stepSize, Span<double> next) =>
        SoftmaxRegression.GradientDescentStep(problem, weights, stepSize, next);
    public virtual double NewtonStep(SoftmaxRegressionProblem<double> problem, ReadOnlySpan<double> weights, Span<double> next) =>
        SoftmaxRegression.NewtonStep(problem, weights, next);

    protected static int Counted(SoftmaxRegressionProblem<double> p)
    {
        int c = 0;
        for (int n = 0; n < p.Samples; n++)
            foreach (double y in p.Targets.Slice(n * p.Classes, p.Classes)) if (y != 0) { c++; break; }
        return c;
    }
}

/// <summary>The loss summed over the rows instead of averaged: the data term N_c times too large.</summary>
[Breaks("OPT-LOSS")]
public sealed class RegressionLossWithoutOneOverN : OptimizationMutant
{
    public override double LossAndGradient(SoftmaxRegressionProblem<double> problem, ReadOnlySpan<double> weights, Span<double> gradient)
    {
        double loss = base.LossAndGradient(problem, weights, gradient);
        double penalty = 0;
        foreach (double w in weights) penalty += w * w;
        penalty *= problem.Lambda / 2;
        return (loss - penalty) * Counted(problem) + penalty;
    }
}

/// <summary>The gradient of the data term summed instead of averaged (∂L/∂W without 1/N): the per-token error is not (ŷₜ − yₜ)/T.</summary>
[Breaks("OPT-GRADIENT", "OPT-SEQ-TRAINING")]
public sealed class RegressionGradientWithoutOneOverN : OptimizationMutant
{
    public override double LossAndGradient(SoftmaxRegressionProblem<double> problem, ReadOnlySpan<double> weights, Span<double> gradient)
    {
        double loss = base.LossAndGradient(problem, weights, gradient);
        int n = Counted(problem);
        for (int e = 0; e < gradient.Length; e++) gradient[e] = (gradient[e] - problem.Lambda * weights[e]) * n + problem.Lambda * weights[e];
        return loss;
    }
}

/// <summary>The Hessian with its Kronecker factors swapped: (diag ŷ − ŷŷᵀ) ⊗ xxᵀ written in the row-major order of W.</summary>
[Breaks("OPT-HESSIAN")]
public sealed class HessianWithTransposedKroneckerFactor : OptimizationMutant
{
    public override void Hessian(SoftmaxRegressionProblem<double> problem, ReadOnlySpan<double> weights, Span<double> hessian)
    {
        base.Hessian(problem, weights, hessian);
        int d = problem.Features, k = problem.Classes, m = d * k;
        var h = hessian.ToArray();
        // (S ⊗ xxᵀ)[r, c] = S[r / d, c / d]·(xxᵀ)[r % d, c % d], which is the right H's entry ((r % d)·K + r / d, (c % d)·K + c / d)
        for (int r = 0; r < m; r++)
            for (int c = 0; c < m; c++)
                hessian[r * m + c] = h[(r % d * k + r / d) * m + c % d * k + c / d];
    }
}

/// <summary>The Hessian without its λI: positive semidefinite only (its data part has the null directions W·1).</summary>
[Breaks("OPT-HESSIAN-BOUNDS")]
public sealed class HessianWithoutLambda : OptimizationMutant
{
    public override void Hessian(SoftmaxRegressionProblem<double> problem, ReadOnlySpan<double> weights, Span<double> hessian)
    {
        base.Hessian(problem, weights, hessian);
        int m = problem.Parameters;
        for (int e = 0; e < m; e++) hessian[e * m + e] -= problem.Lambda;
    }
}

/// <summary>The Hessian-vector product with diag ŷ only, without −ŷŷᵀ: (S a)ⱼ = ŷⱼaⱼ.</summary>
[Breaks("OPT-HVP")]
public sealed class HessianVectorProductWithoutOuterProduct : OptimizationMutant
{
    public override void HessianVectorProduct(SoftmaxRegressionProblem<double> problem, ReadOnlySpan<double> weights, ReadOnlySpan<double> direction, Span<double> product)
    {
        int d = problem.Features, k = problem.Classes, counted = Counted(problem);
        var result = new double[d * k];
        for (int n = 0; n < problem.Samples; n++)
        {
            var y = problem.Targets.Slice(n * k, k);
            bool any = false;
            foreach (double v in y) any |= v != 0;
            if (!any) continue;
            var z = new double[k];
            var a = new double[k];
            for (int i = 0; i < d; i++)
                for (int j = 0; j < k; j++) { z[j] += problem.Inputs[n * d + i] * weights[i * k + j]; a[j] += problem.Inputs[n * d + i] * direction[i * k + j]; }
            var s = new double[k];
            LossConformance.Reference.Softmax.Of(z, s);
            for (int i = 0; i < d; i++)
                for (int j = 0; j < k; j++) result[i * k + j] += problem.Inputs[n * d + i] * s[j] * a[j] / counted;
        }
        for (int e = 0; e < d * k; e++) product[e] = result[e] + problem.Lambda * direction[e];
    }
}

/// <summary>A gradient step 2.5 times the step asked for: with η = 1/L̄ that is 2.5/L̄ &gt; 2/L̄.</summary>
[Breaks("OPT-GD-STEP", "OPT-GD-DESCENT")]
public sealed class GradientStepBeyondTwoOverL : OptimizationMutant
{
    public override double GradientDescentStep(SoftmaxRegressionProblem<double> problem, ReadOnlySpan<double> weights, double stepSize, Span<double> next) =>
        base.GradientDescentStep(problem, weights, 2.5 * stepSize, next);
}

/// <summary>A gradient step a tenth of the step asked for: still a descent, but slower than (1 − μ/L) per step.</summary>
[Breaks("OPT-GD-RATE")]
public sealed class GradientStepTenTimesTooShort : OptimizationMutant
{
    public override double GradientDescentStep(SoftmaxRegressionProblem<double> problem, ReadOnlySpan<double> weights, double stepSize, Span<double> next) =>
        base.GradientDescentStep(problem, weights, stepSize / 10, next);
}

/// <summary>A line search that accepts any step: the full Newton step t = 1, always.</summary>
[Breaks("OPT-NEWTON-STEP", "OPT-NEWTON-GLOBAL")]
public sealed class LineSearchAcceptingAnyStep : OptimizationMutant
{
    public override double NewtonStep(SoftmaxRegressionProblem<double> problem, ReadOnlySpan<double> weights, Span<double> next)
    {
        var p = new double[problem.Parameters];
        SoftmaxRegression.NewtonDirection(problem, weights, p);
        for (int e = 0; e < p.Length; e++) next[e] = weights[e] + p[e];
        return 1;
    }
}

/// <summary>"Newton" that steps along −∇L (no Hessian) with the Armijo search: globally convergent, only linearly.</summary>
[Breaks("OPT-NEWTON-QUADRATIC")]
public sealed class NewtonAlongTheGradient : OptimizationMutant
{
    public override double NewtonStep(SoftmaxRegressionProblem<double> problem, ReadOnlySpan<double> weights, Span<double> next)
    {
        var g = new double[problem.Parameters];
        SoftmaxRegression.LossAndGradient(problem, weights, g);
        for (int e = 0; e < g.Length; e++) g[e] = -g[e];
        return SoftmaxRegression.ArmijoBacktracking(problem, weights, g, next);
    }
}

/// <summary>Newton on the loss with λ/2 in place of λ: it converges, to another problem's minimiser.</summary>
[Breaks("OPT-SAME-MINIMISER")]
public sealed class NewtonMinimisingHalfTheRegularisation : OptimizationMutant
{
    public override double NewtonStep(SoftmaxRegressionProblem<double> problem, ReadOnlySpan<double> weights, Span<double> next)
    {
        var other = new SoftmaxRegressionProblem<double>(problem.Inputs, problem.Targets, problem.Features, problem.Classes, problem.Lambda / 2);
        return SoftmaxRegression.NewtonStep(other, weights, next);
    }
}
