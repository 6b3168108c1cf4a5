using System.Globalization;
using System.Security.Cryptography;
using Microsoft.AspNetCore.DataProtection;

namespace Prospector.Features.Forms;

/// <summary>
/// The signed hidden field of a rendered form (ASP.NET Data Protection, keys in the database): which form it belongs to
/// and when the page was rendered, so a submission sent faster than a person could type goes to review. The snippet pasted
/// into a website is static HTML, so its token carries no time ("embed"); there the honeypot and the rate limit remain.
/// </summary>
public sealed class FormTokens(IDataProtectionProvider protection, TimeProvider time)
{
    private const string Embed = "embed";
    private readonly IDataProtector _protector = protection.CreateProtector("Prospector.Forms.Token.v1");

    public string ForPage(long formId) =>
        _protector.Protect($"{formId.ToString(CultureInfo.InvariantCulture)}|{time.GetUtcNow().ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture)}");

    public string ForEmbed(long formId) => _protector.Protect($"{formId.ToString(CultureInfo.InvariantCulture)}|{Embed}");

    /// <summary>Whether the token is one of ours for this form; <paramref name="renderedAt"/> is null for the embed snippet's.</summary>
    public bool TryRead(string? token, long formId, out DateTimeOffset? renderedAt)
    {
        renderedAt = null;
        if (string.IsNullOrEmpty(token) || token.Length > 1000) return false;
        string plain;
        try
        {
            plain = _protector.Unprotect(token);
        }
        catch (CryptographicException)
        {
            return false;
        }
        var parts = plain.Split('|');
        if (parts.Length != 2 || parts[0] != formId.ToString(CultureInfo.InvariantCulture)) return false;
        if (parts[1] == Embed) return true;
        if (!long.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var ms)) return false;
        renderedAt = DateTimeOffset.FromUnixTimeMilliseconds(ms);
        return true;
    }
}
