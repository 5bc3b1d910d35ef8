using LossConformance.Report.Results;
using LossConformance.Report.Spec;

namespace LossConformance.Report;

/// <summary>
/// Joins the spec (clauses, claims), the test sources' [Spec] citations and the results (TRX for every
/// test, records for those that ran) into a <see cref="ConformanceReport"/>. A TRX result and a record
/// are the same test when their fully qualified name (Namespace.Class.Method) and implementation agree.
/// </summary>
public static class ReportBuilder
{
    /// <summary>Built-in implementations first, in this order; then any other, by name.</summary>
    private static readonly string[] BuiltInOrder = ["Reference", "Optimized-CPU", "TorchSharp-CPU", "TorchSharp-CUDA"];

    public static ConformanceReport Build(SpecDocument spec, CitationIndex citations, ResultSet results, string origin,
                                          RunInfo? run = null, DateTime? now = null)
    {
        var problems = new List<string>(results.Problems);
        var tests = JoinTests(citations, results, problems);
        var columns = tests.Where(t => t.Implementation is not null)
            .Select(t => (t.Implementation!, t.ElementType ?? "?")).Distinct()
            .OrderBy(c => Array.IndexOf(BuiltInOrder, c.Item1) is var i && i >= 0 ? i : BuiltInOrder.Length)
            .ThenBy(c => c.Item1, StringComparer.Ordinal)
            .ThenBy(c => c.Item2 == "float" ? 0 : c.Item2 == "double" ? 1 : 2)
            .Select(c => new Column(ColumnId(c.Item1, c.Item2), c.Item1, c.Item2))
            .ToArray();

        var specIds = spec.Clauses.Select(c => c.Id).ToHashSet(StringComparer.Ordinal);
        // Who cites what: the sources, and records (a plug-in's own subclasses may live outside this repository).
        var citedBy = new Dictionary<string, SortedSet<string>>(StringComparer.Ordinal);
        void Cite(string id, string test) { if (!citedBy.TryGetValue(id, out var s)) citedBy[id] = s = new(StringComparer.Ordinal); s.Add(test); }
        foreach (var c in citations.Citations) foreach (var id in c.ClauseIds) Cite(id, c.Name);
        foreach (var t in tests) foreach (var id in t.Clauses) Cite(id, t.Declared);

        var clauseReports = new List<ClauseReport>();
        foreach (var clause in spec.Clauses)
        {
            var cited = citedBy.TryGetValue(clause.Id, out var s) ? s.ToArray() : [];
            var mine = tests.Where(t => t.Clauses.Contains(clause.Id)).ToArray();
            var cells = columns.Select(column => CellOf(clause.Id, column, mine.Where(t => ColumnId(t) == column.Id).ToArray())).ToArray();
            var failures = mine.Where(t => Verdict(t, clause.Id) == "fail").Select(t => FailureOf(t, clause.Id)).ToArray();
            string verdict = cited.Length == 0 ? "uncovered"
                : cells.Any(c => c.Verdict == "fail") || failures.Length > 0 ? "fail"
                : cells.Any(c => c.Verdict == "deviation") ? "deviation"
                : cells.Any(c => c.Verdict == "pass") ? "pass"
                : "skip";
            clauseReports.Add(new ClauseReport
            {
                Id = clause.Id,
                Title = clause.Title,
                File = clause.File,
                Line = clause.Line,
                Statement = clause.Statement,
                Verdict = verdict,
                Claims = spec.ClaimsOf(clause.Id).Select(c => new ClaimRef(c.Number, c.Summary)).ToArray(),
                Tests = cited,
                Cells = cells,
                WorstRatio = Max(cells.Select(c => c.WorstRatio)),
                Failures = failures,
            });
        }

        var orphans = citedBy.Where(kv => !specIds.Contains(kv.Key)).OrderBy(kv => kv.Key, StringComparer.Ordinal)
            .Select(kv => new Orphan(kv.Key, kv.Value.ToArray())).ToArray();
        foreach (var t in tests.Where(t => t.Clauses.Count == 0 && t.Implementation is not null))
            problems.Add($"{t.Test} ran on {t.Implementation} but cites no clause (neither its record nor the sources name one)");

        var errata = clauseReports.Where(c => c.File == "errata.md")
            .Select(c => new ErratumReport(c.Id, c.Title, c.Tests, c.Verdict)).ToArray();

        var deviations = tests.Where(t => t.Outcome == "deviation")
            .Select(t => new DeviationReport(ColumnId(t), t.DeviationClause ?? t.Clauses.FirstOrDefault(), t.Test, t.Reason ?? ""))
            .OrderBy(d => d.Column, StringComparer.Ordinal).ThenBy(d => d.Clause, StringComparer.Ordinal).ThenBy(d => d.Test, StringComparer.Ordinal)
            .ToArray();

        var perColumn = columns.Select(column =>
        {
            var here = tests.Where(t => ColumnId(t) == column.Id).ToArray();
            var reasons = here.Where(t => t.Outcome == "skip").GroupBy(t => ReasonKey(t.Reason))
                .Select(g => new ReasonCount(g.Key, g.Count())).OrderByDescending(r => r.Count).ThenBy(r => r.Reason, StringComparer.Ordinal).ToArray();
            return new ColumnSummary(column.Id, here.Count(t => t.Outcome == "pass"), here.Count(t => t.Outcome == "fail"),
                                     here.Count(t => t.Outcome == "skip"), here.Count(t => t.Outcome == "deviation"), reasons);
        }).ToArray();

        var searches = tests.Where(t => t.Record?.Search is not null)
            .Select(t => new SearchReport(t.Test, ColumnId(t), t.Record!.Search!.Clause, t.Record.Search.Ratio, t.Record.Search.Input,
                                          t.Record.Search.Seconds, t.Record.Search.Evaluations))
            .ToArray();

        return new ConformanceReport
        {
            GeneratedUtc = (now ?? DateTime.UtcNow).ToString("yyyy-MM-ddTHH:mm:ssZ", System.Globalization.CultureInfo.InvariantCulture),
            Origin = origin,
            Sources = results.Sources,
            Run = run,
            Summary = new Summary
            {
                Clauses = clauseReports.Count,
                Covered = clauseReports.Count(c => c.Verdict != "uncovered"),
                Uncovered = clauseReports.Count(c => c.Verdict == "uncovered"),
                Failing = clauseReports.Count(c => c.Verdict == "fail"),
                Orphans = orphans.Length,
                Tests = tests.Count,
                Passed = tests.Count(t => t.Outcome == "pass"),
                Failed = tests.Count(t => t.Outcome == "fail"),
                Skipped = tests.Count(t => t.Outcome == "skip"),
                Deviations = tests.Count(t => t.Outcome == "deviation"),
                PerColumn = perColumn,
            },
            Columns = columns,
            Clauses = clauseReports,
            Uncovered = clauseReports.Where(c => c.Verdict == "uncovered").Select(c => c.Id).ToArray(),
            Orphans = orphans,
            Errata = errata,
            Deviations = deviations,
            Tests = tests.Select(t => new TestReport
            {
                Name = t.Name, Test = t.Test, Implementation = t.Implementation, ElementType = t.ElementType, Outcome = t.Outcome,
                Reason = t.Reason, Clauses = t.Clauses, DurationMs = t.DurationMs, File = t.File, HasRecord = t.Record is not null,
            }).ToArray(),
            Searches = searches,
            Problems = problems,
            Tiers = Tiers(clauseReports),
        };
    }

    /// <summary>The tier of every strict clause on every column, from the clause's matrix cell.</summary>
    internal static IReadOnlyList<TierReport> Tiers(IEnumerable<ClauseReport> clauses) =>
        clauses.Where(c => c.Id.StartsWith("STRICT-", StringComparison.Ordinal))
            .SelectMany(c => c.Cells.Select(cell => new TierReport(c.Id, cell.Column,
                cell.Verdict switch { "pass" => "strict", "deviation" or "fail" => "baseline", _ => "not claimed" },
                cell.Verdict is "pass" ? null : cell.Reason)))
            .ToArray();

    public static string ColumnId(string implementation, string elementType) => $"{implementation} ({elementType})";

    private static string ColumnId(JoinedTest t) => ColumnId(t.Implementation ?? "", t.ElementType ?? "?");

    /// <summary>A skip reason's first line, for grouping ("TorchSharp-CUDA does not run here: no CUDA device: …").</summary>
    public static string ReasonKey(string? reason)
    {
        if (string.IsNullOrWhiteSpace(reason)) return "(no reason given)";
        string first = reason.Split('\n')[0].Trim();
        return first.Length <= 200 ? first : first[..200] + " …";
    }

    private static double? Max(IEnumerable<double?> values)
    {
        double? max = null;
        foreach (var v in values) if (v is { } x && (max is null || x > max || double.IsNaN(x))) max = x;
        return max;
    }

    /// <summary>A test's verdict on one clause: the record's per-clause verdict where it has one, else the test's outcome.</summary>
    /// <remarks>
    /// The test's outcome (TRX) has the last word on failing: a clause the record marks failed in a test
    /// that reproduced a declared deviation (a named case that deviates, its checks attributed to several
    /// clauses) is that deviation, not a failure; in a test that did not fail it cannot have failed.
    /// </remarks>
    private static string Verdict(JoinedTest t, string clause)
    {
        if (t.Record?.Clauses.FirstOrDefault(c => c.Id == clause) is { Verdict: { Length: > 0 } v })
        {
            string verdict = Normalise(v);
            return verdict == "fail" && t.Outcome != "fail" ? t.Outcome : verdict;
        }
        return t.Outcome == "fail" && t.Record?.Failure?.Clause is { } failed && t.Clauses.Contains(failed) ? (failed == clause ? "fail" : "pass")
            : t.Outcome;
    }

    private static string Normalise(string verdict) => verdict switch
    {
        "pass" or "passed" => "pass",
        "fail" or "failed" => "fail",
        "skip" or "skipped" => "skip",
        "deviation" => "deviation",
        var other => other,
    };

    private static Cell CellOf(string clause, Column column, JoinedTest[] tests)
    {
        if (tests.Length == 0) return new Cell { Column = column.Id, Verdict = "none" };
        var verdicts = tests.Select(t => Verdict(t, clause)).ToArray();
        var records = tests.Select(t => t.Record?.Clauses.FirstOrDefault(c => c.Id == clause)).Where(c => c is not null).Select(c => c!).ToArray();
        var worst = records.Where(r => r.WorstRatio is not null).OrderByDescending(r => r.WorstRatio).FirstOrDefault();
        int passed = verdicts.Count(v => v == "pass"), failed = verdicts.Count(v => v == "fail"),
            skipped = verdicts.Count(v => v == "skip"), deviations = verdicts.Count(v => v == "deviation");
        string verdict = failed > 0 ? "fail" : deviations > 0 ? "deviation" : passed > 0 ? "pass" : "skip";
        return new Cell
        {
            Column = column.Id,
            Verdict = verdict,
            Passed = passed,
            Failed = failed,
            Skipped = skipped,
            Deviations = deviations,
            WorstRatio = worst?.WorstRatio,
            Ulps = Max(records.Select(r => r.Ulps)),
            WorstObserved = worst?.WorstObserved,
            WorstBound = worst?.WorstBound,
            WorstN = worst?.WorstN,
            Reason = verdict == "skip" ? ReasonKey(tests.FirstOrDefault(t => t.Outcome == "skip")?.Reason) : null,
            Samples = records.SelectMany(r => r.Samples).Where(s => s.Count >= 2).ToArray(),
        };
    }

    private static FailureReport FailureOf(JoinedTest t, string clause)
    {
        var f = t.Record?.Failure;
        var parsed = FailureText.Parse(t.Message ?? f?.Message ?? "");
        return new FailureReport(t.Test, ColumnId(t), f?.Clause ?? clause, f?.Message ?? t.Message ?? t.Reason ?? "(no message)",
                                 f?.Shrunk ?? parsed.Shrunk, f?.Original ?? parsed.Original, f?.Replay ?? parsed.Replay);
    }

    /// <summary>A TRX result joined with its record (if it ran and the Kit wrote one), and a record without TRX (a shard whose TRX is missing).</summary>
    private sealed record JoinedTest(string Name, string Test, string? Implementation, string? ElementType, string Outcome, string? Reason,
                                     string? Message, IReadOnlyList<string> Clauses, double DurationMs, string? File, TestRecord? Record,
                                     string? DeviationClause, string? DeclaredIn = null)
    {
        /// <summary>The test as declared in source (the abstract suite's method), where the sources have it; else as it ran.</summary>
        public string Declared => DeclaredIn ?? Test;
    }

    private static List<JoinedTest> JoinTests(CitationIndex citations, ResultSet results, List<string> problems)
    {
        var records = new Dictionary<(string, string), TestRecord>();
        foreach (var r in results.Records)
        {
            var key = (r.Test, r.Implementation);
            if (records.TryGetValue(key, out var earlier))
            {
                problems.Add($"{r.Test} on {r.Implementation} has more than one record (merged shards overlap?); the worse verdict is kept");
                if (Rank(Normalise(earlier.Verdict)) >= Rank(Normalise(r.Verdict))) continue;
            }
            records[key] = r;
        }

        var joined = new Dictionary<(string, string?), JoinedTest>();
        var used = new HashSet<(string, string)>();
        foreach (var result in results.TrxFiles.SelectMany(f => f.Results))
        {
            string test = $"{result.Class}.{result.Method}";
            TestRecord? record = result.Implementation is { } impl && records.TryGetValue((test, impl), out var r) ? r : null;
            if (record is not null) used.Add((test, result.Implementation!));
            var citation = citations.Find(result.Class, result.Method);
            IReadOnlyList<string> clauses = record?.CitedClauses is { Count: > 0 } rc ? rc : citation?.ClauseIds ?? [];
            string outcome = result.Outcome switch
            {
                "passed" => "pass",
                "failed" => "fail",
                "skipped" when IsKnownDeviation(result.Message) => "deviation",
                "skipped" => "skip",
                var other => other,
            };
            if (record is not null && Normalise(record.Verdict) is "deviation" && outcome != "fail") outcome = "deviation";
            string? elementType = record?.ElementType is { Length: > 0 } et ? et
                : citations.ElementTypeOf(result.Class) ?? ElementTypeFromName(result.Class) ?? TrxReader.ElementTypeArgument(result.Name);
            var entry = new JoinedTest(result.Name, test, result.Implementation, elementType, outcome,
                                       outcome is "skip" or "deviation" ? result.Message ?? record?.Reason : record?.Reason,
                                       result.Message, clauses, result.DurationMs, citation?.File, record,
                                       outcome == "deviation" ? DeviationClause(result.Message ?? record?.Reason) : null, citation?.Name);
            var key = (result.Name, result.Implementation);
            if (joined.TryGetValue(key, out var earlier))
            {
                problems.Add($"{result.Name} appears in more than one TRX file (merged shards overlap?); the worse outcome is kept");
                if (Rank(earlier.Outcome) >= Rank(outcome)) continue;
            }
            joined[key] = entry;
        }
        // Records whose TRX is missing (a shard copied without it, or a run stopped before TRX was written).
        foreach (var (key, r) in records)
        {
            if (used.Contains(key)) continue;
            int dot = r.Test.LastIndexOf('.');
            var citation = dot > 0 ? citations.Find(r.Test[..dot], r.Test[(dot + 1)..]) : null;
            string outcome = Normalise(r.Verdict);
            joined[($"{r.Test}(implementation: \"{r.Implementation}\")", r.Implementation)] = new JoinedTest(
                $"{r.Test}(implementation: \"{r.Implementation}\")", r.Test, r.Implementation, r.ElementType, outcome, r.Reason,
                r.Failure?.Message, r.CitedClauses.Count > 0 ? r.CitedClauses : citation?.ClauseIds ?? [], r.DurationMs ?? 0,
                citation?.File, r, outcome == "deviation" ? DeviationClause(r.Reason) : null, citation?.Name);
        }
        return joined.Values.OrderBy(t => t.Test, StringComparer.Ordinal).ThenBy(t => t.Implementation, StringComparer.Ordinal).ToList();
    }

    private static int Rank(string outcome) => outcome switch { "fail" => 3, "deviation" => 2, "pass" => 1, _ => 0 };

    /// <summary>The Kit reports a declared deviation that reproduced as a skip whose reason starts so (src/Kit/Suite.cs).</summary>
    private static bool IsKnownDeviation(string? message) => message?.StartsWith("Known deviation of ", StringComparison.Ordinal) == true;

    /// <summary>"Known deviation of X (float) from GRAD-MEAN: …" → GRAD-MEAN.</summary>
    private static string? DeviationClause(string? message)
    {
        if (message is null) return null;
        int from = message.IndexOf(" from ", StringComparison.Ordinal);
        if (from < 0) return null;
        int start = from + " from ".Length;
        int end = start;
        while (end < message.Length && (char.IsAsciiLetterUpper(message[end]) || char.IsAsciiDigit(message[end]) || message[end] == '-')) end++;
        string id = message[start..end];
        return SpecDocument.IsClauseId(id) ? id : null;
    }

    private static string? ElementTypeFromName(string className) =>
        className.EndsWith("Float", StringComparison.Ordinal) ? "float" : className.EndsWith("Double", StringComparison.Ordinal) ? "double" : null;
}

/// <summary>The parts of a Kit failure message (src/Kit/Suite.cs): the shrunk input, the original, the replay command.</summary>
public sealed record FailureText(string? Shrunk, string? Original, string? Replay)
{
    public static FailureText Parse(string message)
    {
        var lines = message.Replace("\r", "").Split('\n');
        string? Section(string startsWith, params string[] stops)
        {
            int i = Array.FindIndex(lines, l => l.StartsWith(startsWith, StringComparison.Ordinal));
            if (i < 0) return null;
            var body = lines.Skip(i + 1).TakeWhile(l => !stops.Any(s => l.StartsWith(s, StringComparison.Ordinal))).Select(l => l.Trim());
            string text = string.Join("\n", body).Trim();
            return text.Length > 0 ? text : null;
        }
        string? replay = Section("Replay exactly this run:", "   at ", "Stack") ?? Section("Re-run:", "   at ", "Stack");
        replay = replay?.Split('\n').FirstOrDefault(l => l.Contains("dotnet test", StringComparison.Ordinal))?.Trim();
        return new FailureText(Section("Shrunk input", "Original input", "Replay exactly this run:"),
                               Section("Original input", "Replay exactly this run:"), replay);
    }
}
