using System.Text.RegularExpressions;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Prospector.Tests.Browser;

/// <summary>
/// A manager's Monday in a real browser, in English and in German: the Reports page shows the funnel of this year's new
/// leads, and a funnel number opens exactly the contacts it counts; the activity report lists a gate overridden, and its row
/// opens the contact.
/// </summary>
[Collection("Browser")]
public sealed class ReportsJourneyTests(BrowserFixture browser)
{
    [Fact]
    public async Task A_funnel_number_opens_the_contacts_it_counts_in_English_and_German()
    {
        await using var server = await ServerProcess.StartAsync();
        var page = await browser.NewPageAsync(server.BaseUrl);
        try
        {
            await page.SetUpAdminAsync(server);
            var prospect = await NewLeadAsync(page, "Wagenknecht");
            await NewLeadAsync(page, "Oosterhuis");
            var moved = await page.APIRequest.PostAsync($"/api/v1/contacts/{prospect}/stage",
                new() { DataObject = new { stage = "Prospect", reason = "Budget confirmed on the phone", @override = true } });
            Assert.Equal(200, moved.Status);

            await page.GoAsync("/reports");
            await Expect(page.GetByTestId("cohort-Lead")).ToHaveTextAsync("2");
            await Expect(page.GetByTestId("cohort-Prospect")).ToHaveTextAsync("1");
            await OpensOnlyAsync(page, "Wagenknecht", "Oosterhuis");

            // The period table's numbers are links too: the one lead that moved on this year is the prospect.
            await page.GoAsync("/reports");
            var movedOn = page.Locator("table:has(th:text-is('Moved on')) tr:has(td:text-is('Lead')) td:nth-child(3) a[data-testid=drill]");
            await Expect(movedOn).ToHaveTextAsync("1");
            await movedOn.ClickAsync();
            await Expect(page).ToHaveURLAsync(new Regex(@"/contacts\?report=MovedOn&stage=Lead&from=\d{4}-01-01"));
            await Expect(page.GetByTestId("contacts-grid")).ToContainTextAsync("Wagenknecht");
            await Expect(page.GetByTestId("contact-total")).ToHaveTextAsync("1");

            await page.ChooseLanguageAsync("de");
            await page.GoAsync("/reports");
            await Expect(page.GetByRole(AriaRole.Tab, new() { Name = "Verkaufstrichter" })).ToBeVisibleAsync();
            await Expect(page.GetByTestId("cohort-Prospect")).ToHaveTextAsync("1");
            await OpensOnlyAsync(page, "Wagenknecht", "Oosterhuis");
            await Expect(page.GetByTestId("report-slice")).ToContainTextAsync("Die Kontakte hinter einer Kennzahl");

            // Activity: the gate passed with a manager's override is counted, and its row opens the contact.
            await page.GoAsync("/reports?tab=activity");
            await Expect(page.GetByTestId("activity-totals")).ToContainTextAsync("Übergangene Qualifizierungsschranken");
            await page.GetByTestId("drill").Filter(new() { HasText = "Wagenknecht" }).ClickAsync();
            await Expect(page).ToHaveURLAsync(new Regex($@"/contacts/{prospect}$"));
            await page.GoAsync("/reports?tab=lists");
            await Expect(page.GetByText("Zeilen je Liste")).ToBeVisibleAsync();
        }
        catch
        {
            await page.ScreenshotAsync(new() { Path = Path.Combine(Path.GetTempPath(), "prospector-reports-failure.png"), FullPage = true });
            throw;
        }
    }

    private static async Task<long> NewLeadAsync(IPage page, string lastName)
    {
        var res = await page.APIRequest.PostAsync("/api/v1/contacts", new() { DataObject = new { firstName = "Jana", lastName, stage = "Lead" } });
        Assert.Equal(201, res.Status);
        return (await res.JsonAsync())!.Value.GetProperty("id").GetInt64();
    }

    /// <summary>Clicks the Prospect number of the cohort: the contacts list shows the one prospect, not the other lead.</summary>
    private static async Task OpensOnlyAsync(IPage page, string shown, string hidden)
    {
        await page.GetByTestId("cohort-Prospect").ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex(@"/contacts\?report=Cohort&stage=Prospect&from=\d{4}-01-01"));
        await page.WaitForSelectorAsync("#app-state[data-interactive=yes]", new() { State = WaitForSelectorState.Attached });
        var grid = page.GetByTestId("contacts-grid");
        await Expect(grid).ToContainTextAsync(shown);
        await Expect(grid).Not.ToContainTextAsync(hidden);
        await Expect(page.GetByTestId("contact-total")).ToHaveTextAsync("1");
    }
}
