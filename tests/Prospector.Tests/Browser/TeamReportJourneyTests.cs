using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Prospector.Tests.Browser;

/// <summary>
/// A manager's team figures in a real browser, in English and German: the dashboard's per-rep table and the Reports page's
/// Team section show their reps (not another team's), and a rep's "leads created", "overdue" and "without next action"
/// open exactly those records.
/// </summary>
[Collection("Browser")]
public sealed class TeamReportJourneyTests(BrowserFixture browser)
{
    [Fact]
    public async Task A_manager_follows_a_reps_number_from_the_team_report_to_its_contacts_in_English_and_German()
    {
        await using var server = await ServerProcess.StartAsync();
        var page = await browser.NewPageAsync(server.BaseUrl);
        try
        {
            await page.SetUpAdminAsync(server);
            var lena = await CreateAsync(page, "/api/v1/users", new { email = "lena@example.de", displayName = "Lena Vertrieb", role = "Rep", password = "lange-geheime-phrase", team = "Nord" });
            var olafId = await CreateAsync(page, "/api/v1/users", new { email = "olaf@example.de", displayName = "Olaf Süd", role = "Rep", password = "lange-geheime-phrase", team = "Süd" });
            await CreateAsync(page, "/api/v1/users", new { email = "maria@example.de", displayName = "Maria Chefin", role = "Manager", password = "lange-geheime-phrase", team = "Nord" });
            var jana = await CreateAsync(page, "/api/v1/contacts", new { firstName = "Jana", lastName = "Wagenknecht", stage = "Lead", ownerId = lena });
            // Jana's call was due yesterday and is not done: overdue. Piet has no next action at all.
            var yesterday = DateOnly.FromDateTime(DateTime.UtcNow.AddDays(-1)).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
            await CreateAsync(page, "/api/v1/tasks", new { contactId = jana, type = "Call", dueDate = yesterday, assigneeId = lena, note = "Angebot nachfassen" });
            await CreateAsync(page, "/api/v1/contacts", new { firstName = "Piet", lastName = "Oosterhuis", stage = "Lead", ownerId = lena });
            await CreateAsync(page, "/api/v1/contacts", new { firstName = "Sven", lastName = "Südlich", stage = "Lead", ownerId = olafId });

            var context = await page.Context.Browser!.NewContextAsync(new() { BaseURL = server.BaseUrl, Locale = "en-GB" });
            var manager = await context.NewPageAsync();
            await manager.GotoAsync("/account/login");
            await manager.FillAsync("#email", "maria@example.de");
            await manager.FillAsync("#password", "lange-geheime-phrase");
            await manager.ClickAsync("button[type=submit]");
            await Expect(manager).ToHaveURLAsync(server.BaseUrl + "/");

            // The dashboard's table: Lena's two new leads, no row for the other team's rep.
            var board = manager.GetByTestId("team-dashboard");
            await Expect(board.GetByTestId($"team-row-{lena}").Locator("td[data-figure=LeadsCreated]")).ToHaveTextAsync("2");
            await Expect(board.GetByTestId($"team-row-{olafId}")).ToHaveCountAsync(0);

            await manager.GoAsync("/reports?tab=team");
            await OpensLenasLeadsAsync(manager, lena, olafId);
            await manager.GoAsync("/reports?tab=team");
            await OpensLenasHygieneAsync(manager, lena, "ActionsOverdue", "Angebot nachfassen", "Oosterhuis");
            await manager.GoAsync("/reports?tab=team");
            await OpensLenasHygieneAsync(manager, lena, "WithoutNextAction", "Oosterhuis", "Wagenknecht");

            await manager.ChooseLanguageAsync("de");
            await manager.GoAsync("/reports?tab=team");
            await Expect(manager.GetByRole(AriaRole.Tab, new() { Name = "Team" })).ToHaveAttributeAsync("aria-selected", "true");
            await Expect(manager.GetByTestId("team-table")).ToContainTextAsync("Neue Leads");
            await OpensLenasLeadsAsync(manager, lena, olafId);
            await Expect(manager.GetByTestId("report-slice")).ToContainTextAsync("Die Kontakte hinter einer Kennzahl");
            await context.CloseAsync();
        }
        catch (Exception e)
        {
            await page.ScreenshotAsync(new() { Path = Path.Combine(Path.GetTempPath(), "prospector-team-report-failure.png"), FullPage = true });
            throw server.Failure(e);
        }
    }

    private static async Task OpensLenasLeadsAsync(IPage page, long lena, long olaf)
    {
        var table = page.GetByTestId("team-table");
        await Expect(table.GetByTestId($"team-row-{olaf}")).ToHaveCountAsync(0);
        var cell = table.GetByTestId($"team-row-{lena}").Locator("td[data-figure=LeadsCreated] a");
        await Expect(cell).ToHaveTextAsync("2");
        await cell.ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex($@"/contacts\?report=Cohort&stage=Lead&from=\d{{4}}-01-01&to=\d{{4}}-\d{{2}}-\d{{2}}&ownerId={lena}"));
        await page.WaitForSelectorAsync("#app-state[data-interactive=yes]", new() { State = WaitForSelectorState.Attached });
        var grid = page.GetByTestId("contacts-grid");
        await Expect(grid).ToContainTextAsync("Wagenknecht");
        await Expect(grid).ToContainTextAsync("Oosterhuis");
        await Expect(grid).Not.ToContainTextAsync("Südlich");
        await Expect(page.GetByTestId("contact-total")).ToHaveTextAsync("2");
    }

    /// <summary>A rep's next-action figure links to exactly the records it counts: here one, named, and not the other lead.</summary>
    private static async Task OpensLenasHygieneAsync(IPage page, long lena, string figure, string shown, string notShown)
    {
        var cell = page.GetByTestId("team-table").GetByTestId($"team-row-{lena}").Locator($"td[data-figure={figure}] a");
        await Expect(cell).ToHaveTextAsync("1");
        await cell.ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex($@"/reports/next-actions\?figure=\w+&from=\d{{4}}-01-01&to=\d{{4}}-\d{{2}}-\d{{2}}&ownerId={lena}"));
        await Expect(page.GetByTestId("hygiene-total")).ToHaveTextAsync("1");
        var table = page.GetByTestId("hygiene-table");
        await Expect(table.GetByTestId("hygiene-row")).ToHaveCountAsync(1);
        await Expect(table).ToContainTextAsync(shown);
        await Expect(table).Not.ToContainTextAsync(notShown);
        await Expect(page.GetByTestId("hygiene-slice")).ToContainTextAsync("Lena Vertrieb");
    }

    private static async Task<long> CreateAsync(IPage page, string url, object body)
    {
        var res = await page.APIRequest.PostAsync(url, new() { DataObject = body });
        Assert.True(res.Status == 201, $"POST {url}: {res.Status} {await res.TextAsync()}");
        return JsonDocument.Parse(await res.TextAsync()).RootElement.GetProperty("id").GetInt64();
    }
}
