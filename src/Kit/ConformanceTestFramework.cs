using System.Reflection;
using Xunit.Abstractions;
using Xunit.Sdk;

namespace LossConformance.Kit;

/// <summary>
/// xunit's own test framework, plus one line per implementation and element type at the end of the
/// run: "Optimized-CPU (float): 301 ran, 301 passed, 0 failed, 12 skipped". A test project opts in with
/// <code>[assembly: Xunit.TestFramework("LossConformance.Kit.ConformanceTestFramework", "LossConformance.Kit")]</code>
/// and an xunit.runner.json with <c>"diagnosticMessages": true</c>: the lines are diagnostic messages,
/// which the VSTest adapter prints as warnings, so that <c>dotnet test</c> shows them at its default verbosity.
/// Discovery, parallelism and the test cases themselves are xunit's, unchanged.
/// </summary>
public sealed class ConformanceTestFramework(IMessageSink messageSink) : XunitTestFramework(messageSink)
{
    protected override ITestFrameworkExecutor CreateExecutor(AssemblyName assemblyName) =>
        new Executor(assemblyName, SourceInformationProvider, DiagnosticMessageSink);

    private sealed class Executor(AssemblyName assemblyName, ISourceInformationProvider sourceInformationProvider, IMessageSink diagnosticMessageSink)
        : XunitTestFrameworkExecutor(assemblyName, sourceInformationProvider, diagnosticMessageSink)
    {
        protected override void RunTestCases(IEnumerable<IXunitTestCase> testCases, IMessageSink executionMessageSink, ITestFrameworkExecutionOptions executionOptions) =>
            base.RunTestCases(testCases, new TallyingSink(executionMessageSink, DiagnosticMessageSink), executionOptions);
    }

    /// <summary>Passes every message on, counting results by implementation; before the assembly's end it reports the counts.</summary>
    private sealed class TallyingSink(IMessageSink inner, IMessageSink diagnostics) : IMessageSink
    {
        private readonly Dictionary<(string Implementation, string Element), Tally> _tallies = new();
        private readonly List<(string, string)> _order = [];

        public bool OnMessage(IMessageSinkMessage message)
        {
            switch (message)
            {
                case ITestPassed m: Count(m, t => t.Passed++); break;
                case ITestFailed m: Count(m, t => t.Failed++); break;
                case ITestSkipped m: Count(m, t => t.Skipped++); break;
                case ITestAssemblyFinished: Report(); break;
            }
            return inner.OnMessage(message);
        }

        private void Count(ITestResultMessage result, Action<Tally> add)
        {
            if (Key(result.TestCase) is not { } key) return;   // not a per-implementation test (e.g. PlugInLoading)
            lock (_tallies)
            {
                if (!_tallies.TryGetValue(key, out var tally))
                {
                    _tallies[key] = tally = new Tally();
                    _order.Add(key);
                }
                add(tally);
            }
        }

        /// <summary>(implementation, element type) of a suite test or a NotRunHere case; null for any other test.</summary>
        private static (string, string)? Key(ITestCase testCase)
        {
            if (testCase.TestMethodArguments is not [string implementation, ..] arguments) return null;
            if (arguments is [_, string element] && testCase.TestMethod.Method.Name == nameof(ImplementationsNotRunHere.Does_not_run_here)) return (implementation, element);
            for (var t = testCase.TestMethod.TestClass.Class.ToRuntimeType(); t is not null; t = t.BaseType)
                if (t.IsGenericType && t.GetGenericTypeDefinition() == typeof(Suite<>))
                {
                    var e = t.GetGenericArguments()[0];
                    return (implementation, e == typeof(double) ? "double" : e == typeof(float) ? "float" : e.Name);
                }
            return null;
        }

        private void Report()
        {
            lock (_tallies)
                foreach (var key in _order.OrderBy(k => k.Item1, StringComparer.Ordinal).ThenBy(k => k.Item2, StringComparer.Ordinal))
                {
                    var t = _tallies[key];
                    diagnostics.OnMessage(new DiagnosticMessage(
                        $"{key.Item1} ({key.Item2}): {t.Passed + t.Failed} ran, {t.Passed} passed, {t.Failed} failed, {t.Skipped} skipped"));
                }
        }

        private sealed class Tally
        {
            public int Passed, Failed, Skipped;
        }
    }
}
