using System.Numerics;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using LossConformance.Kit;
using Xunit;
using Xunit.Abstractions;

namespace LossConformance.SelfTests;

/// <summary>
/// The generators of src/Kit/Generators must reach the hard cases on purpose (FsCheck's own
/// doubles never do): a suite whose inputs never contain an exact zero cannot see a missing
/// 0 · ln 0 = 0 convention. These tests sample each arbitrary and require every hard case to
/// occur, and check that every generated distribution passes the input rules it is fed to.
/// </summary>
public sealed class GeneratorReach(ITestOutputHelper output)
{
    /// <summary>Cases drawn per arbitrary. Every hard case below has probability ≥ 1 % per draw, so missing one by chance has probability below 0.99¹⁰⁰⁰ ≈ 4e-5.</summary>
    private const int Samples = 1000;

    // ---- properties (FsCheck.Xunit): generated inputs are valid inputs ----

    [Property(Arbitrary = [typeof(GeneratedCases)]), Spec("ACC-NORMALISATION")]
    public Property Every_generated_double_distribution_is_accepted_by_the_input_rules(DistributionCase<double> c) =>
        Accepted(c.P, "p").Classify(c.N > 512, "n > 512").Classify(c.PD.Any(v => v == 0), "p has zeros");

    [Property(Arbitrary = [typeof(GeneratedCases)]), Spec("ACC-NORMALISATION")]
    public Property Every_generated_float_distribution_is_accepted_by_the_input_rules(DistributionCase<float> c) =>
        Accepted(c.P, "p").Classify(c.N > 512, "n > 512").Classify(c.PD.Any(v => v == 0), "p has zeros");

    [Property(Arbitrary = [typeof(GeneratedCases)]), Spec("ACC-NORMALISATION")]
    public Property Every_generated_double_pair_is_accepted_by_the_input_rules(DistributionPairCase<double> c) =>
        Accepted(c.P, "p").And(Accepted(c.Q, "q"));

    [Property(Arbitrary = [typeof(GeneratedCases)]), Spec("ACC-NORMALISATION")]
    public Property Every_generated_float_pair_is_accepted_by_the_input_rules(DistributionPairCase<float> c) =>
        Accepted(c.P, "p").And(Accepted(c.Q, "q"));

    [Property(Arbitrary = [typeof(GeneratedCases)]), Spec("ACC-NORMALISATION")]
    public Property Every_generated_double_target_is_accepted_by_the_input_rules(LogitsTargetCase<double> c) =>
        Accepted(c.Y, "y");

    [Property(Arbitrary = [typeof(GeneratedCases)]), Spec("ACC-NORMALISATION")]
    public Property Every_generated_float_target_is_accepted_by_the_input_rules(LogitsTargetCase<float> c) =>
        Accepted(c.Y, "y");

    private static Property Accepted<T>(T[] p, string name) where T : unmanaged, IFloatingPointIeee754<T>
    {
        try
        {
            InputRules.Distribution<T>(p, name);
            return true.ToProperty();
        }
        catch (ArgumentException e)
        {
            return false.Label($"{name} rejected: {e.Message}");
        }
    }

    // ---- reach: each arbitrary produces its hard cases ----

    [Fact]
    public void Double_distributions_reach_the_hard_cases() => DistributionsReach<double>(1e-290);

    [Fact]
    public void Float_distributions_reach_the_hard_cases() => DistributionsReach<float>(1e-37);

    private void DistributionsReach<T>(double below) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var cases = Sample(Generate<T>.Distributions);
        Reaches(cases, new()
        {
            ["exact zeros in p"] = c => c.PD.Any(v => v == 0),
            ["entries < 1e-30"] = c => c.PD.Any(v => v > 0 && v < 1e-30),
            [$"entries < {below:G1}"] = c => c.PD.Any(v => v > 0 && v < below),
            ["one-hot p (n > 1)"] = c => c.N > 1 && c.PD.Count(v => v > 0) == 1,
            ["uniform p (n > 1)"] = c => c.N > 1 && c.PD.All(v => v == c.PD[0]),
            ["ties (n > 2, repeated values, not uniform)"] = c => c.N > 2 && c.PD.Where(v => v > 0).Distinct().Count() < c.PD.Count(v => v > 0) && c.PD.Distinct().Count() > 1,
            ["n = 1"] = c => c.N == 1,
            ["2 ≤ n ≤ 8"] = c => c.N is >= 2 and <= 8,
            ["n > 512"] = c => c.N > 512,
            ["n = 4096 reachable (n > 3500)"] = c => c.N > 3500,
        });
    }

    [Fact]
    public void Double_distribution_pairs_reach_the_hard_cases() => PairsReach<double>(1e-290);

    [Fact]
    public void Float_distribution_pairs_reach_the_hard_cases() => PairsReach<float>(1e-37);

    private void PairsReach<T>(double below) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var cases = Sample(Generate<T>.DistributionPairs);
        Assert.All(cases, c => Assert.False(c.SupportGap, $"DistributionPairs promises supp p ⊆ supp q, but gave {c.Describe()}"));
        Reaches(cases, new()
        {
            ["p = q"] = c => c.PD.SequenceEqual(c.QD),
            ["p ≈ q but not equal (max |pᵢ − qᵢ| < 1e-3)"] = c => !c.PD.SequenceEqual(c.QD) && c.PD.Zip(c.QD).Max(t => Math.Abs(t.First - t.Second)) < 1e-3,
            ["exact zeros in p"] = c => c.PD.Any(v => v == 0),
            ["exact zeros in q where p is 0"] = c => Enumerable.Range(0, c.N).Any(i => c.QD[i] == 0 && c.PD[i] == 0),
            [$"entries of q < {below:G1}"] = c => c.QD.Any(v => v > 0 && v < below),
            ["one-hot p"] = c => c.N > 1 && c.PD.Count(v => v > 0) == 1,
            ["n = 1"] = c => c.N == 1,
            ["n > 512"] = c => c.N > 512,
        });
    }

    [Fact]
    public void Double_support_gaps_always_have_a_gap() => GapsReach<double>();

    [Fact]
    public void Float_support_gaps_always_have_a_gap() => GapsReach<float>();

    private void GapsReach<T>() where T : unmanaged, IFloatingPointIeee754<T>
    {
        var cases = Sample(Generate<T>.DistributionPairsWithSupportGap);
        Assert.All(cases, c => Assert.True(c.SupportGap, $"DistributionPairsWithSupportGap gave no pᵢ > 0 = qᵢ: {c.Describe()}"));
        Reaches(cases, new()
        {
            ["n = 1"] = c => c.N == 1,
            ["n > 512"] = c => c.N > 512,
            ["one-hot p"] = c => c.N > 1 && c.PD.Count(v => v > 0) == 1,
        });
    }

    [Fact]
    public void Double_logits_reach_the_hard_cases() => LogitsReach<double>();

    [Fact]
    public void Float_logits_reach_the_hard_cases() => LogitsReach<float>();

    private void LogitsReach<T>() where T : unmanaged, IFloatingPointIeee754<T>
    {
        var cases = Sample(Generate<T>.Logits);
        Reaches(cases, new()
        {
            ["|z| ≥ 1e3"] = c => c.ZD.Any(v => Math.Abs(v) >= 1e3),
            ["some z = +1e4 exactly"] = c => c.ZD.Contains(1e4),
            ["some z = −1e4 exactly"] = c => c.ZD.Contains(-1e4),
            ["max z − min z ≥ 1e3 (entries far below the maximum)"] = c => c.ZD.Max() - c.ZD.Min() >= 1e3,
            ["ties (n > 1, repeated values, not constant)"] = c => c.N > 1 && c.ZD.Distinct().Count() < c.N && c.ZD.Distinct().Count() > 1,
            ["constant z (n > 1)"] = c => c.N > 1 && c.ZD.All(v => v == c.ZD[0]),
            ["|z| < 30 (moderate)"] = c => c.ZD.All(v => Math.Abs(v) < 30),
            ["n = 1"] = c => c.N == 1,
            ["n > 512"] = c => c.N > 512,
        });
    }

    [Fact]
    public void Double_logits_with_targets_reach_the_hard_cases() => TargetsReach<double>();

    [Fact]
    public void Float_logits_with_targets_reach_the_hard_cases() => TargetsReach<float>();

    private void TargetsReach<T>() where T : unmanaged, IFloatingPointIeee754<T>
    {
        var cases = Sample(Generate<T>.LogitsWithTarget);
        Reaches(cases, new()
        {
            ["one-hot target (n > 1)"] = c => c.N > 1 && c.YD.Count(v => v > 0) == 1,
            ["one-hot target at the largest logit, others far below (gap ≥ 1e3)"] = c => c.N > 1 && c.YD.Count(v => v > 0) == 1
                && c.ZD[Array.IndexOf(c.YD, c.YD.Max())] == c.ZD.Max() && c.ZD.Max() - c.ZD.Min() >= 1e3,
            ["one-hot target at the smallest logit (n > 1, not constant)"] = c => c.N > 1 && c.YD.Count(v => v > 0) == 1
                && c.ZD[Array.IndexOf(c.YD, c.YD.Max())] == c.ZD.Min() && c.ZD.Max() > c.ZD.Min(),
            ["soft target (≥ 2 non-zero entries)"] = c => c.YD.Count(v => v > 0) >= 2,
            ["soft target with exact zeros"] = c => c.YD.Count(v => v > 0) >= 2 && c.YD.Any(v => v == 0),
            ["uniform target (n > 1)"] = c => c.N > 1 && c.YD.All(v => v == c.YD[0]),
            ["|z| ≥ 1e3"] = c => c.ZD.Any(v => Math.Abs(v) >= 1e3),
            ["z = ±1e4 exactly"] = c => c.ZD.Any(v => Math.Abs(v) == 1e4),
            ["ties in z"] = c => c.ZD.Distinct().Count() < c.N,
            ["n = 1"] = c => c.N == 1,
            ["n > 512"] = c => c.N > 512,
        });
    }

    // ---- helpers ----

    private static TCase[] Sample<TCase>(Arbitrary<TCase> arbitrary) => Gen.Sample(arbitrary.Generator, Samples);

    /// <summary>Every named predicate holds for at least one sampled case; prints how often each did.</summary>
    private void Reaches<TCase>(TCase[] cases, Dictionary<string, Func<TCase, bool>> hardCases) where TCase : ICase
    {
        var missed = new List<string>();
        foreach (var (name, holds) in hardCases)
        {
            int count = cases.Count(holds);
            output.WriteLine($"{name}: {count} of {cases.Length}");
            if (count == 0) missed.Add(name);
        }
        Assert.True(missed.Count == 0,
            $"{typeof(TCase).Name}: {cases.Length} samples never reached: {string.Join("; ", missed)}. The suites cannot test what the generators do not produce.");
    }
}

/// <summary>The Kit's arbitraries, registered for FsCheck.Xunit's [Property].</summary>
public static class GeneratedCases
{
    public static Arbitrary<DistributionCase<double>> DoubleDistributions() => Generate<double>.Distributions;
    public static Arbitrary<DistributionCase<float>> FloatDistributions() => Generate<float>.Distributions;
    public static Arbitrary<DistributionPairCase<double>> DoublePairs() => Generate<double>.DistributionPairs;
    public static Arbitrary<DistributionPairCase<float>> FloatPairs() => Generate<float>.DistributionPairs;
    public static Arbitrary<LogitsTargetCase<double>> DoubleTargets() => Generate<double>.LogitsWithTarget;
    public static Arbitrary<LogitsTargetCase<float>> FloatTargets() => Generate<float>.LogitsWithTarget;
}
