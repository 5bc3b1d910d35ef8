using Xunit.Abstractions;

namespace LossConformance.Properties;

// The suites (src/Suites compiles them from this folder) on the built-in implementations and the plug-ins of
// CONFORMANCE_IMPLEMENTATION (BuiltIn.cs): one line per suite and element type, as a plug-in's test project writes them.
// A new suite's two lines go here, not beside the abstract suite (which src/Suites packs without BuiltIn).
public sealed class CrossEntropyPropertiesDouble(ITestOutputHelper output) : CrossEntropyProperties<double>(output, BuiltIn.For<double>());
public sealed class CrossEntropyPropertiesFloat(ITestOutputHelper output) : CrossEntropyProperties<float>(output, BuiltIn.For<float>());
public sealed class EntropyPropertiesDouble(ITestOutputHelper output) : EntropyProperties<double>(output, BuiltIn.For<double>());
public sealed class EntropyPropertiesFloat(ITestOutputHelper output) : EntropyProperties<float>(output, BuiltIn.For<float>());
public sealed class ErrataPropertiesDouble(ITestOutputHelper output) : ErrataProperties<double>(output, BuiltIn.For<double>());
public sealed class ErrataPropertiesFloat(ITestOutputHelper output) : ErrataProperties<float>(output, BuiltIn.For<float>());
public sealed class KlDivergencePropertiesDouble(ITestOutputHelper output) : KlDivergenceProperties<double>(output, BuiltIn.For<double>());
public sealed class KlDivergencePropertiesFloat(ITestOutputHelper output) : KlDivergenceProperties<float>(output, BuiltIn.For<float>());
public sealed class LinearLayerPropertiesDouble(ITestOutputHelper output) : LinearLayerProperties<double>(output, BuiltIn.For<double>());
public sealed class LinearLayerPropertiesFloat(ITestOutputHelper output) : LinearLayerProperties<float>(output, BuiltIn.For<float>());
public sealed class OptimizationPropertiesDouble(ITestOutputHelper output) : OptimizationProperties<double>(output, BuiltIn.For<double>());
public sealed class OptimizationPropertiesFloat(ITestOutputHelper output) : OptimizationProperties<float>(output, BuiltIn.For<float>());
public sealed class SequenceLossPropertiesDouble(ITestOutputHelper output) : SequenceLossProperties<double>(output, BuiltIn.For<double>());
public sealed class SequenceLossPropertiesFloat(ITestOutputHelper output) : SequenceLossProperties<float>(output, BuiltIn.For<float>());
public sealed class SoftmaxCrossEntropyPropertiesDouble(ITestOutputHelper output) : SoftmaxCrossEntropyProperties<double>(output, BuiltIn.For<double>());
public sealed class SoftmaxCrossEntropyPropertiesFloat(ITestOutputHelper output) : SoftmaxCrossEntropyProperties<float>(output, BuiltIn.For<float>());
public sealed class SoftmaxPropertiesDouble(ITestOutputHelper output) : SoftmaxProperties<double>(output, BuiltIn.For<double>());
public sealed class SoftmaxPropertiesFloat(ITestOutputHelper output) : SoftmaxProperties<float>(output, BuiltIn.For<float>());
public sealed class LossOptionsPropertiesDouble(ITestOutputHelper output) : LossOptionsProperties<double>(output, BuiltIn.For<double>());
public sealed class LossOptionsPropertiesFloat(ITestOutputHelper output) : LossOptionsProperties<float>(output, BuiltIn.For<float>());
