using System.Text.Json;
using Microsoft.Data.Sqlite;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Prospector.Tests.Browser;

/// <summary>
/// Settings → Workspace → Retention as an admin sees it: what the next run purges (counts and records), then *Purge now*
/// after a confirmation. PROSPECTOR_SHOTS (a folder) keeps screenshots in en, de and nl at 1440 and 390 px.
/// </summary>
[Collection("Browser")]
public sealed class RetentionJourneyTests(BrowserFixture browser)
{
    [Fact]
    public async Task An_admin_sees_what_retention_purges_and_purges_it_after_confirming()
    {
        var dataDir = Directory.CreateTempSubdirectory("prospector-retention-").FullName;
        try
        {
            await using var server = await ServerProcess.StartAsync(dataDir);
            var page = await browser.NewPageAsync(server.BaseUrl);
            try
            {
                await JourneyAsync(server, page, dataDir);
            }
            catch
            {
                await page.ScreenshotAsync(new() { Path = Path.Combine(Path.GetTempPath(), "prospector-retention-failure.png"), FullPage = true });
                throw;
            }
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            try { Directory.Delete(dataDir, recursive: true); } catch (IOException) { }
        }
    }

    private static async Task JourneyAsync(ServerProcess server, IPage page, string dataDir)
    {
        await page.SetUpAdminAsync(server);
        var ids = new List<long>();
        foreach (var (first, last) in new[] { ("Hanna", "Becker"), ("Pieter", "van Dijk"), ("Lukas", "Schäfer") })
        {
            var res = await page.APIRequest.PostAsync("/api/v1/contacts", new() { DataObject = new { firstName = first, lastName = last } });
            Assert.True(res.Status == 201, await res.TextAsync());
            var id = JsonDocument.Parse(await res.TextAsync()).RootElement.GetProperty("id").GetInt64();
            Assert.Equal(204, (await page.APIRequest.DeleteAsync($"/api/v1/contacts/{id}")).Status);
            ids.Add(id);
        }
        // Deleted long ago: past the default retention period of 365 days.
        await using (var db = new SqliteConnection($"Data Source={Path.Combine(dataDir, "prospector.db")};Pooling=False"))
        {
            await db.OpenAsync();
            await using var cmd = db.CreateCommand();
            cmd.CommandText = $"UPDATE Contacts SET DeletedAt = '2024-03-01 09:00:00' WHERE Id IN ({string.Join(',', ids)})";
            Assert.Equal(3, await cmd.ExecuteNonQueryAsync());
        }

        await OpenAsync(page);
        var items = page.GetByTestId("retention-items");
        await Expect(items).ToContainTextAsync("Hanna Becker");
        await Expect(items).ToContainTextAsync("In the recycle bin since");
        await Expect(page.GetByTestId("retention-counts")).ToContainTextAsync("Contacts: 3");
        await ShotsAsync(page, "retention");
        if (Environment.GetEnvironmentVariable("PROSPECTOR_SHOTS") is { Length: > 0 })
        {
            foreach (var language in new[] { "de", "nl" })
            {
                await page.ChooseLanguageAsync(language);
                await OpenAsync(page, language == "de" ? "Arbeitsbereich" : "Werkruimte");
                await Expect(page.GetByTestId("retention-items")).ToContainTextAsync("Pieter van Dijk");
                await ShotsAsync(page, "retention", language);
            }
            await page.ChooseLanguageAsync("en");
            await OpenAsync(page);
        }

        await page.GetByTestId("retention-run").ClickAsync();
        var dialog = page.GetByRole(AriaRole.Dialog);
        await Expect(dialog).ToContainTextAsync("3 record(s) are purged for good");
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Purge now" }).ClickAsync();
        await Expect(page.GetByTestId("retention-nothing")).ToBeVisibleAsync();
        await Expect(page.GetByTestId("retention-run")).ToBeDisabledAsync();
        Assert.Equal(404, (await page.APIRequest.GetAsync($"/api/v1/contacts/{ids[0]}")).Status);
        var events = JsonDocument.Parse(await (await page.APIRequest.GetAsync("/api/v1/security-events?action=RetentionRun")).TextAsync()).RootElement;
        Assert.Contains(events.EnumerateArray(), e => e.GetProperty("details").EnumerateArray()
            .Any(d => d.GetProperty("field").GetString() == "Contacts purged" && d.GetProperty("to").GetString() == "3"));
    }

    private static async Task OpenAsync(IPage page, string workspaceTab = "Workspace")
    {
        await page.GoAsync("/settings");
        await page.SelectTabAsync(page.GetByRole(AriaRole.Tab, new() { Name = workspaceTab }));
        await Expect(page.GetByTestId("retention-counts")).ToBeVisibleAsync();
    }

    /// <summary>Screenshots at 1440 and 390 px into PROSPECTOR_SHOTS, when set.</summary>
    private static async Task ShotsAsync(IPage page, string name, string language = "en")
    {
        if (Environment.GetEnvironmentVariable("PROSPECTOR_SHOTS") is not { Length: > 0 } dir) return;
        Directory.CreateDirectory(dir);
        foreach (var width in new[] { 1440, 390 })
        {
            await page.SetViewportSizeAsync(width, 900);
            await page.ScreenshotAsync(new() { Path = Path.Combine(dir, $"{name}-{language}-{width}.png"), FullPage = true });
        }
        await page.SetViewportSizeAsync(1440, 900);
    }
}
