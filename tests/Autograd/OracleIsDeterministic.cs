using Xunit;

namespace LossConformance.Autograd;

/// <summary>
/// The oracle's answer is a function of its input alone: the same bits from eight threads at once as from
/// one (issue 13, section 6: a failure that held on re-evaluation of the same input pointed at the oracle
/// under xunit's parallel test classes).
/// </summary>
public sealed class OracleIsDeterministic
{
    private const int Cases = 48, Threads = 8;

    [Fact]
    public void The_oracle_gives_the_same_bits_from_eight_threads_at_once_as_from_one()
    {
        var cases = Enumerable.Range(0, Cases).Select(i => Case(new Random(1000 + i))).ToArray();
        var expected = cases.Select(Evaluate).ToArray();
        var differences = new System.Collections.Concurrent.ConcurrentBag<string>();
        Parallel.For(0, Threads, new ParallelOptions { MaxDegreeOfParallelism = Threads }, t =>
        {
            for (int k = 0; k < Cases; k++)
            {
                int i = (k + t * 7) % Cases;   // the threads visit the cases in different orders
                var got = Evaluate(cases[i]);
                for (int j = 0; j < got.Length; j++)
                    if (BitConverter.DoubleToInt64Bits(got[j]) != BitConverter.DoubleToInt64Bits(expected[i][j]))
                    {
                        differences.Add($"thread {t}, case {i}, component {j}: {got[j]:R} vs {expected[i][j]:R} alone");
                        break;
                    }
            }
        });
        Assert.True(differences.IsEmpty, $"{differences.Count} answers differed:" + Environment.NewLine + string.Join(Environment.NewLine, differences.Take(10)));
    }

    private sealed record OracleCase(double[] Y, double[] Z, double[] X, double[] W, double[] B, double[] Yl, int[] Tokens, int V, double[] Ws, double[] Bs, double Lambda);

    private static OracleCase Case(Random r)
    {
        int n = r.Next(2, 40), m = r.Next(1, 12), k = r.Next(2, 12), v = r.Next(2, 32), t = r.Next(2, 64);
        double[] Vec(int len, double scale) => Enumerable.Range(0, len).Select(_ => scale * (2 * r.NextDouble() - 1)).ToArray();
        double[] Dist(int len) { var p = Enumerable.Range(0, len).Select(_ => r.NextDouble()).ToArray(); double s = p.Sum(); return p.Select(x => x / s).ToArray(); }
        return new OracleCase(Dist(n), Vec(n, 20), Vec(m, 3), Vec(m * k, 3), Vec(k, 3), Dist(k),
            Enumerable.Range(0, t).Select(_ => r.Next(v)).ToArray(), v, Vec(v * v, 4), Vec(v, 4), r.Next(2) * r.NextDouble());
    }

    private static double[] Evaluate(OracleCase c)
    {
        var g = AutogradOracle.LogitGradient(c.Y, c.Z);
        var (lw, lb) = AutogradOracle.LinearGradients(c.X, c.W, c.B, c.Yl);
        var (sw, sb) = AutogradOracle.SequenceGradients(c.Tokens, c.V, c.Ws, c.Bs, c.Lambda);
        return [.. g, .. lw, .. lb, .. sw, .. sb];
    }
}
