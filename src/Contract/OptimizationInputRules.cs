using System.Numerics;

namespace LossConformance;

/// <summary>
/// The input rules of the softmax-regression capabilities (spec/optimization.md, spec/bad-input.md):
/// each throws <see cref="ArgumentException"/> naming the parameter, before any output is written.
/// </summary>
public static class OptimizationInputRules
{
    /// <summary>
    /// d ≥ 1, K ≥ 1, X finite with a length that is a multiple of d (N ≥ 1 rows), Y of length N·K with every
    /// row a distribution (within τ(K)) or all zero, λ finite and &gt; 0. Spec: <c>OPT-LOSS</c>, <c>INPUT-LENGTH</c>,
    /// <c>INPUT-NAN</c>, <c>INPUT-PROB</c>.
    /// </summary>
    public static void Problem<T>(SoftmaxRegressionProblem<T> problem) where T : IFloatingPointIeee754<T>
    {
        InputRules.Positive(problem.Features, "features");
        InputRules.Positive(problem.Classes, "classes");
        InputRules.Finite(problem.Inputs, "inputs");
        if (problem.Inputs.Length % problem.Features != 0)
            throw new ArgumentException($"inputs has length {problem.Inputs.Length}, not a multiple of features = {problem.Features} (INPUT-LENGTH).", "inputs");
        int n = problem.Samples, k = problem.Classes;
        InputRules.Length(problem.Targets, n * k, "targets");
        for (int r = 0; r < n; r++)
        {
            var row = problem.Targets.Slice(r * k, k);
            bool zero = true;
            foreach (var v in row) if (v != T.Zero) { zero = false; break; }
            if (!zero) InputRules.Distribution(row, "targets");
        }
        InputRules.Finite(problem.Lambda, "lambda");
        if (!(problem.Lambda > T.Zero))
            throw new ArgumentException($"lambda = {problem.Lambda} must be > 0: the problem is then strongly convex (OPT-LOSS).", "lambda");
    }

    /// <summary>The problem, and W finite of length d·K, and one output of length <paramref name="outputLength"/>.</summary>
    public static void Weights<T>(SoftmaxRegressionProblem<T> problem, ReadOnlySpan<T> weights, ReadOnlySpan<T> output, int outputLength, string outputName)
        where T : IFloatingPointIeee754<T>
    {
        Problem(problem);
        InputRules.Finite(weights, nameof(weights));
        InputRules.Length(weights, problem.Parameters, nameof(weights));
        InputRules.Length(output, outputLength, outputName);
    }

    /// <summary>A direction (finite, d·K) for a Hessian-vector product.</summary>
    public static void Direction<T>(ReadOnlySpan<T> direction, int parameters) where T : IFloatingPointIeee754<T>
    {
        InputRules.Finite(direction, nameof(direction));
        InputRules.Length(direction, parameters, nameof(direction));
    }

    /// <summary>A step size η: finite and &gt; 0.</summary>
    public static void StepSize<T>(T stepSize) where T : IFloatingPointIeee754<T>
    {
        InputRules.Finite(stepSize, nameof(stepSize));
        if (!(stepSize > T.Zero)) throw new ArgumentException($"stepSize = {stepSize} must be > 0.", nameof(stepSize));
    }
}
