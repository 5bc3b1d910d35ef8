using System.Numerics;
using System.Reflection;
using System.Runtime.CompilerServices;
using System.Text;
using FsCheck;
using FsCheck.Fluent;
using Microsoft.FSharp.Core;
using Xunit.Abstractions;

namespace LossConformance.Kit;

/// <summary>
/// Base of every suite (EF Core specification-test style). A concrete suite class passes the
/// implementations it runs on; each <see cref="ForEachImplementationAttribute"/> test then runs
/// once per implementation and element type T:
/// <code>public sealed class MyKlProperties(ITestOutputHelper o) : KlDivergenceProperties&lt;float&gt;(o, new MyKl());</code>
/// </summary>
public abstract class Suite<T> : ISuite, IDisposable where T : unmanaged, IFloatingPointIeee754<T>
{
    protected Suite(ITestOutputHelper output, IEnumerable<object> implementations)
    {
        Output = output;
        Implementations = implementations.Select(i => ImplementationUnderTest.Register(i, "subclass")).ToArray();
    }

    protected Suite(ITestOutputHelper output, params object[] implementations)
        : this(output, (IEnumerable<object>)implementations) { }

    public Type ElementType => typeof(T);

    public IReadOnlyList<ImplementationUnderTest> Implementations { get; }

    protected ITestOutputHelper Output { get; }

    /// <summary>Unit roundoff of T.</summary>
    protected static double U => Fp<T>.U;

    /// <summary>
    /// Checks a law on generated cases. On failure throws a <see cref="SpecViolationException"/>
    /// naming the clauses cited by the calling test, the implementation, T and n, the observed
    /// value against its bound, the shrunk input, and the command that replays it.
    /// </summary>
    protected void Check<TCase>(string implementation, Arbitrary<TCase> cases, Func<ImplementationUnderTest, TCase, Verdict> law,
                                [CallerMemberName] string test = "") where TCase : ICase
    {
        var impl = ImplementationUnderTest.Find(implementation);
        var clauses = ClausesOf(test);
        var deviation = DeclaredDeviation(impl, test, caseName: null);
        var runner = new CapturingRunner(Settings.MaxTest, $"{GetType().Name}.{test} [{impl.Name}]", Output);
        var config = Config.Quick.WithMaxTest(Settings.MaxTest).WithRunner(runner).WithName(test);
        if (Settings.Replay is var (seed, gamma))
            config = config.WithReplay(FSharpOption<Replay>.Some(new Replay(new Rnd(seed, gamma), FSharpOption<int>.None)));

        ImplementationUnavailableException? unavailable = null;
        int excused = 0;
        string? firstExcused = null;
        var property = Prop.ForAll(cases, c =>
        {
            Verdict verdict;
            try { verdict = law(impl, c); }
            catch (ImplementationUnavailableException e)   // not a property of the input: stop, and say why
            {
                unavailable ??= e;
                throw;
            }
            if (!verdict.Holds && deviation?.Inputs is { } scope && c.Tags.Contains(scope))
            {
                // A declared deviation on inputs of this kind: note it and go on, so that every other input is still checked.
                excused++;
                firstExcused ??= $"{verdict.Observation}\n  input: {Abbreviate(c.Describe())}";
                verdict = Verdict.That(true, verdict.Observation);
            }
            var p = verdict.Holds.Label(verdict.Observation);
            foreach (var tag in c.Tags) p = p.Classify(true, tag);
            return p;
        });
        FsCheck.Check.One(config, property);
        if (unavailable is not null) throw unavailable;

        switch (runner.Result)
        {
            case TestResult.Passed passed:
                Output.WriteLine($"{impl.Name} ({Fp<T>.Name}): {test} passed {passed.Item1.NumberOfTests} cases. {Stamps(passed.Item1)}");
                if (excused > 0)
                    throw new KnownDeviationException(
                        $"Known deviation of {impl.Name} ({Fp<T>.Name}) from {deviation!.Clause} on inputs tagged '{deviation.Inputs}': {deviation.Reason}\n" +
                        $"Recorded: {deviation.Measured}\nThis run: {excused} such evaluation(s) reproduced it, e.g. {firstExcused}\n" +
                        $"Every other generated input conformed ({passed.Item1.NumberOfTests} cases).");
                if (deviation is not null)   // not strict: generated inputs may miss the deviating region in one run
                    Output.WriteLine($"Declared known deviation from {deviation.Clause} not observed in these {passed.Item1.NumberOfTests} cases.");
                break;
            case TestResult.Failed failed:
                var violation = Violation(impl, clauses, test, failed, law);
                // A deviation scoped to tagged inputs does not excuse a failure elsewhere.
                throw deviation is null || deviation.Inputs is not null ? violation : Reproduced(impl, deviation, violation);
            case TestResult.Exhausted exhausted:
                throw new SpecViolationException(clauses, impl.Name,
                    $"{string.Join(", ", clauses)}: the generator gave up after {exhausted.Item.NumberOfTests} cases [{impl.Name} {Fp<T>.Name}].");
            default:
                throw new InvalidOperationException($"FsCheck reported no result for {test}.");
        }
    }

    /// <summary>Checks one named case (a hard case with a known answer). Failure reports clause, implementation, T, case and observation.</summary>
    protected void Expect(string implementation, string caseName, Func<ImplementationUnderTest, Verdict> check,
                          [CallerMemberName] string test = "")
    {
        var impl = ImplementationUnderTest.Find(implementation);
        var clauses = ClausesOf(test);
        Verdict verdict;
        try { verdict = check(impl); }
        catch (ImplementationUnavailableException) { throw; }   // cannot run here: not a verdict on this case
        catch (Exception e) { verdict = Verdict.That(false, $"threw {e.GetType().Name}: {e.Message}"); }
        var deviation = DeclaredDeviation(impl, test, caseName);
        if (verdict.Holds)
        {
            Output.WriteLine($"{impl.Name} ({Fp<T>.Name}) {caseName}: {verdict.Observation}");
            if (deviation?.Case is not null) throw NotReproduced(impl, deviation, $"case '{caseName}'");
            return;
        }
        var text = new StringBuilder()
            .AppendLine($"{string.Join(", ", clauses)} violated by {impl.Name} ({Fp<T>.Name}), case '{caseName}':")
            .AppendLine($"  {verdict.Observation}")
            .AppendLine("Re-run:")
            .AppendLine($"  {ReplayCommand(test, null)}");
        var violation = new SpecViolationException(clauses, impl.Name, text.ToString());
        if (deviation is null) throw violation;
        if (deviation.Case is null) throw Reproduced(impl, deviation, violation);
        // A deviation of one named case: the test's other cases still run; Dispose reports it once they have.
        Output.WriteLine(violation.Message);
        _reproducedCases.Add(Reproduced(impl, deviation, violation).Message);
    }

    private readonly List<string> _reproducedCases = [];

    /// <summary>Reports the named-case deviations that reproduced, as a skip, once every other case has conformed.</summary>
    public void Dispose()
    {
        GC.SuppressFinalize(this);
        if (_reproducedCases.Count > 0)
            throw new KnownDeviationException(string.Join("\n", _reproducedCases) + "\nEvery other case of the test conformed.");
    }

    /// <summary>The implementation's declared deviation for this test and T, if any (<see cref="IKnownDeviations"/>).</summary>
    private static KnownDeviation? DeclaredDeviation(ImplementationUnderTest impl, string test, string? caseName) =>
        impl.Instance is IKnownDeviations declared
            ? declared.KnownDeviations.FirstOrDefault(d => d.Test == test && (d.ElementType is null || d.ElementType == typeof(T))
                                                           && (d.Case is null || d.Case == caseName))
            : null;

    /// <summary>A declared deviation showed up again: reported as skipped, with what was recorded and what this run saw.</summary>
    private static KnownDeviationException Reproduced(ImplementationUnderTest impl, KnownDeviation d, SpecViolationException violation) =>
        new($"Known deviation of {impl.Name} ({Fp<T>.Name}) from {d.Clause}: {d.Reason}\nRecorded: {d.Measured}\nThis run: {violation.Message}");

    /// <summary>A declared deviation of a named case did not show: the list is out of date, which is a failure (strict, like xfail(strict=True)).</summary>
    private static SpecViolationException NotReproduced(ImplementationUnderTest impl, KnownDeviation d, string what) =>
        new([d.Clause], impl.Name,
            $"{impl.Name} ({Fp<T>.Name}) declares a known deviation from {d.Clause} in {d.Test}, but it conformed on {what}. Remove the entry from its known-deviations list. (Declared: {d.Reason})");

    private SpecViolationException Violation<TCase>(ImplementationUnderTest impl, IReadOnlyList<string> clauses, string test,
                                                    TestResult.Failed failed, Func<ImplementationUnderTest, TCase, Verdict> law) where TCase : ICase
    {
        var data = failed.Item1;
        var original = (TCase)failed.Item2.Head;
        var shrunk = (TCase)failed.Item3.Head;
        var seed = failed.Item5;
        string observation;
        try { observation = law(impl, shrunk).Observation; }
        catch (Exception e) { observation = $"threw {e.GetType().Name}: {e.Message}"; }

        var text = new StringBuilder()
            .AppendLine($"{string.Join(", ", clauses)} violated by {impl.Name} ({Fp<T>.Name}), n = {shrunk.N}:")
            .AppendLine($"  {observation}")
            .AppendLine($"Shrunk input ({data.NumberOfShrinks} shrinks, failing case {data.NumberOfTests} of the run):")
            .AppendLine(Indent(shrunk.Describe()));
        if (data.NumberOfShrinks > 0)
            text.AppendLine($"Original input (n = {original.N}):").AppendLine(Indent(original.Describe()));
        text.AppendLine("Replay exactly this run:")
            .AppendLine($"  {ReplayCommand(test, (seed.Seed, seed.Gamma))}");
        return new SpecViolationException(clauses, impl.Name, text.ToString());
    }

    private string ReplayCommand(string test, (ulong Seed, ulong Gamma)? seed)
    {
        var env = new StringBuilder();
        if (seed is var (s, g)) env.Append($"{Settings.ReplayVariable}=\"{s},{g}\" ");
        if (DropIn.Setting is { Length: > 0 } dropIn) env.Append($"{DropIn.Variable}=\"{dropIn}\" ");
        return $"{env}dotnet test --filter \"FullyQualifiedName={GetType().FullName}.{test}\"";
    }

    private IReadOnlyList<string> ClausesOf(string test)
    {
        var method = GetType().GetMethod(test, BindingFlags.Public | BindingFlags.Instance)
            ?? throw new InvalidOperationException($"Check was called from '{test}', which is not a public test method of {GetType().Name}.");
        var ids = method.GetCustomAttributes<SpecAttribute>(inherit: true).SelectMany(a => a.ClauseIds).ToArray();
        return ids.Length > 0 ? ids : throw new InvalidOperationException($"{GetType().Name}.{test} cites no clause; add [Spec(\"AREA-NAME\")].");
    }

    private static string Stamps(TestData data) =>
        string.Join("; ", data.Stamps.Select(s => $"{s.Item1 * 100 / Math.Max(1, data.NumberOfTests)}% {string.Join(", ", s.Item2)}"));

    private static string Abbreviate(string s) => s.Length <= 400 ? s : s[..400] + " …";

    private static string Indent(string s) => "  " + s.Replace("\n", "\n  ");

    /// <summary>Keeps FsCheck's result; on long runs (≥ 1000 cases) reports progress every tenth of the run.</summary>
    private sealed class CapturingRunner(int maxTest, string label, ITestOutputHelper output) : IRunner
    {
        private readonly int _every = maxTest >= 1000 ? maxTest / 10 : 0;
        public TestResult? Result { get; private set; }
        public void OnStartFixture(Type t) { }

        public void OnArguments(int ntest, Microsoft.FSharp.Collections.FSharpList<object> args, FSharpFunc<int, FSharpFunc<Microsoft.FSharp.Collections.FSharpList<object>, string>> every)
        {
            if (_every == 0 || ntest == 0 || ntest % _every != 0) return;
            output.WriteLine($"{label}: {ntest} of {maxTest} cases");   // shown with --logger "console;verbosity=detailed"
        }

        public void OnShrink(Microsoft.FSharp.Collections.FSharpList<object> args, FSharpFunc<Microsoft.FSharp.Collections.FSharpList<object>, string> everyShrink) { }
        public void OnFinished(string name, TestResult testResult) => Result = testResult;
    }
}
