namespace LossConformance.Optimized.Cpu;

/// <summary>
/// The project's optimized CPU implementation, "Optimized-CPU". A partial class: each area's
/// capabilities live in a file of their own beside this one.
/// </summary>
public sealed partial class OptimizedCpuImplementation : INamedImplementation
{
    /// <inheritdoc/>
    public string Name => "Optimized-CPU";
}
