using System.Text.Json;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Prospector.Tests.Browser;

/// <summary>
/// Issue 17, points 6 and 9: a rep answers a concern from the Questions page, then records a failed credit check on a deal
/// and is stopped when closing it as won.
/// </summary>
[Collection("Browser")]
public sealed class QuestionsAndCreditJourneyTests(BrowserFixture browser)
{
    private static readonly float Slow = (float)BrowserFixture.Patience.TotalMilliseconds;

    private static string Due(int days) =>
        DateOnly.FromDateTime(TimeZoneInfo.ConvertTimeFromUtc(DateTime.UtcNow, TimeZoneInfo.FindSystemTimeZoneById("Europe/Berlin"))).AddDays(days).ToString("yyyy-MM-dd");

    private static async Task<JsonElement> PostAsync(IPage page, string url, object body, int status = 201)
    {
        var res = await page.APIRequest.PostAsync(url, new() { DataObject = body });
        Assert.Equal(status, res.Status);
        return (await res.JsonAsync())!.Value;
    }

    [Fact]
    public async Task A_rep_answers_a_concern_from_the_questions_page_and_is_stopped_by_a_failed_credit_check()
    {
        await using var server = await ServerProcess.StartAsync();
        var page = await browser.NewPageAsync(server.BaseUrl);
        page.Context.SetDefaultTimeout(Slow);
        try
        {
            await page.SetUpAdminAsync(server);
            await PostAsync(page, "/api/v1/users", new { email = "ruud@example.nl", password = "lange-geheime-phrase", role = "Rep", displayName = "Ruud Visser" });

            var context = await page.Context.Browser!.NewContextAsync(new() { BaseURL = server.BaseUrl, Locale = "en-GB" });
            context.SetDefaultTimeout(Slow);
            var rep = await context.NewPageAsync();
            await rep.GotoAsync("/account/login");
            await rep.FillAsync("#email", "ruud@example.nl");
            await rep.FillAsync("#password", "lange-geheime-phrase");
            await rep.ClickAsync("button[type=submit]");
            await Expect(rep).ToHaveURLAsync(server.BaseUrl + "/");

            var contact = (await PostAsync(rep, "/api/v1/contacts", new { firstName = "Jan", lastName = "de Vries", stage = "Lead" })).GetProperty("id").GetInt64();
            await PostAsync(rep, "/api/v1/activities", new
            {
                contactId = contact, channel = "Phone", questions = new[] { new { kind = "Concern", text = "Too expensive for this year", category = "Price" } },
            });
            var deal = (await PostAsync(rep, "/api/v1/opportunities", new { contactId = contact, amount = 4800, title = "Jahreslizenz", nextAction = new { type = "Call", dueDate = Due(1) } }))
                .GetProperty("id").GetInt64();

            // The concern is on the Questions page; answered in place, it leaves the open list.
            await rep.GoAsync("/questions");
            var row = rep.GetByTestId("questions").Locator("tr", new() { HasText = "Too expensive for this year" });
            await Expect(row).ToContainTextAsync("Price");
            await Expect(row).ToContainTextAsync("Jan de Vries");
            await row.GetByTestId("answer").ClickAsync();
            await rep.FillAsync("#answer-text", "Quarterly payment offered");
            await rep.ClickAsync("#save-answer");
            await Expect(rep.GetByTestId("no-questions")).ToBeVisibleAsync();

            // A failed credit check on the deal stops it at the credit check step.
            await rep.GoAsync($"/opportunities/{deal}");
            await rep.GetByTestId("credit-record").ClickAsync();
            await rep.PickAsync(rep.GetByTestId("credit-form-result"), "Failed");
            await rep.GetByTestId("credit-form-source").FillAsync("Creditreform");
            await rep.GetByTestId("credit-form-save").ClickAsync();
            await Expect(rep.GetByTestId("credit-result")).ToHaveTextAsync("Failed");
            await Expect(rep.GetByTestId("credit-blocked")).ToBeVisibleAsync();
            await Expect(rep.GetByTestId("credit-override")).ToBeHiddenAsync();

            await rep.GetByTestId("win").ClickAsync();
            await rep.GetByTestId("close-confirm").ClickAsync();
            await Expect(rep.Locator(".mud-snackbar").GetByText(new System.Text.RegularExpressions.Regex("credit check failed"))).ToBeVisibleAsync();
            await Expect(rep.GetByTestId("opportunity-state")).ToHaveTextAsync("Open");
            var now = await (await rep.APIRequest.GetAsync($"/api/v1/opportunities/{deal}")).JsonAsync();
            Assert.Equal("Open", now!.Value.GetProperty("state").GetString());
        }
        catch
        {
            await page.ScreenshotAsync(new() { Path = Path.Combine(Path.GetTempPath(), "prospector-questions-credit-failure.png"), FullPage = true });
            throw;
        }
    }
}
