using System.Text.Json;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Prospector.Tests.Browser;

/// <summary>
/// A To do a rep works through (issue 17 point 8): a row moved to tomorrow with the quick pick, another marked Done (which
/// asks for the next action), call and mail links on the row.
/// </summary>
[Collection("Browser")]
public sealed class TodoJourneyTests(BrowserFixture browser)
{
    private static string Due(int days) =>
        DateOnly.FromDateTime(TimeZoneInfo.ConvertTimeFromUtc(DateTime.UtcNow, TimeZoneInfo.FindSystemTimeZoneById("Europe/Berlin"))).AddDays(days).ToString("yyyy-MM-dd");

    private static async Task<JsonElement> PostAsync(IPage page, string url, object body)
    {
        var res = await page.APIRequest.PostAsync(url, new() { DataObject = body });
        Assert.True(res.Status == 201, $"POST {url}: {res.Status} {await res.TextAsync()}");
        return JsonDocument.Parse(await res.TextAsync()).RootElement;
    }

    private static async Task<JsonElement> GetAsync(IPage page, string url)
    {
        var res = await page.APIRequest.GetAsync(url);
        Assert.True(res.Status == 200, $"GET {url}: {res.Status}");
        return JsonDocument.Parse(await res.TextAsync()).RootElement;
    }

    [Fact]
    public async Task A_rep_moves_a_row_to_tomorrow_with_the_quick_pick_and_marks_another_done_naming_the_next_action()
    {
        await using var server = await ServerProcess.StartAsync();
        var page = await browser.NewPageAsync(server.BaseUrl);
        IBrowserContext? repContext = null;
        try
        {
            await page.SetUpAdminAsync(server);
            var rep = (await PostAsync(page, "/api/v1/users",
                new { email = "lena@example.de", displayName = "Lena Vertrieb", role = "Rep", password = "lange-geheime-phrase", team = "Nord" })).GetProperty("id").GetInt64();
            var anna = (await PostAsync(page, "/api/v1/contacts",
                new { firstName = "Anna", lastName = "Anruf", stage = "Lead", ownerId = rep, phone = "0221 123456", email = "anna@anruf.example" })).GetProperty("id").GetInt64();
            var bernd = (await PostAsync(page, "/api/v1/contacts", new { firstName = "Bernd", lastName = "Besuch", stage = "Lead", ownerId = rep })).GetProperty("id").GetInt64();
            var moved = (await PostAsync(page, "/api/v1/tasks", new { contactId = anna, type = "Call", dueDate = Due(0), assigneeId = rep })).GetProperty("id").GetInt64();
            var done = (await PostAsync(page, "/api/v1/tasks", new { contactId = bernd, type = "Visit", dueDate = Due(0), assigneeId = rep })).GetProperty("id").GetInt64();

            repContext = await page.Context.Browser!.NewContextAsync(new() { BaseURL = server.BaseUrl, Locale = "en-GB", ViewportSize = new() { Width = 1400, Height = 900 } });
            repContext.SetDefaultTimeout((float)BrowserFixture.Patience.TotalMilliseconds);
            var lena = await repContext.NewPageAsync();
            await lena.GotoAsync("/account/login");
            await lena.FillAsync("#email", "lena@example.de");
            await lena.FillAsync("#password", "lange-geheime-phrase");
            await lena.ClickAsync("button[type=submit]");
            await Expect(lena).ToHaveURLAsync(server.BaseUrl + "/");

            await lena.GoAsync("/todo");
            var today = lena.GetByTestId("todo-Today");
            var annaRow = today.GetByTestId("todo-item").Filter(new() { HasText = "Anna Anruf" });
            var berndRow = today.GetByTestId("todo-item").Filter(new() { HasText = "Bernd Besuch" });
            await Expect(today.GetByTestId("todo-item")).ToHaveCountAsync(2);
            // Call and mail straight from the row: the number dialled in E.164.
            await Expect(annaRow.GetByTestId("reach-call")).ToHaveAttributeAsync("href", "tel:+49221123456");
            await Expect(annaRow.GetByTestId("reach-mail")).ToHaveAttributeAsync("href", "mailto:anna@anruf.example");
            await Expect(berndRow.GetByTestId("reach-call")).ToHaveCountAsync(0);

            // Reschedule → Tomorrow: the row leaves Today and the action is due tomorrow.
            var tomorrow = lena.Locator(".mud-popover-open").GetByText(new System.Text.RegularExpressions.Regex("^Tomorrow"));
            await PageExtensions.RepeatUntilAsync(() => annaRow.GetByRole(AriaRole.Button, new() { Name = "Reschedule" }).ClickAsync(),
                wait => Expect(tomorrow).ToBeVisibleAsync(new() { Timeout = wait }));
            await tomorrow.ClickAsync();
            await Expect(annaRow).ToHaveCountAsync(0);
            Assert.Equal(Due(1), (await GetAsync(page, $"/api/v1/tasks/{moved}")).GetProperty("dueDate").GetString());

            // Done… asks for the outcome and then the next action (the product rule), right under the row.
            await berndRow.GetByTestId("todo-done").ClickAsync();
            var panel = lena.GetByTestId("next-action-panel");
            await Expect(panel.GetByTestId("outcome")).ToBeVisibleAsync();
            await Expect(panel.GetByTestId("next-date")).ToBeVisibleAsync();
            await panel.GetByTestId("next-note").FillAsync("Send the offer");
            await panel.GetByTestId("save-next-action").ClickAsync();
            await Expect(today.GetByTestId("todo-item")).ToHaveCountAsync(0);
            await Expect(lena.GetByTestId("todo-empty")).ToBeVisibleAsync();

            Assert.Equal("Done", (await GetAsync(page, $"/api/v1/tasks/{done}")).GetProperty("status").GetString());
            var next = (await GetAsync(page, $"/api/v1/tasks?bucket=Upcoming&all=true")).GetProperty("items").EnumerateArray()
                .Single(t => t.GetProperty("contactId").GetInt64() == bernd);
            Assert.Equal(("Send the offer", Due(1)), (next.GetProperty("note").GetString(), next.GetProperty("dueDate").GetString()));
        }
        catch
        {
            await page.ScreenshotAsync(new() { Path = Path.Combine(Path.GetTempPath(), "prospector-todo-failure.png"), FullPage = true });
            throw;
        }
        finally
        {
            if (repContext is not null) await repContext.CloseAsync();
        }
    }
}
