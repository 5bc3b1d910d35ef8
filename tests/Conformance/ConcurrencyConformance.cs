using System.Numerics;
using System.Runtime.CompilerServices;
using LossConformance.Kit;
using Xunit.Abstractions;

namespace LossConformance.Conformance;

/// <summary>
/// spec/kernels.md, <c>KERNEL-CONCURRENT</c>: every capability method (<see cref="Kernels{T}"/>) called from 8
/// threads at once, on 8 different inputs and on one input, returns bit for bit what the same call returns made
/// alone, and throws nothing. An implementation that declares <see cref="INotThreadSafe"/> is skipped with its reason.
/// Each test runs <see cref="Rounds"/> rounds from one seed (fresh per run, printed on failure; CONFORMANCE_REPLAY's
/// seed replays it); it does not take CONFORMANCE_MAX_TEST cases, so that it stays cheap in CI.
/// </summary>
public abstract class ConcurrencyConformance<T>(ITestOutputHelper output, params object[] implementations)
    : Suite<T>(output, implementations) where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>Threads calling at once.</summary>
    public const int Threads = 8;

    /// <summary>Rounds of 8 inputs per test.</summary>
    public const int Rounds = 4;

    /// <summary>Calls each thread makes, one after another, within a round.</summary>
    private const int CallsPerThread = 2;

    [ForEachImplementation, Spec("KERNEL-CONCURRENT"), Requires(typeof(IEntropy<>))]
    public void Entropy_is_the_same_when_called_concurrently(string implementation) => Concurrently(implementation, Kernels<T>.Entropy, Vector);

    [ForEachImplementation, Spec("KERNEL-CONCURRENT"), Requires(typeof(ICrossEntropy<>))]
    public void Cross_entropy_is_the_same_when_called_concurrently(string implementation) => Concurrently(implementation, Kernels<T>.CrossEntropy, Vector);

    [ForEachImplementation, Spec("KERNEL-CONCURRENT"), Requires(typeof(IKlDivergence<>))]
    public void Kl_divergence_is_the_same_when_called_concurrently(string implementation) => Concurrently(implementation, Kernels<T>.Kl, Vector);

    [ForEachImplementation, Spec("KERNEL-CONCURRENT"), Requires(typeof(ISoftmax<>))]
    public void Softmax_is_the_same_when_called_concurrently(string implementation)
    {
        Concurrently(implementation, Kernels<T>.Softmax, Vector);
        Concurrently(implementation, Kernels<T>.LogSoftmax, Vector);
        Concurrently(implementation, Kernels<T>.LogSumExp, Vector);
    }

    [ForEachImplementation, Spec("KERNEL-CONCURRENT"), Requires(typeof(ISoftmaxJacobian<>))]
    public void Jacobian_is_the_same_when_called_concurrently(string implementation) => Concurrently(implementation, Kernels<T>.Jacobian, rng => Up(rng, 64));

    [ForEachImplementation, Spec("KERNEL-CONCURRENT"), Requires(typeof(ISoftmaxCrossEntropy<>))]
    public void Softmax_cross_entropy_is_the_same_when_called_concurrently(string implementation)
    {
        Concurrently(implementation, Kernels<T>.CrossEntropyFromLogits, Vector);
        Concurrently(implementation, Kernels<T>.LogitGradient, Vector);
        Concurrently(implementation, Kernels<T>.ProbabilityGradient, Vector);
    }

    [ForEachImplementation, Spec("KERNEL-CONCURRENT"), Requires(typeof(IBatchedSoftmaxCrossEntropy<>))]
    public void Batched_kernel_is_the_same_when_called_concurrently(string implementation) => Concurrently(implementation, Kernels<T>.Batched, Vector);

    [ForEachImplementation, Spec("KERNEL-CONCURRENT"), Requires(typeof(IBinaryCrossEntropy<>))]
    public void Binary_cross_entropy_is_the_same_when_called_concurrently(string implementation) => Concurrently(implementation, Kernels<T>.Binary, _ => 1);

    [ForEachImplementation, Spec("KERNEL-CONCURRENT"), Requires(typeof(ILinearLayer<>))]
    public void Linear_layer_is_the_same_when_called_concurrently(string implementation)
    {
        Concurrently(implementation, Kernels<T>.LinearForward, rng => Up(rng, 64));
        Concurrently(implementation, Kernels<T>.LinearLossAndGradients, rng => Up(rng, 64));
    }

    [ForEachImplementation, Spec("KERNEL-CONCURRENT"), Requires(typeof(ISequenceLoss<>))]
    public void Sequence_loss_is_the_same_when_called_concurrently(string implementation) => Concurrently(implementation, Kernels<T>.SequenceLoss, rng => Up(rng, 32));

    /// <summary>
    /// Per round: 8 inputs, each called alone (twice: a call that is not even repeatable alone is reported as such);
    /// then 8 threads released together, thread i calling input i; then 8 threads all calling input 0.
    /// Every concurrent result must be bit for bit the result of its input alone.
    /// </summary>
    private void Concurrently<TCase>(string implementation, Kernel<T, TCase> kernel, Func<Random, int> size, [CallerMemberName] string test = "") where TCase : ICase
    {
        int seed = Settings.Replay is var (s, _) ? (int)(s & int.MaxValue) : Random.Shared.Next();
        // Reported as a skip with the implementation's reason (ImplementationTestCase turns this exception into one).
        if (ImplementationUnderTest.Find(implementation) is { Instance: INotThreadSafe declared } named)
            throw new KnownDeviationException($"{named.Name} ({Fp<T>.Name}) declares INotThreadSafe, so KERNEL-CONCURRENT is not checked: {declared.NotThreadSafeReason}");
        Expect(implementation, $"{kernel.Name}, {Threads} threads at once", impl =>
        {
            var rng = new Random(seed);
            for (int round = 1; round <= Rounds; round++)
            {
                var cases = Enumerable.Range(0, Threads).Select(_ => kernel.Build(rng, size(rng))).ToArray();
                var alone = new Results[Threads];
                for (int i = 0; i < Threads; i++)
                {
                    alone[i] = kernel.Call(impl.Instance, cases[i], Placement<T>.At(0));
                    if (alone[i].Damage is { } damage) return Fail(round, $"called alone on input {i}: {damage}", cases[i]);
                    var again = kernel.Call(impl.Instance, cases[i], Placement<T>.At(0));
                    if (again.FirstDifference(alone[i]) is { } where)
                        return Fail(round, $"called alone twice on input {i}, the two calls differ at {where}: the implementation is not deterministic even without threads", cases[i]);
                }
                foreach (var (what, inputOf) in new (string, Func<int, int>)[] { ("each thread on its own input", i => i), ("every thread on input 0", _ => 0) })
                {
                    var failure = RunTogether(impl.Instance, kernel, cases, alone, inputOf);
                    if (failure is { } f) return Fail(round, $"{Threads} threads at once, {what}: thread {f.Thread} (input {inputOf(f.Thread)}) {f.What}", cases[inputOf(f.Thread)]);
                }
            }
            return Verdict.That(true, $"{kernel.Name}: {Rounds} rounds of {Threads} threads × {CallsPerThread} calls, on different inputs and on one input, bit-identical to the calls made alone (seed {seed})");
        }, test);

        Verdict Fail(int round, string what, TCase c) =>
            Verdict.That(false, $"{kernel.Name}, round {round} of seed {seed} (replay: {Settings.ReplayVariable}=\"{seed},0\"): {what}\n  input: {Abbreviate(c.Describe())}");
    }

    /// <summary>Starts 8 threads, released together by a barrier; thread i calls input inputOf(i) <see cref="CallsPerThread"/> times. The first difference or exception, or null.</summary>
    private static (int Thread, string What)? RunTogether<TCase>(object instance, Kernel<T, TCase> kernel, TCase[] cases, Results[] alone, Func<int, int> inputOf) where TCase : ICase
    {
        var failures = new (int Thread, string What)?[Threads];
        using var start = new Barrier(Threads);
        var threads = Enumerable.Range(0, Threads).Select(t => new Thread(() =>
        {
            int i = inputOf(t);
            try
            {
                start.SignalAndWait();
                for (int call = 1; call <= CallsPerThread && failures[t] is null; call++)
                {
                    var results = kernel.Call(instance, cases[i], Placement<T>.At(0));
                    if (results.Damage is { } damage) failures[t] = (t, $"call {call}: {damage}");
                    else if (results.FirstDifference(alone[i]) is { } where) failures[t] = (t, $"call {call} differs from the call made alone at {where}");
                }
            }
            catch (Exception e) { failures[t] = (t, $"threw {e.GetType().Name}: {e.Message}"); }
        }) { IsBackground = true, Name = $"KERNEL-CONCURRENT {t}" }).ToArray();
        foreach (var thread in threads) thread.Start();
        foreach (var thread in threads) thread.Join();
        return failures.FirstOrDefault(f => f is not null);
    }

    /// <summary>1 … 49 (half the rounds' inputs), else up to <paramref name="largest"/>.</summary>
    private static int Up(Random rng, int largest) =>
        rng.Next(2) == 0 ? rng.Next(1, Math.Min(largest, Sweeps.LongestLength) + 1) : rng.Next(1, largest + 1);

    private static int Vector(Random rng) => Up(rng, 1024);

    private static string Abbreviate(string s) => s.Length <= 400 ? s : s[..400] + " …";
}
