using System.Reflection;
using System.Runtime.Loader;

namespace LossConformance.Kit;

/// <summary>
/// Implementations named by the environment variable <c>CONFORMANCE_IMPLEMENTATION</c>:
/// entries separated by ';', each "path/to/Assembly.dll" (every public concrete type with a
/// parameterless constructor that implements a capability) or "path/to/Assembly.dll::Namespace.Type".
/// A relative path is tried against the working directory, then the repository root.
/// An entry "exec:COMMAND" starts COMMAND (via /bin/sh, in the repository root) as an implementation
/// in another language that speaks spec/protocol.md (src/Kit/External).
/// </summary>
public static class DropIn
{
    public const string Variable = "CONFORMANCE_IMPLEMENTATION";

    private static readonly Lazy<(IReadOnlyList<ImplementationUnderTest> Loaded, IReadOnlyList<string> Errors)> State =
        new(() => Load(Environment.GetEnvironmentVariable(Variable)));

    /// <summary>The implementations that loaded.</summary>
    public static IReadOnlyList<ImplementationUnderTest> Implementations => State.Value.Loaded;

    /// <summary>Why each entry that failed did not load; a test in each suite project fails listing these.</summary>
    public static IReadOnlyList<string> Errors => State.Value.Errors;

    /// <summary>The raw value of the variable, or null.</summary>
    public static string? Setting => Environment.GetEnvironmentVariable(Variable);

    public static (IReadOnlyList<ImplementationUnderTest> Loaded, IReadOnlyList<string> Errors) Load(string? setting)
    {
        var loaded = new List<ImplementationUnderTest>();
        var errors = new List<string>();
        if (string.IsNullOrWhiteSpace(setting)) return (loaded, errors);

        foreach (var raw in setting.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (raw.StartsWith(External.ExternalImplementations.Prefix, StringComparison.Ordinal))
            {
                try { loaded.Add(ImplementationUnderTest.Register(External.ExternalImplementations.Connect(raw[External.ExternalImplementations.Prefix.Length..].Trim()), raw)); }
                catch (Exception e) { errors.Add($"{Variable} entry '{raw}' did not start: {e.Message}"); }
                continue;
            }
            string pathPart = raw, typeName = "";
            int sep = raw.IndexOf("::", StringComparison.Ordinal);
            if (sep >= 0) { pathPart = raw[..sep]; typeName = raw[(sep + 2)..]; }
            try
            {
                string path = ResolvePath(pathPart);
                var assembly = new PlugInLoadContext(path).LoadFromAssemblyPath(path);
                Type[] candidates = typeName.Length > 0
                    ? [assembly.GetType(typeName, throwOnError: false) ?? throw new InvalidOperationException(
                        $"type '{typeName}' is not in {Path.GetFileName(path)}; public types there: {string.Join(", ", assembly.GetExportedTypes().Select(t => t.FullName))}")]
                    : assembly.GetExportedTypes().Where(IsImplementationType).ToArray();
                if (candidates.Length == 0)
                    throw new InvalidOperationException($"{Path.GetFileName(path)} has no public concrete type with a parameterless constructor that implements a capability interface of LossConformance.Contract");
                foreach (var type in candidates)
                {
                    if (!IsImplementationType(type))
                        throw new InvalidOperationException($"{type.FullName} is not a public concrete class with a parameterless constructor implementing a capability interface");
                    loaded.Add(ImplementationUnderTest.Register(Activator.CreateInstance(type)!, path));
                }
            }
            catch (Exception e)
            {
                var inner = e is TargetInvocationException { InnerException: { } ie } ? ie : e;
                errors.Add($"{Variable} entry '{raw}' did not load: {inner.Message}");
            }
        }
        return (loaded, errors);
    }

    private static bool IsImplementationType(Type t) =>
        t is { IsClass: true, IsAbstract: false, IsPublic: true } && t.GetConstructor(Type.EmptyTypes) is not null
        && t.GetInterfaces().Any(i => i.IsGenericType && Capabilities.All.Contains(i.GetGenericTypeDefinition()));

    private static string ResolvePath(string path)
    {
        if (Path.IsPathRooted(path))
            return File.Exists(path) ? path : throw new FileNotFoundException($"no file at {path}");
        var tried = new List<string> { Path.GetFullPath(path) };
        if (RepositoryRoot() is { } root) tried.Add(Path.GetFullPath(Path.Combine(root, path)));
        return tried.FirstOrDefault(File.Exists)
            ?? throw new FileNotFoundException($"no file at any of: {string.Join(", ", tried)}");
    }

    /// <summary>The nearest folder above the test assembly that holds Conformance.sln, if any.</summary>
    public static string? RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Conformance.sln"))) return dir.FullName;
        return null;
    }

    /// <summary>Loads a plug-in beside its own dependencies, sharing the contract with the suites so that its types match.</summary>
    private sealed class PlugInLoadContext(string path) : AssemblyLoadContext(isCollectible: false)
    {
        private readonly AssemblyDependencyResolver _resolver = new(path);

        protected override Assembly? Load(AssemblyName name)
        {
            var shared = AssemblyLoadContext.Default.Assemblies.FirstOrDefault(a => AssemblyName.ReferenceMatchesDefinition(a.GetName(), name));
            if (shared is not null) return shared;
            string? file = _resolver.ResolveAssemblyToPath(name);
            return file is null ? null : LoadFromAssemblyPath(file);
        }

        protected override IntPtr LoadUnmanagedDll(string unmanagedDllName)
        {
            string? file = _resolver.ResolveUnmanagedDllToPath(unmanagedDllName);
            return file is null ? IntPtr.Zero : LoadUnmanagedDllFromPath(file);
        }
    }
}
