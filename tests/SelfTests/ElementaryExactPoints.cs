using System.Runtime.Intrinsics;
using LossConformance.Kit;
using LossConformance.Optimized.Cpu.Simd;
using LossConformance.Optimized.Gpu;
using Xunit;
using Xunit.Abstractions;

namespace LossConformance.SelfTests;

/// <summary>
/// ACC-MODEL (5): exp(0) = 1 and ln 1 = 0 exactly, and exp and ln non-decreasing, for every exp and
/// ln the project's implementations use: .NET's Math/MathF (Reference, and the scalar code of
/// Optimized-CPU), Optimized-CPU's VectorMath (scalar and every vector width) and Optimized-GPU's
/// DeviceMath (run here on the CPU: it is plain IEEE arithmetic). Monotonicity is checked on runs of 1 024
/// consecutive arguments (every float or double in a window, each against its successor) at 0,
/// at 1, at the ends of the kernels' ranges and at random places; cheap, not exhaustive.
/// </summary>
public sealed class ElementaryExactPoints(ITestOutputHelper output)
{
    private const int Run = 1024, Windows = 16;

    private static readonly (string Name, Func<float, float> Exp, Func<float, float> Log)[] Single =
    [
        ("MathF", MathF.Exp, MathF.Log),
        ("VectorMath (scalar)", VectorMath.Exp, VectorMath.Log),
        ("VectorMath (Vector128)", x => VectorMath.Exp(Vector128.Create(x)).GetElement(1), x => VectorMath.Log(Vector128.Create(x)).GetElement(1)),
        ("VectorMath (Vector256)", x => VectorMath.Exp(Vector256.Create(x)).GetElement(3), x => VectorMath.Log(Vector256.Create(x)).GetElement(3)),
        ("VectorMath (Vector512)", x => VectorMath.Exp(Vector512.Create(x)).GetElement(5), x => VectorMath.Log(Vector512.Create(x)).GetElement(5)),
        ("DeviceMath", SingleMath.Exp, SingleMath.Log),
    ];

    private static readonly (string Name, Func<double, double> Exp, Func<double, double> Log)[] Double =
    [
        ("Math", Math.Exp, Math.Log),
        ("VectorMath (scalar)", VectorMath.Exp, VectorMath.Log),
        ("VectorMath (Vector128)", x => VectorMath.Exp(Vector128.Create(x)).GetElement(1), x => VectorMath.Log(Vector128.Create(x)).GetElement(1)),
        ("VectorMath (Vector256)", x => VectorMath.Exp(Vector256.Create(x)).GetElement(3), x => VectorMath.Log(Vector256.Create(x)).GetElement(3)),
        ("VectorMath (Vector512)", x => VectorMath.Exp(Vector512.Create(x)).GetElement(5), x => VectorMath.Log(Vector512.Create(x)).GetElement(5)),
        ("DeviceMath", DoubleMath.Exp, DoubleMath.Log),
    ];

    [Fact, Spec("ACC-MODEL")]
    public void Exp_of_zero_is_one_and_ln_of_one_is_zero_exactly()
    {
        foreach (var (name, exp, log) in Single)
        {
            Assert.True(exp(0f) == 1f && exp(-0f) == 1f, $"{name}: float exp(±0) = {exp(0f):R}, {exp(-0f):R}, not 1 (ACC-MODEL (5)).");
            Assert.True(log(1f) == 0f, $"{name}: float ln 1 = {log(1f):R}, not 0 (ACC-MODEL (5)).");
        }
        foreach (var (name, exp, log) in Double)
        {
            Assert.True(exp(0.0) == 1.0 && exp(-0.0) == 1.0, $"{name}: double exp(±0) = {exp(0.0):R}, {exp(-0.0):R}, not 1 (ACC-MODEL (5)).");
            Assert.True(log(1.0) == 0.0, $"{name}: double ln 1 = {log(1.0):R}, not 0 (ACC-MODEL (5)).");
        }
    }

    [Fact, Spec("ACC-MODEL")]
    public void Exp_and_ln_are_non_decreasing_on_runs_of_consecutive_arguments()
    {
        var rng = new Random(20261202);
        // Window starts: exp over [−104, 0] (float) and [−746, 0] (double), the kernels' arguments; ln over (0, 2³¹] and (0, 1e300].
        float[] expStartsF = [-Run * float.Epsilon, -1e-7f, -1f, -1.5e-5f, -87.3f, -103.9f, .. Enumerable.Range(0, Windows).Select(_ => (float)(-104 * rng.NextDouble()))];
        float[] logStartsF = [float.Epsilon, 1f - Run * 6e-8f, 1f, 1.17e-38f, 0.5f, 2f, .. Enumerable.Range(0, Windows).Select(_ => (float)Math.Exp(rng.NextDouble() * 108 - 87))];
        double[] expStartsD = [-Run * double.Epsilon, -1e-16, -1, -708.4, -745.1, .. Enumerable.Range(0, Windows).Select(_ => -746 * rng.NextDouble())];
        double[] logStartsD = [double.Epsilon, 1 - Run * 1.2e-16, 1, 2.2e-308, 0.5, 2, .. Enumerable.Range(0, Windows).Select(_ => Math.Exp(rng.NextDouble() * 1400 - 700))];
        long pairs = 0;
        foreach (var (name, exp, log) in Single)
        {
            pairs += Monotone($"{name} float exp", exp, expStartsF, x => float.BitIncrement(x));
            pairs += Monotone($"{name} float ln", log, logStartsF, x => float.BitIncrement(x));
        }
        foreach (var (name, exp, log) in Double)
        {
            pairs += Monotone($"{name} double exp", exp, expStartsD, x => double.BitIncrement(x));
            pairs += Monotone($"{name} double ln", log, logStartsD, x => double.BitIncrement(x));
        }
        output.WriteLine($"{pairs} consecutive pairs, each f(x) ≤ f(next x).");
    }

    private static long Monotone<TF>(string what, Func<TF, TF> f, TF[] starts, Func<TF, TF> next) where TF : System.Numerics.IFloatingPointIeee754<TF>
    {
        long pairs = 0;
        foreach (var start in starts)
        {
            TF x = start, fx = f(x);
            for (int i = 0; i < Run; i++)
            {
                TF y = next(x), fy = f(y);
                Assert.True(fx <= fy, $"{what} decreases: f({x:R}) = {fx:R} > f({y:R}) = {fy:R} (ACC-MODEL (5)).");
                x = y;
                fx = fy;
                pairs++;
            }
        }
        return pairs;
    }
}
