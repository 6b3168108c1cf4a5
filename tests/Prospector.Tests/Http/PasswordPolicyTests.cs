using System.Net;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Mvc.Testing;
using Prospector.Features.Auth;
using Prospector.Tests.Infrastructure;

namespace Prospector.Tests.Http;

/// <summary>
/// Passwords from the bundled list of the most common ones are refused wherever a password is set (user creation, password
/// change, the reset link), in the user's language; and the "forgot password" mail goes through a real SMTP listener and
/// its link sets a new password once.
/// </summary>
public abstract partial class PasswordPolicyTests(Provider provider) : IAsyncLifetime
{
    private readonly SmtpSink _smtp = new();
    private ProspectorFactory _app = default!;

    public Task InitializeAsync()
    {
        _app = new ProspectorFactory(provider, _smtp.Settings);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        await _app.DisposeAsync();
        await _smtp.DisposeAsync();
    }

    [Fact]
    public async Task The_bundled_list_holds_the_common_passwords_whatever_their_case_and_lets_good_ones_through()
    {
        Assert.True(BreachedPasswords.Count > 20_000);
        Assert.True(BreachedPasswords.IsCommon("1234567890"));
        Assert.True(BreachedPasswords.IsCommon("PassWord123"));
        Assert.False(BreachedPasswords.IsCommon("correct horse battery"));
        await Task.CompletedTask;
    }

    [Fact]
    public async Task A_common_password_is_refused_when_an_admin_creates_a_user_and_when_a_user_changes_theirs()
    {
        var admin = await _app.UserAsync("Admin");
        var email = $"{TestHttp.Unique("new").ToLowerInvariant()}@test.example";
        var create = await admin.Client.PostAsJsonAsync("/api/v1/users", new { email, password = "qwertyuiop", role = "Rep", displayName = "Neu" });
        await TestHttp.AssertValidationProblemAsync(create, "password");
        Assert.Contains("most common passwords", await create.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Created, (await admin.Client.PostAsJsonAsync("/api/v1/users", new { email, password = "qwertyuiop and more", role = "Rep", displayName = "Neu" })).StatusCode);

        var rep = await _app.UserAsync("Rep", "Nord");
        var german = new HttpRequestMessage(HttpMethod.Post, "/api/v1/me/password")
        {
            Content = JsonContent.Create(new { currentPassword = "correct horse battery", newPassword = "Password123" }),
        };
        german.Headers.AcceptLanguage.ParseAdd("de");
        var change = await rep.Client.SendAsync(german);
        await TestHttp.AssertValidationProblemAsync(change, "newPassword");
        Assert.Contains("häufigsten Passwörter", await change.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        // The old password still works: nothing changed.
        Assert.Equal(HttpStatusCode.OK, (await rep.Client.GetAsync("/api/v1/me")).StatusCode);
    }

    [Fact]
    public async Task The_forgot_password_mail_arrives_over_SMTP_and_its_link_sets_a_new_password_once()
    {
        var rep = await _app.UserAsync("Rep", "Nord");
        var browser = _app.CreateClient(new WebApplicationFactoryClientOptions { HandleCookies = true, AllowAutoRedirect = false });
        Assert.Contains("data-testid=\"forgot-link\"", await browser.GetStringAsync("/account/login"), StringComparison.Ordinal);
        var forgot = await browser.GetAsync("/account/forgot");
        var form = await FormAsync(forgot);
        form["Input.Email"] = rep.Email.ToUpperInvariant(); // as typed, in capitals
        Assert.Equal(HttpStatusCode.OK, (await browser.PostAsync("/account/forgot", new FormUrlEncodedContent(form))).StatusCode);

        var mail = await ArrivesAsync(rep.Email);
        var link = Regex.Match(mail.TextBody ?? "", @"https?://\S+/account/reset/\S+").Value;
        Assert.False(string.IsNullOrEmpty(link), mail.TextBody);
        var path = new Uri(link).PathAndQuery;

        // A common password is refused on the page, and the link still works after that.
        var page = await browser.GetAsync(path);
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        var reset = await FormAsync(page);
        (reset["Input.Password"], reset["Input.Repeat"]) = ("1234567890", "1234567890");
        var refused = await browser.PostAsync(path, new FormUrlEncodedContent(reset));
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Contains("most common passwords", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        reset = await FormAsync(await browser.GetAsync(path));
        (reset["Input.Password"], reset["Input.Repeat"]) = ("a mailed new passphrase", "a mailed new passphrase");
        var done = await browser.PostAsync(path, new FormUrlEncodedContent(reset));
        Assert.Equal(HttpStatusCode.Found, done.StatusCode);
        Assert.StartsWith("/account/login", done.RedirectPath(), StringComparison.Ordinal);

        // The new password signs in; the link is used up.
        var login = await FormAsync(await browser.GetAsync("/account/login"));
        (login["Input.Email"], login["Input.Password"]) = (rep.Email, "a mailed new passphrase");
        var signedIn = await browser.PostAsync("/account/login", new FormUrlEncodedContent(login));
        Assert.Equal(HttpStatusCode.Found, signedIn.StatusCode);
        Assert.Equal("/", signedIn.RedirectPath());
        Assert.Equal(HttpStatusCode.NotFound, (await browser.GetAsync(path)).StatusCode);
    }

    /// <summary>Waits (bounded) for the message to the address to reach the SMTP listener: the app sends it after answering.</summary>
    private Task<MimeKit.MimeMessage> ArrivesAsync(string to) =>
        _smtp.WaitForAsync(m => m.To.Mailboxes.Any(b => b.Address == to), TimeSpan.FromSeconds(30), $"mail to {to}");

    /// <summary>Every named input of the page's form (hidden ones included), as a browser would post them.</summary>
    private static async Task<Dictionary<string, string>> FormAsync(HttpResponseMessage page)
    {
        var html = await page.Content.ReadAsStringAsync();
        var fields = new Dictionary<string, string>();
        foreach (Match m in InputTag().Matches(html))
        {
            var name = Regex.Match(m.Value, "\\sname=\"([^\"]*)\"");
            if (!name.Success) continue;
            var value = Regex.Match(m.Value, "\\svalue=\"([^\"]*)\"");
            fields[WebUtility.HtmlDecode(name.Groups[1].Value)] = value.Success ? WebUtility.HtmlDecode(value.Groups[1].Value) : "";
        }
        Assert.Contains("__RequestVerificationToken", fields.Keys);
        return fields;
    }

    [GeneratedRegex("<input\\b[^>]*>", RegexOptions.IgnoreCase)]
    private static partial Regex InputTag();
}

public sealed class PasswordPolicyTestsSqlite() : PasswordPolicyTests(Provider.Sqlite);
public sealed class PasswordPolicyTestsPostgres() : PasswordPolicyTests(Provider.Postgres);
