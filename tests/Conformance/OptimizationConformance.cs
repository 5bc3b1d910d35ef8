using System.Numerics;
using LossConformance.Kit;
using Xunit.Abstractions;
using Ref = LossConformance.Reference.SoftmaxRegression;

namespace LossConformance.Conformance;

/// <summary>
/// spec/optimization.md against the float64 reference: the loss, gradient, Hessian, Hessian-vector product and
/// gradient step of the implementation in T agree with <see cref="Ref"/> on the same problem, within the
/// implementation's bound for T plus the reference's (<see cref="RegressionAccuracy"/>); and the implementation's
/// Newton reaches the reference Newton's minimiser within (‖ĝ‖ + ‖ĝ_ref‖ + bounds)/μ.
/// </summary>
[Requires(typeof(ISoftmaxRegression<>))]
public abstract class OptimizationConformance<T>(ITestOutputHelper output, params object[] implementations)
    : Suite<T>(output, implementations) where T : unmanaged, IFloatingPointIeee754<T>
{
    [ForEachImplementation, Spec("OPT-LOSS", "OPT-GRADIENT")]
    public void Loss_and_gradient_agree_with_the_reference(string implementation) =>
        Check(implementation, OptimizationCases<T>.Problems, (impl, c) =>
        {
            var p = RegressionAccuracy.Of(c);
            var g = Agreement.Filled<T>(c.Parameters, Agreement.Sentinel);
            double loss = Fp<T>.ToDouble(impl.As<ISoftmaxRegression<T>>().LossAndGradient(c.Problem, c.W0, g));
            var rg = new double[c.Parameters];
            double refLoss = Ref.LossAndGradient(c.ProblemD, c.W0D, rg);
            return Agreement.Scalar<T>("L(W₀)", loss, refLoss, RegressionAccuracy.Loss<T>(p, c.W0D) + RegressionAccuracy.Loss<double>(p, c.W0D))
                 & Agreement.Vector<T>("∇L(W₀)", Fp<T>.ToDouble(g), rg, Agreement.Plus(RegressionAccuracy.Gradient<T>(p, c.W0D), RegressionAccuracy.Gradient<double>(p, c.W0D)));
        });

    [ForEachImplementation, Spec("OPT-HESSIAN", "OPT-HVP")]
    public void Hessian_and_Hessian_vector_product_agree_with_the_reference(string implementation) =>
        Check(implementation, OptimizationCases<T>.Problems, (impl, c) =>
        {
            var p = RegressionAccuracy.Of(c);
            int m = c.Parameters;
            var h = Agreement.Filled<T>(m * m, Agreement.Sentinel);
            impl.As<ISoftmaxRegression<T>>().Hessian(c.Problem, c.W0, h);
            var rh = new double[m * m];
            Ref.Hessian(c.ProblemD, c.W0D, rh);
            var v = FiniteDifference.Direction(new Random(m * 31 + c.Samples), m);
            var hv = Agreement.Filled<T>(m, Agreement.Sentinel);
            impl.As<ISoftmaxRegression<T>>().HessianVectorProduct(c.Problem, c.W0, Fp<T>.From(v), hv);
            var rhv = new double[m];
            Ref.HessianVectorProduct(c.ProblemD, c.W0D, v, rhv);
            return Agreement.Vector<T>("H(W₀)", Fp<T>.ToDouble(h), rh, Agreement.Plus(RegressionAccuracy.Hessian<T>(p, c.W0D), RegressionAccuracy.Hessian<double>(p, c.W0D)))
                 & Agreement.Vector<T>("H(W₀)·v", Fp<T>.ToDouble(hv), rhv,
                       Agreement.Plus(RegressionAccuracy.HessianVectorProduct<T>(p, c.W0D, v), RegressionAccuracy.HessianVectorProduct<double>(p, c.W0D, v)));
        });

    [ForEachImplementation, Spec("OPT-GD-STEP"), Requires(typeof(ISoftmaxRegressionOptimizer<>))]
    public void Gradient_step_agrees_with_the_reference(string implementation) =>
        Check(implementation, OptimizationCases<T>.Problems, (impl, c) =>
        {
            var p = RegressionAccuracy.Of(c);
            T eta = Fp<T>.From(Math.ScaleB(1.0, -(int)Math.Ceiling(Math.Log2(c.Smoothness))));   // a power of two ≤ 1/L̄: exact in T
            double etaD = Fp<T>.ToDouble(eta);
            var next = Agreement.Filled<T>(c.Parameters, Agreement.Sentinel);
            impl.As<ISoftmaxRegressionOptimizer<T>>().GradientDescentStep(c.Problem, c.W0, eta, next);
            var rnext = new double[c.Parameters];
            Ref.GradientDescentStep(c.ProblemD, c.W0D, etaD, rnext);
            return Agreement.Vector<T>($"W − η∇L (η = {Show.Number(etaD)})", Fp<T>.ToDouble(next), rnext,
                Agreement.Plus(RegressionAccuracy.GradientStep<T>(p, c.W0D, etaD), RegressionAccuracy.GradientStep<double>(p, c.W0D, etaD)));
        });

    [ForEachImplementation, Spec("OPT-LOSS"), Requires(typeof(ISoftmaxRegressionOptimizer<>))]
    public void Bad_problems_are_rejected_before_any_output_is_written(string implementation) =>
        Expect(implementation, "λ = 0, λ = NaN, NaN in X, X not a multiple of d, a target row summing to 2, W too short", impl =>
        {
            T[] x = [T.One, T.Zero, T.Zero, T.One], y = [T.One, T.Zero, T.Zero, T.One], w = new T[4];
            T[] nan = [T.NaN, T.Zero, T.Zero, T.One], ragged = [T.One, T.Zero, T.Zero], two = [T.One, T.One, T.Zero, T.One];
            var reg = impl.As<ISoftmaxRegression<T>>();
            var opt = impl.As<ISoftmaxRegressionOptimizer<T>>();
            var verdict = Verdict.Pass;
            foreach (var (what, inputs, targets, lambda, weights) in new (string, T[], T[], T, T[])[]
                     {
                         ("λ = 0", x, y, T.Zero, w), ("λ = NaN", x, y, T.NaN, w), ("NaN in X", nan, y, T.One, w),
                         ("X of length 3 with d = 2", ragged, y, T.One, w), ("a target row summing to 2", x, two, T.One, w),
                         ("W of length 3", x, y, T.One, new T[3]),
                     })
            {
                var gradient = Agreement.Filled<T>(4, Agreement.Sentinel);
                var next = Agreement.Filled<T>(4, Agreement.Sentinel);
                verdict &= Verdict.Throws<ArgumentException>($"LossAndGradient with {what}", () => reg.LossAndGradient(new(inputs, targets, 2, 2, lambda), weights, gradient))
                         & Verdict.Throws<ArgumentException>($"NewtonStep with {what}", () => opt.NewtonStep(new(inputs, targets, 2, 2, lambda), weights, next))
                         & Agreement.Exactly($"gradient after {what}", Fp<T>.ToDouble(gradient), Enumerable.Repeat(Agreement.Sentinel, 4).ToArray())
                         & Agreement.Exactly($"next after {what}", Fp<T>.ToDouble(next), Enumerable.Repeat(Agreement.Sentinel, 4).ToArray());
            }
            return verdict;
        });

    [ForEachImplementation, Spec("OPT-SAME-MINIMISER"), Requires(typeof(ISoftmaxRegressionOptimizer<>))]
    public void Newton_reaches_the_reference_minimiser(string implementation) =>
        Check(implementation, OptimizationCases<T>.Problems, (impl, c) =>
        {
            var p = RegressionAccuracy.Of(c);
            var w = c.W0;
            var g = new T[c.Parameters];
            var reg = impl.As<ISoftmaxRegression<T>>();
            for (int k = 0; k < 100; k++)
            {
                reg.LossAndGradient(c.Problem, w, g);
                var wd = Fp<T>.ToDouble(w);
                if (RegressionAccuracy.Norm(Fp<T>.ToDouble(g)) <= RegressionAccuracy.GradientTarget<T>(p, wd, c.Smoothness)) break;
                var next = new T[c.Parameters];
                impl.As<ISoftmaxRegressionOptimizer<T>>().NewtonStep(c.Problem, w, next);
                w = next;
            }
            reg.LossAndGradient(c.Problem, w, g);
            var rw = (double[])c.W0D.Clone();
            var rnext = new double[rw.Length];
            var rg = new double[rw.Length];
            for (int k = 0; k < 100; k++)
            {
                Ref.LossAndGradient(c.ProblemD, rw, rg);
                if (RegressionAccuracy.Norm(rg) <= 1e-12 || Ref.NewtonStep(c.ProblemD, rw, rnext) == 0) break;
                (rw, rnext) = (rnext, rw);
            }
            Ref.LossAndGradient(c.ProblemD, rw, rg);
            var wdFinal = Fp<T>.ToDouble(w);
            double radius = (RegressionAccuracy.Norm(Fp<T>.ToDouble(g)) + RegressionAccuracy.Norm(RegressionAccuracy.Gradient<T>(p, wdFinal))
                           + RegressionAccuracy.Norm(rg) + RegressionAccuracy.Norm(RegressionAccuracy.Gradient<double>(p, rw))) / c.StrongConvexity;
            double distance = RegressionAccuracy.Norm(wdFinal.Select((x, e) => x - rw[e]).ToArray());
            return Verdict.AtMost("‖W_Newton − W_reference‖ vs (‖ĝ‖ + ‖ĝ_ref‖ + bounds)/μ", distance, radius * (1 + 4 * Fp<double>.U));
        });
}
