using Xunit.Sdk;

namespace LossConformance.Kit;

/// <summary>A clause does not hold for an implementation. The message is the whole report: clause, implementation, input, replay.</summary>
public sealed class SpecViolationException(IReadOnlyList<string> clauseIds, string implementation, string message)
    : XunitException(message)
{
    public IReadOnlyList<string> ClauseIds { get; } = clauseIds;
    public string Implementation { get; } = implementation;
}
