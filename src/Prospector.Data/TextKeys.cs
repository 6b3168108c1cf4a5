using System.Globalization;
using System.Text;

namespace Prospector.Data;

/// <summary>
/// Folded keys for search and sorting: lower case, accents removed, ß → ss, so "Müller", "MÜLLER" and
/// "muller" share one indexed prefix.
/// </summary>
public static class TextKeys
{
    public static string Fold(string? s)
    {
        if (string.IsNullOrWhiteSpace(s)) return "";
        var decomposed = UnicodeText.Normalize(s.Trim().ToLowerInvariant().Replace("ß", "ss"), NormalizationForm.FormD);
        var sb = new StringBuilder(decomposed.Length);
        foreach (var ch in decomposed)
        {
            var cat = CharUnicodeInfo.GetUnicodeCategory(ch);
            if (cat == UnicodeCategory.NonSpacingMark) continue;
            sb.Append(ch switch { 'ø' => 'o', 'æ' => 'a', 'œ' => 'o', 'ł' => 'l', _ => char.IsWhiteSpace(ch) ? ' ' : ch });
        }
        return sb.ToString().Normalize(NormalizationForm.FormC);
    }

    /// <summary>Exclusive upper bound for a prefix range: key &gt;= prefix AND key &lt; Upper(prefix) uses a plain index.</summary>
    public static string Upper(string prefix) => prefix + '\uffff';
}
