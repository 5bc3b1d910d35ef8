using System.Numerics;
using System.Runtime.CompilerServices;
using FsCheck;

namespace LossConformance.Kit;

/// <summary>
/// How the worst-case search (<c>CONFORMANCE_SEARCH_SECONDS</c>) moves through the inputs of one arbitrary, and
/// how the regression corpus (tests/Regressions) stores them: <see cref="Mutate"/> returns a nearby case that obeys
/// the same generator rules as the original (the input rules of spec/bad-input.md and the arbitrary's own promises,
/// e.g. supp p ⊆ supp q); <see cref="Values"/> and <see cref="Restore"/> turn a case into named float64 vectors (every
/// T converts exactly) and back.
/// </summary>
public sealed class CaseCodec<TCase>(string caseType,
                                     Func<TCase, Random, TCase> mutate,
                                     Func<TCase, IReadOnlyDictionary<string, double[]>> values,
                                     Func<IReadOnlyDictionary<string, double[]>, string, TCase> restore,
                                     Func<TCase, string> kind)
{
    /// <summary>The case type's name, stored with each corpus entry.</summary>
    public string CaseType { get; } = caseType;
    public TCase Mutate(TCase c, Random rng) => mutate(c, rng);
    public IReadOnlyDictionary<string, double[]> Values(TCase c) => values(c);
    public TCase Restore(IReadOnlyDictionary<string, double[]> v, string kindLabel) => restore(v, kindLabel);
    public string Kind(TCase c) => kind(c);
}

/// <summary>The codec registered for an arbitrary (by instance: the generators' arbitraries are singletons).</summary>
public static class Mutations
{
    private static readonly ConditionalWeakTable<object, object> Codecs = new();

    /// <summary>Registers the codec and returns the arbitrary, so that a generator property can be written as one expression.</summary>
    public static Arbitrary<TCase> Searchable<TCase>(Arbitrary<TCase> arbitrary, CaseCodec<TCase> codec)
    {
        Codecs.AddOrUpdate(arbitrary, codec);
        return arbitrary;
    }

    public static CaseCodec<TCase>? Of<TCase>(Arbitrary<TCase> arbitrary) =>
        Codecs.TryGetValue(arbitrary, out var codec) ? (CaseCodec<TCase>)codec : null;

    /// <summary>The kind label of a mutated case: the original's, marked once with ", searched".</summary>
    public static string Searched(string kind) => kind.EndsWith(", searched", StringComparison.Ordinal) ? kind : kind + ", searched";
}

/// <summary>Mutations of the cases of <see cref="Generate{T}"/>, each keeping the generator's rules.</summary>
public static class Mutate<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private const int MaxLength = 4096;
    private const double MaxLogit = 1e4;

    /// <summary>
    /// New weights from float64 weights w (≥ 0, some &gt; 0): scale one entry by e^(σN) (σ from 0.01 to 5), drop it
    /// to 0 (where <paramref name="mayZero"/> allows and another entry stays positive), set it to a tiny weight (where
    /// <paramref name="mayRise"/> allows, for a zero), copy another entry (ties), or double the length by repeating
    /// the vector (up to 4096 entries). The caller normalises, as the generators do.
    /// </summary>
    public static double[] Weights(double[] w, Random rng, Func<int, bool> mayZero, Func<int, bool> mayRise, bool allowGrow = true)
    {
        var v = (double[])w.Clone();
        int n = v.Length;
        int i = rng.Next(n);
        switch (rng.Next(10))
        {
            case 0 when allowGrow && 2 * n <= MaxLength:
                return [.. v, .. v];
            case 1 when v[i] > 0 && mayZero(i) && v.Count(x => x > 0) > 1:
                v[i] = 0;
                break;
            case 2 when (v[i] > 0 || mayRise(i)):
                v[i] = Generate<T>.Tiny * Math.Pow(10, rng.NextDouble() * 5) * v.Max();
                break;
            case 3:
            {
                int j = rng.Next(n);
                if ((v[j] > 0 || mayZero(i)) && (v[i] > 0 || v[j] == 0 || mayRise(i))) v[i] = v[j];
                break;
            }
            default:
                if (v[i] > 0) v[i] *= Math.Exp(Sigma(rng) * Normal(rng));
                break;
        }
        return v.Sum() > 0 ? v : w;
    }

    public static DistributionCase<T> Distribution(DistributionCase<T> c, Random rng) =>
        new(Generate<T>.Normalise(Weights(c.PD, rng, _ => true, _ => true)), Mutations.Searched(c.Kind));

    /// <summary>Mutates p or q (or sets q = p), keeping supp p ⊆ supp q as <see cref="Generate{T}.DistributionPairs"/> promises.</summary>
    public static DistributionPairCase<T> Pair(DistributionPairCase<T> c, Random rng)
    {
        double[] pw = c.PD, qw = c.QD;
        switch (rng.Next(9))
        {
            case 0:
                qw = pw;
                break;
            case 1 when 2 * c.N <= MaxLength:
                pw = [.. pw, .. pw];
                qw = [.. qw, .. qw];
                break;
            case < 5:
                pw = Weights(pw, rng, _ => true, i => qw[i] > 0, allowGrow: false);
                break;
            default:
                qw = Weights(qw, rng, i => pw[i] == 0, _ => true, allowGrow: false);
                break;
        }
        return Generate<T>.PairFromWeights(pw, qw, Mutations.Searched(c.Kind));
    }

    /// <summary>Moves one logit (by σN·max(1, |zᵢ|) with σ from 1e-6 to 5), ties it to another, sends it to ±1e4, or repeats the vector; |z| ≤ 1e4, values in T.</summary>
    public static double[] Logits(double[] z, Random rng)
    {
        var v = (double[])z.Clone();
        int n = v.Length, i = rng.Next(n);
        switch (rng.Next(10))
        {
            case 0 when 2 * n <= MaxLength:
                return [.. v, .. v];
            case 1:
                v[i] = v[rng.Next(n)];
                break;
            case 2:
                v[i] = rng.Next(2) == 0 ? MaxLogit : -MaxLogit;
                break;
            default:
            {
                double sigma = Math.Pow(10, -6 + rng.NextDouble() * 6.7);
                v[i] = Math.Clamp(v[i] + sigma * Math.Max(1, Math.Abs(v[i])) * Normal(rng), -MaxLogit, MaxLogit);
                break;
            }
        }
        for (int k = 0; k < n; k++) v[k] = Fp<T>.ToDouble(Fp<T>.From(v[k]));
        return v;
    }

    public static LogitsCase<T> LogitVector(LogitsCase<T> c, Random rng) =>
        new(Fp<T>.From(Logits(c.ZD, rng)), Mutations.Searched(c.Kind));

    /// <summary>Mutates the logits, or the target (a one-hot target moves its class; a soft one its weights), or repeats both.</summary>
    public static LogitsTargetCase<T> LogitsTarget(LogitsTargetCase<T> c, Random rng)
    {
        double[] z = c.ZD, y = c.YD;
        int r = rng.Next(6);
        if (r == 0 && 2 * c.N <= MaxLength) { z = [.. z, .. z]; y = [.. y, .. y]; }
        else if (r < 4) z = Logits(z, rng) is var m && m.Length == z.Length ? m : z;
        else if (y.Count(v => v > 0) == 1) { y = new double[c.N]; y[rng.Next(c.N)] = 1; }
        else y = Weights(y, rng, _ => true, _ => true, allowGrow: false);
        return new LogitsTargetCase<T>(Fp<T>.From(z), Generate<T>.Normalise(y), Mutations.Searched(c.Kind), c.TargetKind);
    }

    private static double Sigma(Random rng) => new[] { 0.01, 0.1, 1, 5 }[rng.Next(4)];

    private static double Normal(Random rng) =>
        Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble());
}
