using System.Globalization;

namespace LossConformance.Kit;

/// <summary>
/// Run settings read from the environment:
/// <c>CONFORMANCE_REPLAY</c> = "seed,gamma" replays a printed failure exactly;
/// <c>CONFORMANCE_MAX_TEST</c> = generated cases per property (default 100) for longer searches.
/// </summary>
public static class Settings
{
    public const string ReplayVariable = "CONFORMANCE_REPLAY";
    public const string MaxTestVariable = "CONFORMANCE_MAX_TEST";

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
