using System.Globalization;
using System.Text;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;
using Prospector.Data;
using Prospector.Features.Audit;
using Prospector.Features.Common;

namespace Prospector.Features.Auth;

/// <summary>What the set-up page shows: the key as text (grouped for typing) and the otpauth link the QR code holds.</summary>
public sealed record AuthenticatorSetup(string Key, string Uri);

/// <summary>
/// Two-factor sign-in with an authenticator app (TOTP, RFC 6238, through ASP.NET Core Identity's authenticator token provider)
/// and one-time recovery codes. A user turns it on with a code from the app (and gets ten recovery codes, shown once), turns
/// it off with a current code or their password; an admin resets it for a user who lost their phone. Each step, and each
/// wrong code, is a security event in the audit trail. Turning it on or off changes the security stamp: the user's other
/// sessions end (the page that did it signs in again).
/// </summary>
public sealed class TwoFactor(UserManager<User> users, IUserStore<User> store, ProspectorDb db, SecurityLog log, IStringLocalizer<SharedResource> l)
{
    public const int RecoveryCodes = 10;
    private const string Issuer = "Prospector";

    /// <summary>Whether the workspace asks every user for a second factor.</summary>
    public Task<bool> RequiredAsync(CancellationToken ct = default) => db.WorkspaceSettings.AnyAsync(w => w.RequireTwoFactor, ct);

    /// <summary>Whether this user must set up two-factor before working: the workspace requires it and they have none.</summary>
    public Task<bool> MustSetUpAsync(long userId, CancellationToken ct = default) =>
        db.Users.AnyAsync(u => u.Id == userId && !u.TwoFactorEnabled && db.WorkspaceSettings.Any(w => w.RequireTwoFactor), ct);

    /// <summary>The user's authenticator key (made on first use) and the otpauth link for the QR code.</summary>
    public async Task<AuthenticatorSetup> SetupAsync(User user)
    {
        var key = await users.GetAuthenticatorKeyAsync(user);
        if (string.IsNullOrEmpty(key))
        {
            // The first key is stored without a new security stamp (ResetAuthenticatorKeyAsync would end this very session).
            key = users.GenerateNewAuthenticatorKey();
            await ((IUserAuthenticatorKeyStore<User>)store).SetAuthenticatorKeyAsync(user, key, CancellationToken.None);
            await users.UpdateAsync(user);
        }
        var label = Uri.EscapeDataString($"{Issuer}:{user.Email}");
        return new AuthenticatorSetup(Grouped(key), $"otpauth://totp/{label}?secret={key}&issuer={Issuer}&digits=6");
    }

    /// <summary>Turns two-factor on after checking a code from the app; returns the recovery codes (shown once).</summary>
    public async Task<Outcome<IReadOnlyList<string>>> EnableAsync(User user, string? code)
    {
        if (user.TwoFactorEnabled) return Outcome<IReadOnlyList<string>>.Invalid("code", l["Two-factor sign-in is already on."]);
        if (!await CodeIsRightAsync(user, code))
        {
            await FailedAsync(user, "setup");
            return Outcome<IReadOnlyList<string>>.Invalid("code", l["The code is wrong or too old. Enter the code your app shows now."]);
        }
        await users.SetTwoFactorEnabledAsync(user, true);
        var codes = (await users.GenerateNewTwoFactorRecoveryCodesAsync(user, RecoveryCodes))?.ToList() ?? [];
        await log.RecordAsync(AuditAction.TwoFactorEnabled, nameof(User), user.Id, user.Id, user.Email);
        return codes;
    }

    /// <summary>Turns two-factor off with a current code or the password; not while the workspace requires it.</summary>
    public async Task<Outcome<Done>> DisableAsync(User user, string? codeOrPassword)
    {
        if (!user.TwoFactorEnabled) return Outcome<Done>.Invalid("code", l["Two-factor sign-in is not on."]);
        if (await RequiredAsync()) return Outcome<Done>.Invalid("code", l["Your workspace requires two-factor sign-in: it stays on."]);
        if (string.IsNullOrEmpty(codeOrPassword) || codeOrPassword.Length > 1000
            || !(await CodeIsRightAsync(user, codeOrPassword) || await users.CheckPasswordAsync(user, codeOrPassword)))
        {
            await FailedAsync(user, "disable");
            return Outcome<Done>.Invalid("code", l["Enter a current code from your app or your password."]);
        }
        await users.SetTwoFactorEnabledAsync(user, false);
        await users.ResetAuthenticatorKeyAsync(user); // the app's old entry no longer works
        await log.RecordAsync(AuditAction.TwoFactorDisabled, nameof(User), user.Id, user.Id, user.Email);
        return new Done();
    }

    /// <summary>An admin resets a user's two-factor (lost phone): off, new key, their sessions end.</summary>
    public async Task<Outcome<Done>> ResetAsync(long userId, CancellationToken ct = default)
    {
        if (await users.FindByIdAsync(userId.ToString(CultureInfo.InvariantCulture)) is not { } user)
            return Outcome<Done>.NotFound("User not found", l["There is no user {0}.", userId]);
        if (!user.TwoFactorEnabled) return Outcome<Done>.Invalid("userId", l["{0} has no two-factor sign-in to reset.", user.DisplayName]);
        await users.SetTwoFactorEnabledAsync(user, false);
        await users.ResetAuthenticatorKeyAsync(user);
        await db.UserSessions.Where(s => s.UserId == userId).ExecuteDeleteAsync(ct);
        await log.RecordAsync(AuditAction.TwoFactorReset, nameof(User), user.Id, details: [new FieldChange("Email", null, user.Email)], ct: ct);
        return new Done();
    }

    /// <summary>How many unused recovery codes the user has left.</summary>
    public Task<int> RecoveryCodesLeftAsync(User user) => users.CountRecoveryCodesAsync(user);

    /// <summary>A wrong second-factor code (at sign-in, setup or turning it off) in the audit trail.</summary>
    public Task FailedAsync(User user, string step) =>
        log.RecordAsync(AuditAction.TwoFactorFailed, nameof(User), user.Id, user.Id, user.Email, [new FieldChange("Step", null, step)]);

    private async Task<bool> CodeIsRightAsync(User user, string? code) =>
        Normalized(code) is { Length: 6 } digits && digits.All(char.IsAsciiDigit)
        && await users.VerifyTwoFactorTokenAsync(user, users.Options.Tokens.AuthenticatorTokenProvider, digits);

    /// <summary>The code as typed, without spaces and dashes.</summary>
    public static string Normalized(string? code) => (code ?? "").Replace(" ", "", StringComparison.Ordinal).Replace("-", "", StringComparison.Ordinal).Trim();

    /// <summary>A recovery code as Identity issued it (XXXXX-XXXXX), however it was typed: spaces, case, with or without the dash.</summary>
    public static string RecoveryCode(string? typed)
    {
        var code = (typed ?? "").Replace(" ", "", StringComparison.Ordinal).Trim().ToUpperInvariant();
        return code.Length == 10 && !code.Contains('-', StringComparison.Ordinal) ? code[..5] + "-" + code[5..] : code;
    }

    private static string Grouped(string key)
    {
        var b = new StringBuilder();
        for (var i = 0; i < key.Length; i += 4) b.Append(b.Length > 0 ? " " : "").Append(key.AsSpan(i, Math.Min(4, key.Length - i)));
        return b.ToString().ToLowerInvariant();
    }
}
