using System.Collections.Concurrent;

namespace LossConformance.Kit;

/// <summary>An implementation plugged into the suites: the object, its display name and where it came from.</summary>
public sealed class ImplementationUnderTest
{
    private ImplementationUnderTest(object instance, string name, string origin)
    {
        Instance = instance;
        Name = name;
        Origin = origin;
    }

    public object Instance { get; }

    /// <summary><see cref="INamedImplementation.Name"/>, or the type's name.</summary>
    public string Name { get; }

    /// <summary>"built in", "subclass", or the assembly path it was loaded from.</summary>
    public string Origin { get; }

    /// <summary>
    /// The capability, or an explanation of why the test should have been skipped. A capability over float or double
    /// comes wrapped in a guard that checks, after every call, that the call left its inputs bit for bit as they were
    /// (<see cref="GuardedCapabilities{T}"/>, <c>INPUT-UNCHANGED</c>): every call the suites make through As is checked.
    /// </summary>
    public TCapability As<TCapability>() where TCapability : class
    {
        var capability = Instance as TCapability ?? throw new InvalidOperationException(
            $"{Name} does not implement {Capabilities.Describe(typeof(TCapability))}; the test should carry [Requires(typeof({Capabilities.Describe(typeof(TCapability))}))] so that it is skipped.");
        if (typeof(TCapability).IsGenericType && typeof(TCapability).GetGenericArguments() is [var element])
        {
            object? guarded = element == typeof(double) ? _guardedDouble ??= new GuardedCapabilities<double>(Instance)
                            : element == typeof(float) ? _guardedFloat ??= new GuardedCapabilities<float>(Instance)
                            : null;
            if (guarded is TCapability wrapped) return wrapped;
        }
        return capability;
    }

    private object? _guardedDouble, _guardedFloat;

    /// <summary>The object itself when <paramref name="capability"/> is the input guard's wrapper around it.</summary>
    public static object Unwrap(object capability) => capability switch
    {
        GuardedCapabilities<double> d => d.Inner,
        GuardedCapabilities<float> f => f.Inner,
        _ => capability,
    };

    public bool Provides<TCapability>() => Instance is TCapability;

    public override string ToString() => Name;

    /// <summary>Wraps an implementation object and registers it by name, so that a test given only the name finds it.</summary>
    public static ImplementationUnderTest Register(object instance, string origin)
    {
        ArgumentNullException.ThrowIfNull(instance);
        if (instance is ImplementationUnderTest already) return already;
        string name = instance is INamedImplementation named ? named.Name : instance.GetType().Name;
        var impl = new ImplementationUnderTest(instance, name, origin);
        var kept = Registry.GetOrAdd(name, impl);
        if (kept.Instance.GetType() != instance.GetType())
            throw new InvalidOperationException(
                $"Two implementations are named '{name}': {kept.Instance.GetType().FullName} ({kept.Origin}) and {instance.GetType().FullName} ({origin}). Implement INamedImplementation to tell them apart.");
        return kept;
    }

    /// <summary>The implementation registered under this name.</summary>
    public static ImplementationUnderTest Find(string name) =>
        Registry.TryGetValue(name, out var impl) ? impl
            : throw new InvalidOperationException($"No implementation named '{name}' is registered; known: {string.Join(", ", Registry.Keys.Order())}.");

    private static readonly ConcurrentDictionary<string, ImplementationUnderTest> Registry = new(StringComparer.Ordinal);
}
