using LossConformance.Kit;
using LossConformance.Oracle;
using Xunit;

namespace LossConformance.Conformance;

/// <summary>
/// The known answers are only as good as the oracle: its arithmetic agrees with published constants, the
/// stored files are exactly what the generator writes now (nobody edited them), and their digits do not
/// move when the oracle's precision is raised.
/// </summary>
public sealed class OracleSelfChecks
{
    public static TheoryData<string> Operations => [.. KnownAnswers.Operations];

    [Fact]
    [Spec("ACC-MODEL")]
    public void Oracle_agrees_with_known_constants_and_rounds_correctly()
    {
        var problems = BigFloat.SelfCheck();
        Assert.True(problems.Count == 0, "The oracle's arithmetic is wrong:" + Environment.NewLine + string.Join(Environment.NewLine, problems));
    }

    [Theory]
    [MemberData(nameof(Operations))]
    [Spec("ACC-MODEL")]
    public void Stored_vectors_equal_a_fresh_generation(string operation)
    {
        string stored = KnownAnswers.StoredCsv(operation).Replace("\r\n", "\n");
        string fresh = KnownAnswers.GenerateCsv(operation);
        if (stored == fresh) return;
        var s = stored.Split('\n');
        var f = fresh.Split('\n');
        int line = 0;
        while (line < Math.Min(s.Length, f.Length) && s[line] == f[line]) line++;
        string Clip(string[] lines) => line < lines.Length ? lines[line][..Math.Min(lines[line].Length, 300)] : "(end of file)";
        Assert.Fail($"tests/Oracle/vectors/{KnownAnswers.FileName(operation)} differs from a fresh generation at line {line + 1}:" + Environment.NewLine +
                    $"  stored: {Clip(s)}" + Environment.NewLine +
                    $"  fresh:  {Clip(f)}" + Environment.NewLine +
                    "Regenerate with `dotnet run --project tests/Oracle` (never edit the files by hand).");
    }

    [Theory]
    [MemberData(nameof(Operations))]
    [Spec("ACC-MODEL")]
    public void Stored_digits_do_not_depend_on_the_oracle_precision(string operation)
    {
        var problems = KnownAnswers.PrecisionDisagreements(KnownAnswers.Load(operation), bits: 320);
        Assert.True(problems.Count == 0, string.Join(Environment.NewLine, problems));
    }

    [Theory]
    [MemberData(nameof(Operations))]
    [Spec("ACC-MODEL")]
    public void Every_operation_has_float_exact_rows_and_nearest_values_match_the_digits(string operation)
    {
        var rows = KnownAnswers.Load(operation);
        Assert.Contains(rows, r => r.FloatExact);
        foreach (var row in rows)
            for (int i = 0; i < row.Nearest.Count; i++)
            {
                // The nearest double and the 40-digit decimal describe the same number: parsing the decimal
                // (error ≤ 0.5 ulp of the double plus 5e-40 relative) lands on the stored double.
                double parsed = KnownAnswers.ParseNumber(row.ExactDecimal[i]);
                Assert.True(parsed.Equals(row.Nearest[i]) || (parsed == 0 && row.Nearest[i] == 0),
                    $"{operation}/{row.Case}[{i}]: exact {row.ExactDecimal[i]} parses to {Show.Number(parsed)}, stored nearest {Show.Number(row.Nearest[i])}");
            }
    }
}
