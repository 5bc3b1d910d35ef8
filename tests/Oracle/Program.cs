using System.Diagnostics;
using System.Runtime.CompilerServices;

namespace LossConformance.Oracle;

/// <summary>
/// <c>dotnet run --project tests/Oracle [folder]</c>: checks the oracle's arithmetic against known constants,
/// computes every known-answer row at 256 bits, recomputes it at 320 bits (the 40 printed digits must agree),
/// and writes one CSV per operation into tests/Oracle/vectors (or the folder given). Output is deterministic:
/// running it twice writes identical files.
/// </summary>
public static class Program
{
    public static int Main(string[] args)
    {
        var clock = Stopwatch.StartNew();
        string folder = args.Length > 0 ? Path.GetFullPath(args[0]) : DefaultFolder();
        System.IO.Directory.CreateDirectory(folder);

        var selfCheck = BigFloat.SelfCheck();
        if (selfCheck.Count > 0)
        {
            Console.Error.WriteLine("The oracle's self-check failed; no vectors written:");
            foreach (var line in selfCheck) Console.Error.WriteLine("  " + line);
            return 1;
        }
        Console.WriteLine($"self-check: ln 2, e, ln 10, exp(-1) agree to {KnownAnswers.Digits} digits; identities and double rounding hold ({clock.Elapsed.TotalSeconds:F1} s)");

        foreach (var operation in KnownAnswers.Operations)
        {
            var rows = KnownAnswers.Generate(operation);
            var disagreements = KnownAnswers.PrecisionDisagreements(rows);
            if (disagreements.Count > 0)
            {
                Console.Error.WriteLine($"{operation}: the digits depend on the working precision; no file written:");
                foreach (var line in disagreements) Console.Error.WriteLine("  " + line);
                return 1;
            }
            string path = Path.Combine(folder, KnownAnswers.FileName(operation));
            string text = KnownAnswers.Render(operation, rows);
            bool same = File.Exists(path) && File.ReadAllText(path) == text;
            if (!same) File.WriteAllText(path, text);
            Console.WriteLine($"{operation}: {rows.Count} cases, {rows.Sum(r => r.Nearest.Count)} values, {rows.Count(r => r.FloatExact)} float-exact cases; " +
                              $"{(same ? "unchanged" : "written")} {path} ({clock.Elapsed.TotalSeconds:F1} s)");
        }
        Console.WriteLine($"done in {clock.Elapsed.TotalSeconds:F1} s");
        return 0;
    }

    /// <summary>tests/Oracle/vectors of the repository around the working directory, else beside this source file.</summary>
    private static string DefaultFolder([CallerFilePath] string source = "")
    {
        for (var dir = new DirectoryInfo(Environment.CurrentDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Conformance.sln")))
                return Path.Combine(dir.FullName, "tests", "Oracle", "vectors");
        return Path.Combine(Path.GetDirectoryName(source)!, "vectors");
    }
}
