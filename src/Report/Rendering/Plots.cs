using ScottPlot;

namespace LossConformance.Report.Rendering;

/// <summary>A rendered plot: a file-safe name, a caption and the PNG bytes.</summary>
public sealed record PlotImage(string Name, string Caption, byte[] Png);

/// <summary>
/// The report's plots, drawn with ScottPlot (PNG; the HTML embeds them as data: URIs). ScottPlot draws
/// text with a system font (Debian: fonts-dejavu-core, installed by .ci/setup).
/// </summary>
public static class Plots
{
    /// <summary>The kernels whose error against input length is plotted, when their records carry samples.</summary>
    public static readonly string[] MainKernels = ["ENT-DEF", "XENT-DEF", "KL-DEF", "SMAX-DEF", "GRAD-LOGITS", "LIN-GRAD-W", "SEQ-DEF"];

    /// <summary>Ratios below this are drawn at it (a ratio of 1e-300 says "exact", and would squash the scale).</summary>
    public const double Floor = 1e-6;

    public static IReadOnlyList<PlotImage> All(ConformanceReport report)
    {
        var plots = new List<PlotImage>();
        if (WorstRatios(report) is { } worst) plots.Add(worst);
        plots.AddRange(ErrorAgainstLength(report, MainKernels));
        plots.Add(KlFitsPlot());
        plots.AddRange(Convergence(report));
        return plots;
    }

    /// <summary>Worst error / bound per clause (x) and column (one marker series each), log scale: 1 is the bound.</summary>
    public static PlotImage? WorstRatios(ConformanceReport report)
    {
        var clauses = report.Clauses.Where(c => c.Cells.Any(x => x.WorstRatio is > 0)).ToArray();
        if (clauses.Length == 0) return null;
        var plot = new Plot();
        var palette = new ScottPlot.Palettes.Category10();
        int colorIndex = 0;
        foreach (var column in report.Columns)
        {
            var xs = new List<double>(); var ys = new List<double>();
            for (int i = 0; i < clauses.Length; i++)
                if (clauses[i].Cells.FirstOrDefault(c => c.Column == column.Id)?.WorstRatio is { } r && r > 0 && double.IsFinite(r))
                { xs.Add(i); ys.Add(Math.Log10(Math.Max(r, Floor))); }
            if (xs.Count == 0) continue;
            var scatter = plot.Add.ScatterPoints(xs.ToArray(), ys.ToArray());
            scatter.Color = palette.GetColor(colorIndex++);
            scatter.MarkerSize = 7;
            scatter.LegendText = column.Id;
        }
        var bound = plot.Add.HorizontalLine(0);
        bound.LegendText = "bound (ratio 1)";
        bound.LinePattern = LinePattern.Dashed;
        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericManual(
            Enumerable.Range(0, clauses.Length).Select(i => (double)i).ToArray(), clauses.Select(c => c.Id).ToArray());
        plot.Axes.Bottom.TickLabelStyle.Rotation = 90;
        plot.Axes.Bottom.TickLabelStyle.Alignment = Alignment.MiddleLeft;
        plot.Axes.Bottom.MinimumSize = 190;
        LogAxis(plot.Axes.Left);
        plot.YLabel("worst |error| / bound (log scale)");
        plot.Title("Worst error as a fraction of its bound, per clause and implementation");
        plot.ShowLegend(Alignment.UpperRight);
        return new PlotImage("worst-ratio", "Worst error / bound per clause × implementation (log scale; above 1 breaks the bound; below 1e-6 drawn at 1e-6).",
                             plot.GetImageBytes(Math.Max(900, 18 * clauses.Length + 200), 620, ImageFormat.Png));
    }

    /// <summary>Error / bound against input length n, from the records' samples, one plot per kernel clause.</summary>
    public static IEnumerable<PlotImage> ErrorAgainstLength(ConformanceReport report, IEnumerable<string> clauseIds)
    {
        foreach (string id in clauseIds)
        {
            var clause = report.Clauses.FirstOrDefault(c => c.Id == id);
            if (clause is null || clause.Cells.All(c => c.Samples.Count == 0)) continue;
            yield return SamplesPlot($"samples-{id}", $"{id}: error / bound against input length n", clause.Cells, x => Math.Log10(x), "n (log scale)");
        }
    }

    /// <summary>
    /// The hook for convergence curves: clauses of spec/optimization.md whose records carry samples
    /// (step, value) are plotted one curve per column. The optimizer issue adds the clauses and tests.
    /// </summary>
    public static IEnumerable<PlotImage> Convergence(ConformanceReport report) =>
        report.Clauses.Where(c => c.File == "optimization.md" && c.Cells.Any(x => x.Samples.Count > 0))
            .Select(c => SamplesPlot($"convergence-{c.Id}", $"{c.Id}: convergence (samples of its records: step, value)", c.Cells, x => x, "step"));

    private static PlotImage SamplesPlot(string name, string caption, IReadOnlyList<Cell> cells, Func<double, double> x, string xLabel)
    {
        var plot = new Plot();
        var palette = new ScottPlot.Palettes.Category10();
        int colorIndex = 0;
        foreach (var cell in cells.Where(c => c.Samples.Count > 0))
        {
            var points = cell.Samples.Where(s => s[0] > 0 && s[1] > 0 && double.IsFinite(s[1])).OrderBy(s => s[0]).ToArray();
            if (points.Length == 0) continue;
            var scatter = plot.Add.ScatterPoints(points.Select(s => x(s[0])).ToArray(), points.Select(s => Math.Log10(Math.Max(s[1], Floor))).ToArray());
            scatter.Color = palette.GetColor(colorIndex++);
            scatter.MarkerSize = 5;
            scatter.LegendText = cell.Column;
        }
        LogAxis(plot.Axes.Left);
        if (xLabel.Contains("log")) LogAxis(plot.Axes.Bottom);
        plot.XLabel(xLabel);
        plot.YLabel("|error| / bound (log scale, floor 1e-6)");
        plot.Title(caption);
        plot.ShowLegend(Alignment.UpperLeft);
        return new PlotImage(name, caption, plot.GetImageBytes(900, 480, ImageFormat.Png));
    }

    /// <summary>The forward- and reverse-KL fits of KL-FORWARD-COVERS / KL-REVERSE-SEEKS: p and both Gaussian-shaped fits on the grid.</summary>
    public static PlotImage KlFitsPlot()
    {
        var fits = KlFits.Compute();
        var plot = new Plot();
        var p = plot.Add.Scatter(fits.Grid, fits.P);
        p.LegendText = "p (bimodal target)";
        p.LineWidth = 3; p.MarkerSize = 0;
        var forward = plot.Add.Scatter(fits.Grid, fits.Forward.Q);
        forward.LegendText = $"argmin D(p‖q): μ = {fits.Forward.Mu:0.00}, σ = {fits.Forward.Sigma:0.00} (covers both modes)";
        forward.LineWidth = 2; forward.MarkerSize = 0; forward.LinePattern = LinePattern.Dashed;
        var reverse = plot.Add.Scatter(fits.Grid, fits.Reverse.Q);
        reverse.LegendText = $"argmin D(q‖p): μ = {fits.Reverse.Mu:0.00}, σ = {fits.Reverse.Sigma:0.00} (seeks one mode)";
        reverse.LineWidth = 2; reverse.MarkerSize = 0; reverse.LinePattern = LinePattern.Dotted;
        plot.XLabel("x (grid of " + fits.Grid.Length + " points)");
        plot.YLabel("probability");
        plot.Title("KL-FORWARD-COVERS / KL-REVERSE-SEEKS: one Gaussian-shaped q fitted to a bimodal p");
        plot.ShowLegend(Alignment.UpperRight);
        return new PlotImage("kl-fits", "Forward KL covers both modes, reverse KL seeks one (fits computed with the reference's D).",
                             plot.GetImageBytes(900, 480, ImageFormat.Png));
    }

    /// <summary>Values are log10 of the quantity; ticks read 10^k, with log-spaced minor ticks.</summary>
    private static void LogAxis(ScottPlot.IAxis axis)
    {
        axis.TickGenerator = new ScottPlot.TickGenerators.NumericAutomatic
        {
            MinorTickGenerator = new ScottPlot.TickGenerators.LogMinorTickGenerator(),
            IntegerTicksOnly = true,
            LabelFormatter = y => Math.Pow(10, y).ToString("0.##E+0", System.Globalization.CultureInfo.InvariantCulture),
        };
    }
}
