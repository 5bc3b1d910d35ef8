using System.Numerics;
using TorchSharp;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace LossConformance.Optimized.Torch;

// spec/optimization.md on TorchSharp: the loss by torch ops, the gradient by autograd, Hessian-vector products by
// double backward (∂⟨∇L, v⟩/∂W), the dense Hessian from dK of them, Newton by a Cholesky solve, Armijo in float64.
public sealed partial class TorchImplementation :
    ISoftmaxRegression<float>, ISoftmaxRegression<double>, ISoftmaxRegressionOptimizer<float>, ISoftmaxRegressionOptimizer<double>
{
    private readonly Lazy<TorchRegression<float>> _regressionSingle = new(() => new TorchRegression<float>(TorchDevices.ToTorch(TorchDeviceKind.Cpu)));
    private readonly Lazy<TorchRegression<double>> _regressionDouble = new(() => new TorchRegression<double>(TorchDevices.ToTorch(TorchDeviceKind.Cpu)));

    private TorchRegression<float> RF => Device == TorchDeviceKind.Cpu ? _regressionSingle.Value : new TorchRegression<float>(TorchDevices.ToTorch(Device));
    private TorchRegression<double> RD => Device == TorchDeviceKind.Cpu ? _regressionDouble.Value : new TorchRegression<double>(TorchDevices.ToTorch(Device));

    public float LossAndGradient(SoftmaxRegressionProblem<float> problem, ReadOnlySpan<float> weights, Span<float> gradient) => RF.LossAndGradient(problem, weights, gradient);
    public double LossAndGradient(SoftmaxRegressionProblem<double> problem, ReadOnlySpan<double> weights, Span<double> gradient) => RD.LossAndGradient(problem, weights, gradient);
    public void Hessian(SoftmaxRegressionProblem<float> problem, ReadOnlySpan<float> weights, Span<float> hessian) => RF.Hessian(problem, weights, hessian);
    public void Hessian(SoftmaxRegressionProblem<double> problem, ReadOnlySpan<double> weights, Span<double> hessian) => RD.Hessian(problem, weights, hessian);
    public void HessianVectorProduct(SoftmaxRegressionProblem<float> problem, ReadOnlySpan<float> weights, ReadOnlySpan<float> direction, Span<float> product) =>
        RF.HessianVectorProduct(problem, weights, direction, product);
    public void HessianVectorProduct(SoftmaxRegressionProblem<double> problem, ReadOnlySpan<double> weights, ReadOnlySpan<double> direction, Span<double> product) =>
        RD.HessianVectorProduct(problem, weights, direction, product);
    public float GradientDescentStep(SoftmaxRegressionProblem<float> problem, ReadOnlySpan<float> weights, float stepSize, Span<float> next) => RF.GradientDescentStep(problem, weights, stepSize, next);
    public double GradientDescentStep(SoftmaxRegressionProblem<double> problem, ReadOnlySpan<double> weights, double stepSize, Span<double> next) => RD.GradientDescentStep(problem, weights, stepSize, next);
    public float NewtonStep(SoftmaxRegressionProblem<float> problem, ReadOnlySpan<float> weights, Span<float> next) => RF.NewtonStep(problem, weights, next);
    public double NewtonStep(SoftmaxRegressionProblem<double> problem, ReadOnlySpan<double> weights, Span<double> next) => RD.NewtonStep(problem, weights, next);
}

/// <summary>The softmax regression in torch for T on one device. Spec: <c>OPT-LOSS</c>, <c>OPT-GRADIENT</c>, <c>OPT-HVP</c>, <c>OPT-NEWTON-STEP</c>.</summary>
internal sealed class TorchRegression<T>(Device device) where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>L(W) = cross_entropy(X_c W, Y_c, mean) + (λ/2)‖W‖², X_c, Y_c the counted rows.</summary>
    private static Tensor Loss(Tensor x, Tensor y, Tensor w, double lambda)
    {
        var penalty = w.square().sum() * (lambda / 2);
        if (x.shape[0] == 0) return penalty;
        return F.cross_entropy(x.mm(w), y, reduction: nn.Reduction.Mean) + penalty;
    }

    private (Tensor X, Tensor Y) Counted(SoftmaxRegressionProblem<T> p, ScalarType? type = null)
    {
        int d = p.Features, k = p.Classes;
        var rows = new List<int>();
        for (int n = 0; n < p.Samples; n++)
            foreach (var v in p.Targets.Slice(n * k, k)) if (v != T.Zero) { rows.Add(n); break; }
        var x = Tensors<T>.From(p.Inputs, device, false, p.Samples, d);
        var y = Tensors<T>.From(p.Targets, device, false, p.Samples, k);
        var index = Tensors<T>.Indices(rows.ToArray(), device);
        x = x.index_select(0, index);
        y = y.index_select(0, index);
        return type is { } t ? (x.to_type(t), y.to_type(t)) : (x, y);
    }

    public T LossAndGradient(SoftmaxRegressionProblem<T> p, ReadOnlySpan<T> weights, Span<T> gradient)
    {
        OptimizationInputRules.Weights(p, weights, gradient, p.Parameters, nameof(gradient));
        using var scope = NewDisposeScope();
        var (x, y) = Counted(p);
        var w = Tensors<T>.From(weights, device, true, p.Features, p.Classes);
        var loss = Loss(x, y, w, double.CreateChecked(p.Lambda));
        loss.backward();
        Tensors<T>.CopyTo(w.grad!, gradient);
        return Tensors<T>.Scalar(loss);
    }

    /// <summary>H·v = ∂⟨∇L(W), V⟩/∂W by double backward.</summary>
    private static Tensor Hvp(Tensor x, Tensor y, Tensor w, double lambda, Tensor v)
    {
        var loss = Loss(x, y, w, lambda);
        var g = torch.autograd.grad([loss], [w], retain_graph: true, create_graph: true)[0];
        return torch.autograd.grad([(g * v).sum()], [w])[0];
    }

    public void HessianVectorProduct(SoftmaxRegressionProblem<T> p, ReadOnlySpan<T> weights, ReadOnlySpan<T> direction, Span<T> product)
    {
        OptimizationInputRules.Weights(p, weights, product, p.Parameters, nameof(product));
        OptimizationInputRules.Direction(direction, p.Parameters);
        using var scope = NewDisposeScope();
        var (x, y) = Counted(p);
        var w = Tensors<T>.From(weights, device, true, p.Features, p.Classes);
        var v = Tensors<T>.From(direction, device, false, p.Features, p.Classes);
        Tensors<T>.CopyTo(Hvp(x, y, w, double.CreateChecked(p.Lambda), v), product);
    }

    /// <summary>Column c of H is H·e_c: dK double backwards, stacked (H is symmetric, so rows = columns up to rounding).</summary>
    private static Tensor DenseHessian(Tensor x, Tensor y, Tensor w, double lambda, int m)
    {
        var loss = Loss(x, y, w, lambda);
        var g = torch.autograd.grad([loss], [w], retain_graph: true, create_graph: true)[0].reshape(m);
        var rows = new Tensor[m];
        for (int c = 0; c < m; c++)
            rows[c] = torch.autograd.grad([g[c]], [w], retain_graph: true)[0].reshape(m);
        return torch.stack(rows);
    }

    public void Hessian(SoftmaxRegressionProblem<T> p, ReadOnlySpan<T> weights, Span<T> hessian)
    {
        int m = p.Parameters;
        OptimizationInputRules.Weights(p, weights, hessian, m * m, nameof(hessian));
        using var scope = NewDisposeScope();
        var (x, y) = Counted(p);
        var w = Tensors<T>.From(weights, device, true, p.Features, p.Classes);
        Tensors<T>.CopyTo(DenseHessian(x, y, w, double.CreateChecked(p.Lambda), m), hessian);
    }

    public T GradientDescentStep(SoftmaxRegressionProblem<T> p, ReadOnlySpan<T> weights, T stepSize, Span<T> next)
    {
        OptimizationInputRules.Weights(p, weights, next, p.Parameters, nameof(next));
        OptimizationInputRules.StepSize(stepSize);
        using var scope = NewDisposeScope();
        var (x, y) = Counted(p);
        var w = Tensors<T>.From(weights, device, true, p.Features, p.Classes);
        var loss = Loss(x, y, w, double.CreateChecked(p.Lambda));
        loss.backward();
        Tensors<T>.CopyTo(w.detach() - w.grad! * double.CreateChecked(stepSize), next);
        return Tensors<T>.Scalar(loss);
    }

    public T NewtonStep(SoftmaxRegressionProblem<T> p, ReadOnlySpan<T> weights, Span<T> next)
    {
        int m = p.Parameters;
        OptimizationInputRules.Weights(p, weights, next, m, nameof(next));
        using var scope = NewDisposeScope();
        double lambda = double.CreateChecked(p.Lambda);
        var (x, y) = Counted(p);
        var w = Tensors<T>.From(weights, device, true, p.Features, p.Classes);
        var loss = Loss(x, y, w, lambda);
        var g = torch.autograd.grad([loss], [w])[0].detach().reshape(m, 1);
        var h = DenseHessian(x, y, w, lambda, m).detach();
        var step = torch.cholesky_solve(-g, torch.linalg.cholesky(h)).reshape(p.Features, p.Classes);
        // Armijo in float64 (for T = float too), so that decreases down to 2⁻⁵³|L| are seen.
        var (x64, y64) = Counted(p, ScalarType.Float64);
        var w64 = w.detach().to_type(ScalarType.Float64);
        var step64 = step.to_type(ScalarType.Float64);
        double l0 = Loss(x64, y64, w64, lambda).item<double>();
        double slope = (g.reshape(p.Features, p.Classes).to_type(ScalarType.Float64) * step64).sum().item<double>();
        double allowance = NewtonLineSearch.RoundingAllowanceUlps * Math.ScaleB(1.0, -53) * Math.Abs(l0);
        double t = 1;
        for (int halving = 0; halving <= NewtonLineSearch.MaxHalvings; halving++, t /= 2)
        {
            var trial = (w.detach() + step * t);   // in T, as written
            if (Loss(x64, y64, trial.to_type(ScalarType.Float64), lambda).item<double>() <= l0 + NewtonLineSearch.SufficientDecrease * t * slope + allowance)
            {
                Tensors<T>.CopyTo(trial, next);
                return T.CreateChecked(t);
            }
        }
        weights.CopyTo(next);
        return T.Zero;
    }
}
