using Prospector.Features.Auth;
using Prospector.Features.Common;

namespace Prospector.Tests.Unit;

/// <summary>The XSS corpus against the one helper that turns text into a link or a redirect (docs/decisions/0010).</summary>
public sealed class SafeUrlTests
{
    /// <summary>Values an attacker stores in a website, e-mail or phone field, or a Markdown link, hoping for a script URL.</summary>
    public static readonly string[] Hostile =
    [
        "javascript:alert(1)", "JaVaScRiPt:alert(1)", "  javascript:alert(1)", "\tjavascript:alert(1)", "\u0001javascript:alert(1)",
        "java\tscript:alert(1)", "java\nscript:alert(1)", "java\rscript:alert(1)", "javascript\u0000:alert(1)", "\u00A0javascript:alert(1)",
        "jav&#x61;script:alert(1)", "jav&#97;script:alert(1)", "javascript&colon;alert(1)", "&#106;avascript:alert(1)",
        "data:text/html,<script>alert(1)</script>", "DATA:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
        "vbscript:msgbox(1)", "VBScript:msgbox(1)", "file:///etc/passwd", "blob:https://evil.example/x", "filesystem:x",
        "\u2028javascript:alert(1)", "\uFEFFjavascript:alert(1)", "https://ok.example\"onmouseover=\"alert(1)",
        "https://ok.example/<script>", "javascript://ok.example/%0aalert(1)", "//evil.example", "/\\evil.example",
    ];

    public static TheoryData<string> HostileData() => [.. Hostile];

    [Theory]
    [MemberData(nameof(HostileData))]
    public void No_hostile_value_becomes_a_script_link_of_any_kind(string value)
    {
        foreach (var href in new[] { SafeUrl.Web(value), SafeUrl.Mail(value), SafeUrl.Tel(value) })
            Assert.True(href is null || IsSafe(href), $"{value} → {href}");
        Assert.StartsWith("/", SafeUrl.Local(value), StringComparison.Ordinal);
        Assert.False(SafeUrl.Local(value).StartsWith("//", StringComparison.Ordinal));
    }

    [Theory]
    [MemberData(nameof(HostileData))]
    public void A_Markdown_link_in_notes_never_gets_a_script_href(string value)
    {
        foreach (var markdown in new[] { $"[offer]({value})", $"<{value}>", $"[offer][1]\n\n[1]: {value}", $"[offer](<{value}>)", value })
        {
            var html = Prospector.Features.Conversations.Markdown.ToHtml(markdown);
            foreach (System.Text.RegularExpressions.Match m in System.Text.RegularExpressions.Regex.Matches(html, "href=\"([^\"]*)\""))
                Assert.True(IsSafe(System.Net.WebUtility.HtmlDecode(m.Groups[1].Value)), $"{markdown} → {html}");
        }
    }

    [Theory]
    [InlineData("https://www.example.de/kontakt?x=1", "https://www.example.de/kontakt?x=1")]
    [InlineData("HTTP://Example.NL", "http://example.nl/")]
    [InlineData("www.baeckerei-mueller.de", "https://www.baeckerei-mueller.de/")]
    [InlineData("example.com:8080/shop", "https://example.com:8080/shop")]
    public void A_web_address_becomes_an_http_link(string value, string expected) => Assert.Equal(expected, SafeUrl.Web(value));

    [Fact]
    public void Mail_and_phone_links_are_made_only_from_an_address_and_a_number()
    {
        Assert.Equal("mailto:anna@example.nl", SafeUrl.Mail(" anna@example.nl "));
        Assert.Null(SafeUrl.Mail("anna@example.nl?bcc=all@example.nl"));
        Assert.Equal("tel:+49(221)123-4567", SafeUrl.Tel("+49 (221) 123-4567"));
        Assert.Null(SafeUrl.Tel("+49 221 1234567;javascript:alert(1)"));
    }

    [Theory]
    [InlineData("/contacts/3?tab=history", "/contacts/3?tab=history")]
    [InlineData("/", "/")]
    [InlineData("/\t/evil.example", "/")]
    [InlineData("/ /evil.example", "/")]
    [InlineData("https://evil.example", "/")]
    [InlineData(null, "/")]
    public void A_redirect_target_is_a_path_of_this_site(string? value, string expected) => Assert.Equal(expected, SafeUrl.Local(value));

    [Theory]
    [InlineData("ſam@test.example", "sam@test.example")]
    [InlineData("  SAM@Test.Example ", "sam@test.example")]
    [InlineData("ｓａｍ@ｔｅｓｔ.example", "sam@test.example")]
    [InlineData("\u212Aarl@test.example", "karl@test.example")] // Kelvin sign
    public void Look_alike_spellings_of_an_address_are_one_identity(string value, string expected)
    {
        Assert.Equal(expected, Identities.Canonical(value));
        Assert.Equal(expected.ToUpperInvariant(), new IdentityNormalizer().NormalizeEmail(value));
    }

    private static bool IsSafe(string href) =>
        href.StartsWith("https://", StringComparison.Ordinal) || href.StartsWith("http://", StringComparison.Ordinal)
        || href.StartsWith("mailto:", StringComparison.Ordinal) || href.StartsWith("tel:", StringComparison.Ordinal);
}
