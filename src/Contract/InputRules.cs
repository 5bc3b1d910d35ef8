using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace LossConformance;

/// <summary>
/// The input rules of spec/bad-input.md, written once so that every implementation can apply
/// them the same way. Each method throws <see cref="ArgumentException"/> (or
/// <see cref="ArgumentOutOfRangeException"/>) naming the offending parameter; call them all
/// before writing to any output span (<c>INPUT-NO-WRITE</c>).
/// </summary>
public static partial class InputRules
{
    /// <summary>Unit roundoff u = 2^−p of the format (p = 53 for double, 24 for float).</summary>
    public static T UnitRoundoff<T>() where T : IFloatingPointIeee754<T>
        => T.ScaleB(T.One, -T.One.GetSignificandBitLength());

    /// <summary>
    /// Largest accepted |Σpᵢ − 1| for a probability vector of length n: τ(n) = (2n + 8)·u.
    /// Spec: <c>INPUT-PROB</c> (why this size: spec/accuracy.md, "Normalisation").
    /// </summary>
    public static T NormalisationTolerance<T>(int n) where T : IFloatingPointIeee754<T>
        => T.CreateChecked(2 * n + 8) * UnitRoundoff<T>();

    /// <summary>A probability vector: non-empty, finite, each entry in [0, 1], Σ within τ(n) of 1. Spec: <c>INPUT-EMPTY</c>, <c>INPUT-NAN</c>, <c>INPUT-PROB</c>.</summary>
    public static void Distribution<T>(ReadOnlySpan<T> p, string paramName) where T : IFloatingPointIeee754<T>
    {
        NonEmpty(p, paramName);
        T sum = T.Zero;
        for (int i = 0; i < p.Length; i++)
        {
            T v = p[i];
            if (!T.IsFinite(v)) throw new ArgumentException($"{paramName}[{i}] is {v}; probabilities must be finite (INPUT-NAN).", paramName);
            if (v < T.Zero || v > T.One) throw new ArgumentException($"{paramName}[{i}] = {v} is outside [0, 1] (INPUT-PROB).", paramName);
            sum += v;
        }
        T defect = T.Abs(sum - T.One);
        if (defect > NormalisationTolerance<T>(p.Length))
            throw new ArgumentException($"{paramName} sums to {sum}, not 1 within {NormalisationTolerance<T>(p.Length)} (INPUT-PROB).", paramName);
    }

    /// <summary>Target weights: non-empty, finite, non-negative; any sum. Spec: <c>INPUT-NAN</c>, <c>INPUT-PROB</c>, <c>GRAD-GENERAL</c>.</summary>
    public static void NonNegativeWeights<T>(ReadOnlySpan<T> y, string paramName) where T : IFloatingPointIeee754<T>
    {
        NonEmpty(y, paramName);
        for (int i = 0; i < y.Length; i++)
        {
            if (!T.IsFinite(y[i])) throw new ArgumentException($"{paramName}[{i}] is {y[i]}; weights must be finite (INPUT-NAN).", paramName);
            if (y[i] < T.Zero) throw new ArgumentException($"{paramName}[{i}] = {y[i]} is negative (INPUT-PROB).", paramName);
        }
    }

    /// <summary>Finite real values (logits, weights, features): non-empty, no NaN, no ±∞. Spec: <c>INPUT-EMPTY</c>, <c>INPUT-NAN</c>.</summary>
    public static void Finite<T>(ReadOnlySpan<T> values, string paramName) where T : IFloatingPointIeee754<T>
    {
        NonEmpty(values, paramName);
        if (AllFinite(values)) return;
        for (int i = 0; i < values.Length; i++)   // the slow path, only for bad input: the first offending index
            if (!T.IsFinite(values[i]))
                throw new ArgumentException($"{paramName}[{i}] is {values[i]}; values must be finite (INPUT-NAN).", paramName);
    }

    /// <summary>
    /// Whether every value is finite (no NaN, no ±∞), vectorized for float and double: a fused kernel's logits
    /// are 10⁸ values, and a scalar <c>IsFinite</c> loop over them cost about half of a fused
    /// softmax-cross-entropy call (bench/README.md, "Where the fused kernel's time goes"). Sums x − x, which is
    /// 0 for a finite x and NaN for ±∞ or NaN, so the sum is 0 exactly when all are finite. (Optimized-CPU's
    /// parallel scan, FiniteScan, runs the same sum through its own Vector512 driver: with it the scan took
    /// 1.10–1.16× the max pass's time on 2 threads, with this Vector&lt;T&gt; loop in its place 1.34–1.57×;
    /// bench/run --cost-split-only, float32 4096×32 000, separate runs on one machine.)
    /// </summary>
    private static bool AllFinite<T>(ReadOnlySpan<T> values) where T : IFloatingPointIeee754<T>
    {
        if (typeof(T) == typeof(float))
            return AllFiniteVectorized(MemoryMarshal.CreateReadOnlySpan(ref Unsafe.As<T, float>(ref MemoryMarshal.GetReference(values)), values.Length));
        if (typeof(T) == typeof(double))
            return AllFiniteVectorized(MemoryMarshal.CreateReadOnlySpan(ref Unsafe.As<T, double>(ref MemoryMarshal.GetReference(values)), values.Length));
        foreach (T v in values)
            if (!T.IsFinite(v)) return false;
        return true;
    }

    /// <summary>The scan at <see cref="Vector{T}"/>'s width: enough for validation on the calling thread, and one loop for every machine.</summary>
    private static bool AllFiniteVectorized<T>(ReadOnlySpan<T> values) where T : unmanaged, IFloatingPointIeee754<T>
    {
        ref T x = ref MemoryMarshal.GetReference(values);
        int n = values.Length, i = 0, width = Vector<T>.Count;
        if (Vector.IsHardwareAccelerated)
        {
            Vector<T> a = Vector<T>.Zero, b = Vector<T>.Zero;   // two chains, so the adds do not wait on each other
            for (; i <= n - 2 * width; i += 2 * width)
            {
                var u = Vector.LoadUnsafe(ref x, (nuint)i);
                var v = Vector.LoadUnsafe(ref x, (nuint)(i + width));
                a += u - u;
                b += v - v;
            }
            if (!Vector.EqualsAll(a + b, Vector<T>.Zero)) return false;
        }
        T tail = T.Zero;
        for (; i < n; i++)
        {
            T v = Unsafe.Add(ref x, i);
            tail += v - v;
        }
        return tail == T.Zero;
    }

    /// <summary>Whether every value is finite and ≥ 0 (−0 included): the class weights' rule, vectorized for float and double as <see cref="AllFinite{T}"/> is.</summary>
    private static bool AllFiniteNonNegative<T>(ReadOnlySpan<T> values) where T : IFloatingPointIeee754<T>
    {
        if (typeof(T) == typeof(float))
            return AllFiniteNonNegativeVectorized(MemoryMarshal.CreateReadOnlySpan(ref Unsafe.As<T, float>(ref MemoryMarshal.GetReference(values)), values.Length));
        if (typeof(T) == typeof(double))
            return AllFiniteNonNegativeVectorized(MemoryMarshal.CreateReadOnlySpan(ref Unsafe.As<T, double>(ref MemoryMarshal.GetReference(values)), values.Length));
        foreach (T v in values)
            if (!T.IsFinite(v) || v < T.Zero) return false;
        return true;
    }

    /// <summary>The finiteness sum of <see cref="AllFiniteVectorized{T}"/>, and the lanes below 0 OR-ed into a mask.</summary>
    private static bool AllFiniteNonNegativeVectorized<T>(ReadOnlySpan<T> values) where T : unmanaged, IFloatingPointIeee754<T>
    {
        ref T x = ref MemoryMarshal.GetReference(values);
        int n = values.Length, i = 0, width = Vector<T>.Count;
        if (Vector.IsHardwareAccelerated)
        {
            Vector<T> sum = Vector<T>.Zero, negative = Vector<T>.Zero;
            for (; i <= n - width; i += width)
            {
                var u = Vector.LoadUnsafe(ref x, (nuint)i);
                sum += u - u;
                negative |= Vector.LessThan(u, Vector<T>.Zero);
            }
            if (!Vector.EqualsAll(sum, Vector<T>.Zero) || !Vector.EqualsAll(negative.As<T, byte>(), Vector<byte>.Zero)) return false;
        }
        for (; i < n; i++)
        {
            T v = Unsafe.Add(ref x, i);
            if (!T.IsFinite(v) || v < T.Zero) return false;
        }
        return true;
    }

    /// <summary>One finite scalar. Spec: <c>INPUT-NAN</c>.</summary>
    public static void Finite<T>(T value, string paramName) where T : IFloatingPointIeee754<T>
    {
        if (!T.IsFinite(value)) throw new ArgumentException($"{paramName} is {value}; it must be finite (INPUT-NAN).", paramName);
    }

    /// <summary>Spec: <c>INPUT-EMPTY</c>.</summary>
    public static void NonEmpty<T>(ReadOnlySpan<T> values, string paramName)
    {
        if (values.IsEmpty) throw new ArgumentException($"{paramName} is empty; every vector needs at least one entry (INPUT-EMPTY).", paramName);
    }

    /// <summary>Spec: <c>INPUT-LENGTH</c>.</summary>
    public static void Length<T>(ReadOnlySpan<T> values, int expected, string paramName)
    {
        if (values.Length != expected)
            throw new ArgumentException($"{paramName} has length {values.Length}; expected {expected} (INPUT-LENGTH).", paramName);
    }

    /// <summary>Spec: <c>INPUT-LENGTH</c>.</summary>
    public static void SameLength<TA, TB>(ReadOnlySpan<TA> a, string aName, ReadOnlySpan<TB> b, string bName)
    {
        if (a.Length != b.Length)
            throw new ArgumentException($"{aName} has length {a.Length} but {bName} has length {b.Length} (INPUT-LENGTH).", bName);
    }

    /// <summary>A positive dimension. Spec: <c>INPUT-EMPTY</c>.</summary>
    public static void Positive(int value, string paramName)
    {
        if (value <= 0) throw new ArgumentOutOfRangeException(paramName, value, $"{paramName} must be positive (INPUT-EMPTY).");
    }

    /// <summary>Class indices in [0, classes), or equal to ignoreIndex when one is allowed. Spec: <c>INPUT-TARGET</c>.</summary>
    public static void ClassIndices(ReadOnlySpan<int> targets, int classes, string paramName, int? ignoreIndex = null)
    {
        for (int i = 0; i < targets.Length; i++)
        {
            int t = targets[i];
            if (ignoreIndex is int ignore && t == ignore) continue;
            if ((uint)t >= (uint)classes)
                throw new ArgumentOutOfRangeException(paramName, t, $"{paramName}[{i}] = {t} is not a class in [0, {classes}){(ignoreIndex is int k ? $" nor the ignore index {k}" : "")} (INPUT-TARGET).");
        }
    }

    /// <summary>One probability: finite and in [0, 1]. Spec: <c>INPUT-NAN</c>, <c>INPUT-PROB</c>.</summary>
    public static void Probability<T>(T y, string paramName) where T : IFloatingPointIeee754<T>
    {
        Finite(y, paramName);
        if (y < T.Zero || y > T.One) throw new ArgumentException($"{paramName} = {y} is outside [0, 1] (INPUT-PROB).", paramName);
    }

    /// <summary>A row-major rows × columns matrix. Spec: <c>INPUT-LENGTH</c>.</summary>
    public static void Matrix<T>(ReadOnlySpan<T> values, int rows, int columns, string paramName)
    {
        long expected = (long)rows * columns;
        if (values.Length != expected)
            throw new ArgumentException($"{paramName} has length {values.Length}; expected {rows} × {columns} = {expected} (INPUT-LENGTH).", paramName);
    }

    /// <summary>
    /// An output span shares no memory with another span (an input, or a second output). Empty spans
    /// overlap nothing. Spec: <c>INPUT-OVERLAP</c>.
    /// </summary>
    public static void Disjoint<TA, TB>(ReadOnlySpan<TA> other, string otherName, ReadOnlySpan<TB> output, string outputName)
    {
        if (other.IsEmpty || output.IsEmpty) return;
        // Byte ranges [a, a + |a|) and [b, b + |b|): as MemoryExtensions.Overlaps, for spans of different element types.
        nint offset = System.Runtime.CompilerServices.Unsafe.ByteOffset(
            ref System.Runtime.CompilerServices.Unsafe.As<TA, byte>(ref System.Runtime.InteropServices.MemoryMarshal.GetReference(other)),
            ref System.Runtime.CompilerServices.Unsafe.As<TB, byte>(ref System.Runtime.InteropServices.MemoryMarshal.GetReference(output)));
        long otherBytes = (long)other.Length * System.Runtime.CompilerServices.Unsafe.SizeOf<TA>();
        long outputBytes = (long)output.Length * System.Runtime.CompilerServices.Unsafe.SizeOf<TB>();
        if (offset >= 0 ? offset < otherBytes : -(long)offset < outputBytes)
            throw new ArgumentException($"{outputName} shares memory with {otherName}; an output must not overlap any other span (INPUT-OVERLAP).", outputName);
    }

    /// <summary>
    /// As <see cref="Disjoint{TA,TB}"/>, except that exact aliasing (same first element, same length) is
    /// accepted when <paramref name="allowExactAlias"/> is set: the in-place call of <c>GRAD-INPLACE</c>.
    /// A partial overlap is always rejected. Spec: <c>INPUT-OVERLAP</c>, <c>GRAD-INPLACE</c>.
    /// </summary>
    public static void DisjointOrSame<T>(ReadOnlySpan<T> input, string inputName, ReadOnlySpan<T> output, string outputName, bool allowExactAlias)
    {
        if (allowExactAlias && input.Length == output.Length && input.Overlaps(output, out int offset) && offset == 0) return;
        Disjoint(input, inputName, output, outputName);
    }

    /// <summary>n·n as a long: the length of an n × n matrix, never wrapped around int. Spec: <c>INPUT-LENGTH</c>.</summary>
    public static long Square(int n) => (long)n * n;

    /// <summary>The reduction is one of the defined <see cref="LossReduction"/> values. Spec: <c>INPUT-TARGET</c>.</summary>
    public static void Reduction(LossReduction reduction, string paramName = "reduction")
    {
        if (reduction is not (LossReduction.Mean or LossReduction.Sum))
            throw new ArgumentOutOfRangeException(paramName, reduction, $"{paramName} = {(int)reduction} is not a defined LossReduction (Mean = 0, Sum = 1) (INPUT-TARGET).");
    }

    /// <summary>A finite, non-negative scalar (an L2 strength λ). Spec: <c>INPUT-NAN</c>, <c>INPUT-PROB</c>.</summary>
    public static void NonNegative<T>(T value, string paramName) where T : IFloatingPointIeee754<T>
    {
        Finite(value, paramName);
        if (value < T.Zero)
            throw new ArgumentException($"{paramName} = {value} is negative; it must be ≥ 0 (INPUT-PROB).", paramName);
    }

    // ---- The rules of whole operations: every check of one capability method, in one call. ----

    /// <summary>
    /// The inputs of <c>ISoftmax.Softmax</c> and <c>LogSoftmax</c>: finite, non-empty logits, an output of
    /// the same length that shares no memory with them. Spec: <c>INPUT-NAN</c>, <c>INPUT-EMPTY</c>,
    /// <c>INPUT-LENGTH</c>, <c>INPUT-OVERLAP</c>.
    /// </summary>
    public static void Softmax<T>(ReadOnlySpan<T> logits, ReadOnlySpan<T> output, string outputName) where T : IFloatingPointIeee754<T>
    {
        Finite(logits, nameof(logits));
        Length(output, logits.Length, outputName);
        Disjoint(logits, nameof(logits), output, outputName);
    }

    /// <summary>
    /// The inputs of <c>ISoftmaxJacobian.SoftmaxJacobian</c>: finite, non-empty logits (n), a jacobian of
    /// length n² (computed in long: n² past int.MaxValue is a length no span has) apart from the logits.
    /// Spec: <c>INPUT-NAN</c>, <c>INPUT-EMPTY</c>, <c>INPUT-LENGTH</c>, <c>INPUT-OVERLAP</c>.
    /// </summary>
    public static void SoftmaxJacobian<T>(ReadOnlySpan<T> logits, ReadOnlySpan<T> jacobian) where T : IFloatingPointIeee754<T>
    {
        Finite(logits, nameof(logits));
        Matrix(jacobian, logits.Length, logits.Length, nameof(jacobian));
        Disjoint(logits, nameof(logits), jacobian, nameof(jacobian));
    }

    /// <summary>
    /// The inputs of <c>ISoftmaxCrossEntropy.CrossEntropyFromLogits</c>: non-negative target weights and
    /// finite logits of the same length. Spec: <c>INPUT-NAN</c>, <c>INPUT-PROB</c>, <c>INPUT-LENGTH</c>.
    /// </summary>
    public static void CrossEntropyFromLogits<T>(ReadOnlySpan<T> target, ReadOnlySpan<T> logits) where T : IFloatingPointIeee754<T>
    {
        NonNegativeWeights(target, nameof(target));
        Finite(logits, nameof(logits));
        SameLength(target, nameof(target), logits, nameof(logits));
    }

    /// <summary>
    /// The inputs of <c>ISoftmaxCrossEntropy.CrossEntropyLogitGradient</c>: those of
    /// <see cref="CrossEntropyFromLogits{T}"/> and a gradient of their length apart from both.
    /// Spec: <c>INPUT-NAN</c>, <c>INPUT-PROB</c>, <c>INPUT-LENGTH</c>, <c>INPUT-OVERLAP</c>.
    /// </summary>
    public static void LogitGradient<T>(ReadOnlySpan<T> target, ReadOnlySpan<T> logits, ReadOnlySpan<T> gradient) where T : IFloatingPointIeee754<T>
    {
        CrossEntropyFromLogits(target, logits);
        Length(gradient, logits.Length, nameof(gradient));
        Disjoint(target, nameof(target), gradient, nameof(gradient));
        Disjoint(logits, nameof(logits), gradient, nameof(gradient));
    }

    /// <summary>
    /// The inputs of <c>ISoftmaxCrossEntropy.CrossEntropyProbabilityGradient</c>: non-negative target
    /// weights, a distribution ŷ of the same length, a gradient span of that length, and no ŷᵢ = 0
    /// where yᵢ &gt; 0 (there the loss is +∞ and ∂L/∂ŷᵢ is −∞). Spec: <c>GRAD-PROB</c>, <c>INPUT-PROB</c>, <c>INPUT-LENGTH</c>.
    /// </summary>
    public static void ProbabilityGradient<T>(ReadOnlySpan<T> target, ReadOnlySpan<T> probabilities, ReadOnlySpan<T> gradient)
        where T : IFloatingPointIeee754<T>
    {
        NonNegativeWeights(target, nameof(target));
        Distribution(probabilities, nameof(probabilities));
        SameLength(target, nameof(target), probabilities, nameof(probabilities));
        Length(gradient, probabilities.Length, nameof(gradient));
        Disjoint(target, nameof(target), gradient, nameof(gradient));
        Disjoint(probabilities, nameof(probabilities), gradient, nameof(gradient));
        for (int i = 0; i < target.Length; i++)
            if (target[i] > T.Zero && probabilities[i] == T.Zero)
                throw new ArgumentException(
                    $"{nameof(probabilities)}[{i}] = 0 where {nameof(target)}[{i}] = {target[i]} > 0: the loss is +∞ and ∂L/∂ŷ is −∞ (GRAD-PROB).",
                    nameof(probabilities));
    }

    /// <summary>
    /// The inputs of <c>IBatchedSoftmaxCrossEntropy.ForwardBackward</c>; returns the number of rows.
    /// The gradient shares no memory with the logits or targets, except that an implementation declaring
    /// <c>IInPlaceBatchedSoftmaxCrossEntropy</c> passes <paramref name="allowInPlace"/> and then accepts a
    /// gradient that is exactly the logits' memory (<c>GRAD-INPLACE</c>); a partial overlap is always rejected.
    /// A kernel that has already found every logit finite in a scan of its own (in parallel, say) passes
    /// <paramref name="logitsCheckedFinite"/> so that they are not scanned a second time; it must call
    /// this method without the flag when its scan finds a non-finite logit, so that the exception is this one.
    /// Spec: <c>INPUT-EMPTY</c>, <c>INPUT-NAN</c>, <c>INPUT-LENGTH</c>, <c>INPUT-TARGET</c>, <c>INPUT-OVERLAP</c>.
    /// </summary>
    public static int BatchedCrossEntropy<T>(ReadOnlySpan<T> logits, int classes, ReadOnlySpan<int> targets, int ignoreIndex,
                                             LossReduction reduction, ReadOnlySpan<T> gradient, bool allowInPlace = false,
                                             bool logitsCheckedFinite = false) where T : IFloatingPointIeee754<T>
    {
        Positive(classes, nameof(classes));
        if (logitsCheckedFinite) NonEmpty(logits, nameof(logits));
        else Finite(logits, nameof(logits));
        if (logits.Length % classes != 0)
            throw new ArgumentException($"{nameof(logits)} has length {logits.Length}, not a multiple of {nameof(classes)} = {classes} (INPUT-LENGTH).", nameof(logits));
        int rows = logits.Length / classes;
        Length(targets, rows, nameof(targets));
        ClassIndices(targets, classes, nameof(targets), ignoreIndex);
        Length(gradient, logits.Length, nameof(gradient));
        Reduction(reduction, nameof(reduction));
        DisjointOrSame(logits, nameof(logits), gradient, nameof(gradient), allowInPlace);
        Disjoint(targets, nameof(targets), gradient, nameof(gradient));
        return rows;
    }

    /// <summary>
    /// The inputs of a linear layer z = Wᵀx + b: finite x, W and b, W of shape m × n with m = |x|,
    /// n = |b|. (Overflow of z itself is checked once z is formed.) Spec: <c>LIN-SHAPE</c>, <c>INPUT-NAN</c>, <c>INPUT-LENGTH</c>.
    /// </summary>
    public static void LinearLayer<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> weights, ReadOnlySpan<T> bias) where T : IFloatingPointIeee754<T>
    {
        Finite(x, nameof(x));
        Finite(weights, nameof(weights));
        Finite(bias, nameof(bias));
        Matrix(weights, x.Length, bias.Length, nameof(weights));
    }

    /// <summary>
    /// The inputs of <c>ILinearLayer.Forward</c>: those of <see cref="LinearLayer{T}"/> and logits of length n
    /// apart from every input. Spec: <c>LIN-SHAPE</c>, <c>INPUT-LENGTH</c>, <c>INPUT-OVERLAP</c>.
    /// </summary>
    public static void LinearForward<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> weights, ReadOnlySpan<T> bias, ReadOnlySpan<T> logits)
        where T : IFloatingPointIeee754<T>
    {
        LinearLayer(x, weights, bias);
        Length(logits, bias.Length, nameof(logits));
        Disjoint(x, nameof(x), logits, nameof(logits));
        Disjoint(weights, nameof(weights), logits, nameof(logits));
        Disjoint(bias, nameof(bias), logits, nameof(logits));
    }

    /// <summary>
    /// The inputs of <c>ILinearLayer.LossAndGradients</c>: those of <see cref="LinearLayer{T}"/>, a target
    /// <em>distribution</em> of length n (spec/linear-layer.md: ∂L/∂b = ŷ − y needs Σy = 1), and gradient
    /// spans of W's and b's shapes, apart from every input and from each other. Spec: <c>LIN-GRAD-W</c>,
    /// <c>LIN-GRAD-B</c>, <c>INPUT-PROB</c>, <c>INPUT-LENGTH</c>, <c>INPUT-OVERLAP</c>.
    /// </summary>
    public static void LinearLayerLoss<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> weights, ReadOnlySpan<T> bias, ReadOnlySpan<T> target,
                                          ReadOnlySpan<T> weightGradient, ReadOnlySpan<T> biasGradient) where T : IFloatingPointIeee754<T>
    {
        LinearLayer(x, weights, bias);
        Distribution(target, nameof(target));
        Length(target, bias.Length, nameof(target));
        Matrix(weightGradient, x.Length, bias.Length, nameof(weightGradient));
        Length(biasGradient, bias.Length, nameof(biasGradient));
        Disjoint(x, nameof(x), weightGradient, nameof(weightGradient));
        Disjoint(weights, nameof(weights), weightGradient, nameof(weightGradient));
        Disjoint(bias, nameof(bias), weightGradient, nameof(weightGradient));
        Disjoint(target, nameof(target), weightGradient, nameof(weightGradient));
        Disjoint(x, nameof(x), biasGradient, nameof(biasGradient));
        Disjoint(weights, nameof(weights), biasGradient, nameof(biasGradient));
        Disjoint(bias, nameof(bias), biasGradient, nameof(biasGradient));
        Disjoint(target, nameof(target), biasGradient, nameof(biasGradient));
        Disjoint(weightGradient, nameof(weightGradient), biasGradient, nameof(biasGradient));
    }

    /// <summary>
    /// The inputs of <c>ISequenceLoss.LossAndGradients</c>: at least a context and one target token
    /// (T ≥ 1), tokens in [0, V), finite W (V × V) and b (V), a finite λ ≥ 0, gradient spans of those
    /// shapes. (Overflow of the logits is checked once they are formed.) Spec: <c>SEQ-DEF</c>,
    /// <c>SEQ-L2</c>, <c>INPUT-EMPTY</c>, <c>INPUT-NAN</c>, <c>INPUT-LENGTH</c>, <c>INPUT-TARGET</c>.
    /// </summary>
    public static void SequenceLoss<T>(ReadOnlySpan<int> tokens, int vocabulary, ReadOnlySpan<T> weights, ReadOnlySpan<T> bias, T lambda,
                                       ReadOnlySpan<T> weightGradient, ReadOnlySpan<T> biasGradient) where T : IFloatingPointIeee754<T>
    {
        if (tokens.Length < 2)
            throw new ArgumentException($"{nameof(tokens)} has length {tokens.Length}; a sequence needs a context and at least one target (T ≥ 1).", nameof(tokens));
        Positive(vocabulary, nameof(vocabulary));
        ClassIndices(tokens, vocabulary, nameof(tokens));
        Finite(weights, nameof(weights));
        Matrix(weights, vocabulary, vocabulary, nameof(weights));
        Finite(bias, nameof(bias));
        Length(bias, vocabulary, nameof(bias));
        NonNegative(lambda, nameof(lambda));
        Matrix(weightGradient, vocabulary, vocabulary, nameof(weightGradient));
        Length(biasGradient, vocabulary, nameof(biasGradient));
        Disjoint(tokens, nameof(tokens), weightGradient, nameof(weightGradient));
        Disjoint(weights, nameof(weights), weightGradient, nameof(weightGradient));
        Disjoint(bias, nameof(bias), weightGradient, nameof(weightGradient));
        Disjoint(tokens, nameof(tokens), biasGradient, nameof(biasGradient));
        Disjoint(weights, nameof(weights), biasGradient, nameof(biasGradient));
        Disjoint(bias, nameof(bias), biasGradient, nameof(biasGradient));
        Disjoint(weightGradient, nameof(weightGradient), biasGradient, nameof(biasGradient));
    }
}
