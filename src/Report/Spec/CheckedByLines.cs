using Markdig.Syntax;

namespace LossConformance.Report.Spec;

/// <summary>A spec file whose "Checked by" lines differ from the citations: its path and the text it should have.</summary>
public sealed record StaleFile(string Path, string Current, string Expected, IReadOnlyList<string> Clauses);

/// <summary>
/// The "Checked by" field of every clause, generated from the [Spec] citations of tests/ (spec/README.md,
/// "Clause format"): <c>- **Checked by.** `tests/…/A.cs`, `tests/…/B.cs`.</c>, the files sorted by path.
/// A clause without the field gets it as the last item of its field list. Nothing else in the file changes.
/// </summary>
public static class CheckedByLines
{
    public const string Label = "Checked by.";

    /// <summary>The field's text for these files.</summary>
    public static string Line(IReadOnlyList<string> files) =>
        $"- **{Label}** " + (files.Count == 0 ? "no test yet." : string.Join(", ", files.Select(f => $"`{f}`")) + ".");

    /// <summary>The spec files whose lines are stale, with their regenerated text (an empty list when all are current).</summary>
    public static IReadOnlyList<StaleFile> Stale(string repositoryRoot)
    {
        var files = CitationIndex.Scan(repositoryRoot, "tests").FilesByClause();
        string spec = Path.Combine(repositoryRoot, "spec");
        var stale = new List<StaleFile>();
        foreach (string path in Directory.EnumerateFiles(spec, "*.md", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            string current = File.ReadAllText(path);
            var (expected, changed) = Regenerate(current, id => files.TryGetValue(id, out var f) ? f : []);
            if (changed.Count > 0) stale.Add(new StaleFile(path, current, expected, changed));
        }
        return stale;
    }

    /// <summary>Rewrites the "Checked by" field of each clause in one file; returns the text and the clauses whose field changed.</summary>
    public static (string Text, IReadOnlyList<string> Changed) Regenerate(string markdown, Func<string, IReadOnlyList<string>> filesOf)
    {
        var document = SpecDocument.Parse(markdown);
        var headings = document.Descendants<HeadingBlock>().ToArray();
        var edits = new List<(int Start, int End, string Text, string Id)>();
        for (int h = 0; h < headings.Length; h++)
        {
            if (SpecDocument.ClauseId(headings[h]) is not { } id) continue;
            int bodyStart = headings[h].Span.End + 1;
            int bodyEnd = h + 1 < headings.Length ? headings[h + 1].Span.Start : markdown.Length;
            var lists = document.OfType<ListBlock>().Where(b => b.Span.Start >= bodyStart && b.Span.End < bodyEnd).ToArray();
            string line = Line(filesOf(id));
            var item = lists.SelectMany(l => l.OfType<ListItemBlock>()).FirstOrDefault(i => SpecDocument.FieldParagraph(i, Label) is not null);
            if (item is not null)
            {
                // The item from its bullet to the end of its (possibly wrapped) text.
                int start = markdown.LastIndexOf('\n', Math.Max(0, item.Span.Start - 1)) + 1;
                int end = TextEnd(markdown, start, item.Span.End + 1);
                if (markdown[start..end] != line) edits.Add((start, end, line, id));
            }
            else if (lists.LastOrDefault() is { } last)
            {
                int end = TextEnd(markdown, last.Span.Start, last.Span.End + 1);
                edits.Add((end, end, "\n" + line, id));
            }
            else
            {
                int at = headings[h].Span.End + 1;
                edits.Add((at, at, "\n\n" + line, id));
            }
        }
        var text = markdown;
        foreach (var edit in edits.OrderByDescending(e => e.Start))
            text = text[..edit.Start] + edit.Text + text[edit.End..];
        return (text, edits.Select(e => e.Id).ToArray());
    }

    /// <summary>The end of a block's text without the line breaks and blank lines Markdig counts into its span.</summary>
    private static int TextEnd(string markdown, int start, int end)
    {
        end = Math.Min(end, markdown.Length);
        while (end > start && char.IsWhiteSpace(markdown[end - 1])) end--;
        return end;
    }

    /// <summary>Writes the regenerated files; returns what was written.</summary>
    public static IReadOnlyList<StaleFile> Write(string repositoryRoot)
    {
        var stale = Stale(repositoryRoot);
        foreach (var file in stale) AtomicFile.WriteAllText(file.Path, file.Expected);
        return stale;
    }
}
