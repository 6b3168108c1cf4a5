using System.Globalization;
using System.Xml;

namespace Prospector.Features.Common;

/// <summary>
/// Text a user typed, made safe for a file format built on XML (XLSX cells, SVG charts) or on strict text (the iCalendar feed)
/// and cut without breaking a character.
/// Pasted text brings characters XML 1.0 cannot hold at all — control characters such as the vertical tab Word and Outlook
/// put in, U+FFFE, half of a surrogate pair — and a writer that meets one throws: the whole export fails for everybody who
/// can see that name. They are dropped; everything else is escaped by the writer.
/// </summary>
public static class XmlText
{
    /// <summary>The text without the characters XML cannot hold (controls other than tab and line breaks, U+FFFE/U+FFFF, lone surrogates).</summary>
    public static string Clean(string? s) =>
        string.IsNullOrEmpty(s) ? "" : Data.UnicodeText.Keep(s, r => !r.IsBmp || XmlConvert.IsXmlChar((char)r.Value));

    /// <summary>
    /// The text cut to at most <paramref name="max"/> characters as a reader counts them (an emoji, a letter with its accent is
    /// one), with an ellipsis when it was cut; never half of an emoji.
    /// </summary>
    public static string Cut(string s, int max)
    {
        max = Math.Max(1, max);
        var info = new StringInfo(s);
        if (info.LengthInTextElements <= max) return s;
        return info.SubstringByTextElements(0, max - 1).TrimEnd() + "…";
    }
}
