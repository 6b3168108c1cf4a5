using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Prospector.Tests.Browser;

/// <summary>Qualifying one lead into a prospect and keeping another for later, in a real browser.</summary>
[Collection("Browser")]
public sealed class QualificationJourneyTests(BrowserFixture browser)
{
    [Fact]
    public async Task Tick_criteria_promote_a_lead_then_disqualify_another_and_find_its_recontact_in_the_to_do_list()
    {
        await using var server = await ServerProcess.StartAsync();
        Assert.NotNull(server.SetupLink);
        var page = await browser.NewPageAsync(server.BaseUrl);
        try
        {
            await page.SetUpAdminAsync(server);
            await QualifyAndPromoteAsync(page);
            await DisqualifyAndKeepForLaterAsync(page);
        }
        catch
        {
            await page.ScreenshotAsync(new() { Path = Path.Combine(Path.GetTempPath(), "prospector-qualification-failure.png"), FullPage = true });
            throw;
        }
    }

    /// <summary>Creates a contact with the form (a new contact starts as a Lead) and opens its Qualification tab.</summary>
    private static async Task NewLeadAsync(IPage page, string first, string last)
    {
        await page.GoAsync("/contacts/new");
        await page.GetByLabel("First name").FillAsync(first);
        await page.GetByLabel("Last name").FillAsync(last);
        await page.ClickAsync("#save");
        await Expect(page.GetByTestId("contact-name")).ToHaveTextAsync($"{first} {last}");
        await Expect(page.GetByTestId("contact-stage")).ToHaveTextAsync("Lead");
        await page.SelectTabAsync(page.GetByRole(AriaRole.Tab, new() { Name = "Qualification" }));
    }

    /// <summary>Clicks "Met" in the criterion's toggle group (its items are checkboxes to assistive technology).</summary>
    private static async Task TickAsync(IPage page, string criterion)
    {
        var met = page.GetByTestId("criterion").Filter(new() { HasText = criterion })
            .GetByRole(AriaRole.Checkbox, new() { Name = "Met", Exact = true });
        await met.ClickAsync();
        await Expect(met).ToBeCheckedAsync();
    }

    private static async Task QualifyAndPromoteAsync(IPage page)
    {
        await NewLeadAsync(page, "Greta", "Lindqvist");
        var score = page.GetByTestId("qualification-score");
        var missing = page.GetByTestId("qualification-missing");
        // One path from Lead to Prospect: "Yes", which asks for the deal (there is no separate "Promote to Prospect").
        var promote = page.Locator("#say-yes");
        await Expect(page.Locator("#promote")).ToHaveCountAsync(0);
        await Expect(score).ToHaveTextAsync("0 %");
        await Expect(missing).ToContainTextAsync("Fits the target market");
        await Expect(promote).ToBeDisabledAsync();

        // Default Lead → Prospect gate: three required criteria (weight 2) and two of the four others (weight 1).
        await TickAsync(page, "Fits the target market");
        await Expect(score).ToHaveTextAsync("20 %");
        await Expect(missing).Not.ToContainTextAsync("Fits the target market");
        await Expect(missing).ToContainTextAsync("Has the budget or means to pay");

        await TickAsync(page, "Has the budget or means to pay");
        await TickAsync(page, "Has the authority to decide");
        await Expect(score).ToHaveTextAsync("60 %");
        await Expect(missing).ToHaveTextAsync("Still missing: 2 more of the other criteria");

        await TickAsync(page, "A concrete need or interest identified");
        await Expect(missing).ToHaveTextAsync("Still missing: 1 more of the other criteria");
        await TickAsync(page, "Agreed to a follow-up");
        await Expect(score).ToHaveTextAsync("80 %");
        await Expect(missing).ToBeHiddenAsync();
        await Expect(page.GetByTestId("gate-met")).ToBeVisibleAsync();

        // A full board first: 26 deals closing sooner than the new one, more than a column shows before "Load more".
        await FillTheFirstStepsAsync(page);
        await promote.ClickAsync();
        var title = page.Locator("#deal-title");
        await Expect(title).ToHaveValueAsync("Greta Lindqvist");
        var close = DateOnly.FromDateTime(TimeZoneInfo.ConvertTimeBySystemTimeZoneId(DateTime.UtcNow, "Europe/Berlin")).AddDays(30);
        await Expect(page.Locator("#deal-close")).ToHaveValueAsync(close.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
        await title.FillAsync("Lindqvist – 12 seats");
        await page.Locator("#deal-amount").FillAsync("18000");
        await page.ClickAsync("#create-deal");
        await Expect(page.GetByTestId("contact-stage")).ToHaveTextAsync("Prospect");
        await Expect(page.GetByTestId("lifecycle")).ToContainTextAsync("Stage: Lead → Prospect");
        await Expect(page.GetByTestId("lifecycle")).ToContainTextAsync("Agreed to a follow-up: Met");

        // The new deal is on the board at once, without "Load more"; dragged on, it stays in sight in the full next column.
        await page.GoAsync("/pipeline");
        var first = page.GetByTestId("board-column").Filter(new() { Has = page.GetByText("Qualification", new() { Exact = true }) });
        var second = page.GetByTestId("board-column").Filter(new() { Has = page.GetByText("Needs analysis", new() { Exact = true }) });
        var card = first.GetByTestId("card").Filter(new() { HasText = "Lindqvist – 12 seats" });
        await Expect(card).ToBeVisibleAsync();
        await Expect(card).ToContainTextAsync("€18,000");
        await Expect(second.GetByTestId("card")).ToHaveCountAsync(25);
        // Moved with the card's step picker, the same handler as a drop. (PipelineJourneyTests drags; here a synthetic drag of
        // the top card of a 27-card column, scrolled under the fixed app bar, picked up a card further down: see the stop note.)
        await card.GetByRole(AriaRole.Button, new() { Name = "Move to step…" }).ClickAsync();
        await page.GetByRole(AriaRole.Menuitem, new() { Name = "Needs analysis" }).ClickAsync();
        await Expect(page.GetByText("Moved to Needs analysis.")).ToBeVisibleAsync();
        await Expect(second.GetByTestId("card").Filter(new() { HasText = "Lindqvist – 12 seats" })).ToBeVisibleAsync();
        await page.ReloadAsync();
        await Expect(second.GetByTestId("card").Filter(new() { HasText = "Lindqvist – 12 seats" })).ToBeVisibleAsync();
    }

    /// <summary>26 deals in each of the first two steps, closing in a week (through the API with the browser's session).</summary>
    private static async Task FillTheFirstStepsAsync(IPage page)
    {
        var contact = await page.APIRequest.PostAsync("/api/v1/contacts", new() { DataObject = new { firstName = "Viele", lastName = "Deals", stage = "Lead" } });
        var contactId = (await contact.JsonAsync())!.Value.GetProperty("id").GetInt64();
        var pipelines = (await (await page.APIRequest.GetAsync("/api/v1/pipelines")).JsonAsync())!.Value;
        var steps = pipelines[0].GetProperty("steps").EnumerateArray().Take(2).Select(s => s.GetProperty("id").GetInt64()).ToList();
        var soon = DateTime.UtcNow.AddDays(7).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        foreach (var step in steps)
            for (var i = 0; i < 26; i++)
            {
                var res = await page.APIRequest.PostAsync("/api/v1/opportunities", new()
                {
                    DataObject = new { contactId, stepId = step, title = $"Filler {step}-{i}", amount = 1000, expectedCloseDate = soon, nextAction = new { type = "Call", dueDate = soon } },
                });
                Assert.Equal(201, res.Status);
            }
    }

    private static async Task DisqualifyAndKeepForLaterAsync(IPage page)
    {
        await NewLeadAsync(page, "Hans", "Becker");
        await page.ClickAsync("#say-no");
        await page.Locator("#disqualify-reason").FillAsync("No budget");
        await page.Locator(".mud-popover-open").GetByText("No budget", new() { Exact = true }).ClickAsync();
        // The reason list closes first: a click while it is still open (a busy machine) only closes it and is lost.
        await Expect(page.Locator(".mud-popover-open")).ToHaveCountAsync(0);
        await page.GetByText("Keep for future contact").ClickAsync();
        await page.Locator("#consent-method").FillAsync("phone call");

        // The recontact date: the 15th of next month, chosen in the picker (its input is read-only).
        var recontact = new DateTime(DateTime.Today.Year, DateTime.Today.Month, 15).AddMonths(1);
        await page.ClickAsync("input#recontact-on");
        var calendar = page.GetByRole(AriaRole.Dialog, new() { Name = "Recontact on" });
        await calendar.Locator(".mud-picker-nav-button-next").ClickAsync();
        await Expect(calendar).ToContainTextAsync(recontact.ToString("MMMM yyyy", CultureInfo.GetCultureInfo("en-GB")));
        await calendar.Locator(".mud-picker-calendar-day:not(.mud-hidden)").GetByText("15", new() { Exact = true }).ClickAsync();
        await Expect(calendar).ToBeHiddenAsync();
        var shown = recontact.ToString("dd/MM/yyyy", CultureInfo.InvariantCulture);
        await Expect(page.Locator("input#recontact-on")).ToHaveValueAsync(shown);

        await page.ClickAsync("#disqualify");
        await Expect(page.GetByTestId("contact-status")).ToHaveTextAsync("Unqualified");
        await Expect(page.GetByTestId("unqualified-notice")).ToContainTextAsync("No budget");
        await Expect(page.GetByTestId("unqualified-notice")).ToContainTextAsync($"comes back on {shown}");

        await page.GoAsync("/todo");
        // Kept for later: it waits in Standby until its date, then comes back to Today.
        await page.SelectTabAsync(page.GetByRole(AriaRole.Tab, new() { NameRegex = new Regex(@"^Standby \(1\)") }));
        var item = page.GetByTestId("todo-item").Filter(new() { HasText = "Hans Becker" });
        await Expect(item).ToHaveCountAsync(1);
        await Expect(item).ToContainTextAsync(shown);
        await Expect(item).ToContainTextAsync("Recontact (kept for later): No budget");
        await Expect(item).ToContainTextAsync("Call");
        await item.GetByRole(AriaRole.Link, new() { Name = "Hans Becker" }).ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex(@"/contacts/\d+$"));
        await Expect(page.GetByTestId("contact-name")).ToHaveTextAsync("Hans Becker");
    }
}
