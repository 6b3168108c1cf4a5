using System.Security.Cryptography;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;
using Prospector.Data;
using Prospector.Features.Access;
using Prospector.Features.Audit;
using Prospector.Features.Common;

namespace Prospector.Features.Webhooks;

/// <summary>
/// Every write to webhook endpoints, for the API and the Settings page alike (admins only): register (the secret is made here
/// and shown once), change, pause/resume, delete, renew the secret, send a test event, retry a delivery.
/// </summary>
public sealed class WebhookAdmin(ProspectorDb db, TimeProvider time, IStringLocalizer<SharedResource> l, WebhookTargetGuard guard,
    IDataProtectionProvider protection, SecurityLog security, WebhookDispatcher dispatcher)
{
    public const string TestEvent = "webhook.test";
    public static IReadOnlyList<string> EventTypes => WebhookEventTypes.All;
    private DateTime Now => time.GetUtcNow().UtcDateTime;
    private IDataProtector Protector => protection.CreateProtector(WebhookSigner.Purpose);

    private Outcome<T> NotFound<T>(long id) => Outcome<T>.NotFound("Webhook not found", l["There is no webhook {0}.", id]);
    private static Outcome<T> AdminsOnly<T>() => Outcome<T>.Forbidden("Forbidden", "Only admins manage webhooks.");

    public async Task<Outcome<List<WebhookDto>>> ListAsync(AccessScope scope, CancellationToken ct = default) =>
        !scope.IsAdmin ? AdminsOnly<List<WebhookDto>>()
            : (await db.WebhookEndpoints.AsNoTracking().OrderBy(e => e.Id).ToListAsync(ct)).Select(WebhookDto.From).ToList();

    public async Task<Outcome<WebhookDto>> FindAsync(AccessScope scope, long id, CancellationToken ct = default) =>
        !scope.IsAdmin ? AdminsOnly<WebhookDto>()
            : await db.WebhookEndpoints.AsNoTracking().FirstOrDefaultAsync(e => e.Id == id, ct) is { } e ? WebhookDto.From(e) : NotFound<WebhookDto>(id);

    public Task<Outcome<WebhookWithSecret>> CreateAsync(AccessScope scope, WebhookInput input, CancellationToken ct = default) => UnitOfWork.RunAsync(db, async () =>
    {
        if (!scope.IsAdmin) return AdminsOnly<WebhookWithSecret>();
        var endpoint = new WebhookEndpoint { CreatedAt = Now, CreatedById = scope.UserId == 0 ? null : scope.UserId, Status = WebhookEndpointStatus.Active };
        if (await ApplyAsync(endpoint, input with { Events = input.Events ?? [] }, requireAll: true, ct) is { } errors)
            return Outcome<WebhookWithSecret>.Invalid(errors);
        var secret = NewSecret(endpoint);
        db.WebhookEndpoints.Add(endpoint);
        await db.SaveChangesAsync(ct);
        db.AuditEntries.Add(security.Entry(AuditAction.WebhookCreated, nameof(WebhookEndpoint), endpoint.Id, details: [new("Url", null, endpoint.Url)]));
        return new WebhookWithSecret(WebhookDto.From(endpoint), secret);
    }, ct);

    public Task<Outcome<WebhookDto>> UpdateAsync(AccessScope scope, long id, WebhookInput input, CancellationToken ct = default) => UnitOfWork.RunAsync(db, async () =>
    {
        if (!scope.IsAdmin) return AdminsOnly<WebhookDto>();
        if (await db.WebhookEndpoints.FirstOrDefaultAsync(e => e.Id == id, ct) is not { } endpoint) return NotFound<WebhookDto>(id);
        var (url, status) = (endpoint.Url, endpoint.Status);
        if (await ApplyAsync(endpoint, input, requireAll: false, ct) is { } errors) return Outcome<WebhookDto>.Invalid(errors);
        db.AuditEntries.Add(security.Entry(AuditAction.WebhookChanged, nameof(WebhookEndpoint), id,
            details: [new("Url", url, endpoint.Url), new("Status", status.ToString(), endpoint.Status.ToString())]));
        return WebhookDto.From(endpoint);
    }, ct);

    public Task<Outcome<Done>> DeleteAsync(AccessScope scope, long id, CancellationToken ct = default) => UnitOfWork.RunAsync(db, async () =>
    {
        if (!scope.IsAdmin) return AdminsOnly<Done>();
        if (await db.WebhookEndpoints.FirstOrDefaultAsync(e => e.Id == id, ct) is not { } endpoint) return NotFound<Done>(id);
        db.WebhookEndpoints.Remove(endpoint);
        db.AuditEntries.Add(security.Entry(AuditAction.WebhookDeleted, nameof(WebhookEndpoint), id, details: [new("Url", endpoint.Url, null)]));
        return new Done();
    }, ct);

    public Task<Outcome<WebhookWithSecret>> RotateSecretAsync(AccessScope scope, long id, CancellationToken ct = default) => UnitOfWork.RunAsync(db, async () =>
    {
        if (!scope.IsAdmin) return AdminsOnly<WebhookWithSecret>();
        if (await db.WebhookEndpoints.FirstOrDefaultAsync(e => e.Id == id, ct) is not { } endpoint) return NotFound<WebhookWithSecret>(id);
        var secret = NewSecret(endpoint);
        db.AuditEntries.Add(security.Entry(AuditAction.WebhookSecretRotated, nameof(WebhookEndpoint), id));
        return new WebhookWithSecret(WebhookDto.From(endpoint), secret);
    }, ct);

    /// <summary>The endpoint's deliveries, newest first; <paramref name="before"/> (a delivery id) pages back.</summary>
    public async Task<Outcome<List<WebhookDeliveryDto>>> DeliveriesAsync(AccessScope scope, long id, long? before = null, int limit = 50, CancellationToken ct = default)
    {
        if (!scope.IsAdmin) return AdminsOnly<List<WebhookDeliveryDto>>();
        if (!await db.WebhookEndpoints.AnyAsync(e => e.Id == id, ct)) return NotFound<List<WebhookDeliveryDto>>(id);
        var q = db.WebhookDeliveries.AsNoTracking().Where(d => d.EndpointId == id);
        if (before is { } b) q = q.Where(d => d.Id < b);
        return (await q.OrderByDescending(d => d.Id).Take(Math.Clamp(limit, 1, 200)).ToListAsync(ct)).Select(WebhookDeliveryDto.From).ToList();
    }

    /// <summary>Sends a delivery again now (a new attempt of the same event, same body), whatever its state was.</summary>
    public async Task<Outcome<WebhookDeliveryDto>> RetryAsync(AccessScope scope, long id, long deliveryId, CancellationToken ct = default)
    {
        var outcome = await UnitOfWork.RunAsync(db, async () =>
        {
            if (!scope.IsAdmin) return AdminsOnly<WebhookDeliveryDto>();
            if (await db.WebhookDeliveries.FirstOrDefaultAsync(d => d.Id == deliveryId && d.EndpointId == id, ct) is not { } d)
                return Outcome<WebhookDeliveryDto>.NotFound("Delivery not found", l["There is no delivery {0} of webhook {1}.", deliveryId, id]);
            if (d.Status == WebhookDeliveryStatus.Claimed)
                return Outcome<WebhookDeliveryDto>.Conflict("Delivery in progress", l["This delivery is being sent right now."]);
            (d.Status, d.NextAttemptAt, d.CreatedAt) = (WebhookDeliveryStatus.Pending, Now, Now);
            return WebhookDeliveryDto.From(d);
        }, ct);
        if (outcome.IsOk) dispatcher.Wake();
        return outcome;
    }

    /// <summary>Queues a "webhook.test" event for this endpoint alone (also when paused, to check a fix) and sends it at once.</summary>
    public async Task<Outcome<WebhookDeliveryDto>> SendTestAsync(AccessScope scope, long id, CancellationToken ct = default)
    {
        var outcome = await UnitOfWork.RunAsync(db, async () =>
        {
            if (!scope.IsAdmin) return AdminsOnly<WebhookDeliveryDto>();
            if (!await db.WebhookEndpoints.AnyAsync(e => e.Id == id, ct)) return NotFound<WebhookDeliveryDto>(id);
            var e = new WebhookEvent { Type = TestEvent, EntityType = nameof(WebhookEndpoint), EntityId = id, OccurredAt = Now, Dispatched = true };
            db.WebhookEvents.Add(e);
            await db.SaveChangesAsync(ct);
            e.Payload = WebhookSigner.Body(e, new { message = "This is a test event from Prospector.", webhookId = id }, null);
            var d = new WebhookDelivery { EndpointId = id, Event = e, EventType = TestEvent, Status = WebhookDeliveryStatus.Pending, CreatedAt = Now, NextAttemptAt = Now };
            db.WebhookDeliveries.Add(d);
            await db.SaveChangesAsync(ct);
            return WebhookDeliveryDto.From(d);
        }, ct);
        if (outcome.IsOk) dispatcher.Wake(id);
        return outcome;
    }

    private string NewSecret(WebhookEndpoint endpoint)
    {
        var secret = "whsec_" + Base64Url(RandomNumberGenerator.GetBytes(32));
        (endpoint.Secret, endpoint.SecretCreatedAt) = (Protector.Protect(secret), Now);
        return secret;
    }

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private async Task<Dictionary<string, string[]>?> ApplyAsync(WebhookEndpoint e, WebhookInput input, bool requireAll, CancellationToken ct)
    {
        var errors = new Dictionary<string, string[]>();
        if (input.Url is not null || requireAll)
        {
            if (guard.CheckUrl(input.Url, out var uri) is { } why) errors["url"] = [l[why]];
            else if (await guard.CheckResolvesPublicAsync(uri!, ct) is { } inner) errors["url"] = [l[inner]];
            else e.Url = uri!.AbsoluteUri;
        }
        if (input.Events is { } events)
        {
            var unknown = events.Where(t => !EventTypes.Contains(t)).ToList();
            if (unknown.Count > 0) errors["events"] = [l["Unknown event type {0}; known are: {1}.", string.Join(", ", unknown), string.Join(", ", EventTypes)]];
            else if (events.Count == 0) errors["events"] = [l["Choose at least one event."]];
            else e.Events = string.Join(' ', events.Distinct());
        }
        if (input.Description is { } d)
        {
            if (d.Length > 500) errors["description"] = [l["{0} can be at most {1} characters.", "description", 500]];
            else e.Description = string.IsNullOrWhiteSpace(d) ? null : d.Trim();
        }
        if (input.Active is { } active && errors.Count == 0)
        {
            if (active && e.Status == WebhookEndpointStatus.Paused) (e.Status, e.PausedReason, e.PausedAt, e.ConsecutiveFailures) = (WebhookEndpointStatus.Active, null, null, 0);
            else if (!active && e.Status == WebhookEndpointStatus.Active) (e.Status, e.PausedReason, e.PausedAt) = (WebhookEndpointStatus.Paused, "Paused by an admin.", Now);
        }
        return errors.Count > 0 ? errors : null;
    }
}
