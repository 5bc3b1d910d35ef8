using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using FsCheck;
using FsCheck.Fluent;
using LossConformance.Kit;
using Ref = LossConformance.Reference;

namespace LossConformance.Conformance;

/// <summary>
/// The results of one call in float64 (every T converts exactly): the values it returned, then
/// every output span in the order the call placed them, and what it did outside its spans.
/// </summary>
internal sealed record Results(double[] Values, double[][] Outputs, string? Damage)
{
    /// <summary>Null when both are bit for bit the same (−0 ≠ +0, NaN payloads count), else where they first differ.</summary>
    public string? FirstDifference(Results other)
    {
        for (int i = 0; i < Values.Length; i++)
            if (BitConverter.DoubleToInt64Bits(Values[i]) != BitConverter.DoubleToInt64Bits(other.Values[i]))
                return $"returned value: {Show.Number(Values[i])} vs {Show.Number(other.Values[i])}";
        for (int k = 0; k < Outputs.Length; k++)
            for (int i = 0; i < Outputs[k].Length; i++)
                if (BitConverter.DoubleToInt64Bits(Outputs[k][i]) != BitConverter.DoubleToInt64Bits(other.Outputs[k][i]))
                    return $"output {k} [{i}]: {Show.Number(Outputs[k][i])} vs {Show.Number(other.Outputs[k][i])}";
        return null;
    }

    /// <summary>The largest |difference| between the two calls' entries (0 when bit-identical).</summary>
    public double LargestDifference(Results other)
    {
        double d = 0;
        for (int i = 0; i < Values.Length; i++) d = Math.Max(d, Math.Abs(Values[i] - other.Values[i]));
        for (int k = 0; k < Outputs.Length; k++)
            for (int i = 0; i < Outputs[k].Length; i++) d = Math.Max(d, Math.Abs(Outputs[k][i] - other.Outputs[k][i]));
        return d;
    }
}

/// <summary>
/// Where a call's spans lie: each in a larger pinned array, starting a given number of elements past a
/// 64-byte boundary (the widest vector, <see cref="Vector512{T}"/>), with two vectors' worth of padding on
/// each side. Input padding is NaN, so a value read from outside an input span shows in the results;
/// output padding holds a guard value that must survive the call, and the output itself starts filled with
/// <see cref="Agreement.Sentinel"/>, so an entry left unwritten shows. Inputs must come back unmodified.
/// </summary>
internal sealed class Placement<T>(Func<int, int> offsetOfSpan) where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>Elements per 64-byte vector.</summary>
    public static int Width { get; } = Vector512<byte>.Count / Unsafe.SizeOf<T>();

    private static readonly int Pad = 2 * Width;
    private const double Guard = -54321;
    private const int IndexPad = int.MinValue;

    private readonly List<(T[] Array, int Start, int Length, T[] Before)> _inputs = [];
    private readonly List<(int[] Array, int[] Before)> _indexInputs = [];
    private readonly List<(T[] Array, int Start, int Length)> _outputs = [];
    private int _spans;

    /// <summary>Every span at the same offset past the boundary (0: aligned).</summary>
    public static Placement<T> At(int offset) => new(_ => offset);

    /// <summary>A copy of the values, placed.</summary>
    public ReadOnlySpan<T> In(T[] values)
    {
        var (array, start) = Allocate(values.Length, Fp<T>.From(double.NaN));
        values.CopyTo(array, start);
        _inputs.Add((array, start, values.Length, (T[])array.Clone()));
        return array.AsSpan(start, values.Length);
    }

    /// <summary>A copy of the indices, placed (int padding).</summary>
    public ReadOnlySpan<int> In(int[] values)
    {
        int offset = offsetOfSpan(_spans++);
        var array = new int[values.Length + 2 * Pad + offset];
        Array.Fill(array, IndexPad);
        values.CopyTo(array, Pad + offset);
        _indexInputs.Add((array, (int[])array.Clone()));
        return array.AsSpan(Pad + offset, values.Length);
    }

    /// <summary>An output span of n entries, filled with the sentinel, guarded on both sides.</summary>
    public Span<T> Out(int n)
    {
        var (array, start) = Allocate(n, Fp<T>.From(Guard));
        array.AsSpan(start, n).Fill(Fp<T>.From(Agreement.Sentinel));
        _outputs.Add((array, start, n));
        return array.AsSpan(start, n);
    }

    /// <summary>The results, with the values the call returned; call it after the call.</summary>
    public Results Finish(params T[] values) =>
        new(values.Select(Fp<T>.ToDouble).ToArray(),
            _outputs.Select(o => Fp<T>.ToDouble(o.Array.AsSpan(o.Start, o.Length).ToArray())).ToArray(),
            Damage());

    private string? Damage()
    {
        for (int k = 0; k < _inputs.Count; k++)
        {
            var (array, start, length, before) = _inputs[k];
            for (int i = 0; i < array.Length; i++)
                if (!Same(array[i], before[i]))
                    return i >= start && i < start + length
                        ? $"input span {k} was modified at [{i - start}] (an input is read-only)"
                        : $"memory {(i < start ? start - i : i - start - length + 1)} element(s) {(i < start ? "before" : "after")} input span {k} was modified";
        }
        foreach (var (array, before) in _indexInputs)
            if (!array.AsSpan().SequenceEqual(before)) return "an index input or the memory around it was modified";
        for (int k = 0; k < _outputs.Count; k++)
        {
            var (array, start, length) = _outputs[k];
            for (int i = 0; i < array.Length; i++)
            {
                if (i >= start && i < start + length) continue;
                if (!Same(array[i], Fp<T>.From(Guard)))
                    return $"wrote {(i < start ? start - i : i - start - length + 1)} element(s) {(i < start ? "before" : "after")} output span {k} (value {Show.Number(Fp<T>.ToDouble(array[i]))})";
            }
        }
        return null;
    }

    private static bool Same(T a, T b) => Fp<T>.ToDouble(a).Equals(Fp<T>.ToDouble(b))
        && BitConverter.DoubleToInt64Bits(Fp<T>.ToDouble(a)) == BitConverter.DoubleToInt64Bits(Fp<T>.ToDouble(b))
        || (T.IsNaN(a) && T.IsNaN(b));

    /// <summary>A pinned array holding n elements at the requested offset past a 64-byte boundary, the rest filled with <paramref name="padding"/>.</summary>
    private (T[] Array, int Start) Allocate(int n, T padding)
    {
        int offset = offsetOfSpan(_spans++);
        var array = GC.AllocateArray<T>(n + 2 * Pad + Width + offset, pinned: true);   // the pinned heap: the address never changes
        Array.Fill(array, padding);
        nint address = Unsafe.ByteOffset(ref Unsafe.NullRef<T>(), ref MemoryMarshal.GetArrayDataReference(array));
        int misalignment = (int)(address % Vector512<byte>.Count);
        int toBoundary = misalignment == 0 ? 0 : (Vector512<byte>.Count - misalignment) / Unsafe.SizeOf<T>();
        return (array, toBoundary + Pad + offset);
    }
}

/// <summary>One capability method: how to build its input of a given size, call it on placed spans, and check the results against the reference.</summary>
/// <param name="Name">The method, e.g. <c>ISoftmax.LogSoftmax</c>.</param>
/// <param name="Build">An input whose vectorised dimension (the length, the classes, the columns, the vocabulary) is the given size.</param>
/// <param name="Call">Calls the capability of the implementation object on spans placed by the placement.</param>
/// <param name="Agrees">The results against the float64 reference, within the implementation's bound plus the reference's.</param>
/// <param name="ReferenceTest">
/// The conformance-suite test whose check <paramref name="Agrees"/> repeats: a known deviation an implementation declares
/// for it on tagged inputs (<see cref="KnownDeviation.Inputs"/>) is a departure from the formula, not from this area, and
/// such inputs are left out of the checks against the reference (and counted in the test's output).
/// </param>
internal sealed record Kernel<T, TCase>(string Name, Func<Random, int, TCase> Build, Func<object, TCase, Placement<T>, Results> Call,
                                        Func<TCase, Results, Verdict> Agrees, string ReferenceTest)
    where T : unmanaged, IFloatingPointIeee754<T> where TCase : ICase
{
    /// <summary>The implementation's declared deviation of <see cref="ReferenceTest"/> on inputs tagged as this one, if any.</summary>
    public KnownDeviation? DeclaredDeviation(object implementation, TCase c) =>
        implementation is IKnownDeviations declared
            ? declared.KnownDeviations.FirstOrDefault(d => d.Test == ReferenceTest && (d.ElementType is null || d.ElementType == typeof(T))
                                                           && d.Inputs is { } scope && c.Tags.Contains(scope))
            : null;
}

/// <summary>Several inputs of one kernel, one per size (<see cref="Sweeps.Lengths{T,TCase}"/>); shrinks to the single failing one.</summary>
public sealed class Sweep<TCase>(IReadOnlyList<(int Size, TCase Case)> cases) : ICase where TCase : ICase
{
    public IReadOnlyList<(int Size, TCase Case)> Cases { get; } = cases;
    public int N => Cases.Max(c => c.Case.N);
    public IEnumerable<string> Tags => [Cases.Count == 1 ? $"size {Cases[0].Size}" : $"sizes {Cases[0].Size} … {Cases[^1].Size}"];

    public string Describe() => Cases.Count == 1
        ? $"size {Cases[0].Size}: {Cases[0].Case.Describe()}"
        : $"{Cases.Count} inputs of sizes {Cases[0].Size} … {Cases[^1].Size} (the replay regenerates them); the shrunk input is the one that failed";
}

internal static class Sweeps
{
    /// <summary>
    /// The longest length swept: three of the widest vectors of float (Vector512: 16 lanes) plus one, 49, for
    /// both element types — every tail length 0 … 15 after 0, 1, 2 and 3 full vectors of float, and more than
    /// that for double (8 lanes).
    /// </summary>
    public static int LongestLength { get; } = 3 * Vector512<float>.Count + 1;

    /// <summary>One input of every size 1 … <see cref="LongestLength"/>, each from its own seed drawn from the case's seed.</summary>
    public static Arbitrary<Sweep<TCase>> Lengths<T, TCase>(Kernel<T, TCase> kernel) where T : unmanaged, IFloatingPointIeee754<T> where TCase : ICase =>
        Arb.From(
            Generate<T>.Seeded(rng => new Sweep<TCase>(Enumerable.Range(1, LongestLength).Select(n => (n, kernel.Build(new Random(rng.Next()), n))).ToArray())),
            s => s.Cases.Count <= 1 ? [] : s.Cases.Select(c => new Sweep<TCase>([c])));

    /// <summary>Inputs of sizes drawn by <paramref name="size"/>.</summary>
    public static Arbitrary<TCase> Sized<T, TCase>(Kernel<T, TCase> kernel, Func<Random, int> size) where T : unmanaged, IFloatingPointIeee754<T> where TCase : ICase =>
        Arb.From(Generate<T>.Seeded(rng => kernel.Build(rng, size(rng))));
}

/// <summary>
/// Every capability method of the contract as a <see cref="Kernel{T, TCase}"/>, with the differential check of
/// its conformance suite (same reference, same bounds: <c>SoftmaxConformance</c>, <c>EntropyConformance</c>, …).
/// </summary>
internal static class Kernels<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    // ---- inputs of a given size ----

    public static DistributionCase<T> Distribution(Random rng, int n)
    {
        var (w, kind) = Generate<T>.Weights(rng, n);
        return new DistributionCase<T>(Generate<T>.Normalise(w), kind);
    }

    /// <summary>p and q of <see cref="Generate{T}.Weights"/> kinds with supp p ⊆ supp q (as <see cref="Generate{T}.DistributionPairs"/>).</summary>
    public static DistributionPairCase<T> Pair(Random rng, int n)
    {
        var (pw, kind) = Generate<T>.Weights(rng, n);
        var (qw, qkind) = rng.Next(4) == 0 ? (pw, "q = p") : Generate<T>.Weights(rng, n);
        for (int i = 0; i < n; i++) if (pw[i] > 0 && qw[i] == 0) qw[i] = Generate<T>.Tiny;
        var p = Generate<T>.Normalise(pw);
        var q = Generate<T>.Normalise(qw);
        for (int i = 0; i < n; i++) if (p[i] > T.Zero && q[i] == T.Zero) q[i] = T.Epsilon;
        return new DistributionPairCase<T>(p, q, $"p {kind}, q {qkind}");
    }

    public static LogitsCase<T> Logits(Random rng, int n)
    {
        var (z, kind) = Generate<T>.LogitValues(rng, n);
        return new LogitsCase<T>(Fp<T>.From(z), kind);
    }

    public static LogitsTargetCase<T> LogitsWithTarget(Random rng, int n)
    {
        var (z, kind) = Generate<T>.LogitValues(rng, n);
        var (y, targetKind) = rng.Next(2) == 0 ? Generate<T>.Target(rng, z) : GradientCases<T>.TargetWeights(rng, z);
        return new LogitsTargetCase<T>(Fp<T>.From(z), y, kind, targetKind);
    }

    /// <summary>1–4 rows of <paramref name="classes"/> classes (the dimension a row's softmax vectorises over).</summary>
    public static BatchCase<T> Batch(Random rng, int classes) => BatchCases<T>.OfShape(rng, rng.Next(1, 5), classes);

    /// <summary>As <see cref="LinearCases{T}.FullPrecision"/> with n = <paramref name="n"/> outputs (columns of W) and m in 1–6.</summary>
    public static LayerCase<T> Layer(Random rng, int n) => Layer(rng, rng.Next(1, 7), n);

    public static LayerCase<T> Layer(Random rng, int m, int n)
    {
        double xs = rng.Next(2) == 0 ? 1 : 10, ws = new[] { 0.1, 1, 10 }[rng.Next(3)], bs = rng.Next(4) == 0 ? 1e3 : 1;
        var x = Generate<T>.Uniform(rng, m, xs);
        var w = Generate<T>.Uniform(rng, m * n, ws);
        var b = Generate<T>.Uniform(rng, n, bs);
        var (y, targetKind) = Generate<T>.Target(rng, LinearAccuracy.ExactLogits(x, w, b));
        return new LayerCase<T>(Fp<T>.From(x), Fp<T>.From(w), Fp<T>.From(b), y, new double[m * n], new double[n],
            $"m = {m}, x ±{xs:G3}, W ±{ws:G3}, b ±{bs:G3}", targetKind);
    }

    /// <summary>As <see cref="SequenceCases{T}.FullPrecision"/> with vocabulary V = <paramref name="v"/> and T in 1–8.</summary>
    public static SequenceCase<T> Sequence(Random rng, int v) => Sequence(rng, v, rng.Next(1, 9));

    public static SequenceCase<T> Sequence(Random rng, int v, int steps)
    {
        var tokens = new int[steps + 1];
        for (int t = 0; t <= steps; t++) tokens[t] = rng.Next(v);
        double scale = new[] { 0.1, 1, 10, 100 }[rng.Next(4)];
        var w = Generate<T>.Uniform(rng, v * v, scale);
        var b = Generate<T>.Uniform(rng, v, scale);
        double lambda = new[] { 0.0, 1e-3, 0.1, 1, 2.5 }[rng.Next(5)];
        return new SequenceCase<T>(tokens, v, Fp<T>.From(w), Fp<T>.From(b), Fp<T>.From(lambda), new double[v * v], new double[v],
            $"random tokens, W and b ±{scale:G3}");
    }

    // ---- the kernels ----

    public static Kernel<T, DistributionCase<T>> Entropy { get; } = new("IEntropy.Entropy", Distribution,
        (impl, c, at) => at.Finish(((IEntropy<T>)impl).Entropy(at.In(c.P))),
        (c, r) =>
        {
            var (expected, slack) = EntropyConformance<T>.Reference(c.PD);
            return Agreement.Scalar<T>("H(p)", r.Values[0], expected, Accuracy.Entropy<T>(c.PD) + Accuracy.Entropy<double>(c.PD) + slack);
        },
        "Entropy_agrees_with_the_reference");

    public static Kernel<T, DistributionPairCase<T>> CrossEntropy { get; } = new("ICrossEntropy.CrossEntropy", Pair,
        (impl, c, at) => at.Finish(((ICrossEntropy<T>)impl).CrossEntropy(at.In(c.P), at.In(c.Q))),
        (c, r) =>
        {
            var (expected, slack) = CrossEntropyConformance<T>.Reference(c.PD, c.QD);
            return Agreement.Scalar<T>("H(p, q)", r.Values[0], expected, Accuracy.CrossEntropy<T>(c.PD, c.QD) + Accuracy.CrossEntropy<double>(c.PD, c.QD) + slack);
        },
        "Cross_entropy_agrees_with_the_reference");

    public static Kernel<T, DistributionPairCase<T>> Kl { get; } = new("IKlDivergence.KlDivergence", Pair,
        (impl, c, at) => at.Finish(((IKlDivergence<T>)impl).KlDivergence(at.In(c.P), at.In(c.Q))),
        (c, r) =>
        {
            var (expected, slack) = KlDivergenceConformance<T>.Reference(c.PD, c.QD);
            return Agreement.Scalar<T>("D(p‖q)", r.Values[0], expected, Accuracy.Kl<T>(c.PD, c.QD) + Accuracy.Kl<double>(c.PD, c.QD) + slack);
        },
        "Forward_kl_agrees_with_the_reference");

    public static Kernel<T, LogitsCase<T>> Softmax { get; } = new("ISoftmax.Softmax", Logits,
        (impl, c, at) =>
        {
            var y = at.Out(c.N);
            ((ISoftmax<T>)impl).Softmax(at.In(c.Z), y);
            return at.Finish();
        },
        (c, r) =>
        {
            var expected = new double[c.N];
            Ref.Softmax.Of(c.ZD, expected);
            return Agreement.Vector<T>("ŷ", r.Outputs[0], expected, Agreement.Plus(Accuracy.Softmax<T>(c.ZD), Accuracy.Softmax<double>(c.ZD)));
        },
        "Softmax_agrees_with_the_reference");

    public static Kernel<T, LogitsCase<T>> LogSoftmax { get; } = new("ISoftmax.LogSoftmax", Logits,
        (impl, c, at) =>
        {
            var l = at.Out(c.N);
            ((ISoftmax<T>)impl).LogSoftmax(at.In(c.Z), l);
            return at.Finish();
        },
        (c, r) =>
        {
            var expected = new double[c.N];
            Ref.Softmax.Log(c.ZD, expected);
            return Agreement.Vector<T>("ln ŷ", r.Outputs[0], expected, Agreement.Plus(Accuracy.LogSoftmax<T>(c.ZD), Accuracy.LogSoftmax<double>(c.ZD)));
        },
        "Log_softmax_agrees_with_the_reference");

    public static Kernel<T, LogitsCase<T>> LogSumExp { get; } = new("ISoftmax.LogSumExp", Logits,
        (impl, c, at) => at.Finish(((ISoftmax<T>)impl).LogSumExp(at.In(c.Z))),
        (c, r) => Agreement.Scalar<T>("logsumexp(z)", r.Values[0], Ref.Softmax.LogSumExp(c.ZD),
            Accuracy.LogSumExpBound<T>(c.ZD) + Accuracy.LogSumExpBound<double>(c.ZD)),
        "Log_sum_exp_agrees_with_the_reference");

    public static Kernel<T, LogitsCase<T>> Jacobian { get; } = new("ISoftmaxJacobian.SoftmaxJacobian", Logits,
        (impl, c, at) =>
        {
            var j = at.Out(c.N * c.N);
            ((ISoftmaxJacobian<T>)impl).SoftmaxJacobian(at.In(c.Z), j);
            return at.Finish();
        },
        (c, r) =>
        {
            var expected = new double[c.N * c.N];
            Ref.Softmax.Jacobian(c.ZD, expected);
            return Agreement.Vector<T>("J (row-major)", r.Outputs[0], expected,
                Agreement.Plus(SoftmaxAccuracy.Jacobian<T>(c.ZD), SoftmaxAccuracy.Jacobian<double>(c.ZD)));
        },
        "Jacobian_agrees_with_the_reference");

    public static Kernel<T, LogitsTargetCase<T>> CrossEntropyFromLogits { get; } = new("ISoftmaxCrossEntropy.CrossEntropyFromLogits", LogitsWithTarget,
        (impl, c, at) => at.Finish(((ISoftmaxCrossEntropy<T>)impl).CrossEntropyFromLogits(at.In(c.Y), at.In(c.Z))),
        (c, r) => Agreement.Scalar<T>("CE(y, softmax z)", r.Values[0], Ref.CrossEntropy.FromLogits(c.YD, c.ZD),
            Accuracy.CrossEntropyFromLogits<T>(c.YD, c.ZD) + Accuracy.CrossEntropyFromLogits<double>(c.YD, c.ZD)),
        "Cross_entropy_from_logits_agrees_with_the_reference");

    public static Kernel<T, LogitsTargetCase<T>> LogitGradient { get; } = new("ISoftmaxCrossEntropy.CrossEntropyLogitGradient", LogitsWithTarget,
        (impl, c, at) =>
        {
            var g = at.Out(c.N);
            ((ISoftmaxCrossEntropy<T>)impl).CrossEntropyLogitGradient(at.In(c.Y), at.In(c.Z), g);
            return at.Finish();
        },
        (c, r) =>
        {
            var expected = new double[c.N];
            Ref.SoftmaxCrossEntropy.LogitGradient(c.YD, c.ZD, expected);
            return Agreement.Vector<T>("∂L/∂z", r.Outputs[0], expected,
                Agreement.Plus(Accuracy.LogitGradient<T>(c.YD, c.ZD), Accuracy.LogitGradient<double>(c.YD, c.ZD)));
        },
        "Logit_gradient_agrees_with_the_reference");

    public static Kernel<T, DistributionPairCase<T>> ProbabilityGradient { get; } = new("ISoftmaxCrossEntropy.CrossEntropyProbabilityGradient", Pair,
        (impl, c, at) =>
        {
            var g = at.Out(c.N);
            ((ISoftmaxCrossEntropy<T>)impl).CrossEntropyProbabilityGradient(at.In(c.P), at.In(c.Q), g);
            return at.Finish();
        },
        (c, r) =>
        {
            // As SoftmaxCrossEntropyConformance: q normalised only within float's τ(n) is rescaled for the reference.
            var expected = new double[c.N];
            if (Agreement.IsDoubleDistribution(c.QD))
                Ref.SoftmaxCrossEntropy.ProbabilityGradient(c.PD, c.QD, expected);
            else
            {
                double s = Accuracy.Sum(c.QD);
                Ref.SoftmaxCrossEntropy.ProbabilityGradient(c.PD, Agreement.Scaled(c.QD, s), expected);
                for (int i = 0; i < expected.Length; i++) expected[i] /= s;
            }
            var bound = Agreement.Plus(GradientAccuracy.ProbabilityGradient<T>(c.PD, c.QD), GradientAccuracy.ProbabilityGradient<double>(c.PD, c.QD));
            for (int i = 0; i < bound.Length; i++) bound[i] += 2 * Fp<double>.U * Math.Abs(expected[i]);
            return Agreement.Vector<T>("∂L/∂ŷ", r.Outputs[0], expected, bound);
        },
        "Probability_gradient_agrees_with_the_reference");

    public static Kernel<T, BatchCase<T>> Batched { get; } = new("IBatchedSoftmaxCrossEntropy.ForwardBackward", Batch,
        (impl, c, at) =>
        {
            var g = at.Out(c.Logits.Length);
            T loss = ((IBatchedSoftmaxCrossEntropy<T>)impl).ForwardBackward(at.In(c.Logits), c.Classes, at.In(c.Targets), c.IgnoreIndex, c.Reduction, g);
            return at.Finish(loss);
        },
        (c, r) => BatchedAgrees(c, r.Values[0], r.Outputs[0]),
        "Batched_loss_and_gradient_agree_with_the_reference");

    /// <summary>The batched loss and gradient against the reference's fused computation (as <c>SoftmaxCrossEntropyConformance</c>).</summary>
    public static Verdict BatchedAgrees(BatchCase<T> c, double loss, double[] gradient)
    {
        var expectedGradient = new double[c.Logits.Length];
        double expectedLoss = Ref.SoftmaxCrossEntropy.Batched(c.LogitsD, c.Classes, c.Targets, c.IgnoreIndex, c.Reduction, expectedGradient);
        return Agreement.Scalar<T>($"{c.Reduction} loss over {c.Counted} counted rows", loss, expectedLoss,
                   GradientAccuracy.BatchedLoss<T>(c.LogitsD, c.Classes, c.Targets, c.IgnoreIndex, c.Reduction)
                   + GradientAccuracy.BatchedLoss<double>(c.LogitsD, c.Classes, c.Targets, c.IgnoreIndex, c.Reduction))
             & Agreement.Vector<T>("∂L/∂logits (row-major)", gradient, expectedGradient,
                   Agreement.Plus(GradientAccuracy.BatchedGradient<T>(c.LogitsD, c.Classes, c.Targets, c.IgnoreIndex, c.Reduction),
                                  GradientAccuracy.BatchedGradient<double>(c.LogitsD, c.Classes, c.Targets, c.IgnoreIndex, c.Reduction)));
    }

    public static Kernel<T, LayerCase<T>> LinearForward { get; } = new("ILinearLayer.Forward", Layer,
        (impl, c, at) =>
        {
            var z = at.Out(c.N);
            ((ILinearLayer<T>)impl).Forward(at.In(c.X), at.In(c.W), at.In(c.B), z);
            return at.Finish();
        },
        (c, r) =>
        {
            var expected = new double[c.N];
            Ref.LinearLayer.Forward(c.XD, c.WD, c.BD, expected);
            return Agreement.Vector<T>("z = Wᵀx + b", r.Outputs[0], expected,
                Agreement.Plus(LinearAccuracy.Logits<T>(c.XD, c.WD, c.BD), LinearAccuracy.Logits<double>(c.XD, c.WD, c.BD)));
        },
        "Logits_agree_with_the_reference");

    public static Kernel<T, LayerCase<T>> LinearLossAndGradients { get; } = new("ILinearLayer.LossAndGradients", Layer,
        (impl, c, at) =>
        {
            var gw = at.Out(c.M * c.N);
            var gb = at.Out(c.N);
            T loss = ((ILinearLayer<T>)impl).LossAndGradients(at.In(c.X), at.In(c.W), at.In(c.B), at.In(c.Y), gw, gb);
            return at.Finish(loss);
        },
        (c, r) =>
        {
            var rw = new double[c.M * c.N];
            var rb = new double[c.N];
            double expected = LinearLayerConformance<T>.Reference(c, rw, rb);
            var mine = LinearAccuracy.Gradients<T>(c.XD, c.WD, c.BD, c.YD);
            var theirs = LinearAccuracy.Gradients<double>(c.XD, c.WD, c.BD, c.YD);
            return Agreement.Scalar<T>("L", r.Values[0], expected, LinearAccuracy.Loss<T>(c.XD, c.WD, c.BD, c.YD) + LinearAccuracy.Loss<double>(c.XD, c.WD, c.BD, c.YD))
                 & Agreement.Vector<T>("∂L/∂W (row-major m × n)", r.Outputs[0], rw, Agreement.Plus(mine.Weights, theirs.Weights))
                 & Agreement.Vector<T>("∂L/∂b", r.Outputs[1], rb, Agreement.Plus(mine.Bias, theirs.Bias));
        },
        "Loss_agrees_with_the_reference");

    public static Kernel<T, SequenceCase<T>> SequenceLoss { get; } = new("ISequenceLoss.LossAndGradients", Sequence,
        (impl, c, at) =>
        {
            var gw = at.Out(c.V * c.V);
            var gb = at.Out(c.V);
            T loss = ((ISequenceLoss<T>)impl).LossAndGradients(at.In(c.Tokens), c.V, at.In(c.W), at.In(c.B), c.Lambda, gw, gb);
            return at.Finish(loss);
        },
        (c, r) =>
        {
            var rw = new double[c.V * c.V];
            var rb = new double[c.V];
            double expected = Ref.SequenceLoss.LossAndGradients(c.Tokens, c.V, c.WD, c.BD, c.LambdaD, rw, rb);
            var mine = SequenceAccuracy.Gradients<T>(c.Tokens, c.V, c.WD, c.BD, c.LambdaD);
            var theirs = SequenceAccuracy.Gradients<double>(c.Tokens, c.V, c.WD, c.BD, c.LambdaD);
            return Agreement.Scalar<T>("L", r.Values[0], expected,
                       SequenceAccuracy.Loss<T>(c.Tokens, c.V, c.WD, c.BD, c.LambdaD) + SequenceAccuracy.Loss<double>(c.Tokens, c.V, c.WD, c.BD, c.LambdaD))
                 & Agreement.Vector<T>("∂L/∂W (row-major V × V)", r.Outputs[0], rw, Agreement.Plus(mine.Weights, theirs.Weights))
                 & Agreement.Vector<T>("∂L/∂b", r.Outputs[1], rb, Agreement.Plus(mine.Bias, theirs.Bias));
        },
        "Loss_agrees_with_the_reference");

    /// <summary>Binary cross-entropy takes no span; only the thread-count check uses it (size unused).</summary>
    public static Kernel<T, BinaryCase<T>> Binary { get; } = new("IBinaryCrossEntropy", (rng, _) => BinaryOf(rng),
        (impl, c, at) =>
        {
            var bce = (IBinaryCrossEntropy<T>)impl;
            return at.Finish(bce.BinaryCrossEntropyWithLogit(c.Z, c.Y), bce.BinaryCrossEntropyLogitGradient(c.Z, c.Y));
        },
        (c, r) => Agreement.Scalar<T>("L(z, y)", r.Values[0], Ref.SoftmaxCrossEntropy.BinaryWithLogit(c.ZD, c.YD),
                      GradientAccuracy.BinaryLoss<T>(c.ZD, c.YD) + GradientAccuracy.BinaryLoss<double>(c.ZD, c.YD))
                & Agreement.Scalar<T>("∂L/∂z", r.Values[1], Ref.SoftmaxCrossEntropy.BinaryLogitGradient(c.ZD, c.YD),
                      GradientAccuracy.BinaryGradient<T>(c.ZD, c.YD) + GradientAccuracy.BinaryGradient<double>(c.ZD, c.YD)),
        "Binary_cross_entropy_and_its_gradient_agree_with_the_reference");

    /// <summary>z of the kinds of <see cref="GradientCases{T}.BinaryFullPrecision"/>, y ∈ {0, 1, ½} or uniform in [0, 1].</summary>
    private static BinaryCase<T> BinaryOf(Random rng)
    {
        double sign = rng.Next(2) == 0 ? 1 : -1;
        var (z, kind) = rng.Next(5) switch
        {
            0 => (0.0, "z = 0"),
            1 => (sign * rng.NextDouble() * 5, "|z| < 5"),
            2 => (sign * (17 + rng.NextDouble() * 23), "|z| in 17–40"),
            3 => (sign * 1e4, "z = ±1e4"),
            _ => ((rng.NextDouble() * 2 - 1) * 100, "z in ±100"),
        };
        double y = rng.Next(4) switch { 0 => 0.0, 1 => 1.0, 2 => 0.5, _ => rng.NextDouble() };
        return new BinaryCase<T>(Fp<T>.From(z), Fp<T>.From(y), kind);
    }
}
