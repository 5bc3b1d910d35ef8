using System.Collections.Concurrent;
using System.Numerics;

namespace LossConformance.Kit;

/// <summary>
/// The implementations a built-in suite class runs on: the project's own, then every drop-in that
/// provides something over T, narrowed by <c>CONFORMANCE_ONLY</c>: "plugins" keeps only the drop-ins
/// of CONFORMANCE_IMPLEMENTATION; "A,B" keeps only the implementations with those display names
/// (the two combine: "plugins,Reference").
/// A differential test still uses the reference as its oracle: only what is tested is narrowed.
/// </summary>
public static class Implementations
{
    public const string OnlyVariable = "CONFORMANCE_ONLY";

    /// <summary>The value of <see cref="OnlyVariable"/> that keeps only the drop-ins.</summary>
    public const string PlugInsOnly = "plugins";

    // Every name offered to WithDropIns (before narrowing), so that a test can say which names CONFORMANCE_ONLY may use.
    private static readonly ConcurrentDictionary<string, byte> Offered = new(StringComparer.Ordinal);

    /// <summary>The given built-ins that provide a capability over T, followed by the drop-ins that do, narrowed by CONFORMANCE_ONLY.</summary>
    public static object[] WithDropIns<T>(params object[] builtIns) where T : unmanaged, IFloatingPointIeee754<T>
    {
        foreach (var i in builtIns) Offered.TryAdd(NameOf(i), 0);
        foreach (var i in DropIn.Implementations) Offered.TryAdd(i.Name, 0);
        var only = Only(Environment.GetEnvironmentVariable(OnlyVariable));
        return builtIns.Where(i => only is null || only.Contains(NameOf(i)))
            .Where(i => Capabilities.ProvidesAny(i, typeof(T)))
            .Concat(DropIn.Implementations.Where(i => Capabilities.ProvidesAny(i.Instance, typeof(T)))
                .Where(i => only is null || only.Contains(PlugInsOnly) || only.Contains(i.Name)))
            .ToArray();
    }

    /// <summary>The names listed by a CONFORMANCE_ONLY value, or null when it is unset or blank (everything runs).</summary>
    public static IReadOnlyList<string>? Only(string? setting) =>
        string.IsNullOrWhiteSpace(setting) ? null
            : setting.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) is { Length: > 0 } names ? names : null;

    /// <summary>
    /// Why CONFORMANCE_ONLY would run nothing or less than asked, or null: a name that is no implementation
    /// offered so far (call the project's BuiltIn.For&lt;T&gt;() first), or "plugins" with no plug-in loaded.
    /// </summary>
    public static string? OnlyProblem()
    {
        string? setting = Environment.GetEnvironmentVariable(OnlyVariable);
        var only = Only(setting);
        if (only is null) return null;
        var known = Offered.Keys.Order(StringComparer.Ordinal).ToArray();
        if (only.Contains(PlugInsOnly) && DropIn.Implementations.Count == 0)
            return $"{OnlyVariable}='{setting}' asks for the plug-ins, but {DropIn.Variable} loaded none ('{DropIn.Setting}').";
        var unknown = only.Where(n => n != PlugInsOnly && !Offered.ContainsKey(n)).ToArray();
        return unknown.Length == 0 ? null
            : $"{OnlyVariable}='{setting}' names {string.Join(", ", unknown.Select(n => $"'{n}'"))}, which no implementation of this project is called; "
              + $"known names (case-sensitive): {string.Join(", ", known)}; or '{PlugInsOnly}' for only the {DropIn.Variable} plug-ins.";
    }

    private static string NameOf(object implementation) =>
        implementation is ImplementationUnderTest impl ? impl.Name
            : implementation is INamedImplementation named ? named.Name : implementation.GetType().Name;
}
