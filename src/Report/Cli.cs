using System.CommandLine;
using System.Runtime.InteropServices;
using LossConformance.Report.Results;
using LossConformance.Report.Running;
using LossConformance.Report.Spec;
using Spectre.Console;

namespace LossConformance.Report;

/// <summary>
/// The command line (System.CommandLine). Exit codes:
/// 0 report written, gate passed; 1 report written, gate failed (--fail-on); 2 bad usage or no results to read;
/// 3 the run did not complete (build failed, a test host crashed): the previous report is left as it was;
/// 130 interrupted (Ctrl-C): likewise. <c>spec --check</c>: 0 current, 1 stale.
/// </summary>
public static class Cli
{
    public const int Ok = 0, GateFailed = 1, Usage = 2, Incomplete = 3, Interrupted = 130;

    /// <summary>Default worst-case search budget per (test, implementation, element type), seconds (--search).</summary>
    public const double DefaultSearchSeconds = 0.5;

    public static readonly string[] DefaultProjects = ["tests/Properties", "tests/Conformance", "tests/Autograd"];

    public static int Main(string[] args) => Run(args, AnsiConsole.Console);

    public static int Run(string[] args, IAnsiConsole console)
    {
        var implementation = new Option<string[]>("--implementation", "-i")
        {
            Description = "Run only this implementation's tests (repeatable), e.g. a plug-in's display name; the built-ins are Reference, Optimized-CPU, TorchSharp-CPU, TorchSharp-CUDA.",
            AllowMultipleArgumentsPerToken = false,
        };
        var maxTest = new Option<int?>("--max-test") { Description = "Generated cases per property (sets CONFORMANCE_MAX_TEST; default 100)." };
        var fromResults = new Option<string[]>("--from-results")
        {
            Description = "Build the report from earlier results (folders holding TRX and records-*.jsonl) without running anything; several folders are merged (CI shards).",
            AllowMultipleArgumentsPerToken = true,
            Arity = ArgumentArity.OneOrMore,
        };
        var search = new Option<bool>("--search") { Description = $"Run the Kit's worst-case search after each property (sets CONFORMANCE_SEARCH_SECONDS to --search-seconds)." };
        var searchSeconds = new Option<double>("--search-seconds") { Description = "Search budget per test, implementation and element type, in seconds.", DefaultValueFactory = _ => DefaultSearchSeconds };
        var failOn = new Option<string>("--fail-on")
        {
            Description = "Exit 1 when: failure (a test failed), uncovered (a test failed, or a clause is uncovered, or an ID is orphan), none (never).",
            DefaultValueFactory = _ => "failure",
        };
        failOn.AcceptOnlyFromAmong("failure", "uncovered", "none");
        var output = new Option<string>("--out", "-o") { Description = "Folder for report.md, report.html, report.json (and results/ of a run).", DefaultValueFactory = _ => "report" };
        var root = new Option<string?>("--root") { Description = "Repository root (spec/ and tests/); default: the folder above the current one holding Conformance.sln." };
        var project = new Option<string[]>("--project") { Description = "Test projects to run (repeatable); default tests/Properties, tests/Conformance and tests/Autograd." };

        var command = new RootCommand("The conformance report: runs the property and conformance suites on every implementation (or reads earlier results) and writes report.md, report.html and report.json.")
        {
            implementation, maxTest, fromResults, search, searchSeconds, failOn, output, root, project,
        };
        command.SetAction((parse, cancel) => Task.FromResult(Report(console, new ReportOptions(
            parse.GetValue(implementation) ?? [], parse.GetValue(maxTest), parse.GetValue(fromResults) ?? [],
            parse.GetValue(search) ? parse.GetValue(searchSeconds) : null, parse.GetValue(failOn)!, parse.GetValue(output)!,
            parse.GetValue(root), parse.GetValue(project) is { Length: > 0 } p ? p : DefaultProjects))));

        var write = new Option<bool>("--write") { Description = "Rewrite the stale lines in place." };
        var specRoot = new Option<string?>("--root") { Description = "Repository root; default: found from the current folder." };
        var spec = new Command("spec", "Check (or with --write regenerate) the \"Checked by\" line of every clause of spec/*.md from the [Spec] citations of tests/. Exit 1 when stale and not written.")
        {
            write, specRoot,
        };
        spec.SetAction(parse => Spec(console, parse.GetValue(specRoot), parse.GetValue(write)));
        command.Subcommands.Add(spec);

        var parsed = command.Parse(args);
        if (parsed.Errors.Count > 0)
        {
            foreach (var error in parsed.Errors) console.WriteLine(error.Message);
            console.WriteLine("See --help.");
            return Usage;
        }
        return parsed.Invoke();
    }

    public sealed record ReportOptions(IReadOnlyList<string> Implementations, int? MaxTest, IReadOnlyList<string> FromResults, double? SearchSeconds,
                                       string FailOn, string Out, string? Root, IReadOnlyList<string> Projects);

    public static string? FindRoot(string? given)
    {
        if (given is not null) return Path.GetFullPath(given);
        foreach (string start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
                if (File.Exists(Path.Combine(dir.FullName, "Conformance.sln"))) return dir.FullName;
        return null;
    }

    private static int Spec(IAnsiConsole console, string? givenRoot, bool write)
    {
        if (FindRoot(givenRoot) is not { } root) { console.MarkupLine("[red]No repository root (a folder holding Conformance.sln) above the current folder; pass --root.[/]"); return Usage; }
        var stale = write ? CheckedByLines.Write(root) : CheckedByLines.Stale(root);
        foreach (var file in stale)
            console.WriteLine($"{(write ? "rewrote" : "stale:")} {Path.GetRelativePath(root, file.Path)} ({string.Join(", ", file.Clauses)})");
        if (stale.Count == 0) { console.WriteLine("Every \"Checked by\" line of spec/ matches the [Spec] citations of tests/."); return Ok; }
        if (write) return Ok;
        console.WriteLine($"{stale.Count} spec file(s) stale; regenerate with: dotnet run --project src/Report -- spec --write");
        return GateFailed;
    }

    private static int Report(IAnsiConsole console, ReportOptions o)
    {
        if (FindRoot(o.Root) is not { } root)
        {
            console.MarkupLine("[red]No repository root (a folder holding Conformance.sln) above the current folder; pass --root.[/]");
            return Usage;
        }
        Rendering.PlotFont.Ensure(console, root);
        string outFolder = Path.GetFullPath(o.Out);
        RunInfo? run = null;
        IReadOnlyList<string> folders;
        if (o.FromResults.Count > 0)
        {
            folders = o.FromResults.Select(Path.GetFullPath).ToArray();
            if (folders.FirstOrDefault(f => !Directory.Exists(f)) is { } missing)
            {
                console.WriteLine($"No such results folder: {missing}");
                return Usage;
            }
        }
        else
        {
            string results = Path.Combine(outFolder, "results");
            if (Directory.Exists(results)) Directory.Delete(results, recursive: true);
            Directory.CreateDirectory(results);
            using var cancel = new CancellationTokenSource();
            ConsoleCancelEventHandler onCancel = (_, e) => { e.Cancel = true; cancel.Cancel(); };
            Console.CancelKeyPress += onCancel;
            using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, c => { c.Cancel = true; cancel.Cancel(); });
            var runner = new SuiteRunner(new RunOptions(root, results, o.Projects, o.Implementations, o.MaxTest, o.SearchSeconds), console);
            RunOutcome outcome;
            try { outcome = runner.RunAsync(cancel.Token).GetAwaiter().GetResult(); }
            finally { Console.CancelKeyPress -= onCancel; }
            if (!outcome.Completed)
            {
                string previous = File.Exists(Path.Combine(outFolder, "report.json"))
                    ? $"The previous report in {outFolder} is left as it was"
                    : $"No report was written to {outFolder}";
                console.WriteLine($"{(outcome.Interrupted ? "Interrupted" : "The run did not complete")}: {string.Join("; ", outcome.Problems)}.");
                console.MarkupLine(Markup.Escape($"{previous}. The records and TRX of the tests that ran are kept in {results}; "
                    + $"a report of them: dotnet run --project src/Report -- --from-results {results} --out <folder>"));
                return outcome.Interrupted ? Interrupted : Incomplete;
            }
            run = new RunInfo(outcome.Commands, Math.Round(outcome.Seconds, 1), o.MaxTest, o.SearchSeconds, o.Implementations,
                              Environment.GetEnvironmentVariable("CONFORMANCE_IMPLEMENTATION"));
            folders = [results];
        }

        var set = ResultSet.Load(folders);
        if (set.TrxFiles.Sum(f => f.Results.Count) == 0 && set.Records.Count == 0)
        {
            console.WriteLine(o.FromResults.Count > 0 ? $"No test result (TRX or records-*.jsonl) under {string.Join(", ", folders)}."
                : $"No test ran{(o.Implementations.Count > 0 ? $": no test's name carries the implementation {string.Join(" or ", o.Implementations)} (is the plug-in named by CONFORMANCE_IMPLEMENTATION, and is that its display name?)" : "")}. Nothing was written.");
            return Usage;
        }
        var spec = SpecDocument.Load(Path.Combine(root, "spec"));
        var citations = CitationIndex.Scan(root, "tests");
        var report = ReportBuilder.Build(spec, citations, set, o.FromResults.Count > 0 ? "results" : "run", run);
        var written = ReportWriter.Write(outFolder, report);

        var s = report.Summary;
        console.MarkupLine(Markup.Escape($"{s.Clauses} clauses: {s.Covered} covered, {s.Uncovered} uncovered, {s.Failing} failing, {s.Orphans} orphan IDs; "
            + $"{s.Tests} test runs: {s.Passed} passed, {s.Failed} failed, {s.Skipped} skipped, {s.Deviations} known deviations."));
        foreach (var f in report.Clauses.SelectMany(c => c.Failures).Take(5))
            console.WriteLine($"  {f.Clause} failed on {f.Column} in {f.Test}" + (f.Replay is { } r ? $"\n    replay: {r}" : ""));
        foreach (string path in written) console.WriteLine($"wrote {Path.GetRelativePath(Directory.GetCurrentDirectory(), path)}");
        if (set.Incomplete) console.MarkupLine("[yellow]Some TRX file says its run did not complete; the report shows what it holds.[/]");

        bool failed = s.Failed > 0 || s.Failing > 0;
        bool gap = s.Uncovered > 0 || s.Orphans > 0;
        return o.FailOn switch
        {
            "none" => Ok,
            "uncovered" => failed || gap ? GateFailed : Ok,
            _ => failed ? GateFailed : Ok,
        };
    }
}
