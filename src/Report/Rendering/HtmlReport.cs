using System.Net;
using System.Text;
using Markdig;
using LossConformance.Report.Spec;

namespace LossConformance.Report.Rendering;

/// <summary>
/// report.html: one self-contained page (styles inline, plots as PNG data: URIs, no script, no external
/// resource), so it opens from disk or as a CI artifact with no network.
/// </summary>
public static class HtmlReport
{
    private const string Style = """
        body{font-family:"DejaVu Sans",system-ui,sans-serif;margin:1.5em;color:#1b1b1b;max-width:1600px}
        h1{margin-bottom:.2em} h2{border-bottom:1px solid #ccc;padding-bottom:.2em;margin-top:1.6em}
        table{border-collapse:collapse;font-size:13px} th,td{border:1px solid #d0d0d0;padding:3px 6px;vertical-align:top}
        th{background:#f2f2f2;position:sticky;top:0} td.num{text-align:right}
        .matrix td.cell{text-align:center;white-space:nowrap;min-width:5.5em}
        .pass{background:#c7efcf} .fail{background:#f7b7b7;font-weight:bold} .deviation{background:#fde6a8}
        .skip{background:#e6e6e6;color:#555} .none{background:#fff;color:#aaa} .uncovered{background:#f3d1f4}
        .badge{display:inline-block;padding:1px 6px;border-radius:3px}
        .cards{display:flex;gap:1em;flex-wrap:wrap;margin:1em 0} .card{border:1px solid #ccc;border-radius:6px;padding:.6em 1em;min-width:8em}
        .card b{font-size:1.6em;display:block}
        pre{background:#f6f6f6;border:1px solid #ddd;padding:.5em;overflow-x:auto;white-space:pre-wrap;font-size:12px}
        .clause{border-top:1px solid #e0e0e0;padding-top:.4em} .clause h3{margin-bottom:.2em} .meta{color:#555;font-size:13px}
        img{max-width:100%;border:1px solid #ddd} figure{margin:1em 0} figcaption{font-size:13px;color:#444}
        code{background:#f3f3f3;padding:0 3px}
        """;

    public static string Render(ConformanceReport r, IReadOnlyList<PlotImage> plots)
    {
        var h = new StringBuilder();
        h.AppendLine("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Conformance report</title>");
        h.Append("<style>").Append(Style).AppendLine("</style></head><body>");
        h.AppendLine("<h1>Conformance report</h1>");
        h.Append("<p class=\"meta\">Generated ").Append(E(r.GeneratedUtc)).Append(" from ")
            .Append(r.Origin == "run" ? "a run of the suites" : "earlier results").Append(": ")
            .Append(string.Join(", ", r.Sources.Select(s => $"<code>{E(s)}</code>"))).Append('.');
        if (r.Run is { } run)
            h.Append($" Run took {run.Seconds:0.0} s; CONFORMANCE_MAX_TEST = {E(run.MaxTest?.ToString() ?? "default (100)")}")
                .Append(run.SearchSeconds is { } ss ? $"; worst-case search {ss:0.#} s per test" : "")
                .Append(run.Implementations.Count > 0 ? $"; implementations: {E(string.Join(", ", run.Implementations))}" : "")
                .Append(run.PlugIns is { Length: > 0 } p ? $"; plug-ins: <code>{E(p)}</code>" : "").Append('.');
        h.AppendLine("</p>");

        Summary(h, r);
        Matrix(h, r);
        Tiers(h, r);
        if (r.Clauses.SelectMany(c => c.Failures).ToArray() is { Length: > 0 } failures)
        {
            h.AppendLine("<h2 id=\"failures\">Failures</h2>");
            foreach (var f in failures) Failure(h, f);
        }
        Coverage(h, r);
        Errata(h, r);
        Deviations(h, r);
        Searches(h, r);
        h.AppendLine("<h2 id=\"plots\">Plots</h2>");
        foreach (var plot in plots)
            h.Append("<figure><img alt=\"").Append(E(plot.Caption)).Append("\" data-plot=\"").Append(E(plot.Name)).Append("\" src=\"data:image/png;base64,")
                .Append(Convert.ToBase64String(plot.Png)).Append("\"><figcaption>").Append(E(plot.Caption)).AppendLine("</figcaption></figure>");
        Clauses(h, r);
        if (r.Problems.Count > 0)
        {
            h.AppendLine("<h2 id=\"problems\">Problems reading the results</h2><ul>");
            foreach (var p in r.Problems) h.Append("<li>").Append(E(p)).AppendLine("</li>");
            h.AppendLine("</ul>");
        }
        h.AppendLine("</body></html>");
        return h.ToString();
    }

    private static void Summary(StringBuilder h, ConformanceReport r)
    {
        var s = r.Summary;
        h.AppendLine("<h2 id=\"summary\">Summary</h2><div class=\"cards\">");
        void Card(string label, int n, string cls = "") => h.Append($"<div class=\"card {cls}\"><b>{n}</b>{E(label)}</div>");
        Card("clauses", s.Clauses); Card("covered", s.Covered); Card("uncovered", s.Uncovered, s.Uncovered > 0 ? "uncovered" : "");
        Card("failing clauses", s.Failing, s.Failing > 0 ? "fail" : "pass"); Card("orphan IDs", s.Orphans);
        Card("test runs passed", s.Passed); Card("failed", s.Failed, s.Failed > 0 ? "fail" : ""); Card("skipped", s.Skipped); Card("known deviations", s.Deviations);
        h.AppendLine("</div>");
        h.AppendLine("<table><tr><th>implementation (type)</th><th>passed</th><th>failed</th><th>skipped</th><th>known deviations</th><th>skipped, by reason</th></tr>");
        foreach (var c in s.PerColumn)
            h.Append("<tr><td>").Append(E(c.Column)).Append($"</td><td class=\"num\">{c.Passed}</td><td class=\"num{(c.Failed > 0 ? " fail" : "")}\">{c.Failed}</td>")
                .Append($"<td class=\"num\">{c.Skipped}</td><td class=\"num\">{c.Deviations}</td><td>")
                .Append(string.Join("<br>", c.SkippedByReason.Select(x => $"{x.Count} × {E(x.Reason)}"))).AppendLine("</td></tr>");
        h.AppendLine("</table>");
    }

    private static void Matrix(StringBuilder h, ConformanceReport r)
    {
        h.AppendLine("<h2 id=\"matrix\">Clause × implementation</h2>");
        h.AppendLine("<p class=\"meta\">Each cell: the verdict of every test citing the clause on that implementation and element type, with the worst error as a fraction of its bound (≤ 1 conforms). — means no test of the clause ran there.</p>");
        h.Append("<table class=\"matrix\"><tr><th>clause</th><th>title</th>");
        foreach (var c in r.Columns) h.Append("<th>").Append(E(c.Implementation)).Append("<br>").Append(E(c.ElementType)).Append("</th>");
        h.AppendLine("</tr>");
        foreach (var clause in r.Clauses)
        {
            h.Append($"<tr id=\"row-{E(clause.Id)}\" data-clause=\"{E(clause.Id)}\" class=\"{(clause.Verdict == "uncovered" ? "uncovered" : "")}\">")
                .Append($"<td><a href=\"#clause-{E(clause.Id)}\"><code>{E(clause.Id)}</code></a></td><td>{E(clause.Title)}</td>");
            foreach (var cell in clause.Cells)
            {
                string title = $"{cell.Passed} passed, {cell.Failed} failed, {cell.Skipped} skipped, {cell.Deviations} deviations"
                    + (cell.WorstObserved is { } o ? $"; worst: {o}" : "") + (cell.Reason is { } reason ? $"; {reason}" : "");
                h.Append($"<td class=\"cell {cell.Verdict}\" title=\"{E(title)}\">").Append(E(MarkdownReport.CellText(cell))).Append("</td>");
            }
            h.AppendLine("</tr>");
        }
        h.AppendLine("</table>");
    }

    private static void Tiers(StringBuilder h, ConformanceReport r)
    {
        if (r.Tiers.Count == 0) return;
        var columns = r.Tiers.Select(t => t.Column).Distinct().ToArray();
        h.AppendLine("<h2 id=\"tiers\">Accuracy tier</h2><p class=\"meta\">Per strict clause (spec/strict-accuracy.md): strict = its tests pass; baseline = a known deviation or a failure, the baseline bounds of spec/accuracy.md only; not claimed = no IStrictAccuracy (or nothing ran).</p>");
        h.Append("<table><tr><th>clause</th>");
        foreach (var c in columns) h.Append("<th>").Append(E(c)).Append("</th>");
        h.AppendLine("</tr>");
        foreach (var clause in r.Tiers.GroupBy(t => t.Clause))
        {
            h.Append("<tr><td><code>").Append(E(clause.Key)).Append("</code></td>");
            foreach (var c in columns)
            {
                var t = clause.FirstOrDefault(x => x.Column == c);
                h.Append("<td").Append(t?.Reason is { } why ? $" title=\"{E(why)}\"" : "").Append('>').Append(E(t?.Tier ?? "")).Append("</td>");
            }
            h.AppendLine("</tr>");
        }
        h.AppendLine("</table>");
    }

    private static void Coverage(StringBuilder h, ConformanceReport r)
    {
        h.AppendLine("<h2 id=\"coverage\">Uncovered clauses and orphan IDs</h2>");
        h.Append("<p>").Append(r.Uncovered.Count == 0 ? "Every clause is cited by a test." : "Cited by no test: " + string.Join(", ", r.Uncovered.Select(u => $"<code>{E(u)}</code>")) + ".").AppendLine("</p>");
        h.Append("<p>").Append(r.Orphans.Count == 0 ? "Every cited ID is a clause of spec/."
            : "Cited but not in spec/: " + string.Join("; ", r.Orphans.Select(o => $"<code>{E(o.Id)}</code> (by {E(string.Join(", ", o.CitedBy))})")) + ".").AppendLine("</p>");
    }

    private static void Errata(StringBuilder h, ConformanceReport r)
    {
        h.AppendLine("<h2 id=\"errata\">Errata</h2><p class=\"meta\">Where the source note is wrong (spec/errata.md), and the tests that show its formula failing.</p>");
        h.AppendLine("<table><tr><th>clause</th><th>title</th><th>verdict</th><th>tests</th></tr>");
        foreach (var e in r.Errata)
            h.Append($"<tr><td><a href=\"#clause-{E(e.Id)}\"><code>{E(e.Id)}</code></a></td><td>{E(e.Title)}</td><td class=\"{e.Verdict}\">{E(e.Verdict)}</td><td>")
                .Append(string.Join("<br>", e.Tests.Select(t => E(MarkdownReport.Short(t))))).AppendLine("</td></tr>");
        h.AppendLine("</table>");
    }

    private static void Deviations(StringBuilder h, ConformanceReport r)
    {
        h.AppendLine("<h2 id=\"deviations\">Known deviations</h2>");
        if (r.Deviations.Count == 0) { h.AppendLine("<p>None reproduced in these results.</p>"); return; }
        h.AppendLine("<table><tr><th>implementation (type)</th><th>clause</th><th>test</th><th>reason</th></tr>");
        foreach (var d in r.Deviations)
            h.Append($"<tr><td>{E(d.Column)}</td><td><code>{E(d.Clause ?? "")}</code></td><td>{E(MarkdownReport.Short(d.Test))}</td><td>{E(MarkdownReport.FirstLine(d.Reason))}</td></tr>").AppendLine();
        h.AppendLine("</table>");
    }

    private static void Searches(StringBuilder h, ConformanceReport r)
    {
        if (r.Searches.Count == 0) return;
        h.AppendLine("<h2 id=\"search\">Worst-case search</h2><table><tr><th>test</th><th>implementation (type)</th><th>clause</th><th>worst ratio</th><th>evaluations</th><th>input</th></tr>");
        foreach (var x in r.Searches)
            h.Append($"<tr><td>{E(MarkdownReport.Short(x.Test))}</td><td>{E(x.Column)}</td><td><code>{E(x.Clause ?? "")}</code></td><td class=\"num\">{E(MarkdownReport.Ratio(x.Ratio))}</td><td class=\"num\">{x.Evaluations}</td><td><code>{E(x.Input ?? "")}</code></td></tr>").AppendLine();
        h.AppendLine("</table>");
    }

    private static void Clauses(StringBuilder h, ConformanceReport r)
    {
        h.AppendLine("<h2 id=\"clauses\">Clauses</h2>");
        foreach (var c in r.Clauses)
        {
            h.Append($"<div class=\"clause\" id=\"clause-{E(c.Id)}\"><h3><code>{E(c.Id)}</code> {E(c.Title)} <span class=\"badge {c.Verdict}\">{E(c.Verdict)}</span></h3>");
            h.Append($"<div class=\"meta\">spec/{E(c.File)}:{c.Line}").Append(c.WorstRatio is { } w ? $" — worst error / bound {E(MarkdownReport.Ratio(w))}" : "").AppendLine("</div>");
            h.AppendLine(Markdown.ToHtml(c.Statement, SpecDocument.MarkdownPipeline));
            if (c.Claims.Count > 0)
                h.Append("<p class=\"meta\">Traces claims: ").Append(string.Join("; ", c.Claims.Select(x => $"{E(x.Number)} ({E(x.Summary)})"))).AppendLine("</p>");
            h.Append("<p class=\"meta\">").Append(c.Tests.Count == 0 ? "Cited by no test." : "Tests: " + string.Join(", ", c.Tests.Select(t => $"<code>{E(MarkdownReport.Short(t))}</code>"))).AppendLine("</p>");
            var cells = c.Cells.Where(x => x.Verdict != "none").ToArray();
            if (cells.Length > 0)
            {
                h.AppendLine("<table><tr><th>implementation (type)</th><th>verdict</th><th>tests</th><th>worst / bound</th><th>ulps</th><th>worst observed</th></tr>");
                foreach (var x in cells)
                    h.Append($"<tr><td>{E(x.Column)}</td><td class=\"{x.Verdict}\">{E(x.Verdict)}</td><td>{x.Passed} passed, {x.Failed} failed, {x.Skipped} skipped, {x.Deviations} deviations</td>")
                        .Append($"<td class=\"num\">{E(MarkdownReport.Ratio(x.WorstRatio))}{(x.WorstN is { } n ? $" (n = {n})" : "")}</td><td class=\"num\">{(x.Ulps is { } u ? u.ToString("0.#") : "—")}</td>")
                        .Append($"<td>{E(x.WorstObserved ?? x.Reason ?? "")}{(x.WorstBound is { } b ? E($" against {b}") : "")}</td></tr>").AppendLine();
                h.AppendLine("</table>");
            }
            foreach (var f in c.Failures) Failure(h, f);
            h.AppendLine("</div>");
        }
    }

    private static void Failure(StringBuilder h, FailureReport f)
    {
        h.Append($"<div class=\"failure\"><p><span class=\"badge fail\">{E(f.Clause ?? "")} failed</span> in <code>{E(MarkdownReport.Short(f.Test))}</code> on {E(f.Column)}</p>");
        h.Append("<pre>").Append(E(string.Join("\n", f.Message.Replace("\r", "").Split('\n').Take(6)))).AppendLine("</pre>");
        if (f.Shrunk is not null) h.Append("<p>Shrunk counterexample:</p><pre class=\"shrunk\">").Append(E(f.Shrunk)).AppendLine("</pre>");
        if (f.Replay is not null) h.Append("<p>Replay:</p><pre class=\"replay\">").Append(E(f.Replay)).AppendLine("</pre>");
        h.AppendLine("</div>");
    }

    private static string E(string s) => WebUtility.HtmlEncode(s);
}
