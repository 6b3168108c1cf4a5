using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Prospector.Tests.Browser;

/// <summary>
/// A rep works ten rows of a prospecting list with the keyboard only, and every key is counted: the default decision
/// takes two keys (+ Enter, c Enter), 1–7 pick the action type, Esc closes the form, u undoes the last decision wherever
/// the cursor is, and a type or date chosen for one row does not carry over to the next.
/// </summary>
[Collection("Browser")]
public sealed class ListKeysJourneyTests(BrowserFixture browser)
{
    /// <summary>Generous, for a machine whose cores are busy: every wait below ends as soon as its condition holds.</summary>
    private const float Slow = 30_000;

    [Fact]
    public async Task Ten_rows_by_keyboard_at_two_keys_a_default_decision()
    {
        await using var server = await ServerProcess.StartAsync();
        var page = await browser.NewPageAsync(server.BaseUrl);
        // A fresh server's first pages can take long on a busy machine; waits still end as soon as they can.
        page.Context.SetDefaultTimeout(Slow);
        page.Context.SetDefaultNavigationTimeout(Slow);
        try
        {
            await JourneyAsync(server, page);
        }
        catch
        {
            await page.ScreenshotAsync(new() { Path = Path.Combine(Path.GetTempPath(), "prospector-list-keys-failure.png") });
            await File.WriteAllTextAsync(Path.Combine(Path.GetTempPath(), "prospector-list-keys-server.log"), server.Output);
            throw;
        }
    }

    private static readonly string[] Names =
        ["Jürgen Müller", "Anna Schäfer", "Peter Groß", "Sabine Wolf", "Jan de Vries", "Eva Lange", "Tom Becker", "Lena Vogel", "Kai Busch", "Mia Roth", "Ole Jansen", "Ute Krämer"];

    private static async Task JourneyAsync(ServerProcess server, IPage page)
    {
        await page.SetUpAdminAsync(server);
        var listId = await ImportAsync(page);

        await page.GoAsync($"/lists/{listId}");
        // The page says when its keys are on; nothing is clicked or focused before the first key.
        await Expect(page.Locator("#list-grid[data-keys=on]")).ToBeAttachedAsync(new() { Timeout = Slow });
        await Expect(Row(page, 1)).ToHaveClassAsync(new Regex("sheet-current"));
        var keys = new KeyCounter(page);
        var form = page.Locator("#convert-form");

        // Row 1: + Enter, the default next action. Two keys, counted from the moment the page is open.
        await keys.PressAsync("+", "Enter");
        await ExpectState(page, 1, "Converted");
        keys.DefaultDecisionDone();

        // Row 2: the form opens on its main button; 1–7 pick the type, each choice shows its digit.
        await keys.PressAsync("+");
        await Expect(form).ToBeVisibleAsync(new() { Timeout = Slow });
        await Expect(page.Locator("#convert-confirm")).ToBeFocusedAsync(new() { Timeout = Slow });
        var defaultDate = await page.InputValueAsync("#next-date");
        await Expect(Chosen(page)).ToHaveAttributeAsync("data-type", "Call");
        string[] types = ["Call", "Email", "Meeting", "Sms", "Social", "Visit", "Task"];
        for (var i = 0; i < types.Length; i++)
        {
            var digit = (i + 1).ToString(CultureInfo.InvariantCulture);
            await Expect(page.Locator($"#next-type [data-type={types[i]}] kbd")).ToHaveTextAsync(digit);
            await keys.PressAsync(digit);
            await Expect(Chosen(page)).ToHaveAttributeAsync("data-type", types[i], new() { Timeout = Slow });
        }
        await keys.PressAsync("3");
        await Expect(Chosen(page)).ToHaveAttributeAsync("data-type", "Meeting", new() { Timeout = Slow });
        // A later date for this one row; Enter in the date field confirms, as in any form.
        var laterDate = DateOnly.ParseExact(defaultDate, "yyyy-MM-dd", CultureInfo.InvariantCulture).AddDays(2).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        await page.FillAsync("#next-date", laterDate);
        await keys.PressAsync("Enter");
        await ExpectState(page, 2, "Converted");
        keys.OtherDecisionDone();

        // Row 3: starts from the defaults again (a call, tomorrow), not from row 2's meeting two days later.
        await keys.PressAsync("+");
        await Expect(form).ToBeVisibleAsync(new() { Timeout = Slow });
        await Expect(Chosen(page)).ToHaveAttributeAsync("data-type", "Call", new() { Timeout = Slow });
        await Expect(page.Locator("#next-date")).ToHaveValueAsync(defaultDate);
        await keys.PressAsync("Enter");
        await ExpectState(page, 3, "Converted");
        keys.DefaultDecisionDone();

        // Row 4: c Enter cancels with the default reason. Two keys.
        await keys.PressAsync("c", "Enter");
        await ExpectState(page, 4, "Cancelled");
        await Expect(Row(page, 4).Locator(".row-reason")).ToHaveTextAsync("Not interested");
        keys.DefaultDecisionDone();

        // Row 5: Esc closes the form and nothing happens to the row; then + Enter converts it.
        await keys.PressAsync("+");
        await Expect(form).ToBeVisibleAsync(new() { Timeout = Slow });
        await keys.PressAsync("Escape");
        await Expect(form).ToBeHiddenAsync(new() { Timeout = Slow });
        await ExpectState(page, 5, "Open");
        await Expect(Row(page, 5)).ToHaveClassAsync(new Regex("sheet-current"));
        keys.NotADecision();
        await keys.PressAsync("+", "Enter");
        await ExpectState(page, 5, "Converted");
        keys.DefaultDecisionDone();
        await Expect(Row(page, 6)).ToHaveClassAsync(new Regex("sheet-current"), new() { Timeout = Slow });

        // Oops, that was the wrong row: u undoes it although the cursor moved on, and puts the cursor back on it.
        await keys.PressAsync("u");
        await ExpectState(page, 5, "Open");
        await Expect(Row(page, 5)).ToHaveClassAsync(new Regex("sheet-current"), new() { Timeout = Slow });
        keys.NotADecision();
        // ...and it is a visit after all: the next + acts on row 5, not on row 6.
        await keys.PressAsync("+", "6", "Enter");
        await ExpectState(page, 5, "Converted");
        await ExpectState(page, 6, "Open");
        keys.OtherDecisionDone();

        // Row 6: cancelled, then the cursor wanders off two rows; u reopens row 6 and the next + converts it.
        await keys.PressAsync("c", "Enter");
        await ExpectState(page, 6, "Cancelled");
        keys.DefaultDecisionDone();
        await Expect(Row(page, 7)).ToHaveClassAsync(new Regex("sheet-current"), new() { Timeout = Slow });
        await keys.PressAsync("j");
        await keys.PressAsync("ArrowDown");
        await Expect(Row(page, 9)).ToHaveClassAsync(new Regex("sheet-current"), new() { Timeout = Slow });
        await keys.PressAsync("u");
        await ExpectState(page, 6, "Open");
        await Expect(Row(page, 6)).ToHaveClassAsync(new Regex("sheet-current"), new() { Timeout = Slow });
        keys.NotADecision();
        await keys.PressAsync("+", "Enter");
        await ExpectState(page, 6, "Converted");
        keys.DefaultDecisionDone();

        // Rows 7–10 as a fast typist works them: eight keys in a row, no waiting; each pair lands on its own row.
        var before = keys.Count;
        for (var n = 7; n <= 10; n++) await keys.PressAsync("+", "Enter");
        for (var n = 7; n <= 10; n++) await ExpectState(page, n, "Converted");
        Assert.True(keys.Count - before <= 4 * 2, $"four default decisions took {keys.Count - before} keys");
        keys.NotADecision();
        await ExpectState(page, 11, "Open");
        await Expect(Row(page, 11)).ToHaveClassAsync(new Regex("sheet-current"), new() { Timeout = Slow });

        // ? shows the shortcuts (Esc closes them); no more than two keys went into any default decision.
        await keys.PressAsync("?");
        await Expect(page.Locator("#shortcut-help")).ToBeVisibleAsync(new() { Timeout = Slow });
        await Expect(page.Locator("#shortcut-help")).ToContainTextAsync("Undo the last decision");
        await keys.PressAsync("Escape");
        await Expect(page.Locator("#shortcut-help")).ToBeHiddenAsync(new() { Timeout = Slow });
        Assert.Equal(6, keys.DefaultDecisions.Count);
        Assert.All(keys.DefaultDecisions, n => Assert.True(n <= 2, $"a default decision took {n} keys: {string.Join(", ", keys.DefaultDecisions)}"));

        // What the keys did, as the API reports it.
        var rows = (await GetJsonAsync(page, $"/api/v1/lists/{listId}/rows?pageSize=100")).GetProperty("items").EnumerateArray()
            .ToDictionary(r => r.GetProperty("rowNumber").GetInt32());
        for (var n = 1; n <= 10; n++)
            Assert.Equal(n == 4 ? "Cancelled" : "Converted", rows[n].GetProperty("state").GetString());
        Assert.Equal("NotInterested", rows[4].GetProperty("cancelReason").GetString());
        Assert.Equal("Open", rows[11].GetProperty("state").GetString());

        var tasks = (await GetJsonAsync(page, "/api/v1/tasks?bucket=Upcoming&all=true&pageSize=100")).GetProperty("items").EnumerateArray()
            .ToDictionary(t => t.GetProperty("contactId").GetInt64());
        Assert.Equal(9, tasks.Count);
        foreach (var n in new[] { 1, 2, 3, 5, 6, 7, 8, 9, 10 })
        {
            var task = tasks[rows[n].GetProperty("contactId").GetInt64()];
            Assert.Equal(Names[n - 1], task.GetProperty("contactName").GetString());
            Assert.Equal(n switch { 2 => "Meeting", 5 => "Visit", _ => "Call" }, task.GetProperty("type").GetString());
            Assert.Equal(n == 2 ? laterDate : defaultDate, task.GetProperty("dueDate").GetString());
        }

        // The contact made by the undone conversion of row 5 is in the recycle bin; row 5's contact now is another one.
        var deleted = (await GetJsonAsync(page, "/api/v1/contacts?deleted=true")).GetProperty("items").EnumerateArray().ToList();
        Assert.Single(deleted);
        Assert.NotEqual(rows[5].GetProperty("contactId").GetInt64(), deleted[0].GetProperty("id").GetInt64());
        var live = (await GetJsonAsync(page, "/api/v1/contacts?pageSize=100")).GetProperty("items").GetArrayLength();
        Assert.Equal(9, live);

        // Away to a new contact and back: the keys work again at once on the list page that is shown.
        await Row(page, 1).GetByRole(AriaRole.Link, new() { Name = "Contact" }).ClickAsync();
        await Expect(page.GetByTestId("contact-name")).ToHaveTextAsync(Names[0], new() { Timeout = Slow });
        await page.GoBackAsync();
        await Expect(page.Locator("#list-grid[data-keys=on]")).ToBeAttachedAsync(new() { Timeout = Slow });
        await Expect(Row(page, 1)).ToHaveClassAsync(new Regex("sheet-current"), new() { Timeout = Slow });
        await keys.PressAsync("j");
        await Expect(Row(page, 2)).ToHaveClassAsync(new Regex("sheet-current"), new() { Timeout = Slow });
    }

    private static ILocator Row(IPage page, int n) => ListGrid.Row(page, n);

    private static ILocator Chosen(IPage page) => page.Locator("#next-type [role=radio][aria-checked=true]");

    private static Task ExpectState(IPage page, int row, string state) => ListGrid.ExpectState(page, row, state, Slow);

    /// <summary>A list of twelve people, imported through the API as a script would.</summary>
    private static async Task<long> ImportAsync(IPage page)
    {
        var csv = new StringBuilder("Vorname;Nachname;Firma;E-Mail\r\n");
        foreach (var (name, i) in Names.Select((n, i) => (n, i)))
        {
            var (first, last) = (name[..name.IndexOf(' ', StringComparison.Ordinal)], name[(name.IndexOf(' ', StringComparison.Ordinal) + 1)..]);
            csv.Append(CultureInfo.InvariantCulture, $"{first};{last};Firma {i + 1} GmbH;person{i + 1}@firma{i + 1}.example\r\n");
        }
        var form = page.APIRequest.CreateFormData();
        form.Set("file", new FilePayload { Name = "Kaltakquise.csv", MimeType = "text/csv", Buffer = Encoding.UTF8.GetBytes(csv.ToString()) });
        form.Set("list", "Kaltakquise Oktober");
        form.Set("country", "DE");
        var res = await page.APIRequest.PostAsync("/api/v1/imports", new() { Multipart = form });
        Assert.True(res.Status == 201, $"import: {res.Status} {await res.TextAsync()}");
        var summary = JsonDocument.Parse(await res.TextAsync()).RootElement;
        Assert.Equal(12, summary.GetProperty("rowsImported").GetInt32());
        return summary.GetProperty("listId").GetInt64();
    }

    private static async Task<JsonElement> GetJsonAsync(IPage page, string url)
    {
        var res = await page.APIRequest.GetAsync(url);
        Assert.True(res.Ok, $"GET {url}: {res.Status} {await res.TextAsync()}");
        return JsonDocument.Parse(await res.TextAsync()).RootElement;
    }

    /// <summary>
    /// Every key the rep presses goes through here and is counted; the keys since the last decision (or since the page
    /// opened) are what that decision cost.
    /// </summary>
    private sealed class KeyCounter(IPage page)
    {
        private int _mark;
        public int Count { get; private set; }
        /// <summary>Keys taken by each decision made with the default next action or reason.</summary>
        public List<int> DefaultDecisions { get; } = [];

        public async Task PressAsync(params string[] keys)
        {
            foreach (var key in keys)
            {
                await page.Keyboard.PressAsync(key);
                Count++;
            }
        }

        public void DefaultDecisionDone() { DefaultDecisions.Add(Count - _mark); _mark = Count; }
        public void OtherDecisionDone() => _mark = Count;
        /// <summary>Keys that were not part of a decision (closing a form, moving, undoing): not charged to the next one.</summary>
        public void NotADecision() => _mark = Count;
    }
}
