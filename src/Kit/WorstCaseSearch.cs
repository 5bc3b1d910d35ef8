using System.Diagnostics;

namespace LossConformance.Kit;

/// <summary>
/// Targeted search for the input with the largest error/bound (in the manner of Hypothesis' <c>target()</c>): the
/// generated cases offer themselves with their verdict's ratio; <see cref="Run"/> then hill-climbs from the best
/// few, mutating a parent (half the time the best so far, else another of the pool) through the arbitrary's
/// <see cref="CaseCodec{TCase}.Mutate"/> and keeping a child that beats the pool's weakest, until the time is up or a
/// child breaks its bound (ratio &gt; 1). Cases inside a declared deviation's scope are not counted.
/// </summary>
public sealed class WorstCaseSearch<TCase>(CaseCodec<TCase> codec, Func<ImplementationUnderTest, TCase, Verdict> law,
                                           ImplementationUnderTest impl, Func<TCase, bool> excused) where TCase : ICase
{
    public const int PoolSize = 8;

    private readonly List<Candidate> _pool = [];

    /// <summary>A case with its verdict and the ratio the search maximises.</summary>
    public sealed record Candidate(TCase Case, Verdict Verdict, double Ratio);

    /// <summary>The search's result: the best case, its ratio and clause, and what it cost.</summary>
    public sealed record Best(TCase Case, Verdict Verdict, double Ratio, string? Clause, double StartRatio, double Seconds, int Evaluations);

    public bool HasStart => _pool.Count > 0;

    /// <summary>Offers a generated case (its verdict already computed); only verdicts with a ratio can steer the search.</summary>
    public void Offer(TCase c, Verdict verdict)
    {
        if (Objective(verdict) is { } ratio) Keep(new Candidate(c, verdict, ratio));
    }

    /// <summary>What the search maximises: the verdict's ratio; a failing verdict counts above 1 even where its failing part has no ratio.</summary>
    public static double? Objective(Verdict v) =>
        v.Holds ? v.Ratio : v.Ratio is > 1 and var r ? r : double.PositiveInfinity;

    private bool Keep(Candidate c)
    {
        if (_pool.Count == PoolSize)
        {
            int weakest = 0;
            for (int i = 1; i < _pool.Count; i++) if (_pool[i].Ratio < _pool[weakest].Ratio) weakest = i;
            if (!(c.Ratio > _pool[weakest].Ratio)) return false;
            _pool.RemoveAt(weakest);
        }
        _pool.Add(c);
        return true;
    }

    private Candidate BestOfPool() => _pool.MaxBy(c => c.Ratio)!;

    public Best Run(TimeSpan budget, int seed = 20261202)
    {
        if (_pool.Count == 0) throw new InvalidOperationException("no generated case carried a ratio to start from");
        var rng = new Random(seed);
        var clock = Stopwatch.StartNew();
        double start = BestOfPool().Ratio;
        int evaluations = 0;
        while (clock.Elapsed < budget && !(BestOfPool().Ratio > 1))
        {
            var parent = rng.Next(2) == 0 ? BestOfPool() : _pool[rng.Next(_pool.Count)];
            var child = codec.Mutate(parent.Case, rng);
            Verdict verdict;
            try { verdict = law(impl, child); }
            catch (ImplementationUnavailableException) { throw; }
            catch (Exception e)   // a valid input that makes the implementation throw is a failure like any other
            {
                verdict = Verdict.That(false, $"threw {e.GetType().Name}: {e.Message}") with { Ratio = double.PositiveInfinity };
            }
            evaluations++;
            if (!verdict.Holds && excused(child)) continue;
            if (Objective(verdict) is { } ratio) Keep(new Candidate(child, verdict, ratio));
        }
        var best = BestOfPool();
        return new Best(best.Case, best.Verdict, best.Ratio, ClauseOf(best.Verdict), start, clock.Elapsed.TotalSeconds, evaluations);
    }

    /// <summary>The clause of the failing part, else of the part with the largest ratio (null: untagged).</summary>
    private static string? ClauseOf(Verdict v) =>
        !v.Holds ? v.FailingClause : v.Leaves().Where(l => l.Ratio is not null).MaxBy(l => l.Ratio!.Value).Clause;
}
