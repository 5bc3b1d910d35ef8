using LossConformance.Optimized.Torch;
using LossConformance.Optimized.Torch.Native;
using TorchSharp;
using Xunit;
using Xunit.Abstractions;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace LossConformance.SelfTests;

/// <summary>
/// libtorch's own behaviour behind each entry of src/Optimized/Torch/TorchKnownDeviations.cs and
/// the note on TorchKernels.KlDivergence, measured with plain torch calls (no backend code in
/// between). A libtorch upgrade that changes one of them fails here, and the entry that cites
/// the test by name must then be revisited.
/// </summary>
public sealed partial class TorchFindings
{
    private static readonly ScalarType[] Both = [ScalarType.Float32, ScalarType.Float64];

    private readonly ITestOutputHelper _output;

    public TorchFindings(ITestOutputHelper output)
    {
        _output = output;
        TorchRuntime.EnsureLoaded();
    }

    [Fact]
    public void Kl_div_is_nan_where_p_and_q_are_both_zero()
    {
        // kl_div computes xlogy(p, p) − p · input with input = ln q: 0 · ln 0 = 0 · (−∞) = NaN where pᵢ = qᵢ = 0.
        double[] p = [1, 0], q = [1, 0];
        foreach (var dtype in Both)
        {
            using var scope = NewDisposeScope();
            var loss = F.kl_div(log(Make(q, dtype, 1, 2)), Make(p, dtype, 1, 2), reduction: nn.Reduction.Sum, log_target: false);
            Assert.True(double.IsNaN(Value(loss)), $"{dtype}: kl_div = {Value(loss)}, expected NaN");
        }
        // Hence the backend composes D(p ‖ q) from xlogy, where xlogy(0, 0) = 0.
        Assert.Equal(0.0, ((IKlDivergence<double>)new TorchImplementation(TorchDeviceKind.Cpu)).KlDivergence(p, q));
    }

    [Fact]
    public void Kl_div_mean_divides_by_every_element()
    {
        // torch's 'mean' divides by the number of elements (n = 4), not by the batch size (1): 'batchmean' is the latter.
        double[] p = [0.1, 0.2, 0.3, 0.4], q = [0.4, 0.3, 0.2, 0.1];
        using var scope = NewDisposeScope();
        var input = log(Make(q, ScalarType.Float64, 1, 4));
        var target = Make(p, ScalarType.Float64, 1, 4);
        double sum = Value(F.kl_div(input, target, reduction: nn.Reduction.Sum, log_target: false));
        double mean = Value(F.kl_div(input, target, reduction: nn.Reduction.Mean, log_target: false));
        _output.WriteLine($"sum = {sum:R}, mean = {mean:R}");
        Assert.True(sum > 0.1, $"sum = {sum}: p and q should be far apart");
        Assert.True(Math.Abs(mean - sum / 4) <= 1e-15 * (sum / 4), $"mean = {mean:R}, sum / 4 = {sum / 4:R}");
    }

    [Fact]
    public void Cross_entropy_mean_over_only_ignored_rows_is_nan()
    {
        // Mean divides the summed loss by the number of counted rows: 0/0 with every row ignored. The gradient is 0.
        double[] logits = [1, 2, 3, 4, 5, 6];
        foreach (var dtype in Both)
            foreach (var reduction in new[] { nn.Reduction.Mean, nn.Reduction.Sum })
            {
                using var scope = NewDisposeScope();
                var z = Make(logits, dtype, 2, 3).requires_grad_();
                var targets = tensor(new long[] { -100, -100 }, [2], ScalarType.Int64);
                var loss = F.cross_entropy(z, targets, ignore_index: -100, reduction: reduction);
                loss.backward();
                double l = Value(loss);
                double[] g = Values(z.grad!);
                _output.WriteLine($"{dtype} {reduction}: loss = {l}, gradient = [{string.Join(", ", g)}]");
                if (reduction == nn.Reduction.Mean) Assert.True(double.IsNaN(l), $"{dtype} Mean: loss = {l}, expected NaN");
                else Assert.Equal(0.0, l);
                Assert.All(g, gi => Assert.Equal(0.0, gi));
            }
    }

    [Fact]
    public void Autograd_of_xlogy_at_zero_zero_is_nan()
    {
        // d/dŷ xlogy(y, ŷ) = y/ŷ, evaluated as 0/0 where y = ŷ = 0, though the term is constant 0 there.
        double[] y = [1, 0, 0];
        foreach (var dtype in Both)
        {
            using var scope = NewDisposeScope();
            var yHat = Make([1, 0, 0], dtype, 3).requires_grad_();
            (-xlogy(Make(y, dtype, 3), yHat).sum()).backward();
            double[] g = Values(yHat.grad!);
            _output.WriteLine($"{dtype}: ∂L/∂ŷ = [{string.Join(", ", g)}]");
            Assert.Equal(-1.0, g[0]);
            Assert.True(double.IsNaN(g[1]) && double.IsNaN(g[2]), $"{dtype}: ∂L/∂ŷ = [{string.Join(", ", g)}], expected [−1, NaN, NaN]");
        }
    }

    [Fact]
    public void Cross_entropy_with_probability_targets_is_nan_where_a_zero_target_meets_an_infinite_log_probability()
    {
        // z = (+max, 1, −max): z₂ − m overflows to −∞, so log_softmax(z)₂ = −∞, and the term y₂·ℓ₂ = 0·(−∞) = NaN although
        // y₂ = 0 contributes nothing (the spec's Σ runs over yᵢ > 0: the loss is m − z₀ + ln s = 0 here).
        foreach (var dtype in Both)
        {
            using var scope = NewDisposeScope();
            double max = dtype == ScalarType.Float32 ? float.MaxValue : double.MaxValue;
            var loss = F.cross_entropy(Make([max, 1, -max], dtype, 1, 3), Make([1, 0, 0], dtype, 1, 3), reduction: nn.Reduction.Sum);
            double value = loss.to_type(ScalarType.Float64).item<double>();
            _output.WriteLine($"{dtype}: cross_entropy = {value}");
            Assert.True(double.IsNaN(value), $"{dtype}: cross_entropy = {value}, expected NaN");
        }
    }

    [Fact]
    public void Cross_entropy_backward_forms_probabilities_through_log_softmax()
    {
        // The input the float suites shrank to: target 6, ŷ₄ ≈ 8.66e-32. The backward of F.cross_entropy is
        // exp(log_softmax(z)) − e_t: log_softmax carries absolute error ≈ u(|zᵢ − m| + ln S) twice over (the
        // shift and the subtraction of ln S), and exp turns it into relative error, about 2u|zᵢ − m| for tiny ŷᵢ,
        // where the direct route exp(zᵢ − m)/S errs by about u|zᵢ − m| (one rounding of zᵢ − m).
        float[] z = [50.411015f, -34.246605f, -4.371515f, 44.847065f, -21.109322f, -33.827293f, -93.64472f];
        using var scope = NewDisposeScope();
        var logits = tensor(z, [1, z.Length], ScalarType.Float32).requires_grad_();
        F.cross_entropy(logits, tensor(new long[] { 6 }, [1], ScalarType.Int64), reduction: nn.Reduction.Mean).backward();
        double got = logits.grad!.data<float>()[4];
        double m = z.Max(), sum = z.Sum(v => Math.Exp(v - (double)m));
        double exact = Math.Exp(z[4] - (double)m) / sum;
        double u = Math.ScaleB(1.0, -24);
        double relative = Math.Abs(got - exact) / exact, directRoute = u * (Math.Abs(z[4] - m) + 6);
        _output.WriteLine($"ŷ₄ = {got:R} vs {exact:R}: relative error {relative / u:F0}u; the direct route's first-order error is {directRoute / u:F0}u");
        Assert.True(relative > 1.2 * directRoute, $"relative error {relative / u:F0}u is within 1.2× the direct route's {directRoute / u:F0}u: libtorch changed its backward");
    }

    [Fact]
    public void Binary_cross_entropy_with_logits_errs_by_u_times_z()
    {
        // torch evaluates (1 − y)·z − log σ(z): two terms of size |z| cancel for z ≪ 0, so the error scales with u·|z|,
        // not with u·L. Measured per input, as the backend calls it: a one-element tensor, reduction Sum.
        var random = new Random(20240607);
        var inputs = new (double Z, double Y)[20_000];
        for (int i = 0; i < inputs.Length; i++)
        {
            double z = (2 * random.NextDouble() - 1) * Math.Pow(10, random.Next(0, 5));
            double y = random.NextDouble() < 0.3 ? 0 : 0.1 * random.NextDouble();
            inputs[i] = (z, y);
        }

        var worstFloat = Worst(inputs, ScalarType.Float32);
        var worstDouble = Worst(inputs, ScalarType.Float64);
        _output.WriteLine($"worst |error| / (u·(|z| + 1)) over {inputs.Length} inputs: float {worstFloat.Ratio:F2} at z = {worstFloat.Z:R}, y = {worstFloat.Y:R}; "
                          + $"double {worstDouble.Ratio:F2} at z = {worstDouble.Z:R}, y = {worstDouble.Y:R}");
        Assert.True(worstFloat.Ratio <= 4, $"float: worst ratio {worstFloat.Ratio}");
        Assert.True(worstDouble.Ratio <= 4, $"double: worst ratio {worstDouble.Ratio}");

        // For y = 0, L = log(1 + e^z) is rounded to 0 once e^z < u: no log1p. float z = −30: L ≈ 9.4e-14, torch says 0.
        double torchAtMinus30 = Torch(-30, 0, ScalarType.Float32);
        var exact = Reference(-30, 0);
        _output.WriteLine($"float z = −30, y = 0: torch {torchAtMinus30:R}, exact {exact.Hi + exact.Lo:R}");
        Assert.Equal(0.0, torchAtMinus30);
        Assert.InRange(exact.Hi + exact.Lo, 9.3e-14, 9.4e-14);

        // The recorded examples: the error is of the size u·|z|, far above u·(L + 1), the scale of the spec's bound.
        foreach (var (z, y, dtype) in new[] { (-624.0, 0.001, ScalarType.Float32), (-33.0, 0.0, ScalarType.Float64) })
        {
            double u = dtype == ScalarType.Float32 ? Math.ScaleB(1, -24) : Math.ScaleB(1, -53);
            double zr = dtype == ScalarType.Float32 ? (float)z : z, yr = dtype == ScalarType.Float32 ? (float)y : y;
            var (hi, lo) = Reference(zr, yr);
            double t = Torch(zr, yr, dtype), error = Math.Abs(t - hi - lo);
            _output.WriteLine($"{dtype} z = {z}, y = {y}: torch {t:R}, exact {hi + lo:R}; |error| = {error:G3} = "
                              + $"{error / (u * (Math.Abs(zr) + 1)):F2} u·(|z| + 1) = {error / (u * (hi + lo + 1)):F0} u·(L + 1)");
            Assert.InRange(error / (u * (Math.Abs(zr) + 1)), 0, 4);
            Assert.True(error > 10 * u * (hi + lo + 1), $"{dtype} z = {z}, y = {y}: |error| = {error:G3} is within 10 u·(L + 1)");
        }
    }

    /// <summary>The largest |torch − exact| / (u·(|z| + 1)) over the inputs, rounded to the dtype first.</summary>
    private static (double Ratio, double Z, double Y) Worst((double Z, double Y)[] inputs, ScalarType dtype)
    {
        double u = dtype == ScalarType.Float32 ? Math.ScaleB(1, -24) : Math.ScaleB(1, -53);
        (double Ratio, double Z, double Y) worst = (0, 0, 0);
        foreach (var (z0, y0) in inputs)
        {
            double z = dtype == ScalarType.Float32 ? (float)z0 : z0, y = dtype == ScalarType.Float32 ? (float)y0 : y0;
            var (hi, lo) = Reference(z, y);
            double ratio = Math.Abs(Torch(z, y, dtype) - hi - lo) / (u * (Math.Abs(z) + 1));
            if (ratio > worst.Ratio) worst = (ratio, z, y);
        }
        return worst;
    }

    private static double Torch(double z, double y, ScalarType dtype)
    {
        using var scope = NewDisposeScope();
        return Value(F.binary_cross_entropy_with_logits(Make([z], dtype, 1), Make([y], dtype, 1), reduction: nn.Reduction.Sum));
    }

    /// <summary>
    /// L = max(z, 0) − z·y + log1p(e^{−|z|}) in double as hi + lo: max(z, 0) − z·y carried exactly (FMA and TwoSum),
    /// so the reference's own error is that of the log1p term, below u_double.
    /// </summary>
    private static (double Hi, double Lo) Reference(double z, double y)
    {
        double m = Math.Max(z, 0), p = z * y, pe = Math.FusedMultiplyAdd(z, y, -p);   // z·y = p + pe
        double s = m - p, v = s - m, se = (m - (s - v)) + (-p - v);                     // m − p = s + se
        return (s, se - pe + Log1p(Math.Exp(-Math.Abs(z))));
    }

    /// <summary>log(1 + x), accurate for small x (Math.Log(1 + x) loses x below u).</summary>
    private static double Log1p(double x)
    {
        double w = 1 + x;
        return w == 1 ? x : Math.Log(w) * x / (w - 1);
    }

    private static Tensor Make(double[] values, ScalarType dtype, params long[] shape) => tensor(values, shape, dtype);

    private static double Value(Tensor t) => t.detach().to_type(ScalarType.Float64).item<double>();

    private static double[] Values(Tensor t) => t.detach().to_type(ScalarType.Float64).contiguous().data<double>().ToArray();
}
