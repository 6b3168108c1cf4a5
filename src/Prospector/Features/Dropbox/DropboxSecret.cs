using System.Security.Cryptography;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Prospector.Data;
using Prospector.Features.Access;
using Prospector.Features.Common;

namespace Prospector.Features.Dropbox;

/// <summary>
/// The workspace's secret dropbox address: the configured mailbox address with a random token as plus-address
/// (<c>log+k3x…@crm.example</c>), so that only people who were shown it can have mail logged (ADR 0016). The token is made on
/// first use and kept in <see cref="WorkspaceSettings.DropboxToken"/>; an admin replaces it with <see cref="RenewAsync"/>.
/// </summary>
public sealed class DropboxSecret(ProspectorDb db, IOptionsMonitor<DropboxOptions> options)
{
    private const string Alphabet = "abcdefghijklmnopqrstuvwxyz0123456789";
    /// <summary>20 characters of 36: about 103 bits, not guessable.</summary>
    public const int TokenLength = 20;

    /// <summary>The mailbox address the token is added to: Dropbox:Address, else the IMAP user name when it is an address.</summary>
    public string? BaseAddress => options.CurrentValue is { Enabled: true } o
        ? (o.Address ?? o.UserName) is { } a && a.Trim() is var t && t.IndexOf('@') > 0 && t.IndexOf('@') < t.Length - 1 ? DropboxMail.Normal(t) : null
        : null;

    /// <summary>The current secret address; null while the dropbox is off or has no address. Makes the token on first use.</summary>
    public async Task<string?> AddressAsync(CancellationToken ct = default)
    {
        if (BaseAddress is not { } address) return null;
        var token = await db.WorkspaceSettings.AsNoTracking().Select(s => s.DropboxToken).FirstAsync(ct);
        if (token is null)
        {
            // Two instances making one at once: the conditional update lets the first win, and both read that one.
            await db.WorkspaceSettings.Where(s => s.DropboxToken == null).ExecuteUpdateAsync(u => u.SetProperty(s => s.DropboxToken, NewToken()), ct);
            token = await db.WorkspaceSettings.AsNoTracking().Select(s => s.DropboxToken).FirstAsync(ct);
        }
        return With(address, token!);
    }

    /// <summary>Replaces the token (admins): mail to the old address is held for review from now on. Answers the new address.</summary>
    public async Task<Outcome<string>> RenewAsync(AccessScope scope, CancellationToken ct = default)
    {
        if (!scope.IsAdmin) return Outcome<string>.Forbidden("Only admins may replace the dropbox address");
        if (BaseAddress is not { } address) return Outcome<string>.Conflict("The dropbox is off", "Set Dropbox__Host and Dropbox__Address first.");
        var token = NewToken();
        await db.WorkspaceSettings.ExecuteUpdateAsync(u => u.SetProperty(s => s.DropboxToken, token), ct);
        return With(address, token);
    }

    public static string With(string address, string token)
    {
        var at = address.LastIndexOf('@');
        return $"{address[..at]}+{token}{address[at..]}";
    }

    /// <summary>Whether an address is the dropbox mailbox under any token (or none): such addresses are never matched to contacts.</summary>
    public static bool IsDropbox(string candidate, string baseAddress)
    {
        var at = baseAddress.LastIndexOf('@');
        var cat = candidate.LastIndexOf('@');
        if (at <= 0 || cat <= 0 || !candidate[cat..].Equals(baseAddress[at..], StringComparison.OrdinalIgnoreCase)) return false;
        var local = candidate[..cat];
        return local.Equals(baseAddress[..at], StringComparison.OrdinalIgnoreCase)
            || local.StartsWith(baseAddress[..at] + "+", StringComparison.OrdinalIgnoreCase);
    }

    private static string NewToken() => RandomNumberGenerator.GetString(Alphabet, TokenLength);
}
