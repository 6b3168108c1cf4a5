using System.Net;
using Microsoft.EntityFrameworkCore;
using Prospector.Data;
using Prospector.Tests.Infrastructure;

namespace Prospector.Tests.Http;

/// <summary>
/// Security events in the audit trail: sign-ins, failed sign-ins (the address canonicalised, never the password), token
/// creation and revocation — each with who, when and the remote address.
/// </summary>
public abstract partial class AuthTests
{
    private Task<List<AuditEntry>> EventsAsync(AuditAction action) =>
        app.WithDbAsync((db, _) => db.AuditEntries.Where(a => a.Action == action).OrderBy(a => a.Id).ToListAsync());

    [Fact]
    public async Task A_sign_in_and_a_failed_one_are_in_the_audit_trail_with_the_address_tried_but_never_the_password()
    {
        var user = await app.UserAsync("Rep", "Nord");
        var browser = Browser(app);
        const string wrong = "wrong-password-Zq7731";
        // Upper case and the long s (ſ) of a look-alike address: recorded as the canonical address.
        var lookAlike = user.Email.ToUpperInvariant().Replace("S", "ſ", StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Unauthorized, (await SignInAsync(browser, lookAlike, wrong)).StatusCode);
        var failed = (await EventsAsync(AuditAction.SignInFailed)).Last();
        Assert.Equal(user.Email, failed.UserName);
        Assert.Null(failed.UserId);
        Assert.Equal(user.Id, failed.EntityId);
        Assert.DoesNotContain(wrong, failed.Changes, StringComparison.Ordinal);
        Assert.Contains(user.Email, failed.Changes, StringComparison.Ordinal);
        Assert.False(string.IsNullOrEmpty(failed.RemoteIp));
        var now = app.Clock.GetUtcNow().UtcDateTime;
        Assert.InRange(failed.At, now.AddMinutes(-1), now.AddSeconds(1));

        var unknown = $"Nobody-{TestHttp.Unique()}@Test.Example";
        Assert.Equal(HttpStatusCode.Unauthorized, (await SignInAsync(browser, unknown, wrong)).StatusCode);
        var failedUnknown = (await EventsAsync(AuditAction.SignInFailed)).Last();
        Assert.Equal(unknown.ToLowerInvariant(), failedUnknown.UserName);
        Assert.Equal(0, failedUnknown.EntityId);

        Assert.Equal(HttpStatusCode.Found, (await SignInAsync(browser, user.Email, Password)).StatusCode);
        var signedIn = (await EventsAsync(AuditAction.SignedIn)).Last();
        Assert.Equal(user.Id, signedIn.UserId);
        Assert.Equal(user.Id, signedIn.EntityId);
        Assert.False(string.IsNullOrEmpty(signedIn.RemoteIp));
        // No password of any attempt is stored anywhere in the trail.
        Assert.DoesNotContain(await app.WithDbAsync((db, _) => db.AuditEntries.Select(a => a.Changes).ToListAsync()),
            c => c.Contains(wrong, StringComparison.Ordinal) || c.Contains(Password, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Creating_and_revoking_a_token_are_in_the_audit_trail_with_who_and_from_where()
    {
        var user = await app.UserAsync("Manager", "Nord");
        var created = await user.Client.CreateAsync("/api/v1/tokens", new { name = "Zq deploy script" });
        var id = created.GetProperty("id").GetInt64();
        var made = Assert.Single(await EventsAsync(AuditAction.TokenCreated), e => e.EntityId == id);
        Assert.Equal(user.Id, made.UserId);
        Assert.Contains("Zq deploy script", made.Changes, StringComparison.Ordinal);
        Assert.DoesNotContain(created.GetProperty("token").GetString()!, made.Changes, StringComparison.Ordinal);
        Assert.False(string.IsNullOrEmpty(made.RemoteIp));

        Assert.Equal(HttpStatusCode.NoContent, (await user.Client.DeleteAsync($"/api/v1/tokens/{id}")).StatusCode);
        var revoked = Assert.Single(await EventsAsync(AuditAction.TokenRevoked), e => e.EntityId == id);
        Assert.Equal(user.Id, revoked.UserId);
        Assert.False(string.IsNullOrEmpty(revoked.RemoteIp));
        // Revoking it again changes nothing and records nothing.
        Assert.Equal(HttpStatusCode.NotFound, (await user.Client.DeleteAsync($"/api/v1/tokens/{id}")).StatusCode);
        Assert.Single(await EventsAsync(AuditAction.TokenRevoked), e => e.EntityId == id);

        // Admins read them back: newest first, filtered by user, with the address.
        var admin = await app.UserAsync("Admin");
        var events = (await admin.Client.GetJsonAsync($"/api/v1/security-events?userId={user.Id}")).EnumerateArray().ToList();
        Assert.Equal(["TokenRevoked", "TokenCreated"], events.Take(2).Select(e => e.GetProperty("action").GetString()));
        Assert.All(events, e => Assert.False(string.IsNullOrEmpty(e.GetProperty("remoteIp").GetString())));
        Assert.Equal(HttpStatusCode.Forbidden, (await user.Client.GetAsync("/api/v1/security-events")).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await admin.Client.GetAsync("/api/v1/security-events?limit=0")).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await admin.Client.GetAsync("/api/v1/security-events?action=Updated")).StatusCode);
    }
}
