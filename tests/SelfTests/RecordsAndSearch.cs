using System.Reflection;
using System.Text.Json;
using System.Text.RegularExpressions;
using LossConformance.Conformance;
using LossConformance.Kit;
using LossConformance.Properties;
using LossConformance.Reference;
using LossConformance.SelfTests.Mutants;
using Xunit;
using Xunit.Abstractions;

namespace LossConformance.SelfTests;

/// <summary>
/// The suites' records (CONFORMANCE_RESULTS, spec/results-schema.md), the clause a failure names, the
/// replay command, the worst-case search (CONFORMANCE_SEARCH_SECONDS) and the regression corpus
/// (tests/Regressions), each checked by running real suite tests on the reference, on mutants and on two
/// planted implementations inside the test, with <see cref="Settings.Override"/> pointing at temp folders.
/// </summary>
public sealed class RecordsAndSearch(ITestOutputHelper output) : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("loss-conformance-records-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private string Results => Path.Combine(_folder, "results");
    private string Corpus => Path.Combine(_folder, "corpus");

    [Fact]
    public void A_record_per_test_and_implementation_carries_the_schema_fields()
    {
        using (Settings.Override(Results, corpusFolder: Corpus))
        {
            Assert.Null(Suites.Run(typeof(KlDivergencePropertiesDouble), "Kl_is_nonnegative", "Reference"));
            var failure = Suites.Run(typeof(KlDivergencePropertiesDouble), "Kl_is_nonnegative", Suites.Mutant<KlWithTheNotesSignError>());
            output.WriteLine(failure?.Message);
            Assert.IsType<SpecViolationException>(failure);
        }
        var records = Records();
        var reference = records.Single(r => r.GetProperty("implementation").GetString() == "Reference");
        Assert.Equal(TestRecord.Schema, reference.GetProperty("schema").GetString());
        Assert.Equal("tests/Properties", reference.GetProperty("project").GetString());
        Assert.Equal("LossConformance.Properties.KlDivergencePropertiesDouble.Kl_is_nonnegative", reference.GetProperty("test").GetString());
        Assert.Equal("Kl_is_nonnegative", reference.GetProperty("method").GetString());
        Assert.Equal("KlDivergenceProperties", reference.GetProperty("suite").GetString());
        Assert.Equal("double", reference.GetProperty("elementType").GetString());
        Assert.Equal(["KL-NONNEG"], reference.GetProperty("citedClauses").EnumerateArray().Select(e => e.GetString()!));
        Assert.Equal("pass", reference.GetProperty("verdict").GetString());
        Assert.Equal(Settings.MaxTest, reference.GetProperty("cases").GetInt32());
        var clause = reference.GetProperty("clauses").EnumerateArray().Single();
        Assert.Equal("KL-NONNEG", clause.GetProperty("id").GetString());
        Assert.Equal(Settings.MaxTest, clause.GetProperty("checks").GetInt32());
        double worst = clause.GetProperty("worstRatio").GetDouble();
        Assert.InRange(worst, 0, 1);
        Assert.True(clause.GetProperty("worstN").GetInt32() >= 1);
        Assert.Contains("p = [", clause.GetProperty("worstInput").GetString());
        Assert.InRange(clause.GetProperty("samples").GetArrayLength(), 1, TestRecord.MaxSamples);
        Assert.Equal(JsonValueKind.Null, reference.GetProperty("failure").ValueKind);
        Assert.Equal(JsonValueKind.Null, reference.GetProperty("search").ValueKind);
        Assert.True(DateTime.TryParse(reference.GetProperty("startedUtc").GetString(), out _));

        var mutant = records.Single(r => r.GetProperty("implementation").GetString() == "Mutant.KlWithTheNotesSignError");
        Assert.Equal("fail", mutant.GetProperty("verdict").GetString());
        var f = mutant.GetProperty("failure");
        Assert.Equal("KL-NONNEG", f.GetProperty("clause").GetString());
        Assert.StartsWith("KL-NONNEG violated by Mutant.KlWithTheNotesSignError (double)", f.GetProperty("message").GetString());
        Assert.Contains("p = [", f.GetProperty("shrunk").GetString());
        Assert.Matches(new Regex("^CONFORMANCE_REPLAY=\"\\d+,\\d+\" dotnet test tests/Properties --filter \"FullyQualifiedName=LossConformance\\.Properties\\.KlDivergencePropertiesDouble\\.Kl_is_nonnegative&DisplayName~Mutant\\.KlWithTheNotesSignError\"$"),
                       f.GetProperty("replay").GetString());
        Assert.Equal("fail", mutant.GetProperty("clauses")[0].GetProperty("verdict").GetString());
        Assert.True(mutant.GetProperty("clauses")[0].GetProperty("worstRatio").GetDouble() > 1);
    }

    [Fact]
    public void Nothing_is_recorded_without_a_results_folder()
    {
        using (Settings.Override(null, corpusFolder: Corpus))
        {
            Assert.Null(Settings.ResultsFolder);
            Assert.Null(Suites.Run(typeof(KlDivergencePropertiesDouble), "Kl_is_nonnegative", "Reference"));
        }
        Assert.False(Directory.Exists(Results));
        Assert.Empty(Directory.EnumerateFileSystemEntries(_folder));
    }

    /// <summary>A test citing four clauses, broken in one of them: the failure and the record name that one.</summary>
    [Theory]
    [InlineData(typeof(BatchedIgnoredRowsGetSoftmax), "GRAD-IGNORE")]
    [InlineData(typeof(BatchedGradientWithoutOneOverN), "GRAD-MEAN")]
    [InlineData(typeof(BatchedAllIgnoredIsNaN), "GRAD-ALL-IGNORED")]
    public void A_multi_clause_failure_names_the_clause_broken(Type mutant, string clause)
    {
        const string test = "Batched_loss_and_gradient_agree_with_the_reference";
        Exception? failure;
        using (Settings.Override(Results, corpusFolder: Corpus))
            failure = Suites.Run(typeof(SoftmaxCrossEntropyConformanceDouble), test, Suites.Mutant(mutant));
        output.WriteLine(failure?.Message);
        var violation = Assert.IsType<SpecViolationException>(failure);
        Assert.Equal([clause], violation.ClauseIds);
        Assert.StartsWith($"{clause} violated by Mutant.{mutant.Name} (double)", violation.Message);

        var record = Records().Single();
        Assert.Equal(4, record.GetProperty("citedClauses").GetArrayLength());
        Assert.Equal(clause, record.GetProperty("failure").GetProperty("clause").GetString());
        var verdicts = record.GetProperty("clauses").EnumerateArray().ToDictionary(c => c.GetProperty("id").GetString()!, c => c.GetProperty("verdict").GetString());
        Assert.Equal("fail", verdicts[clause]);
        Assert.Contains("pass", verdicts.Values);   // the clauses the mutant keeps are recorded as kept
        Assert.Contains("dotnet test tests/Conformance --filter", record.GetProperty("failure").GetProperty("replay").GetString());
    }

    [Fact]
    public void Every_failure_message_starts_with_a_clause_ID()
    {
        // Several failing known answers at once (the aggregate message), a named case, and a generated case.
        var failures = new[]
        {
            Suites.Run(typeof(KnownAnswerConformanceDouble), "Kl_divergence_matches_the_oracle", Suites.Mutant<KlWithTheNotesSignError>()),
            Suites.Run(typeof(KlDivergencePropertiesDouble), "Kl_known_values", Suites.Mutant<KlWithTheNotesSignError>()),
            Suites.Run(typeof(KlDivergencePropertiesDouble), "Kl_is_nonnegative", Suites.Mutant<KlWithTheNotesSignError>()),
        };
        foreach (var failure in failures)
        {
            output.WriteLine(failure?.Message.Split('\n')[0]);
            var violation = Assert.IsType<SpecViolationException>(failure);
            Assert.Matches(new Regex(@"^[A-Z][A-Z0-9]*(-[A-Z0-9]+)+(, [A-Z][A-Z0-9]*(-[A-Z0-9]+)+)* violated by "), violation.Message);
            Assert.StartsWith(violation.ClauseIds[0], violation.Message);
        }
        Assert.Contains(" of ", failures[0]!.Message.Split('\n')[0]);   // the aggregate: "… in N of M known answers …"
    }

    [Fact]
    public void Search_raises_the_worst_ratio_of_an_imprecise_implementation_and_stays_within_the_bound()
    {
        Exception? failure;
        using (Settings.Override(Results, searchSeconds: 3, corpusFolder: Corpus))
            failure = Suites.Run(typeof(EntropyPropertiesDouble), "Entropy_is_minus_sum_of_p_ln_p", Suites.Register(new PlantedImpreciseEntropy()));
        Assert.Null(failure);
        var record = Records().Single();
        double plain = record.GetProperty("clauses")[0].GetProperty("worstRatio").GetDouble();
        var search = record.GetProperty("search");
        double found = search.GetProperty("ratio").GetDouble();
        output.WriteLine($"plain run {plain}, search {found} after {search.GetProperty("evaluations").GetInt32()} evaluations");
        Assert.True(found > plain, $"the search reached {found}, the plain run {plain}");
        Assert.True(found > 0.5 && found <= 1, $"search ratio {found}");
        Assert.Equal("ENT-DEF", search.GetProperty("clause").GetString());
        Assert.False(Directory.Exists(Corpus));   // nothing broke: nothing stored
    }

    [Fact]
    public void Search_finds_a_planted_bug_stores_it_and_the_corpus_replays_it_on_every_run()
    {
        const string test = "Entropy_is_minus_sum_of_p_ln_p";
        string bug = Suites.Register(new PlantedEntropyBug());
        Exception? found;
        // The search stops at its first violation, so the budget is only the most it may take; 5 s ran out once
        // under load average 8 (a full `dotnet test` with other work beside it).
        using (Settings.Override(Results, searchSeconds: 20, corpusFolder: Corpus))
            found = Suites.Run(typeof(EntropyPropertiesDouble), test, bug);
        output.WriteLine(found?.Message ?? "the search found no violation within its budget");
        var violation = Assert.IsType<SpecViolationException>(found);
        Assert.Equal(["ENT-DEF"], violation.ClauseIds);
        Assert.Contains("worst-case search found", violation.Message);
        var record = Records().Single();
        Assert.True(record.GetProperty("search").GetProperty("ratio").GetDouble() > 1);
        Assert.Equal("fail", record.GetProperty("verdict").GetString());
        Assert.Contains("dotnet test tests/Properties --filter", record.GetProperty("failure").GetProperty("replay").GetString());

        string file = Path.Combine(Corpus, $"EntropyProperties.{test}.json");
        Assert.True(File.Exists(file));
        output.WriteLine(File.ReadAllText(file));
        RegressionEntry entry;
        using (Settings.Override(null, corpusFolder: Corpus))
            entry = Assert.Single(RegressionCorpus.Load("EntropyProperties", test));
        Assert.Equal("ENT-DEF", entry.Clause);
        Assert.Equal("double", entry.ElementType);
        Assert.True(entry.Ratio > 1);

        // Without the search, the stored input alone fails the bug, before any generated case; the reference passes it.
        string results = Path.Combine(_folder, "replay-results");
        Exception? replayed, reference;
        using (Settings.Override(results, corpusFolder: Corpus))
        {
            replayed = Suites.Run(typeof(EntropyPropertiesDouble), test, bug);
            reference = Suites.Run(typeof(EntropyPropertiesDouble), test, "Reference");
        }
        output.WriteLine(replayed?.Message);
        var again = Assert.IsType<SpecViolationException>(replayed);
        Assert.StartsWith("ENT-DEF violated by SelfTests.PlantedEntropyBug (double), n = ", again.Message);
        Assert.Contains("stored regression input 1 of 1", again.Message);
        Assert.Null(reference);
        var records = Records(results);
        Assert.All(records, r => Assert.Equal(1, r.GetProperty("regressions").GetInt32()));
        Assert.Equal(0, records.Single(r => r.GetProperty("implementation").GetString() == bug).GetProperty("cases").GetInt32());
    }

    [Fact]
    public void The_committed_corpus_is_replayed()
    {
        var stored = Directory.EnumerateFiles(Path.Combine(Repository.Root, "tests", "Regressions"), "*.json").ToArray();
        Assert.NotEmpty(stored);
        foreach (var path in stored)
        {
            var name = Path.GetFileNameWithoutExtension(path).Split('.');
            var entries = RegressionCorpus.Load(name[0], name[1]);
            Assert.NotEmpty(entries);
            var suite = SuiteTests.All().Single(t => TestRecord.SuiteName(t.Suite) == name[0] && t.Method.Name == name[1]);
            using (Settings.Override(Results))
                Assert.Null(Suites.Run(suite.Suite, name[1], "Reference"));
            var record = Records().Last();
            Assert.Equal(entries.Count(e => e.ElementType == "double"), record.GetProperty("regressions").GetInt32());
        }
    }

    private List<JsonElement> Records(string? folder = null) =>
        [.. Directory.EnumerateFiles(folder ?? Results, "records-*.jsonl")
            .SelectMany(File.ReadAllLines).Where(l => l.Length > 0).Select(l => JsonDocument.Parse(l).RootElement)];
}

/// <summary>Runs one suite test as xunit would (new instance, the test, Dispose).</summary>
internal static class Suites
{
    public static Exception? Run(Type suite, string method, string implementation) =>
        new SuiteTest(suite, suite.GetMethod(method, BindingFlags.Public | BindingFlags.Instance)!, [], []).Run(implementation);

    public static string Mutant<TMutant>() where TMutant : Mutant, new() => Register(new TMutant());

    public static string Mutant(Type mutant) => Register(Activator.CreateInstance(mutant)!);

    public static string Register(object implementation) => ImplementationUnderTest.Register(implementation, "self-test").Name;
}

/// <summary>
/// An entropy that errs by r(H) times the suite's bound, with r peaking at H = 1.2345 (0.8 there, a broad
/// 0.16·e^(−|H − c|) elsewhere that guides a search), so generated cases rarely show its worst and a search can.
/// </summary>
public class PlantedImpreciseEntropy : IEntropy<double>, INamedImplementation
{
    private const double Peak = 1.2345;
    protected virtual double Amplitude => 0.8;

    public virtual string Name => "SelfTests.PlantedImpreciseEntropy";

    public double Entropy(ReadOnlySpan<double> p)
    {
        double h = Ref.Entropy(p);
        double r = Amplitude * Math.Max(Math.Exp(-Math.Abs(h - Peak) / 1e-4), 0.2 * Math.Exp(-Math.Abs(h - Peak)));
        return h + r * 2 * Accuracy.Entropy<double>(p);   // the suite's bound for double
    }

    private static readonly ReferenceImplementation Ref = new();
}

/// <summary>The same error with amplitude 2: beyond the bound near H = 1.2345, within it elsewhere.</summary>
public sealed class PlantedEntropyBug : PlantedImpreciseEntropy
{
    protected override double Amplitude => 2;
    public override string Name => "SelfTests.PlantedEntropyBug";
}
