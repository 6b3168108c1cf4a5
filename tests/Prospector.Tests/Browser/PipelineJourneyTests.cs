using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Prospector.Tests.Browser;

/// <summary>A rep's pipeline day in a real browser: move a deal on the board, complete its next action, see it come due.</summary>
[Collection("Browser")]
public sealed partial class PipelineJourneyTests(BrowserFixture browser)
{
    [Fact]
    public async Task Drag_a_deal_to_the_next_step_complete_its_action_with_a_new_one_and_see_Today_and_the_live_notification()
    {
        await using var server = await ServerProcess.StartAsync();
        var page = await browser.NewPageAsync(server.BaseUrl);
        try
        {
            await page.SetUpAdminAsync(server);
            var id = await NewOpportunityAsync(page);
            await DragToNextStepAsync(page, id);
            var note = await CompleteWithNewActionAsync(page, id);
            await SeeTodayAndNotificationAsync(page, note);
        }
        catch
        {
            await page.ScreenshotAsync(new() { Path = Path.Combine(Path.GetTempPath(), "prospector-pipeline-failure.png"), FullPage = true });
            throw;
        }
    }

    /// <summary>
    /// The deal page and the API change a deal through the same service, so they agree (issue 13, review rows 13 and 14):
    /// reopening a lost deal asks for its next action (the page used to schedule a call for tomorrow on its own), and a
    /// wrong edit marks each field with its own message (the page used to check only amount and probability, with one
    /// combined message, and silently clamped a negative amount to 0).
    /// </summary>
    [Fact]
    public async Task Reopening_a_lost_deal_asks_for_its_next_action_and_a_wrong_edit_marks_each_field_as_the_API_does()
    {
        await using var server = await ServerProcess.StartAsync();
        var page = await browser.NewPageAsync(server.BaseUrl);
        try
        {
            await page.SetUpAdminAsync(server);
            var id = await NewOpportunityAsync(page);
            var lost = await page.APIRequest.PostAsync($"/api/v1/opportunities/{id}/lose", new() { DataObject = new { reason = "Budget frozen" } });
            Assert.Equal(200, lost.Status);
            await ReopenWithNextActionAsync(page, id);
            await WrongEditMarksEachFieldAsync(page, id);
        }
        catch
        {
            await page.ScreenshotAsync(new() { Path = Path.Combine(Path.GetTempPath(), "prospector-deal-page-failure.png"), FullPage = true });
            throw;
        }
    }

    private static async Task ReopenWithNextActionAsync(IPage page, long id)
    {
        await page.GoAsync($"/opportunities/{id}");
        await Expect(page.GetByTestId("opportunity-state")).ToHaveTextAsync("Lost");
        await page.GetByTestId("reopen").ClickAsync();
        // Reopening asks what happens next; nothing is reopened until it is named.
        await Expect(page.GetByTestId("reopen-form")).ToBeVisibleAsync();
        await Expect(page.GetByTestId("opportunity-state")).ToHaveTextAsync("Lost");
        await page.GetByTestId("reopen-confirm").ClickAsync();
        await Expect(Field(page, "reopen-date")).ToContainTextAsync("dueDate is required.");
        await Expect(page.GetByTestId("opportunity-state")).ToHaveTextAsync("Lost");
        var due = DateOnly.FromDateTime(TimeZoneInfo.ConvertTimeFromUtc(DateTime.UtcNow, TimeZoneInfo.FindSystemTimeZoneById("Europe/Berlin"))).AddDays(2);
        await page.GetByTestId("reopen-date").FillAsync(due.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
        await page.GetByTestId("reopen-note").FillAsync("Ask about the new budget");
        await page.GetByTestId("reopen-note").PressAsync("Tab");
        await page.GetByTestId("reopen-confirm").ClickAsync();
        await Expect(page.GetByTestId("opportunity-state")).ToHaveTextAsync("Open");
        await Expect(page.GetByTestId("reopen-form")).ToBeHiddenAsync();
        await Expect(page.GetByTestId("next-action")).ToContainTextAsync("Ask about the new budget");
        // The API sees the one next action the user named, not a call for tomorrow.
        var deal = await (await page.APIRequest.GetAsync($"/api/v1/opportunities/{id}")).JsonAsync();
        var next = deal!.Value.GetProperty("nextAction");
        Assert.Equal(due.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), next.GetProperty("dueDate").GetString());
        Assert.Equal("Ask about the new budget", next.GetProperty("note").GetString());
    }

    private static async Task WrongEditMarksEachFieldAsync(IPage page, long id)
    {
        await page.GetByTestId("title").FillAsync("");
        await page.GetByTestId("amount").FillAsync("-5");
        await page.GetByTestId("probability").FillAsync("150");
        await page.GetByTestId("probability").PressAsync("Tab");
        await page.GetByTestId("save-opportunity").ClickAsync();
        await Expect(Field(page, "title")).ToContainTextAsync("title must be 1 to 200 characters.");
        await Expect(Field(page, "amount")).ToContainTextAsync("The amount cannot be negative.");
        await Expect(Field(page, "probability")).ToContainTextAsync("probability must be between 0 and 100.");
        // Nothing was stored, and what the user typed is still there to correct.
        await Expect(page.GetByTestId("amount")).ToHaveValueAsync("-5.00");
        var stored = (await (await page.APIRequest.GetAsync($"/api/v1/opportunities/{id}")).JsonAsync())!.Value;
        Assert.Equal(24000m, stored.GetProperty("amount").GetDecimal());
        Assert.Equal("Schäfer Logistik: 40 Lizenzen", stored.GetProperty("title").GetString());

        await page.GetByTestId("title").FillAsync("Schäfer Logistik: 50 Lizenzen");
        await page.GetByTestId("amount").FillAsync("30000");
        await page.GetByTestId("probability").FillAsync("40");
        await page.GetByTestId("probability").PressAsync("Tab");
        await page.GetByTestId("save-opportunity").ClickAsync();
        await Expect(page.GetByTestId("opportunity-title")).ToHaveTextAsync("Schäfer Logistik: 50 Lizenzen");
        await Expect(Field(page, "amount")).Not.ToContainTextAsync("cannot be negative");
        stored = (await (await page.APIRequest.GetAsync($"/api/v1/opportunities/{id}")).JsonAsync())!.Value;
        Assert.Equal(30000m, stored.GetProperty("amount").GetDecimal());
        Assert.Equal(40, stored.GetProperty("probability").GetInt32());
    }

    /// <summary>A form field with its label and its error text (MudBlazor puts the test id on the input inside).</summary>
    private static ILocator Field(IPage page, string testId) =>
        page.Locator(".mud-input-control").Filter(new() { Has = page.GetByTestId(testId) });

    /// <summary>A lead and its opportunity through the API with the browser's own session (the board is what is tested here).</summary>
    private static async Task<long> NewOpportunityAsync(IPage page)
    {
        var contact = await page.APIRequest.PostAsync("/api/v1/contacts", new() { DataObject = new { firstName = "Jana", lastName = "Schäfer", stage = "Lead" } });
        Assert.Equal(201, contact.Status);
        var contactId = (await contact.JsonAsync())!.Value.GetProperty("id").GetInt64();
        var res = await page.APIRequest.PostAsync("/api/v1/opportunities", new()
        {
            DataObject = new { contactId, title = "Schäfer Logistik: 40 Lizenzen", amount = 24000, nextAction = new { type = "Call", dueDate = DateTime.UtcNow.AddDays(3).ToString("yyyy-MM-dd"), note = "Termin vereinbaren" } },
        });
        Assert.Equal(201, res.Status);
        return (await res.JsonAsync())!.Value.GetProperty("id").GetInt64();
    }

    private static async Task DragToNextStepAsync(IPage page, long id)
    {
        await page.GoAsync("/pipeline");
        var first = page.GetByTestId("board-column").Filter(new() { Has = page.GetByText("Qualification", new() { Exact = true }) });
        var second = page.GetByTestId("board-column").Filter(new() { Has = page.GetByText("Needs analysis", new() { Exact = true }) });
        var card = page.Locator($"[data-testid=card][data-id='{id}']");
        await Expect(first.Locator($"[data-testid=card][data-id='{id}']")).ToBeVisibleAsync();
        await Expect(first.GetByTestId("column-summary")).ToContainTextAsync("1 ·");
        await card.DragToAsync(second.GetByTestId("drop-zone"));
        await Expect(page.GetByText("Moved to Needs analysis.")).ToBeVisibleAsync();
        await Expect(second.Locator($"[data-testid=card][data-id='{id}']")).ToBeVisibleAsync();
        await Expect(second.GetByTestId("column-summary")).ToContainTextAsync("1 · €24,000");
        await Expect(first.GetByTestId("column-summary")).ToContainTextAsync("0 ·");
        // The move is stored, not just drawn: a fresh load shows it too.
        await page.ReloadAsync();
        await Expect(second.Locator($"[data-testid=card][data-id='{id}']")).ToBeVisibleAsync();
    }

    /// <summary>Completes the call with an outcome; the next action is due in a few minutes, so its reminder comes at once.</summary>
    private static async Task<string> CompleteWithNewActionAsync(IPage page, long id)
    {
        await page.GoAsync($"/opportunities/{id}");
        await Expect(page.GetByTestId("opportunity-step")).ToHaveTextAsync("Needs analysis");
        await Expect(page.GetByTestId("next-action")).ToContainTextAsync("Termin vereinbaren");
        await page.GetByTestId("complete").ClickAsync();
        await page.GetByTestId("completion-notes").FillAsync("Needs 40 seats, budget approved");
        var zone = TimeZoneInfo.FindSystemTimeZoneById("Europe/Berlin");
        var berlin = TimeZoneInfo.ConvertTimeFromUtc(DateTime.UtcNow, zone);
        if (berlin.TimeOfDay > new TimeSpan(23, 57, 0))
        {
            // "Today" must still be today when the list is checked: let midnight in Berlin pass first.
            await Task.Delay(berlin.Date.AddDays(1) - berlin + TimeSpan.FromSeconds(5));
            berlin = TimeZoneInfo.ConvertTimeFromUtc(DateTime.UtcNow, zone);
        }
        var due = berlin.AddMinutes(5) is var later && later.Date == berlin.Date ? later : berlin.Date.AddMinutes(23 * 60 + 59);
        const string note = "Send the offer for 40 seats";
        await page.GetByTestId("next-date").FillAsync(due.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
        await page.GetByTestId("next-time").FillAsync(due.ToString("HH:mm", CultureInfo.InvariantCulture));
        await page.GetByTestId("next-note").FillAsync(note);
        // Nothing is due yet: the bell shows no count.
        await Expect(page.GetByTestId("notification-badge")).ToHaveAttributeAsync("data-count", "0");
        await page.GetByTestId("save-next-action").ClickAsync();
        await Expect(page.GetByTestId("next-action")).ToContainTextAsync(note);
        // The new action is due in 5 minutes, so its reminder (15 minutes before) goes out at once: the bell on this very
        // page lights up without a reload.
        await Expect(page.GetByTestId("notification-badge")).ToHaveAttributeAsync("data-count", "1");
        await Expect(page.GetByTestId("next-action")).ToContainTextAsync(due.ToString("HH:mm", CultureInfo.InvariantCulture));
        return note;
    }

    private static async Task SeeTodayAndNotificationAsync(IPage page, string note)
    {
        await page.GoAsync("/todo");
        await Expect(page.GetByRole(AriaRole.Tab, new() { NameRegex = TodayCount() })).ToBeVisibleAsync();
        await Expect(page.GetByTestId("todo-Today").GetByTestId("todo-item")).ToContainTextAsync(note);
        await page.GetByTestId("bell").ClickAsync();
        await Expect(page.GetByTestId("notification").First).ToContainTextAsync("Call: Schäfer Logistik: 40 Lizenzen at");
    }

    [GeneratedRegex(@"Today \(1\)")]
    private static partial Regex TodayCount();
}
