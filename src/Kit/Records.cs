using System.Collections.Concurrent;
using System.Diagnostics;
using System.Reflection;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace LossConformance.Kit;

/// <summary>
/// What one test checked on one implementation and element type: the JSON line of
/// spec/results-schema.md (schema "loss-conformance/record@1"), built while the test runs and written
/// once when it ends, to <c>$CONFORMANCE_RESULTS/records-&lt;pid&gt;-&lt;8 hex&gt;.jsonl</c>.
/// </summary>
public sealed class TestRecord
{
    public const string Schema = "loss-conformance/record@1";
    public const int MaxSamples = 256;

    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly Dictionary<string, ClauseResult> _clauses = new(StringComparer.Ordinal);
    private readonly Func<double, double, double?> _ulps;

    internal TestRecord(Type suite, string method, string implementation, string elementType, IReadOnlyList<string> cited,
                        Func<double, double, double?> ulps)
    {
        Project = ProjectOf(suite.Assembly);
        Test = $"{suite.FullName}.{method}";
        Method = method;
        Suite = SuiteName(suite);
        Implementation = implementation;
        ElementType = elementType;
        CitedClauses = cited;
        _ulps = ulps;
        foreach (var id in cited) _clauses[id] = new ClauseResult(id);
    }

    public string Project { get; }
    public string Test { get; }
    public string Method { get; }
    public string Suite { get; }
    public string Implementation { get; }
    public string ElementType { get; }
    public IReadOnlyList<string> CitedClauses { get; }
    public DateTime StartedUtc { get; } = DateTime.UtcNow;

    /// <summary>"pass", "fail" or "deviation" (a declared known deviation reproduced; a skip to xunit).</summary>
    public string Verdict { get; private set; } = "pass";
    public string? Reason { get; private set; }
    public int Cases { get; set; }

    /// <summary>Regression-corpus entries replayed (tests/Regressions), before the generated cases.</summary>
    public int Regressions { get; set; }
    public FailureRecord? Failure { get; private set; }
    public SearchRecord? Search { get; set; }
    public IReadOnlyCollection<ClauseResult> Clauses => _clauses.Values;

    /// <summary>Adds one evaluated verdict (every part of it, each to its clause or, untagged, to every cited clause).</summary>
    public void Add(Verdict verdict, int n, Func<string> input)
    {
        string? described = null;
        foreach (var leaf in verdict.Leaves())
        {
            if (leaf.Clause is { } id) Clause(id).Add(leaf, n, input, ref described, _ulps);
            else foreach (var cited in CitedClauses) Clause(cited).Add(leaf, n, input, ref described, _ulps);
        }
    }

    private ClauseResult Clause(string id)
    {
        if (!_clauses.TryGetValue(id, out var c)) _clauses[id] = c = new ClauseResult(id);
        return c;
    }

    public void Fail(string? clause, string message, string? shrunk = null, string? original = null, string? replay = null)
    {
        if (Verdict == "fail") return;   // the first failure is the one the test reports
        Verdict = "fail";
        Failure = new FailureRecord(clause, message, shrunk, original, replay);
        if (clause is not null) Clause(clause).Failed = true;
        else foreach (var c in _clauses.Values) c.Failed |= c.Checks == 0 || c.WorstRatio > 1;
    }

    /// <summary>
    /// A declared deviation reproduced. <paramref name="excusesFailure"/>: the failure just recorded is the deviation
    /// (the Kit threw the skip in its place), so it is cleared; otherwise an earlier real failure stands.
    /// </summary>
    public void Deviation(string reason, bool excusesFailure = false)
    {
        if (Verdict == "fail" && !excusesFailure) return;
        Verdict = "deviation";
        Reason = reason;
        Failure = null;
    }

    /// <summary>The JSON line (no line break).</summary>
    public string ToJson()
    {
        var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            w.WriteStartObject();
            w.WriteString("schema", Schema);
            w.WriteString("project", Project);
            w.WriteString("test", Test);
            w.WriteString("method", Method);
            w.WriteString("suite", Suite);
            w.WriteString("implementation", Implementation);
            w.WriteString("elementType", ElementType);
            w.WriteStartArray("citedClauses");
            foreach (var c in CitedClauses) w.WriteStringValue(c);
            w.WriteEndArray();
            w.WriteString("verdict", Verdict);
            Nullable(w, "reason", Reason);
            w.WriteNumber("cases", Cases);
            w.WriteNumber("regressions", Regressions);
            w.WriteStartArray("clauses");
            foreach (var c in CitedClauses.Concat(_clauses.Keys.Except(CitedClauses)).Select(id => _clauses[id])) c.Write(w);
            w.WriteEndArray();
            if (Failure is { } f)
            {
                w.WriteStartObject("failure");
                Nullable(w, "clause", f.Clause);
                w.WriteString("message", f.Message);
                Nullable(w, "shrunk", f.Shrunk);
                Nullable(w, "original", f.Original);
                Nullable(w, "replay", f.Replay);
                w.WriteEndObject();
            }
            else w.WriteNull("failure");
            if (Search is { } s)
            {
                w.WriteStartObject("search");
                Nullable(w, "clause", s.Clause);
                Number(w, "ratio", s.Ratio);
                Nullable(w, "input", s.Input);
                w.WriteNumber("seconds", Math.Round(s.Seconds, 3));
                w.WriteNumber("evaluations", s.Evaluations);
                w.WriteNumber("startRatio", s.StartRatio is { } r0 && double.IsFinite(r0) ? r0 : 0);
                Nullable(w, "corpus", s.Corpus);
                w.WriteEndObject();
            }
            else w.WriteNull("search");
            w.WriteString("startedUtc", StartedUtc.ToString("O"));
            w.WriteNumber("durationMs", _clock.ElapsedMilliseconds);
            w.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    /// <summary>A ratio as a JSON number; +∞ and NaN (which JSON lacks) as the strings "Infinity" and "NaN"; null as null.</summary>
    internal static void Number(Utf8JsonWriter w, string name, double? x)
    {
        if (x is not { } v) w.WriteNull(name);
        else if (double.IsFinite(v)) w.WriteNumber(name, v);
        else w.WriteString(name, double.IsNaN(v) ? "NaN" : v > 0 ? "Infinity" : "-Infinity");
    }

    internal static void Number(Utf8JsonWriter w, double v)
    {
        if (double.IsFinite(v)) w.WriteNumberValue(v);
        else w.WriteStringValue(double.IsNaN(v) ? "NaN" : v > 0 ? "Infinity" : "-Infinity");
    }

    private static void Nullable(Utf8JsonWriter w, string name, string? value)
    {
        if (value is null) w.WriteNull(name);
        else w.WriteString(name, value);
    }

    /// <summary>The generic suite's name without `1 (KlDivergenceProperties), or the class's own name.</summary>
    public static string SuiteName(Type suite)
    {
        for (var t = suite; t is not null; t = t.BaseType)
            if (t.IsGenericType && t.GetGenericTypeDefinition() is var g && g.Namespace != typeof(Suite<>).Namespace)
                return g.Name[..g.Name.IndexOf('`')];
        return suite.Name;
    }

    private static readonly ConcurrentDictionary<Assembly, string> Projects = new();

    /// <summary>The repository-relative folder of the project that builds the assembly (tests/Properties): the folder of &lt;AssemblyName&gt;.csproj.</summary>
    public static string ProjectOf(Assembly assembly) => Projects.GetOrAdd(assembly, a =>
    {
        string name = a.GetName().Name ?? "";
        if (DropIn.RepositoryRoot() is not { } root) return name;
        var found = Directory.EnumerateFiles(root, name + ".csproj", new EnumerationOptions { RecurseSubdirectories = true, MaxRecursionDepth = 4 })
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}") && !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}"))
            .Order(StringComparer.Ordinal).FirstOrDefault();
        return found is null ? name : Path.GetRelativePath(root, Path.GetDirectoryName(found)!).Replace(Path.DirectorySeparatorChar, '/');
    });
}

/// <summary>Per-clause results of one record: how many checks, the worst ratio and where it was reached, a sample of (n, ratio).</summary>
public sealed class ClauseResult(string id)
{
    private readonly List<(int N, double Ratio)> _samples = [];
    private int _seen;
    private readonly Random _reservoir = new(12345);

    public string Id { get; } = id;
    public int Checks { get; private set; }
    public bool Failed { get; set; }
    public double? WorstRatio { get; private set; }
    public string? WorstObserved { get; private set; }
    public string? WorstBound { get; private set; }
    public string? WorstInput { get; private set; }
    public int? WorstN { get; private set; }
    public double? Ulps { get; private set; }
    public IReadOnlyList<(int N, double Ratio)> Samples => _samples;

    internal void Add(Verdict leaf, int n, Func<string> input, ref string? described, Func<double, double, double?> ulps)
    {
        Checks++;
        if (!leaf.Holds) Failed = true;
        if (leaf.Ratio is not { } r) return;
        // Reservoir sample of (n, ratio), so that long runs keep an unbiased picture of error against length.
        _seen++;
        if (_samples.Count < TestRecord.MaxSamples) _samples.Add((n, r));
        else if (_reservoir.Next(_seen) is var k && k < TestRecord.MaxSamples) _samples[k] = (n, r);
        if (WorstRatio is { } worst && !(r > worst)) return;
        WorstRatio = r;
        WorstObserved = leaf.Observed is { } o ? Show.Number(o) : leaf.Observation;
        WorstBound = leaf.Requirement;
        WorstInput = described ??= input();
        WorstN = n;
        Ulps = leaf is { Observed: { } obs, Expected: { } exp } ? ulps(obs, exp) : null;
    }

    internal void Write(Utf8JsonWriter w)
    {
        w.WriteStartObject();
        w.WriteString("id", Id);
        w.WriteString("verdict", Failed ? "fail" : "pass");
        w.WriteNumber("checks", Checks);
        TestRecord.Number(w, "worstRatio", WorstRatio);
        Str(w, "worstObserved", WorstObserved);
        Str(w, "worstBound", WorstBound);
        Str(w, "worstInput", WorstInput);
        if (WorstN is { } n) w.WriteNumber("worstN", n); else w.WriteNull("worstN");
        TestRecord.Number(w, "ulps", Ulps);
        w.WriteStartArray("samples");
        foreach (var (sn, r) in _samples)
        {
            w.WriteStartArray();
            w.WriteNumberValue(sn);
            TestRecord.Number(w, r);
            w.WriteEndArray();
        }
        w.WriteEndArray();
        w.WriteEndObject();
    }

    private static void Str(Utf8JsonWriter w, string name, string? v)
    {
        if (v is null) w.WriteNull(name); else w.WriteString(name, v);
    }
}

public sealed record FailureRecord(string? Clause, string Message, string? Shrunk, string? Original, string? Replay);

/// <summary>The worst-case search's best: the clause, ratio and input it reached, the time and evaluations spent.</summary>
public sealed record SearchRecord(string? Clause, double Ratio, string? Input, double Seconds, int Evaluations, double? StartRatio, string? Corpus);

/// <summary>Appends records, one JSON line each, to one file per process and folder; thread-safe, flushed per line.</summary>
public static class RecordWriter
{
    private static readonly Dictionary<string, StreamWriter> Files = new(StringComparer.Ordinal);
    private static readonly Lock Gate = new();

    /// <summary>The file this process writes in the folder (created on first use).</summary>
    public static void Write(string folder, TestRecord record)
    {
        string line = record.ToJson();
        lock (Gate)
        {
            if (!Files.TryGetValue(folder, out var writer))
            {
                Directory.CreateDirectory(folder);
                string path = Path.Combine(folder, $"records-{Environment.ProcessId}-{Convert.ToHexStringLower(RandomNumberGeneratorBytes())}.jsonl");
                writer = new StreamWriter(new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.ReadWrite), new UTF8Encoding(false));
                Files[folder] = writer;
            }
            writer.Write(line);
            writer.Write('\n');
            writer.Flush();
        }
    }

    private static byte[] RandomNumberGeneratorBytes() => System.Security.Cryptography.RandomNumberGenerator.GetBytes(4);
}
