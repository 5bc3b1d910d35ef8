namespace LossConformance.Reference;

/// <summary>Length checks for row-major matrices, on top of <see cref="InputRules"/>.</summary>
internal static class Shape
{
    /// <summary>
    /// The span holds a rows × columns matrix: its length is rows · columns. The product is taken
    /// in 64 bits, so that a product beyond int.MaxValue (which no span can have) is a length
    /// mismatch rather than an overflow. Spec: <c>INPUT-LENGTH</c>.
    /// </summary>
    public static void Matrix<T>(ReadOnlySpan<T> values, int rows, int columns, string paramName)
    {
        long expected = (long)rows * columns;
        if (values.Length != expected)
            throw new ArgumentException(
                $"{paramName} has length {values.Length}; expected {rows} × {columns} = {expected} (INPUT-LENGTH).", paramName);
    }
}
