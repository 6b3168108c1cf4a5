using System.Text;
using System.Xml.Linq;
using Prospector.Features.Common;

namespace Prospector.Tests.Unit;

/// <summary>Text users pasted, made safe for XML-based files (XLSX cells, SVG charts) and cut without splitting a character.</summary>
public sealed class XmlTextTests
{
    [Theory]
    [InlineData("Budget\u000Bcut", "Budgetcut")]
    [InlineData("\u0001Messe\u0008 2026\uFFFE", "Messe 2026")]
    [InlineData("tab\tand\nline", "tab\tand\nline")]
    [InlineData("Grüße \U0001F600 & <Co>", "Grüße \U0001F600 & <Co>")]
    // Lone surrogates do not survive the test runner's data: written {H} (high) and {L} (low) here.
    [InlineData("half {H} of an emoji", "half  of an emoji")]
    [InlineData("{L} low first, high last {H}", " low first, high last ")]
    public void Characters_XML_cannot_hold_are_dropped_and_the_rest_is_kept(string pasted, string kept)
    {
        pasted = pasted.Replace("{H}", "\uD83D", StringComparison.Ordinal).Replace("{L}", "\uDE00", StringComparison.Ordinal);
        var clean = XmlText.Clean(pasted);
        Assert.Equal(kept, clean);
        // What a strict writer makes of it parses back to the same text.
        Assert.Equal(clean, XElement.Parse(new XElement("t", clean).ToString()).Value);
    }

    [Fact]
    public void A_cut_never_splits_an_emoji_or_an_accented_letter_and_ends_with_an_ellipsis()
    {
        var names = new[] { "a" + string.Concat(Enumerable.Repeat("\U0001F600", 30)), string.Concat(Enumerable.Repeat("\U0001F600", 30)),
            string.Concat(Enumerable.Repeat("e\u0301", 30)) };
        foreach (var name in names)
            for (var max = 1; max <= 32; max++)
            {
                var cut = XmlText.Cut(name, max);
                Assert.True(Encoding.UTF8.GetString(Encoding.UTF8.GetBytes(cut)) == cut, $"{max}: a lone surrogate in {cut}");
                Assert.True(new System.Globalization.StringInfo(cut).LengthInTextElements <= max, $"{max}: {cut} is too long");
                Assert.True(cut == name || (cut.EndsWith('…') && name.StartsWith(cut[..^1], StringComparison.Ordinal)), $"{max}: {cut}");
                if (!name.Contains('\u0301', StringComparison.Ordinal)) Assert.DoesNotContain("\u0301", cut, StringComparison.Ordinal);
            }
    }
}
