using LossConformance.Optimized.Torch;
using LossConformance.Optimized.Torch.Native;

namespace LossConformance.Autograd;

/// <summary>
/// The third gradient oracle (beside the identity ŷ − y and central differences): gradients by
/// libtorch's autograd, float64, on the CPU, whatever implementation is under test. It
/// differentiates the loss graph (softmax, cross-entropy, the linear map, the L2 term), so it shares
/// no formula with the identity and no truncation error with finite differences.
/// <para>
/// xunit runs test classes in parallel, and the oracle is called from the float and the double classes of
/// three suites at once, while TorchSharp itself is under test on other threads. The calls are serialized
/// (one oracle call at a time, <see cref="Gate"/>) and each runs with grad mode switched on for its own
/// thread (libtorch's grad mode is thread-local and a thread-pool thread may come with it off), so that
/// the oracle's answer is a function of its input alone (OracleIsDeterministic checks it under load).
/// </para>
/// </summary>
internal static class AutogradOracle
{
    private static readonly TorchImplementation Torch = new(TorchDeviceKind.Cpu);
    private static readonly Lock Gate = new();

    private static void Serialized(Action call)
    {
        TorchRuntime.EnsureLoaded();   // before the first torch call (src/Optimized/Torch/Native)
        lock (Gate)
        {
            using var grad = TorchSharp.torch.enable_grad();
            call();
        }
    }

    /// <summary>∂L/∂z of L = −Σ yᵢ ln softmax(z)ᵢ.</summary>
    public static double[] LogitGradient(double[] y, double[] z)
    {
        var g = new double[z.Length];
        Serialized(() => ((ISoftmaxCrossEntropy<double>)Torch).CrossEntropyLogitGradient(y, z, g));
        return g;
    }

    /// <summary>
    /// ∂L/∂W and ∂L/∂b of L = −Σ yⱼ ln softmax(Wᵀx + b)ⱼ. The target must be a distribution in double; a float
    /// target normalised only within float's τ(n) is passed as y/Σy and the gradients scaled by Σy (both are
    /// linear in y, so this is exact in exact arithmetic and adds at most 2u of double).
    /// </summary>
    public static (double[] Weights, double[] Bias) LinearGradients(double[] x, double[] w, double[] b, double[] y)
    {
        var gw = new double[w.Length];
        var gb = new double[b.Length];
        double s = 0;
        foreach (double v in y) s += v;
        bool isDistribution;
        try { InputRules.Distribution<double>(y, "target"); isDistribution = true; }
        catch (ArgumentException) { isDistribution = false; }
        var target = isDistribution ? y : Array.ConvertAll(y, v => v / s);
        Serialized(() => ((ILinearLayer<double>)Torch).LossAndGradients(x, w, b, target, gw, gb));
        if (!isDistribution)
        {
            for (int i = 0; i < gw.Length; i++) gw[i] *= s;
            for (int j = 0; j < gb.Length; j++) gb[j] *= s;
        }
        return (gw, gb);
    }

    /// <summary>∂L/∂W and ∂L/∂b of the teacher-forced sequence loss with λ · ½‖W‖².</summary>
    public static (double[] Weights, double[] Bias) SequenceGradients(int[] tokens, int v, double[] w, double[] b, double lambda)
    {
        var gw = new double[w.Length];
        var gb = new double[b.Length];
        Serialized(() => ((ISequenceLoss<double>)Torch).LossAndGradients(tokens, v, w, b, lambda, gw, gb));
        return (gw, gb);
    }
}
