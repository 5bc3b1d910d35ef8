using System.Numerics;
using FsCheck;
using FsCheck.Fluent;

namespace LossConformance.Kit;

/// <summary>
/// A softmax-regression problem of spec/optimization.md: X [N × d] built as U Σ Vᵀ with prescribed singular
/// values (so its conditioning κ(X) and λ_max(XᵀX) are known), targets Y [N × K] (hard, soft, some rows
/// ignored), λ &gt; 0 and a start W₀, all exactly representable in T.
/// </summary>
public sealed class RegressionCase<T>(T[] inputs, T[] targets, int features, int classes, T lambda, T[] start,
                                      double largestSingularValueBound, double conditioning, string kind) : ICase
    where T : unmanaged, IFloatingPointIeee754<T>
{
    public T[] X { get; } = inputs;
    public T[] Y { get; } = targets;
    public int D { get; } = features;
    public int K { get; } = classes;
    public T Lambda { get; } = lambda;
    public T[] W0 { get; } = start;
    public double[] XD { get; } = Fp<T>.ToDouble(inputs);
    public double[] YD { get; } = Fp<T>.ToDouble(targets);
    public double[] W0D { get; } = Fp<T>.ToDouble(start);
    public double LambdaD => Fp<T>.ToDouble(Lambda);
    /// <summary>An upper bound on σ_max(X) of the rounded X (and of any subset of its rows).</summary>
    public double SigmaBound { get; } = largestSingularValueBound;
    /// <summary>The prescribed κ(X) = σ_max/σ_min before rounding.</summary>
    public double Conditioning { get; } = conditioning;
    public string Kind { get; } = kind;
    public int Samples => X.Length / D;
    public int Parameters => D * K;
    public int N => Parameters;

    /// <summary>Rows whose target is not all zero.</summary>
    public int Counted => Enumerable.Range(0, Samples).Count(n => Enumerable.Range(0, K).Any(j => YD[n * K + j] != 0));

    /// <summary>L̄ = σ̄²/(2N_c) + λ ≥ λ_max(∇²L) everywhere (‖diag ŷ − ŷŷᵀ‖₂ ≤ ½). Spec: <c>OPT-HESSIAN-BOUNDS</c>.</summary>
    public double Smoothness => SigmaBound * SigmaBound / (2.0 * Counted) + LambdaD;

    /// <summary>μ = λ ≤ λ_min(∇²L) everywhere. Spec: <c>OPT-HESSIAN-BOUNDS</c>.</summary>
    public double StrongConvexity => LambdaD;

    /// <summary>L̄/μ, the condition number that governs gradient descent.</summary>
    public double ProblemConditioning => Smoothness / StrongConvexity;

    public SoftmaxRegressionProblem<T> Problem => new(X, Y, D, K, Lambda);
    public SoftmaxRegressionProblem<double> ProblemD => new(XD, YD, D, K, LambdaD);

    public IEnumerable<string> Tags =>
    [
        $"κ(X) = {Conditioning:G1}",
        $"λ = {LambdaD:G1}",
        $"L̄/μ {(ProblemConditioning <= 1e2 ? "≤ 1e2" : ProblemConditioning <= 1e4 ? "≤ 1e4" : ProblemConditioning <= 1e6 ? "≤ 1e6" : "> 1e6")}",
        Kind,
    ];

    public string Describe() =>
        $"N = {Samples} (counted {Counted}), d = {D}, K = {K}, λ = {Show.Number(LambdaD)}, κ(X) = {Conditioning:G3}, σ̄ = {Show.Number(SigmaBound)}   ({Kind})\n" +
        $"X = {Show.Vector(X, 512)}\nY = {Show.Vector(Y, 512)}\nW₀ = {Show.Vector(W0, 512)}";

    public RegressionCase<T> With(T[]? inputs = null, T[]? targets = null, T[]? start = null, T? lambda = null, string? kind = null) =>
        new(inputs ?? X, targets ?? Y, D, K, lambda ?? Lambda, start ?? W0, SigmaBound, Conditioning, kind ?? Kind);
}

/// <summary>
/// Softmax-regression problems: d ∈ 1…6, K ∈ 2…6 (d·K ≤ 36), N ∈ d…3d+4 rows, κ(X) ∈ {1, 10, 10², 10³, 10⁶},
/// λ ∈ {10⁻⁶, 10⁻⁴, 10⁻², 1}, labels hard (from a random teacher), hard with ignored rows, or soft, and a
/// start W₀ at zero, random, or far (logits of tens, saturated softmax). Shrinks to a zero start, fewer rows, λ = 1.
/// </summary>
public static class OptimizationCases<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private static readonly double[] Conditionings = [1, 10, 1e2, 1e3, 1e6];
    private static readonly double[] Lambdas = [1e-6, 1e-4, 1e-2, 1];

    /// <summary>Every kind of problem. Spec: spec/optimization.md.</summary>
    public static Arbitrary<RegressionCase<T>> Problems { get; } = Arb.From(Generate<T>.Seeded(rng => Build(rng, wellConditioned: false)), Shrink);

    /// <summary>Problems with L̄/μ ≤ 100 (λ chosen from the data), on which gradient descent reaches the target in a few thousand steps.</summary>
    public static Arbitrary<RegressionCase<T>> WellConditioned { get; } = Arb.From(Generate<T>.Seeded(rng => Build(rng, wellConditioned: true)),
        c => Shrink(c).Where(s => s.ProblemConditioning <= 100));

    /// <summary>A problem of the given shape and conditioning (for programs and named cases).</summary>
    public static RegressionCase<T> Build(Random rng, int samples, int features, int classes, double conditioning, double lambda, string labels, string start)
    {
        int n = samples, d = features, k = classes;
        double scale = new[] { 0.5, 1, 3 }[rng.Next(3)];
        double sigmaMax = scale * Math.Sqrt(n);
        var (x, sigmaBound) = WithSingularValues(rng, n, d, sigmaMax, conditioning);

        var teacher = Enumerable.Range(0, d * k).Select(_ => Gaussian(rng) * 2 / Math.Max(scale, 1)).ToArray();
        var y = new T[n * k];
        for (int r = 0; r < n; r++)
        {
            var z = new double[k];
            for (int j = 0; j < k; j++) for (int i = 0; i < d; i++) z[j] += Fp<T>.ToDouble(x[r * d + i]) * teacher[i * k + j];
            var p = Accuracy.SoftmaxExact(z);
            bool ignored = labels == "hard, some ignored" && r > 0 && rng.Next(4) == 0;
            if (ignored) continue;
            if (labels == "soft")
            {
                // multiples of 2⁻¹² with the last entry 1 − Σ the others: each row sums to exactly 1 in float and double
                var w = p.Select(v => v + 0.05 * rng.NextDouble()).ToArray();
                double total = w.Sum(), acc = 0;
                for (int j = 0; j < k - 1; j++)
                {
                    double q = Math.Floor(w[j] / total * 4096) / 4096;
                    y[r * k + j] = Fp<T>.From(q);
                    acc += q;
                }
                y[r * k + k - 1] = Fp<T>.From(1 - acc);
            }
            else
            {
                double u = rng.NextDouble(), acc = 0;
                int c = k - 1;
                for (int j = 0; j < k; j++) { acc += p[j]; if (u < acc) { c = j; break; } }
                y[r * k + c] = T.One;
            }
        }
        double rowNorm = Math.Max(sigmaMax / Math.Sqrt(n), 1e-300);
        var w0 = start switch
        {
            "zero start" => new double[d * k],
            "random start" => Enumerable.Range(0, d * k).Select(_ => Gaussian(rng) / rowNorm).ToArray(),
            _ => Enumerable.Range(0, d * k).Select(_ => Gaussian(rng) * 15 / rowNorm).ToArray(),   // far: logits of tens
        };
        return new RegressionCase<T>(x, y, d, k, Fp<T>.From(lambda), Fp<T>.From(w0), sigmaBound, conditioning, $"{labels}, {start}");
    }

    private static RegressionCase<T> Build(Random rng, bool wellConditioned)
    {
        int d = rng.Next(1, 7);
        int k = rng.Next(2, Math.Min(6, 36 / d) + 1);
        int n = d + rng.Next(0, 2 * d + 5);
        double kappa = Conditionings[rng.Next(Conditionings.Length)];
        double lambda = Lambdas[rng.Next(Lambdas.Length)];
        string labels = new[] { "hard", "hard, some ignored", "soft" }[rng.Next(3)];
        string start = new[] { "zero start", "random start", "far start" }[rng.Next(3)];
        var c = Build(rng, n, d, k, kappa, lambda, labels, start);
        if (!wellConditioned) return c;
        // λ = (L̄ − λ)/q, q ∈ {1, 10, 99}, rounded down to a power of two in T: L̄/μ ≤ 1 + q + rounding ≤ 100.
        double data = c.Smoothness - c.LambdaD;
        double q = new[] { 1.0, 10, 99 }[rng.Next(3)];
        double l = Math.ScaleB(1.0, (int)Math.Ceiling(Math.Log2(data / q)));
        return c.With(lambda: Fp<T>.From(l));
    }

    private static IEnumerable<RegressionCase<T>> Shrink(RegressionCase<T> c)
    {
        if (c.W0D.Any(v => v != 0)) yield return c.With(start: new T[c.Parameters], kind: Generate<T>.Shrunk(c.Kind));
        if (c.Samples > 1 && c.Counted > 1 || c.Samples > 1 && c.YD.Skip((c.Samples - 1) * c.K).All(v => v == 0))
            yield return c.With(inputs: c.X[..^c.D], targets: c.Y[..^c.K], kind: Generate<T>.Shrunk(c.Kind));
        if (c.LambdaD != 1) yield return c.With(lambda: T.One, kind: Generate<T>.Shrunk(c.Kind));
    }

    /// <summary>
    /// X = U diag(σ) Vᵀ rounded to T, σ log-spaced from σ_max down to σ_max/κ (U: N × d orthonormal columns, V: d × d
    /// orthogonal, both by twice-repeated Gram–Schmidt); with N &lt; d the extra σ are dropped. Returns X and an upper
    /// bound on σ_max(X̂): σ_max·√(1 + ε_U)·√(1 + ε_V) + γ_{d+1}·σ_max·d + u_T‖X̂‖_F (ε = d·max|QᵀQ − I|, the
    /// rounding of the product in float64, the rounding to T).
    /// </summary>
    public static (T[] X, double SigmaBound) WithSingularValues(Random rng, int n, int d, double sigmaMax, double kappa)
    {
        int r = Math.Min(n, d);
        var u = Orthonormal(rng, n, r);
        var v = Orthonormal(rng, d, r);
        var sigma = Enumerable.Range(0, r).Select(i => r == 1 ? sigmaMax : sigmaMax * Math.Pow(kappa, -(double)i / (r - 1))).ToArray();
        var x = new T[n * d];
        double frob = 0;
        for (int a = 0; a < n; a++)
            for (int b = 0; b < d; b++)
            {
                double s = 0;
                for (int i = 0; i < r; i++) s += u[a, i] * sigma[i] * v[b, i];
                x[a * d + b] = Fp<T>.From(s);
                double xv = Fp<T>.ToDouble(x[a * d + b]);
                frob += xv * xv;
            }
        double bound = sigmaMax * Math.Sqrt(1 + OrthogonalityDefect(u)) * Math.Sqrt(1 + OrthogonalityDefect(v))
                     + Accuracy.Gamma(d + 1, Fp<double>.U) * sigmaMax * d + Fp<T>.U * Math.Sqrt(frob);
        return (x, bound * (1 + 4 * Fp<double>.U));
    }

    private static double[,] Orthonormal(Random rng, int rows, int columns)
    {
        var q = new double[rows, columns];
        for (int a = 0; a < rows; a++) for (int b = 0; b < columns; b++) q[a, b] = Gaussian(rng);
        for (int b = 0; b < columns; b++)
            for (int pass = 0; pass < 2; pass++)
            {
                for (int c = 0; c < b; c++)
                {
                    double dot = 0;
                    for (int a = 0; a < rows; a++) dot += q[a, b] * q[a, c];
                    for (int a = 0; a < rows; a++) q[a, b] -= dot * q[a, c];
                }
                double norm = 0;
                for (int a = 0; a < rows; a++) norm += q[a, b] * q[a, b];
                norm = Math.Sqrt(norm);
                for (int a = 0; a < rows; a++) q[a, b] /= norm;
            }
        return q;
    }

    /// <summary>columns · max |QᵀQ − I|, a bound on ‖QᵀQ − I‖₂ (so ‖Q‖₂² ≤ 1 + this), computed with a float64 margin.</summary>
    private static double OrthogonalityDefect(double[,] q)
    {
        int rows = q.GetLength(0), columns = q.GetLength(1);
        double worst = 0;
        for (int b = 0; b < columns; b++)
            for (int c = 0; c < columns; c++)
            {
                double dot = 0;
                for (int a = 0; a < rows; a++) dot += q[a, b] * q[a, c];
                worst = Math.Max(worst, Math.Abs(dot - (b == c ? 1 : 0)) + Accuracy.Gamma(rows + 1, Fp<double>.U));
            }
        return columns * worst;
    }

    private static double Gaussian(Random rng) =>
        Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble());
}

/// <summary>
/// The fixed corpus of the teacher-forced training check (spec/optimization.md, <c>OPT-SEQ-TRAINING</c>):
/// a few lines over ten characters, read as one token sequence of a character bigram model.
/// </summary>
public static class OptimizationCorpus
{
    public const string Text = """
        the cat sat on the mat
        a cat has a hat
        the hat on the cat
        as the man sat on a mat
        the man has a cat
        """;

    /// <summary>The distinct characters in order (space included; line breaks read as spaces).</summary>
    public static char[] Vocabulary { get; } = Normalised.Distinct().Order().ToArray();

    /// <summary>x₀ … x_T, the characters' indices in <see cref="Vocabulary"/>.</summary>
    public static int[] Tokens { get; } = Normalised.Select(ch => Array.IndexOf(Vocabulary, ch)).ToArray();

    private static string Normalised => string.Join(' ', Text.Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries));

    /// <summary>
    /// The bigram sequence loss with b = 0 as a softmax regression: row t of X is e_{x_{t−1}} (d = V), row t of Y is
    /// e_{xₜ} (K = V), N = T. Then L_regression(W) = L_sequence(W, b = 0) (<c>SEQ-DEF</c>), and σ_max(X)² is the largest
    /// count of a context.
    /// </summary>
    public static RegressionCase<T> AsRegression<T>(double lambda) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int v = Vocabulary.Length, steps = Tokens.Length - 1;
        var x = new T[steps * v];
        var y = new T[steps * v];
        for (int t = 1; t <= steps; t++)
        {
            x[(t - 1) * v + Tokens[t - 1]] = T.One;
            y[(t - 1) * v + Tokens[t]] = T.One;
        }
        int maxCount = Tokens[..^1].GroupBy(a => a).Max(g => g.Count());
        return new RegressionCase<T>(x, y, v, v, Fp<T>.From(lambda), new T[v * v], Math.Sqrt(maxCount), double.NaN, "bigram corpus");
    }
}
