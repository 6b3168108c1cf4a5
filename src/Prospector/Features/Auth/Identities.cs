using System.Text;
using Microsoft.AspNetCore.Identity;

namespace Prospector.Features.Auth;

/// <summary>
/// One spelling per identity (docs/decisions/0010): e-mail addresses are trimmed, brought to Unicode NFKC and case-folded
/// before they are stored, looked up or counted by the sign-in throttle, so a look-alike ("ſ" for "s", a full-width
/// "ｓ", the Kelvin sign for "K") is the same account and the same throttle bucket, never a second door.
/// </summary>
public static class Identities
{
    /// <summary>The stored, compared and counted form of an e-mail address or user name (lower case).</summary>
    public static string Canonical(string? text)
    {
        if (string.IsNullOrWhiteSpace(text)) return "";
        var s = Prospector.Data.UnicodeText.Normalize(text.Trim(), NormalizationForm.FormKC);
        // Upper then lower folds the letters that have no plain lower-case twin (ſ → S → s, K → K → k).
        s = s.ToUpperInvariant().ToLowerInvariant().Normalize(NormalizationForm.FormKC);
        return s;
    }

    /// <summary>The key of the NormalizedEmail / NormalizedUserName columns (upper case of the canonical form).</summary>
    public static string Key(string? text) => Canonical(text).ToUpperInvariant();
}

/// <summary>ASP.NET Identity's lookup normalizer, folding like <see cref="Identities"/>. Same key as before for ASCII addresses.</summary>
public sealed class IdentityNormalizer : ILookupNormalizer
{
    public string? NormalizeName(string? name) => name is null ? null : Identities.Key(name);
    public string? NormalizeEmail(string? email) => email is null ? null : Identities.Key(email);
}
