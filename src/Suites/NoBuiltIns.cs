namespace LossConformance.Properties
{
    /// <summary>
    /// Stands in for tests/Properties/BuiltIn.cs, which this assembly does not compile (it names TorchSharp and
    /// ILGPU): a concrete suite class in a suite file fails to compile here with this message.
    /// </summary>
    [Obsolete("Concrete suite classes (XPropertiesDouble : XProperties<double>(output, BuiltIn.For<double>())) belong in tests/Properties/BuiltInSuites.cs, not beside the abstract suite: src/Suites packs the suite files without the built-in implementations.", error: true)]
    internal static class BuiltIn
    {
        public static object[] For<T>() => [];
    }
}

namespace LossConformance.Conformance
{
    /// <summary>Stands in for tests/Conformance/BuiltIn.cs (see LossConformance.Properties.BuiltIn here).</summary>
    [Obsolete("Concrete suite classes (XConformanceDouble : XConformance<double>(output, BuiltIn.For<double>())) belong in tests/Conformance/BuiltInSuites.cs, not beside the abstract suite: src/Suites packs the suite files without the built-in implementations.", error: true)]
    internal static class BuiltIn
    {
        public static object[] For<T>() => [];
    }
}
