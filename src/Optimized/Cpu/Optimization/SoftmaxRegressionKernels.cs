using System.Numerics;
using System.Runtime.Intrinsics;

namespace LossConformance.Optimized.Cpu.Optimization;

/// <summary>
/// Softmax regression on the CPU in T (spec/optimization.md): the loss and gradient in one pass over the
/// rows, Hessian-vector products without forming H (probabilities cached once per Newton step), and a
/// Newton step by conjugate gradients on H·v (Newton-CG), so that memory stays O(N·K + d·K) and Newton
/// scales to d·K in the tens of thousands. Row operations over the K classes use Vector512 where it is
/// accelerated.
/// </summary>
internal static class SoftmaxRegressionKernels<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>y += a·x (Vector512 when accelerated).</summary>
    public static void Axpy(T a, ReadOnlySpan<T> x, Span<T> y)
    {
        int i = 0;
        if (Vector512.IsHardwareAccelerated && Vector512<T>.IsSupported && x.Length >= Vector512<T>.Count)
        {
            var va = Vector512.Create(a);
            for (; i <= x.Length - Vector512<T>.Count; i += Vector512<T>.Count)
            {
                var vy = Vector512.Create(y.Slice(i, Vector512<T>.Count));
                var vx = Vector512.Create(x.Slice(i, Vector512<T>.Count));
                (vy + va * vx).CopyTo(y.Slice(i, Vector512<T>.Count));
            }
        }
        for (; i < x.Length; i++) y[i] += a * x[i];
    }

    /// <summary>zⱼ = Σᵢ xᵢ Wᵢⱼ: K-wide axpys over the rows of W.</summary>
    public static void Logits(ReadOnlySpan<T> x, ReadOnlySpan<T> w, int k, Span<T> z)
    {
        z.Clear();
        for (int i = 0; i < x.Length; i++)
            if (x[i] != T.Zero) Axpy(x[i], w.Slice(i * k, k), z);
    }

    /// <summary>Whether row n of Y is not all zero.</summary>
    public static bool IsCounted(ReadOnlySpan<T> y) { foreach (var v in y) if (v != T.Zero) return true; return false; }

    public static int Counted(SoftmaxRegressionProblem<T> p)
    {
        int c = 0;
        for (int n = 0; n < p.Samples; n++) if (IsCounted(p.Targets.Slice(n * p.Classes, p.Classes))) c++;
        return c;
    }

    /// <summary>Softmax of z in place (max shift); returns logsumexp(z).</summary>
    public static T SoftmaxInPlace(Span<T> z)
    {
        T max = T.NegativeInfinity;
        foreach (var v in z) if (v > max) max = v;
        T sum = T.Zero;
        for (int j = 0; j < z.Length; j++) { z[j] = T.Exp(z[j] - max); sum += z[j]; }
        for (int j = 0; j < z.Length; j++) z[j] /= sum;
        return max + T.Log(sum);
    }

    /// <summary>L and ∇L = (1/N_c)Σ xₙ(ŷₙ − yₙ)ᵀ + λW; optionally keeps ŷ (N × K) for Hessian-vector products.</summary>
    public static T LossAndGradient(SoftmaxRegressionProblem<T> p, ReadOnlySpan<T> w, Span<T> gradient, Span<T> probabilities)
    {
        int d = p.Features, k = p.Classes, counted = Counted(p);
        Span<T> z = k <= 256 ? stackalloc T[k] : new T[k];
        Span<T> r = k <= 256 ? stackalloc T[k] : new T[k];
        gradient.Clear();
        T data = T.Zero;
        for (int n = 0; n < p.Samples; n++)
        {
            var y = p.Targets.Slice(n * k, k);
            if (!IsCounted(y)) continue;
            var x = p.Inputs.Slice(n * d, d);
            Logits(x, w, k, z);
            T lse = T.Zero;
            // CE = Σⱼ yⱼ(lse − zⱼ), before z is overwritten by ŷ.
            T max = T.NegativeInfinity;
            foreach (var v in z) if (v > max) max = v;
            T sum = T.Zero;
            foreach (var v in z) sum += T.Exp(v - max);
            lse = max + T.Log(sum);
            for (int j = 0; j < k; j++) if (y[j] != T.Zero) data += y[j] * (lse - z[j]);
            for (int j = 0; j < k; j++) z[j] = T.Exp(z[j] - max) / sum;
            if (!probabilities.IsEmpty) z.CopyTo(probabilities.Slice(n * k, k));
            for (int j = 0; j < k; j++) r[j] = z[j] - y[j];
            for (int i = 0; i < d; i++)
                if (x[i] != T.Zero) Axpy(x[i], r, gradient.Slice(i * k, k));
        }
        T inv = counted > 0 ? T.One / T.CreateChecked(counted) : T.Zero;
        T penalty = T.Zero;
        for (int e = 0; e < w.Length; e++)
        {
            gradient[e] = gradient[e] * inv + p.Lambda * w[e];
            penalty += w[e] * w[e];
        }
        return data * inv + p.Lambda / T.CreateChecked(2) * penalty;
    }

    /// <summary>L alone (the line search's evaluations).</summary>
    public static T Loss(SoftmaxRegressionProblem<T> p, ReadOnlySpan<T> w)
    {
        int d = p.Features, k = p.Classes, counted = Counted(p);
        Span<T> z = k <= 256 ? stackalloc T[k] : new T[k];
        T data = T.Zero;
        for (int n = 0; n < p.Samples; n++)
        {
            var y = p.Targets.Slice(n * k, k);
            if (!IsCounted(y)) continue;
            Logits(p.Inputs.Slice(n * d, d), w, k, z);
            T max = T.NegativeInfinity;
            foreach (var v in z) if (v > max) max = v;
            T sum = T.Zero;
            foreach (var v in z) sum += T.Exp(v - max);
            T lse = max + T.Log(sum);
            for (int j = 0; j < k; j++) if (y[j] != T.Zero) data += y[j] * (lse - z[j]);
        }
        T penalty = T.Zero;
        foreach (var v in w) penalty += v * v;
        return (counted > 0 ? data / T.CreateChecked(counted) : T.Zero) + p.Lambda / T.CreateChecked(2) * penalty;
    }

    /// <summary>Probabilities ŷ (N × K, rows of ignored samples left 0).</summary>
    public static void Probabilities(SoftmaxRegressionProblem<T> p, ReadOnlySpan<T> w, Span<T> probabilities)
    {
        int d = p.Features, k = p.Classes;
        for (int n = 0; n < p.Samples; n++)
        {
            var row = probabilities.Slice(n * k, k);
            if (!IsCounted(p.Targets.Slice(n * k, k))) { row.Clear(); continue; }
            Logits(p.Inputs.Slice(n * d, d), w, k, row);
            SoftmaxInPlace(row);
        }
    }

    /// <summary>H·V = (1/N_c)Σₙ xₙ(ŷₙ ⊙ (aₙ − ŷₙᵀaₙ))ᵀ + λV, aₙ = Vᵀxₙ, from cached ŷ; in TAcc (T, or double for Newton-CG).</summary>
    public static void HessianVectorProduct<TAcc>(SoftmaxRegressionProblem<T> p, ReadOnlySpan<TAcc> x, ReadOnlySpan<TAcc> probabilities,
                                                 ReadOnlySpan<TAcc> v, Span<TAcc> product, int counted)
        where TAcc : unmanaged, IFloatingPointIeee754<TAcc>
    {
        int d = p.Features, k = p.Classes;
        Span<TAcc> a = k <= 256 ? stackalloc TAcc[k] : new TAcc[k];
        product.Clear();
        for (int n = 0; n < p.Samples; n++)
        {
            if (!IsCounted(p.Targets.Slice(n * k, k))) continue;
            var xn = x.Slice(n * d, d);
            SoftmaxRegressionKernels<TAcc>.Logits(xn, v, k, a);
            var y = probabilities.Slice(n * k, k);
            TAcc mean = TAcc.Zero;
            for (int j = 0; j < k; j++) mean += y[j] * a[j];
            for (int j = 0; j < k; j++) a[j] = y[j] * (a[j] - mean);
            for (int i = 0; i < d; i++)
                if (xn[i] != TAcc.Zero) SoftmaxRegressionKernels<TAcc>.Axpy(xn[i], a, product.Slice(i * k, k));
        }
        TAcc inv = counted > 0 ? TAcc.One / TAcc.CreateChecked(counted) : TAcc.Zero;
        TAcc lambda = TAcc.CreateChecked(p.Lambda);
        for (int e = 0; e < product.Length; e++) product[e] = product[e] * inv + lambda * v[e];
    }

    /// <summary>The dense Hessian (only for the capability that asks for it; Newton-CG never forms it).</summary>
    public static void Hessian(SoftmaxRegressionProblem<T> p, ReadOnlySpan<T> w, Span<T> hessian)
    {
        int d = p.Features, k = p.Classes, m = d * k, counted = Counted(p);
        var y = new T[p.Samples * k];
        Probabilities(p, w, y);
        hessian.Clear();
        T inv = counted > 0 ? T.One / T.CreateChecked(counted) : T.Zero;
        var s = new T[k * k];
        for (int n = 0; n < p.Samples; n++)
        {
            if (!IsCounted(p.Targets.Slice(n * k, k))) continue;
            var yn = y.AsSpan(n * k, k);
            for (int j = 0; j < k; j++)
                for (int l = 0; l < k; l++)
                    s[j * k + l] = (j == l ? yn[j] : T.Zero) - yn[j] * yn[l];
            var x = p.Inputs.Slice(n * d, d);
            for (int i = 0; i < d; i++)
                for (int a = 0; a < d; a++)
                {
                    T xx = x[i] * x[a];
                    if (xx == T.Zero) continue;
                    for (int j = 0; j < k; j++)
                        Axpy(xx, s.AsSpan(j * k, k), hessian.Slice((i * k + j) * m + a * k, k));
                }
        }
        for (int e = 0; e < hessian.Length; e++) hessian[e] *= inv;
        for (int e = 0; e < m; e++) hessian[e * m + e] += p.Lambda;
    }

    /// <summary>
    /// Newton-CG: p from conjugate gradients on H p = −g (ŷ cached in T, the CG recurrences and products in float64,
    /// restarted from the true residual), to ‖Hp + g‖ ≤ min(½, ‖g‖)‖g‖; then Armijo backtracking in T. Returns t.
    /// </summary>
    public static T NewtonStep(SoftmaxRegressionProblem<T> p, ReadOnlySpan<T> w, Span<T> next)
    {
        int m = p.Parameters, k = p.Classes, counted = Counted(p);
        var g = new T[m];
        var yT = new T[p.Samples * k];
        T loss = LossAndGradient(p, w, g, yT);
        var gd = new double[m];
        for (int e = 0; e < m; e++) gd[e] = double.CreateChecked(g[e]);
        double gnorm = Math.Sqrt(Dot(gd, gd));
        if (gnorm == 0) { w.CopyTo(next); return T.One; }
        var x = new double[p.Inputs.Length];
        for (int e = 0; e < x.Length; e++) x[e] = double.CreateChecked(p.Inputs[e]);
        var y = new double[yT.Length];
        for (int e = 0; e < y.Length; e++) y[e] = double.CreateChecked(yT[e]);
        // The contract's forcing term is min(½, ‖g‖); 10⁻³ of it costs a few CG iterations and keeps the constant of the quadratic phase small.
        double tolerance = 1e-3 * Math.Min(0.5, gnorm) * gnorm;

        var dir = new double[m];
        var r = new double[m];
        var q = new double[m];
        var hv = new double[m];
        for (int restart = 0; restart < 4; restart++)
        {
            // r = −g − H p (the true residual)
            SoftmaxRegressionKernels<T>.HessianVectorProduct<double>(p, x, y, dir, hv, counted);
            for (int e = 0; e < m; e++) r[e] = -gd[e] - hv[e];
            double rr = Dot(r, r);
            if (Math.Sqrt(rr) <= tolerance) break;
            var s = (double[])r.Clone();
            for (int it = 0; it < 2 * m + 10 && Math.Sqrt(rr) > tolerance; it++)
            {
                SoftmaxRegressionKernels<T>.HessianVectorProduct<double>(p, x, y, s, q, counted);
                double alpha = rr / Dot(s, q);
                for (int e = 0; e < m; e++) { dir[e] += alpha * s[e]; r[e] -= alpha * q[e]; }
                double rrNext = Dot(r, r);
                double beta = rrNext / rr;
                rr = rrNext;
                for (int e = 0; e < m; e++) s[e] = r[e] + beta * s[e];
            }
        }

        double slope = Dot(gd, dir);
        // The line search evaluates L in float64 (for T = float too), so that it can see decreases down to 2⁻⁵³|L|.
        double lossD = LossInDouble(p, x, w);
        double allowance = NewtonLineSearch.RoundingAllowanceUlps * Math.ScaleB(1.0, -53) * Math.Abs(lossD);
        var trial = new T[m];
        double t = 1;
        for (int halving = 0; halving <= NewtonLineSearch.MaxHalvings; halving++, t /= 2)
        {
            for (int e = 0; e < m; e++) trial[e] = w[e] + T.CreateChecked(t * dir[e]);
            if (LossInDouble(p, x, trial) <= lossD + NewtonLineSearch.SufficientDecrease * t * slope + allowance)
            {
                trial.CopyTo(next);
                return T.CreateChecked(t);
            }
        }
        w.CopyTo(next);
        return T.Zero;
    }

    /// <summary>L(W) for W in T, evaluated in float64 from the float64 copy of X.</summary>
    private static double LossInDouble(SoftmaxRegressionProblem<T> p, double[] x, ReadOnlySpan<T> wT)
    {
        int d = p.Features, k = p.Classes, counted = Counted(p);
        var w = new double[wT.Length];
        for (int e = 0; e < w.Length; e++) w[e] = double.CreateChecked(wT[e]);
        var z = new double[k];
        double data = 0;
        for (int n = 0; n < p.Samples; n++)
        {
            var y = p.Targets.Slice(n * k, k);
            if (!IsCounted(y)) continue;
            SoftmaxRegressionKernels<double>.Logits(x.AsSpan(n * d, d), w, k, z);
            double max = double.NegativeInfinity;
            foreach (var v in z) max = Math.Max(max, v);
            double sum = 0;
            foreach (var v in z) sum += Math.Exp(v - max);
            double lse = max + Math.Log(sum);
            for (int j = 0; j < k; j++) if (y[j] != T.Zero) data += double.CreateChecked(y[j]) * (lse - z[j]);
        }
        double penalty = 0;
        foreach (var v in w) penalty += v * v;
        return (counted > 0 ? data / counted : 0) + double.CreateChecked(p.Lambda) / 2 * penalty;
    }

    private static double Dot(ReadOnlySpan<double> a, ReadOnlySpan<double> b)
    {
        double s = 0;
        for (int i = 0; i < a.Length; i++) s += a[i] * b[i];
        return s;
    }
}
