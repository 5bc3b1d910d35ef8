using LossConformance.Optimized.Cpu.Optimization;

namespace LossConformance.Optimized.Cpu;

// spec/optimization.md: softmax regression, its derivatives, and gradient descent and Newton-CG steps.
public sealed partial class OptimizedCpuImplementation :
    ISoftmaxRegression<float>, ISoftmaxRegression<double>,
    ISoftmaxRegressionOptimizer<float>, ISoftmaxRegressionOptimizer<double>
{
    public float LossAndGradient(SoftmaxRegressionProblem<float> problem, ReadOnlySpan<float> weights, Span<float> gradient) => LossAndGradientOf(problem, weights, gradient);
    public double LossAndGradient(SoftmaxRegressionProblem<double> problem, ReadOnlySpan<double> weights, Span<double> gradient) => LossAndGradientOf(problem, weights, gradient);

    public void Hessian(SoftmaxRegressionProblem<float> problem, ReadOnlySpan<float> weights, Span<float> hessian) => HessianOf(problem, weights, hessian);
    public void Hessian(SoftmaxRegressionProblem<double> problem, ReadOnlySpan<double> weights, Span<double> hessian) => HessianOf(problem, weights, hessian);

    public void HessianVectorProduct(SoftmaxRegressionProblem<float> problem, ReadOnlySpan<float> weights, ReadOnlySpan<float> direction, Span<float> product) =>
        HessianVectorProductOf(problem, weights, direction, product);
    public void HessianVectorProduct(SoftmaxRegressionProblem<double> problem, ReadOnlySpan<double> weights, ReadOnlySpan<double> direction, Span<double> product) =>
        HessianVectorProductOf(problem, weights, direction, product);

    public float GradientDescentStep(SoftmaxRegressionProblem<float> problem, ReadOnlySpan<float> weights, float stepSize, Span<float> next) =>
        GradientDescentStepOf(problem, weights, stepSize, next);
    public double GradientDescentStep(SoftmaxRegressionProblem<double> problem, ReadOnlySpan<double> weights, double stepSize, Span<double> next) =>
        GradientDescentStepOf(problem, weights, stepSize, next);

    public float NewtonStep(SoftmaxRegressionProblem<float> problem, ReadOnlySpan<float> weights, Span<float> next) => NewtonStepOf(problem, weights, next);
    public double NewtonStep(SoftmaxRegressionProblem<double> problem, ReadOnlySpan<double> weights, Span<double> next) => NewtonStepOf(problem, weights, next);

    private static T LossAndGradientOf<T>(SoftmaxRegressionProblem<T> p, ReadOnlySpan<T> w, Span<T> gradient) where T : unmanaged, System.Numerics.IFloatingPointIeee754<T>
    {
        OptimizationInputRules.Weights(p, w, gradient, p.Parameters, nameof(gradient));
        return SoftmaxRegressionKernels<T>.LossAndGradient(p, w, gradient, []);
    }

    private static void HessianOf<T>(SoftmaxRegressionProblem<T> p, ReadOnlySpan<T> w, Span<T> hessian) where T : unmanaged, System.Numerics.IFloatingPointIeee754<T>
    {
        OptimizationInputRules.Weights(p, w, hessian, p.Parameters * p.Parameters, nameof(hessian));
        SoftmaxRegressionKernels<T>.Hessian(p, w, hessian);
    }

    private static void HessianVectorProductOf<T>(SoftmaxRegressionProblem<T> p, ReadOnlySpan<T> w, ReadOnlySpan<T> v, Span<T> product) where T : unmanaged, System.Numerics.IFloatingPointIeee754<T>
    {
        OptimizationInputRules.Weights(p, w, product, p.Parameters, nameof(product));
        OptimizationInputRules.Direction(v, p.Parameters);
        var y = new T[p.Samples * p.Classes];
        SoftmaxRegressionKernels<T>.Probabilities(p, w, y);
        SoftmaxRegressionKernels<T>.HessianVectorProduct<T>(p, p.Inputs, y, v, product, SoftmaxRegressionKernels<T>.Counted(p));
    }

    private static T GradientDescentStepOf<T>(SoftmaxRegressionProblem<T> p, ReadOnlySpan<T> w, T eta, Span<T> next) where T : unmanaged, System.Numerics.IFloatingPointIeee754<T>
    {
        OptimizationInputRules.Weights(p, w, next, p.Parameters, nameof(next));
        OptimizationInputRules.StepSize(eta);
        var g = new T[p.Parameters];
        T loss = SoftmaxRegressionKernels<T>.LossAndGradient(p, w, g, []);
        w.CopyTo(next);
        SoftmaxRegressionKernels<T>.Axpy(-eta, g, next);
        return loss;
    }

    private static T NewtonStepOf<T>(SoftmaxRegressionProblem<T> p, ReadOnlySpan<T> w, Span<T> next) where T : unmanaged, System.Numerics.IFloatingPointIeee754<T>
    {
        OptimizationInputRules.Weights(p, w, next, p.Parameters, nameof(next));
        return SoftmaxRegressionKernels<T>.NewtonStep(p, w, next);
    }
}
