using System.Numerics;
using ILGPU;

namespace LossConformance.Optimized.Gpu;

/// <summary>
/// The kernels, generic in the element type T (float, double) and its <see cref="IDeviceMath{T}"/>.
/// Row kernels are explicitly grouped: one thread block per row; thread t reads elements t, t + B,
/// t + 2B, … (B = the block size, a power of two) in that order, then the block combines the B
/// partial results in shared memory by a fixed halving tree. No atomics anywhere: every result is
/// bit-identical from run to run for a given block size. Every row kernel computes m = max z
/// exactly first, then s = Σ exp(zⱼ − m), then the outputs, as ACC-SOFTMAX assumes (no online
/// rescaling, which would add a rounding of exp per rescale to each term).
/// </summary>
internal static class Kernels<T, TMath> where T : unmanaged, IFloatingPointIeee754<T> where TMath : struct, IDeviceMath<T>
{
    /// <summary>The largest block size: the shared scratch of each block holds this many values.</summary>
    public const int MaxBlock = 256;

    // ---- block-wide reductions (fixed tree) ----

    private static T BlockSum(ArrayView<T> scratch, T value)
    {
        int t = Group.IdxX;
        scratch[t] = value;
        Group.Barrier();
        for (int half = Group.DimX / 2; half > 0; half >>= 1)
        {
            if (t < half) scratch[t] = scratch[t] + scratch[t + half];
            Group.Barrier();
        }
        T result = scratch[0];
        Group.Barrier();   // scratch is reused by the next reduction
        return result;
    }

    private static T BlockMax(ArrayView<T> scratch, T value)
    {
        int t = Group.IdxX;
        scratch[t] = value;
        Group.Barrier();
        for (int half = Group.DimX / 2; half > 0; half >>= 1)
        {
            if (t < half && scratch[t + half] > scratch[t]) scratch[t] = scratch[t + half];
            Group.Barrier();
        }
        T result = scratch[0];
        Group.Barrier();
        return result;
    }

    /// <summary>m = max of z[start .. start + n).</summary>
    private static T RowMax(ArrayView<T> scratch, ArrayView<T> z, long start, int n)
    {
        T m = z[start];
        for (int j = Group.IdxX; j < n; j += Group.DimX)
            if (z[start + j] > m) m = z[start + j];
        return BlockMax(scratch, m);
    }

    /// <summary>s = Σⱼ exp(zⱼ − m) over z[start .. start + n).</summary>
    private static T RowSumExp(ArrayView<T> scratch, ArrayView<T> z, long start, int n, T m)
    {
        T s = T.Zero;
        for (int j = Group.IdxX; j < n; j += Group.DimX)
            s += TMath.Exp(z[start + j] - m);
        return BlockSum(scratch, s);
    }

    // ---- softmax family, one block per row ----

    public const int SoftmaxMode = 0, LogSoftmaxMode = 1, LogSumExpMode = 2;

    /// <summary>
    /// Per row r of z ([rows × n]): Softmax ŷⱼ = exp(zⱼ − m)/s (SMAX-DEF); LogSoftmax (zⱼ − m) − ln s
    /// (SMAX-LOG); LogSumExp: perRow[r] = m + ln s (SMAX-LOG).
    /// </summary>
    public static void Softmax(ArrayView<T> z, ArrayView<T> output, ArrayView<T> perRow, int n, int mode)
    {
        var scratch = SharedMemory.Allocate<T>(MaxBlock);
        long start = (long)Grid.IdxX * n;
        T m = RowMax(scratch, z, start, n);
        T s = RowSumExp(scratch, z, start, n, m);
        if (mode == SoftmaxMode)
        {
            for (int j = Group.IdxX; j < n; j += Group.DimX)
                output[start + j] = TMath.Exp(z[start + j] - m) / s;   // s ≥ 1: no 0/0
        }
        else if (mode == LogSoftmaxMode)
        {
            T lnS = TMath.Log(s);
            for (int j = Group.IdxX; j < n; j += Group.DimX)
                output[start + j] = (z[start + j] - m) - lnS;   // never ln of an underflowed ŷ
        }
        else if (Group.IdxX == 0)
        {
            perRow[Grid.IdxX] = m + TMath.Log(s);
        }
    }

    /// <summary>
    /// The fused batched softmax-cross-entropy, one block per row, in place: zg holds the logits on
    /// entry and the gradient on exit, (ŷ − e_t)/divisor per counted row (divisor = N for Mean, 1 for
    /// Sum; x/1 = x exactly), 0 for an ignored row; rowLoss[r] = ln s − (z_t − m) = −log-softmax_t.
    /// Each element is read and then written by the same thread, after both reductions: in place is safe.
    /// Spec: GRAD-FUSED, GRAD-MEAN, GRAD-IGNORE, GRAD-INPLACE.
    /// </summary>
    public static void FusedCrossEntropy(ArrayView<T> zg, ArrayView<int> targets, ArrayView<T> rowLoss, int n, int ignoreIndex, T divisor)
    {
        var scratch = SharedMemory.Allocate<T>(MaxBlock);
        int row = Grid.IdxX;
        long start = (long)row * n;
        int target = targets[row];
        if (target == ignoreIndex)   // uniform in the block: no barrier is skipped by part of it
        {
            for (int j = Group.IdxX; j < n; j += Group.DimX) zg[start + j] = T.Zero;
            if (Group.IdxX == 0) rowLoss[row] = T.Zero;
            return;
        }
        T zt = zg[start + target];   // read before any thread writes the row
        T m = RowMax(scratch, zg, start, n);
        T s = RowSumExp(scratch, zg, start, n, m);
        if (Group.IdxX == 0) rowLoss[row] = TMath.Log(s) - (zt - m);
        for (int j = Group.IdxX; j < n; j += Group.DimX)
        {
            T y = TMath.Exp(zg[start + j] - m) / s;
            if (j == target) y -= T.One;
            zg[start + j] = y / divisor;
        }
    }

    // ---- single-vector reductions: one block ----

    public const int EntropyMode = 0, CrossEntropyMode = 1, KlMode = 2;

    /// <summary>
    /// result[0] = Σᵢ termᵢ with termᵢ = 0 where pᵢ = 0 and otherwise −pᵢ ln pᵢ (ENT-DEF), −pᵢ ln qᵢ
    /// (XENT-DEF; +∞ where qᵢ = 0, XENT-SUPPORT) or pᵢ ln(pᵢ/qᵢ) (KL-DEF; +∞ where qᵢ = 0, KL-SUPPORT),
    /// ln(p/q) taken as ln p − ln q where p/q is not a normal number (as src/Reference/KlDivergence.cs).
    /// Every infinite term is +∞, so the sum is never NaN.
    /// </summary>
    public static void Information(ArrayView<T> p, ArrayView<T> q, ArrayView<T> result, int n, int mode)
    {
        var scratch = SharedMemory.Allocate<T>(MaxBlock);
        T sum = T.Zero;
        for (int i = Group.IdxX; i < n; i += Group.DimX)
        {
            T pi = p[i];
            if (pi == T.Zero) continue;
            if (mode == EntropyMode) { sum += -(pi * TMath.Log(pi)); continue; }
            T qi = q[i];
            if (qi == T.Zero) { sum += T.PositiveInfinity; continue; }
            if (mode == CrossEntropyMode) { sum += -(pi * TMath.Log(qi)); continue; }
            T ratio = pi / qi;
            T logRatio = ratio >= TMath.MinNormal && ratio <= TMath.MaxValue ? TMath.Log(ratio) : TMath.Log(pi) - TMath.Log(qi);
            sum += pi * logRatio;
        }
        T total = BlockSum(scratch, sum);
        if (Group.IdxX == 0) result[0] = total;
    }

    public const int PlainSum = 0, SquaresSum = 1;

    /// <summary>result[0] = Σᵢ xᵢ (PlainSum) or Σᵢ xᵢ² (SquaresSum), one block, fixed tree.</summary>
    public static void Sum(ArrayView<T> x, ArrayView<T> result, int n, int mode)
    {
        var scratch = SharedMemory.Allocate<T>(MaxBlock);
        T sum = T.Zero;
        for (int i = Group.IdxX; i < n; i += Group.DimX)
            sum += mode == SquaresSum ? x[i] * x[i] : x[i];
        T total = BlockSum(scratch, sum);
        if (Group.IdxX == 0) result[0] = total;
    }

    /// <summary>
    /// One block, one row of logits z with target weights y: result[0] = −Σ_{yᵢ≠0} yᵢ((zᵢ − m) − ln s)
    /// (XENT-LOGITS); when withGradient ≠ 0 also writes (Σy)·exp(zᵢ − m)/s − yᵢ (GRAD-LOGITS,
    /// GRAD-GENERAL) into it.
    /// </summary>
    public static void LogitCrossEntropy(ArrayView<T> y, ArrayView<T> z, ArrayView<T> result, ArrayView<T> gradient, int n, int withGradient)
    {
        var scratch = SharedMemory.Allocate<T>(MaxBlock);
        T m = RowMax(scratch, z, 0, n);
        T s = RowSumExp(scratch, z, 0, n, m);
        T lnS = TMath.Log(s);
        T loss = T.Zero, mass = T.Zero;
        for (int i = Group.IdxX; i < n; i += Group.DimX)
        {
            mass += y[i];
            if (y[i] != T.Zero) loss += -(y[i] * ((z[i] - m) - lnS));
        }
        loss = BlockSum(scratch, loss);
        mass = BlockSum(scratch, mass);
        if (Group.IdxX == 0) result[0] = loss;
        if (withGradient == 0) return;
        for (int i = Group.IdxX; i < n; i += Group.DimX)
            gradient[i] = mass * (TMath.Exp(z[i] - m) / s) - y[i];
    }

    // ---- elementwise (auto-grouped) ----

    /// <summary>∂L/∂ŷᵢ = −yᵢ/ŷᵢ, 0 where yᵢ = 0 (GRAD-PROB).</summary>
    public static void ProbabilityGradient(Index1D i, ArrayView<T> y, ArrayView<T> p, ArrayView<T> gradient) =>
        gradient[i] = y[i] == T.Zero ? T.Zero : -y[i] / p[i];

    /// <summary>J[i·n + j] = ŷᵢ(δᵢⱼ − ŷⱼ) from ŷ (SMAX-JACOBIAN).</summary>
    public static void Jacobian(Index2D ij, ArrayView<T> y, ArrayView<T> jacobian, int n) =>
        jacobian[(long)ij.X * n + ij.Y] = y[ij.X] * ((ij.X == ij.Y ? T.One : T.Zero) - y[ij.Y]);

    /// <summary>zⱼ = bⱼ + Σᵢ xᵢ W[i·n + j], i in order (LIN-SHAPE); one thread per j, reads of W coalesced across j.</summary>
    public static void LinearForward(Index1D j, ArrayView<T> x, ArrayView<T> w, ArrayView<T> b, ArrayView<T> z, int m, int n)
    {
        T sum = b[j];
        for (int i = 0; i < m; i++) sum += x[i] * w[(long)i * n + j];
        z[j] = sum;
    }

    /// <summary>∂L/∂W[i·n + j] = xᵢ gⱼ (LIN-GRAD-W).</summary>
    public static void Outer(Index2D ij, ArrayView<T> x, ArrayView<T> g, ArrayView<T> output, int n) =>
        output[(long)ij.X * n + ij.Y] = x[ij.X] * g[ij.Y];

    /// <summary>Teacher forcing: Z[t·V + j] = W[x_t·V + j] + b[j] for the context tokens x_t (SEQ-DEF).</summary>
    public static void SequenceLogits(Index2D tj, ArrayView<int> contexts, ArrayView<T> w, ArrayView<T> b, ArrayView<T> z, int v) =>
        z[(long)tj.X * v + tj.Y] = w[(long)contexts[tj.X] * v + tj.Y] + b[tj.Y];

    /// <summary>
    /// ∂L/∂W[c·V + j] = (Σ over the rows r whose context is c, in order, of G[r·V + j]) + λW[c·V + j]
    /// (SEQ-GRAD, SEQ-L2); the rows of c are rowsOfContext[first[c] .. first[c + 1]), made on the host.
    /// </summary>
    public static void SequenceWeightGradient(Index2D cj, ArrayView<T> g, ArrayView<int> first, ArrayView<int> rowsOfContext,
                                              ArrayView<T> w, ArrayView<T> output, int v, T lambda)
    {
        T sum = T.Zero;
        for (int k = first[cj.X]; k < first[cj.X + 1]; k++) sum += g[(long)rowsOfContext[k] * v + cj.Y];
        long at = (long)cj.X * v + cj.Y;
        output[at] = sum + lambda * w[at];
    }

    /// <summary>∂L/∂b[j] = Σ_r G[r·V + j], r in order (SEQ-GRAD).</summary>
    public static void ColumnSum(Index1D j, ArrayView<T> g, ArrayView<T> output, int rows, int v)
    {
        T sum = T.Zero;
        for (int r = 0; r < rows; r++) sum += g[(long)r * v + j];
        output[j] = sum;
    }

    /// <summary>
    /// Binary cross-entropy on one logit per element (GRAD-BINARY): loss = max(z, 0) − z·y + ln1p(e^{−|z|}),
    /// ln1p by Goldberg's w = 1 + x form; gradient = σ(z) − y with σ formed from e^{−|z|} ≤ 1.
    /// </summary>
    public static void Binary(Index1D i, ArrayView<T> z, ArrayView<T> y, ArrayView<T> loss, ArrayView<T> gradient)
    {
        T zi = z[i], yi = y[i];
        T e = TMath.Exp(-T.Abs(zi));
        T w = T.One + e;
        T log1p = w == T.One ? e : TMath.Log(w) * e / (w - T.One);
        loss[i] = (zi > T.Zero ? zi : T.Zero) - zi * yi + log1p;
        T sigma = zi >= T.Zero ? T.One / (T.One + e) : e / (T.One + e);
        gradient[i] = sigma - yi;
    }

    /// <summary>flag[0] = 1 if some xᵢ is not finite (every writer writes 1: a benign, deterministic race).</summary>
    public static void NonFinite(Index1D i, ArrayView<T> x, ArrayView<int> flag)
    {
        if (!(x[i] >= -TMath.MaxValue && x[i] <= TMath.MaxValue)) flag[0] = 1;
    }

    /// <summary>z[i] = a pseudo-random value in [−scale/2, scale/2) from a hash of i: benchmark inputs made on the device (bench/GpuCheck).</summary>
    public static void Fill(Index1D i, ArrayView<T> z, T scale)
    {
        uint hash = (uint)i.X * 2654435761u;
        hash ^= hash >> 15;
        z[i] = (TMath.FromInt((int)(hash & 0xFFFF)) / TMath.FromInt(65536) - TMath.Half) * scale;
    }
}
