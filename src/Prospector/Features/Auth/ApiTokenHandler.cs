using System.Globalization;
using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Prospector.Data;
using Prospector.Features.Access;
using Prospector.Features.Common;

namespace Prospector.Features.Auth;

/// <summary>Authenticates `Authorization: Bearer psk_…` with a personal API token, checked on every request.</summary>
public sealed class ApiTokenHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder,
    AuthCache cache, TimeProvider time)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "Bearer";

    private sealed record TokenUser(long TokenId, DateTime? LastUsedAt, long UserId, string? UserName, string? Email, string? Stamp, string? Role);

    /// <summary>
    /// Token, user and role in one indexed read: the claims a cookie would carry (id, name, e-mail, security stamp, role).
    /// Users hold one role (<see cref="UserAdmin"/> gives exactly one); Prospector keeps no user or role claims besides.
    /// </summary>
    private static readonly PerProvider<Func<ProspectorDb, string, Task<TokenUser?>>> Find = new(() =>
        EF.CompileAsyncQuery((ProspectorDb db, string hash) =>
            db.ApiTokens.AsNoTracking()
                .Where(t => t.Hash == hash && t.RevokedAt == null && t.User!.DeactivatedAt == null)
                .Select(t => new TokenUser(t.Id, t.LastUsedAt, t.UserId, t.User!.UserName, t.User.Email, t.User.SecurityStamp,
                    db.UserRoles.Where(r => r.UserId == t.UserId).Join(db.Roles, ur => ur.RoleId, r => r.Id, (ur, r) => r.Name).FirstOrDefault()))
                .FirstOrDefault()));

    /// <summary>Only resolved when the cache has no answer: most requests never make a DbContext here.</summary>
    private ProspectorDb Db => Context.RequestServices.GetRequiredService<ProspectorDb>();

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        string? header = Request.Headers.Authorization;
        if (header is null || !header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
            return AuthenticateResult.NoResult();
        var hash = Secrets.Hash(header["Bearer ".Length..].Trim());
        // Revocation and deactivation take effect on the very next request: any write to tokens or users drops the cached
        // answer (AuthCache); the database is read only when there is none.
        if (await cache.GetOrLoadAsync("token:" + hash, () => Find.For(Db)(Db, hash)) is not { } token)
            return AuthenticateResult.Fail("Invalid or revoked API token.");
        var now = time.GetUtcNow().UtcDateTime;
        if (token.LastUsedAt is null || now - token.LastUsedAt > TimeSpan.FromMinutes(5))
        {
            var db = Db;
            // This write changes no cached answer but the time, which is put into the answer itself (AuthCache.StampOnly).
            // Skipped when the database is busy (BestEffort): a read never waits for this stamp.
            using (AuthCache.StampOnly())
                await BestEffort.WriteAsync(db, () => db.ApiTokens.Where(t => t.Id == token.TokenId)
                    .ExecuteUpdateAsync(s => s.SetProperty(t => t.LastUsedAt, now), Context.RequestAborted), Logger, "a token's last use");
            cache.Update<TokenUser>("token:" + hash, t => t with { LastUsedAt = now });
        }
        List<Claim> claims =
        [
            new(ClaimTypes.NameIdentifier, token.UserId.ToString(CultureInfo.InvariantCulture)),
            new(ClaimTypes.Name, token.UserName ?? ""),
            new("token_id", token.TokenId.ToString(CultureInfo.InvariantCulture)),
        ];
        if (token.Email is { } email) claims.Add(new Claim(ClaimTypes.Email, email));
        if (token.Stamp is { } stamp) claims.Add(new Claim(Sessions.StampClaim, stamp));
        if (token.Role is { } role) claims.Add(new Claim(ClaimTypes.Role, role));
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(new ClaimsIdentity(claims, SchemeName)), SchemeName));
    }
}
