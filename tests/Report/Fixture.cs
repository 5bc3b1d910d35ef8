using LossConformance.Report.Results;
using LossConformance.Report.Spec;

namespace LossConformance.Report.Tests;

/// <summary>
/// The fixture repository (Fixtures/repo: a spec with one clause of each kind, test sources citing them)
/// copied to a fresh temporary folder, with its sources renamed from .cs.txt to .cs; and the fixture results
/// (Fixtures/results: two shards, Reference in double and a plug-in "Plug" in float).
/// </summary>
public sealed class Fixture : IDisposable
{
    public string Root { get; }

    public string Temp { get; }

    public static string Results(string shard) => Path.Combine(AppContext.BaseDirectory, "Fixtures", "results", shard);

    public Fixture()
    {
        Temp = Path.Combine(Path.GetTempPath(), "report-tests-" + Guid.NewGuid().ToString("N"));
        Root = Path.Combine(Temp, "repo");
        string source = Path.Combine(AppContext.BaseDirectory, "Fixtures", "repo");
        foreach (string file in Directory.EnumerateFiles(source, "*", SearchOption.AllDirectories))
        {
            string target = Path.Combine(Root, Path.GetRelativePath(source, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            if (target.EndsWith(".cs.txt", StringComparison.Ordinal))
            {
                // The fixture's sources cite made-up DEMO-* clauses (covered, orphan, …). They are stored with
                // SpecTemplate(…) so that nothing scanning this repository's tests/ takes them for real
                // citations, and become [Spec(…)] only in the temporary fixture repository.
                File.WriteAllText(target[..^4], File.ReadAllText(file).Replace("SpecTemplate(", "Spec(", StringComparison.Ordinal));
                continue;
            }
            File.Copy(file, target);
        }
    }

    public SpecDocument Spec => SpecDocument.Load(Path.Combine(Root, "spec"));

    public CitationIndex Citations => CitationIndex.Scan(Root, "tests");

    public ConformanceReport Build(params string[] shards) =>
        ReportBuilder.Build(Spec, Citations, ResultSet.Load(shards.Select(Results)), "results", now: new DateTime(2026, 12, 2, 0, 0, 0, DateTimeKind.Utc));

    public void Dispose()
    {
        if (Directory.Exists(Temp)) Directory.Delete(Temp, recursive: true);
    }

    /// <summary>The repository this test assembly was built from (the folder above it holding Conformance.sln).</summary>
    public static string Repository()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Conformance.sln")) && Directory.Exists(Path.Combine(dir.FullName, "spec"))) return dir.FullName;
        throw new InvalidOperationException($"no folder above {AppContext.BaseDirectory} holds Conformance.sln");
    }
}
