using System.Diagnostics;
using System.Globalization;
using System.Text;
using LossConformance;
using LossConformance.Kit;
using LossConformance.Optimized.Cpu;
using MathNet.Numerics.LinearAlgebra;
using Ref = LossConformance.Reference;

// Gradient descent against Newton's method on softmax regressions (spec/optimization.md, "The comparison").
// Writes results.md, and PNG and SVG plots, into the folder given as the first argument (default bench/Optimization/results).
CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
string outDir = args.Length > 0 ? args[0] : Path.Combine("bench", "Optimization", "results");
Directory.CreateDirectory(outDir);
var report = new StringBuilder();
void Line(string s = "") { Console.WriteLine(s); report.AppendLine(s); }
var cpu = new OptimizedCpuImplementation();

// ---- 1. Convergence on three problems, from well to badly conditioned ----
Line("### Convergence: N = 400, d = 10, K = 5 (d·K = 50), float64, W₀ = 0, target ‖∇L‖ ≤ 1e-10");
Line();
Line("| L̄/μ | method | iterations | ‖∇L‖ at the end | wall time (ms) | bytes allocated per iteration | rate |");
Line("| --- | --- | --- | --- | --- | --- | --- |");
foreach (double kappa in new[] { 1e1, 1e2, 1e4 })
{
    var c = Problem(new Random(7), 400, 10, 5, kappa);
    double lbar = c.Smoothness;
    var newton = Run("Newton-CG", c, (w, next) => cpu.NewtonStep(c.ProblemD, w, next), 60);
    var dense = Run("Newton (dense, Cholesky)", c, (w, next) => Ref.SoftmaxRegression.NewtonStep(c.ProblemD, w, next), 60);
    double eta = 1 / lbar;
    var gd = Run("GD, η = 1/L̄", c, (w, next) => cpu.GradientDescentStep(c.ProblemD, w, eta, next), kappa >= 1e4 ? 3000 : 20000);
    double optimum = newton.Loss[^1];
    foreach (var r in new[] { newton, dense, gd })
    {
        string rate = r.Name.StartsWith("GD")
            ? $"‖∇L‖ ratio per step {Math.Pow(r.Gradient[^1] / r.Gradient[0], 1.0 / (r.Gradient.Count - 1)):F6} (bound √(1 − μ/L̄) on the gap's square root: {Math.Sqrt(1 - 1 / c.ProblemConditioning):F6})"
            : $"order {Order(r.Gradient):F2}";
        string its = r.Gradient[^1] <= 1e-10 ? $"{r.Gradient.Count - 1}" : $"> {r.Gradient.Count - 1} (not reached)";
        Line($"| {c.ProblemConditioning:G3} | {r.Name} | {its} | {r.Gradient[^1]:E2} | {r.Milliseconds[^1]:F1} | {r.BytesPerIteration:N0} | {rate} |");
    }
    if (gd.Gradient[^1] > 1e-10)
    {
        // GD's gap contracts by (1 − μ/L̄) per step at worst; at the measured rate it would need this many steps:
        double perStep = Math.Pow(gd.Gradient[^1] / gd.Gradient[0], 1.0 / (gd.Gradient.Count - 1));
        double needed = Math.Log(1e-10 / gd.Gradient[0]) / Math.Log(perStep);
        Line($"| | GD extrapolated at its measured rate | ≈ {needed:E2} | 1e-10 | ≈ {needed * gd.Milliseconds[^1] / (gd.Gradient.Count - 1):E2} | | {needed / (newton.Gradient.Count - 1):E2} × Newton's iterations |");
    }
    Plot($"convergence-kappa-{kappa:E0}", $"L̄/μ = {c.ProblemConditioning:G3} (N = 400, d·K = 50)", [newton, dense, gd], optimum);
}
Line();

// ---- 2. Wall time to ‖∇L‖ ≤ 1e-8 as d·K grows ----
Line("### Crossover: N = 1000, K = 10, L̄/μ = 1e3, float64, time to ‖∇L‖ ≤ 1e-8");
Line();
Line("| d·K | GD, η = 1/L̄ (iterations) | Newton, dense H + Cholesky (iterations) | Newton-CG (iterations) | dense H bytes | Newton-CG bytes per iteration | GD bytes per iteration |");
Line("| --- | --- | --- | --- | --- | --- | --- |");
foreach (int d in new[] { 2, 5, 10, 20, 50 })
{
    var c = Problem(new Random(11), 1000, d, 10, 1e3);
    double eta = 1 / c.Smoothness;
    var gd = Run("GD", c, (w, next) => cpu.GradientDescentStep(c.ProblemD, w, eta, next), 30000, 1e-8, 60_000);
    var dense = Run("dense", c, (w, next) => DenseNewton(cpu, c.ProblemD, w, next), 60, 1e-8);
    var cg = Run("CG", c, (w, next) => cpu.NewtonStep(c.ProblemD, w, next), 60, 1e-8);
    string Cell(RunResult r) => r.Gradient[^1] <= 1e-8 ? $"{r.Milliseconds[^1]:F0} ms ({r.Gradient.Count - 1})" : $"> {r.Milliseconds[^1]:F0} ms (> {r.Gradient.Count - 1}, not reached)";
    long m = d * 10;
    Line($"| {m} | {Cell(gd)} | {Cell(dense)} | {Cell(cg)} | {m * m * 8:N0} | {cg.BytesPerIteration:N0} | {gd.BytesPerIteration:N0} |");
}
Line();

// ---- 3. Teacher-forced bigram training ----
Line("### Teacher-forced bigram training (OPT-SEQ-TRAINING): the corpus of OptimizationCorpus, λ = 0.01, b = 0");
Line();
{
    var c = OptimizationCorpus.AsRegression<double>(0.01);
    int v = c.D;
    var tokens = OptimizationCorpus.Tokens;
    double eta = 1 / c.Smoothness;
    var w = new double[v * v];
    var next = new double[v * v];
    var g = new double[v * v];
    var gw = new double[v * v];
    var gb = new double[v];
    double worst = 0;
    var losses = new List<double>();
    for (int k = 0; k < 2000; k++)
    {
        double loss = Ref.SoftmaxRegression.LossAndGradient(c.ProblemD, w, g);
        double seq = Ref.SequenceLoss.LossAndGradients(tokens, v, w, new double[v], 0.01, gw, gb);
        worst = Math.Max(worst, Math.Max(Math.Abs(loss - seq), g.Zip(gw, (a, b) => Math.Abs(a - b)).Max()));
        losses.Add(loss);
        if (RegressionAccuracy.Norm(g) <= 1e-10) break;
        Ref.SoftmaxRegression.GradientDescentStep(c.ProblemD, w, eta, next);
        (w, next) = (next, w);
    }
    var newton = Run("Newton", c, (x, n) => Ref.SoftmaxRegression.NewtonStep(c.ProblemD, x, n), 60);
    Line($"V = {v}, T = {tokens.Length - 1}. GD (η = 1/L̄ = {eta:G4}): L from {losses[0]:F6} to {losses[^1]:F6} in {losses.Count - 1} steps; largest rise between steps {losses.Zip(losses.Skip(1)).Max(p => p.Second - p.First):E2} (steps with a rise: {losses.Zip(losses.Skip(1)).Count(p => p.Second > p.First)}; 2⁻⁵³·L = {losses[^1] * Math.ScaleB(1.0, -53):E2}).");
    Line($"Newton: L* = {newton.Loss[^1]:F6} in {newton.Gradient.Count - 1} steps; ‖W_GD − W_Newton‖ = {RegressionAccuracy.Norm(w.Zip(newton.Final, (a, b) => a - b).ToArray()):E2}.");
    Line($"At every GD step the regression's loss and gradient equal the sequence loss's (1/T)Σₜ e_{{x_{{t−1}}}}(ŷₜ − yₜ)ᵀ + λW within {worst:E2}.");
}

File.WriteAllText(Path.Combine(outDir, "results.md"), report.ToString());
Console.WriteLine($"wrote {outDir}/results.md and the plots");

// ---- helpers ----

RegressionCase<double> Problem(Random rng, int n, int d, int k, double kappa)
{
    var c = OptimizationCases<double>.Build(rng, n, d, k, 10, 1, "hard", "zero start");
    double data = c.Smoothness - c.LambdaD;
    return c.With(lambda: data / (kappa - 1));   // L̄/μ = (data + λ)/λ = κ
}

RunResult Run(string name, RegressionCase<double> c, Func<double[], double[], double> step, int maxIterations, double target = 1e-10, double maxMilliseconds = double.PositiveInfinity)
{
    var w = new double[c.Parameters];
    var next = new double[c.Parameters];
    var g = new double[c.Parameters];
    var result = new RunResult(name);
    long bytes = GC.GetAllocatedBytesForCurrentThread();
    var clock = Stopwatch.StartNew();
    double elapsedChecks = 0;
    for (int k = 0; ; k++)
    {
        var pause = Stopwatch.StartNew();   // the bookkeeping evaluation is not the method's time
        double loss = cpu.LossAndGradient(c.ProblemD, w, g);
        elapsedChecks += pause.Elapsed.TotalMilliseconds;
        result.Loss.Add(loss);
        result.Gradient.Add(RegressionAccuracy.Norm(g));
        result.Milliseconds.Add(clock.Elapsed.TotalMilliseconds - elapsedChecks);
        if (result.Gradient[^1] <= target || k == maxIterations || result.Milliseconds[^1] > maxMilliseconds) break;
        step(w, next);
        (w, next) = (next, w);
    }
    result.BytesPerIteration = (GC.GetAllocatedBytesForCurrentThread() - bytes) / Math.Max(1, result.Gradient.Count);
    result.Final = w;
    return result;
}

static double DenseNewton(OptimizedCpuImplementation cpu, SoftmaxRegressionProblem<double> p, double[] w, double[] next)
{
    int m = p.Parameters;
    var g = new double[m];
    cpu.LossAndGradient(p, w, g);
    var h = new double[m * m];
    cpu.Hessian(p, w, h);
    var step = Matrix<double>.Build.Dense(m, m, (r, k) => h[r * m + k]).Cholesky().Solve(Vector<double>.Build.Dense(g).Negate());
    return Ref.SoftmaxRegression.ArmijoBacktracking(p, w, step.ToArray(), next);
}

static double Order(List<double> g)
{
    for (int k = g.Count - 1; k >= 2; k--)
        if (g[k] > 1e-13 && g[k - 1] < 1e-2 && g[k - 1] < g[k - 2])
            return Math.Log(g[k] / g[k - 1]) / Math.Log(g[k - 1] / g[k - 2]);
    return double.NaN;
}

void Plot(string file, string title, RunResult[] runs, double optimum)
{
    foreach (bool byTime in new[] { false, true })
    {
        var plt = new ScottPlot.Plot();
        foreach (var r in runs)
        {
            double[] x = byTime ? r.Milliseconds.ToArray() : Enumerable.Range(0, r.Gradient.Count).Select(i => (double)i).ToArray();
            var gn = plt.Add.ScatterLine(x, r.Gradient.Select(v => Math.Log10(Math.Max(v, 1e-17))).ToArray());
            gn.LegendText = $"{r.Name}: log10 ‖∇L‖";
            var gap = plt.Add.ScatterLine(x, r.Loss.Select(v => Math.Log10(Math.Max(v - optimum, 1e-17))).ToArray());
            gap.LegendText = $"{r.Name}: log10 (L − L*)";
            gap.LinePattern = ScottPlot.LinePattern.Dashed;
            gap.Color = gn.Color;
        }
        if (!byTime) plt.Axes.Bottom.Label.Text = "iteration";
        else plt.Axes.Bottom.Label.Text = "wall time (ms)";
        plt.Axes.Left.Label.Text = "log10";
        plt.Title(title);
        plt.ShowLegend(ScottPlot.Alignment.UpperRight);
        if (byTime || runs.Max(r => r.Gradient.Count) > 200) plt.Axes.SetLimitsX(0, byTime ? runs.Max(r => r.Milliseconds[^1]) : runs.Max(r => r.Gradient.Count));
        string name = $"{file}-{(byTime ? "time" : "iteration")}";
        plt.SavePng(Path.Combine(outDir, name + ".png"), 900, 560);
        plt.SaveSvg(Path.Combine(outDir, name + ".svg"), 900, 560);
    }
}

sealed class RunResult(string name)
{
    public string Name { get; } = name;
    public List<double> Loss { get; } = [];
    public List<double> Gradient { get; } = [];
    public List<double> Milliseconds { get; } = [];
    public long BytesPerIteration { get; set; }
    public double[] Final { get; set; } = [];
}
