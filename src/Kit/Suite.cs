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
    /// naming the clause broken (the failing verdict's <see cref="Verdict.Clause"/>, else every clause
    /// the calling test cites), the implementation, T and n, the observed value against its bound, the
    /// shrunk input, and the command that replays it. Before the generated cases it replays the test's
    /// regression corpus (tests/Regressions); after them, with <c>CONFORMANCE_SEARCH_SECONDS</c> set, it
    /// searches for the input with the largest error/bound (<see cref="WorstCaseSearch"/>). With
    /// <c>CONFORMANCE_RESULTS</c> set, the test's record collects every verdict.
    /// </summary>
    protected void Check<TCase>(string implementation, Arbitrary<TCase> cases, Func<ImplementationUnderTest, TCase, Verdict> law,
                                [CallerMemberName] string test = "") where TCase : ICase
    {
        var impl = ImplementationUnderTest.Find(implementation);
        var clauses = ClausesOf(test);
        var record = RecordOf(test, impl, clauses);
        try { CheckCases(impl, clauses, record, cases, law, test); }
        catch (Exception e) { Note(record, e, clauses); throw; }
    }

    private void CheckCases<TCase>(ImplementationUnderTest impl, IReadOnlyList<string> clauses, TestRecord? record, Arbitrary<TCase> cases,
                                   Func<ImplementationUnderTest, TCase, Verdict> law, string test) where TCase : ICase
    {
        var deviation = DeclaredDeviation(impl, test, caseName: null);
        var codec = Mutations.Of(cases);
        double searchSeconds = Settings.SearchSeconds;
        var search = searchSeconds > 0 && codec is not null ? new WorstCaseSearch<TCase>(codec, law, impl, Excused) : null;
        bool Excused(TCase c) => deviation?.Inputs is { } scope && c.Tags.Contains(scope);

        ReplayCorpus(impl, clauses, record, codec, law, test, deviation, Excused);

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
            catch (InputModifiedException e) { verdict = Modified(e); }
            if (!verdict.Holds && Excused(c))
            {
                // A declared deviation on inputs of this kind: note it and go on, so that every other input is still checked.
                excused++;
                firstExcused ??= $"{verdict.Observation}\n  input: {Abbreviate(c.Describe())}";
                verdict = Verdict.That(true, verdict.Observation);
            }
            else
            {
                record?.Add(verdict, c.N, c.Describe);
                search?.Offer(c, verdict);
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
                if (record is not null) record.Cases += passed.Item1.NumberOfTests;
                Output.WriteLine($"{impl.Name} ({Fp<T>.Name}): {test} passed {passed.Item1.NumberOfTests} cases. {Stamps(passed.Item1)}");
                if (excused > 0)
                    throw new KnownDeviationException(
                        $"Known deviation of {impl.Name} ({Fp<T>.Name}) from {deviation!.Clause} on inputs tagged '{deviation.Inputs}': {deviation.Reason}\n" +
                        $"Recorded: {deviation.Measured}\nThis run: {excused} such evaluation(s) reproduced it, e.g. {firstExcused}\n" +
                        $"Every other generated input conformed ({passed.Item1.NumberOfTests} cases).");
                if (deviation is not null)   // not strict: generated inputs may miss the deviating region in one run
                    Output.WriteLine($"Declared known deviation from {deviation.Clause} not observed in these {passed.Item1.NumberOfTests} cases.");
                if (search is not null && search.HasStart) Search(impl, clauses, record, search, codec!, test, deviation, searchSeconds);
                break;
            case TestResult.Failed failed:
                if (record is not null) record.Cases += failed.Item1.NumberOfTests;
                var violation = Violation(impl, clauses, test, failed, law, record);
                // A deviation scoped to tagged inputs does not excuse a failure elsewhere.
                throw deviation is null || deviation.Inputs is not null ? violation : Reproduced(impl, deviation, violation);
            case TestResult.Exhausted exhausted:
                throw new SpecViolationException(clauses, impl.Name,
                    $"{string.Join(", ", clauses)}: the generator gave up after {exhausted.Item.NumberOfTests} cases [{impl.Name} {Fp<T>.Name}].");
            default:
                throw new InvalidOperationException($"FsCheck reported no result for {test}.");
        }
    }

    /// <summary>Replays the stored regression inputs of this test for T (tests/Regressions/&lt;suite&gt;.&lt;method&gt;.json); the first failure is thrown.</summary>
    private void ReplayCorpus<TCase>(ImplementationUnderTest impl, IReadOnlyList<string> clauses, TestRecord? record, CaseCodec<TCase>? codec,
                                     Func<ImplementationUnderTest, TCase, Verdict> law, string test, KnownDeviation? deviation, Func<TCase, bool> excused)
        where TCase : ICase
    {
        var entries = RegressionCorpus.Load(TestRecord.SuiteName(GetType()), test).Where(e => e.ElementType == Fp<T>.Name).ToArray();
        if (entries.Length == 0) return;
        string file = RegressionCorpus.PathFor(TestRecord.SuiteName(GetType()), test)!;
        if (codec is null || entries.Any(e => e.CaseType != codec.CaseType))
            throw new InvalidOperationException($"{file} stores {string.Join(", ", entries.Select(e => e.CaseType).Distinct())} entries, but {test} generates {typeof(TCase).Name} cases{(codec is null ? " that cannot be stored" : $" ({codec.CaseType})")}.");
        if (record is not null) record.Regressions += entries.Length;
        for (int k = 0; k < entries.Length; k++)
        {
            var c = codec.Restore(entries[k].Values, entries[k].Kind);
            Verdict verdict;
            try { verdict = law(impl, c); }
            catch (ImplementationUnavailableException) { throw; }
            catch (InputModifiedException e) { verdict = Modified(e); }
            catch (Exception e) { verdict = Verdict.That(false, $"threw {e.GetType().Name}: {e.Message}") with { Ratio = double.PositiveInfinity }; }
            if (!verdict.Holds && excused(c)) continue;
            record?.Add(verdict, c.N, c.Describe);
            if (verdict.Holds) continue;
            var failing = FailingClauses(verdict, clauses);
            string replay = ReplayCommand(test, null, impl);
            var text = new StringBuilder()
                .AppendLine($"{string.Join(", ", failing)} violated by {impl.Name} ({Fp<T>.Name}), n = {c.N}, on stored regression input {k + 1} of {entries.Length} ({Path.GetFileName(file)}; found by {entries[k].FoundBy}):")
                .AppendLine($"  {verdict.Observation}")
                .AppendLine("Input:")
                .AppendLine(Indent(c.Describe()))
                .AppendLine("Replay (the corpus is replayed on every run):")
                .AppendLine($"  {replay}");
            record?.Fail(failing.Count == 1 ? failing[0] : null, text.ToString(), c.Describe(), null, replay);
            var violation = new SpecViolationException(failing, impl.Name, text.ToString());
            throw deviation is null || deviation.Inputs is not null ? violation : Reproduced(impl, deviation, violation);
        }
    }

    /// <summary>The worst-case search after a passing run; a ratio above 1 fails the test and is stored in the corpus.</summary>
    private void Search<TCase>(ImplementationUnderTest impl, IReadOnlyList<string> clauses, TestRecord? record, WorstCaseSearch<TCase> search,
                               CaseCodec<TCase> codec, string test, KnownDeviation? deviation, double seconds) where TCase : ICase
    {
        var found = search.Run(TimeSpan.FromSeconds(seconds));
        var best = found with { Clause = found.Clause ?? (clauses.Count == 1 ? clauses[0] : null) };   // untagged: the test's one clause
        string? stored = null;
        if (best.Ratio > 1 && deviation is null)
        {
            string suite = TestRecord.SuiteName(GetType());
            stored = RegressionCorpus.Add(suite, test, new RegressionEntry(Fp<T>.Name, codec.CaseType, codec.Kind(best.Case),
                codec.Values(best.Case).ToDictionary(kv => kv.Key, kv => kv.Value), best.Clause, best.Ratio,
                $"the worst-case search on {impl.Name}", DateTime.UtcNow.ToString("O")));
        }
        if (record is not null)
            record.Search = new SearchRecord(best.Clause, best.Ratio, best.Case.Describe(), best.Seconds, best.Evaluations, best.StartRatio,
                stored is null ? null : Path.GetRelativePath(DropIn.RepositoryRoot() ?? ".", stored).Replace('\\', '/'));
        Output.WriteLine($"{impl.Name} ({Fp<T>.Name}): {test} search: worst ratio {Show.Number(best.Ratio)} (from {Show.Number(best.StartRatio)}) after {best.Evaluations} evaluations in {best.Seconds:F1} s");
        if (best.Ratio <= 1) return;
        var failing = best.Clause is { } one ? [one] : clauses;
        string replay = ReplayCommand(test, null, impl);
        var text = new StringBuilder()
            .AppendLine($"{string.Join(", ", failing)} violated by {impl.Name} ({Fp<T>.Name}), n = {best.Case.N}, on an input the worst-case search found (error/bound = {Show.Number(best.Ratio)}, {best.Evaluations} evaluations):")
            .AppendLine($"  {best.Verdict.Observation}")
            .AppendLine("Input:")
            .AppendLine(Indent(best.Case.Describe()));
        text.AppendLine(stored is not null ? $"Stored in the regression corpus ({Path.GetFileName(stored)}), which every run replays:" : "Re-run:")
            .AppendLine($"  {replay}");
        record?.Fail(failing.Count == 1 ? failing[0] : null, text.ToString(), best.Case.Describe(), null, replay);
        var violation = new SpecViolationException(failing, impl.Name, text.ToString());
        throw deviation is null || deviation.Inputs is not null ? violation : Reproduced(impl, deviation, violation);
    }

    /// <summary>Checks one named case (a hard case with a known answer). Failure reports clause, implementation, T, case and observation.</summary>
    protected void Expect(string implementation, string caseName, Func<ImplementationUnderTest, Verdict> check,
                          [CallerMemberName] string test = "")
    {
        var impl = ImplementationUnderTest.Find(implementation);
        var clauses = ClausesOf(test);
        var record = RecordOf(test, impl, clauses);
        try { ExpectCase(impl, clauses, record, caseName, check, test); }
        catch (Exception e) { Note(record, e, clauses); throw; }
    }

    private void ExpectCase(ImplementationUnderTest impl, IReadOnlyList<string> clauses, TestRecord? record, string caseName,
                            Func<ImplementationUnderTest, Verdict> check, string test)
    {
        Verdict verdict;
        try { verdict = check(impl); }
        catch (ImplementationUnavailableException) { throw; }   // cannot run here: not a verdict on this case
        catch (InputModifiedException e) { verdict = Modified(e); }
        catch (Exception e) { verdict = Verdict.That(false, $"threw {e.GetType().Name}: {e.Message}"); }
        if (record is not null)
        {
            record.Cases++;
            record.Add(verdict, 0, () => caseName);
        }
        var deviation = DeclaredDeviation(impl, test, caseName);
        if (verdict.Holds)
        {
            Output.WriteLine($"{impl.Name} ({Fp<T>.Name}) {caseName}: {verdict.Observation}");
            if (deviation?.Case is not null) throw NotReproduced(impl, deviation, $"case '{caseName}'");
            return;
        }
        var failing = FailingClauses(verdict, clauses);
        string replay = ReplayCommand(test, null, impl);
        var text = new StringBuilder()
            .AppendLine($"{string.Join(", ", failing)} violated by {impl.Name} ({Fp<T>.Name}), case '{caseName}':")
            .AppendLine($"  {verdict.Observation}")
            .AppendLine("Re-run:")
            .AppendLine($"  {replay}");
        var violation = new SpecViolationException(failing, impl.Name, text.ToString());
        if (deviation is null)
        {
            record?.Fail(failing.Count == 1 ? failing[0] : null, violation.Message, caseName, null, replay);
            throw violation;
        }
        if (deviation.Case is null) throw Reproduced(impl, deviation, violation);
        // A deviation of one named case: the test's other cases still run; Dispose reports it once they have.
        Output.WriteLine(violation.Message);
        var reproduced = Reproduced(impl, deviation, violation);
        record?.Deviation(reproduced.Message);
        _reproducedCases.Add(reproduced.Message);
    }

    /// <summary>A call changed its inputs (the guard of <see cref="ImplementationUnderTest.As{TCapability}"/>): a failure of <c>INPUT-UNCHANGED</c>, whatever the test checks.</summary>
    private static Verdict Modified(InputModifiedException e) => Verdict.That(false, e.Message).For(InputModifiedException.Clause);

    /// <summary>The clause the failing verdict names, or every clause the test cites when it names none.</summary>
    private static IReadOnlyList<string> FailingClauses(Verdict verdict, IReadOnlyList<string> cited) =>
        verdict.FailingClause is { } clause ? [clause] : cited;

    /// <summary>Puts an exception thrown out of Check or Expect into the test's record (once).</summary>
    private static void Note(TestRecord? record, Exception e, IReadOnlyList<string> clauses)
    {
        if (record is null) return;
        switch (e)
        {
            case KnownDeviationException d: record.Deviation(d.Message, excusesFailure: true); break;
            case SpecViolationException v: record.Fail(v.ClauseIds.Count == 1 ? v.ClauseIds[0] : null, v.Message); break;
            default: record.Fail(null, $"{e.GetType().Name}: {e.Message}"); break;   // ImplementationUnavailableException among them
        }
    }

    private readonly Dictionary<string, TestRecord> _records = new(StringComparer.Ordinal);

    /// <summary>The record of this test on this implementation (one per test instance), or null when neither records nor search are on.</summary>
    private TestRecord? RecordOf(string test, ImplementationUnderTest impl, IReadOnlyList<string> clauses)
    {
        if (Settings.ResultsFolder is null) return null;
        lock (_records)
        {
            string key = test + "\0" + impl.Name;
            if (!_records.TryGetValue(key, out var record))
                _records[key] = record = new TestRecord(GetType(), test, impl.Name, Fp<T>.Name, clauses, UlpDistance);
            return record;
        }
    }

    /// <summary>ULP distance in T between observed and expected (rounded to T): the number of T values between them; null if either is not finite.</summary>
    public static double? UlpDistance(double observed, double expected)
    {
        if (!double.IsFinite(observed) || !double.IsFinite(expected)) return null;
        return typeof(T) == typeof(float)
            ? Math.Abs((double)((Int128)Ordered32(BitConverter.SingleToInt32Bits((float)observed)) - Ordered32(BitConverter.SingleToInt32Bits((float)expected))))
            : Math.Abs((double)((Int128)Ordered64(BitConverter.DoubleToInt64Bits(observed)) - Ordered64(BitConverter.DoubleToInt64Bits(expected))));
        static long Ordered32(int bits) => bits < 0 ? (long)int.MinValue - bits : bits;
        static long Ordered64(long bits) => bits < 0 ? long.MinValue - bits : bits;
    }

    private readonly List<string> _reproducedCases = [];

    /// <summary>Reports the named-case deviations that reproduced, as a skip, once every other case has conformed.</summary>
    public void Dispose()
    {
        GC.SuppressFinalize(this);
        string? folder = Settings.ResultsFolder;
        lock (_records)
        {
            if (folder is not null) foreach (var record in _records.Values) RecordWriter.Write(folder, record);
            _records.Clear();
        }
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
            $"{d.Clause}: {impl.Name} ({Fp<T>.Name}) declares a known deviation from it in {d.Test}, but it conformed on {what}. Remove the entry from its known-deviations list. (Declared: {d.Reason})");

    private SpecViolationException Violation<TCase>(ImplementationUnderTest impl, IReadOnlyList<string> clauses, string test,
                                                    TestResult.Failed failed, Func<ImplementationUnderTest, TCase, Verdict> law,
                                                    TestRecord? record) where TCase : ICase
    {
        var data = failed.Item1;
        var original = (TCase)failed.Item2.Head;
        var shrunk = (TCase)failed.Item3.Head;
        var seed = failed.Item5;
        string observation;
        IReadOnlyList<string> failing = clauses;
        bool heldAgain = false;
        try
        {
            var verdict = law(impl, shrunk);
            observation = verdict.Observation;
            failing = FailingClauses(verdict, clauses);
            heldAgain = verdict.Holds;
        }
        catch (InputModifiedException e)
        {
            observation = e.Message;
            failing = [InputModifiedException.Clause];
        }
        catch (Exception e) { observation = $"threw {e.GetType().Name}: {e.Message}"; }

        string replay = ReplayCommand(test, (seed.Seed, seed.Gamma), impl);
        if (heldAgain)
        {
            // FsCheck saw this input fail, and the same input holds now: printing it as a counterexample would
            // send the reader after an input that does not fail. What failed is determinism.
            string firstTime = data.Labels.Count > 0 ? string.Join("; ", data.Labels) : "(the evaluation gave no observation)";
            var repeat = new StringBuilder()
                .AppendLine($"{string.Join(", ", failing)}: {impl.Name} ({Fp<T>.Name}), n = {shrunk.N}: this input passed when evaluated again: "
                            + "the implementation or the oracle is not deterministic.")
                .AppendLine($"  During the run (failing case {data.NumberOfTests}, {data.NumberOfShrinks} shrinks): {firstTime}")
                .AppendLine($"  Evaluated again on the same input: {observation}")
                .AppendLine("Input (not a counterexample: it holds when evaluated alone):")
                .AppendLine(Indent(shrunk.Describe()))
                .AppendLine("Replay this run (it may pass: a failure that does not repeat on its input depends on timing, state or the order of calls):")
                .AppendLine($"  {replay}");
            record?.Fail(failing.Count == 1 ? failing[0] : null, repeat.ToString(), shrunk.Describe(),
                         data.NumberOfShrinks > 0 ? original.Describe() : null, replay);
            return new SpecViolationException(failing, impl.Name, repeat.ToString());
        }
        var text = new StringBuilder()
            .AppendLine($"{string.Join(", ", failing)} violated by {impl.Name} ({Fp<T>.Name}), n = {shrunk.N}:")
            .AppendLine($"  {observation}")
            .AppendLine($"Shrunk input ({data.NumberOfShrinks} shrinks, failing case {data.NumberOfTests} of the run):")
            .AppendLine(Indent(shrunk.Describe()));
        if (data.NumberOfShrinks > 0)
            text.AppendLine($"Original input (n = {original.N}):").AppendLine(Indent(original.Describe()));
        text.AppendLine("Replay exactly this run:")
            .AppendLine($"  {replay}");
        record?.Fail(failing.Count == 1 ? failing[0] : null, text.ToString(), shrunk.Describe(),
                     data.NumberOfShrinks > 0 ? original.Describe() : null, replay);
        return new SpecViolationException(failing, impl.Name, text.ToString());
    }

    /// <summary>
    /// The command that runs exactly this test on exactly this implementation, in the project that holds the
    /// concrete suite: <c>CONFORMANCE_REPLAY="s,g" dotnet test tests/Properties --filter "FullyQualifiedName=…&amp;DisplayName~Reference"</c>
    /// (xunit's display name carries <c>implementation: "Reference"</c>), with <c>CONFORMANCE_IMPLEMENTATION</c> when set.
    /// </summary>
    private string ReplayCommand(string test, (ulong Seed, ulong Gamma)? seed, ImplementationUnderTest impl)
    {
        var env = new StringBuilder();
        if (seed is var (s, g)) env.Append($"{Settings.ReplayVariable}=\"{s},{g}\" ");
        if (DropIn.Setting is { Length: > 0 } dropIn) env.Append($"{DropIn.Variable}=\"{dropIn}\" ");
        string project = TestRecord.ProjectOf(GetType().Assembly);
        return $"{env}dotnet test {project} --filter \"FullyQualifiedName={GetType().FullName}.{test}&DisplayName~{FilterValue(impl.Name)}\"";
    }

    /// <summary>A value for a vstest filter: its operator characters escaped with a backslash.</summary>
    private static string FilterValue(string value)
    {
        var sb = new StringBuilder();
        foreach (char ch in value)
        {
            if (ch is '\\' or '(' or ')' or '&' or '|' or '=' or '!' or '~') sb.Append('\\');
            sb.Append(ch);
        }
        return sb.ToString();
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
