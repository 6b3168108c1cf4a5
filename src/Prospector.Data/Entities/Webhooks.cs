namespace Prospector.Data;

public enum WebhookEndpointStatus { Active, Paused }

public enum WebhookDeliveryStatus
{
    /// <summary>Waiting for its (next) attempt at <see cref="WebhookDelivery.NextAttemptAt"/>.</summary>
    Pending,
    /// <summary>An instance is posting it now.</summary>
    Claimed,
    /// <summary>The endpoint answered 2xx.</summary>
    Succeeded,
    /// <summary>Given up: every attempt for 24 hours failed (or the target was refused).</summary>
    Failed,
}

/// <summary>An HTTPS address an admin registered to receive signed events (docs/webhooks.md).</summary>
public sealed class WebhookEndpoint
{
    public long Id { get; set; }
    public string Url { get; set; } = "";
    /// <summary>The event types it receives, space-separated, e.g. "contact.created deal.won".</summary>
    public string Events { get; set; } = "";
    public string? Description { get; set; }
    public WebhookEndpointStatus Status { get; set; }
    /// <summary>Why it was paused (by an admin, or automatically after failing).</summary>
    public string? PausedReason { get; set; }
    public DateTime? PausedAt { get; set; }
    /// <summary>The signing secret, encrypted with the data-protection keys; shown in clear once, when made.</summary>
    public string Secret { get; set; } = "";
    public DateTime SecretCreatedAt { get; set; }
    /// <summary>Failed attempts since the last success: at the configured limit the endpoint is paused.</summary>
    public int ConsecutiveFailures { get; set; }
    public DateTime CreatedAt { get; set; }
    public long? CreatedById { get; set; }
}

/// <summary>
/// The outbox: one row per event, written by <c>ProspectorDb.SaveChangesAsync</c> in the same transaction as the change, so a
/// rolled-back change has no event and a committed one never loses it. The dispatcher fans it out into deliveries once.
/// </summary>
public sealed class WebhookEvent
{
    public long Id { get; set; }
    public string Type { get; set; } = "";
    public string EntityType { get; set; } = "";
    public long EntityId { get; set; }
    public DateTime OccurredAt { get; set; }
    /// <summary>True once turned into deliveries (claimed by one instance).</summary>
    public bool Dispatched { get; set; }
    /// <summary>The body every attempt posts (made once, at fan-out).</summary>
    public string? Payload { get; set; }
}

/// <summary>One event to one endpoint, with its attempts' outcome.</summary>
public sealed class WebhookDelivery
{
    public long Id { get; set; }
    public long EndpointId { get; set; }
    public long EventId { get; set; }
    public WebhookEvent? Event { get; set; }
    public string EventType { get; set; } = "";
    public WebhookDeliveryStatus Status { get; set; }
    public int Attempts { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime? NextAttemptAt { get; set; }
    public DateTime? ClaimedAt { get; set; }
    public string? ClaimedBy { get; set; }
    public DateTime? LastAttemptAt { get; set; }
    public int? ResponseCode { get; set; }
    public int? DurationMs { get; set; }
    /// <summary>The first 500 characters of the answer, or why there was none.</summary>
    public string? ResponseExcerpt { get; set; }
}
