using LossConformance.Optimized.Torch.Native;
using TorchSharp;
using Xunit;
using Xunit.Abstractions;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace LossConformance.SelfTests;

/// <summary>
/// libtorch's own behaviour behind the two places where src/Optimized/Torch/TorchLossOptions.cs composes around
/// it, measured with plain torch calls. A libtorch upgrade that changes one fails here, and the note citing the
/// test by name must then be revisited.
/// </summary>
public sealed class TorchLossOptionsFindings
{
    private readonly ITestOutputHelper _output;

    public TorchLossOptionsFindings(ITestOutputHelper output)
    {
        _output = output;
        TorchRuntime.EnsureLoaded();
    }

    /// <summary>
    /// F.cross_entropy(reduction: mean) with weights divides by Σ w_{tᵣ}: 0/0 = NaN when every counted target has
    /// weight 0 (and every row ignored). With label smoothing it is NaN too, not +∞ (measured, libtorch 2.10: the
    /// result is (1 − ε)·(0/0) + ε·(smoothing term/0) = NaN + ∞). The spec defines these means as 0
    /// (LOSSOPT-ZERO-WEIGHT), so the backend decides them on the host.
    /// </summary>
    [Fact]
    public void Cross_entropy_mean_with_zero_total_weight_is_nan_or_infinite()
    {
        foreach (var dtype in new[] { ScalarType.Float32, ScalarType.Float64 })
        {
            using var scope = NewDisposeScope();
            var z = torch.tensor(new double[] { 1, 2, 3, 0, -1, 4 }, [2, 3], dtype);
            var weight = torch.tensor(new double[] { 0, 1, 1 }, [3], dtype);
            var t = torch.tensor(new long[] { 0, 0 }, [2], ScalarType.Int64);
            double plain = F.cross_entropy(z, t, weight: weight, reduction: nn.Reduction.Mean).to_type(ScalarType.Float64).item<double>();
            double smoothed = F.cross_entropy(z, t, weight: weight, reduction: nn.Reduction.Mean, label_smoothing: 0.1).to_type(ScalarType.Float64).item<double>();
            double ignored = F.cross_entropy(z, torch.tensor(new long[] { -100, -100 }, [2], ScalarType.Int64), reduction: nn.Reduction.Mean).to_type(ScalarType.Float64).item<double>();
            _output.WriteLine($"{dtype}: W_K = 0: mean = {plain}, with ε = 0.1: {smoothed}; every row ignored: {ignored}");
            Assert.True(double.IsNaN(plain), $"{dtype}: {plain}");
            Assert.True(double.IsNaN(smoothed), $"{dtype}: {smoothed}");
            Assert.True(double.IsNaN(ignored), $"{dtype}: {ignored}");
        }
    }

    /// <summary>
    /// torch.logsumexp's backward is exp(z − lse) with lse rounded at the logits' magnitude: in float at |z| ≈ 1e3
    /// the softmax it gives errs relatively by ≈ u·|lse| ≈ 6e-5, against ≈ 1e-7 when the max is subtracted first
    /// (exp((z − m) − lse₀)). The backend's z-loss takes lse = m + logsumexp(z − m) with m detached.
    /// </summary>
    [Fact]
    public void Logsumexp_backward_errs_by_u_times_lse()
    {
        // 32 rows of 5 logits near 1000 (each row shifted by a different fraction, so the rounding of lse varies).
        const int rows = 32, columns = 5;
        double[] pattern = [0.0, 0.5, -0.75, -2.0, 0.125];
        var values = new double[rows * columns];
        var exact = new double[values.Length];
        for (int r = 0; r < rows; r++)
        {
            for (int j = 0; j < columns; j++) values[r * columns + j] = (float)(1000.0 + 0.37 * r + pattern[j]);
            double m = Enumerable.Range(0, columns).Max(j => values[r * columns + j]);
            double s = Enumerable.Range(0, columns).Sum(j => Math.Exp(values[r * columns + j] - m));
            for (int j = 0; j < columns; j++) exact[r * columns + j] = Math.Exp(values[r * columns + j] - m) / s;
        }
        double Worst(Tensor grad) => grad.to_type(ScalarType.Float64).data<double>().ToArray().Select((g, i) => Math.Abs(g - exact[i]) / exact[i]).Max();

        using var scope = NewDisposeScope();
        var z = torch.tensor(values, [rows, columns], ScalarType.Float32).requires_grad_();
        torch.logsumexp(z, 1, keepdim: false).sum().backward();
        double direct = Worst(z.grad!);
        var z2 = torch.tensor(values, [rows, columns], ScalarType.Float32).requires_grad_();
        var shift = z2.amax([1], keepdim: true).detach();
        (torch.logsumexp(z2 - shift, 1, keepdim: false) + shift.squeeze(1)).sum().backward();
        double shifted = Worst(z2.grad!);
        _output.WriteLine($"float, z ≈ 1000: worst relative error of ∂lse/∂z = softmax: torch.logsumexp {direct:E2}, max-shifted {shifted:E2} (u = 6.0e-8)");
        Assert.True(direct > 1e-5, $"torch.logsumexp's backward is accurate here ({direct:E2}): the shift may no longer be needed");
        Assert.True(shifted < 1e-6, $"the max-shifted backward errs by {shifted:E2}");
    }
}
