using System.Net.Http.Headers;
using System.Net.Http.Json;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Prospector.Tests.Browser;

/// <summary>Conversations in a real browser: log a call with a concern, answer it, find the contact again; and no stored script ever runs.</summary>
[Collection("Browser")]
public sealed class ConversationJourneyTests(BrowserFixture browser)
{
    private static async Task<string> NewContactAsync(IPage page, string first, string last)
    {
        await page.GoAsync("/contacts/new");
        await page.GetByLabel("First name").FillAsync(first);
        await page.GetByLabel("Last name").FillAsync(last);
        await page.ClickAsync("#save");
        await Expect(page.GetByTestId("contact-name")).ToHaveTextAsync($"{first} {last}");
        return page.Url;
    }

    [Fact]
    public async Task Log_a_call_with_a_concern_see_it_in_the_timeline_answer_it_and_find_the_contact_by_a_word_of_the_note()
    {
        await using var server = await ServerProcess.StartAsync();
        var page = await browser.NewPageAsync(server.BaseUrl);
        try
        {
            await page.SetUpAdminAsync(server);
            var contactUrl = await NewContactAsync(page, "Heike", "Brandstätter");

            // The keyboard shortcut opens the dialog; phone call / outbound / reached are the defaults.
            await page.Keyboard.PressAsync("l");
            var dialog = page.GetByTestId("log-activity-dialog");
            await Expect(dialog).ToBeVisibleAsync();
            await page.Locator("#subject").FillAsync("First call");
            await page.Locator("#notes").FillAsync("Uses **Lexware** today; contract ends in March.");
            await page.ClickAsync("#add-concern");
            await page.Locator(".question-text input").FillAsync("Price too high");
            await page.ClickAsync("#save-activity");
            await Expect(dialog).ToBeHiddenAsync();

            // The timeline tab opens with the call, its rendered notes and the open concern.
            var entry = page.GetByTestId("timeline-entry").Filter(new() { HasText = "First call" });
            await Expect(entry).ToContainTextAsync("Phone call · Outbound · Reached");
            await Expect(entry.Locator("strong")).ToHaveTextAsync("Lexware");
            var question = page.GetByTestId("question").Filter(new() { HasText = "Price too high" });
            await Expect(question).ToContainTextAsync("Concern");

            await question.GetByTestId("answer").ClickAsync();
            await page.Locator("#answer-text").FillAsync("Offered the annual plan");
            await page.ClickAsync("#save-answer");
            await Expect(question.GetByTestId("question-answer")).ToContainTextAsync("Offered the annual plan");
            await Expect(question.GetByTestId("question-answer")).ToContainTextAsync("Petra Admin");
            await Expect(page.GetByTestId("timeline-entry").Filter(new() { HasText = "Concern answered" })).ToBeVisibleAsync();

            // Global search, from another page, with the shortcut: a word from the note finds the contact's conversation.
            await page.GoAsync("/companies");
            await page.Keyboard.PressAsync("Control+k");
            await Expect(page.Locator("[data-global-search] input")).ToBeFocusedAsync();
            await page.Keyboard.TypeAsync("lexwa", new() { Delay = 120 });
            var hit = page.GetByTestId("search-hit").Filter(new() { HasText = "Heike Brandstätter" });
            await Expect(hit).ToBeVisibleAsync();
            await hit.ClickAsync();
            await Expect(page).ToHaveURLAsync(contactUrl);
            await Expect(page.GetByTestId("contact-name")).ToHaveTextAsync("Heike Brandstätter");
        }
        catch
        {
            await page.ScreenshotAsync(new() { Path = Path.Combine(Path.GetTempPath(), "prospector-conversation-failure.png"), FullPage = true });
            throw;
        }
    }

    [Fact]
    public async Task Script_and_markup_stored_in_names_companies_and_notes_never_execute()
    {
        await using var server = await ServerProcess.StartAsync();
        var page = await browser.NewPageAsync(server.BaseUrl);
        var dialogs = new List<string>();
        page.Dialog += async (_, d) => { dialogs.Add(d.Message); await d.DismissAsync(); };
        try
        {
            await page.SetUpAdminAsync(server);
            var payloads = new[]
            {
                "<script>window.__xss=1;alert('s')</script>",
                "<img src=x onerror=\"window.__xss=2;alert('i')\">",
                "<svg onload=\"window.__xss=3\"></svg>",
                "[click](javascript:window.__xss=4)",
                "\"><iframe srcdoc=\"<script>parent.__xss=5</script>\"></iframe>",
            };
            var evil = string.Join(" ", payloads);
            var api = await ApiClientAsync(server, page);
            var company = await (await api.PostAsJsonAsync("/api/v1/companies", new { name = "Evil " + payloads[1] })).Content.ReadFromJsonAsync<IdBody>();
            var contact = await (await api.PostAsJsonAsync("/api/v1/contacts",
                new { firstName = payloads[0], lastName = "Xss" + payloads[2], companyId = company!.Id })).Content.ReadFromJsonAsync<IdBody>();
            var logged = await api.PostAsJsonAsync("/api/v1/activities", new
            {
                contactId = contact!.Id, channel = "Note", subject = payloads[4], notes = evil + "\n\n" + payloads[3],
                questions = new[] { new { kind = "Concern", text = payloads[1] } },
            });
            Assert.True(logged.IsSuccessStatusCode, await logged.Content.ReadAsStringAsync());

            await page.GoAsync($"/contacts/{contact.Id}");
            await page.SelectTabAsync(page.GetByRole(AriaRole.Tab, new() { Name = "Timeline" }));
            var notes = page.GetByTestId("activity-notes");
            await Expect(notes).ToContainTextAsync("<script>");  // shown as text, not run
            await notes.GetByText("click").First.ClickAsync();          // the javascript: link lost its target
            await page.GoAsync($"/companies/{company.Id}");
            await page.SelectTabAsync(page.GetByRole(AriaRole.Tab, new() { Name = "Timeline" }));
            await Expect(page.GetByTestId("activity-notes")).ToBeVisibleAsync();
            await page.GoAsync("/conversations");
            await Expect(page.GetByTestId("conversations")).ToContainTextAsync("Evil");
            await page.GoAsync("/search?q=xss");
            await Expect(page.GetByTestId("search-result").First).ToBeVisibleAsync();
            await page.Locator("[data-global-search] input").FillAsync("evil");
            await Expect(page.GetByTestId("search-hit").First).ToBeVisibleAsync();

            Assert.Null(await page.EvaluateAsync<int?>("() => window.__xss ?? null"));
            Assert.Empty(dialogs);
            Assert.Equal(0, await page.Locator(".md-notes script, .md-notes img, .md-notes svg, .md-notes iframe, a[href^='javascript']").CountAsync());
        }
        catch
        {
            await page.ScreenshotAsync(new() { Path = Path.Combine(Path.GetTempPath(), "prospector-xss-failure.png"), FullPage = true });
            throw;
        }
    }

    private sealed record IdBody(long Id);

    /// <summary>An API token for the signed-in admin, made through the settings API with the browser's cookie.</summary>
    private static async Task<HttpClient> ApiClientAsync(ServerProcess server, IPage page)
    {
        var cookies = await page.Context.CookiesAsync();
        var handler = new HttpClientHandler { UseCookies = false };
        var cookieClient = new HttpClient(handler) { BaseAddress = new Uri(server.BaseUrl) };
        cookieClient.DefaultRequestHeaders.Add("Cookie", string.Join("; ", cookies.Select(c => $"{c.Name}={c.Value}")));
        var res = await cookieClient.PostAsJsonAsync("/api/v1/tokens", new { name = "xss" });
        var body = await res.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>();
        Assert.True(res.IsSuccessStatusCode, body.ToString());
        var client = new HttpClient { BaseAddress = new Uri(server.BaseUrl) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", body.GetProperty("token").GetString());
        return client;
    }
}
