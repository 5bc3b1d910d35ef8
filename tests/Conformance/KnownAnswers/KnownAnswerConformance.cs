using System.Numerics;
using System.Runtime.CompilerServices;
using LossConformance.Kit;
using LossConformance.Oracle;
using Xunit.Abstractions;

namespace LossConformance.Conformance;

/// <summary>
/// Known answers: every implementation against the independent 256-bit oracle (tests/Oracle) on the stored
/// cases of tests/Oracle/vectors, within the implementation's own bound from <see cref="Accuracy"/>. For
/// double every row is used; for float only the rows whose inputs are exactly floats (float_exact = 1), so
/// that both are judged on exactly the inputs the oracle used. Expected +∞ must come back as +∞.
/// All failing cases of an operation are reported together, each with its name (a row of the CSV).
/// </summary>
public abstract class KnownAnswerConformance<T> : Suite<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    protected KnownAnswerConformance(ITestOutputHelper output, params object[] implementations)
        : base(output, implementations) { }

    [ForEachImplementation]
    [Spec("ENT-DEF", "ACC-ENTROPY", "ACC-SUM")]
    [Requires(typeof(IEntropy<>))]
    public void Entropy_matches_the_oracle(string implementation) =>
        ExpectEveryRow(implementation, Vectors.Entropy, (impl, row) =>
        {
            var p = row.Input("p");
            double h = Fp<T>.ToDouble(impl.As<IEntropy<T>>().Entropy(Fp<T>.From(p)));
            return Close("H(p)", h, row.Scalar, Accuracy.Entropy<T>(p));
        });

    [ForEachImplementation]
    [Spec("XENT-DEF", "XENT-SUPPORT", "ACC-ENTROPY")]
    [Requires(typeof(ICrossEntropy<>))]
    public void Cross_entropy_matches_the_oracle(string implementation) =>
        ExpectEveryRow(implementation, Vectors.CrossEntropy, (impl, row) =>
        {
            double[] p = row.Input("p"), q = row.Input("q");
            double h = Fp<T>.ToDouble(impl.As<ICrossEntropy<T>>().CrossEntropy(Fp<T>.From(p), Fp<T>.From(q)));
            return Close("H(p, q)", h, row.Scalar, Accuracy.CrossEntropy<T>(p, q));
        });

    [ForEachImplementation]
    [Spec("KL-DEF", "KL-SUPPORT", "ACC-ENTROPY")]
    [Requires(typeof(IKlDivergence<>))]
    public void Kl_divergence_matches_the_oracle(string implementation) =>
        ExpectEveryRow(implementation, Vectors.KlDivergence, (impl, row) =>
        {
            double[] p = row.Input("p"), q = row.Input("q");
            double d = Fp<T>.ToDouble(impl.As<IKlDivergence<T>>().KlDivergence(Fp<T>.From(p), Fp<T>.From(q)));
            return Close("D(p‖q)", d, row.Scalar, Accuracy.Kl<T>(p, q));
        });

    [ForEachImplementation]
    [Spec("SMAX-DEF", "SMAX-LARGE", "ACC-SOFTMAX")]
    [Requires(typeof(ISoftmax<>))]
    public void Softmax_matches_the_oracle(string implementation) =>
        ExpectEveryRow(implementation, Vectors.Softmax, (impl, row) =>
        {
            var z = row.Input("z");
            var y = new T[z.Length];
            impl.As<ISoftmax<T>>().Softmax(Fp<T>.From(z), y);
            return Verdict.AllWithin("softmax(z)", Fp<T>.ToDouble(y), [.. row.Nearest], Accuracy.Softmax<T>(z));
        });

    [ForEachImplementation]
    [Spec("SMAX-LOG", "SMAX-LARGE", "ACC-SOFTMAX")]
    [Requires(typeof(ISoftmax<>))]
    public void Log_softmax_matches_the_oracle(string implementation) =>
        ExpectEveryRow(implementation, Vectors.LogSoftmax, (impl, row) =>
        {
            var z = row.Input("z");
            var l = new T[z.Length];
            impl.As<ISoftmax<T>>().LogSoftmax(Fp<T>.From(z), l);
            return Verdict.AllWithin("log-softmax(z)", Fp<T>.ToDouble(l), [.. row.Nearest], Accuracy.LogSoftmax<T>(z));
        });

    [ForEachImplementation]
    [Spec("SMAX-LOG", "SMAX-LARGE", "ACC-SOFTMAX")]
    [Requires(typeof(ISoftmax<>))]
    public void Log_sum_exp_matches_the_oracle(string implementation) =>
        ExpectEveryRow(implementation, Vectors.LogSumExp, (impl, row) =>
        {
            var z = row.Input("z");
            double lse = Fp<T>.ToDouble(impl.As<ISoftmax<T>>().LogSumExp(Fp<T>.From(z)));
            return Close("logsumexp(z)", lse, row.Scalar, Accuracy.LogSumExpBound<T>(z));
        });

    [ForEachImplementation]
    [Spec("XENT-LOGITS", "ACC-XENT-LOGITS", "ACC-SUM")]
    [Requires(typeof(ISoftmaxCrossEntropy<>))]
    public void Cross_entropy_from_logits_matches_the_oracle(string implementation) =>
        ExpectEveryRow(implementation, Vectors.CrossEntropyFromLogits, (impl, row) =>
        {
            double[] y = row.Input("y"), z = row.Input("z");
            double loss = Fp<T>.ToDouble(impl.As<ISoftmaxCrossEntropy<T>>().CrossEntropyFromLogits(Fp<T>.From(y), Fp<T>.From(z)));
            return Close("L(y, z)", loss, row.Scalar, Accuracy.CrossEntropyFromLogits<T>(y, z));
        });

    [ForEachImplementation]
    [Spec("GRAD-LOGITS", "GRAD-GENERAL", "ACC-XENT-LOGITS")]
    [Requires(typeof(ISoftmaxCrossEntropy<>))]
    public void Logit_gradient_matches_the_oracle(string implementation) =>
        ExpectEveryRow(implementation, Vectors.LogitGradient, (impl, row) =>
        {
            double[] y = row.Input("y"), z = row.Input("z");
            var g = new T[z.Length];
            impl.As<ISoftmaxCrossEntropy<T>>().CrossEntropyLogitGradient(Fp<T>.From(y), Fp<T>.From(z), g);
            return Verdict.AllWithin("∂L/∂z", Fp<T>.ToDouble(g), [.. row.Nearest], Accuracy.LogitGradient<T>(y, z));
        });

    /// <summary>The stored rows this element type can use: all for double, the float-exact ones for float.</summary>
    protected static IReadOnlyList<KnownAnswer> RowsFor(string operation) =>
        KnownAnswers.Load(operation).Where(r => typeof(T) == typeof(double) || r.FloatExact).ToArray();

    /// <summary>Within the bound; an infinite expected value must be matched exactly (an infinite bound proves nothing).</summary>
    private static Verdict Close(string quantity, double observed, double expected, double bound) =>
        double.IsInfinity(expected)
            ? Verdict.That(observed.Equals(expected), $"{quantity} = {Show.Number(observed)}, expected {Show.Number(expected)} exactly")
            : Verdict.Within(quantity, observed, expected, bound);

    /// <summary>One <see cref="Suite{T}.Expect"/> per stored case; all failures are collected and reported together.</summary>
    private void ExpectEveryRow(string implementation, string operation, Func<ImplementationUnderTest, KnownAnswer, Verdict> check,
                                [CallerMemberName] string test = "")
    {
        var rows = RowsFor(operation);
        if (rows.Count == 0) throw new InvalidOperationException($"{operation}.csv has no rows for {Fp<T>.Name}");
        var failures = new List<SpecViolationException>();
        foreach (var row in rows)
        {
            try { Expect(implementation, row.Case, impl => check(impl, row), test); }
            catch (SpecViolationException e) { failures.Add(e); }
        }
        if (failures.Count == 1) throw failures[0];
        if (failures.Count > 1)
        {
            var broken = failures.SelectMany(f => f.ClauseIds).Distinct().ToArray();
            throw new SpecViolationException(broken, failures[0].Implementation,
                $"{string.Join(", ", broken)} violated by {failures[0].Implementation} ({Fp<T>.Name}) in {failures.Count} of {rows.Count} known answers of tests/Oracle/vectors/{operation}.csv:"
                + Environment.NewLine + string.Join(Environment.NewLine, failures.Select(f => f.Message)));
        }
        Output.WriteLine($"all {rows.Count} known answers of {operation}.csv hold ({Fp<T>.Name})");
    }
}
