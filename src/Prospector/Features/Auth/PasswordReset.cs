using System.Globalization;
using System.Net;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;
using Microsoft.Extensions.Options;
using Prospector.Data;
using Prospector.Features.Common;
using Prospector.Features.Reminders;

namespace Prospector.Features.Auth;

/// <summary>A one-time link to set a new password: the path to open (<c>/account/reset/…</c>) and until when it works.</summary>
public sealed record ResetLink(string Path, DateTime ExpiresAt);

/// <summary>
/// Setting a new password without the old one, by a one-time link (<see cref="OneTimeToken"/>, purpose <c>reset:{userId}</c>,
/// only its hash stored): an admin makes one for a user (valid three days), or a user asks for one by e-mail on the sign-in
/// page when SMTP is configured (valid one hour; the answer never tells whether the address has an account). Using the link
/// sets the password, ends every session of the user and is recorded in the audit trail; a newer link replaces older ones.
/// </summary>
public sealed class PasswordReset(ProspectorDb db, UserManager<User> users, IAuditActor actor, TimeProvider time, ReminderMail mail,
    IOptions<ReminderOptions> reminders, LoginThrottle throttle, IStringLocalizer<SharedResource> l, ILogger<PasswordReset> log)
{
    public static readonly TimeSpan AdminLinkLifetime = TimeSpan.FromDays(3), MailLinkLifetime = TimeSpan.FromHours(1);
    private const string Prefix = "reset:";

    private DateTime Now => time.GetUtcNow().UtcDateTime;

    /// <summary>An admin's reset link for an active user; their present password keeps working until the link is used.</summary>
    public async Task<Outcome<ResetLink>> CreateLinkAsync(long userId, CancellationToken ct = default)
    {
        if (!await db.Users.AnyAsync(u => u.Id == userId && u.DeactivatedAt == null, ct))
            return Outcome<ResetLink>.NotFound("User not found", l["There is no active user {0}.", userId]);
        var link = await IssueAsync(userId, AdminLinkLifetime, ct);
        AdminAudit.Add(db, actor, Now, nameof(User), userId, AuditAction.Updated, new FieldChange("Password", null, "reset link issued"));
        await db.SaveChangesAsync(ct);
        return link;
    }

    /// <summary>
    /// "Forgot password": sends a link to the address when it belongs to an active user and mail is configured. Always returns
    /// normally (the caller shows the same answer whatever happened); false only when the asker must wait (too many requests).
    /// </summary>
    public async Task<bool> RequestByMailAsync(string? email, string clientAddress, CancellationToken ct = default)
    {
        var address = Identities.Canonical(email);
        if (string.IsNullOrEmpty(address)) return true;
        var account = "reset " + address;
        if (throttle.IsBlocked(clientAddress, account, out _)) return false;
        throttle.Failed(clientAddress, account); // every request counts: a few per address, a few more per client
        if (!mail.Enabled) return true;
        var user = await users.FindByEmailAsync(address);
        if (user is null || user.DeactivatedAt is not null) return true;
        var link = await IssueAsync(user.Id, MailLinkLifetime, ct);
        AdminAudit.Add(db, actor, Now, nameof(User), user.Id, AuditAction.Updated, new FieldChange("Password", null, "reset link sent by e-mail"));
        await db.SaveChangesAsync(ct);
        var culture = CultureInfo.GetCultureInfo(user.Culture is { Length: > 0 } c ? c : "en");
        var (ui, format) = (CultureInfo.CurrentUICulture, CultureInfo.CurrentCulture);
        MailMessage message;
        try
        {
            (CultureInfo.CurrentUICulture, CultureInfo.CurrentCulture) = (culture, culture);
            var url = reminders.Value.PublicUrl.TrimEnd('/') + link.Path;
            var text = l["Someone (hopefully you) asked to set a new password for Prospector. Open this link within an hour to choose one:"].Value
                + "\n" + url + "\n\n" + l["If you did not ask for it, ignore this e-mail: your password stays as it is."].Value;
            var html = $"<p>{WebUtility.HtmlEncode(l["Someone (hopefully you) asked to set a new password for Prospector. Open this link within an hour to choose one:"])}</p>"
                + $"<p><a href=\"{WebUtility.HtmlEncode(url)}\">{WebUtility.HtmlEncode(url)}</a></p>"
                + $"<p>{WebUtility.HtmlEncode(l["If you did not ask for it, ignore this e-mail: your password stays as it is."])}</p>";
            message = new MailMessage(user.Email!, user.DisplayName, l["Set a new Prospector password"], text, html);
        }
        finally
        {
            (CultureInfo.CurrentUICulture, CultureInfo.CurrentCulture) = (ui, format);
        }
        // Sent after the answer: waiting for the mail server would let the answer's timing tell which addresses exist.
        _ = SendAsync(message, user.Id);
        return true;
    }

    private async Task SendAsync(MailMessage message, long userId)
    {
        try
        {
            await mail.SendAsync(message, CancellationToken.None);
        }
        catch (Exception e)
        {
            // The asker is not told (that would say the address exists); the operator sees it in the log.
            log.LogWarning(e, "The password reset e-mail to user {UserId} could not be sent.", userId);
        }
    }

    /// <summary>The user a still valid link is for (name and address, to greet them), or null.</summary>
    public async Task<(string Name, string Email)?> UserOfAsync(string secret, CancellationToken ct = default)
    {
        if (await ValidTokenAsync(secret, ct) is not { } t) return null;
        var u = await db.Users.Where(x => x.Id == t.UserId && x.DeactivatedAt == null).Select(x => new { x.DisplayName, x.Email }).FirstOrDefaultAsync(ct);
        return u is null ? null : (u.DisplayName, u.Email ?? "");
    }

    /// <summary>Sets the new password through the link; the link is used up only when the password is accepted.</summary>
    public async Task<Outcome<Done>> CompleteAsync(string secret, string? password, CancellationToken ct = default)
    {
        if (string.IsNullOrEmpty(password)) return Outcome<Done>.Invalid("password", l["Enter a new password."]);
        if (password.Length > 1000) return Outcome<Done>.Invalid("password", l["{0} is longer than {1} characters.", "password", 1000]);
        if (await ValidTokenAsync(secret, ct) is not { } t
            || await users.FindByIdAsync(t.UserId.ToString(CultureInfo.InvariantCulture)) is not { DeactivatedAt: null } user)
            return Outcome<Done>.NotFound("Link not valid", l["This link is invalid, expired or was already used."]);
        var errors = new List<string>();
        foreach (var v in users.PasswordValidators)
            if (await v.ValidateAsync(users, user, password) is { Succeeded: false } r) errors.AddRange(r.Errors.Select(e => e.Description));
        if (errors.Count > 0) return Outcome<Done>.Invalid(new Dictionary<string, string[]> { ["password"] = [.. errors] });
        // Used up atomically: of two tabs sending the form, one sets the password.
        if (await db.OneTimeTokens.Where(x => x.Id == t.Id && x.UsedAt == null).ExecuteUpdateAsync(s => s.SetProperty(x => x.UsedAt, Now), ct) != 1)
            return Outcome<Done>.NotFound("Link not valid", l["This link is invalid, expired or was already used."]);
        user.PasswordHash = users.PasswordHasher.HashPassword(user, password);
        await users.UpdateSecurityStampAsync(user); // saves the hash too; every cookie of the user ends at its next request
        await db.UserSessions.Where(s => s.UserId == user.Id).ExecuteDeleteAsync(ct);
        AdminAudit.Add(db, actor, Now, nameof(User), user.Id, AuditAction.Updated, new FieldChange("Password", null, "set through a reset link"));
        await db.SaveChangesAsync(ct);
        return new Done();
    }

    private async Task<ResetLink> IssueAsync(long userId, TimeSpan lifetime, CancellationToken ct)
    {
        var purpose = Prefix + userId.ToString(CultureInfo.InvariantCulture);
        await db.OneTimeTokens.Where(t => t.Purpose == purpose && t.UsedAt == null).ExecuteDeleteAsync(ct);
        var secret = Secrets.New();
        var expires = Now + lifetime;
        db.OneTimeTokens.Add(new OneTimeToken { Purpose = purpose, Hash = Secrets.Hash(secret), ExpiresAt = expires });
        return new ResetLink("/account/reset/" + secret, expires);
    }

    private async Task<(long Id, long UserId)?> ValidTokenAsync(string secret, CancellationToken ct)
    {
        if (string.IsNullOrEmpty(secret) || secret.Length > 200) return null;
        var hash = Secrets.Hash(secret);
        var now = Now;
        var t = await db.OneTimeTokens.Where(x => x.Hash == hash && x.UsedAt == null && x.ExpiresAt > now && x.Purpose.StartsWith(Prefix))
            .Select(x => new { x.Id, x.Purpose }).FirstOrDefaultAsync(ct);
        return t is not null && long.TryParse(t.Purpose[Prefix.Length..], NumberStyles.None, CultureInfo.InvariantCulture, out var userId)
            ? (t.Id, userId) : null;
    }
}
