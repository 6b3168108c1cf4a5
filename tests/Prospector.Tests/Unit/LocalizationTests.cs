using System.Text.RegularExpressions;
using System.Xml.Linq;

namespace Prospector.Tests.Unit;

/// <summary>Every UI string in the code has a German and a Dutch translation with the same placeholders.</summary>
public sealed partial class LocalizationTests
{
    private static readonly string Src = Path.Combine(RepoRoot(), "src", "Prospector");

    public static TheoryData<string> Languages => new() { "de", "nl" };

    [Theory]
    [MemberData(nameof(Languages))]
    public void Every_string_the_code_asks_for_is_translated(string language)
    {
        var translations = Load(language);
        var missing = KeysInCode().Where(k => !translations.ContainsKey(k)).Order().ToList();
        Assert.True(missing.Count == 0, $"Missing in SharedResource.{language}.resx:\n{string.Join("\n", missing)}");
    }

    [Theory]
    [MemberData(nameof(Languages))]
    public void Translations_keep_the_placeholders_and_are_not_empty(string language)
    {
        var bad = Load(language)
            .Where(kv => string.IsNullOrWhiteSpace(kv.Value) || !Placeholders(kv.Key).SetEquals(Placeholders(kv.Value)))
            .Select(kv => $"{kv.Key} → {kv.Value}").ToList();
        Assert.True(bad.Count == 0, string.Join("\n", bad));
    }

    [Theory]
    [MemberData(nameof(Languages))]
    public void The_default_qualification_criteria_are_translated(string language)
    {
        var translations = Load(language);
        var labels = Prospector.Features.Qualification.QualificationDefaults.SuspectToLead
            .Concat(Prospector.Features.Qualification.QualificationDefaults.LeadToProspect.Select(c => c.Label));
        Assert.All(labels, label => Assert.True(translations.ContainsKey(label), $"'{label}' has no {language} translation"));
    }

    [Theory]
    [MemberData(nameof(Languages))]
    public void The_default_pipeline_steps_and_the_offered_outcomes_are_translated(string language)
    {
        var translations = Load(language);
        var keys = Prospector.Features.Demo.DemoData.DefaultPipeline().Steps.Select(s => s.Name)
            .Concat(Prospector.Features.NextActions.NextActions.Outcomes);
        Assert.All(keys, key => Assert.True(translations.ContainsKey(key), $"'{key}' has no {language} translation"));
    }

    [Theory]
    [MemberData(nameof(Languages))]
    public void No_two_keys_differ_only_in_case(string language)
    {
        // Resource lookups ignore case at build time: "Required" and "required" would shadow each other.
        var clashes = Load(language).Keys.GroupBy(k => k, StringComparer.OrdinalIgnoreCase).Where(g => g.Count() > 1).Select(g => g.Key).ToList();
        Assert.Empty(clashes);
    }

    [Theory]
    [MemberData(nameof(Languages))]
    public void Every_ProblemDetails_title_is_translated(string language)
    {
        // Titles are written in English (the key) and translated by the request's language on the way out.
        var translations = Load(language);
        var titles = TitlesInCode().Concat(Prospector.Features.Common.ProblemTitles.Framework).ToList();
        Assert.True(titles.Count > 20, $"only {titles.Count} titles found");
        var missing = titles.Where(t => !translations.ContainsKey(t)).Distinct().Order().ToList();
        Assert.True(missing.Count == 0, $"ProblemDetails titles missing in SharedResource.{language}.resx:\n{string.Join("\n", missing)}");
    }

    /// <summary>MudBlazor's own texts of the components the UI uses (pager, grid, pickers, inputs, dialogs) go through our resources.</summary>
    [Theory]
    [MemberData(nameof(Languages))]
    public void The_MudBlazor_texts_of_the_components_we_use_are_translated(string language)
    {
        string[] used = ["MudAlert_", "MudBaseDatePicker_", "MudChip_", "MudDataGridPager_", "MudDataGrid_", "MudDialog_", "MudFileUpload_",
            "MudFormComponent_", "MudInput_", "MudPagination_", "MudSelect_", "MudSnackbar_", "MudTablePager_", "MudTable_", "MudTabs_", "MudTimePicker_"];
        var translations = Load(language);
        var texts = Prospector.Components.Shared.MudStrings.AllEnglish().Where(kv => used.Any(u => kv.Key.StartsWith(u, StringComparison.Ordinal)))
            .Select(kv => kv.Value).Where(t => t.Any(char.IsLetter)).Append("Rows per page:").Append("{first_item}-{last_item} of {all_items}").Distinct().ToList();
        Assert.True(texts.Count > 40, $"only {texts.Count} MudBlazor texts found");
        var missing = texts.Where(t => !translations.ContainsKey(t)).Order().ToList();
        Assert.True(missing.Count == 0, $"MudBlazor texts missing in SharedResource.{language}.resx:\n{string.Join("\n", missing)}");
    }

    [Fact]
    public void The_scan_finds_the_strings_it_must()
    {
        // Guards the test itself: a broken pattern would find nothing and pass everything.
        var keys = KeysInCode();
        Assert.Contains("Sign in", keys);
        Assert.Contains("{0} is longer than {1} characters.", keys);
        Assert.True(keys.Count > 150, $"only {keys.Count} keys found");
    }

    private static HashSet<string> KeysInCode()
    {
        var keys = new HashSet<string>();
        var files = Directory.EnumerateFiles(Src, "*.*", SearchOption.AllDirectories)
            .Where(f => (f.EndsWith(".razor", StringComparison.Ordinal) || f.EndsWith(".cs", StringComparison.Ordinal))
                        && !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                        && !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal));
        foreach (var file in files)
            foreach (Match m in KeyPattern().Matches(File.ReadAllText(file)))
                keys.Add(Regex.Unescape(m.Groups[1].Value));
        return keys;
    }

    private static HashSet<string> TitlesInCode() =>
        [.. SourceFiles().SelectMany(f => TitlePattern().Matches(File.ReadAllText(f)).Select(m => Regex.Unescape(m.Groups[1].Value)))];

    private static IEnumerable<string> SourceFiles() =>
        Directory.EnumerateFiles(Src, "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                        && !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal));

    private static Dictionary<string, string> Load(string language) =>
        XDocument.Load(Path.Combine(Src, "Resources", $"SharedResource.{language}.resx")).Root!.Elements("data")
            .ToDictionary(d => (string)d.Attribute("name")!, d => (string?)d.Element("value") ?? "");

    private static HashSet<string> Placeholders(string s) => [.. PlaceholderPattern().Matches(s).Select(m => m.Value)];

    private static string RepoRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Prospector.slnx"))) dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException("Prospector.slnx not found");
    }

    // L["…"], l["…"] (localizer lookups), T("…") (validation messages translated by JsonFields) and the import errors
    // (ImportFileException("…"), shown translated by the wizard and the API).
    [GeneratedRegex(@"\b(?:(?:L|l|Texts)\[|T\(|ImportFileException\()\s*""((?:[^""\\]|\\.)*)""")]
    private static partial Regex KeyPattern();

    // title: "…" of TypedResults.Problem / Results.Problem.
    [GeneratedRegex(@"\btitle:\s*""((?:[^""\\]|\\.)*)""")]
    private static partial Regex TitlePattern();

    [GeneratedRegex(@"\{\d+\}")]
    private static partial Regex PlaceholderPattern();
}
