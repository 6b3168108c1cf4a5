using System.Text.Json;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Prospector.Tests.Browser;

/// <summary>
/// After the first sale (issue 17): the next sale started from a customer's page and closed with the deal page's buttons; the
/// board searched, sorted and showing closed deals through its switch.
/// </summary>
[Collection("Browser")]
public sealed class RepeatSaleJourneyTests(BrowserFixture browser)
{
    private static string Due(int days) =>
        DateOnly.FromDateTime(TimeZoneInfo.ConvertTimeFromUtc(DateTime.UtcNow, TimeZoneInfo.FindSystemTimeZoneById("Europe/Berlin"))).AddDays(days).ToString("yyyy-MM-dd");

    private static async Task<JsonElement> PostAsync(IPage page, string url, object body, int status = 201)
    {
        var res = await page.APIRequest.PostAsync(url, new() { DataObject = body });
        Assert.Equal(status, res.Status);
        return (await res.JsonAsync())!.Value;
    }

    [Fact]
    public async Task A_rep_starts_the_next_sale_from_a_customers_page_and_closes_it_Won_with_the_buttons()
    {
        await using var server = await ServerProcess.StartAsync();
        var page = await browser.NewPageAsync(server.BaseUrl);
        try
        {
            await page.SetUpAdminAsync(server);
            var company = (await PostAsync(page, "/api/v1/companies", new { name = "Mühle Brandt GmbH" })).GetProperty("id").GetInt64();
            var contact = (await PostAsync(page, "/api/v1/contacts", new { firstName = "Jonas", lastName = "Brandt", stage = "Lead", companyId = company }))
                .GetProperty("id").GetInt64();
            var first = await PostAsync(page, "/api/v1/opportunities",
                new { contactId = contact, amount = 4200, title = "Erstauftrag", nextAction = new { type = "Call", dueDate = Due(1) } });
            await PostAsync(page, $"/api/v1/opportunities/{first.GetProperty("id").GetInt64()}/win", new { }, 200);

            await page.GoAsync($"/contacts/{contact}");
            await Expect(page.GetByTestId("contact-stage")).ToHaveTextAsync("Customer");
            // A customer needs no next action, but account care is offered.
            await Expect(page.GetByTestId("care-hint")).ToBeVisibleAsync();
            await Expect(page.GetByTestId("plan-care")).ToBeVisibleAsync();

            await page.GetByTestId("new-opportunity").ClickAsync();
            await Expect(page.GetByTestId("repeat-hint")).ToBeVisibleAsync();
            await Expect(page.GetByTestId("new-opportunity-title")).ToHaveValueAsync("Re-order – Mühle Brandt GmbH");
            await Expect(page.GetByTestId("new-opportunity-amount")).ToHaveValueAsync("4,200.00");
            await page.GetByTestId("new-opportunity-create").ClickAsync();
            await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex(@"/opportunities/\d+$"));
            var id = long.Parse(page.Url.Split('/')[^1], System.Globalization.CultureInfo.InvariantCulture);
            Assert.NotEqual(first.GetProperty("id").GetInt64(), id);
            await Expect(page.GetByTestId("opportunity-title")).ToHaveTextAsync("Re-order – Mühle Brandt GmbH");

            // Steer it with the step bar, then close it Won with the button.
            var steps = page.GetByTestId("step-bar").Locator("button[data-step]");
            var second = await steps.Nth(1).GetAttributeAsync("data-step");
            await steps.Nth(1).ClickAsync();
            await Expect(page.Locator($"[data-testid=step-bar] button[data-step='{second}']")).ToHaveAttributeAsync("data-here", "true");
            await Expect(page.GetByTestId("step-history-row")).ToHaveCountAsync(2);
            await page.GetByTestId("win").ClickAsync();
            await page.GetByTestId("close-reason").FillAsync("Re-ordered the same line");
            await page.GetByTestId("close-confirm").ClickAsync();
            await Expect(page.GetByTestId("opportunity-state")).ToHaveTextAsync("Won");
            await Expect(page.GetByTestId("win")).ToBeHiddenAsync();
            await Expect(page.GetByTestId("step-history")).ToContainTextAsync("Won: Re-ordered the same line");

            var customer = await (await page.APIRequest.GetAsync($"/api/v1/contacts/{contact}")).JsonAsync();
            Assert.Equal("RepeatCustomer", customer!.Value.GetProperty("stage").GetString());
            await page.GoAsync($"/contacts/{contact}");
            await Expect(page.GetByTestId("contact-stage")).ToHaveTextAsync("Repeat customer");
        }
        catch
        {
            await page.ScreenshotAsync(new() { Path = Path.Combine(Path.GetTempPath(), "prospector-repeat-sale-failure.png"), FullPage = true });
            throw;
        }
    }

    [Fact]
    public async Task A_rep_searches_and_sorts_the_board_and_sees_closed_deals_through_the_switch()
    {
        await using var server = await ServerProcess.StartAsync();
        var page = await browser.NewPageAsync(server.BaseUrl);
        try
        {
            await page.SetUpAdminAsync(server);
            var contact = (await PostAsync(page, "/api/v1/contacts", new { firstName = "Lea", lastName = "Vogel", stage = "Lead" })).GetProperty("id").GetInt64();
            foreach (var (title, amount) in new[] { ("Kiefer small", 100), ("Kiefer large", 9000), ("Other deal", 5000) })
                await PostAsync(page, "/api/v1/opportunities", new { contactId = contact, amount, title, nextAction = new { type = "Call", dueDate = Due(2) } });
            var won = await PostAsync(page, "/api/v1/opportunities",
                new { contactId = contact, amount = 700, title = "Kiefer won", nextAction = new { type = "Call", dueDate = Due(2) } });
            await PostAsync(page, $"/api/v1/opportunities/{won.GetProperty("id").GetInt64()}/win", new { }, 200);

            await page.GoAsync("/pipeline");
            await Expect(page.GetByTestId("card")).ToHaveCountAsync(3);
            await Expect(page.GetByTestId("card-owner").First).ToHaveTextAsync("PA"); // Petra Admin
            await page.GetByTestId("board-search").FillAsync("kiefer");
            await Expect(page.GetByTestId("card")).ToHaveCountAsync(2);

            await page.GetByTestId("board-sort").ClickAsync();
            await page.Locator(".mud-popover-open").GetByText("Amount (largest first)", new() { Exact = true }).ClickAsync();
            var titles = page.Locator("[data-testid=card] a");
            await Expect(titles).ToHaveTextAsync(["Kiefer large", "Kiefer small"]);

            await Expect(page.GetByTestId("closed-column")).ToHaveCountAsync(0);
            await page.GetByTestId("show-closed").ClickAsync();
            var wonColumn = page.Locator("[data-testid=closed-column][data-state=Won]");
            await Expect(wonColumn.GetByTestId("card")).ToHaveCountAsync(1);
            await Expect(wonColumn).ToContainTextAsync("Kiefer won");
            await Expect(page.GetByTestId("closed-column")).ToHaveCountAsync(3);
        }
        catch
        {
            await page.ScreenshotAsync(new() { Path = Path.Combine(Path.GetTempPath(), "prospector-board-failure.png"), FullPage = true });
            throw;
        }
    }
}
