using System.Globalization;

namespace LossConformance.Kit;

/// <summary>
/// Run settings read from the environment:
/// <c>CONFORMANCE_REPLAY</c> = "seed,gamma" replays a printed failure exactly;
/// <c>CONFORMANCE_MAX_TEST</c> = generated cases per property (default 100) for longer searches;
/// <c>CONFORMANCE_RESULTS</c> = a folder that receives one JSON record per test, implementation and
/// element type (spec/results-schema.md); <c>CONFORMANCE_SEARCH_SECONDS</c> = seconds of worst-case search
/// per generated-input check. The environment is read once; <see cref="Override"/> replaces the last two
/// for the calling flow only (the self-tests use it; xunit runs classes in parallel).
/// </summary>
public static class Settings
{
    public const string ReplayVariable = "CONFORMANCE_REPLAY";
    public const string MaxTestVariable = "CONFORMANCE_MAX_TEST";
    public const string ResultsVariable = "CONFORMANCE_RESULTS";
    public const string SearchVariable = "CONFORMANCE_SEARCH_SECONDS";

    private static readonly string? ResultsFromEnvironment = ParseFolder(Environment.GetEnvironmentVariable(ResultsVariable));
    private static readonly double SearchFromEnvironment = ParseSeconds(Environment.GetEnvironmentVariable(SearchVariable));
    private static readonly AsyncLocal<(string? Results, double Search, string? Corpus)?> Scoped = new();

    /// <summary>The folder records go to, or null: no records.</summary>
    public static string? ResultsFolder => Scoped.Value is { } s ? s.Results : ResultsFromEnvironment;

    /// <summary>Seconds of worst-case search after each generated-input check; 0: none.</summary>
    public static double SearchSeconds => Scoped.Value is { } s ? s.Search : SearchFromEnvironment;

    /// <summary>The regression corpus folder: tests/Regressions of the repository, unless overridden.</summary>
    public static string? CorpusFolder => Scoped.Value is { Corpus: { } c } ? c
        : DropIn.RepositoryRoot() is { } root ? Path.Combine(root, "tests", "Regressions") : null;

    /// <summary>Replaces <see cref="ResultsFolder"/>, <see cref="SearchSeconds"/> (and the corpus folder, if given) for the calling flow until disposed.</summary>
    public static IDisposable Override(string? resultsFolder, double searchSeconds = 0, string? corpusFolder = null)
    {
        var before = Scoped.Value;
        Scoped.Value = (resultsFolder, searchSeconds, corpusFolder);
        return new Restore(() => Scoped.Value = before);
    }

    private sealed class Restore(Action undo) : IDisposable
    {
        public void Dispose() => undo();
    }

    private static string? ParseFolder(string? value) => string.IsNullOrWhiteSpace(value) ? null : Path.GetFullPath(value.Trim());

    private static double ParseSeconds(string? value)
    {
        if (string.IsNullOrWhiteSpace(value)) return 0;
        return double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out double s) && s >= 0 && double.IsFinite(s) ? s
            : throw new InvalidOperationException($"{SearchVariable}='{value}' is not a non-negative number of seconds.");
    }

    public static int MaxTest { get; } = ParseMaxTest(Environment.GetEnvironmentVariable(MaxTestVariable));

    /// <summary>(seed, gamma) from CONFORMANCE_REPLAY, or null for a fresh random run.</summary>
    public static (ulong Seed, ulong Gamma)? Replay { get; } = ParseReplay(Environment.GetEnvironmentVariable(ReplayVariable));

    public static (ulong Seed, ulong Gamma)? ParseReplay(string? value)
    {
        if (string.IsNullOrWhiteSpace(value)) return null;
        var parts = value.Trim().Trim('(', ')').Split(',', StringSplitOptions.TrimEntries);
        if (parts.Length < 2 || !ulong.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out ulong seed)
            || !ulong.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out ulong gamma))
            throw new InvalidOperationException($"{ReplayVariable}='{value}' is not \"seed,gamma\" (two unsigned integers, as a failure prints them).");
        return (seed, gamma);
    }

    private static int ParseMaxTest(string? value)
    {
        if (string.IsNullOrWhiteSpace(value)) return 100;
        return int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out int n) && n > 0 ? n
            : throw new InvalidOperationException($"{MaxTestVariable}='{value}' is not a positive integer.");
    }
}
