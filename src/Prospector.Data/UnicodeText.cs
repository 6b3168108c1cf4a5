using System.Text;

namespace Prospector.Data;

/// <summary>
/// Text a user typed or pasted, made fit for .NET's Unicode operations and for storing. Half of an emoji (a lone surrogate)
/// or a noncharacter (U+FFFE, U+FFFF) makes <see cref="string.Normalize(NormalizationForm)"/> throw, and strict encoders
/// (PostgreSQL's) refuse it; a cut at a UTF-16 index can make the half itself.
/// </summary>
public static class UnicodeText
{
    /// <summary>The text without lone surrogates and noncharacters; everything else as it was.</summary>
    public static string Valid(string s) => Keep(s, r => !IsNoncharacter(r));

    /// <summary>
    /// The text with only the code points <paramref name="keep"/> accepts (lone surrogates never); the very string when it
    /// keeps them all.
    /// </summary>
    public static string Keep(string s, Func<Rune, bool> keep)
    {
        if (Runes(s).All(r => r is { } rune && keep(rune))) return s;
        var sb = new StringBuilder(s.Length);
        foreach (var r in Runes(s))
            if (r is { } rune && keep(rune)) sb.Append(rune.ToString());
        return sb.ToString();
    }

    /// <summary><see cref="string.Normalize(NormalizationForm)"/> that does not throw on what a user pasted (<see cref="Valid"/> first).</summary>
    public static string Normalize(string s, NormalizationForm form) => Valid(s).Normalize(form);

    /// <summary>At most <paramref name="max"/> UTF-16 units of the text (a column's length), never ending in half of an emoji.</summary>
    [return: System.Diagnostics.CodeAnalysis.NotNullIfNotNull(nameof(s))]
    public static string? Prefix(string? s, int max)
    {
        if (s is null || s.Length <= max) return s;
        var n = Math.Max(0, max);
        if (n > 0 && char.IsHighSurrogate(s[n - 1])) n--;
        return s[..n];
    }

    /// <summary>Each code point of the text, null for a lone surrogate.</summary>
    private static IEnumerable<Rune?> Runes(string s)
    {
        for (var i = 0; i < s.Length;)
        {
            if (Rune.DecodeFromUtf16(s.AsSpan(i), out var rune, out var used) == System.Buffers.OperationStatus.Done)
            {
                yield return rune;
                i += used;
            }
            else
            {
                yield return null;
                i += Math.Max(1, used);
            }
        }
    }

    private static bool IsNoncharacter(Rune r) => (r.Value & 0xFFFE) == 0xFFFE || r.Value is >= 0xFDD0 and <= 0xFDEF;
}
