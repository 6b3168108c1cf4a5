using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Prospector.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace Prospector.Tests.Browser;

/// <summary>
/// An admin registers a webhook in Settings, sees its secret once, sends a test event and sees it delivered in the log.
/// The receiver is a local listener, reachable only because the server is started with the test-only
/// Webhooks:AllowInsecureHosts setting.
/// </summary>
[Collection("Browser")]
public sealed class WebhookJourneyTests(BrowserFixture browser)
{
    [Fact]
    public async Task An_admin_registers_a_webhook_sees_the_secret_once_and_a_delivery_in_the_log()
    {
        await using var sink = new WebhookSink();
        await using var server = await ServerProcess.StartAsync(null, "--Webhooks:AllowInsecureHosts:0=127.0.0.1");
        var page = await browser.NewPageAsync(server.BaseUrl);
        await page.SetViewportSizeAsync(1440, 1000);
        await page.SetUpAdminAsync(server);
        await page.GoAsync("/settings");
        await page.GetByRole(AriaRole.Tab, new() { Name = "Webhooks" }).ClickAsync();

        await page.GetByLabel("Address (https://)").FillAsync($"http://127.0.0.1:{sink.Port}/hook");
        await page.GetByTestId("webhook-add").ClickAsync();
        var secret = page.GetByTestId("webhook-secret");
        await Expect(secret).ToHaveTextAsync(new Regex("^whsec_[A-Za-z0-9_-]{40,}$"));
        var shown = await secret.InnerTextAsync();
        await Expect(page.Locator("tr[data-webhook]")).ToHaveCountAsync(1);

        await page.GetByTestId("webhook-test").ClickAsync();
        await Expect(page.Locator("tr[data-delivery][data-status=Succeeded]")).ToHaveCountAsync(1, new() { Timeout = 30_000 });
        await Expect(page.GetByTestId("webhook-log")).ToContainTextAsync("200");
        var received = Assert.Single(sink.Requests);
        Assert.Equal("webhook.test", received.Headers["Prospector-Event"]);
        Assert.Equal(Prospector.Features.Webhooks.WebhookSigner.Signature(shown,
            long.Parse(Regex.Match(received.Headers["Prospector-Signature"], "t=(\\d+)").Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture),
            received.Body), received.Headers["Prospector-Signature"]);
        await Shot(page, "webhooks-1440-en.png");

        // Shown once: after a reload the secret is gone from the page.
        await page.GoAsync("/settings");
        await page.GetByRole(AriaRole.Tab, new() { Name = "Webhooks" }).ClickAsync();
        await Expect(page.Locator("tr[data-webhook]")).ToHaveCountAsync(1);
        await Expect(page.GetByTestId("webhook-secret")).ToHaveCountAsync(0);
        Assert.DoesNotContain(shown, await page.ContentAsync());

        if (Environment.GetEnvironmentVariable("PROSPECTOR_SCREENSHOTS") is not null)
        {
            foreach (var (lang, width, tab) in new[] { ("de", 1440, "Webhooks"), ("nl", 390, "Webhooks") })
            {
                await page.SetViewportSizeAsync(width, 1000);
                await page.GetByTestId("language-menu").ClickAsync();
                await page.Locator($"[data-testid=language-form] button[value={lang}]").ClickAsync();
                await Expect(page.Locator("html")).ToHaveAttributeAsync("lang", new Regex("^" + lang));
                await page.GoAsync("/settings");
                await page.GetByRole(AriaRole.Tab, new() { Name = tab }).ClickAsync();
                await page.Locator("tr[data-webhook] [data-testid=webhook-deliveries]").ClickAsync();
                await Expect(page.Locator("tr[data-delivery]")).ToHaveCountAsync(1);
                await Shot(page, $"webhooks-{width}-{lang}.png");
            }
        }
    }

    private static async Task Shot(IPage page, string name)
    {
        if (Environment.GetEnvironmentVariable("PROSPECTOR_SCREENSHOTS") is { } dir)
            await page.ScreenshotAsync(new() { Path = Path.Combine(dir, name), FullPage = true });
    }
}
