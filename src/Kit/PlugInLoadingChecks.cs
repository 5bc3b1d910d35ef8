using Xunit;

namespace LossConformance.Kit;

/// <summary>
/// The checks every suite project runs on its own list of implementations: a plug-in named in
/// CONFORMANCE_IMPLEMENTATION that does not load fails here, saying why, instead of silently testing
/// less; and CONFORMANCE_ONLY naming no implementation of the project (a typo) would run nothing, so it
/// fails here, listing the names it may use. A project subclasses it once, naming how it offers its
/// built-ins (its <c>BuiltIn.For&lt;float&gt;()</c> and <c>For&lt;double&gt;()</c>).
/// </summary>
public abstract class PlugInLoadingChecks
{
    /// <summary>Offers every built-in and plug-in name of the project to <see cref="Implementations"/>.</summary>
    protected abstract void OfferEveryImplementation();

    [Fact]
    public void Every_named_plug_in_loads() =>
        Assert.True(DropIn.Errors.Count == 0, string.Join(Environment.NewLine, DropIn.Errors));

    [Fact]
    public void Every_name_in_CONFORMANCE_ONLY_is_an_implementation()
    {
        OfferEveryImplementation();
        Assert.True(Implementations.OnlyProblem() is null, Implementations.OnlyProblem());
    }
}
