using System.Text.Json.Serialization;

namespace LossConformance.Report;

// The report's data, serialized as report.json (schema: report.schema.json, id "loss-conformance/report@1").
// report.md and report.html are renderings of exactly this.

public sealed record ConformanceReport
{
    public const string SchemaId = "loss-conformance/report@1";

    [JsonPropertyName("schema")] public string Schema { get; init; } = SchemaId;
    public required string GeneratedUtc { get; init; }
    /// <summary>"run" (this command ran the suites) or "results" (built from earlier results with --from-results).</summary>
    public required string Origin { get; init; }
    public required IReadOnlyList<string> Sources { get; init; }
    public RunInfo? Run { get; init; }
    public required Summary Summary { get; init; }
    public required IReadOnlyList<Column> Columns { get; init; }
    public required IReadOnlyList<ClauseReport> Clauses { get; init; }
    public required IReadOnlyList<string> Uncovered { get; init; }
    public required IReadOnlyList<Orphan> Orphans { get; init; }
    public required IReadOnlyList<ErratumReport> Errata { get; init; }
    public required IReadOnlyList<DeviationReport> Deviations { get; init; }
    public required IReadOnlyList<TestReport> Tests { get; init; }
    public required IReadOnlyList<SearchReport> Searches { get; init; }
    public required IReadOnlyList<string> Problems { get; init; }
    /// <summary>The accuracy tier of each strict clause (spec/strict-accuracy.md) on each column.</summary>
    public IReadOnlyList<TierReport> Tiers { get; init; } = [];
}

/// <summary>
/// One strict-tier clause (<c>STRICT-*</c>) on one column: "strict" (its tests pass), "baseline" (a known
/// deviation or a failure: the implementation is held to the baseline of spec/accuracy.md only) or
/// "not claimed" (skipped: no <c>IStrictAccuracy</c>, or nothing ran), with the skip's reason.
/// </summary>
public sealed record TierReport(string Clause, string Column, string Tier, string? Reason);

public sealed record RunInfo(IReadOnlyList<string> Commands, double Seconds, int? MaxTest, double? SearchSeconds,
                             IReadOnlyList<string> Implementations, string? PlugIns);

public sealed record Summary
{
    public required int Clauses { get; init; }
    public required int Covered { get; init; }
    public required int Uncovered { get; init; }
    public required int Failing { get; init; }
    public required int Orphans { get; init; }
    public required int Tests { get; init; }
    public required int Passed { get; init; }
    public required int Failed { get; init; }
    public required int Skipped { get; init; }
    public required int Deviations { get; init; }
    public required IReadOnlyList<ColumnSummary> PerColumn { get; init; }
}

/// <summary>One column of the matrix: an implementation in one element type.</summary>
public sealed record Column(string Id, string Implementation, string ElementType);

public sealed record ColumnSummary(string Column, int Passed, int Failed, int Skipped, int Deviations, IReadOnlyList<ReasonCount> SkippedByReason);

public sealed record ReasonCount(string Reason, int Count);

public sealed record ClauseReport
{
    public required string Id { get; init; }
    public required string Title { get; init; }
    public required string File { get; init; }
    public required int Line { get; init; }
    public required string Statement { get; init; }
    /// <summary>pass, fail, deviation, skip (nothing ran), uncovered (no test cites it).</summary>
    public required string Verdict { get; init; }
    public required IReadOnlyList<ClaimRef> Claims { get; init; }
    public required IReadOnlyList<string> Tests { get; init; }
    public required IReadOnlyList<Cell> Cells { get; init; }
    public double? WorstRatio { get; init; }
    public required IReadOnlyList<FailureReport> Failures { get; init; }
}

public sealed record ClaimRef(string Number, string Summary);

/// <summary>A matrix cell: the verdict of one clause on one column, from every test citing the clause there.</summary>
public sealed record Cell
{
    public required string Column { get; init; }
    /// <summary>pass, fail, deviation, skip, or none (no test of the clause ran on this column).</summary>
    public required string Verdict { get; init; }
    public int Passed { get; init; }
    public int Failed { get; init; }
    public int Skipped { get; init; }
    public int Deviations { get; init; }
    /// <summary>The worst error as a fraction of its bound (≤ 1 conforms), over the records of this cell.</summary>
    public double? WorstRatio { get; init; }
    public double? Ulps { get; init; }
    public string? WorstObserved { get; init; }
    public string? WorstBound { get; init; }
    public int? WorstN { get; init; }
    /// <summary>For a skip: the (first) reason.</summary>
    public string? Reason { get; init; }
    public IReadOnlyList<IReadOnlyList<double>> Samples { get; init; } = [];
}

public sealed record FailureReport(string Test, string Column, string? Clause, string Message, string? Shrunk, string? Original, string? Replay);

public sealed record Orphan(string Id, IReadOnlyList<string> CitedBy);

public sealed record ErratumReport(string Id, string Title, IReadOnlyList<string> Tests, string Verdict);

public sealed record DeviationReport(string Column, string? Clause, string Test, string Reason);

/// <summary>One test on one column, as run.</summary>
public sealed record TestReport
{
    public required string Name { get; init; }
    public required string Test { get; init; }
    public string? Implementation { get; init; }
    public string? ElementType { get; init; }
    /// <summary>pass, fail, skip or deviation.</summary>
    public required string Outcome { get; init; }
    public string? Reason { get; init; }
    public required IReadOnlyList<string> Clauses { get; init; }
    public double DurationMs { get; init; }
    public string? File { get; init; }
    public bool HasRecord { get; init; }
}

public sealed record SearchReport(string Test, string Column, string? Clause, double? Ratio, string? Input, double? Seconds, long? Evaluations);
