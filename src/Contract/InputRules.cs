using System.Numerics;

namespace LossConformance;

/// <summary>
/// The input rules of spec/bad-input.md, written once so that every implementation can apply
/// them the same way. Each method throws <see cref="ArgumentException"/> (or
/// <see cref="ArgumentOutOfRangeException"/>) naming the offending parameter; call them all
/// before writing to any output span (<c>INPUT-NO-WRITE</c>).
/// </summary>
public static class InputRules
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
}
