using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Prospector.Tests.Browser;

/// <summary>
/// What a hostile page can do to a signed-in user's browser (issue 16, docs/decisions/0010): a page on another port of the
/// same host (same site, other origin: SameSite=Lax cookies still go along) auto-submits forms against the app; nothing
/// may change. And the app's own forms and pages work under its Content-Security-Policy without a single violation.
/// </summary>
[Collection("Browser")]
public sealed class SecurityJourneyTests(BrowserFixture browser)
{
    [Fact]
    public async Task Forms_auto_submitted_by_a_page_on_another_port_change_nothing()
    {
        await using var server = await ServerProcess.StartAsync();
        var page = await browser.NewPageAsync(server.BaseUrl);
        await page.SetUpAdminAsync(server);
        var api = page.APIRequest;
        var feed = (await (await api.PostAsync("/api/v1/calendar-feed", new() { DataObject = new { } })).JsonAsync())!.Value.GetProperty("url").GetString();
        var importId = await ImportAsync(page);
        var before = await ImportStatusAsync(page, importId);

        await using var evil = EvilSite.Start(server.BaseUrl, importId);
        foreach (var attack in EvilSite.Attacks)
        {
            await page.GotoAsync(evil.Url + attack);
            // The auto-submitted form has landed somewhere (the app's refusal) before we look at the state.
            await Expect(page).ToHaveURLAsync(new Regex("^" + Regex.Escape(server.BaseUrl)));
        }

        // Still signed in, same feed, import not reverted, language as chosen.
        var me = await api.GetAsync("/api/v1/me");
        Assert.Equal(200, me.Status);
        Assert.Equal(200, (await api.GetAsync(new Uri(feed!).AbsolutePath)).Status); // neither replaced nor deleted
        Assert.Equal(before, await ImportStatusAsync(page, importId));
        await page.GoAsync("/settings");
        await Expect(page.Locator("html")).ToHaveAttributeAsync("lang", new Regex("^en"));

        // The same requests from the app's own page still work: the language menu and sign-out.
        var shots = Environment.GetEnvironmentVariable("PROSPECTOR_SCREENSHOTS");
        await page.GetByTestId("language-menu").ClickAsync();
        var german = page.Locator("[data-testid=language-form] button[value=de]");
        await Expect(german).ToBeVisibleAsync();
        if (shots is not null) await page.ScreenshotAsync(new() { Path = Path.Combine(shots, "language-menu-1400-en.png") });
        await german.ClickAsync();
        await Expect(page.Locator("html")).ToHaveAttributeAsync("lang", new Regex("^de"));
        if (shots is not null)
        {
            await page.WaitForSelectorAsync("#app-state[data-interactive=yes]", new() { State = WaitForSelectorState.Attached });
            await page.ScreenshotAsync(new() { Path = Path.Combine(shots, "settings-after-switch-1400-de.png") });
        }
        await page.GoAsync("/");
        await page.GetByRole(AriaRole.Button, new() { Name = "Abmelden" }).ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex("/account/login"));
        Assert.Equal(401, (await api.GetAsync("/api/v1/me")).Status);
    }

    [Fact]
    public async Task The_main_pages_run_under_the_content_security_policy_and_hostile_websites_are_no_links()
    {
        await using var server = await ServerProcess.StartAsync();
        var page = await browser.NewPageAsync(server.BaseUrl);
        var violations = new List<string>();
        page.Console += (_, m) => { if (m.Text.Contains("Content Security Policy", StringComparison.OrdinalIgnoreCase)) lock (violations) violations.Add(m.Text); };
        page.PageError += (_, e) => { lock (violations) violations.Add("page error: " + e); };
        await page.SetUpAdminAsync(server);
        var api = page.APIRequest;
        async Task<long> PostAsync(string url, object body)
        {
            var res = await api.PostAsync(url, new() { DataObject = body });
            Assert.True(res.Status == 201, $"{url}: {res.Status} {await res.TextAsync()}");
            return (await res.JsonAsync())!.Value.GetProperty("id").GetInt64();
        }
        var company = await PostAsync("/api/v1/companies", new { name = "Evil GmbH", website = "javascript:alert(document.cookie)", email = "info@evil.example", phone = "+49 30 1234567" });
        var contact = await PostAsync("/api/v1/contacts", new { firstName = "Eva", lastName = "Böse", email = "eva@evil.example", phone = "+49 30 7654321", companyId = company });
        await PostAsync("/api/v1/opportunities", new { contactId = contact, title = "Evil deal", amount = 1000, nextAction = new { type = "Call", dueDate = DateTime.UtcNow.AddDays(2).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture) } });
        var list = await ImportAsync(page, listId: true);

        var pages = new (string Url, string Ready)[]
        {
            ("/", "[data-testid^=stage-]"),
            ("/contacts", "[data-testid=contacts-grid] tbody tr"),
            ($"/contacts/{contact}", "[data-testid=contact-name]"),
            ($"/companies/{company}", "text=Evil GmbH"),
            ($"/lists/{list}", "#list-grid"),
            ("/pipeline", "[data-testid=card]"),
            ("/settings", "text=Profile"),
            ("/lists/import", "input[type=file]"),
        };
        foreach (var (url, ready) in pages)
        {
            await page.GoAsync(url);
            await page.Locator(ready).First.WaitForAsync(new() { State = WaitForSelectorState.Attached });
            var csp = (await page.Context.APIRequest.GetAsync(url)).Headers["content-security-policy"];
            Assert.Contains("script-src 'self' 'nonce-", csp, StringComparison.Ordinal);
        }
        Assert.True(violations.Count == 0, string.Join("\n", violations));

        // The company's javascript: website is shown as text, not as a link; its e-mail and phone are.
        await page.GoAsync($"/companies/{company}");
        await Expect(page.GetByText("javascript:alert(document.cookie)")).ToBeVisibleAsync();
        Assert.Equal(0, await page.Locator("a[href^='javascript' i]").CountAsync());
        // Each is a link twice: the click-to-contact button in the header and the detail row.
        await Expect(page.Locator("a[href='mailto:info@evil.example']")).ToHaveCountAsync(2);
        await Expect(page.Locator("a[href='tel:+49301234567']").First).ToBeVisibleAsync();
    }

    private static async Task<long> ImportAsync(IPage page, bool listId = false)
    {
        var form = page.APIRequest.CreateFormData();
        form.Set("file", new FilePayload
        {
            Name = "messe.csv", MimeType = "text/csv",
            Buffer = Encoding.UTF8.GetBytes("Vorname;Nachname;E-Mail\nJürgen;Müller;j.mueller@example.de\nAnna;Berg;anna@example.nl\n"),
        });
        form.Set("list", "Messe " + Guid.NewGuid().ToString("N")[..6]);
        var res = await page.APIRequest.PostAsync("/api/v1/imports", new() { Multipart = form });
        Assert.True(res.Status == 201, $"import: {res.Status} {await res.TextAsync()}");
        return (await res.JsonAsync())!.Value.GetProperty(listId ? "listId" : "importId").GetInt64();
    }

    private static async Task<string> ImportStatusAsync(IPage page, long id) =>
        (await (await page.APIRequest.GetAsync($"/api/v1/imports/{id}")).TextAsync()) is var body && body.Contains("\"status\"", StringComparison.Ordinal)
            ? Regex.Match(body, "\"status\":\"([^\"]+)\"").Groups[1].Value
            : throw new Xunit.Sdk.XunitException("no import status: " + body);

    /// <summary>A hostile page on another port of 127.0.0.1 (same site, other origin) that submits a form at once.</summary>
    private sealed class EvilSite : IAsyncDisposable
    {
        public static readonly string[] Attacks = ["revert", "feed", "read-all", "logout", "culture-post", "culture-get", "plain"];
        private readonly HttpListener _listener;
        private readonly Task _loop;
        private readonly string _target;
        private readonly long _importId;
        public string Url { get; }

        private EvilSite(HttpListener listener, string url, string target, long importId)
        {
            (_listener, Url, _target, _importId) = (listener, url, target, importId);
            _loop = Task.Run(ServeAsync);
        }

        public static EvilSite Start(string target, long importId)
        {
            var l = new TcpListener(IPAddress.Loopback, 0);
            l.Start();
            var port = ((IPEndPoint)l.LocalEndpoint).Port;
            l.Stop();
            var listener = new HttpListener();
            listener.Prefixes.Add($"http://127.0.0.1:{port}/");
            listener.Start();
            return new EvilSite(listener, $"http://127.0.0.1:{port}/", target, importId);
        }

        private string Html(string attack)
        {
            var (method, action, fields, enctype) = attack switch
            {
                "revert" => ("post", $"/api/v1/imports/{_importId}/revert", "", ""),
                "feed" => ("post", "/api/v1/calendar-feed", "", ""),
                "read-all" => ("post", "/api/v1/reminders/read-all", "", ""),
                "logout" => ("post", "/account/logout", "", ""),
                "culture-post" => ("post", "/account/culture", "<input name=culture value=nl><input name=redirect value=/>", ""),
                "culture-get" => ("get", "/account/culture", "<input name=culture value=de><input name=redirect value=/>", ""),
                _ => ("post", "/api/v1/calendar-feed", "<input name='{\"x\":\"' value='\"}'>", " enctype=text/plain"),
            };
            return $"<!doctype html><html><body><form id=f method={method} action=\"{_target}{action}\"{enctype}>{fields}</form>"
                + "<script>document.getElementById('f').submit()</script></body></html>";
        }

        private async Task ServeAsync()
        {
            while (_listener.IsListening)
            {
                HttpListenerContext ctx;
                try { ctx = await _listener.GetContextAsync(); }
                catch (Exception) when (!_listener.IsListening) { return; }
                catch (HttpListenerException) { return; }
                var bytes = Encoding.UTF8.GetBytes(Html(ctx.Request.Url!.AbsolutePath.Trim('/')));
                ctx.Response.ContentType = "text/html; charset=utf-8";
                await ctx.Response.OutputStream.WriteAsync(bytes);
                ctx.Response.Close();
            }
        }

        public async ValueTask DisposeAsync()
        {
            _listener.Stop();
            try { await _loop; } catch (ObjectDisposedException) { }
            _listener.Close();
        }
    }
}
