using LossConformance.Conformance;
using LossConformance.Properties;
using Xunit.Abstractions;

namespace Samples.Tests;

// Way (a) in: one line per suite and element type. Each class inherits every test of its suite
// and runs it on the sample; EverySuiteIsSubclassed fails if a suite is missing here.

// ---- float ----
public sealed class SampleAccuracyConformanceFloat(ITestOutputHelper o) : AccuracyConformance<float>(o, new SampleKernels());
public sealed class SampleStrictAccuracyConformanceFloat(ITestOutputHelper o) : StrictAccuracyConformance<float>(o, new SampleKernels());
public sealed class SampleBadInputConformanceFloat(ITestOutputHelper o) : BadInputConformance<float>(o, new SampleKernels());
public sealed class SampleCrossEntropyConformanceFloat(ITestOutputHelper o) : CrossEntropyConformance<float>(o, new SampleKernels());
public sealed class SampleCrossEntropyPropertiesFloat(ITestOutputHelper o) : CrossEntropyProperties<float>(o, new SampleKernels());
public sealed class SampleEntropyConformanceFloat(ITestOutputHelper o) : EntropyConformance<float>(o, new SampleKernels());
public sealed class SampleEntropyPropertiesFloat(ITestOutputHelper o) : EntropyProperties<float>(o, new SampleKernels());
public sealed class SampleErrataPropertiesFloat(ITestOutputHelper o) : ErrataProperties<float>(o, new SampleKernels());
public sealed class SampleFusedConformanceFloat(ITestOutputHelper o) : FusedConformance<float>(o, new SampleKernels());
public sealed class SampleGradientConformanceFloat(ITestOutputHelper o) : GradientConformance<float>(o, new SampleKernels());
public sealed class SampleHardCaseConformanceFloat(ITestOutputHelper o) : HardCaseConformance<float>(o, new SampleKernels());
public sealed class SampleKlDivergenceConformanceFloat(ITestOutputHelper o) : KlDivergenceConformance<float>(o, new SampleKernels());
public sealed class SampleKlDivergencePropertiesFloat(ITestOutputHelper o) : KlDivergenceProperties<float>(o, new SampleKernels());
public sealed class SampleKernelConformanceFloat(ITestOutputHelper o) : KernelConformance<float>(o, new SampleKernels());
public sealed class SampleKnownAnswerConformanceFloat(ITestOutputHelper o) : KnownAnswerConformance<float>(o, new SampleKernels());
public sealed class SampleLinearLayerConformanceFloat(ITestOutputHelper o) : LinearLayerConformance<float>(o, new SampleKernels());
public sealed class SampleLinearLayerPropertiesFloat(ITestOutputHelper o) : LinearLayerProperties<float>(o, new SampleKernels());
public sealed class SampleSequenceLossConformanceFloat(ITestOutputHelper o) : SequenceLossConformance<float>(o, new SampleKernels());
public sealed class SampleSequenceLossPropertiesFloat(ITestOutputHelper o) : SequenceLossProperties<float>(o, new SampleKernels());
public sealed class SampleSoftmaxConformanceFloat(ITestOutputHelper o) : SoftmaxConformance<float>(o, new SampleKernels());
public sealed class SampleSoftmaxCrossEntropyConformanceFloat(ITestOutputHelper o) : SoftmaxCrossEntropyConformance<float>(o, new SampleKernels());
public sealed class SampleSoftmaxCrossEntropyPropertiesFloat(ITestOutputHelper o) : SoftmaxCrossEntropyProperties<float>(o, new SampleKernels());
public sealed class SampleSoftmaxPropertiesFloat(ITestOutputHelper o) : SoftmaxProperties<float>(o, new SampleKernels());
public sealed class SampleInputUnchangedConformanceFloat(ITestOutputHelper o) : InputUnchangedConformance<float>(o, new SampleKernels());
public sealed class SampleLossOptionsBadInputConformanceFloat(ITestOutputHelper o) : LossOptionsBadInputConformance<float>(o, new SampleKernels());
public sealed class SampleLossOptionsConformanceFloat(ITestOutputHelper o) : LossOptionsConformance<float>(o, new SampleKernels());
public sealed class SampleLossOptionsPropertiesFloat(ITestOutputHelper o) : LossOptionsProperties<float>(o, new SampleKernels());
public sealed class SampleScaleConformanceFloat(ITestOutputHelper o) : ScaleConformance<float>(o, new SampleKernels());
public sealed class SampleConcurrencyConformanceFloat(ITestOutputHelper o) : ConcurrencyConformance<float>(o, new SampleKernels());

// ---- double ----
public sealed class SampleAccuracyConformanceDouble(ITestOutputHelper o) : AccuracyConformance<double>(o, new SampleKernels());
public sealed class SampleStrictAccuracyConformanceDouble(ITestOutputHelper o) : StrictAccuracyConformance<double>(o, new SampleKernels());
public sealed class SampleBadInputConformanceDouble(ITestOutputHelper o) : BadInputConformance<double>(o, new SampleKernels());
public sealed class SampleCrossEntropyConformanceDouble(ITestOutputHelper o) : CrossEntropyConformance<double>(o, new SampleKernels());
public sealed class SampleCrossEntropyPropertiesDouble(ITestOutputHelper o) : CrossEntropyProperties<double>(o, new SampleKernels());
public sealed class SampleEntropyConformanceDouble(ITestOutputHelper o) : EntropyConformance<double>(o, new SampleKernels());
public sealed class SampleEntropyPropertiesDouble(ITestOutputHelper o) : EntropyProperties<double>(o, new SampleKernels());
public sealed class SampleErrataPropertiesDouble(ITestOutputHelper o) : ErrataProperties<double>(o, new SampleKernels());
public sealed class SampleFusedConformanceDouble(ITestOutputHelper o) : FusedConformance<double>(o, new SampleKernels());
public sealed class SampleGradientConformanceDouble(ITestOutputHelper o) : GradientConformance<double>(o, new SampleKernels());
public sealed class SampleHardCaseConformanceDouble(ITestOutputHelper o) : HardCaseConformance<double>(o, new SampleKernels());
public sealed class SampleKlDivergenceConformanceDouble(ITestOutputHelper o) : KlDivergenceConformance<double>(o, new SampleKernels());
public sealed class SampleKlDivergencePropertiesDouble(ITestOutputHelper o) : KlDivergenceProperties<double>(o, new SampleKernels());
public sealed class SampleKernelConformanceDouble(ITestOutputHelper o) : KernelConformance<double>(o, new SampleKernels());
public sealed class SampleKnownAnswerConformanceDouble(ITestOutputHelper o) : KnownAnswerConformance<double>(o, new SampleKernels());
public sealed class SampleLinearLayerConformanceDouble(ITestOutputHelper o) : LinearLayerConformance<double>(o, new SampleKernels());
public sealed class SampleLinearLayerPropertiesDouble(ITestOutputHelper o) : LinearLayerProperties<double>(o, new SampleKernels());
public sealed class SampleSequenceLossConformanceDouble(ITestOutputHelper o) : SequenceLossConformance<double>(o, new SampleKernels());
public sealed class SampleSequenceLossPropertiesDouble(ITestOutputHelper o) : SequenceLossProperties<double>(o, new SampleKernels());
public sealed class SampleSoftmaxConformanceDouble(ITestOutputHelper o) : SoftmaxConformance<double>(o, new SampleKernels());
public sealed class SampleSoftmaxCrossEntropyConformanceDouble(ITestOutputHelper o) : SoftmaxCrossEntropyConformance<double>(o, new SampleKernels());
public sealed class SampleSoftmaxCrossEntropyPropertiesDouble(ITestOutputHelper o) : SoftmaxCrossEntropyProperties<double>(o, new SampleKernels());
public sealed class SampleSoftmaxPropertiesDouble(ITestOutputHelper o) : SoftmaxProperties<double>(o, new SampleKernels());
public sealed class SampleInputUnchangedConformanceDouble(ITestOutputHelper o) : InputUnchangedConformance<double>(o, new SampleKernels());
public sealed class SampleLossOptionsBadInputConformanceDouble(ITestOutputHelper o) : LossOptionsBadInputConformance<double>(o, new SampleKernels());
public sealed class SampleLossOptionsConformanceDouble(ITestOutputHelper o) : LossOptionsConformance<double>(o, new SampleKernels());
public sealed class SampleLossOptionsPropertiesDouble(ITestOutputHelper o) : LossOptionsProperties<double>(o, new SampleKernels());
public sealed class SampleScaleConformanceDouble(ITestOutputHelper o) : ScaleConformance<double>(o, new SampleKernels());
public sealed class SampleConcurrencyConformanceDouble(ITestOutputHelper o) : ConcurrencyConformance<double>(o, new SampleKernels());
public sealed class SampleOptimizationConformanceFloat(ITestOutputHelper o) : OptimizationConformance<float>(o, new SampleKernels());
public sealed class SampleOptimizationPropertiesFloat(ITestOutputHelper o) : OptimizationProperties<float>(o, new SampleKernels());
public sealed class SampleOptimizationConformanceDouble(ITestOutputHelper o) : OptimizationConformance<double>(o, new SampleKernels());
public sealed class SampleOptimizationPropertiesDouble(ITestOutputHelper o) : OptimizationProperties<double>(o, new SampleKernels());
