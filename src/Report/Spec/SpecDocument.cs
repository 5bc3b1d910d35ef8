using Markdig;
using Markdig.Extensions.Tables;
using Markdig.Syntax;
using Markdig.Syntax.Inlines;

namespace LossConformance.Report.Spec;

/// <summary>One clause of spec/: a heading whose first word is a backticked ID (<c>### `KL-NONNEG` Title</c>) and the text under it.</summary>
/// <param name="Id">The clause ID, e.g. KL-NONNEG.</param>
/// <param name="Title">The heading text after the ID.</param>
/// <param name="File">The spec file, relative to spec/ (e.g. kl-divergence.md).</param>
/// <param name="Line">1-based line of the heading.</param>
/// <param name="Body">The Markdown under the heading, up to the next heading.</param>
/// <param name="Statement">The Markdown of the "Statement." field, or the whole body when the clause has no such field.</param>
public sealed record Clause(string Id, string Title, string File, int Line, string Body, string Statement)
{
    public string Where => $"spec/{File}:{Line}";
}

/// <summary>A row of spec/claims.md: a claim of the source note and the clauses that state or correct it.</summary>
public sealed record Claim(string Number, string Summary, IReadOnlyList<string> ClauseIds);

/// <summary>
/// The clauses of spec/*.md and the claims table, parsed with Markdig (CommonMark with pipe tables):
/// a clause is a level 2–4 heading whose first inline is a code span holding an ID; its text runs to
/// the next heading of any level. Code blocks are blocks to Markdig, so an example heading in one defines nothing.
/// </summary>
public sealed class SpecDocument
{
    private static readonly MarkdownPipeline Pipeline = new MarkdownPipelineBuilder().UsePipeTables().UsePreciseSourceLocation().Build();

    public required IReadOnlyList<Clause> Clauses { get; init; }

    public required IReadOnlyList<Claim> Claims { get; init; }

    /// <summary>Clause ID → the claims (numbers) whose row names it.</summary>
    public IReadOnlyList<Claim> ClaimsOf(string id) => Claims.Where(c => c.ClauseIds.Contains(id)).ToArray();

    public static MarkdownPipeline MarkdownPipeline => Pipeline;

    /// <summary>Reads every *.md under <paramref name="specFolder"/> (sorted by path); claims from claims.md where present.</summary>
    public static SpecDocument Load(string specFolder)
    {
        if (!Directory.Exists(specFolder))
            throw new DirectoryNotFoundException($"no spec folder at {specFolder}");
        var clauses = new List<Clause>();
        var claims = new List<Claim>();
        foreach (string path in Directory.EnumerateFiles(specFolder, "*.md", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            string name = Path.GetRelativePath(specFolder, path).Replace('\\', '/');
            string text = File.ReadAllText(path);
            clauses.AddRange(ParseClauses(name, text));
            if (name == "claims.md") claims.AddRange(ParseClaims(text));
        }
        return new SpecDocument { Clauses = clauses, Claims = claims };
    }

    public static MarkdownDocument Parse(string markdown) => Markdown.Parse(markdown, Pipeline);

    /// <summary>The clause headings of one file, with the Markdown under each.</summary>
    public static IEnumerable<Clause> ParseClauses(string file, string markdown)
    {
        var document = Parse(markdown);
        var headings = document.Descendants<HeadingBlock>().ToArray();
        for (int h = 0; h < headings.Length; h++)
        {
            var heading = headings[h];
            if (ClauseId(heading) is not { } id) continue;
            int bodyStart = heading.Span.End + 1;
            int bodyEnd = h + 1 < headings.Length ? headings[h + 1].Span.Start : markdown.Length;
            string body = bodyStart < bodyEnd ? markdown[bodyStart..bodyEnd].Trim() : "";
            string title = TitleAfterId(heading, markdown);
            var blocks = document.Where(b => b.Span.Start >= bodyStart && b.Span.End < bodyEnd);
            string statement = Field(blocks, markdown, "Statement.") ?? body;
            yield return new Clause(id, title, file, heading.Line + 1, body, statement);
        }
    }

    /// <summary>The ID of a clause heading (level 2–4, first inline a code span holding AREA-NAME), or null.</summary>
    public static string? ClauseId(HeadingBlock heading) =>
        heading.Level is >= 2 and <= 4 && heading.Inline?.FirstChild is CodeInline code && IsClauseId(code.Content) ? code.Content : null;

    /// <summary>AREA-NAME: upper-case letters and digits in at least two hyphen-joined words, starting with a letter.</summary>
    public static bool IsClauseId(string s)
    {
        var words = s.Split('-');
        return words.Length >= 2 && char.IsAsciiLetterUpper(s[0])
            && words.All(w => w.Length > 0 && w.All(c => char.IsAsciiLetterUpper(c) || char.IsAsciiDigit(c)));
    }

    private static string TitleAfterId(HeadingBlock heading, string markdown)
    {
        var first = heading.Inline!.FirstChild!;
        int start = first.Span.End + 1;
        int end = heading.Inline.LastChild!.Span.End + 1;
        return start < end && end <= markdown.Length ? markdown[start..end].Trim() : "";
    }

    /// <summary>The Markdown of a list item whose paragraph starts with the bold <paramref name="label"/> ("**Statement.**"), label removed.</summary>
    public static string? Field(IEnumerable<Block> blocks, string markdown, string label)
    {
        foreach (var item in blocks.OfType<ListBlock>().SelectMany(l => l.OfType<ListItemBlock>()))
        {
            if (FieldParagraph(item, label) is not { } field) continue;
            int start = field.Label.Span.End + 1;
            int end = item.Span.End + 1;
            return start < end ? Unindent(markdown[start..end]) : "";
        }
        return null;
    }

    /// <summary>The list item's first paragraph and its leading bold label, when the label's text is <paramref name="label"/>.</summary>
    public static (ParagraphBlock Paragraph, EmphasisInline Label)? FieldParagraph(ListItemBlock item, string label) =>
        item.FirstOrDefault() is ParagraphBlock { Inline.FirstChild: EmphasisInline { DelimiterCount: 2 } emphasis } paragraph
        && Text(emphasis) == label ? (paragraph, emphasis) : null;

    /// <summary>The plain text of an inline container (literals and code spans).</summary>
    public static string Text(ContainerInline container) =>
        string.Concat(container.Descendants<Inline>().Select(i => i switch
        {
            LiteralInline l => l.Content.ToString(),
            CodeInline c => c.Content,
            _ => "",
        }));

    private static string Unindent(string s) =>
        string.Join("\n", s.Trim().Split('\n').Select(l => l.TrimEnd('\r').Trim()));

    /// <summary>The claims table: rows of a pipe table whose first cell is a claim number; clause IDs are the code spans of its last cell.</summary>
    public static IEnumerable<Claim> ParseClaims(string markdown)
    {
        var document = Parse(markdown);
        foreach (var table in document.Descendants<Table>())
        {
            foreach (var row in table.OfType<TableRow>().Where(r => !r.IsHeader))
            {
                var cells = row.OfType<TableCell>().ToArray();
                if (cells.Length < 2) continue;
                string number = CellText(cells[0]);
                if (number.Length == 0) continue;
                string summary = cells.Length > 2 ? CellText(cells[1]) : "";
                var ids = cells[^1].Descendants<CodeInline>().Select(c => c.Content).Where(IsClauseId).Distinct().ToArray();
                yield return new Claim(number, summary, ids);
            }
        }
    }

    private static string CellText(TableCell cell) =>
        string.Join(" ", cell.OfType<ParagraphBlock>().Where(p => p.Inline is not null).Select(p => Text(p.Inline!))).Trim();
}
