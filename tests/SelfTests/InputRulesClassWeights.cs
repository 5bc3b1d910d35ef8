using System.Numerics;
using LossConformance.Kit;
using Xunit;

namespace LossConformance.SelfTests;

/// <summary>
/// <c>InputRules.LossOptions</c> checks the class weights with a vectorized pass first (finite and ≥ 0) and only on
/// failure walks them for the first offending index. LossOptionsBadInputConformance has V = 3, below one vector: this
/// checks the vectorized pass, with a bad weight in the vector body and in the tail, of every kind, and −0 accepted.
/// </summary>
public sealed class InputRulesClassWeights
{
    [Fact, Spec("LOSSOPT-INPUT")]
    public void A_bad_weight_anywhere_in_a_long_vector_is_named_and_minus_zero_is_accepted()
    {
        Check<float>();
        Check<double>();
    }

    private static void Check<T>() where T : unmanaged, IFloatingPointIeee754<T>
    {
        const int classes = 1003;   // not a multiple of any vector width: a tail
        foreach (int at in new[] { 0, 517, classes - 1 })
            foreach (double bad in new[] { -1e-30, -1.0, double.NaN, double.PositiveInfinity, double.NegativeInfinity })
            {
                var w = Enumerable.Repeat(T.One, classes).ToArray();
                w[at] = T.CreateTruncating(bad);
                var e = Assert.Throws<ArgumentException>(() => InputRules.LossOptions(new CrossEntropyOptions<T> { ClassWeights = w }, classes));
                Assert.Equal(InputRules.ClassWeightsParam, e.ParamName);
                Assert.Contains($"w[{at}]", e.Message);
            }
        var ok = Enumerable.Repeat(T.One, classes).ToArray();
        ok[5] = T.NegativeZero;
        ok[classes - 1] = T.Zero;
        InputRules.LossOptions(new CrossEntropyOptions<T> { ClassWeights = ok }, classes);
    }
}
