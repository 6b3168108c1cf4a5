using System.Globalization;
using System.Resources;
using Microsoft.Extensions.Localization;
using MudBlazor;

namespace Prospector.Components.Shared;

/// <summary>
/// MudBlazor's own texts (pager, date picker, "Clear", "Close"…) through our resources: MudBlazor names a text by a key
/// such as <c>MudDataGridPager_RowsPerPage</c>; its English text is our resource key, as everywhere else in the UI.
/// A text we have no translation for stays MudBlazor's English, and the de/nl page scan reports it.
/// </summary>
public sealed class MudStrings(IStringLocalizer<SharedResource> l) : ILocalizationInterceptor
{
    private static readonly ResourceManager Mud = new("MudBlazor.Resources.LanguageResource", typeof(MudLocalizer).Assembly);

    /// <summary>MudBlazor's English text for a key, or null for a key it does not have.</summary>
    public static string? English(string key) => Mud.GetString(key, CultureInfo.InvariantCulture);

    /// <summary>Every English text MudBlazor may show, by key.</summary>
    public static IReadOnlyDictionary<string, string> AllEnglish() =>
        Mud.GetResourceSet(CultureInfo.InvariantCulture, createIfNotExists: true, tryParents: false)!
            .Cast<System.Collections.DictionaryEntry>()
            .Where(e => e.Value is string)
            .ToDictionary(e => (string)e.Key, e => (string)e.Value!);

    private static object Count(object a) =>
        a is int or long ? Convert.ToInt64(a, CultureInfo.InvariantCulture).ToString("N0", CultureInfo.CurrentCulture)
        : a is string s && long.TryParse(s, NumberStyles.AllowThousands, CultureInfo.InvariantCulture, out var n) ? n.ToString("N0", CultureInfo.CurrentCulture)
        : a;

    public LocalizedString Handle(string key, params object[] arguments)
    {
        if (English(key) is not { } english) return new LocalizedString(key, key, resourceNotFound: true);
        var translated = l[english];
        var text = translated.ResourceNotFound ? english : translated.Value;
        // The pager's counts come formatted the English way ("1,570", read as 1.57 in German): counts in the reader's digits.
        if (key == "MudDataGridPager_InfoFormat") arguments = [.. arguments.Select(Count)];
        return new LocalizedString(key, arguments.Length == 0 ? text : string.Format(CultureInfo.CurrentCulture, text, arguments), translated.ResourceNotFound);
    }
}
