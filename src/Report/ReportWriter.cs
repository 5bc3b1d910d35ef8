using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using LossConformance.Report.Rendering;

namespace LossConformance.Report;

/// <summary>
/// Writes report.md, report.html and report.json into a folder. All three are rendered first, then each
/// is written to a temporary file and renamed over the old one, so a run that stops (Ctrl-C, a crash)
/// before this point leaves the previous report whole, and one that stops during it leaves each file old or new.
/// </summary>
public static class ReportWriter
{
    public static readonly string[] FileNames = ["report.md", "report.html", "report.json"];

    public static readonly JsonSerializerOptions JsonOptions = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public static string Json(ConformanceReport report) => JsonSerializer.Serialize(report, JsonOptions);

    public static IReadOnlyList<string> Write(string folder, ConformanceReport report)
    {
        var plots = Plots.All(report);
        var files = new (string Name, string Text)[]
        {
            ("report.md", MarkdownReport.Render(report)),
            ("report.html", HtmlReport.Render(report, plots)),
            ("report.json", Json(report)),
        };
        Directory.CreateDirectory(folder);
        var written = new List<string>();
        foreach (var (name, text) in files)
        {
            string path = Path.Combine(folder, name);
            AtomicFile.WriteAllText(path, text);
            written.Add(path);
        }
        return written;
    }
}
