using System.Text;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Prospector.Tests.Browser;

/// <summary>
/// A rep between two visits, on a 390 × 844 phone: Sign out in reach, lists that fit the screen and keep their labels, a deal
/// moved to the next step without dragging (by keyboard). And a tour of the main pages at phone and desktop width in every
/// language, none wider than the screen. With PROSPECTOR_SCREENSHOTS set to a folder, the tour saves what it saw there.
/// </summary>
[Collection("Browser")]
public sealed class PhoneJourneyTests(BrowserFixture browser)
{
    private const string Email = "petra@example.de", Password = "lange-geheime-phrase";

    /// <summary>A fresh server with the first administrator and a rep's small day of work, made through the API.</summary>
    private long _customerId, _dealId;

    private async Task<(ServerProcess Server, long ContactId, long ListId)> ServerWithDataAsync()
    {
        var server = await ServerProcess.StartAsync();
        var context = await browser.Browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = server.BaseUrl });
        var page = await context.NewPageAsync();
        await page.SetUpAdminAsync(server);
        var api = page.APIRequest;
        async Task<long> PostAsync(string url, object body)
        {
            var res = await api.PostAsync(url, new() { DataObject = body });
            Assert.True(res.Status == 201, $"{url}: {res.Status} {await res.TextAsync()}");
            return (await res.JsonAsync())!.Value.GetProperty("id").GetInt64();
        }
        var soon = DateTime.UtcNow.AddDays(2).ToString("yyyy-MM-dd");
        var people = new[]
        {
            ("Jürgen", "Müller-Lüdenscheidt", "juergen.mueller-luedenscheidt@baeckerei-mueller-luedenscheidt.example.de", "Bäckerei Müller-Lüdenscheidt GmbH & Co. KG: 12 Filialen"),
            ("Anneke", "van der Berg-Vermeulen", "anneke.vandenberg@logistiek-vermeulen.example.nl", "Vermeulen Logistiek B.V.: Scanner-Rollout"),
            ("Sophie", "Schäfer", "sophie@schaefer.example.de", "Schäfer Logistik: 40 Lizenzen"),
        };
        long first = 0;
        foreach (var (firstName, lastName, email, deal) in people)
        {
            var contact = await PostAsync("/api/v1/contacts", new { firstName, lastName, email, phone = "+49 221 1234567", city = "Köln", stage = "Lead" });
            first = first == 0 ? contact : first;
            await PostAsync("/api/v1/opportunities", new { contactId = contact, title = deal, amount = 24000, nextAction = new { type = "Call", dueDate = soon, note = "Termin vereinbaren" } });
            await PostAsync("/api/v1/activities", new { contactId = contact, channel = "Phone", direction = "Outbound", outcome = "Reached", durationMinutes = 12, notes = "Angebot besprochen." });
        }
        // A customer (first deal won, a check-in is theirs to plan) and a deal moved one step, for the deal page's step bar and history.
        var company = await PostAsync("/api/v1/companies", new { name = "Brandt Mühlenwerke GmbH" });
        _customerId = await PostAsync("/api/v1/contacts", new { firstName = "Jonas", lastName = "Brandt", stage = "Lead", companyId = company });
        var firstOrder = await PostAsync("/api/v1/opportunities", new { contactId = _customerId, title = "Erstauftrag Mahlwerke", amount = 18000, nextAction = new { type = "Call", dueDate = soon } });
        Assert.Equal(200, (await api.PostAsync($"/api/v1/opportunities/{firstOrder}/win", new() { DataObject = new { } })).Status);
        _dealId = await PostAsync("/api/v1/opportunities", new { contactId = _customerId, title = "Nachbestellung – Brandt Mühlenwerke GmbH", amount = 18000, nextAction = new { type = "Meeting", dueDate = soon, note = "Mengen abstimmen" } });
        var steps = (await (await api.GetAsync("/api/v1/pipelines")).JsonAsync())!.Value[0].GetProperty("steps");
        Assert.Equal(200, (await api.PostAsync($"/api/v1/opportunities/{_dealId}/move", new() { DataObject = new { stepId = steps[1].GetProperty("id").GetInt64() } })).Status);
        var listId = await ListAsync(page);
        await context.CloseAsync();
        return (server, first, listId);
    }

    private async Task<IPage> SignedInAsync(ServerProcess server, int width, int height, string culture = "en")
    {
        var context = await browser.Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = server.BaseUrl, Locale = "en-GB", ViewportSize = new ViewportSize { Width = width, Height = height },
            IsMobile = width < 600, HasTouch = width < 600,
        });
        context.SetDefaultTimeout(20_000);
        var page = await context.NewPageAsync();
        await page.GotoAsync("/account/login");
        await page.FillAsync("#email", Email);
        await page.FillAsync("#password", Password);
        await page.ClickAsync("button[type=submit]");
        await Expect(page).ToHaveURLAsync(server.BaseUrl + "/");
        // The language is kept per user: choose it every time, English too.
        await page.ChooseLanguageAsync(culture);
        return page;
    }

    private static Task<bool> FitsAsync(IPage page) => page.EvaluateAsync<bool>("() => document.documentElement.scrollWidth <= window.innerWidth");

    /// <summary>The label a phone shows in front of a table cell (MudBlazor's small-screen layout draws data-label before it).</summary>
    private static Task<string> LabelShownAsync(ILocator cell) =>
        cell.EvaluateAsync<string>("td => getComputedStyle(td, '::before').content.replace(/^\"|\"$/g, '')");

    [Fact]
    public async Task On_a_phone_Sign_out_is_in_reach_lists_fit_and_keep_their_labels_and_a_deal_moves_with_the_step_picker()
    {
        var (server, _, _) = await ServerWithDataAsync();
        await using var _ = server;
        var page = await SignedInAsync(server, 390, 844);
        try
        {
            // Contacts: no sideways scrolling of the page.
            await page.GoAsync("/contacts");
            await Expect(page.GetByTestId("contacts-grid").Locator("tbody tr").First).ToBeVisibleAsync();
            Assert.True(await FitsAsync(page), "the contacts page is wider than the phone");

            // The pipeline as a list: each value with its label.
            await page.GoAsync("/pipeline");
            await page.GetByTestId("view-list").ClickAsync();
            var stepCell = page.GetByTestId("opportunity-list").Locator("tbody tr").First.Locator("td").Nth(1);
            await Expect(stepCell).ToBeVisibleAsync();
            Assert.Equal("Step", await LabelShownAsync(stepCell));
            Assert.True(await FitsAsync(page), "the pipeline list is wider than the phone");

            // Conversations: each value with its label.
            await page.GoAsync("/conversations");
            var channelCell = page.GetByTestId("conversations").Locator("tbody tr").First.Locator("td").Nth(1);
            await Expect(channelCell).ToBeVisibleAsync();
            Assert.Equal("Channel", await LabelShownAsync(channelCell));
            Assert.True(await FitsAsync(page), "the conversations page is wider than the phone");

            await MoveWithTheStepPickerAsync(page);

            // Sign out from the account menu.
            await page.GetByRole(AriaRole.Button, new() { Name = "Account" }).ClickAsync();
            await page.GetByRole(AriaRole.Button, new() { Name = "Sign out" }).ClickAsync();
            await Expect(page).ToHaveURLAsync(new Regex("/account/login"));
        }
        catch
        {
            await page.ScreenshotAsync(new() { Path = Path.Combine(Path.GetTempPath(), "prospector-phone-failure.png"), FullPage = true });
            throw;
        }
    }

    /// <summary>The first deal in "Qualification" goes to "Needs analysis" by keyboard only: Tab to the card's picker, Enter, arrows, Enter.</summary>
    private static async Task MoveWithTheStepPickerAsync(IPage page)
    {
        await page.GoAsync("/pipeline");
        var first = page.GetByTestId("board-column").Filter(new() { Has = page.GetByText("Qualification", new() { Exact = true }) });
        var card = first.GetByTestId("card").First;
        await Expect(card).ToBeVisibleAsync();
        var id = await card.GetAttributeAsync("data-id");
        var picker = card.GetByRole(AriaRole.Button, new() { Name = "Move to step…" });
        await picker.FocusAsync();
        await page.Keyboard.PressAsync("Enter");
        var target = page.GetByRole(AriaRole.Menuitem, new() { Name = "Needs analysis" });
        await Expect(target).ToBeVisibleAsync();
        // The current step is shown but not offered.
        await Expect(page.GetByRole(AriaRole.Menuitem, new() { Name = "Qualification" })).ToBeDisabledAsync();
        // Arrow keys walk the steps (the current one is skipped); Enter moves the deal.
        for (var i = 0; i < 4 && !await target.EvaluateAsync<bool>("e => e === document.activeElement"); i++)
            await page.Keyboard.PressAsync("ArrowDown");
        await Expect(target).ToBeFocusedAsync();
        await page.Keyboard.PressAsync("Enter");
        await Expect(page.GetByText("Moved to Needs analysis.")).ToBeVisibleAsync();

        // Stored, not just drawn: the API has the deal in the new step.
        var deal = (await (await page.APIRequest.GetAsync($"/api/v1/opportunities/{id}")).JsonAsync())!.Value;
        var pipeline = (await (await page.APIRequest.GetAsync("/api/v1/pipelines")).JsonAsync())!.Value.EnumerateArray()
            .First(p => p.GetProperty("id").GetInt64() == deal.GetProperty("pipelineId").GetInt64());
        var step = pipeline.GetProperty("steps").EnumerateArray().First(s => s.GetProperty("id").GetInt64() == deal.GetProperty("stepId").GetInt64());
        Assert.Equal("Needs analysis", step.GetProperty("name").GetString());
    }

    [Fact]
    public async Task The_main_pages_fit_a_phone_and_a_desktop_in_English_German_and_Dutch()
    {
        var (server, contactId, listId) = await ServerWithDataAsync();
        await using var _ = server;
        var shots = Environment.GetEnvironmentVariable("PROSPECTOR_SCREENSHOTS");
        var problems = new List<string>();
        foreach (var width in new[] { 390, 1440 })
        {
            foreach (var culture in new[] { "en", "de", "nl" })
            {
                var page = await SignedInAsync(server, width, width < 600 ? 844 : 900, culture);
                var pages = new (string Name, string Url, string Ready)[]
                {
                    ("dashboard", "/", "[data-testid^=stage-]"),
                    ("contacts", "/contacts", "[data-testid=contacts-grid] tbody tr"),
                    ("board", "/pipeline", "[data-testid=card]"),
                    ("todo", "/todo", "[data-testid=todo-item], [data-testid=todo-empty]"),
                    ("contact", $"/contacts/{contactId}", "[data-testid=contact-name]"),
                    ("list", $"/lists/{listId}", "#list-grid"),
                    ("search", "/search?q=m%C3%BCller", "[data-testid=search-result], [data-testid=search-empty]"),
                    ("conversations", "/conversations", "[data-testid=conversations] tbody tr"),
                    ("deal", $"/opportunities/{_dealId}", "[data-testid=step-history-row]"),
                    ("customer", $"/contacts/{_customerId}", "[data-testid=care-hint]"),
                };
                foreach (var (name, url, ready) in pages)
                {
                    await page.GoAsync(url);
                    await Expect(page.Locator(ready).First).ToBeVisibleAsync();
                    if (shots is not null)
                        await page.ScreenshotAsync(new() { Path = Path.Combine(shots, $"{name}-{width}-{culture}.png"), FullPage = true });
                    if (!await FitsAsync(page)) problems.Add($"{name} at {width} px in {culture} is wider than the screen");
                    // Sign out stays in reach: on the bar, or one tap away in the account menu.
                    var signOut = page.GetByRole(AriaRole.Button, new() { Name = SignOut[culture] });
                    if (!await signOut.IsVisibleAsync())
                    {
                        await page.GetByRole(AriaRole.Button, new() { Name = Account[culture], Exact = true }).ClickAsync();
                        await Expect(signOut).ToBeVisibleAsync();
                    }
                    else if (await signOut.BoundingBoxAsync() is not { } box || box.X < 0 || box.X + box.Width > width)
                        problems.Add($"Sign out is off screen on {name} at {width} px in {culture}");
                }
                await page.Context.CloseAsync();
            }
        }
        Assert.Empty(problems);
    }

    private static readonly Dictionary<string, string> SignOut = new() { ["en"] = "Sign out", ["de"] = "Abmelden", ["nl"] = "Uitloggen" };
    private static readonly Dictionary<string, string> Account = new() { ["en"] = "Account", ["de"] = "Konto", ["nl"] = "Account" };

    /// <summary>A small prospecting list, imported through the API with the browser's session.</summary>
    private static async Task<long> ListAsync(IPage page)
    {
        var form = page.APIRequest.CreateFormData();
        form.Set("file", new FilePayload
        {
            Name = "messe.csv", MimeType = "text/csv",
            Buffer = Encoding.UTF8.GetBytes("Vorname;Nachname;Firma;E-Mail;Telefon;Ort\nJürgen;Müller-Lüdenscheidt;Bäckerei Müller GmbH;j.mueller@example.de;+49 221 1234567;Köln\n"
                + "Anna;van der Berg;Berg Logistiek B.V.;anna@example.nl;+31 20 123 4567;Amsterdam\n"),
        });
        form.Set("list", "Messe " + Guid.NewGuid().ToString("N")[..6]);
        form.Set("country", "DE");
        var res = await page.APIRequest.PostAsync("/api/v1/imports", new() { Multipart = form });
        Assert.True(res.Status == 201, $"import: {res.Status} {await res.TextAsync()}");
        return (await res.JsonAsync())!.Value.GetProperty("listId").GetInt64();
    }
}
