using System.Numerics;

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
        for (int i = 0; i < values.Length; i++)
            if (!T.IsFinite(values[i]))
                throw new ArgumentException($"{paramName}[{i}] is {values[i]}; values must be finite (INPUT-NAN).", paramName);
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

    // ---- The rules of whole operations: every check of one capability method, in one call. ----

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
        for (int i = 0; i < target.Length; i++)
            if (target[i] > T.Zero && probabilities[i] == T.Zero)
                throw new ArgumentException(
                    $"{nameof(probabilities)}[{i}] = 0 where {nameof(target)}[{i}] = {target[i]} > 0: the loss is +∞ and ∂L/∂ŷ is −∞ (GRAD-PROB).",
                    nameof(probabilities));
    }

    /// <summary>
    /// The inputs of <c>IBatchedSoftmaxCrossEntropy.ForwardBackward</c>; returns the number of rows.
    /// Spec: <c>INPUT-EMPTY</c>, <c>INPUT-NAN</c>, <c>INPUT-LENGTH</c>, <c>INPUT-TARGET</c>.
    /// </summary>
    public static int BatchedCrossEntropy<T>(ReadOnlySpan<T> logits, int classes, ReadOnlySpan<int> targets, int ignoreIndex,
                                             LossReduction reduction, ReadOnlySpan<T> gradient) where T : IFloatingPointIeee754<T>
    {
        Positive(classes, nameof(classes));
        Finite(logits, nameof(logits));
        if (logits.Length % classes != 0)
            throw new ArgumentException($"{nameof(logits)} has length {logits.Length}, not a multiple of {nameof(classes)} = {classes} (INPUT-LENGTH).", nameof(logits));
        int rows = logits.Length / classes;
        Length(targets, rows, nameof(targets));
        ClassIndices(targets, classes, nameof(targets), ignoreIndex);
        Length(gradient, logits.Length, nameof(gradient));
        if (reduction is not (LossReduction.Mean or LossReduction.Sum))
            throw new ArgumentOutOfRangeException(nameof(reduction), reduction, "reduction must be Mean or Sum.");
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
    /// The inputs of <c>ILinearLayer.LossAndGradients</c>: those of <see cref="LinearLayer{T}"/>, non-negative
    /// target weights of length n, and gradient spans of W's and b's shapes. Spec: <c>LIN-GRAD-W</c>,
    /// <c>LIN-GRAD-B</c>, <c>INPUT-PROB</c>, <c>INPUT-LENGTH</c>.
    /// </summary>
    public static void LinearLayerLoss<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> weights, ReadOnlySpan<T> bias, ReadOnlySpan<T> target,
                                          ReadOnlySpan<T> weightGradient, ReadOnlySpan<T> biasGradient) where T : IFloatingPointIeee754<T>
    {
        LinearLayer(x, weights, bias);
        NonNegativeWeights(target, nameof(target));
        Length(target, bias.Length, nameof(target));
        Matrix(weightGradient, x.Length, bias.Length, nameof(weightGradient));
        Length(biasGradient, bias.Length, nameof(biasGradient));
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
        Finite(lambda, nameof(lambda));
        if (lambda < T.Zero)
            throw new ArgumentException($"{nameof(lambda)} = {lambda} is negative; an L2 strength must be ≥ 0.", nameof(lambda));
        Matrix(weightGradient, vocabulary, vocabulary, nameof(weightGradient));
        Length(biasGradient, vocabulary, nameof(biasGradient));
    }
}
