using System.Text.Json;
using Microsoft.Data.Sqlite;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Prospector.Tests.Browser;

/// <summary>
/// Staleness (issue 17, point 3): a deal longer in its step than the step's "rotting after" is marked on the board, the board
/// narrows to such deals with one switch, and To do lists them.
/// </summary>
[Collection("Browser")]
public sealed class StaleDealsJourneyTests(BrowserFixture browser)
{
    private static string Due(int days) =>
        DateOnly.FromDateTime(TimeZoneInfo.ConvertTimeFromUtc(DateTime.UtcNow, TimeZoneInfo.FindSystemTimeZoneById("Europe/Berlin"))).AddDays(days).ToString("yyyy-MM-dd");

    private static async Task<JsonElement> SendAsync(IPage page, string method, string url, object body, int status)
    {
        var res = await page.APIRequest.FetchAsync(url, new() { Method = method, DataObject = body });
        Assert.Equal(status, res.Status);
        return (await res.JsonAsync())!.Value;
    }

    [Fact]
    public async Task A_rep_finds_the_deals_gone_quiet_marked_on_the_board_and_listed_in_To_do()
    {
        var dataDir = Directory.CreateTempSubdirectory("prospector-stale-").FullName;
        try
        {
            await using var server = await ServerProcess.StartAsync(dataDir);
            var page = await browser.NewPageAsync(server.BaseUrl);
            try
            {
                await page.SetUpAdminAsync(server);
                // The admin sets "rotting after 7 days" on the first step of the default pipeline.
                var pipeline = (await (await page.APIRequest.GetAsync("/api/v1/pipelines")).JsonAsync())!.Value.EnumerateArray().First(p => p.GetProperty("isDefault").GetBoolean());
                var steps = pipeline.GetProperty("steps").EnumerateArray().Select((s, i) => new
                {
                    id = s.GetProperty("id").GetInt64(), name = s.GetProperty("name").GetString(), defaultProbability = s.GetProperty("defaultProbability").GetInt32(),
                    rottingAfterDays = i == 0 ? 7 : (int?)null,
                }).ToArray();
                await SendAsync(page, "PUT", $"/api/v1/pipelines/{pipeline.GetProperty("id").GetInt64()}", new { name = pipeline.GetProperty("name").GetString(), steps }, 200);

                var contact = (await SendAsync(page, "POST", "/api/v1/contacts", new { firstName = "Grete", lastName = "Still", stage = "Lead" }, 201)).GetProperty("id").GetInt64();
                var quiet = (await SendAsync(page, "POST", "/api/v1/opportunities",
                    new { contactId = contact, title = "Hallenkran Nord", amount = 9000, nextAction = new { type = "Call", dueDate = Due(3) } }, 201)).GetProperty("id").GetInt64();
                var fresh = (await SendAsync(page, "POST", "/api/v1/opportunities",
                    new { contactId = contact, title = "Ersatzteile", amount = 800, nextAction = new { type = "Email", dueDate = Due(2) } }, 201)).GetProperty("id").GetInt64();
                // Ten days ago the quiet deal entered its step (setting the clock of a running server back is not possible).
                await using (var db = new SqliteConnection($"Data Source={Path.Combine(dataDir, "prospector.db")};Pooling=False"))
                {
                    await db.OpenAsync();
                    var cmd = db.CreateCommand();
                    cmd.CommandText = "UPDATE \"Opportunities\" SET \"StepEnteredAt\" = $at WHERE \"Id\" = $id";
                    cmd.Parameters.AddWithValue("$at", DateTime.UtcNow.AddDays(-10).ToString("yyyy-MM-dd HH:mm:ss", System.Globalization.CultureInfo.InvariantCulture));
                    cmd.Parameters.AddWithValue("$id", quiet);
                    Assert.Equal(1, await cmd.ExecuteNonQueryAsync());
                }

                await page.GoAsync("/pipeline");
                var quietCard = page.Locator($"[data-testid=card][data-id='{quiet}']");
                var freshCard = page.Locator($"[data-testid=card][data-id='{fresh}']");
                await Expect(quietCard).ToHaveAttributeAsync("data-rotting", "true");
                await Expect(quietCard.GetByTestId("rotting")).ToHaveTextAsync("Rotting");
                await Expect(quietCard.GetByTestId("days-in-step")).ToHaveTextAsync("10 d in step");
                await Expect(freshCard).ToBeVisibleAsync();
                await Expect(freshCard.GetByTestId("rotting")).ToHaveCountAsync(0);

                // One switch: only the deals gone quiet.
                await page.GetByTestId("stale-only").ClickAsync();
                await Expect(freshCard).ToHaveCountAsync(0);
                await Expect(page.GetByTestId("card")).ToHaveCountAsync(1);
                await Expect(quietCard).ToBeVisibleAsync();

                await page.GoAsync("/todo");
                await Expect(page.GetByTestId("rotting-deal")).ToHaveCountAsync(1);
                await Expect(page.GetByTestId("rotting-deal")).ToContainTextAsync("Hallenkran Nord");
                await page.GetByTestId("rotting-deal").GetByRole(AriaRole.Link).ClickAsync();
                await Expect(page).ToHaveURLAsync(server.BaseUrl + $"/opportunities/{quiet}");
                await Expect(page.GetByTestId("deal-signals").GetByTestId("rotting")).ToBeVisibleAsync();
            }
            catch
            {
                await page.ScreenshotAsync(new() { Path = Path.Combine(Path.GetTempPath(), "prospector-stale-deals-failure.png"), FullPage = true });
                throw;
            }
        }
        finally
        {
            try { Directory.Delete(dataDir, recursive: true); } catch (IOException) { }
        }
    }
}
