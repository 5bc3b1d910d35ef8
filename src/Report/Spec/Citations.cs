using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace LossConformance.Report.Spec;

/// <summary>A test method's [Spec] citation, read from source: where it is and what it cites.</summary>
/// <param name="File">Path relative to the repository root, '/'-separated (tests/Properties/KlDivergenceProperties.cs).</param>
/// <param name="Class">The declaring class's full name without type parameters (LossConformance.Properties.KlDivergenceProperties).</param>
/// <param name="Method">The method name.</param>
/// <param name="ClauseIds">The IDs of its [Spec] attributes, in order.</param>
/// <param name="PerImplementation">True for a [ForEachImplementation] test (runs once per implementation and element type).</param>
public sealed record Citation(string File, string Class, string Method, IReadOnlyList<string> ClauseIds, bool PerImplementation)
{
    public string Name => $"{Class}.{Method}";
}

/// <summary>A class declaration: its full name, its direct base class (as written, type arguments apart) and the base's first type argument.</summary>
public sealed record ClassDeclaration(string FullName, string? BaseName, string? BaseTypeArgument);

/// <summary>
/// The [Spec] citations of the test sources, parsed with Roslyn (syntax only: no build needed, so the
/// "Checked by" lines and a report from earlier results need no compiled test assembly). A concrete
/// suite class (KlDivergencePropertiesDouble : KlDivergenceProperties&lt;double&gt;) inherits the
/// citations of its base, as [Spec] (Inherited = true) does at run time.
/// </summary>
public sealed class CitationIndex
{
    public required IReadOnlyList<Citation> Citations { get; init; }

    public required IReadOnlyDictionary<string, ClassDeclaration> Classes { get; init; }

    /// <summary>Scans every *.cs under the given folders (relative to <paramref name="root"/>), skipping bin/ and obj/.</summary>
    public static CitationIndex Scan(string root, params string[] folders)
    {
        var citations = new List<Citation>();
        var classes = new Dictionary<string, ClassDeclaration>(StringComparer.Ordinal);
        foreach (string folder in folders)
        {
            string full = Path.Combine(root, folder);
            if (!Directory.Exists(full)) continue;
            foreach (string path in Directory.EnumerateFiles(full, "*.cs", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
            {
                string relative = Path.GetRelativePath(root, path).Replace('\\', '/');
                if (relative.Split('/').Any(p => p is "bin" or "obj")) continue;
                var tree = CSharpSyntaxTree.ParseText(File.ReadAllText(path), path: relative);
                Read(tree.GetCompilationUnitRoot(), relative, citations, classes);
            }
        }
        return new CitationIndex { Citations = citations, Classes = classes };
    }

    private static void Read(CompilationUnitSyntax unit, string file, List<Citation> citations, Dictionary<string, ClassDeclaration> classes)
    {
        foreach (var type in unit.DescendantNodes().OfType<ClassDeclarationSyntax>())
        {
            string name = FullName(type);
            var baseType = type.BaseList?.Types.FirstOrDefault()?.Type;
            (string? baseName, string? argument) = baseType switch
            {
                GenericNameSyntax g => (g.Identifier.Text, g.TypeArgumentList.Arguments.FirstOrDefault()?.ToString()),
                QualifiedNameSyntax { Right: GenericNameSyntax g } => (g.Identifier.Text, g.TypeArgumentList.Arguments.FirstOrDefault()?.ToString()),
                IdentifierNameSyntax i => (i.Identifier.Text, null),
                QualifiedNameSyntax q => (q.Right.Identifier.Text, null),
                _ => (null, null),
            };
            classes[name] = new ClassDeclaration(name, baseName, argument);
            foreach (var method in type.Members.OfType<MethodDeclarationSyntax>())
            {
                var attributes = method.AttributeLists.SelectMany(l => l.Attributes).ToArray();
                var ids = attributes.Where(a => Is(a, "Spec")).SelectMany(Literals).ToArray();
                if (ids.Length == 0) continue;
                citations.Add(new Citation(file, name, method.Identifier.Text, ids, attributes.Any(a => Is(a, "ForEachImplementation"))));
            }
        }
    }

    private static bool Is(AttributeSyntax attribute, string name)
    {
        string simple = attribute.Name switch
        {
            QualifiedNameSyntax q => q.Right.Identifier.Text,
            SimpleNameSyntax s => s.Identifier.Text,
            _ => attribute.Name.ToString(),
        };
        return simple == name || simple == name + "Attribute";
    }

    private static IEnumerable<string> Literals(AttributeSyntax attribute) =>
        attribute.ArgumentList?.Arguments
            .Select(a => a.Expression)
            .OfType<LiteralExpressionSyntax>()
            .Where(l => l.IsKind(SyntaxKind.StringLiteralExpression))
            .Select(l => l.Token.ValueText) ?? [];

    private static string FullName(BaseTypeDeclarationSyntax type)
    {
        var parts = new Stack<string>();
        for (SyntaxNode? node = type; node is not null; node = node.Parent)
        {
            switch (node)
            {
                case BaseTypeDeclarationSyntax t: parts.Push(t.Identifier.Text); break;
                case BaseNamespaceDeclarationSyntax n: parts.Push(n.Name.ToString()); break;
            }
        }
        return string.Join(".", parts);
    }

    /// <summary>
    /// The citations a test of class <paramref name="className"/> (full name, as in a test's name) and method
    /// <paramref name="method"/> carries: its own, or those of the nearest base class declaring the method.
    /// </summary>
    public Citation? Find(string className, string method)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (string? current = className; current is not null && seen.Add(current); current = BaseOf(current))
        {
            var own = Citations.FirstOrDefault(c => c.Class == current && c.Method == method);
            if (own is not null) return own;
        }
        return null;
    }

    /// <summary>The element type a concrete suite class runs in: the type argument of its generic base (float, double), or null.</summary>
    public string? ElementTypeOf(string className)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (string? current = className; current is not null && seen.Add(current); current = BaseOf(current))
            if (Classes.TryGetValue(current, out var declaration) && declaration.BaseTypeArgument is { } argument)
                return argument switch { "float" or "Single" => "float", "double" or "Double" => "double", _ => argument };
        return null;
    }

    /// <summary>The full name of a class's base, resolved by simple name among the scanned classes (same namespace first).</summary>
    private string? BaseOf(string className)
    {
        if (!Classes.TryGetValue(className, out var declaration) || declaration.BaseName is null) return null;
        string ns = className.Contains('.') ? className[..className.LastIndexOf('.')] : "";
        string sameNamespace = ns.Length > 0 ? $"{ns}.{declaration.BaseName}" : declaration.BaseName;
        if (Classes.ContainsKey(sameNamespace)) return sameNamespace;
        return Classes.Keys.FirstOrDefault(k => k == declaration.BaseName || k.EndsWith("." + declaration.BaseName, StringComparison.Ordinal));
    }

    /// <summary>Clause ID → the test files citing it (sorted, '/'-separated), for the "Checked by" lines.</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<string>> FilesByClause() =>
        Citations.SelectMany(c => c.ClauseIds.Select(id => (id, c.File)))
            .GroupBy(x => x.id, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => (IReadOnlyList<string>)g.Select(x => x.File).Distinct().Order(StringComparer.Ordinal).ToArray(), StringComparer.Ordinal);
}
