using System.Text.Json;
using System.Text.Json.Nodes;
using Json.Schema;
using Spectre.Console;
using Spectre.Console.Testing;
using Xunit;

namespace LossConformance.Report.Tests;

/// <summary>report.json against report.schema.json; the command's --from-results, merging shards, and its exit codes.</summary>
public sealed class SchemaAndRoundTripTests : IDisposable
{
    private readonly Fixture _fixture = new();

    public void Dispose() => _fixture.Dispose();

    private static JsonSchema Schema()
    {
        using var stream = typeof(ConformanceReport).Assembly.GetManifestResourceStream("report.schema.json")!;
        return JsonSchema.FromText(new StreamReader(stream).ReadToEnd());
    }

    private static EvaluationResults Validate(string json) =>
        Schema().Evaluate(JsonNode.Parse(json), new EvaluationOptions { OutputFormat = OutputFormat.List });

    private static string Errors(EvaluationResults results) =>
        string.Join("\n", (results.Details ?? []).Where(d => d.HasErrors).SelectMany(d => d.Errors!.Select(e => $"{d.InstanceLocation}: {e.Key}: {e.Value}")));

    [Fact]
    public void Report_json_conforms_to_its_schema()
    {
        var results = Validate(ReportWriter.Json(_fixture.Build("shard-a", "shard-b")));
        Assert.True(results.IsValid, Errors(results));
    }

    [Fact]
    public void The_schema_rejects_a_report_that_breaks_it()
    {
        var node = JsonNode.Parse(ReportWriter.Json(_fixture.Build("shard-a", "shard-b")))!;
        node["clauses"]![0]!["cells"]![0]!["verdict"] = "green";
        Assert.False(Validate(node.ToJsonString()).IsValid);
        node = JsonNode.Parse(ReportWriter.Json(_fixture.Build("shard-a", "shard-b")))!;
        node.AsObject().Remove("summary");
        Assert.False(Validate(node.ToJsonString()).IsValid);
    }

    private (int Code, string Output, JsonNode? Report) Command(string outFolder, params string[] args)
    {
        var console = new TestConsole();
        console.Profile.Width = 200;
        int code = Cli.Run(["--root", _fixture.Root, "--out", outFolder, .. args], console);
        string json = Path.Combine(outFolder, "report.json");
        return (code, console.Output, File.Exists(json) ? JsonNode.Parse(File.ReadAllText(json)) : null);
    }

    /// <summary>The report less what differs between two builds of the same results (time, where they were read from).</summary>
    private static string Comparable(JsonNode report)
    {
        var copy = JsonNode.Parse(report.ToJsonString())!.AsObject();
        copy.Remove("generatedUtc");
        copy.Remove("sources");
        return copy.ToJsonString();
    }

    [Fact]
    public void Two_merged_shards_give_the_report_of_the_whole_run()
    {
        string whole = Path.Combine(_fixture.Temp, "whole");
        Directory.CreateDirectory(whole);
        foreach (string shard in new[] { "shard-a", "shard-b" })
            foreach (string file in Directory.EnumerateFiles(Fixture.Results(shard)))
                File.Copy(file, Path.Combine(whole, Path.GetFileName(file)));

        var merged = Command(Path.Combine(_fixture.Temp, "merged"), "--from-results", Fixture.Results("shard-a"), Fixture.Results("shard-b"), "--fail-on", "none");
        var single = Command(Path.Combine(_fixture.Temp, "single"), "--from-results", whole, "--fail-on", "none");
        Assert.Equal(0, merged.Code);
        Assert.Equal(0, single.Code);
        Assert.Equal(Comparable(single.Report!), Comparable(merged.Report!));
        Assert.Equal(2, merged.Report!["sources"]!.AsArray().Count);
        Assert.Equal("results", (string?)merged.Report["origin"]);
        Assert.True(Validate(merged.Report.ToJsonString()).IsValid);
        foreach (string name in ReportWriter.FileNames) Assert.True(File.Exists(Path.Combine(_fixture.Temp, "merged", name)), name);

        // And the report read back is the report the builder makes in memory from the same results.
        Assert.Equal(Comparable(JsonNode.Parse(ReportWriter.Json(_fixture.Build("shard-a", "shard-b")))!), Comparable(merged.Report));
    }

    [Fact]
    public void Exit_codes_follow_fail_on()
    {
        string o = Path.Combine(_fixture.Temp, "out");
        Assert.Equal(Cli.GateFailed, Command(o, "--from-results", Fixture.Results("shard-a"), Fixture.Results("shard-b")).Code);   // default: failure
        Assert.Equal(Cli.Ok, Command(o, "--from-results", Fixture.Results("shard-a")).Code);                                     // no failure in shard a
        Assert.Equal(Cli.GateFailed, Command(o, "--from-results", Fixture.Results("shard-a"), "--fail-on", "uncovered").Code);   // DEMO-UNCOVERED, DEMO-ORPHAN
        Assert.Equal(Cli.Ok, Command(o, "--from-results", Fixture.Results("shard-b"), "--fail-on", "none").Code);
        Assert.Equal(Cli.Usage, Command(o, "--fail-on", "sometimes").Code);
        Assert.Equal(Cli.Usage, Command(o, "--from-results", Path.Combine(_fixture.Temp, "no-such-folder")).Code);
    }

    [Fact]
    public void A_run_that_does_not_complete_leaves_the_previous_report_and_says_so()
    {
        string o = Path.Combine(_fixture.Temp, "kept");
        Assert.Equal(Cli.Ok, Command(o, "--from-results", Fixture.Results("shard-a")).Code);
        var before = ReportWriter.FileNames.ToDictionary(n => n, n => File.ReadAllText(Path.Combine(o, n)));
        // A project that does not build: the run stops before any test ran.
        var run = Command(o, "--project", "tests/NoSuchProject");
        Assert.Equal(Cli.Incomplete, run.Code);
        Assert.Contains("The previous report in", run.Output);
        foreach (var (name, text) in before) Assert.Equal(text, File.ReadAllText(Path.Combine(o, name)));
        Assert.Empty(Directory.EnumerateFiles(o, "*.tmp"));
    }
}
