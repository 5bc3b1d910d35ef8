using System.Numerics;
using LossConformance.Kit;
using Xunit.Abstractions;

namespace LossConformance.Conformance;

/// <summary>
/// spec/accuracy.md clauses that are properties of an implementation as a whole rather than of one
/// formula: a softmax output is normalised well enough to be fed back as a distribution
/// (<c>ACC-NORMALISATION</c>). The other ACC-* clauses are cited by the suites that use their bounds
/// (differential, known-answer, hard-case and finite-difference suites).
/// </summary>
[Requires(typeof(ISoftmax<>))]
public abstract class AccuracyConformance<T>(ITestOutputHelper output, params object[] implementations)
    : Suite<T>(output, implementations) where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>
    /// τ(n) = (2n + 8)u leaves γ_{n+8} for the softmax and γ_{n−1} for the check's own sum: the
    /// exact Σŷ (formed by compensated summation in double) must be within τ(n) − γ_{n−1}, so that a check summing in T in
    /// any order accepts it; and <see cref="InputRules.Distribution{T}"/> must accept it.
    /// </summary>
    [ForEachImplementation, Spec("ACC-NORMALISATION", "SMAX-SIMPLEX")]
    public void Softmax_output_is_accepted_as_a_distribution(string implementation) =>
        Check(implementation, Generate<T>.Logits, (impl, c) =>
        {
            var y = new T[c.N];
            impl.As<ISoftmax<T>>().Softmax(c.Z, y);
            double sum = Accuracy.CompensatedSum(Fp<T>.ToDouble(y));
            double slack = Accuracy.NormalisationTolerance<T>(c.N) - Accuracy.Gamma(c.N - 1, U) * sum - 3 * Fp<double>.U * sum;
            return Verdict.AtMost("|Σŷ − 1|", Math.Abs(sum - 1), slack, slack)
                 & Verdict.That(Agreement.IsDistribution(y), "InputRules.Distribution rejects the softmax output");
        });

    /// <summary>The implementation's own entropy, cross-entropy and KL accept its softmax output (those it provides).</summary>
    [ForEachImplementation, Spec("ACC-NORMALISATION", "INPUT-PROB")]
    public void Softmax_output_is_accepted_by_the_implementations_own_distribution_functions(string implementation) =>
        Check(implementation, Generate<T>.Logits, (impl, c) =>
        {
            var y = new T[c.N];
            impl.As<ISoftmax<T>>().Softmax(c.Z, y);
            var verdicts = new List<Verdict>();
            if (impl.Provides<IEntropy<T>>())
                verdicts.Add(Verdict.That(T.IsFinite(impl.As<IEntropy<T>>().Entropy(y)), "Entropy(ŷ) is not finite"));
            if (impl.Provides<ICrossEntropy<T>>())
                verdicts.Add(Verdict.That(T.IsFinite(impl.As<ICrossEntropy<T>>().CrossEntropy(y, y)), "CrossEntropy(ŷ, ŷ) is not finite"));
            if (impl.Provides<IKlDivergence<T>>())
                verdicts.Add(Verdict.That(T.IsFinite(impl.As<IKlDivergence<T>>().KlDivergence(y, y)), "KlDivergence(ŷ, ŷ) is not finite"));
            return Verdict.All(verdicts);
        });
}
