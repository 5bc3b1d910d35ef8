using System.Numerics;

namespace LossConformance.Kit;

/// <summary>The implementations a built-in suite class runs on: the project's own, then every drop-in that provides something over T.</summary>
public static class Implementations
{
    /// <summary>The given built-ins that provide a capability over T, followed by the drop-ins that do.</summary>
    public static object[] WithDropIns<T>(params object[] builtIns) where T : unmanaged, IFloatingPointIeee754<T> =>
        builtIns.Where(i => Capabilities.ProvidesAny(i, typeof(T)))
            .Concat(DropIn.Implementations.Where(i => Capabilities.ProvidesAny(i.Instance, typeof(T))))
            .ToArray();
}
