using System.Numerics;
using System.Runtime.CompilerServices;
using LossConformance.Kit;
using Xunit.Abstractions;

namespace LossConformance.Conformance;

/// <summary>
/// spec/kernels.md: what vectorised and multithreaded kernels must keep of the mathematics. Every
/// capability method (<see cref="Kernels{T}"/>) is checked against the float64 reference with its
/// conformance suite's bound at every length 1 … 49 (<c>KERNEL-LENGTH</c>), with its spans 0, 1, 2 and 3
/// elements past a 64-byte boundary and NaN around its inputs (<c>KERNEL-LAYOUT</c>), and — for an
/// implementation that declares <see cref="IMultithreadedImplementation"/> — bit for bit the same for
/// 1, 2 and <see cref="Environment.ProcessorCount"/> threads and on repeated calls (<c>KERNEL-THREADS</c>).
/// </summary>
public abstract class KernelConformance<T>(ITestOutputHelper output, params object[] implementations)
    : Suite<T>(output, implementations) where T : unmanaged, IFloatingPointIeee754<T>
{
    // ---- KERNEL-LENGTH: every length 1 … 3·16 + 1, vector tails included ----

    [ForEachImplementation, Spec("KERNEL-LENGTH"), Requires(typeof(IEntropy<>))]
    public void Entropy_conforms_at_every_length(string implementation) => EveryLength(implementation, Kernels<T>.Entropy);

    [ForEachImplementation, Spec("KERNEL-LENGTH"), Requires(typeof(ICrossEntropy<>))]
    public void Cross_entropy_conforms_at_every_length(string implementation) => EveryLength(implementation, Kernels<T>.CrossEntropy);

    [ForEachImplementation, Spec("KERNEL-LENGTH"), Requires(typeof(IKlDivergence<>))]
    public void Kl_divergence_conforms_at_every_length(string implementation) => EveryLength(implementation, Kernels<T>.Kl);

    [ForEachImplementation, Spec("KERNEL-LENGTH"), Requires(typeof(ISoftmax<>))]
    public void Softmax_conforms_at_every_length(string implementation)
    {
        EveryLength(implementation, Kernels<T>.Softmax);
        EveryLength(implementation, Kernels<T>.LogSoftmax);
        EveryLength(implementation, Kernels<T>.LogSumExp);
    }

    /// <summary>n × n for n = 1 … 49: the dimension a row of J vectorises over.</summary>
    [ForEachImplementation, Spec("KERNEL-LENGTH"), Requires(typeof(ISoftmaxJacobian<>))]
    public void Jacobian_conforms_at_every_length(string implementation) => EveryLength(implementation, Kernels<T>.Jacobian);

    [ForEachImplementation, Spec("KERNEL-LENGTH"), Requires(typeof(ISoftmaxCrossEntropy<>))]
    public void Softmax_cross_entropy_conforms_at_every_length(string implementation)
    {
        EveryLength(implementation, Kernels<T>.CrossEntropyFromLogits);
        EveryLength(implementation, Kernels<T>.LogitGradient);
        EveryLength(implementation, Kernels<T>.ProbabilityGradient);
    }

    /// <summary>1–4 rows of 1 … 49 classes.</summary>
    [ForEachImplementation, Spec("KERNEL-LENGTH"), Requires(typeof(IBatchedSoftmaxCrossEntropy<>))]
    public void Batched_kernel_conforms_at_every_number_of_classes(string implementation) => EveryLength(implementation, Kernels<T>.Batched);

    /// <summary>m × n with n = 1 … 49 outputs (the columns of W, the dimension of z).</summary>
    [ForEachImplementation, Spec("KERNEL-LENGTH"), Requires(typeof(ILinearLayer<>))]
    public void Linear_layer_conforms_at_every_number_of_outputs(string implementation)
    {
        EveryLength(implementation, Kernels<T>.LinearForward);
        EveryLength(implementation, Kernels<T>.LinearLossAndGradients);
    }

    /// <summary>Vocabulary V = 1 … 49 (W is V × V).</summary>
    [ForEachImplementation, Spec("KERNEL-LENGTH"), Requires(typeof(ISequenceLoss<>))]
    public void Sequence_loss_conforms_at_every_vocabulary_size(string implementation) => EveryLength(implementation, Kernels<T>.SequenceLoss);

    // ---- KERNEL-LAYOUT: spans at offsets 0–3 past a 64-byte boundary, NaN around inputs, guards around outputs ----

    [ForEachImplementation, Spec("KERNEL-LAYOUT"), Requires(typeof(IEntropy<>))]
    public void Entropy_conforms_at_any_offset(string implementation) => AnyOffset(implementation, Kernels<T>.Entropy, VectorLength);

    [ForEachImplementation, Spec("KERNEL-LAYOUT"), Requires(typeof(ICrossEntropy<>))]
    public void Cross_entropy_conforms_at_any_offset(string implementation) => AnyOffset(implementation, Kernels<T>.CrossEntropy, VectorLength);

    [ForEachImplementation, Spec("KERNEL-LAYOUT"), Requires(typeof(IKlDivergence<>))]
    public void Kl_divergence_conforms_at_any_offset(string implementation) => AnyOffset(implementation, Kernels<T>.Kl, VectorLength);

    [ForEachImplementation, Spec("KERNEL-LAYOUT"), Requires(typeof(ISoftmax<>))]
    public void Softmax_conforms_at_any_offset(string implementation)
    {
        AnyOffset(implementation, Kernels<T>.Softmax, VectorLength);
        AnyOffset(implementation, Kernels<T>.LogSoftmax, VectorLength);
        AnyOffset(implementation, Kernels<T>.LogSumExp, VectorLength);
    }

    [ForEachImplementation, Spec("KERNEL-LAYOUT"), Requires(typeof(ISoftmaxJacobian<>))]
    public void Jacobian_conforms_at_any_offset(string implementation) => AnyOffset(implementation, Kernels<T>.Jacobian, rng => Up(rng, 64));

    [ForEachImplementation, Spec("KERNEL-LAYOUT"), Requires(typeof(ISoftmaxCrossEntropy<>))]
    public void Softmax_cross_entropy_conforms_at_any_offset(string implementation)
    {
        AnyOffset(implementation, Kernels<T>.CrossEntropyFromLogits, VectorLength);
        AnyOffset(implementation, Kernels<T>.LogitGradient, VectorLength);
        AnyOffset(implementation, Kernels<T>.ProbabilityGradient, VectorLength);
    }

    [ForEachImplementation, Spec("KERNEL-LAYOUT"), Requires(typeof(IBatchedSoftmaxCrossEntropy<>))]
    public void Batched_kernel_conforms_at_any_offset(string implementation) => AnyOffset(implementation, Kernels<T>.Batched, rng => Up(rng, 512));

    [ForEachImplementation, Spec("KERNEL-LAYOUT"), Requires(typeof(ILinearLayer<>))]
    public void Linear_layer_conforms_at_any_offset(string implementation)
    {
        AnyOffset(implementation, Kernels<T>.LinearForward, rng => Up(rng, 64));
        AnyOffset(implementation, Kernels<T>.LinearLossAndGradients, rng => Up(rng, 64));
    }

    [ForEachImplementation, Spec("KERNEL-LAYOUT"), Requires(typeof(ISequenceLoss<>))]
    public void Sequence_loss_conforms_at_any_offset(string implementation) => AnyOffset(implementation, Kernels<T>.SequenceLoss, rng => Up(rng, 32));

    // ---- KERNEL-THREADS: bit-identical for 1, 2 and ProcessorCount threads and on repeated calls ----

    [ForEachImplementation, Spec("KERNEL-THREADS"), Requires(typeof(IMultithreadedImplementation), typeof(IEntropy<>))]
    public void Entropy_is_the_same_for_any_thread_count(string implementation) => SameForAnyThreadCount(implementation, Kernels<T>.Entropy, LongVector);

    [ForEachImplementation, Spec("KERNEL-THREADS"), Requires(typeof(IMultithreadedImplementation), typeof(ICrossEntropy<>))]
    public void Cross_entropy_is_the_same_for_any_thread_count(string implementation) => SameForAnyThreadCount(implementation, Kernels<T>.CrossEntropy, LongVector);

    [ForEachImplementation, Spec("KERNEL-THREADS"), Requires(typeof(IMultithreadedImplementation), typeof(IKlDivergence<>))]
    public void Kl_divergence_is_the_same_for_any_thread_count(string implementation) => SameForAnyThreadCount(implementation, Kernels<T>.Kl, LongVector);

    [ForEachImplementation, Spec("KERNEL-THREADS"), Requires(typeof(IMultithreadedImplementation), typeof(ISoftmax<>))]
    public void Softmax_is_the_same_for_any_thread_count(string implementation)
    {
        SameForAnyThreadCount(implementation, Kernels<T>.Softmax, LongVector);
        SameForAnyThreadCount(implementation, Kernels<T>.LogSoftmax, LongVector);
        SameForAnyThreadCount(implementation, Kernels<T>.LogSumExp, LongVector);
    }

    [ForEachImplementation, Spec("KERNEL-THREADS"), Requires(typeof(IMultithreadedImplementation), typeof(ISoftmaxJacobian<>))]
    public void Jacobian_is_the_same_for_any_thread_count(string implementation) => SameForAnyThreadCount(implementation, Kernels<T>.Jacobian, rng => Up(rng, 256));

    [ForEachImplementation, Spec("KERNEL-THREADS"), Requires(typeof(IMultithreadedImplementation), typeof(ISoftmaxCrossEntropy<>))]
    public void Softmax_cross_entropy_is_the_same_for_any_thread_count(string implementation)
    {
        SameForAnyThreadCount(implementation, Kernels<T>.CrossEntropyFromLogits, LongVector);
        SameForAnyThreadCount(implementation, Kernels<T>.LogitGradient, LongVector);
        SameForAnyThreadCount(implementation, Kernels<T>.ProbabilityGradient, LongVector);
    }

    /// <summary>1–67 rows (several blocks of rows) of up to 4096 classes.</summary>
    [ForEachImplementation, Spec("KERNEL-THREADS"), Requires(typeof(IMultithreadedImplementation), typeof(IBatchedSoftmaxCrossEntropy<>))]
    public void Batched_kernel_is_the_same_for_any_thread_count(string implementation) =>
        SameForAnyThreadCount(implementation, Kernels<T>.Batched with { Build = (rng, classes) => BatchCases<T>.OfShape(rng, rng.Next(1, 68), classes) },
            rng => Up(rng, 4096));

    [ForEachImplementation, Spec("KERNEL-THREADS"), Requires(typeof(IMultithreadedImplementation), typeof(IBinaryCrossEntropy<>))]
    public void Binary_cross_entropy_is_the_same_for_any_thread_count(string implementation) =>
        SameForAnyThreadCount(implementation, Kernels<T>.Binary, _ => 1);

    /// <summary>m in 1–64 inputs, n up to 1024 outputs.</summary>
    [ForEachImplementation, Spec("KERNEL-THREADS"), Requires(typeof(IMultithreadedImplementation), typeof(ILinearLayer<>))]
    public void Linear_layer_is_the_same_for_any_thread_count(string implementation)
    {
        var wide = Kernels<T>.LinearForward with { Build = (rng, n) => Kernels<T>.Layer(rng, rng.Next(1, 65), n) };
        SameForAnyThreadCount(implementation, wide, rng => Up(rng, 1024));
        SameForAnyThreadCount(implementation, Kernels<T>.LinearLossAndGradients with { Build = wide.Build }, rng => Up(rng, 1024));
    }

    /// <summary>V up to 128, T up to 64 steps.</summary>
    [ForEachImplementation, Spec("KERNEL-THREADS"), Requires(typeof(IMultithreadedImplementation), typeof(ISequenceLoss<>))]
    public void Sequence_loss_is_the_same_for_any_thread_count(string implementation) =>
        SameForAnyThreadCount(implementation, Kernels<T>.SequenceLoss with { Build = (rng, v) => Kernels<T>.Sequence(rng, v, rng.Next(1, 65)) },
            rng => Up(rng, 128));

    // ---- the three checks ----

    /// <summary>Every size 1 … 49, spans aligned to 64 bytes with NaN and guards around them, against the reference.</summary>
    private void EveryLength<TCase>(string implementation, Kernel<T, TCase> kernel, [CallerMemberName] string test = "") where TCase : ICase
    {
        var excluded = new Exclusions();
        Check(implementation, Sweeps.Lengths(kernel), (impl, sweep) =>
        {
            foreach (var (size, c) in sweep.Cases)
            {
                if (excluded.Excuses(kernel, impl, c)) continue;
                var verdict = Conforms(impl.Instance, kernel, c, Placement<T>.At(0), out _);
                if (!verdict.Holds) return verdict with { Observation = $"{kernel.Name}, size {size}: {verdict.Observation}" };
            }
            return Verdict.That(true, $"{kernel.Name} conforms at sizes {sweep.Cases[0].Size} … {sweep.Cases[^1].Size}");
        }, test);
        excluded.Report(Output, kernel.Name);
    }

    /// <summary>
    /// The layouts a call is tried in: every span 0 (aligned), 1, 2 or 3 elements past a 64-byte boundary, and
    /// span k at (k + 1) mod 4 (inputs and outputs misaligned differently).
    /// </summary>
    private static readonly (string Name, Func<Placement<T>> Place)[] Layouts =
    [
        ("spans aligned to 64 bytes", () => Placement<T>.At(0)),
        ("spans 1 element past a 64-byte boundary", () => Placement<T>.At(1)),
        ("spans 2 elements past a 64-byte boundary", () => Placement<T>.At(2)),
        ("spans 3 elements past a 64-byte boundary", () => Placement<T>.At(3)),
        ("span k at (k + 1) mod 4 elements past a boundary", () => new Placement<T>(k => (k + 1) % 4)),
    ];

    /// <summary>
    /// Each layout conforms within the bound. Bit identity with the aligned call is reported, not required
    /// (spec/kernels.md, <c>KERNEL-LAYOUT</c>: a kernel that peels to an aligned boundary may sum in another order).
    /// </summary>
    private void AnyOffset<TCase>(string implementation, Kernel<T, TCase> kernel, Func<Random, int> size, [CallerMemberName] string test = "") where TCase : ICase
    {
        var excluded = new Exclusions();
        Check(implementation, Sweeps.Sized(kernel, size), (impl, c) =>
        {
            if (excluded.Excuses(kernel, impl, c)) return Verdict.That(true, "left out: a declared deviation of the formula's own test");
            Results? aligned = null;
            var differences = new List<string>();
            foreach (var (name, place) in Layouts)
            {
                var verdict = Conforms(impl.Instance, kernel, c, place(), out var results);
                if (!verdict.Holds) return verdict with { Observation = $"{kernel.Name}, {name}: {verdict.Observation}" };
                if (aligned is null) aligned = results;
                else if (results.FirstDifference(aligned) is { } where)
                    differences.Add($"{name}: {where} (largest difference {Show.Number(results.LargestDifference(aligned))}, within the bound)");
            }
            return Verdict.That(true, differences.Count == 0
                ? $"{kernel.Name}: every layout conforms and is bit-identical to the aligned call"
                : $"{kernel.Name}: every layout conforms; not bit-identical to the aligned call (allowed): {string.Join("; ", differences)}");
        }, test);
        excluded.Report(Output, kernel.Name);
    }

    /// <summary>
    /// The same input through WithThreads(P), (2), (1), the instance itself, then WithThreads(P) again (P =
    /// <see cref="Environment.ProcessorCount"/>): every result bit for bit the first one's. Conformance of those
    /// results is the business of the other tests.
    /// </summary>
    private void SameForAnyThreadCount<TCase>(string implementation, Kernel<T, TCase> kernel, Func<Random, int> size, [CallerMemberName] string test = "") where TCase : ICase =>
        Check(implementation, Sweeps.Sized(kernel, size), (impl, c) =>
        {
            var multithreaded = (IMultithreadedImplementation)impl.Instance;
            int p = Environment.ProcessorCount;
            var calls = new List<(string Name, object Instance)>();
            foreach (int threads in new[] { p, 2, 1 })
            {
                object variant = multithreaded.WithThreads(threads);
                if (variant is null || variant.GetType() != impl.Instance.GetType())
                    return Verdict.That(false, $"WithThreads({threads}) returned {variant?.GetType().Name ?? "null"}, not a {impl.Instance.GetType().Name}");
                if (variant is IMultithreadedImplementation { Threads: var used } && (used > threads || used < 1))
                    return Verdict.That(false, $"WithThreads({threads}).Threads = {used}, outside 1 … {threads}");
                calls.Add(($"WithThreads({threads})", variant));
            }
            calls.Add(($"the instance itself ({multithreaded.Threads} threads)", impl.Instance));
            calls.Add(($"WithThreads({p}) called again", calls[0].Instance));

            Results? first = null;
            foreach (var (name, instance) in calls)
            {
                var results = kernel.Call(instance, c, Placement<T>.At(0));
                if (results.Damage is { } damage) return Verdict.That(false, $"{kernel.Name} through {name}: {damage}");
                if (first is null) first = results;
                else if (results.FirstDifference(first) is { } where)
                    return Verdict.That(false, $"{kernel.Name} through {name} differs from {calls[0].Name} at {where}");
            }
            return Verdict.That(true, $"{kernel.Name}: bit-identical for {string.Join(", ", calls.Select(x => x.Name))}");
        }, test);

    /// <summary>Inputs left out of a check against the reference because the implementation declares a deviation of the formula's own test on them.</summary>
    private sealed class Exclusions
    {
        private readonly Dictionary<string, int> _counts = [];

        public bool Excuses<TCase>(Kernel<T, TCase> kernel, ImplementationUnderTest impl, TCase c) where TCase : ICase
        {
            if (kernel.DeclaredDeviation(impl.Instance, c) is not { } d) return false;
            string key = $"{d.Clause} in {d.Test} on inputs tagged '{d.Inputs}'";
            _counts[key] = _counts.GetValueOrDefault(key) + 1;
            return true;
        }

        public void Report(ITestOutputHelper output, string kernel)
        {
            foreach (var (key, count) in _counts)
                output.WriteLine($"{kernel}: {count} evaluation(s) left out, as the implementation declares a known deviation from {key}.");
        }
    }

    private static Verdict Conforms<TCase>(object implementation, Kernel<T, TCase> kernel, TCase c, Placement<T> placement, out Results results) where TCase : ICase
    {
        results = kernel.Call(implementation, c, placement);
        if (results.Damage is { } damage) return Verdict.That(false, damage);
        return kernel.Agrees(c, results);
    }

    /// <summary>1 … 49 (half the cases), else up to <paramref name="largest"/>.</summary>
    private static int Up(Random rng, int largest) =>
        rng.Next(2) == 0 || largest <= Sweeps.LongestLength ? rng.Next(1, Math.Min(largest, Sweeps.LongestLength) + 1) : rng.Next(Sweeps.LongestLength + 1, largest + 1);

    private static int VectorLength(Random rng) => Up(rng, 4096);

    /// <summary><see cref="Generate{T}.Length"/> (1 … 4096), or a single vector of 2¹⁷ entries in one case in ten.</summary>
    private static int LongVector(Random rng) => rng.Next(10) == 0 ? 1 << 17 : Generate<T>.Length(rng);
}
