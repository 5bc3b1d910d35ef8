using System.Numerics;
using LossConformance.Kit;
using Xunit.Abstractions;

namespace LossConformance.Conformance;

/// <summary>
/// spec/bad-input.md, <c>INPUT-UNCHANGED</c>: every capability called on valid inputs of lengths 1, 7, 67 and 1031
/// (past any vector width or unrolled block) leaves its inputs bit for bit as they were. The check itself is the guard
/// that <see cref="ImplementationUnderTest.As{TCapability}"/> puts around every capability, so every call of every
/// suite makes it; these tests make sure each method is called at least once on its own, with the failure named
/// <c>INPUT-UNCHANGED</c>. (A kernel that shifts its logits in place through <c>MemoryMarshal</c> returns correct
/// results and corrupts its caller's data: only a comparison of the inputs shows it.)
/// </summary>
public abstract class InputUnchangedConformance<T>(ITestOutputHelper output, params object[] implementations)
    : Suite<T>(output, implementations) where T : unmanaged, IFloatingPointIeee754<T>
{
    private static readonly int[] Sizes = [1, 7, 67, 1031];

    [ForEachImplementation, Spec("INPUT-UNCHANGED"), Requires(typeof(IEntropy<>), typeof(ICrossEntropy<>), typeof(IKlDivergence<>))]
    public void Information_measures_leave_their_inputs_unchanged(string implementation) =>
        Each(implementation, (impl, n, rng) =>
        {
            T[] p = Distribution(rng, n), q = Distribution(rng, n);
            impl.As<IEntropy<T>>().Entropy(p);
            impl.As<ICrossEntropy<T>>().CrossEntropy(p, q);
            impl.As<IKlDivergence<T>>().KlDivergence(p, q);
        });

    [ForEachImplementation, Spec("INPUT-UNCHANGED"), Requires(typeof(ISoftmax<>))]
    public void Softmax_leaves_its_logits_unchanged(string implementation) =>
        Each(implementation, (impl, n, rng) =>
        {
            T[] z = Logits(rng, n);
            var softmax = impl.As<ISoftmax<T>>();
            softmax.Softmax(z, new T[n]);
            softmax.LogSoftmax(z, new T[n]);
            softmax.LogSumExp(z);
        });

    [ForEachImplementation, Spec("INPUT-UNCHANGED"), Requires(typeof(ISoftmaxJacobian<>))]
    public void Jacobian_leaves_its_logits_unchanged(string implementation) =>
        Each(implementation, (impl, n, rng) =>
        {
            if (n > 100) return;   // n² entries
            impl.As<ISoftmaxJacobian<T>>().SoftmaxJacobian(Logits(rng, n), new T[n * n]);
        });

    [ForEachImplementation, Spec("INPUT-UNCHANGED"), Requires(typeof(ISoftmaxCrossEntropy<>), typeof(IBinaryCrossEntropy<>))]
    public void Softmax_cross_entropy_leaves_its_inputs_unchanged(string implementation) =>
        Each(implementation, (impl, n, rng) =>
        {
            T[] y = Distribution(rng, n), z = Logits(rng, n), q = Positive(rng, n);
            var sce = impl.As<ISoftmaxCrossEntropy<T>>();
            sce.CrossEntropyFromLogits(y, z);
            sce.CrossEntropyLogitGradient(y, z, new T[n]);
            sce.CrossEntropyProbabilityGradient(y, q, new T[n]);
            impl.As<IBinaryCrossEntropy<T>>().BinaryCrossEntropyWithLogit(z[0], Fp<T>.From(0.25));
        });

    [ForEachImplementation, Spec("INPUT-UNCHANGED"), Requires(typeof(IBatchedSoftmaxCrossEntropy<>))]
    public void Batched_kernel_leaves_its_inputs_unchanged(string implementation) =>
        Each(implementation, (impl, n, rng) =>
        {
            int rows = 3;
            T[] z = Logits(rng, rows * n);
            int[] targets = [rng.Next(n), -100, n - 1];
            foreach (var reduction in new[] { LossReduction.Mean, LossReduction.Sum })
                impl.As<IBatchedSoftmaxCrossEntropy<T>>().ForwardBackward(z, n, targets, -100, reduction, new T[rows * n]);
        });

    [ForEachImplementation, Spec("INPUT-UNCHANGED"), Requires(typeof(ILinearLayer<>))]
    public void Linear_layer_leaves_its_inputs_unchanged(string implementation) =>
        Each(implementation, (impl, n, rng) =>
        {
            int m = Math.Min(n, 9);
            T[] x = Logits(rng, m), w = Logits(rng, m * n), b = Logits(rng, n), y = Distribution(rng, n);
            var layer = impl.As<ILinearLayer<T>>();
            layer.Forward(x, w, b, new T[n]);
            layer.LossAndGradients(x, w, b, y, new T[m * n], new T[n]);
        });

    [ForEachImplementation, Spec("INPUT-UNCHANGED"), Requires(typeof(ISequenceLoss<>))]
    public void Sequence_loss_leaves_its_inputs_unchanged(string implementation) =>
        Each(implementation, (impl, n, rng) =>
        {
            if (n > 100) return;   // V² weights
            int[] tokens = Enumerable.Range(0, 9).Select(_ => rng.Next(n)).ToArray();
            impl.As<ISequenceLoss<T>>().LossAndGradients(tokens, n, Logits(rng, n * n), Logits(rng, n), Fp<T>.From(0.125), new T[n * n], new T[n]);
        });

    [ForEachImplementation, Spec("INPUT-UNCHANGED"), Requires(typeof(ISoftmaxRegression<>), typeof(ISoftmaxRegressionOptimizer<>))]
    public void Softmax_regression_leaves_its_inputs_unchanged(string implementation) =>
        Each(implementation, (impl, n, rng) =>
        {
            if (n > 10) return;   // d·k parameters and a (d·k)² Hessian
            int d = n, k = 3, samples = 5, parameters = d * k;
            T[] inputs = Logits(rng, samples * d);
            T[] targets = Enumerable.Range(0, samples).SelectMany(_ => Distribution(rng, k)).ToArray();
            T[] w = Logits(rng, parameters), v = Logits(rng, parameters);
            var problem = new SoftmaxRegressionProblem<T>(inputs, targets, d, k, Fp<T>.From(0.5));
            var regression = impl.As<ISoftmaxRegression<T>>();
            regression.LossAndGradient(problem, w, new T[parameters]);
            regression.Hessian(problem, w, new T[parameters * parameters]);
            regression.HessianVectorProduct(problem, w, v, new T[parameters]);
            var optimizer = impl.As<ISoftmaxRegressionOptimizer<T>>();
            optimizer.GradientDescentStep(problem, w, Fp<T>.From(0.25), new T[parameters]);
            optimizer.NewtonStep(problem, w, new T[parameters]);
        });

    /// <summary>One named case per size; a call that changes an input fails it with <c>INPUT-UNCHANGED</c> (the guard's exception).</summary>
    private void Each(string implementation, Action<ImplementationUnderTest, int, Random> calls, [System.Runtime.CompilerServices.CallerMemberName] string test = "")
    {
        foreach (int n in Sizes)
            Expect(implementation, $"n = {n}", impl =>
            {
                calls(impl, n, new Random(n));
                return Verdict.That(true, "every input bit for bit as before each call");
            }, test);
    }

    /// <summary>Logits in [−8, 8] with distinct values, so that a kernel shifting them by their maximum changes them.</summary>
    private static T[] Logits(Random rng, int n) => Enumerable.Range(0, n).Select(_ => Fp<T>.From(16 * rng.NextDouble() - 8)).ToArray();

    private static T[] Positive(Random rng, int n) => Normalised(Enumerable.Range(0, n).Select(_ => 0.05 + rng.NextDouble()).ToArray());

    private static T[] Distribution(Random rng, int n) => Normalised(Enumerable.Range(0, n).Select(_ => rng.Next(4) == 0 ? 0 : rng.NextDouble()).ToArray());

    /// <summary>A distribution in T: entries rounded to T, the last one set to make the sum 1 (within τ(n)).</summary>
    private static T[] Normalised(double[] weights)
    {
        if (weights.Sum() == 0) weights[0] = 1;
        double total = weights.Sum();
        var p = weights.Select(w => Fp<T>.From(w / total)).ToArray();
        return p;
    }
}
