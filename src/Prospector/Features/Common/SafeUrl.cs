using System.Text.RegularExpressions;

namespace Prospector.Features.Common;

/// <summary>
/// The one place where text becomes a URL (docs/decisions/0010). Everything users type or import and the app shows as a
/// link goes through here: only http(s) — and mailto:/tel: where a mail address or number is meant — ever becomes an
/// href; anything else (javascript:, data:, vbscript:, with any case, whitespace, control characters or entities) is
/// shown as text. Redirect targets taken from a request go through <see cref="Local"/>.
/// </summary>
public static partial class SafeUrl
{
    /// <summary>The longest redirect target accepted; longer ones are not links a page of this app builds.</summary>
    public const int MaxLocalLength = 2048;

    /// <summary>An http(s) link for a web address ("example.com" becomes https://example.com), or null when it is none.</summary>
    public static string? Web(string? text)
    {
        if (string.IsNullOrWhiteSpace(text)) return null;
        var s = text.Trim();
        if (s.Any(IsUnsafeChar)) return null;
        // No scheme written: a bare host name. Anything with a colon before the first slash names a scheme and must be http(s).
        if (!SchemePrefix().IsMatch(s)) s = "https://" + s;
        return Uri.TryCreate(s, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps)
            && uri.Host.Length > 0 && string.IsNullOrEmpty(uri.UserInfo)
            ? uri.AbsoluteUri : null;
    }

    /// <summary>A mailto: link for one e-mail address, or null.</summary>
    public static string? Mail(string? address)
    {
        if (string.IsNullOrWhiteSpace(address)) return null;
        var s = address.Trim();
        return !s.Any(IsUnsafeChar) && JsonFields.IsEmail(s) && s.IndexOfAny(['?', '&', '/', '\\', ':', '%']) < 0 ? "mailto:" + s : null;
    }

    /// <summary>A tel: link for a phone number (digits, +, spaces and the usual separators), or null.</summary>
    public static string? Tel(string? number)
    {
        if (string.IsNullOrWhiteSpace(number)) return null;
        var s = number.Trim();
        return PhoneChars().IsMatch(s) && s.Any(char.IsAsciiDigit) ? "tel:" + string.Concat(s.Where(c => c != ' ')) : null;
    }

    /// <summary>
    /// A path on this site for a redirect (?redirect=, ?ReturnUrl=): starts with one "/", is not "//host" or "/\host",
    /// has no control characters or whitespace (browsers drop tabs and newlines, so "/\t/evil" would become "//evil"),
    /// and is not absurdly long. Anything else is "/".
    /// </summary>
    public static string Local(string? url)
    {
        if (string.IsNullOrEmpty(url) || url.Length > MaxLocalLength || url[0] != '/') return "/";
        if (url.Length > 1 && (url[1] == '/' || url[1] == '\\')) return "/";
        if (url.Any(c => IsUnsafeChar(c) || char.IsWhiteSpace(c) || c == '\\')) return "/";
        return Uri.TryCreate(url, UriKind.Relative, out _) ? url : "/";
    }

    private static bool IsUnsafeChar(char c) => char.IsControl(c) || c is '\u2028' or '\u2029' or '\uFEFF' or '\u200B' or '<' or '>' or '"' or '`';

    [GeneratedRegex(@"^[a-zA-Z][a-zA-Z0-9+.\-]*:(?!\d)", RegexOptions.CultureInvariant)]
    private static partial Regex SchemePrefix();

    [GeneratedRegex(@"^\+?[0-9 ()./\-]{3,40}$", RegexOptions.CultureInvariant)]
    private static partial Regex PhoneChars();
}

/// <summary>What a piece of user data shown as a link is.</summary>
public enum LinkKind { Web, Mail, Tel }
