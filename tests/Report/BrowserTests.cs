using System.Diagnostics;
using System.Text.Json;
using Xunit;
using Xunit.Abstractions;

namespace LossConformance.Report.Tests;

/// <summary>
/// report.html in a real headless browser (Debian's chromium, installed by .ci/setup): a screenshot, and a
/// DOM check run by a script added to a copy of the page: every clause row present, every image decoded
/// (naturalWidth &gt; 0), and no resource fetched (the Resource Timing API lists every fetch the page
/// made; data: URIs are not fetches) — with the network also cut off (a proxy that refuses, and a
/// resolver that resolves nothing). Skipped, with the reason, where chromium is not installed.
/// </summary>
public sealed class BrowserTests(ITestOutputHelper output) : IDisposable
{
    private readonly Fixture _fixture = new();

    public void Dispose() => _fixture.Dispose();

    private const string Probe = """
        <script>
        window.addEventListener('load', () => {
          const images = [...document.images];
          const result = {
            rows: [...document.querySelectorAll('tr[data-clause]')].map(r => r.dataset.clause),
            images: images.length,
            decoded: images.filter(i => i.complete && i.naturalWidth > 0).length,
            fetched: performance.getEntriesByType('resource').map(e => e.name),
            external: [...document.querySelectorAll('[src],link[href]')].map(e => e.getAttribute('src') || e.getAttribute('href')).filter(u => !u.startsWith('data:')),
          };
          const out = document.createElement('pre');
          out.id = 'probe';
          out.textContent = JSON.stringify(result);
          document.body.appendChild(out);
        });
        </script>
        """;

    private static string? Chromium() =>
        new[] { "chromium", "chromium-browser", "google-chrome" }
            .Select(name => (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':').Select(d => Path.Combine(d, name)).FirstOrDefault(File.Exists))
            .FirstOrDefault(p => p is not null);

    private static (int Code, string Stdout, string Stderr) Run(string exe, params string[] args)
    {
        var start = new ProcessStartInfo(exe) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (string a in args) start.ArgumentList.Add(a);
        using var p = Process.Start(start)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(TimeSpan.FromSeconds(90))) { p.Kill(entireProcessTree: true); throw new TimeoutException($"{exe} did not finish in 90 s"); }
        return (p.ExitCode, stdout.Result, stderr.Result);
    }

    private static readonly string[] Offline =
    [
        "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--hide-scrollbars", "--disable-extensions",
        "--proxy-server=127.0.0.1:9", "--host-resolver-rules=MAP * ~NOTFOUND", "--disable-background-networking",
    ];

    [SkippableFact]
    public void Report_html_renders_offline_with_every_clause_row_and_every_image()
    {
        string? chromium = Chromium();
        Skip.If(chromium is null, "chromium is not installed (.ci/setup installs Debian's chromium where it can; run it as root with apt-get available)");

        var report = _fixture.Build("shard-a", "shard-b");
        string folder = Path.Combine(_fixture.Temp, "report");
        ReportWriter.Write(folder, report);
        string html = File.ReadAllText(Path.Combine(folder, "report.html"));
        string probed = Path.Combine(folder, "probed.html");
        File.WriteAllText(probed, html.Replace("</body>", Probe + "</body>", StringComparison.Ordinal));
        string profile = Path.Combine(_fixture.Temp, "profile");

        var dom = Run(chromium!, [.. Offline, $"--user-data-dir={profile}", "--virtual-time-budget=10000", "--dump-dom", new Uri(probed).AbsoluteUri]);
        Assert.True(dom.Code == 0, $"chromium --dump-dom exited with {dom.Code}:\n{dom.Stderr}");
        int start = dom.Stdout.IndexOf("<pre id=\"probe\">", StringComparison.Ordinal);
        Assert.True(start >= 0, "the probe script did not run (no <pre id=\"probe\"> in the dumped DOM)");
        start += "<pre id=\"probe\">".Length;
        string json = System.Net.WebUtility.HtmlDecode(dom.Stdout[start..dom.Stdout.IndexOf("</pre>", start, StringComparison.Ordinal)]);
        output.WriteLine(json);
        var probe = JsonDocument.Parse(json).RootElement;

        Assert.Equal(report.Clauses.Select(c => c.Id), probe.GetProperty("rows").EnumerateArray().Select(e => e.GetString()));
        int images = probe.GetProperty("images").GetInt32();
        Assert.Equal(Rendering.Plots.All(report).Count, images);
        Assert.Equal(images, probe.GetProperty("decoded").GetInt32());
        Assert.Empty(probe.GetProperty("fetched").EnumerateArray());
        Assert.Empty(probe.GetProperty("external").EnumerateArray());

        string screenshot = Path.Combine(folder, "screenshot.png");
        var shot = Run(chromium!, [.. Offline, $"--user-data-dir={profile}-shot", "--window-size=1400,1800", $"--screenshot={screenshot}", new Uri(Path.Combine(folder, "report.html")).AbsoluteUri]);
        Assert.True(shot.Code == 0 && File.Exists(screenshot), $"chromium --screenshot exited with {shot.Code}:\n{shot.Stderr}");
        var png = File.ReadAllBytes(screenshot);
        Assert.True(png.Length > 10_000 && png[1] == (byte)'P', $"screenshot is {png.Length} bytes");
        output.WriteLine($"screenshot: {screenshot} ({png.Length} bytes)");
    }
}
