using System.Numerics;
using LossConformance.Kit;
using LossConformance.Reference;

namespace LossConformance.Properties;

/// <summary>What this project's concrete suite classes run on: the float64 reference, plus every plug-in named by CONFORMANCE_IMPLEMENTATION.</summary>
public static class BuiltIn
{
    public static object[] For<T>() where T : unmanaged, IFloatingPointIeee754<T> =>
        Implementations.WithDropIns<T>(new ReferenceImplementation());
}
