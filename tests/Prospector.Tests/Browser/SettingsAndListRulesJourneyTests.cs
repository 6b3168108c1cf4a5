using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Prospector.Tests.Browser;

/// <summary>
/// Where the pages used to apply their own copy of a rule, they now go through the same service as the API, and the
/// user sees the same answer: a retention out of range is refused (not clamped), a change on top of another admin's is
/// stale, rows are not assigned to a deactivated user, and a token revoked meanwhile is not revoked a second time.
/// </summary>
[Collection("Browser")]
public sealed class SettingsAndListRulesJourneyTests(BrowserFixture browser)
{
    private const float Slow = 30_000;

    [Fact]
    public async Task The_settings_and_list_pages_apply_the_same_rules_as_the_api()
    {
        await using var server = await ServerProcess.StartAsync();
        var page = await browser.NewPageAsync(server.BaseUrl);
        page.Context.SetDefaultTimeout(Slow);
        page.Context.SetDefaultNavigationTimeout(Slow);
        try
        {
            await page.SetUpAdminAsync(server);
            await WorkspaceAsync(page);
            await AssignAsync(page);
            await TokenAsync(page);
        }
        catch
        {
            await page.ScreenshotAsync(new() { Path = Path.Combine(Path.GetTempPath(), "prospector-settings-rules-failure.png") });
            await File.WriteAllTextAsync(Path.Combine(Path.GetTempPath(), "prospector-settings-rules-server.log"), server.Output);
            throw;
        }
    }

    private static async Task WorkspaceAsync(IPage page)
    {
        var before = await JsonAsync(await page.APIRequest.GetAsync("/api/v1/workspace"));
        await page.GoAsync("/settings");
        await page.SelectTabAsync(page.GetByRole(AriaRole.Tab, new() { Name = "Workspace" }));
        var retention = page.GetByLabel("Keep disqualified contacts without consent for (days)");

        // 5000 days is out of range: the page says so and saves nothing (it used to save 3650 and say "saved").
        await retention.FillAsync("5000");
        await page.ClickAsync("#workspace-save");
        await Expect(page.GetByText("Keep them for 1 to 3650 days.").First).ToBeVisibleAsync();
        var after = await JsonAsync(await page.APIRequest.GetAsync("/api/v1/workspace"));
        Assert.Equal(before.GetProperty("retentionDays").GetInt32(), after.GetProperty("retentionDays").GetInt32());
        Assert.Equal(before.GetProperty("version").GetInt32(), after.GetProperty("version").GetInt32());

        // Another admin saves first (through the API, with the version in If-Match): this page's save is stale.
        var put = await page.APIRequest.PutAsync("/api/v1/workspace", new()
        {
            DataObject = new { name = "Vertrieb DACH" },
            Headers = new Dictionary<string, string> { ["If-Match"] = $"\"{after.GetProperty("version").GetInt32()}\"" },
        });
        Assert.True(put.Ok, $"PUT /api/v1/workspace: {put.Status} {await put.TextAsync()}");
        await retention.FillAsync("400");
        await page.ClickAsync("#workspace-save");
        await Expect(page.GetByText("Another admin changed the settings meanwhile; the newer values are shown.")).ToBeVisibleAsync();
        await Expect(page.GetByLabel("Workspace name")).ToHaveValueAsync("Vertrieb DACH");
        Assert.Equal(before.GetProperty("retentionDays").GetInt32(),
            (await JsonAsync(await page.APIRequest.GetAsync("/api/v1/workspace"))).GetProperty("retentionDays").GetInt32());

        // Saved again on top of the newer version, it goes through.
        await retention.FillAsync("400");
        await page.ClickAsync("#workspace-save");
        await Expect(page.GetByText("Workspace saved.")).ToBeVisibleAsync();
        Assert.Equal(400, (await JsonAsync(await page.APIRequest.GetAsync("/api/v1/workspace"))).GetProperty("retentionDays").GetInt32());
    }

    private static async Task AssignAsync(IPage page)
    {
        var rep = await JsonAsync(await page.APIRequest.PostAsync("/api/v1/users", new()
        {
            DataObject = new { email = "ruud@example.nl", password = "lange-geheime-phrase", role = "Rep", displayName = "Ruud Visser" },
        }));
        var repId = rep.GetProperty("id").GetInt64();
        var form = page.APIRequest.CreateFormData();
        form.Set("file", new FilePayload { Name = "Beurs.csv", MimeType = "text/csv", Buffer = Encoding.UTF8.GetBytes("Naam;E-mail\r\nJan de Vries;jan@vries.example\r\nEva Bakker;eva@bakker.example\r\n") });
        form.Set("list", "Beurs Utrecht");
        var listId = (await JsonAsync(await page.APIRequest.PostAsync("/api/v1/imports", new() { Multipart = form }))).GetProperty("listId").GetInt64();

        await page.GoAsync($"/lists/{listId}");
        await Expect(page.Locator("#list-grid[data-keys=on]")).ToBeAttachedAsync();
        await page.Locator("tr[data-row='1'] input[type=checkbox]").CheckAsync();
        await page.Locator("#bulk-assignee").SelectOptionAsync(repId.ToString(System.Globalization.CultureInfo.InvariantCulture));

        // Ruud leaves while the page is open: his name is still in the menu, but rows no longer go to him.
        var deactivated = await page.APIRequest.PostAsync($"/api/v1/users/{repId}/deactivate");
        Assert.Equal(204, deactivated.Status);
        await page.Locator("#bulk-bar").GetByRole(AriaRole.Button, new() { Name = "Assign", Exact = true }).ClickAsync();
        await Expect(page.GetByText($"There is no active user {repId}.").First).ToBeVisibleAsync();
        var rows = await JsonAsync(await page.APIRequest.GetAsync($"/api/v1/lists/{listId}/rows"));
        Assert.All(rows.GetProperty("items").EnumerateArray(), r => Assert.Equal(JsonValueKind.Null, r.GetProperty("assignedToId").ValueKind));
    }

    private static async Task TokenAsync(IPage page)
    {
        await page.GoAsync("/settings");
        await page.SelectTabAsync(page.GetByRole(AriaRole.Tab, new() { Name = "API tokens" }));
        await page.GetByLabel("What is it for?").FillAsync("Skript");
        await page.GetByRole(AriaRole.Button, new() { Name = "Create token" }).ClickAsync();
        await Expect(page.GetByTestId("new-token")).ToBeVisibleAsync();
        var token = (await JsonAsync(await page.APIRequest.GetAsync("/api/v1/tokens"))).EnumerateArray().Single(t => t.GetProperty("name").GetString() == "Skript");
        var id = token.GetProperty("id").GetInt64();

        // Revoked in another tab (here: the API); this page still offers Revoke, and is told it is done already.
        Assert.Equal(204, (await page.APIRequest.DeleteAsync($"/api/v1/tokens/{id}")).Status);
        var revokedAt = (await JsonAsync(await page.APIRequest.GetAsync("/api/v1/tokens"))).EnumerateArray().Single(t => t.GetProperty("id").GetInt64() == id)
            .GetProperty("revokedAt").GetString();
        await page.Locator($"tr[data-token='{token.GetProperty("prefix").GetString()}'] .revoke-token").ClickAsync();
        await page.Locator(".mud-dialog").GetByRole(AriaRole.Button, new() { Name = "Revoke" }).ClickAsync();
        await Expect(page.GetByText(new Regex($"You have no active token {id}\\."))).ToBeVisibleAsync();
        await Expect(page.Locator($"tr[data-token='{token.GetProperty("prefix").GetString()}']")).ToContainTextAsync("Revoked");
        var again = (await JsonAsync(await page.APIRequest.GetAsync("/api/v1/tokens"))).EnumerateArray().Single(t => t.GetProperty("id").GetInt64() == id);
        Assert.Equal(revokedAt, again.GetProperty("revokedAt").GetString());
    }

    private static async Task<JsonElement> JsonAsync(IAPIResponse res)
    {
        var text = await res.TextAsync();
        Assert.True(res.Ok, $"{res.Url}: {res.Status} {text}");
        return JsonDocument.Parse(text).RootElement.Clone();
    }
}
