using System.Text.Json;
using Microsoft.Data.Sqlite;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Prospector.Tests.Browser;

/// <summary>
/// Staleness (issue 17, point 3): a deal longer in its step than the step's "rotting after" is marked on the board, the board
/// narrows to such deals with one switch, and To do lists them. The admin sets the limit; the rep who owns the deal finds it.
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
            IBrowserContext? repContext = null;
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

                // A rep (Lena) owns the contact and both deals.
                var rep = (await SendAsync(page, "POST", "/api/v1/users",
                    new { email = "lena@example.de", displayName = "Lena Vertrieb", role = "Rep", password = "lange-geheime-phrase", team = "Nord" }, 201)).GetProperty("id").GetInt64();
                var contact = (await SendAsync(page, "POST", "/api/v1/contacts", new { firstName = "Grete", lastName = "Still", stage = "Lead", ownerId = rep }, 201)).GetProperty("id").GetInt64();
                var quiet = (await SendAsync(page, "POST", "/api/v1/opportunities",
                    new { contactId = contact, title = "Hallenkran Nord", amount = 9000, ownerId = rep, nextAction = new { type = "Call", dueDate = Due(3) } }, 201)).GetProperty("id").GetInt64();
                var fresh = (await SendAsync(page, "POST", "/api/v1/opportunities",
                    new { contactId = contact, title = "Ersatzteile", amount = 800, ownerId = rep, nextAction = new { type = "Email", dueDate = Due(2) } }, 201)).GetProperty("id").GetInt64();
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

                repContext = await page.Context.Browser!.NewContextAsync(new() { BaseURL = server.BaseUrl, Locale = "en-GB", ViewportSize = new() { Width = 1400, Height = 900 } });
                repContext.SetDefaultTimeout((float)BrowserFixture.Patience.TotalMilliseconds);
                page = await repContext.NewPageAsync();
                await page.GotoAsync("/account/login");
                await page.FillAsync("#email", "lena@example.de");
                await page.FillAsync("#password", "lange-geheime-phrase");
                await page.ClickAsync("button[type=submit]");
                await Expect(page).ToHaveURLAsync(server.BaseUrl + "/");

                // The contacts list says how long each contact has been in its stage (Grete: a new lead, a whole number of days).
                await page.GoAsync("/contacts");
                var greteRow = page.GetByTestId("contacts-grid").Locator("tr").Filter(new() { HasText = "Grete Still" });
                await Expect(greteRow.GetByTestId("contact-days-in-stage")).ToHaveTextAsync(new System.Text.RegularExpressions.Regex(@"^\d+$"));

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
                await Expect(page.GetByTestId("rotting-deals")).ToContainTextAsync("Rotting deals");
                await Expect(page.GetByTestId("rotting-deal")).ToHaveCountAsync(1);
                await Expect(page.GetByTestId("rotting-deal")).ToContainTextAsync("Hallenkran Nord");
                await page.GetByTestId("rotting-deal").GetByRole(AriaRole.Link).ClickAsync();
                await Expect(page).ToHaveURLAsync(server.BaseUrl + $"/opportunities/{quiet}");
                await Expect(page.GetByTestId("deal-signals").GetByTestId("rotting")).ToBeVisibleAsync();
                await Expect(page.GetByTestId("deal-signals").GetByTestId("touches")).ToHaveTextAsync("· 0 touches in 90 days");

                // Lena calls Grete: the deal's header counts one touch, in the singular.
                await SendAsync(page, "POST", "/api/v1/activities", new { contactId = contact, channel = "Phone", direction = "Outbound", outcome = "reached" }, 201);
                await page.GoAsync($"/opportunities/{quiet}");
                await Expect(page.GetByTestId("deal-signals").GetByTestId("touches")).ToHaveTextAsync("· 1 touch in 90 days");
            }
            catch
            {
                await page.ScreenshotAsync(new() { Path = Path.Combine(Path.GetTempPath(), "prospector-stale-deals-failure.png"), FullPage = true });
                throw;
            }
            finally
            {
                if (repContext is not null) await repContext.CloseAsync();
            }
        }
        finally
        {
            try { Directory.Delete(dataDir, recursive: true); } catch (IOException) { }
        }
    }
}
