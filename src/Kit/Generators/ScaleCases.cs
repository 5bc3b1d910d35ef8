using System.Numerics;

namespace LossConformance.Kit;

/// <summary>
/// Inputs at the sizes where blocked and narrow-typed code goes wrong (spec/bad-input.md, "Inputs at scale"):
/// long rows whose maximum grows block after block and sits in the last block, and batches with more counted
/// rows than a narrow count type holds exactly. Deterministic: each is one fixed input per kind.
/// </summary>
public static class ScaleCases<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>2¹⁷: longer than any block or tile a kernel uses (a vector, an unrolled loop, a thread's chunk, a GPU block).</summary>
    public const int LongRow = 1 << 17;

    /// <summary>
    /// Rows of <paramref name="n"/> logits whose running maximum rises through the row, the maximum in the last block:
    /// <list type="bullet">
    /// <item>"ramp": zᵢ = 24·i/n + ¼ sin i (every block's maximum above every earlier one's, for any block size);</item>
    /// <item>"staircase": 16 steps one unit apart, the global maximum (one above its step) at i = n − 3;</item>
    /// <item>"late spike": zᵢ = sin i everywhere and 30 at i = n − 1 (one huge late maximum after small ones).</item>
    /// </list>
    /// An online softmax that forgets to rescale its running sum when the maximum grows is wrong on each of them.
    /// </summary>
    public static IEnumerable<(string Kind, T[] Logits)> MaximumLate(int n = LongRow)
    {
        var ramp = new T[n];
        for (int i = 0; i < n; i++) ramp[i] = Fp<T>.From(24.0 * i / n + 0.25 * Math.Sin(i));
        yield return ("ramp", ramp);
        var stairs = new T[n];
        for (int i = 0; i < n; i++) stairs[i] = Fp<T>.From(16 * i / n + 0.125 * Math.Sin(i));
        stairs[n - 3] = Fp<T>.From(16);
        yield return ("staircase", stairs);
        var spike = new T[n];
        for (int i = 0; i < n; i++) spike[i] = Fp<T>.From(Math.Sin(i));
        spike[n - 1] = Fp<T>.From(30);
        yield return ("late spike", spike);
    }

    /// <summary>2¹¹ + 1: the first count a half-precision (11-bit significand) counter or divisor cannot hold.</summary>
    public const int PastHalf = (1 << 11) + 1;

    /// <summary>
    /// 2²⁴ + 2²⁰ + 1 counted rows: past 2²⁴, where a float (24-bit significand) counter stops counting (N = 2²⁴ after
    /// adding 1 more times, 6 % short) and a float divisor rounds (to 2²⁴ + 2²⁰, 5.6·10⁻⁸ relatively off, which double
    /// results show). Odd and not a multiple of any block, so no chunking divides it evenly.
    /// </summary>
    public const int PastFloat = (1 << 24) + (1 << 20) + 1;

    /// <summary>
    /// A batch of <paramref name="counted"/> rows of 2 classes with logits (0, 0), targets alternating 0 and 1, then
    /// one ignored row (target −100) with logits (5, −5). Exact answers: ŷ = (½, ½) per counted row, so the loss per
    /// counted row is ln 2 (Mean: ln 2; Sum: N ln 2) and the gradient of a counted row is ±(−½, ½)/N (Mean) or
    /// ±(−½, ½) (Sum), 0 in the ignored row. Memory: 2(N + 1) logits, N + 1 targets.
    /// </summary>
    public static (T[] Logits, int[] Targets) Counted(int counted)
    {
        var logits = new T[2 * (counted + 1)];
        var targets = new int[counted + 1];
        for (int r = 0; r < counted; r++) targets[r] = r & 1;
        targets[counted] = Ignore;
        logits[2 * counted] = Fp<T>.From(5);
        logits[2 * counted + 1] = Fp<T>.From(-5);
        return (logits, targets);
    }

    public const int Ignore = -100;
}
