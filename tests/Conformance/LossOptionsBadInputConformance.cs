using System.Numerics;
using LossConformance.Kit;
using Xunit.Abstractions;

namespace LossConformance.Conformance;

/// <summary>
/// <c>LOSSOPT-INPUT</c>: every bad option, upstream and output length, one at a time, on a valid call of both methods of
/// <see cref="IBatchedSoftmaxCrossEntropyWithOptions{T}"/>. A rejected call throws <see cref="ArgumentException"/> (a subclass
/// conforms) whose ParamName is the one the clause names, and leaves its outputs (filled with a sentinel) as they were.
/// The edges the rules accept (ε = 0 and 1, λ_z = 0, c = +∞, a tiny c, zero weights, zero upstream) must not throw.
/// </summary>
public abstract class LossOptionsBadInputConformance<T>(ITestOutputHelper output, params object[] implementations)
    : Suite<T>(output, implementations) where T : unmanaged, IFloatingPointIeee754<T>
{
    private const int V = 3, R = 2;
    private static readonly double[] Logits = [1, -2, 0.5, 3, 0, -1];
    private static readonly int[] Targets = [2, -100];

    private sealed record Case(string Name, CrossEntropyOptions<T>? Options, string? ParamName, LossReduction Reduction = LossReduction.Mean,
                               int Upstream = R, double UpstreamValue = 1, int Losses = R, bool PerTokenOnly = false, bool ReducedOnly = false);

    private static CrossEntropyOptions<T> With(Func<CrossEntropyOptions<T>, CrossEntropyOptions<T>> change) => change(new CrossEntropyOptions<T>());

    private static IEnumerable<Case> Rejected()
    {
        foreach (double eps in new[] { -0.125, 1.5, double.NaN, double.PositiveInfinity })
            yield return new($"ε = {eps}", With(o => o with { LabelSmoothing = Fp<T>.From(eps) }), InputRules.LabelSmoothingParam);
        foreach (double lambda in new[] { -1e-4, double.NaN, double.PositiveInfinity, double.NegativeInfinity })
            yield return new($"λ_z = {lambda}", With(o => o with { ZLossScale = Fp<T>.From(lambda) }), InputRules.ZLossScaleParam);
        foreach (double cap in new[] { 0, -0.0, -30, double.NaN, double.NegativeInfinity })
            yield return new($"c = {cap}", With(o => o with { SoftCap = Fp<T>.From(cap) }), InputRules.SoftCapParam);
        foreach (var (label, w) in new (string, double[])[]
                 {
                     ("weights of length V − 1", [1, 1]), ("weights of length V + 1", [1, 1, 1, 1]),
                     ("a negative weight", [1, -0.5, 1]), ("a NaN weight", [1, double.NaN, 1]),
                     ("an infinite weight", [double.PositiveInfinity, 1, 1]),
                 })
            yield return new(label, With(o => o with { ClassWeights = Fp<T>.From(w) }), InputRules.ClassWeightsParam);
        yield return new("null options", null, "options");
        yield return new("undefined reduction", new CrossEntropyOptions<T>(), "reduction", Reduction: (LossReduction)7, ReducedOnly: true);
        yield return new("upstream of length R − 1", new CrossEntropyOptions<T>(), "upstream", Upstream: R - 1, PerTokenOnly: true);
        yield return new("upstream of length R + 1", new CrossEntropyOptions<T>(), "upstream", Upstream: R + 1, PerTokenOnly: true);
        yield return new("a NaN upstream", new CrossEntropyOptions<T>(), "upstream", UpstreamValue: double.NaN, PerTokenOnly: true);
        yield return new("an infinite upstream", new CrossEntropyOptions<T>(), "upstream", UpstreamValue: double.NegativeInfinity, PerTokenOnly: true);
        yield return new("losses of length R − 1", new CrossEntropyOptions<T>(), "losses", Losses: R - 1, PerTokenOnly: true);
    }

    private static IEnumerable<Case> Accepted()
    {
        yield return new("ε = 0", With(o => o with { LabelSmoothing = T.Zero }), null);
        yield return new("ε = 1", With(o => o with { LabelSmoothing = T.One }), null);
        yield return new("λ_z = 0", With(o => o with { ZLossScale = T.Zero }), null);
        yield return new("c = +∞", With(o => o with { SoftCap = T.PositiveInfinity }), null);
        yield return new("c = 2⁻²⁰", With(o => o with { SoftCap = Fp<T>.From(Math.ScaleB(1.0, -20)) }), null);
        yield return new("all weights 0", With(o => o with { ClassWeights = Fp<T>.From([0.0, 0, 0]) }), null);
        yield return new("upstream 0", new CrossEntropyOptions<T>(), null, UpstreamValue: 0);
    }

    [ForEachImplementation, Spec("LOSSOPT-INPUT"), Requires(typeof(IBatchedSoftmaxCrossEntropyWithOptions<>))]
    public void Bad_options_are_rejected_naming_them_and_nothing_is_written(string implementation)
    {
        foreach (var c in Rejected())
            Expect(implementation, c.Name, impl => Judge(impl, c));
    }

    [ForEachImplementation, Spec("LOSSOPT-INPUT"), Requires(typeof(IBatchedSoftmaxCrossEntropyWithOptions<>))]
    public void The_edges_of_the_options_are_accepted(string implementation)
    {
        foreach (var c in Accepted())
            Expect(implementation, c.Name, impl => Judge(impl, c));
    }

    private static Verdict Judge(ImplementationUnderTest impl, Case c)
    {
        var kernel = impl.As<IBatchedSoftmaxCrossEntropyWithOptions<T>>();
        var logits = Fp<T>.From(Logits);
        var verdict = Verdict.That(true, "");
        if (!c.PerTokenOnly)
        {
            var g = Agreement.Filled<T>(R * V, Agreement.Sentinel);
            verdict &= Outcome($"ForwardBackward ({c.Name})", c, () => kernel.ForwardBackward(logits, V, Targets, c.Options!, c.Reduction, g), g);
        }
        if (!c.ReducedOnly)
        {
            var g = Agreement.Filled<T>(R * V, Agreement.Sentinel);
            var losses = Agreement.Filled<T>(c.Losses, Agreement.Sentinel);
            var upstream = Agreement.Filled<T>(c.Upstream, 1);
            upstream[0] = Fp<T>.From(c.UpstreamValue);
            verdict &= Outcome($"ForwardBackwardPerToken ({c.Name})", c,
                () => kernel.ForwardBackwardPerToken(logits, V, Targets, c.Options!, upstream, losses, g), g, losses);
        }
        return verdict;
    }

    private static Verdict Outcome(string call, Case c, Action invoke, params T[][] outputs)
    {
        try
        {
            invoke();
        }
        catch (ArgumentException e) when (c.ParamName is not null)
        {
            bool untouched = outputs.All(o => o.All(v => v == Fp<T>.From(Agreement.Sentinel)));
            return Verdict.That(e.ParamName == c.ParamName, $"{call}: {e.GetType().Name} names '{e.ParamName}', expected '{c.ParamName}'")
                 & Verdict.That(untouched, untouched ? $"{call}: nothing written" : $"{call}: rejected, yet wrote to an output (LOSSOPT-INPUT, INPUT-NO-WRITE)");
        }
        catch (Exception e)
        {
            return Verdict.That(false, c.ParamName is null
                ? $"{call}: valid input rejected with {e.GetType().Name}: {e.Message}"
                : $"{call}: threw {e.GetType().Name} ({e.Message}), expected an ArgumentException naming '{c.ParamName}'");
        }
        if (c.ParamName is not null) return Verdict.That(false, $"{call}: accepted; expected an ArgumentException naming '{c.ParamName}'");
        return Verdict.That(outputs.All(o => o.All(T.IsFinite)), $"{call}: accepted, outputs finite");
    }
}
