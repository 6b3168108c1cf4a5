using Prospector.Features.Lists;

namespace Prospector.Tests.Unit;

/// <summary>The one escaping helper every export cell goes through (CSV and XLSX, header included), and its undo on import.</summary>
public sealed class FormulaEscapeTests
{
    [Theory]
    [InlineData("=1+1")]
    [InlineData("@SUM(A1)")]
    [InlineData("+A1")]
    [InlineData("-A1+cmd|' /C calc'!A0")]
    [InlineData("\t=1+1")]
    [InlineData("\r=1+1")]
    [InlineData("\n=1+1")]
    [InlineData("\uFF1DHYPERLINK(\"http://evil.example\")")]
    [InlineData("\uFF0BA1")]
    [InlineData("\uFF0DA1")]
    [InlineData("\uFF20SUM(1)")]
    public void A_cell_that_could_run_gets_an_apostrophe_and_comes_back_unchanged_on_import(string cell)
    {
        Assert.Equal("'" + cell, Exporter.Escape(cell));
        Assert.Equal(cell, Exporter.Unescape(Exporter.Escape(cell)));
    }

    [Theory]
    [InlineData("+49 211 123456")]
    [InlineData("-5")]
    [InlineData("-1.234,50")]
    [InlineData("\uFF0B49 211 123456")]
    [InlineData("Müller")]
    [InlineData("a=b")]
    [InlineData("")]
    public void Numbers_phones_and_plain_text_stay_as_they_are(string cell) => Assert.Equal(cell, Exporter.Escape(cell));
}
