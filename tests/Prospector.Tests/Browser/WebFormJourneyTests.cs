using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Prospector.Tests.Browser;

/// <summary>
/// Issue 18, item 4 in a real browser: an admin builds a web form in the builder, pastes its embed snippet into a plain HTML
/// page served from ANOTHER origin (another port), a visitor fills and sends it there, and the lead with its consent and its
/// call back appears in Prospector. With PROSPECTOR_SCREENSHOTS set, the builder and the public form are photographed in
/// en, de and nl at 1440 and 390 px.
/// </summary>
[Collection("Browser")]
public sealed class WebFormJourneyTests(BrowserFixture browser)
{
    [Fact]
    public async Task A_visitor_sends_the_embedded_form_on_another_site_and_the_lead_with_consent_and_call_back_appears()
    {
        await using var server = await ServerProcess.StartAsync();
        var admin = await browser.NewPageAsync(server.BaseUrl);
        await admin.SetUpAdminAsync(server);

        // The builder: name, consent text, save (the owner defaults to the admin who builds it).
        await admin.GoAsync("/forms");
        await admin.Locator("#form-name").FillAsync("Demo request");
        await admin.Locator("#consent-en").FillAsync("You may contact me by e-mail about my request.");
        await admin.Locator("#save-form").ClickAsync();
        await Expect(admin).ToHaveURLAsync(new Regex(@"/forms/\d+$"));
        var formId = long.Parse(admin.Url[(admin.Url.LastIndexOf('/') + 1)..], System.Globalization.CultureInfo.InvariantCulture);
        var embed = admin.Locator("#embed-html");
        await Expect(embed).ToHaveValueAsync(new Regex("<form method=\"post\" action=\"" + Regex.Escape(server.BaseUrl) + "/f/"));
        var snippet = await embed.InputValueAsync();
        Assert.DoesNotContain("<script", snippet, StringComparison.OrdinalIgnoreCase);

        await using var site = CustomerSite.Start(snippet);
        Assert.NotEqual(new Uri(site.Url).Port, new Uri(server.BaseUrl).Port);
        var visitor = await browser.NewPageAsync(site.Url);
        await visitor.GotoAsync(site.Url);
        await visitor.Locator("input[name=firstName]").FillAsync("Jan");
        await visitor.Locator("input[name=lastName]").FillAsync("van der Berg");
        await visitor.Locator("input[name=email]").FillAsync("jan.vanderberg@klant.example");
        await visitor.Locator("input[name=phone]").FillAsync("+31 20 123 4567");
        await visitor.Locator("textarea[name=message]").FillAsync("We would like a demo for 12 users.");
        await visitor.Locator("input[name=consent]").CheckAsync();
        await visitor.Locator("button[type=submit]").ClickAsync();
        await Expect(visitor).ToHaveURLAsync(new Regex("^" + Regex.Escape(server.BaseUrl) + "/f/"));
        await Expect(visitor.GetByRole(AriaRole.Heading, new() { Name = "Thank you" })).ToBeVisibleAsync();
        await Expect(visitor.Locator("body")).Not.ToContainTextAsync("van der Berg");

        // In Prospector: the submission became a lead with the consent as shown, and the call back is its next action.
        var submissions = await (await admin.APIRequest.GetAsync($"/api/v1/forms/{formId}/submissions")).JsonAsync();
        var submission = submissions!.Value.EnumerateArray().Single();
        Assert.Equal("Accepted", submission.GetProperty("status").GetString());
        var contactId = submission.GetProperty("contactId").GetInt64();
        var contact = (await (await admin.APIRequest.GetAsync($"/api/v1/contacts/{contactId}")).JsonAsync())!.Value;
        Assert.Equal(("Lead", "jan.vanderberg@klant.example"), (contact.GetProperty("stage").GetString(), contact.GetProperty("email").GetString()));
        var consent = contact.GetProperty("consents").EnumerateArray().Single();
        Assert.Equal(("Email", "Granted", "You may contact me by e-mail about my request."),
            (consent.GetProperty("channel").GetString(), consent.GetProperty("status").GetString(), consent.GetProperty("note").GetString()));
        await admin.GoAsync($"/contacts/{contactId}");
        await Expect(admin.GetByText("Call back within a day (web form: Demo request)").First).ToBeVisibleAsync();
        // The request itself is on the contact's timeline as an inbound conversation.
        var timeline = await (await admin.APIRequest.GetAsync($"/api/v1/timeline?contactId={contactId}")).TextAsync();
        Assert.Contains("We would like a demo for 12 users.", timeline, StringComparison.Ordinal);

        if (Environment.GetEnvironmentVariable("PROSPECTOR_SCREENSHOTS") is { } shots)
        {
            var form = (await (await admin.APIRequest.GetAsync($"/api/v1/forms/{formId}")).JsonAsync())!.Value;
            var publicUrl = form.GetProperty("publicUrl").GetString()!;
            foreach (var lang in new[] { "en", "de", "nl" })
            {
                if (lang != "en") await admin.ChooseLanguageAsync(lang);
                foreach (var width in new[] { 1440, 390 })
                {
                    await admin.SetViewportSizeAsync(width, 900);
                    await admin.GoAsync($"/forms/{formId}");
                    await Expect(admin.Locator("#embed-html")).ToBeVisibleAsync();
                    await admin.ScreenshotAsync(new() { Path = Path.Combine(shots, $"form-builder-{width}-{lang}.png"), FullPage = true });
                    await visitor.SetViewportSizeAsync(width, 900);
                    await visitor.GotoAsync($"{publicUrl}?lang={lang}");
                    await Expect(visitor.Locator("form.prospector-form")).ToBeVisibleAsync();
                    await visitor.ScreenshotAsync(new() { Path = Path.Combine(shots, $"public-form-{width}-{lang}.png"), FullPage = true });
                }
            }
        }
    }

    /// <summary>The customer's website: one static page with the pasted snippet, on a port of its own (another origin).</summary>
    private sealed class CustomerSite : IAsyncDisposable
    {
        private readonly HttpListener _listener;
        private readonly Task _loop;
        private readonly string _html;
        public string Url { get; }

        private CustomerSite(HttpListener listener, string url, string snippet)
        {
            (_listener, Url) = (listener, url);
            _html = "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Klant BV</title></head><body><h1>Klant BV</h1>"
                + "<p>Ask us for a demo:</p>" + snippet + "</body></html>";
            _loop = Task.Run(ServeAsync);
        }

        public static CustomerSite Start(string snippet)
        {
            var l = new TcpListener(IPAddress.Loopback, 0);
            l.Start();
            var port = ((IPEndPoint)l.LocalEndpoint).Port;
            l.Stop();
            var listener = new HttpListener();
            listener.Prefixes.Add($"http://127.0.0.1:{port}/");
            listener.Start();
            return new CustomerSite(listener, $"http://127.0.0.1:{port}/", snippet);
        }

        private async Task ServeAsync()
        {
            while (_listener.IsListening)
            {
                HttpListenerContext ctx;
                try
                {
                    ctx = await _listener.GetContextAsync();
                }
                catch (Exception e) when (e is HttpListenerException or ObjectDisposedException)
                {
                    return;
                }
                var bytes = Encoding.UTF8.GetBytes(_html);
                ctx.Response.ContentType = "text/html; charset=utf-8";
                await ctx.Response.OutputStream.WriteAsync(bytes);
                ctx.Response.Close();
            }
        }

        public async ValueTask DisposeAsync()
        {
            _listener.Stop();
            _listener.Close();
            await _loop;
        }
    }
}
