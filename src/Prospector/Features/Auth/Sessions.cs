using System.Globalization;
using System.Security.Claims;
using Microsoft.EntityFrameworkCore;
using Prospector.Data;
using Prospector.Features.Access;
using Prospector.Features.Common;

namespace Prospector.Features.Auth;

/// <summary>
/// Server-side sign-in sessions. The sign-in cookie carries a random session key; the cookie is accepted only while the
/// <see cref="UserSession"/> row with that key's hash exists, its user is active and the user's security stamp is the one
/// in the cookie. That is one indexed read per request (a compiled query), on every instance alike, so signing out,
/// "sign out everywhere", a password change and deactivation end a copied cookie at its very next request.
/// </summary>
public sealed class Sessions(ProspectorDb db, TimeProvider time, AuthCache cache, ILogger<Sessions> log)
{
    /// <summary>The claim in the sign-in cookie that names the session.</summary>
    public const string KeyClaim = "prospector.session";
    public const string StampClaim = "AspNet.Identity.SecurityStamp";

    /// <summary>As long as the cookie's sliding lifetime: a session idle for longer is over.</summary>
    public static readonly TimeSpan Lifetime = TimeSpan.FromDays(14);

    /// <summary>How stale <see cref="UserSession.LastSeenAt"/> may get before a request writes it (writes are rare).</summary>
    private static readonly TimeSpan TouchEvery = TimeSpan.FromMinutes(5);

    private sealed record Seen(DateTime LastSeenAt, string? Role);

    /// <summary>The session's last request and its user's role now, in one read: a role changed by an admin counts from the next request.</summary>
    private static readonly PerProvider<Func<ProspectorDb, string, long, string, DateTime, Task<Seen?>>> LastSeen = new(() =>
        EF.CompileAsyncQuery((ProspectorDb db, string hash, long userId, string stamp, DateTime idleSince) =>
            db.UserSessions.AsNoTracking()
                .Where(s => s.KeyHash == hash && s.UserId == userId && s.LastSeenAt > idleSince
                    && s.User!.DeactivatedAt == null && s.User.SecurityStamp == stamp)
                .Select(s => new Seen(s.LastSeenAt,
                    db.UserRoles.Where(r => r.UserId == s.UserId).Join(db.Roles, ur => ur.RoleId, r => r.Id, (ur, r) => r.Name).FirstOrDefault()))
                .FirstOrDefault()));

    /// <summary>Opens a session for a user who just signed in and returns its key (for the cookie); drops their expired ones.</summary>
    public async Task<string> StartAsync(long userId, string? userAgent, CancellationToken ct = default)
    {
        var now = time.GetUtcNow().UtcDateTime;
        await db.UserSessions.Where(s => s.UserId == userId && s.LastSeenAt <= now - Lifetime).ExecuteDeleteAsync(ct);
        var key = Secrets.New();
        db.UserSessions.Add(new UserSession
        {
            UserId = userId,
            KeyHash = Secrets.Hash(key),
            CreatedAt = now,
            LastSeenAt = now,
            UserAgent = UnicodeText.Prefix(userAgent, 200),
        });
        await db.SaveChangesAsync(ct);
        return key;
    }

    /// <summary>
    /// True while the principal's session is open, its user active, their security stamp unchanged and their role the one
    /// the principal carries (an open page whose user got another role starts over with it).
    /// </summary>
    public async Task<bool> IsOpenAsync(ClaimsPrincipal principal, CancellationToken ct = default) =>
        await RoleIfOpenAsync(principal, ct) is { } role && role == RoleOf(principal);

    /// <summary>The user's role now ("" for none) while the principal's session is open, its user active and their stamp unchanged; else null.</summary>
    public async Task<string?> RoleIfOpenAsync(ClaimsPrincipal principal, CancellationToken ct = default)
    {
        if (!long.TryParse(principal.FindFirstValue(ClaimTypes.NameIdentifier), NumberStyles.None, CultureInfo.InvariantCulture, out var userId)
            || principal.FindFirstValue(KeyClaim) is not { Length: > 0 } key
            || principal.FindFirstValue(StampClaim) is not { } stamp)
            return null; // also every cookie issued before sessions existed: its user signs in once more
        var hash = Secrets.Hash(key);
        var now = time.GetUtcNow().UtcDateTime;
        // Cached until anything about sessions, users or roles is written (AuthCache): ending a session, deactivating the
        // user or changing their stamp or role counts at the very next request.
        var idleSince = now - Lifetime;
        var cached = $"session:{hash}:{userId}:{stamp}";
        if (await cache.GetOrLoadAsync(cached, () => LastSeen.For(db)(db, hash, userId, stamp, idleSince)) is not { } seen
            || seen.LastSeenAt <= idleSince) return null;
        if (now - seen.LastSeenAt > TouchEvery)
        {
            // Only the time changes, and it goes into the cached answer itself (AuthCache.StampOnly).
            // Skipped when the database is busy (BestEffort): the cached time still moves on, so the next try is in five minutes.
            using (AuthCache.StampOnly())
                await BestEffort.WriteAsync(db, () => db.UserSessions.Where(s => s.KeyHash == hash)
                    .ExecuteUpdateAsync(s => s.SetProperty(x => x.LastSeenAt, now), ct), log, "a session's last request");
            cache.Update<Seen>(cached, s => s with { LastSeenAt = now });
        }
        return seen.Role ?? "";
    }

    /// <summary>The role a principal carries ("" for none; users hold one role).</summary>
    public static string RoleOf(ClaimsPrincipal principal) => principal.FindFirstValue(ClaimTypes.Role) ?? "";

    /// <summary>The principal with <paramref name="role"/> in place of the role it carries.</summary>
    public static ClaimsPrincipal WithRole(ClaimsPrincipal principal, string role)
    {
        var identity = ((ClaimsIdentity)principal.Identity!).Clone();
        foreach (var old in identity.FindAll(identity.RoleClaimType).ToList()) identity.RemoveClaim(old);
        if (role.Length > 0) identity.AddClaim(new Claim(identity.RoleClaimType, role));
        return new ClaimsPrincipal(identity);
    }

    /// <summary>Ends the principal's own session (sign out); nothing happens when it has none.</summary>
    public async Task EndAsync(ClaimsPrincipal principal, CancellationToken ct = default)
    {
        if (principal.FindFirstValue(KeyClaim) is not { Length: > 0 } key) return;
        var hash = Secrets.Hash(key);
        await db.UserSessions.Where(s => s.KeyHash == hash).ExecuteDeleteAsync(ct);
    }

    /// <summary>Ends every session of a user, in every browser; returns how many there were.</summary>
    public Task<int> EndAllAsync(long userId, CancellationToken ct = default) =>
        db.UserSessions.Where(s => s.UserId == userId).ExecuteDeleteAsync(ct);

    /// <summary>How many sessions of the user are open (signed-in browsers).</summary>
    public Task<int> CountAsync(long userId, CancellationToken ct = default)
    {
        var idleSince = time.GetUtcNow().UtcDateTime - Lifetime;
        return db.UserSessions.CountAsync(s => s.UserId == userId && s.LastSeenAt > idleSince, ct);
    }
}
