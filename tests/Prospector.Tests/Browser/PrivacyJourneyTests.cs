using System.IO.Compression;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Prospector.Tests.Browser;

/// <summary>
/// GDPR requests on a contact's page, as an admin does them: download the person's data as a ZIP, then erase them —
/// only after typing the name — and see the tombstone. PROSPECTOR_SHOTS (a folder) keeps screenshots of the page and the
/// dialog in en, de and nl at 1440 and 390 px.
/// </summary>
[Collection("Browser")]
public sealed class PrivacyJourneyTests(BrowserFixture browser)
{
    [Fact]
    public async Task An_admin_downloads_a_persons_data_and_erases_it_after_typing_the_name()
    {
        await using var server = await ServerProcess.StartAsync();
        var page = await browser.NewPageAsync(server.BaseUrl);
        try
        {
            await JourneyAsync(server, page);
        }
        catch
        {
            await page.ScreenshotAsync(new() { Path = Path.Combine(Path.GetTempPath(), "prospector-privacy-failure.png"), FullPage = true });
            throw;
        }
    }

    private static async Task JourneyAsync(ServerProcess server, IPage page)
    {
        await page.SetUpAdminAsync(server);
        await page.GoAsync("/contacts/new");
        await page.GetByLabel("First name").FillAsync("Greta");
        await page.GetByLabel("Last name").FillAsync("Voss");
        await page.GetByLabel("E-mail").FillAsync("greta.voss@example.de");
        await page.ClickAsync("#save");
        await Expect(page.GetByTestId("contact-name")).ToHaveTextAsync("Greta Voss");
        var id = Regex.Match(page.Url, @"/contacts/(\d+)").Groups[1].Value;

        var download = await page.RunAndWaitForDownloadAsync(() => page.ClickAsync("#export-personal-data"));
        Assert.Equal($"personal-data-contact-{id}.zip", download.SuggestedFilename);
        using (var zip = ZipFile.OpenRead(await download.PathAsync()))
        {
            var json = await new StreamReader(zip.GetEntry("personal-data.json")!.Open()).ReadToEndAsync();
            Assert.Contains("greta.voss@example.de", json, StringComparison.Ordinal);
        }

        await page.GoAsync($"/contacts/{id}");
        await ShotsAsync(page, "contact");
        await page.ClickAsync("#erase-contact");
        var dialog = page.GetByTestId("erase-dialog");
        await Expect(dialog).ToBeVisibleAsync();
        await Expect(page.Locator("#erase-confirm")).ToBeDisabledAsync();
        await page.Locator("#erase-confirm-name").FillAsync("Greta");
        await Expect(page.Locator("#erase-confirm")).ToBeDisabledAsync();
        await ShotsAsync(page, "erase-dialog");
        await page.Locator("#erase-confirm-name").FillAsync("greta voss");
        await Expect(page.Locator("#erase-confirm")).ToBeEnabledAsync();
        await page.ClickAsync("#erase-confirm");

        await Expect(page.GetByTestId("contact-name")).ToHaveTextAsync("Erased contact");
        await Expect(page.GetByTestId("contact-erased")).ToBeVisibleAsync();
        await Expect(page.Locator("#erase-contact")).ToHaveCountAsync(0);
        await Expect(page.Locator("#export-personal-data")).ToHaveCountAsync(0);
        var stored = await (await page.Context.APIRequest.GetAsync($"/api/v1/contacts/{id}")).JsonAsync();
        Assert.Equal(System.Text.Json.JsonValueKind.Null, stored!.Value.GetProperty("email").ValueKind);
        await ShotsAsync(page, "tombstone");

        // The same page in German and Dutch (screenshots only when asked for).
        if (Environment.GetEnvironmentVariable("PROSPECTOR_SHOTS") is { Length: > 0 })
        {
            await page.GoAsync("/contacts/new");
            await page.GetByLabel("First name").FillAsync("Jan");
            await page.GetByLabel("Last name").FillAsync("de Vries");
            await page.ClickAsync("#save");
            await Expect(page.GetByTestId("contact-name")).ToHaveTextAsync("Jan de Vries");
            var second = page.Url;
            foreach (var language in new[] { "de", "nl" })
            {
                await page.ChooseLanguageAsync(language);
                await page.GoAsync(second);
                await ShotsAsync(page, "contact", language);
                await page.ClickAsync("#erase-contact");
                await Expect(page.GetByTestId("erase-dialog")).ToBeVisibleAsync();
                await ShotsAsync(page, "erase-dialog", language);
                await page.Keyboard.PressAsync("Escape");
                await page.GoAsync($"/contacts/{id}");
                await ShotsAsync(page, "tombstone", language);
            }
        }
    }

    /// <summary>Screenshots at 1440 and 390 px into PROSPECTOR_SHOTS, when set.</summary>
    private static async Task ShotsAsync(IPage page, string name, string language = "en")
    {
        if (Environment.GetEnvironmentVariable("PROSPECTOR_SHOTS") is not { Length: > 0 } dir) return;
        Directory.CreateDirectory(dir);
        foreach (var width in new[] { 1440, 390 })
        {
            await page.SetViewportSizeAsync(width, 900);
            await page.ScreenshotAsync(new() { Path = Path.Combine(dir, $"{name}-{language}-{width}.png"), FullPage = true });
        }
        await page.SetViewportSizeAsync(1440, 900);
    }
}
