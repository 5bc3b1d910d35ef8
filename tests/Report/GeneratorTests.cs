using Xunit;

namespace LossConformance.Report.Tests;

/// <summary>The report on the fixture spec and results: each kind of clause and outcome is reported as what it is.</summary>
public sealed class GeneratorTests : IDisposable
{
    private readonly Fixture _fixture = new();

    public void Dispose() => _fixture.Dispose();

    private ConformanceReport Report => _fixture.Build("shard-a", "shard-b");

    private static ClauseReport Clause(ConformanceReport r, string id) => Assert.Single(r.Clauses, c => c.Id == id);

    private static Cell CellOf(ClauseReport c, string column) => Assert.Single(c.Cells, x => x.Column == column);

    [Fact]
    public void Spec_is_parsed_with_markdig_headings_titles_statements_and_claims()
    {
        var spec = _fixture.Spec;
        Assert.Equal(["DEMO-COVERED", "DEMO-FAILING", "DEMO-UNCOVERED", "DEMO-DEVIATION", "DEMO-SKIPPED", "ERR-DEMO"], spec.Clauses.Select(c => c.Id));
        var covered = spec.Clauses[0];
        Assert.Equal("A clause every implementation meets", covered.Title);
        Assert.Equal("f(x) = x for every x.", covered.Statement);
        Assert.Equal(5, covered.Line);
        Assert.DoesNotContain(spec.Clauses, c => c.Id == "DEMO-IN-CODE");   // a heading inside a code block is no clause
        Assert.Equal(["1.1", "1.2", "1.3"], spec.Claims.Select(c => c.Number));
        Assert.Equal(["DEMO-COVERED", "ERR-DEMO"], spec.Claims[0].ClauseIds);
        Assert.Empty(spec.Claims[2].ClauseIds);
    }

    [Fact]
    public void Citations_are_read_from_source_and_inherited_by_the_concrete_suites()
    {
        var index = _fixture.Citations;
        Assert.Equal(["DEMO-FAILING", "DEMO-COVERED"], index.Find("Demo.DemoPropertiesFloat", "Within_bound")!.ClauseIds);
        Assert.Equal(["ERR-DEMO"], index.Find("Demo.DemoPropertiesDouble", "Note_formula_fails")!.ClauseIds);   // written SpecAttribute(…)
        Assert.Equal("float", index.ElementTypeOf("Demo.DemoPropertiesFloat"));
        Assert.Equal("double", index.ElementTypeOf("Demo.DemoPropertiesDouble"));
        Assert.Null(index.Find("Demo.DemoPropertiesFloat", "No_such_test"));
    }

    [Fact]
    public void Summary_counts_clauses_and_outcomes_per_column()
    {
        var r = Report;
        Assert.Equal(6, r.Summary.Clauses);
        Assert.Equal(5, r.Summary.Covered);
        Assert.Equal(1, r.Summary.Uncovered);
        Assert.Equal(1, r.Summary.Failing);
        Assert.Equal(1, r.Summary.Orphans);
        Assert.Equal(["Reference (double)", "Plug (float)"], r.Columns.Select(c => c.Id));
        var reference = Assert.Single(r.Summary.PerColumn, c => c.Column == "Reference (double)");
        Assert.Equal((5, 0, 1, 0), (reference.Passed, reference.Failed, reference.Skipped, reference.Deviations));
        var plug = Assert.Single(r.Summary.PerColumn, c => c.Column == "Plug (float)");
        Assert.Equal((3, 1, 1, 1), (plug.Passed, plug.Failed, plug.Skipped, plug.Deviations));
        Assert.Equal("Plug lacks IDevice<float>", Assert.Single(plug.SkippedByReason).Reason);
    }

    [Fact]
    public void Covered_clause_passes_with_its_worst_ratio_ulps_and_samples()
    {
        var c = Clause(Report, "DEMO-COVERED");
        Assert.Equal("pass", c.Verdict);
        var reference = CellOf(c, "Reference (double)");
        Assert.Equal("pass", reference.Verdict);
        Assert.Equal(2, reference.Passed);              // Identity and Within_bound both cite it
        Assert.Equal(0.25, reference.WorstRatio);       // the worse of the two records
        Assert.Equal(1.0, reference.Ulps);
        Assert.Equal(3, reference.Samples.Count);
        Assert.Equal(["1.1"], c.Claims.Select(x => x.Number));
        Assert.Contains("Demo.DemoProperties.Identity", c.Tests);
        Assert.Equal(0.5, c.WorstRatio);
    }

    [Fact]
    public void Failing_clause_shows_the_shrunk_counterexample_and_the_replay_command()
    {
        var c = Clause(Report, "DEMO-FAILING");
        Assert.Equal("fail", c.Verdict);
        Assert.Equal("fail", CellOf(c, "Plug (float)").Verdict);
        Assert.Equal(2.1e6, CellOf(c, "Plug (float)").WorstRatio);
        Assert.Equal("pass", CellOf(c, "Reference (double)").Verdict);
        var f = Assert.Single(c.Failures);
        Assert.Equal("Plug (float)", f.Column);
        Assert.Equal("x = [0, 1, 2]", f.Shrunk);
        Assert.Equal("x = [0.25, 1.75, …]", f.Original);
        Assert.Equal("CONFORMANCE_REPLAY=\"123,457\" dotnet test tests/Demo --filter \"FullyQualifiedName=Demo.DemoPropertiesFloat.Within_bound\"", f.Replay);
        // The same test also cites DEMO-COVERED, which its record says held: that clause does not fail with it.
        Assert.Equal("pass", CellOf(Clause(Report, "DEMO-COVERED"), "Plug (float)").Verdict);
    }

    [Fact]
    public void Failure_without_a_record_is_parsed_from_the_trx_message()
    {
        var r = _fixture.Build("shard-b-trx-only");
        var f = Assert.Single(Clause(r, "DEMO-FAILING").Failures);
        Assert.Equal("x = [0, 1, 2]", f.Shrunk);
        Assert.Equal("CONFORMANCE_REPLAY=\"123,457\" dotnet test --filter \"FullyQualifiedName=Demo.DemoPropertiesFloat.Within_bound\"", f.Replay);
        Assert.Equal("fail", CellOf(Clause(r, "DEMO-COVERED"), "Plug (float)").Verdict);   // no per-clause record: every cited clause fails with the test
    }

    [Fact]
    public void Uncovered_and_orphan_ids_are_listed()
    {
        var r = Report;
        Assert.Equal(["DEMO-UNCOVERED"], r.Uncovered);
        Assert.Equal("uncovered", Clause(r, "DEMO-UNCOVERED").Verdict);
        var orphan = Assert.Single(r.Orphans);
        Assert.Equal("DEMO-ORPHAN", orphan.Id);
        Assert.Contains("Demo.DemoProperties.Cites_a_missing_clause", orphan.CitedBy);
    }

    [Fact]
    public void Known_deviation_is_its_own_verdict_and_in_the_deviations_table()
    {
        var r = Report;
        var c = Clause(r, "DEMO-DEVIATION");
        Assert.Equal("deviation", CellOf(c, "Plug (float)").Verdict);
        Assert.Equal("pass", CellOf(c, "Reference (double)").Verdict);
        var d = Assert.Single(r.Deviations);
        Assert.Equal(("Plug (float)", "DEMO-DEVIATION", "Demo.DemoPropertiesFloat.G_of_zero"), (d.Column, d.Clause, d.Test));
        Assert.StartsWith("Known deviation of Plug (float) from DEMO-DEVIATION", d.Reason);
    }

    [Fact]
    public void Skipped_tests_come_from_trx_with_their_reasons()
    {
        var c = Clause(Report, "DEMO-SKIPPED");
        Assert.Equal("skip", c.Verdict);
        Assert.Equal("Plug lacks IDevice<float>", CellOf(c, "Plug (float)").Reason);
        Assert.Equal("Reference does not run on the device: it is a CPU implementation", CellOf(c, "Reference (double)").Reason);
        Assert.All(Report.Tests.Where(t => t.Outcome == "skip"), t => Assert.False(t.HasRecord));
    }

    [Fact]
    public void Errata_list_their_clauses_and_tests_and_search_results_are_kept()
    {
        var r = Report;
        var e = Assert.Single(r.Errata);
        Assert.Equal("ERR-DEMO", e.Id);
        Assert.Equal(["Demo.DemoProperties.Note_formula_fails"], e.Tests);
        var s = Assert.Single(r.Searches);
        Assert.Equal(("DEMO-FAILING", 0.75, 2000L), (s.Clause, s.Ratio, s.Evaluations));
    }

    [Fact]
    public void Html_and_markdown_show_every_clause_the_counterexample_and_the_replay()
    {
        var r = Report;
        var plots = Rendering.Plots.All(r);
        string html = Rendering.HtmlReport.Render(r, plots);
        string md = Rendering.MarkdownReport.Render(r);
        foreach (var c in r.Clauses)
        {
            Assert.Contains($"data-clause=\"{c.Id}\"", html);
            Assert.Contains($"| `{c.Id}` |", md);
        }
        Assert.Contains("x = [0, 1, 2]", html);
        Assert.Contains("CONFORMANCE_REPLAY=&quot;123,457&quot;", html);
        Assert.Contains("CONFORMANCE_REPLAY=\"123,457\"", md);
        Assert.Contains(plots, p => p.Name == "worst-ratio");
        Assert.Equal("samples-DEMO-COVERED", Assert.Single(Rendering.Plots.ErrorAgainstLength(r, ["DEMO-COVERED", "DEMO-UNCOVERED"])).Name);
        Assert.Contains(plots, p => p.Name == "kl-fits");
        Assert.All(plots, p => Assert.True(p.Png.Length > 1000 && p.Png[1] == (byte)'P' && p.Png[2] == (byte)'N' && p.Png[3] == (byte)'G', $"{p.Name} is not a PNG"));
        Assert.DoesNotContain("http://", html);
        Assert.DoesNotContain("https://", html);
    }

    [Fact]
    public void Kl_fits_cover_both_modes_forward_and_seek_one_reverse()
    {
        var fits = Rendering.KlFits.Compute();
        // p's modes are at −2 (weight 0.6) and 2.5 (0.4). The forward fit sits between them and is wide; the reverse one sits on a mode and is narrow.
        Assert.InRange(fits.Forward.Mu, -1.0, 1.0);
        Assert.True(fits.Forward.Sigma > 1.5, $"forward σ = {fits.Forward.Sigma}");
        Assert.True(Math.Abs(fits.Reverse.Mu + 2) < 0.3 || Math.Abs(fits.Reverse.Mu - 2.5) < 0.3, $"reverse μ = {fits.Reverse.Mu}");
        Assert.True(fits.Reverse.Sigma < 1.0, $"reverse σ = {fits.Reverse.Sigma}");
    }
}
