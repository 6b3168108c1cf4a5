using System.Text;
using System.Text.Json;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Prospector.Tests.Browser;

/// <summary>
/// A rep works a prospecting list with the mouse: the buttons on each row convert (and undo), cancel (and undo), and
/// decide a duplicate of an existing contact — merge into it, skip it, keep it as a row of its own.
/// </summary>
[Collection("Browser")]
public sealed class ListRowButtonsJourneyTests(BrowserFixture browser)
{
    /// <summary>Generous, for a machine whose cores are busy: every wait below ends as soon as its condition holds.</summary>
    private const float Slow = 30_000;

    [Fact]
    public async Task Each_row_button_does_what_it_says()
    {
        await using var server = await ServerProcess.StartAsync();
        var page = await browser.NewPageAsync(server.BaseUrl);
        page.Context.SetDefaultTimeout(Slow);
        page.Context.SetDefaultNavigationTimeout(Slow);
        try
        {
            await JourneyAsync(server, page);
        }
        catch
        {
            await page.ScreenshotAsync(new() { Path = Path.Combine(Path.GetTempPath(), "prospector-list-buttons-failure.png") });
            await File.WriteAllTextAsync(Path.Combine(Path.GetTempPath(), "prospector-list-buttons-server.log"), server.Output);
            throw;
        }
    }

    private static async Task JourneyAsync(ServerProcess server, IPage page)
    {
        await page.SetUpAdminAsync(server);
        var known = new Dictionary<string, long>();
        foreach (var (first, last) in new[] { ("Eva", "Lange"), ("Tom", "Becker"), ("Lena", "Vogel") })
        {
            var res = await page.APIRequest.PostAsync("/api/v1/contacts",
                new() { DataObject = new { firstName = first, lastName = last, email = $"{first.ToLowerInvariant()}@{last.ToLowerInvariant()}.example", stage = "Lead" } });
            Assert.True(res.Status == 201, $"contact: {res.Status} {await res.TextAsync()}");
            known[last] = JsonDocument.Parse(await res.TextAsync()).RootElement.GetProperty("id").GetInt64();
        }
        var listId = await ImportAsync(page);
        await page.GoAsync($"/lists/{listId}");
        await Expect(page.Locator("#list-grid[data-keys=on]")).ToBeAttachedAsync(new() { Timeout = Slow });
        foreach (var n in new[] { 3, 4, 5 }) await ExpectState(page, n, "Duplicate");

        // Row 1: + opens the form for the first next action; confirmed, the row is a lead; undo opens it again.
        await Row(page, 1).Locator(".row-convert").ClickAsync();
        await page.Locator("#convert-confirm").ClickAsync();
        await ExpectState(page, 1, "Converted");
        await Row(page, 1).Locator(".row-undo").ClickAsync();
        await ExpectState(page, 1, "Open");

        // Row 2: × asks for the reason; confirmed, the row is cancelled; undo opens it again.
        await Row(page, 2).Locator(".row-cancel").ClickAsync();
        await page.Locator("#cancel-confirm").ClickAsync();
        await ExpectState(page, 2, "Cancelled");
        await Row(page, 2).Locator(".row-undo").ClickAsync();
        await ExpectState(page, 2, "Open");

        // Rows 3–5 repeat the e-mail address of an existing contact: merge, skip, keep.
        await Row(page, 3).Locator(".row-merge").ClickAsync();
        await ExpectState(page, 3, "Converted");
        await Expect(Row(page, 3).Locator($"a[href='/contacts/{known["Lange"]}']")).ToBeVisibleAsync();
        await Row(page, 4).Locator(".row-skip").ClickAsync();
        await ExpectState(page, 4, "Cancelled");
        await Row(page, 5).Locator(".row-keep").ClickAsync();
        await ExpectState(page, 5, "Open");

        // What the page shows is what was saved.
        var rows = JsonDocument.Parse(await (await page.APIRequest.GetAsync($"/api/v1/lists/{listId}/rows?pageSize=50")).TextAsync()).RootElement;
        var states = rows.GetProperty("items").EnumerateArray().ToDictionary(r => r.GetProperty("rowNumber").GetInt32(), r => r.GetProperty("state").GetString());
        Assert.Equal(["Open", "Open", "Converted", "Cancelled", "Open"], Enumerable.Range(1, 5).Select(n => states[n]));
        var contacts = JsonDocument.Parse(await (await page.APIRequest.GetAsync("/api/v1/contacts?pageSize=50")).TextAsync()).RootElement;
        Assert.Equal(3, contacts.GetProperty("total").GetInt32()); // the undone conversion's contact is in the recycle bin; the merge made none
    }

    private static ILocator Row(IPage page, int n) => ListGrid.Row(page, n);

    private static Task ExpectState(IPage page, int row, string state) => ListGrid.ExpectState(page, row, state, Slow);

    private static async Task<long> ImportAsync(IPage page)
    {
        var csv = new StringBuilder("Vorname;Nachname;Firma;E-Mail\r\n")
            .Append("Anna;Schäfer;Schäfer GmbH;anna@schaefer.example\r\n")
            .Append("Peter;Groß;Groß KG;peter@gross.example\r\n")
            .Append("Eva;Lange;Lange AG;eva@lange.example\r\n")
            .Append("Tom;Becker;Becker GmbH;tom@becker.example\r\n")
            .Append("Lena;Vogel;Vogel OHG;lena@vogel.example\r\n");
        var form = page.APIRequest.CreateFormData();
        form.Set("file", new FilePayload { Name = "Messe.csv", MimeType = "text/csv", Buffer = Encoding.UTF8.GetBytes(csv.ToString()) });
        form.Set("list", "Messe Hannover");
        form.Set("country", "DE");
        var res = await page.APIRequest.PostAsync("/api/v1/imports", new() { Multipart = form });
        Assert.True(res.Status == 201, $"import: {res.Status} {await res.TextAsync()}");
        return JsonDocument.Parse(await res.TextAsync()).RootElement.GetProperty("listId").GetInt64();
    }
}
