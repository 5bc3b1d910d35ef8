using System.Diagnostics;
using System.Text.RegularExpressions;
using Spectre.Console;

namespace LossConformance.Report.Running;

/// <summary>What to run and how.</summary>
public sealed record RunOptions(string Root, string ResultsFolder, IReadOnlyList<string> Projects, IReadOnlyList<string> Implementations,
                                int? MaxTest, double? SearchSeconds);

/// <summary>How the run ended.</summary>
/// <param name="Completed">Every project ran to the end and wrote its TRX.</param>
/// <param name="Interrupted">Stopped by Ctrl-C / SIGTERM.</param>
/// <param name="Problems">Why it did not complete (build failed, a test host crashed …).</param>
public sealed record RunOutcome(bool Completed, bool Interrupted, IReadOnlyList<string> Problems, double Seconds, IReadOnlyList<string> Commands);

/// <summary>
/// Runs the suites: builds each test project once (dotnet build), then runs them side by side with
/// dotnet test --no-build, writing TRX and (through CONFORMANCE_RESULTS) the Kit's records into the
/// results folder. The environment passes through (CONFORMANCE_IMPLEMENTATION names plug-ins). Progress
/// follows each dotnet test's console lines (Passed/Failed/Skipped NAME): project, implementation under
/// test, tests done of total (from --list-tests), failures so far, elapsed.
/// </summary>
public sealed partial class SuiteRunner(RunOptions options, IAnsiConsole console)
{
    public const string ResultsVariable = "CONFORMANCE_RESULTS";
    public const string SearchVariable = "CONFORMANCE_SEARCH_SECONDS";
    public const string MaxTestVariable = "CONFORMANCE_MAX_TEST";

    private readonly List<Process> _running = [];
    private readonly Lock _lock = new();

    [GeneratedRegex(@"^\s+(Passed|Failed|Skipped)\s+(\S.*?)(?:\s+\[[^\]]*\])?\s*$")]
    private static partial Regex ResultLine();

    /// <summary>
    /// The VSTest filter selecting these implementations' tests: their display names carry (implementation: "NAME").
    /// No quotes or parentheses: dotnet test hands the filter to vstest, which drops a quoted value (the filter
    /// then reads "DisplayName~" and matches nothing).
    /// </summary>
    public static string? Filter(IReadOnlyList<string> implementations) =>
        implementations.Count == 0 ? null : string.Join("|", implementations.Select(i => $"DisplayName~{i}"));

    public async Task<RunOutcome> RunAsync(CancellationToken cancel)
    {
        var clock = Stopwatch.StartNew();
        var problems = new List<string>();
        var commands = new List<string>();
        try
        {
            // Build once: the projects share their dependencies, so they are built one after the other.
            foreach (string project in options.Projects)
            {
                var build = new[] { "build", project, "--nologo", "-v:q", "-clp:NoSummary;ErrorsOnly" };
                commands.Add("dotnet " + string.Join(" ", build));
                int code = await console.Status().StartAsync($"Building {project} …", _ => Exec(build, null, cancel, log: Path.Combine(options.ResultsFolder, $"build-{Slug(project)}.log")));
                if (code != 0)
                {
                    problems.Add($"dotnet build {project} exited with {code} (log: {Path.Combine(options.ResultsFolder, $"build-{Slug(project)}.log")})");
                    return new RunOutcome(false, false, problems, clock.Elapsed.TotalSeconds, commands);
                }
            }

            var env = new Dictionary<string, string> { [ResultsVariable] = options.ResultsFolder };
            if (options.MaxTest is { } m) env[MaxTestVariable] = m.ToString(System.Globalization.CultureInfo.InvariantCulture);
            if (options.SearchSeconds is { } s) env[SearchVariable] = s.ToString(System.Globalization.CultureInfo.InvariantCulture);
            string? filter = Filter(options.Implementations);

            await console.Progress()
                .AutoClear(false)
                .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn())
                .StartAsync(async progress =>
                {
                    var runs = options.Projects.Select(project => RunProject(project, filter, env, progress, problems, commands, cancel)).ToArray();
                    await Task.WhenAll(runs);
                });
        }
        catch (OperationCanceledException)
        {
            KillAll();
            return new RunOutcome(false, true, ["interrupted"], clock.Elapsed.TotalSeconds, commands);
        }
        return new RunOutcome(problems.Count == 0, cancel.IsCancellationRequested, problems, clock.Elapsed.TotalSeconds, commands);
    }

    private async Task RunProject(string project, string? filter, Dictionary<string, string> env, ProgressContext progress,
                                  List<string> problems, List<string> commands, CancellationToken cancel)
    {
        string name = Slug(project);
        var task = progress.AddTask(Markup.Escape($"{project}: starting"), maxValue: 1);
        task.IsIndeterminate = true;
        int done = 0, failed = 0, total = 0;
        string current = "";
        void Describe() => task.Description = Markup.Escape($"{project} [{current}]: {done}/{(total > 0 ? total : "?")} done") + (failed > 0 ? $", [red]{failed} failed[/]" : ", 0 failed");

        // The total, listed beside the run (discovery only), and narrowed to the --implementation filter as dotnet test narrows the run.
        var listing = Task.Run(async () =>
        {
            var names = new List<string>();
            await Exec(["test", project, "--no-build", "--list-tests"], null, cancel, line =>
            {
                if (line.StartsWith("    ", StringComparison.Ordinal)) names.Add(line.Trim());
            });
            int count = options.Implementations.Count == 0 ? names.Count
                : names.Count(n => options.Implementations.Any(i => n.Contains($"\"{i}\"", StringComparison.Ordinal)));
            lock (_lock)
            {
                total = count;
                task.MaxValue = Math.Max(1, Math.Max(count, done));
                task.IsIndeterminate = false;
                Describe();
            }
        }, cancel);

        var args = new List<string>
        {
            "test", project, "--no-build", "--nologo",
            "--logger", $"trx;LogFileName={name}.trx", "--logger", "console;verbosity=normal",
            "--results-directory", options.ResultsFolder,
        };
        if (filter is not null) { args.Add("--filter"); args.Add(filter); }
        lock (_lock) commands.Add("dotnet " + string.Join(" ", args.Select(a => a.Contains(' ') || a.Contains('"') ? $"'{a}'" : a)));
        bool crashed = false;
        int code = await Exec(args, env, cancel, line =>
        {
            if (line.Contains("Test host process crashed", StringComparison.Ordinal) || line.Contains("The active test run was aborted", StringComparison.Ordinal))
                crashed = true;
            if (ResultLine().Match(line) is not { Success: true } m) return;
            lock (_lock)
            {
                done++;
                if (m.Groups[1].Value == "Failed") failed++;
                var (_, _, implementation) = Results.TrxReader.SplitName(m.Groups[2].Value);
                if (implementation is not null) current = implementation;
                if (done > task.MaxValue) task.MaxValue = done;
                task.Value = done;
                Describe();
            }
        }, log: Path.Combine(options.ResultsFolder, $"test-{name}.log"));
        try { await listing; } catch (Exception e) when (e is not OperationCanceledException) { }
        lock (_lock)
        {
            task.Value = task.MaxValue;
            task.StopTask();
            string trx = Path.Combine(options.ResultsFolder, $"{name}.trx");
            if (crashed) problems.Add($"{project}: the test host crashed or the run was aborted (log: {Path.Combine(options.ResultsFolder, $"test-{name}.log")})");
            else if (!File.Exists(trx)) problems.Add($"{project}: dotnet test exited with {code} and wrote no TRX (log: {Path.Combine(options.ResultsFolder, $"test-{name}.log")})");
            else if (code is not (0 or 1)) problems.Add($"{project}: dotnet test exited with {code}");
        }
    }

    private static string Slug(string project) => project.Replace('\\', '/').TrimEnd('/').Split('/')[^1];

    /// <summary>Runs dotnet with these arguments in the repository root; each output line goes to <paramref name="onLine"/> and to the log.</summary>
    private async Task<int> Exec(IReadOnlyList<string> arguments, IReadOnlyDictionary<string, string>? env, CancellationToken cancel,
                                 Action<string>? onLine = null, string? log = null)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = options.Root,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string a in arguments) start.ArgumentList.Add(a);
        if (env is not null) foreach (var (k, v) in env) start.Environment[k] = v;
        // The report covers Optimized-GPU everywhere: on ILGPU's CPU accelerator where there is no CUDA device
        // (unset, the suites skip it there to keep `dotnet test` short; GpuImplementation.ReasonToSkip).
        if (!start.Environment.TryGetValue("CONFORMANCE_GPU", out string? gpu) || string.IsNullOrWhiteSpace(gpu)) start.Environment["CONFORMANCE_GPU"] = "auto";
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";
        using var process = new Process { StartInfo = start };
        StreamWriter? writer = log is null ? null : new StreamWriter(log, append: false);
        var gate = new Lock();
        void Line(string? text)
        {
            if (text is null) return;
            lock (gate) writer?.WriteLine(text);
            onLine?.Invoke(text);
        }
        process.OutputDataReceived += (_, e) => Line(e.Data);
        process.ErrorDataReceived += (_, e) => Line(e.Data);
        process.Start();
        lock (_lock) _running.Add(process);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            await process.WaitForExitAsync(cancel);
            process.WaitForExit();   // drains the redirected streams
            return process.ExitCode;
        }
        finally
        {
            lock (_lock) _running.Remove(process);
            if (!process.HasExited) { try { process.Kill(entireProcessTree: true); } catch (InvalidOperationException) { } }
            lock (gate) writer?.Dispose();
        }
    }

    /// <summary>Stops the dotnet processes this runner started (and their test hosts), by their ids.</summary>
    private void KillAll()
    {
        Process[] running;
        lock (_lock) running = [.. _running];
        foreach (var p in running)
        {
            try { if (!p.HasExited) p.Kill(entireProcessTree: true); } catch (InvalidOperationException) { }
        }
    }
}
