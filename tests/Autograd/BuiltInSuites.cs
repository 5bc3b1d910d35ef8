using Xunit.Abstractions;

namespace LossConformance.Autograd;

// The autograd suites on the built-in implementations and the plug-ins of CONFORMANCE_IMPLEMENTATION (BuiltIn.cs).
public sealed class SoftmaxCrossEntropyAutogradDouble(ITestOutputHelper output) : SoftmaxCrossEntropyAutograd<double>(output, BuiltIn.For<double>());
public sealed class SoftmaxCrossEntropyAutogradFloat(ITestOutputHelper output) : SoftmaxCrossEntropyAutograd<float>(output, BuiltIn.For<float>());
public sealed class LinearLayerAutogradDouble(ITestOutputHelper output) : LinearLayerAutograd<double>(output, BuiltIn.For<double>());
public sealed class LinearLayerAutogradFloat(ITestOutputHelper output) : LinearLayerAutograd<float>(output, BuiltIn.For<float>());
public sealed class SequenceLossAutogradDouble(ITestOutputHelper output) : SequenceLossAutograd<double>(output, BuiltIn.For<double>());
public sealed class SequenceLossAutogradFloat(ITestOutputHelper output) : SequenceLossAutograd<float>(output, BuiltIn.For<float>());
