using System.Runtime.Intrinsics;
using LossConformance.Kit;
using LossConformance.Optimized.Cpu.Simd;
using Xunit;
using Xunit.Abstractions;

namespace LossConformance.SelfTests;

/// <summary>
/// The Optimized-CPU soft-cap's own tanh (src/Optimized/Cpu/Simd/Tanh.cs) against ACC-MODEL's budget for an
/// elementary function (relative error ≤ 4u), measured the way the kernels call it (Driver.Map, so the widest
/// vector path and the scalar tail). Float: every float in [2⁻¹², 10] (beyond 10 tanh rounds to 1) and every
/// 64th float below, against double Math.Tanh (within 1 ulp of double, 2⁻²⁹ of a float ulp). Double: 10⁶
/// arguments (uniform in [0, 20], log-uniform in [10⁻³⁰⁰, 20], uniform in [0, ½]) and the ends, against a double-double tanh
/// written here. tanh is odd, and the kernel copies the sign: negative arguments are checked to mirror.
/// spec/accuracy.md (ACC-LOSSOPT 1, and the tanh paragraph there) records the measured maxima.
/// </summary>
public sealed class TanhAccuracy(ITestOutputHelper output)
{
    private const double Budget = 4.0;   // Accuracy.ElementaryUlps, in units of u
    private const int Chunk = 1 << 16;
    private const double FloatU = 5.9604644775390625e-8, DoubleU = 1.1102230246251565e-16;

    [Fact, Spec("ACC-LOSSOPT")]
    public void Float_tanh_is_within_4u()
    {
        uint dense = BitConverter.SingleToUInt32Bits(1f / 4096), last = BitConverter.SingleToUInt32Bits(10f);
        var starts = new List<(uint Start, uint Stride)>();
        for (uint s = 0; s < dense; s += Chunk * 64u) starts.Add((s, 64));
        for (uint s = dense; s <= last; s += Chunk) starts.Add((s, 1));
        double worst = 0, worstSmall = 0; float at = 0, atSmall = 0; long count = 0;   // overall, and below the polynomial's limit ½
        object gate = new();
        Parallel.ForEach(starts, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount },
            () => (X: new float[Chunk], Y: new float[Chunk], W: 0.0, A: 0f, WS: 0.0, AS: 0f, N: 0L),
            (part, _, local) =>
            {
                int n = 0;
                for (long b = part.Start; n < Chunk && b <= (part.Stride == 1 ? last : dense - 1); b += part.Stride)
                    local.X[n++] = BitConverter.UInt32BitsToSingle((uint)b);
                Driver.Map(new TanhOf<float>(), local.X.AsSpan(0, n), local.Y);
                for (int i = 0; i < n; i++)
                {
                    double r = Math.Tanh(local.X[i]);
                    double units = r == 0 ? (local.Y[i] == 0 ? 0 : double.PositiveInfinity) : Math.Abs(local.Y[i] - r) / (r * FloatU);
                    if (!(units <= local.W)) { local.W = double.IsNaN(units) ? double.PositiveInfinity : units; local.A = local.X[i]; }
                    if (local.X[i] < TanhMath.FloatSmallLimit && !(units <= local.WS)) { local.WS = double.IsNaN(units) ? double.PositiveInfinity : units; local.AS = local.X[i]; }
                }
                local.N += n;
                return local;
            },
            local => { lock (gate) { count += local.N; if (local.W > worst) { worst = local.W; at = local.A; } if (local.WS > worstSmall) { worstSmall = local.WS; atSmall = local.AS; } } });
        output.WriteLine($"float tanh: max relative error {worst:F3} u at x = {at:R} ({count} arguments); below ½ (the polynomial) {worstSmall:F3} u at x = {atSmall:R}");
        Assert.True(worst <= Budget, $"float tanh: {worst} u at x = {at:R}");
        Assert.Equal(1f, TanhMath.Tanh(10.5f));
        Assert.Equal(1f, TanhMath.Tanh(float.PositiveInfinity));
        Assert.Equal(-1f, TanhMath.Tanh(float.NegativeInfinity));
        Assert.True(float.IsNaN(TanhMath.Tanh(float.NaN)));
        Assert.Equal(BitConverter.SingleToInt32Bits(-0f), BitConverter.SingleToInt32Bits(TanhMath.Tanh(-0f)));
        Assert.Equal(0, BitConverter.SingleToInt32Bits(TanhMath.Tanh(0f)));
        Assert.Equal(float.Epsilon, TanhMath.Tanh(float.Epsilon));
    }

    [Fact, Spec("ACC-LOSSOPT")]
    public void Double_tanh_is_within_4u_on_a_million_arguments()
    {
        CrossCheckReference();
        const int count = 1_000_000;
        double[] ends = [0.0, double.Epsilon, 1e-300, 1e-17, 0.17328679513998632, 0.1732867951399863, 0.49999999999999994, 0.5, 0.5493061443340549, 1.0, 18.0, 19.5, 20.0, 25.0];
        var x = new double[count + ends.Length];
        var random = new Random(12);
        for (int i = 0; i < count; i++)
            x[i] = (i % 3) switch
            {
                0 => 20.0 * random.NextDouble(),
                1 => Math.Exp(random.NextDouble() * (Math.Log(20.0) + 690.8) - 690.8),
                _ => 0.5 * random.NextDouble(),   // the polynomial's range, where log-uniform samples are mostly tiny
            };
        ends.CopyTo(x, count);
        var y = new double[x.Length];
        Driver.Map(new TanhOf<double>(), x, y);
        double worst = 0, at = 0, worstSmall = 0, atSmall = 0;
        object gate = new();
        Parallel.For(0, Environment.ProcessorCount, p =>
        {
            double w = 0, a = 0, ws = 0, aSmall = 0;
            for (int i = p; i < x.Length; i += Environment.ProcessorCount)
            {
                double units = TanhDoubleDouble.ErrorInU(x[i], y[i]);
                if (!(units <= w)) { w = double.IsNaN(units) ? double.PositiveInfinity : units; a = x[i]; }
                if (x[i] < TanhMath.DoubleSmallLimit && !(units <= ws)) { ws = double.IsNaN(units) ? double.PositiveInfinity : units; aSmall = x[i]; }
            }
            lock (gate)
            {
                if (w > worst) { worst = w; at = a; }
                if (ws > worstSmall) { worstSmall = ws; atSmall = aSmall; }
            }
        });
        output.WriteLine($"double tanh: max relative error {worst:F3} u at x = {at:R} ({x.Length} arguments); below ½ (the polynomial) {worstSmall:F3} u at x = {atSmall:R}");
        Assert.True(worst <= Budget, $"double tanh: {worst} u at x = {at:R}");
        Assert.Equal(1.0, TanhMath.Tanh(20.5));
        Assert.True(double.IsNaN(TanhMath.Tanh(double.NaN)));
        Assert.Equal(-1.0, TanhMath.Tanh(double.NegativeInfinity));
    }

    /// <summary>Every width gives the scalar result bit for bit, and tanh(−x) = −tanh(x) (the Vector512 path in software where the machine lacks it).</summary>
    [Fact, Spec("ACC-LOSSOPT")]
    public void Every_width_equals_the_scalar_path_and_tanh_is_odd()
    {
        var r = new Random(13);
        for (int i = 0; i < 4096; i++)
        {
            float xf = (r.NextSingle() - 0.5f) * MathF.Pow(2f, r.Next(-30, 8));
            double xd = (r.NextDouble() - 0.5) * Math.Pow(2, r.Next(-60, 8));
            float tf = TanhMath.Tanh(xf);
            double td = TanhMath.Tanh(xd);
            Assert.Equal(-tf, TanhMath.Tanh(-xf));
            Assert.Equal(-td, TanhMath.Tanh(-xd));
            Assert.Equal(tf, TanhMath.Tanh(Vector512.Create(xf)).GetElement(i % 16));
            Assert.Equal(tf, TanhMath.Tanh(Vector256.Create(xf)).GetElement(i % 8));
            Assert.Equal(tf, TanhMath.Tanh(Vector128.Create(xf)).GetElement(i % 4));
            Assert.Equal(td, TanhMath.Tanh(Vector512.Create(xd)).GetElement(i % 8));
            Assert.Equal(td, TanhMath.Tanh(Vector256.Create(xd)).GetElement(i % 4));
            Assert.Equal(td, TanhMath.Tanh(Vector128.Create(xd)).GetElement(i % 2));
        }
        // Mixed vectors: lanes on both sides of the small-argument limit (½), so the per-lane select runs.
        var lanesF = new float[16];
        var lanesD = new double[8];
        for (int i = 0; i < 4096; i++)
        {
            for (int j = 0; j < lanesF.Length; j++) lanesF[j] = (r.NextSingle() - 0.5f) * MathF.Pow(2f, r.Next(-3, 3));
            for (int j = 0; j < lanesD.Length; j++) lanesD[j] = (r.NextDouble() - 0.5) * Math.Pow(2, r.Next(-3, 3));
            Vector512<float> vf = TanhMath.Tanh(Vector512.Create(lanesF));
            Vector256<float> wf = TanhMath.Tanh(Vector256.Create(lanesF));
            Vector128<float> xf = TanhMath.Tanh(Vector128.Create(lanesF));
            Vector512<double> vd = TanhMath.Tanh(Vector512.Create(lanesD));
            Vector256<double> wd = TanhMath.Tanh(Vector256.Create(lanesD));
            Vector128<double> xd = TanhMath.Tanh(Vector128.Create(lanesD));
            for (int j = 0; j < 16; j++) Assert.Equal(TanhMath.Tanh(lanesF[j]), vf.GetElement(j));
            for (int j = 0; j < 8; j++) Assert.Equal(TanhMath.Tanh(lanesF[j]), wf.GetElement(j));
            for (int j = 0; j < 4; j++) Assert.Equal(TanhMath.Tanh(lanesF[j]), xf.GetElement(j));
            for (int j = 0; j < 8; j++) Assert.Equal(TanhMath.Tanh(lanesD[j]), vd.GetElement(j));
            for (int j = 0; j < 4; j++) Assert.Equal(TanhMath.Tanh(lanesD[j]), wd.GetElement(j));
            for (int j = 0; j < 2; j++) Assert.Equal(TanhMath.Tanh(lanesD[j]), xd.GetElement(j));
        }
        // The specials, splat (an all-small vector takes the path without |x| and copysign: −0 must stay −0 there), bit for bit.
        foreach (float special in new[] { 0f, -0f, float.NaN, float.PositiveInfinity, float.NegativeInfinity, 1e30f, -1e-40f, -0.49999997f, 0.5f })
        {
            int bits = BitConverter.SingleToInt32Bits(TanhMath.Tanh(special));
            Assert.Equal(bits, BitConverter.SingleToInt32Bits(TanhMath.Tanh(Vector512.Create(special)).GetElement(15)));
            Assert.Equal(bits, BitConverter.SingleToInt32Bits(TanhMath.Tanh(Vector256.Create(special)).GetElement(3)));
            Assert.Equal(bits, BitConverter.SingleToInt32Bits(TanhMath.Tanh(Vector128.Create(special)).GetElement(1)));
        }
        foreach (double special in new[] { 0.0, -0.0, double.NaN, double.PositiveInfinity, double.NegativeInfinity, 1e300, -1e-310, -0.49999999999999994, 0.5 })
        {
            long bits = BitConverter.DoubleToInt64Bits(TanhMath.Tanh(special));
            Assert.Equal(bits, BitConverter.DoubleToInt64Bits(TanhMath.Tanh(Vector512.Create(special)).GetElement(7)));
            Assert.Equal(bits, BitConverter.DoubleToInt64Bits(TanhMath.Tanh(Vector256.Create(special)).GetElement(3)));
            Assert.Equal(bits, BitConverter.DoubleToInt64Bits(TanhMath.Tanh(Vector128.Create(special)).GetElement(1)));
        }
        Assert.Equal(BitConverter.SingleToInt32Bits(-0f), BitConverter.SingleToInt32Bits(TanhMath.Tanh(Vector512.Create(-0f)).GetElement(0)));   // not only equal to the scalar: −0
    }

    /// <summary>The double-double reference agrees with Math.Tanh (glibc documents its tanh to 2 ulp, ≤ 4u) and with a known value.</summary>
    private static void CrossCheckReference()
    {
        var r = new Random(14);
        for (int i = 0; i < 10000; i++)
        {
            double x = 20 * r.NextDouble();
            Assert.True(TanhDoubleDouble.ErrorInU(x, Math.Tanh(x)) <= 4.0, $"reference tanh disagrees with Math.Tanh at {x:R}");
        }
        Assert.True(TanhDoubleDouble.ErrorInU(0.5, 0.46211715726000974) <= 1.0, "tanh ½");   // correctly rounded
    }

    /// <summary>
    /// A double-double (≈ 106-bit) tanh for measuring the kernel's: tanh a = −m/(2 + m), m = e^{−2a} − 1 =
    /// 2ᵏ(1 + expm1 r) − 1 with −2a = k ln2 + r (ln2 in three parts), expm1 r by Taylor on r/2⁸ to 10⁻³⁸ and
    /// (1 + e)² − 1 = 2e + e² eight times (the construction of VectorMathAccuracy's DoubleDouble).
    /// </summary>
    private static class TanhDoubleDouble
    {
        private const double Ln2Hi = 0.6931471805599453, Ln2Lo = 2.3190468138462996e-17, Ln2Lo2 = 5.707708438416212e-34;

        private static (double Hi, double Lo) TwoSum(double a, double b) { double s = a + b, bb = s - a; return (s, (a - (s - bb)) + (b - bb)); }
        private static (double Hi, double Lo) Add((double Hi, double Lo) a, (double Hi, double Lo) b)
        { var (s, e) = TwoSum(a.Hi, b.Hi); e += a.Lo + b.Lo; return TwoSum(s, e); }
        private static (double Hi, double Lo) Mul((double Hi, double Lo) a, (double Hi, double Lo) b)
        { double p = a.Hi * b.Hi; double e = Math.FusedMultiplyAdd(a.Hi, b.Hi, -p) + (a.Hi * b.Lo + a.Lo * b.Hi); return TwoSum(p, e); }
        private static (double Hi, double Lo) Div((double Hi, double Lo) a, (double Hi, double Lo) b)
        { double q = a.Hi / b.Hi; var r = Add(a, Mul((-q, 0), b)); double q2 = r.Hi / b.Hi; return TwoSum(q, q2); }

        private static (double Hi, double Lo) Expm1((double Hi, double Lo) r)
        {
            var s = (r.Hi / 256, r.Lo / 256);
            (double, double) term = s, sum = s;
            for (int k = 2; k <= 12; k++)
            {
                term = Div(Mul(term, s), (k, 0));
                sum = Add(sum, term);
            }
            for (int i = 0; i < 8; i++) sum = Add(Mul((2, 0), sum), Mul(sum, sum));
            return sum;
        }

        /// <summary>|ŷ − tanh x| in units of u·tanh x, for x ≥ 0; for a subnormal x, in steps of 2⁻¹⁰⁷⁴ (tanh x = x there).</summary>
        public static double ErrorInU(double x, double y)
        {
            if (x == 0) return y == 0 ? 0 : double.PositiveInfinity;
            double t;
            if (x < 1e-30) t = x;   // tanh x = x(1 − x²/3 …): x itself to far below u
            else
            {
                double v = -2 * x;   // exact
                double k = Math.Round(v / Ln2Hi);
                double p = k * Ln2Hi, pe = Math.FusedMultiplyAdd(k, Ln2Hi, -p);
                var r = Add(TwoSum(v, -p), (-pe, 0));
                r = Add(r, (-k * Ln2Lo, -Math.FusedMultiplyAdd(k, Ln2Lo, -k * Ln2Lo) - k * Ln2Lo2));
                var m = Add(Mul((Math.ScaleB(1.0, (int)k), 0), Add((1, 0), Expm1(r))), (-1, 0));
                var th = Div((-m.Hi, -m.Lo), Add((2, 0), m));
                return Math.Abs((y - th.Hi) - th.Lo) / (th.Hi * DoubleU);
            }
            if (t < 2.2250738585072014e-308) return Math.Abs(y - t) / double.Epsilon;   // subnormal: steps of the subnormal grid
            return Math.Abs(y - t) / (t * DoubleU);
        }
    }
}
