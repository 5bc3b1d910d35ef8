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

    [ForEachImplementation, Spec("OPT-LOSS", "OPT-GRADIENT", "OPT-HESSIAN", "OPT-HVP")]
    public void Bad_weights_outputs_and_directions_are_rejected_before_any_output_is_written(string implementation) =>
        Expect(implementation, "W of length 3, 5 or with NaN; gradient, hessian, product one too short or long; direction of length 3, 5, with NaN or +∞", impl =>
        {
            var (problem, w, m) = BadInputProblem();
            var reg = impl.As<ISoftmaxRegression<T>>();
            T[] v = [Fp<T>.From(0.5), -T.One, Fp<T>.From(0.25), T.One];
            var verdict = Verdict.Pass;
            foreach (var (what, weights) in BadWeights(m))
            {
                var gradient = Agreement.Filled<T>(m, Agreement.Sentinel);
                var hessian = Agreement.Filled<T>(m * m, Agreement.Sentinel);
                var product = Agreement.Filled<T>(m, Agreement.Sentinel);
                verdict &= Rejects($"LossAndGradient with {what}", "weights", () => reg.LossAndGradient(problem(), weights, gradient), gradient)
                         & Rejects($"Hessian with {what}", "weights", () => reg.Hessian(problem(), weights, hessian), hessian)
                         & Rejects($"HessianVectorProduct with {what}", "weights", () => reg.HessianVectorProduct(problem(), weights, v, product), product);
            }
            foreach (int delta in new[] { -1, 1 })
            {
                var gradient = Agreement.Filled<T>(m + delta, Agreement.Sentinel);
                var hessian = Agreement.Filled<T>(m * m + delta, Agreement.Sentinel);
                var product = Agreement.Filled<T>(m + delta, Agreement.Sentinel);
                verdict &= Rejects($"LossAndGradient with a gradient of length {m + delta}", "gradient", () => reg.LossAndGradient(problem(), w, gradient), gradient)
                         & Rejects($"Hessian with a hessian of length {m * m + delta}", "hessian", () => reg.Hessian(problem(), w, hessian), hessian)
                         & Rejects($"HessianVectorProduct with a product of length {m + delta}", "product", () => reg.HessianVectorProduct(problem(), w, v, product), product);
            }
            foreach (var (what, direction) in new (string, T[])[]
                     {
                         ("a direction of length 3", v[..3]), ("a direction of length 5", [.. v, T.One]),
                         ("NaN in the direction", [v[0], v[1], T.NaN, v[3]]), ("+∞ in the direction", [v[0], v[1], v[2], T.PositiveInfinity]),
                     })
            {
                var product = Agreement.Filled<T>(m, Agreement.Sentinel);
                verdict &= Rejects($"HessianVectorProduct with {what}", "direction", () => reg.HessianVectorProduct(problem(), w, direction, product), product);
            }
            return verdict;
        });

    [ForEachImplementation, Spec("OPT-LOSS", "OPT-GD-STEP"), Requires(typeof(ISoftmaxRegressionOptimizer<>))]
    public void Bad_weights_outputs_and_step_sizes_of_the_steps_are_rejected_before_any_output_is_written(string implementation) =>
        Expect(implementation, "W of length 3, 5 or with NaN; next one too short or long; η = 0, −0, −1/4, NaN, +∞, −∞", impl =>
        {
            var (problem, w, m) = BadInputProblem();
            var opt = impl.As<ISoftmaxRegressionOptimizer<T>>();
            T eta = Fp<T>.From(0.25);
            var verdict = Verdict.Pass;
            foreach (var (what, weights) in BadWeights(m))
            {
                var gd = Agreement.Filled<T>(m, Agreement.Sentinel);
                var newton = Agreement.Filled<T>(m, Agreement.Sentinel);
                verdict &= Rejects($"GradientDescentStep with {what}", "weights", () => opt.GradientDescentStep(problem(), weights, eta, gd), gd)
                         & Rejects($"NewtonStep with {what}", "weights", () => opt.NewtonStep(problem(), weights, newton), newton);
            }
            foreach (int delta in new[] { -1, 1 })
            {
                var gd = Agreement.Filled<T>(m + delta, Agreement.Sentinel);
                var newton = Agreement.Filled<T>(m + delta, Agreement.Sentinel);
                verdict &= Rejects($"GradientDescentStep with a next of length {m + delta}", "next", () => opt.GradientDescentStep(problem(), w, eta, gd), gd)
                         & Rejects($"NewtonStep with a next of length {m + delta}", "next", () => opt.NewtonStep(problem(), w, newton), newton);
            }
            foreach (var (what, stepSize) in new (string, T)[]
                     {
                         ("η = 0", T.Zero), ("η = −0", T.NegativeZero), ("η = −1/4", -eta), ("η = NaN", T.NaN),
                         ("η = +∞", T.PositiveInfinity), ("η = −∞", T.NegativeInfinity),
                     })
            {
                var gd = Agreement.Filled<T>(m, Agreement.Sentinel);
                verdict &= Rejects($"GradientDescentStep with {what}", "stepSize", () => opt.GradientDescentStep(problem(), w, stepSize, gd), gd);
            }
            return verdict;
        });

    [ForEachImplementation, Spec("OPT-LOSS", "OPT-GRADIENT", "OPT-HESSIAN", "OPT-HVP")]
    public void With_no_counted_row_only_the_penalty_remains(string implementation) =>
        Expect(implementation, "d = 2, K = 3, N = 3, every target row zero, λ = 1/2: L = λ/2‖W‖², ∇L = λW, H = λI, Hv = λv", impl =>
        {
            var (x, y, w, v, lambda) = NoCountedRow();
            var data = new RegressionAccuracy.Data(Fp<T>.ToDouble(x), Fp<T>.ToDouble(y), 2, 3, Fp<T>.ToDouble(lambda));
            double[] wd = Fp<T>.ToDouble(w), vd = Fp<T>.ToDouble(v);
            int m = wd.Length;
            var problem = new SoftmaxRegressionProblem<T>(x, y, 2, 3, lambda);
            var reg = impl.As<ISoftmaxRegression<T>>();
            var g = Agreement.Filled<T>(m, Agreement.Sentinel);
            double loss = Fp<T>.ToDouble(reg.LossAndGradient(problem, w, g));
            var h = Agreement.Filled<T>(m * m, Agreement.Sentinel);
            reg.Hessian(problem, w, h);
            var hv = Agreement.Filled<T>(m, Agreement.Sentinel);
            reg.HessianVectorProduct(problem, w, v, hv);
            double l = data.Lambda;
            double[] identity = new double[m * m];
            for (int e = 0; e < m; e++) identity[e * m + e] = l;
            return Agreement.Scalar<T>("L(W) vs λ/2‖W‖²", loss, l / 2 * RegressionAccuracy.SquaredNorm(wd), RegressionAccuracy.Loss<T>(data, wd))
                 & Agreement.Vector<T>("∇L(W) vs λW", Fp<T>.ToDouble(g), wd.Select(e => l * e).ToArray(), RegressionAccuracy.Gradient<T>(data, wd))
                 & Agreement.Vector<T>("H(W) vs λI", Fp<T>.ToDouble(h), identity, RegressionAccuracy.Hessian<T>(data, wd))
                 & Agreement.Vector<T>("H(W)·v vs λv", Fp<T>.ToDouble(hv), vd.Select(e => l * e).ToArray(), RegressionAccuracy.HessianVectorProduct<T>(data, wd, vd));
        });

    [ForEachImplementation, Spec("OPT-LOSS", "OPT-GD-STEP"), Requires(typeof(ISoftmaxRegressionOptimizer<>))]
    public void With_no_counted_row_the_steps_shrink_the_penalty_alone(string implementation) =>
        Expect(implementation, "every target row zero, λ = 1/2: GD gives W − ηλW and returns λ/2‖W‖²; Newton (H = λI, p = −W) gives 0 with t = 1, and from W = 0 (g = 0) t = 1 and next = W", impl =>
        {
            var (x, y, w, _, lambda) = NoCountedRow();
            var data = new RegressionAccuracy.Data(Fp<T>.ToDouble(x), Fp<T>.ToDouble(y), 2, 3, Fp<T>.ToDouble(lambda));
            double[] wd = Fp<T>.ToDouble(w);
            int m = wd.Length;
            double l = data.Lambda, eta = 0.25;
            var problem = new SoftmaxRegressionProblem<T>(x, y, 2, 3, lambda);
            var opt = impl.As<ISoftmaxRegressionOptimizer<T>>();
            var gd = Agreement.Filled<T>(m, Agreement.Sentinel);
            double loss = Fp<T>.ToDouble(opt.GradientDescentStep(problem, w, Fp<T>.From(eta), gd));
            var newton = Agreement.Filled<T>(m, Agreement.Sentinel);
            double t = Fp<T>.ToDouble(opt.NewtonStep(problem, w, newton));
            var atZero = Agreement.Filled<T>(m, Agreement.Sentinel);
            double tAtZero = Fp<T>.ToDouble(opt.NewtonStep(problem, new T[m], atZero));
            // next = W + p with p the direction to within the forcing tolerance ‖Hp + g‖ ≤ min(½, ‖g‖)‖g‖ (OPT-NEWTON-STEP): H = λI, so
            // ‖W + p‖ ≤ min(½, ‖g‖)‖g‖/λ, plus the rounding of g (B_G/λ) and of W + p in T.
            double gNorm = l * RegressionAccuracy.Norm(wd);
            double radius = (Math.Min(0.5, gNorm) * gNorm + RegressionAccuracy.Norm(RegressionAccuracy.Gradient<T>(data, wd))) / l
                          + 4 * Fp<T>.U * RegressionAccuracy.Norm(wd);
            return Agreement.Scalar<T>("GD's returned L(W) vs λ/2‖W‖²", loss, l / 2 * RegressionAccuracy.SquaredNorm(wd), RegressionAccuracy.Loss<T>(data, wd))
                 & Agreement.Vector<T>($"W − ηλW (η = {Show.Number(eta)})", Fp<T>.ToDouble(gd), wd.Select(e => e - eta * l * e).ToArray(), RegressionAccuracy.GradientStep<T>(data, wd, eta))
                 & Verdict.That(t == 1, $"NewtonStep returned t = {Show.Number(t)}; expected 1 (the full step to the minimiser 0 decreases L by λ/2‖W‖² ≫ c·λ‖W‖²)")
                 & Verdict.AtMost("‖W⁺‖ after the Newton step (the minimiser is 0)", RegressionAccuracy.Norm(Fp<T>.ToDouble(newton)), radius)
                 & Verdict.That(tAtZero == 1, $"NewtonStep at W = 0 (g = 0, L = 0) returned t = {Show.Number(tAtZero)}; expected 1")
                 & Agreement.Exactly("next after NewtonStep at W = 0", Fp<T>.ToDouble(atZero), new double[m]);
        });

    /// <summary>The all-ignored problem: X mixed (so that a counted row would change every answer), Y all zero, λ = 1/2; W and v exact in float.</summary>
    private static (T[] X, T[] Y, T[] W, T[] V, T Lambda) NoCountedRow() =>
        (Fp<T>.From([0.5, -1.25, 2, 0.75, -3, 1.5]), new T[9],
         Fp<T>.From([0.5, -1, 0.25, 2, -0.75, 1.5]), Fp<T>.From([1, -0.5, 0.25, -2, 0.75, 1.25]), Fp<T>.From(0.5));

    /// <summary>d = K = 2, X = I, Y = I, λ = 1 (a valid problem) and a valid W: each case breaks one rule more.</summary>
    private static (Func<SoftmaxRegressionProblem<T>> Problem, T[] W, int Parameters) BadInputProblem()
    {
        T[] x = [T.One, T.Zero, T.Zero, T.One], y = [T.One, T.Zero, T.Zero, T.One];
        return (() => new(x, y, 2, 2, T.One), [Fp<T>.From(0.5), T.Zero, -T.One, Fp<T>.From(0.25)], 4);
    }

    private static (string, T[])[] BadWeights(int m) =>
    [
        ($"W of length {m - 1}", Enumerable.Repeat(Fp<T>.From(0.5), m - 1).ToArray()),
        ($"W of length {m + 1}", Enumerable.Repeat(Fp<T>.From(0.5), m + 1).ToArray()),
        ("NaN in W", [Fp<T>.From(0.5), T.Zero, T.NaN, T.One]),
    ];

    /// <summary>
    /// The call throws ArgumentException (or a subclass) whose ParamName is <paramref name="paramName"/>, the parameter that
    /// OptimizationInputRules names for the rule broken, and every output still holds the sentinel (<c>INPUT-NO-WRITE</c>).
    /// </summary>
    private static Verdict Rejects(string call, string paramName, Action action, params T[][] outputs)
    {
        Verdict verdict;
        try
        {
            action();
            verdict = Verdict.That(false, $"{call} returned normally; expected an ArgumentException naming '{paramName}'");
        }
        catch (ArgumentException e)
        {
            verdict = Verdict.That(e.ParamName == paramName, $"{call} threw {e.GetType().Name} naming '{e.ParamName}' (expected '{paramName}'): {e.Message}");
        }
        catch (Exception e) when (e is not InputModifiedException)
        {
            verdict = Verdict.That(false, $"{call} threw {e.GetType().Name} ({e.Message}); expected an ArgumentException naming '{paramName}'");
        }
        foreach (var o in outputs)
            verdict &= Agreement.Exactly($"the output after {call}", Fp<T>.ToDouble(o), Enumerable.Repeat(Agreement.Sentinel, o.Length).ToArray());
        return verdict;
    }

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
