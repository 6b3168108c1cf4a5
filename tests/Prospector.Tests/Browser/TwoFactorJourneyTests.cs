using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Prospector.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace Prospector.Tests.Browser;

/// <summary>
/// An admin turns on two-factor sign-in from the set-up page with the code an authenticator app would show, signs out,
/// signs in again with password and code in Chromium, and reads the security events page that lists what happened.
/// </summary>
[Collection("Browser")]
public sealed class TwoFactorJourneyTests(BrowserFixture browser)
{
    private static readonly string? Shots = Environment.GetEnvironmentVariable("PROSPECTOR_SCREENSHOTS");

    [Fact]
    public async Task An_admin_sets_up_two_factor_signs_in_with_a_code_and_sees_it_in_the_security_events()
    {
        await using var server = await ServerProcess.StartAsync();
        var page = await browser.NewPageAsync(server.BaseUrl);
        await page.SetUpAdminAsync(server);

        foreach (var language in Languages)
        {
            if (Shots is null && language != "en") continue;
            await page.ChooseLanguageAsync(language);
            await page.GotoAsync("/account/two-factor");
            await Expect(page.GetByTestId("2fa-qr")).ToBeVisibleAsync();
            await ShootAsync(page, "2fa-setup", language);
        }
        if (Shots is not null) await page.ChooseLanguageAsync("en");
        await page.GoAsync("/settings");
        await page.GetByTestId("2fa-manage").ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex("/account/two-factor$"));
        var key = (await page.GetByTestId("2fa-key").InnerTextAsync()).Trim();
        await page.FillAsync("#code", Totp.Code(key, DateTimeOffset.UtcNow));
        await page.GetByTestId("2fa-enable").ClickAsync();
        await Expect(page.GetByTestId("recovery-codes").Locator("li")).ToHaveCountAsync(10);

        // Sign out; the password alone now leads to the code prompt, the app's code signs in.
        await page.GoAsync("/");
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign out" }).First.ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex("/account/login"));
        await page.FillAsync("#email", "petra@example.de");
        await page.FillAsync("#password", "lange-geheime-phrase");
        await page.ClickAsync("button[type=submit]");
        await Expect(page).ToHaveURLAsync(new Regex("/account/login/code"));
        foreach (var language in Languages)
        {
            if (Shots is null) break;
            await page.GotoAsync($"/account/culture?culture={language}&redirect=/account/login/code");
            await Expect(page.Locator("#code")).ToBeVisibleAsync();
            await ShootAsync(page, "2fa-code-prompt", language);
        }
        await page.FillAsync("#code", "000000" == Totp.Code(key, DateTimeOffset.UtcNow) ? "111111" : "000000");
        await page.ClickAsync("button[type=submit]");
        await Expect(page.GetByTestId("code-error")).ToBeVisibleAsync();
        await page.FillAsync("#code", Totp.Code(key, DateTimeOffset.UtcNow));
        await page.ClickAsync("button[type=submit]");
        await Expect(page).ToHaveURLAsync(server.BaseUrl + "/");

        foreach (var language in Languages)
        {
            if (Shots is null && language != "en") continue;
            await page.ChooseLanguageAsync(language);
            await page.GoAsync("/security-events");
            await Expect(page.GetByTestId("security-events")).ToContainTextAsync(language switch
            {
                "de" => "Falscher Zwei-Faktor-Code",
                "nl" => "Onjuiste tweestapscode",
                _ => "Wrong two-factor code",
            });
            await ShootAsync(page, "security-events", language);
        }
        await page.ChooseLanguageAsync("en");
        await page.GoAsync("/security-events");
        await Expect(page.GetByTestId("security-events")).ToContainTextAsync("Two-factor turned on");
    }

    private static readonly string[] Languages = ["en", "de", "nl"];

    private static async Task ShootAsync(IPage page, string name, string language)
    {
        if (Shots is null) return;
        foreach (var width in new[] { 1440, 390 })
        {
            await page.SetViewportSizeAsync(width, 900);
            await page.ScreenshotAsync(new() { Path = Path.Combine(Shots, $"{name}-{width}-{language}.png"), FullPage = true });
        }
        await page.SetViewportSizeAsync(1440, 900);
    }
}
