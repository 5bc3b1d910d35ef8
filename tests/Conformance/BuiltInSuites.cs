using Xunit.Abstractions;

namespace LossConformance.Conformance;

// The suites (src/Suites compiles them from this folder) on the built-in implementations and the plug-ins of
// CONFORMANCE_IMPLEMENTATION (BuiltIn.cs): one line per suite and element type, as a plug-in's test project writes them.
// A new suite's two lines go here, not beside the abstract suite (which src/Suites packs without BuiltIn).
public sealed class AccuracyConformanceDouble(ITestOutputHelper output) : AccuracyConformance<double>(output, BuiltIn.For<double>());
public sealed class AccuracyConformanceFloat(ITestOutputHelper output) : AccuracyConformance<float>(output, BuiltIn.For<float>());
public sealed class BadInputConformanceDouble(ITestOutputHelper output) : BadInputConformance<double>(output, BuiltIn.For<double>());
public sealed class BadInputConformanceFloat(ITestOutputHelper output) : BadInputConformance<float>(output, BuiltIn.For<float>());
public sealed class CrossEntropyConformanceDouble(ITestOutputHelper output) : CrossEntropyConformance<double>(output, BuiltIn.For<double>());
public sealed class CrossEntropyConformanceFloat(ITestOutputHelper output) : CrossEntropyConformance<float>(output, BuiltIn.For<float>());
public sealed class EntropyConformanceDouble(ITestOutputHelper output) : EntropyConformance<double>(output, BuiltIn.For<double>());
public sealed class EntropyConformanceFloat(ITestOutputHelper output) : EntropyConformance<float>(output, BuiltIn.For<float>());
public sealed class FusedConformanceDouble(ITestOutputHelper output) : FusedConformance<double>(output, BuiltIn.For<double>());
public sealed class FusedConformanceFloat(ITestOutputHelper output) : FusedConformance<float>(output, BuiltIn.For<float>());
public sealed class GradientConformanceDouble(ITestOutputHelper output) : GradientConformance<double>(output, BuiltIn.For<double>());
public sealed class GradientConformanceFloat(ITestOutputHelper output) : GradientConformance<float>(output, BuiltIn.For<float>());
public sealed class HardCaseConformanceDouble(ITestOutputHelper output) : HardCaseConformance<double>(output, BuiltIn.For<double>());
public sealed class HardCaseConformanceFloat(ITestOutputHelper output) : HardCaseConformance<float>(output, BuiltIn.For<float>());
public sealed class KernelConformanceDouble(ITestOutputHelper output) : KernelConformance<double>(output, BuiltIn.For<double>());
public sealed class KernelConformanceFloat(ITestOutputHelper output) : KernelConformance<float>(output, BuiltIn.For<float>());
public sealed class KlDivergenceConformanceDouble(ITestOutputHelper output) : KlDivergenceConformance<double>(output, BuiltIn.For<double>());
public sealed class KlDivergenceConformanceFloat(ITestOutputHelper output) : KlDivergenceConformance<float>(output, BuiltIn.For<float>());
public sealed class KnownAnswerConformanceDouble(ITestOutputHelper output) : KnownAnswerConformance<double>(output, BuiltIn.For<double>());
public sealed class KnownAnswerConformanceFloat(ITestOutputHelper output) : KnownAnswerConformance<float>(output, BuiltIn.For<float>());
public sealed class LinearLayerConformanceDouble(ITestOutputHelper output) : LinearLayerConformance<double>(output, BuiltIn.For<double>());
public sealed class LinearLayerConformanceFloat(ITestOutputHelper output) : LinearLayerConformance<float>(output, BuiltIn.For<float>());
public sealed class OptimizationConformanceDouble(ITestOutputHelper output) : OptimizationConformance<double>(output, BuiltIn.For<double>());
public sealed class OptimizationConformanceFloat(ITestOutputHelper output) : OptimizationConformance<float>(output, BuiltIn.For<float>());
public sealed class SequenceLossConformanceDouble(ITestOutputHelper output) : SequenceLossConformance<double>(output, BuiltIn.For<double>());
public sealed class SequenceLossConformanceFloat(ITestOutputHelper output) : SequenceLossConformance<float>(output, BuiltIn.For<float>());
public sealed class SoftmaxConformanceDouble(ITestOutputHelper output) : SoftmaxConformance<double>(output, BuiltIn.For<double>());
public sealed class SoftmaxConformanceFloat(ITestOutputHelper output) : SoftmaxConformance<float>(output, BuiltIn.For<float>());
public sealed class SoftmaxCrossEntropyConformanceDouble(ITestOutputHelper output) : SoftmaxCrossEntropyConformance<double>(output, BuiltIn.For<double>());
public sealed class SoftmaxCrossEntropyConformanceFloat(ITestOutputHelper output) : SoftmaxCrossEntropyConformance<float>(output, BuiltIn.For<float>());
public sealed class InputUnchangedConformanceDouble(ITestOutputHelper output) : InputUnchangedConformance<double>(output, BuiltIn.For<double>());
public sealed class InputUnchangedConformanceFloat(ITestOutputHelper output) : InputUnchangedConformance<float>(output, BuiltIn.For<float>());
public sealed class LossOptionsBadInputConformanceDouble(ITestOutputHelper output) : LossOptionsBadInputConformance<double>(output, BuiltIn.For<double>());
public sealed class LossOptionsBadInputConformanceFloat(ITestOutputHelper output) : LossOptionsBadInputConformance<float>(output, BuiltIn.For<float>());
public sealed class LossOptionsConformanceDouble(ITestOutputHelper output) : LossOptionsConformance<double>(output, BuiltIn.For<double>());
public sealed class LossOptionsConformanceFloat(ITestOutputHelper output) : LossOptionsConformance<float>(output, BuiltIn.For<float>());
public sealed class ScaleConformanceDouble(ITestOutputHelper output) : ScaleConformance<double>(output, BuiltIn.For<double>());
public sealed class ScaleConformanceFloat(ITestOutputHelper output) : ScaleConformance<float>(output, BuiltIn.For<float>());
public sealed class StrictAccuracyConformanceDouble(ITestOutputHelper output) : StrictAccuracyConformance<double>(output, BuiltIn.For<double>());
public sealed class StrictAccuracyConformanceFloat(ITestOutputHelper output) : StrictAccuracyConformance<float>(output, BuiltIn.For<float>());
public sealed class ConcurrencyConformanceDouble(ITestOutputHelper output) : ConcurrencyConformance<double>(output, BuiltIn.For<double>());
public sealed class ConcurrencyConformanceFloat(ITestOutputHelper output) : ConcurrencyConformance<float>(output, BuiltIn.For<float>());
