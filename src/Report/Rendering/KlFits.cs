using LossConformance.Reference;

namespace LossConformance.Report.Rendering;

/// <summary>A discretised Gaussian on the grid and the divergence it reaches.</summary>
public sealed record Fit(double Mu, double Sigma, double Divergence, double[] Q);

/// <summary>The two fits of claims 3.3 / 3.4 on one grid.</summary>
public sealed record KlFitResult(double[] Grid, double[] P, Fit Forward, Fit Reverse);

/// <summary>
/// Fits one Gaussian-shaped q (a normal density on a grid, normalised) to a bimodal p, once minimising the
/// forward divergence D(p‖q) and once the reverse D(q‖p), both computed with the reference
/// (<see cref="KlDivergence.Forward"/>, <see cref="KlDivergence.Reverse"/>). A grid search over (μ, σ) then a
/// refinement around the best point: the objective is smooth but the reverse one has two local minima, one per mode,
/// which a local method started at the middle would miss.
/// </summary>
public static class KlFits
{
    public static KlFitResult Compute()
    {
        const int n = 201;
        var grid = Enumerable.Range(0, n).Select(i => -6 + 12.0 * i / (n - 1)).ToArray();
        // p: 0.6 N(−2, 0.6²) + 0.4 N(2.5, 0.8²), normalised on the grid.
        var p = Normalise(grid.Select(x => 0.6 * Density(x, -2, 0.6) + 0.4 * Density(x, 2.5, 0.8)).ToArray());
        var forward = Minimise(grid, q => KlDivergence.Forward(p, q));
        var reverse = Minimise(grid, q => KlDivergence.Forward(q, p));
        return new KlFitResult(grid, p, forward, reverse);
    }

    private static Fit Minimise(double[] grid, Func<double[], double> objective)
    {
        Fit best = new(0, 1, double.PositiveInfinity, []);
        void Try(double mu, double sigma)
        {
            if (sigma <= 0.05) return;
            var q = Gaussian(grid, mu, sigma);
            double d = objective(q);
            if (d < best.Divergence) best = new Fit(mu, sigma, d, q);
        }
        for (double mu = -5; mu <= 5; mu += 0.1)
            for (double sigma = 0.2; sigma <= 5; sigma += 0.1)
                Try(mu, sigma);
        for (double step = 0.05; step > 1e-4; step /= 2)
        {
            var (mu0, sigma0) = (best.Mu, best.Sigma);
            for (int i = -4; i <= 4; i++)
                for (int j = -4; j <= 4; j++)
                    Try(mu0 + i * step, sigma0 + j * step);
        }
        return best;
    }

    private static double[] Gaussian(double[] grid, double mu, double sigma) => Normalise(grid.Select(x => Density(x, mu, sigma)).ToArray());

    private static double Density(double x, double mu, double sigma) => Math.Exp(-0.5 * ((x - mu) / sigma) * ((x - mu) / sigma)) / sigma;

    private static double[] Normalise(double[] v)
    {
        double s = v.Sum();
        return v.Select(x => x / s).ToArray();
    }
}
