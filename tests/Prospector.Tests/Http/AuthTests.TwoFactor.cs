using System.Net;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Prospector.Data;
using Prospector.Tests.Infrastructure;

namespace Prospector.Tests.Http;

/// <summary>
/// Two-factor sign-in as a person uses it: the set-up page with the key, a code computed as an authenticator app does
/// (RFC 6238, <see cref="Totp"/>), the sign-in that asks for it after the password, recovery codes that work once, the
/// workspace requirement and the admin's reset. Tests that fail codes on purpose get an app of their own (the throttle).
/// </summary>
public abstract partial class AuthTests
{
    [Fact]
    public async Task Two_factor_sign_in_asks_for_the_authenticator_code_after_the_password_and_takes_each_recovery_code_once()
    {
        await using var own = new ProspectorFactory(app.Provider);
        var user = await own.UserAsync("Rep", "Nord");
        var browser = Browser(own);
        Assert.Equal(HttpStatusCode.Found, (await SignInAsync(browser, user.Email, Password)).StatusCode);

        // Set-up: the page shows the key; a wrong code is refused, the app's code turns it on and gives ten recovery codes.
        var setup = await browser.GetAsync("/account/two-factor");
        var html = await setup.Content.ReadAsStringAsync();
        var key = KeyOf(html);
        Assert.Contains("data:image/png;base64,", html, StringComparison.Ordinal); // the QR code
        var form = await ReadFormAsync(setup);
        form.Fill("code", "000000" == Totp.Code(key, DateTimeOffset.UtcNow) ? "111111" : "000000");
        var wrong = await browser.PostAsync("/account/two-factor", form.Content());
        Assert.Equal(HttpStatusCode.BadRequest, wrong.StatusCode);
        Assert.Contains("data-testid=\"2fa-error\"", await wrong.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        form = await ReadFormAsync(await browser.GetAsync("/account/two-factor"));
        Assert.Equal(key, KeyOf(await (await browser.GetAsync("/account/two-factor")).Content.ReadAsStringAsync())); // same key until it is on
        form.Fill("code", Totp.Code(key, DateTimeOffset.UtcNow));
        var on = await browser.PostAsync("/account/two-factor", form.Content());
        var onHtml = await on.Content.ReadAsStringAsync();
        Assert.True(on.StatusCode == HttpStatusCode.OK, onHtml);
        var codes = Regex.Matches(Regex.Match(onHtml, "data-testid=\"recovery-codes\"[^>]*>(.*?)</ul>", RegexOptions.Singleline).Groups[1].Value, "<li>([^<]+)</li>")
            .Select(m => m.Groups[1].Value.Trim()).ToList();
        Assert.Equal(10, codes.Count);
        if (CookiesOf(on).FirstOrDefault(c => c.StartsWith("prospector.auth=", StringComparison.Ordinal)) is { } renewed)
            BrowserCookies.AddOrUpdate(browser, renewed["prospector.auth=".Length..].Split(';')[0]);
        // The browser that turned it on stays signed in.
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync("/api/v1/me")).StatusCode);

        // Another browser: the right password alone does not sign in; it leads to the code page.
        var second = Browser(own);
        var password = await SignInAsync(second, user.Email, Password);
        Assert.Equal("/account/login/code", password.RedirectPath());
        Assert.DoesNotContain(CookiesOf(password), c => c.StartsWith("prospector.auth=", StringComparison.Ordinal));
        Assert.Equal(HttpStatusCode.Unauthorized, (await second.GetAsync("/api/v1/me")).StatusCode);
        var badCode = await PostCodeAsync(second, "12345x");
        Assert.Equal(HttpStatusCode.Unauthorized, badCode.StatusCode);
        var signedIn = await PostCodeAsync(second, Totp.Code(key, DateTimeOffset.UtcNow));
        Assert.Equal(HttpStatusCode.Found, signedIn.StatusCode);
        Assert.Equal("/", signedIn.RedirectPath());
        Assert.Equal(user.Email, (await second.GetJsonAsync("/api/v1/me")).GetProperty("email").GetString());

        // A recovery code signs in once; the same code a second time does not.
        var third = Browser(own);
        await SignInAsync(third, user.Email, Password);
        Assert.Equal(HttpStatusCode.Found, (await PostCodeAsync(third, codes[0])).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await third.GetAsync("/api/v1/me")).StatusCode);
        var fourth = Browser(own);
        await SignInAsync(fourth, user.Email, Password);
        Assert.Equal(HttpStatusCode.Unauthorized, (await PostCodeAsync(fourth, codes[0])).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await fourth.GetAsync("/api/v1/me")).StatusCode);

        // The trail: turned on, wrong codes at set-up and at sign-in, sign-ins with the second factor.
        var trail = await own.WithDbAsync((db, _) => db.AuditEntries.Where(a => a.EntityType == "User" && a.EntityId == user.Id).ToListAsync());
        Assert.Single(trail, a => a.Action == AuditAction.TwoFactorEnabled);
        Assert.Equal(3, trail.Count(a => a.Action == AuditAction.TwoFactorFailed));
        Assert.Equal(2, trail.Count(a => a.Action == AuditAction.SignedIn && a.Changes.Contains("SecondFactor", StringComparison.Ordinal)));

        // Turning it off needs the password (or a code); then the password alone signs in again.
        var manage = await browser.GetAsync("/account/two-factor");
        Assert.Contains("data-testid=\"2fa-status\"", await manage.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        var off = await ReadFormAsync(manage);
        off.Fill("off-code", Password);
        var offRes = await browser.PostAsync("/account/two-factor", off.Content());
        Assert.True(offRes.StatusCode == HttpStatusCode.OK, await offRes.Content.ReadAsStringAsync());
        Assert.Equal("/", (await SignInAsync(Browser(own), user.Email, Password)).RedirectPath());
        Assert.False(await own.WithDbAsync((db, _) => db.Users.Where(u => u.Id == user.Id).Select(u => u.TwoFactorEnabled).FirstAsync()));
    }

    [Fact]
    public async Task Wrong_sign_in_codes_are_throttled_like_passwords_even_when_the_right_code_follows()
    {
        await using var own = new ProspectorFactory(app.Provider);
        var user = await own.UserAsync("Rep", "Nord");
        var key = await TurnOnTwoFactorAsync(own, user);
        var browser = Browser(own);
        await SignInAsync(browser, user.Email, Password);
        var right = Totp.Code(key, DateTimeOffset.UtcNow);
        var wrongCode = right == "000000" ? "111111" : "000000";
        for (var i = 0; i < 5; i++) Assert.Equal(HttpStatusCode.Unauthorized, (await PostCodeAsync(browser, wrongCode)).StatusCode);
        var blocked = await PostCodeAsync(browser, Totp.Code(key, DateTimeOffset.UtcNow));
        Assert.Equal((HttpStatusCode)429, blocked.StatusCode);
        Assert.True(blocked.Headers.RetryAfter is not null);
        Assert.Equal(HttpStatusCode.Unauthorized, (await browser.GetAsync("/api/v1/me")).StatusCode);
    }

    [Fact]
    public async Task A_workspace_that_requires_two_factor_sends_users_without_it_to_set_it_up_while_api_tokens_keep_working()
    {
        await using var own = new ProspectorFactory(app.Provider);
        var admin = await own.UserAsync("Admin");
        var rep = await own.UserAsync("Rep", "Nord");
        var ws = await admin.Client.GetAsync("/api/v1/workspace");
        var require = await admin.Client.SendAsync(TestHttp.Request(HttpMethod.Put, "/api/v1/workspace",
            JsonContent.Create(new { requireTwoFactor = true }), ws.ETag()));
        Assert.True(require.StatusCode == HttpStatusCode.OK, await require.Content.ReadAsStringAsync());
        Assert.True((await require.ReadJsonAsync()).GetProperty("requireTwoFactor").GetBoolean());

        var browser = Browser(own);
        browser.DefaultRequestHeaders.Accept.ParseAdd("text/html");
        Assert.Equal(HttpStatusCode.Found, (await SignInAsync(browser, rep.Email, Password)).StatusCode);
        var home = await browser.GetAsync("/");
        Assert.Equal("/account/two-factor", home.RedirectPath());
        var api = await browser.GetAsync("/api/v1/contacts");
        Assert.Equal(HttpStatusCode.Forbidden, api.StatusCode);
        Assert.Contains("two-factor", await api.Content.ReadAsStringAsync(), StringComparison.OrdinalIgnoreCase);
        Assert.Equal(HttpStatusCode.OK, (await rep.Client.GetAsync("/api/v1/contacts")).StatusCode); // the rep's API token

        var page = await browser.GetAsync("/account/two-factor");
        var html = await page.Content.ReadAsStringAsync();
        Assert.Contains("data-testid=\"2fa-required\"", html, StringComparison.Ordinal);
        var form = await ReadFormAsync(page);
        form.Fill("code", Totp.Code(KeyOf(html), DateTimeOffset.UtcNow));
        Assert.Equal(HttpStatusCode.OK, (await browser.PostAsync("/account/two-factor", form.Content())).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync("/")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync("/api/v1/contacts")).StatusCode);

        // Required means it stays on: the page offers no way to turn it off.
        Assert.DoesNotContain("2fa-disable", await (await browser.GetAsync("/account/two-factor")).Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_signed_in_browser_is_sent_to_set_up_two_factor_at_its_next_request_after_the_workspace_requires_it()
    {
        await using var own = new ProspectorFactory(app.Provider);
        var admin = await own.UserAsync("Admin");
        var rep = await own.UserAsync("Rep", "Nord");
        var browser = Browser(own);
        Assert.Equal(HttpStatusCode.Found, (await SignInAsync(browser, rep.Email, Password)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync("/api/v1/contacts")).StatusCode);

        var ws = await admin.Client.GetAsync("/api/v1/workspace");
        var require = await admin.Client.SendAsync(TestHttp.Request(HttpMethod.Put, "/api/v1/workspace",
            JsonContent.Create(new { requireTwoFactor = true }), ws.ETag()));
        Assert.True(require.StatusCode == HttpStatusCode.OK, await require.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.Forbidden, (await browser.GetAsync("/api/v1/contacts")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await rep.Client.GetAsync("/api/v1/contacts")).StatusCode); // API tokens keep working
    }

    [Fact]
    public async Task An_admin_resets_a_users_two_factor_who_then_signs_in_with_the_password_and_sets_it_up_again()
    {
        await using var own = new ProspectorFactory(app.Provider);
        var admin = await own.UserAsync("Admin");
        var rep = await own.UserAsync("Rep", "Nord");
        var other = await own.UserAsync("Rep", "Nord");
        await TurnOnTwoFactorAsync(own, rep);

        Assert.Equal(HttpStatusCode.Forbidden, (await other.Client.PostAsync($"/api/v1/users/{rep.Id}/reset-two-factor", null)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await admin.Client.PostAsync("/api/v1/users/987654321/reset-two-factor", null)).StatusCode);
        var users = await admin.Client.GetJsonAsync("/api/v1/users");
        Assert.True(users.EnumerateArray().Single(u => u.GetProperty("id").GetInt64() == rep.Id).GetProperty("twoFactor").GetBoolean());
        Assert.Equal(HttpStatusCode.NoContent, (await admin.Client.PostAsync($"/api/v1/users/{rep.Id}/reset-two-factor", null)).StatusCode);
        await TestHttp.AssertValidationProblemAsync(await admin.Client.PostAsync($"/api/v1/users/{rep.Id}/reset-two-factor", null), "userId");

        Assert.Equal("/", (await SignInAsync(Browser(own), rep.Email, Password)).RedirectPath());
        var reset = await own.WithDbAsync((db, _) => db.AuditEntries.SingleAsync(a => a.Action == AuditAction.TwoFactorReset && a.EntityId == rep.Id));
        Assert.Equal(admin.Id, reset.UserId);
        var events = await admin.Client.GetJsonAsync($"/api/v1/security-events?action=TwoFactorReset&userId={rep.Id}");
        Assert.Single(events.EnumerateArray());
    }

    /// <summary>Signs the user in with their password and turns two-factor on through the page; returns the key.</summary>
    private static async Task<string> TurnOnTwoFactorAsync(ProspectorFactory factory, TestUser user)
    {
        var browser = Browser(factory);
        await SignInAsync(browser, user.Email, Password);
        var page = await browser.GetAsync("/account/two-factor");
        var key = KeyOf(await page.Content.ReadAsStringAsync());
        var form = await ReadFormAsync(page);
        form.Fill("code", Totp.Code(key, DateTimeOffset.UtcNow));
        var on = await browser.PostAsync("/account/two-factor", form.Content());
        Assert.Contains("data-testid=\"recovery-codes\"", await on.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        return key;
    }

    /// <summary>Loads the code page (after the password step) and posts the code.</summary>
    private static async Task<HttpResponseMessage> PostCodeAsync(HttpClient browser, string code)
    {
        var page = await browser.GetAsync("/account/login/code");
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        var form = await ReadFormAsync(page);
        form.Fill("code", code);
        return await browser.PostAsync("/account/login/code", form.Content());
    }

    private static string KeyOf(string html)
    {
        var m = Regex.Match(html, "data-testid=\"2fa-key\"[^>]*>([^<]+)<");
        Assert.True(m.Success, "the set-up page shows the key");
        return WebUtility.HtmlDecode(m.Groups[1].Value).Trim();
    }
}
