using System.Diagnostics;
using Microsoft.Playwright;

namespace Prospector.Tests.Browser;

/// <summary>Debian's Chromium driven by Playwright; one browser per test class, a fresh context per test.</summary>
public sealed class BrowserFixture : IAsyncLifetime
{
    /// <summary>
    /// How long any wait may take: every wait is on a condition (an element, a URL, a text), so this is only the
    /// limit for a condition that never comes. Generous, because on a busy machine (2 cores, a build beside the
    /// tests) a Blazor round trip can take seconds; the journeys must pass there too.
    /// </summary>
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(90);

    private IPlaywright? _playwright;
    public IBrowser Browser { get; private set; } = default!;

    public async Task InitializeAsync()
    {
        // Expect(...) waits 5 s by default, far too little under load; clicks and navigation use the context's timeout.
        Assertions.SetDefaultExpectTimeout((float)Patience.TotalMilliseconds);
        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = Environment.GetEnvironmentVariable("PLAYWRIGHT_CHROMIUM_EXECUTABLE") ?? "/usr/bin/chromium",
            Headless = true,
            Timeout = (float)Patience.TotalMilliseconds,
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
        context.SetDefaultTimeout((float)Patience.TotalMilliseconds);
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

    /// <summary>Chooses the UI language with the app bar's language menu (a form post that also saves it in the profile).</summary>
    public static async Task ChooseLanguageAsync(this IPage page, string language)
    {
        await page.GoAsync("/");
        await page.GetByTestId("language-menu").ClickAsync();
        await page.Locator($"[data-testid=language-form] button[value={language}]").ClickAsync();
        await Assertions.Expect(page.Locator("html")).ToHaveAttributeAsync("lang", new System.Text.RegularExpressions.Regex("^" + language));
    }

    /// <summary>
    /// Selects a tab and waits until it is the selected one. Right after a page turns interactive, MudTabs may still
    /// be settling and select its first tab again; a person never clicks that fast, a test does, so it clicks again.
    /// </summary>
    public static Task SelectTabAsync(this IPage page, ILocator tab) =>
        RepeatUntilAsync(() => tab.ClickAsync(),
            wait => Assertions.Expect(tab).ToHaveAttributeAsync("aria-selected", "true", new() { Timeout = wait }));

    /// <summary>
    /// Opens a MudSelect and picks <paramref name="option"/>, then waits until the picker has closed, as a user sees it
    /// close before going to the next field. Without that wait, the next click can land while the popover still
    /// covers the page and pick from the wrong list.
    /// </summary>
    public static async Task PickAsync(this IPage page, ILocator select, string option)
    {
        await select.ClickAsync();
        await page.Locator(".mud-popover-open").GetByText(option, new() { Exact = true }).ClickAsync();
        await Assertions.Expect(page.Locator(".mud-popover-open")).ToHaveCountAsync(0);
    }

    /// <summary>
    /// Chooses a file in a Blazor file input and waits until <paramref name="accepted"/> is on the page. Blazor hooks
    /// the input up just after the page turns interactive; a file chosen in that instant (only a test is that fast)
    /// goes unnoticed, so it is chosen again.
    /// </summary>
    public static Task ChooseFileAsync(this IPage page, string input, FilePayload file, ILocator accepted) =>
        RepeatUntilAsync(() => page.SetInputFilesAsync(input, file),
            wait => Assertions.Expect(accepted).ToBeAttachedAsync(new() { Timeout = wait }));

    /// <summary>
    /// Does <paramref name="act"/> until <paramref name="done"/> holds, for an action the page may swallow while it
    /// settles. Each check waits longer than the one before (2 s, 4 s, 8 s…), so a slow machine gets time instead
    /// of clicks; the whole is bounded by <see cref="BrowserFixture.Patience"/>.
    /// </summary>
    public static async Task RepeatUntilAsync(Func<Task> act, Func<float, Task> done)
    {
        var clock = Stopwatch.StartNew();
        for (var wait = TimeSpan.FromSeconds(2); ; wait *= 2)
        {
            await act();
            var left = BrowserFixture.Patience - clock.Elapsed;
            var thisWait = wait < left ? wait : left;
            try
            {
                await done((float)Math.Max(thisWait.TotalMilliseconds, 1_000));
                return;
            }
            catch (PlaywrightException) when (clock.Elapsed < BrowserFixture.Patience) { }
        }
    }
}

[CollectionDefinition("Browser")]
public sealed class BrowserCollection : ICollectionFixture<BrowserFixture>;
