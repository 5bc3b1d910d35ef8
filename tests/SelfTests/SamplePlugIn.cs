using LossConformance.Kit;
using Samples;
using Xunit;

namespace LossConformance.SelfTests;

/// <summary>
/// Way (b) in: CONFORMANCE_IMPLEMENTATION names a plug-in assembly. The sample plug-in
/// (samples/SampleKernels) must load through it with the contract types shared, and a bad entry
/// must produce an error that says why, instead of silently testing less.
/// </summary>
public sealed class SamplePlugIn
{
    private static string SamplePath => typeof(SampleKernels).Assembly.Location;

    /// <summary>
    /// Loaded once per process: the registry of implementations is keyed by name, and a second load
    /// would be a second type named "Sample". When CONFORMANCE_IMPLEMENTATION itself names the sample
    /// (way (b) run over the whole solution), the implementation it loaded is the one checked.
    /// </summary>
    private static readonly Lazy<(IReadOnlyList<ImplementationUnderTest> Loaded, IReadOnlyList<string> Errors, string Origin)> Sample = new(() =>
    {
        var viaVariable = DropIn.Implementations.Where(i => i.Name == "Sample").ToArray();
        if (viaVariable.Length > 0) return (viaVariable, [], viaVariable[0].Origin);
        var (loaded, errors) = DropIn.Load(SamplePath);
        return (loaded, errors, SamplePath);
    });

    [Fact]
    public void Sample_plug_in_loads_through_CONFORMANCE_IMPLEMENTATION()
    {
        var (loaded, errors, origin) = Sample.Value;
        Assert.True(errors.Count == 0, string.Join(Environment.NewLine, errors));
        var impl = Assert.Single(loaded);
        Assert.Equal("Sample", impl.Name);
        Assert.Equal(origin, impl.Origin);
        Assert.EndsWith("SampleKernels.dll", impl.Origin);

        // Loaded from the file in its own load context, yet its capabilities are the suites' own
        // interface types: the contract assembly is shared, not loaded a second time.
        Assert.NotSame(typeof(SampleKernels), impl.Instance.GetType());
        Assert.Equal(typeof(SampleKernels).FullName, impl.Instance.GetType().FullName);
        Assert.IsAssignableFrom<IEntropy<float>>(impl.Instance);
        Assert.IsAssignableFrom<IEntropy<double>>(impl.Instance);
        Assert.True(Capabilities.ProvidesAny(impl.Instance, typeof(float)));
        Assert.Equal(new[] { typeof(ISequenceLoss<float>), typeof(ISoftmaxJacobian<float>) },
            Capabilities.Missing(impl, [typeof(IEntropy<float>), typeof(ISequenceLoss<float>), typeof(ISoftmaxJacobian<float>)]));
    }

    [Fact]
    public void A_missing_file_is_an_error_that_names_the_paths_tried()
    {
        string entry = Path.Combine("no", "such", "Plugin.dll");
        var (loaded, errors) = DropIn.Load(entry);
        Assert.Empty(loaded);
        string error = Assert.Single(errors);
        Assert.Contains($"entry '{entry}' did not load", error);
        Assert.Contains("no file at any of", error);
        Assert.Contains(Path.GetFullPath(entry), error);                                  // the working directory
        Assert.Contains(Path.GetFullPath(Path.Combine(Repository.Root, entry)), error);    // then the repository root
    }

    [Fact]
    public void A_missing_absolute_path_is_an_error()
    {
        string entry = Path.Combine(Path.GetTempPath(), "no-such-folder-" + Guid.NewGuid().ToString("N"), "Plugin.dll");
        var error = Assert.Single(DropIn.Load(entry).Errors);
        Assert.Contains($"no file at {entry}", error);
    }

    [Fact]
    public void An_assembly_without_implementations_is_an_error()
    {
        string entry = typeof(DropIn).Assembly.Location;   // the Kit: no class implements a capability
        var (loaded, errors) = DropIn.Load(entry);
        Assert.Empty(loaded);
        string error = Assert.Single(errors);
        Assert.Contains("has no public concrete type with a parameterless constructor that implements a capability interface", error);
    }

    [Fact]
    public void An_unknown_type_name_is_an_error_that_lists_the_public_types()
    {
        string entry = SamplePath + "::No.Such.Type";
        var (loaded, errors) = DropIn.Load(entry);
        Assert.Empty(loaded);
        string error = Assert.Single(errors);
        Assert.Contains("type 'No.Such.Type' is not in SampleKernels.dll", error);
        Assert.Contains("Samples.SampleKernels", error);
    }

    [Fact]
    public void Each_bad_entry_of_a_list_reports_its_own_error()
    {
        var (loaded, errors) = DropIn.Load($"/nonexistent/A.dll; {typeof(DropIn).Assembly.Location} ;;");
        Assert.Empty(loaded);
        Assert.Equal(2, errors.Count);
        Assert.Contains("A.dll", errors[0]);
        Assert.Contains("LossConformance.Kit.dll", errors[1]);
    }
}
