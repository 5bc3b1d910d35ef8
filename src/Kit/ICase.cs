namespace LossConformance.Kit;

/// <summary>A generated input: its size, the hard cases it reaches (for Classify) and a pasteable description.</summary>
public interface ICase
{
    /// <summary>The vector length (number of classes) the failure message reports.</summary>
    int N { get; }

    /// <summary>Labels such as "p has zeros", "n = 1", "|z| ≥ 1e3"; counted and printed per property.</summary>
    IEnumerable<string> Tags { get; }

    /// <summary>Every value, round-trip formatted, one named input a line.</summary>
    string Describe();
}
