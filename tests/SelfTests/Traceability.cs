using System.Reflection;
using System.Text.RegularExpressions;
using LossConformance.Kit;
using LossConformance.SelfTests.Mutants;
using Xunit;
using Xunit.Abstractions;

namespace LossConformance.SelfTests;

/// <summary>
/// The links between spec, tests, mutants and reference hold in both directions: every clause
/// of spec/ is cited by a test and broken by a mutant, every cited ID exists, every claim of the
/// source note is traced, and every reference formula names its clause.
/// </summary>
public sealed partial class Traceability(ITestOutputHelper output)
{
    [Fact]
    public void Every_clause_is_cited_by_some_test()
    {
        var cited = Citations.OfTests().Select(c => c.Id).ToHashSet(StringComparer.Ordinal);
        var uncited = SpecIndex.Clauses.Where(c => !cited.Contains(c.Id)).ToArray();
        output.WriteLine($"{SpecIndex.Clauses.Count} clauses in spec/; {cited.Count} distinct IDs cited by test methods.");
        Assert.True(uncited.Length == 0,
            $"{uncited.Length} of {SpecIndex.Clauses.Count} clauses are cited by no test ([Spec] on a [ForEachImplementation] test of the Properties or Conformance assemblies, or on a SelfTests test):\n  "
            + string.Join("\n  ", uncited.Select(c => c.ToString())));
    }

    [Fact]
    public void Every_cited_clause_exists()
    {
        var ids = SpecIndex.Ids;
        var citations = Citations.All().ToArray();
        var orphans = citations.Where(c => !ids.Contains(c.Id)).ToArray();
        output.WriteLine($"{citations.Length} [Spec] citations on {citations.Select(c => c.Method).Distinct().Count()} methods.");
        Assert.True(orphans.Length == 0,
            $"{orphans.Length} [Spec] citations name no clause of spec/:\n  " + string.Join("\n  ", orphans.Select(o => $"{o.Id} on {o.Where}")));
    }

    [Fact]
    public void No_clause_is_defined_twice()
    {
        var twice = SpecIndex.Clauses.GroupBy(c => c.Id).Where(g => g.Count() > 1).ToArray();
        Assert.True(twice.Length == 0,
            "Clauses defined more than once:\n  " + string.Join("\n  ", twice.Select(g => $"{g.Key}: {string.Join(", ", g.Select(c => c.Where))}")));
    }

    [Fact]
    public void Every_claim_maps_to_existing_clauses()
    {
        var table = ClaimTable.Read();
        Assert.True(table.Rows.Count > 0, $"{table.Path} has no table rows of the form | claim | … | `CLAUSE-ID` … |.");
        output.WriteLine($"{table.Rows.Count} claim rows; {table.Rows.Count(r => r.Reserved)} mention \"reserved\"; {table.Rows.Sum(r => r.ClauseIds.Count)} clause links.");
        var problems = new List<string>();
        foreach (var row in table.Rows)
        {
            var missing = row.ClauseIds.Where(id => !SpecIndex.Ids.Contains(id)).ToArray();
            if (missing.Length > 0) problems.Add($"claim {row.Claim} (line {row.Line}) maps to {string.Join(", ", missing)}, which spec/ does not define");
            if (row.ClauseIds.Count == 0 && !row.Reserved) problems.Add($"claim {row.Claim} (line {row.Line}) maps to no clause ID and is not marked reserved");
        }
        Assert.True(problems.Count == 0, $"{table.Path}:\n  " + string.Join("\n  ", problems));
    }

    [Fact]
    public void Every_claim_of_the_source_note_is_in_the_claims_table()
    {
        // Both lists live in spec/claims.md: the note's claims restated ("- **1.1** …") and the trace table.
        var stated = SourceClaims.Read();
        output.WriteLine($"{stated.Count} claims stated in {SourceClaims.File}: {string.Join(" ", stated.Select(c => c.Number))}");
        Assert.True(stated.Count > 0, $"found no claims of the form \"- **1.1** …\" in {SourceClaims.File}");
        var twice = stated.GroupBy(c => c.Number).Where(g => g.Count() > 1).Select(g => g.Key).ToArray();
        Assert.True(twice.Length == 0, $"{SourceClaims.File} states these claims twice: {string.Join(", ", twice)}");
        var empty = stated.Where(c => c.Text.Length < 10).Select(c => c.Number).ToArray();
        Assert.True(empty.Length == 0, $"{SourceClaims.File} names these claims without stating them: {string.Join(", ", empty)}");

        var traced = ClaimTable.Read().Rows.Select(r => r.Claim).ToHashSet(StringComparer.Ordinal);
        var numbers = stated.Select(c => c.Number).ToHashSet(StringComparer.Ordinal);
        var untraced = stated.Where(c => !traced.Contains(c.Number)).Select(c => c.Number).ToArray();
        var unknown = traced.Where(t => !numbers.Contains(t)).Order(StringComparer.Ordinal).ToArray();
        Assert.True(untraced.Length == 0, $"Claims stated in {SourceClaims.File} with no row in its trace table: {string.Join(", ", untraced)}");
        Assert.True(unknown.Length == 0, $"Rows of the trace table in {SourceClaims.File} for claims it does not state: {string.Join(", ", unknown)}");
    }

    [Fact]
    public void Nothing_outside_the_repository_is_read()
    {
        // The repository must stand alone for a person who clones it: no source file, test or spec
        // may point into a sibling folder (the source note lived in ../shared while the project began).
        var offenders = new List<string>();
        foreach (string folder in new[] { "src", "tests", "samples", "bench", "spec", ".ci" })
        {
            string root = System.IO.Path.Combine(Repository.Root, folder);
            if (!Directory.Exists(root)) continue;
            foreach (string file in Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories))
            {
                if (file.Contains($"{System.IO.Path.DirectorySeparatorChar}bin{System.IO.Path.DirectorySeparatorChar}") ||
                    file.Contains($"{System.IO.Path.DirectorySeparatorChar}obj{System.IO.Path.DirectorySeparatorChar}")) continue;
                if (!(file.EndsWith(".cs") || file.EndsWith(".md") || file.EndsWith(".csproj") || file.EndsWith(".props") || System.IO.Path.GetFileName(file) is "run")) continue;
                int line = 0;
                foreach (string text in File.ReadLines(file))
                {
                    line++;
                    if (OutsidePath().IsMatch(text)) offenders.Add($"{System.IO.Path.GetRelativePath(Repository.Root, file)}:{line}: {text.Trim()}");
                }
            }
        }
        Assert.True(offenders.Count == 0, "These lines point outside the repository:\n  " + string.Join("\n  ", offenders));
    }

    [GeneratedRegex("shared" + @"/seed|""\.\.""\s*,\s*""shared""")]
    private static partial Regex OutsidePath();

    [Fact]
    public void Every_clause_is_broken_by_some_mutant()
    {
        var broken = MutantsAreCaught.MutantTypes()
            .SelectMany(t => t.GetCustomAttribute<BreaksAttribute>()!.ClauseIds)
            .ToHashSet(StringComparer.Ordinal);
        output.WriteLine($"{MutantsAreCaught.MutantTypes().Count()} mutants break {broken.Count} distinct clause IDs.");
        var unbroken = SpecIndex.Clauses.Where(c => !broken.Contains(c.Id)).ToArray();
        Assert.True(unbroken.Length == 0,
            $"{unbroken.Length} of {SpecIndex.Clauses.Count} clauses are in the [Breaks] of no mutant (tests/SelfTests/Mutants), so no self-test shows that a test of them can fail:\n  "
            + string.Join("\n  ", unbroken.Select(c => c.ToString())));
    }

    [Fact]
    public void Every_reference_formula_cites_its_clauses()
    {
        var problems = new List<string>();
        int methods = 0;
        foreach (var method in ReferenceSource.PublicStaticMethods())
        {
            methods++;
            if (method.SpecIds is null)
                problems.Add($"{method.Where} {method.Name}: its doc comment has no \"Spec:\"");
            else if (method.SpecIds.Count == 0 || !method.SpecIds.Any(SpecIndex.Ids.Contains))
                problems.Add($"{method.Where} {method.Name}: \"Spec:\" names no clause of spec/ ({string.Join(", ", method.SpecIds)})");
            else if (method.SpecIds.Where(id => !SpecIndex.Ids.Contains(id)).ToArray() is { Length: > 0 } unknown)
                problems.Add($"{method.Where} {method.Name}: \"Spec:\" names {string.Join(", ", unknown)}, which spec/ does not define");
        }
        Assert.True(methods > 0, "found no public static method in src/Reference/*.cs");
        output.WriteLine($"{methods} public static methods in src/Reference/*.cs.");
        Assert.True(problems.Count == 0, "Reference methods whose doc comment does not trace to the spec:\n  " + string.Join("\n  ", problems));
    }
}

/// <summary>A clause: its ID and where it is defined.</summary>
internal sealed record Clause(string Id, string File, int Line)
{
    public string Where => $"spec/{File}:{Line}";
    public override string ToString() => $"{Id} ({Where})";
}

/// <summary>The clauses of spec/: headings "## `ID` …" to "#### `ID` …" whose first word is a backticked ID such as KL-NONNEG.</summary>
internal static partial class SpecIndex
{
    /// <summary>A clause ID: upper-case words joined by hyphens, at least two (ENT-DEF, KL-CE-MINIMISER, ACC-FD).</summary>
    public const string IdPattern = @"[A-Z][A-Z0-9]*(?:-[A-Z0-9]+)+";

    private static readonly Lazy<IReadOnlyList<Clause>> Parsed = new(Parse);

    public static string Folder => Path.Combine(Repository.Root, "spec");

    /// <summary>Every clause heading, duplicates included.</summary>
    public static IReadOnlyList<Clause> Clauses => Parsed.Value;

    public static IReadOnlySet<string> Ids => Clauses.Select(c => c.Id).ToHashSet(StringComparer.Ordinal);

    [GeneratedRegex(@"^#{2,4}[ \t]+`(" + IdPattern + ")`")]
    private static partial Regex Heading();

    private static IReadOnlyList<Clause> Parse()
    {
        Assert.True(Directory.Exists(Folder), $"no spec folder at {Folder}");
        var clauses = new List<Clause>();
        foreach (string file in Directory.EnumerateFiles(Folder, "*.md", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            string name = Path.GetRelativePath(Folder, file).Replace('\\', '/');
            bool fenced = false;
            int line = 0;
            foreach (string text in File.ReadLines(file))
            {
                line++;
                if (text.TrimStart().StartsWith("```", StringComparison.Ordinal)) { fenced = !fenced; continue; }
                if (fenced) continue;   // an example heading inside a code block defines nothing
                if (Heading().Match(text) is { Success: true } m) clauses.Add(new Clause(m.Groups[1].Value, name, line));
            }
        }
        Assert.True(clauses.Count > 0, $"found no clause headings (### `AREA-NAME` Title) in {Folder}");
        return clauses;
    }
}

/// <summary>The repository root: the folder above the test assembly that holds Conformance.sln.</summary>
internal static class Repository
{
    public static string Root => DropIn.RepositoryRoot()
        ?? throw new InvalidOperationException($"no folder above {AppContext.BaseDirectory} holds Conformance.sln");
}

/// <summary>One [Spec] citation: the ID and the method carrying it.</summary>
internal sealed record Citation(string Id, MethodInfo Method, bool OnTest)
{
    public string Where => $"{Method.DeclaringType?.FullName}.{Method.Name}";
}

/// <summary>[Spec] citations in the suite assemblies (Properties, Conformance) and in this one.</summary>
internal static class Citations
{
    public static IReadOnlyList<Assembly> Assemblies { get; } = [.. SuiteTests.Assemblies, SuiteTests.Packaged, typeof(Citations).Assembly];

    /// <summary>Every [Spec] on any method, test or not.</summary>
    public static IEnumerable<Citation> All() =>
        from assembly in Assemblies
        from type in assembly.GetTypes()
        from method in type.GetMethods(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly)
        from spec in method.GetCustomAttributes<SpecAttribute>(inherit: false)
        from id in spec.ClauseIds
        select new Citation(id, method, IsTest(method));

    /// <summary>
    /// Citations that count as testing a clause: on [ForEachImplementation] suite tests (which run on
    /// every implementation), and on any test method of this assembly ([Fact], FsCheck's [Property]).
    /// A [Fact] of a suite assembly that cites a clause (e.g. a self-check of the oracle) does not
    /// test any implementation against it.
    /// </summary>
    public static IEnumerable<Citation> OfTests() => All().Where(c => c.OnTest);

    private static bool IsTest(MethodInfo method) =>
        method.DeclaringType?.Assembly == typeof(Citations).Assembly
            ? method.GetCustomAttributes<FactAttribute>(inherit: true).Any()
            : method.GetCustomAttribute<ForEachImplementationAttribute>(inherit: true) is not null;
}

/// <summary>spec/claims.md: a table whose first column is a claim number of CLAIMS.md (0.1 … 5.10, N.1 … for the notes).</summary>
internal sealed partial class ClaimTable
{
    public sealed record Row(string Claim, int Line, IReadOnlyList<string> ClauseIds, bool Reserved);

    public required string Path { get; init; }
    public required IReadOnlyList<Row> Rows { get; init; }

    [GeneratedRegex(@"^\s*\**(\d+\.\d+|N\.\d+)\**\s*$")]
    private static partial Regex ClaimCell();

    [GeneratedRegex("`(" + SpecIndex.IdPattern + ")`")]
    private static partial Regex BacktickedId();

    public static ClaimTable Read() => Read(System.IO.Path.Combine(SpecIndex.Folder, "claims.md"));

    public static ClaimTable Read(string path)
    {
        Assert.True(File.Exists(path), $"no claims table at {path}");
        var rows = new List<Row>();
        int line = 0;
        foreach (string text in File.ReadLines(path))
        {
            line++;
            string t = text.Trim();
            if (!t.StartsWith('|')) continue;
            var cells = t.Trim('|').Split('|');
            if (cells.Length < 2 || ClaimCell().Match(cells[0]) is not { Success: true } claim) continue;
            string rest = string.Join("|", cells.Skip(1));
            var ids = BacktickedId().Matches(rest).Select(m => m.Groups[1].Value).Distinct().ToArray();
            rows.Add(new Row(claim.Groups[1].Value, line, ids, rest.Contains("reserved", StringComparison.OrdinalIgnoreCase)));
        }
        return new ClaimTable { Path = path, Rows = rows };
    }
}

/// <summary>The source note's claims as spec/claims.md restates them: bullets "- **1.1** text", before its trace table.</summary>
internal static partial class SourceClaims
{
    public sealed record Claim(string Number, string Text);

    [GeneratedRegex(@"^- \*\*(\d+\.\d+|N\.\d+)\*\*\s+(.*)$")]
    private static partial Regex Stated();

    public static string File => System.IO.Path.Combine(SpecIndex.Folder, "claims.md");

    public static IReadOnlyList<Claim> Read() =>
        System.IO.File.ReadLines(File)
            .Select(line => Stated().Match(line))
            .Where(m => m.Success)
            .Select(m => new Claim(m.Groups[1].Value, m.Groups[2].Value.Trim()))
            .ToArray();
}

/// <summary>Public static methods of src/Reference/*.cs, read as text, with the clause IDs after "Spec:" in their doc comments.</summary>
internal static partial class ReferenceSource
{
    public sealed record Method(string Name, string Where, IReadOnlyList<string>? SpecIds);

    [GeneratedRegex(@"^\s*public\s+static\s+(?:(?:unsafe|extern|partial|readonly)\s+)*[^=;({]*?\b(\w+)\s*(?:<[^>]*>)?\s*\(")]
    private static partial Regex Declaration();

    [GeneratedRegex(@"\b" + SpecIndex.IdPattern + @"\b")]
    private static partial Regex Id();

    public static IEnumerable<Method> PublicStaticMethods()
    {
        string folder = Path.Combine(Repository.Root, "src", "Reference");
        foreach (string file in Directory.EnumerateFiles(folder, "*.cs").Order(StringComparer.Ordinal))
        {
            string[] lines = File.ReadAllLines(file);
            for (int i = 0; i < lines.Length; i++)
            {
                if (Declaration().Match(lines[i]) is not { Success: true } m) continue;
                if (lines[i].Contains(" operator ", StringComparison.Ordinal)) continue;
                var doc = new List<string>();
                for (int j = i - 1; j >= 0; j--)
                {
                    string above = lines[j].Trim();
                    if (above.StartsWith("///", StringComparison.Ordinal)) doc.Insert(0, above[3..]);
                    else if (above.StartsWith('[')) continue;   // an attribute between comment and method
                    else break;
                }
                string comment = string.Join(" ", doc);
                int spec = comment.IndexOf("Spec:", StringComparison.Ordinal);
                var ids = spec < 0 ? null : Id().Matches(comment[(spec + 5)..]).Select(x => x.Value).Distinct().ToArray();
                yield return new Method(m.Groups[1].Value, $"src/Reference/{Path.GetFileName(file)}:{i + 1}", ids);
            }
        }
    }
}
