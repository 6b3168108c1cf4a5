using System.Globalization;
using Microsoft.Extensions.Localization;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Prospector.Components.Shared;

namespace Prospector.Tests.Unit;

/// <summary>MudBlazor's own texts in the reader's language, with the reader's digits.</summary>
public sealed class MudStringsTests
{
    [Theory]
    [InlineData("de-DE", "1–25 von 1.570")]
    [InlineData("nl-NL", "1–25 van 1.570")]
    [InlineData("en-GB", "1-25 of 1,570")]
    public void The_pager_counts_rows_in_the_readers_digits(string culture, string expected)
    {
        var factory = new ResourceManagerStringLocalizerFactory(Options.Create(new LocalizationOptions { ResourcesPath = "Resources" }), NullLoggerFactory.Instance);
        var strings = new MudStrings(new StringLocalizer<SharedResource>(factory));
        var (before, beforeUi) = (CultureInfo.CurrentCulture, CultureInfo.CurrentUICulture);
        try
        {
            CultureInfo.CurrentCulture = CultureInfo.CurrentUICulture = new CultureInfo(culture);
            // MudBlazor hands the counts over as numbers (and in some versions already formatted the English way).
            Assert.Equal(expected, strings.Handle("MudDataGridPager_InfoFormat", 1, 25, 1570).Value);
            Assert.Equal(expected, strings.Handle("MudDataGridPager_InfoFormat", "1", "25", "1,570").Value);
        }
        finally
        {
            (CultureInfo.CurrentCulture, CultureInfo.CurrentUICulture) = (before, beforeUi);
        }
    }
}
