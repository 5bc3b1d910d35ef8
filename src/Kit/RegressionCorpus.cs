using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace LossConformance.Kit;

/// <summary>
/// One stored input that once broke a bound (found by the worst-case search): replayed by the suite test
/// <see cref="RegressionFile.Method"/> of <see cref="RegressionFile.Suite"/> on every run, for every implementation of
/// <see cref="ElementType"/>, before the generated cases. Values are the exact inputs in float64 (every T converts exactly).
/// </summary>
public sealed record RegressionEntry(
    string ElementType, string CaseType, string Kind, Dictionary<string, double[]> Values,
    string? Clause, double Ratio, string FoundBy, string FoundUtc);

/// <summary>tests/Regressions/&lt;Suite&gt;.&lt;Method&gt;.json (spec/results-schema.md, "Regression corpus").</summary>
public sealed record RegressionFile(string Schema, string Suite, string Method, List<RegressionEntry> Entries)
{
    public const string SchemaName = "loss-conformance/regressions@1";
}

public static class RegressionCorpus
{
    private static readonly Lock Gate = new();

    private static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
    };

    /// <summary>The file for a suite test, or null where there is no corpus folder (outside the repository).</summary>
    public static string? PathFor(string suite, string method) =>
        Settings.CorpusFolder is { } folder ? Path.Combine(folder, $"{suite}.{method}.json") : null;

    /// <summary>The stored entries of a suite test (none when its file does not exist).</summary>
    public static IReadOnlyList<RegressionEntry> Load(string suite, string method)
    {
        if (PathFor(suite, method) is not { } path || !File.Exists(path)) return [];
        lock (Gate)
        {
            var file = JsonSerializer.Deserialize<RegressionFile>(File.ReadAllText(path), Json)
                ?? throw new InvalidDataException($"{path} is empty");
            if (file.Schema != RegressionFile.SchemaName)
                throw new InvalidDataException($"{path}: schema '{file.Schema}', expected '{RegressionFile.SchemaName}'");
            return file.Entries;
        }
    }

    /// <summary>Adds an entry to the suite test's file (created if missing); an entry with the same values and element type is not added twice.</summary>
    public static string Add(string suite, string method, RegressionEntry entry)
    {
        var path = PathFor(suite, method) ?? throw new InvalidOperationException("no regression corpus folder (not inside the repository)");
        lock (Gate)
        {
            var file = File.Exists(path)
                ? JsonSerializer.Deserialize<RegressionFile>(File.ReadAllText(path), Json)!
                : new RegressionFile(RegressionFile.SchemaName, suite, method, []);
            bool known = file.Entries.Any(e => e.ElementType == entry.ElementType && e.Values.Count == entry.Values.Count
                && e.Values.All(kv => entry.Values.TryGetValue(kv.Key, out var v) && v.SequenceEqual(kv.Value)));
            if (!known) file.Entries.Add(entry);
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.WriteAllText(path, JsonSerializer.Serialize(file, Json) + "\n");
            return path;
        }
    }
}
