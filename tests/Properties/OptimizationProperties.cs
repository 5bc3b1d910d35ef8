using System.Numerics;
using LossConformance.Kit;
using MathNet.Numerics.LinearAlgebra;
using Xunit.Abstractions;
using Ref = LossConformance.Reference.SoftmaxRegression;

namespace LossConformance.Properties;

/// <summary>
/// Laws of spec/optimization.md on generated softmax-regression problems (d·K ≤ 36, κ(X) from 1 to 10⁶,
/// λ from 10⁻⁶ to 1, hard, ignored and soft labels, zero, random and far starts): the loss and its derivatives,
/// the smoothness and strong-convexity bounds, gradient descent (descent lemma, linear rate) and damped Newton
/// (Armijo, global and quadratic convergence), the common minimiser, and teacher-forced training of a bigram model.
/// </summary>
public abstract class OptimizationProperties<T>(ITestOutputHelper output, params object[] implementations)
    : Suite<T>(output, implementations) where T : unmanaged, IFloatingPointIeee754<T>
{
    // ---- the loss and its derivatives ----

    [ForEachImplementation, Spec("OPT-LOSS"), Requires(typeof(ISoftmaxRegression<>))]
    public void Loss_is_the_mean_cross_entropy_of_the_counted_rows_plus_half_lambda_squared_norm(string implementation) =>
        Check(implementation, OptimizationCases<T>.Problems, (impl, c) =>
        {
            var p = RegressionAccuracy.Of(c);
            var (loss, _) = LossAndGradient(impl, c, c.W0);
            return Verdict.Within("L(W₀)", loss, RegressionAccuracy.ExactLoss(p, c.W0D), LossBound(p, c.W0D));
        });

    [ForEachImplementation, Spec("OPT-GRADIENT"), Requires(typeof(ISoftmaxRegression<>))]
    public void Gradient_is_X_transpose_times_the_error_over_N_plus_lambda_W(string implementation) =>
        Check(implementation, OptimizationCases<T>.Problems, (impl, c) =>
        {
            var p = RegressionAccuracy.Of(c);
            var (_, g) = LossAndGradient(impl, c, c.W0);
            return Verdict.AllWithin("∇L(W₀) vs (1/N)Σ xₙ(ŷₙ − yₙ)ᵀ + λW", g, RegressionAccuracy.ExactGradient(p, c.W0D), GradientBound(p, c.W0D));
        });

    [ForEachImplementation, Spec("OPT-HESSIAN"), Requires(typeof(ISoftmaxRegression<>))]
    public void Hessian_is_the_Kronecker_sum_in_row_major_order_and_symmetric(string implementation) =>
        Check(implementation, OptimizationCases<T>.Problems, (impl, c) =>
        {
            var p = RegressionAccuracy.Of(c);
            int m = c.Parameters;
            var h = Hessian(impl, c, c.W0);
            var bound = HessianBound(p, c.W0D);
            var transposed = new double[m * m];
            var symmetry = new double[m * m];
            for (int a = 0; a < m; a++)
                for (int b = 0; b < m; b++) { transposed[a * m + b] = h[b * m + a]; symmetry[a * m + b] = bound[a * m + b] + bound[b * m + a]; }
            return Verdict.AllWithin("H[(iK + j), (kK + l)] vs (1/N)Σ xᵢxₖ(δⱼₗŷⱼ − ŷⱼŷₗ) + λδ", h, RegressionAccuracy.ExactHessian(p, c.W0D), bound)
                 & Verdict.AllWithin("H vs Hᵀ", h, transposed, symmetry);
        });

    [ForEachImplementation, Spec("OPT-HESSIAN"), Requires(typeof(ISoftmaxRegression<>))]
    public void Hessian_matches_central_differences_of_the_gradient(string implementation) =>
        Check(implementation, OptimizationCases<T>.Problems, (impl, c) =>
        {
            // uᵀH v against (⟨u, ∇L(W + hv)⟩ − ⟨u, ∇L(W − hv)⟩)/2h of the float64 gradient; truncation ≤ (h²/6)(1/N)Σₙ 2‖Uᵀxₙ‖∞ Rₙ³,
            // Rₙ = the range of Vᵀxₙ (|φ'''| ≤ 2‖b‖∞R³ for φ(h) = bᵀsoftmax(z + ha)), rounding ≤ (ε₊ + ε₋)/2h.
            var p = RegressionAccuracy.Of(c);
            int m = c.Parameters;
            var v = Direction(m, 1);
            var u = Direction(m, 2);
            double m3 = 0;
            for (int n = 0; n < c.Samples; n++)
            {
                if (!p.IsCounted(n)) continue;
                var a = RegressionAccuracy.Logits(p, v, n);
                var b = RegressionAccuracy.Logits(p, u, n);
                double range = a.Max() - a.Min();
                m3 += 2 * b.Max(Math.Abs) * range * range * range / p.Counted;
            }
            double eps = Math.Max(Directional(p, u, c.W0D, v, 0), 1e-300);
            double h = m3 > 0 ? Math.Cbrt(3 * eps / m3) : 1;
            double fd = (Directional(p, u, c.W0D, v, h) - Directional(p, u, c.W0D, v, -h)) / (2 * h);
            double[] wp = Shift(c.W0D, v, h), wm = Shift(c.W0D, v, -h);
            double evalError = Directional(p, u, wp, v, 0) + Directional(p, u, wm, v, 0);
            // the points W ± hv round in float64: a move of ≤ u|W ± hv| changes ⟨u, ∇L⟩ by ≤ L̄‖u‖‖δ‖
            double pointError = c.Smoothness * RegressionAccuracy.Norm(u) * Fp<double>.U * (RegressionAccuracy.Norm(wp) + RegressionAccuracy.Norm(wm));
            double tolerance = h * h / 6 * m3 + (evalError + pointError) / (2 * h);
            var hd = Hessian(impl, c, c.W0);
            var hv = RegressionAccuracy.MatrixVector(hd, v);
            var bound = HessianBound(p, c.W0D);
            double uhv = RegressionAccuracy.Dot(u, hv);
            double uhvBound = RegressionAccuracy.Dot(u.Select(Math.Abs).ToArray(), RegressionAccuracy.MatrixVector(bound, v.Select(Math.Abs).ToArray()))
                            + Accuracy.Gamma(m * m + 2, Fp<double>.U) * RegressionAccuracy.Dot(u.Select(Math.Abs).ToArray(), RegressionAccuracy.MatrixVector(hd.Select(Math.Abs).ToArray(), v.Select(Math.Abs).ToArray()));
            return Verdict.Within($"uᵀĤv vs central difference of ⟨u, ∇L⟩ along v (h = {Show.Number(h)})", uhv, fd, tolerance + uhvBound);
        });

    [ForEachImplementation, Spec("OPT-HESSIAN-BOUNDS"), Requires(typeof(ISoftmaxRegression<>))]
    public void Hessian_eigenvalues_lie_between_lambda_and_the_smoothness_bound(string implementation) =>
        Check(implementation, OptimizationCases<T>.Problems, (impl, c) =>
        {
            var p = RegressionAccuracy.Of(c);
            int m = c.Parameters;
            var h = Hessian(impl, c, c.W0);
            var bound = HessianBound(p, c.W0D);
            // Weyl: each eigenvalue of (Ĥ + Ĥᵀ)/2 is within ‖Ĥ − H‖_F of H's; MathNet's symmetric eigensolver is backward stable.
            var s = Matrix<double>.Build.Dense(m, m, (r, k) => Flush((h[r * m + k] + h[k * m + r]) / 2));
            var eigenvalues = s.Evd(MathNet.Numerics.LinearAlgebra.Symmetricity.Symmetric).EigenValues.Select(e => e.Real).ToArray();
            double slack = SoftmaxAccuracy.EigenvalueSlack(bound, m, Math.Sqrt(h.Sum(x => x * x)));
            return Verdict.AtLeast("λ_min(H) (μ = λ)", eigenvalues.Min(), c.StrongConvexity - slack)
                 & Verdict.AtMost($"λ_max(H) (L̄ = σ̄²/2N + λ = {Show.Number(c.Smoothness)})", eigenvalues.Max(), c.Smoothness + slack);
        });

    [ForEachImplementation, Spec("OPT-HVP"), Requires(typeof(ISoftmaxRegression<>))]
    public void Hessian_vector_product_equals_H_times_v_without_forming_H(string implementation) =>
        Check(implementation, OptimizationCases<T>.Problems, (impl, c) =>
        {
            var p = RegressionAccuracy.Of(c);
            int m = c.Parameters;
            var v = Direction(m, 1);
            var product = new T[m];
            impl.As<ISoftmaxRegression<T>>().HessianVectorProduct(c.Problem, c.W0, Fp<T>.From(v), product);
            var exactH = RegressionAccuracy.ExactHessian(p, c.W0D);
            var expected = RegressionAccuracy.MatrixVector(exactH, v);
            var absV = v.Select(Math.Abs).ToArray();
            var expectedBound = RegressionAccuracy.MatrixVector(RegressionAccuracy.Hessian<double>(p, c.W0D), absV);
            var absH = RegressionAccuracy.MatrixVector(exactH.Select(Math.Abs).ToArray(), absV);
            var mine = RegressionAccuracy.HessianVectorProduct<T>(p, c.W0D, v);
            var bound = new double[m];
            for (int e = 0; e < m; e++) bound[e] = mine[e] + expectedBound[e] + Accuracy.Gamma(m + 1, Fp<double>.U) * absH[e];
            return Verdict.AllWithin("H·v vs the dense H times v", Fp<T>.ToDouble(product), expected, bound);
        });

    // ---- gradient descent ----

    [ForEachImplementation, Spec("OPT-GD-STEP"), Requires(typeof(ISoftmaxRegressionOptimizer<>))]
    public void Gradient_descent_step_is_W_minus_eta_times_the_gradient(string implementation) =>
        Check(implementation, OptimizationCases<T>.Problems, (impl, c) =>
        {
            var p = RegressionAccuracy.Of(c);
            T eta = StepSize(c);
            double etaD = Fp<T>.ToDouble(eta);
            var next = new T[c.Parameters];
            double loss = Fp<T>.ToDouble(impl.As<ISoftmaxRegressionOptimizer<T>>().GradientDescentStep(c.Problem, c.W0, eta, next));
            var g = RegressionAccuracy.ExactGradient(p, c.W0D);
            var expected = c.W0D.Select((w, e) => w - etaD * g[e]).ToArray();
            var mine = RegressionAccuracy.GradientStep<T>(p, c.W0D, etaD);
            var theirs = RegressionAccuracy.GradientStep<double>(p, c.W0D, etaD);
            return Verdict.AllWithin($"W⁺ vs W − η∇L (η = {Show.Number(etaD)})", Fp<T>.ToDouble(next), expected, Add(mine, theirs))
                 & Verdict.Within("returned L(W)", loss, RegressionAccuracy.ExactLoss(p, c.W0D), LossBound(p, c.W0D));
        });

    [ForEachImplementation, Spec("OPT-GD-DESCENT"), Requires(typeof(ISoftmaxRegressionOptimizer<>))]
    public void Gradient_descent_with_step_at_most_one_over_L_lowers_the_loss_at_every_step(string implementation) =>
        Check(implementation, OptimizationCases<T>.Problems, (impl, c) => Descent(impl, c, steps: 8));

    [ForEachImplementation, Spec("OPT-GD-DESCENT"), Requires(typeof(ISoftmaxRegressionOptimizer<>))]
    public void Gradient_descent_lowers_the_loss_where_the_curvature_along_the_gradient_is_L(string implementation) =>
        Expect(implementation, "K = 2, d = 1, x = 1, y = (0.7, 0.3), W₀ = 0", impl => Descent(impl, CurvatureAtL(), steps: 4));

    [ForEachImplementation, Spec("OPT-GD-RATE"), Requires(typeof(ISoftmaxRegressionOptimizer<>))]
    public void Gradient_descent_contracts_the_loss_gap_by_at_least_one_minus_mu_over_L_per_step(string implementation) =>
        Check(implementation, OptimizationCases<T>.Problems, (impl, c) => Rate(impl, c, steps: 8));

    [ForEachImplementation, Spec("OPT-GD-RATE"), Requires(typeof(ISoftmaxRegressionOptimizer<>))]
    public void Gradient_descent_rate_where_the_gap_lies_along_the_lambda_direction(string implementation) =>
        Expect(implementation, "W₀ = 3·11ᵀ, λ = 1, small data", impl => Rate(impl, AlongLambda(), steps: 4));

    // ---- Newton ----

    [ForEachImplementation, Spec("OPT-NEWTON-STEP"), Requires(typeof(ISoftmaxRegression<>), typeof(ISoftmaxRegressionOptimizer<>))]
    public void Newton_steps_solve_the_Newton_system_and_satisfy_the_Armijo_condition(string implementation) =>
        Check(implementation, OptimizationCases<T>.Problems, (impl, c) =>
        {
            var p = RegressionAccuracy.Of(c);
            var w = c.W0;
            var verdict = Verdict.Pass;
            for (int k = 0; k < 30 && verdict.Holds; k++)
            {
                var wd = Fp<T>.ToDouble(w);
                var g = RegressionAccuracy.ExactGradient(p, wd);
                if (RegressionAccuracy.Norm(g) <= RegressionAccuracy.GradientTarget<T>(p, wd, c.Smoothness)) break;
                var next = new T[c.Parameters];
                double t = Fp<T>.ToDouble(impl.As<ISoftmaxRegressionOptimizer<T>>().NewtonStep(c.Problem, w, next));
                verdict &= StepChecks(c, p, wd, g, Fp<T>.ToDouble(next), t, k);
                w = next;
            }
            return verdict;
        });

    [ForEachImplementation, Spec("OPT-NEWTON-STEP"), Requires(typeof(ISoftmaxRegression<>), typeof(ISoftmaxRegressionOptimizer<>))]
    public void Newton_takes_the_first_halving_that_satisfies_the_Armijo_condition(string implementation) =>
        Expect(implementation, "K = 2, d = 1, x = 1, y = (1, 0), λ = 2⁻⁷, W₀ = (−a, a), a = 2.0507354736328125: the full step lowers L by only ½c|⟨g, p⟩|", impl =>
        {
            // Along (−1, 1) the loss is F(a) = ln(1 + e^{2a}) + λa², and g ∝ (−1, 1) is an eigenvector of H, so every direction
            // that meets the forcing tolerance closely is the exact Newton step (CG finishes in one iteration). At this a the full
            // step lowers L by 0.00247 (ΔL/(c⟨g, p⟩) = 0.49): Armijo fails at t = 1 by 0.0025, far above the rounding of L in float,
            // and holds at t = ½ (ΔL = −3.3). So t = 1 is wrong, and a line search that tests only ΔL ≤ ε_f, or allows +c|⟨g, p⟩|, takes it.
            var c = FirstHalvingCase();
            var p = RegressionAccuracy.Of(c);
            var wd = c.W0D;
            var g = RegressionAccuracy.ExactGradient(p, wd);
            var next = new T[c.Parameters];
            double t = Fp<T>.ToDouble(impl.As<ISoftmaxRegressionOptimizer<T>>().NewtonStep(c.Problem, c.W0, next));
            var nd = Fp<T>.ToDouble(next);
            var verdict = StepChecks(c, p, wd, g, nd, t, 0);
            if (!verdict.Holds) return verdict;
            if (t == 1) return verdict & Verdict.That(false, "t = 1 passed the check above only within its slack");
            if (t == 0) return verdict & Verdict.That(false, "t = 0: the search gave up, though t = ½ satisfies Armijo by a margin of 3");
            // t < 1 was chosen: the earlier trial 2t along the same direction p = (W⁺ − W)/t must fail Armijo.
            var direction = nd.Select((x, e) => (x - wd[e]) / t).ToArray();
            var earlier = wd.Select((x, e) => x + 2 * t * direction[e]).ToArray();
            double before = RegressionAccuracy.ExactLoss(p, wd), after = RegressionAccuracy.ExactLoss(p, earlier);
            double slope = RegressionAccuracy.Dot(g, direction);
            double recovered = 0;   // p recovered from W⁺ in T errs by ≤ u|W⁺ₑ|/t per entry; 2t times that moves L by ≤ (|gₑ| + L̄·that)·that
            for (int e = 0; e < c.Parameters; e++) { double move = 2 * Fp<T>.U * Math.Abs(nd[e]); recovered += (Math.Abs(g[e]) + c.Smoothness * move) * move; }
            double slack = LossBound(p, wd) + LossBound(p, earlier) + recovered + NewtonLineSearch.SufficientDecrease * 2 * t * RegressionAccuracy.DotError(g, direction)
                         + Accuracy.Gamma(3, Fp<double>.U) * Math.Abs(before) + NewtonLineSearch.RoundingAllowanceUlps * U * Math.Abs(before);
            return verdict & Verdict.AtLeast($"the earlier trial 2t = {Show.Number(2 * t)}: L(W + 2tp) − L(W) vs c·2t⟨∇L, p⟩ (it must fail Armijo)",
                after - before, NewtonLineSearch.SufficientDecrease * 2 * t * slope + slack);
        });

    [ForEachImplementation, Spec("OPT-NEWTON-GLOBAL"), Requires(typeof(ISoftmaxRegression<>), typeof(ISoftmaxRegressionOptimizer<>))]
    public void Newton_with_backtracking_converges_from_any_start(string implementation)
    {
        var counts = new System.Collections.Concurrent.ConcurrentBag<(string Tag, int Iterations)>();
        Check(implementation, OptimizationCases<T>.Problems, (impl, c) =>
        {
            var run = RunNewton(impl, c, MaxNewtonIterations);
            counts.Add(($"L̄/μ ~ 1e{Math.Round(Math.Log10(c.ProblemConditioning))}", run.Iterations));
            return Verdict.That(run.Converged, $"‖∇L‖ = {Show.Number(run.GradientNorm)} after {run.Iterations} Newton steps; target {Show.Number(run.Target)} within {MaxNewtonIterations}")
                 & run.Monotone;
        });
        ReportIterations("Newton", counts);
    }

    [ForEachImplementation, Spec("OPT-NEWTON-QUADRATIC"), Requires(typeof(ISoftmaxRegression<>), typeof(ISoftmaxRegressionOptimizer<>))]
    public void Newton_converges_quadratically_near_the_optimum(string implementation)
    {
        int gated = 0, cases = 0;
        var orders = new System.Collections.Concurrent.ConcurrentBag<double>();
        Check(implementation, OptimizationCases<T>.Problems, (impl, c) =>
        {
            Interlocked.Increment(ref cases);
            var p = RegressionAccuracy.Of(c);
            double mu = c.StrongConvexity, lipschitz = HessianLipschitz(c);
            // Inside ‖g‖ ≤ η₁ = min(½, 3(1 − 2c)μ²/2M) (half of Boyd and Vandenberghe's 9.5.3 radius, for the inexact direction)
            // backtracking takes t = 1 and ‖g⁺‖ ≤ ‖Hp + g‖ + (M/2)‖p‖² ≤ ‖g‖² + ν + (M/2)‖p‖², with ‖p‖ ≤ (‖g‖ + ‖g‖² + ν)/μ.
            double radius = Math.Min(0.5, 3 * (1 - 2 * NewtonLineSearch.SufficientDecrease) * mu * mu / (2 * lipschitz));
            var w = c.W0;
            var norms = new List<double>();
            bool inside = false;
            for (int k = 0; k < MaxNewtonIterations; k++)
            {
                var wd = Fp<T>.ToDouble(w);
                var g = RegressionAccuracy.ExactGradient(p, wd);
                double gn = RegressionAccuracy.Norm(g);
                norms.Add(gn);
                if (gn <= RegressionAccuracy.GradientTarget<T>(p, wd, c.Smoothness)) break;
                var next = new T[c.Parameters];
                double t = Fp<T>.ToDouble(impl.As<ISoftmaxRegressionOptimizer<T>>().NewtonStep(c.Problem, w, next));
                if (gn <= radius)
                {
                    if (!inside) { inside = true; Interlocked.Increment(ref gated); }
                    var nd = Fp<T>.ToDouble(next);
                    var step = nd.Select((x, e) => x - wd[e]).ToArray();
                    double nu = ResidualSlack(c, p, wd, g, nd, step);
                    double pn = RegressionAccuracy.Norm(step);
                    double gNext = RegressionAccuracy.Norm(RegressionAccuracy.ExactGradient(p, nd));
                    double bound = gn * gn + nu + lipschitz / 2 * pn * pn + c.Smoothness * U * RegressionAccuracy.Norm(nd)
                                 + RegressionAccuracy.Norm(RegressionAccuracy.Gradient<double>(p, nd));
                    // Armijo at t = 1 has a margin of at least (½ − c)gᵀH⁻¹g ≥ (½ − c)‖g‖²/L̄ (spec/accuracy.md, "Softmax
                    // regression"); where that is below the rounding of the two loss evaluations it compares, a line
                    // search in floating point cannot see the decrease, and t < 1 there is rounding, not a slow phase.
                    double margin = (0.5 - NewtonLineSearch.SufficientDecrease) * gn * gn / c.Smoothness;
                    bool resolvable = margin > 2 * RegressionAccuracy.Loss<T>(p, wd);
                    if (!resolvable && t != 1) { w = next; continue; }   // a rounding-decided step: no rate to check on it
                    var v = Verdict.That(t == 1, $"Newton step {k} at ‖∇L‖ = {Show.Number(gn)} ≤ η₁ = {Show.Number(radius)} took t = {Show.Number(t)}, not 1 (the full step's Armijo margin {Show.Number(margin)} exceeds twice the loss's rounding bound)")
                          & Verdict.AtMost($"Newton step {k}: ‖p‖ vs (‖g‖ + ‖g‖² + ν)/μ", pn, (gn + gn * gn + nu) / mu * (1 + 1e-12))
                          & Verdict.AtMost($"Newton step {k}: ‖∇L(W⁺)‖ vs ‖∇L‖² + ν + (M/2)‖p‖² (‖∇L‖ = {Show.Number(gn)}, M = {Show.Number(lipschitz)})", gNext, bound);
                    if (!v.Holds) return v;
                }
                w = next;
            }
            for (int k = norms.Count - 1; k >= 2; k--)
                if (norms[k] > 0 && norms[k - 1] <= radius && norms[k - 1] < norms[k - 2])
                {
                    orders.Add(Math.Log(norms[k] / norms[k - 1]) / Math.Log(norms[k - 1] / norms[k - 2]));
                    break;
                }
            return Verdict.That(true, $"{norms.Count(g => g <= radius)} steps inside η₁ = {Show.Number(radius)}");
        });
        Output.WriteLine($"{gated} of {cases} cases reached the quadratic region; estimated orders there: {string.Join(", ", orders.Order().Select(o => o.ToString("F2")))}");
        if (typeof(T) == typeof(double) && gated == 0)
            throw new SpecViolationException(["OPT-NEWTON-QUADRATIC"], implementation, $"none of {cases} cases reached ‖∇L‖ ≤ η₁: the clause was never exercised.");
    }

    // ---- the two methods together ----

    [ForEachImplementation, Spec("OPT-SAME-MINIMISER"), Requires(typeof(ISoftmaxRegression<>), typeof(ISoftmaxRegressionOptimizer<>))]
    public void Gradient_descent_and_Newton_reach_the_same_minimiser(string implementation)
    {
        var counts = new System.Collections.Concurrent.ConcurrentBag<(string Tag, int Iterations)>();
        Check(implementation, OptimizationCases<T>.WellConditioned, (impl, c) =>
        {
            var newton = RunNewton(impl, c, MaxNewtonIterations);
            var (wGd, iterations) = RunGradientDescent(impl, c, MaxGradientIterations, newton.Target);
            counts.Add(($"L̄/μ ~ 1e{Math.Round(Math.Log10(c.ProblemConditioning))}", iterations));
            return Verdict.That(newton.Converged, $"Newton: ‖∇L‖ = {Show.Number(newton.GradientNorm)} after {newton.Iterations} steps, target {Show.Number(newton.Target)}")
                 & SameMinimiser(impl, c, wGd, newton.Final, $"GD ({iterations} steps) vs Newton ({newton.Iterations} steps)");
        });
        ReportIterations("gradient descent", counts);
    }

    [ForEachImplementation, Spec("OPT-SEQ-TRAINING", "SEQ-GRAD", "SEQ-TEACHER-FORCING"),
     Requires(typeof(ISoftmaxRegression<>), typeof(ISoftmaxRegressionOptimizer<>), typeof(ISequenceLoss<>))]
    public void Teacher_forced_bigram_training_by_both_methods(string implementation) =>
        Expect(implementation, $"corpus of {OptimizationCorpus.Tokens.Length} characters, V = {OptimizationCorpus.Vocabulary.Length}", impl =>
        {
            var c = OptimizationCorpus.AsRegression<T>(0.01);
            var p = RegressionAccuracy.Of(c);
            int v = c.D;
            var tokens = OptimizationCorpus.Tokens;
            var zeroBias = new T[v];
            var verdict = Verdict.Pass;
            // gradient descent: at every step the regression's gradient is the sequence loss's (ŷₜ − yₜ)/T + λW, and L falls
            var w = c.W0;
            double previous = double.PositiveInfinity;
            T eta = StepSize(c);
            for (int k = 0; k < 25 && verdict.Holds; k++)
            {
                var wd = Fp<T>.ToDouble(w);
                var (loss, g) = LossAndGradient(impl, c, w);
                var gw = new T[v * v];
                var gb = new T[v];
                double seqLoss = Fp<T>.ToDouble(impl.As<ISequenceLoss<T>>().LossAndGradients(tokens, v, w, zeroBias, c.Lambda, gw, gb));
                var (ew, _) = SequenceAccuracy.ExactGradients(tokens, v, wd, new double[v], c.LambdaD);
                var (sb, _) = SequenceAccuracy.Gradients<T>(tokens, v, wd, new double[v], c.LambdaD);
                var (sb64, _) = SequenceAccuracy.Gradients<double>(tokens, v, wd, new double[v], c.LambdaD);
                var rb = RegressionAccuracy.Gradient<T>(p, wd);
                double lb = LossBound(p, wd) + SequenceAccuracy.Loss<T>(tokens, v, wd, new double[v], c.LambdaD);
                verdict &= Verdict.AllWithin($"step {k}: regression ∇L vs (1/T)Σₜ e_{{x_{{t−1}}}}(ŷₜ − yₜ)ᵀ + λW", g, ew, Add(rb, sb64))
                         & Verdict.AllWithin($"step {k}: regression ∇L vs the sequence loss's ∂L/∂W", g, Fp<T>.ToDouble(gw), Add(rb, sb))
                         & Verdict.Within($"step {k}: regression L vs the teacher-forced sequence L", loss, seqLoss, lb)
                         & Verdict.AtMost($"step {k}: L", loss, previous + lb);
                previous = loss;
                var next = new T[v * v];
                impl.As<ISoftmaxRegressionOptimizer<T>>().GradientDescentStep(c.Problem, w, eta, next);
                w = next;
            }
            if (!verdict.Holds) return verdict;
            var newton = RunNewton(impl, c, MaxNewtonIterations);
            var (wGd, iterations) = RunGradientDescent(impl, c, MaxGradientIterations, newton.Target);
            var trained = Fp<T>.ToDouble(newton.Final);
            // teacher forcing: the trained model's loss reads only gold contexts; contexts from its own greedy samples give another number
            double teacherForced = RegressionAccuracy.ExactLoss(p, trained);
            double freeRunning = FreeRunning(tokens, v, trained, c.LambdaD);
            double start = RegressionAccuracy.ExactLoss(p, c.W0D);
            Output.WriteLine($"bigram training: L(0) = {start:G6}, L* = {teacherForced:G6} (Newton {newton.Iterations} steps, GD {iterations} steps), free-running loss {freeRunning:G6}");
            return Verdict.That(newton.Converged, $"Newton ‖∇L‖ = {Show.Number(newton.GradientNorm)} after {newton.Iterations} steps")
                 & Verdict.AtMost("L(W*) vs L(0)", teacherForced, start - (start - teacherForced) / 2 - LossBound(p, trained))
                 & SameMinimiser(impl, c, wGd, newton.Final, $"bigram: GD ({iterations} steps) vs Newton ({newton.Iterations} steps)")
                 & Verdict.That(Math.Abs(freeRunning - teacherForced) > LossBound(p, trained),
                       $"the loss on the model's own greedy contexts ({Show.Number(freeRunning)}) differs from the teacher-forced L* = {Show.Number(teacherForced)}");
        });

    // ---- helpers ----

    private const int MaxNewtonIterations = 100;
    private const int MaxGradientIterations = 6000;

    private static (double Loss, double[] Gradient) LossAndGradient(ImplementationUnderTest impl, RegressionCase<T> c, T[] w)
    {
        var g = new T[c.Parameters];
        double loss = Fp<T>.ToDouble(impl.As<ISoftmaxRegression<T>>().LossAndGradient(c.Problem, w, g));
        return (loss, Fp<T>.ToDouble(g));
    }

    private static double[] Hessian(ImplementationUnderTest impl, RegressionCase<T> c, T[] w)
    {
        var h = new T[c.Parameters * c.Parameters];
        impl.As<ISoftmaxRegression<T>>().Hessian(c.Problem, w, h);
        return Fp<T>.ToDouble(h);
    }

    /// <summary>The implementation's bound plus float64's (the exact values are computed in float64).</summary>
    private static double LossBound(RegressionAccuracy.Data p, double[] w) => RegressionAccuracy.Loss<T>(p, w) + RegressionAccuracy.Loss<double>(p, w);
    private static double[] GradientBound(RegressionAccuracy.Data p, double[] w) => Add(RegressionAccuracy.Gradient<T>(p, w), RegressionAccuracy.Gradient<double>(p, w));
    private static double[] HessianBound(RegressionAccuracy.Data p, double[] w) => Add(RegressionAccuracy.Hessian<T>(p, w), RegressionAccuracy.Hessian<double>(p, w));

    /// <summary>η = 1/L̄ rounded down into T (so η ≤ 1/L̄).</summary>
    private static T StepSize(RegressionCase<T> c)
    {
        T eta = Fp<T>.From(1 / c.Smoothness);
        while (Fp<T>.ToDouble(eta) > 1 / c.Smoothness) eta = T.BitDecrement(eta);
        return eta;
    }

    /// <summary>
    /// f(W⁺) ≤ f(W) − (η/2)‖∇f‖² + (1 − L̄η)‖∇f‖‖e‖ + (L̄/2)‖e‖² for a step W⁺ = W − η∇f + e with ‖e‖ ≤ the step's bound, plus
    /// the float64 evaluations of f at both points. Spec: <c>OPT-GD-DESCENT</c>.
    /// </summary>
    private static Verdict Descent(ImplementationUnderTest impl, RegressionCase<T> c, int steps)
    {
        var p = RegressionAccuracy.Of(c);
        T eta = StepSize(c);
        double etaD = Fp<T>.ToDouble(eta), lbar = c.Smoothness;
        var w = c.W0;
        for (int k = 0; k < steps; k++)
        {
            var next = new T[c.Parameters];
            impl.As<ISoftmaxRegressionOptimizer<T>>().GradientDescentStep(c.Problem, w, eta, next);
            var wd = Fp<T>.ToDouble(w);
            var nd = Fp<T>.ToDouble(next);
            double g2 = RegressionAccuracy.SquaredNorm(RegressionAccuracy.ExactGradient(p, wd));
            double e = RegressionAccuracy.Norm(Add(RegressionAccuracy.GradientStep<T>(p, wd, etaD), RegressionAccuracy.GradientStep<double>(p, wd, etaD)));
            double before = RegressionAccuracy.ExactLoss(p, wd), after = RegressionAccuracy.ExactLoss(p, nd);
            double slack = (1 - lbar * etaD) * Math.Sqrt(g2) * e + lbar / 2 * e * e
                         + RegressionAccuracy.Loss<double>(p, wd) + RegressionAccuracy.Loss<double>(p, nd) + Accuracy.Gamma(3, Fp<double>.U) * (Math.Abs(before) + etaD * g2);
            var v = Verdict.AtMost($"step {k}: L(W⁺) − L(W) vs −(η/2)‖∇L‖² (η = {Show.Number(etaD)}, L̄ = {Show.Number(lbar)})", after - before, -etaD / 2 * g2 + slack);
            if (!v.Holds) return v;
            w = next;
        }
        return Verdict.Pass;
    }

    /// <summary>
    /// L(W⁺) − L* ≤ (1 − ημ)(L(W) − L*) + (1 − L̄η)‖∇L‖‖e‖ + (L̄/2)‖e‖², from the descent inequality and ‖∇L‖² ≥ 2μ(L − L*);
    /// L* by the float64 reference's Newton (its error ≤ (‖ĝ*‖ + ‖B_G‖)²/2μ plus an evaluation). Spec: <c>OPT-GD-RATE</c>.
    /// </summary>
    private static Verdict Rate(ImplementationUnderTest impl, RegressionCase<T> c, int steps)
    {
        var p = RegressionAccuracy.Of(c);
        var (optimum, optimumError) = Optimum(c);
        T eta = StepSize(c);
        double etaD = Fp<T>.ToDouble(eta), lbar = c.Smoothness, mu = c.StrongConvexity;
        double contraction = 1 - etaD * mu;
        var w = c.W0;
        for (int k = 0; k < steps; k++)
        {
            var next = new T[c.Parameters];
            impl.As<ISoftmaxRegressionOptimizer<T>>().GradientDescentStep(c.Problem, w, eta, next);
            var wd = Fp<T>.ToDouble(w);
            var nd = Fp<T>.ToDouble(next);
            double gn = RegressionAccuracy.Norm(RegressionAccuracy.ExactGradient(p, wd));
            double e = RegressionAccuracy.Norm(Add(RegressionAccuracy.GradientStep<T>(p, wd, etaD), RegressionAccuracy.GradientStep<double>(p, wd, etaD)));
            double gap = RegressionAccuracy.ExactLoss(p, wd) - optimum, gapNext = RegressionAccuracy.ExactLoss(p, nd) - optimum;
            double slack = (1 - lbar * etaD) * gn * e + lbar / 2 * e * e + RegressionAccuracy.Loss<double>(p, wd) + RegressionAccuracy.Loss<double>(p, nd)
                         + 2 * optimumError + Accuracy.Gamma(4, Fp<double>.U) * (Math.Abs(optimum) + Math.Abs(gap));
            var v = Verdict.AtMost($"step {k}: L(W⁺) − L* vs (1 − ημ)(L(W) − L*) = {Show.Number(contraction)} × {Show.Number(gap)}", gapNext, contraction * gap + slack);
            if (!v.Holds) return v;
            w = next;
        }
        return Verdict.Pass;
    }

    /// <summary>L* = L(W*) of the float64 reference's Newton, and a bound on |L̂(Ŵ*) − L*|.</summary>
    private static (double Optimum, double Error) Optimum(RegressionCase<T> c)
    {
        var p = c.ProblemD;
        var w = (double[])c.W0D.Clone();
        var next = new double[w.Length];
        var g = new double[w.Length];
        for (int k = 0; k < 200; k++)
        {
            Ref.LossAndGradient(p, w, g);
            if (RegressionAccuracy.Norm(g) <= 1e-14 * (1 + c.Smoothness * RegressionAccuracy.Norm(w))) break;
            if (Ref.NewtonStep(p, w, next) == 0) break;
            (w, next) = (next, w);
        }
        var data = RegressionAccuracy.Of(c);
        double loss = Ref.LossAndGradient(p, w, g);
        double gradient = RegressionAccuracy.Norm(g) + RegressionAccuracy.Norm(RegressionAccuracy.Gradient<double>(data, w));
        return (loss, gradient * gradient / (2 * c.StrongConvexity) + RegressionAccuracy.Loss<double>(data, w));
    }

    private sealed record NewtonRun(T[] Final, int Iterations, bool Converged, double GradientNorm, double Target,
                                    List<double> GradientNorms, List<double> Steps, Verdict Monotone);

    /// <summary>Newton steps until the exact ‖∇L‖ ≤ <see cref="RegressionAccuracy.GradientTarget{T}"/> (at most maxIterations); the loss must not rise.</summary>
    private static NewtonRun RunNewton(ImplementationUnderTest impl, RegressionCase<T> c, int maxIterations)
    {
        var p = RegressionAccuracy.Of(c);
        var w = c.W0;
        var norms = new List<double>();
        var steps = new List<double>();
        var monotone = Verdict.Pass;
        for (int k = 0; ; k++)
        {
            var wd = Fp<T>.ToDouble(w);
            double gn = RegressionAccuracy.Norm(RegressionAccuracy.ExactGradient(p, wd));
            double target = RegressionAccuracy.GradientTarget<T>(p, wd, c.Smoothness);
            norms.Add(gn);
            bool converged = gn <= target || AtTheRoundingFloor(p, wd, gn, c.Smoothness);
            if (converged || k == maxIterations) return new(w, k, converged, gn, target, norms, steps, monotone);
            var next = new T[c.Parameters];
            steps.Add(Fp<T>.ToDouble(impl.As<ISoftmaxRegressionOptimizer<T>>().NewtonStep(c.Problem, w, next)));
            var nd = Fp<T>.ToDouble(next);
            double before = RegressionAccuracy.ExactLoss(p, wd), after = RegressionAccuracy.ExactLoss(p, nd);
            if (monotone.Holds)
                monotone = Verdict.AtMost($"Newton step {k}: L(W⁺) vs L(W)", after, before + LossBound(p, wd) + LossBound(p, nd) + NewtonLineSearch.RoundingAllowanceUlps * U * Math.Abs(before));
            w = next;
        }
    }

    /// <summary>
    /// True where no floating-point Armijo search can resolve a full Newton step: its margin (½ − c)·gᵀH⁻¹g (H exact,
    /// solved by Cholesky) is at most twice the rounding bound of the loss in T that Armijo compares (spec/optimization.md,
    /// <c>OPT-NEWTON-QUADRATIC</c>, "Accuracy"). Checked only close to the target, where it can matter.
    /// </summary>
    private static bool AtTheRoundingFloor(RegressionAccuracy.Data p, double[] wd, double gn, double smoothness)
    {
        double rounding = 2 * RegressionAccuracy.Loss<T>(p, wd);
        if ((0.5 - NewtonLineSearch.SufficientDecrease) * gn * gn / smoothness > rounding) return false;   // gᵀH⁻¹g ≥ ‖g‖²/L̄: resolvable
        var g = RegressionAccuracy.ExactGradient(p, wd);
        int m = g.Length;
        var h = Matrix<double>.Build.DenseOfRowMajor(m, m, RegressionAccuracy.ExactHessian(p, wd));
        var gv = MathNet.Numerics.LinearAlgebra.Vector<double>.Build.DenseOfArray(g);
        double decrement = gv.DotProduct(h.Cholesky().Solve(gv));
        return (0.5 - NewtonLineSearch.SufficientDecrease) * decrement <= rounding;
    }

    /// <summary>η = 1/L̄ steps until the implementation's own ‖∇L‖ ≤ target (at most maxIterations).</summary>
    private static (T[] Final, int Iterations) RunGradientDescent(ImplementationUnderTest impl, RegressionCase<T> c, int maxIterations, double target)
    {
        T eta = StepSize(c);
        var w = c.W0;
        var g = new T[c.Parameters];
        var opt = impl.As<ISoftmaxRegressionOptimizer<T>>();
        var reg = impl.As<ISoftmaxRegression<T>>();
        for (int k = 0; k < maxIterations; k++)
        {
            reg.LossAndGradient(c.Problem, w, g);
            if (RegressionAccuracy.Norm(Fp<T>.ToDouble(g)) <= target) return (w, k);
            var next = new T[c.Parameters];
            opt.GradientDescentStep(c.Problem, w, eta, next);
            w = next;
        }
        return (w, maxIterations);
    }

    /// <summary>
    /// ‖W_a − W_b‖ ≤ (‖ĝ_a‖ + ‖B_G(W_a)‖ + ‖ĝ_b‖ + ‖B_G(W_b)‖)/μ: strong convexity puts each within ‖∇L‖/μ of W*, and the
    /// implementation's own gradients (within their bounds) say how far. Spec: <c>OPT-SAME-MINIMISER</c>.
    /// </summary>
    private static Verdict SameMinimiser(ImplementationUnderTest impl, RegressionCase<T> c, T[] a, T[] b, string what)
    {
        var p = RegressionAccuracy.Of(c);
        var (_, ga) = LossAndGradient(impl, c, a);
        var (_, gb) = LossAndGradient(impl, c, b);
        var ad = Fp<T>.ToDouble(a);
        var bd = Fp<T>.ToDouble(b);
        double radius = (RegressionAccuracy.Norm(ga) + RegressionAccuracy.Norm(RegressionAccuracy.Gradient<T>(p, ad))
                       + RegressionAccuracy.Norm(gb) + RegressionAccuracy.Norm(RegressionAccuracy.Gradient<T>(p, bd))) / c.StrongConvexity;
        double distance = RegressionAccuracy.Norm(ad.Select((x, e) => x - bd[e]).ToArray());
        return Verdict.AtMost($"{what}: ‖W_GD − W_Newton‖ vs (‖ĝ_GD‖ + ‖ĝ_Newton‖ + bounds)/μ", distance, radius * (1 + 4 * Fp<double>.U));
    }

    /// <summary>
    /// One Newton step's checks. t ∈ {1, ½, ¼, …} ∪ {0}; Armijo L(W⁺) ≤ L(W) + c⟨∇L, W⁺ − W⟩ within the evaluations' bounds;
    /// for t = 1 the direction solves the Newton system: ‖H p + g‖ ≤ min(½, ‖g‖)(‖g‖ + ‖B_G‖) + ‖B_{Hp}‖ + ‖B_G‖ + the
    /// solver's backward error γ_{3m+1}·m·L̄‖p‖ + L̄·u‖W⁺‖ (rounding W + p into T). Spec: <c>OPT-NEWTON-STEP</c>.
    /// </summary>
    private static Verdict StepChecks(RegressionCase<T> c, RegressionAccuracy.Data p, double[] w, double[] g, double[] next, double t, int k)
    {
        int m = c.Parameters;
        bool power = t == 0 || (t <= 1 && t > 0 && double.IsPow2(t));
        if (!power) return Verdict.That(false, $"Newton step {k}: t = {Show.Number(t)} is not 1, ½, ¼, … nor 0");
        var step = next.Select((x, e) => x - w[e]).ToArray();
        double before = RegressionAccuracy.ExactLoss(p, w), after = RegressionAccuracy.ExactLoss(p, next);
        double slope = RegressionAccuracy.Dot(g, step);
        var gBound = RegressionAccuracy.Gradient<T>(p, w);
        double roundingOfStep = 0;
        for (int e = 0; e < m; e++) roundingOfStep += (gBound[e] + Math.Abs(g[e])) * (Math.Abs(step[e]) * Fp<T>.U + Fp<T>.U * Math.Abs(next[e]));
        double armijoSlack = LossBound(p, w) + LossBound(p, next) + NewtonLineSearch.SufficientDecrease * (roundingOfStep + RegressionAccuracy.DotError(g, step))
                           + Accuracy.Gamma(3, Fp<double>.U) * Math.Abs(before) + NewtonLineSearch.RoundingAllowanceUlps * U * Math.Abs(before);
        var verdict = Verdict.AtMost($"Newton step {k} (t = {Show.Number(t)}): L(W⁺) − L(W) vs c⟨∇L, W⁺ − W⟩", after - before,
                                     NewtonLineSearch.SufficientDecrease * slope + armijoSlack);
        if (!verdict.Holds || t != 1) return verdict;
        var h = RegressionAccuracy.ExactHessian(p, w);
        var hp = RegressionAccuracy.MatrixVector(h, step);
        var residual = hp.Select((x, e) => x + g[e]).ToArray();
        double gn = RegressionAccuracy.Norm(g);
        double bound = Math.Min(0.5, gn) * gn + ResidualSlack(c, p, w, g, next, step);
        return Verdict.AtMost($"Newton step {k}: ‖H p + ∇L‖ vs min(½, ‖∇L‖)‖∇L‖ (‖∇L‖ = {Show.Number(gn)})", RegressionAccuracy.Norm(residual), bound);
    }

    /// <summary>
    /// ν, what rounding adds to ‖Hp + g‖ beyond the forcing term: min(½, ‖g‖)‖B_G‖ + ‖B_{Hp}‖ + ‖B_G‖ + the solver's backward error
    /// γ_{3m+1}·m·L̄‖p‖ (Cholesky, Higham Thm 10.4) + L̄·u‖W⁺‖ (rounding W + p into T) + the float64 products of the check.
    /// </summary>
    private static double ResidualSlack(RegressionCase<T> c, RegressionAccuracy.Data p, double[] w, double[] g, double[] next, double[] step)
    {
        int m = c.Parameters;
        double gn = RegressionAccuracy.Norm(g), gb = RegressionAccuracy.Norm(RegressionAccuracy.Gradient<T>(p, w));
        var absStep = step.Select(Math.Abs).ToArray();
        double hpBound = RegressionAccuracy.Norm(RegressionAccuracy.HessianVectorProduct<T>(p, w, step))
                       + RegressionAccuracy.Norm(RegressionAccuracy.MatrixVector(RegressionAccuracy.Hessian<double>(p, w), absStep));
        double solver = Accuracy.Gamma(3 * m + 1, U) * m * c.Smoothness * RegressionAccuracy.Norm(step);
        var absH = RegressionAccuracy.ExactHessian(p, w).Select(Math.Abs).ToArray();
        return Math.Min(0.5, gn) * gb + hpBound + gb + solver + c.Smoothness * U * RegressionAccuracy.Norm(next)
             + Accuracy.Gamma(m + 2, Fp<double>.U) * (RegressionAccuracy.Norm(RegressionAccuracy.MatrixVector(absH, absStep)) + gn);
    }

    /// <summary>
    /// M ≥ sup ‖∇³L[v, v, v]‖ over unit v, the Lipschitz constant of the Hessian: (1/N_c)Σₙ R(Vᵀxₙ)³/(6√3) with the range
    /// R(a) ≤ √2‖a‖₂ ≤ √2‖xₙ‖ (<c>ACC-FD</c>'s third-derivative bound of the cross-entropy from logits).
    /// </summary>
    private static double HessianLipschitz(RegressionCase<T> c)
    {
        var p = RegressionAccuracy.Of(c);
        double sum = 0;
        for (int n = 0; n < c.Samples; n++)
        {
            if (!p.IsCounted(n)) continue;
            double r = Math.Sqrt(2) * RegressionAccuracy.Norm(c.XD.AsSpan(n * c.D, c.D));
            sum += r * r * r / (6 * Math.Sqrt(3));
        }
        return sum / Math.Max(1, p.Counted) * (1 + 1e-12) + 1e-300;
    }

    /// <summary>K = 2, d = 1, N = 1, x = 1, y = (1, 0), λ = 2⁻⁷, W₀ = (−a, a) with a = 2.0507354736328125 (exact in float): the exact Newton step lowers L by 0.49·c|⟨g, p⟩|.</summary>
    private static RegressionCase<T> FirstHalvingCase() =>
        new(Fp<T>.From([1.0]), Fp<T>.From([1.0, 0]), 1, 2, Fp<T>.From(Math.ScaleB(1.0, -7)), Fp<T>.From([-2.0507354736328125, 2.0507354736328125]), 1, 1,
            "full Newton step with too small a decrease");

    /// <summary>K = 2, d = 1, N = 1, x = 1, y = (0.7, 0.3), W₀ = 0, λ = 2⁻²⁰: ∇L(0) = (−0.2, 0.2) is the top eigenvector of H(0), eigenvalue ½ + λ = L̄.</summary>
    private static RegressionCase<T> CurvatureAtL() =>
        new(Fp<T>.From([1.0]), Fp<T>.From([0.7, 0.3]), 1, 2, Fp<T>.From(Math.ScaleB(1.0, -20)), new T[2], 1, 1, "curvature along −∇L equals L̄");

    /// <summary>d = 2, K = 3, N = 2, X = 0.1·I, hard labels, λ = 1, W₀ = 3 in every entry: the gap lies almost all along directions of curvature ≈ λ.</summary>
    private static RegressionCase<T> AlongLambda() =>
        new(Fp<T>.From([0.1, 0, 0, 0.1]), Fp<T>.From([1.0, 0, 0, 0, 1, 0]), 2, 3, T.One, Fp<T>.From(Enumerable.Repeat(3.0, 6)), 0.1 * (1 + 1e-15), 1,
            "gap along curvature λ");

    /// <summary>A deterministic dyadic direction (entries k/8) from a seed.</summary>
    private static double[] Direction(int m, int seed) => FiniteDifference.Direction(new Random(m * 7919 + seed), m);

    /// <summary>⟨u, ∇L(W + h v)⟩ in float64 (h ≠ 0), or for h = 0 the bound of that evaluation at W: Σ|uₑ|B_G,e.</summary>
    private static double Directional(RegressionAccuracy.Data p, double[] u, double[] w, double[] v, double h)
    {
        if (h == 0)
        {
            var b = RegressionAccuracy.Gradient<double>(p, w);
            var g0 = RegressionAccuracy.ExactGradient(p, w);
            return RegressionAccuracy.Dot(u.Select(Math.Abs).ToArray(), b) + RegressionAccuracy.DotError(u, g0);
        }
        return RegressionAccuracy.Dot(u, RegressionAccuracy.ExactGradient(p, Shift(w, v, h)));
    }

    private static double[] Shift(double[] w, double[] v, double h) => w.Select((x, e) => x + h * v[e]).ToArray();

    /// <summary>(1/T)Σₜ −ln softmax(W[gₜ₋₁, :])[xₜ] + λ½‖W‖² with contexts gₜ₋₁ from the model's own greedy samples (g₀ = x₀).</summary>
    private static double FreeRunning(int[] tokens, int v, double[] w, double lambda)
    {
        int context = tokens[0];
        double sum = 0;
        for (int t = 1; t < tokens.Length; t++)
        {
            var row = w.AsSpan(context * v, v);
            sum -= SoftmaxAccuracy.ExactLogSoftmax(row)[tokens[t]];
            int best = 0;
            for (int j = 1; j < v; j++) if (row[j] > row[best]) best = j;
            context = best;
        }
        return sum / (tokens.Length - 1) + lambda / 2 * RegressionAccuracy.SquaredNorm(w);
    }

    private void ReportIterations(string method, IEnumerable<(string Tag, int Iterations)> counts)
    {
        foreach (var g in counts.GroupBy(x => x.Tag).OrderBy(g => g.Key))
            Output.WriteLine($"{method} iterations to the gradient target, {g.Key}: median {g.Select(x => x.Iterations).Order().ElementAt(g.Count() / 2)}, max {g.Max(x => x.Iterations)} ({g.Count()} cases)");
    }

    private static double Flush(double v) => double.IsSubnormal(v) ? 0 : v;

    private static double[] Add(double[] a, double[] b) => a.Zip(b, (x, y) => x + y).ToArray();
}
