using System.Numerics;
using LossConformance.Kit;
using MathNet.Numerics.LinearAlgebra;
using Xunit.Abstractions;

namespace LossConformance.Properties;

/// <summary>Laws of spec/softmax.md on generated logits. Jacobian laws use their own short cases (n ≤ 64).</summary>
public abstract class SoftmaxProperties<T>(ITestOutputHelper output, params object[] implementations)
    : Suite<T>(output, implementations) where T : unmanaged, IFloatingPointIeee754<T>
{
    [ForEachImplementation, Spec("SMAX-DEF"), Requires(typeof(ISoftmax<>))]
    public void Softmax_equals_the_max_shifted_formula(string implementation) =>
        Check(implementation, Generate<T>.Logits, (impl, c) =>
            Verdict.AllWithin("softmax(z)", SoftmaxOf(impl, c.Z), Accuracy.SoftmaxExact(c.ZD),
                Add(Accuracy.Softmax<T>(c.ZD), Accuracy.Softmax<double>(c.ZD))));

    [ForEachImplementation, Spec("SMAX-SIMPLEX"), Requires(typeof(ISoftmax<>))]
    public void Softmax_is_a_distribution(string implementation) =>
        Check(implementation, Generate<T>.Logits, (impl, c) =>
        {
            var y = SoftmaxOf(impl, c.Z);
            var exact = Accuracy.SoftmaxExact(c.ZD);
            var b = Accuracy.Softmax<T>(c.ZD);
            int outside = Array.FindIndex(y, v => !(v >= 0 && v <= 1));
            int zero = Enumerable.Range(0, c.N).FirstOrDefault(i => y[i] == 0 && exact[i] > b[i], -1);
            double sum = y.Sum();
            return Verdict.That(outside < 0, outside < 0 ? "every ŷᵢ ∈ [0, 1]" : $"ŷ[{outside}] = {Show.Number(y[outside])} is not in [0, 1]")
                 & Verdict.That(zero < 0, zero < 0 ? "zeros only by underflow"
                     : $"ŷ[{zero}] = 0 but the exact value {Show.Number(exact[zero])} exceeds its bound {Show.Number(b[zero])}: not an underflow")
                 & Verdict.Within("Σŷ", sum, 1, b.Sum() + Accuracy.Gamma(c.N - 1, Fp<double>.U) * (1 + b.Sum()));   // float64 sum of Σ|ŷ̂ᵢ| ≤ 1 + Σb
        });

    [ForEachImplementation, Spec("SMAX-SHIFT"), Requires(typeof(ISoftmax<>))]
    public void Softmax_ignores_a_common_shift(string implementation) =>
        Check(implementation, SoftmaxCases<T>.Shifts, (impl, c) =>
        {
            var smax = impl.As<ISoftmax<T>>();
            double[] zs = c.ShiftedD;
            var b = Accuracy.Softmax<T>(c.ZD);   // depends on dᵢ = zᵢ − max z only: the same for z + c
            var bl = Add(Accuracy.LogSoftmax<T>(c.ZD), Accuracy.LogSoftmax<T>(zs));
            double lse = Fp<T>.ToDouble(smax.LogSumExp(c.Z)), lseShifted = Fp<T>.ToDouble(smax.LogSumExp(c.Shifted));
            double lseBound = Accuracy.LogSumExpBound<T>(c.ZD) + Accuracy.LogSumExpBound<T>(zs) + Fp<double>.U * Math.Abs(Accuracy.LogSumExp(c.ZD));   // the float64 subtraction of c
            return Verdict.AllWithin("softmax(z + c) vs softmax(z)", SoftmaxOf(impl, c.Shifted), SoftmaxOf(impl, c.Z), Scale(b, 2))
                 & Verdict.AllWithin("log-softmax(z + c) vs log-softmax(z)", LogSoftmaxOf(impl, c.Shifted), LogSoftmaxOf(impl, c.Z), bl)
                 & Verdict.Within("lse(z + c) − c vs lse(z)", lseShifted - c.Shift, lse, lseBound);
        });

    [ForEachImplementation, Spec("SMAX-ORDER"), Requires(typeof(ISoftmax<>))]
    public void Softmax_preserves_order_and_ties(string implementation) =>
        Check(implementation, Generate<T>.Logits, (impl, c) =>
        {
            var y = SoftmaxOf(impl, c.Z);
            var l = LogSoftmaxOf(impl, c.Z);
            var b = Accuracy.Softmax<T>(c.ZD);
            var bl = Accuracy.LogSoftmax<T>(c.ZD);
            // Adjacent pairs in sorted order: zᵢ ≤ zⱼ ⇒ ŷᵢ ≤ ŷⱼ and ℓᵢ ≤ ℓⱼ, ties equal — up to both
            // entries' rounding (bit equality is not required: a vector body and a scalar tail may
            // round exp differently; spec SMAX-ORDER).
            var order = Enumerable.Range(0, c.N).OrderBy(i => c.ZD[i]).ToArray();
            for (int k = 0; k + 1 < order.Length; k++)
            {
                int i = order[k], j = order[k + 1];
                bool tie = c.ZD[i] == c.ZD[j];
                double slack = b[i] + b[j], slackLog = bl[i] + bl[j];
                bool ok = tie ? Math.Abs(y[i] - y[j]) <= slack : y[i] <= y[j] + slack;
                bool okLog = tie ? Math.Abs(l[i] - l[j]) <= slackLog : l[i] <= l[j] + slackLog;
                if (!ok)
                    return Verdict.That(false, $"z[{i}] = {Show.Number(c.ZD[i])} {(tie ? "=" : "<")} z[{j}] = {Show.Number(c.ZD[j])} but ŷ[{i}] = {Show.Number(y[i])}, ŷ[{j}] = {Show.Number(y[j])} (slack {Show.Number(slack)})");
                if (!okLog)
                    return Verdict.That(false, $"z[{i}] = {Show.Number(c.ZD[i])} {(tie ? "=" : "<")} z[{j}] = {Show.Number(c.ZD[j])} but ℓ[{i}] = {Show.Number(l[i])}, ℓ[{j}] = {Show.Number(l[j])} (slack {Show.Number(slackLog)})");
            }
            return Verdict.That(true, "order and ties preserved");
        });

    [ForEachImplementation, Spec("SMAX-LOG"), Requires(typeof(ISoftmax<>))]
    public void Log_softmax_is_logits_minus_logsumexp(string implementation) =>
        Check(implementation, Generate<T>.Logits, (impl, c) =>
        {
            var l = LogSoftmaxOf(impl, c.Z);
            double lse = Fp<T>.ToDouble(impl.As<ISoftmax<T>>().LogSumExp(c.Z));
            var bl = Accuracy.LogSoftmax<T>(c.ZD);
            double blse = Accuracy.LogSumExpBound<T>(c.ZD);
            var exact = SoftmaxAccuracy.ExactLogSoftmax(c.ZD);
            var identity = new double[c.N];
            var identityBound = new double[c.N];
            for (int i = 0; i < c.N; i++)
            {
                identity[i] = c.ZD[i] - lse;   // the float64 subtraction rounds by ≤ u·|zᵢ − lse^|
                identityBound[i] = bl[i] + blse + Fp<double>.U * (Math.Abs(exact[i]) + blse);
            }
            return Verdict.AllWithin("log-softmax(z)", l, exact, Add(bl, Accuracy.LogSoftmax<double>(c.ZD)))
                 & Verdict.Within("lse(z)", lse, Accuracy.LogSumExp(c.ZD), blse + Accuracy.LogSumExpBound<double>(c.ZD))
                 & Verdict.AllWithin("log-softmax(z) vs z − lse(z)", l, identity, identityBound);
        });

    [ForEachImplementation, Spec("SMAX-LARGE"), Requires(typeof(ISoftmax<>))]
    public void Large_logits_give_finite_results(string implementation) =>
        Check(implementation, SoftmaxCases<T>.Large, (impl, c) =>
        {
            var y = SoftmaxOf(impl, c.Z);
            var l = LogSoftmaxOf(impl, c.Z);
            double lse = Fp<T>.ToDouble(impl.As<ISoftmax<T>>().LogSumExp(c.Z));
            int bad = Array.FindIndex(y, v => !double.IsFinite(v));
            int badLog = Array.FindIndex(l, v => !double.IsFinite(v));
            return Verdict.That(bad < 0, bad < 0 ? "softmax finite" : $"ŷ[{bad}] = {Show.Number(y[bad])}")
                 & Verdict.That(badLog < 0, badLog < 0 ? "log-softmax finite" : $"ℓ[{badLog}] = {Show.Number(l[badLog])}")
                 & Verdict.That(double.IsFinite(lse), $"lse = {Show.Number(lse)}")
                 & Verdict.AllWithin("softmax(z)", y, Accuracy.SoftmaxExact(c.ZD), Add(Accuracy.Softmax<T>(c.ZD), Accuracy.Softmax<double>(c.ZD)))
                 & Verdict.Within("Σŷ", y.Sum(), 1, Accuracy.Softmax<T>(c.ZD).Sum() + Accuracy.Gamma(c.N, Fp<double>.U))
                 & Verdict.AllWithin("log-softmax(z)", l, SoftmaxAccuracy.ExactLogSoftmax(c.ZD), Add(Accuracy.LogSoftmax<T>(c.ZD), Accuracy.LogSoftmax<double>(c.ZD)))
                 & Verdict.Within("lse(z)", lse, Accuracy.LogSumExp(c.ZD), Accuracy.LogSumExpBound<T>(c.ZD) + Accuracy.LogSumExpBound<double>(c.ZD));
        });

    [ForEachImplementation, Spec("SMAX-JACOBIAN"), Requires(typeof(ISoftmaxJacobian<>))]
    public void Jacobian_is_diag_minus_outer_product(string implementation) =>
        Check(implementation, SoftmaxCases<T>.SmallLogits, (impl, c) =>
        {
            var j = JacobianOf(impl, c.Z);
            var exact = ExactJacobian(Accuracy.SoftmaxExact(c.ZD));
            var verdict = Verdict.AllWithin("J vs diag ŷ − ŷŷᵀ (exact ŷ)", j, exact,
                Add(SoftmaxAccuracy.Jacobian<T>(c.ZD), SoftmaxAccuracy.Jacobian<double>(c.ZD)));
            if (!impl.Provides<ISoftmax<T>>()) return verdict;
            var own = SoftmaxOf(impl, c.Z);
            if (!own.All(double.IsFinite)) return verdict & Verdict.That(false, $"the implementation's own softmax is not finite: {Show.Vector(own)}");
            return verdict & Verdict.AllWithin("J vs diag ŷ̂ − ŷ̂ŷ̂ᵀ (the implementation's own softmax)", j, ExactJacobian(own),
                SoftmaxAccuracy.JacobianAgainstOwnSoftmax<T>(c.ZD, own));
        });

    [ForEachImplementation, Spec("SMAX-JACOBIAN"), Requires(typeof(ISoftmax<>), typeof(ISoftmaxJacobian<>))]
    public void Jacobian_matches_central_differences_of_softmax(string implementation) =>
        Check(implementation, SoftmaxCases<T>.SmallLogits, (impl, c) =>
        {
            int n = c.N;
            double m3 = SoftmaxAccuracy.EntryThirdDerivative(c.D);
            double eps0 = Accuracy.Softmax<T>(c.ZD).Max();
            double h = FiniteDifference.ExactStep<T>(c.ZD, c.D, Accuracy.CentralDifference(eps0, m3).Step);
            var (plus, minus) = FiniteDifference.Points<T>(c.ZD, c.D, h);
            var yp = SoftmaxOf(impl, plus);
            var ym = SoftmaxOf(impl, minus);
            var bp = Accuracy.Softmax<T>(Fp<T>.ToDouble(plus));
            var bm = Accuracy.Softmax<T>(Fp<T>.ToDouble(minus));

            var j = JacobianOf(impl, c.Z);
            var dj = SoftmaxAccuracy.Jacobian<T>(c.ZD);
            var exact = ExactJacobian(Accuracy.SoftmaxExact(c.ZD));
            var fd = new double[n];
            var jd = new double[n];
            var tol = new double[n];
            for (int i = 0; i < n; i++)
            {
                fd[i] = (yp[i] - ym[i]) / (2 * h);
                double s = 0, sAbs = 0, sBound = 0;
                for (int k = 0; k < n; k++)
                {
                    s += j[i * n + k] * c.D[k];
                    sAbs += Math.Abs(exact[i * n + k] * c.D[k]) + dj[i * n + k] * Math.Abs(c.D[k]);   // ≥ Σ|Ĵᵢₖdₖ| (float64 matvec)
                    sBound += dj[i * n + k] * Math.Abs(c.D[k]);
                }
                jd[i] = s;
                tol[i] = FiniteDifference.Tolerance(h, Math.Max(bp[i], bm[i]), m3) + sBound + Accuracy.Gamma(n, Fp<double>.U) * sAbs;
            }
            return Verdict.AllWithin($"(ŷ(z + hd) − ŷ(z − hd))/2h vs J·d (h = {Show.Number(h)})", fd, jd, tol);
        });

    [ForEachImplementation, Spec("SMAX-JACOBIAN-PSD"), Requires(typeof(ISoftmaxJacobian<>))]
    public void Jacobian_is_symmetric_annihilates_ones_and_is_positive_semidefinite(string implementation) =>
        Check(implementation, SoftmaxCases<T>.SmallLogits, (impl, c) =>
        {
            int n = c.N;
            var j = JacobianOf(impl, c.Z);
            if (!j.All(double.IsFinite)) return Verdict.That(false, $"J has non-finite entries: {Show.Vector(j)}");
            var dj = SoftmaxAccuracy.Jacobian<T>(c.ZD);
            var exact = ExactJacobian(Accuracy.SoftmaxExact(c.ZD));
            var magnitude = Add(exact.Select(Math.Abs).ToArray(), dj);   // ≥ |Ĵᵢⱼ| for a conforming Ĵ: float64 rounding slack from exact values
            double g = Accuracy.Gamma(n, Fp<double>.U);

            var transposed = new double[n * n];
            var symmetryBound = new double[n * n];
            var rowSums = new double[n];
            var colSums = new double[n];
            var rowBound = new double[n];
            var colBound = new double[n];
            for (int r = 0; r < n; r++)
                for (int k = 0; k < n; k++)
                {
                    transposed[r * n + k] = j[k * n + r];
                    symmetryBound[r * n + k] = dj[r * n + k] + dj[k * n + r];
                    rowSums[r] += j[r * n + k];
                    colSums[k] += j[r * n + k];
                    rowBound[r] += dj[r * n + k] + g * magnitude[r * n + k];
                    colBound[k] += dj[r * n + k] + g * magnitude[r * n + k];
                }

            // vᵀĴv ≥ −Σ|vᵢvⱼ|ΔJᵢⱼ − float64 summation error, with v the case's direction.
            double quad = 0, quadAbs = 0, quadBound = 0;
            for (int r = 0; r < n; r++)
                for (int k = 0; k < n; k++)
                {
                    quad += c.D[r] * j[r * n + k] * c.D[k];
                    quadAbs += Math.Abs(c.D[r] * c.D[k]) * magnitude[r * n + k];
                    quadBound += Math.Abs(c.D[r] * c.D[k]) * dj[r * n + k];
                }
            double quadSlack = quadBound + Accuracy.Gamma((double)n * n + 2, Fp<double>.U) * quadAbs;
            // and vᵀJv = Var_ŷ(v) = Σŷᵢ(vᵢ − μ)², μ = Σŷᵢvᵢ (exact ŷ, float64: relative γ_{2n+4}, plus the reference's own Jacobian bound).
            var yhat = Accuracy.SoftmaxExact(c.ZD);
            double mu = 0, variance = 0, quadBoundDouble = 0;
            for (int r = 0; r < n; r++) mu += yhat[r] * c.D[r];
            for (int r = 0; r < n; r++) variance += yhat[r] * (c.D[r] - mu) * (c.D[r] - mu);
            var djd = SoftmaxAccuracy.Jacobian<double>(c.ZD);
            for (int r = 0; r < n; r++)
                for (int k = 0; k < n; k++)
                    quadBoundDouble += Math.Abs(c.D[r] * c.D[k]) * djd[r * n + k];
            double varianceSlack = quadSlack + quadBoundDouble + Accuracy.Gamma(2 * n + 4, Fp<double>.U) * (variance + mu * mu);

            // MathNet 5.0's SymmetricDiagonalize throws IndexOutOfRangeException on some matrices with subnormal entries
            // (seen: z = [678.9, −43.2, −842.5, −559.7, −846.6, −243.6, 675.6], J entries ≈ −2.3e-314). Flushing them to 0
            // moves each eigenvalue by less than ‖ΔS‖₂ ≤ n·2⁻¹⁰²², far below the eigenvalue slack.
            var s = Matrix<double>.Build.Dense(n, n, (r, k) => FlushSubnormal((j[r * n + k] + j[k * n + r]) / 2));
            var eigenvalues = s.Evd(MathNet.Numerics.LinearAlgebra.Symmetricity.Symmetric).EigenValues.Select(e => e.Real).ToArray();
            double slack = SoftmaxAccuracy.EigenvalueSlack(dj, n, Math.Sqrt(magnitude.Sum(v => v * v)));

            return Verdict.AllWithin("J vs Jᵀ", j, transposed, symmetryBound)
                 & Verdict.AllWithin("row sums of J", rowSums, new double[n], rowBound)
                 & Verdict.AllWithin("column sums of J", colSums, new double[n], colBound)
                 & Verdict.AtLeast("vᵀJv", quad, -quadSlack, quadSlack)
                 & Verdict.Within("vᵀJv vs Var_ŷ(v)", quad, variance, varianceSlack)
                 & Verdict.AtLeast("λ_min((J + Jᵀ)/2)", eigenvalues.Min(), -slack, slack)
                 & Verdict.AtMost("λ_max((J + Jᵀ)/2)", eigenvalues.Max(), SoftmaxAccuracy.LargestEigenvalue + slack, slack);
        });

    // ---- helpers ----

    private static double FlushSubnormal(double v) => double.IsSubnormal(v) ? 0 : v;

    private static double[] SoftmaxOf(ImplementationUnderTest impl, T[] z)
    {
        var y = new T[z.Length];
        impl.As<ISoftmax<T>>().Softmax(z, y);
        return Fp<T>.ToDouble(y);
    }

    private static double[] LogSoftmaxOf(ImplementationUnderTest impl, T[] z)
    {
        var l = new T[z.Length];
        impl.As<ISoftmax<T>>().LogSoftmax(z, l);
        return Fp<T>.ToDouble(l);
    }

    private static double[] JacobianOf(ImplementationUnderTest impl, T[] z)
    {
        var j = new T[z.Length * z.Length];
        impl.As<ISoftmaxJacobian<T>>().SoftmaxJacobian(z, j);
        return Fp<T>.ToDouble(j);
    }

    /// <summary>diag ŷ − ŷŷᵀ in float64 from the given ŷ.</summary>
    private static double[] ExactJacobian(double[] y)
    {
        int n = y.Length;
        var j = new double[n * n];
        for (int r = 0; r < n; r++)
            for (int k = 0; k < n; k++)
                j[r * n + k] = (r == k ? y[r] : 0) - y[r] * y[k];
        return j;
    }

    private static double[] Add(double[] a, double[] b) => a.Zip(b, (x, y) => x + y).ToArray();

    private static double[] Scale(double[] a, double f) => a.Select(x => x * f).ToArray();
}
