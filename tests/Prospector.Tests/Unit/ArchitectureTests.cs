using System.Text.RegularExpressions;

namespace Prospector.Tests.Unit;

/// <summary>
/// The shape of docs/decisions/0007, checked on the source: pages write only through feature services, the API
/// types stay at the HTTP edge, one clock, and feature folders that do not lean on each other in circles.
/// </summary>
public sealed partial class ArchitectureTests
{
    private static readonly string Src = Path.Combine(RepoRoot(), "src", "Prospector");

    private static IEnumerable<string> Files(string pattern) =>
        Directory.EnumerateFiles(Src, pattern, SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                && !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal));

    private static string Rel(string f) => Path.GetRelativePath(Src, f);

    [Fact]
    public void No_page_writes_through_the_DbContext()
    {
        var writes = WriteCall();
        var offenders = Files("*.razor")
            .SelectMany(f => File.ReadAllLines(f).Select((line, i) => (f, line, i)))
            .Where(x => writes.IsMatch(x.line))
            .Select(x => $"{Rel(x.f)}:{x.i + 1}: {x.line.Trim()}")
            .ToList();
        Assert.True(offenders.Count == 0, "Pages call a feature service to write:\n" + string.Join("\n", offenders));
    }

    [Fact]
    public void No_page_and_no_other_feature_uses_an_API_type()
    {
        var apiTypes = Files("*Api.cs").Select(Path.GetFileNameWithoutExtension).OfType<string>().ToHashSet();
        var offenders = new List<string>();
        foreach (var f in Files("*.razor").Concat(Files("*.cs")))
        {
            var own = Path.GetFileNameWithoutExtension(f);
            foreach (Match m in ApiReference().Matches(File.ReadAllText(f)))
                if (apiTypes.Contains(m.Groups[1].Value) && m.Groups[1].Value != own && !Rel(f).StartsWith("Hosting", StringComparison.Ordinal))
                    offenders.Add($"{Rel(f)}: {m.Value}");
        }
        Assert.True(offenders.Count == 0, "…Api types only translate HTTP; share services and queries instead:\n" + string.Join("\n", offenders.Distinct()));
    }

    [Fact]
    public void Interactive_pages_read_the_query_through_QueryPage()
    {
        // [SupplyParameterFromQuery] on an interactive page can kill the circuit on a navigation under load (see QueryPage);
        // pages excluded from interactive routing (sign-in) have no circuit.
        var offenders = Files("*.razor")
            .Where(f => File.ReadAllText(f).Contains("[SupplyParameterFromQuery", StringComparison.Ordinal)
                && !File.ReadAllText(f).Contains("@attribute [ExcludeFromInteractiveRouting]", StringComparison.Ordinal))
            .Select(Rel)
            .ToList();
        Assert.True(offenders.Count == 0, "Inherit QueryPage and mark query properties [QueryValue(\"name\")]:\n" + string.Join("\n", offenders));
    }

    [Fact]
    public void Time_comes_from_the_one_clock()
    {
        var offenders = Files("*.cs").Concat(Files("*.razor"))
            .Where(f => !Rel(f).StartsWith("Hosting", StringComparison.Ordinal))
            .SelectMany(f => File.ReadAllLines(f).Select((line, i) => (f, line, i)))
            .Where(x => WallClock().IsMatch(x.line) && !x.line.TrimStart().StartsWith("//", StringComparison.Ordinal))
            .Select(x => $"{Rel(x.f)}:{x.i + 1}: {x.line.Trim()}")
            .ToList();
        Assert.True(offenders.Count == 0, "Inject TimeProvider (pages: PageClock) so tests can move time:\n" + string.Join("\n", offenders));
    }

    [Fact]
    public void Feature_folders_do_not_depend_on_each_other_in_a_cycle()
    {
        var features = Directory.GetDirectories(Path.Combine(Src, "Features")).Select(Path.GetFileName).OfType<string>().ToHashSet();
        var edges = features.ToDictionary(f => f, _ => new HashSet<string>());
        foreach (var f in Files("*.cs").Concat(Files("*.razor")))
        {
            var parts = Rel(f).Split(Path.DirectorySeparatorChar);
            if (parts.Length < 3 || parts[0] != "Features") continue;
            var from = parts[1];
            foreach (Match m in FeatureReference().Matches(File.ReadAllText(f)))
                if (features.Contains(m.Groups[1].Value) && m.Groups[1].Value != from) edges[from].Add(m.Groups[1].Value);
        }
        var cycles = new List<string>();
        foreach (var a in features)
            foreach (var b in edges[a])
                if (string.CompareOrdinal(a, b) < 0 && Reaches(edges, b, a)) cycles.Add($"{a} ↔ {b}");
        Assert.True(cycles.Count == 0, "Feature folders in a dependency cycle (move the shared piece to where both can use it):\n" + string.Join("\n", cycles));
    }

    private static bool Reaches(Dictionary<string, HashSet<string>> edges, string from, string to)
    {
        var seen = new HashSet<string>();
        var stack = new Stack<string>([from]);
        while (stack.Count > 0)
        {
            var n = stack.Pop();
            if (n == to) return true;
            if (!seen.Add(n)) continue;
            foreach (var next in edges[n]) stack.Push(next);
        }
        return false;
    }

    [GeneratedRegex(@"SaveChanges(Async)?\(|ExecuteUpdate(Async)?\(|ExecuteDelete(Async)?\(|BeginTransaction(Async)?\(|\bdb\.\w+\.(Add|AddRange|Remove|RemoveRange|Update)\(")]
    private static partial Regex WriteCall();

    [GeneratedRegex(@"\b([A-Z][A-Za-z]*Api)\.[A-Z]\w*")]
    private static partial Regex ApiReference();

    [GeneratedRegex(@"\bDateTime(Offset)?\.(UtcNow|Now|Today)\b|\bTimeProvider\.System\b")]
    private static partial Regex WallClock();

    [GeneratedRegex(@"\bProspector\.Features\.([A-Za-z]+)")]
    private static partial Regex FeatureReference();

    private static string RepoRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Prospector.slnx"))) dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException("Prospector.slnx not found");
    }
}
