using System.Text;
using System.Text.Json;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Prospector.Tests.Browser;

/// <summary>
/// Click-to-contact (issue 18 point 1): the call link is tel: in E.164 wherever the contact appears (contact page, list
/// grid, To do, search, board card), and "log the call when you come back": after the call link was clicked and the tab
/// comes back, the log dialog opens with Phone chosen; saving logs the call and asks for the next action.
/// </summary>
[Collection("Browser")]
public sealed class ClickToContactJourneyTests(BrowserFixture browser)
{
    private const string Tel = "tel:+49301234567";

    private static async Task<JsonElement> PostAsync(IPage page, string url, object body)
    {
        var res = await page.APIRequest.PostAsync(url, new() { DataObject = body });
        Assert.True(res.Status is 200 or 201, $"POST {url}: {res.Status} {await res.TextAsync()}");
        return JsonDocument.Parse(await res.TextAsync()).RootElement;
    }

    private static async Task<JsonElement> GetAsync(IPage page, string url)
    {
        var res = await page.APIRequest.GetAsync(url);
        Assert.True(res.Ok, $"GET {url}: {res.Status} {await res.TextAsync()}");
        return JsonDocument.Parse(await res.TextAsync()).RootElement;
    }

    [Fact]
    public async Task The_call_link_dials_E164_and_coming_back_opens_the_log_dialog_with_Phone_then_asks_for_the_next_action()
    {
        await using var server = await ServerProcess.StartAsync();
        var page = await browser.NewPageAsync(server.BaseUrl);
        try
        {
            await page.SetUpAdminAsync(server);
            var id = (await PostAsync(page, "/api/v1/contacts", new
            {
                firstName = "Anna", lastName = "Müller", phone = "030 1234567", mobile = "0151 23456789", email = "anna@mueller.example", country = "DE",
                linkedInUrl = "linkedin.com/in/anna-mueller",
            })).GetProperty("id").GetInt64();

            await page.GoAsync($"/contacts/{id}");
            await ReachReadyAsync(page);
            var call = page.Locator("[data-testid=contact-name] ~ [data-testid=reach-links] [data-testid=reach-call]");
            await Expect(call).ToHaveAttributeAsync("href", Tel);
            await Expect(call).ToHaveAttributeAsync("aria-label", "Call Anna Müller 030 1234567");
            await Expect(page.Locator("[data-testid=contact-name] ~ [data-testid=reach-links] [data-testid=reach-sms]")).ToHaveAttributeAsync("href", "sms:+4915123456789");
            await Expect(page.Locator("[data-testid=contact-name] ~ [data-testid=reach-links] [data-testid=reach-mail]")).ToHaveAttributeAsync("href", "mailto:anna@mueller.example");
            var linkedIn = page.GetByTestId("contact-linkedin").Locator("a");
            await Expect(linkedIn).ToHaveAttributeAsync("href", "https://linkedin.com/in/anna-mueller");
            await Expect(linkedIn).ToHaveAttributeAsync("target", "_blank");
            await Expect(linkedIn).ToHaveAttributeAsync("rel", new System.Text.RegularExpressions.Regex("noopener noreferrer"));

            // Chromium must not try to open tel: itself: the click goes through the page's handlers, the navigation is cancelled.
            await page.EvaluateAsync("() => document.addEventListener('click', e => { if (e.target.closest('a[href^=\"tel:\"]')) e.preventDefault(); })");
            await call.FocusAsync();
            await page.Keyboard.PressAsync("Enter");
            // The dialer takes the screen, then the rep comes back to the tab.
            await page.EvaluateAsync("() => { window.dispatchEvent(new Event('blur')); window.dispatchEvent(new Event('focus')); }");

            var dialog = page.GetByTestId("log-activity-dialog");
            await Expect(dialog).ToBeVisibleAsync();
            await Expect(dialog.GetByTestId("log-prompt")).ToContainTextAsync("You called Anna Müller");
            await Expect(dialog.Locator(".mud-chip.mud-chip-selected")).ToHaveTextAsync("Phone call");
            await page.Locator("#subject").FillAsync("Rückruf nach der Messe");
            await page.ClickAsync("#save-activity");
            await Expect(dialog).ToBeHiddenAsync();
            var next = page.GetByTestId("next-step-dialog");
            await Expect(next).ToBeVisibleAsync();
            await Expect(next.GetByTestId("next-action-panel")).ToBeVisibleAsync();
            var logged = await GetAsync(page, $"/api/v1/activities?contactId={id}");
            var items = logged.ValueKind == JsonValueKind.Array ? logged : logged.GetProperty("items");
            Assert.Contains(items.EnumerateArray(), a => a.GetProperty("subject").GetString() == "Rückruf nach der Messe" && a.GetProperty("channel").GetString() == "Phone");
            await page.GetByTestId("next-step-later").ClickAsync();
            await Expect(next).ToBeHiddenAsync();

            // Dismissed: a second return without a new click opens nothing.
            await page.EvaluateAsync("() => { window.dispatchEvent(new Event('blur')); window.dispatchEvent(new Event('focus')); }");
            await Expect(dialog).ToHaveCountAsync(0);

            // The same link everywhere the contact appears.
            await PostAsync(page, "/api/v1/tasks", new { contactId = id, type = "Call", dueDate = Http.QualificationSteps.Today.ToString("yyyy-MM-dd") }); // today where the user lives (Europe/Berlin)
            await PostAsync(page, "/api/v1/opportunities", new { contactId = id, title = "Mahlwerk für Müller", amount = 12000, nextAction = new { type = "Call", dueDate = Http.QualificationSteps.Today.AddDays(2).ToString("yyyy-MM-dd") } });
            await page.GoAsync("/todo");
            await Expect(page.GetByTestId("todo-item").Filter(new() { HasText = "Anna Müller" }).GetByTestId("reach-call").First).ToHaveAttributeAsync("href", Tel);
            await page.GoAsync("/search?q=m%C3%BCller");
            await Expect(page.Locator(".search-hit").Filter(new() { HasText = "Anna Müller" }).GetByTestId("reach-call").First).ToHaveAttributeAsync("href", Tel);
            await page.GoAsync("/pipeline");
            await Expect(page.GetByTestId("card").Filter(new() { HasText = "Mahlwerk für Müller" }).GetByTestId("reach-call")).ToHaveAttributeAsync("href", Tel);
            await page.GoAsync("/contacts");
            await Expect(page.GetByTestId("contacts-grid").GetByTestId("reach-call").First).ToHaveAttributeAsync("href", Tel);

            // The list grid (the calling screen): a row's number as E.164, and the converted row's call comes back to the log dialog.
            var form = page.APIRequest.CreateFormData();
            form.Set("file", new FilePayload
            {
                Name = "Messe.csv", MimeType = "text/csv",
                Buffer = Encoding.UTF8.GetBytes("Vorname;Nachname;Firma;Telefon\r\nBernd;Brandt;Brandt Mühlen GmbH;0511 1234567\r\nCarla;Claussen;Claussen Fisch KG;0441 9876543\r\n"),
            });
            form.Set("list", "Messe Hannover");
            form.Set("country", "DE");
            var import = await page.APIRequest.PostAsync("/api/v1/imports", new() { Multipart = form });
            Assert.True(import.Status == 201, await import.TextAsync());
            var listId = JsonDocument.Parse(await import.TextAsync()).RootElement.GetProperty("listId").GetInt64();
            var row = (await GetAsync(page, $"/api/v1/lists/{listId}/rows")).GetProperty("items")[0].GetProperty("id").GetInt64();
            await PostAsync(page, $"/api/v1/lists/{listId}/rows/{row}/convert", new { nextAction = new { type = "Call", dueDate = DateOnly.FromDateTime(DateTime.UtcNow.AddDays(1)).ToString("yyyy-MM-dd") } });
            await page.GoAsync($"/lists/{listId}");
            await ReachReadyAsync(page);
            var rowCall = ListGrid.Row(page, 1).GetByTestId("reach-call");
            await Expect(rowCall).ToHaveAttributeAsync("href", "tel:+495111234567");
            await page.EvaluateAsync("() => document.addEventListener('click', e => { if (e.target.closest('a[href^=\"tel:\"]')) e.preventDefault(); })");
            await rowCall.ClickAsync();
            await page.EvaluateAsync("() => { document.dispatchEvent(new Event('visibilitychange')); window.dispatchEvent(new Event('blur')); window.dispatchEvent(new Event('focus')); }");
            await Expect(page.GetByTestId("log-prompt")).ToContainTextAsync("You called Bernd Brandt");
            await page.Locator(".mud-dialog").GetByRole(AriaRole.Button, new() { Name = "Cancel" }).ClickAsync();
            await Expect(page.GetByTestId("log-activity-dialog")).ToHaveCountAsync(0);

            // A row that is no contact yet: coming back from its call offers the row's outcomes; "interested" opens its lead form.
            var openCall = ListGrid.Row(page, 2).GetByTestId("reach-call");
            await Expect(openCall).ToHaveAttributeAsync("href", "tel:+494419876543");
            await openCall.ClickAsync();
            await page.EvaluateAsync("() => { document.dispatchEvent(new Event('visibilitychange')); window.dispatchEvent(new Event('blur')); window.dispatchEvent(new Event('focus')); }");
            var outcome = page.GetByTestId("call-outcome");
            await Expect(outcome).ToContainTextAsync("You called Carla Claussen (row 2). How did it go?");
            await Expect(ListGrid.Row(page, 2)).ToHaveAttributeAsync("aria-current", "true");
            await Expect(page.GetByTestId("log-activity-dialog")).ToHaveCountAsync(0);
            await outcome.GetByTestId("call-interested").ClickAsync();
            await Expect(page.Locator("#convert-form")).ToContainTextAsync("Row 2 becomes a lead");
            await Expect(outcome).ToHaveCountAsync(0);
        }
        catch
        {
            await page.ScreenshotAsync(new() { Path = Path.Combine(Path.GetTempPath(), "prospector-click-to-contact-failure.png"), FullPage = true });
            throw;
        }
    }

    [Fact]
    public async Task A_call_link_clicked_before_the_page_is_interactive_still_opens_the_log_dialog_when_the_rep_comes_back()
    {
        await using var server = await ServerProcess.StartAsync();
        var page = await browser.NewPageAsync(server.BaseUrl);
        var connect = new TaskCompletionSource();
        try
        {
            await page.SetUpAdminAsync(server);
            var id = (await PostAsync(page, "/api/v1/contacts", new { firstName = "Jan", lastName = "de Vries", phone = "020 1234567", country = "NL" }))
                .GetProperty("id").GetInt64();

            // The page as the server first sends it, not interactive yet: Blazor's connection is held back until the rep is back.
            await page.RouteAsync("**/_blazor/negotiate**", async route => { await connect.Task; await route.ContinueAsync(); });
            await page.GotoAsync($"/contacts/{id}", new() { WaitUntil = WaitUntilState.DOMContentLoaded });
            await ReachReadyAsync(page);
            var call = page.Locator("[data-testid=contact-name] ~ [data-testid=reach-links] [data-testid=reach-call]");
            await Expect(call).ToHaveAttributeAsync("href", "tel:+31201234567");
            await Expect(page.Locator("#app-state[data-interactive=yes]")).ToHaveCountAsync(0);
            await page.EvaluateAsync("() => document.addEventListener('click', e => { if (e.target.closest('a[href^=\"tel:\"]')) e.preventDefault(); })");
            await call.ClickAsync();
            await page.EvaluateAsync("() => { window.dispatchEvent(new Event('blur')); window.dispatchEvent(new Event('focus')); }");

            // The page becomes interactive only now; the click and the return before it are not lost.
            connect.SetResult();
            await page.WaitForSelectorAsync("#app-state[data-interactive=yes]", new() { State = WaitForSelectorState.Attached });
            await Expect(page.GetByTestId("log-prompt")).ToContainTextAsync("You called Jan de Vries");
            await Expect(page.GetByTestId("log-activity-dialog").Locator(".mud-chip.mud-chip-selected")).ToHaveTextAsync("Phone call");
        }
        catch
        {
            connect.TrySetResult();
            await page.ScreenshotAsync(new() { Path = Path.Combine(Path.GetTempPath(), "prospector-early-call-failure.png"), FullPage = true });
            throw;
        }
    }

    /// <summary>
    /// Waits until the page listens for reach-link clicks (wwwroot/js/reach.js, imported with the page before Blazor starts;
    /// before it a click dials but is not remembered).
    /// </summary>
    private static Task ReachReadyAsync(IPage page) =>
        page.WaitForSelectorAsync("html[data-reach=ready]", new() { State = WaitForSelectorState.Attached });
}
