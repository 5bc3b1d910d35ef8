namespace LossConformance.Kit;

/// <summary>
/// Cites the spec clauses a test checks, by ID (the backticked first word of a heading in spec/).
/// Several IDs may be listed; a failure names them. The traceability tests require every
/// clause to be cited and every cited ID to exist.
/// </summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = true, Inherited = true)]
public sealed class SpecAttribute(params string[] clauseIds) : Attribute
{
    public IReadOnlyList<string> ClauseIds { get; } = clauseIds;
}

/// <summary>
/// The capability interfaces a test needs, as open generics (typeof(IEntropy&lt;&gt;)); they
/// are closed over the suite's element type. An implementation that lacks one is reported as
/// skipped for that test, with the missing interface as the reason. On a class, it applies to
/// every test of the class and of its subclasses.
/// </summary>
[AttributeUsage(AttributeTargets.Method | AttributeTargets.Class, AllowMultiple = true, Inherited = true)]
public sealed class RequiresAttribute(params Type[] capabilities) : Attribute
{
    public IReadOnlyList<Type> Capabilities { get; } = capabilities;
}

/// <summary>
/// A test too heavy for every run (several GiB, minutes): its cases are reported as skipped, with
/// <paramref name="why"/> and the variable that runs them, unless the environment variable is set to 1.
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class RunsOnlyWithAttribute(string variable, string why) : Attribute
{
    public string Variable { get; } = variable;
    public string Why { get; } = why;
    public bool IsSet => Environment.GetEnvironmentVariable(Variable) == "1";
    public string SkipReason => $"not run by default: {Why}; set {Variable}=1 to run it";
}
