using System.Numerics;
using LossConformance.Kit;
using Xunit.Abstractions;
using Ref = LossConformance.Reference;

namespace LossConformance.Conformance;

/// <summary>
/// spec/softmax.md against the float64 reference: softmax, log-softmax, logsumexp and the
/// Jacobian of the implementation in T agree entry by entry with <see cref="Ref.Softmax"/> on the
/// same logits, within the implementation's bound for T plus the reference's for double. Output
/// spans start filled with a sentinel, so an entry left unwritten shows.
/// </summary>
public abstract class SoftmaxConformance<T>(ITestOutputHelper output, params object[] implementations)
    : Suite<T>(output, implementations) where T : unmanaged, IFloatingPointIeee754<T>
{
    [ForEachImplementation, Spec("SMAX-DEF", "ACC-SOFTMAX"), Requires(typeof(ISoftmax<>))]
    public void Softmax_agrees_with_the_reference(string implementation) =>
        Check(implementation, Generate<T>.Logits, (impl, c) =>
        {
            var y = Agreement.Filled<T>(c.N, Agreement.Sentinel);
            impl.As<ISoftmax<T>>().Softmax(c.Z, y);
            var expected = new double[c.N];
            Ref.Softmax.Of(c.ZD, expected);
            return Agreement.Vector<T>("ŷ", Fp<T>.ToDouble(y), expected, Agreement.Plus(Accuracy.Softmax<T>(c.ZD), Accuracy.Softmax<double>(c.ZD)));
        });

    [ForEachImplementation, Spec("SMAX-LOG", "ACC-SOFTMAX"), Requires(typeof(ISoftmax<>))]
    public void Log_softmax_agrees_with_the_reference(string implementation) =>
        Check(implementation, Generate<T>.Logits, (impl, c) =>
        {
            var l = Agreement.Filled<T>(c.N, Agreement.Sentinel);
            impl.As<ISoftmax<T>>().LogSoftmax(c.Z, l);
            var expected = new double[c.N];
            Ref.Softmax.Log(c.ZD, expected);
            return Agreement.Vector<T>("ln ŷ", Fp<T>.ToDouble(l), expected, Agreement.Plus(Accuracy.LogSoftmax<T>(c.ZD), Accuracy.LogSoftmax<double>(c.ZD)));
        });

    [ForEachImplementation, Spec("SMAX-LOG", "ACC-SOFTMAX"), Requires(typeof(ISoftmax<>))]
    public void Log_sum_exp_agrees_with_the_reference(string implementation) =>
        Check(implementation, Generate<T>.Logits, (impl, c) =>
            Agreement.Scalar<T>("logsumexp(z)", Fp<T>.ToDouble(impl.As<ISoftmax<T>>().LogSumExp(c.Z)), Ref.Softmax.LogSumExp(c.ZD),
                Accuracy.LogSumExpBound<T>(c.ZD) + Accuracy.LogSumExpBound<double>(c.ZD)));

    [ForEachImplementation, Spec("SMAX-JACOBIAN", "ACC-SOFTMAX"), Requires(typeof(ISoftmaxJacobian<>))]
    public void Jacobian_agrees_with_the_reference(string implementation) =>
        Check(implementation, SoftmaxCases<T>.SmallLogitsFullPrecision, (impl, c) =>
        {
            var j = Agreement.Filled<T>(c.N * c.N, Agreement.Sentinel);
            impl.As<ISoftmaxJacobian<T>>().SoftmaxJacobian(c.Z, j);
            var expected = new double[c.N * c.N];
            Ref.Softmax.Jacobian(c.ZD, expected);
            return Agreement.Vector<T>("J (row-major)", Fp<T>.ToDouble(j), expected,
                Agreement.Plus(SoftmaxAccuracy.Jacobian<T>(c.ZD), SoftmaxAccuracy.Jacobian<double>(c.ZD)));
        });
}
