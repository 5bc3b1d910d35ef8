using System.Numerics;
using FsCheck;
using FsCheck.Fluent;

namespace LossConformance.Kit;

/// <summary>Short logits (n ≤ 64, for O(n²) Jacobian checks) with a dyadic direction for finite differences.</summary>
public sealed class LogitsDirectionCase<T>(T[] z, double[] direction, string kind) : ICase where T : unmanaged, IFloatingPointIeee754<T>
{
    public T[] Z { get; } = z;
    public double[] ZD { get; } = Fp<T>.ToDouble(z);
    /// <summary>Entries k/8 in [−1, 1] (<see cref="FiniteDifference.Direction"/>).</summary>
    public double[] D { get; } = direction;
    public string Kind { get; } = kind;
    public int N => Z.Length;

    public IEnumerable<string> Tags => Tagging.Size(N).Append(Kind).Concat(Tagging.Logits(ZD));

    public string Describe() => $"z = {Show.Vector(Z)}   ({Kind})\nd = {Show.Vector(D)}";
}

/// <summary>Logits z and a shift c with z + c·1 exact in T (both on a 2⁻⁸ grid, |z + c| &lt; 2¹⁶).</summary>
public sealed class ShiftCase<T>(T[] z, double shift, string kind) : ICase where T : unmanaged, IFloatingPointIeee754<T>
{
    public T[] Z { get; } = z;
    public double[] ZD { get; } = Fp<T>.ToDouble(z);
    public double Shift { get; } = shift;
    /// <summary>z + c·1, exact.</summary>
    public T[] Shifted { get; } = z.Select(v => Fp<T>.From(Fp<T>.ToDouble(v) + shift)).ToArray();
    public double[] ShiftedD => Fp<T>.ToDouble(Shifted);
    public string Kind { get; } = kind;
    public int N => Z.Length;

    public IEnumerable<string> Tags => Tagging.Size(N).Append(Kind).Concat(Tagging.Logits(ZD))
        .Append(Math.Abs(Shift) >= 1e3 ? "|c| ≥ 1e3" : "|c| < 1e3")
        .Concat(ShiftedD.Max() > Fp<T>.LogMaxValue ? ["max(z + c) overflows exp"] : [])
        .Concat(ShiftedD.Max() < -Fp<T>.LogMaxValue ? ["max(z + c) underflows exp"] : []);

    public string Describe() => $"z = {Show.Vector(Z)}   ({Kind})\nc = {Show.Number(Shift)}";
}

/// <summary>Generators for spec/softmax.md beyond <see cref="Generate{T}"/>.</summary>
public static class SoftmaxCases<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>
    /// n ≤ 64 (1: 20%, 2–8: 40%, 9–64: 40%), logits of the hard-case kinds at scales 1 … 1e3 and
    /// sometimes ±1e4, coarsened (<see cref="FiniteDifference.Coarsen{T}"/>), with a direction.
    /// </summary>
    public static Arbitrary<LogitsDirectionCase<T>> SmallLogits { get; } = Arb.From(
        Generate<T>.Seeded(rng =>
        {
            int n = SmallLength(rng);
            var (z, kind) = Generate<T>.LogitValues(rng, n);
            return new LogitsDirectionCase<T>(Fp<T>.From(FiniteDifference.Coarsen<T>(z)), FiniteDifference.Direction(rng, n), kind);
        }),
        c => c.N <= 1 ? [] : new[] { c.N - 1, 0 }.Select(drop =>
        {
            var keep = Enumerable.Range(0, c.N).Where(i => i != drop).ToArray();
            var d = keep.Select(i => c.D[i]).ToArray();
            if (d.All(v => v == 0)) d[0] = 1;
            return new LogitsDirectionCase<T>(keep.Select(i => c.Z[i]).ToArray(), d, Generate<T>.Shrunk(c.Kind));
        }));

    /// <summary>
    /// The same lengths and kinds at T's full precision (not coarsened), without a direction, for differential
    /// tests of O(n²) quantities; shrinks by dropping the first or the last entry.
    /// </summary>
    public static Arbitrary<LogitsCase<T>> SmallLogitsFullPrecision { get; } = Arb.From(
        Generate<T>.Seeded(rng =>
        {
            var (z, kind) = Generate<T>.LogitValues(rng, SmallLength(rng));
            return new LogitsCase<T>(Fp<T>.From(z), kind);
        }),
        c => c.N <= 1 ? [] : [new LogitsCase<T>(c.Z[..^1], Generate<T>.Shrunk(c.Kind)), new LogitsCase<T>(c.Z[1..], Generate<T>.Shrunk(c.Kind))]);

    /// <summary>n ≤ 64 for O(n²) checks: 1 (20%), 2–8 (40%), 9–64 (40%).</summary>
    private static int SmallLength(Random rng)
    {
        double r = rng.NextDouble();
        return r < 0.20 ? 1 : r < 0.60 ? rng.Next(2, 9) : rng.Next(9, 65);
    }

    /// <summary>
    /// Logits on a 2⁻⁸ grid with |zᵢ| ≤ 1e4 and an integer shift |c| ≤ 5e4, so z + c·1 is exact in float
    /// (|z + c|·2⁸ &lt; 2²⁴) and double; shifts that push max(z + c) past exp's overflow (88.7 float, 709.8
    /// double) or far below its underflow are frequent.
    /// </summary>
    public static Arbitrary<ShiftCase<T>> Shifts { get; } = Arb.From(
        Generate<T>.Seeded(rng =>
        {
            int n = Generate<T>.Length(rng);
            var (raw, kind) = Generate<T>.LogitValues(rng, n);
            var z = raw.Select(v => Math.Round(v * 256) / 256).ToArray();
            double max = z.Max();
            double c = rng.Next(6) switch
            {
                0 => Math.Round(1e4 - max),                        // maximum moved to 1e4
                1 => Math.Round(-1e4 - max),                       // maximum moved to −1e4
                2 => Math.Round(Fp<T>.LogMaxValue + 10 - max),     // just past exp's overflow
                3 => rng.Next(-50_000, 50_001),
                _ => rng.Next(-1000, 1001),
            };
            return new ShiftCase<T>(Fp<T>.From(z), c, kind);
        }),
        c => c.N <= 1 ? [] : [new ShiftCase<T>(c.Z[..^1], c.Shift, c.Kind), new ShiftCase<T>(c.Z[1..], c.Shift, c.Kind)]);

    /// <summary>
    /// |zᵢ| ≤ 1e4 with the failures of the unshifted formula on purpose: all at +1e4 (∞/∞), all at −1e4
    /// (0/0), ±1e4 mixed, one at 1e4 among small values, 9997 … 10000 (ONNX's large-number row shifted
    /// into range), uniform in ±1e4. n from <see cref="Generate{T}.Length"/> (up to 4096).
    /// </summary>
    public static Arbitrary<LogitsCase<T>> Large { get; } = Arb.From(
        Generate<T>.Seeded(rng =>
        {
            int n = Generate<T>.Length(rng);
            var z = new double[n];
            string kind;
            switch (rng.Next(6))
            {
                case 0: Array.Fill(z, 1e4); kind = "all 1e4"; break;
                case 1: Array.Fill(z, -1e4); kind = "all −1e4"; break;
                case 2:
                    for (int i = 0; i < n; i++) z[i] = rng.Next(2) == 0 ? 1e4 : -1e4;
                    kind = "±1e4";
                    break;
                case 3:
                    for (int i = 0; i < n; i++) z[i] = Math.Round((rng.NextDouble() * 2 - 1) * 5 * 64) / 64;
                    z[rng.Next(n)] = 1e4;
                    kind = "one at 1e4";
                    break;
                case 4:
                    for (int i = 0; i < n; i++) z[i] = 1e4 - rng.Next(4);
                    kind = "9997 … 10000";
                    break;
                default:
                    for (int i = 0; i < n; i++) z[i] = Math.Round((rng.NextDouble() * 2 - 1) * 1e4 * 64) / 64;
                    kind = "uniform in ±1e4";
                    break;
            }
            return new LogitsCase<T>(Fp<T>.From(z), kind);
        }),
        c => c.N <= 1 ? [] : [new LogitsCase<T>(c.Z[..^1], c.Kind), new LogitsCase<T>(c.Z[1..], c.Kind)]);
}
