using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Prospector.Tests.Browser;

/// <summary>An admin builds a sequence in Settings → Sequences, enrols a contact on Nurturing from its page, sees the step and stops it.</summary>
[Collection("Browser")]
public sealed class SequenceJourneyTests(BrowserFixture browser)
{
    private static async Task<JsonElement> PostAsync(IPage page, string url, object body)
    {
        var res = await page.APIRequest.PostAsync(url, new() { DataObject = body });
        Assert.True(res.Status is 200 or 201, $"POST {url}: {res.Status} {await res.TextAsync()}");
        return JsonDocument.Parse(await res.TextAsync()).RootElement;
    }

    [Fact]
    public async Task A_sequence_is_built_in_settings_and_a_nurturing_contact_is_enrolled_and_stopped_from_its_page()
    {
        await using var server = await ServerProcess.StartAsync();
        var page = await browser.NewPageAsync(server.BaseUrl);
        await page.SetViewportSizeAsync(1440, 1000);
        await page.SetUpAdminAsync(server);
        await page.GoAsync("/settings");
        await page.SelectTabAsync(page.GetByRole(AriaRole.Tab, new() { Name = "Sequences" }));
        await page.Locator("[data-testid=sequence-name] input, input[data-testid=sequence-name]").First.FillAsync("Spring fair follow-up");
        await page.GetByTestId("sequence-add-step").ClickAsync();
        await Expect(page.Locator("[data-step]")).ToHaveCountAsync(2);
        await page.GetByTestId("sequence-save").ClickAsync();
        await Expect(page.Locator("tr[data-sequence]")).ToHaveCountAsync(1);
        await Expect(page.Locator("tr[data-sequence]")).ToContainTextAsync("Spring fair follow-up");
        await Shot(page, "sequence-editor-1440-en.png");

        var contact = (await PostAsync(page, "/api/v1/contacts", new { firstName = "Jan", namePrefix = "van der", lastName = "Berg", stage = "Lead" }))
            .GetProperty("id").GetInt64();
        await PostAsync(page, $"/api/v1/contacts/{contact}/outcome",
            new { outcome = "NotReady", followUpOn = DateOnly.FromDateTime(DateTime.UtcNow.AddDays(30)) });
        await page.GoAsync($"/contacts/{contact}");
        var box = page.GetByTestId("contact-sequence");
        await page.PickAsync(box.GetByTestId("sequence-choose"), "Spring fair follow-up");
        await box.GetByTestId("sequence-enrol").ClickAsync();
        await Expect(box.GetByTestId("sequence-next")).ToContainTextAsync(new Regex("Step 1 of 2: Create a task"));
        await Shot(page, "sequence-contact-1440-en.png");

        if (Environment.GetEnvironmentVariable("PROSPECTOR_SCREENSHOTS") is not null)
        {
            foreach (var (lang, width) in new[] { ("de", 1440), ("nl", 1440), ("de", 390), ("nl", 390), ("en", 390) })
            {
                await page.SetViewportSizeAsync(width, 1000);
                await page.ChooseLanguageAsync(lang);
                await page.GoAsync($"/contacts/{contact}");
                await Expect(page.GetByTestId("sequence-next")).ToBeVisibleAsync();
                await Shot(page, $"sequence-contact-{width}-{lang}.png");
                await page.GoAsync("/settings");
                await page.SelectTabAsync(page.GetByRole(AriaRole.Tab, new() { Name = lang == "de" ? "Sequenzen" : lang == "nl" ? "Sequenties" : "Sequences" }));
                await Expect(page.Locator("tr[data-sequence]")).ToHaveCountAsync(1);
                await Shot(page, $"sequence-editor-{width}-{lang}.png");
            }
            await page.SetViewportSizeAsync(1440, 1000);
            await page.ChooseLanguageAsync("en");
            await page.GoAsync($"/contacts/{contact}");
        }

        await page.GetByTestId("contact-sequence").GetByTestId("sequence-stop").ClickAsync();
        await page.GetByRole(AriaRole.Dialog).GetByRole(AriaRole.Button, new() { Name = "Stop", Exact = true }).ClickAsync();
        await Expect(page.GetByTestId("sequence-ended")).ToContainTextAsync("Stopped by hand");
    }

    [Fact]
    public async Task Contacts_shown_on_the_list_are_enrolled_in_bulk_with_a_summary_of_who_was_skipped_and_why()
    {
        await using var server = await ServerProcess.StartAsync();
        var page = await browser.NewPageAsync(server.BaseUrl);
        await page.SetViewportSizeAsync(1440, 1000);
        await page.SetUpAdminAsync(server);
        await PostAsync(page, "/api/v1/sequences", new { name = "Messe-Nachfass", steps = new object[] { new { kind = "Task", taskType = "Call", text = "Nachfassen" } } });
        var nurturing = (await PostAsync(page, "/api/v1/contacts", new { firstName = "Jan", lastName = "Berg", stage = "Lead" })).GetProperty("id").GetInt64();
        await PostAsync(page, $"/api/v1/contacts/{nurturing}/outcome", new { outcome = "NotReady", followUpOn = DateOnly.FromDateTime(DateTime.UtcNow.AddDays(30)) });
        await PostAsync(page, "/api/v1/contacts", new { firstName = "Eva", lastName = "Frisch", stage = "Lead" });

        await page.GoAsync("/contacts");
        await Expect(page.GetByText("Frisch")).ToBeVisibleAsync();
        await page.Locator("#bulk-enrol").ClickAsync();
        var dialog = page.GetByRole(AriaRole.Dialog);
        await page.PickAsync(dialog.GetByTestId("bulk-enrol-sequence"), "Messe-Nachfass");
        await dialog.GetByTestId("bulk-enrol-go").ClickAsync();
        await Expect(dialog.GetByTestId("bulk-enrolled")).ToContainTextAsync("Enrolled: 1");
        await Expect(dialog.GetByTestId("bulk-enrolled").Locator("xpath=following-sibling::*[1]")).ToContainTextAsync("Berg");
        var skipped = dialog.Locator("[data-testid=bulk-enrol-skipped][data-reason=NotNurturing]");
        await Expect(skipped).ToContainTextAsync("not on Nurturing (1)");
        await Expect(skipped).ToContainTextAsync("Frisch");
        await Shot(page, "sequence-bulk-enrol-1440-en.png");
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Close", Exact = true }).ClickAsync();

        await page.GoAsync($"/contacts/{nurturing}");
        await Expect(page.GetByTestId("sequence-next")).ToContainTextAsync(new Regex("Step 1 of 1"));
    }

    private static async Task Shot(IPage page, string name)
    {
        if (Environment.GetEnvironmentVariable("PROSPECTOR_SCREENSHOTS") is { } dir)
            await page.ScreenshotAsync(new() { Path = Path.Combine(dir, name), FullPage = true });
    }
}
