using System.Text.RegularExpressions;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Prospector.Tests.Browser;

/// <summary>
/// An admin adds a lead source under Settings → Sources; a rep picks it on a new contact and filters the contacts list by it.
/// </summary>
[Collection("Browser")]
public sealed partial class SourceJourneyTests(BrowserFixture browser)
{
    private const float Slow = 30_000;

    [Fact]
    public async Task An_admin_adds_a_source_and_a_rep_picks_it_on_a_contact_and_filters_the_list_by_it()
    {
        await using var server = await ServerProcess.StartAsync();
        var page = await browser.NewPageAsync(server.BaseUrl);
        page.Context.SetDefaultTimeout(Slow);
        page.Context.SetDefaultNavigationTimeout(Slow);
        try
        {
            await page.SetUpAdminAsync(server);
            var res = await page.APIRequest.PostAsync("/api/v1/users", new()
            {
                DataObject = new { email = "rita@example.de", displayName = "Rita Quelle", role = "Rep", password = "lange-geheime-phrase", team = "Nord" },
            });
            Assert.True(res.Status == 201, await res.TextAsync());

            await page.GoAsync("/settings");
            await page.SelectTabAsync(page.GetByRole(AriaRole.Tab, new() { Name = "Sources" }));
            await Expect(page.GetByTestId("source-trade-fair")).ToContainTextAsync("Trade fair");
            await page.GetByTestId("source-name").FillAsync("Partnertag");
            await page.GetByTestId("add-source").ClickAsync();
            await Expect(page.GetByTestId("source-partnertag")).ToContainTextAsync("Partnertag");

            var context = await page.Context.Browser!.NewContextAsync(new() { BaseURL = server.BaseUrl });
            context.SetDefaultTimeout(Slow);
            var rep = await context.NewPageAsync();
            await rep.GotoAsync("/account/login");
            await rep.FillAsync("#email", "rita@example.de");
            await rep.FillAsync("#password", "lange-geheime-phrase");
            await rep.ClickAsync("button[type=submit]");
            await Expect(rep).ToHaveURLAsync(server.BaseUrl + "/");
            var other = await rep.APIRequest.PostAsync("/api/v1/contacts", new() { DataObject = new { lastName = "Ohnequelle" } });
            Assert.True(other.Status == 201, await other.TextAsync());

            await rep.GoAsync("/contacts/new");
            await rep.Locator("#lastName").FillAsync("Mitquelle");
            // As a user does: the picker has closed and shows the choice before the next field is filled.
            await rep.PickAsync(rep.GetByTestId("source-select"), "Partnertag");
            await rep.GetByTestId("source-detail").FillAsync("Stand 4");
            await Expect(rep.GetByTestId("source-detail")).ToHaveValueAsync("Stand 4");
            await rep.Locator("#save").ClickAsync();
            await Expect(rep).ToHaveURLAsync(ContactPage());
            await Expect(rep.GetByTestId("contact-source")).ToHaveTextAsync("Partnertag · Stand 4");

            await rep.GoAsync("/contacts");
            await Expect(rep.GetByText("Ohnequelle")).ToBeVisibleAsync();
            await rep.GetByTestId("source-filter").ClickAsync();
            await rep.Locator(".mud-popover-open").GetByText("Partnertag", new() { Exact = true }).ClickAsync();
            await Expect(rep.GetByText("Ohnequelle")).ToHaveCountAsync(0);
            await Expect(rep.GetByText("Mitquelle")).ToBeVisibleAsync();
            await Expect(rep.GetByTestId("contact-total")).ToHaveTextAsync("1");
            await context.CloseAsync();
        }
        catch
        {
            await page.ScreenshotAsync(new() { Path = Path.Combine(Path.GetTempPath(), "prospector-sources-failure.png") });
            await File.WriteAllTextAsync(Path.Combine(Path.GetTempPath(), "prospector-sources-server.log"), server.Output);
            throw;
        }
    }

    [GeneratedRegex(@"/contacts/\d+$")]
    private static partial Regex ContactPage();
}
