using Xunit.Abstractions;
using Xunit.Sdk;

namespace LossConformance.Kit;

/// <summary>
/// A suite test run on one implementation. It differs from xunit's own case in one thing: a
/// failure raised as <see cref="KnownDeviationException"/> (a declared <see cref="KnownDeviation"/>
/// that reproduced) is reported as skipped, with the deviation and this run's observation as the reason.
/// </summary>
public sealed class ImplementationTestCase : XunitTestCase
{
    [Obsolete("Called by the de-serializer; should only be called by deriving classes for de-serialization purposes")]
    public ImplementationTestCase() { }

    public ImplementationTestCase(IMessageSink diagnosticMessageSink, TestMethodDisplay display, TestMethodDisplayOptions displayOptions,
                                  ITestMethod testMethod, object[] arguments)
        : base(diagnosticMessageSink, display, displayOptions, testMethod, arguments) { }

    public override async Task<RunSummary> RunAsync(IMessageSink diagnosticMessageSink, IMessageBus messageBus, object[] constructorArguments,
                                                    ExceptionAggregator aggregator, CancellationTokenSource cancellationTokenSource)
    {
        var bus = new KnownDeviationBus(messageBus);
        var summary = await base.RunAsync(diagnosticMessageSink, bus, constructorArguments, aggregator, cancellationTokenSource);
        summary.Failed -= bus.Converted;
        summary.Skipped += bus.Converted;
        return summary;
    }

    /// <summary>Passes every message on, turning a failure by <see cref="KnownDeviationException"/> into a skip.</summary>
    private sealed class KnownDeviationBus(IMessageBus inner) : IMessageBus
    {
        private static readonly string ExceptionType = typeof(KnownDeviationException).FullName!;

        public int Converted { get; private set; }

        public bool QueueMessage(IMessageSinkMessage message)
        {
            if (message is ITestFailed failed && failed.ExceptionTypes.FirstOrDefault() == ExceptionType)
            {
                Converted++;
                return inner.QueueMessage(new TestSkipped(failed.Test, failed.Messages[0]));
            }
            return inner.QueueMessage(message);
        }

        public void Dispose() { }   // the inner bus belongs to the caller
    }
}

/// <summary>A declared known deviation reproduced: reported as a skip whose reason is this message.</summary>
public sealed class KnownDeviationException(string message) : Exception(message);
