using System.Text.RegularExpressions;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Prospector.Tests.Browser;

/// <summary>
/// Destructive actions ask first and say what will happen; a deleted contact comes back with Undo; a second contact
/// with an address that already exists is warned about, with a link to the existing one.
/// </summary>
[Collection("Browser")]
public sealed class SafeActionsJourneyTests(BrowserFixture browser)
{
    [Fact]
    public async Task Delete_asks_first_and_can_be_undone_and_a_known_email_is_warned_about()
    {
        await using var server = await ServerProcess.StartAsync();
        var page = await browser.NewPageAsync(server.BaseUrl);
        try
        {
            await JourneyAsync(server, page);
        }
        catch
        {
            await page.ScreenshotAsync(new() { Path = Path.Combine(Path.GetTempPath(), "prospector-safe-actions-failure.png") });
            throw;
        }
    }

    private static async Task JourneyAsync(ServerProcess server, IPage page)
    {
        await page.SetUpAdminAsync(server);

        await page.GoAsync("/contacts/new");
        await page.GetByLabel("First name").FillAsync("Jan");
        await page.GetByLabel("Last name").FillAsync("Berg");
        await page.GetByLabel("E-mail").FillAsync("jan@berg.example.nl");
        await page.ClickAsync("#save");
        await Expect(page.GetByTestId("contact-name")).ToHaveTextAsync("Jan Berg");
        var contactUrl = page.Url;
        var id = Regex.Match(contactUrl, @"/contacts/(\d+)").Groups[1].Value;
        // Save right after typing keeps the address (a debounced field once dropped it).
        var saved = await (await page.Context.APIRequest.GetAsync($"/api/v1/contacts/{id}")).JsonAsync();
        Assert.Equal("jan@berg.example.nl", saved!.Value.GetProperty("email").GetString());

        // A second contact with the same address: a warning with a link to the first, and Save does not just create it.
        await page.GoAsync("/contacts/new");
        await page.GetByLabel("First name").FillAsync("Johannes");
        await page.GetByLabel("Last name").FillAsync("Berg");
        await page.GetByLabel("E-mail").FillAsync("JAN@berg.example.nl");
        await page.GetByLabel("E-mail").BlurAsync();
        await Expect(page.GetByTestId("duplicate-email")).ToBeVisibleAsync();
        await Expect(page.GetByTestId("duplicate-link")).ToHaveAttributeAsync("href", $"/contacts/{id}");
        await page.ClickAsync("#save");
        await Expect(page.Locator("#save")).ToHaveTextAsync(new Regex("Save anyway", RegexOptions.IgnoreCase));
        Assert.EndsWith("/contacts/new", page.Url, StringComparison.Ordinal);
        // Save anyway makes the second contact, as the user decided.
        await page.ClickAsync("#save");
        await Expect(page.GetByTestId("contact-name")).ToHaveTextAsync("Johannes Berg");

        // Delete asks first, naming the contact and what happens; Cancel leaves it alone.
        await page.GoAsync(contactUrl);
        await page.GetByRole(AriaRole.Button, new() { Name = "Delete" }).ClickAsync();
        var dialog = page.Locator(".mud-dialog");
        await Expect(dialog).ToContainTextAsync("Delete Jan Berg?");
        await Expect(dialog).ToContainTextAsync("recycle bin");
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Cancel" }).ClickAsync();
        await Expect(dialog).ToHaveCountAsync(0);
        Assert.Equal(200, (await page.Context.APIRequest.GetAsync($"/api/v1/contacts/{id}")).Status);

        // Confirmed, it goes to the recycle bin; Undo brings it back.
        await page.GetByRole(AriaRole.Button, new() { Name = "Delete" }).ClickAsync();
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Delete" }).ClickAsync();
        await Expect(page.GetByText("Jan Berg moved to the recycle bin.")).ToBeVisibleAsync();
        Assert.Equal(404, (await page.Context.APIRequest.GetAsync($"/api/v1/contacts/{id}")).Status);
        await page.Locator(".mud-snackbar").GetByRole(AriaRole.Button, new() { Name = "Undo" }).ClickAsync();
        await Expect(page.GetByText("Restored.")).ToBeVisibleAsync();
        Assert.Equal(200, (await page.Context.APIRequest.GetAsync($"/api/v1/contacts/{id}")).Status);
    }

    /// <summary>
    /// The detail pages delete with the version they showed: a contact or company someone else changed meanwhile is not
    /// deleted, the page says so and shows the change; a second Delete (now on the current version) goes through.
    /// </summary>
    [Fact]
    public async Task Deleting_a_record_someone_else_just_changed_says_so_and_keeps_it()
    {
        await using var server = await ServerProcess.StartAsync();
        var page = await browser.NewPageAsync(server.BaseUrl);
        try
        {
            await page.SetUpAdminAsync(server);
            var api = page.Context.APIRequest;
            var dialog = page.Locator(".mud-dialog");

            var contact = (await (await api.PostAsync("/api/v1/contacts", new() { DataObject = new { firstName = "Anna", lastName = "Visser" } })).JsonAsync())!.Value;
            var contactId = contact.GetProperty("id").GetInt64();
            await page.GoAsync($"/contacts/{contactId}");
            await Expect(page.GetByTestId("contact-name")).ToHaveTextAsync("Anna Visser");
            await ChangeMeanwhileAsync(api, $"/api/v1/contacts/{contactId}", new { jobTitle = "Inkoper" });

            await page.GetByRole(AriaRole.Button, new() { Name = "Delete" }).ClickAsync();
            await dialog.GetByRole(AriaRole.Button, new() { Name = "Delete" }).ClickAsync();
            await Expect(page.GetByText("Someone else changed Anna Visser just now, so it was not deleted.", new() { Exact = false })).ToBeVisibleAsync();
            await Expect(page.GetByText("Inkoper")).ToBeVisibleAsync();
            Assert.Equal(200, (await api.GetAsync($"/api/v1/contacts/{contactId}")).Status);
            await page.GetByRole(AriaRole.Button, new() { Name = "Delete" }).ClickAsync();
            await dialog.GetByRole(AriaRole.Button, new() { Name = "Delete" }).ClickAsync();
            await Expect(page.GetByText("Anna Visser moved to the recycle bin.")).ToBeVisibleAsync();
            Assert.Equal(404, (await api.GetAsync($"/api/v1/contacts/{contactId}")).Status);

            var company = (await (await api.PostAsync("/api/v1/companies", new() { DataObject = new { name = "Werft Nord" } })).JsonAsync())!.Value;
            var companyId = company.GetProperty("id").GetInt64();
            await page.GoAsync($"/companies/{companyId}");
            await Expect(page.GetByTestId("company-name")).ToHaveTextAsync("Werft Nord");
            await ChangeMeanwhileAsync(api, $"/api/v1/companies/{companyId}", new { industry = "Schiffbau" });

            await page.GetByRole(AriaRole.Button, new() { Name = "Delete" }).ClickAsync();
            await dialog.GetByRole(AriaRole.Button, new() { Name = "Delete" }).ClickAsync();
            await Expect(page.GetByText("Someone else changed Werft Nord just now, so it was not deleted.", new() { Exact = false })).ToBeVisibleAsync();
            await Expect(page.GetByText("Schiffbau")).ToBeVisibleAsync();
            Assert.Equal(200, (await api.GetAsync($"/api/v1/companies/{companyId}")).Status);
            await page.GetByRole(AriaRole.Button, new() { Name = "Delete" }).ClickAsync();
            await dialog.GetByRole(AriaRole.Button, new() { Name = "Delete" }).ClickAsync();
            await Expect(page.GetByText("Moved to the recycle bin.")).ToBeVisibleAsync();
            Assert.Equal(404, (await api.GetAsync($"/api/v1/companies/{companyId}")).Status);
        }
        catch
        {
            await page.ScreenshotAsync(new() { Path = Path.Combine(Path.GetTempPath(), "prospector-stale-delete-failure.png") });
            throw;
        }
    }

    /// <summary>Another user's edit while the page is open: version 1 becomes 2.</summary>
    private static async Task ChangeMeanwhileAsync(IAPIRequestContext api, string url, object change)
    {
        var res = await api.PatchAsync(url, new() { DataObject = change, Headers = new Dictionary<string, string> { ["If-Match"] = "\"1\"" } });
        Assert.Equal(200, res.Status);
    }
}
