using System.Diagnostics;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Prospector.Data;

namespace Prospector.Features.Webhooks;

/// <summary>
/// Fans the outbox out and posts deliveries (ADR 0014). Each event is claimed once (Dispatched false → true in the transaction that
/// writes its deliveries) and each attempt once (a conditional UPDATE Pending → Claimed, as reminders do, ADR 0004), so several
/// instances on one database deliver every event once per endpoint. Failed attempts are retried with exponential backoff and
/// jitter for <see cref="WebhookOptions.RetryHours"/>; an endpoint failing <see cref="WebhookOptions.PauseAfterFailures"/> times in a
/// row, or whose delivery was given up, is paused and recorded as a security event.
/// </summary>
/// <summary>Tells the admin who registered an endpoint that it was paused after failures (Hosting/WebhookPauseMail).</summary>
public interface IWebhookPauseNotice
{
    Task PausedAsync(long endpointId, CancellationToken ct);
}

public sealed class WebhookDispatcher(IServiceScopeFactory scopes, TimeProvider time, IOptions<WebhookOptions> options, WebhookTargetGuard guard,
    IOptions<Microsoft.AspNetCore.Http.Json.JsonOptions> json, ILogger<WebhookDispatcher> log) : BackgroundService
{
    private static readonly TimeSpan StaleClaim = TimeSpan.FromMinutes(10);
    private readonly SemaphoreSlim _wake = new(0);
    private HttpClient? _client;

    public string Instance { get; init; } = $"{Environment.MachineName}:{Environment.ProcessId}";

    /// <summary>Look now rather than at the next poll (a test event, a retry by hand).</summary>
    public void Wake(long? endpointId = null)
    {
        _ = endpointId;
        if (_wake.CurrentCount == 0) _wake.Release();
    }

    private HttpClient Client => _client ??= new HttpClient(guard.CreateHandler(TimeSpan.FromSeconds(Math.Max(1, options.Value.TimeoutSeconds))))
    { Timeout = TimeSpan.FromSeconds(Math.Max(1, options.Value.TimeoutSeconds)) };

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var every = TimeSpan.FromSeconds(Math.Max(1, options.Value.PollSeconds));
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await RunOnceAsync(stoppingToken);
            }
            catch (Exception e) when (e is DbUpdateException or System.Data.Common.DbException or InvalidOperationException or TimeoutException)
            {
                log.LogWarning(e, "Webhook run failed; trying again shortly.");
            }
            try
            {
                await _wake.WaitAsync(every, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>One round: fan new events out, then post what is due. Returns the number of attempts made.</summary>
    public async Task<int> RunOnceAsync(CancellationToken ct)
    {
        await FanOutAsync(ct);
        var now = time.GetUtcNow().UtcDateTime;
        await using (var scope = scopes.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<ProspectorDb>();
            await db.WebhookDeliveries.Where(d => d.Status == WebhookDeliveryStatus.Claimed && d.ClaimedAt < now - StaleClaim)
                .ExecuteUpdateAsync(u => u.SetProperty(d => d.Status, WebhookDeliveryStatus.Pending).SetProperty(d => d.NextAttemptAt, now), ct);
        }
        var attempts = 0;
        while (!ct.IsCancellationRequested)
        {
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<ProspectorDb>();
            var active = db.WebhookEndpoints.Where(e => e.Status == WebhookEndpointStatus.Active).Select(e => e.Id);
            var ids = await db.WebhookDeliveries.Where(d => d.Status == WebhookDeliveryStatus.Pending && d.NextAttemptAt <= now
                    && (active.Contains(d.EndpointId) || d.EventType == WebhookAdmin.TestEvent))
                .OrderBy(d => d.NextAttemptAt).ThenBy(d => d.Id).Select(d => d.Id).Take(50).ToListAsync(ct);
            if (ids.Count == 0) break;
            foreach (var id in ids)
            {
                var claimed = await db.WebhookDeliveries.Where(d => d.Id == id && d.Status == WebhookDeliveryStatus.Pending).ExecuteUpdateAsync(u => u
                    .SetProperty(d => d.Status, WebhookDeliveryStatus.Claimed).SetProperty(d => d.ClaimedBy, Instance)
                    .SetProperty(d => d.ClaimedAt, now).SetProperty(d => d.Attempts, d => d.Attempts + 1), ct);
                if (claimed == 0) continue; // another instance was faster
                await AttemptAsync(scope.ServiceProvider, id, ct);
                attempts++;
            }
            if (ids.Count < 50) break;
        }
        return attempts;
    }

    private async Task FanOutAsync(CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            List<long> ids;
            await using (var scope = scopes.CreateAsyncScope())
                ids = await scope.ServiceProvider.GetRequiredService<ProspectorDb>().WebhookEvents.Where(e => !e.Dispatched)
                    .OrderBy(e => e.Id).Select(e => e.Id).Take(100).ToListAsync(ct);
            if (ids.Count == 0) return;
            foreach (var id in ids)
            {
                await using var scope = scopes.CreateAsyncScope();
                var db = scope.ServiceProvider.GetRequiredService<ProspectorDb>();
                await using var tx = await db.Database.BeginTransactionAsync(ct);
                // The claim and the deliveries commit together: a crash in between leaves the event undispatched, not lost.
                if (await db.WebhookEvents.Where(e => e.Id == id && !e.Dispatched).ExecuteUpdateAsync(u => u.SetProperty(e => e.Dispatched, true), ct) == 0)
                    continue;
                var e = await db.WebhookEvents.FirstAsync(x => x.Id == id, ct);
                var now = time.GetUtcNow().UtcDateTime;
                var endpoints = (await db.WebhookEndpoints.Where(w => w.Status == WebhookEndpointStatus.Active).Select(w => new { w.Id, w.Events }).ToListAsync(ct))
                    .Where(w => w.Events.Split(' ').Contains(e.Type)).ToList();
                if (endpoints.Count > 0)
                {
                    e.Payload = WebhookSigner.Body(e, await WebhookPayloads.DataAsync(scope.ServiceProvider, e, ct), json.Value.SerializerOptions);
                    foreach (var w in endpoints)
                        db.WebhookDeliveries.Add(new WebhookDelivery
                        {
                            EndpointId = w.Id, EventId = e.Id, EventType = e.Type, Status = WebhookDeliveryStatus.Pending, CreatedAt = now, NextAttemptAt = now,
                        });
                }
                await db.SaveChangesAsync(ct);
                await tx.CommitAsync(ct);
            }
            if (ids.Count < 100) return;
        }
    }

    private async Task AttemptAsync(IServiceProvider sp, long id, CancellationToken ct)
    {
        var db = sp.GetRequiredService<ProspectorDb>();
        var d = await db.WebhookDeliveries.Include(x => x.Event).FirstAsync(x => x.Id == id, ct);
        var endpoint = await db.WebhookEndpoints.FirstAsync(x => x.Id == d.EndpointId, ct);
        var body = d.Event!.Payload ?? "{}";
        var started = Stopwatch.GetTimestamp();
        var now = time.GetUtcNow();
        bool ok, refused = false;
        try
        {
            var secret = sp.GetRequiredService<IDataProtectionProvider>().CreateProtector(WebhookSigner.Purpose).Unprotect(endpoint.Secret);
            using var request = new HttpRequestMessage(HttpMethod.Post, endpoint.Url) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
            request.Headers.Add("Prospector-Signature", WebhookSigner.Signature(secret, now.ToUnixTimeSeconds(), body));
            request.Headers.Add("Prospector-Event", d.EventType);
            request.Headers.Add("Prospector-Delivery", d.Id.ToString(System.Globalization.CultureInfo.InvariantCulture));
            request.Headers.UserAgent.ParseAdd("Prospector-Webhooks/1");
            using var response = await Client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct);
            d.ResponseCode = (int)response.StatusCode;
            ok = response.IsSuccessStatusCode;
            var text = await ReadExcerptAsync(response, ct);
            d.ResponseExcerpt = (int)response.StatusCode is >= 300 and < 400
                ? $"Redirect to {response.Headers.Location} not followed." : text;
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or System.Security.Cryptography.CryptographicException
            or WebhookTargetRefusedException && !ct.IsCancellationRequested)
        {
            ok = false;
            refused = e is WebhookTargetRefusedException || e.InnerException is WebhookTargetRefusedException;
            d.ResponseCode = null;
            var why = e is TaskCanceledException ? "No answer in time." : (e.InnerException as WebhookTargetRefusedException)?.Message ?? e.Message;
            d.ResponseExcerpt = refused ? $"Refused: {why}" : why;
        }
        d.DurationMs = (int)Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        var at = now.UtcDateTime;
        (d.LastAttemptAt, d.ClaimedBy) = (at, null);
        d.ResponseExcerpt = UnicodeText.Prefix(d.ResponseExcerpt, 500);
        if (ok)
        {
            (d.Status, d.NextAttemptAt) = (WebhookDeliveryStatus.Succeeded, null);
            endpoint.ConsecutiveFailures = 0;
            await db.SaveChangesAsync(ct);
            return;
        }
        endpoint.ConsecutiveFailures++;
        var next = at + Backoff(d.Attempts);
        var giveUp = refused || next > d.CreatedAt.AddHours(options.Value.RetryHours);
        (d.Status, d.NextAttemptAt) = giveUp ? (WebhookDeliveryStatus.Failed, (DateTime?)null) : (WebhookDeliveryStatus.Pending, next);
        string? pause = d.EventType == WebhookAdmin.TestEvent ? null
            : giveUp && !refused ? $"Every attempt to deliver event {d.EventId} failed for {options.Value.RetryHours} hours."
            : endpoint.ConsecutiveFailures >= options.Value.PauseAfterFailures ? $"{endpoint.ConsecutiveFailures} attempts in a row failed (last: {d.ResponseCode?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? d.ResponseExcerpt})."
            : null;
        pause = UnicodeText.Prefix(pause, 500);
        if (pause is not null && endpoint.Status == WebhookEndpointStatus.Active
            // Pausing is a conditional update: with several instances delivering to the same endpoint, only the one that
            // moves it from Active to Paused writes the audit entry and tells the owner.
            && await db.WebhookEndpoints.Where(e => e.Id == endpoint.Id && e.Status == WebhookEndpointStatus.Active)
                .ExecuteUpdateAsync(u => u.SetProperty(e => e.Status, WebhookEndpointStatus.Paused)
                    .SetProperty(e => e.PausedReason, pause).SetProperty(e => e.PausedAt, at), ct) == 1)
        {
            (endpoint.Status, endpoint.PausedReason, endpoint.PausedAt) = (WebhookEndpointStatus.Paused, pause, at);
            db.AuditEntries.Add(new AuditEntry
            {
                Action = AuditAction.WebhookPaused, EntityType = nameof(WebhookEndpoint), EntityId = endpoint.Id, At = at, RemoteIp = "server",
                UserName = "Prospector", Changes = JsonSerializer.Serialize(new[] { new FieldChange("Status", "Active", "Paused"), new FieldChange("Reason", null, pause) }, JsonSerializerOptions.Web),
            });
            log.LogWarning("Webhook {Id} ({Url}) paused: {Reason}", endpoint.Id, endpoint.Url, pause);
            await db.SaveChangesAsync(ct);
            // Once per pause: only the attempt that moved the endpoint from Active to Paused gets here.
            if (sp.GetService<IWebhookPauseNotice>() is { } notice)
            {
                try
                {
                    await notice.PausedAsync(endpoint.Id, ct);
                }
                catch (Exception x) when (x is not OperationCanceledException)
                {
                    log.LogWarning(x, "Could not tell the owner of webhook {Id} that it was paused.", endpoint.Id);
                }
            }
            return;
        }
        await db.SaveChangesAsync(ct);
    }

    /// <summary>30 s, 1, 2, 4 … minutes, at most 6 hours between attempts, each ±20 % so failing receivers are not hit in step.</summary>
    public static TimeSpan Backoff(int attempts)
    {
        var seconds = Math.Min(30 * Math.Pow(2, Math.Max(0, attempts - 1)), 6 * 3600);
        return TimeSpan.FromSeconds(seconds * (0.8 + (Random.Shared.NextDouble() * 0.4)));
    }

    private static async Task<string> ReadExcerptAsync(HttpResponseMessage response, CancellationToken ct)
    {
        try
        {
            await using var stream = await response.Content.ReadAsStreamAsync(ct);
            var buffer = new byte[2048];
            var n = await stream.ReadAtLeastAsync(buffer, buffer.Length, throwOnEndOfStream: false, ct);
            var text = Encoding.UTF8.GetString(buffer, 0, n);
            return UnicodeText.Prefix(text, 500);
        }
        catch (Exception e) when (e is HttpRequestException or IOException)
        {
            return "";
        }
    }

    public override void Dispose()
    {
        _client?.Dispose();
        _wake.Dispose();
        base.Dispose();
    }
}
