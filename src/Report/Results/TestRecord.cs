using System.Text.Json;
using System.Text.Json.Serialization;

namespace LossConformance.Report.Results;

/// <summary>
/// One line of <c>records-*.jsonl</c>, written by src/Kit for each (test, implementation, element type)
/// that ran when CONFORMANCE_RESULTS names a folder. Schema "loss-conformance/record@1".
/// </summary>
public sealed record TestRecord
{
    public const string SchemaId = "loss-conformance/record@1";

    public string Schema { get; init; } = "";
    public string? Project { get; init; }
    /// <summary>Fully qualified test name without arguments (Namespace.Class.Method).</summary>
    public string Test { get; init; } = "";
    public string? Method { get; init; }
    public string? Suite { get; init; }
    public string Implementation { get; init; } = "";
    public string ElementType { get; init; } = "";
    public IReadOnlyList<string> CitedClauses { get; init; } = [];
    /// <summary>pass, fail or deviation.</summary>
    public string Verdict { get; init; } = "";
    public string? Reason { get; init; }
    public int? Cases { get; init; }
    public IReadOnlyList<ClauseRecord> Clauses { get; init; } = [];
    public FailureRecord? Failure { get; init; }
    public SearchRecord? Search { get; init; }
    public string? StartedUtc { get; init; }
    public double? DurationMs { get; init; }
}

/// <summary>One clause's outcome within a test: checks made and the worst error as a fraction of its bound.</summary>
public sealed record ClauseRecord
{
    public string Id { get; init; } = "";
    public string Verdict { get; init; } = "";
    public int? Checks { get; init; }
    /// <summary>max |error| / bound over the checks (≤ 1 conforms); null where the clause's check has no ratio (an exact law).</summary>
    public double? WorstRatio { get; init; }
    public string? WorstObserved { get; init; }
    public string? WorstBound { get; init; }
    public string? WorstInput { get; init; }
    public int? WorstN { get; init; }
    public double? Ulps { get; init; }
    /// <summary>(n, ratio) pairs: the error against input length.</summary>
    public IReadOnlyList<IReadOnlyList<double>> Samples { get; init; } = [];
}

public sealed record FailureRecord
{
    public string? Clause { get; init; }
    public string? Message { get; init; }
    public string? Shrunk { get; init; }
    public string? Original { get; init; }
    public string? Replay { get; init; }
}

public sealed record SearchRecord
{
    public string? Clause { get; init; }
    public double? Ratio { get; init; }
    public string? Input { get; init; }
    public double? Seconds { get; init; }
    public long? Evaluations { get; init; }
}

/// <summary>Reads records files; a line of another schema or that does not parse is reported, not dropped silently.</summary>
public static class RecordReader
{
    public static readonly JsonSerializerOptions Options = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        PropertyNameCaseInsensitive = true,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    public static IEnumerable<TestRecord> Read(string path, ICollection<string> problems)
    {
        int line = 0;
        // Another process may still be appending: share the file, and take only complete lines.
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        using var reader = new StreamReader(stream);
        while (reader.ReadLine() is { } text)
        {
            line++;
            if (string.IsNullOrWhiteSpace(text)) continue;
            TestRecord? record = null;
            try { record = JsonSerializer.Deserialize<TestRecord>(text, Options); }
            catch (JsonException e) { problems.Add($"{path}:{line}: not a JSON record ({e.Message})"); }
            if (record is null) continue;
            if (record.Schema != TestRecord.SchemaId)
            {
                problems.Add($"{path}:{line}: schema '{record.Schema}', expected '{TestRecord.SchemaId}'; line skipped");
                continue;
            }
            yield return record;
        }
    }
}
