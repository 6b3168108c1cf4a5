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

        Assert.Equal(HttpStatusCode.NoContent, (await admin.Client.PostAsync($"/api/v1/users/{user.Id}/deactivate", null)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await browser.GetAsync("/api/v1/me")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await browser.GetAsync("/api/v1/contacts")).StatusCode);

        // Nor can they sign in again.
        var again = await SignInAsync(Browser(app), user.Email, Password);
        Assert.Equal(HttpStatusCode.Unauthorized, again.StatusCode);
    }

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
        return await browser.PostAsync("/account/login", form.Content());
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
