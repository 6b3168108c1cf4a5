using ExcelDataReader;
using SkiaSharp;
using static Microsoft.Playwright.Assertions;

namespace Prospector.Tests.Browser;

/// <summary>
/// A manager in German downloads the funnel from the Reports page as an Excel workbook (German sheets, the page's count as
/// a number) and its chart as a PNG for a slide.
/// </summary>
[Collection("Browser")]
public sealed class ReportExportJourneyTests(BrowserFixture browser)
{
    [Fact]
    public async Task The_funnel_downloads_as_a_German_workbook_and_a_chart_image()
    {
        await using var server = await ServerProcess.StartAsync();
        var page = await browser.NewPageAsync(server.BaseUrl);
        try
        {
            await page.SetUpAdminAsync(server);
            foreach (var name in new[] { "Wagenknecht", "Oosterhuis" })
            {
                var res = await page.APIRequest.PostAsync("/api/v1/contacts", new() { DataObject = new { firstName = "Jana", lastName = name, stage = "Lead" } });
                Assert.Equal(201, res.Status);
            }
            await page.ChooseLanguageAsync("de");
            await page.GoAsync("/reports");
            await Expect(page.GetByTestId("cohort-Lead")).ToHaveTextAsync("2");

            var workbook = await page.RunAndWaitForDownloadAsync(() => page.GetByTestId("export-xlsx").ClickAsync());
            Assert.Matches(@"^funnel-\d{4}-01-01-\d{4}-\d{2}-\d{2}\.xlsx$", workbook.SuggestedFilename);
            var path = Path.Combine(Path.GetTempPath(), $"prospector-{Guid.NewGuid():N}.xlsx");
            await workbook.SaveAsAsync(path);
            try
            {
                using var reader = ExcelReaderFactory.CreateOpenXmlReader(File.OpenRead(path));
                Assert.Equal("Bericht", reader.Name);
                Assert.True(reader.NextResult());
                Assert.Equal("Kohorte", reader.Name);
                Assert.True(reader.Read());
                Assert.Equal(["Phase", "Erreicht"], new[] { reader.GetString(0), reader.GetString(1) });
                Assert.True(reader.Read());
                Assert.Equal("Lead", reader.GetString(0));
                Assert.Equal(2.0, reader.GetDouble(1));
            }
            finally { File.Delete(path); }

            var image = await page.RunAndWaitForDownloadAsync(() => page.GetByTestId("export-png").ClickAsync());
            Assert.EndsWith(".png", image.SuggestedFilename, StringComparison.Ordinal);
            var png = Path.Combine(Path.GetTempPath(), $"prospector-{Guid.NewGuid():N}.png");
            await image.SaveAsAsync(png);
            try
            {
                using var bitmap = SKBitmap.Decode(png);
                Assert.Equal((1920, 1080), (bitmap.Width, bitmap.Height));
            }
            finally { File.Delete(png); }
        }
        catch
        {
            await page.ScreenshotAsync(new() { Path = Path.Combine(Path.GetTempPath(), "prospector-report-export-failure.png"), FullPage = true });
            throw;
        }
    }
}
