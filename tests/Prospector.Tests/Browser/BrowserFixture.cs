using Microsoft.Playwright;

namespace Prospector.Tests.Browser;

/// <summary>Debian's Chromium driven by Playwright; one browser per test class, a fresh context per test.</summary>
public sealed class BrowserFixture : IAsyncLifetime
{
    private IPlaywright? _playwright;
    public IBrowser Browser { get; private set; } = default!;

    public async Task InitializeAsync()
    {
        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = Environment.GetEnvironmentVariable("PLAYWRIGHT_CHROMIUM_EXECUTABLE") ?? "/usr/bin/chromium",
            Headless = true,
            // No network beyond loopback here: keep Chromium from phoning home at start.
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--no-first-run", "--disable-sync"],
        });
    }

    public async Task DisposeAsync()
    {
        if (Browser is not null) await Browser.CloseAsync();
        _playwright?.Dispose();
    }

    public async Task<IPage> NewPageAsync(string baseUrl, string locale = "en-GB")
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = baseUrl,
            Locale = locale,
            ViewportSize = new ViewportSize { Width = 1400, Height = 900 },
        });
        context.SetDefaultTimeout(15_000);
        return await context.NewPageAsync();
    }
}

public static class PageExtensions
{
    /// <summary>Opens a page and waits until Blazor is interactive, so typing is not lost to the prerendered HTML.</summary>
    public static async Task GoAsync(this IPage page, string url)
    {
        await page.GotoAsync(url);
        await page.WaitForSelectorAsync("#app-state[data-interactive=yes]", new() { State = WaitForSelectorState.Attached });
    }

    /// <summary>Creates the first administrator through the one-time setup link and lands on the dashboard, signed in.</summary>
    public static async Task SetUpAdminAsync(this IPage page, ServerProcess server)
    {
        await page.GotoAsync(server.SetupLink!);
        await page.FillAsync("#name", "Petra Admin");
        await page.FillAsync("#email", "petra@example.de");
        await page.FillAsync("#password", "lange-geheime-phrase");
        await page.ClickAsync("button[type=submit]");
        await Assertions.Expect(page).ToHaveURLAsync(server.BaseUrl + "/");
    }

    /// <summary>
    /// Selects a tab and waits until it is the selected one. Right after a page turns interactive, MudTabs may still
    /// be settling and select its first tab again; a person never clicks that fast, a test does, so it clicks again.
    /// </summary>
    public static async Task SelectTabAsync(this IPage page, ILocator tab)
    {
        for (var attempt = 1; ; attempt++)
        {
            await tab.ClickAsync();
            try
            {
                await Assertions.Expect(tab).ToHaveAttributeAsync("aria-selected", "true", new() { Timeout = 2_000 });
                return;
            }
            catch (PlaywrightException) when (attempt < 5) { }
        }
    }
}

[CollectionDefinition("Browser")]
public sealed class BrowserCollection : ICollectionFixture<BrowserFixture>;
