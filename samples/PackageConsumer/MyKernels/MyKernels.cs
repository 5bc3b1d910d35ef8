using LossConformance;

namespace MyPlugin;

/// <summary>Entropy and softmax in float64: two of the contract's capabilities; the suites skip the rest, naming what is missing.</summary>
public sealed class MyKernels : INamedImplementation, IEntropy<double>, ISoftmax<double>
{
    public string Name => "MyKernels";

    /// <summary>H(p) = −Σ pᵢ ln pᵢ, with 0 · ln 0 = 0.</summary>
    public double Entropy(ReadOnlySpan<double> p)
    {
        InputRules.Distribution(p, nameof(p));
        double sum = 0;
        foreach (double pi in p)
            if (pi != 0) sum += pi * Math.Log(pi);
        return 0 - sum;   // +0, not −0, for a one-hot p
    }

    public void Softmax(ReadOnlySpan<double> logits, Span<double> probabilities)
    {
        InputRules.Softmax(logits, probabilities, nameof(probabilities));
        double m = Max(logits), sum = 0;
        for (int i = 0; i < logits.Length; i++) sum += probabilities[i] = Math.Exp(logits[i] - m);
        for (int i = 0; i < logits.Length; i++) probabilities[i] /= sum;
    }

    /// <summary>ln ŷᵢ = (zᵢ − m) − ln Σⱼ exp(zⱼ − m): the shift first, then ℓ from it (ACC-XENT-LOGITS).</summary>
    public void LogSoftmax(ReadOnlySpan<double> logits, Span<double> logProbabilities)
    {
        InputRules.Softmax(logits, logProbabilities, nameof(logProbabilities));
        double m = Max(logits), lnSum = Math.Log(SumExpShifted(logits, m));
        for (int i = 0; i < logits.Length; i++) logProbabilities[i] = (logits[i] - m) - lnSum;
    }

    public double LogSumExp(ReadOnlySpan<double> logits)
    {
        InputRules.Finite(logits, nameof(logits));
        double m = Max(logits);
        return m + Math.Log(SumExpShifted(logits, m));
    }

    private static double Max(ReadOnlySpan<double> z)
    {
        InputRules.NonEmpty(z, "logits");
        double m = z[0];
        foreach (double v in z) m = Math.Max(m, v);
        return m;
    }

    private static double SumExpShifted(ReadOnlySpan<double> z, double m)
    {
        double sum = 0;
        foreach (double v in z) sum += Math.Exp(v - m);
        return sum;
    }
}
