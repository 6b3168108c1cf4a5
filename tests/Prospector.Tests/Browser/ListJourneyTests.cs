using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Prospector.Tests.Http;
using static Microsoft.Playwright.Assertions;

namespace Prospector.Tests.Browser;

/// <summary>A trade-fair list, from the file to worked rows and back out, in a real browser against the real executable.</summary>
[Collection("Browser")]
public sealed class ListJourneyTests(BrowserFixture browser)
{
    [Fact]
    public async Task Upload_a_german_csv_correct_a_mapping_import_convert_cancel_and_export()
    {
        await using var server = await ServerProcess.StartAsync();
        var page = await browser.NewPageAsync(server.BaseUrl);
        // A fresh server's first pages can take long on a busy machine; waits still end as soon as they can.
        page.Context.SetDefaultTimeout(30_000);
        page.Context.SetDefaultNavigationTimeout(30_000);
        try
        {
            await JourneyAsync(server, page);
        }
        catch
        {
            await page.ScreenshotAsync(new() { Path = Path.Combine(Path.GetTempPath(), "prospector-list-journey-failure.png") });
            await File.WriteAllTextAsync(Path.Combine(Path.GetTempPath(), "prospector-list-journey-server.log"), server.Output);
            throw;
        }
    }

    private static async Task JourneyAsync(ServerProcess server, IPage page)
    {
        await page.SetUpAdminAsync(server);

        // The menu entry leads to the lists; the import wizard shows a preview with the guessed mapping.
        await page.GetByRole(AriaRole.Link, new() { Name = "Prospecting lists" }).ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex("/lists$"));
        await page.GoAsync("/lists/import");
        var ort = page.Locator("select[data-column='Ort']");
        await page.ChooseFileAsync("#import-file", new FilePayload
        {
            Name = "Messe Hannover.csv", MimeType = "text/csv", Buffer = ListSteps.Windows1252(ListSteps.GermanCsv),
        }, ort);
        await Expect(ort).ToHaveValueAsync("city");
        await Expect(page.Locator("select[data-column='E-Mail']")).ToHaveValueAsync("email");
        await Expect(page.GetByText("Schäfer; Söhne KG")).ToBeVisibleAsync();
        await Expect(page.GetByLabel("List name")).ToHaveValueAsync("Messe Hannover");

        // Correct one mapping: the town goes into the notes here.
        await ort.SelectOptionAsync("notes");
        await page.ClickAsync("#start-import");
        await Expect(page.Locator("#import-summary [data-count=imported]")).ToHaveTextAsync("4");
        await Expect(page.Locator("#import-summary [data-count=invalid]")).ToHaveTextAsync("1");
        await Expect(page.Locator("#import-summary [data-count=duplicates]")).ToHaveTextAsync("1");
        await page.ClickAsync("#open-list");
        await Expect(page.Locator("th", new() { HasText = "Ort" }).Locator(".sheet-field")).ToHaveTextAsync("Notes");

        // Work the list from the keyboard, without clicking into it first: + on the first row, 3 for a meeting.
        await Expect(page.Locator("#list-grid[data-keys=on]")).ToBeAttachedAsync(new() { Timeout = 20_000 });
        await page.Keyboard.PressAsync("+");
        await Expect(page.Locator("#convert-form")).ToBeVisibleAsync();
        await page.Keyboard.PressAsync("3");
        await Expect(page.Locator("#next-type [aria-checked=true]")).ToHaveAttributeAsync("data-type", "Meeting");
        await page.FillAsync("#next-note", "Termin nach der Messe");
        await page.ClickAsync("#convert-confirm");
        await Expect(page.Locator("tr[data-row='1'] .row-state")).ToHaveTextAsync("Converted", new() { Timeout = 30_000 });

        // The cursor moved on to row 2: c cancels it with a reason.
        await Expect(page.Locator("tr[data-row='2']")).ToHaveClassAsync(new Regex("sheet-current"), new() { Timeout = 30_000 });
        await page.Keyboard.PressAsync("c");
        await page.SelectOptionAsync("#cancel-reason", "NoBudget");
        await page.ClickAsync("#cancel-confirm");
        await Expect(page.Locator("tr[data-row='2'] .row-state")).ToHaveTextAsync("Cancelled", new() { Timeout = 30_000 });
        await Expect(page.Locator("tr[data-row='2'] .row-reason")).ToHaveTextAsync("No budget");

        // The new lead exists, with its company and next action.
        await page.Locator("tr[data-row='1']").GetByRole(AriaRole.Link, new() { Name = "Contact" }).ClickAsync();
        await Expect(page.GetByTestId("contact-name")).ToHaveTextAsync("Jürgen Müller");

        // Export the list: the work done is in the file.
        await page.GoBackAsync();
        await page.WaitForSelectorAsync("#export-csv");
        var download = await page.RunAndWaitForDownloadAsync(() => page.ClickAsync("#export-csv"));
        var path = await download.PathAsync();
        var text = await File.ReadAllTextAsync(path!);
        Assert.Contains("Vorname,Nachname,Firma,E-Mail,Telefon,Ort,Prospector state", text, StringComparison.Ordinal);
        Assert.Contains("Jürgen,Müller,Müller Anlagenbau GmbH", text, StringComparison.Ordinal);
        Assert.Contains("Cancelled,NoBudget", text, StringComparison.Ordinal);
    }
}
