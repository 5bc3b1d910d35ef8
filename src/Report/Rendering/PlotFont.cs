using System.Diagnostics;
using Spectre.Console;

namespace LossConformance.Report.Rendering;

/// <summary>
/// ScottPlot draws the plots' text with a system font; a fresh Debian has none. Before a report is
/// drawn, a missing DejaVu font is installed by the project's own set-up script (<c>.ci/setup fonts</c>,
/// which runs apt-get as root and does nothing otherwise), so the first command on a fresh clone works.
/// </summary>
public static class PlotFont
{
    public const string DejaVuSans = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf";

    public static void Ensure(IAnsiConsole console, string root)
    {
        if (!OperatingSystem.IsLinux() || File.Exists(DejaVuSans)) return;
        string setup = Path.Combine(root, ".ci", "setup");
        if (!File.Exists(setup)) return;
        console.MarkupLine("[yellow]No DejaVu font for the plots' text: running .ci/setup fonts (apt-get install fonts-dejavu-core)…[/]");
        try
        {
            using var process = Process.Start(new ProcessStartInfo("bash", [setup, "fonts"]) { WorkingDirectory = root })!;
            process.WaitForExit();
        }
        catch (Exception e)
        {
            console.MarkupLineInterpolated($"[yellow]Could not run .ci/setup: {e.Message}[/]");
        }
        if (!File.Exists(DejaVuSans))
            console.MarkupLine("[yellow]Still no DejaVu font: the plots are drawn, but their text may be missing (install fonts-dejavu-core).[/]");
    }
}
