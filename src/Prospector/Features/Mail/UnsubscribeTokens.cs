using System.Globalization;
using System.Security.Cryptography;
using Microsoft.AspNetCore.DataProtection;

namespace Prospector.Features.Mail;

/// <summary>
/// The unguessable part of an unsubscribe link (ASP.NET Data Protection, keys in the database): which contact and which
/// address it was sent to. It does not expire: a mail read a year later must still let its reader leave.
/// </summary>
public sealed class UnsubscribeTokens(IDataProtectionProvider protection)
{
    private readonly IDataProtector _protector = protection.CreateProtector("Prospector.Mail.Unsubscribe.v1");

    public string For(long contactId, string email) =>
        _protector.Protect($"{contactId.ToString(CultureInfo.InvariantCulture)}|{email.Trim().ToLowerInvariant()}");

    public bool TryRead(string? token, out long contactId, out string email)
    {
        contactId = 0;
        email = "";
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
        var bar = plain.IndexOf('|', StringComparison.Ordinal);
        if (bar <= 0 || !long.TryParse(plain[..bar], NumberStyles.None, CultureInfo.InvariantCulture, out contactId)) return false;
        email = plain[(bar + 1)..];
        return email.Length > 0;
    }
}
