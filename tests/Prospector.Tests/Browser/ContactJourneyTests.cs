using System.Text.RegularExpressions;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Prospector.Tests.Browser;

/// <summary>The first hour of a new workspace, in a real browser against the real executable.</summary>
[Collection("Browser")]
public sealed class ContactJourneyTests(BrowserFixture browser)
{
    [Fact]
    public async Task Setup_sign_in_create_find_edit_and_see_history()
    {
        await using var server = await ServerProcess.StartAsync();
        Assert.NotNull(server.SetupLink);
        var page = await browser.NewPageAsync(server.BaseUrl);
        try
        {
            await JourneyAsync(server, page);
        }
        catch
        {
            // Leave a picture of the failure behind: it says more than a timeout message.
            await page.ScreenshotAsync(new() { Path = Path.Combine(Path.GetTempPath(), "prospector-journey-failure.png") });
            throw;
        }
    }

    private static async Task JourneyAsync(ServerProcess server, IPage page)
    {

        // The printed one-time link creates the administrator.
        await page.SetUpAdminAsync(server);

        // Sign out and in again with the new account.
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign out" }).ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex("/account/login"));
        await page.FillAsync("#email", "petra@example.de");
        await page.FillAsync("#password", "lange-geheime-phrase");
        await page.ClickAsync("button[type=submit]");
        await Expect(page.GetByText("Hello, Petra Admin")).ToBeVisibleAsync();

        // A company…
        await page.GoAsync("/companies/new");
        await page.GetByLabel("Name", new() { Exact = true }).FillAsync("Müller Maschinenbau GmbH");
        await page.GetByLabel("Website").FillAsync("www.mueller-maschinenbau.de");
        await page.ClickAsync("#save");
        await Expect(page.GetByTestId("company-name")).ToHaveTextAsync("Müller Maschinenbau GmbH");

        // …and a contact working there.
        await page.GoAsync("/contacts/new");
        await page.GetByLabel("First name").FillAsync("Jörg");
        await page.GetByLabel("Last name").FillAsync("Schäfer");
        await page.GetByLabel("E-mail").FillAsync("j.schaefer@mueller-maschinenbau.de");
        await page.GetByLabel("Company").FillAsync("Müller");
        await page.GetByText("Müller Maschinenbau GmbH").ClickAsync();
        await page.ClickAsync("#save");
        await Expect(page.GetByTestId("contact-name")).ToHaveTextAsync("Jörg Schäfer");

        // Find it again with the search box, typing without umlauts.
        await page.GoAsync("/contacts");
        await page.Locator("input[data-search], [data-search] input").First.FillAsync("schaf");
        var row = page.GetByRole(AriaRole.Link, new() { Name = "Jörg Schäfer", Exact = true });
        await Expect(row).ToBeVisibleAsync();
        await Expect(page.GetByTestId("contact-total")).ToHaveTextAsync("1");
        await row.ClickAsync();

        // Edit and see the change in the history tab.
        await page.WaitForSelectorAsync("#app-state[data-interactive=yes]", new() { State = WaitForSelectorState.Attached });
        await page.ClickAsync("#edit");
        await page.GetByLabel("Job title").FillAsync("Einkaufsleiter");
        await page.ClickAsync("#save");
        await Expect(page.GetByText("Einkaufsleiter")).ToBeVisibleAsync();
        await page.SelectTabAsync(page.GetByRole(AriaRole.Tab, new() { Name = "History" }));
        var change = page.GetByTestId("history-change").Filter(new() { HasText = "Job title" });
        await Expect(change.First).ToContainTextAsync("Einkaufsleiter");
        await Expect(page.GetByTestId("history")).ToContainTextAsync("petra@example.de");

        // Delete it, find it in the recycle bin, restore it.
        await page.GetByRole(AriaRole.Button, new() { Name = "Delete" }).ClickAsync();
        var confirm = page.GetByRole(AriaRole.Dialog, new() { Name = "Delete Jörg Schäfer?" });
        await Expect(confirm).ToContainTextAsync("recycle bin");
        await confirm.GetByRole(AriaRole.Button, new() { Name = "Delete" }).ClickAsync();
        await Expect(page.GetByText("In the recycle bin")).ToBeVisibleAsync();
        await page.GoAsync("/contacts");
        await Expect(page.GetByRole(AriaRole.Link, new() { Name = "Jörg Schäfer" })).ToHaveCountAsync(0);
        await page.GetByText("Recycle bin", new() { Exact = true }).ClickAsync();
        await page.GetByRole(AriaRole.Link, new() { Name = "Jörg Schäfer", Exact = true }).ClickAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Restore" }).ClickAsync();
        await Expect(page.GetByText("In the recycle bin")).ToHaveCountAsync(0);
        await Expect(page.Locator("#edit")).ToBeVisibleAsync();
    }
}
