using LossConformance.Conformance;
using LossConformance.Properties;
using MyPlugin;
using Xunit.Abstractions;

namespace MyPlugin.Tests;

// One line per suite (MyKernels is float64 only); EverySuiteIsSubclassed fails listing any suite missing here.
public sealed class MyAccuracyConformanceDouble(ITestOutputHelper o) : AccuracyConformance<double>(o, new MyKernels());
public sealed class MyBadInputConformanceDouble(ITestOutputHelper o) : BadInputConformance<double>(o, new MyKernels());
public sealed class MyCrossEntropyConformanceDouble(ITestOutputHelper o) : CrossEntropyConformance<double>(o, new MyKernels());
public sealed class MyCrossEntropyPropertiesDouble(ITestOutputHelper o) : CrossEntropyProperties<double>(o, new MyKernels());
public sealed class MyEntropyConformanceDouble(ITestOutputHelper o) : EntropyConformance<double>(o, new MyKernels());
public sealed class MyEntropyPropertiesDouble(ITestOutputHelper o) : EntropyProperties<double>(o, new MyKernels());
public sealed class MyErrataPropertiesDouble(ITestOutputHelper o) : ErrataProperties<double>(o, new MyKernels());
public sealed class MyFusedConformanceDouble(ITestOutputHelper o) : FusedConformance<double>(o, new MyKernels());
public sealed class MyGradientConformanceDouble(ITestOutputHelper o) : GradientConformance<double>(o, new MyKernels());
public sealed class MyHardCaseConformanceDouble(ITestOutputHelper o) : HardCaseConformance<double>(o, new MyKernels());
public sealed class MyKlDivergenceConformanceDouble(ITestOutputHelper o) : KlDivergenceConformance<double>(o, new MyKernels());
public sealed class MyKlDivergencePropertiesDouble(ITestOutputHelper o) : KlDivergenceProperties<double>(o, new MyKernels());
public sealed class MyKernelConformanceDouble(ITestOutputHelper o) : KernelConformance<double>(o, new MyKernels());
public sealed class MyKnownAnswerConformanceDouble(ITestOutputHelper o) : KnownAnswerConformance<double>(o, new MyKernels());
public sealed class MyLinearLayerConformanceDouble(ITestOutputHelper o) : LinearLayerConformance<double>(o, new MyKernels());
public sealed class MyLinearLayerPropertiesDouble(ITestOutputHelper o) : LinearLayerProperties<double>(o, new MyKernels());
public sealed class MySequenceLossConformanceDouble(ITestOutputHelper o) : SequenceLossConformance<double>(o, new MyKernels());
public sealed class MySequenceLossPropertiesDouble(ITestOutputHelper o) : SequenceLossProperties<double>(o, new MyKernels());
public sealed class MySoftmaxConformanceDouble(ITestOutputHelper o) : SoftmaxConformance<double>(o, new MyKernels());
public sealed class MySoftmaxCrossEntropyConformanceDouble(ITestOutputHelper o) : SoftmaxCrossEntropyConformance<double>(o, new MyKernels());
public sealed class MySoftmaxCrossEntropyPropertiesDouble(ITestOutputHelper o) : SoftmaxCrossEntropyProperties<double>(o, new MyKernels());
public sealed class MySoftmaxPropertiesDouble(ITestOutputHelper o) : SoftmaxProperties<double>(o, new MyKernels());
public sealed class MyOptimizationConformanceDouble(ITestOutputHelper o) : OptimizationConformance<double>(o, new MyKernels());
public sealed class MyOptimizationPropertiesDouble(ITestOutputHelper o) : OptimizationProperties<double>(o, new MyKernels());
public sealed class MyInputUnchangedConformanceDouble(ITestOutputHelper o) : InputUnchangedConformance<double>(o, new MyKernels());
public sealed class MyLossOptionsBadInputConformanceDouble(ITestOutputHelper o) : LossOptionsBadInputConformance<double>(o, new MyKernels());
public sealed class MyLossOptionsConformanceDouble(ITestOutputHelper o) : LossOptionsConformance<double>(o, new MyKernels());
public sealed class MyLossOptionsPropertiesDouble(ITestOutputHelper o) : LossOptionsProperties<double>(o, new MyKernels());
public sealed class MyScaleConformanceDouble(ITestOutputHelper o) : ScaleConformance<double>(o, new MyKernels());
public sealed class MyStrictAccuracyConformanceDouble(ITestOutputHelper o) : StrictAccuracyConformance<double>(o, new MyKernels());
public sealed class MyConcurrencyConformanceDouble(ITestOutputHelper o) : ConcurrencyConformance<double>(o, new MyKernels());
