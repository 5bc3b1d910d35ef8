using System.Runtime.Intrinsics;
using LossConformance.Kit;
using LossConformance.Optimized.Cpu.Simd;
using Xunit;
using Xunit.Abstractions;

namespace LossConformance.SelfTests;

/// <summary>
/// The Optimized-CPU kernels' own exp and ln against ACC-MODEL's budget (relative error ≤ 4u,
/// Accuracy.ElementaryUlps; subnormal results within one step of the subnormal grid), measured the
/// way the kernels call them (Driver.Map, so the machine's widest vector path and the scalar tail):
/// float exhaustively over every argument the kernels can pass, against .NET's vectorized double
/// exp/ln (Vector256.Exp/Log, cross-checked against Math.Exp/Math.Log: within 2⁻²⁵ of a float ulp), in
/// parallel over the cores; double on 10⁷ random arguments plus the ends of
/// the range, against a double-double reference written here and cross-checked against Math.
/// spec/accuracy.md, ACC-MODEL, records the measured maxima.
/// </summary>
public sealed class VectorMathAccuracy(ITestOutputHelper output)
{
    private const double Budget = 4.0;   // Accuracy.ElementaryUlps, in units of u
    private const int Chunk = 1 << 16;

    /// <summary>exp on every float in [−104, −0] (kernel arguments are z − m ≤ 0, −|z| and M − M′ ≤ 0; below −103.97 the result rounds to 0).</summary>
    [Fact, Spec("ACC-MODEL")]
    public void Float_exp_is_within_4u_on_every_non_positive_argument()
    {
        uint first = 0x80000000u, last = BitConverter.SingleToUInt32Bits(VectorMath.FloatExpLow);
        var clock = Clock.Start();
        (double worst, uint at) = Exhaustive(first, last, exp: true);
        output.WriteLine($"float exp: max relative error {worst:F3} u at x = {BitConverter.UInt32BitsToSingle(at):R} ({last - first + 1} arguments; {clock})");
        Assert.True(worst <= Budget, $"float exp: {worst} u at x = {BitConverter.UInt32BitsToSingle(at):R}");
    }

    /// <summary>ln on every float in (0, 2³¹]: probabilities (0, 1] with subnormals, sums s ∈ [1, n], 1 + e ∈ [1, 2].</summary>
    [Fact, Spec("ACC-MODEL")]
    public void Float_log_is_within_4u_on_every_argument_the_kernels_pass()
    {
        uint first = 1u, last = BitConverter.SingleToUInt32Bits(2147483648f);
        var clock = Clock.Start();
        (double worst, uint at) = Exhaustive(first, last, exp: false);
        output.WriteLine($"float ln: max relative error {worst:F3} u at x = {BitConverter.UInt32BitsToSingle(at):R} ({last - first + 1} arguments; {clock})");
        Assert.True(worst <= Budget, $"float ln: {worst} u at x = {BitConverter.UInt32BitsToSingle(at):R}");
        Assert.Equal(float.NegativeInfinity, VectorMath.Log(0f));
    }

    /// <summary>Wall time and this process's CPU time since Start (the CPU time says what the check costs on a loaded machine).</summary>
    private sealed class Clock
    {
        private readonly System.Diagnostics.Stopwatch _wall = System.Diagnostics.Stopwatch.StartNew();
        private readonly TimeSpan _cpu = System.Diagnostics.Process.GetCurrentProcess().TotalProcessorTime;
        public static Clock Start() => new();
        public override string ToString() =>
            $"{_wall.Elapsed.TotalSeconds:F1} s wall, {(System.Diagnostics.Process.GetCurrentProcess().TotalProcessorTime - _cpu).TotalSeconds:F1} s CPU on {Environment.ProcessorCount} cores";
    }

    /// <summary>Relative error in units of u = 2⁻²⁴ of float results against a double reference; subnormal results: error in subnormal steps.</summary>
    private static (double Worst, uint At) Exhaustive(uint first, uint last, bool exp)
    {
        CrossCheckDoubleVectorReference(exp);
        long count = (long)last - first + 1;
        int chunks = (int)((count + Chunk - 1) / Chunk);
        double worst = 0; uint at = first;
        var gate = new object();
        Parallel.For(0, chunks, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount },
            () => (new float[Chunk], new float[Chunk], 0.0, first),
            (c, _, local) =>
            {
                (float[] x, float[] y, double w, uint a) = local;
                uint start = first + (uint)c * Chunk;
                int n = (int)Math.Min(Chunk, (long)last - start + 1);
                (double cw, int ci) = CheckChunk(x, y, start, n, exp);
                if (cw > w) { w = cw; a = start + (uint)ci; }
                return (x, y, w, a);
            },
            local => { lock (gate) if (local.Item3 > worst) { worst = local.Item3; at = local.Item4; } });
        return (worst, at);
    }

    /// <summary>
    /// One chunk: the kernels' map over x = the floats start … start + n − 1, then the worst error and
    /// where. The reference is .NET's vectorized double exp/ln (Vector256.Exp/Log, an implementation
    /// independent of the one under test, cross-checked against Math.Exp/Math.Log by
    /// <see cref="CrossCheckDoubleVectorReference"/>), each within 8 double ulps there, 2⁻²⁵ of a float ulp;
    /// the error in units of u (subnormal steps for subnormal results) is formed four lanes at a time.
    /// Every argument is still checked; only the arithmetic runs in vectors.
    /// </summary>
    private static (double Worst, int At) CheckChunk(float[] x, float[] y, uint start, int n, bool exp)
    {
        var iota = Vector256.Create(0u, 1, 2, 3, 4, 5, 6, 7);
        int i = 0;
        for (; i <= n - 8; i += 8) (Vector256.Create(start + (uint)i) + iota).AsSingle().StoreUnsafe(ref x[i]);
        for (; i < n; i++) x[i] = BitConverter.UInt32BitsToSingle(start + (uint)i);
        if (exp) Driver.Map(new ExpShifted<float>(0f), x.AsSpan(0, n), y);
        else Driver.Map(new LogOf<float>(), x.AsSpan(0, n), y);
        double w = 0; int a = 0;
        var worst = Vector256<double>.Zero;
        i = 0;
        for (; i <= n - 8; i += 8)
        {
            (Vector256<double> x0, Vector256<double> x1) = Vector256.Widen(Vector256.LoadUnsafe(ref x[i]));
            (Vector256<double> y0, Vector256<double> y1) = Vector256.Widen(Vector256.LoadUnsafe(ref y[i]));
            Vector256<double> u0 = Units(x0, y0, exp), u1 = Units(x1, y1, exp);
            // a lane above the worst so far, or NaN (no ordered comparison holds): find it lane by lane
            if (Vector256.GreaterThanAny(u0, worst) || Vector256.GreaterThanAny(u1, worst) || !Vector256.EqualsAll(u0, u0) || !Vector256.EqualsAll(u1, u1))
            {
                for (int k = 0; k < 8; k++)
                {
                    double units = (k < 4 ? u0 : u1).GetElement(k & 3);
                    if (!(units <= w)) { w = double.IsNaN(units) ? double.PositiveInfinity : units; a = i + k; }
                }
                worst = Vector256.Create(w);
            }
        }
        for (; i < n; i++)
        {
            double units = Units(Vector256.Create((double)x[i]), Vector256.Create((double)y[i]), exp).GetElement(0);
            if (!(units <= w)) { w = double.IsNaN(units) ? double.PositiveInfinity : units; a = i; }
        }
        return (w, a);
    }

    /// <summary>|y − f(x)| in units of u·|f(x)| (u = 2⁻²⁴), or in subnormal steps (2⁻¹⁴⁹) where |f(x)| is below float's smallest normal.</summary>
    private static Vector256<double> Units(Vector256<double> x, Vector256<double> y, bool exp)
    {
        Vector256<double> r = exp ? Vector256.Exp(x) : Vector256.Log(x);
        Vector256<double> e = Vector256.Abs(y - r), ar = Vector256.Abs(r);
        Vector256<double> scale = Vector256.ConditionalSelect(Vector256.GreaterThanOrEqual(ar, Vector256.Create(1.1754943508222875e-38)),
                                                              ar * Vector256.Create(5.9604644775390625e-8), Vector256.Create(1.401298464324817e-45));
        return e / scale;
    }

    /// <summary>
    /// The float test's reference, Vector256.Exp/Log in double, against Math.Exp/Math.Log (each within 1 ulp):
    /// within 8 double ulps (2⁻⁴⁹ relative, 2⁻²⁵ of a float ulp) on 10⁶ float arguments from both ranges and their ends.
    /// </summary>
    private static void CrossCheckDoubleVectorReference(bool exp)
    {
        var r = new Random(5);
        double worst = 0;
        for (int i = 0; i < 1_000_000; i++)
        {
            float xf = i switch { 0 => exp ? -0f : float.Epsilon, 1 => exp ? VectorMath.FloatExpLow : 2147483648f, 2 => 1f, _ => exp
                ? -104f * r.NextSingle()
                : BitConverter.Int32BitsToSingle(r.Next(1, 0x4F000001)) };
            double x = xf;
            double v = exp ? Vector256.Exp(Vector256.Create(x)).GetElement(0) : Vector256.Log(Vector256.Create(x)).GetElement(0);
            double m = exp ? Math.Exp(x) : Math.Log(x);
            double rel = m == 0 ? Math.Abs(v) : Math.Abs(v - m) / Math.Abs(m);
            worst = Math.Max(worst, double.IsNaN(rel) ? double.PositiveInfinity : rel);
        }
        Assert.True(worst <= Math.ScaleB(1, -49), $"Vector256.{(exp ? "Exp" : "Log")}(double) differs from Math by {worst:E3} relative");
    }

    /// <summary>exp on 10⁷ random doubles in [−746, 0] (uniform and log-uniform in magnitude) and the ends.</summary>
    [Fact, Spec("ACC-MODEL")]
    public void Double_exp_is_within_4u_on_ten_million_arguments()
    {
        CrossCheckReference();
        double[] x = DoubleArguments(seed: 1, static (r, i) => i % 2 == 0 ? -746.0 * r.NextDouble() : -Math.Exp(r.NextDouble() * 14 - 7.6) * 1.0,
                                     [-0.0, -5e-324, -1e-300, -1e-17, -708.3964185322641, -708.39641853226408, -744.4400719213812, -745.1332191019411, -745.13321910194122, -746.0]);
        var y = new double[x.Length];
        Driver.Map(new ExpShifted<double>(0.0), x, y);
        double worst = 0; double at = 0;
        object gate = new();
        Parallel.For(0, Environment.ProcessorCount, p =>
        {
            double w = 0, a = 0;
            for (int i = p; i < x.Length; i += Environment.ProcessorCount)
            {
                double units = DoubleDouble.ExpErrorInU(x[i], y[i]);
                if (!(units <= w)) { w = double.IsNaN(units) ? double.PositiveInfinity : units; a = x[i]; }
            }
            lock (gate) if (w > worst) { worst = w; at = a; }
        });
        output.WriteLine($"double exp: max relative error {worst:F3} u at x = {at:R} ({x.Length} arguments)");
        Assert.True(worst <= Budget, $"double exp: {worst} u at x = {at:R}");
    }

    /// <summary>ln on 10⁷ random positive doubles (log-uniform over every binade, subnormals included, and dense near 1) and the ends.</summary>
    [Fact, Spec("ACC-MODEL")]
    public void Double_log_is_within_4u_on_ten_million_arguments()
    {
        CrossCheckReference();
        double[] x = DoubleArguments(seed: 2, static (r, i) => (i % 3) switch
        {
            0 => BitConverter.Int64BitsToDouble(1 + (long)(r.NextDouble() * (0x7FEFFFFFFFFFFFFFL - 1))),   // every binade alike
            1 => 1.0 + (r.NextDouble() - 0.5) * Math.Pow(2, -r.Next(1, 52)),                                   // near 1: ln x ≈ x − 1
            _ => r.NextDouble(),                                                                               // probabilities
        }, [double.Epsilon, 2.2250738585072014e-308, 2.2250738585072009e-308, 1.0, 1.0000000000000002, 0.99999999999999989, 0.70710678118654746, 1.4142135623730951, 2147483648.0, double.MaxValue]);
        var y = new double[x.Length];
        Driver.Map(new LogOf<double>(), x, y);
        double worst = 0; double at = 0;
        object gate = new();
        Parallel.For(0, Environment.ProcessorCount, p =>
        {
            double w = 0, a = 0;
            for (int i = p; i < x.Length; i += Environment.ProcessorCount)
            {
                double units = DoubleDouble.LogErrorInU(x[i], y[i]);
                if (!(units <= w)) { w = double.IsNaN(units) ? double.PositiveInfinity : units; a = x[i]; }
            }
            lock (gate) if (w > worst) { worst = w; at = a; }
        });
        output.WriteLine($"double ln: max relative error {worst:F3} u at x = {at:R} ({x.Length} arguments)");
        Assert.True(worst <= Budget, $"double ln: {worst} u at x = {at:R}");
        Assert.Equal(double.NegativeInfinity, VectorMath.Log(0.0));
    }

    /// <summary>Every width gives the scalar result bit for bit (the Vector512 path is checked in software where the machine lacks it).</summary>
    [Fact, Spec("ACC-MODEL")]
    public void Every_width_equals_the_scalar_path()
    {
        var r = new Random(3);
        for (int i = 0; i < 4096; i++)
        {
            float xf = -104f * r.NextSingle(); float pf = BitConverter.Int32BitsToSingle(r.Next(1, 0x4F000000));
            double xd = -746.0 * r.NextDouble(); double pd = BitConverter.Int64BitsToDouble(1 + (long)(r.NextDouble() * 0x7FEFFFFFFFFFFFFFL));
            Assert.Equal(VectorMath.Exp(xf), VectorMath.Exp(Vector512.Create(xf)).GetElement(i % 16));
            Assert.Equal(VectorMath.Exp(xf), VectorMath.Exp(Vector256.Create(xf)).GetElement(i % 8));
            Assert.Equal(VectorMath.Exp(xf), VectorMath.Exp(Vector128.Create(xf)).GetElement(i % 4));
            Assert.Equal(VectorMath.Log(pf), VectorMath.Log(Vector512.Create(pf)).GetElement(i % 16));
            Assert.Equal(VectorMath.Log(pf), VectorMath.Log(Vector256.Create(pf)).GetElement(i % 8));
            Assert.Equal(VectorMath.Log(pf), VectorMath.Log(Vector128.Create(pf)).GetElement(i % 4));
            Assert.Equal(VectorMath.Exp(xd), VectorMath.Exp(Vector512.Create(xd)).GetElement(i % 8));
            Assert.Equal(VectorMath.Exp(xd), VectorMath.Exp(Vector256.Create(xd)).GetElement(i % 4));
            Assert.Equal(VectorMath.Exp(xd), VectorMath.Exp(Vector128.Create(xd)).GetElement(i % 2));
            Assert.Equal(VectorMath.Log(pd), VectorMath.Log(Vector512.Create(pd)).GetElement(i % 8));
            Assert.Equal(VectorMath.Log(pd), VectorMath.Log(Vector256.Create(pd)).GetElement(i % 4));
            Assert.Equal(VectorMath.Log(pd), VectorMath.Log(Vector128.Create(pd)).GetElement(i % 2));
        }
        // exp over its whole clamped range and past it (subnormal results, the overflow edge, ±∞, NaN): the
        // Vector512 path scales by 2ⁿ with vscalef where AVX-512 is present, the others by two products.
        float[] floatEnds = [88.72283f, 88.72284f, 89f, 100f, float.MaxValue, float.PositiveInfinity, float.NegativeInfinity, float.NaN, -87.33655f, -103.97208f, float.Epsilon];
        foreach (float x in Enumerable.Range(0, 19_500).Select(k => -104f + 0.01f * k).Concat(floatEnds))
        {
            Assert.Equal(VectorMath.Exp(x), VectorMath.Exp(Vector512.Create(x)).GetElement(3));
            Assert.Equal(VectorMath.Exp(x), VectorMath.Exp(Vector256.Create(x)).GetElement(3));
            Assert.Equal(VectorMath.Exp(x), VectorMath.Exp(Vector128.Create(x)).GetElement(3));
        }
        double[] doubleEnds = [709.782712893384, 709.7827128933841, 710, 1000, double.MaxValue, double.PositiveInfinity, double.NegativeInfinity, double.NaN, -708.3964185322641, -745.1332191019411, double.Epsilon];
        foreach (double x in Enumerable.Range(0, 14_600).Select(k => -746.0 + 0.1 * k).Concat(doubleEnds))
        {
            Assert.Equal(VectorMath.Exp(x), VectorMath.Exp(Vector512.Create(x)).GetElement(3));
            Assert.Equal(VectorMath.Exp(x), VectorMath.Exp(Vector256.Create(x)).GetElement(1));
            Assert.Equal(VectorMath.Exp(x), VectorMath.Exp(Vector128.Create(x)).GetElement(1));
        }
    }

    private static double[] DoubleArguments(int seed, Func<Random, int, double> draw, double[] ends)
    {
        const int count = 10_000_000;
        var x = new double[count + ends.Length];
        var r = new Random(seed);
        for (int i = 0; i < count; i++) x[i] = draw(r, i);
        ends.CopyTo(x, count);
        return x;
    }

    /// <summary>The double-double reference agrees with Math.Exp/Math.Log (each within 1 ulp) to about 1 ulp, and with known values.</summary>
    private static void CrossCheckReference()
    {
        var r = new Random(4);
        for (int i = 0; i < 10000; i++)
        {
            double x = -745 * r.NextDouble();
            double units = DoubleDouble.ExpErrorInU(x, Math.Exp(x));
            Assert.True(units <= 2.0 || Math.Exp(x) < 2.2250738585072014e-308, $"reference exp disagrees with Math.Exp at {x:R}: {units} u");
            double p = BitConverter.Int64BitsToDouble(1 + (long)(r.NextDouble() * 0x7FEFFFFFFFFFFFFFL));
            Assert.True(DoubleDouble.LogErrorInU(p, Math.Log(p)) <= 2.0, $"reference ln disagrees with Math.Log at {p:R}");
        }
        Assert.True(DoubleDouble.ExpErrorInU(-1.0, 0.36787944117144233) <= 1.0, "e⁻¹");   // correctly rounded: within u relative
        Assert.True(DoubleDouble.LogErrorInU(10.0, 2.302585092994046) <= 1.0, "ln 10");
    }
}

/// <summary>
/// A double-double (≈ 106-bit) exp and ln for measuring the kernels' double functions. exp: x = k ln2 + r
/// with ln2 in three parts, r/2⁸ by Taylor to 10⁻³⁸, then (1 + a)² − 1 = 2a + a² eight times (expm1 form,
/// so nothing cancels); ln: x = 2ᵉ·m, ln m by one Newton step on that expm1 from Math.Log(m), whose error
/// (≤ 1 ulp) it squares away.
/// </summary>
internal static class DoubleDouble
{
    private const double Ln2Hi = 0.6931471805599453, Ln2Lo = 2.3190468138462996e-17, Ln2Lo2 = 5.707708438416212e-34;
    private const double U = 1.1102230246251565e-16;

    private static (double Hi, double Lo) TwoSum(double a, double b) { double s = a + b, bb = s - a; return (s, (a - (s - bb)) + (b - bb)); }
    private static (double Hi, double Lo) Add((double Hi, double Lo) a, (double Hi, double Lo) b)
    { var (s, e) = TwoSum(a.Hi, b.Hi); e += a.Lo + b.Lo; return TwoSum(s, e); }
    private static (double Hi, double Lo) Mul((double Hi, double Lo) a, (double Hi, double Lo) b)
    { double p = a.Hi * b.Hi; double e = Math.FusedMultiplyAdd(a.Hi, b.Hi, -p) + (a.Hi * b.Lo + a.Lo * b.Hi); return TwoSum(p, e); }
    private static (double Hi, double Lo) Div((double Hi, double Lo) a, (double Hi, double Lo) b)
    { double q = a.Hi / b.Hi; var r = Add(a, Mul((-q, 0), b)); double q2 = r.Hi / b.Hi; return TwoSum(q, q2); }

    /// <summary>eʳ − 1 for |r| ≤ 0.36 given as a double-double.</summary>
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

    /// <summary>|ŷ − eˣ| in units of u·eˣ for a normal result; in steps of 2⁻¹⁰⁷⁴ for a subnormal one.</summary>
    public static double ExpErrorInU(double x, double y)
    {
        double k = Math.Round(x / Ln2Hi);
        double p = k * Ln2Hi, pe = Math.FusedMultiplyAdd(k, Ln2Hi, -p);
        var r = Add(TwoSum(x, -p), (-pe, 0));
        r = Add(r, (-k * Ln2Lo, -Math.FusedMultiplyAdd(k, Ln2Lo, -k * Ln2Lo) - k * Ln2Lo2));
        var e = Add((1, 0), Expm1(r));   // eˣ = 2ᵏ·e
        double scaled = Math.ScaleB(y, -(int)k);   // exact: a power of two (y subnormal scales up exactly)
        double diff = (scaled - e.Hi) - e.Lo;
        double reference = Math.ScaleB(e.Hi, (int)k);
        if (reference >= 2.2250738585072014e-308) return Math.Abs(diff) / (e.Hi * U);
        return Math.Abs(Math.ScaleB(diff, (int)k + 1074));   // subnormal: steps of the smallest subnormal
    }

    /// <summary>|ŷ − ln x| in units of u·|ln x|.</summary>
    public static double LogErrorInU(double x, double y)
    {
        int e = Math.ILogB(x);
        double m = Math.ScaleB(x, -e);   // [1, 2)
        if (m > 1.4142135623730951) { m /= 2; e++; }
        double y0 = Math.Log(m);
        // ln m = y0 + ln(1 + (m − e^{y0})/e^{y0}) ≈ y0 + (m − 1 − expm1(y0))/(1 + expm1(y0)), error O(δ²)
        var a = Expm1((y0, 0));
        var num = Add(TwoSum(m, -1.0), (-a.Hi, -a.Lo));
        var lnm = Add((y0, 0), Div(num, Add((1, 0), a)));
        var ln = Add(Add(Mul((e, 0), (Ln2Hi, Ln2Lo)), (e * Ln2Lo2, 0)), lnm);
        if (ln.Hi == 0) return y == 0 ? 0 : double.PositiveInfinity;
        double diff = (y - ln.Hi) - ln.Lo;
        return Math.Abs(diff) / (Math.Abs(ln.Hi) * U);
    }
}
