using System.Globalization;
using System.Text;

namespace LossConformance.Report.Rendering;

/// <summary>report.md: the same content as the HTML, as GitHub-flavoured Markdown (plots as files beside it are not written: see report.html).</summary>
public static class MarkdownReport
{
    public static string Render(ConformanceReport r)
    {
        var md = new StringBuilder();
        md.AppendLine("# Conformance report").AppendLine();
        md.AppendLine($"Generated {r.GeneratedUtc} from {(r.Origin == "run" ? "a run of the suites" : "earlier results")}: {string.Join(", ", r.Sources.Select(s => $"`{s}`"))}.");
        if (r.Run is { } run)
            md.AppendLine().AppendLine($"Run took {run.Seconds:0.0} s; CONFORMANCE_MAX_TEST = {run.MaxTest?.ToString(CultureInfo.InvariantCulture) ?? "default (100)"}"
                + (run.SearchSeconds is { } ss ? $"; worst-case search {ss:0.#} s per test" : "")
                + (run.Implementations.Count > 0 ? $"; implementations: {string.Join(", ", run.Implementations)}" : "")
                + (run.PlugIns is { Length: > 0 } p ? $"; plug-ins: `{p}`" : "") + ".");
        md.AppendLine().AppendLine("## Summary").AppendLine();
        var s = r.Summary;
        md.AppendLine($"{s.Clauses} clauses: {s.Covered} covered, {s.Uncovered} uncovered, {s.Failing} failing; {s.Orphans} orphan IDs. "
                      + $"{s.Tests} test runs: {s.Passed} passed, {s.Failed} failed, {s.Skipped} skipped, {s.Deviations} known deviations.").AppendLine();
        md.AppendLine("| implementation (type) | passed | failed | skipped | known deviations | skipped, by reason |");
        md.AppendLine("| --- | ---: | ---: | ---: | ---: | --- |");
        foreach (var c in s.PerColumn)
            md.AppendLine($"| {Esc(c.Column)} | {c.Passed} | {c.Failed} | {c.Skipped} | {c.Deviations} | {Esc(string.Join("; ", c.SkippedByReason.Select(x => $"{x.Count} × {x.Reason}")))} |");

        md.AppendLine().AppendLine("## Clause × implementation").AppendLine();
        md.AppendLine("Each cell: the verdict of every test citing the clause on that implementation and element type, and the worst error as a fraction of its bound (≤ 1 conforms).").AppendLine();
        md.AppendLine("| clause | title | " + string.Join(" | ", r.Columns.Select(c => Esc(c.Id))) + " |");
        md.AppendLine("| --- | --- | " + string.Join(" | ", r.Columns.Select(_ => "---")) + " |");
        foreach (var clause in r.Clauses)
            md.AppendLine($"| `{clause.Id}` | {Esc(clause.Title)} | " + string.Join(" | ", clause.Cells.Select(CellText)) + " |");

        if (r.Tiers.Count > 0)
        {
            var columns = r.Tiers.Select(t => t.Column).Distinct().ToArray();
            md.AppendLine().AppendLine("## Accuracy tier").AppendLine();
            md.AppendLine("Per strict clause (spec/strict-accuracy.md): strict = its tests pass; baseline = a known deviation or a failure, the baseline bounds of spec/accuracy.md only; not claimed = no IStrictAccuracy (or nothing ran).").AppendLine();
            md.AppendLine("| clause | " + string.Join(" | ", columns.Select(Esc)) + " |");
            md.AppendLine("| --- | " + string.Join(" | ", columns.Select(_ => "---")) + " |");
            foreach (var clause in r.Tiers.GroupBy(t => t.Clause))
                md.AppendLine($"| `{clause.Key}` | " + string.Join(" | ", columns.Select(c => clause.FirstOrDefault(t => t.Column == c)?.Tier ?? "")) + " |");
        }

        if (r.Clauses.SelectMany(c => c.Failures).ToArray() is { Length: > 0 } failures)
        {
            md.AppendLine().AppendLine("## Failures").AppendLine();
            foreach (var f in failures) Failure(md, f);
        }

        md.AppendLine().AppendLine("## Uncovered clauses and orphan IDs").AppendLine();
        md.AppendLine(r.Uncovered.Count == 0 ? "Every clause is cited by a test." : "Cited by no test: " + string.Join(", ", r.Uncovered.Select(u => $"`{u}`")) + ".");
        md.AppendLine();
        md.AppendLine(r.Orphans.Count == 0 ? "Every cited ID is a clause of spec/." : "Cited but not in spec/: " + string.Join("; ", r.Orphans.Select(o => $"`{o.Id}` (by {string.Join(", ", o.CitedBy)})")) + ".");

        md.AppendLine().AppendLine("## Errata").AppendLine();
        md.AppendLine("| clause | title | verdict | tests showing it |").AppendLine("| --- | --- | --- | --- |");
        foreach (var e in r.Errata) md.AppendLine($"| `{e.Id}` | {Esc(e.Title)} | {e.Verdict} | {Esc(string.Join(", ", e.Tests))} |");

        md.AppendLine().AppendLine("## Known deviations").AppendLine();
        if (r.Deviations.Count == 0) md.AppendLine("None reproduced in these results.");
        else
        {
            md.AppendLine("| implementation (type) | clause | test | reason |").AppendLine("| --- | --- | --- | --- |");
            foreach (var d in r.Deviations) md.AppendLine($"| {Esc(d.Column)} | `{d.Clause}` | {Esc(Short(d.Test))} | {Esc(FirstLine(d.Reason))} |");
        }

        if (r.Searches.Count > 0)
        {
            md.AppendLine().AppendLine("## Worst-case search").AppendLine();
            md.AppendLine("| test | implementation (type) | clause | worst ratio | evaluations | input |").AppendLine("| --- | --- | --- | ---: | ---: | --- |");
            foreach (var x in r.Searches) md.AppendLine($"| {Esc(Short(x.Test))} | {Esc(x.Column)} | `{x.Clause}` | {Ratio(x.Ratio)} | {x.Evaluations} | {Esc(Truncate(x.Input, 120))} |");
        }

        md.AppendLine().AppendLine("## Clauses").AppendLine();
        foreach (var clause in r.Clauses)
        {
            md.AppendLine($"### `{clause.Id}` {clause.Title}").AppendLine();
            md.AppendLine($"`spec/{clause.File}:{clause.Line}` — **{clause.Verdict}**" + (clause.WorstRatio is { } w ? $", worst error / bound {Ratio(w)}" : "") + ".").AppendLine();
            md.AppendLine(clause.Statement).AppendLine();
            if (clause.Claims.Count > 0) md.AppendLine("Traces claims: " + string.Join("; ", clause.Claims.Select(c => $"{c.Number} ({c.Summary})")) + ".").AppendLine();
            md.AppendLine(clause.Tests.Count == 0 ? "Cited by no test." : "Tests: " + string.Join(", ", clause.Tests.Select(t => $"`{Short(t)}`")) + ".").AppendLine();
            foreach (var cell in clause.Cells.Where(c => c.Verdict != "none"))
                md.AppendLine($"- {cell.Column}: {cell.Verdict} ({cell.Passed} passed, {cell.Failed} failed, {cell.Skipped} skipped, {cell.Deviations} deviations)"
                              + (cell.WorstRatio is { } cw ? $"; worst {Ratio(cw)} of the bound" + (cell.WorstN is { } n ? $" at n = {n}" : "") : "")
                              + (cell.Ulps is { } u ? $", {u:0.#} ulps" : "")
                              + (cell.WorstObserved is { } o ? $" ({o}{(cell.WorstBound is { } b ? $" against {b}" : "")})" : "")
                              + (cell.Reason is { } reason ? $" — {reason}" : ""));
            foreach (var f in clause.Failures) Failure(md, f);
            md.AppendLine();
        }

        if (r.Problems.Count > 0)
        {
            md.AppendLine("## Problems reading the results").AppendLine();
            foreach (var p in r.Problems) md.AppendLine($"- {p}");
        }
        return md.ToString();
    }

    private static void Failure(StringBuilder md, FailureReport f)
    {
        md.AppendLine().AppendLine($"**{f.Clause} failed** in `{Short(f.Test)}` on {f.Column}:").AppendLine();
        md.AppendLine("```").AppendLine(FirstLines(f.Message, 6)).AppendLine("```");
        if (f.Shrunk is not null) md.AppendLine("Shrunk counterexample:").AppendLine().AppendLine("```").AppendLine(Truncate(f.Shrunk, 2000)).AppendLine("```");
        if (f.Replay is not null) md.AppendLine("Replay:").AppendLine().AppendLine("```").AppendLine(f.Replay).AppendLine("```");
    }

    public static string CellText(Cell c) => c.Verdict switch
    {
        "none" => "—",
        "skip" => "skip",
        var v => v + (c.WorstRatio is { } w ? $" {Ratio(w)}" : ""),
    };

    public static string Ratio(double? r) => r is not { } x ? "—" : x == 0 ? "0" : double.IsNaN(x) ? "NaN" : double.IsInfinity(x) ? "∞"
        : x.ToString(x is >= 0.01 and < 1000 ? "0.###" : "0.##e+0", CultureInfo.InvariantCulture);

    public static string Short(string test)
    {
        var parts = test.Split('.');
        return parts.Length >= 2 ? $"{parts[^2]}.{parts[^1]}" : test;
    }

    public static string FirstLine(string s) => s.Split('\n')[0].Trim();

    private static string FirstLines(string s, int n) => string.Join("\n", s.Replace("\r", "").Split('\n').Take(n));

    private static string Truncate(string? s, int max) => s is null ? "" : s.Length <= max ? s : s[..max] + " …";

    private static string Esc(string s) => s.Replace("|", "\\|").Replace("\n", " ");
}
