using System.Collections.Concurrent;
using System.Reflection;
using System.Reflection.Emit;
using System.Text.Json.Nodes;

namespace LossConformance.Kit.External;

/// <summary>
/// Starts an <c>exec:</c> entry of CONFORMANCE_IMPLEMENTATION, reads its handshake and returns an
/// <see cref="ExternalImplementation"/> whose run-time type declares exactly the capability
/// interfaces the handshake names (spec/protocol.md, "Handshake").
/// </summary>
public static class ExternalImplementations
{
    public const string Prefix = "exec:";

    private static readonly ModuleBuilder Module = AssemblyBuilder
        .DefineDynamicAssembly(new AssemblyName("LossConformance.External.Proxies"), AssemblyBuilderAccess.Run)
        .DefineDynamicModule("LossConformance.External.Proxies");

    private static readonly ConcurrentDictionary<string, Type> Proxies = new(StringComparer.Ordinal);
    private static int _emitted;

    /// <summary>The capability names of the protocol ("ISoftmax") → the contract's open generic interfaces.</summary>
    public static IReadOnlyDictionary<string, Type> CapabilityNames { get; } =
        Capabilities.All.ToDictionary(t => t.Name[..t.Name.IndexOf('`')], StringComparer.Ordinal);

    public static readonly IReadOnlyDictionary<string, Type> ElementTypes = new Dictionary<string, Type>
    {
        ["float32"] = typeof(float),
        ["float64"] = typeof(double),
    };

    /// <summary>Starts the command and connects to it; throws with the reason when the handshake fails or is not understood.</summary>
    public static ExternalImplementation Connect(string command, string? workingDirectory = null, TimeSpan? timeout = null)
    {
        var process = new ExternalProcess(command, workingDirectory, timeout);
        try
        {
            var hello = process.Handshake();
            string name = (string?)hello["name"] is { Length: > 0 } n ? n : throw new InvalidDataException("the handshake names no implementation (\"name\")");
            var interfaces = Interfaces(hello["capabilities"] as JsonObject
                                        ?? throw new InvalidDataException("the handshake has no \"capabilities\" object"));
            var deviations = Deviations(hello["deviations"] as JsonArray);
            var type = Proxies.GetOrAdd(name + "|" + string.Join(",", interfaces.Select(Capabilities.Describe)), _ => Emit(name, interfaces));
            return (ExternalImplementation)Activator.CreateInstance(type, process, name, deviations)!;
        }
        catch
        {
            process.Dispose();
            throw;
        }
    }

    private static Type[] Interfaces(JsonObject capabilities)
    {
        var result = new List<Type>();
        foreach (var (dtype, list) in capabilities)
        {
            var element = ElementTypes.GetValueOrDefault(dtype)
                ?? throw new InvalidDataException($"unknown element type '{dtype}' in the handshake (float32, float64)");
            foreach (var node in list as JsonArray ?? throw new InvalidDataException($"capabilities.{dtype} is not a list"))
            {
                string capability = (string?)node ?? "";
                var open = CapabilityNames.GetValueOrDefault(capability)
                    ?? throw new InvalidDataException($"unknown capability '{capability}'; the contract's are {string.Join(", ", CapabilityNames.Keys.Order())}");
                result.Add(open.MakeGenericType(element));
            }
        }
        if (result.Count == 0) throw new InvalidDataException("the handshake declares no capability");
        return result.Distinct().ToArray();
    }

    private static KnownDeviation[] Deviations(JsonArray? list) =>
        list is null ? [] : list.Select(node =>
        {
            string Field(string key) => (string?)node?[key] is { Length: > 0 } v ? v : throw new InvalidDataException($"a known deviation without \"{key}\": {node?.ToJsonString()}");
            string? elementName = (string?)node?["elementType"];
            Type? element = elementName is null ? null : ElementTypes.GetValueOrDefault(elementName)
                ?? throw new InvalidDataException($"known deviation with elementType '{elementName}' (float32, float64 or null)");
            return new KnownDeviation(Field("clause"), Field("test"), element, Field("reason"), Field("measured"),
                                      (string?)node?["case"], (string?)node?["inputs"]);
        }).ToArray();

    /// <summary>
    /// A sealed subclass of <see cref="ExternalImplementation"/> that declares the given interfaces
    /// and defines no method: each interface method binds to the inherited public virtual method of
    /// the same name and signature.
    /// </summary>
    private static Type Emit(string name, Type[] interfaces)
    {
        string typeName = "External_" + new string(name.Select(c => char.IsLetterOrDigit(c) ? c : '_').ToArray()) + "_" + Interlocked.Increment(ref _emitted);
        var builder = Module.DefineType(typeName, TypeAttributes.Public | TypeAttributes.Sealed | TypeAttributes.Class, typeof(ExternalImplementation));
        foreach (var i in interfaces.SelectMany(i => i.GetInterfaces().Prepend(i)).Distinct())
            builder.AddInterfaceImplementation(i);
        Type[] parameters = [typeof(ExternalProcess), typeof(string), typeof(IReadOnlyList<KnownDeviation>)];
        var baseCtor = typeof(ExternalImplementation).GetConstructor(BindingFlags.NonPublic | BindingFlags.Instance, parameters)!;
        var il = builder.DefineConstructor(MethodAttributes.Public, CallingConventions.Standard, parameters).GetILGenerator();
        il.Emit(OpCodes.Ldarg_0);
        il.Emit(OpCodes.Ldarg_1);
        il.Emit(OpCodes.Ldarg_2);
        il.Emit(OpCodes.Ldarg_3);
        il.Emit(OpCodes.Call, baseCtor);
        il.Emit(OpCodes.Ret);
        return builder.CreateType();
    }
}
