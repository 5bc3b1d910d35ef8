namespace LossConformance;

/// <summary>
/// One L2-regularised softmax (multinomial logistic) regression problem (spec/optimization.md, <c>OPT-LOSS</c>):
/// inputs X [N × d] row-major, targets Y [N × K] row-major (each row a distribution — one-hot for a hard
/// label — or all zero for an ignored sample), strength λ &gt; 0. Parameters W ∈ ℝ^{d×K} row-major
/// (W[i·K + j]); there is no separate bias (append a constant feature to X to get one; it is then
/// regularised with the rest, which keeps the problem λ-strongly convex).
/// L(W) = (1/N_c) Σ_counted CE(softmax(Wᵀxₙ), yₙ) + (λ/2)‖W‖², N_c = number of counted (non-zero) rows.
/// </summary>
public readonly ref struct SoftmaxRegressionProblem<T>
{
    /// <summary>The problem (X, Y, d, K, λ); nothing is copied or validated here.</summary>
    public SoftmaxRegressionProblem(ReadOnlySpan<T> inputs, ReadOnlySpan<T> targets, int features, int classes, T lambda)
    {
        Inputs = inputs;
        Targets = targets;
        Features = features;
        Classes = classes;
        Lambda = lambda;
    }

    /// <summary>X, [N × d] row-major.</summary>
    public ReadOnlySpan<T> Inputs { get; }

    /// <summary>Y, [N × K] row-major; a row of zeros is an ignored sample.</summary>
    public ReadOnlySpan<T> Targets { get; }

    /// <summary>d.</summary>
    public int Features { get; }

    /// <summary>K.</summary>
    public int Classes { get; }

    /// <summary>λ &gt; 0.</summary>
    public T Lambda { get; }

    /// <summary>N, the number of rows of X (counted or not).</summary>
    public int Samples => Features > 0 ? Inputs.Length / Features : 0;

    /// <summary>d·K, the number of parameters.</summary>
    public int Parameters => Features * Classes;
}

/// <summary>
/// The loss of a softmax regression and its first and second derivatives. Spec: spec/optimization.md.
/// The vectorisation order of W (and of every direction and Hessian index) is row-major: index i·K + j.
/// </summary>
public interface ISoftmaxRegression<T>
{
    /// <summary>
    /// Returns L(W) = (1/N_c)Σₙ CE(softmax(Wᵀxₙ), yₙ) + (λ/2)‖W‖² and writes
    /// ∇L = (1/N_c) Σₙ xₙ(ŷₙ − yₙ)ᵀ + λW ([d × K]). Spec: <c>OPT-LOSS</c>, <c>OPT-GRADIENT</c>.
    /// </summary>
    T LossAndGradient(SoftmaxRegressionProblem<T> problem, ReadOnlySpan<T> weights, Span<T> gradient);

    /// <summary>
    /// Writes H = (1/N_c) Σₙ (xₙxₙᵀ) ⊗ (diag ŷₙ − ŷₙŷₙᵀ) + λI, [dK × dK] row-major:
    /// H[(i·K + j)·dK + (k·K + l)] = (1/N_c) Σₙ xₙᵢxₙₖ (δⱼₗŷₙⱼ − ŷₙⱼŷₙₗ) + λδᵢₖδⱼₗ. Spec: <c>OPT-HESSIAN</c>.
    /// </summary>
    void Hessian(SoftmaxRegressionProblem<T> problem, ReadOnlySpan<T> weights, Span<T> hessian);

    /// <summary>
    /// Writes H·V without forming H: (1/N_c) Σₙ xₙ (Sₙ Vᵀxₙ)ᵀ + λV, Sₙ = diag ŷₙ − ŷₙŷₙᵀ ([d × K]). Spec: <c>OPT-HVP</c>.
    /// </summary>
    void HessianVectorProduct(SoftmaxRegressionProblem<T> problem, ReadOnlySpan<T> weights, ReadOnlySpan<T> direction, Span<T> product);
}

/// <summary>
/// One step of each of the two optimizers of spec/optimization.md on a softmax regression; a user's
/// optimizer is judged by the same convergence clauses.
/// </summary>
public interface ISoftmaxRegressionOptimizer<T>
{
    /// <summary>
    /// Writes W⁺ = W − η∇L(W) into next and returns L(W). Spec: <c>OPT-GD-STEP</c>, <c>OPT-GD-DESCENT</c>, <c>OPT-GD-RATE</c>.
    /// </summary>
    T GradientDescentStep(SoftmaxRegressionProblem<T> problem, ReadOnlySpan<T> weights, T stepSize, Span<T> next);

    /// <summary>
    /// One damped Newton step: a direction p with ‖H p + g‖ ≤ min(½, ‖g‖)·‖g‖ (g = ∇L(W), H = ∇²L(W);
    /// an exact solve or conjugate gradients), then backtracking from t = 1 by halving until the Armijo
    /// condition L(W + t p) ≤ L(W) + c·t·⟨g, p⟩ + ε_f holds, c = <see cref="NewtonLineSearch.SufficientDecrease"/>,
    /// ε_f = <see cref="NewtonLineSearch.RoundingAllowanceUlps"/>·u·|L(W)|.
    /// Writes W⁺ = W + t p into next and returns t (1 when g = 0 and next = W).
    /// Spec: <c>OPT-NEWTON-STEP</c>, <c>OPT-NEWTON-GLOBAL</c>, <c>OPT-NEWTON-QUADRATIC</c>.
    /// </summary>
    T NewtonStep(SoftmaxRegressionProblem<T> problem, ReadOnlySpan<T> weights, Span<T> next);
}

/// <summary>The constants of the Newton step's line search (spec/optimization.md, <c>OPT-NEWTON-STEP</c>).</summary>
public static class NewtonLineSearch
{
    /// <summary>Armijo's c = 10⁻⁴.</summary>
    public const double SufficientDecrease = 1e-4;

    /// <summary>
    /// The Armijo test allows an increase of ε_f = 64·u·|L(W)| (u the unit roundoff of the arithmetic that evaluates L),
    /// the rounding of the two loss evaluations it compares (Hager and Zhang's approximate-Wolfe allowance): without it a
    /// line search stalls where the decrease c·t·⟨g, p⟩ falls below the rounding of L, long before ‖g‖ reaches 10⁻¹⁰.
    /// </summary>
    public const double RoundingAllowanceUlps = 64;

    /// <summary>At most this many halvings (t ≥ 2⁻⁶⁰); past them the step is t = 0 (next = W).</summary>
    public const int MaxHalvings = 60;
}
