using LossConformance.Kit;
using Xunit;

namespace LossConformance.Conformance;

/// <summary>
/// The reference's reverse KL, D(q ‖ p) = KlDivergence.Reverse(p, q), is the forward divergence with its arguments
/// swapped, and the suites and the report call it directly (it is no contract method). It validates its own arguments
/// first, so that an error names the caller's parameter: without that, a bad p would be reported as "q" (the
/// mutation run of src/Reference found the three checks unexercised).
/// </summary>
public sealed class ReferenceReverseKl
{
    private static readonly double[] Good = [0.5, 0.5], NotADistribution = [0.5, 0.75], Shorter = [1.0];

    [Fact, Spec("INPUT-PROB", "INPUT-LENGTH")]
    public void Reverse_kl_names_the_callers_parameters()
    {
        Assert.Equal("p", Assert.Throws<ArgumentException>(() => Reference.KlDivergence.Reverse(NotADistribution, Good)).ParamName);
        Assert.Equal("q", Assert.Throws<ArgumentException>(() => Reference.KlDivergence.Reverse(Good, NotADistribution)).ParamName);
        var lengths = Assert.Throws<ArgumentException>(() => Reference.KlDivergence.Reverse(Good, Shorter));
        Assert.Equal("q", lengths.ParamName);   // InputRules.SameLength names the second argument, here the caller's q
        Assert.Contains("p has length 2 but q has length 1", lengths.Message);
        Assert.Equal(Reference.KlDivergence.Forward(Good, [0.25, 0.75]), Reference.KlDivergence.Reverse([0.25, 0.75], Good));
    }
}
