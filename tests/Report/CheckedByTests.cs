using LossConformance.Report.Spec;
using Xunit;

namespace LossConformance.Report.Tests;

/// <summary>The "Checked by" lines: generated from the [Spec] citations, and current in this repository's spec/.</summary>
public sealed class CheckedByTests : IDisposable
{
    private readonly Fixture _fixture = new();

    public void Dispose() => _fixture.Dispose();

    [Fact]
    public void The_spec_checked_by_lines_are_current()
    {
        string root = Fixture.Repository();
        var stale = CheckedByLines.Stale(root);
        Assert.True(stale.Count == 0,
            "The \"Checked by\" lines of these spec files differ from the [Spec] citations of tests/ (regenerate: dotnet run --project src/Report -- spec --write):\n  "
            + string.Join("\n  ", stale.Select(s => $"{Path.GetRelativePath(root, s.Path)}: {string.Join(", ", s.Clauses)}")));
    }

    [Fact]
    public void Stale_lines_are_found_rewritten_and_added_where_missing_and_nothing_else_changes()
    {
        var stale = CheckedByLines.Stale(_fixture.Root);
        var demo = Assert.Single(stale, s => s.Path.EndsWith("demo.md", StringComparison.Ordinal));
        // DEMO-COVERED names a wrong file; DEMO-FAILING and DEMO-SKIPPED have none; DEMO-UNCOVERED already says "no test yet"; DEMO-DEVIATION is right.
        Assert.Equal(["DEMO-COVERED", "DEMO-FAILING", "DEMO-SKIPPED"], demo.Clauses.Order(StringComparer.Ordinal));
        Assert.DoesNotContain(stale, s => s.Path.EndsWith("errata.md", StringComparison.Ordinal));

        var written = CheckedByLines.Write(_fixture.Root);
        Assert.Equal(stale.Select(s => s.Path), written.Select(s => s.Path));
        Assert.Empty(CheckedByLines.Stale(_fixture.Root));
        string text = File.ReadAllText(Path.Combine(_fixture.Root, "spec", "demo.md"));
        Assert.Contains("### `DEMO-FAILING` A clause the plug-in breaks\n\n- **Statement.** |f(x) − x| ≤ B(n), the bound of `DEMO-COVERED`.\n- **Domain.** Vectors of length n ≥ 1.\n- **Checked by.** `tests/Demo/DemoProperties.cs`.\n", text);
        Assert.Contains("- **Checked by.** no test yet.", text);
        Assert.DoesNotContain("tests/Demo/Stale.cs", text);
        // Only the field lines changed: remove them from both versions and the rest is identical.
        static string WithoutFields(string s) => string.Join("\n", s.Split('\n').Where(l => !l.StartsWith("- **Checked by.**", StringComparison.Ordinal)));
        Assert.Equal(WithoutFields(demo.Current), WithoutFields(text));
    }

    [Fact]
    public void The_command_checks_and_writes()
    {
        var console = new Spectre.Console.Testing.TestConsole();
        console.Profile.Width = 400;
        Assert.Equal(Cli.GateFailed, Cli.Run(["spec", "--root", _fixture.Root], console));
        Assert.Contains("spec --write", console.Output);
        Assert.Equal(Cli.Ok, Cli.Run(["spec", "--root", _fixture.Root, "--write"], console));
        Assert.Equal(Cli.Ok, Cli.Run(["spec", "--root", _fixture.Root], console));
    }
}
