namespace LossConformance.SelfTests.Mutants;

// The mistake of a kernel that is right alone and wrong under load (spec/kernels.md, KERNEL-CONCURRENT).

/// <summary>
/// Softmax through one scratch buffer shared by every call, without a lock: exp(zᵢ − m) is written there, then
/// read back to normalise. Alone it is the reference's answer; when calls overlap, one call normalises another's
/// exponentials. (The sleep between the write and the read stands for the work a real kernel does there; it makes
/// the overlap certain on a machine of any core count.)
/// </summary>
[Breaks("KERNEL-CONCURRENT")]
public sealed class SoftmaxWithASharedScratchBuffer : Mutant
{
    private static double[] _scratch = new double[16];

    public override void Softmax(ReadOnlySpan<double> logits, Span<double> probabilities)
    {
        Ref.Softmax(logits, probabilities);   // validates, and writes the right answer
        int n = logits.Length;
        if (_scratch.Length < n) _scratch = new double[n];
        var scratch = _scratch;
        double m = double.NegativeInfinity;
        foreach (double z in logits) m = Math.Max(m, z);
        for (int i = 0; i < n; i++) scratch[i] = Math.Exp(logits[i] - m);
        Thread.Sleep(1);
        double s = 0;
        for (int i = 0; i < n; i++) s += scratch[i];
        for (int i = 0; i < n; i++) probabilities[i] = scratch[i] / s;
    }
}
