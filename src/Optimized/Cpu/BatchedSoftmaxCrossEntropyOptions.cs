using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using LossConformance.Optimized.Cpu.Simd;
using LossConformance.Optimized.Cpu.Threading;

namespace LossConformance.Optimized.Cpu;

public sealed partial class OptimizedCpuImplementation :
    IBatchedSoftmaxCrossEntropyWithOptions<float>, IBatchedSoftmaxCrossEntropyWithOptions<double>
{
    /// <inheritdoc/>
    public CrossEntropyResult<float> ForwardBackward(ReadOnlySpan<float> logits, int classes, ReadOnlySpan<int> targets,
                                                     CrossEntropyOptions<float> options, LossReduction reduction, Span<float> gradient) =>
        BatchedSoftmaxCrossEntropyOptions<float>.ForwardBackward(logits, classes, targets, options, reduction, gradient, Threads);

    /// <inheritdoc/>
    public CrossEntropyResult<double> ForwardBackward(ReadOnlySpan<double> logits, int classes, ReadOnlySpan<int> targets,
                                                      CrossEntropyOptions<double> options, LossReduction reduction, Span<double> gradient) =>
        BatchedSoftmaxCrossEntropyOptions<double>.ForwardBackward(logits, classes, targets, options, reduction, gradient, Threads);

    /// <inheritdoc/>
    public void ForwardBackwardPerToken(ReadOnlySpan<float> logits, int classes, ReadOnlySpan<int> targets, CrossEntropyOptions<float> options,
                                        ReadOnlySpan<float> upstream, Span<float> losses, Span<float> gradient) =>
        BatchedSoftmaxCrossEntropyOptions<float>.ForwardBackwardPerToken(logits, classes, targets, options, upstream, losses, gradient, Threads);

    /// <inheritdoc/>
    public void ForwardBackwardPerToken(ReadOnlySpan<double> logits, int classes, ReadOnlySpan<int> targets, CrossEntropyOptions<double> options,
                                        ReadOnlySpan<double> upstream, Span<double> losses, Span<double> gradient) =>
        BatchedSoftmaxCrossEntropyOptions<double>.ForwardBackwardPerToken(logits, classes, targets, options, upstream, losses, gradient, Threads);
}

/// <summary>
/// The fused batched softmax-cross-entropy with the loss options (spec/loss-options.md, LOSSOPT-*): soft-cap,
/// label smoothing, class weights, z-loss, reductions Mean, Sum and none. With the no-op options
/// <see cref="ForwardBackward"/> is the plain kernel (<see cref="BatchedSoftmaxCrossEntropy{T}"/>) itself, so
/// LOSSOPT-FUSED (iii) holds bit for bit.
/// <para>
/// Per counted row, the logits are read once from memory and the gradient row written once: with a cap,
/// the first pass writes tⱼ = tanh(zⱼ/c) into this thread's scratch row (one row long, reused, in L2 beside
/// the gradient row) and finds max t, so m = c·max t = max z'ⱼ (c·t is monotone in t, so this is exactly the
/// max of the rounded z'ⱼ = fl(c·tⱼ)); without one, the max of z. The second pass writes eⱼ = exp(z'ⱼ − m)
/// into the gradient row and sums it and, with smoothing, Σ wⱼ(z'ⱼ − m) (each ℓⱼ = ln s − dⱼ from
/// dⱼ = z'ⱼ − m, as ACC-LOSSOPT requires, never lse − z'); the third turns it, in place in L2, into
/// gⱼ = (eⱼ·k − h·wⱼ)·(1 − tⱼ²) with k = (ασ + 2βλ_zL)/s and h = αε/V (the z-loss folded into the
/// coefficient of ŷ, Liger's form), and the label's entry is then rewritten as (exp(dₜ)·k − α·yₜ)·(1 − tₜ²).
/// tanh and exp are each computed once per logit (and exp once more per row, for the label); 1 − t² takes t
/// from the scratch row (the D̂ = 1 − t̂² of ACC-LOSSOPT 1). The values are those the earlier form computed
/// with exp evaluated again in the third pass, bit for bit (the same operations on the same operands). The structure (rows on the worker pool, row results summed in row order
/// afterwards, so any thread count gives the same bits; the pool's gate; no per-call allocation) is the plain
/// kernel's, duplicated here rather than shared while that file is being rewritten.
/// </para>
/// </summary>
internal static unsafe class BatchedSoftmaxCrossEntropyOptions<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>Below this many logits a call stays on the calling thread (waking workers costs more).</summary>
    private const int ParallelThreshold = 1 << 15;

    /// <summary>About this many logits per work item (at least one row), fixed by the shape alone.</summary>
    private const int ElementsPerItem = 1 << 13;

    /// <summary>The options as the rows use them, computed once per call.</summary>
    internal readonly struct Parameters
    {
        public readonly T Cap;          // c (1 without a cap: multiplying by it is exact)
        public readonly T OneMinusEps;  // 1 − ε
        public readonly T EpsOverV;     // ε/V
        public readonly T Lambda;       // λ_z
        public readonly T WeightTotal;  // W_V = Σ_c w_c (V without weights)
        public readonly bool Capped, Weighted, Smoothed;

        public Parameters(CrossEntropyOptions<T> options, int classes)
        {
            Capped = !T.IsPositiveInfinity(options.SoftCap);
            Cap = Capped ? options.SoftCap : T.One;
            Smoothed = options.LabelSmoothing > T.Zero;
            OneMinusEps = T.One - options.LabelSmoothing;
            EpsOverV = options.LabelSmoothing / T.CreateTruncating(classes);
            Lambda = options.ZLossScale;
            Weighted = !options.ClassWeights.IsEmpty;
            WeightTotal = Weighted ? Driver.Sum(new Identity<T>(), options.ClassWeights.Span) : T.CreateTruncating(classes);
        }
    }

    private static bool IsPlain(CrossEntropyOptions<T> options) =>
        options.LabelSmoothing == T.Zero && options.ZLossScale == T.Zero && T.IsPositiveInfinity(options.SoftCap) && options.ClassWeights.IsEmpty;

    public static CrossEntropyResult<T> ForwardBackward(ReadOnlySpan<T> logits, int classes, ReadOnlySpan<int> targets,
                                                        CrossEntropyOptions<T> options, LossReduction reduction, Span<T> gradient, int threads)
    {
        if (options is not null && IsPlain(options))
        {
            // The plain kernel validates everything else (the same InputRules) before it writes anything.
            InputRules.LossOptions(options, classes);
            return new(BatchedSoftmaxCrossEntropy<T>.ForwardBackward(logits, classes, targets, options.IgnoreIndex, reduction, gradient, threads), T.Zero);
        }
        int rows = InputRules.BatchedCrossEntropyWithOptions(logits, classes, targets, options!, reduction, gradient, allowInPlace: true,
                                                             logitsCheckedFinite: FiniteScan<T>.AllFinite(logits, threads));   // as in the plain kernel
        RejectPartialOverlap(logits, gradient);
        int ignore = options!.IgnoreIndex;
        ReadOnlySpan<T> w = options.ClassWeights.Span;

        int counted = 0;
        T weightOfCounted = T.Zero;   // W_K, in row order
        for (int r = 0; r < rows; r++)
        {
            int t = targets[r];
            if (t == ignore) continue;
            counted++;
            weightOfCounted += w.IsEmpty ? T.One : w[t];
        }
        if (counted == 0)
        {
            gradient.Clear();   // LOSSOPT-ZERO-WEIGHT: N = 0 gives 0 and a zero gradient for every reduction
            return new(T.Zero, T.Zero);
        }
        if (w.IsEmpty) weightOfCounted = T.CreateTruncating(counted);   // exact

        T alpha, beta;   // the CE part's and the z-loss part's row scales (ACC-LOSSOPT 4)
        if (reduction == LossReduction.Mean)
        {
            alpha = weightOfCounted == T.Zero ? T.Zero : T.One / weightOfCounted;   // W_K = 0: the CE part is 0 (LOSSOPT-ZERO-WEIGHT)
            beta = T.One / T.CreateTruncating(counted);
        }
        else alpha = beta = T.One;

        var p = new Parameters(options, classes);
        (T ce, T zl) = Run(logits, classes, targets, ignore, w, ReadOnlySpan<T>.Empty, alpha, beta, in p, Span<T>.Empty, gradient, rows, threads);
        if (reduction == LossReduction.Mean)
        {
            ce = weightOfCounted == T.Zero ? T.Zero : ce / weightOfCounted;
            zl /= T.CreateTruncating(counted);
        }
        return new(ce + zl, zl);
    }

    public static void ForwardBackwardPerToken(ReadOnlySpan<T> logits, int classes, ReadOnlySpan<int> targets, CrossEntropyOptions<T> options,
                                               ReadOnlySpan<T> upstream, Span<T> losses, Span<T> gradient, int threads)
    {
        int rows = InputRules.BatchedCrossEntropyPerToken(logits, classes, targets, options, upstream, losses, gradient,
                                                          logitsCheckedFinite: FiniteScan<T>.AllFinite(logits, threads));
        RejectPartialOverlap(logits, gradient);
        var p = new Parameters(options, classes);
        Run(logits, classes, targets, options.IgnoreIndex, options.ClassWeights.Span, upstream, T.One, T.One, in p, losses, gradient, rows, threads);
    }

    private static void RejectPartialOverlap(ReadOnlySpan<T> logits, Span<T> gradient)
    {
        if (logits.Overlaps(gradient, out int offset) && offset != 0)
            throw new ArgumentException("gradient partially overlaps logits; it must be the same memory (in place) or separate.", nameof(gradient));
    }

    /// <summary>
    /// Every row: per-token mode when <paramref name="losses"/> is not empty (losses[r] = ℓᵣ, row scale
    /// upstream[r]), else the reduced mode (row scales α, β; returns Σ CEᵣ and Σ Zₗᵣ over the counted rows,
    /// in row order).
    /// </summary>
    private static (T CE, T ZLoss) Run(ReadOnlySpan<T> logits, int classes, ReadOnlySpan<int> targets, int ignore, ReadOnlySpan<T> weights,
                                       ReadOnlySpan<T> upstream, T alpha, T beta, in Parameters p, Span<T> losses, Span<T> gradient, int rows, int threads)
    {
        bool perToken = !losses.IsEmpty;
        T ceSum = T.Zero, zSum = T.Zero;
        if (threads <= 1 || rows < 2 || logits.Length < ParallelThreshold)
        {
            ref T z = ref MemoryMarshal.GetReference(logits);
            ref T g = ref MemoryMarshal.GetReference(gradient);
            ref T w = ref MemoryMarshal.GetReference(weights);
            for (int r = 0; r < rows; r++)
            {
                T a = perToken ? upstream[r] : alpha, b = perToken ? upstream[r] : beta;
                (T ce, T zl) = Row(ref Unsafe.Add(ref z, (nint)r * classes), ref Unsafe.Add(ref g, (nint)r * classes), classes, targets[r], ignore, in p, ref w, a, b);
                if (perToken) losses[r] = ce + zl;
                else { ceSum += ce; zSum += zl; }
            }
            return (ceSum, zSum);
        }

        var work = Work.Instance;
        lock (WorkerPool.Shared.Gate)
        {
            fixed (T* z = logits)
            fixed (T* g = gradient)
            fixed (int* t = targets)
            fixed (T* w = weights)
            fixed (T* u = upstream)
            fixed (T* l = losses)
            {
                if (!perToken && work.RowCE.Length < rows)
                {
                    work.RowCE = new T[Math.Max(rows, 2 * work.RowCE.Length)];
                    work.RowZ = new T[work.RowCE.Length];
                }
                work.Logits = z;
                work.Gradient = g;
                work.Targets = t;
                work.Weights = w;
                work.Upstream = u;
                work.Losses = l;
                work.PerToken = perToken;
                work.Classes = classes;
                work.Rows = rows;
                work.IgnoreIndex = ignore;
                work.Alpha = alpha;
                work.Beta = beta;
                work.Options = p;
                work.RowsPerItem = Math.Max(1, ElementsPerItem / classes);
                int items = (rows + work.RowsPerItem - 1) / work.RowsPerItem;
                WorkerPool.Shared.RunLocked(work, items, threads);
                if (!perToken)
                    for (int r = 0; r < rows; r++)   // row order, whatever thread computed each row
                    {
                        ceSum += work.RowCE[r];
                        zSum += work.RowZ[r];
                    }
                work.Logits = work.Gradient = work.Weights = work.Upstream = work.Losses = null;
                work.Targets = null;
            }
        }
        return (ceSum, zSum);
    }

    private sealed class Work : IParallelWork
    {
        public static readonly Work Instance = new();
        public T* Logits, Gradient, Weights, Upstream, Losses;
        public int* Targets;
        public int Classes, Rows, RowsPerItem, IgnoreIndex;
        public bool PerToken;
        public T Alpha, Beta;
        public Parameters Options;
        public T[] RowCE = [], RowZ = [];

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public void Run(int item)
        {
            int first = item * RowsPerItem, end = Math.Min(first + RowsPerItem, Rows);
            ref T w = ref Weights == null ? ref Unsafe.NullRef<T>() : ref Unsafe.AsRef<T>(Weights);
            for (int r = first; r < end; r++)
            {
                T a = PerToken ? Upstream[r] : Alpha, b = PerToken ? Upstream[r] : Beta;
                (T ce, T zl) = Row(ref Unsafe.AsRef<T>(Logits + (nint)r * Classes), ref Unsafe.AsRef<T>(Gradient + (nint)r * Classes),
                                   Classes, Targets[r], IgnoreIndex, in Options, ref w, a, b);
                if (PerToken) Losses[r] = ce + zl;
                else { RowCE[r] = ce; RowZ[r] = zl; }
            }
        }
    }

    // ------------------------------------------------------------------ one row

    /// <summary>A compile-time switch of the row passes (a struct type argument: the JIT drops the untaken branch).</summary>
    private interface IMode { static abstract bool On { get; } }
    private readonly struct Yes : IMode { public static bool On => true; }
    private readonly struct No : IMode { public static bool On => false; }

    /// <summary>
    /// One row: writes ∂(α·CE + β·Zₗ)/∂z into g (0 for an ignored row) and returns (CE, Zₗ) unscaled (0, 0 if ignored).
    /// g may be z.
    /// </summary>
    internal static (T CE, T ZLoss) Row(ref T z, ref T g, int n, int t, int ignore, in Parameters p, ref T w, T alpha, T beta)
    {
        if (t == ignore)
        {
            MemoryMarshal.CreateSpan(ref g, n).Clear();
            return (T.Zero, T.Zero);
        }
        return (p.Capped, p.Weighted, p.Smoothed) switch
        {
            (true, true, true) => Row<Yes, Yes, Yes>(ref z, ref g, n, t, in p, ref w, alpha, beta),
            (true, true, false) => Row<Yes, Yes, No>(ref z, ref g, n, t, in p, ref w, alpha, beta),
            (true, false, true) => Row<Yes, No, Yes>(ref z, ref g, n, t, in p, ref w, alpha, beta),
            (true, false, false) => Row<Yes, No, No>(ref z, ref g, n, t, in p, ref w, alpha, beta),
            (false, true, true) => Row<No, Yes, Yes>(ref z, ref g, n, t, in p, ref w, alpha, beta),
            (false, true, false) => Row<No, Yes, No>(ref z, ref g, n, t, in p, ref w, alpha, beta),
            (false, false, true) => Row<No, No, Yes>(ref z, ref g, n, t, in p, ref w, alpha, beta),
            (false, false, false) => Row<No, No, No>(ref z, ref g, n, t, in p, ref w, alpha, beta),
        };
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static (T CE, T ZLoss) Row<TCap, TW, TSm>(ref T z, ref T g, int n, int t, in Parameters p, ref T w, T alpha, T beta)
        where TCap : struct, IMode where TW : struct, IMode where TSm : struct, IMode
    {
        T c = p.Cap;
        T m;
        ref T x = ref z;   // what the passes read: z, or t = tanh(z/c) in this thread's scratch row
        if (TCap.On)
        {
            x = ref CapScratch(n);
            m = c * CapRow(ref z, ref x, n, c);   // = max fl(c·tⱼ): rounding is monotone
        }
        else m = Driver.Max(ref z, n);

        T xt = Unsafe.Add(ref x, t);   // read before the statistics pass writes eₜ over it (in place, x is g)
        (T s, T sd) = Statistics<TCap, TW, TSm>(ref x, ref w, ref g, n, c, m);
        T dt = (TCap.On ? c * xt : xt) - m;
        T lnS = Scalar<T>.Log(s);
        T wt = TW.On ? Unsafe.Add(ref w, t) : T.One;

        // The per-token loss (LOSSOPT-COMPOSE 3–5): CE = (1 − ε)w_t ℓ_t + (ε/V)(W_V ln s − Σ wⱼdⱼ), both terms ≥ 0.
        T ce = p.OneMinusEps * wt * (lnS - dt);
        if (TSm.On) ce += p.EpsOverV * (p.WeightTotal * lnS - sd);
        T lse = m + lnS;
        T zl = p.Lambda * lse * lse;

        // The gradient: (ασ + 2βλ_z L)·ŷⱼ − α·yⱼ, times 1 − tⱼ².
        T sigma = TSm.On ? p.OneMinusEps * wt + p.EpsOverV * p.WeightTotal : wt;
        T coefficient = T.FusedMultiplyAdd(alpha, sigma, beta * (p.Lambda + p.Lambda) * lse);
        T k = coefficient / s;
        T h = alpha * p.EpsOverV;
        Gradient<TCap, TW, TSm>(ref x, ref w, ref g, n, k, h);
        T yt = TSm.On ? p.OneMinusEps * wt + p.EpsOverV * wt : wt;
        T gt = T.FusedMultiplyAdd(Scalar<T>.Exp(dt), k, -(alpha * yt));
        if (TCap.On) gt *= T.FusedMultiplyAdd(-xt, xt, T.One);
        Unsafe.Add(ref g, t) = gt;
        return (ce, zl);
    }

    // ------------------------------------------------------------------ the passes, at the widest accelerated width

    /// <summary>This thread's row of tⱼ = tanh(zⱼ/c) (grown when a longer row comes, so warm calls allocate nothing; L2-resident beside the gradient row).</summary>
    [ThreadStatic] private static T[]? s_capScratch;

    private static ref T CapScratch(int n)
    {
        T[]? row = s_capScratch;
        if (row is null || row.Length < n) s_capScratch = row = new T[Math.Max(n, 2 * (row?.Length ?? 0))];
        return ref MemoryMarshal.GetArrayDataReference(row);
    }

    /// <summary>tⱼ = tanh(zⱼ/c) into the scratch row t; returns max tⱼ.</summary>
    private static T CapRow(ref T z, ref T g, int n, T c)   // g: the scratch row
    {
        if (Vector512.IsHardwareAccelerated && n >= Vector512<T>.Count) return CapCore<Simd512<T>, Vector512<T>>(ref z, ref g, n, c);
        if (Vector256.IsHardwareAccelerated && n >= Vector256<T>.Count) return CapCore<Simd256<T>, Vector256<T>>(ref z, ref g, n, c);
        if (Vector128.IsHardwareAccelerated && n >= Vector128<T>.Count) return CapCore<Simd128<T>, Vector128<T>>(ref z, ref g, n, c);
        return CapCore<Scalar<T>, T>(ref z, ref g, n, c);
    }

    /// <remarks>
    /// z/c is taken as z·(1/c), 1/c rounded once per call, so the argument carries two roundings (as ACC-LOSSOPT 1
    /// counts it) and the loop has no division; only where 1/c is not a normal number (c &lt; 1/MaxValue, or c so
    /// large that 1/c is subnormal and has lost bits) does it divide. The factor is splat before the loop: the JIT
    /// does not hoist a splat of a struct's field.
    /// </remarks>
    private static T CapCore<TS, TV>(ref T z, ref T g, int n, T c) where TS : ISimd<T, TV> where TV : struct =>
        T.IsNormal(T.One / c) ? CapLoop<TS, TV, No>(ref z, ref g, n, T.One / c) : CapLoop<TS, TV, Yes>(ref z, ref g, n, c);

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static T CapLoop<TS, TV, TDivide>(ref T z, ref T g, int n, T factor) where TS : ISimd<T, TV> where TV : struct where TDivide : struct, IMode
    {
        int width = TS.Count, i = 0;
        TV f = TS.Splat(factor);
        TV max = TS.Splat(T.NegativeInfinity);
        for (; i <= n - width; i += width)
        {
            TV v = TS.Load(ref Unsafe.Add(ref z, i));
            v = TanhMath.Tanh(TDivide.On ? TS.Divide(v, f) : TS.Multiply(v, f));
            TS.Store(v, ref Unsafe.Add(ref g, i));
            max = TS.Max(max, v);
        }
        T m = TS.MaxAcross(max);
        for (; i < n; i++)
        {
            T v = Unsafe.Add(ref z, i);
            v = TanhMath.Tanh(TDivide.On ? v / factor : v * factor);
            Unsafe.Add(ref g, i) = v;
            if (v > m) m = v;
        }
        return m;
    }

    /// <summary>
    /// (s, sd) = (Σ exp dⱼ, Σ wⱼdⱼ) with dⱼ = z'ⱼ − m, z'ⱼ = c·xⱼ (capped) or xⱼ; sd only with smoothing (else 0).
    /// Writes eⱼ = exp dⱼ into g, for the gradient pass (so exp runs once per logit). g may be x.
    /// </summary>
    private static (T S, T SD) Statistics<TCap, TW, TSm>(ref T x, ref T w, ref T g, int n, T c, T m)
        where TCap : struct, IMode where TW : struct, IMode where TSm : struct, IMode
    {
        if (Vector512.IsHardwareAccelerated && n >= Vector512<T>.Count) return StatisticsCore<Simd512<T>, Vector512<T>, TCap, TW, TSm>(ref x, ref w, ref g, n, c, m);
        if (Vector256.IsHardwareAccelerated && n >= Vector256<T>.Count) return StatisticsCore<Simd256<T>, Vector256<T>, TCap, TW, TSm>(ref x, ref w, ref g, n, c, m);
        if (Vector128.IsHardwareAccelerated && n >= Vector128<T>.Count) return StatisticsCore<Simd128<T>, Vector128<T>, TCap, TW, TSm>(ref x, ref w, ref g, n, c, m);
        return StatisticsCore<Scalar<T>, T, TCap, TW, TSm>(ref x, ref w, ref g, n, c, m);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static (T S, T SD) StatisticsCore<TS, TV, TCap, TW, TSm>(ref T x, ref T w, ref T g, int n, T c, T m)
        where TS : ISimd<T, TV> where TV : struct where TCap : struct, IMode where TW : struct, IMode where TSm : struct, IMode
    {
        int width = TS.Count, i = 0;
        TV vc = TS.Splat(c), vm = TS.Splat(m);
        TV sum = TS.Splat(T.Zero), sumD = TS.Splat(T.Zero);
        for (; i <= n - width; i += width)
        {
            TV v = TS.Load(ref Unsafe.Add(ref x, i));
            TV d = TS.Subtract(TCap.On ? TS.Multiply(v, vc) : v, vm);
            TV e = TS.Exp(d);
            TS.Store(e, ref Unsafe.Add(ref g, i));
            sum = TS.Add(sum, e);
            if (TSm.On) sumD = TW.On ? TS.FusedMultiplyAdd(TS.Load(ref Unsafe.Add(ref w, i)), d, sumD) : TS.Add(sumD, d);
        }
        T s = TS.Sum(sum), sd = TS.Sum(sumD);
        for (; i < n; i++)
        {
            T v = Unsafe.Add(ref x, i);
            T d = (TCap.On ? v * c : v) - m;
            T e = Scalar<T>.Exp(d);
            Unsafe.Add(ref g, i) = e;
            s += e;
            if (TSm.On) sd = TW.On ? T.FusedMultiplyAdd(Unsafe.Add(ref w, i), d, sd) : sd + d;
        }
        return (s, sd);
    }

    /// <summary>gⱼ = (eⱼ·k − h·wⱼ)·(1 − xⱼ²) (the smoothing term with smoothing, the factor with a cap), eⱼ = exp(dⱼ) read from g, where the statistics pass left it.</summary>
    private static void Gradient<TCap, TW, TSm>(ref T x, ref T w, ref T g, int n, T k, T h)
        where TCap : struct, IMode where TW : struct, IMode where TSm : struct, IMode
    {
        if (Vector512.IsHardwareAccelerated && n >= Vector512<T>.Count) GradientCore<Simd512<T>, Vector512<T>, TCap, TW, TSm>(ref x, ref w, ref g, n, k, h);
        else if (Vector256.IsHardwareAccelerated && n >= Vector256<T>.Count) GradientCore<Simd256<T>, Vector256<T>, TCap, TW, TSm>(ref x, ref w, ref g, n, k, h);
        else if (Vector128.IsHardwareAccelerated && n >= Vector128<T>.Count) GradientCore<Simd128<T>, Vector128<T>, TCap, TW, TSm>(ref x, ref w, ref g, n, k, h);
        else GradientCore<Scalar<T>, T, TCap, TW, TSm>(ref x, ref w, ref g, n, k, h);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void GradientCore<TS, TV, TCap, TW, TSm>(ref T x, ref T w, ref T g, int n, T k, T h)
        where TS : ISimd<T, TV> where TV : struct where TCap : struct, IMode where TW : struct, IMode where TSm : struct, IMode
    {
        int width = TS.Count, i = 0;
        TV vk = TS.Splat(k), negH = TS.Splat(-h), one = TS.Splat(T.One);
        for (; i <= n - width; i += width)
        {
            TV e = TS.Load(ref Unsafe.Add(ref g, i));
            TV r = TSm.On ? TS.FusedMultiplyAdd(e, vk, TW.On ? TS.Multiply(negH, TS.Load(ref Unsafe.Add(ref w, i))) : negH) : TS.Multiply(e, vk);
            if (TCap.On)
            {
                TV v = TS.Load(ref Unsafe.Add(ref x, i));
                r = TS.Multiply(r, TS.NegatedMultiplyAdd(v, v, one));
            }
            TS.Store(r, ref Unsafe.Add(ref g, i));
        }
        for (; i < n; i++)
        {
            T v = TCap.On ? Unsafe.Add(ref x, i) : T.Zero;
            T e = Unsafe.Add(ref g, i);
            T r = TSm.On ? T.FusedMultiplyAdd(e, k, TW.On ? -h * Unsafe.Add(ref w, i) : -h) : e * k;
            if (TCap.On) r *= T.FusedMultiplyAdd(-v, v, T.One);
            Unsafe.Add(ref g, i) = r;
        }
    }
}
