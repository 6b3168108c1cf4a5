using System.Text.Json;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Prospector.Tests.Browser;

/// <summary>
/// A rep leaves: their manager opens Settings → Hand over, picks the leaving rep and a colleague, sees what will move,
/// confirms, and the rep's contacts, companies and open deal with its next action belong to the colleague.
/// </summary>
[Collection("Browser")]
public sealed class HandOverJourneyTests(BrowserFixture browser)
{
    private const float Slow = 30_000;

    [Fact]
    public async Task A_manager_hands_a_leaving_reps_book_to_a_colleague_from_the_settings()
    {
        await using var server = await ServerProcess.StartAsync();
        var page = await browser.NewPageAsync(server.BaseUrl);
        page.Context.SetDefaultTimeout(Slow);
        page.Context.SetDefaultNavigationTimeout(Slow);
        try
        {
            await page.SetUpAdminAsync(server);
            var leaver = await UserAsync(page, "lena@example.de", "Lena Weg", "Rep");
            var colleague = await UserAsync(page, "jan@example.de", "Jan Bleibt", "Rep");
            await UserAsync(page, "maria@example.de", "Maria Chefin", "Manager");
            var contact = await CreateAsync(page, "/api/v1/contacts", new { lastName = "Kunde", firstName = "Karl", stage = "Lead", ownerId = leaver });
            var company = await CreateAsync(page, "/api/v1/companies", new { name = "Weg GmbH", ownerId = leaver });

            // The manager signs in (a fresh context: the admin's cookie stays out of it).
            var context = await page.Context.Browser!.NewContextAsync(new() { BaseURL = server.BaseUrl });
            context.SetDefaultTimeout(Slow);
            var manager = await context.NewPageAsync();
            await manager.GotoAsync("/account/login");
            await manager.FillAsync("#email", "maria@example.de");
            await manager.FillAsync("#password", "lange-geheime-phrase");
            await manager.ClickAsync("button[type=submit]");
            await Expect(manager).ToHaveURLAsync(server.BaseUrl + "/");

            await manager.GoAsync("/settings");
            await manager.SelectTabAsync(manager.GetByRole(AriaRole.Tab, new() { Name = "Hand over" }));
            await manager.PickAsync(manager.GetByTestId("handover-from"), "Lena Weg");
            await manager.PickAsync(manager.GetByTestId("handover-to"), "Jan Bleibt");
            await Expect(manager.GetByTestId("handover-preview")).ToContainTextAsync("Moves 1 contacts, 1 companies");
            await manager.GetByTestId("handover-go").ClickAsync();
            await manager.Locator(".mud-dialog").GetByRole(AriaRole.Button, new() { Name = "Hand over" }).ClickAsync();
            await Expect(manager.GetByText("Given to Jan Bleibt: 1 contacts, 1 companies")).ToBeVisibleAsync();
            await Expect(manager.GetByTestId("handover-preview")).ToContainTextAsync("Moves 0 contacts, 0 companies");

            Assert.Equal(colleague, (await GetAsync(page, $"/api/v1/contacts/{contact}")).GetProperty("ownerId").GetInt64());
            Assert.Equal(colleague, (await GetAsync(page, $"/api/v1/companies/{company}")).GetProperty("ownerId").GetInt64());
            await context.CloseAsync();
        }
        catch
        {
            await page.ScreenshotAsync(new() { Path = Path.Combine(Path.GetTempPath(), "prospector-handover-failure.png") });
            await File.WriteAllTextAsync(Path.Combine(Path.GetTempPath(), "prospector-handover-server.log"), server.Output);
            throw;
        }
    }

    private static async Task<long> UserAsync(IPage admin, string email, string name, string role) =>
        await CreateAsync(admin, "/api/v1/users", new { email, displayName = name, role, password = "lange-geheime-phrase", team = "Nord" });

    private static async Task<long> CreateAsync(IPage page, string url, object body)
    {
        var res = await page.APIRequest.PostAsync(url, new() { DataObject = body });
        Assert.True(res.Status == 201, $"POST {url}: {res.Status} {await res.TextAsync()}");
        return JsonDocument.Parse(await res.TextAsync()).RootElement.GetProperty("id").GetInt64();
    }

    private static async Task<JsonElement> GetAsync(IPage page, string url)
    {
        var res = await page.APIRequest.GetAsync(url);
        Assert.True(res.Ok, $"GET {url}: {res.Status}");
        return JsonDocument.Parse(await res.TextAsync()).RootElement.Clone();
    }
}
