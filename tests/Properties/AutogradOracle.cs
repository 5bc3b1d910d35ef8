using LossConformance.Optimized.Torch;

namespace LossConformance.Properties;

/// <summary>
/// The third gradient oracle (beside the identity ŷ − y and central differences): gradients by
/// libtorch's autograd, float64, on the CPU, whatever implementation is under test. It
/// differentiates the loss graph (softmax, cross-entropy, the linear map, the L2 term), so it shares
/// no formula with the identity and no truncation error with finite differences.
/// </summary>
internal static class AutogradOracle
{
    private static readonly TorchImplementation Torch = new(TorchDeviceKind.Cpu);

    /// <summary>∂L/∂z of L = −Σ yᵢ ln softmax(z)ᵢ.</summary>
    public static double[] LogitGradient(double[] y, double[] z)
    {
        var g = new double[z.Length];
        ((ISoftmaxCrossEntropy<double>)Torch).CrossEntropyLogitGradient(y, z, g);
        return g;
    }

    /// <summary>∂L/∂W and ∂L/∂b of L = −Σ yⱼ ln softmax(Wᵀx + b)ⱼ.</summary>
    public static (double[] Weights, double[] Bias) LinearGradients(double[] x, double[] w, double[] b, double[] y)
    {
        var gw = new double[w.Length];
        var gb = new double[b.Length];
        ((ILinearLayer<double>)Torch).LossAndGradients(x, w, b, y, gw, gb);
        return (gw, gb);
    }

    /// <summary>∂L/∂W and ∂L/∂b of the teacher-forced sequence loss with λ · ½‖W‖².</summary>
    public static (double[] Weights, double[] Bias) SequenceGradients(int[] tokens, int v, double[] w, double[] b, double lambda)
    {
        var gw = new double[w.Length];
        var gb = new double[b.Length];
        ((ISequenceLoss<double>)Torch).LossAndGradients(tokens, v, w, b, lambda, gw, gb);
        return (gw, gb);
    }
}
