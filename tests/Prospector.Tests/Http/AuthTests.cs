using System.Net;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Prospector.Features.Auth;
using Prospector.Tests.Infrastructure;

namespace Prospector.Tests.Http;

/// <summary>
/// The sign-in and setup pages as a browser uses them: load the form (antiforgery cookie and token), fill in the
/// labelled fields, post it back. The login throttle counts per client address, and every test client shares one,
/// so the tests that fail on purpose get an app of their own.
/// </summary>
public abstract partial class AuthTests(ProspectorFactory app)
{
    private const string Password = "correct horse battery"; // what ProspectorFactory.UserAsync gives every user

    [Fact]
    public async Task The_right_password_signs_in_with_an_HttpOnly_SameSite_Lax_cookie()
    {
        var user = await app.UserAsync("Rep", "Nord");
        var browser = Browser(app);
        var res = await SignInAsync(browser, user.Email, Password);

        Assert.Equal(HttpStatusCode.Found, res.StatusCode);
        Assert.Equal("/", res.RedirectPath());
        var cookie = Assert.Single(res.Headers.GetValues("Set-Cookie"), c => c.StartsWith("prospector.auth=", StringComparison.Ordinal));
        Assert.Contains("httponly", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=lax", cookie, StringComparison.OrdinalIgnoreCase);

        var me = await browser.GetJsonAsync("/api/v1/me");
        Assert.Equal(user.Email, me.GetProperty("email").GetString());
    }

    [Fact]
    public async Task After_five_wrong_passwords_sign_in_is_refused_with_429_even_with_the_right_one()
    {
        await using var own = new ProspectorFactory(app.Provider);
        var user = await own.UserAsync("Rep", "Nord");
        var browser = Browser(own);

        for (var i = 1; i <= LoginThrottle.MaxFailuresPerAccount; i++)
        {
            var wrong = await SignInAsync(browser, user.Email, "wrong password " + i);
            Assert.True(wrong.StatusCode == HttpStatusCode.Unauthorized, $"attempt {i}: {(int)wrong.StatusCode}");
            Assert.Contains("data-testid=\"login-error\"", await wrong.Content.ReadAsStringAsync());
            Assert.DoesNotContain(CookiesOf(wrong), c => c.StartsWith("prospector.auth=", StringComparison.Ordinal));
        }

        var blocked = await SignInAsync(browser, user.Email, "wrong again");
        Assert.Equal(HttpStatusCode.TooManyRequests, blocked.StatusCode);
        var retryAfter = blocked.Headers.RetryAfter?.Delta ?? TimeSpan.Zero;
        Assert.InRange(retryAfter, TimeSpan.FromSeconds(1), LoginThrottle.Window);

        var right = await SignInAsync(browser, user.Email, Password);
        Assert.Equal(HttpStatusCode.TooManyRequests, right.StatusCode);
        Assert.NotNull(right.Headers.RetryAfter);
        Assert.DoesNotContain(CookiesOf(right), c => c.StartsWith("prospector.auth=", StringComparison.Ordinal));
        Assert.Equal(HttpStatusCode.Unauthorized, (await browser.GetAsync("/api/v1/me")).StatusCode);
    }

    [Fact]
    public async Task A_cookie_session_ends_at_the_next_request_after_the_user_is_deactivated()
    {
        var user = await app.UserAsync("Rep", "Nord");
        var admin = await app.UserAsync("Admin");
        var browser = Browser(app);
        Assert.Equal(HttpStatusCode.Found, (await SignInAsync(browser, user.Email, Password)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync("/api/v1/me")).StatusCode);

        var copy = CopyOf(browser);
        Assert.Equal(HttpStatusCode.OK, (await copy.GetAsync("/api/v1/me")).StatusCode);

        Assert.Equal(HttpStatusCode.NoContent, (await admin.Client.PostAsync($"/api/v1/users/{user.Id}/deactivate", null)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await browser.GetAsync("/api/v1/me")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await copy.GetAsync("/api/v1/me")).StatusCode);
        Assert.Equal(0, await OpenSessionsAsync(user.Id));
        Assert.Equal(HttpStatusCode.Unauthorized, (await browser.GetAsync("/api/v1/contacts")).StatusCode);

        // Nor can they sign in again.
        var again = await SignInAsync(Browser(app), user.Email, Password);
        Assert.Equal(HttpStatusCode.Unauthorized, again.StatusCode);
    }

    [Fact]
    public async Task A_copied_cookie_stops_working_when_its_browser_signs_out_while_other_browsers_stay_signed_in()
    {
        var user = await app.UserAsync("Rep", "Nord");
        var laptop = Browser(app);
        var phone = Browser(app);
        Assert.Equal(HttpStatusCode.Found, (await SignInAsync(laptop, user.Email, Password)).StatusCode);
        Assert.Equal(HttpStatusCode.Found, (await SignInAsync(phone, user.Email, Password)).StatusCode);
        var stolen = CopyOf(laptop);
        Assert.Equal(HttpStatusCode.OK, (await stolen.GetAsync("/api/v1/me")).StatusCode);
        Assert.Equal(2, await OpenSessionsAsync(user.Id));

        var signedOut = await SignOutAsync(laptop);
        Assert.Equal(HttpStatusCode.Found, signedOut.StatusCode);
        Assert.Equal("/account/login", signedOut.RedirectPath());

        Assert.Equal(HttpStatusCode.Unauthorized, (await stolen.GetAsync("/api/v1/me")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await stolen.GetAsync("/api/v1/contacts")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await laptop.GetAsync("/api/v1/me")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await phone.GetAsync("/api/v1/me")).StatusCode);
        Assert.Equal(1, await OpenSessionsAsync(user.Id));
    }

    [Fact]
    public async Task Sign_out_everywhere_ends_every_browser_and_every_copied_cookie_but_keeps_api_tokens()
    {
        var user = await app.UserAsync("Rep", "Nord");
        var admin = await app.UserAsync("Admin");
        var laptop = Browser(app);
        var phone = Browser(app);
        Assert.Equal(HttpStatusCode.Found, (await SignInAsync(laptop, user.Email, Password)).StatusCode);
        Assert.Equal(HttpStatusCode.Found, (await SignInAsync(phone, user.Email, Password)).StatusCode);
        var stolen = CopyOf(phone);

        // The user themself (from a script with their token here; the profile page calls the same service).
        Assert.Equal(HttpStatusCode.NoContent, (await user.Client.PostAsync("/api/v1/me/sign-out-everywhere", null)).StatusCode);
        foreach (var c in new[] { laptop, phone, stolen })
            Assert.Equal(HttpStatusCode.Unauthorized, (await c.GetAsync("/api/v1/me")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await user.Client.GetAsync("/api/v1/me")).StatusCode);

        // An admin for them: a new sign-in works until the admin signs the user out everywhere.
        Assert.Equal(HttpStatusCode.Found, (await SignInAsync(laptop, user.Email, Password)).StatusCode);
        var copy = CopyOf(laptop);
        Assert.Equal(HttpStatusCode.OK, (await copy.GetAsync("/api/v1/me")).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await admin.Client.PostAsync($"/api/v1/users/{user.Id}/sign-out-everywhere", null)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await copy.GetAsync("/api/v1/me")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await laptop.GetAsync("/api/v1/me")).StatusCode);
        Assert.Equal(0, await OpenSessionsAsync(user.Id));
        Assert.Equal(HttpStatusCode.NotFound, (await admin.Client.PostAsync("/api/v1/users/987654321/sign-out-everywhere", null)).StatusCode);
    }

    [Fact]
    public async Task Changing_the_password_ends_every_session_and_only_the_new_password_signs_in()
    {
        await using var own = new ProspectorFactory(app.Provider); // wrong passwords below count against the shared throttle
        var user = await own.UserAsync("Rep", "Nord");
        var laptop = Browser(own);
        Assert.Equal(HttpStatusCode.Found, (await SignInAsync(laptop, user.Email, Password)).StatusCode);
        var stolen = CopyOf(laptop, own);
        Assert.Equal(HttpStatusCode.OK, (await stolen.GetAsync("/api/v1/me")).StatusCode);

        var wrong = await user.Client.PostAsync("/api/v1/me/password", TestHttp.Json("""{"currentPassword":"not it","newPassword":"a brand new passphrase"}"""));
        await TestHttp.AssertValidationProblemAsync(wrong, "currentPassword");
        var tooShort = await user.Client.PostAsync("/api/v1/me/password", TestHttp.Json($$"""{"currentPassword":"{{Password}}","newPassword":"short"}"""));
        await TestHttp.AssertValidationProblemAsync(tooShort, "newPassword");
        Assert.Equal(HttpStatusCode.OK, (await stolen.GetAsync("/api/v1/me")).StatusCode);

        var changed = await user.Client.PostAsync("/api/v1/me/password", TestHttp.Json($$"""{"currentPassword":"{{Password}}","newPassword":"a brand new passphrase"}"""));
        Assert.Equal(HttpStatusCode.NoContent, changed.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await stolen.GetAsync("/api/v1/me")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await laptop.GetAsync("/api/v1/me")).StatusCode);

        Assert.Equal(HttpStatusCode.Unauthorized, (await SignInAsync(Browser(own), user.Email, Password)).StatusCode);
        var again = Browser(own);
        Assert.Equal(HttpStatusCode.Found, (await SignInAsync(again, user.Email, "a brand new passphrase")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await again.GetAsync("/api/v1/me")).StatusCode);
    }

    /// <summary>Another client that sends the same sign-in cookie, as an attacker with a copy of it would.</summary>
    private HttpClient CopyOf(HttpClient browser, ProspectorFactory? factory = null)
    {
        var copy = (factory ?? app).CreateClient(new WebApplicationFactoryClientOptions { HandleCookies = false, AllowAutoRedirect = false });
        var cookie = CookieOf(browser);
        copy.DefaultRequestHeaders.Add("Cookie", $"prospector.auth={cookie}");
        return copy;
    }

    /// <summary>The browser's sign-in cookie, read back by asking the app which cookie it would send.</summary>
    private static string CookieOf(HttpClient browser) => BrowserCookies.TryGetValue(browser, out var c) ? c : throw new InvalidOperationException("not signed in");

    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<HttpClient, string> BrowserCookies = new();

    /// <summary>Signs out as the page's Sign out button does: the form with its antiforgery token, posted with the cookie.</summary>
    private static async Task<HttpResponseMessage> SignOutAsync(HttpClient browser)
    {
        var page = await browser.GetAsync("/settings");
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        var html = await page.Content.ReadAsStringAsync();
        var token = InputTag().Matches(html).Select(m => m.Value)
            .Where(t => Attribute(t, "name") == "__RequestVerificationToken").Select(t => Attribute(t, "value")).FirstOrDefault();
        Assert.NotNull(token);
        return await browser.PostAsync("/account/logout", new FormUrlEncodedContent(new Dictionary<string, string> { ["__RequestVerificationToken"] = token! }));
    }

    private Task<int> OpenSessionsAsync(long userId) =>
        app.WithDbAsync((_, sp) => sp.GetRequiredService<Sessions>().CountAsync(userId));

    [Fact]
    public async Task The_setup_link_creates_the_first_admin_once()
    {
        await using var fresh = new ProspectorFactory(app.Provider);
        _ = fresh.Server;
        var token = await fresh.WithDbAsync((_, sp) => sp.GetRequiredService<UserAdmin>().CreateSetupTokenAsync());
        Assert.NotNull(token);
        var browser = Browser(fresh);

        Assert.Equal(HttpStatusCode.NotFound, (await browser.GetAsync("/setup/not-the-token")).StatusCode);
        var page = await browser.GetAsync($"/setup/{token}");
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        var form = await ReadFormAsync(page);
        form.Fill("name", "Ada Admin");
        form.Fill("email", "ada@test.example");
        form.Fill("password", Password);
        var created = await browser.PostAsync($"/setup/{token}", form.Content());

        Assert.True(created.StatusCode == HttpStatusCode.Found, $"{(int)created.StatusCode}: {await created.Content.ReadAsStringAsync()}");
        Assert.Equal("/", created.RedirectPath());
        var me = await browser.GetJsonAsync("/api/v1/me");
        Assert.Equal(("ada@test.example", "Ada Admin", "Admin"),
            (me.GetProperty("email").GetString(), me.GetProperty("displayName").GetString(), me.GetProperty("role").GetString()));

        // The link is used up: the page says so (404), and posting it again creates nobody.
        var anonymous = Browser(fresh);
        Assert.Equal(HttpStatusCode.NotFound, (await anonymous.GetAsync($"/setup/{token}")).StatusCode);
        var replay = await anonymous.PostAsync($"/setup/{token}", form.Content());
        Assert.NotEqual(HttpStatusCode.Found, replay.StatusCode);
        Assert.Equal(1, await fresh.WithDbAsync((db, _) => db.Users.CountAsync()));
        Assert.Null(await fresh.WithDbAsync((_, sp) => sp.GetRequiredService<UserAdmin>().CreateSetupTokenAsync()));
    }

    private static HttpClient Browser(ProspectorFactory factory) =>
        factory.CreateClient(new WebApplicationFactoryClientOptions { HandleCookies = true, AllowAutoRedirect = false });

    /// <summary>Loads the sign-in page and posts its form with the e-mail and password filled in.</summary>
    private static async Task<HttpResponseMessage> SignInAsync(HttpClient browser, string email, string password)
    {
        var page = await browser.GetAsync("/account/login");
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        var form = await ReadFormAsync(page);
        form.Fill("email", email);
        form.Fill("password", password);
        var res = await browser.PostAsync("/account/login", form.Content());
        if (CookiesOf(res).FirstOrDefault(c => c.StartsWith("prospector.auth=", StringComparison.Ordinal)) is { } set)
            BrowserCookies.AddOrUpdate(browser, set["prospector.auth=".Length..].Split(';')[0]);
        return res;
    }

    /// <summary>The page's form as a browser would submit it: every named input (hidden ones included).</summary>
    private static async Task<HtmlForm> ReadFormAsync(HttpResponseMessage page)
    {
        var inputs = InputTag().Matches(await page.Content.ReadAsStringAsync())
            .Select(m => (Name: Attribute(m.Value, "name"), Value: Attribute(m.Value, "value") ?? "", Id: Attribute(m.Value, "id")))
            .Where(i => i.Name is not null).ToList();
        var form = new HtmlForm(inputs.ToDictionary(i => i.Name!, i => i.Value),
            inputs.Where(i => i.Id is not null).ToDictionary(i => i.Id!, i => i.Name!));
        Assert.Contains("__RequestVerificationToken", form.Fields.Keys);
        return form;
    }

    private sealed record HtmlForm(Dictionary<string, string> Fields, Dictionary<string, string> NameById)
    {
        /// <summary>Types into the input a person finds by its label (the label's <c>for</c> is the input's id).</summary>
        public void Fill(string id, string value)
        {
            Assert.True(NameById.TryGetValue(id, out var name), $"the form has no input with id '{id}'");
            Fields[name] = value;
        }

        public FormUrlEncodedContent Content() => new(Fields);
    }

    private static string? Attribute(string tag, string name)
    {
        var m = Regex.Match(tag, $"\\s{name}=\"([^\"]*)\"");
        return m.Success ? WebUtility.HtmlDecode(m.Groups[1].Value) : null;
    }

    private static IEnumerable<string> CookiesOf(HttpResponseMessage res) =>
        res.Headers.TryGetValues("Set-Cookie", out var v) ? v : [];

    [GeneratedRegex("<input\\b[^>]*>", RegexOptions.IgnoreCase)]
    private static partial Regex InputTag();
}

public sealed class AuthTestsSqlite(SqliteApp f) : AuthTests(f.Factory), IClassFixture<SqliteApp>;
public sealed class AuthTestsPostgres(PostgresApp f) : AuthTests(f.Factory), IClassFixture<PostgresApp>;
