using LossConformance.Optimized.Torch;
using Xunit;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace LossConformance.SelfTests;

// libtorch against the strict tier (spec/strict-accuracy.md), measured directly: the findings behind
// TorchKnownDeviations' STRICT-* entries. A libtorch upgrade that fixes one fails here first.
public sealed partial class TorchFindings
{
    private const double TailOf40 = 4.248354255291589e-18;   // log1p(e^−40), to the last digit

    [Fact]
    public void Log_softmax_rounds_the_log_probability_of_a_far_maximum_to_zero()
    {
        foreach (var dtype in Both)
        {
            using var scope = NewDisposeScope();
            var z = Make([0, -40], dtype, 2);
            double l0 = Value(F.log_softmax(z, 0)[0]);
            double ce = Value(F.cross_entropy(Make([0, -40], dtype, 1, 2), tensor(new long[] { 0 }), reduction: nn.Reduction.Sum));
            _output.WriteLine($"{dtype}: log_softmax((0, −40))₀ = {l0:R}, cross_entropy = {ce:R}; exact −{TailOf40:R}, {TailOf40:R}");
            Assert.Equal(0.0, l0);   // 1 + e^−40 rounds to 1 before the log
            Assert.Equal(0.0, ce);
        }
    }

    [Fact]
    public void Binary_cross_entropy_with_logits_rounds_a_tiny_loss_to_zero()
    {
        foreach (var dtype in Both)
        {
            using var scope = NewDisposeScope();
            double l = Value(F.binary_cross_entropy_with_logits(Make([-40], dtype, 1), Make([0], dtype, 1), reduction: nn.Reduction.Sum));
            _output.WriteLine($"{dtype}: binary_cross_entropy_with_logits(z = −40, y = 0) = {l:R}; exact {TailOf40:R}");
            Assert.Equal(0.0, l);   // log(1 + e^−40) without log1p
        }
    }

    [Fact]
    public void Kl_of_nearby_distributions_does_not_shrink_with_their_distance()
    {
        // The backend's D = Σ(xlogy(p, p) − xlogy(p, q)); p = (½, ½), q = (½ + 2⁻⁴⁵, ½ − 2⁻⁴⁵): D = 2⁻⁹⁰·(1 + …) = 1.6155871338926322e-27.
        double e = Math.ScaleB(1, -45);
        double d = ((IKlDivergence<double>)new TorchImplementation(TorchDeviceKind.Cpu)).KlDivergence([0.5, 0.5], [0.5 + e, 0.5 - e]);
        _output.WriteLine($"double: D = {d:R}; exact 1.6155871338926322e-27");
        Assert.Equal(0.0, d);
    }
}
