using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Prospector.Tests.Browser;

/// <summary>
/// The files a team really has, through the import wizard of the real executable: an Excel workbook, an Excel 97–2003
/// workbook, a UTF-16 tab-separated "Unicode text" file and a German `;` CSV. Each shows what was read, skipped and left
/// unused, and its contacts arrive with the right country and E.164 numbers.
/// </summary>
[Collection("Browser")]
public sealed class ImportFilesJourneyTests(BrowserFixture browser)
{
    static ImportFilesJourneyTests() => Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);

    [Fact]
    public async Task Four_kinds_of_file_through_the_wizard_with_countries_and_numbers_right()
    {
        await using var server = await ServerProcess.StartAsync();
        var page = await browser.NewPageAsync(server.BaseUrl);
        // Waits are on conditions; on a machine with every core busy a first page load (compiling, prerendering) can take
        // longer than the fixture's 15 s, so the cap for navigations and expectations is raised, not replaced by sleeps.
        page.SetDefaultNavigationTimeout(60_000);
        page.SetDefaultTimeout(45_000);
        try
        {
            await page.SetUpAdminAsync(server);

            // Excel (.xlsx) with a title row; a Dutch list with national numbers: the rep picks NL.
            var benelux = await ImportAsync(page, "Benelux Kontakte.xlsx", Xlsx(), country: "NL", read: 2, titles: 1, unmapped: "Hobby");
            await AssertContactsAsync(page, benelux, ("de Vries", "NL", "+31201234567"), ("Bakker", "NL", "+31102345678"));

            // Excel 97–2003 (.xls): Austrian numbers with +43 / 0043 win over the default country (the user's own, DE).
            var wien = await ImportAsync(page, "Wien Kontakte.xls", Xls(), country: null, read: 2, titles: 0, unmapped: "Lieblingsfarbe");
            await AssertContactsAsync(page, wien, ("Gruber", "AT", "+4366280440"), ("Huber", "AT", "+431531140"));

            // Excel's "Unicode text": UTF-16 with tabs, a country column in German wins over the picked NL.
            var polen = await ImportAsync(page, "Polen Kontakte.txt", Utf16Tab(), country: "NL", read: 2, titles: 0, unmapped: "Messestand");
            await AssertContactsAsync(page, polen, ("Nowak", "PL", "+48226281234"), ("Kowalska", "PL", "+48123456789"));

            // A German CSV with ';' in Windows-1252, the default country (DE) kept.
            var hannover = await ImportAsync(page, "Hannover Kontakte.csv", SemicolonCsv(), country: null, read: 2, titles: 1, unmapped: "Schuhgröße");
            await AssertContactsAsync(page, hannover, ("Müller", "DE", "+495111234567"), ("Schäfer", "DE", "+49301234567"));
        }
        catch
        {
            await page.ScreenshotAsync(new() { Path = Path.Combine(Path.GetTempPath(), "prospector-import-files-failure.png"), FullPage = true });
            await File.WriteAllTextAsync(Path.Combine(Path.GetTempPath(), "prospector-import-files-server.log"), server.Output);
            throw;
        }
    }

    /// <summary>Chooses the file, checks the preview, imports, checks the summary; returns the new list's id.</summary>
    private static async Task<long> ImportAsync(IPage page, string name, byte[] file, string? country, int read, int titles, string unmapped)
    {
        await page.GoAsync("/lists/import");
        var listName = page.Locator("#list-name");
        for (var attempt = 1; ; attempt++)
        {
            // Blazor hooks the file input up just after the page turns interactive; a file chosen in that instant
            // (only a test is that fast) goes unnoticed, so choose it again.
            await page.SetInputFilesAsync("#import-file", new FilePayload { Name = name, MimeType = "application/octet-stream", Buffer = file });
            try
            {
                await Expect(listName).ToBeAttachedAsync(new() { Timeout = 5_000 });
                break;
            }
            catch (PlaywrightException) when (attempt < 3) { }
        }
        await Expect(page.Locator("#import-error")).ToHaveCountAsync(0);
        await Expect(page.Locator("#preview-unmapped")).ToContainTextAsync(unmapped);
        if (titles > 0) await Expect(page.Locator("#preview-titles")).ToContainTextAsync($"Title rows skipped above the header: {titles}");
        else await Expect(page.Locator("#preview-titles")).ToHaveCountAsync(0);
        // The default country is the user's own (the admin's time zone is Europe/Berlin).
        await Expect(page.Locator("#list-country")).ToHaveValueAsync("DE");
        if (country is not null) await page.SelectOptionAsync("#list-country", country);

        await page.ClickAsync("#start-import");
        var summary = page.Locator("#import-summary");
        await Expect(summary.Locator("[data-count=read]")).ToHaveTextAsync(read.ToString(System.Globalization.CultureInfo.InvariantCulture), new() { Timeout = 30_000 });
        await Expect(summary.Locator("[data-count=titles]")).ToHaveTextAsync(titles.ToString(System.Globalization.CultureInfo.InvariantCulture));
        await Expect(summary.Locator("[data-count=imported]")).ToHaveTextAsync(read.ToString(System.Globalization.CultureInfo.InvariantCulture));
        await Expect(summary.Locator("[data-count=invalid]")).ToHaveTextAsync("0");
        await Expect(page.Locator("#summary-unmapped")).ToContainTextAsync(unmapped);
        await Expect(page.Locator("#summary-country")).ToContainTextAsync(country ?? "DE");
        var href = await page.Locator("#open-list").GetAttributeAsync("href");
        return long.Parse(Regex.Match(href!, @"/lists/(\d+)").Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>Turns every row of the list into a contact (as the signed-in user) and checks each one's country and number.</summary>
    private static async Task AssertContactsAsync(IPage page, long listId, params (string LastName, string Country, string Phone)[] expected)
    {
        var rows = await JsonAsync(await page.APIRequest.GetAsync($"/api/v1/lists/{listId}/rows"));
        var due = DateTime.UtcNow.AddDays(3).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        var contacts = new List<(string?, string?, string?)>();
        foreach (var row in rows.GetProperty("items").EnumerateArray())
        {
            var converted = await JsonAsync(await page.APIRequest.PostAsync($"/api/v1/lists/{listId}/rows/{row.GetProperty("id").GetInt64()}/convert",
                new() { DataObject = new { nextAction = new { type = "Call", dueDate = due } } }));
            var c = await JsonAsync(await page.APIRequest.GetAsync($"/api/v1/contacts/{converted.GetProperty("contactId").GetInt64()}"));
            contacts.Add((c.GetProperty("lastName").GetString(), c.GetProperty("country").GetString(), c.GetProperty("phoneE164").GetString()));
        }
        Assert.Equal(expected.Select(e => ((string?)e.LastName, (string?)e.Country, (string?)e.Phone)), contacts);
    }

    private static async Task<JsonElement> JsonAsync(IAPIResponse res)
    {
        Assert.True(res.Ok, $"{res.Url}: {res.Status} {await res.TextAsync()}");
        return (await res.JsonAsync())!.Value;
    }

    internal static byte[] Xlsx()
    {
        var path = Path.Combine(Path.GetTempPath(), $"prospector-journey-{Guid.NewGuid():N}.xlsx");
        try
        {
            var rows = new List<Dictionary<string, object>>
            {
                Row("Beurs Utrecht 2026 – bezoekers", "", "", "", ""),
                Row("Voornaam", "Achternaam", "Bedrijf", "Telefoon", "Hobby"),
                Row("Sanne", "de Vries", "De Vries Installatietechniek B.V.", "020 123 4567", "Zeilen"),
                Row("Daan", "Bakker", "Bakker Logistiek", "010 234 5678", "Fietsen"),
            };
            MiniExcelLibs.MiniExcel.SaveAs(path, rows, printHeader: false);
            return File.ReadAllBytes(path);
        }
        finally
        {
            File.Delete(path);
        }

        static Dictionary<string, object> Row(params string[] cells) => cells.Select((c, i) => (c, i)).ToDictionary(x => ((char)('A' + x.i)).ToString(), x => (object)x.c);
    }

    internal static byte[] Xls()
    {
        var book = new NPOI.HSSF.UserModel.HSSFWorkbook();
        var sheet = book.CreateSheet("Kontakte");
        string[][] rows =
        [
            ["Vorname", "Nachname", "Firma", "Telefon", "Lieblingsfarbe"],
            ["Johann", "Gruber", "Gruber Holzbau GmbH", "+43 662 8044 0", "Grün"],
            ["Karin", "Huber", "Huber & Söhne KG", "0043 1 53114 0", "Rot"],
        ];
        for (var r = 0; r < rows.Length; r++)
        {
            var row = sheet.CreateRow(r);
            for (var c = 0; c < rows[r].Length; c++) row.CreateCell(c).SetCellValue(rows[r][c]);
        }
        using var m = new MemoryStream();
        book.Write(m);
        return m.ToArray();
    }

    internal static byte[] Utf16Tab()
    {
        var text = "Vorname\tNachname\tTelefon\tLand\tMessestand\r\n" +
                   "Piotr\tNowak\t22 628 12 34\tPolen\tB12\r\n" +
                   "Agnieszka\tKowalska\t12 345 67 89\tPolen\tC3\r\n";
        var utf16 = new UnicodeEncoding(bigEndian: false, byteOrderMark: true);
        return [.. utf16.GetPreamble(), .. utf16.GetBytes(text)];
    }

    internal static byte[] SemicolonCsv() => Encoding.GetEncoding(1252).GetBytes(
        "Messe Hannover 2026 – Besucherliste;;;;\r\n" +
        "Vorname;Nachname;Firma;Telefon;Schuhgröße\r\n" +
        "Jürgen;Müller;Müller Anlagenbau GmbH;0511 1234567;44\r\n" +
        "Anna;Schäfer;\"Schäfer; Söhne KG\";030 1234567;38\r\n");
}
