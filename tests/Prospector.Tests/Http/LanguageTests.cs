using System.Net.Http.Headers;
using Prospector.Tests.Infrastructure;

namespace Prospector.Tests.Http;

/// <summary>The UI and the API's messages speak the user's language.</summary>
public sealed class LanguageTests(SqliteApp f) : IClassFixture<SqliteApp>
{
    [Theory]
    [InlineData("de-DE,de;q=0.9", "Anmelden", "Passwort")]
    [InlineData("nl-NL", "Inloggen", "Wachtwoord")]
    [InlineData("en-GB", "Sign in", "Password")]
    public async Task The_sign_in_page_follows_the_browser_language(string acceptLanguage, string title, string password)
    {
        var client = f.Factory.CreateClient();
        client.DefaultRequestHeaders.AcceptLanguage.ParseAdd(acceptLanguage);
        var html = await client.GetStringAsync("/account/login");
        Assert.Contains(title, html, StringComparison.Ordinal);
        Assert.Contains(password, html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_chosen_language_wins_over_the_browser_and_is_kept_in_a_cookie()
    {
        var client = f.Factory.CreateClient(new() { AllowAutoRedirect = false, HandleCookies = true });
        client.DefaultRequestHeaders.AcceptLanguage.ParseAdd("en-GB");
        var set = await client.GetAsync("/account/culture?culture=de&redirect=/account/login");
        Assert.Equal("/account/login", set.RedirectPath());
        Assert.Contains("Anmelden", await client.GetStringAsync("/account/login"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Validation_messages_of_the_api_are_translated()
    {
        var rep = await f.Factory.UserAsync("Rep");
        var request = TestHttp.Request(HttpMethod.Post, "/api/v1/contacts", TestHttp.Json("""{"lastName":"X","email":"kaputt"}"""));
        request.Headers.AcceptLanguage.Add(new StringWithQualityHeaderValue("de"));
        var body = await (await rep.Client.SendAsync(request)).Content.ReadAsStringAsync();
        Assert.Contains("keine gültige E-Mail-Adresse", body, StringComparison.Ordinal);
    }
}
