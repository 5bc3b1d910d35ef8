using LossConformance.Kit;
using Xunit;

namespace LossConformance.Properties;

/// <summary>A plug-in named in CONFORMANCE_IMPLEMENTATION that does not load fails here, saying why, instead of silently testing less.</summary>
public sealed class PlugInLoading
{
    [Fact]
    public void Every_named_plug_in_loads() =>
        Assert.True(DropIn.Errors.Count == 0, string.Join(Environment.NewLine, DropIn.Errors));
}
