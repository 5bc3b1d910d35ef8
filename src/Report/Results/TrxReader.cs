using System.Xml.Linq;

namespace LossConformance.Report.Results;

/// <summary>One test result of a TRX file (dotnet test --logger trx).</summary>
/// <param name="Name">The test's display name: Namespace.Class.Method(implementation: "Name"), or Namespace.Class.Method.</param>
/// <param name="Class">The test class's full name.</param>
/// <param name="Method">The method name.</param>
/// <param name="Implementation">The implementation argument, or null for a test without one.</param>
/// <param name="Outcome">passed, failed or skipped.</param>
/// <param name="Message">The skip reason or the failure message.</param>
/// <param name="Assembly">The test assembly's file name.</param>
public sealed record TrxResult(string Name, string Class, string Method, string? Implementation, string Outcome, string? Message,
                               double DurationMs, string? Assembly, string? StdOut);

/// <summary>A TRX file: its results and whether the run completed (a crashed or aborted test host leaves it "Aborted" or "Error").</summary>
public sealed record TrxFile(string Path, IReadOnlyList<TrxResult> Results, string RunOutcome);

/// <summary>Reads TRX (the Visual Studio test results format, namespace …/TeamTest/2010) with LINQ to XML.</summary>
public static class TrxReader
{
    private static readonly XNamespace Ns = "http://microsoft.com/schemas/VisualStudio/TeamTest/2010";
    private const string ImplementationPrefix = "(implementation: \"";

    public static TrxFile Read(string path)
    {
        var document = XDocument.Load(path);
        var definitions = document.Descendants(Ns + "UnitTest")
            .Select(u => (Id: (string?)u.Attribute("id"), Method: u.Element(Ns + "TestMethod"), Storage: (string?)u.Attribute("storage")))
            .Where(d => d.Id is not null)
            .ToDictionary(d => d.Id!, d => d);
        var results = new List<TrxResult>();
        foreach (var result in document.Descendants(Ns + "UnitTestResult"))
        {
            string name = (string?)result.Attribute("testName") ?? "";
            string outcome = ((string?)result.Attribute("outcome")) switch
            {
                "Passed" => "passed",
                "NotExecuted" => "skipped",
                "Failed" or "Error" or "Timeout" or "Aborted" => "failed",
                var other => other?.ToLowerInvariant() ?? "unknown",
            };
            string? testId = (string?)result.Attribute("testId");
            var definition = testId is not null && definitions.TryGetValue(testId, out var d) ? d : default;
            string? className = (string?)definition.Method?.Attribute("className");
            string? methodName = (string?)definition.Method?.Attribute("name");
            var (parsedClass, parsedMethod, implementation) = SplitName(name);
            var output = result.Element(Ns + "Output");
            string? message = (string?)output?.Element(Ns + "ErrorInfo")?.Element(Ns + "Message");
            string? stdout = (string?)output?.Element(Ns + "StdOut");
            double duration = TimeSpan.TryParse((string?)result.Attribute("duration"), out var span) ? span.TotalMilliseconds : 0;
            string? storage = definition.Storage ?? (string?)definition.Method?.Attribute("codeBase");
            results.Add(new TrxResult(name, className ?? parsedClass, methodName ?? parsedMethod, implementation, outcome,
                                      message, duration, storage is null ? null : System.IO.Path.GetFileName(storage), stdout));
        }
        string runOutcome = (string?)document.Descendants(Ns + "ResultSummary").FirstOrDefault()?.Attribute("outcome") ?? "Unknown";
        return new TrxFile(path, results, runOutcome);
    }

    /// <summary>Namespace.Class.Method(implementation: "X"[, …]) → (Namespace.Class, Method, X).</summary>
    public static (string Class, string Method, string? Implementation) SplitName(string name)
    {
        string? implementation = null;
        string head = name;
        int open = name.IndexOf('(');
        if (open >= 0)
        {
            head = name[..open];
            string arguments = name[open..];
            // (implementation: "X") or, for the one-per-project skips, (implementation: "X", elementType: "float").
            if (arguments.StartsWith(ImplementationPrefix, StringComparison.Ordinal) &&
                arguments.IndexOf('"', ImplementationPrefix.Length) is var end and > 0)
                implementation = arguments[ImplementationPrefix.Length..end];
        }
        int dot = head.LastIndexOf('.');
        return dot < 0 ? ("", head, implementation) : (head[..dot], head[(dot + 1)..], implementation);
    }

    private const string ElementTypePrefix = "elementType: \"";

    /// <summary>The elementType argument of a display name (the one-per-project skips carry it), or null.</summary>
    public static string? ElementTypeArgument(string name)
    {
        int at = name.IndexOf(ElementTypePrefix, StringComparison.Ordinal);
        if (at < 0) return null;
        int start = at + ElementTypePrefix.Length, end = name.IndexOf('"', start);
        return end > start ? name[start..end] : null;
    }
}
