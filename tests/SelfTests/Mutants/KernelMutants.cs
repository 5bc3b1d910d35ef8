using System.Runtime.InteropServices;
using LossConformance.Reference;

namespace LossConformance.SelfTests.Mutants;

// The mistakes of vectorised, in-place and multithreaded kernels (spec/kernels.md, GRAD-INPLACE in
// spec/softmax-cross-entropy.md): each is right on most inputs and wrong on one code path. The memory
// mutants read or write a few elements past a span; MutantsAreCaught runs them only through the tests
// citing the clauses they break, which place every span inside padding (tests/Conformance/Kernels.cs).

/// <summary>Blocks of 8 with a tail loop that stops one short when the tail is 7 long: lse ignores z_{n−1} at n ≡ 7 (mod 8).</summary>
[Breaks("KERNEL-LENGTH")]
public sealed class LogSumExpWhoseTailStopsOneShort : Mutant
{
    public override double LogSumExp(ReadOnlySpan<double> logits)
    {
        Ref.LogSumExp(logits);   // validates
        int n = logits.Length, full = n - n % 8;
        int end = n % 8 == 7 ? n - 1 : n;
        double m = double.NegativeInfinity;
        for (int i = 0; i < n; i++) m = Math.Max(m, logits[i]);
        double s = 0;
        for (int i = 0; i < full; i++) s += Math.Exp(logits[i] - m);
        for (int i = full; i < end; i++) s += Math.Exp(logits[i] - m);
        return m + Math.Log(s);
    }
}

/// <summary>The maximum taken over whole vectors of 8: reads up to 7 elements past the logits (their neighbours enter m).</summary>
[Breaks("KERNEL-LAYOUT")]
public sealed class SoftmaxWhoseMaximumReadsPastTheSpan : Mutant
{
    public override void Softmax(ReadOnlySpan<double> logits, Span<double> probabilities)
    {
        Ref.Softmax(logits, probabilities);   // validates, and the right answer wherever m is right
        int whole = (logits.Length + 7) / 8 * 8;
        var overRead = MemoryMarshal.CreateReadOnlySpan(ref MemoryMarshal.GetReference(logits), whole);
        double m = double.NegativeInfinity;
        foreach (double z in overRead) m = Math.Max(m, z);
        double s = 0;
        for (int i = 0; i < logits.Length; i++) s += Math.Exp(logits[i] - m);
        for (int i = 0; i < logits.Length; i++) probabilities[i] = Math.Exp(logits[i] - m) / s;
    }
}

/// <summary>Stores whole vectors of 8: writes up to 7 elements past the end of the probabilities.</summary>
[Breaks("KERNEL-LAYOUT")]
public sealed class SoftmaxThatStoresAWholeLastVector : Mutant
{
    public override void Softmax(ReadOnlySpan<double> logits, Span<double> probabilities)
    {
        Ref.Softmax(logits, probabilities);
        int whole = (probabilities.Length + 7) / 8 * 8;
        var overWrite = MemoryMarshal.CreateSpan(ref MemoryMarshal.GetReference(probabilities), whole);
        for (int i = probabilities.Length; i < whole; i++) overWrite[i] = 0;   // the masked-off lanes, stored anyway
    }
}

/// <summary>
/// A multithreaded batched kernel that splits the rows into one contiguous chunk per thread and adds the
/// chunks' partial losses: the grouping of the sum, and so its rounding, depends on the thread count.
/// </summary>
[Breaks("KERNEL-THREADS")]
public sealed class BatchedThatSumsOneChunkPerThread(int threads) : Mutant, IMultithreadedImplementation
{
    public BatchedThatSumsOneChunkPerThread() : this(Environment.ProcessorCount) { }

    public int Threads { get; } = threads;

    public object WithThreads(int threads) => new BatchedThatSumsOneChunkPerThread(threads);

    public override double ForwardBackward(ReadOnlySpan<double> logits, int classes, ReadOnlySpan<int> targets, int ignoreIndex, LossReduction reduction, Span<double> gradient)
    {
        Ref.ForwardBackward(logits, classes, targets, ignoreIndex, reduction, gradient);   // validates; the gradient is right
        int rows = targets.Length, counted = 0;
        int chunk = (rows + Threads - 1) / Threads;
        double loss = 0;
        for (int start = 0; start < rows; start += chunk)
        {
            double partial = 0;
            for (int r = start; r < Math.Min(rows, start + chunk); r++)
            {
                if (targets[r] == ignoreIndex) continue;
                counted++;
                partial += Reference.CrossEntropy.FromLogits(OneHot(classes, targets[r]), logits.Slice(r * classes, classes));
            }
            loss += partial;
        }
        return reduction == LossReduction.Mean && counted > 0 ? loss / counted : loss;
    }

    private static double[] OneHot(int n, int t)
    {
        var y = new double[n];
        y[t] = 1;
        return y;
    }
}

/// <summary>
/// Declares in-place support, writes each row's gradient first and then reads the target's logit for the
/// loss: in place it reads ŷ_t (already overwritten) instead of z_t.
/// </summary>
[Breaks("GRAD-INPLACE")]
public sealed class InPlaceBatchedThatReadsOverwrittenLogits : Mutant, IInPlaceBatchedSoftmaxCrossEntropy<double>
{
    public override double ForwardBackward(ReadOnlySpan<double> logits, int classes, ReadOnlySpan<int> targets, int ignoreIndex, LossReduction reduction, Span<double> gradient)
    {
        var scratch = new double[logits.Length];
        Ref.ForwardBackward(logits, classes, targets, ignoreIndex, reduction, scratch);   // validates
        int rows = targets.Length, counted = 0;
        var lse = new double[rows];
        for (int r = 0; r < rows; r++) lse[r] = Reference.Softmax.LogSumExp(logits.Slice(r * classes, classes));
        scratch.CopyTo(gradient);   // in place, this overwrites the logits
        double loss = 0;
        for (int r = 0; r < rows; r++)
        {
            if (targets[r] == ignoreIndex) continue;
            counted++;
            loss += lse[r] - logits[r * classes + targets[r]];
        }
        return reduction == LossReduction.Mean && counted > 0 ? loss / counted : loss;
    }
}
