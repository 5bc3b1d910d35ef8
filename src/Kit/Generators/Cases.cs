using System.Numerics;
using System.Text;

namespace LossConformance.Kit;

/// <summary>A probability vector in T, with its exact values in double (every T converts exactly).</summary>
public sealed class DistributionCase<T>(T[] p, string kind) : ICase where T : unmanaged, IFloatingPointIeee754<T>
{
    public T[] P { get; } = p;
    public double[] PD { get; } = Fp<T>.ToDouble(p);
    public string Kind { get; } = kind;
    public int N => P.Length;

    public IEnumerable<string> Tags => Tagging.Size(N).Append(Kind).Concat(Tagging.Distribution("p", PD));

    public string Describe() => $"p = {Show.Vector(P)}   ({Kind})";
}

/// <summary>Two probability vectors of the same length.</summary>
public sealed class DistributionPairCase<T>(T[] p, T[] q, string kind) : ICase where T : unmanaged, IFloatingPointIeee754<T>
{
    public T[] P { get; } = p;
    public T[] Q { get; } = q;
    public double[] PD { get; } = Fp<T>.ToDouble(p);
    public double[] QD { get; } = Fp<T>.ToDouble(q);
    public string Kind { get; } = kind;
    public int N => P.Length;

    /// <summary>True when some pᵢ &gt; 0 has qᵢ = 0 (KL and cross-entropy are +∞).</summary>
    public bool SupportGap => Enumerable.Range(0, N).Any(i => PD[i] > 0 && QD[i] == 0);

    public IEnumerable<string> Tags => Tagging.Size(N).Append(Kind)
        .Concat(Tagging.Distribution("p", PD)).Concat(Tagging.Distribution("q", QD))
        .Concat(PD.SequenceEqual(QD) ? ["p = q"] : [])
        .Concat(Enumerable.Range(0, N).Any(i => PD[i] == 0 && QD[i] == 0) ? ["p and q share a zero"] : []);

    public string Describe() => $"p = {Show.Vector(P)}\nq = {Show.Vector(Q)}   ({Kind})";
}

/// <summary>A logit vector.</summary>
public sealed class LogitsCase<T>(T[] z, string kind) : ICase where T : unmanaged, IFloatingPointIeee754<T>
{
    public T[] Z { get; } = z;
    public double[] ZD { get; } = Fp<T>.ToDouble(z);
    public string Kind { get; } = kind;
    public int N => Z.Length;

    public IEnumerable<string> Tags => Tagging.Size(N).Append(Kind).Concat(Tagging.Logits(ZD));

    public string Describe() => $"z = {Show.Vector(Z)}   ({Kind})";
}

/// <summary>Logits with a target distribution y (one-hot or soft, Σy = 1 within rounding).</summary>
public sealed class LogitsTargetCase<T>(T[] z, T[] y, string kind, string targetKind) : ICase where T : unmanaged, IFloatingPointIeee754<T>
{
    public T[] Z { get; } = z;
    public T[] Y { get; } = y;
    public double[] ZD { get; } = Fp<T>.ToDouble(z);
    public double[] YD { get; } = Fp<T>.ToDouble(y);
    public string Kind { get; } = kind;
    public string TargetKind { get; } = targetKind;
    public int N => Z.Length;

    public IEnumerable<string> Tags => Tagging.Size(N).Append(Kind).Append(TargetKind).Concat(Tagging.Logits(ZD));

    public string Describe() => $"z = {Show.Vector(Z)}   ({Kind})\ny = {Show.Vector(Y)}   ({TargetKind})";
}

/// <summary>The labels that Classify prints, so that a run shows which hard cases it reached.</summary>
public static class Tagging
{
    public static IEnumerable<string> Size(int n) =>
        [n == 1 ? "n = 1" : n <= 8 ? "n ≤ 8" : n <= 64 ? "n ≤ 64" : n <= 512 ? "n ≤ 512" : "n > 512"];

    public static IEnumerable<string> Distribution(string name, double[] p)
    {
        if (p.Any(v => v == 0)) yield return $"{name} has zeros";
        if (p.Count(v => v > 0) == 1) yield return $"{name} one-hot";
        if (p.Any(v => v > 0 && v < 1e-30)) yield return $"{name} has entries < 1e-30";
    }

    public static IEnumerable<string> Logits(double[] z)
    {
        double max = z.Max(Math.Abs);
        yield return max >= 1e3 ? "|z| ≥ 1e3" : max >= 30 ? "|z| ≥ 30" : "|z| < 30";
        if (z.Distinct().Count() < z.Length) yield return "ties";
    }
}
