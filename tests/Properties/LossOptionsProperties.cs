using System.Numerics;
using LossConformance.Kit;
using Xunit.Abstractions;

namespace LossConformance.Properties;

/// <summary>
/// Laws of spec/loss-options.md (label smoothing, z-loss, soft-capping, class weights, the reductions and how they
/// compose) on generated batches, for every implementation of <see cref="IBatchedSoftmaxCrossEntropyWithOptions{T}"/>.
/// Expected values are float64 (<see cref="LossOptionsAccuracy"/>); tolerances are the <c>ACC-LOSSOPT</c> bounds of
/// the implementation in T plus those of the float64 evaluation, or, for a law between two calls of the
/// implementation, the bounds of both calls.
/// </summary>
public abstract class LossOptionsProperties<T>(ITestOutputHelper output, params object[] implementations)
    : Suite<T>(output, implementations) where T : unmanaged, IFloatingPointIeee754<T>
{
    // ---- LOSSOPT-COMPOSE, LOSSOPT-NONE ----

    [ForEachImplementation, Spec("LOSSOPT-COMPOSE", "LOSSOPT-NONE", "ACC-LOSSOPT"), Requires(typeof(IBatchedSoftmaxCrossEntropyWithOptions<>))]
    public void Per_token_losses_and_gradients_follow_the_composed_formula(string implementation) =>
        Check(implementation, LossOptionsCases<T>.Cases, (impl, c) =>
        {
            var (losses, g) = PerToken(impl, c, c.Values, c.Upstream);
            var (el, eg) = LossOptionsAccuracy.ExactPerToken(c.LogitsD, c.Classes, c.Targets, c.Values, c.UpstreamD);
            var (bl, bg) = PerTokenBound(c, c.Values, c.UpstreamD);
            return Verdict.AllWithin("per-token losses ℓᵣ = CEᵣ + λ_z·lse(z'ᵣ)² (0 where ignored)", losses, el, bl)
                 & Verdict.AllWithin("per-token gradient uᵣ·∂ℓᵣ/∂zᵣ (0 where ignored)", g, eg, bg);
        });

    [ForEachImplementation, Spec("LOSSOPT-COMPOSE", "LOSSOPT-WEIGHTED-MEAN", "LOSSOPT-ZLOSS", "ACC-LOSSOPT"), Requires(typeof(IBatchedSoftmaxCrossEntropyWithOptions<>))]
    public void Reduced_loss_and_gradient_follow_the_composed_formula(string implementation) =>
        Check(implementation, LossOptionsCases<T>.Cases, (impl, c) =>
            Verdict.All(Reductions.Select(reduction =>
            {
                var (loss, zLoss, g) = Reduced(impl, c, c.Values, reduction);
                var (el, ez, eg) = LossOptionsAccuracy.Exact(c.LogitsD, c.Classes, c.Targets, c.Values, reduction);
                var (bl, bz, bg) = ReducedBound(c, c.Values, reduction);
                return Verdict.Within($"{reduction} loss", loss, el, bl)
                     & Verdict.Within($"{reduction} z-loss part", zLoss, ez, bz).For("LOSSOPT-ZLOSS")
                     & Verdict.AllWithin($"{reduction} gradient", g, eg, bg);
            })));

    [ForEachImplementation, Spec("LOSSOPT-NONE"), Requires(typeof(IBatchedSoftmaxCrossEntropyWithOptions<>))]
    public void Per_token_gradient_is_the_upstream_times_the_token_gradient(string implementation) =>
        Check(implementation, LossOptionsCases<T>.Counted, (impl, c) =>
        {
            var ones = Ones(c.Rows);
            var (losses, g) = PerToken(impl, c, c.Values, c.Upstream);
            var (losses1, g1) = PerToken(impl, c, c.Values, Fp<T>.From(ones));
            var (bl, bg) = PerTokenBound(c, c.Values, c.UpstreamD);
            var (bl1, bg1) = PerTokenBound(c, c.Values, ones);
            var expected = new double[g.Length];
            var slack = new double[g.Length];
            for (int k = 0; k < g.Length; k++)
            {
                double ur = c.UpstreamD[k / c.Classes];
                expected[k] = ur * g1[k];
                slack[k] = bg[k] + Math.Abs(ur) * bg1[k] + Fp<double>.U * Math.Abs(expected[k]);
            }
            return Verdict.AllWithin("losses do not depend on the upstream", losses, losses1, Add(bl, bl1))
                 & Verdict.AllWithin("gradient with upstream u vs uᵣ × gradient with upstream 1", g, expected, slack);
        });

    // ---- LOSSOPT-SMOOTH ----

    [ForEachImplementation, Spec("LOSSOPT-SMOOTH"), Requires(typeof(IBatchedSoftmaxCrossEntropyWithOptions<>))]
    public void Smoothing_is_the_target_one_minus_eps_times_the_label_plus_eps_over_V(string implementation) =>
        Check(implementation, LossOptionsCases<T>.Counted, (impl, c) =>
        {
            var values = c.Values with { Lambda = 0, Cap = double.PositiveInfinity, Weights = null };
            double eps = values.Eps;
            var ones = Ones(c.Rows);
            var (losses, g) = PerToken(impl, c, values, Fp<T>.From(ones));
            var (bl, bg) = PerTokenBound(c, values, ones);
            var el = new double[c.Rows];
            var eg = new double[g.Length];
            for (int r = 0; r < c.Rows; r++)
            {
                if (c.IsIgnored(r)) continue;
                var z = c.LogitsD.AsSpan(r * c.Classes, c.Classes);
                var logP = SoftmaxAccuracy.ExactLogSoftmax(z);
                var yhat = Accuracy.SoftmaxExact(z);
                int t = c.Targets[r];
                el[r] = -(1 - eps) * logP[t] - eps / c.Classes * logP.Sum();   // (1 − ε)ℓ_t + (ε/V)Σ_c ℓ_c
                for (int j = 0; j < c.Classes; j++)
                    eg[r * c.Classes + j] = yhat[j] - ((1 - eps) * (j == t ? 1 : 0) + eps / c.Classes);   // ŷ − y_ε
            }
            return Verdict.AllWithin($"losses vs (1 − ε)ℓ_t + (ε/V)Σ_c ℓ_c (ε = {Show.Number(eps)})", losses, el, bl)
                 & Verdict.AllWithin("gradient rows vs ŷ − ((1 − ε)e_t + ε/V)", g, eg, bg);
        });

    // ---- LOSSOPT-ZLOSS ----

    [ForEachImplementation, Spec("LOSSOPT-ZLOSS"), Requires(typeof(IBatchedSoftmaxCrossEntropyWithOptions<>))]
    public void Z_loss_adds_lambda_lse_squared_with_gradient_two_lambda_lse_softmax(string implementation) =>
        Check(implementation, LossOptionsCases<T>.Counted, (impl, c) =>
        {
            var with = c.Values.Lambda == 0 ? c.Values with { Lambda = Fp<T>.ToDouble(Fp<T>.From(0.01)) } : c.Values;
            var without = with with { Lambda = 0 };
            var (loss, zLoss, g) = Reduced(impl, c, with, c.Reduction);
            var (loss0, zLoss0, g0) = Reduced(impl, c, without, c.Reduction);
            var (bl, bz, bg) = ReducedBound(c, with, c.Reduction);
            var (bl0, _, bg0) = ReducedBound(c, without, c.Reduction);
            var (_, ez, eg) = LossOptionsAccuracy.Exact(c.LogitsD, c.Classes, c.Targets, with, c.Reduction);
            var (_, _, eg0) = LossOptionsAccuracy.Exact(c.LogitsD, c.Classes, c.Targets, without, c.Reduction);
            var (_, bz64, bg64) = LossOptionsAccuracy.Reduced<double>(c.LogitsD, c.Classes, c.Targets, with, c.Reduction);
            var (_, _, bg640) = LossOptionsAccuracy.Reduced<double>(c.LogitsD, c.Classes, c.Targets, without, c.Reduction);
            var difference = g.Zip(g0, (a, b) => a - b).ToArray();
            var expected = eg.Zip(eg0, (a, b) => a - b).ToArray();   // β·2λ_z·lse(z')·ŷ·D per row
            var slack = Add(Add(bg, bg0), Add(bg64, bg640));
            return Verdict.That(zLoss0 == 0, $"ZLoss with λ_z = 0 is {Show.Number(zLoss0)}, must be exactly 0")
                 & Verdict.Within($"ZLoss (λ_z = {Show.Number(with.Lambda)}) vs λ_z·Σ lse(z')² reduced", zLoss, ez, bz + bz64)
                 & Verdict.Within("Loss(λ_z) − Loss(0) vs ZLoss", loss - loss0, zLoss, bl + bl0 + bz + Fp<double>.U * Math.Abs(loss))
                 & Verdict.AllWithin("∂Loss(λ_z)/∂z − ∂Loss(0)/∂z vs 2λ_z·lse(z')·ŷ (reduced, through the cap)", difference, expected, slack);
        });

    // ---- LOSSOPT-SOFTCAP ----

    [ForEachImplementation, Spec("LOSSOPT-SOFTCAP"), Requires(typeof(IBatchedSoftmaxCrossEntropyWithOptions<>))]
    public void Soft_cap_is_c_tanh_z_over_c_with_the_chain_rule_at_the_uncapped_logit(string implementation) =>
        Check(implementation, LossOptionsCases<T>.Counted, (impl, c) =>
        {
            // The capped loss is the uncapped loss of the capped logits; its gradient that one's times 1 − tanh²(z/c).
            var values = c.Values.Capped ? c.Values : c.Values with { Cap = 2 };
            var (loss, _, g) = Reduced(impl, c, values, c.Reduction);
            var capped = new double[c.LogitsD.Length];
            var factor = new double[c.LogitsD.Length];
            for (int k = 0; k < capped.Length; k++)
            {
                double th = Math.Tanh(c.LogitsD[k] / values.Cap);
                capped[k] = values.Cap * th;
                factor[k] = 1 - th * th;
            }
            var uncapped = values with { Cap = double.PositiveInfinity };
            var (el, _, egPrime) = LossOptionsAccuracy.Exact(capped, c.Classes, c.Targets, uncapped, c.Reduction);
            var eg = egPrime.Select((v, k) => v * factor[k]).ToArray();
            var (bl, _, bg) = ReducedBound(c, values, c.Reduction);
            return Verdict.Within($"loss with c = {Show.Number(values.Cap)} vs the plain loss of c·tanh(z/c)", loss, el, bl)
                 & Verdict.AllWithin("gradient vs (∂/∂z' at z' = c·tanh(z/c))·(1 − tanh²(z/c))", g, eg, bg);
        });

    [ForEachImplementation, Spec("LOSSOPT-SOFTCAP"), Requires(typeof(IBatchedSoftmaxCrossEntropyWithOptions<>))]
    public void Soft_cap_tends_to_the_uncapped_loss(string implementation) =>
        Check(implementation, LossOptionsCases<T>.Counted, (impl, c) =>
        {
            double cap = Math.ScaleB(1.0, 26 + Math.ILogB(Math.Max(1, Accuracy.MaxAbs(c.LogitsD))));
            var uncapped = c.Values with { Cap = double.PositiveInfinity };
            var capped = c.Values with { Cap = cap };
            var (loss, _, g) = Reduced(impl, c, capped, c.Reduction);
            var (loss0, _, g0) = Reduced(impl, c, uncapped, c.Reduction);
            var (bl, _, bg) = ReducedBound(c, capped, c.Reduction);
            var (bl0, _, bg0) = ReducedBound(c, uncapped, c.Reduction);
            var (ll, lg) = LossOptionsAccuracy.SoftCapLimit(c.LogitsD, c.Classes, c.Targets, uncapped, cap, c.Reduction);
            return Verdict.Within($"loss with c = {Show.Number(cap)} vs c = +∞", loss, loss0, bl + bl0 + ll)
                 & Verdict.AllWithin($"gradient with c = {Show.Number(cap)} vs c = +∞", g, g0, Add(Add(bg, bg0), lg));
        });

    // ---- LOSSOPT-WEIGHTS, LOSSOPT-WEIGHTED-MEAN, LOSSOPT-ZERO-WEIGHT ----

    [ForEachImplementation, Spec("LOSSOPT-WEIGHTS"), Requires(typeof(IBatchedSoftmaxCrossEntropyWithOptions<>))]
    public void Class_weights_scale_each_token_by_the_weight_of_its_target(string implementation) =>
        Check(implementation, LossOptionsCases<T>.Counted, (impl, c) =>
        {
            // Without smoothing and z-loss, ℓᵣ(w) = w_{tᵣ}·ℓᵣ(1) and its gradient w_{tᵣ}·∂ℓᵣ(1)/∂z.
            var weights = c.Values.Weights ?? Enumerable.Range(0, c.Classes).Select(k => (double)(k % 3)).ToArray();
            var weighted = c.Values with { Eps = 0, Lambda = 0, Weights = weights };
            var plain = weighted with { Weights = null };
            var ones = Ones(c.Rows);
            var (lw, gw) = PerToken(impl, c, weighted, Fp<T>.From(ones));
            var (l1, g1) = PerToken(impl, c, plain, Fp<T>.From(ones));
            var (blw, bgw) = PerTokenBound(c, weighted, ones);
            var (bl1, bg1) = PerTokenBound(c, plain, ones);
            var el = new double[c.Rows];
            var sl = new double[c.Rows];
            var eg = new double[gw.Length];
            var sg = new double[gw.Length];
            for (int r = 0; r < c.Rows; r++)
            {
                if (c.IsIgnored(r)) continue;
                double w = weights[c.Targets[r]];
                el[r] = w * l1[r];
                sl[r] = blw[r] + w * bl1[r] + Fp<double>.U * Math.Abs(el[r]);
                for (int j = 0; j < c.Classes; j++)
                {
                    int k = r * c.Classes + j;
                    eg[k] = w * g1[k];
                    sg[k] = bgw[k] + w * bg1[k] + Fp<double>.U * Math.Abs(eg[k]);
                }
            }
            var allOnes = weighted with { Weights = Ones(c.Classes) };
            var (lo, go) = PerToken(impl, c, allOnes, Fp<T>.From(ones));
            var (blo, bgo) = PerTokenBound(c, allOnes, ones);
            return Verdict.AllWithin("weighted per-token losses vs w_t × unweighted", lw, el, sl)
                 & Verdict.AllWithin("weighted per-token gradient vs w_t × unweighted", gw, eg, sg)
                 & Verdict.AllWithin("weights all ones vs no weights: losses", lo, l1, Add(blo, bl1))
                 & Verdict.AllWithin("weights all ones vs no weights: gradient", go, g1, Add(bgo, bg1));
        });

    [ForEachImplementation, Spec("LOSSOPT-WEIGHTED-MEAN"), Requires(typeof(IBatchedSoftmaxCrossEntropyWithOptions<>))]
    public void Weighted_mean_divides_by_the_total_weight_of_the_counted_targets(string implementation) =>
        Check(implementation, LossOptionsCases<T>.Counted, (impl, c) =>
        {
            var (n, wk) = LossOptionsAccuracy.Denominators(c.Targets, c.Values);
            if (wk == 0) return Verdict.That(true, "W_K = 0: LOSSOPT-ZERO-WEIGHT's case");
            // Mean = (Sum − SumZ)/W_K + SumZ/N; gradient: the Sum's CE part (λ_z = 0) over W_K plus its z-loss part over N.
            var noZ = c.Values with { Lambda = 0 };
            var (mean, _, gm) = Reduced(impl, c, c.Values, LossReduction.Mean);
            var (sum, sumZ, gs) = Reduced(impl, c, c.Values, LossReduction.Sum);
            var (_, _, gs0) = Reduced(impl, c, noZ, LossReduction.Sum);
            var (bm, _, bgm) = ReducedBound(c, c.Values, LossReduction.Mean);
            var (bs, bsz, bgs) = ReducedBound(c, c.Values, LossReduction.Sum);
            var (_, _, bgs0) = ReducedBound(c, noZ, LossReduction.Sum);
            double expected = (sum - sumZ) / wk + sumZ / n;
            var eg = new double[gm.Length];
            var sg = new double[gm.Length];
            for (int k = 0; k < gm.Length; k++)
            {
                eg[k] = gs0[k] / wk + (gs[k] - gs0[k]) / n;
                sg[k] = bgm[k] + bgs0[k] / wk + (bgs[k] + bgs0[k]) / n + 4 * Fp<double>.U * (Math.Abs(gs0[k] / wk) + Math.Abs(gs[k] / n));
            }
            return Verdict.Within($"Mean vs (Sum − Z)/W_K + Z/N (W_K = {Show.Number(wk)}, N = {n})", mean, expected,
                       bm + (bs + bsz) / wk + bsz / n + 4 * Fp<double>.U * Math.Abs(expected))
                 & Verdict.AllWithin("Mean gradient vs Sum's CE part / W_K + z-loss part / N", gm, eg, sg);
        });

    [ForEachImplementation, Spec("LOSSOPT-ZERO-WEIGHT"), Requires(typeof(IBatchedSoftmaxCrossEntropyWithOptions<>))]
    public void Zero_total_weight_and_all_ignored_batches_give_no_NaN(string implementation) =>
        Check(implementation, LossOptionsCases<T>.Degenerate, (impl, c) =>
        {
            var verdicts = new List<Verdict>();
            if (c.Counted == 0)
            {
                foreach (var reduction in Reductions)
                {
                    var (loss, zLoss, g) = Reduced(impl, c, c.Values, reduction);
                    verdicts.Add(Verdict.That(loss == 0 && zLoss == 0, $"{reduction}: every row ignored, Loss = {Show.Number(loss)}, ZLoss = {Show.Number(zLoss)}; both must be 0"));
                    verdicts.Add(Zero($"{reduction} gradient, every row ignored", g));
                }
                var (losses, gt) = PerToken(impl, c, c.Values, c.Upstream);
                verdicts.Add(Zero("per-token losses, every row ignored", losses));
                verdicts.Add(Zero("per-token gradient, every row ignored", gt));
                return Verdict.All(verdicts);
            }
            // W_K = 0: the CE part of the Mean is 0, its gradient 0; the z-loss part stays Σ Zₗ/N.
            var noZ = c.Values with { Lambda = 0 };
            var (l0, z0, g0) = Reduced(impl, c, noZ, LossReduction.Mean);
            verdicts.Add(Verdict.That(l0 == 0 && z0 == 0, $"Mean with W_K = 0 and λ_z = 0: Loss = {Show.Number(l0)}, ZLoss = {Show.Number(z0)}; both must be 0 (not NaN, not ∞)"));
            verdicts.Add(Zero("Mean gradient with W_K = 0 and λ_z = 0", g0));
            var (l, zl, g1) = Reduced(impl, c, c.Values, LossReduction.Mean);
            var (el, ez, eg) = LossOptionsAccuracy.Exact(c.LogitsD, c.Classes, c.Targets, c.Values, LossReduction.Mean);
            var (bl, bz, bg) = ReducedBound(c, c.Values, LossReduction.Mean);
            verdicts.Add(Verdict.Within("Mean with W_K = 0: Loss vs Σ λ_z lse²/N", l, el, bl));
            verdicts.Add(Verdict.Within("Mean with W_K = 0: ZLoss vs Σ λ_z lse²/N", zl, ez, bz));
            verdicts.Add(Verdict.AllWithin("Mean gradient with W_K = 0: the z-loss part only", g1, eg, bg));
            return Verdict.All(verdicts);
        });

    // ---- LOSSOPT-IGNORED ----

    [ForEachImplementation, Spec("LOSSOPT-IGNORED"), Requires(typeof(IBatchedSoftmaxCrossEntropyWithOptions<>))]
    public void Options_never_reach_an_ignored_token(string implementation) =>
        Check(implementation, LossOptionsCases<T>.Cases, (impl, c) =>
        {
            var upstream = Fp<T>.From(Enumerable.Range(0, c.Rows).Select(r => c.IsIgnored(r) ? 1.5 : c.UpstreamD[r]));
            var (losses, gt) = PerToken(impl, c, c.Values, upstream);
            var (_, _, g) = Reduced(impl, c, c.Values, c.Reduction);
            var ignored = Enumerable.Range(0, c.Rows).Where(c.IsIgnored).ToArray();
            var verdict = Zero("per-token losses of ignored rows", ignored.Select(r => losses[r]).ToArray())
                        & Zero("per-token gradient of ignored rows (upstream 1.5)", ignored.SelectMany(r => gt.Skip(r * c.Classes).Take(c.Classes)).ToArray())
                        & Zero($"{c.Reduction} gradient of ignored rows", ignored.SelectMany(r => g.Skip(r * c.Classes).Take(c.Classes)).ToArray());
            if (c.WithoutIgnoredRows() is not { } kept || ignored.Length == 0) return verdict;
            var (loss, zLoss, _) = Reduced(impl, c, c.Values, c.Reduction);
            var (keptLoss, keptZ, keptG) = Reduced(impl, kept, kept.Values, c.Reduction);
            var (bl, bz, bg) = ReducedBound(kept, kept.Values, c.Reduction);
            var counted = Enumerable.Range(0, c.Rows).Where(r => !c.IsIgnored(r)).SelectMany(r => g.Skip(r * c.Classes).Take(c.Classes)).ToArray();
            return verdict
                 & Verdict.Within($"{c.Reduction} loss vs the batch without its {ignored.Length} ignored rows", loss, keptLoss, 2 * bl)
                 & Verdict.Within($"{c.Reduction} z-loss part vs the batch without its ignored rows", zLoss, keptZ, 2 * bz)
                 & Verdict.AllWithin("gradient of counted rows vs the batch without ignored rows", counted, keptG, Scale(bg, 2));
        });

    // ---- LOSSOPT-FUSED ----

    [ForEachImplementation, Spec("LOSSOPT-FUSED", "LOSSOPT-NONE"), Requires(typeof(IBatchedSoftmaxCrossEntropyWithOptions<>))]
    public void Reduced_results_are_the_reductions_of_the_per_token_results(string implementation) =>
        Check(implementation, LossOptionsCases<T>.Cases, (impl, c) =>
        {
            var ones = Ones(c.Rows);
            var (losses, gt) = PerToken(impl, c, c.Values, Fp<T>.From(ones));
            var (blt, bgt) = PerTokenBound(c, c.Values, ones);
            var (sum, _, gs) = Reduced(impl, c, c.Values, LossReduction.Sum);
            var (bs, _, bgs) = ReducedBound(c, c.Values, LossReduction.Sum);
            int n = c.Counted;
            var verdict = Verdict.Within("Sum vs Σ per-token losses", sum, losses.Sum(), bs + blt.Sum() + Accuracy.Gamma(c.Rows, Fp<double>.U) * losses.Sum(Math.Abs))
                        & Verdict.AllWithin("Sum gradient vs per-token gradient with upstream 1", gs, gt, Add(bgs, bgt));
            var (counted, wk) = LossOptionsAccuracy.Denominators(c.Targets, c.Values);
            if (wk == 0 || (c.Values.Lambda != 0 && wk != counted)) return verdict;   // the Mean is no single-upstream per-token sum then: its verdict is the Sum's
            // The Mean is the per-token path with upstream 1/W_K (taken in float64 from upstream 1): without z-loss,
            // and with z-loss where W_K = N (no weights), since the z-loss part's upstream is 1/N (LOSSOPT-FUSED (ii)).
            var (mean, _, gm) = Reduced(impl, c, c.Values, LossReduction.Mean);
            var (bm, _, bgm) = ReducedBound(c, c.Values, LossReduction.Mean);
            return verdict
                 & Verdict.Within("Mean vs Σ per-token losses / W_K", mean, losses.Sum() / wk, bm + (blt.Sum() + Accuracy.Gamma(c.Rows + 1, Fp<double>.U) * losses.Sum(Math.Abs)) / wk)
                 & Verdict.AllWithin("Mean gradient vs per-token gradient / W_K", gm, gt.Select(v => v / wk).ToArray(),
                       bgm.Zip(bgt, (a, b) => a + b / wk + 0.0).Zip(gt, (s, v) => s + Fp<double>.U * Math.Abs(v / wk)).ToArray());
        });

    [ForEachImplementation, Spec("LOSSOPT-FUSED", "ACC-FD"), Requires(typeof(IBatchedSoftmaxCrossEntropyWithOptions<>))]
    public void Gradient_matches_central_differences_of_the_loss(string implementation) =>
        Check(implementation, LossOptionsCases<T>.Counted, (impl, c) =>
        {
            var point = FiniteDifference.Coarsen<T>(c.LogitsD);
            var at = c.WithLogits(point, "coarsened");
            var d = c.Direction;
            double m3 = LossOptionsAccuracy.ThirdDerivative(point, c.Classes, c.Targets, c.Values, c.Reduction, d, 1);
            var (lossBound, _, gradientBound) = LossOptionsAccuracy.Reduced<T>(point, c.Classes, c.Targets, c.Values, c.Reduction);
            double h = FiniteDifference.ExactStep<T>(point, d, Accuracy.CentralDifference(lossBound, m3).Step);
            if (h > 1) m3 = LossOptionsAccuracy.ThirdDerivative(point, c.Classes, c.Targets, c.Values, c.Reduction, d, h);
            var (plus, minus) = FiniteDifference.Points<T>(point, d, h);
            double eps = Math.Max(LossOptionsAccuracy.Reduced<T>(Fp<T>.ToDouble(plus), c.Classes, c.Targets, c.Values, c.Reduction).Loss,
                                  LossOptionsAccuracy.Reduced<T>(Fp<T>.ToDouble(minus), c.Classes, c.Targets, c.Values, c.Reduction).Loss);
            var kernel = impl.As<IBatchedSoftmaxCrossEntropyWithOptions<T>>();
            var scratch = new T[point.Length];
            double lp = Fp<T>.ToDouble(kernel.ForwardBackward(plus, c.Classes, c.Targets, c.Options, c.Reduction, scratch).Loss);
            double lm = Fp<T>.ToDouble(kernel.ForwardBackward(minus, c.Classes, c.Targets, c.Options, c.Reduction, scratch).Loss);
            double fd = (lp - lm) / (2 * h);
            var (_, _, g) = Reduced(impl, at, c.Values, c.Reduction);
            var (_, _, exact) = LossOptionsAccuracy.Exact(point, c.Classes, c.Targets, c.Values, c.Reduction);
            var (gd, gdAbs, gdBound) = FiniteDifference.Directional(g, d, gradientBound, exact);
            return Verdict.Within($"(L(Z + hD) − L(Z − hD))/2h vs ∇L·D ({c.Reduction}, h = {Show.Number(h)})", fd, gd,
                FiniteDifference.Tolerance(h, eps, m3) + gdBound + Accuracy.Gamma(point.Length, Fp<double>.U) * gdAbs);
        });

    // ---- helpers ----

    private static readonly LossReduction[] Reductions = [LossReduction.Mean, LossReduction.Sum];

    /// <summary>ForwardBackward with the gradient pre-filled with NaN, so that entries it does not write show.</summary>
    private static (double Loss, double ZLoss, double[] Gradient) Reduced(ImplementationUnderTest impl, LossOptionsCase<T> c, OptionValues values, LossReduction reduction)
    {
        var g = new T[c.Logits.Length];
        Array.Fill(g, T.NaN);
        var result = impl.As<IBatchedSoftmaxCrossEntropyWithOptions<T>>().ForwardBackward(c.Logits, c.Classes, c.Targets, values.To<T>(), reduction, g);
        return (Fp<T>.ToDouble(result.Loss), Fp<T>.ToDouble(result.ZLoss), Fp<T>.ToDouble(g));
    }

    /// <summary>ForwardBackwardPerToken with NaN-filled outputs.</summary>
    private static (double[] Losses, double[] Gradient) PerToken(ImplementationUnderTest impl, LossOptionsCase<T> c, OptionValues values, T[] upstream)
    {
        var g = new T[c.Logits.Length];
        var losses = new T[c.Rows];
        Array.Fill(g, T.NaN);
        Array.Fill(losses, T.NaN);
        impl.As<IBatchedSoftmaxCrossEntropyWithOptions<T>>().ForwardBackwardPerToken(c.Logits, c.Classes, c.Targets, values.To<T>(), upstream, losses, g);
        return (Fp<T>.ToDouble(losses), Fp<T>.ToDouble(g));
    }

    /// <summary>The implementation's bound in T plus the float64 evaluation's.</summary>
    private static (double Loss, double ZLoss, double[] Gradient) ReducedBound(LossOptionsCase<T> c, OptionValues values, LossReduction reduction)
    {
        var a = LossOptionsAccuracy.Reduced<T>(c.LogitsD, c.Classes, c.Targets, values, reduction);
        var b = LossOptionsAccuracy.Reduced<double>(c.LogitsD, c.Classes, c.Targets, values, reduction);
        return (a.Loss + b.Loss, a.ZLoss + b.ZLoss, Add(a.Gradient, b.Gradient));
    }

    private static (double[] Losses, double[] Gradient) PerTokenBound(LossOptionsCase<T> c, OptionValues values, double[] upstream)
    {
        var a = LossOptionsAccuracy.PerToken<T>(c.LogitsD, c.Classes, c.Targets, values, upstream);
        var b = LossOptionsAccuracy.PerToken<double>(c.LogitsD, c.Classes, c.Targets, values, upstream);
        return (Add(a.Losses, b.Losses), Add(a.Gradient, b.Gradient));
    }

    private static Verdict Zero(string quantity, double[] values)
    {
        int k = Array.FindIndex(values, v => v != 0);
        return Verdict.That(k < 0, k < 0 ? $"{quantity}: all exactly 0" : $"{quantity}: entry {k} = {Show.Number(values[k])}, must be exactly 0");
    }

    private static double[] Ones(int n) => Enumerable.Repeat(1.0, n).ToArray();

    private static double[] Add(double[] a, double[] b) => a.Zip(b, (x, y) => x + y).ToArray();

    private static double[] Scale(double[] a, double f) => a.Select(x => x * f).ToArray();
}
